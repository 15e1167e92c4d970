// rnnlab gates: per-gate activation histograms, saturation fractions and a heatmap of gate values
// over one sequence, for a trained checkpoint (layer 0).
import type { Batch } from "../../index.ts";
import type { CommandSpec } from "../command.ts";
import { int, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";
import { TASKS } from "../task-list.ts";

export const command: CommandSpec = {
  name: "gates",
  summary: "gate activation histograms, saturation and a heatmap over a sample sequence, for a checkpoint",
  configure: (cmd) => cmd
    .requiredOption("--checkpoint <file>", "a checkpoint written by rnnlab train")
    .option("--task <name>", "the task (default: from run.json next to the checkpoint)", oneOf(TASKS))
    .option("--sequences <B>", "held-out sequences to collect statistics over", int(1), 64)
    .option("--units <n>", "units per gate shown in the heatmap", int(1), 8)
    .option("--out <dir>", "output directory", defaultOut("gates"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExample: rnnlab gates --checkpoint rnnlab-out/train/checkpoint.safetensors"),
  async run(o, ctx) {
    const { modelGateStats, gateHistogramsSvg, gateHeatmapSvg } = await import("../../index.ts");
    const { checkModelFits, makeDataset, openCheckpoint, taskOf } = await import("../tasks.ts");
    const { model } = openCheckpoint(o.checkpoint as string);
    const { task, datasetOptions } = taskOf(o.checkpoint as string, o.task as string | undefined);
    const ds = makeDataset(task, datasetOptions);
    checkModelFits(model, ds, task);
    const batch = ds.batches("test", o.sequences as number, 0)[Symbol.iterator]().next().value as Batch;
    const text = batch.input.kind === "tokens" && ds.vocab
      ? ds.vocab.decode(Array.from({ length: batch.input.T }, (_, t) => (batch.input as { ids: Int32Array }).ids[t * batch.input.B])) : null;
    const s = modelGateStats(model, batch, { units: o.units as number, traceText: text });
    const dir = outDir(o.out as string);
    writeJson(dir, "gates", { checkpoint: o.checkpoint, task, ...s });
    writePlot(dir, "gate-histograms", gateHistogramsSvg(s), o.png as boolean);
    writePlot(dir, "gate-heatmap", gateHeatmapSvg(s), o.png as boolean);
    ctx.log(`${s.cell.toUpperCase()} layer 0 over ${s.B} held-out sequences of ${s.T} steps (${task}):`);
    for (const g of s.gates) ctx.log(`  ${g.name.padEnd(20)} mean ${g.mean.toFixed(3)}   saturated: ${(100 * g.saturatedLow).toFixed(1)} % low, ${(100 * g.saturatedHigh).toFixed(1)} % high`);
    ctx.log(`wrote ${dir}/gates.json, gate-histograms.svg, gate-heatmap.svg`);
  },
};
