// Resumable checkpoints of KerasModel.fit: one safetensors file (the same atomic writer and
// validated reader as every rnnlab checkpoint) holding
//   param.<name>            every trainable array as the model trains it (src/io/keras/fit.ts paramRefs)
//   optim.<group>/<slot>    the optimizer's slots
//   metadata rnnlab.keras   the training loop's progress { epoch, batch, step, seed, baseLr, partial? }
//                           and rnnlab.optimizer { name, t, lr }; rnnlab.rng: the Dropout layers' generator

// A run resumed from it (loadTraining, then fit with `resume`) continues exactly as the
// uninterrupted one: the same weights, optimizer state, step count and data order. To hand the
// model back to TF.js use saveTfjsModel; this file is for continuing the training.
import { loadCheckpoint, saveCheckpoint } from "../checkpoint.ts";
import type { TensorLike } from "../safetensors.ts";
import { parseJsonBounded } from "../bounded-json.ts";
import { RnnlabError, checkInt, checkNumber } from "../../errors.ts";
import type { Optimizer } from "../../train/optim.ts";
import { checkProgress, type TrainingProgress } from "../../train/checkpoint.ts";
import { Rng } from "../../params/rng.ts";
import type { KerasModel } from "./model.ts";
import { paramRefs } from "./fit.ts";

/** The training loop's progress (src/train/checkpoint.ts): epoch, batch, step, seed, baseLr, partial sums. */
export type KerasProgress = TrainingProgress;

const PARAM = "param.", OPTIM = "optim.";

export function saveKerasTraining(path: string, model: KerasModel, optimizer: Optimizer, progress: KerasProgress, rng: Rng | null = null): void {
  const tensors: Record<string, TensorLike> = {};
  for (const r of paramRefs(model)) tensors[PARAM + r.name] = { shape: [r.params.length], data: r.params };
  const st = optimizer.state();
  for (const [key, buf] of Object.entries(st.slots)) tensors[OPTIM + key] = { shape: [buf.length], data: buf };
  saveCheckpoint(path, tensors, {
    format: "rnnlab-keras", "rnnlab.keras": JSON.stringify(progress),
    "rnnlab.optimizer": JSON.stringify({ name: optimizer.name, t: st.t, lr: optimizer.lr }),
    ...(rng ? { "rnnlab.rng": JSON.stringify(rng.getState()) } : {}),
  });
}

/**
 * Restore a checkpoint of this model's training: its weights and the optimizer's state (into the
 * compiled optimizer), checked against the model before anything changes; returns the progress
 * for fit's `resume`.
 */
export function loadKerasTraining(path: string, model: KerasModel, optimizer: Optimizer, rng: Rng | null = null): KerasProgress {
  const fn = "KerasModel.loadTraining";
  const { tensors, metadata } = loadCheckpoint(path);
  const at = (field: string) => `${fn}: ${path}: metadata "${field}"`;
  if (metadata["rnnlab.keras"] === undefined) throw new RnnlabError(`${fn}: ${path} is not a KerasModel.fit checkpoint (no "rnnlab.keras" metadata)`);
  const p = parseJsonBounded(at("rnnlab.keras"), metadata["rnnlab.keras"]);
  // files saved after whole epochs only have no "batch": they resume at the epoch's start
  const progress = checkProgress(at("rnnlab.keras"), typeof p === "object" && p !== null && !Array.isArray(p) ? { batch: 0, ...p } : p);
  const o = parseJsonBounded(at("rnnlab.optimizer"), metadata["rnnlab.optimizer"] ?? "null") as { name?: unknown; t?: unknown; lr?: unknown } | null;
  if (!o || o.name !== optimizer.name) throw new RnnlabError(`${at("rnnlab.optimizer")}: saved by optimizer ${JSON.stringify(o?.name)}, the model is compiled with "${optimizer.name}"`);
  const refs = paramRefs(model), slots: Record<string, Float32Array | Float64Array> = {};
  for (const r of refs) {
    const t = tensors[PARAM + r.name];
    if (!t) throw new RnnlabError(`${fn}: ${path} has no weights "${PARAM + r.name}": saved from another model`);
    if (t.data.length !== r.params.length) throw new RnnlabError(`${fn}: ${path}: "${PARAM + r.name}" has ${t.data.length} values, the model ${r.params.length}`);
  }
  const known = new Set(refs.map((r) => PARAM + r.name));
  const extra = Object.keys(tensors).find((k) => !k.startsWith(OPTIM) && !known.has(k));
  if (extra) throw new RnnlabError(`${fn}: ${path} has "${extra}", which is no weight of this model`);
  for (const [key, t] of Object.entries(tensors)) if (key.startsWith(OPTIM)) slots[key.slice(OPTIM.length)] = t.data;
  let rngState: number[] | null = null;                 // the Dropout masks continue as in the uninterrupted run
  if (metadata["rnnlab.rng"] !== undefined) {
    rngState = parseJsonBounded(at("rnnlab.rng"), metadata["rnnlab.rng"]) as number[];
    try { new Rng(1).setState(rngState); }
    catch (e) { throw e instanceof RnnlabError ? new RnnlabError(`${at("rnnlab.rng")}: ${e.message}`, { cause: e }) : e; }
  }
  const groups = refs.map((r) => ({ name: r.name, params: r.params, grads: r.grads }));
  optimizer.loadState({ t: checkInt(at("rnnlab.optimizer"), "t", o.t, 0), slots }, { groups });   // checked before it changes anything
  optimizer.lr = checkNumber(at("rnnlab.optimizer"), "lr", o.lr, 0);
  for (const r of refs) r.params.set(tensors[PARAM + r.name].data);
  if (rng && rngState) rng.setState(rngState);
  return progress;
}
