// The parameter table of a recurrent cell (plus an optional dense head), variable by variable,
// in the naming and layout of one framework. It answers "how many parameters does this layer
// have, and why": an LSTM is four small dense layers of N units over [x, h], so
// 4 · N · (D + N) weights + 4N biases, e.g. LSTM(28 inputs, 128 units) = 80,384 in TF-1/Keras.
import { resolveCellConfig, type CellConfig, type CellKind, type CellOptions } from "../cells/config.ts";
import { checkInt, checkOneOf, fail } from "../errors.ts";

export type ParamLayoutName = "torch" | "tf1" | "keras";
export const PARAM_LAYOUTS: readonly ParamLayoutName[] = ["torch", "tf1", "keras"];

export interface ParamRow {
  name: string;
  shape: number[];
  count: number;
  /** symbolic, e.g. "(D + N) · 4N" */
  formula: string;
  /** the same with numbers, e.g. "(28 + 128) · 4·128" */
  substituted: string;
}

export interface ParamTable {
  layout: ParamLayoutName;
  config: CellConfig;
  classes: number;
  rows: ParamRow[];
  total: number;
}

export interface ParamTableOptions extends Omit<CellOptions, "biases"> {
  /** size of a dense head on the last output; 0 = none */
  classes?: number;
}

/** The bias count each framework uses (Keras GRU: two bias vectors only with reset_after). */
function layoutBiases(layout: ParamLayoutName, kind: CellKind, resetAfter: boolean): 1 | 2 {
  if (layout === "torch") return 2;
  if (layout === "keras" && kind === "gru" && resetAfter) return 2;
  return 1;
}

export function paramTable(kind: CellKind, opts: ParamTableOptions, layout: ParamLayoutName = "tf1"): ParamTable {
  const fn = "paramTable";
  checkOneOf(fn, "layout", layout, PARAM_LAYOUTS);
  const { classes = 0, ...cellOpts } = opts;
  checkInt(fn, "classes", classes, 0);
  const resetAfter = cellOpts.resetAfter ?? (layout !== "tf1");
  if (kind === "gru" && layout === "tf1" && resetAfter) fail(fn, "resetAfter", "false in the tf1 layout (GRUCell resets before the matmul)", true);
  const cfg = resolveCellConfig(fn, kind, {
    ...cellOpts, ...(kind === "gru" ? { resetAfter } : {}), biases: layoutBiases(layout, kind, resetAfter),
  });
  if (layout !== "tf1" && cfg.usePeepholes) fail(fn, "usePeepholes", `false in the ${layout} layout (only TF-1's LSTMCell has peepholes)`, true);
  if (layout === "keras" && cfg.projSize > 0) fail(fn, "projSize", "0 in the keras layout (Keras LSTM has no projection)", cfg.projSize);
  const rows = layout === "torch" ? torchRows(cfg) : layout === "tf1" ? tf1Rows(cfg) : kerasRows(cfg);
  if (classes > 0) rows.push(...denseRows(layout, cfg.outputSize, classes));
  return { layout, config: cfg, classes, rows, total: rows.reduce((s, r) => s + r.count, 0) };
}

// ---- per layout. Letters: D inputs, N (= H) units, G gates·N, R = P with a projection else N, C classes.

const gateLetter = (cfg: CellConfig) => (cfg.kind === "lstm" ? 4 : cfg.kind === "gru" ? 3 : 1);

function row(name: string, shape: number[], formula: string, substituted: string): ParamRow {
  return { name, shape, count: shape.reduce((a, b) => a * b, 1), formula, substituted };
}

function names(cfg: CellConfig) {
  const g = gateLetter(cfg), N = cfg.hiddenSize, D = cfg.inputSize, R = cfg.outputSize;
  const gN = g === 1 ? "N" : `${g}N`, gNum = g === 1 ? `${N}` : `${g}·${N}`;
  const rSym = cfg.projSize > 0 ? "P" : "N";
  return { g, N, D, R, gN, gNum, rSym };
}

function torchRows(cfg: CellConfig): ParamRow[] {
  const { g, N, D, R, gN, gNum, rSym } = names(cfg);
  const G = g * N;
  const rows = [
    row("weight_ih_l0", [G, D], `${gN} · D`, `${gNum} · ${D}`),
    row("weight_hh_l0", [G, R], `${gN} · ${rSym}`, `${gNum} · ${R}`),
    row("bias_ih_l0", [G], gN, gNum),
    row("bias_hh_l0", [G], gN, gNum),
  ];
  if (cfg.projSize > 0) rows.push(row("weight_hr_l0", [cfg.projSize, N], "P · N", `${cfg.projSize} · ${N}`));
  return rows;
}

function tf1Rows(cfg: CellConfig): ParamRow[] {
  const { N, D, R, gN, gNum, rSym } = names(cfg);
  if (cfg.kind === "gru") {
    return [
      row("gru_cell/gates/kernel", [D + N, 2 * N], "(D + N) · 2N", `(${D} + ${N}) · 2·${N}`),
      row("gru_cell/gates/bias", [2 * N], "2N", `2·${N}`),
      row("gru_cell/candidate/kernel", [D + N, N], "(D + N) · N", `(${D} + ${N}) · ${N}`),
      row("gru_cell/candidate/bias", [N], "N", `${N}`),
    ];
  }
  const scope = cfg.kind === "lstm" ? "lstm_cell" : "basic_rnn_cell";
  const G = gateLetter(cfg) * N;
  const rows = [
    row(`${scope}/kernel`, [D + R, G], `(D + ${rSym}) · ${gN}`, `(${D} + ${R}) · ${gNum}`),
    row(`${scope}/bias`, [G], gN, gNum),
  ];
  if (cfg.usePeepholes) for (const d of ["w_i_diag", "w_f_diag", "w_o_diag"]) rows.push(row(`${scope}/${d}`, [N], "N", `${N}`));
  if (cfg.projSize > 0) rows.push(row(`${scope}/projection/kernel`, [N, cfg.projSize], "N · P", `${N} · ${cfg.projSize}`));
  return rows;
}

function kerasRows(cfg: CellConfig): ParamRow[] {
  const { N, D, R, gN, gNum } = names(cfg);
  const G = gateLetter(cfg) * N, scope = cfg.kind === "lstm" ? "lstm" : cfg.kind === "gru" ? "gru" : "simple_rnn";
  const bias = cfg.biases === 2
    ? row(`${scope}/bias`, [2, G], `2 · ${gN}`, `2 · ${gNum}`)          // GRU reset_after: input and recurrent bias
    : row(`${scope}/bias`, [G], gN, gNum);
  return [
    row(`${scope}/kernel`, [D, G], `D · ${gN}`, `${D} · ${gNum}`),
    row(`${scope}/recurrent_kernel`, [R, G], `N · ${gN}`, `${R} · ${gNum}`),
    bias,
  ];
}

function denseRows(layout: ParamLayoutName, R: number, C: number): ParamRow[] {
  const w = layout === "torch" ? row("fc.weight", [C, R], "C · R", `${C} · ${R}`) : row("dense/kernel", [R, C], "R · C", `${R} · ${C}`);
  return [w, row(layout === "torch" ? "fc.bias" : "dense/bias", [C], "C", `${C}`)];
}
