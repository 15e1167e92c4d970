// Files written by PyTorch 1.13's torch.onnx.export (fixtures/gen_torch_onnx.py): nn.LSTM / nn.GRU /
// nn.RNN with 1–2 layers, bidirectional, batch_first, a Linear head, initial states as inputs;
// opset 14, and opsets 9 and 11 for three of them.
// importOnnx must run each file as it is (the Shape / Gather / ConstantOfShape / Slice / Transpose /
// Reshape / MatMul / Add nodes around the recurrent ones) and give torch's outputs to 1e-5;
// onnxruntime-node on the same file is the second witness.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ort from "onnxruntime-node";
import { importOnnx } from "../../../src/io/onnx/import.ts";
import { Tensor } from "../../../src/tensor/tensor.ts";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../fixtures/onnx_torch");
const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as {
  torch: string;
  cases: Record<string, { inputs: Record<string, { shape: number[]; data: number[] }>; outputs: Record<string, { shape: number[]; data: number[] }> }>;
};
const TOL = 1e-5;
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe(`PyTorch ${expected.torch} torch.onnx.export files through importOnnx`, () => {
  it("all eleven cases are present", () => assert.equal(Object.keys(expected.cases).length, 11));
  for (const [name, c] of Object.entries(expected.cases)) {
    it(`${name}: every output equals torch's (≤ ${TOL}), and onnxruntime's`, async (t) => {
      const bytes = readFileSync(join(DIR, `${name}.onnx`));
      const model = importOnnx(join(DIR, `${name}.onnx`));
      const feeds = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, new Tensor(v.shape, Float32Array.from(v.data))]));
      const ours = model.run(feeds);
      const session = await ort.InferenceSession.create(bytes);
      const theirs = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor("float32", v.data as Float32Array, [...v.shape])])));
      const diffs: Record<string, [number, number]> = {};
      for (const [out, want] of Object.entries(c.outputs)) {
        assert.deepEqual(ours[out].shape, want.shape, `${out} shape`);
        diffs[out] = [maxAbs(ours[out].data, want.data), maxAbs(theirs[out].data as Float32Array, ours[out].data)];
      }
      t.diagnostic(`max |rnnlab − torch|, |onnxruntime − rnnlab|: ${JSON.stringify(diffs)}`);
      for (const [out, [d, o]] of Object.entries(diffs)) {
        assert.ok(d <= TOL, `${out}: rnnlab vs torch ${d}`);
        assert.ok(o <= TOL, `${out}: onnxruntime vs rnnlab ${o}`);
      }
      assert.ok(model.recurrent.length >= 1);
    });
  }
});
