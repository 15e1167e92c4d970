// One training loop for every model: a loaded Keras / TF.js model trained by the generic `fit`
// (over kerasData) is bit for bit what KerasModel.fit gives, and the loop's own options — clipNorm,
// schedule, onStep, checkpoints every N steps with a mid-epoch resume — work for it as they do for
// a SequenceModel. (Agreement with TF.js itself is test/io/keras-train.test.ts.)
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTfjsModel, type KerasModel } from "../../src/io/keras/model.ts";
import { kerasData } from "../../src/io/keras/data.ts";
import { fit, evaluate, type StepInfo } from "../../src/train/fit.ts";
import { adam } from "../../src/train/optim.ts";
import { cosine } from "../../src/train/schedule.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { RnnlabError } from "../../src/errors.ts";

interface Plain { shape: number[]; data: number[] }
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/tfjs_train.json", import.meta.url), "utf8")) as { roundtrip: { x: Plain; y: Plain } };
const dir = new URL("../../fixtures/tfjs_train/roundtrip/", import.meta.url).pathname;
const T = (p: Plain) => new Tensor(p.shape, Float32Array.from(p.data));
const x = T(fixture.roundtrip.x), y = T(fixture.roundtrip.y);       // 64 samples [8, 2] -> [1]
const tmp = mkdtempSync(join(tmpdir(), "rnnlab-keras-loop-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const weights = (m: KerasModel) => m.weights().map((w) => Array.from(w.data));
function compiled(opts: { clipNorm?: number } = {}) {
  const m = loadTfjsModel(dir), optimizer = adam({ lr: 0.01, eps: 1e-7 });
  m.compile({ loss: "mse", optimizer, metrics: ["mae"], ...opts });
  return { m, optimizer };
}

describe("a Keras model through the generic fit", () => {
  it("equals KerasModel.fit bit for bit (losses, metrics, val_loss, weights) and evaluate equals model.evaluate", () => {
    const a = compiled(), b = compiled();
    const h = a.m.fit(x, y, { epochs: 3, batchSize: 16, seed: 2, validationSplit: 0.25 });
    const r = fit(b.m, kerasData(x, y, { validationSplit: 0.25 }), { epochs: 3, batchSize: 16, optimizer: b.optimizer, seed: 2 });
    assert.deepEqual(r.history.map((e) => e.train.loss), h.history.loss);
    assert.deepEqual(r.history.map((e) => e.train.metrics!.mae), h.history.mae);
    assert.deepEqual(r.history.map((e) => e.test!.loss), h.history.val_loss);
    assert.deepEqual(r.history.map((e) => e.test!.metrics!.mae), h.history.val_mae);
    assert.equal(r.steps, 9, "48 training samples in batches of 16, 3 epochs");
    assert.deepEqual(weights(b.m), weights(a.m));
    const e = evaluate(b.m, kerasData(x, y, { shuffle: false }), "train", 32);
    assert.deepEqual({ loss: e.loss, ...e.metrics }, b.m.evaluate(x, y, { batchSize: 32 }));
    const other = compiled();                             // a different seed shuffles differently: the test can fail
    other.m.fit(x, y, { epochs: 3, batchSize: 16, seed: 3, validationSplit: 0.25 });
    assert.notDeepEqual(weights(other.m), weights(a.m));
  });

  it("clipNorm, schedule and onStep: the loop's options work as for a SequenceModel (and equal compile({ clipNorm }))", () => {
    const steps: StepInfo[] = [], base = compiled(), clipped = compiled(), viaCompile = compiled({ clipNorm: 0.05 });
    fit(base.m, kerasData(x, y), { epochs: 2, batchSize: 16, optimizer: base.optimizer, seed: 1, schedule: cosine(8) });
    fit(clipped.m, kerasData(x, y), { epochs: 2, batchSize: 16, optimizer: clipped.optimizer, seed: 1, schedule: cosine(8), clipNorm: 0.05, onStep: (s) => steps.push(s) });
    viaCompile.m.fit(x, y, { epochs: 2, batchSize: 16, seed: 1, schedule: cosine(8) });
    assert.equal(steps.length, 8);
    steps.forEach((s, i) => {
      assert.equal(s.step, i + 1);
      assert.equal(s.lr, 0.01 * cosine(8)(i), `lr of step ${s.step}`);
      assert.ok(Number.isFinite(s.loss) && s.gradNorm > 0.05, `step ${s.step}: gradient norm ${s.gradNorm} before clipping`);
      assert.equal(s.accuracy, null);
    });
    assert.notDeepEqual(weights(clipped.m), weights(base.m), "clipping changed the steps");
    assert.deepEqual(weights(viaCompile.m), weights(clipped.m), "compile({ clipNorm }) is the loop's clipNorm");
  });

  it("checkpoint every 5 steps, killed mid-epoch, resumed: the same steps and weights bit for bit (generic fit and KerasModel.fit)", () => {
    const path = join(tmp, "keras-steps.safetensors");
    const run = (kill: number | null, resume: boolean, front: boolean) => {
      const { m, optimizer } = compiled(), losses: number[] = [];
      const progress = resume ? m.loadTraining(path) : null;
      const onStep = (s: StepInfo) => { if (s.step === kill) throw new Error("killed"); losses.push(s.loss); };
      let epochLosses: number[];
      if (front) {
        epochLosses = m.fit(x, y, { epochs: 4, batchSize: 12, seed: 5, schedule: cosine(24), checkpoint: { path, everySteps: 5 }, resume: progress, onStep }).history.loss;
      } else {
        epochLosses = fit(m, kerasData(x, y), { epochs: 4, batchSize: 12, optimizer, seed: 5, schedule: cosine(24), checkpoint: { path, everySteps: 5 }, resume: progress, onStep })
          .history.map((e) => e.train.loss);
      }
      return { m, losses, epochLosses };
    };
    for (const front of [false, true]) {
      const straight = run(null, false, front);
      assert.equal(straight.losses.length, 24, "64 samples in batches of 12: 6 steps an epoch");
      assert.throws(() => run(6, false, front), /killed/);      // killed before the epoch-end save: the last checkpoint is step 5 = epoch 1, batch 5 of 6
      const resumed = run(null, true, front);
      assert.deepEqual(resumed.losses, straight.losses.slice(5), `${front ? "KerasModel.fit" : "fit"}: steps after the resume`);
      assert.deepEqual(resumed.epochLosses, straight.epochLosses, "epoch losses, the interrupted epoch's included (its partial sums were saved)");
      assert.deepEqual(weights(resumed.m), weights(straight.m));
    }
  });

  it("a model with a Dropout layer resumes exactly too (the dropout generator is in the checkpoint)", () => {
    const withDropout = join(tmp, "dropout-model"), path = join(tmp, "keras-dropout.safetensors");
    mkdirSync(withDropout, { recursive: true });
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    json.modelTopology.config.layers.splice(1, 0, { class_name: "Dropout", config: { name: "dropout_1", rate: 0.3 } });
    writeFileSync(join(withDropout, "model.json"), JSON.stringify(json));
    for (const p of json.weightsManifest[0].paths) copyFileSync(join(dir, p), join(withDropout, p));
    const run = (kill: number | null, resume: boolean) => {
      const m = loadTfjsModel(withDropout), optimizer = adam({ lr: 0.01, eps: 1e-7 }), losses: number[] = [];
      m.compile({ loss: "mse", optimizer });
      const progress = resume ? m.loadTraining(path) : null;
      fit(m, kerasData(x, y), { epochs: 2, batchSize: 16, optimizer, seed: 4, checkpoint: { path, everySteps: 3 }, resume: progress,
        onStep: (s) => { if (s.step === kill) throw new Error("killed"); losses.push(s.loss); } });
      return { m, losses };
    };
    const straight = run(null, false);
    assert.throws(() => run(4, false), /killed/);               // last checkpoint: step 3 = epoch 1, batch 3 of 4
    const resumed = run(null, true);
    assert.deepEqual(resumed.losses, straight.losses.slice(3));
    assert.deepEqual(weights(resumed.m), weights(straight.m));
  });

  it("errors name the loop's step and the argument", () => {
    const { m, optimizer } = compiled(), bad = new Tensor([64, 2], new Float32Array(128));
    assert.throws(() => fit(m, kerasData(x, bad), { epochs: 1, batchSize: 16, optimizer }),
      (e: unknown) => e instanceof RnnlabError && /^fit: step 1 \(epoch 1, batch 1\): KerasModel.fit: y has shape \[16,2\], the model.s output \[16,1\]/.test((e as Error).message));
    assert.throws(() => m.fit(x, bad, { epochs: 1 }), /: KerasModel.fit: step 1 \(epoch 1, batch 1\): y has shape/);
    assert.throws(() => fit({} as never, kerasData(x, y), { epochs: 1, batchSize: 16, optimizer }), /fit: model must be a SequenceModel or a trainable model/);
    assert.throws(() => kerasData(x, y, { validationSplit: 2 }), /kerasData: validationSplit must be a fraction in \(0, 1\)/);
    assert.throws(() => kerasData(x, y, { shufle: false } as never), /kerasData: unknown option "shufle"/);
    const huge = compiled();
    huge.optimizer.lr = 1e38;
    assert.throws(() => huge.m.fit(x, y, { epochs: 3, batchSize: 16 }), /KerasModel.fit: the (loss|gradient norm) became (NaN|Infinity) at step \d+ \(epoch \d+, batch \d+\); lower the learning rate/);
  });
});
