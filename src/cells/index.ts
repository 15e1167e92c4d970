// Cells: one time step each. createCell validates the options and returns the step functions.
import type { Cell } from "./cell.ts";
import { resolveCellConfig, type CellKind, type CellOptions } from "./config.ts";
import { rnnCell } from "./rnn.ts";
import { lstmCell } from "./lstm.ts";
import { gruCell } from "./gru.ts";

export function createCell(kind: CellKind, opts: CellOptions, fn = "createCell"): Cell {
  const cfg = resolveCellConfig(fn, kind, opts);
  return cfg.kind === "rnn" ? rnnCell(cfg) : cfg.kind === "lstm" ? lstmCell(cfg) : gruCell(cfg);
}

export type { Cell, CellWeights, StepSaved, StepGrads } from "./cell.ts";
export { allocStep, stepWidths } from "./cell.ts";
export type { CellConfig, CellKind, CellOptions } from "./config.ts";
export { ACTIVATION_NAMES, type ActivationName } from "./activation-names.ts";
