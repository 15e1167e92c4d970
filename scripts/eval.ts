// `npm run eval [-- --only mnist,adding,charlm] [--smoke] [--out DIR]`: the long training runs
// behind the README's results. Writes DIR/results.json, DIR/RESULTS.md and one CSV per learning
// curve (default DIR = eval/). Not part of `npm test`; a test runs the --smoke version.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus } from "node:os";
import { EXPERIMENTS, type ExperimentResult } from "../src/eval/experiments.ts";
import { defaultKernels } from "../src/kernels/index.ts";

const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const smoke = args.includes("--smoke"), out = flag("--out") ?? "eval";
const only = (flag("--only") ?? Object.keys(EXPERIMENTS).join(",")).split(",");
for (const name of only) if (!(name in EXPERIMENTS)) throw new Error(`eval: --only must list names from ${Object.keys(EXPERIMENTS).join(", ")}, got "${name}"`);

const log = (line: string) => console.log(line);
const results: ExperimentResult[] = [];
const started = new Date().toISOString(), t0 = performance.now();
for (const name of only) {
  log(`── ${name}${smoke ? " (smoke)" : ""}`);
  const r = EXPERIMENTS[name as keyof typeof EXPERIMENTS]({ smoke, log });
  log(`${r.passed ? "PASS" : "FAIL"} ${r.claim}\n   ${JSON.stringify(r.metrics)} in ${r.seconds.toFixed(0)} s`);
  results.push(r);
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, kernels ${defaultKernels().name}`;
mkdirSync(out, { recursive: true });
// experiments run separately (--only) accumulate: earlier results of the other experiments are kept
const file = join(out, "results.json");
type Entry = ExperimentResult & { date: string; machine: string };
const earlier: Entry[] = !smoke && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).results : [];
const merged: Entry[] = [...earlier.filter((e) => !only.includes(e.name)), ...results.map((r) => ({ ...r, date: started, machine }))];
merged.sort((a, b) => Object.keys(EXPERIMENTS).indexOf(a.name) - Object.keys(EXPERIMENTS).indexOf(b.name));
writeFileSync(file, JSON.stringify({ smoke, results: merged }, null, 1) + "\n");
for (const r of results) {
  for (const [series, points] of Object.entries(r.curves)) {
    const rows = points.map((p) => [p.epoch, p.step, p.seconds.toFixed(1), p.trainLoss, p.testLoss, p.testAccuracy ?? ""].join(","));
    writeFileSync(join(out, `${r.name}-${series}.csv`), ["epoch,step,seconds,train_loss,test_loss,test_accuracy", ...rows].join("\n") + "\n");
  }
}
const fmt = (v: number | string) => (typeof v === "number" ? (Math.abs(v) < 1 && v !== 0 ? v.toPrecision(4) : String(Math.round(v * 100) / 100)) : v);
const md = [`# Evaluation results`, ``, `\`npm run eval\`${smoke ? " (SMOKE RUN: not real results)" : ""}; each row says where and when it ran.`, ``,
  `| experiment | claim | result | time | machine, date |`, `|---|---|---|---|---|`,
  ...merged.map((r) => `| ${r.name} | ${r.claim} | ${r.passed ? "**pass**" : "**fail**"}: ${Object.entries(r.metrics).filter(([k]) => k !== "sample").map(([k, v]) => `${k} ${fmt(v)}`).join(", ")} | ${r.seconds.toFixed(0)} s | ${r.machine}, ${r.date.slice(0, 16).replace("T", " ")} |`),
  ``, ...merged.filter((r) => r.metrics.sample).map((r) => `Sample from the ${r.name} model (temperature 0.7):\n\n> ${String(r.metrics.sample).replace(/\n+/g, " ")}\n`),
  `Learning curves: ${merged.flatMap((r) => Object.keys(r.curves).map((s) => `\`${r.name}-${s}.csv\``)).join(", ")}.`, ``];
writeFileSync(join(out, "RESULTS.md"), md.join("\n"));
log(`wrote ${out}/results.json, ${out}/RESULTS.md and the learning curves (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
