// Every kind of model exportOnnx writes, read back with importOnnx and run: the same outputs and
// final states as the rnnlab model that was exported (≤ 1e-6), and onnxruntime-node agrees with
// both (≤ 1e-5). Covers layers (LSTM, GRU, RNN tanh / relu; layers, directions, batch-first,
// lengths, initial states), TF-1 cells (BasicRNNCell, BasicLSTMCell, LSTMCell with peepholes and
// forget_bias, TF-1's reset-before GRUCell, cuDNN GRU, MultiRNNCell), non-default activations, and
// the LSTM with projection, which export writes as a Scan subgraph.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import ort from "onnxruntime-node";
import { GRU, LSTM, RNN, type Recurrent } from "../../../src/layers/recurrent.ts";
import * as nn from "../../../src/nn/index.ts";
import { Tensor } from "../../../src/tensor/tensor.ts";
import { encodeOnnx } from "../../../src/io/onnx/export.ts";
import { importOnnx } from "../../../src/io/onnx/import.ts";

const SAME = 1e-6, ORT = 1e-5, D = 4;
const wave = (n: number, f: number, s = 1) => Float32Array.from({ length: n }, (_, i) => s * Math.sin(i * f + 0.3));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

interface Case { name: string; bytes: Uint8Array; feeds: Record<string, Tensor | Int32Array>; ours: Record<string, ArrayLike<number>> }

function layerCase(name: string, layer: Recurrent, T: number, B: number, lengths?: number[], initialState = false): Case {
  layer.eval();
  const LD = layer.numLayers * layer.numDirections, R = layer.outputSize, lstm = layer.kind === "lstm";
  const x = new Tensor(layer.batchFirst ? [B, T, D] : [T, B, D], wave(T * B * D, 1.3));
  const h0 = new Tensor([LD, B, R], wave(LD * B * R, 0.7, 0.5)), c0 = new Tensor([LD, B, layer.hiddenSize], wave(LD * B * layer.hiddenSize, 1.9, 0.5));
  const out = layer.forward(x, { ...(initialState ? { h0, ...(lstm ? { c0 } : {}) } : {}), ...(lengths ? { lengths } : {}) });
  const feeds: Case["feeds"] = { x };
  if (lengths) feeds.lengths = Int32Array.from(lengths);
  if (initialState) { feeds.h0 = h0; if (lstm) feeds.c0 = c0; }
  return {
    name, bytes: encodeOnnx(layer, { lengths: !!lengths, initialState }), feeds,
    ours: { output: out.output.data, hN: out.hN.data, ...(lstm ? { cN: out.cN!.data } : {}) },
  };
}

function cellCase(name: string, cell: nn.RNNCellLike, T: number, B: number, lengths?: number[]): Case {
  const x = new Tensor([B, T, D], wave(B * T * D, 0.9, 1.5));
  const res = nn.dynamicRnn(cell, x, lengths ? { sequenceLength: lengths } : {});
  const ours: Case["ours"] = { output: (res.outputs as Tensor).data };
  const states = cell instanceof nn.MultiRNNCell ? (res.state as unknown[]) : [res.state];
  states.forEach((s, l) => {
    if (s instanceof nn.LSTMStateTuple) { ours[`h_${l}`] = s.h.data; ours[`c_${l}`] = s.c.data; }
    else ours[`h_${l}`] = (s as Tensor).data;
  });
  return { name, bytes: encodeOnnx(cell, { lengths: !!lengths }), feeds: { x, ...(lengths ? { lengths: Int32Array.from(lengths) } : {}) }, ours };
}

const cases = (): Case[] => [
  layerCase("LSTM", new LSTM({ inputSize: D, hiddenSize: 3, seed: 1 }), 6, 2),
  layerCase("LSTM 2 layers bidirectional, lengths, h0 c0", new LSTM({ inputSize: D, hiddenSize: 3, numLayers: 2, bidirectional: true, seed: 2 }), 6, 3, [6, 2, 4], true),
  layerCase("LSTM batch-first bidirectional", new LSTM({ inputSize: D, hiddenSize: 5, bidirectional: true, batchFirst: true, seed: 3 }), 4, 2),
  layerCase("GRU 2 layers bidirectional, lengths, h0", new GRU({ inputSize: D, hiddenSize: 3, numLayers: 2, bidirectional: true, seed: 4 }), 5, 3, [3, 5, 1], true),
  layerCase("RNN relu batch-first, lengths", new RNN({ inputSize: D, hiddenSize: 3, nonlinearity: "relu", batchFirst: true, seed: 5 }), 4, 2, [4, 1]),
  layerCase("RNN tanh 2 layers bidirectional, h0", new RNN({ inputSize: D, hiddenSize: 3, numLayers: 2, bidirectional: true, seed: 6 }), 5, 2, undefined, true),
  layerCase("LSTM with projection (Scan), 2 layers bidirectional, lengths, h0 c0",
    new LSTM({ inputSize: D, hiddenSize: 4, projSize: 2, numLayers: 2, bidirectional: true, seed: 13 }), 5, 3, [5, 1, 3], true),
  layerCase("LSTM with projection (Scan), bidirectional, batch-first", new LSTM({ inputSize: D, hiddenSize: 4, projSize: 3, bidirectional: true, batchFirst: true, seed: 14 }), 4, 2),
  cellCase("BasicRNNCell", new nn.BasicRNNCell({ numUnits: 3, inputSize: D, seed: 7 }), 5, 2),
  cellCase("BasicLSTMCell (forget_bias 1), lengths", new nn.BasicLSTMCell({ numUnits: 3, inputSize: D, seed: 8 }), 5, 3, [5, 2, 4]),
  cellCase("LSTMCell with peepholes", new nn.LSTMCell({ numUnits: 4, inputSize: D, usePeepholes: true, seed: 9 }), 6, 2),
  cellCase("GRUCell (TF-1, reset before: linear_before_reset 0), lengths", new nn.GRUCell({ numUnits: 3, inputSize: D, seed: 10 }), 5, 3, [1, 5, 3]),
  cellCase("GRUCell resetAfter (cuDNN)", new nn.GRUCell({ numUnits: 3, inputSize: D, resetAfter: true, seed: 11 }), 5, 2),
  cellCase("MultiRNNCell: LSTMCell peepholes forget_bias 0.5 over TF-1 GRUCell, lengths", new nn.MultiRNNCell([
    new nn.LSTMCell({ numUnits: 4, inputSize: D, usePeepholes: true, forgetBias: 0.5, seed: 12 }), new nn.GRUCell({ numUnits: 3, inputSize: 4, seed: 13 }),
  ]), 5, 3, [5, 3, 1]),
  cellCase("activations: LSTM hardSigmoidV3 / softsign over GRU hardSigmoid / relu over RNN elu", new nn.MultiRNNCell([
    new nn.RNNCell("lstm", { hiddenSize: 4, biases: 1, gateActivation: "hardSigmoidV3", activation: "softsign" }, "LSTMCell", { numUnits: 4, inputSize: D, seed: 14 }),
    new nn.RNNCell("gru", { hiddenSize: 3, biases: 2, resetAfter: true, gateActivation: "hardSigmoid", activation: "relu" }, "GRUCell", { numUnits: 3, inputSize: 4, seed: 15 }),
    new nn.RNNCell("rnn", { hiddenSize: 3, biases: 1, activation: "elu" }, "BasicRNNCell", { numUnits: 3, inputSize: 3, seed: 16 }),
  ]), 6, 2),
  cellCase("LSTMCell with numProj (Scan), lengths", new nn.LSTMCell({ numUnits: 4, numProj: 2, inputSize: D, forgetBias: 1, seed: 15 }), 4, 3, [4, 2, 3]),
];

describe("exportOnnx -> importOnnx round trip, with onnxruntime as witness", () => {
  for (const c of cases()) {
    it(c.name, async (t) => {
      const back = importOnnx(c.bytes).run(c.feeds);
      const ortFeeds = Object.fromEntries(Object.entries(c.feeds).map(([k, v]) => [k, v instanceof Tensor
        ? new ort.Tensor("float32", v.data as Float32Array, [...v.shape]) : new ort.Tensor("int32", v, [v.length])]));
      const theirs = await (await ort.InferenceSession.create(c.bytes)).run(ortFeeds);
      const diffs: Record<string, [number, number, number]> = {};
      for (const [name, ours] of Object.entries(c.ours)) {
        assert.ok(back[name], `imported model has output ${name}`);
        diffs[name] = [maxAbs(back[name].data, ours), maxAbs(theirs[name].data as Float32Array, ours), maxAbs(theirs[name].data as Float32Array, back[name].data)];
      }
      t.diagnostic(`max |imported − exported|, |ort − exported|, |ort − imported|: ${JSON.stringify(diffs)}`);
      for (const [name, [same, o1, o2]] of Object.entries(diffs)) {
        assert.ok(same <= SAME, `${name}: imported vs exported ${same}`);
        assert.ok(o1 <= ORT && o2 <= ORT, `${name}: onnxruntime ${o1}, ${o2}`);
      }
    });
  }
});
