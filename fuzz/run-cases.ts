// Running fuzz cases in this process: each mutant is placed in a scratch folder, loaded and used
// through the public API, and classified. Bad outcomes can be saved as reproducers (the files plus
// meta.json), which test/fuzz/reproducers.test.ts replays.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RnnlabError } from "../src/errors.ts";
import { defaultKernels } from "../src/kernels/index.ts";
import type { WasmKernels } from "../src/kernels/wasm/index.ts";
import { caseRng, mutateFiles } from "./mutate.ts";
import { loadAndUse, placeFiles, type Files, type Format } from "./targets.ts";

export type Outcome = "rejected" | "accepted" | "other-error" | "non-finite" | "slow" | "memory";
export const BAD: readonly Outcome[] = ["other-error", "non-finite", "slow", "memory"];
/** A load slower than this is a failure ("hangs over 2 s"). */
export const SLOW_MS = 2000;

export interface CaseResult { i: number; outcome: Outcome; ms: number; message: string; bytes: number; memGrowth: number; rssGrowth: number }

/** The memory budget of one load: 4× the files + a fixed few MB (the model, scratch, the arena's page granularity). */
export const memoryBudget = (bytes: number) => 4 * bytes + 8 * 2 ** 20;

/** Bytes in ArrayBuffers (typed arrays, file contents) plus the wasm backend's memory (it only grows). */
function bufferBytes(): number {
  const k = defaultKernels() as Partial<WasmKernels>;
  return process.memoryUsage().arrayBuffers + (k.memory ? k.memory.buffer.byteLength : 0);
}

/** Load and use files already placed at `path`; the outcome and the error message, if any. */
export function classify(format: Format, path: string): { outcome: Outcome; message: string } {
  try {
    return loadAndUse(format, path) ? { outcome: "accepted", message: "" } : { outcome: "non-finite", message: "accepted, but the outputs are not finite" };
  } catch (e) {
    if (e instanceof RnnlabError) return { outcome: "rejected", message: e.message };
    const err = e as Error;
    return { outcome: "other-error", message: `${err?.name ?? typeof e}: ${err?.message ?? String(e)}`.slice(0, 400) };
  }
}

export interface RunOptions {
  seed: number;
  /** scratch folder for the mutants */
  scratch: string;
  /** save bad cases here (one folder each), at most `maxSaved` per outcome */
  reproducers?: string;
  maxSaved?: number;
  /** called before each case (the watchdog's heartbeat) */
  onCase?: (i: number) => void;
  /** stop before a case that would start after this time (Date.now() ms) */
  deadline?: number;
}

export function runCase(format: Format, seedFiles: Files, i: number, opts: RunOptions): { result: CaseResult; files: Files } {
  const files = mutateFiles(caseRng(opts.seed, format, i), format, seedFiles);
  const bytes = Object.values(files).reduce((n, f) => n + f.length, 0);
  const path = placeFiles(format, join(opts.scratch, "case"), files);
  const rss0 = process.memoryUsage.rss(), mem0 = bufferBytes(), t0 = performance.now();
  let { outcome, message } = classify(format, path);
  const ms = performance.now() - t0, rssGrowth = process.memoryUsage.rss() - rss0, memGrowth = bufferBytes() - mem0;
  if (ms > SLOW_MS && outcome !== "other-error") { message = `${outcome} after ${ms.toFixed(0)} ms: ${message}`; outcome = "slow"; }
  else if (memGrowth > memoryBudget(bytes) && outcome !== "other-error") { message = `${outcome}; buffers grew by ${(memGrowth / 2 ** 20).toFixed(1)} MB for ${bytes} bytes of files: ${message}`; outcome = "memory"; }
  return { result: { i, outcome, ms, message, bytes, memGrowth, rssGrowth }, files };
}

export function saveReproducer(dir: string, format: Format, seed: number, r: CaseResult, files: Files): string {
  const where = join(dir, format, `${r.outcome}-s${seed}-c${r.i}`);
  mkdirSync(where, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(where, name), bytes);
  writeFileSync(join(where, "meta.json"), JSON.stringify({ format, seed, case: r.i, outcome: r.outcome, message: r.message }, null, 2) + "\n");
  return where;
}

/** Cases [from, to) of one format; counts by outcome, the bad results, timing. */
export function runCases(format: Format, seedFiles: Files, from: number, to: number, opts: RunOptions) {
  const counts: Record<Outcome, number> = { rejected: 0, accepted: 0, "other-error": 0, "non-finite": 0, slow: 0, memory: 0 };
  const bad: CaseResult[] = [], saved: Partial<Record<Outcome, number>> = {};
  let maxMs = 0, ran = 0, maxMem = 0, maxRss = 0;
  for (let i = from; i < to; i++, ran++) {
    if (opts.deadline !== undefined && Date.now() > opts.deadline) break;
    opts.onCase?.(i);
    const { result, files } = runCase(format, seedFiles, i, opts);
    counts[result.outcome]++;
    maxMs = Math.max(maxMs, result.ms);
    maxMem = Math.max(maxMem, result.memGrowth); maxRss = Math.max(maxRss, result.rssGrowth);
    if (BAD.includes(result.outcome)) {
      bad.push(result);
      if (opts.reproducers && (saved[result.outcome] ?? 0) < (opts.maxSaved ?? 20)) {
        saveReproducer(opts.reproducers, format, opts.seed, result, files);
        saved[result.outcome] = (saved[result.outcome] ?? 0) + 1;
      }
    }
  }
  return { counts, bad, maxMs, ran, maxMem, maxRss };
}
