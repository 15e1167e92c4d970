// Reference GEMM: C (M,N) += op(A) · op(B), row-major, contiguous. Each C element is summed in a
// JavaScript double and added once, so float32 results are as exact as the storage allows.
import type { Buf } from "../types.ts";

/** C (M,N) += A (M,K) · B (K,N) */
export function gemmNN(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += A[i * K + k] * B[k * N + j];
      C[i * N + j] += sum;
    }
  }
}

/** C (M,N) += A (M,K) · B (N,K)ᵀ */
export function gemmNT(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    const a = i * K;
    for (let j = 0; j < N; j++) {
      const b = j * K;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += A[a + k] * B[b + k];
      C[i * N + j] += sum;
    }
  }
}

/** C (M,N) += A (K,M)ᵀ · B (K,N) */
export function gemmTN(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += A[k * M + i] * B[k * N + j];
      C[i * N + j] += sum;
    }
  }
}
