// Reference GEMM: C (M,N) += op(A) · op(B), row-major, contiguous. Each C element is summed in a
// JavaScript double over k = 0, 1, …, K−1 and added once, so float32 results are as exact as the
// storage allows and do not depend on how the loops below are arranged.
//
// The arrangement is only for speed, and keeps the definition readable:
// - NT (both operands k-contiguous): eight dot products at a time share each load of A's row and
//   run eight independent add chains, instead of one chain waiting on the latency of every add
//   (a one-step LSTM call, 32 → 128 units: 105 → 55 µs with four chains; 47 µs with eight chains
//   and the pointwise loops calling one activation function).
// - NN and TN (B's rows are the contiguous direction): the k loop walks B row by row and adds
//   a(i,k) · B[k, :] into a row of double accumulators, so every inner loop reads memory in order
//   (a column walk down B touches a new cache line per k). Per element the order of the sum is
//   still k = 0 … K−1.
import type { Buf } from "../types.ts";

/** Indices `| 0` below stay exact only while every index fits in an int32. */
const INT32_MAX = 0x7fffffff;

/** Double accumulators for one row of C, reused across calls (grown when a wider N comes). */
let rowAcc = new Float64Array(256);
function accRow(N: number): Float64Array {
  if (rowAcc.length < N) rowAcc = new Float64Array(N);
  rowAcc.fill(0, 0, N);
  return rowAcc;
}

/** C (M,N) += A (M,K) · B (K,N) */
export function gemmNN(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    const acc = accRow(N);
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k], b = k * N;
      for (let j = 0; j < N; j++) acc[j] += a * B[b + j];
    }
    const c = i * N;
    for (let j = 0; j < N; j++) C[c + j] += acc[j];
  }
}

/** C (M,N) += A (M,K) · B (N,K)ᵀ */
export function gemmNT(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  if (M * K > INT32_MAX || N * K > INT32_MAX) throw new RangeError(`gemmNT: operands over 2^31 elements (M ${M}, N ${N}, K ${K})`);
  for (let i = 0; i < M; i++) {
    const a = i * K, c = i * N;
    let j = 0;
    for (; j + 8 <= N; j += 8) {                         // eight rows of B against one row of A
      const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K, b4 = b3 + K, b5 = b4 + K, b6 = b5 + K, b7 = b6 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let k = 0; k < K; k++) {
        const av = A[(a + k) | 0];                       // `| 0`: V8 then drops an overflow check per read
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

/** C (M,N) += A (K,M)ᵀ · B (K,N) */
export function gemmTN(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    const acc = accRow(N);
    for (let k = 0; k < K; k++) {
      const a = A[k * M + i], b = k * N;
      for (let j = 0; j < N; j++) acc[j] += a * B[b + j];
    }
    const c = i * N;
    for (let j = 0; j < N; j++) C[c + j] += acc[j];
  }
}
