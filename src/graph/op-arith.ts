// Elementwise arithmetic with a broadcast row: add, sub, mul of two values of the same shape, or
// of a value and a row vector [1, n] (a bias, a gain) repeated down its rows; and the scalar forms
// a·x and x + s. Forward and backward side by side; a broadcast operand's gradient is the sum
// over the rows it was repeated on. Whole-buffer work goes to the backend's kernels (axpy, mulAdd,
// sumRows, fillRows); the broadcast loops stay here (a kernel call per row would cost more).
import type { Buf, Kernels } from "../kernels/types.ts";
import type { NodeCall, OpDef } from "./graph.ts";

/** Which operand, if any, is a row repeated down the other's rows. */
export type Broadcast = "none" | "a" | "b";
export interface BinaryAttrs { broadcast: Broadcast }

/** d (1, n) += Σ_rows g (rows, n) when d is a broadcast row, else d += g */
function accumulate(k: Kernels, d: Buf, g: Buf, row: boolean, rows: number, n: number): void {
  if (row) k.sumRows(d, g, rows, n);
  else k.axpy(d, g, 1, rows * n);
}

function sumOrDiff(sign: 1 | -1): OpDef<BinaryAttrs> {
  return {
    name: sign === 1 ? "add" : "sub",
    forward(k, out, [a, b], _aux, c) {
      const n = c.out.cols, rows = c.rows;
      if (c.attrs.broadcast === "a") k.fillRows(out, a, rows, n); else out.set(a.subarray(0, rows * n));
      if (c.attrs.broadcast === "b") {
        for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < n; j++, i++) out[i] += sign * b[j];
      } else k.axpy(out, b, sign, rows * n);
    },
    backward(k, [da, db], dOut, _out, _ins, _aux, c) {
      const n = c.out.cols, rows = c.rows;
      if (da) accumulate(k, da, dOut, c.attrs.broadcast === "a", rows, n);   // ∂(a ± b)/∂a = 1
      if (db) {
        if (sign === 1) accumulate(k, db, dOut, c.attrs.broadcast === "b", rows, n);
        else if (c.attrs.broadcast === "b") for (let j = 0; j < n; j++) { let s = 0; for (let r = 0; r < rows; r++) s += dOut[r * n + j]; db[j] -= s; }
        else k.axpy(db, dOut, -1, rows * n);                                  // ∂(a − b)/∂b = −1
      }
    },
  };
}

export const addOp = sumOrDiff(1);
export const subOp = sumOrDiff(-1);

export const mulOp: OpDef<BinaryAttrs> = {
  name: "mul",
  forward(k, out, [a, b], _aux, c) {
    const n = c.out.cols, rows = c.rows, bc = c.attrs.broadcast;
    if (bc === "none") { out.fill(0, 0, rows * n); k.mulAdd(out, a, b, rows * n); }
    else {
      const row = bc === "a" ? a : b, full = bc === "a" ? b : a;          // a row (n) times every row of the other
      for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < n; j++, i++) out[i] = full[i] * row[j];
    }
  },
  backward(k, [da, db], dOut, _out, [a, b], _aux, c) {
    const n = c.out.cols, rows = c.rows, bc = c.attrs.broadcast;
    if (bc === "none") {
      if (da) k.mulAdd(da, dOut, b, rows * n);                               // ∂(a⊙b)/∂a = b
      if (db) k.mulAdd(db, dOut, a, rows * n);                               // ∂(a⊙b)/∂b = a
      return;
    }
    const row = bc === "a" ? a : b, full = bc === "a" ? b : a, dRow = bc === "a" ? da : db, dFull = bc === "a" ? db : da;
    if (dFull) for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < n; j++, i++) dFull[i] += dOut[i] * row[j];
    if (dRow) for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < n; j++, i++) dRow[j] += dOut[i] * full[i];   // summed over the rows it was repeated on
  },
};

export interface ScalarAttrs { s: number }

/** y = s · x */
export const scaleOp: OpDef<ScalarAttrs> = {
  name: "scale",
  forward(_k, out, [x], _aux, c) {
    const total = c.rows * c.out.cols, s = c.attrs.s;
    for (let i = 0; i < total; i++) out[i] = s * x[i];
  },
  backward(k, [dx], dOut, _out, _ins, _aux, c) {
    if (dx) k.axpy(dx, dOut, c.attrs.s, c.rows * c.out.cols);
  },
};

/** y = x + s (TF-1's forget_bias is added this way, inside the forget gate's sigmoid) */
export const addScalarOp: OpDef<ScalarAttrs> = {
  name: "addScalar",
  forward(_k, out, [x], _aux, c) {
    const total = c.rows * c.out.cols, s = c.attrs.s;
    for (let i = 0; i < total; i++) out[i] = x[i] + s;
  },
  backward(k, [dx], dOut, _out, _ins, _aux, c) {
    if (dx) k.axpy(dx, dOut, 1, c.rows * c.out.cols);
  },
};

export type { NodeCall };
