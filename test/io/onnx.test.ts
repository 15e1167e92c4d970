// ONNX export run in onnxruntime-node: the same outputs and final states as rnnlab (float32,
// ≤ 1e-5) for LSTM, GRU (linear_before_reset 1 = PyTorch's formula, 0 = TF-1 GRUCell's), RNN,
// bidirectional, sequence lengths, initial states, 2 layers, LSTM projection (a Scan subgraph);
// round trips rnnlab -> .onnx -> rnnlab; refusals and bad files.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ort from "onnxruntime-node";
import { GRU, LSTM, RNN, type Recurrent } from "../../src/layers/recurrent.ts";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { encodeOnnx, exportOnnx } from "../../src/io/onnx/export.ts";
import { decodeOnnx, importOnnx } from "../../src/io/onnx/import.ts";
import { importOnnxLayer, layerOfModel } from "../../src/io/onnx/import-layer.ts";
import { encodeModelProto } from "../../src/io/onnx/codec.ts";

const TOL = 1e-5;
const wave = (n: number, f: number, s = 1) => Float32Array.from({ length: n }, (_, i) => s * Math.sin(i * f + 0.3));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
/** one onnxruntime feed { name: tensor } */
const f32 = (t: Tensor, name: string) => ({ [name]: new ort.Tensor("float32", t.data as Float32Array, [...t.shape]) });

interface LayerCase { name: string; make: () => Recurrent; lengths?: number[]; initialState?: boolean; T: number; B: number }
const D = 4, H = 3;
const layerCases: LayerCase[] = [
  { name: "LSTM", make: () => new LSTM({ inputSize: D, hiddenSize: H, seed: 1 }), T: 6, B: 2 },
  { name: "LSTM 2 layers bidirectional, lengths, h0 c0", make: () => new LSTM({ inputSize: D, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 2 }),
    lengths: [6, 2, 4], initialState: true, T: 6, B: 3 },
  { name: "GRU (linear_before_reset 1) 2 layers bidirectional, lengths, h0", make: () => new GRU({ inputSize: D, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 3 }),
    lengths: [3, 5, 1], initialState: true, T: 5, B: 3 },
  { name: "RNN relu, batch-first, lengths", make: () => new RNN({ inputSize: D, hiddenSize: H, nonlinearity: "relu", batchFirst: true, seed: 4 }),
    lengths: [4, 1], T: 4, B: 2 },
  { name: "RNN tanh 2 layers bidirectional, h0", make: () => new RNN({ inputSize: D, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 5 }),
    initialState: true, T: 5, B: 2 },
  { name: "LSTM with projection (Scan subgraph), 2 layers bidirectional, lengths, h0 c0",
    make: () => new LSTM({ inputSize: D, hiddenSize: 4, projSize: 2, numLayers: 2, bidirectional: true, seed: 13 }), lengths: [5, 1, 3], initialState: true, T: 5, B: 3 },
  { name: "LSTM with projection (Scan subgraph), bidirectional, batch-first",
    make: () => new LSTM({ inputSize: D, hiddenSize: 4, projSize: 3, bidirectional: true, batchFirst: true, seed: 14 }), T: 4, B: 2 },
];

async function runOrt(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes);
  return session.run(feeds);
}

describe("ONNX export, run in onnxruntime-node", () => {
  for (const c of layerCases) {
    it(`${c.name}: output, hN (cN) equal rnnlab's to ${TOL}`, async (t) => {
      const layer = c.make().eval(), LD = layer.numLayers * layer.numDirections, R = layer.outputSize, Hc = layer.hiddenSize;
      const x = new Tensor(layer.batchFirst ? [c.B, c.T, D] : [c.T, c.B, D], wave(c.T * c.B * D, 1.3));
      const h0 = new Tensor([LD, c.B, R], wave(LD * c.B * R, 0.7, 0.5)), c0 = new Tensor([LD, c.B, Hc], wave(LD * c.B * Hc, 1.9, 0.5));
      const lstm = layer.kind === "lstm";
      const ours = layer.forward(x, { ...(c.initialState ? { h0, ...(lstm ? { c0 } : {}) } : {}), ...(c.lengths ? { lengths: c.lengths } : {}) });
      const feeds: Record<string, ort.Tensor> = { ...f32(x, "x") };
      if (c.lengths) feeds.lengths = new ort.Tensor("int32", Int32Array.from(c.lengths), [c.B]);
      if (c.initialState) Object.assign(feeds, f32(h0, "h0"), lstm ? f32(c0, "c0") : {});
      const got = await runOrt(encodeOnnx(layer, { lengths: !!c.lengths, initialState: !!c.initialState }), feeds);
      assert.deepEqual(got.output.dims, ours.output.shape);
      const diffs = { output: maxAbs(got.output.data as Float32Array, ours.output.data), hN: maxAbs(got.hN.data as Float32Array, ours.hN.data),
        cN: lstm ? maxAbs(got.cN.data as Float32Array, ours.cN!.data) : 0 };
      t.diagnostic(`max |onnxruntime − rnnlab|: ${JSON.stringify(diffs)}`);
      for (const [k, v] of Object.entries(diffs)) assert.ok(v <= TOL, `${k}: ${v} > ${TOL}`);
      if (c.lengths) {   // past a row's length both write exactly 0 (rnnlab's rule; onnxruntime's too)
        const W = ours.output.shape[2], out = got.output.data as Float32Array;
        c.lengths.forEach((len, b) => {
          for (let s = len; s < c.T; s++) for (let j = 0; j < W; j++) {
            const at = layer.batchFirst ? (b * c.T + s) * W + j : (s * c.B + b) * W + j;
            assert.equal(out[at], 0, `onnxruntime output at step ${s} of row ${b} (length ${len})`);
          }
        });
      }
    });
  }

  it("TF-1 cells: GRUCell (linear_before_reset 0) over LSTMCell with peepholes and forget_bias 1, with lengths", async (t) => {
    const cell = new nn.MultiRNNCell([
      new nn.LSTMCell({ numUnits: 4, inputSize: D, usePeepholes: true, forgetBias: 1, seed: 6 }),
      new nn.GRUCell({ numUnits: 3, inputSize: 4, seed: 7 }),
    ]);
    const B = 3, T = 5, lengths = [5, 3, 1];
    const x = new Tensor([B, T, D], wave(B * T * D, 0.9));
    const ours = nn.dynamicRnn(cell, x, { sequenceLength: lengths });
    const got = await runOrt(encodeOnnx(cell, { lengths: true }), { ...f32(x, "x"), lengths: new ort.Tensor("int32", Int32Array.from(lengths), [B]) });
    const [s0, s1] = ours.state as [nn.LSTMStateTuple, Tensor];
    const diffs = { output: maxAbs(got.output.data as Float32Array, (ours.outputs as Tensor).data),
      h_0: maxAbs(got.h_0.data as Float32Array, s0.h.data), c_0: maxAbs(got.c_0.data as Float32Array, s0.c.data), h_1: maxAbs(got.h_1.data as Float32Array, s1.data) };
    t.diagnostic(`max |onnxruntime − rnnlab|: ${JSON.stringify(diffs)}`);
    for (const [k, v] of Object.entries(diffs)) assert.ok(v <= TOL, `${k}: ${v} > ${TOL}`);
    // without the forget-bias fold onnxruntime would differ: the LSTM's B really carries it
    const model = decodeOnnx(encodeOnnx(cell.cells[0] as nn.RNNCell));
    const b = model.graph!.initializer!.find((i) => i.name === "B_0")!;
    const wb = new Float32Array(new Uint8Array(b.rawData!).buffer);
    const bias = (cell.cells[0] as nn.RNNCell).params.views.biasIh;
    assert.equal(wb[2 * 4 + 0], Math.fround(bias[4] + 1), "ONNX f block (the third) = TF-1 f bias + forget_bias");
  });

  it("gate and cell activations carry over: hard sigmoid (Keras 2 and 3 via HardSigmoid alpha/beta), softsign, relu", async (t) => {
    const lstm = new nn.RNNCell("lstm", { hiddenSize: 4, biases: 1, gateActivation: "hardSigmoidV3", activation: "softsign" }, "LSTMCell", { numUnits: 4, inputSize: D, seed: 11 });
    const gru = new nn.RNNCell("gru", { hiddenSize: 3, biases: 2, resetAfter: true, gateActivation: "hardSigmoid", activation: "relu" }, "GRUCell", { numUnits: 3, inputSize: 4, seed: 12 });
    const cell = new nn.MultiRNNCell([lstm, gru]);
    const B = 2, T = 6, x = new Tensor([B, T, D], wave(B * T * D, 1.1, 3));     // large inputs: the hard sigmoids clip
    const ours = nn.dynamicRnn(cell, x);
    const got = await runOrt(encodeOnnx(cell), f32(x, "x"));
    const d = maxAbs(got.output.data as Float32Array, (ours.outputs as Tensor).data);
    t.diagnostic(`max |onnxruntime − rnnlab|: ${d}`);
    assert.ok(d <= TOL, `${d}`);
  });

  it("a projected LSTM uses a Scan subgraph, not the LSTM operator; what is not written out is refused with the reason", () => {
    const ops = decodeOnnx(encodeOnnx(new LSTM({ inputSize: 3, hiddenSize: 4, projSize: 2 }))).graph!.node!.map((n) => n.opType);
    assert.ok(ops.includes("Scan") && !ops.includes("LSTM"), ops.join(","));
    assert.throws(() => encodeOnnx(new nn.LSTMCell({ numUnits: 4, inputSize: 3, cellClip: 1 })),
      /cell 0 \(LSTMCell\) cannot be exported to ONNX: TF-1's cellClip clips the cell state/);
    assert.throws(() => encodeOnnx(new nn.LSTMCell({ numUnits: 4, inputSize: 3, numProj: 2, usePeepholes: true })), /peepholes together with a projection/);
    assert.throws(() => encodeOnnx(new nn.LSTMCell({ numUnits: 4, inputSize: 3, numProj: 2, projClip: 1 })), /projClip/);
  });

  it("TF-1 LSTMCell with numProj and forget_bias 1 (Scan subgraph), with lengths", async () => {
    const cell = new nn.LSTMCell({ numUnits: 4, numProj: 2, inputSize: D, forgetBias: 1, seed: 15 });
    const B = 3, T = 4, lengths = [4, 2, 3], x = new Tensor([B, T, D], wave(B * T * D, 0.8));
    const ours = nn.dynamicRnn(cell, x, { sequenceLength: lengths });
    const got = await runOrt(encodeOnnx(cell, { lengths: true }), { ...f32(x, "x"), lengths: new ort.Tensor("int32", Int32Array.from(lengths), [B]) });
    const st = ours.state as nn.LSTMStateTuple;
    for (const [name, a, b] of [["output", got.output.data, (ours.outputs as Tensor).data], ["h_0", got.h_0.data, st.h.data], ["c_0", got.c_0.data, st.c.data]] as const) {
      const d = maxAbs(a as Float32Array, b);
      assert.ok(d <= TOL, `${name}: ${d}`);
    }
  });
});

describe("ONNX files", () => {
  const dir = () => mkdtempSync(join(tmpdir(), "rnnlab-onnx-"));

  for (const make of [() => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 8 }),
    () => new GRU({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 9 }), () => new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: "relu", seed: 10 })]) {
    const layer = make();
    it(`${layer.name} -> .onnx -> ${layer.name} is exact (weights bit for bit, same outputs)`, () => {
      const d = dir(), path = join(d, "m.onnx");
      try {
        exportOnnx(layer, path);
        assert.deepEqual(readdirSync(d), ["m.onnx"], "no temp file left behind");
        const back = importOnnxLayer(path);
        assert.equal(back.name, layer.name);
        assert.equal(back.batchFirst, layer.batchFirst);
        for (const [k, v] of Object.entries(layer.stateDict())) assert.deepEqual(back.stateDict()[k].data, v.data, k);
        const x = new Tensor([3, 2, 3], wave(18, 0.4));
        assert.deepEqual(back.forward(x).output.data, layer.forward(x).output.data);
      } finally { rmSync(d, { recursive: true, force: true }); }
    });
  }

  it("a truncated .onnx names the file and the field where it breaks", () => {
    const d = dir(), path = join(d, "cut.onnx");
    try {
      const bytes = encodeOnnx(new LSTM({ inputSize: 3, hiddenSize: 4, seed: 1 }));
      for (const keep of [bytes.length - 7, Math.floor(bytes.length / 2), 30]) {
        writeFileSync(path, bytes.subarray(0, keep));
        assert.throws(() => importOnnx(path), (e: Error) => e.message.startsWith(path) && /truncated or corrupted\): [a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*(: a varint runs past the end| needs \d+ bytes at offset \d+, only \d+ remain)/.test(e.message),
          `cut at ${keep}`);
      }
      writeFileSync(path, bytes.subarray(0, 0));
      assert.throws(() => importOnnx(path), /cut.onnx: empty file/);
    } finally { rmSync(d, { recursive: true, force: true }); }
  });

  it("an initializer of the wrong shape and an unknown operator are named", () => {
    const model = decodeOnnx(encodeOnnx(new GRU({ inputSize: 3, hiddenSize: 4 })));
    model.graph!.initializer!.find((i) => i.name === "R_0")!.dims = [1, 12, 3];
    const bytes = encodeModelProto(model);
    const d = dir(), path = join(d, "bad.onnx");
    try {
      writeFileSync(path, bytes);
      assert.throws(() => importOnnxLayer(path), new RegExp(`${path.replace(/[.]/g, "\\.")}: graph.initializer "R_0" \\(R of node "GRU_0"\\) has dims \\[1,12,3\\], expected \\[1,12,4\\]`));
    } finally { rmSync(d, { recursive: true, force: true }); }
    const noRnn = decodeOnnx(encodeOnnx(new GRU({ inputSize: 3, hiddenSize: 4 })));
    noRnn.graph!.node = noRnn.graph!.node!.filter((n) => n.opType !== "GRU");
    assert.throws(() => decodeOnnxLayer(encodeModelProto(noRnn)), /mem.onnx: graph.node has no RNN, LSTM or GRU operator \(operators: Transpose, Reshape, Concat\)/);
  });

  it("an export that is refused leaves an existing file untouched", () => {
    const d = dir(), path = join(d, "keep.onnx");
    try {
      writeFileSync(path, "old");
      assert.throws(() => exportOnnx(new nn.LSTMCell({ numUnits: 4, inputSize: 3, cellClip: 1 }), path));
      assert.equal(readFileSync(path, "utf8"), "old");
      assert.ok(existsSync(path));
    } finally { rmSync(d, { recursive: true, force: true }); }
  });
});

const decodeOnnxLayer = (bytes: Uint8Array) => layerOfModel(decodeOnnx(bytes, "mem.onnx"), "mem.onnx");
