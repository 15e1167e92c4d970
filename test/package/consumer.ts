// A user's project with rnnlab installed from its packed tarball, made offline: `npm ci --offline`
// against a lockfile built here, whose entries for rnnlab's dependencies are copied from this
// repository's package-lock.json (so their tarballs are in the npm cache that `npm ci` here filled).
// `npm install ./rnnlab.tgz --offline` would need the registry's metadata documents, which a
// cache filled by `npm ci` does not hold.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const NPM_ENV = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };

interface LockEntry { version?: string; resolved?: string; integrity?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; [k: string]: unknown }
interface Lock { packages: Record<string, LockEntry> }

export function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = NPM_ENV): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
}

function must(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The build npm ci made (prepare), rebuilt when a source is newer (a developer's edited checkout). */
export function ensureBuilt(): void {
  const marker = join(ROOT, "dist", "cjs", "index.cjs");
  const web = join(ROOT, "dist", "web", "rnnlab.js");
  const stale = !existsSync(marker) || !existsSync(web) ||
    Math.max(newest(join(ROOT, "src")), newest(join(ROOT, "assembly"))) > Math.min(statSync(marker).mtimeMs, statSync(web).mtimeMs);
  if (stale) must(sh(process.execPath, [join(ROOT, "scripts", "build.mjs")], ROOT), "node scripts/build.mjs");
}

/** npm pack (the build is already there, so without lifecycle scripts); the tarball's path. */
export function pack(dest: string): string {
  const out = must(sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], ROOT), "npm pack");
  const [info] = JSON.parse(out.slice(out.indexOf("["))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return join(dest, info!.filename);
}

/** A lockfile entry for each package `deps` needs, transitively, copied from this repository's lock. */
function closure(lock: Lock, deps: Record<string, string>): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const visit = (name: string, from: string) => {
    // Node's resolution: the nearest node_modules/<name> at or above `from`
    let key: string | null = null;
    for (let base = from; ; base = base.slice(0, Math.max(0, base.lastIndexOf("/node_modules/")))) {
      const k = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (lock.packages[k]) { key = k; break; }
      if (!base) break;
    }
    if (key === null) throw new Error(`package-lock.json has no entry for ${name} (needed from ${from || "the root"})`);
    if (out[key]) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[key]!;
    out[key] = entry;
    for (const d of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(d, key);
  };
  for (const name of Object.keys(deps)) visit(name, "");
  return out;
}

export interface Consumer { dir: string; tarball: string; files: string[] }

/**
 * A new project in a temp folder with the tarball installed offline, plus `extraDevDeps` (names of
 * this repository's devDependencies the consumer also needs, e.g. @types/node, esbuild).
 */
export function makeConsumer(extraDevDeps: string[] = []): Consumer {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), "rnnlab-consumer-"));
  const tarball = pack(dir);
  const files = must(sh("tar", ["tzf", tarball], dir), "tar").trim().split("\n").map((f) => f.replace(/^package\//, ""));
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    version: string; dependencies?: Record<string, string>; devDependencies: Record<string, string>; peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, unknown>; bin?: Record<string, string>; engines?: Record<string, string>; license?: string;
  };
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as Lock;
  const rel = `file:${tarball.slice(dir.length + 1)}`;
  const devDependencies = Object.fromEntries(extraDevDeps.map((d) => [d, lock.packages[`node_modules/${d}`]?.version ?? pkg.devDependencies[d]!]));
  const manifest = { name: "rnnlab-consumer", version: "1.0.0", private: true, dependencies: { rnnlab: rel }, devDependencies };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  const packages: Record<string, LockEntry> = {
    "": { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies },
    "node_modules/rnnlab": {
      version: pkg.version, resolved: rel, integrity, license: pkg.license, dependencies: pkg.dependencies ?? {},
      bin: pkg.bin, engines: pkg.engines, peerDependencies: pkg.peerDependencies, peerDependenciesMeta: pkg.peerDependenciesMeta,
    },
    ...closure(lock, pkg.dependencies ?? {}),
  };
  for (const [key, entry] of Object.entries(closure(lock, devDependencies))) packages[key] ??= { ...entry, dev: true };
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2));
  // --ignore-scripts: rnnlab's optional native build (40 s) is tested elsewhere; here the package runs on its wasm
  must(sh("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], dir), "npm ci --offline in the consumer project");
  mkdirSync(join(dir, "src"), { recursive: true });
  return { dir, tarball, files };
}
