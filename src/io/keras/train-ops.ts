// The pieces of Keras training that are not layers: activation derivatives, the losses of
// tfjs-layers (src/losses.ts) with their gradients, and metrics. Float32 values, float64 sums.
import { RnnlabError } from "../../errors.ts";
import type { HardSigmoidFlavour } from "./activations.ts";

/** One trainable array: its values (updated in place by an optimizer) and its gradient, in Keras layout. */
export interface ParamRef { name: string; params: Float32Array; grads: Float32Array }

/** A layer run for training: its outputs, and the backward from output cotangents (null = zero) to input cotangents. */
export interface TrainPass {
  outputs: { shape: number[]; data: Float32Array; mask: Uint8Array | null }[];
  backward(dOutputs: (Float32Array | null)[]): (Float32Array | null)[];
}

/**
 * dy -> dz in place, for y = act(z) (y is the activation's output). Keras's Dense activations;
 * the derivative at a kink is the one TF.js's gradients use (relu: 0 at 0; hard sigmoid: 1 inside [lo, hi]).
 */
export function activationBackward(name: unknown, d: Float32Array, y: Float32Array, width: number, hard: HardSigmoidFlavour, where: string): void {
  const each = (f: (y: number) => number) => { for (let i = 0; i < d.length; i++) d[i] *= f(y[i]); };
  switch (name) {
    case "linear": case undefined: case null: return;
    case "relu": return each((v) => (v > 0 ? 1 : 0));
    case "tanh": return each((v) => 1 - v * v);
    case "sigmoid": return each((v) => v * (1 - v));
    case "elu": return each((v) => (v > 0 ? 1 : v + 1));
    case "softsign": return each((v) => { const a = 1 - Math.abs(v); return a * a; });   // 1/(1+|z|)² = (1 − |y|)²
    case "hard_sigmoid": case "hardSigmoid": return each((v) => (v > 0 && v < 1 ? (hard === "keras3" ? 1 / 6 : 0.2) : 0));
    case "softmax":                                         // dz_j = y_j (dy_j − Σ_k dy_k y_k)
      for (let r = 0; r < d.length; r += width) {
        let dot = 0;
        for (let j = 0; j < width; j++) dot += d[r + j] * y[r + j];
        for (let j = 0; j < width; j++) d[r + j] = y[r + j] * (d[r + j] - dot);
      }
      return;
  }
  throw new RnnlabError(`${where} is ${JSON.stringify(name)}; training supports linear, relu, tanh, sigmoid, softsign, elu, hard_sigmoid, softmax`);
}

export type KerasLossName = "meanSquaredError" | "meanAbsoluteError" | "categoricalCrossentropy" | "sparseCategoricalCrossentropy" | "binaryCrossentropy";
export const KERAS_LOSSES: Record<string, KerasLossName> = {
  meanSquaredError: "meanSquaredError", mse: "meanSquaredError", mean_squared_error: "meanSquaredError",
  meanAbsoluteError: "meanAbsoluteError", mae: "meanAbsoluteError", mean_absolute_error: "meanAbsoluteError",
  categoricalCrossentropy: "categoricalCrossentropy", categorical_crossentropy: "categoricalCrossentropy",
  sparseCategoricalCrossentropy: "sparseCategoricalCrossentropy", sparse_categorical_crossentropy: "sparseCategoricalCrossentropy",
  binaryCrossentropy: "binaryCrossentropy", binary_crossentropy: "binaryCrossentropy",
};

/** tfjs-layers' epsilon() for float32. */
const EPS = 1e-7;

/**
 * The loss of predictions `p` (rows × W; rows = every leading axis) against targets: the per-row
 * loss of tfjs-layers, averaged over the rows (model.fit's reduction). Writes d(mean loss)/dp
 * into `dp` when given. Sparse targets hold one class id per row.
 */
export function kerasLoss(name: KerasLossName, p: Float32Array, target: ArrayLike<number>, W: number, dp: Float32Array | null): number {
  const rows = p.length / W;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * W;
    switch (name) {
      case "meanSquaredError": case "meanAbsoluteError": {     // mean over the last axis
        for (let j = 0; j < W; j++) {
          const e = p[o + j] - target[o + j];
          total += name === "meanSquaredError" ? (e * e) / W : Math.abs(e) / W;
          if (dp) dp[o + j] = (name === "meanSquaredError" ? (2 * e) / W : Math.sign(e) / W) / rows;
        }
        break;
      }
      case "categoricalCrossentropy": case "sparseCategoricalCrossentropy": {
        // q = p / Σp; −Σ t log clip(q, ε, 1 − ε)   (tfjs-layers categoricalCrossentropy, fromLogits false)
        let s = 0;
        for (let j = 0; j < W; j++) s += p[o + j];
        const t = (j: number) => (name === "sparseCategoricalCrossentropy" ? (j === target[r] ? 1 : 0) : target[o + j]);
        let dot = 0;                                            // Σ_i dq_i p_i, for the normalisation's backward
        const dq = new Float64Array(W);
        for (let j = 0; j < W; j++) {
          const q = p[o + j] / s, qc = Math.min(1 - EPS, Math.max(EPS, q));
          total -= t(j) * Math.log(qc);
          dq[j] = q >= EPS && q <= 1 - EPS ? -t(j) / qc : 0;   // clipByValue passes the gradient inside [lo, hi]
          dot += dq[j] * p[o + j];
        }
        if (dp) for (let j = 0; j < W; j++) dp[o + j] = (dq[j] / s - dot / (s * s)) / rows;
        break;
      }
      case "binaryCrossentropy": {
        // tfjs-layers: z = log(y / (1 − y)) with y = clip(p, ε, 1 − ε); sigmoid cross-entropy on z; mean over the last axis
        for (let j = 0; j < W; j++) {
          const y = Math.min(1 - EPS, Math.max(EPS, p[o + j])), tt = target[o + j], z = Math.log(y / (1 - y));
          total += (Math.max(z, 0) - z * tt + Math.log1p(Math.exp(-Math.abs(z)))) / W;
          const inside = p[o + j] >= EPS && p[o + j] <= 1 - EPS;
          if (dp) dp[o + j] = inside ? ((y - tt) / (y * (1 - y))) / W / rows : 0;   // d/dz = σ(z) − t = y − t; dz/dy = 1/(y(1 − y))
        }
        break;
      }
    }
  }
  return total / rows;
}

/** Fraction of rows whose arg-max (or, for one output, the 0.5 threshold) matches the target. */
export function kerasAccuracy(loss: KerasLossName, p: Float32Array, target: ArrayLike<number>, W: number): number {
  const rows = p.length / W;
  let right = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * W;
    if (W === 1 || loss === "binaryCrossentropy") {
      for (let j = 0; j < W; j++) right += ((p[o + j] > 0.5 ? 1 : 0) === Math.round(target[o + j]) ? 1 : 0) / W;
      continue;
    }
    let best = 0;
    for (let j = 1; j < W; j++) if (p[o + j] > p[o + best]) best = j;
    let want = 0;
    if (loss === "sparseCategoricalCrossentropy") want = target[r];
    else for (let j = 1; j < W; j++) if (target[o + j] > target[o + want]) want = j;
    right += best === want ? 1 : 0;
  }
  return right / rows;
}
