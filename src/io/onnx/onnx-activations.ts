// ONNX recurrent activation functions (the list in onnx/docs/Operators.md, LSTM / GRU / RNN)
// mapped to rnnlab's, exactly or not at all:
//   Tanh, Sigmoid, Relu, Softsign                -> tanh, sigmoid, relu, softsign
//   HardSigmoid α=0.2 β=0.5 / α=1/6 β=0.5        -> hardSigmoid (Keras 2) / hardSigmoidV3 (Keras 3)
//   Elu α=1                                      -> elu
//   Affine α=1 β=0, LeakyRelu α=0, ThresholdedRelu α=0, ScaledTanh α=1 β=1: linear, relu, relu, tanh
//   anything else (Softplus, other α / β)        -> refused by name and value
// activation_alpha / activation_beta are "consumed in the order of activation functions"; that
// reads either as one value per activation in the list or as one per activation that takes one
// (onnxruntime 1.30 does the latter). rnnlab accepts the lists only where both readings give the
// same parameters. A parameter not given takes the default of the ONNX operator of that name where
// onnxruntime does the same (HardSigmoid 0.2 / 0.5, Elu 1, LeakyRelu 0.01); Affine, ScaledTanh and
// ThresholdedRelu need explicit values (onnxruntime's Affine without them is 0·x + 0, not ONNX's 1·x).
import type { ActivationName } from "../../cells/activation-names.ts";

/** ONNX name -> which parameters it takes. */
const PARAMS: Record<string, { alpha: boolean; beta: boolean }> = {
  Tanh: { alpha: false, beta: false }, Sigmoid: { alpha: false, beta: false }, Relu: { alpha: false, beta: false },
  Softsign: { alpha: false, beta: false }, Softplus: { alpha: false, beta: false },
  Affine: { alpha: true, beta: true }, LeakyRelu: { alpha: true, beta: false }, ThresholdedRelu: { alpha: true, beta: false },
  ScaledTanh: { alpha: true, beta: true }, HardSigmoid: { alpha: true, beta: true }, Elu: { alpha: true, beta: false },
};
export const ONNX_ACTIVATION_NAMES = Object.keys(PARAMS);

/** Defaults of the ONNX operators of the same name, where onnxruntime's recurrent kernels agree. */
const DEFAULTS: Record<string, { alpha?: number; beta?: number }> = {
  HardSigmoid: { alpha: Math.fround(0.2), beta: 0.5 }, Elu: { alpha: 1 }, LeakyRelu: { alpha: Math.fround(0.01) },
};

export interface OnnxActivation { name: string; alpha?: number; beta?: number }

const same = (a: number | undefined, b: number) => a !== undefined && a === Math.fround(b);

/** `name` if it is an ONNX activation (spelt exactly as in the operator docs, as onnxruntime requires), or null. */
export function onnxActivationName(name: string): string | null {
  return ONNX_ACTIVATION_NAMES.includes(name) ? name : null;
}

/**
 * Parameters per activation under both readings of the alpha / beta lists; a string saying why
 * when the readings disagree or a parameter is missing.
 */
export function assignParams(names: string[], alphas: number[], betas: number[]): OnnxActivation[] | string {
  const read = (values: number[], key: "alpha" | "beta", onlyTakers: boolean) => {
    let at = 0;
    return names.map((n, i) => {
      if (!PARAMS[n][key]) return undefined;
      const v = onlyTakers ? values[at++] : values[i];
      return v ?? DEFAULTS[n]?.[key];
    });
  };
  const out: OnnxActivation[] = names.map((name) => ({ name }));
  for (const [key, values] of [["alpha", alphas], ["beta", betas]] as const) {
    const byPosition = read(values, key, false), byTaker = read(values, key, true);
    for (let i = 0; i < names.length; i++) {
      if (!PARAMS[names[i]][key]) continue;
      if (byPosition[i] === undefined && byTaker[i] === undefined) return `${names[i]} (activation ${i}) needs an explicit activation_${key} (runtimes differ on its default)`;
      if (byPosition[i] !== byTaker[i]) {
        return `activation_${key} [${values.join(",")}] is ambiguous for activation ${i} (${names[i]}): ${byPosition[i]} `
          + `by position in the list, ${byTaker[i]} counting only activations that take one (runtimes differ); list one value per activation`;
      }
      out[i][key] = byPosition[i];
    }
  }
  const takers = (key: "alpha" | "beta") => names.filter((n) => PARAMS[n][key]).length;
  if (alphas.length > names.length && alphas.length > takers("alpha")) return `activation_alpha has ${alphas.length} values for ${names.length} activations`;
  if (betas.length > names.length && betas.length > takers("beta")) return `activation_beta has ${betas.length} values for ${names.length} activations`;
  return out;
}

/** rnnlab's activation computing exactly `a`, or null. */
export function rnnlabActivation(a: OnnxActivation): ActivationName | null {
  switch (a.name) {
    case "Tanh": return "tanh";
    case "Sigmoid": return "sigmoid";
    case "Relu": return "relu";
    case "Softsign": return "softsign";
    case "HardSigmoid":
      if (same(a.alpha, 0.2) && same(a.beta, 0.5)) return "hardSigmoid";
      if (same(a.alpha, 1 / 6) && same(a.beta, 0.5)) return "hardSigmoidV3";
      return null;
    case "Elu": return same(a.alpha, 1) ? "elu" : null;
    case "Affine": return same(a.alpha, 1) && same(a.beta, 0) ? "linear" : null;
    case "LeakyRelu": return same(a.alpha, 0) ? "relu" : null;
    case "ThresholdedRelu": return same(a.alpha, 0) ? "relu" : null;
    case "ScaledTanh": return same(a.alpha, 1) && same(a.beta, 1) ? "tanh" : null;
  }
  return null;
}

export const showActivation = (a: OnnxActivation): string =>
  `${a.name}${a.alpha !== undefined ? `(alpha=${a.alpha}${a.beta !== undefined ? `, beta=${a.beta}` : ""})` : ""}`;
