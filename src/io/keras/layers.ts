// The Keras layers we read, run and write: InputLayer, Dense, Embedding, Masking, Dropout
// (identity at inference), SimpleRNN / LSTM / GRU, Bidirectional. Each is built from its config
// and its weights (matched by the layer's name prefix and the weight's last name segment, so both
// tfjs names "lstm_LSTM1/kernel" and Keras names "lstm/lstm_cell/kernel" load), runs on
// batch-major values with Keras masks, and gives its weights back in Keras layout for writing.
// The recurrent layers are in rnn-layers.ts, the merge layers in merge-layers.ts, the checks every
// layer makes in layer-checks.ts.
import { num, str, type TfjsWeight } from "./model-json.ts";
import { applyActivation, type HardSigmoidFlavour } from "./activations.ts";
import { activationBackward, type ParamRef, type TrainPass } from "./train-ops.ts";
import type { Rng } from "../../params/rng.ts";
import { buildMergeLayer, MERGE_LAYERS } from "./merge-layers.ts";
import { RnnlabError } from "../../errors.ts";
import { checkInput, checkShape, configSize, needWidth, pick } from "./layer-checks.ts";
import { bidirectionalLayer, rnnLayer } from "./rnn-layers.ts";

/** A batch-major value flowing between layers, with its Keras mask (B, T) when it has one. */
export interface KValue { shape: number[]; data: Float32Array; mask: Uint8Array | null }

export interface KerasLayer {
  readonly className: string;
  readonly name: string;
  /** the layer's config as read (written back unchanged) */
  readonly config: Record<string, unknown>;
  apply(inputs: KValue[]): KValue[];
  /** weights in Keras layout under their names, in manifest order */
  weights(): TfjsWeight[];
  /** trainable arrays with their gradients (Keras layout, updated in place); none for layers without weights */
  params?(): ParamRef[];
  /** a forward for training (dropout active when `training`), with its backward; absent = cannot be trained */
  trainForward?(inputs: KValue[], training: boolean, rng: Rng): TrainPass;
  /** the accumulated gradients in Keras layout under the weights' names (manifest order) */
  gradients?(): TfjsWeight[];
  /** stateful recurrent layers: forget the carried states (the next batch starts from zeros) */
  resetStates?(): void;
}

export interface BuildContext {
  source: string;
  /** where the layer sits in the topology, e.g. modelTopology.config.layers[2] */
  at: string;
  hard: HardSigmoidFlavour;
  /** the layer's weights, in manifest order */
  take(layerName: string): TfjsWeight[];
  /** feature width of the layer's input (last axis), when known */
  inputWidth: number | null;
}

export const SUPPORTED_LAYERS = ["InputLayer", "Dense", "Embedding", "Masking", "Dropout", "SimpleRNN", "LSTM", "GRU", "Bidirectional", ...MERGE_LAYERS];

export function buildLayer(className: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const name = str(config.name ?? className);
  switch (className) {
    case "InputLayer":
      return { className, name, config, apply: (xs) => [xs[0]], weights: () => [], trainForward: (xs) => ({ outputs: [xs[0]], backward: (d) => [d[0]] }) };
    case "Dropout": return dropoutLayer(name, config);
    case "Masking": return maskingLayer(name, config);
    case "Dense": return denseLayer(name, config, ctx);
    case "Embedding": return embeddingLayer(name, config, ctx);
    case "SimpleRNN": case "LSTM": case "GRU": return rnnLayer(className, name, config, ctx);
    case "Bidirectional": return bidirectionalLayer(name, config, ctx);
  }
  const merged = buildMergeLayer(className, name, config, ctx, denseLayer);
  if (merged) return merged;
  throw new RnnlabError(`${ctx.source}: ${ctx.at}.class_name is "${className}", which rnnlab does not support (supported: ${SUPPORTED_LAYERS.join(", ")})`);
}

function maskingLayer(name: string, config: Record<string, unknown>): KerasLayer {
  const value = num(config.mask_value ?? 0);
  return {
    className: "Masking", name, config, weights: () => [],
    apply: ([input]) => {
      const x = checkInput(name, input, 3, null);
      const [B, T, D] = x.shape, data = Float32Array.from(x.data), mask = new Uint8Array(B * T);
      for (let r = 0; r < B * T; r++) {
        for (let d = 0; d < D; d++) if (data[r * D + d] !== value) mask[r] = 1;
        if (!mask[r]) data.fill(0, r * D, (r + 1) * D);         // Keras multiplies masked steps by 0
      }
      return [{ shape: x.shape, data, mask }];
    },
    trainForward(inputs) {
      const out = this.apply(inputs)[0], mask = out.mask!, D = out.shape[2];
      return { outputs: [out], backward: ([dy]) => {
        if (!dy) return [null];
        const dx = Float32Array.from(dy);
        for (let r = 0; r < mask.length; r++) if (!mask[r]) dx.fill(0, r * D, (r + 1) * D);
        return [dx];
      } };
    },
  };
}

/** Identity at inference; inverted dropout while training (our seeded random numbers, not TF.js's). */
function dropoutLayer(name: string, config: Record<string, unknown>): KerasLayer {
  const rate = num(config.rate ?? 0);
  return {
    className: "Dropout", name, config, apply: (xs) => [xs[0]], weights: () => [],
    trainForward: ([x], training, rng) => {
      if (!training || rate === 0) return { outputs: [x], backward: (d) => [d[0]] };
      const keep = new Float32Array(x.data.length);
      for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < rate ? 0 : 1 / (1 - rate);
      return { outputs: [{ ...x, data: x.data.map((v, i) => v * keep[i]) }], backward: ([d]) => [d ? d.map((v, i) => v * keep[i]) : null] };
    },
  };
}

function denseLayer(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const units = configSize(ctx, name, "units", config.units), useBias = config.use_bias !== false;
  const [kernel, bias] = pick(ctx, name, ctx.take(name), useBias ? ["kernel", "bias"] : ["kernel"]);
  // after a Flatten the width is not tracked: the kernel's rows say it (checked against each input)
  const D = ctx.inputWidth ?? (kernel.shape.length === 2 && Number.isSafeInteger(kernel.shape[0]) && kernel.shape[0] >= 1 ? kernel.shape[0] : needWidth(ctx, name));
  checkShape(ctx, name, kernel, [D, units]);
  if (bias) checkShape(ctx, name, bias, [units]);
  const where = `${ctx.source}: ${ctx.at}.config.activation`;
  applyActivation(config.activation, new Float32Array(0), units, ctx.hard, where);      // reject unknown ones now
  const dKernel = new Float32Array(kernel.data.length), dBias = new Float32Array(bias ? bias.data.length : 0);
  return {
    className: "Dense", name, config, weights: () => (bias ? [kernel, bias] : [kernel]),
    apply: ([input]) => {
      const x = checkInput(name, input, input?.shape.length === 2 ? 2 : 3, D);
      const rows = x.data.length / D, y = new Float32Array(rows * units);
      for (let r = 0; r < rows; r++) for (let u = 0; u < units; u++) {
        let acc = bias ? bias.data[u] : 0;
        for (let d = 0; d < D; d++) acc += x.data[r * D + d] * kernel.data[d * units + u];
        y[r * units + u] = acc;
      }
      applyActivation(config.activation, y, units, ctx.hard, where);
      return [{ shape: [...x.shape.slice(0, -1), units], data: y, mask: x.mask }];
    },
    params: () => [{ name: kernel.name, params: kernel.data, grads: dKernel }, ...(bias ? [{ name: bias.name, params: bias.data, grads: dBias }] : [])],
    gradients: () => [{ ...kernel, data: dKernel }, ...(bias ? [{ ...bias, data: dBias }] : [])],
    trainForward(inputs) {
      const x = inputs[0], [out] = this.apply(inputs), rows = out.data.length / units;
      return { outputs: [out], backward: ([dy]) => {
        if (!dy) return [null];
        const dz = Float32Array.from(dy);
        activationBackward(config.activation, dz, out.data, units, ctx.hard, where);
        const dx = new Float32Array(rows * D);
        for (let r = 0; r < rows; r++) for (let u = 0; u < units; u++) {
          const g = dz[r * units + u];
          if (g === 0) continue;
          if (bias) dBias[u] += g;
          for (let d = 0; d < D; d++) { dKernel[d * units + u] += x.data[r * D + d] * g; dx[r * D + d] += g * kernel.data[d * units + u]; }
        }
        return [dx];
      } };
    },
  };
}

function embeddingLayer(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const V = configSize(ctx, name, "input_dim", config.input_dim), E = configSize(ctx, name, "output_dim", config.output_dim);
  const maskZero = config.mask_zero === true;
  const [table] = pick(ctx, name, ctx.take(name), ["embeddings"]);
  checkShape(ctx, name, table, [V, E]);
  const dTable = new Float32Array(table.data.length);
  return {
    className: "Embedding", name, config, weights: () => [table],
    apply: ([input]) => {
      const ids = checkInput(name, input, 2, null);
      const n = ids.data.length, y = new Float32Array(n * E), mask = maskZero ? new Uint8Array(n) : null;
      for (let i = 0; i < n; i++) {
        const id = ids.data[i];
        if (!(Number.isInteger(id) && id >= 0 && id < V)) throw new RnnlabError(`Embedding "${name}": ids[${i}] must be a token id in [0, ${V}), got ${id}`);
        y.set(table.data.subarray(id * E, (id + 1) * E), i * E);
        if (mask) mask[i] = id !== 0 ? 1 : 0;
      }
      return [{ shape: [...ids.shape, E], data: y, mask }];
    },
    params: () => [{ name: table.name, params: table.data, grads: dTable }],
    gradients: () => [{ ...table, data: dTable }],
    trainForward(inputs) {
      const ids = inputs[0].data, [out] = this.apply(inputs);
      return { outputs: [out], backward: ([dy]) => {
        if (dy) for (let i = 0; i < ids.length; i++) for (let e = 0; e < E; e++) dTable[ids[i] * E + e] += dy[i * E + e];   // scatter-add
        return [null];                                      // token ids have no gradient
      } };
    },
  };
}

