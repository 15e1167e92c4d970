// The public entry points' bad-input table: for each function or class, probes of six kinds —
// shape, dtype, range, non-finite, structure (null / wrong type / missing), unknown option — each
// a call that must throw an RnnlabError naming the argument (`arg` appears in the message).
// test/api/bad-input.test.ts runs every probe; fuzz/bad-input-table.ts writes docs/bad-input.md.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LSTM, GRU, RNN, Dense, Embedding, SequenceModel, Tensor, tensor, zeros, unstack, stack, concat, transpose, reverseSequence,
  nn, fit, evaluate, generate, adam, sgd, clipGradNorm, saveCheckpoint, loadCheckpoint, encodeSafetensors, decodeSafetensors,
  saveTraining, loadTraining, saveTorchSafetensors, loadTorchSafetensors, loadTfjsModel, saveTfjsModel, importTf1Variables,
  exportTf1Variables, kerasModelFromLayer, data, gradcheck,
} from "../src/index.ts";

export const KINDS = ["shape", "dtype", "range", "non-finite", "structure", "unknown option"] as const;
export type Kind = (typeof KINDS)[number];
export interface Probe { entry: string; kind: Kind; arg: string; what: string; run: () => unknown; allowed?: string }

const f32 = (n: number, v = 0.1) => new Float32Array(n).fill(v);
const x = (T = 4, B = 2, D = 3) => new Tensor([T, B, D], f32(T * B * D));
const model = () => new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 4, outputSize: 2, head: "last", loss: "class" });
/** A model that fits the adding dataset (2 features, 1 value). */
const fitModel = () => new SequenceModel({ cell: "gru", inputKind: "features", inputSize: 2, hiddenSize: 4, outputSize: 1, head: "last", loss: "value" });
const dataset = () => data.datasetByName("adding", { T: 6, trainSize: 16, testSize: 8 } as never);
const tmp = () => mkdtempSync(join(tmpdir(), "rnnlab-probe-"));
const lstmWithForward = () => { const l = new LSTM({ inputSize: 3, hiddenSize: 4 }); l.forward(x()); return l; };

export function probes(): Probe[] {
  const P: Probe[] = [];
  const add = (entry: string, kind: Kind, arg: string, what: string, run: () => unknown) => P.push({ entry, kind, arg, what, run });

  add("tensor", "shape", "shape", "6 values, shape [4,2]", () => tensor([1, 2, 3, 4, 5, 6], [4, 2]));
  add("tensor", "dtype", "dtype", 'dtype "int8"', () => tensor([1, 2], [2], "int8" as never));
  add("tensor", "range", "shape", "shape [-1, 2]", () => tensor([1, 2], [-1, 2]));
  P.push({ entry: "tensor", kind: "non-finite", arg: "values", what: "a NaN value", run: () => tensor([1, NaN], [2]),
    allowed: "by design: a tensor may hold NaN (unscored targets, a diverged run's values); every function that computes with one refuses it" });
  add("tensor", "structure", "values", "values null", () => tensor(null as never));
  add("zeros", "range", "shape", "shape [2.5]", () => zeros([2.5]));
  add("zeros", "dtype", "dtype", 'dtype "f16"', () => zeros([2], "f16" as never));
  add("stack", "shape", "list", "[2] with [3]", () => stack([zeros([2]), zeros([3])]));
  add("concat", "range", "axis", "axis 5", () => concat([zeros([2, 2]), zeros([2, 2])], 5));
  add("transpose", "range", "perm", "perm [0, 0]", () => transpose(zeros([2, 3]), [0, 0]));
  add("unstack", "structure", "x", "x null", () => unstack(null as never));
  add("reverseSequence", "range", "lengths", "a length past T", () => reverseSequence(x(), [9, 1], 0, 1));

  add("LSTM", "range", "hiddenSize", "hiddenSize -1", () => new LSTM({ inputSize: 3, hiddenSize: -1 }));
  add("LSTM", "range", "projSize", "projSize 9 ≥ hiddenSize 4", () => new LSTM({ inputSize: 3, hiddenSize: 4, projSize: 9 }));
  add("LSTM", "range", "dropout", "dropout 1", () => new LSTM({ inputSize: 3, hiddenSize: 4, dropout: 1 }));
  add("LSTM", "non-finite", "seed", "seed NaN", () => new LSTM({ inputSize: 3, hiddenSize: 4, seed: NaN }));
  add("LSTM", "dtype", "dtype", 'dtype "float16"', () => new LSTM({ inputSize: 3, hiddenSize: 4, dtype: "float16" as never }));
  add("LSTM", "structure", "options", "options null", () => new LSTM(null as never));
  add("LSTM", "unknown option", "hiddenSise", "hiddenSise: 4", () => new LSTM({ inputSize: 3, hiddenSize: 4, hiddenSise: 4 } as never));
  add("GRU", "unknown option", "projSize", "projSize on a GRU", () => new GRU({ inputSize: 3, hiddenSize: 4, projSize: 2 } as never));
  add("RNN", "range", "nonlinearity", 'nonlinearity "sigmoid"', () => new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: "sigmoid" as never }));

  add("layer.forward", "shape", "x", "x [4,2,5] for inputSize 3", () => new LSTM({ inputSize: 3, hiddenSize: 4 }).forward(x(4, 2, 5)));
  add("layer.forward", "dtype", "x", "float64 x, float32 layer", () => new LSTM({ inputSize: 3, hiddenSize: 4 }).forward(new Tensor([4, 2, 3], new Float64Array(24))));
  add("layer.forward", "shape", "h0", "h0 [1,3,4] for batch 2", () => new LSTM({ inputSize: 3, hiddenSize: 4 }).forward(x(), { h0: zeros([1, 3, 4]) }));
  add("layer.forward", "range", "lengths", "lengths [5, 2] with T = 4", () => new LSTM({ inputSize: 3, hiddenSize: 4 }).forward(x(), { lengths: [5, 2] }));
  add("layer.forward", "non-finite", "x", "x with NaN", () => new LSTM({ inputSize: 3, hiddenSize: 4 }).forward(new Tensor([4, 2, 3], f32(24, NaN))));
  add("layer.forward", "structure", "options", "forward(x, null)", () => new LSTM({ inputSize: 3, hiddenSize: 4 }).forward(x(), null as never));
  add("layer.forward", "unknown option", "lenghts", "lenghts: [4, 4]", () => new LSTM({ inputSize: 3, hiddenSize: 4 }).forward(x(), { lenghts: [4, 4] } as never));
  add("layer.backward", "structure", "cotangents", "backward(null)", () => lstmWithForward().backward(null as never));
  add("layer.backward", "shape", "output", "output cotangent of the wrong shape", () => lstmWithForward().backward({ output: zeros([1, 1, 1]) }));
  add("layer.backward", "dtype", "inputGrad", 'inputGrad "yes"', () => lstmWithForward().backward({}, { inputGrad: "yes" as never }));
  add("layer.backward", "unknown option", "hn", "hn instead of hN", () => lstmWithForward().backward({ hn: zeros([1, 2, 4]) } as never));
  add("layer.loadStateDict", "structure", "dict", "a bare Float32Array", () => new LSTM({ inputSize: 3, hiddenSize: 4 }).loadStateDict(f32(10) as never));
  add("layer.loadStateDict", "shape", "weight_ih_l0", "shape [16,3] with 5 values", () => {
    const l = new LSTM({ inputSize: 3, hiddenSize: 4 }), d = l.stateDict();
    l.loadStateDict({ ...d, weight_ih_l0: { shape: [16, 3], data: f32(5) } });
  });
  add("layer.loadStateDict", "shape", "weight_ih_l0", "shape [16,3] with 50 values", () => {
    const l = new LSTM({ inputSize: 3, hiddenSize: 4 }), d = l.stateDict();
    l.loadStateDict({ ...d, weight_ih_l0: { shape: [16, 3], data: f32(50) } });
  });
  add("layer.loadStateDict", "non-finite", "bias_hh_l0", "an Infinity", () => {
    const l = new LSTM({ inputSize: 3, hiddenSize: 4 }), d = l.stateDict();
    l.loadStateDict({ ...d, bias_hh_l0: { shape: [16], data: f32(16, Infinity) } });
  });
  add("layer.loadStateDict", "unknown option", "weight_ih_l1", "an extra key", () => {
    const l = new LSTM({ inputSize: 3, hiddenSize: 4 });
    l.loadStateDict({ ...l.stateDict(), weight_ih_l1: zeros([16, 4]) });
  });

  add("Dense", "range", "outputSize", "outputSize 0", () => new Dense({ inputSize: 3, outputSize: 0 }));
  add("Embedding", "range", "numEmbeddings", "numEmbeddings 1.5", () => new Embedding({ numEmbeddings: 1.5, embeddingDim: 2 }));

  add("nn.LSTMCell", "range", "numProj", "numProj -1", () => new nn.LSTMCell({ numUnits: 4, numProj: -1 }));
  add("nn.LSTMCell", "range", "numUnits", "numUnits 0", () => new nn.LSTMCell({ numUnits: 0 }));
  add("nn.LSTMCell", "non-finite", "forgetBias", "forgetBias Infinity", () => new nn.LSTMCell({ numUnits: 4, forgetBias: Infinity }));
  add("nn.LSTMCell", "unknown option", "num_units", "num_units: 4", () => new nn.LSTMCell({ num_units: 4 } as never));
  add("nn.dynamicRnn", "shape", "inputs", "inputs [2,4] (rank 2)", () => nn.dynamicRnn(new nn.GRUCell({ numUnits: 4 }), zeros([2, 4])));
  add("nn.dynamicRnn", "range", "sequenceLength", "sequenceLength [9, 1]", () => nn.dynamicRnn(new nn.GRUCell({ numUnits: 4 }), x(2, 4, 3) as never, { sequenceLength: [9, 1] }));
  add("nn.dynamicRnn", "unknown option", "time_major", "time_major: true", () => nn.dynamicRnn(new nn.GRUCell({ numUnits: 4 }), x(2, 4, 3), { time_major: true } as never));
  add("nn.staticRnn", "structure", "inputs", "inputs a Tensor, not a list", () => nn.staticRnn(new nn.GRUCell({ numUnits: 4 }), zeros([2, 3]) as never));

  add("SequenceModel", "range", "hiddenSize", "hiddenSize 0", () => new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 0, outputSize: 2, head: "last", loss: "class" }));
  add("SequenceModel", "structure", "cell", 'cell "transformer"', () => new SequenceModel({ cell: "transformer" as never, inputKind: "features", inputSize: 3, hiddenSize: 4, outputSize: 2, head: "last", loss: "class" }));
  add("SequenceModel", "unknown option", "hidden", "hidden: 4", () => new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 3, hidden: 4, outputSize: 2, head: "last", loss: "class" } as never));
  add("SequenceModel.loadStateDict", "structure", "dict", "dict null", () => model().loadStateDict(null as never));

  add("fit", "structure", "optimizer", "no optimizer", () => fit(fitModel(), dataset(), { epochs: 1, batchSize: 4 } as never));
  add("fit", "structure", "schedule", 'schedule: "cosine"', () => fit(fitModel(), dataset(), { epochs: 1, batchSize: 4, optimizer: adam(), schedule: "cosine" as never }));
  add("fit", "structure", "onStep", "onStep: 1", () => fit(fitModel(), dataset(), { epochs: 1, batchSize: 4, optimizer: adam(), onStep: 1 as never }));
  add("fit", "range", "maxBatchesPerEpoch", "maxBatchesPerEpoch 0", () => fit(fitModel(), dataset(), { epochs: 1, batchSize: 4, optimizer: adam(), maxBatchesPerEpoch: 0 }));
  add("fit", "range", "evalBatchSize", "evalBatchSize 0", () => fit(fitModel(), dataset(), { epochs: 1, batchSize: 4, optimizer: adam(), evalBatchSize: 0 }));
  add("fit", "non-finite", "clipNorm", "clipNorm NaN", () => fit(fitModel(), dataset(), { epochs: 1, batchSize: 4, optimizer: adam(), clipNorm: NaN }));
  add("fit", "unknown option", "epoch", "epoch: 1", () => fit(fitModel(), dataset(), { epoch: 1, batchSize: 4, optimizer: adam() } as never));
  add("evaluate", "structure", "model", "model null", () => evaluate(null as never, dataset(), "test"));
  add("generate", "unknown option", "temprature", "temprature: 0.5", () => generate(model(), { encode: () => Int32Array.of(0), decode: () => "" }, "a", { temprature: 0.5 } as never));
  add("generate", "structure", "model", "a feature model", () => generate(model(), { encode: () => Int32Array.of(0), decode: () => "" }, "a"));

  add("adam", "range", "beta1", "beta1 1", () => adam({ beta1: 1 }));
  add("adam", "non-finite", "lr", "lr NaN", () => adam({ lr: NaN }));
  add("adam", "unknown option", "betas", "betas: [0.9, 0.99]", () => adam({ betas: [0.9, 0.99] } as never));
  add("sgd", "range", "nesterov", "nesterov without momentum", () => sgd({ nesterov: true }));
  add("optimizer.loadState", "dtype", "state.t", 't: "x"', () => adam().loadState({ t: "x" as never, slots: {} }));
  add("optimizer.loadState", "shape", "slots", "m of 3 values, v of 4", () => adam().loadState({ t: 1, slots: { "rnn/m": f32(3), "rnn/v": f32(4) } }));
  add("optimizer.loadState", "shape", "rnn/m", "slots shorter than the parameters", () => { const m = model(); adam().loadState({ t: 1, slots: { "rnn/m": f32(3), "rnn/v": f32(3) } }, { groups: m.groups() }); });
  add("optimizer.loadState", "non-finite", "rnn/v", "a NaN second moment", () => adam().loadState({ t: 1, slots: { "rnn/m": f32(3), "rnn/v": f32(3, NaN) } }));
  add("optimizer.loadState", "range", "rnn/v", "a negative second moment", () => adam().loadState({ t: 1, slots: { "rnn/m": f32(3), "rnn/v": f32(3, -1) } }));
  add("optimizer.loadState", "unknown option", "rnn/s", "a slot adam does not have", () => adam().loadState({ t: 1, slots: { "rnn/s": f32(3) } }));
  add("clipGradNorm", "range", "maxNorm", "maxNorm -1", () => clipGradNorm(model().groups(), -1));

  add("encodeSafetensors", "shape", "data", "shape [2,2] with 3 values", () => encodeSafetensors({ a: { shape: [2, 2], data: f32(3) } }));
  add("encodeSafetensors", "dtype", "data", "an Int32Array", () => encodeSafetensors({ a: { shape: [2], data: new Int32Array(2) as never } }));
  add("encodeSafetensors", "structure", "metadata", "a number in metadata", () => encodeSafetensors({}, { a: 1 as never }));
  add("decodeSafetensors", "structure", "bytes", "a string", () => decodeSafetensors("abc" as never));
  add("decodeSafetensors", "unknown option", "allowNaN", "allowNaN: true", () => decodeSafetensors(encodeSafetensors({}), "x", { allowNaN: true } as never));
  add("saveCheckpoint", "non-finite", "tensors", "a NaN tensor", () => saveCheckpoint(join(tmp(), "a.safetensors"), { a: new Tensor([1], Float32Array.of(NaN)) }));
  add("saveCheckpoint", "structure", "path", "path 42", () => saveCheckpoint(42 as never, {}));
  add("saveCheckpoint", "unknown option", "allownonfinite", "allownonfinite: true", () => saveCheckpoint(join(tmp(), "a.safetensors"), {}, undefined, { allownonfinite: true } as never));
  add("loadCheckpoint", "structure", "path", "a directory", () => loadCheckpoint(tmp()));
  add("loadCheckpoint", "unknown option", "strict", "strict: true", () => { const p = join(tmp(), "a.safetensors"); saveCheckpoint(p, {}); loadCheckpoint(p, { strict: true } as never); });
  add("saveTraining", "structure", "model", "model null", () => saveTraining(join(tmp(), "a.safetensors"), null as never));
  add("loadTraining", "structure", "into", "into an LSTM layer", () => { const p = join(tmp(), "a.safetensors"); saveTraining(p, model()); loadTraining(p, new LSTM({ inputSize: 3, hiddenSize: 4 }) as never); });
  add("loadTraining", "unknown option", "allowNaN", "allowNaN: true", () => { const p = join(tmp(), "a.safetensors"); saveTraining(p, model()); loadTraining(p, undefined, { allowNaN: true } as never); });
  add("loadTraining", "structure", "path", "path missing", () => loadTraining(join(tmp(), "none.safetensors")));
  add("saveTorchSafetensors", "structure", "layer", "a Dense layer", () => saveTorchSafetensors(new Dense({ inputSize: 2, outputSize: 2 }) as never, join(tmp(), "a.safetensors")));
  add("loadTorchSafetensors", "shape", "weight_ih_l0", "a file of another shape", () => {
    const p = join(tmp(), "a.safetensors"); saveTorchSafetensors(new LSTM({ inputSize: 5, hiddenSize: 4 }), p); loadTorchSafetensors(new LSTM({ inputSize: 3, hiddenSize: 4 }), p);
  });
  add("loadTorchSafetensors", "unknown option", "strict", "strict: false", () => {
    const p = join(tmp(), "a.safetensors"); saveTorchSafetensors(new LSTM({ inputSize: 3, hiddenSize: 4 }), p); loadTorchSafetensors(new LSTM({ inputSize: 3, hiddenSize: 4 }), p, { strict: false } as never);
  });
  add("loadTfjsModel", "structure", "path", "path 7", () => loadTfjsModel(7 as never));
  add("loadTfjsModel", "unknown option", "hardsigmoid", "hardsigmoid: \"keras3\"", () => { const d = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), d); loadTfjsModel(d, { hardsigmoid: "keras3" } as never); });
  add("loadTfjsModel", "range", "hardSigmoid", 'hardSigmoid "keras4"', () => { const d = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), d); loadTfjsModel(d, { hardSigmoid: "keras4" as never }); });
  add("KerasModel.predict", "shape", "inputs[0]", "[2,4,5] for a width-3 model", () => { const d = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), d); loadTfjsModel(d).predict(x(2, 4, 5)); });
  add("saveTfjsModel", "structure", "dir", "dir \"\"", () => saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), ""));
  add("importTf1Variables", "shape", "rnn/lstm_cell/kernel", "a kernel of another shape", () => {
    const cell = new nn.LSTMCell({ numUnits: 4, inputSize: 3 } as never); nn.dynamicRnn(cell, x(2, 4, 3));
    importTf1Variables(cell, { ...exportTf1Variables(cell), "rnn/lstm_cell/kernel": zeros([3, 3]) });
  });
  add("importTf1Variables", "non-finite", "rnn/lstm_cell/bias", "a NaN bias", () => {
    const cell = new nn.LSTMCell({ numUnits: 4, inputSize: 3 } as never); nn.dynamicRnn(cell, x(2, 4, 3));
    importTf1Variables(cell, { ...exportTf1Variables(cell), "rnn/lstm_cell/bias": new Tensor([16], f32(16, NaN)) });
  });
  add("importTf1Variables", "structure", "vars", "vars null", () => { const cell = new nn.LSTMCell({ numUnits: 4, inputSize: 3 } as never); nn.dynamicRnn(cell, x(2, 4, 3)); importTf1Variables(cell, null as never); });
  add("importTf1Variables", "unknown option", "scop", "scop: \"rnn\"", () => { const cell = new nn.LSTMCell({ numUnits: 4, inputSize: 3 } as never); nn.dynamicRnn(cell, x(2, 4, 3)); importTf1Variables(cell, exportTf1Variables(cell), { scop: "rnn" } as never); });
  add("zeros", "structure", "shape", "shape 3 (not a list)", () => zeros(3 as never));
  add("zeros", "non-finite", "shape", "shape [Infinity]", () => zeros([Infinity]));
  add("stack", "dtype", "list", "float32 with float64", () => stack([zeros([2]), zeros([2], "float64")]));
  add("stack", "structure", "list", "an empty list", () => stack([]));
  add("concat", "shape", "list", "[2,2] with [3,3]", () => concat([zeros([2, 2]), zeros([3, 3])], 0));
  add("concat", "dtype", "list", "float32 with float64", () => concat([zeros([2, 2]), zeros([2, 2], "float64")], 0));
  add("transpose", "structure", "x", "x a number", () => transpose(3 as never));
  add("transpose", "shape", "perm", "perm [1] for a rank-2 x", () => transpose(zeros([2, 3]), [1]));
  add("unstack", "range", "axis", "axis 3 of a rank-2 x", () => unstack(zeros([2, 3]), 3));
  add("reverseSequence", "shape", "lengths", "3 lengths for batch 2", () => reverseSequence(x(), [1, 2, 3], 0, 1));
  add("reverseSequence", "non-finite", "lengths", "a NaN length", () => reverseSequence(x(), [NaN, 1], 0, 1));
  add("GRU", "range", "numLayers", "numLayers 0", () => new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 0 }));
  add("GRU", "structure", "bidirectional", 'bidirectional "yes"', () => new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: "yes" as never }));
  add("RNN", "unknown option", "activation", "activation (the TF-1 name)", () => new RNN({ inputSize: 3, hiddenSize: 4, activation: "relu" } as never));
  add("Dense", "non-finite", "seed", "seed -Infinity", () => new Dense({ inputSize: 3, outputSize: 2, seed: -Infinity }));
  add("Dense", "unknown option", "units", "units: 2", () => new Dense({ inputSize: 3, units: 2 } as never));
  add("Dense", "dtype", "dtype", 'dtype "int32"', () => new Dense({ inputSize: 3, outputSize: 2, dtype: "int32" as never }));
  add("Embedding", "structure", "options", "options undefined", () => new Embedding(undefined as never));
  add("Embedding", "unknown option", "vocabSize", "vocabSize: 5", () => new Embedding({ vocabSize: 5, embeddingDim: 2 } as never));
  add("nn.GRUCell", "structure", "resetAfter", 'resetAfter "true"', () => new nn.GRUCell({ numUnits: 4, resetAfter: "true" as never }));
  add("nn.GRUCell", "unknown option", "reset_after", "reset_after: true", () => new nn.GRUCell({ numUnits: 4, reset_after: true } as never));
  add("nn.BasicRNNCell", "range", "activation", 'activation "swish"', () => new nn.BasicRNNCell({ numUnits: 4, activation: "swish" as never }));
  add("nn.dynamicRnn", "dtype", "dtype", 'dtype "float16"', () => nn.dynamicRnn(new nn.GRUCell({ numUnits: 4 }), x(2, 4, 3), { dtype: "float16" } as never));
  add("nn.dynamicRnn", "non-finite", "inputs", "inputs with Infinity", () => nn.dynamicRnn(new nn.GRUCell({ numUnits: 4 }), new Tensor([2, 4, 3], f32(24, Infinity))));
  add("nn.dynamicRnn", "structure", "cell", "cell null", () => nn.dynamicRnn(null as never, x(2, 4, 3)));
  add("nn.bidirectionalDynamicRnn", "shape", "inputs", "inputs [2,4] (rank 2)", () => nn.bidirectionalDynamicRnn(new nn.GRUCell({ numUnits: 4 }), new nn.GRUCell({ numUnits: 4 }), zeros([2, 4])));
  add("nn.staticRnn", "shape", "inputs", "steps of different shapes", () => nn.staticRnn(new nn.GRUCell({ numUnits: 4 }), [zeros([2, 3]), zeros([3, 3])]));
  add("SequenceModel", "dtype", "dtype", 'dtype "float16"', () => new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 4, outputSize: 2, head: "last", loss: "class", dtype: "float16" as never }));
  add("SequenceModel", "non-finite", "dropout", "dropout NaN", () => new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 4, outputSize: 2, head: "last", loss: "class", dropout: NaN }));
  add("SequenceModel.loadStateDict", "shape", "fc.weight", "fc.weight [3,4]", () => { const m = model(); m.loadStateDict({ ...m.stateDict(), "fc.weight": zeros([3, 4]) }); });
  add("SequenceModel.loadStateDict", "non-finite", "fc.bias", "fc.bias NaN", () => { const m = model(); m.loadStateDict({ ...m.stateDict(), "fc.bias": new Tensor([2], f32(2, NaN)) }); });
  add("SequenceModel.loadStateDict", "unknown option", "fc.weight_extra", "an extra key", () => { const m = model(); m.loadStateDict({ ...m.stateDict(), "fc.weight_extra": zeros([1]) }); });
  add("fit", "shape", "data", "a dataset of another width", () => fit(new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 5, hiddenSize: 4, outputSize: 1, head: "last", loss: "value" }), dataset(), { epochs: 1, batchSize: 4, optimizer: adam() }));
  add("fit", "dtype", "evaluate", 'evaluate "no"', () => fit(fitModel(), dataset(), { epochs: 1, batchSize: 4, optimizer: adam(), evaluate: "no" as never }));
  add("evaluate", "range", "batchSize", "batchSize 0", () => evaluate(fitModel(), dataset(), "test", 0));
  add("evaluate", "unknown option", "split", 'split "valid"', () => evaluate(fitModel(), dataset(), "valid" as never));
  add("generate", "range", "temperature", "temperature -1", () => generate(new SequenceModel({ cell: "gru", inputKind: "tokens", inputSize: 5, hiddenSize: 4, outputSize: 5, head: "every", loss: "class" }), { encode: () => Int32Array.of(1), decode: () => "" }, "a", { temperature: -1 }));
  add("generate", "non-finite", "seed", "seed NaN", () => generate(new SequenceModel({ cell: "gru", inputKind: "tokens", inputSize: 5, hiddenSize: 4, outputSize: 5, head: "every", loss: "class" }), { encode: () => Int32Array.of(1), decode: () => "" }, "a", { seed: NaN }));
  add("generate", "dtype", "prompt", "prompt 42", () => generate(new SequenceModel({ cell: "gru", inputKind: "tokens", inputSize: 5, hiddenSize: 4, outputSize: 5, head: "every", loss: "class" }), { encode: () => Int32Array.of(1), decode: () => "" }, 42 as never));
  add("sgd", "unknown option", "dampening", "dampening: 0.1", () => sgd({ dampening: 0.1 } as never));
  add("sgd", "non-finite", "momentum", "momentum Infinity", () => sgd({ momentum: Infinity }));
  add("adam", "dtype", "beta2", 'beta2 "0.999"', () => adam({ beta2: "0.999" as never }));
  add("optimizer.loadState", "structure", "state", "state null", () => adam().loadState(null as never));
  add("clipGradNorm", "non-finite", "maxNorm", "maxNorm NaN", () => clipGradNorm(model().groups(), NaN));
  add("encodeSafetensors", "range", "shape", "shape [-2]", () => encodeSafetensors({ a: { shape: [-2], data: f32(2) } }));
  add("encodeSafetensors", "unknown option", "__metadata__", "a tensor named __metadata__", () => encodeSafetensors({ __metadata__: { shape: [1], data: f32(1) } }));
  add("decodeSafetensors", "range", "the header length", "a header length past the file", () => { const b = new Uint8Array(16); b[0] = 200; decodeSafetensors(b); });
  add("decodeSafetensors", "non-finite", "tensor \"a\"", "a NaN value", () => decodeSafetensors(encodeSafetensors({ a: { shape: [1], data: f32(1, NaN) } })));
  add("decodeSafetensors", "shape", "byte length", "a shape that does not match its bytes", () => {
    const b = encodeSafetensors({ a: { shape: [2], data: f32(2) } }), text = new TextDecoder().decode(b).replace('"shape":[2]', '"shape":[3]');
    decodeSafetensors(new TextEncoder().encode(text));
  });
  add("decodeSafetensors", "dtype", "dtype", 'dtype "F16"', () => {
    const b = encodeSafetensors({ a: { shape: [2], data: f32(2) } }), text = new TextDecoder().decode(b).replace('"F32"', '"I32"');
    decodeSafetensors(new TextEncoder().encode(text));
  });
  add("saveCheckpoint", "shape", "data", "shape [3] with 2 values", () => saveCheckpoint(join(tmp(), "a.safetensors"), { a: { shape: [3], data: f32(2) } }));
  add("saveCheckpoint", "dtype", "data", "a Uint8Array", () => saveCheckpoint(join(tmp(), "a.safetensors"), { a: { shape: [2], data: new Uint8Array(2) as never } }));
  add("loadCheckpoint", "non-finite", "must be finite", "a NaN tensor", () => { const p = join(tmp(), "a.safetensors"); saveCheckpoint(p, { a: new Tensor([1], f32(1, NaN)) }, undefined, { allowNonFinite: true }); loadCheckpoint(p); });
  add("saveTraining", "non-finite", "fc.bias", "a model with a NaN bias", () => { const m = model(); m.fc.params.views.bias[0] = NaN; saveTraining(join(tmp(), "a.safetensors"), m); });
  add("saveTraining", "structure", "optimizer", "optimizer 5", () => saveTraining(join(tmp(), "a.safetensors"), model(), 5 as never));
  add("saveTraining", "range", "epoch", "progress.epoch -1", () => saveTraining(join(tmp(), "a.safetensors"), model(), null, { epoch: -1, batch: 0, step: 0, seed: 0 }));
  add("loadTraining", "shape", "hiddenSize", "into a model of another size", () => { const p = join(tmp(), "a.safetensors"); saveTraining(p, model()); loadTraining(p, new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 6, outputSize: 2, head: "last", loss: "class" })); });
  add("loadTraining", "non-finite", "must be finite", "a NaN weight", () => { const p = join(tmp(), "a.safetensors"); const m = model(); m.fc.params.views.bias[0] = NaN; saveCheckpoint(p, m.stateDict(), { "rnnlab.model": JSON.stringify(m.config) }, { allowNonFinite: true }); loadTraining(p); });
  add("loadTorchSafetensors", "structure", "layer", "layer null", () => loadTorchSafetensors(null as never, "x"));
  add("loadTorchSafetensors", "non-finite", "must be finite", "a NaN weight", () => {
    const p = join(tmp(), "a.safetensors"), l = new LSTM({ inputSize: 3, hiddenSize: 4 }), d = l.stateDict(); d.bias_ih_l0.data[0] = NaN;
    saveCheckpoint(p, d, undefined, { allowNonFinite: true }); loadTorchSafetensors(l, p);
  });
  add("loadTfjsModel", "non-finite", "must be finite", "an Infinity in the shard", () => {
    const d = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), d);
    const j = JSON.parse(readFileSync(join(d, "model.json"), "utf8")), shard = join(d, j.weightsManifest[0].paths[0]), b = readFileSync(shard);
    b.writeFloatLE(Infinity, 0); writeFileSync(shard, b); loadTfjsModel(d);
  });
  add("loadTfjsModel", "shape", "expected [3,16]", "a kernel of another shape", () => {
    const d = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), d);
    const p = join(d, "model.json"), j = JSON.parse(readFileSync(p, "utf8")); j.weightsManifest[0].weights[0].shape = [16, 3]; writeFileSync(p, JSON.stringify(j)); loadTfjsModel(d);
  });
  add("loadTfjsModel", "dtype", "dtype", 'a weight of dtype "int32"', () => {
    const d = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), d);
    const p = join(d, "model.json"), j = JSON.parse(readFileSync(p, "utf8")); j.weightsManifest[0].weights[0].dtype = "int32"; writeFileSync(p, JSON.stringify(j)); loadTfjsModel(d);
  });
  add("KerasModel.predict", "structure", "inputs[0]", "a plain array", () => { const d = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), d); loadTfjsModel(d).predict([[1, 2, 3]] as never); });
  add("saveTfjsModel", "unknown option", "dir", "dir 5", () => saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), 5 as never));
  add("importTf1Variables", "dtype", "rnn/lstm_cell/kernel", "a kernel of strings", () => {
    const cell = new nn.LSTMCell({ numUnits: 4, inputSize: 3 } as never); nn.dynamicRnn(cell, x(2, 4, 3));
    const vars = exportTf1Variables(cell), k = vars["rnn/lstm_cell/kernel"];
    importTf1Variables(cell, { ...vars, "rnn/lstm_cell/kernel": { shape: k.shape, data: Array.from(k.data, () => "1") as never } });
  });
  add("gradcheck", "shape", "analytic", "3 analytic values for 2 entries", () => gradcheck(() => 0, new Float64Array(2), [1, 2, 3]));
  add("gradcheck", "dtype", "x", "x a Float32Array", () => gradcheck(() => 0, new Float32Array(2) as never, [1, 2]));
  add("gradcheck", "unknown option", "eps", "eps: 1e-3", () => gradcheck(() => 0, new Float64Array(2), [1, 2], { eps: 1e-3 } as never));
  return P;
}

export interface ProbeResult extends Probe { ok: boolean; outcome: string }

/** Run one probe: ok when it throws an RnnlabError whose message names the argument. */
export function runProbe(p: Probe, RnnlabError: new (...a: never[]) => Error): ProbeResult {
  try {
    p.run();
    return { ...p, ok: p.allowed !== undefined, outcome: p.allowed ? `accepted ${p.allowed}` : "silently accepted" };
  } catch (e) {
    if (!(e instanceof RnnlabError)) return { ...p, ok: false, outcome: `${(e as Error)?.name}: ${(e as Error)?.message}` };
    const msg = (e as Error).message;
    return { ...p, ok: msg.includes(p.arg), outcome: msg };
  }
}

