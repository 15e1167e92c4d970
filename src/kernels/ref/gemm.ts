// Reference GEMM: C (M,N) += op(A) · op(B), row-major, contiguous. Each C element is summed in a
// JavaScript double over k = 0, 1, …, K−1 and added once, so float32 results are as exact as the
// storage allows and do not depend on how the loops below are arranged
// (test/kernels/ref-gemm.test.ts holds every form to that textbook sum bit for bit).
//
// The arrangement is only for speed: eight C elements of one row at a time, each with its own add
// chain, sharing every read of A — instead of one chain waiting on the latency of every add.
// - NT (B's rows are the k direction): eight rows of B, read along k.
// - NN and TN (B's rows are the n direction): eight neighbouring columns of B, read row by row
//   down k; NN and TN differ only in how A is walked, so they share one loop.
// Indices are computed with `| 0` (int32 arithmetic), which lets V8 drop an overflow check on
// every read (a one-step LSTM call, 32 → 128 units: the h·W_hhᵀ product 31.9 → 29.7 µs); V8
// still spends about nine instructions per multiply-add (bench/ref-matvec.ts), 0.45 ns here.
import type { Buf } from "../types.ts";

/** Indices `| 0` below stay exact only while every index fits in an int32. */
const INT32_MAX = 0x7fffffff;

function checkIndexRange(fn: string, ...sizes: number[]): void {
  for (const n of sizes) if (n > INT32_MAX) throw new RangeError(`${fn}: operands over 2^31 elements (${sizes.join(", ")})`);
}

/** C (M,N) += A (M,K) · B (K,N) */
export function gemmNN(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  checkIndexRange("gemmNN", M * K, K * N, M * N);
  rowsTimesB(C, A, B, M, N, K, K, 1);
}

/** C (M,N) += A (K,M)ᵀ · B (K,N) */
export function gemmTN(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  checkIndexRange("gemmTN", M * K, K * N, M * N);
  rowsTimesB(C, A, B, M, N, K, 1, M);
}

/** C (M,N) += Â · B (K,N), where Â(i,k) = A[i·rowStep + k·kStep]. */
function rowsTimesB(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number, rowStep: number, kStep: number): void {
  for (let i = 0; i < M; i++) {
    const a0 = (i * rowStep) | 0, c = (i * N) | 0;
    let j = 0;
    for (; j + 8 <= N; j += 8) {                         // eight columns of B against row i of Â
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let k = 0, a = a0, b = j; k < K; k++, a = (a + kStep) | 0, b = (b + N) | 0) {
        const av = A[a];
        s0 += av * B[b]; s1 += av * B[(b + 1) | 0]; s2 += av * B[(b + 2) | 0]; s3 += av * B[(b + 3) | 0];
        s4 += av * B[(b + 4) | 0]; s5 += av * B[(b + 5) | 0]; s6 += av * B[(b + 6) | 0]; s7 += av * B[(b + 7) | 0];
      }
      C[c + j] += s0; C[c + j + 1] += s1; C[c + j + 2] += s2; C[c + j + 3] += s3;
      C[c + j + 4] += s4; C[c + j + 5] += s5; C[c + j + 6] += s6; C[c + j + 7] += s7;
    }
    for (; j < N; j++) {                                 // the last N mod 8 columns
      let sum = 0;
      for (let k = 0, a = a0, b = j; k < K; k++, a = (a + kStep) | 0, b = (b + N) | 0) sum += A[a] * B[b];
      C[c + j] += sum;
    }
  }
}

/** C (M,N) += A (M,K) · B (N,K)ᵀ */
export function gemmNT(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  checkIndexRange("gemmNT", M * K, N * K, M * N);
  for (let i = 0; i < M; i++) {
    const a = i * K, c = i * N;
    let j = 0;
    for (; j + 8 <= N; j += 8) {                         // eight rows of B against one row of A
      const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K, b4 = b3 + K, b5 = b4 + K, b6 = b5 + K, b7 = b6 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let k = 0; k < K; k++) {
        const av = A[(a + k) | 0];
        s0 += av * B[(b0 + k) | 0]; s1 += av * B[(b1 + k) | 0]; s2 += av * B[(b2 + k) | 0]; s3 += av * B[(b3 + k) | 0];
        s4 += av * B[(b4 + k) | 0]; s5 += av * B[(b5 + k) | 0]; s6 += av * B[(b6 + k) | 0]; s7 += av * B[(b7 + k) | 0];
      }
      C[c + j] += s0; C[c + j + 1] += s1; C[c + j + 2] += s2; C[c + j + 3] += s3;
      C[c + j + 4] += s4; C[c + j + 5] += s5; C[c + j + 6] += s6; C[c + j + 7] += s7;
    }
    for (; j < N; j++) {                                 // the last N mod 8 columns
      const b = j * K;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += A[a + k] * B[b + k];
      C[c + j] += sum;
    }
  }
}
