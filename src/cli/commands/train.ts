// rnnlab train: trains a model on a task with a progress bar, checkpoints (atomic, every
// --checkpoint-every steps and after every epoch), a JSON log and a learning-curve plot.
// `rnnlab train` alone trains the note's model: LSTM 128 on MNIST rows.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TrainLog, SequenceModel as Model, ModelConfig } from "../../index.ts";
import type { Tf1CellSpec } from "../../train/cell-stack.ts";
import { UsageError, type CommandSpec } from "../command.ts";
import { CELLS, int, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";
import { TASKS, TASK_DEFAULTS, type TaskName } from "../task-list.ts";
import type { RunInfo } from "../tasks.ts";

class Stop extends Error {}

const TRAIN_CELLS = [...CELLS, "tf1-lstm", "tf1-gru", "tf1-rnn"] as const;
const TF1_TYPE = { "tf1-lstm": "lstm", "tf1-gru": "gru", "tf1-rnn": "basic_rnn" } as const;

/** --cell and the TF-1 cell options into the model config (--layers TF-1 cells stack as a MultiRNNCell). */
function cellOptions(o: Record<string, unknown>, base: ModelConfig): ModelConfig {
  const cell = o.cell as (typeof TRAIN_CELLS)[number];
  const lstmOnly = ["peepholes", "cellClip", "numProj", "forgetBias"].filter((k) => o[k] !== undefined && o[k] !== false);
  if (lstmOnly.length && cell !== "tf1-lstm") throw new UsageError(`--${lstmOnly[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to --cell tf1-lstm only`);
  if (!(cell in TF1_TYPE)) return { ...base, cell: cell as "lstm" };
  const type = TF1_TYPE[cell as keyof typeof TF1_TYPE];
  const spec: Tf1CellSpec = { type, numUnits: base.hiddenSize!,
    ...(type === "lstm" ? { usePeepholes: o.peepholes as boolean, ...(o.cellClip !== undefined ? { cellClip: o.cellClip as number } : {}),
      ...(o.numProj !== undefined ? { numProj: o.numProj as number } : {}), ...(o.forgetBias !== undefined ? { forgetBias: o.forgetBias as number } : {}) } : {}) };
  const { numLayers, hiddenSize, ...rest } = base;
  return { ...rest, cell: "tf1", cells: Array.from({ length: numLayers ?? 1 }, () => ({ ...spec })) };
}

export const command: CommandSpec = {
  name: "train",
  summary: "train a model on a task (progress bar, checkpoints, JSON log, learning curve)",
  worker: true,
  configure: (cmd) => cmd
    .option("--task <name>", `one of ${TASKS.join(", ")}`, oneOf(TASKS), "mnist")
    .option("--cell <kind>", "rnn, lstm, gru (PyTorch layers) or tf1-lstm, tf1-gru, tf1-rnn (TF-1 cells, --layers stacked as a MultiRNNCell)", oneOf(TRAIN_CELLS), "lstm")
    .option("--peepholes", "tf1-lstm: diagonal peephole connections", false)
    .option("--cell-clip <c>", "tf1-lstm: clip the cell state to [-c, c]", num(0, Infinity, true))
    .option("--num-proj <P>", "tf1-lstm: project the output to P features", int(1))
    .option("--forget-bias <b>", "tf1-lstm: added inside the forget gate (TF-1 default 1)", num())
    .option("--units <N>", "hidden units (default: per task, 128 for mnist)", int(1))
    .option("--layers <L>", "stacked recurrent layers", int(1), 1)
    .option("--epochs <n>", "passes over the training set (default: per task, 25 for mnist)", int(1))
    .option("--batch-size <B>", "sequences per step (default: per task)", int(1))
    .option("--lr <rate>", "Adam learning rate (default: per task)", num(0, Infinity, true))
    .option("--clip <norm>", "clip the global gradient norm (default: per task)", num(0, Infinity, true))
    .option("--seq-len <T>", "sequence length: adding T, charlm window, sine/births/co2 window, copy delay", int(1))
    .option("--lag <n>", "recall: steps between the symbol and the question", int(0))
    .option("--train-size <n>", "synthetic tasks: training examples", int(1))
    .option("--test-size <n>", "synthetic tasks: held-out examples", int(1))
    .option("--max-batches <n>", "stop each epoch after n batches (quick runs)", int(1))
    .option("--max-eval-batches <n>", "evaluate on at most n held-out batches", int(1))
    .option("--checkpoint-every <n>", "also save every n steps (0 = only after each epoch)", int(0), 100)
    .option("--seed <n>", "seed of the initialization and the data order", int(0), 1)
    .option("--resume", "continue from the checkpoint in --out", false)
    .option("--out <dir>", "output directory", defaultOut("train"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExamples:\n  rnnlab train                                  the note's model (LSTM 128, MNIST rows)\n" +
      "  rnnlab train --task adding --cell rnn --seq-len 100 --epochs 5\n  rnnlab train --task adding --cell tf1-lstm --peepholes --cell-clip 10 --num-proj 16 --layers 2\n  rnnlab train --task charlm --max-batches 200 --epochs 3\n" +
      "Ctrl-C stops after the current step; the last checkpoint stays valid (resume with --resume)."),
  async run(o, ctx) {
    const { SequenceModel, fit, adam, cosine, evaluate, learningCurveSvg, backendInfo } = await import("../../index.ts");
    const { backendLine } = await import("./backend.ts");
    const { datasetOptions, makeDataset, modelConfigFor, openCheckpoint } = await import("../tasks.ts");
    const task = o.task as TaskName, d = TASK_DEFAULTS[task];
    const dir = outDir(o.out as string), ckpt = join(dir, "checkpoint.safetensors");
    const dsOpts = datasetOptions(task, { seqLen: o.seqLen as number | undefined, lag: o.lag as number | undefined,
      trainSize: o.trainSize as number | undefined, testSize: o.testSize as number | undefined });
    const ds = makeDataset(task, dsOpts);
    const epochs = (o.epochs as number | undefined) ?? d.epochs, batchSize = (o.batchSize as number | undefined) ?? d.batchSize;
    const lr = (o.lr as number | undefined) ?? d.lr, clip = (o.clip as number | undefined) ?? d.clip, seed = o.seed as number;
    let model: Model, optimizer = adam({ lr }), resume = null;
    const units = (o.units as number | undefined) ?? d.units;
    const config = cellOptions(o, modelConfigFor(ds, { cell: "lstm", units, layers: o.layers as number, embedding: d.embedding, seed }));
    if (o.resume) {
      if (!existsSync(ckpt)) throw new UsageError(`--resume: no checkpoint in ${o.out} (expected ${ckpt})`);
      const loaded = openCheckpoint(ckpt);
      model = loaded.model; resume = loaded.progress;
      if (loaded.optimizer) optimizer = loaded.optimizer as typeof optimizer;
      if (resume && resume.seed !== seed) throw new UsageError(`--resume: the checkpoint was trained with --seed ${resume.seed}`);
    } else {
      model = new SequenceModel(config);
    }
    const info: RunInfo = { task, datasetOptions: dsOpts, model: model.config };
    writeJson(dir, "run", info);
    const perEpoch = Math.min(Math.ceil(ds.size("train") / batchSize), (o.maxBatches as number | undefined) ?? Infinity);
    const log: TrainLog & Record<string, unknown> = {
      task, cell: model.config.cell, lossKind: model.config.loss, about: d.about, model: model.config, paramCount: model.paramCount(),
      hyper: { epochs, batchSize, lr, clip, seed, batchesPerEpoch: perEpoch }, steps: [], epochs: [],
    };
    ctx.log(`${d.about}\n${model.config.cell.toUpperCase()} ${model.config.hiddenSize} units, ${model.paramCount().toLocaleString("en-US")} parameters; ` +
      `${ds.size("train").toLocaleString("en-US")} training / ${ds.size("test").toLocaleString("en-US")} held-out sequences; ${epochs} epochs of ${perEpoch} batches` +
      (resume ? `; resuming at step ${resume.step}` : "") + `\n${backendLine(backendInfo())}` +
      // a forgotten --resume would otherwise replace a run's checkpoint without a word
      (!o.resume && existsSync(ckpt) ? `\nstarting from scratch: the first checkpoint saved replaces ${ckpt} (--resume continues it instead)` : ""));
    const save = () => {
      writeJson(dir, "train-log", log);
      if (log.steps.length) writePlot(dir, "learning-curve", learningCurveSvg(log), o.png as boolean);
    };
    ctx.progress.start(epochs * perEpoch, `train ${task}`);
    let lastSaved = resume?.step ?? 0, stopped = false;
    const t0 = performance.now(), firstStep = resume?.step ?? 0, every = o.checkpointEvery as number;
    try {
      fit(model, ds, {
        epochs, batchSize, optimizer, clipNorm: clip, seed, schedule: cosine(epochs * perEpoch), resume,
        maxBatchesPerEpoch: perEpoch, ...(o.maxEvalBatches ? { maxEvalBatches: o.maxEvalBatches as number } : {}),
        checkpoint: { path: ckpt, ...(every > 0 ? { everySteps: every } : {}) },
        onStep: (s) => {
          log.steps.push({ step: s.step, loss: s.loss, accuracy: s.accuracy });
          if (ctx.stopped()) throw new Stop();                 // before fit saves this step: the last save stands
          if (every > 0 && s.step % every === 0) lastSaved = s.step;  // fit saves right after onStep returns
          const rate = (s.step - firstStep) / Math.max(1e-9, (performance.now() - t0) / 1000);
          ctx.progress.update(s.step, `loss ${s.loss.toFixed(4)}${s.accuracy !== null ? `  acc ${(100 * s.accuracy).toFixed(1)} %` : ""}  ${rate.toFixed(1)} steps/s`, `train ${task} epoch ${s.epoch + 1}/${epochs}`);
        },
        onEpoch: (e) => {
          lastSaved = e.steps;
          log.epochs.push({ epoch: e.epoch + 1, step: e.steps, trainLoss: e.train.loss, testLoss: e.test?.loss ?? null, testAccuracy: e.test?.accuracy ?? null });
          save();
          ctx.log(`epoch ${e.epoch + 1}/${epochs}: train loss ${e.train.loss.toFixed(4)}` +
            (e.test ? `, held-out loss ${e.test.loss.toFixed(4)}` + (e.test.accuracy !== null ? `, accuracy ${(100 * e.test.accuracy).toFixed(2)} %` : "") : "") +
            ` (${e.seconds.toFixed(1)} s), checkpoint saved`);
        },
      });
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      stopped = true;
    }
    ctx.progress.stop();
    if (stopped) {
      save();
      ctx.log(`stopped at step ${log.steps.length ? log.steps[log.steps.length - 1].step : firstStep}; ` +
        (existsSync(ckpt) ? `the last checkpoint (step ${lastSaved}) is ${ckpt}; continue with --resume` : "no checkpoint was written yet"));
      return 130;
    }
    const test = evaluate(model, ds, "test", 256, o.maxEvalBatches as number | undefined);
    log.final = { testLoss: test.loss, testAccuracy: test.accuracy, testCount: test.count, bitsPerToken: test.bitsPerToken, seconds: (performance.now() - t0) / 1000 };
    save();
    ctx.log(`held-out: loss ${test.loss.toFixed(4)}` + (test.accuracy !== null ? `, accuracy ${(100 * test.accuracy).toFixed(2)} %` : "") +
      ` over ${test.count.toLocaleString("en-US")} predictions\nwrote ${ckpt}, ${join(dir, "train-log.json")}, ${join(dir, "learning-curve.svg")}`);
  },
};
