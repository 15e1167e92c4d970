// What the training loop (src/train/fit.ts) needs from a model and from its data, and the one
// optimizer step every trainer runs. A SequenceModel (PyTorch-style layers, TF-1 cell stacks,
// custom cells) and a loaded Keras / TF.js model (KerasModel) both fit this shape: the models
// differ, the loop and its step do not.
import { RnnlabError } from "../errors.ts";
import { clipGradNorm, clipGradValue, globalNorm, type Optimizer, type ParamGroup } from "./optim.ts";
import type { Schedule } from "./schedule.ts";
import type { TrainingProgress } from "./checkpoint.ts";

/** The loss of one batch: its mean over `count` scored items, right predictions, and per-batch metric means. */
export interface BatchLoss {
  loss: number;
  count: number;
  correct: number;
  /** extra per-batch means (Keras metrics: mse, mae, acc), weighted by `count` in epoch summaries */
  metrics?: Record<string, number>;
}

/** A model the loop can train on batches of type B. */
export interface Trainable<B> {
  /** training mode (dropout on) or inference mode */
  train(on: boolean): unknown;
  zeroGrad(): void;
  /** the parameters with their gradients, as the optimizer steps them */
  groups(): ParamGroup[];
  /** the loss is a class cross-entropy: accuracy and bits per token are reported */
  readonly classTargets: boolean;
  /** forward and loss of one batch; with `backward`, the gradients are added into groups() */
  lossOnBatch(batch: B, backward: boolean): BatchLoss;
  /** write a resumable checkpoint (atomically) */
  saveTraining(path: string, optimizer: Optimizer, progress: TrainingProgress): void;
}

/** Batches of a split in an order fixed by `seed` (SeqDataset is one; kerasData is another). */
export interface DataSource<B> {
  size(split: "train" | "test"): number;
  batches(split: "train" | "test", batchSize: number, seed: number): Iterable<B>;
}

export const isTrainable = (m: unknown): m is Trainable<unknown> => typeof m === "object" && m !== null &&
  ["train", "zeroGrad", "groups", "lossOnBatch", "saveTraining"].every((k) => typeof (m as Record<string, unknown>)[k] === "function");

export interface StepSettings {
  optimizer: Optimizer;
  /** the lr a schedule scales */
  baseLr: number;
  schedule?: Schedule;
  clipNorm?: number | null;
  clipValue?: number | null;
}

/**
 * One optimizer step on one batch: scheduled lr, zeroed gradients, forward/loss/backward,
 * clipping, a check that the loss and gradients are finite (naming `where`, e.g. "step 3 (epoch
 * 1, batch 3)"), the update. `step` is the number of steps done before this one (the schedule's input).
 */
export function optimizerStep<B>(fn: string, model: Trainable<B>, batch: B, step: number, s: StepSettings, where: string): BatchLoss & { gradNorm: number } {
  const { optimizer } = s;
  if (s.schedule) optimizer.lr = s.baseLr * s.schedule(step);
  model.zeroGrad();
  let r: BatchLoss;
  try { r = model.lossOnBatch(batch, true); }
  catch (e) {                                            // name the step: a bad batch must be findable
    if (!(e instanceof RnnlabError)) throw e;
    const msg = e.message.startsWith(`${fn}: `) ? e.message.slice(fn.length + 2) : e.message;
    throw new RnnlabError(`${fn}: ${where}: ${msg}`, { cause: e });
  }
  const groups = model.groups();
  const gradNorm = s.clipNorm != null ? clipGradNorm(groups, s.clipNorm)
    : s.clipValue != null ? clipGradValue(groups, s.clipValue) : globalNorm(groups);
  if (!Number.isFinite(r.loss) || !Number.isFinite(gradNorm)) {
    throw new RnnlabError(`${fn}: the ${Number.isFinite(r.loss) ? "gradient norm" : "loss"} became ${Number.isFinite(r.loss) ? gradNorm : r.loss} at ${where}; ` +
      `lower the learning rate (now ${optimizer.lr}) or clip gradients`);
  }
  optimizer.step(groups);
  return { ...r, gradNorm };
}
