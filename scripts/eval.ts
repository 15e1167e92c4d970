// `npm run eval [-- --only mnist,adding,charlm] [--smoke] [--out DIR]`: the long training runs
// behind the README's results. Writes DIR/results.json, DIR/RESULTS.md and one CSV per learning
// curve (default DIR = eval/). Not part of `npm test`; a test runs the --smoke version.
import { mkdirSync, writeFileSync } from "node:fs";
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
writeFileSync(join(out, "results.json"), JSON.stringify({ started, seconds: (performance.now() - t0) / 1000, machine, smoke, results }, null, 1) + "\n");
for (const r of results) {
  for (const [series, points] of Object.entries(r.curves)) {
    const rows = points.map((p) => [p.epoch, p.step, p.seconds.toFixed(1), p.trainLoss, p.testLoss, p.testAccuracy ?? ""].join(","));
    writeFileSync(join(out, `${r.name}-${series}.csv`), ["epoch,step,seconds,train_loss,test_loss,test_accuracy", ...rows].join("\n") + "\n");
  }
}
const fmt = (v: number | string) => (typeof v === "number" ? (Math.abs(v) < 1 && v !== 0 ? v.toPrecision(4) : String(Math.round(v * 100) / 100)) : v);
const md = [`# Evaluation results`, ``, `\`npm run eval\` on ${machine}, ${started}${smoke ? " (SMOKE RUN: not real results)" : ""}.`, ``,
  `| experiment | claim | result | time |`, `|---|---|---|---|`,
  ...results.map((r) => `| ${r.name} | ${r.claim} | ${r.passed ? "**pass**" : "**fail**"}: ${Object.entries(r.metrics).filter(([k]) => k !== "sample").map(([k, v]) => `${k} ${fmt(v)}`).join(", ")} | ${r.seconds.toFixed(0)} s |`),
  ``, ...results.filter((r) => r.metrics.sample).map((r) => `Sample from the ${r.name} model (temperature 0.7):\n\n> ${String(r.metrics.sample).replace(/\n+/g, " ")}\n`),
  `Learning curves: ${results.flatMap((r) => Object.keys(r.curves).map((s) => `\`${r.name}-${s}.csv\``)).join(", ")}.`, ``];
writeFileSync(join(out, "RESULTS.md"), md.join("\n"));
log(`wrote ${out}/results.json, ${out}/RESULTS.md and the learning curves (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
