// Writing whole files atomically, as io/checkpoint.ts does for safetensors: a temp file in the same
// directory, fsync, rename over the target. A crash leaves the old file or the new one, never a mix.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import { RnnlabError, fail } from "../errors.ts";

export function writeFileAtomic(fn: string, path: string, bytes: Uint8Array): void {
  if (typeof path !== "string" || path === "") fail(fn, "path", "a file path", path);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, "wx");
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd); fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* never created */ }
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new RnnlabError(`${fn}: could not write "${path}" (${why}); any previous file there is unchanged`, { cause: e });
  }
  syncDir(dirname(path));
}

/** Make the rename durable; directories cannot be fsynced everywhere (Windows), where this is skipped. */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try { fd = openSync(dir, "r"); fsyncSync(fd); }
  catch { /* unsupported here: the rename is still atomic, only not yet durable */ }
  finally { if (fd !== null) closeSync(fd); }
}
