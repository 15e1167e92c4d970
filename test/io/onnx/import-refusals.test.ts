// importOnnx refuses by name what it cannot compute exactly (node, attribute, value), accepts
// weights as graph inputs (fed at run time, fixed at import with options.inputs, or defaulted by an
// initializer of the same name), and checks what is fed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { importOnnx } from "../../../src/io/onnx/import.ts";
import { encodeModelProto } from "../../../src/io/onnx/codec.ts";
import { attr, floatTensor, node, valueInfo, type AttributeProto, type NodeProto, type TensorProto } from "../../../src/io/onnx/proto.ts";
import { Tensor } from "../../../src/tensor/tensor.ts";
import { RnnlabError } from "../../../src/errors.ts";

const D = 2, H = 3, T = 4, B = 2;
const vals = (n: number, f: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i * f + 0.2));

/** One LSTM node; W, R, B as graph inputs unless given as initializers. */
function lstmModel(attrs: AttributeProto[], opts: { opset?: number; inits?: TensorProto[]; extra?: NodeProto[]; inputs?: string[] } = {}) {
  const nodeInputs = opts.inputs ?? ["X", "W", "R", "B"];
  const g = {
    name: "g", node: [node("LSTM", nodeInputs, ["Y", "Y_h"], [attr("hidden_size", H), ...attrs], "lstm0"), ...(opts.extra ?? [])],
    initializer: opts.inits ?? [],
    input: [valueInfo("X", "float", [T, B, D]), valueInfo("W", "float", [1, 4 * H, D]), valueInfo("R", "float", [1, 4 * H, H]), valueInfo("B", "float", [1, 8 * H])],
    output: [valueInfo(opts.extra?.length ? "Z" : "Y", "float", [])],
  };
  return encodeModelProto({ irVersion: 8, opsetImport: [{ domain: "", version: opts.opset ?? 14 }], graph: g });
}
const weights = { W: new Tensor([1, 4 * H, D], vals(4 * H * D, 0.7)), R: new Tensor([1, 4 * H, H], vals(4 * H * H, 1.1)), B: new Tensor([1, 8 * H], vals(8 * H, 1.7)) };
const x = new Tensor([T, B, D], vals(T * B * D, 0.9));
const refuses = (f: () => unknown, re: RegExp) => assert.throws(f, (e: Error) => e instanceof RnnlabError && re.test(e.message), re.source);

describe("importOnnx: refusals name the node, the attribute and its value", () => {
  it("clip (gate pre-activation clipping) is refused with the reason", () => {
    refuses(() => importOnnx(lstmModel([attr("clip", 3, "float")])), /<bytes>: node "lstm0" \(LSTM\) attribute clip = 3 is not supported: ONNX clips the input of every gate activation/);
  });
  it("input_forget = 1 is refused; input_forget = 0 is accepted", () => {
    refuses(() => importOnnx(lstmModel([attr("input_forget", 1)])), /node "lstm0" \(LSTM\) attribute input_forget = 1 is not supported: coupling/);
    importOnnx(lstmModel([attr("input_forget", 0)]));
  });
  it("LSTM activations with g ≠ h, an activation rnnlab lacks, a misspelt one, a wrong count", () => {
    refuses(() => importOnnx(lstmModel([attr("activations", ["Sigmoid", "Tanh", "Relu"])])), /attribute activations = \["Sigmoid","Tanh","Relu"\] uses tanh for the candidate \(g\) and relu for the cell output \(h\)/);
    refuses(() => importOnnx(lstmModel([attr("activations", ["Sigmoid", "Softplus", "Softplus"])])), /entry 1 Softplus has no exact rnnlab activation/);
    refuses(() => importOnnx(lstmModel([attr("activations", ["sigmoid", "Tanh", "Tanh"])])), /names "sigmoid", which is not an ONNX activation/);
    refuses(() => importOnnx(lstmModel([attr("activations", ["Sigmoid", "Tanh"])])), /has 2 entries; LSTM forward needs 3/);
    refuses(() => importOnnx(lstmModel([attr("activations", ["HardSigmoid", "Tanh", "Tanh"]), attr("activation_alpha", [0.3], "floats")])), /HardSigmoid\(alpha=0\.30000001192092896, beta=0\.5\) has no exact rnnlab activation/);
  });
  it("an attribute the operator does not define, layout before opset 14, opsets outside 7–22", () => {
    refuses(() => importOnnx(lstmModel([attr("output_sequence", 1)])), /attribute output_sequence = 1 is not supported \(LSTM in opset 14 has: /);
    refuses(() => importOnnx(lstmModel([attr("layout", 1)], { opset: 7 })), /attribute layout = 1 is not supported \(LSTM in opset 7 has/);
    refuses(() => importOnnx(lstmModel([], { opset: 6 })), /node "lstm0" \(LSTM\) is from opset 6; rnnlab reads the recurrent operators of opsets 7 to 22/);
    refuses(() => importOnnx(lstmModel([attr("direction", "backward")])), /attribute direction = "backward" must be forward, reverse or bidirectional/);
    refuses(() => importOnnx(lstmModel([attr("hidden_size", 2)])), /attribute hidden_size = 2 is given twice/);
    refuses(() => importOnnx(lstmModel([attr("clip", 1)])), /attribute clip = 1 has type int, expected float/);
  });
  it("the first unsupported node is named", () => {
    refuses(() => importOnnx(lstmModel([], { extra: [node("Softmax", ["Y"], ["Z"], [], "soft")] })), /node "soft" \(Softmax\) is not supported: rnnlab imports RNN, LSTM, GRU and the operators/);
  });
});

describe("importOnnx: weights as graph inputs", () => {
  const ref = importOnnx(lstmModel([])).run({ X: x, ...weights }).Y;
  it("fed at run time", () => assert.deepEqual(ref.shape, [T, 1, B, H]));
  it("fixed at import with options.inputs: then only X is fed, same outputs", () => {
    const m = importOnnx(lstmModel([]), { inputs: weights });
    assert.deepEqual(m.inputs.map((i) => i.name), ["X"]);
    assert.deepEqual(m.run({ X: x }).Y.data, ref.data);
  });
  it("an initializer of the same name is the default, which a feed may override", () => {
    const inits = [floatTensor("W", [1, 4 * H, D], weights.W.data), floatTensor("R", [1, 4 * H, H], weights.R.data), floatTensor("B", [1, 8 * H], weights.B.data)];
    const m = importOnnx(lstmModel([], { inits }));
    assert.deepEqual(m.inputs.map((i) => i.name), ["X"]);
    assert.deepEqual(m.run({ X: x }).Y.data, ref.data);
    const zeroB = m.run({ X: x, B: new Tensor([1, 8 * H], new Float32Array(8 * H)) }).Y.data;
    assert.notDeepEqual(zeroB, ref.data);
  });
  it("a missing feed, a wrong shape, an unknown name, sequence_lens past T are named", () => {
    const m = importOnnx(lstmModel([]));
    refuses(() => m.run({ X: x, W: weights.W, R: weights.R }), /<bytes>: run: input "B" is not fed/);
    refuses(() => m.run({ X: new Tensor([T, B, 3], new Float32Array(T * B * 3)), ...weights }), /input "X" has shape \[4,2,3\], the graph declares \[4,2,2\]/);
    refuses(() => m.run({ X: x, ...weights, Q: x }), /"Q" is not an input to feed/);
    refuses(() => importOnnx(lstmModel([]), { inputs: { P: x } }), /options.inputs has "P", which is not a graph input/);
    const withLens = importOnnx(encodeModelProto({ irVersion: 8, opsetImport: [{ version: 14 }], graph: {
      node: [node("LSTM", ["X", "W", "R", "", "L"], ["Y"], [attr("hidden_size", H)], "l")],
      input: [valueInfo("X", "float", [T, B, D]), valueInfo("W", "float", []), valueInfo("R", "float", []), valueInfo("L", "int32", [B])],
      output: [valueInfo("Y", "float", [])] } }));
    refuses(() => withLens.run({ X: x, W: weights.W, R: weights.R, L: Int32Array.of(2, 5) }), /input sequence_lens\[1\] is 5, expected 1 to 4/);
    assert.equal(withLens.run({ X: x, W: weights.W, R: weights.R, L: Int32Array.of(2, 4) }).Y.shape.length, 4);
  });
});
