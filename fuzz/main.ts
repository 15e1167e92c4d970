// npm run fuzz -- --cases N --minutes M [--seed S] [--formats checkpoint,torch,tfjs,tf1,onnx] [--out fuzz/results]
// Runs N mutants per format (or until M minutes have passed for that format), one child process
// per format at a time, with a watchdog: a case that runs longer than --hang-seconds (default 10)
// kills the child; it is recorded as a hang (its reproducer saved) and the run continues after it.
// A child that dies on its own is recorded as a crash. Writes <out>/results.json and
// <out>/results.md (the table in docs/robustness.md), reproducers under <out>/reproducers/<format>/.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FORMATS, seedFiles, type Format } from "./targets.ts";
import { saveReproducer, type Outcome } from "./run-cases.ts";
import { caseRng, mutateFiles } from "./mutate.ts";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
const cases = Number(args.get("cases") ?? 25_000), minutes = Number(args.get("minutes") ?? 30), seed = Number(args.get("seed") ?? 1);
const hangMs = 1000 * Number(args.get("hang-seconds") ?? 10);
const formats = (args.get("formats")?.split(",") ?? [...FORMATS]) as Format[];
const out = args.get("out") ?? "fuzz/results";
for (const f of formats) if (!FORMATS.includes(f)) throw new Error(`--formats: unknown format "${f}" (known: ${FORMATS.join(", ")})`);
if (!(cases > 0) || !(minutes > 0)) throw new Error("--cases and --minutes must be positive numbers");

interface Row { format: Format; cases: number; counts: Record<Outcome, number>; hangs: number; crashes: number; maxMs: number; maxMem: number; maxRss: number; seconds: number; examples: string[] }

interface Summary { counts: Record<Outcome, number>; maxMs: number; ran: number; maxMem: number; maxRss: number; bad: { message: string; outcome: string }[] }

function runChild(format: Format, from: number, to: number, scratch: string, deadline: number):
    Promise<{ last: number; summary: Summary | null; hung: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "fuzz/worker.ts", format, String(seed), String(from), String(to), scratch, join(out, "reproducers"), String(deadline)],
      { stdio: ["ignore", "pipe", "pipe"] });
    let last = from - 1, summary: Summary | null = null, hung = false, buf = "", beat = Date.now();
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
        if (line.startsWith("case ")) { last = Number(line.slice(5)); beat = Date.now(); }
        else if (line.startsWith("{")) summary = JSON.parse(line) as Summary;
      }
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    const watchdog = setInterval(() => { if (Date.now() - beat > hangMs) { hung = true; child.kill("SIGKILL"); } }, 250);
    child.on("close", (code) => {
      clearInterval(watchdog);
      if (!summary && !hung && code !== 0) process.stderr.write(`[${format}] child exited ${code} at case ${last}: ${stderr}\n`);
      resolve({ last, summary, hung, code });
    });
  });
}

async function fuzzFormat(format: Format): Promise<Row> {
  const scratch = mkdtempSync(join(tmpdir(), `rnnlab-fuzz-${format}-`));
  const t0 = Date.now(), deadline = t0 + minutes * 60_000;
  const row: Row = { format, cases: 0, counts: { rejected: 0, accepted: 0, "other-error": 0, "non-finite": 0, slow: 0, memory: 0 }, hangs: 0, crashes: 0, maxMs: 0, maxMem: 0, maxRss: 0, seconds: 0, examples: [] };
  const seedCorpus = seedFiles(format, join(scratch, "seed-main"));
  let from = 0;
  while (from < cases && Date.now() < deadline) {
    const r = await runChild(format, from, cases, scratch, deadline);
    if (r.summary) {
      for (const k of Object.keys(row.counts) as Outcome[]) row.counts[k] += r.summary.counts[k];
      row.cases += r.summary.ran; row.maxMs = Math.max(row.maxMs, r.summary.maxMs);
      row.maxMem = Math.max(row.maxMem, r.summary.maxMem); row.maxRss = Math.max(row.maxRss, r.summary.maxRss);
      for (const b of r.summary.bad) if (row.examples.length < 12 && !row.examples.some((e) => e.slice(0, 60) === b.message.slice(0, 60))) row.examples.push(`${b.outcome}: ${b.message}`);
      break;
    }
    // killed by the watchdog (a hang) or died (a crash) at case r.last: record it, go on after it
    const files = mutateFiles(caseRng(seed, format, r.last), format, seedCorpus);      // regenerated, not run here
    const kind = r.hung ? "hang" : "crash";
    saveReproducer(join(out, "reproducers"), format, seed, { i: r.last, outcome: kind as Outcome, ms: hangMs, message: `${kind} (exit ${r.code})`, bytes: 0, memGrowth: 0, rssGrowth: 0 }, files);
    if (r.hung) row.hangs++; else row.crashes++;
    row.cases += r.last - from + 1;
    from = r.last + 1;
  }
  row.seconds = (Date.now() - t0) / 1000;
  rmSync(scratch, { recursive: true, force: true });
  return row;
}

const rows: Row[] = [];
for (const f of formats) {
  const row = await fuzzFormat(f);
  rows.push(row);
  process.stdout.write(`${f}: ${row.cases} cases in ${row.seconds.toFixed(0)} s ${JSON.stringify(row.counts)} hangs ${row.hangs} crashes ${row.crashes}\n`);
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "results.json"), JSON.stringify({ seed, cases, minutes, date: new Date().toISOString(), node: process.version, rows }, null, 2) + "\n");
const n = (x: number) => x.toLocaleString("en-US");
const mb = (x: number) => `${(x / 2 ** 20).toFixed(1)} MB`;
const table = [
  `| format | mutants | rejected with RnnlabError | accepted, outputs finite | other errors | accepted, non-finite outputs | over 2 s | hangs (> ${hangMs / 1000} s) | crashes | memory over budget | slowest case | largest buffer growth | largest RSS growth |`,
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.format} | ${n(r.cases)} | ${n(r.counts.rejected)} | ${n(r.counts.accepted)} | ${n(r.counts["other-error"])} | ${n(r.counts["non-finite"])} | ${n(r.counts.slow)} | ${r.hangs} | ${r.crashes} | ${n(r.counts.memory)} | ${r.maxMs.toFixed(0)} ms | ${mb(r.maxMem)} | ${mb(r.maxRss)} |`),
].join("\n");
const examples = rows.filter((r) => r.examples.length).map((r) => `- ${r.format}:\n${r.examples.map((e) => `  - ${e.replace(/\n/g, " ").slice(0, 200)}`).join("\n")}`).join("\n");
writeFileSync(join(out, "results.md"), `Seed ${seed}, up to ${n(cases)} mutants per format, ${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}.\n\n${table}\n${examples ? `\nFailures (first distinct messages):\n${examples}\n` : ""}`);
process.stdout.write(`\n${table}\n`);
