// rnnlab eval: a checkpoint's loss (and accuracy, bits per character) on the held-out split of its task.
import type { CommandSpec } from "../command.ts";
import { int, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson } from "../output.ts";
import { TASKS } from "../task-list.ts";

export const command: CommandSpec = {
  name: "eval",
  summary: "evaluate a checkpoint on the held-out split of its task",
  configure: (cmd) => cmd
    .requiredOption("--checkpoint <file>", "a checkpoint written by rnnlab train")
    .option("--task <name>", `the task (default: from run.json next to the checkpoint): ${TASKS.join(", ")}`, oneOf(TASKS))
    .option("--split <name>", "train or test", oneOf(["train", "test"] as const), "test")
    .option("--max-batches <n>", "evaluate on at most n batches of 256", int(1))
    .option("--out <dir>", "output directory", defaultOut("eval"))
    .addHelpText("after", "\nExample: rnnlab eval --checkpoint rnnlab-out/train/checkpoint.safetensors"),
  async run(o, ctx) {
    const { evaluate, evaluateStream } = await import("../../index.ts");
    const { checkModelFits, makeDataset, openCheckpoint, taskOf } = await import("../tasks.ts");
    const { model } = openCheckpoint(o.checkpoint as string);
    const { task, datasetOptions } = taskOf(o.checkpoint as string, o.task as string | undefined);
    const ds = makeDataset(task, datasetOptions);
    checkModelFits(model, ds, task);
    const split = o.split as "test", t0 = performance.now();
    const r = evaluate(model, ds, split, 256, o.maxBatches as number | undefined);
    // a language model's usual figure: the text read as one stream, the state carried across windows
    const stream = task === "charlm" ? evaluateStream(model, ds, split, o.maxBatches ? (o.maxBatches as number) * 8 : undefined) : null;
    const result = { checkpoint: o.checkpoint, task, split, loss: r.loss, accuracy: r.accuracy, bitsPerToken: r.bitsPerToken, count: r.count,
      streamBitsPerToken: stream?.bitsPerToken ?? null, paramCount: model.paramCount(), seconds: (performance.now() - t0) / 1000 };
    const dir = outDir(o.out as string);
    writeJson(dir, "eval", result);
    ctx.log(`${task} (${split}, ${r.count.toLocaleString("en-US")} predictions): loss ${r.loss.toFixed(4)}` +
      (r.accuracy !== null ? `, accuracy ${(100 * r.accuracy).toFixed(2)} %` : "") +
      (r.bitsPerToken !== null && (task === "charlm" || task === "names") ? `, ${r.bitsPerToken.toFixed(3)} bits per character` : "") +
      (stream ? `, ${stream.bitsPerToken!.toFixed(3)} bits per character read as one stream` : "") + `\nwrote ${dir}/eval.json`);
  },
};
