// matmul(a, b, { transposeA, transposeB }): C (M,N) = op(a) (M,K) · op(b) (K,N), on the backend's
// GEMMs (which accumulate, so the forward zeroes C first). In a cell step `a` is usually the batch
// ([batch, K]) and `b` a kernel variable: [K, N] (TF-1 layout) or [N, K] with transposeB (PyTorch
// layout, x · Wᵀ). Backward, from C = A·B:  dA = dC · Bᵀ,  dB = Aᵀ · dC, mapped through each transpose.
import type { Buf } from "../kernels/types.ts";
import type { OpDef } from "./graph.ts";

export interface MatmulAttrs { transposeA: boolean; transposeB: boolean; M: number; K: number; N: number }

/** C (M,N) += Aᵀ (M,K) · Bᵀ (K,N) with a stored (K,M), b stored (N,K): no kernel has it, and it is rare */
function gemmTT(C: Buf, a: Buf, b: Buf, M: number, N: number, K: number): void {
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0;
    for (let q = 0; q < K; q++) s += a[q * M + m] * b[n * K + q];
    C[m * N + n] += s;
  }
}

export const matmulOp: OpDef<MatmulAttrs> = {
  name: "matmul",
  forward(k, C, [a, b], _aux, c) {
    const { transposeA: tA, transposeB: tB, K, N } = c.attrs, M = c.rows;
    C.fill(0, 0, M * N);
    if (!tA && !tB) k.gemmNN(C, a, b, M, N, K);
    else if (!tA) k.gemmNT(C, a, b, M, N, K);
    else if (!tB) k.gemmTN(C, a, b, M, N, K);
    else gemmTT(C, a, b, M, N, K);
  },
  backward(k, [da, db], dC, _out, [a, b], _aux, c) {
    const { transposeA: tA, transposeB: tB, K, N } = c.attrs, M = c.rows;
    if (!tA && !tB) {
      if (da) k.gemmNT(da, dC, b, M, K, N);        // dA (M,K) += dC · Bᵀ
      if (db) k.gemmTN(db, a, dC, K, N, M);        // dB (K,N) += Aᵀ · dC
    } else if (!tA) {                               // b stored (N,K)
      if (da) k.gemmNN(da, dC, b, M, K, N);        // dA += dC · b
      if (db) k.gemmTN(db, dC, a, N, K, M);        // db (N,K) += dCᵀ · A
    } else if (!tB) {                               // a stored (K,M)
      if (da) k.gemmNT(da, b, dC, K, M, N);        // da (K,M) += B · dCᵀ
      if (db) k.gemmNN(db, a, dC, K, N, M);        // dB (K,N) += a · dC
    } else {                                        // a (K,M), b (N,K)
      if (da) for (let q = 0; q < K; q++) for (let m = 0; m < M; m++) {   // da[q,m] += Σ_n dC[m,n] b[n,q]
        let s = 0;
        for (let n = 0; n < N; n++) s += dC[m * N + n] * b[n * K + q];
        da[q * M + m] += s;
      }
      if (db) for (let n = 0; n < N; n++) for (let q = 0; q < K; q++) {   // db[n,q] += Σ_m a[q,m] dC[m,n]
        let s = 0;
        for (let m = 0; m < M; m++) s += a[q * M + m] * dC[m * N + n];
        db[n * K + q] += s;
      }
    }
  },
};
