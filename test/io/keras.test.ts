// Keras / TF.js layers models: golden values made by @tensorflow/tfjs itself (fixtures/gen_tfjs.mjs;
// GRU reset_after=true and the Keras-3 hard sigmoid from fixtures/gen_keras_formula.py, which tfjs
// cannot run), Keras masking and hard-sigmoid semantics, writing back (files and round trips,
// including rnnlab layers -> model.json -> TF.js), and bad files named with their field.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTfjsModel } from "../../src/io/keras/model.ts";
import { saveTfjsModel, shardNamesIn } from "../../src/io/keras/write.ts";

/** The shard name tfjs's converter and the fixtures use (rnnlab names its own by content). */
const SHARD_NAME = "group1-shard1of1.bin";
import { kerasModelFromLayer, layerFromKerasModel } from "../../src/io/keras/from-layer.ts";
import { GRU, LSTM, RNN } from "../../src/layers/recurrent.ts";
import { Tensor } from "../../src/tensor/tensor.ts";

interface T { shape: number[]; data: number[] }
const fixtureDir = (name: string) => new URL(`../../fixtures/tfjs/${name}`, import.meta.url).pathname;
const golden: Record<string, { inputs: T[]; outputs: T[] }> =
  JSON.parse(readFileSync(new URL("../../fixtures/tfjs_expected.json", import.meta.url), "utf8")).cases;
const tensors = (ts: T[]) => ts.map((t) => new Tensor(t.shape, Float32Array.from(t.data)));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length, "lengths");
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const tmp = () => mkdtempSync(join(tmpdir(), "rnnlab-keras-"));
const TOL = 1e-5;

const FROM_FORMULA = new Set(["gru_reset_after", "lstm_keras3"]);

describe("Keras / TF.js models give TF.js's outputs", () => {
  for (const [name, c] of Object.entries(golden)) {
    it(`${name}: every output within ${TOL} of ${FROM_FORMULA.has(name) ? "the formula script" : "tfjs"}`, (t) => {
      const outs = loadTfjsModel(fixtureDir(name)).predict(tensors(c.inputs));
      assert.equal(outs.length, c.outputs.length, "number of outputs");
      const diffs = outs.map((o, i) => {
        assert.deepEqual(o.shape, c.outputs[i].shape, `output ${i} shape`);
        return maxAbs(o.data, c.outputs[i].data);
      });
      t.diagnostic(`max |rnnlab − expected| per output: ${diffs.map((d) => d.toExponential(2)).join(", ")}`);
      diffs.forEach((d, i) => assert.ok(d <= TOL, `output ${i}: ${d} > ${TOL}`));
    });
  }
});

describe("Keras semantics", () => {
  it("hard_sigmoid: Keras 2 / TF.js (0.2x + 0.5) vs Keras 3 (x/6 + 0.5), chosen by keras_version or by option", () => {
    const k3 = golden.lstm_keras3, k2 = golden.lstm_dense;
    const asKeras2 = loadTfjsModel(fixtureDir("lstm_keras3"), { hardSigmoid: "keras2" }).predict(tensors(k3.inputs))[0];
    assert.ok(maxAbs(asKeras2.data, k3.outputs[0].data) > 1e-3, "the Keras-3 file read with the Keras-2 definition must differ");
    assert.equal(loadTfjsModel(fixtureDir("lstm_keras3")).hardSigmoid, "keras3");
    assert.equal(loadTfjsModel(fixtureDir("lstm_dense")).hardSigmoid, "keras2");
    const asKeras3 = loadTfjsModel(fixtureDir("lstm_dense"), { hardSigmoid: "keras3" }).predict(tensors(k2.inputs))[0];
    assert.ok(maxAbs(asKeras3.data, k2.outputs[0].data) > 1e-3, "the tfjs file read with the Keras-3 definition must differ");
  });

  it("masked steps repeat the previous output (0 before the first valid step), also going backwards", () => {
    const c = golden.masking_lstm_backwards, [x] = tensors(c.inputs), [B, T] = x.shape;
    const y = loadTfjsModel(fixtureDir("masking_lstm_backwards")).predict(x)[0], H = y.shape[2];
    let masked = 0;
    for (let b = 0; b < B; b++) for (let s = 0; s < T; s++) {
      const t = T - 1 - s;                                         // go_backwards: processing step s reads time t
      let valid = false;
      for (let d = 0; d < x.shape[2]; d++) if (x.data[(b * T + t) * x.shape[2] + d] !== 0) valid = true;
      if (valid) continue;
      masked++;
      for (let j = 0; j < H; j++) {
        const prev = s === 0 ? 0 : y.data[(b * T + s - 1) * H + j];
        assert.equal(y.data[(b * T + s) * H + j], prev, `row ${b}, step ${s}`);
      }
    }
    assert.equal(masked, 4, "the fixture has 4 masked steps (padding and a hole)");
  });

  it("unit_forget_bias is in the stored bias and is not added again", () => {
    const m = loadTfjsModel(fixtureDir("lstm_unit_forget_bias"));
    const bias = m.weights().find((w) => w.name.endsWith("/bias"))!;
    assert.deepEqual([...bias.data], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const out = m.predict(tensors(golden.lstm_unit_forget_bias.inputs))[0];
    assert.ok(maxAbs(out.data, golden.lstm_unit_forget_bias.outputs[0].data) <= TOL);
  });
});

describe("writing TF.js models", () => {
  for (const name of Object.keys(golden)) {
    it(`${name}: read -> write -> read is exact (same shard bytes, weights, topology and outputs)`, () => {
      const dir = tmp();
      try {
        const a = loadTfjsModel(fixtureDir(name));
        saveTfjsModel(a, dir);
        assert.deepEqual(readFileSync(join(dir, shardNamesIn(dir)[0])), readFileSync(join(fixtureDir(name), SHARD_NAME)), "shard bytes");
        const b = loadTfjsModel(dir);
        assert.deepEqual(b.topology, a.topology);
        const xs = tensors(golden[name].inputs);
        b.predict(xs).forEach((o, i) => assert.deepEqual(o.data, a.predict(xs)[i].data, `output ${i}`));
      } finally { rmSync(dir, { recursive: true, force: true }); }
    });
  }

  for (const make of [() => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, seed: 3 }),
    () => new GRU({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 4 }), () => new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: "relu", batchFirst: true, seed: 5 })]) {
    const layer = make().eval();
    it(`rnnlab ${layer.name} -> model.json -> KerasModel gives the layer's outputs`, () => {
      const dir = tmp();
      try {
        saveTfjsModel(kerasModelFromLayer(layer), dir);
        const x = new Tensor([2, 5, 3], Float32Array.from({ length: 30 }, (_, i) => Math.sin(i * 0.7)));
        const d = maxAbs(loadTfjsModel(dir).predict(x)[0].data, layer.forward(x).output.data);
        assert.ok(d <= 1e-6, `${d}`);
      } finally { rmSync(dir, { recursive: true, force: true }); }
    });
  }

  it("rnnlab -> model.json -> rnnlab is exact: GRU (2 layers, bidirectional) and LSTM / RNN whose b_hh is 0", () => {
    const layers = [new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, seed: 7 }),
      new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, batchFirst: true, seed: 8 }), new RNN({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 9 })];
    for (const layer of layers) {
      if (layer.kind !== "gru") for (const [k, v] of Object.entries(layer.params.views)) if (k.startsWith("bias_hh")) v.fill(0);
      const dir = tmp();
      try {
        saveTfjsModel(kerasModelFromLayer(layer), dir);
        const back = layerFromKerasModel(loadTfjsModel(dir));
        assert.equal(back.name, layer.name);
        for (const [k, v] of Object.entries(layer.stateDict())) assert.deepEqual(back.stateDict()[k].data, v.data, `${layer.name} ${k}`);
      } finally { rmSync(dir, { recursive: true, force: true }); }
    }
  });

  it("an LSTM with both biases comes back with b_ih + b_hh in b_ih (Keras has one bias): same outputs", () => {
    const layer = new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 10 });
    const back = layerFromKerasModel(kerasModelFromLayer(layer));
    const sum = layer.stateDict().bias_ih_l0.data.map((v, i) => v + layer.stateDict().bias_hh_l0.data[i]);
    assert.deepEqual(back.stateDict().bias_ih_l0.data, sum);
    const x = new Tensor([2, 5, 3], Float32Array.from({ length: 30 }, (_, i) => Math.sin(i)));
    assert.ok(maxAbs(back.forward(x).output.data, layer.forward(x).output.data) <= 1e-6);
  });

  it("Keras -> rnnlab layer -> Keras is exact (gru_reset_after), and what a layer cannot be is refused by name", () => {
    const keras = loadTfjsModel(fixtureDir("gru_reset_after"));
    const again = kerasModelFromLayer(layerFromKerasModel(keras));
    keras.weights().forEach((w, i) => assert.deepEqual(again.weights()[i].data, w.data, w.name));
    assert.throws(() => layerFromKerasModel(loadTfjsModel(fixtureDir("lstm_dense"))), /layer "lstm_LSTM\d+" has recurrent_activation "hard_sigmoid"/);
    assert.throws(() => layerFromKerasModel(loadTfjsModel(fixtureDir("gru_backwards"))), /layer "gru_GRU\d+" has reset_after=false/);
  });

  it("an rnnlab LSTM written as model.json loads in TF.js itself and predicts the same", async () => {
    const tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    const layer = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, seed: 6 });
    const dir = tmp();
    try {
      saveTfjsModel(kerasModelFromLayer(layer), dir);
      const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
      const bin = readFileSync(join(dir, shardNamesIn(dir)[0]));
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));
      const x = new Tensor([2, 5, 3], Float32Array.from({ length: 30 }, (_, i) => Math.cos(i * 0.9)));
      const y = (model.predict(tf.tensor(x.data as Float32Array, [2, 5, 3])) as import("@tensorflow/tfjs").Tensor).dataSync();
      assert.ok(maxAbs(y, layer.forward(x).output.data) <= TOL);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe("bad TF.js files name the file and the field", () => {
  const copy = (name: string) => { const dir = tmp(); cpSync(fixtureDir(name), dir, { recursive: true }); return dir; };
  const edit = (dir: string, f: (j: any) => void) => {   // eslint-disable-line @typescript-eslint/no-explicit-any
    const path = join(dir, "model.json"), j = JSON.parse(readFileSync(path, "utf8"));
    f(j);
    writeFileSync(path, JSON.stringify(j));
  };
  const expectError = (dir: string, pattern: RegExp) =>
    assert.throws(() => loadTfjsModel(dir), (e: Error) => e.message.startsWith(join(dir, "model.json")) && pattern.test(e.message), pattern.source);

  it("a manifest that points past its shard", () => {
    const dir = copy("lstm_dense");
    try {
      truncateSync(join(dir, SHARD_NAME), 300);
      expectError(dir, /weightsManifest\[0\]\.weights\[1\] \("lstm_LSTM\d+\/recurrent_kernel", shape \[4,16\]\) needs bytes 192\.\.448, but the group's shards \(group1-shard1of1\.bin\) hold 300 bytes/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it("wrong shapes", () => {
    const dir = copy("lstm_dense");
    try {
      edit(dir, (j) => { j.weightsManifest[0].weights[0].shape = [16, 3]; });
      expectError(dir, /weight "lstm_LSTM\d+\/kernel" of modelTopology\.config\.layers\[0\] \("lstm_LSTM\d+"\) has shape \[16,3\], expected \[3,16\]/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it("unknown layer types", () => {
    const dir = copy("lstm_dense");
    try {
      edit(dir, (j) => { j.modelTopology.config.layers[1].class_name = "Conv1D"; });
      expectError(dir, /modelTopology\.config\.layers\[1\]\.class_name is "Conv1D", which rnnlab does not support \(supported: InputLayer, Dense/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it("a missing shard, extra shard bytes, a non-float32 weight, invalid JSON", () => {
    const dir = copy("gru_backwards");
    try {
      edit(dir, (j) => { j.weightsManifest[0].paths = ["nope.bin"]; });
      expectError(dir, /weightsManifest\[0\]\.paths\[0\] "nope\.bin" cannot be read \(ENOENT\)/);
      edit(dir, (j) => { j.weightsManifest[0].paths = [SHARD_NAME]; j.weightsManifest[0].weights.pop(); });
      expectError(dir, /weightsManifest\[0\]: the shards \(group1-shard1of1\.bin\) hold \d+ bytes, the weights listed use \d+/);
      cpSync(join(fixtureDir("gru_backwards"), "model.json"), join(dir, "model.json"));
      edit(dir, (j) => { j.weightsManifest[0].weights[1].dtype = "int32"; });
      expectError(dir, /weightsManifest\[0\]\.weights\[1\] \("gru_GRU\d+\/recurrent_kernel"\) has dtype "int32"; only "float32" is supported/);
      writeFileSync(join(dir, "model.json"), "{ not json");
      expectError(dir, /must be valid JSON/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
