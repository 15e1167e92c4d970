// Training checkpoints: one safetensors file (src/io/checkpoint.ts: atomic write, validated read).
//   tensors   the model's parameters under PyTorch-style keys ("emb.weight", "rnn.weight_ih_l0", "fc.bias"),
//             plus optimizer slots as "optim.<group>/<slot>" when saved for resuming
//   metadata  "format": "pt"; "rnnlab.model": the model config; "rnnlab.optimizer", "rnnlab.progress",
//             "rnnlab.rng": what resuming needs to continue exactly as an uninterrupted run
// A file without rnnlab metadata (e.g. from safetensors.torch.save_file) loads into a given model by keys.
import { saveCheckpoint, loadCheckpoint } from "../io/checkpoint.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { TensorLike } from "../io/safetensors.ts";
import { RnnlabError } from "../errors.ts";
import { SequenceModel, resolveModelConfig, type ModelConfig, type ResolvedModelConfig } from "./model.ts";
import { optimizerByName, type Optimizer } from "./optim.ts";

export interface TrainingProgress {
  /** the epoch in progress (0-based) and how many of its batches are done */
  epoch: number;
  batch: number;
  /** optimizer steps so far */
  step: number;
  /** the data-order seed of the run */
  seed: number;
  /** the learning rate a schedule scales (the optimizer's own lr is already the scheduled one) */
  baseLr?: number;
  /** running sums of the epoch in progress, so its summary is the same as without the interruption */
  partial?: { sum: number; count: number; correct: number };
}

const OPTIM = "optim.";

export function saveTraining(path: string, model: SequenceModel, optimizer: Optimizer | null = null, progress: TrainingProgress | null = null): void {
  const tensors: Record<string, TensorLike> = { ...model.stateDict() };
  const metadata: Record<string, string> = { format: "pt", "rnnlab.model": JSON.stringify(model.config) };
  if (optimizer) {
    const st = optimizer.state();
    for (const [key, buf] of Object.entries(st.slots)) tensors[OPTIM + key] = { shape: [buf.length], data: buf };
    metadata["rnnlab.optimizer"] = JSON.stringify({ name: optimizer.name, hyper: optimizer.hyper, lr: optimizer.lr, t: st.t });
  }
  if (progress) metadata["rnnlab.progress"] = JSON.stringify(progress);
  metadata["rnnlab.rng"] = JSON.stringify(model.rnn.rngState);
  saveCheckpoint(path, tensors, metadata);
}

export interface LoadedTraining { model: SequenceModel; optimizer: Optimizer | null; progress: TrainingProgress | null }

/** The fields in which two model configs differ, e.g. ["hiddenSize 64 vs 128"]. */
function configDiff(a: ResolvedModelConfig, b: ResolvedModelConfig): string[] {
  const keys = Object.keys(a) as (keyof ResolvedModelConfig)[];
  return keys.filter((k) => k !== "seed" && a[k] !== b[k]).map((k) => `${k} ${JSON.stringify(b[k])} in the file vs ${JSON.stringify(a[k])} here`);
}

function parseJson(fn: string, path: string, field: string, text: string): unknown {
  try { return JSON.parse(text); } catch { throw new RnnlabError(`${fn}: ${path}: metadata "${field}" is not valid JSON`); }
}

/**
 * Load a checkpoint. With `into`, its parameters go into that model (after checking that the file
 * was saved from the same architecture); without, a model is built from the file's config.
 */
export function loadTraining(path: string, into?: SequenceModel): LoadedTraining {
  const fn = "loadTraining";
  const { tensors, metadata } = loadCheckpoint(path);
  let model = into;
  const savedConfig = metadata["rnnlab.model"];
  if (savedConfig) {
    const cfg = resolveModelConfig(`${fn}: ${path}: "rnnlab.model"`, parseJson(fn, path, "rnnlab.model", savedConfig) as ModelConfig);
    if (model) {
      const diff = configDiff(model.config, cfg);
      if (diff.length) throw new RnnlabError(`${fn}: ${path} holds a different architecture: ${diff.join("; ")}`);
    } else {
      model = new SequenceModel(cfg);
    }
  } else if (!model) {
    throw new RnnlabError(`${fn}: ${path} has no "rnnlab.model" metadata (not saved by rnnlab); pass the model to load it into`);
  }
  const params: Record<string, Tensor> = {};
  const slots: Record<string, ArrayLike<number>> = {};
  for (const [key, t] of Object.entries(tensors)) {
    if (key.startsWith(OPTIM)) slots[key.slice(OPTIM.length)] = t.data; else params[key] = t;
  }
  try { model.loadStateDict(params); } catch (err) { throw new RnnlabError(`${fn}: ${path}: ${(err as Error).message}`); }
  let optimizer: Optimizer | null = null;
  if (metadata["rnnlab.optimizer"]) {
    const o = parseJson(fn, path, "rnnlab.optimizer", metadata["rnnlab.optimizer"]) as { name: string; hyper: Record<string, unknown>; lr: number; t: number };
    optimizer = optimizerByName(o.name, { ...o.hyper, lr: o.lr });
    optimizer.loadState({ t: o.t, slots });
  }
  const progress = metadata["rnnlab.progress"] ? parseJson(fn, path, "rnnlab.progress", metadata["rnnlab.progress"]) as TrainingProgress : null;
  if (metadata["rnnlab.rng"]) model.rnn.rngState = parseJson(fn, path, "rnnlab.rng", metadata["rnnlab.rng"]) as number[];
  return { model, optimizer, progress };
}
