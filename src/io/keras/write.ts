// Writing a KerasModel as a TF.js layers model: `<dir>/model.json` + one shard
// `<dir>/group1-shard1of1.<hash>.bin`, the layout tfjs's own file handlers produce (one weight group,
// weights back to back in float32, little-endian), with the shard named by its content.
// The pair is replaced as a whole: the new shard is written first under its own name (the old
// model.json still names the old shard, so a reader sees the old model), then model.json is renamed
// over the old one (from then on the new model), then the shards no model.json names are removed.
// Each file is written atomically (temp + fsync + rename), so a crash at any moment leaves a
// complete old or new model; the files a crash can leave over (a shard not yet named, a shard no
// longer named, a temp file) are removed by the next save to the same directory.
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { KerasModel } from "./model.ts";
import { removeStaleTemps, writeFileAtomic } from "../atomic-file.ts";
import { fail } from "../../errors.ts";

/** Shard names this writer (and tfjs: group<g>-shard<i>of<n>.bin) uses; only these are ever removed. */
const SHARD_PATTERN = /^group\d+-shard\d+of\d+(\.[0-9a-f]{16})?\.bin$/;

/** The content-named shard file for these bytes. */
export const shardNameFor = (shard: Uint8Array): string =>
  `group1-shard1of1.${createHash("sha256").update(shard).digest("hex").slice(0, 16)}.bin`;

/** model.json's text and the shard's bytes (and its file name) for `model` (nothing written). */
export function encodeTfjsModel(model: KerasModel): { modelJson: string; shard: Uint8Array; shardName: string } {
  const weights = model.weights();
  const size = weights.reduce((n, w) => n + w.data.length, 0);
  const all = new Float32Array(size);
  let at = 0;
  for (const w of weights) { all.set(w.data, at); at += w.data.length; }
  const shard = new Uint8Array(all.buffer), shardName = shardNameFor(shard);
  const modelJson = JSON.stringify({
    format: "layers-model", generatedBy: "rnnlab", convertedBy: null,
    modelTopology: model.topology,
    weightsManifest: [{ paths: [shardName], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: "float32" })) }],
  });
  return { modelJson, shard, shardName };
}

/** Write `model` into directory `dir` (created if missing), replacing a model saved there before. */
export function saveTfjsModel(model: KerasModel, dir: string): void {
  if (typeof dir !== "string" || dir === "") fail("saveTfjsModel", "dir", "a directory path", dir);
  const { modelJson, shard, shardName } = encodeTfjsModel(model);
  writeTfjsFiles(dir, modelJson, shard, shardName);
}

/** The replace-as-a-whole protocol over already encoded files (shared with the crash test). */
export function writeTfjsFiles(dir: string, modelJson: string, shard: Uint8Array, shardName: string): void {
  const fn = "saveTfjsModel";
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(fn, join(dir, shardName), shard);                      // 1. new shard, not yet named
  writeFileAtomic(fn, join(dir, "model.json"), new TextEncoder().encode(modelJson)); // 2. the switch
  removeUnnamedShards(dir, shardName);                                   // 3. old shards, leftovers
}

/** Remove shard files (our naming pattern only) other than `keep`, and their stale temp files. */
function removeUnnamedShards(dir: string, keep: string): void {
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names) {
    if (SHARD_PATTERN.test(name) && name !== keep) try { unlinkSync(join(dir, name)); } catch { /* already gone */ }
    const temp = /^(.*)\.tmp-\d+-[0-9a-f]{12}$/.exec(name);
    if (temp && SHARD_PATTERN.test(temp[1])) removeStaleTemps(join(dir, temp[1]));
  }
}

/** The shard file names the model.json in `dir` lists (for tests and tools); [] if there is none. */
export function shardNamesIn(dir: string): string[] {
  try {
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { weightsManifest: { paths: string[] }[] };
    return json.weightsManifest.flatMap((g) => g.paths);
  } catch { return []; }
}
