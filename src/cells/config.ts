// What a cell is: its kind, sizes and options, validated once. The defaults are PyTorch's
// (two biases, reset-after GRU, no forget bias); TF-1 and Keras conventions are options.
import type { Act } from "../kernels/types.ts";
import { checkBool, checkInt, checkKnownKeys, checkNumber, checkOneOf, fail } from "../errors.ts";
import { actCode, type ActivationName } from "./activation-names.ts";

export type CellKind = "rnn" | "lstm" | "gru";

export interface CellOptions {
  /** D: features of x_t */
  inputSize: number;
  /** H (TF-1 num_units): width of the hidden state, and of the cell state for LSTM */
  hiddenSize: number;
  /** 2 = b_ih and b_hh (PyTorch, cuDNN), 1 = one bias (TF-1, Keras), 0 = none */
  biases?: 0 | 1 | 2;
  /** the RNN's nonlinearity; for LSTM / GRU the candidate and cell activation. Default tanh */
  activation?: ActivationName;
  /** LSTM / GRU gates. Default sigmoid (the logistic function) */
  gateActivation?: ActivationName;
  /** LSTM: added inside the forget-gate sigmoid at run time (TF-1 forget_bias). Default 0 */
  forgetBias?: number;
  /** LSTM: diagonal peephole connections (Gers & Schmidhuber 2000) */
  usePeepholes?: boolean;
  /** LSTM: clip c_t to [−cellClip, cellClip]; 0 clips to 0, as in TF-1. Default null = none */
  cellClip?: number | null;
  /** LSTM: P > 0 projects h_t = W_hr m_t to P features (TF-1 num_proj, PyTorch proj_size) */
  projSize?: number;
  /** LSTM: clip the projected h_t to [−projClip, projClip] (TF-1 proj_clip) */
  projClip?: number | null;
  /** GRU: true = r multiplies (W_hn h + b_hn) (PyTorch, cuDNN); false = W_hn (r ⊙ h) (TF-1 GRUCell) */
  resetAfter?: boolean;
}

export interface CellConfig {
  kind: CellKind;
  inputSize: number;
  hiddenSize: number;
  biases: 0 | 1 | 2;
  activation: ActivationName;
  gateActivation: ActivationName;
  forgetBias: number;
  usePeepholes: boolean;
  cellClip: number | null;
  projSize: number;
  projClip: number | null;
  resetAfter: boolean;
  // derived
  /** gate rows G: H (rnn), 4H (lstm), 3H (gru) */
  gateRows: number;
  /** R: width of h_t and of the recurrent input (P with a projection, else H) */
  outputSize: number;
  act: Act;
  gateAct: Act;
}

const COMMON = ["inputSize", "hiddenSize", "biases", "activation"] as const;
const KNOWN: Record<CellKind, readonly string[]> = {
  rnn: COMMON,
  lstm: [...COMMON, "gateActivation", "forgetBias", "usePeepholes", "cellClip", "projSize", "projClip"],
  gru: [...COMMON, "gateActivation", "resetAfter"],
};
const GATES: Record<CellKind, number> = { rnn: 1, lstm: 4, gru: 3 };

export function resolveCellConfig(fn: string, kind: CellKind, opts: CellOptions): CellConfig {
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkOneOf(fn, "kind", kind, ["rnn", "lstm", "gru"] as const);
  checkKnownKeys(fn, opts, KNOWN[kind]);
  const inputSize = checkInt(fn, "inputSize", opts.inputSize, 1);
  const hiddenSize = checkInt(fn, "hiddenSize", opts.hiddenSize, 1);
  const biases = checkOneOf(fn, "biases", opts.biases ?? 2, [0, 1, 2] as const);
  const activation = opts.activation ?? "tanh";
  const gateActivation = opts.gateActivation ?? "sigmoid";
  const act = actCode(fn, "activation", activation);
  const gateAct = actCode(fn, "gateActivation", gateActivation);
  const forgetBias = checkNumber(fn, "forgetBias", opts.forgetBias ?? 0);
  const usePeepholes = checkBool(fn, "usePeepholes", opts.usePeepholes ?? false);
  const cellClip = opts.cellClip == null ? null : checkNumber(fn, "cellClip", opts.cellClip, 0);
  const projSize = checkInt(fn, "projSize", opts.projSize ?? 0, 0);
  const projClip = opts.projClip == null ? null : checkNumber(fn, "projClip", opts.projClip, 0);
  if (projClip !== null && projSize === 0) fail(fn, "projClip", "null unless projSize > 0", projClip);
  const resetAfter = checkBool(fn, "resetAfter", opts.resetAfter ?? true);
  return {
    kind, inputSize, hiddenSize, biases, activation, gateActivation, forgetBias, usePeepholes,
    cellClip, projSize, projClip, resetAfter, act, gateAct,
    gateRows: GATES[kind] * hiddenSize,
    outputSize: projSize > 0 ? projSize : hiddenSize,
  };
}
