// summary(model): layers, shapes and parameter counts that add up to what the model allocates.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { summary } from "../src/analysis/summary.ts";
import { SequenceModel } from "../src/train/model.ts";
import { LSTM } from "../src/layers/recurrent.ts";
import { refKernels } from "../src/kernels/ref/index.ts";

describe("summary", () => {
  it("the note's model: LSTM 80,896 + dense 1,290 = 82,186 (PyTorch layout)", () => {
    const m = new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 28, hiddenSize: 128, outputSize: 10, head: "last", loss: "class" }, refKernels);
    const text = summary(m);
    assert.match(text, /rnn LSTM\(28 → 128\)\s+\[T, B, 128\]\s+80,896/);
    assert.match(text, /fc Dense\(128 → 10\) on the last valid step\s+\[B, 10\]\s+1,290/);
    assert.match(text, /total parameters: 82,186$/);
    assert.equal(m.paramCount(), 82186);
  });
  it("a token model and a bare bidirectional stack", () => {
    const lm = new SequenceModel({ cell: "gru", inputKind: "tokens", inputSize: 78, embeddingDim: 16, hiddenSize: 32, numLayers: 2, outputSize: 78, head: "every", loss: "class" }, refKernels);
    assert.match(summary(lm), /emb Embedding\(78 → 16\)\s+\[T, B, 16\]\s+1,248/);
    assert.match(summary(lm), new RegExp(`total parameters: ${lm.paramCount().toLocaleString("en-US")}$`));
    const bi = new LSTM({ inputSize: 10, hiddenSize: 20, numLayers: 2, bidirectional: true, projSize: 5, kernels: refKernels });
    assert.match(summary(bi), /LSTM\(10 → 20, proj 5, 2 layers, bidirectional\)\s+\[T, B, 10\]/);
  });
});
