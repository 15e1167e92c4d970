// rnnlab generate: sample text from a character model (charlm or names), one character at a time.
import { UsageError, type CommandSpec } from "../command.ts";
import { int, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson } from "../output.ts";
import { TASKS } from "../task-list.ts";

export const command: CommandSpec = {
  name: "generate",
  summary: "sample text from a character model checkpoint",
  configure: (cmd) => cmd
    .requiredOption("--checkpoint <file>", "a checkpoint of a charlm or names model")
    .option("--prime <text>", "text fed to the model before sampling (default: \"Call me\" for charlm; for names none, or the first letters of every name, lower-cased)")
    .option("--count <n>", "names: how many names to sample", int(1), 10)
    .option("--temperature <T>", "softmax temperature: 0 = always the most likely character, 1 = the model's distribution", num(0), 0.7)
    .option("--length <n>", "characters to generate", int(0), 300)
    .option("--seed <n>", "sampling seed", int(0), 1)
    .option("--task <name>", "the task (default: from run.json next to the checkpoint)", oneOf(TASKS))
    .option("--out <dir>", "output directory", defaultOut("generate"))
    .addHelpText("after", "\nExample: rnnlab generate --checkpoint rnnlab-out/train/checkpoint.safetensors --prime \"Call me\" --temperature 0.5\n" +
      "         rnnlab generate --checkpoint names-out/checkpoint.safetensors --prime ma --count 5   (a names model)"),
  async run(o, ctx) {
    const { generate } = await import("../../index.ts");
    const { checkModelFits, makeDataset, openCheckpoint, taskOf } = await import("../tasks.ts");
    const { model } = openCheckpoint(o.checkpoint as string);
    const { task, datasetOptions } = taskOf(o.checkpoint as string, o.task as string | undefined);
    if (task !== "charlm" && task !== "names") throw new UsageError(`generate needs a character model (task charlm or names); ${o.checkpoint} was trained on ${task}`);
    const ds = makeDataset(task, datasetOptions);
    checkModelFits(model, ds, task);
    const common = { length: o.length as number, temperature: o.temperature as number };
    const dir = outDir(o.out as string);
    if (task === "names") {
      // A name is sampled as the model was trained: from the start token, then the prime's letters,
      // until the end token. Each name has its own seed (seed, seed + 1, …), so --count 1 is the first.
      const names = ds as unknown as { startId: number; endId: number };
      const prime = ((o.prime as string | undefined) ?? "").toLowerCase();
      const samples = Array.from({ length: o.count as number }, (_, i) =>
        prime + generate(model, ds.vocab!, prime, { ...common, seed: (o.seed as number) + i, startToken: names.startId, stopToken: names.endId }));
      writeJson(dir, "generate", { checkpoint: o.checkpoint, task, prime, temperature: o.temperature, seed: o.seed, length: o.length, count: o.count, samples, text: samples.join("\n") });
      for (const name of samples) ctx.log(name);
      return;
    }
    const prime = (o.prime as string | undefined) ?? "Call me";
    if (prime.length === 0) throw new UsageError("--prime must not be empty (the model needs a first character)");
    const text = generate(model, ds.vocab!, prime, { ...common, seed: o.seed as number });
    writeJson(dir, "generate", { checkpoint: o.checkpoint, task, prime, temperature: o.temperature, seed: o.seed, length: o.length, text: prime + text });
    ctx.log(prime + text);
  },
};
