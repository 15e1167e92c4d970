// The tasks `rnnlab train` knows, with the settings that make each one a sensible first run.
// Everything here goes through the public API (data.datasetByName, SequenceModel, loadTraining).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { data, loadTraining, type ModelConfig, type SeqDataset, type SequenceModel } from "../index.ts";

type LoadedTraining = ReturnType<typeof loadTraining>;
import { UsageError } from "./command.ts";

export { TASKS, TASK_DEFAULTS, type TaskName, type TaskDefaults } from "./task-list.ts";
import { TASKS, type TaskName } from "./task-list.ts";
import { parseJsonBounded } from "../io/bounded-json.ts";
import { RnnlabError, show } from "../errors.ts";

/** Dataset options from CLI options: sequence length / lag / sizes where the task has them. */
export function datasetOptions(task: TaskName, o: { seqLen?: number; lag?: number; trainSize?: number; testSize?: number }): Record<string, number> {
  const out: Record<string, number> = {};
  const synthetic = task === "adding" || task === "copy" || task === "recall" || task === "sine";
  if (o.seqLen !== undefined) {
    if (task === "adding") out.T = o.seqLen;
    else if (task === "charlm") out.seqLen = o.seqLen;
    else if (task === "sine" || task === "births" || task === "co2") out.window = o.seqLen;
    else if (task === "copy") out.delay = o.seqLen;
    else throw new UsageError(`--seq-len does not apply to task ${task}`);
  }
  if (o.lag !== undefined) {
    if (task !== "recall") throw new UsageError(`--lag applies only to task recall`);
    out.lag = o.lag;
  }
  if (o.trainSize !== undefined || o.testSize !== undefined) {
    if (!synthetic) throw new UsageError(`--train-size / --test-size apply only to the synthetic tasks (adding, copy, recall, sine)`);
    if (o.trainSize !== undefined) out.trainSize = o.trainSize;
    if (o.testSize !== undefined) out.testSize = o.testSize;
  }
  return out;
}

export function makeDataset(task: TaskName, opts: Record<string, number>): SeqDataset {
  return data.datasetByName(task, opts);
}

/** The model a dataset needs: head on the last step for one target per sequence, else on every step. */
export function modelConfigFor(ds: SeqDataset, o: { cell: "rnn" | "lstm" | "gru"; units: number; layers: number; embedding?: number; seed: number }): ModelConfig {
  const perSequence = ds.targetKind === "class" || ds.targetKind === "value";
  return {
    cell: o.cell, inputKind: ds.inputKind, inputSize: ds.inputSize, hiddenSize: o.units, numLayers: o.layers,
    ...(ds.inputKind === "tokens" ? { embeddingDim: o.embedding ?? o.units } : {}),
    outputSize: ds.outputSize, head: perSequence ? "last" : "every",
    loss: ds.targetKind === "class" || ds.targetKind === "classPerStep" ? "class" : "value", seed: o.seed,
  };
}

/** What `train` writes next to its checkpoint so that eval / generate / gates know the task. */
export interface RunInfo { task: TaskName; datasetOptions: Record<string, number>; model: ModelConfig }

export function readRunInfo(checkpoint: string): RunInfo | null {
  const path = join(dirname(checkpoint), "run.json");
  if (!existsSync(path)) return null;
  let info: unknown;
  try { info = parseJsonBounded(path, readFileSync(path, "utf8")); }
  catch (e) { throw new UsageError(e instanceof RnnlabError ? e.message : `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`); }
  const { task, datasetOptions: opts } = (typeof info === "object" && info !== null ? info : {}) as Partial<RunInfo>;
  if (!TASKS.includes(task as TaskName)) throw new UsageError(`${path}: "task" must be one of ${TASKS.join(", ")}, got ${show(task)}`);
  if (typeof opts !== "object" || opts === null || Array.isArray(opts) || Object.values(opts).some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new UsageError(`${path}: "datasetOptions" must be an object of finite numbers, got ${show(opts)}`);
  }
  return info as RunInfo;
}

/** Loads a checkpoint, turning a missing or unreadable file into one clear line. */
export function openCheckpoint(path: string): LoadedTraining {
  if (!existsSync(path)) throw new UsageError(`checkpoint not found: ${path} (train one with: rnnlab train --out DIR)`);
  try { return loadTraining(path); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read checkpoint ${path}: ${code ?? (e as Error).message}`);
  }
}

/** The task of a checkpoint: --task, else the run.json beside it. */
export function taskOf(checkpoint: string, given: string | undefined): { task: TaskName; datasetOptions: Record<string, number> } {
  if (given && !TASKS.includes(given as TaskName)) throw new UsageError(`--task must be one of ${TASKS.join(", ")}, got ${show(given)}`);
  const info = readRunInfo(checkpoint);
  if (given) return { task: given as TaskName, datasetOptions: info?.task === given ? info.datasetOptions : {} };
  if (!info) throw new UsageError(`which task was ${checkpoint} trained on? pass --task (no run.json next to it)`);
  return { task: info.task, datasetOptions: info.datasetOptions };
}

export function checkModelFits(model: SequenceModel, ds: SeqDataset, task: string): void {
  const c = model.config;
  if (c.inputKind !== ds.inputKind || c.inputSize !== ds.inputSize || c.outputSize !== ds.outputSize) {
    throw new UsageError(`the checkpoint's model (${c.inputKind}, ${c.inputSize} in, ${c.outputSize} out) does not fit task ${task} (${ds.inputKind}, ${ds.inputSize} in, ${ds.outputSize} out)`);
  }
}
