// Child process of fuzz/kill-saves.ts: saves version 1, 2, 3, … to the same place as fast as it can,
// printing "begin <v>" / "saved <v>" around each save, until killed. Bundled by esbuild (fast start).
//   node save-loop.mjs checkpoint <path> <megabytes> <first version>
//   node save-loop.mjs tfjs <dir> <megabytes> <first version>
// Version v: checkpoint "big" = Float32Array(n_v) filled with v, metadata { version: v }; TF.js one
// weight "w" of n_v float32 values v, model.json naming the version. n_v depends on v, so a file
// (or a model.json + shard pair) mixing two versions cannot pass as one.
import { saveCheckpoint } from "../src/io/checkpoint.ts";
import { shardNameFor, writeTfjsFiles } from "../src/io/keras/write.ts";
import { Tensor } from "../src/tensor/tensor.ts";

export const lengthOf = (megabytes: number, v: number) => Math.floor((megabytes * 2 ** 20) / 4) + 1024 * (v % 7);

export function tfjsVersion(megabytes: number, v: number): { modelJson: string; shard: Uint8Array; shardName: string } {
  const n = lengthOf(megabytes, v), shard = new Uint8Array(new Float32Array(n).fill(v).buffer), shardName = shardNameFor(shard);
  const modelJson = JSON.stringify({ format: "layers-model", version: v, modelTopology: {}, weightsManifest: [{ paths: [shardName], weights: [{ name: "w", shape: [n], dtype: "float32" }] }] });
  return { modelJson, shard, shardName };
}

export function saveVersion(kind: string, where: string, megabytes: number, v: number): void {
  if (kind === "checkpoint") {
    const n = lengthOf(megabytes, v);
    saveCheckpoint(where, { big: new Tensor([n], new Float32Array(n).fill(v)) }, { version: String(v) });
  } else {
    const { modelJson, shard, shardName } = tfjsVersion(megabytes, v);
    writeTfjsFiles(where, modelJson, shard, shardName);
  }
}

if (process.argv[1]?.includes("save-loop")) {
  const [kind, where, mb, first] = process.argv.slice(2);
  for (let v = Number(first); ; v++) {
    process.stdout.write(`begin ${v}\n`);
    saveVersion(kind, where, Number(mb), v);
    process.stdout.write(`saved ${v}\n`);
  }
}
