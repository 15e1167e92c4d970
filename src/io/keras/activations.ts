// Keras activation names -> ours. "hard_sigmoid" means two different functions: Keras 2 and
// TF.js compute clip(0.2x + 0.5, 0, 1); Keras 3 computes relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1)
// (keras/src/activations/activations.py). A file says which Keras wrote it in
// modelTopology.keras_version ("2.15.0", "3.3.3", "tfjs-layers 4.22.0").
import type { ActivationName } from "../../cells/activation-names.ts";
import { RnnlabError } from "../../errors.ts";

export type HardSigmoidFlavour = "keras2" | "keras3";

/** keras_version "3.x" -> keras3; anything else (2.x, tfjs-layers, missing) -> keras2. */
export function hardSigmoidOf(kerasVersion: unknown): HardSigmoidFlavour {
  return typeof kerasVersion === "string" && /^3\./.test(kerasVersion) ? "keras3" : "keras2";
}

const CELL_ACTIVATIONS: Record<string, ActivationName> = {
  tanh: "tanh", sigmoid: "sigmoid", relu: "relu", softsign: "softsign", linear: "linear", elu: "elu",
};

/** The cell activation for a Keras name, or an error naming where it came from. */
export function cellActivation(name: unknown, hard: HardSigmoidFlavour, where: string): ActivationName {
  if (name === "hard_sigmoid" || name === "hardSigmoid") return hard === "keras3" ? "hardSigmoidV3" : "hardSigmoid";
  const ours = typeof name === "string" ? CELL_ACTIVATIONS[name] : undefined;
  if (!ours) throw new RnnlabError(`${where} is ${JSON.stringify(name)}; supported: ${[...Object.keys(CELL_ACTIVATIONS), "hard_sigmoid"].join(", ")}`);
  return ours;
}

/** Elementwise (and softmax over the last axis of width `width`) in place, for Dense layers. */
export function applyActivation(name: unknown, y: Float32Array, width: number, hard: HardSigmoidFlavour, where: string): void {
  const each = (f: (v: number) => number) => { for (let i = 0; i < y.length; i++) y[i] = f(y[i]); };
  const clip01 = (v: number) => Math.min(1, Math.max(0, v));
  switch (name) {
    case "linear": case undefined: case null: return;
    case "relu": return each((v) => Math.max(0, v));
    case "tanh": return each(Math.tanh);
    case "sigmoid": return each((v) => 1 / (1 + Math.exp(-v)));
    case "softsign": return each((v) => v / (1 + Math.abs(v)));
    case "elu": return each((v) => (v < 0 ? Math.expm1(v) : v));
    case "hard_sigmoid": case "hardSigmoid": return each(hard === "keras3" ? (v) => clip01(v / 6 + 0.5) : (v) => clip01(0.2 * v + 0.5));
    case "softmax":
      for (let r = 0; r < y.length; r += width) {
        let max = -Infinity, sum = 0;
        for (let j = 0; j < width; j++) max = Math.max(max, y[r + j]);
        for (let j = 0; j < width; j++) sum += (y[r + j] = Math.exp(y[r + j] - max));
        for (let j = 0; j < width; j++) y[r + j] /= sum;
      }
      return;
  }
  throw new RnnlabError(`${where} is ${JSON.stringify(name)}; supported: linear, relu, tanh, sigmoid, softsign, elu, hard_sigmoid, softmax`);
}
