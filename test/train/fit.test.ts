// The training loop: learning happens, resuming from a checkpoint continues exactly, bad states stop
// with a message naming where.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SequenceModel, type ModelConfig } from "../../src/train/model.ts";
import { fit, evaluate } from "../../src/train/fit.ts";
import { adam, sgd } from "../../src/train/optim.ts";
import { cosine } from "../../src/train/schedule.ts";
import { loadTraining, saveTraining } from "../../src/train/checkpoint.ts";
import { Rng } from "../../src/params/rng.ts";
import type { Batch, SeqDataset } from "../../src/train/batch.ts";

const dir = mkdtempSync(join(tmpdir(), "rnnlab-fit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** "Which of 3 symbols came first?": T steps of one-hot symbols, class = the first symbol. */
function firstSymbol(n: number, T = 6, poisonBatch = -1): SeqDataset {
  const make = (split: string) => {
    const r = new Rng(split === "train" ? 1 : 2);
    return Array.from({ length: n }, () => Array.from({ length: T }, () => r.int(3)));
  };
  const sets = { train: make("train"), test: make("test") };
  return {
    name: "first-symbol", inputSize: 3, inputKind: "features", outputSize: 3, targetKind: "class",
    size: (split) => sets[split].length,
    *batches(split, batchSize, seed) {
      const order = sets[split].map((_, i) => i);
      if (split === "train") { const r = new Rng(seed); for (let i = order.length - 1; i > 0; i--) { const j = r.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; } }
      for (let s = 0, k = 0; s < order.length; s += batchSize, k++) {
        const idx = order.slice(s, s + batchSize), B = idx.length, x = new Float32Array(T * B * 3);
        idx.forEach((e, b) => sets[split][e].forEach((sym, t) => { x[(t * B + b) * 3 + sym] = 1; }));
        if (k === poisonBatch && split === "train") x[0] = NaN;
        const labels = Int32Array.from(idx, (e) => sets[split][e][0]);
        yield { input: { kind: "features", x, T, B, D: 3 }, target: { kind: "class", labels }, lengths: null } as Batch;
      }
    },
  };
}
const cfg: ModelConfig = { cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 8, outputSize: 3, head: "last", loss: "class", seed: 5 };

describe("fit", () => {
  it("learns a task that needs memory, and reports what it did", () => {
    const model = new SequenceModel({ ...cfg, hiddenSize: 16 }), data = firstSymbol(256);
    const steps: number[] = [];
    const r = fit(model, data, { epochs: 10, batchSize: 32, optimizer: adam({ lr: 0.03 }), clipNorm: 1, seed: 1, onStep: (s) => steps.push(s.step) });
    assert.equal(r.steps, 80);
    assert.deepEqual(steps, Array.from({ length: 80 }, (_, i) => i + 1));
    const last = r.history[r.history.length - 1];
    assert.ok(last.test!.accuracy! > 0.95, `test accuracy ${last.test!.accuracy}`);
    assert.ok(last.train.loss < r.history[0].train.loss);
  });

  it("resuming from a checkpoint continues exactly like the uninterrupted run (losses, weights, epoch summaries)", () => {
    const data = firstSymbol(96), path = join(dir, "resume.safetensors");
    const run = (onStep?: (s: { step: number; loss: number }) => void, resume?: ReturnType<typeof loadTraining>) => {
      const model = resume?.model ?? new SequenceModel({ ...cfg, dropout: 0.3, numLayers: 2 });
      const optimizer = resume?.optimizer ?? adam({ lr: 0.01 });
      return { model, r: fit(model, data, { epochs: 3, batchSize: 16, optimizer, seed: 7, schedule: cosine(18), checkpoint: { path, everySteps: 4 },
        resume: resume?.progress, onStep }) };
    };
    const full: number[] = [];
    const a = run((s) => full.push(s.loss));
    const resumed: number[] = [];
    // killed at step 10: the last save was at step 8, in the middle of epoch 2 (6 batches per epoch)
    assert.throws(() => run((s) => { if (s.step === 10) throw new Error("killed"); resumed.push(s.loss); }), /killed/);
    const progress = loadTraining(path).progress!;
    assert.deepEqual([progress.epoch, progress.batch, progress.step], [1, 2, 8]);
    resumed.length = 8;
    const b = run((s) => resumed.push(s.loss), loadTraining(path));
    assert.deepEqual(resumed, full);
    assert.deepEqual(b.model.stateDict()["rnn.weight_hh_l1"].data, a.model.stateDict()["rnn.weight_hh_l1"].data);
    assert.deepEqual(b.r.history.map((h) => h.train.loss), a.r.history.slice(1).map((h) => h.train.loss));
  });

  it("a NaN input stops training before it reaches the weights, with the step named", () => {
    const model = new SequenceModel(cfg), before = model.stateDict()["rnn.weight_ih_l0"].data.slice();
    assert.throws(() => fit(model, firstSymbol(64, 6, 2), { epochs: 1, batchSize: 16, optimizer: adam(), seed: 3 }),
      /fit: step 3 \(epoch 1, batch 3\): LSTM\.forwardView: x\[\d+\] must be finite, got NaN/);
    assert.notDeepEqual(model.stateDict()["rnn.weight_ih_l0"].data, before);   // steps 1 and 2 ran
    assert.ok(model.groups().every((g) => g.params.every(Number.isFinite)));
  });
  it("a loss that diverges stops training with the step named", () => {
    const model = new SequenceModel(cfg);
    assert.throws(() => fit(model, firstSymbol(64, 6), { epochs: 50, batchSize: 16, optimizer: sgd({ lr: 1e38 }), seed: 3 }),
      /fit: the (loss|gradient norm) became (NaN|Infinity) at step \d+ \(epoch \d+, batch \d+\); lower the learning rate \(now 1e\+38\) or clip gradients/);
  });

  it("labels out of range are named", () => {
    const model = new SequenceModel({ ...cfg, outputSize: 2 });
    assert.throws(() => fit(model, firstSymbol(32), { epochs: 1, batchSize: 8, optimizer: adam(), seed: 3 }),
      /softmaxCrossEntropy: labels\[\d+\] must be a class in \[0, 2\) or −1 \(ignored\), got 2/);
  });
});

describe("checkpoints of models", () => {
  it("round-trip a model, and refuse another architecture naming the difference", () => {
    const path = join(dir, "model.safetensors"), model = new SequenceModel(cfg);
    saveTraining(path, model);
    const back = loadTraining(path).model;
    assert.deepEqual(back.stateDict()["fc.weight"].data, model.stateDict()["fc.weight"].data);
    assert.equal(evaluate(back, firstSymbol(32), "test").loss, evaluate(model, firstSymbol(32), "test").loss);
    assert.throws(() => loadTraining(path, new SequenceModel({ ...cfg, hiddenSize: 16 })),
      /loadTraining: .*model.safetensors holds a different architecture: hiddenSize 8 in the file vs 16 here/);
    assert.throws(() => loadTraining(path, new SequenceModel({ ...cfg, cell: "gru" })), /cell "lstm" in the file vs "gru" here/);
  });
  it("refuse truncated and corrupted files and NaN weights, naming the file", () => {
    const path = join(dir, "ok.safetensors");
    saveTraining(path, new SequenceModel(cfg));
    const bytes = readFileSync(path);
    const bad = join(dir, "bad.safetensors");
    writeFileSync(bad, bytes.subarray(0, bytes.length - 10));
    assert.throws(() => loadTraining(bad), /bad\.safetensors/);
    const nan = Buffer.from(bytes);
    nan.writeFloatLE(NaN, nan.length - 4);
    writeFileSync(bad, nan);
    assert.throws(() => loadTraining(bad), /bad\.safetensors.*(NaN|finite)/);
    assert.throws(() => loadTraining(join(dir, "missing.safetensors")), /missing\.safetensors/);
  });
});
