// modelParamCount (the closed form loadTraining checks a file's config with before building
// anything) equals the parameters a built model really has, for any config.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SequenceModel, modelParamCount, resolveModelConfig, type ModelConfig } from "../../src/train/model.ts";
import { refKernels } from "../../src/kernels/index.ts";

describe("modelParamCount", () => {
  it("equals SequenceModel.paramCount() for every cell, input kind, depth, direction, projection", () => {
    const config = fc.record({
      cell: fc.constantFrom("rnn", "lstm", "gru"), tokens: fc.boolean(), inputSize: fc.integer({ min: 1, max: 7 }),
      hiddenSize: fc.integer({ min: 2, max: 9 }), numLayers: fc.integer({ min: 1, max: 3 }), bidirectional: fc.boolean(),
      proj: fc.integer({ min: 0, max: 8 }), embeddingDim: fc.integer({ min: 1, max: 5 }), outputSize: fc.integer({ min: 1, max: 4 }),
      every: fc.boolean(),
    });
    fc.assert(fc.property(config, (c) => {
      const cfg: ModelConfig = {
        cell: c.cell as ModelConfig["cell"], inputKind: c.tokens ? "tokens" : "features", inputSize: c.inputSize, hiddenSize: c.hiddenSize,
        numLayers: c.numLayers, bidirectional: c.bidirectional, outputSize: c.outputSize, head: c.every ? "every" : "last", loss: "class",
        ...(c.tokens ? { embeddingDim: c.embeddingDim } : {}), ...(c.cell === "lstm" ? { projSize: c.proj % c.hiddenSize } : {}),
      };
      const model = new SequenceModel(cfg, refKernels);
      assert.equal(modelParamCount(resolveModelConfig("test", cfg)), model.paramCount(), JSON.stringify(cfg));
    }), { seed: 14, numRuns: 300 });
  });
});
