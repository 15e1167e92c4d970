// Bad definitions and bad steps are refused with an RnnlabError that names what is wrong.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../src/nn/index.ts";
import { Tensor, zeros } from "../../src/tensor/tensor.ts";
import { RnnlabError } from "../../src/errors.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import type { Value } from "../../src/graph/graph.ts";

const { ops } = nn;
const throwsNamed = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof RnnlabError && re.test(e.message), String(re));

/** A small valid definition with one part overridden. */
const def = (over: Partial<nn.CustomCellOptions> = {}): nn.CustomCellOptions => ({
  stateSize: 3, outputSize: 3, kernels: refKernels,
  variables: (d) => [{ name: "kernel", shape: [d + 3, 3] }],
  step: (x: Value, h: Value, v) => { const y = ops.tanh(ops.matmul(ops.concat([x, h]), v.kernel)); return { output: y, state: y }; },
  ...over,
});
const build = (over: Partial<nn.CustomCellOptions>) => new nn.CustomCell(def({ inputSize: 2, ...over }));

describe("CustomCell refuses bad definitions by name", () => {
  it("options", () => {
    throwsNamed(() => new nn.CustomCell(def({ stateSize: 0 })), /stateSize must be a positive integer, got 0/);
    throwsNamed(() => new nn.CustomCell(def({ stateSize: { c: 2 } as never })), /stateSize must be a width, \{ c, h \} or an array/);
    throwsNamed(() => new nn.CustomCell(def({ stateSize: [] })), /stateSize must be a width, \{ c, h \} or a non-empty array/);
    throwsNamed(() => new nn.CustomCell(def({ outputSize: 1.5 })), /outputSize must be a positive integer, got 1.5/);
    throwsNamed(() => new nn.CustomCell(def({ step: undefined as never })), /step must be a function/);
    throwsNamed(() => new nn.CustomCell(def({ name: "has space" })), /name must be a TF-1 scope name/);
    throwsNamed(() => new nn.CustomCell({ ...def(), numUnits: 3 } as never), /unknown option "numUnits"/);
  });
  it("variables", () => {
    throwsNamed(() => build({ variables: () => [{ name: "k", shape: [2, 0] }] }), /variables\[0\]\.shape \("k"\) must be \[n\] or \[rows, cols\]/);
    throwsNamed(() => build({ variables: () => [{ name: "k", shape: [2] }, { name: "k", shape: [3] }] }), /variable "k" is declared twice/);
    throwsNamed(() => build({ variables: () => [{ name: "k", shape: [2], initializer: "he" as never }] }), /k\.initializer must be/);
    throwsNamed(() => build({ variables: () => "kernel" as never }), /variables\(inputDepth\) must be an array/);
  });
  it("what the step returns", () => {
    throwsNamed(() => build({ step: () => ({}) as never }), /the step must return \{ output, state \}/);
    throwsNamed(() => build({ step: (x: Value, h: Value) => ({ output: x, state: h }) }), /returned output of shape \[batch,2\], expected \[batch,3\]/);
    throwsNamed(() => build({ step: (_x: Value, h: Value) => ({ output: h, state: [h, h] }) }), /returned state must be a value of the step, got \[/);
    throwsNamed(() => build({ stateSize: [3, 2], step: (_x: Value, [h]: Value[]) => ({ output: h, state: h }) }), /returned state must be an array of 2 state parts/);
    throwsNamed(() => build({ step: (_x: Value, _h: Value, v) => ({ output: v.kernel, state: v.kernel }) }), /returned output of shape \[5,3\], expected \[batch,3\]/);
  });
});

describe("the operations check shapes by name", () => {
  const inStep = (f: (x: Value, h: Value, v: Record<string, Value>) => Value) =>
    build({ variables: () => [{ name: "w", shape: [4, 3] }, { name: "r", shape: [5] }], step: (x: Value, h: Value, v) => { const y = f(x, h, v); return { output: y, state: y }; } });
  it("matmul", () => {
    throwsNamed(() => inStep((x, _h, v) => ops.matmul(x, v.w)), /matmul: a has shape \[batch,2\] and b has shape \[4,3\]; inner dimensions 2 and 4 differ/);
    throwsNamed(() => inStep((x, h) => ops.matmul(x, h)), /a batch value .* can only be the left operand/);
    throwsNamed(() => inStep((x, _h, v) => ops.matmul(x, v.w, { transposeA: true })), /can only be the left operand, untransposed/);
  });
  it("elementwise, columns, layer norm", () => {
    throwsNamed(() => inStep((x, h) => ops.add(x, h)), /add: a has shape \[batch,2\] and b has shape \[batch,3\]; expected equal shapes or one of them a row vector/);
    throwsNamed(() => inStep((_x, h, v) => ops.mul(h, v.r)), /mul: a has shape \[batch,3\] and b has shape \[5\]/);
    throwsNamed(() => inStep((_x, h) => ops.add(h, NaN)), /add: b must be a finite number, got NaN/);
    throwsNamed(() => inStep((_x, h) => ops.split(h, 2)[0]), /split: x has 3 columns, which do not split into 2 equal parts/);
    throwsNamed(() => inStep((_x, h) => ops.split(h, [1, 1])[0]), /split: sizes \[1,1\] add up to 2, x has 3 columns/);
    throwsNamed(() => inStep((_x, h) => ops.slice(h, 2, 2)), /slice: columns \[2, 4\) are outside x of shape \[batch,3\]/);
    throwsNamed(() => inStep((x, h, v) => ops.concat([x, h, v.w])), /concat: values\[2\] has shape \[4,3\], expected the rows of values\[0\] \[batch,2\]/);
    throwsNamed(() => inStep((_x, h, v) => ops.layerNorm(h, v.r, null)), /layerNorm: gamma has shape \[5\], expected \[3\]/);
    throwsNamed(() => inStep((_x, h) => ops.activation("swish" as never, h)), /activation: name must be one of/);
    throwsNamed(() => inStep((_x, h) => ops.tanh(1 as never)), /tanh|activation: argument 1 must be a value of the cell's step/);
  });
  it("values of another step", () => {
    let leaked: Value | null = null;
    build({ step: (x: Value, h: Value, v) => { leaked = h; const y = ops.tanh(ops.matmul(ops.concat([x, h]), v.kernel)); return { output: y, state: y }; } });
    throwsNamed(() => build({ step: (_x: Value, h: Value) => ({ output: ops.add(h, leaked!), state: h }) }), /add: its arguments come from different steps/);
  });
});

describe("states and calls", () => {
  it("initial states of the wrong structure, shape or dtype", () => {
    const cell = build({ stateSize: [{ c: 3, h: 3 }, 2], step: (_x: Value, [t, s]: [{ c: Value; h: Value }, Value]) => ({ output: t.h, state: [t, s] }) });
    const x = zeros([2, 4, 2]);
    throwsNamed(() => nn.dynamicRnn(cell, x, { initialState: zeros([2, 3]) }), /initialState must be an array of 2 state parts/);
    throwsNamed(() => nn.dynamicRnn(cell, x, { initialState: [zeros([2, 3]), zeros([2, 2])] }), /initialState\[0\] must be an LSTMStateTuple/);
    throwsNamed(() => nn.dynamicRnn(cell, x, { initialState: [new nn.LSTMStateTuple(zeros([2, 3]), zeros([2, 3])), zeros([2, 5])] }), /initialState\[1\] has shape \[2,5\], expected \[2, 2\]/);
    throwsNamed(() => nn.dynamicRnn(cell, x, { initialState: [new nn.LSTMStateTuple(zeros([2, 3], "float64"), zeros([2, 3])), zeros([2, 2])] }), /initialState\[0\]\.c has dtype float64, expected float32/);
    const s = cell.zeroState(2) as nn.RnnState[];
    assert.ok(s[0] instanceof nn.LSTMStateTuple && s[1] instanceof Tensor && s[1].shape[1] === 2);
  });
  it("inputs of another depth, assign with a wrong shape, variables before build", () => {
    const cell = build({});
    throwsNamed(() => nn.dynamicRnn(cell, zeros([2, 4, 5])), /inputs has shape \[2,4,5\], expected \[batch, time, 2\]/);
    throwsNamed(() => cell.assign("kernel", zeros([4, 3])), /"kernel" has shape \[5,3\], got \[4,3\]/);
    throwsNamed(() => cell.assign("bias", zeros([3])), /name must be one of "kernel"/);
    throwsNamed(() => new nn.CustomCell(def()).variables(), /has no variables yet/);
    throwsNamed(() => new nn.ResidualWrapper(new nn.MultiRNNCell([new nn.BasicLSTMCell({ numUnits: 3 })]) as never), /ResidualWrapper: cell must be a single cell/);
    throwsNamed(() => nn.dynamicRnn(new nn.ResidualWrapper(new nn.LSTMCell({ numUnits: 2, usePeepholes: true })), zeros([2, 4, 2])), /peepholes, a projection or cell clipping cannot be wrapped/);
    throwsNamed(() => nn.dynamicRnn(new nn.ResidualWrapper(new nn.CustomCell(def())), zeros([2, 4, 2])), /inputs have depth 2, but the residual needs the cell's output width 3/);
  });
  it("user-defined cells do not convert to other frameworks' layouts", async () => {
    const { encodeOnnx } = await import("../../src/io/onnx/export.ts");
    const { tf1ToTorchLayer } = await import("../../src/io/tf1-torch.ts");
    const { LSTM } = await import("../../src/layers/recurrent.ts");
    const cell = build({});
    throwsNamed(() => encodeOnnx(cell), /a CustomCell is user-defined; only the built-in cells .* convert/);
    throwsNamed(() => tf1ToTorchLayer(cell, new LSTM({ inputSize: 2, hiddenSize: 3 })), /a CustomCell is user-defined/);
  });
});
