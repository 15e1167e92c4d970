// The input side of every cell, x_t · W_ihᵀ + biases, and its backward. Both run over any number
// of rows: B for one step, or all T·B rows at once when the time loop hoists them.
import type { Buf, Kernels } from "../kernels/types.ts";
import type { CellConfig } from "./config.ts";
import type { CellCommon, CellWeights } from "./cell.ts";
import { cellParamSpecs, cellWeights } from "./weights.ts";

/** RNN and LSTM add b_hh here too (it sits outside any nonlinearity); GRU keeps b_hh in the recurrent half. */
const hhBiasOnInputSide = (cfg: CellConfig) => cfg.kind !== "gru";

/** xz (rows,G) = x (rows,D) · W_ihᵀ + b_ih [+ b_hh]; `biasSum` is a G-vector of scratch for b_ih + b_hh */
export function projectInput(cfg: CellConfig, k: Kernels, w: CellWeights, xz: Buf, x: Buf, rows: number, biasSum: Buf | null): void {
  const { gateRows: G, inputSize: D } = cfg;
  let bias = w.biasIh;
  if (bias && w.biasHh && hhBiasOnInputSide(cfg) && biasSum) {
    biasSum.set(bias);
    k.axpy(biasSum, w.biasHh, 1, G);                      // both biases sit outside the nonlinearity: add them once
    bias = biasSum;
  }
  if (bias) k.fillRows(xz, bias, rows, G);
  else xz.fill(0, 0, rows * G);
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
  let biasSum: { kernels: Kernels; dtype: string; buf: Buf } | null = null;   // made once per backend and dtype
  return {
    config: cfg,
    specs: cellParamSpecs(cfg),
    weights: (views) => cellWeights(cfg, views),
    projectInput: (k, w, xz, x, rows) => {
      const dtype = w.weightIh instanceof Float64Array ? "float64" : "float32";
      if (!biasSum || biasSum.kernels !== k || biasSum.dtype !== dtype) biasSum = { kernels: k, dtype, buf: k.alloc(cfg.gateRows, dtype) };
      projectInput(cfg, k, w, xz, x, rows, cfg.biases === 2 ? biasSum.buf : null);
    },
    inputBackward: (k, w, dw, dx, dxz, x, rows) => inputBackward(cfg, k, w, dw, dx, dxz, x, rows),
  };
}
