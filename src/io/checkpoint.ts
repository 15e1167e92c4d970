// Checkpoint files: safetensors (io/safetensors.ts) on disk, written atomically (io/atomic-file.ts).
// saveCheckpoint validates and lays out everything in memory first, then writes: a crash at any
// moment leaves `path` either the old complete file or the new complete file, never a mix.
import { readFileSync } from "node:fs";
import { decodeSafetensors, planSafetensors, type DecodeOptions, type DecodedSafetensors, type TensorLike } from "./safetensors.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import { RnnlabError, checkKnownKeys, fail } from "../errors.ts";

const errText = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Write `tensors` (+ string metadata) to `path` as safetensors; atomic: all of it or nothing. */
export function saveCheckpoint(path: string, tensors: Record<string, TensorLike>, metadata?: Record<string, string>,
                               opts: { allowNonFinite?: boolean } = {}): void {
  const fn = "saveCheckpoint";
  if (typeof path !== "string" || path === "") fail(fn, "path", "a file path", path);
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, ["allowNonFinite"]);
  const { header, chunks } = planSafetensors(fn, tensors, metadata);         // throws before touching disk
  if (!opts.allowNonFinite) {                          // loadCheckpoint refuses them by default: never write what we cannot read
    for (const [name, t] of Object.entries(tensors)) {
      const d = t.data;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isFinite(d[i])) fail(fn, `tensors["${name}"][${i}]`, "finite (pass { allowNonFinite: true } to save it anyway)", d[i]);
      }
    }
  }
  writeFileAtomic(fn, path, [header, ...chunks]);
}

/** Read and validate a safetensors checkpoint; errors name the file. */
export function loadCheckpoint(path: string, opts: DecodeOptions = {}): DecodedSafetensors {
  if (typeof path !== "string" || path === "") fail("loadCheckpoint", "path", "a file path", path);
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); }
  catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory" : errText(e);
    throw new RnnlabError(`loadCheckpoint: path must be a readable safetensors file, got "${path}" (${why})`, { cause: e });
  }
  return decodeSafetensors(bytes, path, opts);
}
