// Writing a KerasModel as a TF.js layers model: `<dir>/model.json` + `<dir>/group1-shard1of1.bin`,
// the layout tfjs's own file handlers produce (one weight group, weights back to back in float32,
// little-endian). The shard is written first and model.json last, each atomically (temp + rename),
// so a reader never sees a model.json whose shard is missing or half written.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { KerasModel } from "./model.ts";
import { writeFileAtomic } from "../atomic-file.ts";

export const SHARD_NAME = "group1-shard1of1.bin";

/** model.json's text and the shard's bytes for `model` (nothing written). */
export function encodeTfjsModel(model: KerasModel): { modelJson: string; shard: Uint8Array } {
  const weights = model.weights();
  const size = weights.reduce((n, w) => n + w.data.length, 0);
  const all = new Float32Array(size);
  let at = 0;
  for (const w of weights) { all.set(w.data, at); at += w.data.length; }
  const modelJson = JSON.stringify({
    format: "layers-model", generatedBy: "rnnlab", convertedBy: null,
    modelTopology: model.topology,
    weightsManifest: [{ paths: [SHARD_NAME], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: "float32" })) }],
  });
  return { modelJson, shard: new Uint8Array(all.buffer) };
}

/** Write `model` into directory `dir` (created if missing). */
export function saveTfjsModel(model: KerasModel, dir: string): void {
  const { modelJson, shard } = encodeTfjsModel(model);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic("saveTfjsModel", join(dir, SHARD_NAME), shard);
  writeFileAtomic("saveTfjsModel", join(dir, "model.json"), new TextEncoder().encode(modelJson));
}
