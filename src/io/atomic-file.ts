// Writing whole files atomically (checkpoints, exported models): a temp file in the same directory,
// fsync, rename over the target, fsync the directory. A crash at any moment leaves the old complete
// file or the new complete file, never a mix; it may leave a stray `<path>.tmp-<pid>-<random>`
// behind (a SIGKILL runs no cleanup). Any error we see removes it.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import { RnnlabError, fail } from "../errors.ts";

/** Writes `data` (one buffer, or chunks written in order) to `path`: all of it or nothing. */
export function writeFileAtomic(fn: string, path: string, data: Uint8Array | readonly Uint8Array[]): void {
  if (typeof path !== "string" || path === "") fail(fn, "path", "a file path", path);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, "wx");                                     // never follow or reuse a file
    for (const chunk of data instanceof Uint8Array ? [data] : data) {
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
    }
    fsyncSync(fd);                                                // data on disk before the rename
    closeSync(fd); fd = null;
    renameSync(tmp, path);                                        // atomic replace (POSIX)
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
