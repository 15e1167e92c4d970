// `npm run bench [-- --workloads W1,W5] [--peers rnnlab-wasm,tfjs-wasm,...] [--quick]`: rnnlab and
// its peers on the same workloads, side by side in ONE run (this machine's speed drifts by tens of
// per cent between runs, so only ratios measured together mean something). Each contender runs in
// its own process with a time limit; results go to bench/results.json and bench/RESULTS.md.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const workloads = arg("workloads", "W1,W2,W3,W4,W5");
const quick = process.argv.includes("--quick");
const hasTorch = (() => { try { execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }); return true; } catch { return false; } })();
const tsx = ["--import", "tsx"];
const slow = ["--min-iters", quick ? "2" : "3", "--min-time", "0", "--max-iters", "5"];   // peers whose steps take seconds
const fast = quick ? ["--min-iters", "5", "--min-time", "1"] : [];
interface Contender { name: string; cmd: string; args: string[]; only?: string[]; note?: string }
const CONTENDERS: Contender[] = [
  { name: "rnnlab-wasm", cmd: process.execPath, args: [...tsx, "bench/rnnlab.ts", "--backend", "wasm", ...fast] },
  { name: "rnnlab-ref", cmd: process.execPath, args: [...tsx, "bench/rnnlab.ts", "--backend", "ref", ...slow], only: ["W1", "W5"], note: "plain TypeScript kernels; W1 and W5 only (the others take minutes per step)" },
  { name: "tfjs-wasm", cmd: process.execPath, args: ["bench/peers/tfjs.mjs", "--backend", "wasm", ...fast] },
  { name: "tfjs-cpu", cmd: process.execPath, args: ["bench/peers/tfjs.mjs", "--backend", "cpu", ...slow, "--max-step-s", "30"] },
  { name: "brain.js", cmd: process.execPath, args: ["bench/peers/brain.mjs", ...slow] },
  ...(hasTorch ? [{ name: "torch-t1", cmd: "/usr/bin/python3", args: ["bench/peers/torch_rnn.py", "--threads", "1", "--workloads", "", ...(quick ? ["--min-iters", "5", "--min-time", "1"] : [])], note: "Debian python3-torch; the BLAS is whatever the loader finds (reference BLAS unless libopenblas0 is installed)" }] : []),
];
const selected = arg("peers", CONTENDERS.map((c) => c.name).join(",")).split(",");

type Result = Record<string, any>;
// --render: rebuild RESULTS.md from bench/results.json without running anything
const render = process.argv.includes("--render");
const saved = render ? JSON.parse(readFileSync("bench/results.json", "utf8")) : null;
const results: Record<string, Record<string, Result>> = saved?.results ?? {};
const log: string[] = [];
for (const c of CONTENDERS.filter((c) => !render && selected.includes(c.name))) {
  const wl = workloads.split(",").filter((w) => !c.only || c.only.includes(w)).join(",");
  if (!wl) continue;
  const args = c.args.map((a) => (a === "" ? wl : a));
  if (!args.includes("--workloads")) args.push("--workloads", wl);
  const t0 = performance.now();
  process.stdout.write(`${c.name} ${wl} … `);
  let out = "";
  try { out = execFileSync(c.cmd, args, { encoding: "utf8", timeout: 30 * 60e3, maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] }); }
  catch (e) { out = String((e as { stdout?: string }).stdout ?? ""); log.push(`${c.name}: ${String((e as Error).message).split("\n")[0]}`); }
  results[c.name] = {};
  for (const line of out.split("\n")) {
    if (!line.startsWith("{")) continue;
    try { const r = JSON.parse(line); if (r.workload) results[c.name][r.workload] = r; } catch { /* not a result line */ }
  }
  console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

const ms = (r?: Result, key = "train") => r?.[key]?.median_ms ?? r?.[`${key}_batch_equiv_ms_median`];
const fmt = (v?: number) => (v === undefined || !Number.isFinite(v) ? "—" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const when = saved?.date ?? new Date().toISOString();
const lines = [`# Benchmarks`, ``, `\`npm run bench\` on ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${when.slice(0, 16)} UTC. ` +
  `Medians of timed steps after warm-up; "×" = that contender's time / rnnlab-wasm's, measured in this same run. float32, whole batch, one thread unless named.`, ``];
for (const w of workloads.split(",").filter((w) => w !== "W5")) {
  lines.push(`## ${w}`, ``, `| contender | train step ms | × | inference ms | × |`, `|---|---|---|---|---|`);
  const base = results["rnnlab-wasm"]?.[w];
  for (const name of Object.keys(results)) {
    const r = results[name][w];
    if (!r) continue;
    const t = ms(r, "train"), i = ms(r, "infer");
    lines.push(`| ${name} | ${fmt(t)} | ${name === "rnnlab-wasm" ? "1" : fmt(t / ms(base, "train"))} | ${fmt(i)} | ${name === "rnnlab-wasm" ? "1" : fmt(i / ms(base, "infer"))} |`);
  }
  lines.push(``);
}
if (workloads.includes("W5")) {
  lines.push(`## W5 streaming (LSTM D 32, H 128, B 1, 1,000 steps): µs per step`, ``, `| contender | one step per call | × | whole sequence in one call | × |`, `|---|---|---|---|---|`);
  const base = results["rnnlab-wasm"]?.W5;
  for (const name of Object.keys(results)) {
    const r = results[name].W5;
    if (!r) continue;
    const s = r.stream_stateful_predict?.us_per_step_median ?? r.stream_lstmcell?.us_per_step_median, wh = r.whole_sequence?.us_per_step_median ?? r.whole?.us_per_step_median;
    const bs = base?.stream_stateful_predict?.us_per_step_median, bw = base?.whole_sequence?.us_per_step_median;
    lines.push(`| ${name} | ${fmt(s)} | ${name === "rnnlab-wasm" ? "1" : fmt(s / bs)} | ${fmt(wh)} | ${name === "rnnlab-wasm" ? "1" : fmt(wh / bw)} |`);
  }
  lines.push(``);
}
const notes = CONTENDERS.filter((c) => c.note && results[c.name]).map((c) => `- ${c.name}: ${c.note}`);
for (const [name, byW] of Object.entries(results)) for (const r of Object.values(byW)) {
  if (r.stopped) notes.push(`- ${name} ${r.workload}: ${r.stopped} (${fmt(r.train_single_step_ms)} ms, ${fmt(r.train_single_step_ms / ms(results["rnnlab-wasm"]?.[r.workload]))}× rnnlab-wasm)`);
}
if (notes.length || log.length) lines.push(`Notes:`, ...notes, ...log.map((l) => `- ${l}`), ``);
if (!render) writeFileSync("bench/results.json", JSON.stringify({ date: when, machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, results }, null, 1) + "\n");
writeFileSync("bench/RESULTS.md", lines.join("\n"));
console.log(lines.join("\n"));
