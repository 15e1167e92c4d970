// Reference row and vector helpers: bias broadcast, bias gradient, axpy, value clipping.
import type { Buf } from "../types.ts";

/** out (M,N) = row (N) in every row */
export function fillRows(out: Buf, row: Buf, M: number, N: number): void {
  for (let m = 0; m < M; m++) out.set(row.subarray(0, N), m * N);
}

/** dRow (N) += Σ_m A (M,N) */
export function sumRows(dRow: Buf, A: Buf, M: number, N: number): void {
  for (let j = 0; j < N; j++) {
    let sum = 0;
    for (let m = 0; m < M; m++) sum += A[m * N + j];
    dRow[j] += sum;
  }
}

/** y (n) += a · x (n) */
export function axpy(y: Buf, x: Buf, a: number, n: number): void {
  for (let i = 0; i < n; i++) y[i] += a * x[i];
}

/** y (n) += a (n) ⊙ b (n) */
export function mulAdd(y: Buf, a: Buf, b: Buf, n: number): void {
  for (let i = 0; i < n; i++) y[i] += a[i] * b[i];
}

/** out (n) = clip(x, −limit, limit); TF-1 clip_by_value */
export function clipForward(out: Buf, x: Buf, limit: number, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.min(limit, Math.max(-limit, x[i]));
}

/** dx (n) += dy where −limit ≤ x ≤ limit: TF's _ClipByValueGrad keeps the bounds themselves */
export function clipBackward(dx: Buf, dy: Buf, x: Buf, limit: number, n: number): void {
  for (let i = 0; i < n; i++) if (x[i] >= -limit && x[i] <= limit) dx[i] += dy[i];
}
