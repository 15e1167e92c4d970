// rnnlab gradflow: the vanishing gradient made visible. ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) against the
// distance from the loss, for each cell, at initialization and after training on the adding problem.
import type { CommandSpec } from "../command.ts";
import { CELLS, int, listOf, num } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";

export const command: CommandSpec = {
  name: "gradflow",
  summary: "gradient norm ∂L/∂h_t (and ∂L/∂c_t) against distance from the loss, per cell, at init and after training",
  worker: true,
  configure: (cmd) => cmd
    .option("--cells <list>", "cells to compare", listOf(CELLS), ["rnn", "lstm", "gru"])
    .option("--steps <T>", "sequence length: distances 0 … T−1", int(2), 200)
    .option("--units <N>", "hidden units", int(1), 64)
    .option("--batch-size <B>", "sequences the norms are averaged over", int(1), 32)
    .option("--train-steps <n>", "training steps on the adding problem before the second measurement (0 = init only)", int(0), 1500)
    .option("--train-len <T>", "sequence length of that training", int(2), 100)
    .option("--forget-bias <b>", "LSTM forget bias (1 = TF-1 BasicLSTMCell, the note's cell)", num(), 1)
    .option("--ratio-at <k>", "distance at which the JSON reports the ratio to distance 0", int(1), 100)
    .option("--seeds <n>", "seeds (initialization, data, training): the curves are their geometric mean, the band their range", int(1), 3)
    .option("--seed <n>", "first seed", int(0), 1)
    .option("--out <dir>", "output directory", defaultOut("gradflow"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExample: rnnlab gradflow --cells rnn,lstm,gru --steps 200\n" +
      "gradflow.json: per cell and phase the norms by distance and ratios[].dh = ‖∂L/∂h‖ at --ratio-at over ‖∂L/∂h‖ at 0."),
  async run(o, ctx) {
    const { gradFlow, gradFlowSvg } = await import("../../index.ts");
    const dir = outDir(o.out as string), cells = o.cells as ("rnn" | "lstm" | "gru")[];
    ctx.progress.start((o.seeds as number) * cells.length * (1 + (o.trainSteps as number)), "gradflow");
    const g = gradFlow({
      cells, steps: o.steps as number, hiddenSize: o.units as number, batchSize: o.batchSize as number, trainSteps: o.trainSteps as number,
      trainT: o.trainLen as number, forgetBias: o.forgetBias as number, ratioAt: o.ratioAt as number, seed: o.seed as number, seeds: o.seeds as number,
      onProgress: (done, _total, label) => ctx.progress.update(done, "", label), shouldStop: () => ctx.stopped(),
    });
    ctx.progress.stop();
    writeJson(dir, "gradflow", g);
    if (g.curves.length) writePlot(dir, "gradflow", gradFlowSvg(g), o.png as boolean);
    const n = g.seeds?.length ?? 1;
    if (n > 1) ctx.log(`${n} seeds: geometric mean of the ratios, log10 mean ± std, and each seed's ratio`);
    for (const r of g.ratios) {
      ctx.log(`${r.cell.padEnd(4)} ${r.phase.padEnd(7)} ‖∂L/∂h‖ ${r.at} steps back / at the loss = ${r.dh.toExponential(2)}` +
        (n > 1 && r.perSeed ? ` (log10 ${r.log10Dh.toFixed(1)} ± ${r.log10Std!.toFixed(1)}; seeds ${r.perSeed.map((v) => v.toExponential(1)).join(", ")})` : "") +
        (r.dc !== null ? `   ‖∂L/∂c‖ ratio ${r.dc.toExponential(2)}` : ""));
    }
    for (const t of g.training) ctx.log(`${t.cell}${n > 1 ? ` seed ${t.seed}` : ""} trained ${t.steps} steps: loss ${t.firstLoss.toFixed(3)} → ${t.lastLoss.toFixed(4)} (predicting the mean: 0.167)`);
    ctx.log(`${g.stopped ? "stopped early; partial results in" : "wrote"} ${dir}/gradflow.json, gradflow.svg`);
    return g.stopped ? 130 : 0;
  },
};
