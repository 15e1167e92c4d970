// rnnlab ablate: "can sigmoid and tanh be swapped?" — LSTM variants trained on the adding problem.
import type { CommandSpec } from "../command.ts";
// plain data (no library load), so --help and option checks stay fast
import { ABLATION_VARIANTS } from "../../analysis/ablate-variants.ts";
import { int, listOf, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";

const NAMES = ABLATION_VARIANTS.map((v) => v.name);

export const command: CommandSpec = {
  name: "ablate",
  summary: "train LSTM variants (gate/cell activations, peepholes, forget bias) and compare final loss",
  worker: true,
  configure: (cmd) => cmd
    .option("--task <name>", "the task (adding)", oneOf(["adding"] as const), "adding")
    .option("--seq-len <T>", "adding problem length", int(2), 50)
    .option("--units <N>", "hidden units", int(1), 32)
    .option("--train-steps <n>", "training steps per variant", int(1), 1500)
    .option("--batch-size <B>", "sequences per step", int(1), 32)
    .option("--lr <rate>", "Adam learning rate", num(0, Infinity, true), 0.01)
    .option("--variants <list>", `subset to run: ${NAMES.join(", ")}`, listOf(NAMES))
    .option("--seeds <n>", "seeds per variant (initialization, data, order): mean and spread", int(1), 3)
    .option("--seed <n>", "first seed", int(0), 1)
    .option("--out <dir>", "output directory", defaultOut("ablate"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExample: rnnlab ablate --task adding"),
  async run(o, ctx) {
    const { ablate, ablationBarsSvg, ablationCurvesSvg } = await import("../../index.ts");
    const dir = outDir(o.out as string), variants = (o.variants as string[] | undefined) ?? NAMES;
    ctx.progress.start(variants.length * (o.seeds as number) * (o.trainSteps as number), "ablate");
    const a = ablate({
      T: o.seqLen as number, hiddenSize: o.units as number, steps: o.trainSteps as number, batchSize: o.batchSize as number, lr: o.lr as number,
      seed: o.seed as number, seeds: o.seeds as number, variants, onProgress: (done, _t, label) => ctx.progress.update(done, "", label), shouldStop: () => ctx.stopped(),
    });
    ctx.progress.stop();
    writeJson(dir, "ablate", a);
    if (a.rows.length) { writePlot(dir, "ablate", ablationBarsSvg(a), o.png as boolean); writePlot(dir, "ablate-curves", ablationCurvesSvg(a), o.png as boolean); }
    const n = a.seeds.length, e = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : "diverged");
    ctx.log(`variant              held-out MSE${n > 1 ? ` (mean of ${n} seeds) [min–max]   learned*` : ""}   final train MSE   (predicting the mean: ${a.baselineMse.toFixed(3)})`);
    for (const r of a.rows) {
      ctx.log(`${r.name.padEnd(20)} ${e(r.testMse).padStart(12)}${n > 1 ? ` [${e(r.testMseMin)}–${e(r.testMseMax)}]`.padEnd(24) + `${r.learned} of ${n}`.padStart(8) : ""}   ${e(r.finalTrainLoss).padStart(15)}` +
        (n > 1 && r.runs.some((q) => q.diverged) ? `   (${r.runs.filter((q) => q.diverged).length} diverged)` : ""));
    }
    if (n > 1) ctx.log(`* learned: seeds with a held-out MSE below a tenth of predicting the mean; per seed: ablate.json rows[].runs`);
    ctx.log(`${a.stopped ? "stopped early; partial results in" : "wrote"} ${dir}/ablate.json, ablate.svg, ablate-curves.svg`);
    return a.stopped ? 130 : 0;
  },
};
