// Training loaded Keras / TF.js models against TF.js itself (fixtures/gen_tfjs_train.mjs): from the
// same weights and data, the gradients of one fit step and the weights after 5 SGD and 5 Adam steps
// equal TF.js's within 1e-5, for LSTM (hard_sigmoid and sigmoid gates), GRU, SimpleRNN,
// Bidirectional, Masking and a masked Embedding; and the user's round trip: a model trained 3
// epochs in TF.js, fine-tuned 3 more in rnnlab, saved, loaded back by TF.js, predicts the same.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTfjsModel } from "../../src/io/keras/model.ts";
import { saveTfjsModel } from "../../src/io/keras/write.ts";
import { sgd, adam } from "../../src/train/optim.ts";
import { cosine } from "../../src/train/schedule.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { RnnlabError } from "../../src/errors.ts";
import { maxRelErr } from "../helpers/close.ts";

interface Plain { shape: number[]; data: number[] }
interface Case { loss: string; x: Plain | Plain[]; y: Plain; grads: Record<string, Plain>; sgd: { weights: Record<string, Plain>; loss: number[] }; adam: { weights: Record<string, Plain>; loss: number[] } }
interface Trained { weights: Record<string, Plain>; loss: number[] }
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/tfjs_train.json", import.meta.url), "utf8")) as
  { cases: Record<string, Case>; roundtrip: { x: Plain; y: Plain; loss: number[] };
    stateful: { x1: Plain; y1: Plain; x2: Plain; y2: Plain; sgd: Trained; adam: Trained } };
const dirOf = (name: string) => new URL(`../../fixtures/tfjs_train/${name}/`, import.meta.url).pathname;
const T = (p: Plain) => new Tensor(p.shape, Float32Array.from(p.data));
const tmp = mkdtempSync(join(tmpdir(), "rnnlab-keras-train-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** max |a − b| / max(|b|, floor): absolute (× floor) for values below floor, relative above. */
function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string, floor = 1) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const { err, at } = maxRelErr(actual, expected, floor);
  assert.ok(err <= tol, `${what}: max error ${err.toExponential(2)} at ${at} (${actual[at]} vs ${expected[at]})`);
}

/** The model's weights by manifest name. */
const weightsOf = (m: ReturnType<typeof loadTfjsModel>) => Object.fromEntries(m.weights().map((w) => [w.name, w.data]));

describe("Keras training = TF.js (gradients of one step, 5 SGD and 5 Adam steps, ≤ 1e-5)", () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(name, () => {
      const x = Array.isArray(c.x) ? c.x.map(T) : T(c.x), y = T(c.y), N = y.shape[0];
      const m = loadTfjsModel(dirOf(name));
      m.compile({ loss: c.loss, optimizer: sgd({ lr: 0.1 }) });
      const g = m.gradients(x, y);
      assert.deepEqual(Object.keys(g).sort(), Object.keys(c.grads).sort(), "every trainable weight has a gradient");
      // gradients: 1e-5 relative, or 1e-7 absolute below 0.01 (float32 sums of small terms)
      for (const [w, expected] of Object.entries(c.grads)) assertNear(g[w].data, expected.data, 1e-5, `grad ${w}`, 0.01);
      for (const [opt, make] of [["sgd", () => sgd({ lr: 0.1 })], ["adam", () => adam({ lr: 0.01, eps: 1e-7 })]] as const) {
        const fresh = loadTfjsModel(dirOf(name));
        fresh.compile({ loss: c.loss, optimizer: make() });
        const h = fresh.fit(x, y, { epochs: 5, batchSize: N, shuffle: false });
        assertNear(h.history.loss, c[opt].loss, 1e-5, `${opt} losses`);
        const w = weightsOf(fresh);
        for (const [key, expected] of Object.entries(c[opt].weights)) assertNear(w[key], expected.data, 1e-5, `${opt} ${key}`);
      }
    });
  }
});

describe("GRU reset_after=true (TF.js cannot build it): = the Keras formula in torch float64 (fixtures/gen_keras_train_formula.py)", () => {
  const f = JSON.parse(readFileSync(new URL("../../fixtures/keras_train_formula.json", import.meta.url), "utf8")) as
    { x: Plain; y: Plain; grads: Record<string, number[]>; sgd: { loss: number[]; weights: Record<string, number[]> }; adam: { loss: number[]; weights: Record<string, number[]> } };
  const dir = new URL("../../fixtures/tfjs/gru_reset_after/", import.meta.url).pathname;
  const byLast = (r: Record<string, { data: ArrayLike<number> }>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.split("/").pop()!, v.data]));
  it("gradients of one step, weights after 5 SGD and 5 Adam steps ≤ 1e-5", () => {
    const x = T(f.x), y = T(f.y), m = loadTfjsModel(dir);
    m.compile({ loss: "mse", optimizer: "sgd" });
    const g = byLast(m.gradients(x, y));
    for (const [k, expected] of Object.entries(f.grads)) assertNear(g[k], expected, 1e-5, `grad ${k}`, 0.01);
    for (const [opt, make] of [["sgd", () => sgd({ lr: 0.1 })], ["adam", () => adam({ lr: 0.01, eps: 1e-7 })]] as const) {
      const fresh = loadTfjsModel(dir);
      fresh.compile({ loss: "mse", optimizer: make() });
      const h = fresh.fit(x, y, { epochs: 5, batchSize: 3, shuffle: false });
      assertNear(h.history.loss, f[opt].loss, 1e-5, `${opt} losses`);
      const w = byLast(Object.fromEntries(fresh.weights().map((v) => [v.name, v])));
      for (const [k, expected] of Object.entries(f[opt].weights)) assertNear(w[k], expected, 1e-5, `${opt} ${k}`);
    }
  });
});

describe("a stateful LSTM over batches = TF.js (5 trainOnBatch steps, states carried)", () => {
  const s = fixture.stateful, batches = [[s.x1, s.y1], [s.x2, s.y2], [s.x1, s.y1], [s.x2, s.y2], [s.x1, s.y1]].map(([x, y]) => [T(x), T(y)] as const);
  for (const [opt, make] of [["sgd", () => sgd({ lr: 0.1 })], ["adam", () => adam({ lr: 0.01, eps: 1e-7 })]] as const) {
    it(`${opt}: losses and weights ≤ 1e-5; resetting the states between batches gives other numbers`, () => {
      const m = loadTfjsModel(dirOf("stateful_lstm"));
      m.compile({ loss: "mse", optimizer: make() });
      const losses = batches.map(([x, y]) => m.trainOnBatch(x, y));
      assertNear(losses, s[opt].loss, 1e-5, `${opt} losses`);
      const w = weightsOf(m);
      for (const [key, expected] of Object.entries(s[opt].weights)) assertNear(w[key], expected.data, 1e-5, `${opt} ${key}`);
      const reset = loadTfjsModel(dirOf("stateful_lstm"));
      reset.compile({ loss: "mse", optimizer: make() });
      const resetLosses = batches.map(([x, y]) => { reset.resetStates(); return reset.trainOnBatch(x, y); });
      assert.ok(Math.abs(resetLosses[1] - s[opt].loss[1]) > 1e-3, "the carried state changes the second batch's loss");
    });
  }
  it("a batch of another size is refused by name until resetStates()", () => {
    const m = loadTfjsModel(dirOf("stateful_lstm")), x = T(s.x1);
    m.predict(x);
    const half = new Tensor([2, ...x.shape.slice(1)], x.data.slice(0, x.size / 2));
    assert.throws(() => m.predict(half), /is stateful with a batch of 4; got a batch of 2 \(call resetStates\(\) to start over\)/);
    m.resetStates();
    assert.equal(m.predict(half)[0].shape[0], 2);
  });
});

describe("round trip: TF.js-trained model, fine-tuned in rnnlab, loaded back by TF.js", () => {
  it("TF.js predicts what rnnlab predicts (≤ 1e-6) and the fine-tuned loss is lower", async () => {
    const x = T(fixture.roundtrip.x), y = T(fixture.roundtrip.y);
    const m = loadTfjsModel(dirOf("roundtrip"));
    m.compile({ loss: "meanSquaredError", optimizer: "adam", metrics: ["mae"] });
    const before = m.evaluate(x, y).loss;
    assert.ok(Math.abs(before - fixture.roundtrip.loss[2]) < 0.05, `loss after TF.js's 3 epochs ${before} (its last epoch: ${fixture.roundtrip.loss[2]})`);
    const h = m.fit(x, y, { epochs: 3, batchSize: 16, seed: 1 });
    assert.deepEqual(Object.keys(h.history).sort(), ["loss", "mae"]);
    const afterLoss = m.evaluate(x, y).loss;
    assert.ok(afterLoss < before, `fine-tuned loss ${afterLoss} ≥ ${before}`);
    const out = join(tmp, "fine-tuned");
    saveTfjsModel(m, out);
    const ours = m.predict(x)[0].data;

    const tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    const json = JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
    const shard = readdirSync(out).find((f) => f.endsWith(".bin"))!;
    const bin = readFileSync(join(out, shard));
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));
    const theirs = (model.predict(tf.tensor(x.data as Float32Array, x.shape as number[])) as import("@tensorflow/tfjs").Tensor).dataSync();
    assertNear(ours, theirs, 1e-6, "TF.js predict of the saved model vs rnnlab");
  });

  it("validationSplit holds out the last samples; validationData and metrics are reported per epoch", () => {
    const x = T(fixture.roundtrip.x), y = T(fixture.roundtrip.y);
    const m = loadTfjsModel(dirOf("roundtrip"));
    m.compile({ loss: "mse", optimizer: sgd({ lr: 0.01 }), metrics: ["mse"] });
    const h = m.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.25, shuffle: false });
    assert.deepEqual(Object.keys(h.history).sort(), ["loss", "mse", "val_loss", "val_mse"]);
    assert.equal(h.history.val_loss.length, 2);
    assertNear(h.history.loss, h.history.mse, 1e-7, "mse metric = mse loss");
    // the held-out quarter is the last 16 samples: evaluating them gives val_loss
    const last = (t: Tensor) => new Tensor([16, ...t.shape.slice(1)], t.data.slice((t.size / 64) * 48));
    assertNear([m.evaluate(last(x), last(y)).loss], [h.history.val_loss[1]], 1e-6, "val_loss");
  });

  it("checkpoints resume exactly: 2 epochs + 2 resumed = 4 straight (weights bit for bit, losses, schedule)", () => {
    const x = T(fixture.roundtrip.x), y = T(fixture.roundtrip.y), path = join(tmp, "keras.safetensors");
    const run = (epochs: number, resumeFrom?: string) => {
      const m = loadTfjsModel(dirOf("roundtrip"));
      m.compile({ loss: "mse", optimizer: adam({ lr: 0.01, eps: 1e-7 }), clipNorm: 1 });
      const resume = resumeFrom ? m.loadTraining(resumeFrom) : null;
      const h = m.fit(x, y, { epochs, batchSize: 16, seed: 5, schedule: cosine(16), checkpoint: { path }, resume });
      return { m, h };
    };
    const straight = run(4);
    run(2);
    const resumed = run(4, path);
    assert.deepEqual(resumed.h.history.loss, straight.h.history.loss.slice(2));
    const a = weightsOf(straight.m), b = weightsOf(resumed.m);
    for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k]), Array.from(a[k]), k);
    const other = loadTfjsModel(dirOf("gru"));
    other.compile({ loss: "mse", optimizer: adam() });
    assert.throws(() => other.loadTraining(path), /has no weights "param\.gru_GRU\d+\/kernel\+/);
  });

  it("bad use is named", () => {
    const m = loadTfjsModel(dirOf("roundtrip")), x = T(fixture.roundtrip.x), y = T(fixture.roundtrip.y);
    const throws = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof RnnlabError && re.test((e as Error).message));
    throws(() => m.fit(x, y), /KerasModel.fit: call compile\(\{ loss, optimizer \}\) first/);
    throws(() => m.compile({ loss: "hinge", optimizer: "adam" }), /KerasModel.compile: loss must be one of/);
    throws(() => m.compile({ loss: "mse", optimizer: "adam", metrics: ["auc"] }), /metrics\[0\] must be one of/);
    m.compile({ loss: "mse", optimizer: "sgd" });
    throws(() => m.fit(x, new Tensor([3, 1], new Float32Array(3))), /x and y must have the same number of samples/);
    throws(() => m.fit(x, y, { validationSplit: 1.5 }), /validationSplit must be a fraction in \(0, 1\)/);
    throws(() => m.fit(x, y, { epoch: 3 } as never), /unknown option "epoch"/);
  });
});
