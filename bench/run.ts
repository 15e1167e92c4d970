// `npm run bench [-- --workloads W1,W5] [--peers rnnlab-native,rnnlab-wasm,tfjs-wasm,...] [--reps N] [--quick] [--no-scaling]`:
// rnnlab (native and wasm on 1 and 2 threads, ref) and its peers (TF.js wasm and cpu, brain.js, PyTorch on 1
// and 2 threads when present) on the same workloads, side by side in ONE run (this machine's speed
// drifts by tens of per cent between runs, so only ratios measured together mean something). The
// rnnlab-wasm process also measures the f32x4 mul+add ceiling (PEAK, before and after) and 512³
// GEMMs, so achieved GFLOP/s are printed as a fraction of the ceiling measured in the same run.
// Then: where rnnlab's step time goes (bench/profile.ts) and how it scales in T and H
// (bench/scaling.ts). Each contender runs each workload in a process of its own, with a time limit.
// --reps N runs the whole list N times, interleaved (every contender and workload once, then again),
// and keeps for each the repetition with the median time: on a machine shared with other work,
// load bursts then spread over all contenders instead of landing on one.
// The native processes also measure the FMA ceiling of the widest vectors the CPU has (PEAK), and
// bench/thread-scaling.ts times a W3 training step on 1…N threads for native and wasm.
// Output: bench/results.json and bench/RESULTS.md (`--render` rebuilds the .md from the .json).
// `--merge` re-measures only the selected contenders and workloads (no profile, scaling or thread
// sweeps; `--thread-scaling` adds the 1…N thread table, `--ref-matvec` the reference loops) and writes them over their entries in
// bench/results.json, keeping the rest; the page then says which rows come from which run, with the
// machine's load average at the time.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const workloads = arg("workloads", "W1,W2,W3,W4,W5");
const quick = process.argv.includes("--quick");
const render = process.argv.includes("--render");
const merge = process.argv.includes("--merge");
const hasTorch = (() => { try { execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }); return true; } catch { return false; } })();
const tsx = ["--import", "tsx"];
const slow = ["--min-iters", quick ? "2" : "3", "--min-time", "0", "--max-iters", "5"];   // peers whose steps take seconds
const fast = quick ? ["--min-iters", "5", "--min-time", "1"] : [];
const torchArgs = (threads: number) => ["bench/peers/torch_rnn.py", "--threads", String(threads), "--workloads", "", ...(quick ? ["--min-iters", "5", "--min-time", "1"] : [])];
interface Contender { name: string; cmd: string; args: string[]; only?: string[]; extra?: string[]; note?: string }
const CONTENDERS: Contender[] = [
  { name: "rnnlab-native", cmd: process.execPath, args: [...tsx, "bench/rnnlab.ts", "--backend", "native", "--threads", "1", ...fast], extra: ["PEAK", "GEMM512"], note: "C++ kernels (native/, AVX-512 / AVX2 chosen at run time), one thread" },
  { name: "rnnlab-native-2t", cmd: process.execPath, args: [...tsx, "bench/rnnlab.ts", "--backend", "native", "--threads", "2", ...fast], extra: ["GEMM512"], only: ["W1", "W2", "W3", "W4"], note: "the same, two threads (its own thread pool)" },
  { name: "rnnlab-wasm", cmd: process.execPath, args: [...tsx, "bench/rnnlab.ts", "--backend", "wasm", "--threads", "1", ...fast], extra: ["PEAK", "GEMM512"], note: "one thread" },
  { name: "rnnlab-wasm-2t", cmd: process.execPath, args: [...tsx, "bench/rnnlab.ts", "--backend", "wasm", "--threads", "2", ...fast], extra: ["GEMM512"], only: ["W1", "W2", "W3", "W4"], note: "two threads (worker_threads on the shared wasm memory)" },
  { name: "rnnlab-ref", cmd: process.execPath, args: [...tsx, "bench/rnnlab.ts", "--backend", "ref", ...slow], only: ["W1", "W5"], note: "plain TypeScript kernels; W1 and W5 only (the others take minutes per step)" },
  { name: "tfjs-wasm", cmd: process.execPath, args: ["bench/peers/tfjs.mjs", "--backend", "wasm", ...fast] },
  { name: "tfjs-cpu", cmd: process.execPath, args: ["bench/peers/tfjs.mjs", "--backend", "cpu", ...slow, "--max-step-s", "30"] },
  { name: "brain.js", cmd: process.execPath, args: ["bench/peers/brain.mjs", ...slow], note: "per batch-equivalent: brain.js trains one sequence at a time, so its times are × B" },
  ...(hasTorch ? [
    { name: "torch-t1", cmd: "/usr/bin/python3", args: torchArgs(1), extra: ["MM"], note: "Debian python3-torch with OpenBLAS (libopenblas0), one thread" },
    { name: "torch-t2", cmd: "/usr/bin/python3", args: torchArgs(2), only: ["W1", "W2", "W3", "W4"], extra: ["MM"], note: "the same, two threads" },
  ] : []),
];
const EXTRAS = new Set(CONTENDERS.flatMap((c) => c.extra ?? []));   // measurements beside the workloads
const selected = arg("peers", CONTENDERS.map((c) => c.name).join(",")).split(",");

type Result = Record<string, any>;
const saved = render || merge ? JSON.parse(readFileSync("bench/results.json", "utf8")) : null;
const shownWorkloads = merge ? "W1,W2,W3,W4,W5" : workloads;   // a merge re-renders every workload on the page
const updates: Result[] = saved?.updates ?? [];
const load0 = loadavg();
const results: Record<string, Record<string, Result>> = saved?.results ?? {};
let profile: Result[] = saved?.profile ?? [];
let scaling: Result[] = saved?.scaling ?? [];
let threadSweep: Result[] = saved?.threads ?? [];
let customCell: Result[] = saved?.customCell ?? [];
let finetune: Result[] = saved?.finetune ?? [];
let threadScaling: Result[] = saved?.threadScaling ?? [];
let refMatvec: Result[] = saved?.refMatvec ?? [];
const reps = Number(arg("reps", "1"));
const log: string[] = [];

function runJsonLines(cmd: string, args: string[], label: string): Result[] {
  const t0 = performance.now();
  process.stdout.write(`${label} … `);
  let out = "";
  try { out = execFileSync(cmd, args, { encoding: "utf8", timeout: 30 * 60e3, maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] }); }
  catch (e) { out = String((e as { stdout?: string }).stdout ?? ""); log.push(`${label}: ${String((e as Error).message).split("\n")[0]}`); }
  console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const rows: Result[] = [];
  for (const line of out.split("\n")) {
    if (!line.startsWith("{")) continue;
    try { rows.push(JSON.parse(line)); } catch { /* not a result line */ }
  }
  return rows;
}

if (!render) {
  // One process per workload (the extras together in one): what a program that trains one model
  // sees. In one long process a workload measured after others ran up to 40 % slower for rnnlab
  // (V8 had not yet moved some kernels to its optimizing compiler), so order would decide.
  const all: Record<string, Record<string, Result[]>> = {};
  for (let rep = 0; rep < reps; rep++) {
    for (const c of CONTENDERS.filter((c) => selected.includes(c.name))) {
      // a merge runs a contender's extras (PEAK, GEMM512, MM) only when --workloads names them
      const extra = merge ? c.extra?.filter((e) => workloads.split(",").includes(e)) : c.extra;
      const groups = [...(extra?.length ? [extra.join(",")] : []),
        ...workloads.split(",").filter((w) => (!c.only || c.only.includes(w)) && !EXTRAS.has(w))];
      all[c.name] ??= {};
      for (const wl of groups) {
        const args = c.args.map((a) => (a === "" ? wl : a));
        if (!args.includes("--workloads")) args.push("--workloads", wl);
        for (const r of runJsonLines(c.cmd, args, `${c.name} ${wl}${reps > 1 ? ` (${rep + 1}/${reps})` : ""}`)) {
          if (r.workload) (all[c.name]![r.workload] ??= []).push(r);
        }
      }
    }
  }
  // per contender and workload: the repetition with the median time (the best ceiling for PEAK)
  // (GEMM512 and MM are ranked by their GFLOP/s, negated so that the fastest sorts first like a time)
  const gemmRank = (r: Result): number | undefined => r.workload === "GEMM512"
    ? -["gemmNN", "gemmNT", "gemmTN"].reduce((t, g) => t + (r[g]?.gflops_median ?? 0), 0)
    : r.workload === "MM" ? -(r.matmul ?? []).reduce((t: number, m: Result) => t + (m.gflops_median ?? 0), 0) : undefined;
  const timeOf = (r: Result): number => r.train?.median_ms ?? r.stream_cellstep?.us_per_step_median ?? r.stream_lstmcell?.us_per_step_median
    ?? r.stream_stateful_predict?.us_per_step_median ?? r.train_batch_equiv_ms_median ?? r.train_single_step_ms ?? gemmRank(r) ?? 0;
  for (const [name, byW] of Object.entries(all)) {
    if (!merge) results[name] = {};
    results[name] ??= {};
    for (const [w, rs] of Object.entries(byW)) {
      if (w.startsWith("PEAK")) { results[name]![w] = rs.reduce((a, b) => ((b.gflops ?? 0) > (a.gflops ?? 0) ? b : a)); continue; }
      const sorted = [...rs].sort((a, b) => timeOf(a) - timeOf(b));
      results[name]![w] = { ...sorted[(sorted.length - 1) >> 1], reps_times: rs.map(timeOf) };
    }
  }
  if (merge) {
    updates.push({ date: new Date().toISOString(), measured: Object.fromEntries(Object.entries(all).map(([name, byW]) => [name, Object.keys(byW)])),
      reps, loadavg_1min: [load0[0], loadavg()[0]], ...(process.argv.includes("--thread-scaling") ? { thread_scaling: true } : {}),
      ...(process.argv.includes("--ref-matvec") ? { ref_matvec: true } : {}) });
  }
  const train = merge ? "" : workloads.split(",").filter((w) => w !== "W5").join(",");
  if (train && !process.argv.includes("--no-profile")) profile = runJsonLines(process.execPath, [...tsx, "bench/profile.ts", "--workloads", train], "profile");
  if (!merge && workloads.split(",").includes("W1")) customCell = runJsonLines(process.execPath, [...tsx, "bench/custom-cell.ts", "--profile"], "custom cell W1");
  if (!merge && !process.argv.includes("--no-finetune")) finetune = ["native", "wasm"].flatMap((b) => runJsonLines(process.execPath, [...tsx, "bench/keras-finetune.ts", "--backend", b], `Keras fine-tuning (${b})`));
  if ((merge ? process.argv.includes("--ref-matvec") : !quick) && workloads.split(",").includes("W5")) refMatvec = runJsonLines(process.execPath, [...tsx, "bench/ref-matvec.ts", "--json"], "reference matrix-vector loops");
  if (!merge && !process.argv.includes("--no-scaling") && !quick) scaling = runJsonLines(process.execPath, [...tsx, "bench/scaling.ts"], "scaling");
  if (!merge && !quick) {
    threadSweep = [...runJsonLines(process.execPath, [...tsx, "bench/threads.ts", "--json"], "threads wasm"),
      ...runJsonLines(process.execPath, [...tsx, "bench/threads.ts", "--backend", "native", "--json"], "threads native")];
  }
  if (merge ? process.argv.includes("--thread-scaling") : !quick && !process.argv.includes("--no-scaling")) {
    threadScaling = [];
    for (const b of ["native", "wasm"]) {
      threadScaling.push(...runJsonLines(process.execPath, [...tsx, "bench/thread-scaling.ts", "--backend", b, "--workload", "W3", "--reps", String(Math.max(5, reps))], `thread scaling ${b}`));
    }
  }
}

// ---- rendering

const ms = (r?: Result, key = "train"): number => r?.[key]?.median_ms ?? r?.[`${key}_batch_equiv_ms_median`] ?? (key === "train" ? r?.train_single_step_ms : undefined);
const fmt = (v?: number) => (v === undefined || !Number.isFinite(v) ? "—" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const pct = (v?: number) => (v === undefined || !Number.isFinite(v) ? "—" : `${(100 * v).toFixed(0)} %`);
const wasm1 = results["rnnlab-wasm"] ?? {}, wasm2 = results["rnnlab-wasm-2t"] ?? {};
const peakStart = wasm1.PEAK?.gflops, peakEnd = wasm1.PEAK_END?.gflops;
const peak = peakStart !== undefined && peakEnd !== undefined ? Math.max(peakStart, peakEnd) : peakStart ?? peakEnd;
const threadsOf = (name: string) => (name.endsWith("-2t") || name.endsWith("-t2") ? 2 : 1);
const nat1 = results["rnnlab-native"] ?? {}, nat2 = results["rnnlab-native-2t"] ?? {};
const nPeak = Math.max(nat1.PEAK?.gflops ?? NaN, nat1.PEAK_END?.gflops ?? NaN);
const nativePeak = Number.isFinite(nPeak) ? nPeak : (nat1.PEAK?.gflops ?? nat1.PEAK_END?.gflops);
const ceilingOf = (name: string) => (name.startsWith("rnnlab-native") ? nativePeak : peak);
const flopsOf = (w: string) => Object.values(results).map((byW) => byW[w]?.rnn_train_flops).find((v) => v !== undefined)
  ?? Object.values(results).map((byW) => byW[w]?.rnn_fwd_flops).find((v) => v !== undefined) * 3;

const when = saved?.date ?? new Date().toISOString();
const lines = [`# Benchmarks`, ``, `\`npm run bench\` on ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${when.slice(0, 16)} UTC. ` +
  `Medians of timed steps after warm-up; "×" = that contender's time / rnnlab-wasm's (one thread), measured in this same run. ` +
  `float32, whole batch. GFLOP/s count the recurrent layer's GEMMs only (train = 3 × forward = 3·T·2·B·G·H·(I+H)); ` +
  `"of ceiling" divides by the f32x4 mul+add ceiling measured in this run (× 2 for two threads).`, ``];
for (const u of updates) {
  lines.push(`Re-measured ${u.date.slice(0, 16)} UTC (\`--merge\`, ${u.reps} interleaved repetitions, 1-minute load average ${u.loadavg_1min.map((l: number) => l.toFixed(1)).join(" → ")} on ${cpus().length} cores): ` +
    `${Object.entries(u.measured as Record<string, string[]>).map(([name, ws]) => `${name} (${ws.join(", ")})`).join(", ")}${u.thread_scaling ? `${Object.keys(u.measured).length ? ", and " : ""}the 1…N thread table` : ""}${u.ref_matvec ? ", and the reference matrix-vector loops" : ""}; ` +
    `those rows below come from that run, and ratios against rows of other runs mix two runs.`, ``);
}

lines.push(`## The ceiling`, ``);
lines.push(`WebAssembly SIMD mul+add ceiling, one thread (assembly/peak.ts): **${fmt(peak)} GFLOP/s** (the better of two measurements: ${fmt(peakStart)}, ${fmt(peakEnd)}).`, ``);
if (nativePeak) lines.push(`Native FMA ceiling, one thread, ${nat1.PEAK?.isa ?? "?"} (native/peak.h peak(): independent fused multiply-add chains): **${fmt(nativePeak)} GFLOP/s**. ` +
  `"of ceiling" for rnnlab-native rows divides by this one.`, ``);
const gemmRows: string[] = [];
for (const [name, byW] of Object.entries(results)) {
  const g = byW.GEMM512;
  if (g) for (const t of ["gemmNN", "gemmNT", "gemmTN"]) gemmRows.push(`| ${name} ${t} | ${fmt(g[t]?.gflops_median)} | ${pct(g[t]?.gflops_median / ((ceilingOf(name) ?? NaN) * threadsOf(name)))} |`);
  const mm = byW.MM?.matmul?.find((m: Result) => m.n === 512);
  if (mm) gemmRows.push(`| ${name} torch.mm (native) | ${fmt(mm.gflops_median)} | ${pct(mm.gflops_median / ((peak ?? NaN) * threadsOf(name)))} |`);
}
if (gemmRows.length) lines.push(`GEMM 512 × 512 × 512:`, ``, `| kernel | GFLOP/s | of ceiling |`, `|---|---|---|`, ...gemmRows, ``);

for (const w of shownWorkloads.split(",").filter((w) => w !== "W5")) {
  const flops = flopsOf(w);
  lines.push(`## ${w}${wasm1[w]?.desc ? ` (${wasm1[w].desc})` : ""}`, ``, `| contender | train step ms | × | train GFLOP/s | of ceiling | inference ms | × |`, `|---|---|---|---|---|---|---|`);
  const base = wasm1[w];
  for (const name of Object.keys(results)) {
    const r = results[name]![w];
    if (!r) continue;
    const t = ms(r, "train"), i = ms(r, "infer"), gf = flops / (t * 1e-3) / 1e9;
    const isRnnlab = name.startsWith("rnnlab-wasm") || name.startsWith("rnnlab-native");
    lines.push(`| ${name} | ${fmt(t)} | ${name === "rnnlab-wasm" ? "1" : fmt(t / ms(base, "train"))} | ${fmt(gf)} | ${isRnnlab ? pct(gf / ((ceilingOf(name) ?? NaN) * threadsOf(name))) : ""} | ${fmt(i)} | ${name === "rnnlab-wasm" ? "1" : fmt(i / ms(base, "infer"))} |`);
  }
  lines.push(``);
}

if (shownWorkloads.includes("W5")) {
  lines.push(`## W5 streaming (LSTM D 32, H 128, B 1, 1,000 steps): µs per step`, ``,
    `"one step per call": rnnlab \`LSTM.forward\` with T = 1 (PyTorch: \`nn.LSTMCell\`); "CellStep.forward": rnnlab's checked one-step cell API (PyTorch: \`nn.LSTMCell\`, its peer).`, ``,
    `"two matrix-vector products": the backend's own GEMM for a step's x·W_ihᵀ and h·W_hhᵀ (82k multiply-adds) and nothing else; "step kernels": those and the fused LSTM pointwise step, the floor under any one-step call on that backend (medians; best in brackets).`, ``,
    `| contender | one step per call | × | CellStep.forward | two matrix-vector products | step kernels | whole sequence in one call | × |`, `|---|---|---|---|---|---|---|---|`);
  const base = wasm1.W5;
  for (const name of Object.keys(results)) {
    const r = results[name]!.W5;
    if (!r) continue;
    const s = r.stream_stateful_predict?.us_per_step_median ?? r.stream_lstmcell?.us_per_step_median, wh = r.whole_sequence?.us_per_step_median ?? r.whole?.us_per_step_median;
    const bs = base?.stream_stateful_predict?.us_per_step_median, bw = base?.whole_sequence?.us_per_step_median;
    const cs = r.stream_cellstep?.us_per_step_median ?? r.stream_lstmcell?.us_per_step_median;
    const floor = (f?: Result) => f === undefined ? "—" : `${fmt(f.us_per_step_median)} (${fmt(f.us_per_step_best)})`;
    lines.push(`| ${name}${r.stream_lstmcell ? " (LSTMCell per step)" : ""} | ${fmt(s)} | ${name === "rnnlab-wasm" ? "1" : fmt(s / bs)} | ${fmt(cs)} | ${floor(r.step_matvecs)} | ${floor(r.step_kernels)} | ${fmt(wh)} | ${name === "rnnlab-wasm" ? "1" : fmt(wh / bw)} |`);
  }
  lines.push(``);
  if (refMatvec.length) {
    lines.push(`The reference kernels are plain TypeScript. How fast plain JavaScript can do the step's larger product, h·W_hhᵀ (65,536 multiply-adds), written several ways, each in a process of its own (bench/ref-matvec.ts):`, ``,
      `| loop | µs, median (best) | ns per multiply-add |`, `|---|---|---|`, ...refMatvec.map((r) => `| ${r.about} | ${fmt(r.us_median)} (${fmt(r.us_best)}) | ${r.ns_per_multiply_add.toFixed(3)} |`), ``);
  }
}

// ---- the native backend against PyTorch (target: faster than PyTorch + OpenBLAS at 1 and 2 threads)
const nativeChecks: [string, boolean | undefined, string][] = [];
if (Object.keys(nat1).length) {
  lines.push(`## Native kernels against PyTorch, training step (ratio = rnnlab-native / PyTorch at the same thread count; < 1 is faster)`, ``,
    `| workload | native 1 thread ms | PyTorch 1 thread ms | ratio | native 2 threads ms | PyTorch 2 threads ms | ratio |`, `|---|---|---|---|---|---|---|`);
  for (const w of shownWorkloads.split(",").filter((w) => w !== "W5" && nat1[w])) {
    const a = ms(nat1[w]), b = ms(results["torch-t1"]?.[w]), c = ms(nat2[w]), d = ms(results["torch-t2"]?.[w]);
    lines.push(`| ${w} | ${fmt(a)} | ${fmt(b)} | ${fmt(a / b)} | ${fmt(c)} | ${fmt(d)} | ${fmt(c / d)} |`);
    nativeChecks.push([`${w}: native faster than PyTorch, 1 thread`, Number.isFinite(a / b) ? a / b < 1 : undefined, `ratio ${fmt(a / b)}`]);
    nativeChecks.push([`${w}: native faster than PyTorch, 2 threads`, Number.isFinite(c / d) ? c / d < 1 : undefined, `ratio ${fmt(c / d)}`]);
  }
  lines.push(``);
  if (nat1.GEMM512 && nativePeak) {
    const worstNat = Math.min(...["gemmNN", "gemmNT", "gemmTN"].map((g) => nat1.GEMM512[g]?.gflops_median ?? 0)) / nativePeak;
    nativeChecks.push([`native GEMM 512³ ≥ 80 % of the FMA ceiling (worst of NN, NT, TN)`, worstNat >= 0.8, pct(worstNat)]);
  }
  const t5n = results["torch-t1"]?.W5?.stream_lstmcell?.us_per_step_median;
  for (const name of ["rnnlab-native", "rnnlab-wasm", "rnnlab-ref"]) {
    const r = results[name]?.W5;
    if (!r || !t5n) continue;
    for (const [label, v] of [["CellStep.forward", r.stream_cellstep?.us_per_step_median], ["LSTM.forward T = 1", r.stream_stateful_predict?.us_per_step_median]] as const) {
      nativeChecks.push([`W5 ${name.replace("rnnlab-", "")}: ${label} faster than PyTorch nn.LSTMCell per call`, v !== undefined ? v < t5n : undefined, `${fmt(v)} µs vs ${fmt(t5n)} µs`]);
    }
    const floor = r.step_kernels?.us_per_step_best;
    if (floor !== undefined) nativeChecks.push([`W5 ${name.replace("rnnlab-", "")}: the step's kernels alone (best of the run) faster than a PyTorch nn.LSTMCell call`, floor < t5n, `${fmt(floor)} µs vs ${fmt(t5n)} µs`]);
  }
}
if (threadScaling.length) {
  const byB = (b: string) => threadScaling.filter((r) => r.backend === b).sort((x, y) => x.threads - y.threads);
  lines.push(`## Threads: W3 training step (LSTM I 512, H 512, T 50, B 64) on 1…N threads (bench/thread-scaling.ts, ${threadScaling[0]?.cores} cores; interleaved repetitions, medians)`, ``,
    `| backend | threads | step ms | speed-up | GEMM ms | pointwise ms | loss+optimizer ms | other kernels ms | outside kernels ms |`, `|---|---|---|---|---|---|---|---|---|`);
  const projections: string[] = [];
  for (const b of ["native", "wasm"]) {
    const rows = byB(b);
    if (!rows.length) continue;
    for (const r of rows) {
      const p = r.parts_ms;
      lines.push(`| ${b} | ${r.threads} | ${fmt(r.step_ms_median)} | ${fmt(rows[0].step_ms_median / r.step_ms_median)} | ${fmt(p.gemm)} | ${fmt(p.pointwise)} | ${fmt(p["loss+optimizer"])} | ${fmt(p["other kernels"])} | ${fmt(p["outside kernels"])} |`);
    }
    // Amdahl per kind from 1 → 2 threads: t₂ = t₁((1 − p) + p/2) ⇒ p = 2(1 − t₂/t₁), clipped to [0, 1]
    const one = rows.find((r) => r.threads === 1), two = rows.find((r) => r.threads === 2);
    if (one && two) {
      const kinds = Object.keys(one.parts_ms);
      const frac = Object.fromEntries(kinds.map((kd) => [kd, Math.min(1, Math.max(0, 2 * (1 - (two.parts_ms[kd] ?? 0) / (one.parts_ms[kd] || 1))))]));
      const at = (n: number) => kinds.reduce((t, kd) => t + one.parts_ms[kd] * ((1 - frac[kd]!) + frac[kd]! / n), 0);
      const t1 = kinds.reduce((t, kd) => t + one.parts_ms[kd], 0);
      projections.push(`${b}: parallel fractions ${kinds.map((kd) => `${kd} ${pct(frac[kd])}`).join(", ")} → projected speed-up ${fmt(t1 / at(16))}× on 16 cores, ${fmt(t1 / at(64))}× on 64`);
    }
  }
  lines.push(``, `Projection (Amdahl per kernel kind, fractions measured from 1 → 2 threads on this run; to be checked on a larger machine):`, ``, ...projections.map((p) => `- ${p}`), ``);
}
if (nativeChecks.length) {
  lines.push(`## The native backend's minimum, on this run`, ``, `| claim | holds | measured |`, `|---|---|---|`,
    ...nativeChecks.map(([c, ok, v]) => `| ${c} | ${ok === undefined ? "not measured" : ok ? "yes" : "**no**"} | ${v} |`), ``);
}

// ---- the wasm backend's targets, checked on this run's numbers
const checks: [string, boolean | undefined, string][] = [];
const ratio = (peer: string, w: string, mine = wasm1) => ms(results[peer]?.[w], "train") / ms(mine[w], "train");
for (const w of ["W1", "W2", "W3", "W4"].filter((w) => wasm1[w])) {
  const rw = ratio("tfjs-wasm", w), rc = ratio("tfjs-cpu", w), rb = ratio("brain.js", w), r2 = ratio("tfjs-wasm", w, wasm2);
  checks.push([`${w}: ≥ 10× TF.js-wasm (1 thread)`, Number.isFinite(rw) ? rw >= 10 : undefined, `${fmt(rw)}×`]);
  checks.push([`${w}: ≥ 40× TF.js-cpu`, Number.isFinite(rc) ? rc >= 40 : undefined, `${fmt(rc)}×`]);
  checks.push([`${w}: ≥ 40× brain.js (per batch-equivalent)`, Number.isFinite(rb) ? rb >= 40 : undefined, `${fmt(rb)}×`]);
  checks.push([`${w}: ≥ 15× TF.js-wasm with 2 threads`, Number.isFinite(r2) ? r2 >= 15 : undefined, `${fmt(r2)}×`]);
  if (w !== "W1") {
    const eff = flopsOf(w) / (ms(wasm1[w], "train") * 1e-3) / 1e9 / (peak ?? NaN);
    checks.push([`${w}: training ≥ 50 % of the SIMD ceiling (1 thread)`, Number.isFinite(eff) ? eff >= 0.5 : undefined, pct(eff)]);
  }
}
if (wasm1.GEMM512 && peak) {
  const best = Math.min(...["gemmNN", "gemmNT", "gemmTN"].map((g) => wasm1.GEMM512[g]?.gflops_median ?? 0)) / peak;
  checks.push([`GEMM 512³ ≥ 60 % of the ceiling (worst of NN, NT, TN)`, best >= 0.6, pct(best)]);
}
const t5 = results["torch-t1"]?.W5, w5 = wasm1.W5;
if (t5 && w5) {
  const s = t5.stream_lstmcell?.us_per_step_median / w5.stream_stateful_predict?.us_per_step_median;
  const wh = t5.whole_sequence?.us_per_step_median / w5.whole_sequence?.us_per_step_median;
  checks.push([`W5: one step per call faster than PyTorch LSTMCell`, s > 1, `${fmt(s)}× faster`]);
  checks.push([`W5: whole sequence faster than PyTorch nn.LSTM`, wh > 1, `${fmt(wh)}× faster`]);
}
if (checks.length) {
  lines.push(`## The wasm backend's targets, on this run`, ``, `| claim | holds | measured |`, `|---|---|---|`,
    ...checks.map(([c, ok, v]) => `| ${c} | ${ok === undefined ? "not measured" : ok ? "yes" : "**no**"} | ${v} |`), ``);
}

if (profile.length) {
  const kinds = ["gemm", "pointwise", "loss+optimizer", "other kernels", "outside kernels"];
  lines.push(`## Where rnnlab's training step goes (one thread, bench/profile.ts)`, ``,
    `| workload | step ms | ${kinds.join(" | ")} | GEMM GFLOP/s |`, `|---|---|${kinds.map(() => "---|").join("")}---|`);
  for (const p of profile) {
    lines.push(`| ${p.workload} | ${fmt(p.step_ms)} | ${kinds.map((k) => `${fmt(p.parts_ms[k] ?? 0)} (${pct((p.parts_ms[k] ?? 0) / p.step_ms)})`).join(" | ")} | ${fmt(p.gemm_gflops)} |`);
  }
  lines.push(``);
}

if (finetune.length) {
  lines.push(`## Fine-tuning a TF.js model: KerasModel.fit against TF.js model.fit (wasm backend), the same 3 epochs (bench/keras-finetune.ts)`, ``,
    `${finetune[0].workload}; rnnlab on one thread. Per-epoch losses agree to float32 rounding.`, ``,
    `| rnnlab backend | rnnlab (s) | TF.js wasm (s) | speed-up |`, `|---|---:|---:|---:|`,
    ...finetune.map((f) => `| ${f.backend} | ${f.rnnlab_s.toFixed(2)} | ${f.tfjs_wasm_s.toFixed(2)} | ${f.speedup.toFixed(1)}× |`), ``);
}
for (const c of customCell) {
  lines.push(`## W1 with the LSTM written by hand as a user-defined cell (TF-1 API, bench/custom-cell.ts, ${c.backend}, one thread)`, ``,
    `Same variables, same numbers (last output after one SGD step differs by ${c.last_output_diff_after_one_step.toExponential(1)} in float32); dynamicRnn on a tape, tape.backward, SGD via nn.paramGroups.`, ``,
    `| cell | train step ms (median) | best | inference ms (median) | best |`, `|---|---|---|---|---|`,
    `| nn.BasicLSTMCell (fused kernels) | ${fmt(c.builtin_train.median_ms)} | ${fmt(c.builtin_train.min_ms)} | ${fmt(c.builtin_infer.median_ms)} | ${fmt(c.builtin_infer.min_ms)} |`,
    `| nn.CustomCell, the note's equations | ${fmt(c.custom_train.median_ms)} | ${fmt(c.custom_train.min_ms)} | ${fmt(c.custom_infer.median_ms)} | ${fmt(c.custom_infer.min_ms)} |`,
    `| user-defined / built-in | ${fmt(c.train_ratio)}× | ${fmt(c.custom_train.min_ms / c.builtin_train.min_ms)}× | ${fmt(c.infer_ratio)}× | ${fmt(c.custom_infer.min_ms / c.builtin_infer.min_ms)}× |`, ``);
  if (c.profile) {
    lines.push(`Where the user-defined cell's training step goes (10 steps, every operation timed):`, ``, `| part | ms per step |`, `|---|---|`,
      ...Object.entries(c.profile as Record<string, number>).map(([k, v]) => `| ${k} | ${fmt(v)} |`), ``);
  }
}

if (scaling.length) {
  for (const series of ["T", "H"]) {
    const rows = scaling.filter((r) => r.series === series);
    if (!rows.length) continue;
    lines.push(series === "T" ? `## Scaling in T (LSTM, B 32, D 64, H 256, dense 64 on every step; one thread)` : `## Scaling in H (LSTM, B 32, D 64, T 100; one thread)`, ``,
      `| ${series} | train step ms | ms per ${series === "T" ? "time step" : "(H/256)²"} | tape MB | GFLOP/s |`, `|---|---|---|---|---|`);
    for (const r of rows) {
      const per = series === "T" ? r.train_ms_median / r.T : r.train_ms_median / (r.H / 256) ** 2;
      lines.push(`| ${r[series]} | ${fmt(r.train_ms_median)} | ${fmt(per)} | ${fmt(r.tape_bytes / 2 ** 20)} | ${fmt(r.train_gflops)} |`);
    }
    lines.push(``);
  }
}

if (threadSweep.length) {
  lines.push(`## When two threads pay (bench/threads.ts: one time step's GEMM B × 4H × H and LSTM pointwise step, always shared)`, ``,
    `| backend | B | H | GEMM multiply-adds | 1 thread µs | 2 threads µs | speed-up | pointwise B·H | 1 thread µs | 2 threads µs | speed-up |`, `|---|---|---|---|---|---|---|---|---|---|---|`);
  for (const r of threadSweep) {
    lines.push(`| ${r.backend ?? "wasm"} | ${r.B} | ${r.H} | ${r.macs.toLocaleString("en")} | ${fmt(r.gemm_us[0])} | ${fmt(r.gemm_us[1])} | ${fmt(r.gemm_us[0] / r.gemm_us[1])} | ${r.pointwise} | ${fmt(r.pointwise_us[0])} | ${fmt(r.pointwise_us[1])} | ${fmt(r.pointwise_us[0] / r.pointwise_us[1])} |`);
  }
  lines.push(``, `The thresholds in src/kernels/wasm/index.ts (GEMM from 2^17 multiply-adds, pointwise from B·H = 1,024) and native/addon.cc (GEMM from 2^19, pointwise from B·H = 8,192) sit where the speed-up crosses 1.`, ``);
}

const notes = CONTENDERS.filter((c) => c.note && results[c.name]).map((c) => `- ${c.name}: ${c.note}`);
for (const [name, byW] of Object.entries(results)) for (const r of Object.values(byW)) {
  if (r.stopped) notes.push(`- ${name} ${r.workload}: ${r.stopped} (${fmt(r.train_single_step_ms)} ms, ${fmt(r.train_single_step_ms / ms(wasm1[r.workload]))}× rnnlab-wasm)`);
}
if (notes.length || log.length) lines.push(`Notes:`, ...notes, ...log.map((l) => `- ${l}`), ``);
if (!render) writeFileSync("bench/results.json", JSON.stringify({ date: when, machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, reps, results, profile, scaling, threads: threadSweep, threadScaling, refMatvec, customCell, finetune, ...(updates.length ? { updates } : {}) }, null, 1) + "\n");
writeFileSync("bench/RESULTS.md", lines.join("\n"));
console.log(lines.join("\n"));
