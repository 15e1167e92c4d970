// Writing whole files atomically (checkpoints, exported models): a temp file in the same directory,
// fsync, rename over the target, fsync the directory. A crash at any moment leaves the old complete
// file or the new complete file, never a mix. A SIGKILL runs no cleanup, so it can leave its temp
// file `<name>.tmp-<pid>-<random>` behind: the next save to the same path removes every such file
// whose writing process is gone (or that has not been touched for an hour), so they cannot pile up.
// Any error we see removes our own temp file at once.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { RnnlabError, fail } from "../errors.ts";

const TEMP_MARK = ".tmp-";
/** A temp file untouched this long is stale even if its pid now belongs to another process. */
const STALE_AFTER_MS = 3_600_000;
/** Temp files this process (this thread) is writing right now. */
const inFlight = new Set<string>();

/** Writes `data` (one buffer, or chunks written in order) to `path`: all of it or nothing. */
export function writeFileAtomic(fn: string, path: string, data: Uint8Array | readonly Uint8Array[]): void {
  if (typeof path !== "string" || path === "") fail(fn, "path", "a file path", path);
  removeStaleTemps(path);
  const tmp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(6).toString("hex")}`;
  let fd: number | null = null;
  inFlight.add(basename(tmp));
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
  } finally {
    inFlight.delete(basename(tmp));
  }
  syncDir(dirname(path));
}

/** Is the process `pid` alive? (signal 0 checks without sending; EPERM: alive, someone else's) */
function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; }
  catch (e) { return (e as NodeJS.ErrnoException).code === "EPERM"; }
}

/**
 * Remove the temp files earlier saves to `path` left behind: `<base>.tmp-<pid>-<hex>` whose process
 * is gone (our own pid: not being written by us; a restarted container reuses pids) or that is
 * over an hour old. Another thread of this process saving to the same path at the same moment
 * is not told apart from a crashed save: don't do that.
 * Returns the names removed. Best effort: a directory we cannot list removes nothing.
 */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path), prefix = basename(path) + TEMP_MARK, removed: string[] = [];
  let names: string[];
  try { names = readdirSync(dir); } catch { return removed; }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]{12}$/.exec(name.slice(prefix.length));
    if (!m) continue;                                             // not a name we write
    const pid = Number(m[1]), file = join(dir, name);
    let stale = pid === process.pid ? !inFlight.has(name) : !processAlive(pid);
    if (!stale) try { stale = Date.now() - statSync(file).mtimeMs > STALE_AFTER_MS; } catch { continue; }
    if (stale) try { unlinkSync(file); removed.push(name); } catch { /* gone already, or not ours to remove */ }
  }
  return removed;
}

/** Make the rename durable; directories cannot be fsynced everywhere (Windows), where this is skipped. */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try { fd = openSync(dir, "r"); fsyncSync(fd); }
  catch { /* unsupported here: the rename is still atomic, only not yet durable */ }
  finally { if (fd !== null) closeSync(fd); }
}
