// rnnlab memory: accuracy on delayed recall as the lag grows, per cell.
import type { CommandSpec } from "../command.ts";
import { CELLS, int, intList, listOf, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";

export const command: CommandSpec = {
  name: "memory",
  summary: "how long can each cell remember? delayed-recall (or copy) accuracy as the lag grows",
  worker: true,
  configure: (cmd) => cmd
    .option("--task <name>", "recall (one symbol, answer at the end) or copy (reproduce a sequence after the lag)", oneOf(["recall", "copy"] as const), "recall")
    .option("--copy-length <n>", "copy: symbols to reproduce", int(1), 5)
    .option("--cells <list>", "cells to compare", listOf(CELLS), ["rnn", "lstm", "gru"])
    .option("--lags <list>", "lags to train and test at", intList(1), [10, 25, 50, 100, 200, 400])
    .option("--units <N>", "hidden units", int(1), 32)
    .option("--symbols <n>", "distinct symbols (chance = 1/n)", int(2), 8)
    .option("--noise <kind>", "recall: what fills the lag, blank or symbols (distractors)", oneOf(["blank", "symbols"] as const), "blank")
    .option("--train-steps <n>", "training steps per (cell, lag)", int(1), 800)
    .option("--batch-size <B>", "sequences per step", int(1), 32)
    .option("--lr <rate>", "Adam learning rate", num(0, Infinity, true), 0.01)
    .option("--forget-bias <b>", "LSTM forget bias (1 = TF-1 BasicLSTMCell, the note's cell)", num(), 1)
    .option("--test-size <n>", "held-out sequences per point", int(1), 256)
    .option("--seed <n>", "seed", int(0), 1)
    .option("--out <dir>", "output directory", defaultOut("memory"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExamples:\n  rnnlab memory --cells rnn,lstm,gru --lags 10,25,50,100,200,400\n  rnnlab memory --task copy --lags 10,50,100"),
  async run(o, ctx) {
    const { memoryProbe, memorySvg } = await import("../../index.ts");
    const dir = outDir(o.out as string), cells = o.cells as ("rnn" | "lstm" | "gru")[], lags = (o.lags as number[]).slice().sort((a, b) => a - b);
    const steps = o.trainSteps as number;
    const task = o.task as "recall" | "copy", len = (l: number) => (task === "copy" ? 2 * (o.copyLength as number) + l : l + 1);
    ctx.progress.start(cells.length * steps * lags.reduce((a, l) => a + len(l), 0), "memory");
    const m = memoryProbe({
      task, copyLength: o.copyLength as number, cells, lags, hiddenSize: o.units as number, symbols: o.symbols as number, noise: o.noise as "blank", steps,
      batchSize: o.batchSize as number, lr: o.lr as number, forgetBias: o.forgetBias as number, testSize: o.testSize as number, seed: o.seed as number,
      onProgress: (done, _t, label) => ctx.progress.update(done, "", label), shouldStop: () => ctx.stopped(),
    });
    ctx.progress.stop();
    writeJson(dir, "memory", m);
    if (m.results.length) writePlot(dir, "memory", memorySvg(m), o.png as boolean);
    ctx.log(`lag    ${cells.map((c) => c.toUpperCase().padStart(7)).join("")}   (held-out accuracy, chance ${(100 / m.symbols).toFixed(1)} %)`);
    for (const lag of lags) {
      const row = cells.map((c) => { const r = m.results.find((x) => x.cell === c && x.lag === lag); return (r ? `${(100 * r.accuracy).toFixed(1)}%` : "-").padStart(7); });
      ctx.log(`${String(lag).padEnd(6)} ${row.join("")}`);
    }
    ctx.log(`${m.stopped ? "stopped early; partial results in" : "wrote"} ${dir}/memory.json, memory.svg`);
    return m.stopped ? 130 : 0;
  },
};
