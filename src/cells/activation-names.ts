// User-facing activation names and their kernel codes. "sigmoid" is always the logistic
// function; the two hard sigmoids are separate names because Keras 2 and Keras 3 define them
// differently (0.2x + 0.5 vs x/6 + 0.5, both clipped to [0, 1]).
import { Act } from "../kernels/types.ts";
import { checkOneOf } from "../errors.ts";

export const ACTIVATIONS = {
  linear: Act.Linear,
  tanh: Act.Tanh,
  sigmoid: Act.Sigmoid,
  relu: Act.Relu,
  softsign: Act.Softsign,
  hardSigmoid: Act.HardSigmoid,
  hardSigmoidV3: Act.HardSigmoidV3,
  elu: Act.Elu,
} as const;

export type ActivationName = keyof typeof ACTIVATIONS;
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

export function actCode(fn: string, arg: string, name: unknown): Act {
  return ACTIVATIONS[checkOneOf(fn, arg, name, ACTIVATION_NAMES)];
}
