// Checkpoint files: safetensors (io/safetensors.ts) on disk, written atomically.
// saveCheckpoint validates and lays out everything in memory first, then writes a temp file in the
// same directory, fsyncs it, renames it over `path` and fsyncs the directory. A crash at any moment
// leaves `path` either the old complete file or the new complete file, never a mix; it may leave a
// stray `<path>.tmp-<pid>-<random>` behind (a SIGKILL runs no cleanup). Any error we see removes it.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "node:crypto";
import { decodeSafetensors, planSafetensors, type DecodeOptions, type DecodedSafetensors, type TensorLike } from "./safetensors.ts";
import { RnnlabError, fail } from "../errors.ts";

const errText = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Write `tensors` (+ string metadata) to `path` as safetensors; atomic: all of it or nothing. */
export function saveCheckpoint(path: string, tensors: Record<string, TensorLike>, metadata?: Record<string, string>): void {
  const fn = "saveCheckpoint";
  if (typeof path !== "string" || path === "") fail(fn, "path", "a file path", path);
  const { header, chunks } = planSafetensors(fn, tensors, metadata);         // throws before touching disk
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, "wx");                                                 // never follow or reuse a file
    for (const chunk of [header, ...chunks]) {
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
    }
    fsyncSync(fd);                                                            // data on disk before the rename
    closeSync(fd); fd = null;
    renameSync(tmp, path);                                                    // atomic replace (POSIX)
  } catch (e) {
    if (fd !== null) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw new RnnlabError(`${fn}: could not write "${path}" (${errText(e)}); any previous file there is unchanged`, { cause: e });
  }
  syncDir(dirname(path));
}

/** Make the rename itself durable. Directories cannot be opened for fsync on Windows: skip there. */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try { fd = openSync(dir, "r"); fsyncSync(fd); }
  catch { /* EISDIR / EPERM / EINVAL where unsupported: the rename is still atomic, only not yet durable */ }
  finally { if (fd !== null) closeSync(fd); }
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
