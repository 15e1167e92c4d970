// Bad input to the time-aware APIs throws an Error naming the argument, expected and actual.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../src/nn/index.ts";
import { LSTM, GRU } from "../src/layers/recurrent.ts";
import { Tensor, zeros } from "../src/tensor/tensor.ts";

const x = zeros([3, 5, 4]);

describe("TF-1 API input errors", () => {
  it("a ragged list in staticRnn", () => {
    assert.throws(() => nn.staticRnn(new nn.GRUCell({ numUnits: 2 }), [zeros([3, 4]), zeros([3, 5])]),
      /staticRnn: inputs\[1\] has shape \[3,5\] \(float32\), expected \[3,4\] \(float32\) like inputs\[0\]/);
    assert.throws(() => nn.staticRnn(new nn.GRUCell({ numUnits: 2 }), []), /staticRnn: inputs must be a non-empty array/);
  });
  it("sequenceLength longer than T, negative, fractional, or of the wrong count", () => {
    const cell = new nn.BasicLSTMCell({ numUnits: 2 });
    assert.throws(() => nn.dynamicRnn(cell, x, { sequenceLength: [5, 6, 1] }), /dynamicRnn: sequenceLength\[1\] must be an integer in \[0, 5\] \(time steps\), got 6/);
    assert.throws(() => nn.dynamicRnn(cell, x, { sequenceLength: [5, -1, 1] }), /sequenceLength\[1\] must be an integer in \[0, 5\].*got -1/);
    assert.throws(() => nn.dynamicRnn(cell, x, { sequenceLength: [5, 2.5, 1] }), /sequenceLength\[1\] must be an integer in \[0, 5\].*got 2.5/);
    assert.throws(() => nn.dynamicRnn(cell, x, { sequenceLength: [5, 2] }), /dynamicRnn: sequenceLength has 2 entries, expected one per batch row \(3\)/);
  });
  it("inputs of the wrong rank or depth", () => {
    const cell = new nn.GRUCell({ numUnits: 2, inputSize: 4 });
    assert.throws(() => nn.dynamicRnn(cell, zeros([3, 5, 7])), /dynamicRnn: inputs has shape \[3,5,7\], expected \[batch, time, 4\]/);
    assert.throws(() => nn.dynamicRnn(cell, zeros([3, 4])), /dynamicRnn: inputs has shape \[3,4\], expected \[batch, time, 4\]/);
    assert.throws(() => nn.dynamicRnn(cell, zeros([5, 3, 7]), { timeMajor: true }), /expected \[time, batch, 4\]/);
  });
  it("batch mismatch between inputs and initialState; state of the wrong structure", () => {
    const lstm = new nn.BasicLSTMCell({ numUnits: 2 });
    assert.throws(() => nn.dynamicRnn(lstm, x, { initialState: lstm.zeroState(2) }), /dynamicRnn: initialState.c has shape \[2,2\], expected \[3, 2\] \(batch 3\)/);
    assert.throws(() => nn.dynamicRnn(lstm, x, { initialState: zeros([3, 2]) }), /initialState must be an LSTMStateTuple \{ c, h \} for the BasicLSTMCell, got Tensor\(\[3,2\], float32\)/);
    const multi = new nn.MultiRNNCell([new nn.BasicLSTMCell({ numUnits: 2 }), new nn.GRUCell({ numUnits: 3 })]);
    assert.throws(() => nn.dynamicRnn(multi, x, { initialState: multi.zeroState(3).slice(0, 1) }),
      /dynamicRnn: initialState must be an array of 2 layer states \(one per MultiRNNCell layer\), got "an array of 1"/);
    const wrongOrder = [zeros([3, 3]), new nn.LSTMStateTuple(zeros([3, 2]), zeros([3, 2]))];
    assert.throws(() => nn.dynamicRnn(multi, x, { initialState: wrongOrder }), /initialState\[0\] must be an LSTMStateTuple/);
    assert.throws(() => nn.dynamicRnn(lstm, x, { initialState: new nn.LSTMStateTuple(zeros([3, 2], "float64"), zeros([3, 2], "float64")) }),
      /initialState.c has dtype float64, expected float32 like the inputs/);
  });
  it("unknown options, a second recording on one tape, cotangents of the wrong shape", () => {
    const cell = new nn.GRUCell({ numUnits: 2 });
    assert.throws(() => nn.dynamicRnn(cell, x, { sequence_length: [1, 2, 3] } as never), /dynamicRnn: unknown option "sequence_length"/);
    const tape = nn.tape();
    nn.dynamicRnn(cell, x, { tape });
    assert.throws(() => nn.dynamicRnn(cell, x, { tape }), /this tape already recorded a dynamicRnn call/);
    assert.throws(() => tape.backward({ outputs: zeros([3, 5, 3]) }), /tape.backward: outputs has shape \[3,5,3\], expected \[3,5,2\]/);
    assert.throws(() => tape.backward({ outputs: zeros([3, 5, 2]), states: [] } as never), /tape.backward: unknown option "states"/);
    assert.throws(() => nn.tape().backward({}), /nothing recorded/);
  });
  it("bad cell options and DropoutWrapper probabilities", () => {
    assert.throws(() => new nn.LSTMCell({ numUnits: 0 }), /LSTMCell: numUnits must be a positive integer, got 0/);
    assert.throws(() => new nn.LSTMCell({ numUnits: 2, numproj: 3 } as never), /LSTMCell: unknown option "numproj"/);
    assert.throws(() => new nn.LSTMCell({ numUnits: 2, cellClip: -1 }), /LSTMCell: cellClip must be a finite number ≥ 0, got -1/);
    assert.throws(() => new nn.DropoutWrapper(new nn.GRUCell({ numUnits: 2 }), { inputKeepProb: 0 }), /DropoutWrapper: inputKeepProb must be a probability in \(0, 1\], got 0/);
    assert.throws(() => new nn.DropoutWrapper(new nn.MultiRNNCell([new nn.GRUCell({ numUnits: 2 })]) as never), /DropoutWrapper: cell must be a single cell/);
    assert.throws(() => new nn.MultiRNNCell([]), /MultiRNNCell: cells must be a non-empty array of cells/);
  });
});

describe("layer API errors", () => {
  const lstm = () => new LSTM({ inputSize: 4, hiddenSize: 3, numLayers: 2 });
  it("state dict with a missing, extra or mis-shaped key, or a non-finite value", () => {
    const sd = lstm().stateDict();
    const { weight_hh_l1: _, ...missing } = sd;
    assert.throws(() => lstm().loadStateDict(missing), /LSTM.loadStateDict: missing key "weight_hh_l1" \(shape \[12,3\]\)/);
    assert.throws(() => lstm().loadStateDict({ ...sd, weight_hh_l2: sd.weight_hh_l1 }), /LSTM.loadStateDict: unexpected key\(s\) "weight_hh_l2"; expected weight_ih_l0/);
    assert.throws(() => lstm().loadStateDict({ ...sd, bias_ih_l0: zeros([13]) }), /LSTM.loadStateDict: "bias_ih_l0" has shape \[13\], expected \[12\]/);
    const bad = new Tensor([12], new Float32Array(12).fill(1)); bad.data[4] = Infinity;
    assert.throws(() => lstm().loadStateDict({ ...sd, bias_ih_l0: bad }), /"bias_ih_l0"\[4\] must be finite, got Infinity/);
  });
  it("inputs, states and lengths of the wrong shape", () => {
    assert.throws(() => lstm().forward(zeros([5, 3, 7])), /LSTM.forward: x has shape \[5,3,7\], expected \[seq, batch, 4\]/);
    assert.throws(() => new LSTM({ inputSize: 4, hiddenSize: 3, batchFirst: true }).forward(zeros([5, 3])), /expected \[batch, seq, 4\]/);
    assert.throws(() => lstm().forward(zeros([5, 3, 4]), { h0: zeros([1, 3, 3]) }), /LSTM.forward: h0 has shape \[1,3,3\], expected \[2,3,3\] \[numLayers·dirs, batch, R\]/);
    assert.throws(() => lstm().forward(zeros([5, 3, 4]), { lengths: [5, 6, 1] }), /LSTM.forward: lengths\[1\] must be an integer in \[0, 5\]/);
    assert.throws(() => lstm().forward(zeros([5, 3, 4], "float64")), /LSTM.forward: x has dtype float64, expected float32/);
    assert.throws(() => new GRU({ inputSize: 4, hiddenSize: 3 }).forward(zeros([5, 3, 4]), { c0: zeros([1, 3, 3]) }), /GRU.forward: c0 must be absent for GRU/);
    assert.throws(() => lstm().backward({}), /LSTM.backward: call forward first/);
  });
  it("bad constructor options", () => {
    assert.throws(() => new LSTM({ inputSize: 4, hiddenSize: 3, dropout: 1 }), /LSTM: dropout must be a probability in \[0, 1\), got 1/);
    assert.throws(() => new LSTM({ inputSize: 4, hiddenSize: 3, projSize: 3 }), /LSTM: projSize must be smaller than hiddenSize \(3\), got 3/);
    assert.throws(() => new GRU({ inputSize: 4, hiddenSize: 3, projSize: 2 } as never), /GRU: unknown option "projSize"/);
    assert.throws(() => new LSTM({ inputSize: 4, hiddenSize: 3, numLayers: 0 }), /LSTM: numLayers must be a positive integer, got 0/);
  });
});
