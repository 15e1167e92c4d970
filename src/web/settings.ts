// The playground's settings in the page's URL: ?task=adding&cell=rnn&hidden=32&… A shared or
// reloaded link puts the same settings in the controls, so pressing Train reproduces the run
// (same seed, same kernels: the same numbers). Unknown or out-of-range values fall back to the
// defaults / limits rather than failing: a link is user input.
import type { RunConfig, TaskName } from "./protocol.ts";

/** Each task's settings before the user changes them. */
export const DEFAULTS: Record<TaskName, { hiddenSize: number; batchSize: number; lr: number; steps: number; seqLen: number }> = {
  names: { hiddenSize: 64, batchSize: 32, lr: 0.01, steps: 1500, seqLen: 0 },
  sine: { hiddenSize: 32, batchSize: 32, lr: 0.01, steps: 600, seqLen: 40 },
  adding: { hiddenSize: 32, batchSize: 32, lr: 0.01, steps: 1500, seqLen: 30 },
  mnist: { hiddenSize: 64, batchSize: 32, lr: 0.01, steps: 600, seqLen: 0 },
};

/** The integer controls' ranges (the page clamps to them and says so). */
export const LIMITS = {
  hiddenSize: { lo: 1, hi: 256 },
  batchSize: { lo: 1, hi: 256 },
  steps: { lo: 1, hi: 100000 },
  seqLen: { lo: 2, hi: 200 },
} as const;

const TASKS: readonly TaskName[] = ["names", "sine", "adding", "mnist"];
const CELLS: readonly RunConfig["cell"][] = ["lstm", "gru", "rnn"];

/** The query string of a configuration; keeps other parameters of `keep` (e.g. backend=ref). */
export function configToQuery(c: RunConfig, keep = new URLSearchParams()): string {
  const q = new URLSearchParams(keep);
  const set: Record<string, string> = {
    task: c.task, cell: c.cell, peep: c.peepholes ? "1" : "0", gates: c.gates, hidden: String(c.hiddenSize),
    batch: String(c.batchSize), lr: String(c.lr), steps: String(c.steps), seq: String(c.seqLen), seed: String(c.seed),
    temp: String(c.sampling.temperature),
  };
  for (const [k, v] of Object.entries(set)) q.set(k, v);
  if (c.sampling.prefix) q.set("prefix", c.sampling.prefix); else q.delete("prefix");
  return q.toString();
}

/** The configuration a query string describes, or null when it names no task (a plain visit). */
export function configFromQuery(q: URLSearchParams): RunConfig | null {
  const task = q.get("task") as TaskName | null;
  if (!task || !TASKS.includes(task)) return null;
  const int = (key: string, lim: { lo: number; hi: number }, dflt: number) => {
    const v = Math.round(Number(q.get(key)));
    return q.has(key) && Number.isFinite(v) ? Math.min(lim.hi, Math.max(lim.lo, v)) : dflt;
  };
  const cell = (CELLS as readonly string[]).includes(q.get("cell") ?? "") ? (q.get("cell") as RunConfig["cell"]) : "lstm";
  const lr = Number(q.get("lr")), temp = Number(q.get("temp")), seed = Math.round(Number(q.get("seed")));
  return {
    task, cell, peepholes: q.get("peep") === "1", gates: q.get("gates") === "tanh" ? "tanh" : "sigmoid",
    hiddenSize: int("hidden", LIMITS.hiddenSize, 32), batchSize: int("batch", LIMITS.batchSize, 32),
    lr: Number.isFinite(lr) && lr > 0 && lr <= 1 ? lr : 0.01, steps: int("steps", LIMITS.steps, 600),
    seqLen: int("seq", LIMITS.seqLen, 30), seed: Number.isFinite(seed) ? seed : 1,
    backend: q.get("backend") === "ref" ? "ref" : "auto",
    sampling: { prefix: (q.get("prefix") ?? "").slice(0, 12), temperature: Number.isFinite(temp) && temp >= 0.1 && temp <= 3 ? temp : 0.8 },
  };
}
