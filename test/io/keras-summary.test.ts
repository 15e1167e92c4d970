// KerasModel.summary(): every layer's parameter count and the total agree with TF.js's own
// countParams() on the same model.json, for every TF.js fixture model.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadTfjsModel } from "../../src/io/keras/model.ts";

const root = new URL("../../fixtures/tfjs/", import.meta.url).pathname;
const tf = await import("@tensorflow/tfjs");
await tf.setBackend("cpu");

/** The model as TF.js loads it, from the files (weights concatenated in manifest order). */
async function tfjsModel(dir: string) {
  const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  const groups = json.weightsManifest as { paths: string[]; weights: unknown[] }[];
  const bytes = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: groups.flatMap((g) => g.weights) as never,
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }));
}

// TF.js cannot build a GRU with reset_after = true; that fixture is checked against Keras's formula.
const TFJS_CANNOT_LOAD = "gru_reset_after";

describe("KerasModel.summary", () => {
  it(`${TFJS_CANNOT_LOAD}: Keras's count for a reset_after GRU, 3·units·(D + units) + 2·3·units`, () => {
    const lines = loadTfjsModel(join(root, TFJS_CANNOT_LOAD, "model.json")).summary(null).split("\n");
    const D = 3, units = 4;                                // the fixture: GRU(4) on 3 features
    const want = 3 * units * (D + units) + 2 * 3 * units;
    assert.equal(lines.find((l) => l.startsWith("gru_"))!.trim().split(/\s+/).pop(), String(want));
    assert.ok(lines.includes(`Total params: ${want}`));
  });
  for (const name of readdirSync(root).sort().filter((n) => n !== TFJS_CANNOT_LOAD)) {
    it(`${name}: parameter counts equal TF.js countParams()`, async () => {
      const ours = loadTfjsModel(join(root, name, "model.json"));
      const lines: string[] = [];
      const text = ours.summary((l) => lines.push(l));
      assert.equal(text, lines.join("\n"));
      const theirs = await tfjsModel(join(root, name));
      assert.equal(text.match(/^Total params: ([\d,]+)$/m)?.[1], theirs.countParams().toLocaleString("en-US"));
      for (const layer of theirs.layers) {
        const row = lines.find((l) => l.startsWith(`${layer.name} (`));
        assert.ok(row, `a row for ${layer.name}`);
        assert.equal(row.trim().split(/\s+/).pop(), layer.countParams().toLocaleString("en-US"), layer.name);
      }
    });
  }
  it("prints nothing with null and refuses a print that is not a function", () => {
    const m = loadTfjsModel(join(root, "lstm_dense", "model.json"));
    assert.match(m.summary(null), /^Layer \(type\)/);
    assert.throws(() => m.summary(42 as never), /KerasModel\.summary: print must be a function or null/);
  });
});
