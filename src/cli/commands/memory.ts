// rnnlab memory: accuracy against lag on the standard long-range tasks (adding problem, delayed
// recall with distractors, copy), per cell, several seeds, with the training curves as budget evidence.
import type { CommandContext, CommandSpec } from "../command.ts";
import { CELLS, int, intList, listOf, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";
import { availableParallelism } from "node:os";
import type { MemorySettings, MemoryProbe, memoryProbe } from "../../analysis/memory.ts";

const TASKS = ["adding", "recall", "copy"] as const;

export const command: CommandSpec = {
  name: "memory",
  summary: "which cell learns a long-range dependency? accuracy against lag on the adding problem and delayed recall, several seeds",
  worker: true,
  configure: (cmd) => cmd
    .option("--tasks <list>", "adding (sum of two marked values), recall (first symbol after distractors), copy", listOf(TASKS), ["adding", "recall"])
    .option("--cells <list>", "cells to compare", listOf(CELLS), ["rnn", "lstm", "gru"])
    .option("--lags <list>", "lags (adding: sequence length T) to train and test at", intList(1), [10, 30, 100, 300])
    .option("--units <N>", "hidden units (of the LSTM, with --equal-params)", int(1), 32)
    .option("--equal-params", "give the RNN and GRU the LSTM's parameter count (more units)", false)
    .option("--train-steps <n>", "training budget per run, the same for every cell", int(1), 12000)
    .option("--eval-every <n>", "validation and test accuracy every n steps (default: 300, or budget / 10 if smaller)", int(1))
    .option("--solved-at <p>", "stop a run once its held-out accuracy reaches p (> 1: never)", num(0), 0.99)
    .option("--seeds <n>", "seeds per point (mean and spread)", int(1), 3)
    .option("--seed <n>", "first seed", int(0), 1)
    .option("--symbols <n>", "recall / copy: distinct symbols (chance = 1/n)", int(2), 8)
    .option("--noise <kind>", "recall: what fills the lag, symbols (distractors) or blank", oneOf(["symbols", "blank"] as const), "symbols")
    .option("--copy-length <n>", "copy: symbols to reproduce", int(1), 5)
    .option("--batch-size <B>", "sequences per step", int(1), 32)
    .option("--lr <rate>", "Adam learning rate", num(0, Infinity, true), 0.01)
    .option("--forget-bias <b>", "LSTM forget bias (1 = TF-1 BasicLSTMCell, the note's cell)", num(), 1)
    .option("--test-size <n>", "held-out sequences per evaluation", int(1), 256)
    .option("--jobs <n>", "runs trained at the same time, one per thread (default: every core); the results do not depend on it", int(1))
    .option("--out <dir>", "output directory", defaultOut("memory"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExamples:\n  rnnlab memory                                   # adding + recall, lags 10-300, 3 seeds (~7 min on 2 cores)\n" +
      "  rnnlab memory --tasks recall --lags 25,50 --equal-params\n  rnnlab memory --tasks copy --lags 10,50 --train-steps 4000"),
  async run(o, ctx) {
    const { memoryProbe, memorySettings, memoryRunSpecs, memorySvg, memoryBudgetSvg } = await import("../../index.ts");
    const { memoryInParallel } = await import("../memory-pool.ts");
    const dir = outDir(o.out as string), cells = o.cells as ("rnn" | "lstm" | "gru")[], lags = (o.lags as number[]).slice().sort((a, b) => a - b);
    const tasks = o.tasks as (typeof TASKS)[number][];
    const settings = memorySettings({
      tasks, cells, lags, hiddenSize: o.units as number, equalParams: o.equalParams as boolean, steps: o.trainSteps as number,
      evalEvery: o.evalEvery as number | undefined, solvedAt: o.solvedAt as number, seeds: o.seeds as number, seed: o.seed as number,
      symbols: o.symbols as number, noise: o.noise as "symbols", copyLength: o.copyLength as number, batchSize: o.batchSize as number,
      lr: o.lr as number, forgetBias: o.forgetBias as number, testSize: o.testSize as number,
    });
    const jobs = Math.min((o.jobs as number | undefined) ?? availableParallelism(), memoryRunSpecs(settings).length);
    const m = jobs > 1 ? await memoryInParallel(settings, jobs, ctx) : serial(memoryProbe, settings, ctx);
    writeJson(dir, "memory", m);
    if (m.results.length) { writePlot(dir, "memory", memorySvg(m), o.png as boolean); writePlot(dir, "memory-budget", memoryBudgetSvg(m), o.png as boolean); }
    const pct = (v: number) => `${(100 * v).toFixed(1)}`;
    const sci = (v: number) => (Number.isFinite(v) ? v.toExponential(1) : "overflow");
    for (const task of tasks) {
      const rows = m.results.filter((r) => r.task === task);
      if (!rows.length) continue;
      ctx.log(`\n${task}: held-out accuracy % at the checkpoint chosen on validation data, mean ± std over ${m.seeds.length} seed${m.seeds.length > 1 ? "s" : ""} [min–max] (chance ${pct(rows[0].chance)} %)`);
      ctx.log(`lag    ${cells.map((c) => `${c.toUpperCase()} (${rows.find((r) => r.cell === c)?.hiddenSize ?? "?"} units)`.padEnd(26)).join("")}`);
      for (const lag of lags) {
        const line = cells.map((c) => {
          const r = rows.find((x) => x.cell === c && x.lag === lag);
          return (r ? `${pct(r.accuracy)} ± ${pct(r.std)} [${pct(r.min)}–${pct(r.max)}]` : "-").padEnd(26);
        });
        ctx.log(`${String(lag).padEnd(6)} ${line.join("")}`);
      }
      const late = rows.filter((r) => r.lateGain !== null);
      if (late.length) {
        const worst = late.reduce((a, b) => (Math.abs(b.lateGain!) > Math.abs(a.lateGain!) ? b : a));
        ctx.log(`budget: over the last 30 % of the steps, the kept accuracy of unsolved runs changed by at most ${(100 * Math.abs(worst.lateGain!)).toFixed(1)} points (${worst.cell} at lag ${worst.lag})`);
      }
      const lost = rows.filter((r) => r.accuracy - r.finalAccuracy > 0.1);
      if (lost.length) ctx.log(`learned, then lost by the end of the run (kept → final, mean of seeds): ${lost.map((r) => `${r.cell.toUpperCase()} lag ${r.lag} ${pct(r.accuracy)} → ${pct(r.finalAccuracy)} %`).join(", ")}`);
      const taskRuns = m.runs.filter((r) => r.task === task);
      const largest = cells.map((c) => `${c.toUpperCase()} ${sci(Math.max(0, ...taskRuns.filter((r) => r.cell === c).map((r) => r.maxGradNorm)))}`);
      ctx.log(`largest gradient norm before clipping to 1, over all runs: ${largest.join(", ")}`);
      const diverged = taskRuns.filter((r) => r.diverged);
      if (diverged.length) ctx.log(`diverged (the gradient overflowed float32; the weights and kept accuracy are from before): ${diverged.map((r) => `${r.cell.toUpperCase()} lag ${r.lag} seed ${r.seed} at step ${r.steps + 1}`).join(", ")}`);
    }
    ctx.log(`\n${m.stopped ? "stopped early; partial results in" : `${m.runs.length} runs in ${m.seconds.toFixed(0)} s; wrote`} ${dir}/memory.json, memory.svg, memory-budget.svg`);
    return m.stopped ? 130 : 0;
  },
};

/** One run after another on this thread (--jobs 1). */
function serial(probe: typeof memoryProbe, s: MemorySettings, ctx: CommandContext): MemoryProbe {
  let started = false;
  const m = probe({
    ...s, seed: s.seeds[0], seeds: s.seeds.length,
    onProgress: (done, total, label) => { if (!started) { ctx.progress.start(total, "memory"); started = true; } ctx.progress.update(done, "", label); },
    shouldStop: () => ctx.stopped(),
  });
  ctx.progress.stop();
  return m;
}
