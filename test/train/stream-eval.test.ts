// evaluateStream reads a split as one text: carrying the state across its consecutive windows
// must give exactly the loss of one forward pass over the whole text.
import { describe, it } from "node:test";
import { SequenceModel } from "../../src/train/model.ts";
import { evaluate, evaluateStream } from "../../src/train/fit.ts";
import { charCorpus } from "../../src/train/data/index.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { assertClose } from "../helpers/close.ts";
import assert from "node:assert/strict";

const text = "it was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness. ".repeat(4);

describe("evaluateStream", () => {
  it("equals one forward pass over the concatenated test windows, and differs from window-by-window evaluation", () => {
    const data = charCorpus("dickens", text, { seqLen: 10, testFraction: 0.5 });
    const model = new SequenceModel({ cell: "lstm", inputKind: "tokens", inputSize: data.inputSize, hiddenSize: 6, outputSize: data.inputSize,
      head: "every", loss: "class", dtype: "float64", seed: 4 }, refKernels);
    const windows = [...data.batches("test", 1, 0)];
    const T = windows.length * 10;
    const ids = new Int32Array(T), labels = new Int32Array(T);
    windows.forEach((w, i) => {
      ids.set((w.input as { ids: Int32Array }).ids, i * 10);
      labels.set((w.target as { labels: Int32Array }).labels, i * 10);
    });
    model.forward({ input: { kind: "tokens", ids, T, B: 1 }, target: { kind: "classPerStep", labels }, lengths: null });
    const whole = model.lossAndBackward(undefined, false);
    const stream = evaluateStream(model, data, "test");
    assert.equal(stream.count, T);
    assertClose([stream.loss], [whole.loss], 1e-12, "stream loss");
    assertClose([stream.bitsPerToken!], [whole.loss / Math.LN2], 1e-12, "bits per character");
    assert.notEqual(evaluate(model, data, "test", 1).loss, stream.loss);
  });
});
