// Bad input throws an Error that names the function, the argument, what was expected and what was given.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCell } from "../src/cells/index.ts";
import { CellStep } from "../src/cells/step.ts";
import { refKernels } from "../src/kernels/ref/index.ts";
import { sgd } from "../src/train/optim.ts";

const lstm = (opts: object = {}) => createCell("lstm", { inputSize: 3, hiddenSize: 4, ...opts });

describe("cell options", () => {
  it("negative, zero or fractional sizes", () => {
    assert.throws(() => createCell("lstm", { inputSize: 3, hiddenSize: -3 }), /createCell: hiddenSize must be a positive integer, got -3/);
    assert.throws(() => createCell("gru", { inputSize: 0, hiddenSize: 4 }), /createCell: inputSize must be a positive integer, got 0/);
    assert.throws(() => createCell("rnn", { inputSize: 2.5, hiddenSize: 4 }), /inputSize must be a positive integer, got 2.5/);
    assert.throws(() => lstm({ projSize: -1 }), /projSize must be an integer ≥ 0, got -1/);
  });
  it("unknown options, including ones that belong to another cell kind", () => {
    assert.throws(() => lstm({ hiddenSise: 4 }), /createCell: unknown option "hiddenSise"; expected one of inputSize, hiddenSize/);
    assert.throws(() => createCell("rnn", { inputSize: 3, hiddenSize: 4, usePeepholes: true } as never), /unknown option "usePeepholes"/);
    assert.throws(() => createCell("gru", { inputSize: 3, hiddenSize: 4, cellClip: 1 } as never), /unknown option "cellClip"/);
  });
  it("out-of-range values", () => {
    assert.throws(() => lstm({ cellClip: -1 }), /cellClip must be a finite number ≥ 0, got -1/);
    assert.throws(() => lstm({ projClip: 1 }), /projClip must be null unless projSize > 0, got 1/);
    assert.throws(() => lstm({ forgetBias: Infinity }), /forgetBias must be a finite number, got Infinity/);
    assert.throws(() => lstm({ biases: 3 }), /biases must be one of 0, 1, 2, got 3/);
    assert.throws(() => lstm({ usePeepholes: "yes" }), /usePeepholes must be true or false, got "yes"/);
  });
  it("unknown activations and kinds", () => {
    assert.throws(() => lstm({ activation: "swish" }), /activation must be one of "linear", "tanh", .*got "swish"/);
    assert.throws(() => lstm({ gateActivation: "hard_sigmoid" }), /gateActivation must be one of .*"hardSigmoid".*got "hard_sigmoid"/);
    assert.throws(() => createCell("lru" as never, { inputSize: 1, hiddenSize: 1 }), /kind must be one of "rnn", "lstm", "gru", got "lru"/);
  });
});

describe("CellStep inputs", () => {
  const step = () => new CellStep(refKernels, lstm(), 2, "float64").init("torch", 1);
  const f64 = (n: number) => new Float64Array(n);
  it("wrong shapes", () => {
    assert.throws(() => step().forward({ x: f64(5) }), /CellStep.forward: x must be Float64Array\(6\) \(shape \[2,3\]\), got Float64Array\(5\)/);
    assert.throws(() => step().forward({ x: f64(6), h: f64(6) }), /h must be Float64Array\(8\) \(shape \[2,4\]\), got Float64Array\(6\)/);
    assert.throws(() => step().forward({ x: f64(6), c: f64(9) }), /c must be Float64Array\(8\)/);
  });
  it("mixed dtypes", () => {
    assert.throws(() => step().forward({ x: new Float32Array(6) }), /x must be Float64Array\(6\) \(shape \[2,3\]\), got Float32Array\(6\)/);
    assert.throws(() => step().forward({ x: [1, 2, 3, 4, 5, 6] as never }), /x must be Float64Array\(6\).*got \[1,2,3,4,5,6\]/);
  });
  it("non-finite parameters are found and named, when the weights change (not on every call)", () => {
    const s = step();
    s.forward({ x: f64(6) });                                       // checked once: finite
    s.params.views.weightHh[5] = NaN;
    s.weightsChanged();                                             // a direct write says so
    assert.throws(() => s.forward({ x: f64(6) }), /CellStep.forward: weightHh\[5\] must be finite, got NaN/);
    s.params.views.weightHh[5] = 0.5;
    s.weightsChanged();
    s.forward({ x: f64(6) });
    // an optimizer step that writes Inf is seen by the next call without weightsChanged()
    const g = new Float64Array(s.params.flat.length); g[7] = Infinity;
    sgd({ lr: 1 }).step([{ name: "cell", params: s.params.flat, grads: g }]);
    assert.throws(() => s.forward({ x: f64(6) }), /CellStep.forward: \w+\[\d+\] must be finite, got -Infinity/);
  });
  it("c for a cell without a cell state; backward before forward; bad batch or dtype", () => {
    const gru = new CellStep(refKernels, createCell("gru", { inputSize: 3, hiddenSize: 4 }), 2, "float64");
    assert.throws(() => gru.forward({ x: f64(6), c: f64(8) }), /c is only for LSTM cells, got c for a gru cell/);
    assert.throws(() => step().backward({ dh: f64(8) }), /CellStep.backward: call forward first/);
    assert.throws(() => new CellStep(refKernels, lstm(), -2), /CellStep: batchSize must be a positive integer, got -2/);
    assert.throws(() => new CellStep(refKernels, lstm(), 2, "float16" as never), /dtype must be one of "float32", "float64", got "float16"/);
  });
});
