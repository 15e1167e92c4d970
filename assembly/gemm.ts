// assembly/gemm.ts — mirrors src/kernels/ref/gemm.ts: C (M,N) += op(A) · op(B), row-major, f32.
// Every kernel ACCUMULATES: each C element is summed in registers over a chunk of k and added to C
// once per chunk. Any M, N, K ≥ 0 (all tails handled). The *s variants take leading dimensions
// (elements per row of A, B, C), so a caller can hand a block of rows or columns to another
// thread (src/kernels/wasm/threads.ts); the plain exports are the contiguous case.
//
// gemmNN and gemmTN share one register-blocked body: 4 rows × 8 columns of C in eight f32x4
// accumulators; per k one row-slice of B (two vectors) and four broadcast A elements. gemmTN first
// copies each (KC × MC) block of A into a small contiguous panel (the `work` argument): A's own
// row stride is M floats, often a multiple of 4 KiB, and reading 16 bytes per k at that stride
// makes every k a new cache line in the same L1 set; from the panel the stride is MC floats.
// gemmNT (A and B both contiguous along k) is done as dot products: 2 rows × 4 columns of C with
// f32x4 accumulators over k, then a transposing horizontal sum; it walks a block of A rows that
// stays in L2 against each group of 4 B rows that stays in L1, so a large B (a recurrent weight
// read at every time step) is read from memory once per block instead of once per row pair.
//
// Bit-for-bit: every C element gets the same sequence of f32 operations whichever block, tail
// path or thread computes it (the k order, the KC chunks and the reduction tree do not depend on
// the element's position), so splitting M or N across threads cannot change a result.

// @ts-ignore: decorator
@inline function fma4(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline function addTo(p: usize, v: v128): void {
  v128.store(p, f32x4.add(v128.load(p), v));
}

/** C (M,N) += Â (M,K) · B (K,N) where Â(i,k) is the f32 at A + i·ai + k·ak; B row k at B + k·ldb,
 *  C row i at C + i·ldc (all in bytes). */
// @ts-ignore: decorator
@inline function gemmXN(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, ai: usize, ak: usize, ldb: usize, ldc: usize): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= M; i += 4) {                       // ---- 4 rows at a time
    const a0 = A + <usize>i * ai, c0 = C + <usize>i * ldc;
    let j = 0;
    for (; j + 8 <= N; j += 8) {                     // 4×8 block: eight accumulators
      let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
      let pa = a0, pb = B + (<usize>j << 2);
      for (let k = 0; k < K; k++, pa += ak, pb += ldb) {
        const b0 = v128.load(pb), b1 = v128.load(pb, 16);
        let x = v128.load32_splat(pa);
        s00 = fma4(s00, x, b0); s01 = fma4(s01, x, b1);
        x = v128.load32_splat(pa + ai);
        s10 = fma4(s10, x, b0); s11 = fma4(s11, x, b1);
        x = v128.load32_splat(pa + 2 * ai);
        s20 = fma4(s20, x, b0); s21 = fma4(s21, x, b1);
        x = v128.load32_splat(pa + 3 * ai);
        s30 = fma4(s30, x, b0); s31 = fma4(s31, x, b1);
      }
      const pc = c0 + (<usize>j << 2);
      addTo(pc, s00); addTo(pc + 16, s01);
      addTo(pc + ldc, s10); addTo(pc + ldc + 16, s11);
      addTo(pc + 2 * ldc, s20); addTo(pc + 2 * ldc + 16, s21);
      addTo(pc + 3 * ldc, s30); addTo(pc + 3 * ldc + 16, s31);
    }
    for (; j + 4 <= N; j += 4) {                     // 4×4 block
      let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      let pa = a0, pb = B + (<usize>j << 2);
      for (let k = 0; k < K; k++, pa += ak, pb += ldb) {
        const b0 = v128.load(pb);
        s0 = fma4(s0, v128.load32_splat(pa), b0);
        s1 = fma4(s1, v128.load32_splat(pa + ai), b0);
        s2 = fma4(s2, v128.load32_splat(pa + 2 * ai), b0);
        s3 = fma4(s3, v128.load32_splat(pa + 3 * ai), b0);
      }
      const pc = c0 + (<usize>j << 2);
      addTo(pc, s0); addTo(pc + ldc, s1); addTo(pc + 2 * ldc, s2); addTo(pc + 3 * ldc, s3);
    }
    for (; j < N; j++) {                             // 4×1 column tail, scalar
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      let pa = a0, pb = B + (<usize>j << 2);
      for (let k = 0; k < K; k++, pa += ak, pb += ldb) {
        const b = load<f32>(pb);
        s0 += load<f32>(pa) * b; s1 += load<f32>(pa + ai) * b;
        s2 += load<f32>(pa + 2 * ai) * b; s3 += load<f32>(pa + 3 * ai) * b;
      }
      const pc = c0 + (<usize>j << 2);
      store<f32>(pc, load<f32>(pc) + s0); store<f32>(pc + ldc, load<f32>(pc + ldc) + s1);
      store<f32>(pc + 2 * ldc, load<f32>(pc + 2 * ldc) + s2); store<f32>(pc + 3 * ldc, load<f32>(pc + 3 * ldc) + s3);
    }
  }
  for (; i < M; i++) {                               // ---- row tail, one row at a time
    const a0 = A + <usize>i * ai, c0 = C + <usize>i * ldc;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let s0 = zero, s1 = zero;
      let pa = a0, pb = B + (<usize>j << 2);
      for (let k = 0; k < K; k++, pa += ak, pb += ldb) {
        const x = v128.load32_splat(pa);
        s0 = fma4(s0, x, v128.load(pb)); s1 = fma4(s1, x, v128.load(pb, 16));
      }
      const pc = c0 + (<usize>j << 2);
      addTo(pc, s0); addTo(pc + 16, s1);
    }
    for (; j + 4 <= N; j += 4) {
      let s0 = zero;
      let pa = a0, pb = B + (<usize>j << 2);
      for (let k = 0; k < K; k++, pa += ak, pb += ldb) s0 = fma4(s0, v128.load32_splat(pa), v128.load(pb));
      addTo(c0 + (<usize>j << 2), s0);
    }
    for (; j < N; j++) {
      let s: f32 = 0;
      let pa = a0, pb = B + (<usize>j << 2);
      for (let k = 0; k < K; k++, pa += ak, pb += ldb) s += load<f32>(pa) * load<f32>(pb);
      const pc = c0 + (<usize>j << 2);
      store<f32>(pc, load<f32>(pc) + s);
    }
  }
}

/**
 * K in chunks of KC: C only accumulates, so each chunk is a GEMM of its own, and the chunk of B
 * it streams for every block of C (KC rows) stays in cache. Without it a long K (the T·B rows
 * of a weight gradient) evicts B between blocks: 24 vs 30+ GFLOP/s at 512×128×1792 here.
 */
const KC = 128;
/** Rows of A per packed panel in gemmTN: the panel (KC × MC floats, 32 KiB) stays in L1. */
const MC = 64;
/** Floats of workspace gemmTNs needs (one panel). */
export function gemmWorkSize(): i32 {
  return KC * MC;
}

/** C (M,N) += A (M,K) · B (K,N), rows of A, B, C lda, ldb, ldc floats apart. */
export function gemmNNs(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, lda: i32, ldb: i32, ldc: i32): void {
  const ai = <usize>lda << 2, ldb4 = <usize>ldb << 2, ldc4 = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    gemmXN(C, A + (<usize>k0 << 2), B + <usize>k0 * ldb4, M, N, min(KC, K - k0), ai, 4, ldb4, ldc4);
  }
}

/** C (M,N) += A (K,M)ᵀ · B (K,N), rows of A, B, C lda, ldb, ldc floats apart; work: gemmWorkSize() floats. */
export function gemmTNs(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, lda: i32, ldb: i32, ldc: i32, work: usize): void {
  const lda4 = <usize>lda << 2, ldb4 = <usize>ldb << 2, ldc4 = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const mc = min(MC, M - i0), rowBytes = <usize>mc << 2;
      let src = A + <usize>k0 * lda4 + (<usize>i0 << 2);
      for (let k = 0; k < kc; k++, src += lda4) memory.copy(work + <usize>k * rowBytes, src, rowBytes);
      gemmXN(C + <usize>i0 * ldc4, work, B + <usize>k0 * ldb4, mc, N, kc, 4, rowBytes, ldb4, ldc4);
    }
  }
}

/** C (M,N) += A (M,K) · B (K,N) */
export function gemmNN(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32): void {
  gemmNNs(C, A, B, M, N, K, K, N, N);
}

/** C (M,N) += A (K,M)ᵀ · B (K,N); work: gemmWorkSize() floats */
export function gemmTN(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, work: usize): void {
  gemmTNs(C, A, B, M, N, K, M, N, N, work);
}

/** [Σ lanes of a, Σ b, Σ c, Σ d]: a 4×4 transpose folded into the additions. */
// @ts-ignore: decorator
@inline function hsum4x4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7)); // [a0+a2, b0+b2, a1+a3, b1+b3]
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/** Σ of the 4 lanes. */
// @ts-ignore: decorator
@inline function hsum(a: v128): f32 {
  const t = f32x4.add(a, v128.shuffle<f32>(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(t, v128.shuffle<f32>(t, t, 1, 0, 3, 2)), 0);
}

/** The k-th element of 4 rows of B (row stride ld bytes), as one vector. */
// @ts-ignore: decorator
@inline function column4(p: usize, ld: usize): v128 {
  let v = v128.load32_splat(p);
  v = f32x4.replace_lane(v, 1, load<f32>(p + ld));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * ld));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * ld));
}

/** dot(a (K), b (K)) with a vector accumulator and a scalar tail. */
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, K: i32): f32 {
  let s = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) { const o = <usize>k << 2; s = fma4(s, v128.load(a + o), v128.load(b + o)); }
  let r = hsum(s);
  for (; k < K; k++) { const o = <usize>k << 2; r += load<f32>(a + o) * load<f32>(b + o); }
  return r;
}

/** C (M,N) += A (M,K) · B (N,K)ᵀ, rows of A, B, C lda, ldb, ldc floats apart. Rows of A in blocks
 *  of about 256 KiB (L2), each block against all of B, 4 rows of B (L1) at a time. */
export function gemmNTs(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, lda: i32, ldb: i32, ldc: i32): void {
  const rows = max(2, min(M, (65536 / max(K, 1)) & ~1));
  for (let i0 = 0; i0 < M; i0 += rows) {
    const m = min(rows, M - i0);
    for (let j0 = 0; j0 < N; j0 += 4) {
      gemmNTBlock(C + (<usize>i0 * ldc + j0 << 2), A + (<usize>i0 * lda << 2), B + (<usize>j0 * ldb << 2),
        m, min(4, N - j0), K, <usize>lda << 2, <usize>ldb << 2, <usize>ldc << 2);
    }
  }
}

/** C (M,N) += A (M,K) · B (N,K)ᵀ */
export function gemmNT(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32): void {
  gemmNTs(C, A, B, M, N, K, K, K, N);
}

/** The dot-product body of gemmNTs for one block; lk/lb/ld: bytes per row of A, B, C. */
// @ts-ignore: decorator
@inline function gemmNTBlock(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, lk: usize, lb: usize, ld: usize): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 2 <= M; i += 2) {                       // ---- 2 rows of A at a time
    const a0 = A + <usize>i * lk, a1 = a0 + lk, c0 = C + <usize>i * ld, c1 = c0 + ld;
    let j = 0;
    for (; j + 4 <= N; j += 4) {                     // 2×4 block of C: eight dot products
      const b0 = B + <usize>j * lb;
      let s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
        let y = v128.load(b0 + o);
        s00 = fma4(s00, x0, y); s10 = fma4(s10, x1, y);
        y = v128.load(b0 + lb + o);
        s01 = fma4(s01, x0, y); s11 = fma4(s11, x1, y);
        y = v128.load(b0 + 2 * lb + o);
        s02 = fma4(s02, x0, y); s12 = fma4(s12, x1, y);
        y = v128.load(b0 + 3 * lb + o);
        s03 = fma4(s03, x0, y); s13 = fma4(s13, x1, y);
      }
      let r0 = hsum4x4(s00, s01, s02, s03), r1 = hsum4x4(s10, s11, s12, s13);
      for (; k < K; k++) {                           // k tail: one B column of 4 rows
        const o = <usize>k << 2;
        const y = column4(b0 + o, lb);
        r0 = fma4(r0, v128.load32_splat(a0 + o), y);
        r1 = fma4(r1, v128.load32_splat(a1 + o), y);
      }
      addTo(c0 + (<usize>j << 2), r0);
      addTo(c1 + (<usize>j << 2), r1);
    }
    for (; j < N; j++) {                             // column tail
      const bj = B + <usize>j * lb, o = <usize>j << 2;
      store<f32>(c0 + o, load<f32>(c0 + o) + dot(a0, bj, K));
      store<f32>(c1 + o, load<f32>(c1 + o) + dot(a1, bj, K));
    }
  }
  if (i < M) {                                       // ---- last row when M is odd
    const a0 = A + <usize>i * lk, c0 = C + <usize>i * ld;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = B + <usize>j * lb;
      let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(a0 + o);
        s0 = fma4(s0, x0, v128.load(b0 + o));
        s1 = fma4(s1, x0, v128.load(b0 + lb + o));
        s2 = fma4(s2, x0, v128.load(b0 + 2 * lb + o));
        s3 = fma4(s3, x0, v128.load(b0 + 3 * lb + o));
      }
      let r0 = hsum4x4(s0, s1, s2, s3);
      for (; k < K; k++) {
        const o = <usize>k << 2;
        r0 = fma4(r0, v128.load32_splat(a0 + o), column4(b0 + o, lb));
      }
      addTo(c0 + (<usize>j << 2), r0);
    }
    for (; j < N; j++) {
      const o = <usize>j << 2;
      store<f32>(c0 + o, load<f32>(c0 + o) + dot(a0, B + <usize>j * lb, K));
    }
  }
}
