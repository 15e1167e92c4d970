// The reference GEMMs are the definition the fast backends are held to, so they must equal the
// textbook sum bit for bit: each C element summed in a double over k = 0 … K−1, then added once.
// Their loops are arranged for speed (eight rows at a time, `| 0` indices, row accumulators); this
// checks that no arrangement changed a result, on shapes that are and are not multiples of eight.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { gemmNN, gemmNT, gemmTN } from "../../src/kernels/ref/gemm.ts";

type Arr = Float32Array | Float64Array;
const at = { NN: (A: Arr, B: Arr, i: number, j: number, k: number, M: number, N: number, K: number) => [A[i * K + k]!, B[k * N + j]!],
  NT: (A: Arr, B: Arr, i: number, j: number, k: number, M: number, N: number, K: number) => [A[i * K + k]!, B[j * K + k]!],
  TN: (A: Arr, B: Arr, i: number, j: number, k: number, M: number, N: number, K: number) => [A[k * M + i]!, B[k * N + j]!] };
const kernels = { NN: gemmNN, NT: gemmNT, TN: gemmTN };

function textbook(which: keyof typeof at, C: Arr, A: Arr, B: Arr, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let sum = 0;
    for (let k = 0; k < K; k++) { const [a, b] = at[which](A, B, i, j, k, M, N, K); sum += a * b; }
    C[i * N + j] += sum;
  }
}

const shape = fc.record({ M: fc.integer({ min: 1, max: 5 }), N: fc.integer({ min: 1, max: 21 }), K: fc.integer({ min: 1, max: 19 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }), f64: fc.boolean() });

describe("reference GEMM", () => {
  for (const which of ["NN", "NT", "TN"] as const) {
    it(`gemm${which} equals the in-order double sum bit for bit`, () => {
      fc.assert(fc.property(shape, ({ M, N, K, seed, f64 }) => {
        let s = seed;
        const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647 - 0.5) * 8;
        const make = (n: number): Arr => (f64 ? Float64Array.from({ length: n }, rand) : Float32Array.from({ length: n }, rand));
        const A = make(M * K), B = make(K * N), C0 = make(M * N);
        const got = C0.slice(), want = C0.slice();
        kernels[which](got, A, B, M, N, K);
        textbook(which, want, A, B, M, N, K);
        assert.deepEqual(got, want);
      }), { seed: 11, numRuns: 150 });
    });
  }

  it("refuses operands whose indices would not fit in an int32", () => {
    const tiny = new Float32Array(1);
    for (const gemm of Object.values(kernels)) {
      assert.throws(() => gemm(tiny, tiny, tiny, 65536, 1, 65536), RangeError);
      assert.throws(() => gemm(tiny, tiny, tiny, 1, 65536, 65536), RangeError);
      assert.throws(() => gemm(tiny, tiny, tiny, 65536, 65536, 1), RangeError);
    }
  });
});
