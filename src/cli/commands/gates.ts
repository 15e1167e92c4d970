// rnnlab gates: per-gate activation histograms, saturation fractions and a heatmap of gate values
// over one sequence, for a trained checkpoint (layer 0); with --during-training, a fresh model is
// trained and the saturation and gate means are measured as training goes.
import type { Batch } from "../../index.ts";
import { UsageError, type CommandSpec } from "../command.ts";
import { CELLS, int, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";
import { TASKS, TASK_DEFAULTS, type TaskName } from "../task-list.ts";

export const command: CommandSpec = {
  name: "gates",
  summary: "gate activation histograms, saturation and a heatmap for a checkpoint; or saturation during training (--during-training)",
  worker: true,
  configure: (cmd) => cmd
    .option("--checkpoint <file>", "a checkpoint written by rnnlab train")
    .option("--during-training", "train a fresh model and measure the gates every --every steps", false)
    .option("--task <name>", "the task (default: from run.json next to the checkpoint; mnist with --during-training)", oneOf(TASKS))
    .option("--cell <kind>", "--during-training: rnn, lstm or gru", oneOf(CELLS), "lstm")
    .option("--units <N>", "--during-training: hidden units (default: per task)", int(1))
    .option("--epochs <n>", "--during-training: passes over the training set", int(1), 1)
    .option("--max-batches <n>", "--during-training: stop each epoch after n batches", int(1))
    .option("--lr <rate>", "--during-training: Adam learning rate (default: per task)", num(0, Infinity, true))
    .option("--every <n>", "--during-training: measure every n steps", int(1), 25)
    .option("--seed <n>", "--during-training: seed", int(0), 1)
    .option("--sequences <B>", "held-out sequences to collect statistics over", int(1), 64)
    .option("--units-shown <n>", "units per gate shown in the heatmap", int(1), 8)
    .option("--out <dir>", "output directory", defaultOut("gates"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExamples:\n  rnnlab gates --checkpoint rnnlab-out/train/checkpoint.safetensors\n" +
      "  rnnlab gates --during-training --task mnist --epochs 1          (the note's model, 125 steps)"),
  async run(o, ctx) {
    if (o.duringTraining) return duringTraining(o, ctx);
    if (!o.checkpoint) throw new UsageError("give --checkpoint <file> (a model written by rnnlab train), or --during-training");
    const { modelGateStats, gateHistogramsSvg, gateHeatmapSvg } = await import("../../index.ts");
    const { checkModelFits, makeDataset, openCheckpoint, taskOf } = await import("../tasks.ts");
    const { model } = openCheckpoint(o.checkpoint as string);
    const { task, datasetOptions } = taskOf(o.checkpoint as string, o.task as string | undefined);
    const ds = makeDataset(task, datasetOptions);
    checkModelFits(model, ds, task);
    const batch = ds.batches("test", o.sequences as number, 0)[Symbol.iterator]().next().value as Batch;
    const text = batch.input.kind === "tokens" && ds.vocab
      ? ds.vocab.decode(Array.from({ length: batch.input.T }, (_, t) => (batch.input as { ids: Int32Array }).ids[t * batch.input.B])) : null;
    const s = modelGateStats(model, batch, { units: o.unitsShown as number, traceText: text });
    const dir = outDir(o.out as string);
    writeJson(dir, "gates", { checkpoint: o.checkpoint, task, ...s });
    writePlot(dir, "gate-histograms", gateHistogramsSvg(s), o.png as boolean);
    writePlot(dir, "gate-heatmap", gateHeatmapSvg(s), o.png as boolean);
    ctx.log(`${s.cell.toUpperCase()} layer 0 over ${s.B} held-out sequences of ${s.T} steps (${task}):`);
    for (const g of s.gates) ctx.log(`  ${g.name.padEnd(20)} mean ${g.mean.toFixed(3)}   saturated: ${(100 * g.saturatedLow).toFixed(1)} % low, ${(100 * g.saturatedHigh).toFixed(1)} % high`);
    ctx.log(`wrote ${dir}/gates.json, gate-histograms.svg, gate-heatmap.svg`);
  },
};

async function duringTraining(o: Record<string, unknown>, ctx: Parameters<CommandSpec["run"]>[1]): Promise<number> {
  if (o.checkpoint) throw new UsageError("--during-training trains a fresh model: leave out --checkpoint");
  const { SequenceModel, adam, gatesDuringTraining, gateTrainingSvg, gateHistogramsSvg } = await import("../../index.ts");
  const { datasetOptions, makeDataset, modelConfigFor } = await import("../tasks.ts");
  const task = ((o.task as string | undefined) ?? "mnist") as TaskName, d = TASK_DEFAULTS[task];
  const ds = makeDataset(task, datasetOptions(task, {}));
  const model = new SequenceModel(modelConfigFor(ds, { cell: o.cell as "lstm", units: (o.units as number | undefined) ?? d.units, layers: 1, embedding: d.embedding, seed: o.seed as number }));
  const probe = ds.batches("test", o.sequences as number, 0)[Symbol.iterator]().next().value as Batch;
  const perEpoch = Math.min(Math.ceil(ds.size("train") / d.batchSize), (o.maxBatches as number | undefined) ?? Infinity), epochs = o.epochs as number;
  ctx.log(`${d.about}\n${model.config.cell.toUpperCase()} ${model.config.hiddenSize} units: ${epochs} epoch(s) of ${perEpoch} batches, gates measured every ${o.every} steps on ${probe.input.B} held-out sequences`);
  ctx.progress.start(epochs * perEpoch, "gates during training");
  class Stop extends Error {}
  let g;
  try {
    g = gatesDuringTraining(model, ds, probe, {
      epochs, batchSize: d.batchSize, optimizer: adam({ lr: (o.lr as number | undefined) ?? d.lr }), clipNorm: d.clip, seed: o.seed as number,
      maxBatchesPerEpoch: perEpoch, evaluate: false, every: o.every as number,
      onStep: (s) => { if (ctx.stopped()) throw new Stop(); ctx.progress.update(s.step, `loss ${s.loss.toFixed(4)}`); },
    });
  } catch (e) {
    ctx.progress.stop();
    if (e instanceof Stop) { ctx.log("stopped"); return 130; }
    throw e;
  }
  ctx.progress.stop();
  const dir = outDir(o.out as string);
  writeJson(dir, "gates-training", { task, ...g });
  writePlot(dir, "gates-training", gateTrainingSvg(g, `${g.cell.toUpperCase()} gates while training on ${task}`), o.png as boolean);
  writePlot(dir, "gate-histograms-after", gateHistogramsSvg(g.after), o.png as boolean);
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  ctx.log(`step   ${g.points[0].gates.map((x) => `${x.name.split(" (")[0]} sat / mean`.padEnd(26)).join("")}`);
  const rows = g.points.length <= 12 ? g.points : g.points.filter((_, i) => i % Math.ceil(g.points.length / 10) === 0 || i === g.points.length - 1);
  for (const p of rows) ctx.log(`${String(p.step).padEnd(6)} ${p.gates.map((x) => `${pct(x.saturatedLow + x.saturatedHigh)} / ${x.mean.toFixed(3)}`.padEnd(26)).join("")}`);
  ctx.log(`wrote ${dir}/gates-training.json, gates-training.svg, gate-histograms-after.svg`);
  return 0;
}
