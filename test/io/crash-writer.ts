// Child process for test/io/checkpoint.test.ts: saves version 1, 2, 3, … of a big checkpoint to
// the same path as fast as it can, printing "begin <v>" / "saved <v>" around each save, until killed.
//   node --import tsx test/io/crash-writer.ts <path> <megabytes> [naive]
// Version v: "big" is Float32Array(n_v) filled with v, "tail" is Float64Array(1000) filled with −v,
// metadata { version: "v" }; n_v varies with v, so a file mixing two versions cannot pass as one.
// "naive" writes with writeFileSync straight to <path> (the control: what atomicity prevents).
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { saveCheckpoint } from "../../src/io/checkpoint.ts";
import { encodeSafetensors } from "../../src/io/safetensors.ts";
import { Tensor } from "../../src/tensor/tensor.ts";

export const bigLength = (megabytes: number, v: number) => Math.floor((megabytes * 2 ** 20) / 4) + 1024 * (v % 7);

export function versionTensors(megabytes: number, v: number): Record<string, Tensor> {
  const n = bigLength(megabytes, v);
  return { big: new Tensor([n], new Float32Array(n).fill(v)), tail: new Tensor([1000], new Float64Array(1000).fill(-v)) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, mb, mode] = process.argv.slice(2);
  for (let v = 1; ; v++) {
    const tensors = versionTensors(Number(mb), v), metadata = { version: String(v) };
    process.stdout.write(`begin ${v}\n`);
    if (mode === "naive") writeFileSync(path, encodeSafetensors(tensors, metadata));
    else saveCheckpoint(path, tensors, metadata);
    process.stdout.write(`saved ${v}\n`);
  }
}
