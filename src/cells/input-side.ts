// The input side of every cell, x_t · W_ihᵀ + biases, and its backward. Both run over any number
// of rows: B for one step, or all T·B rows at once when the time loop hoists them.
import type { Buf, Kernels } from "../kernels/types.ts";
import type { CellConfig } from "./config.ts";
import type { CellCommon, CellWeights } from "./cell.ts";
import { cellParamSpecs, cellWeights } from "./weights.ts";

/** RNN and LSTM add b_hh here too (it sits outside any nonlinearity); GRU keeps b_hh in the recurrent half. */
const hhBiasOnInputSide = (cfg: CellConfig) => cfg.kind !== "gru";

/** xz (rows,G) = x (rows,D) · W_ihᵀ + b_ih [+ b_hh] */
export function projectInput(cfg: CellConfig, k: Kernels, w: CellWeights, xz: Buf, x: Buf, rows: number): void {
  const { gateRows: G, inputSize: D } = cfg;
  if (w.biasIh) k.fillRows(xz, w.biasIh, rows, G);
  else xz.fill(0, 0, rows * G);
  if (w.biasHh && hhBiasOnInputSide(cfg)) {
    for (let r = 0; r < rows; r++) k.axpy(xz.subarray(r * G, (r + 1) * G), w.biasHh, 1, G);
  }
  k.gemmNT(xz, x, w.weightIh, rows, G, D);
}

/** dx (rows,D) += dxz · W_ih; dW_ih += dxzᵀ · x; db_ih [, db_hh] += Σ_rows dxz */
export function inputBackward(cfg: CellConfig, k: Kernels, w: CellWeights, dw: CellWeights, dx: Buf | null,
                              dxz: Buf, x: Buf, rows: number): void {
  const { gateRows: G, inputSize: D } = cfg;
  if (dx) k.gemmNN(dx, dxz, w.weightIh, rows, D, G);     // backprop into x
  k.gemmTN(dw.weightIh, dxz, x, G, D, rows);
  if (dw.biasIh) k.sumRows(dw.biasIh, dxz, rows, G);
  if (dw.biasHh && hhBiasOnInputSide(cfg)) k.sumRows(dw.biasHh, dxz, rows, G);
}

export function cellCommon(cfg: CellConfig): CellCommon {
  return {
    config: cfg,
    specs: cellParamSpecs(cfg),
    weights: (views) => cellWeights(cfg, views),
    projectInput: (k, w, xz, x, rows) => projectInput(cfg, k, w, xz, x, rows),
    inputBackward: (k, w, dw, dx, dxz, x, rows) => inputBackward(cfg, k, w, dw, dx, dxz, x, rows),
  };
}
