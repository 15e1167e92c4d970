// Kill saves with SIGKILL, many times, and check after each kill that what is on disk is one
// complete version (the last reported, or the one after it), and that the next save leaves no
// temp file and no unnamed shard. The writer runs in a child bundled with esbuild (starts in
// ~50 ms, so a hundred kills take seconds); the checking and the "next save" run here.
//   node --import tsx fuzz/kill-saves.ts --kills 150 [--megabytes 2]    (npm run fuzz:kill)
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { decodeSafetensors } from "../src/io/safetensors.ts";
import { lengthOf, saveVersion } from "./save-loop.ts";

export type SaveKind = "checkpoint" | "tfjs";
export interface KillReport { kind: SaveKind; kills: number; midSave: number; strayAfterKill: number; versions: number[]; problems: string[] }

/** Bundle the writer once per process: a plain .mjs the child starts without tsx. */
let bundled: string | null = null;
function writerScript(): string {
  if (bundled) return bundled;
  const dir = mkdtempSync(join(tmpdir(), "rnnlab-save-loop-"));
  bundled = join(dir, "save-loop.mjs");
  buildSync({ entryPoints: [new URL("./save-loop.ts", import.meta.url).pathname], bundle: true, platform: "node", format: "esm", outfile: bundled, logLevel: "error" });
  return bundled;
}

const temps = (dir: string) => readdirSync(dir).filter((f) => /\.tmp-\d+-[0-9a-f]{12}$/.test(f));

/** The version on disk, or a problem. null: nothing saved yet. */
function versionOnDisk(kind: SaveKind, where: string, mb: number): number | null | string {
  if (kind === "checkpoint") {
    if (!existsSync(where)) return null;
    try {
      const { tensors, metadata } = decodeSafetensors(readFileSync(where), where);
      const v = Number(metadata.version), big = tensors.big.data;
      if (big.length !== lengthOf(mb, v) || big.some((x) => x !== v)) return `checkpoint says version ${v} but holds other data`;
      return v;
    } catch (e) { return `checkpoint unreadable: ${(e as Error).message}`; }
  }
  const json = join(where, "model.json");
  if (!existsSync(json)) return null;
  try {
    const j = JSON.parse(readFileSync(json, "utf8")), v = j.version as number, shard = readFileSync(join(where, j.weightsManifest[0].paths[0]));
    const data = new Float32Array(shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength));
    if (data.length !== lengthOf(mb, v) || data.some((x) => x !== v) || j.weightsManifest[0].weights[0].shape[0] !== data.length) return `model.json version ${v} with a shard of another version`;
    return v;
  } catch (e) { return `TF.js model unreadable: ${(e as Error).message}`; }
}

/** One child: started at version `first`, killed `delayMs` after it began its first save. */
function killOnce(kind: SaveKind, where: string, mb: number, first: number, delayMs: number): Promise<{ reported: number; begun: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerScript(), kind, where, String(mb), String(first)], { stdio: ["ignore", "pipe", "pipe"] });
    let reported = first - 1, begun = first - 1, buf = "", timer: NodeJS.Timeout | null = null, err = "";
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      for (const m of buf.matchAll(/(begin|saved) (\d+)\n/g)) {
        if (m[1] === "saved") reported = Number(m[2]); else begun = Number(m[2]);
        timer ??= setTimeout(() => child.kill("SIGKILL"), delayMs);
      }
      buf = buf.slice(buf.lastIndexOf("\n") + 1);
    });
    child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    child.on("close", (_code, signal) => (signal === "SIGKILL" ? resolve({ reported, begun }) : reject(new Error(`writer exited without being killed: ${err}`))));
  });
}

export async function killSaves(kind: SaveKind, kills: number, mb = 2, seed = 1): Promise<KillReport> {
  const dir = mkdtempSync(join(tmpdir(), `rnnlab-kill-${kind}-`)), where = kind === "checkpoint" ? join(dir, "ckpt.safetensors") : join(dir, "model");
  const report: KillReport = { kind, kills: 0, midSave: 0, strayAfterKill: 0, versions: [], problems: [] };
  let next = 1, rng = seed >>> 0;
  const random = () => ((rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  try {
    for (let k = 0; k < kills; k++) {
      const { reported, begun } = await killOnce(kind, where, mb, next, Math.floor(random() * 250));
      report.kills++;
      const onDisk = versionOnDisk(kind, where, mb);
      const folder = kind === "checkpoint" ? dir : where;
      if (begun > reported) report.midSave++;
      const strays = existsSync(folder) ? temps(folder).length : 0;
      report.strayAfterKill += strays > 0 ? 1 : 0;
      if (typeof onDisk === "string") report.problems.push(`kill ${k}: ${onDisk}`);
      else if (onDisk !== null && onDisk !== reported && onDisk !== reported + 1) report.problems.push(`kill ${k}: version ${onDisk} on disk, ${reported} reported`);
      else if (onDisk === null && reported >= next) report.problems.push(`kill ${k}: nothing on disk after version ${reported} was reported saved`);
      report.versions.push(typeof onDisk === "number" ? onDisk : -1);
      // the next save to the same place: afterwards no temp file, no shard that model.json does not name
      next = Math.max(begun, reported) + 1;
      saveVersion(kind, where, mb, next);
      if (versionOnDisk(kind, where, mb) !== next) report.problems.push(`kill ${k}: the save after it did not give version ${next}`);
      const left = temps(folder);
      if (left.length) report.problems.push(`kill ${k}: temp files after the next save: ${left.join(", ")}`);
      if (kind === "tfjs") {
        const shards = readdirSync(where).filter((f) => f.endsWith(".bin"));
        if (shards.length !== 1) report.problems.push(`kill ${k}: ${shards.length} shards after the next save: ${shards.join(", ")}`);
      }
      next++;
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
  return report;
}

if (process.argv[1]?.endsWith("kill-saves.ts")) {
  const args = new Map<string, string>();
  for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
  const kills = Number(args.get("kills") ?? 150), mb = Number(args.get("megabytes") ?? 2);
  let failed = false;
  for (const kind of ["checkpoint", "tfjs"] as const) {
    const t0 = performance.now(), r = await killSaves(kind, kills, mb);
    console.log(`${kind}: ${r.kills} SIGKILLs in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${r.midSave} inside a save, ${r.strayAfterKill} left a temp file, ` +
      `every file a complete version: ${r.problems.length === 0 ? "yes" : "NO"}; after the next save no temp file / unnamed shard: ${r.problems.length === 0 ? "yes" : "NO"}`);
    for (const p of r.problems.slice(0, 10)) console.log("  ", p);
    failed ||= r.problems.length > 0;
  }
  process.exitCode = failed ? 1 : 0;
}
