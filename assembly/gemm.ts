// assembly/gemm.ts — mirrors src/kernels/ref/gemm.ts: C (M,N) += op(A) · op(B), row-major, f32.
// Every kernel ACCUMULATES: each C element is summed in registers over a chunk of k and added to C
// once per chunk. Any M, N, K ≥ 0 (all tails handled). The *s variants take leading dimensions
// (elements per row of A, B, C), so a caller can hand a block of rows or columns to another
// thread (src/kernels/wasm/threads.ts); the plain exports are the contiguous case.
//
// gemmNN and gemmTN are one packed, register-blocked GEMM (see gemmPacked below): B's blocks are
// copied into 8-column panels, gemmTN's A blocks into k-major rows, both in the `work` argument
// (per thread), and a 4 × 8 micro-kernel of eight f32x4 accumulators walks them sequentially.
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

/**
 * Sizes of the packed GEMM (gemmNN, gemmTN). Per chunk of KC values of k and NC columns, B's block
 * is copied into panels of 8 columns, each panel KC × 8 floats laid out k after k (4 KiB, read
 * sequentially by the micro-kernel from L1; the whole block, 256 KiB, stays in L2). Without the
 * copy, a row stride that is a multiple of 2 KiB (N = 512, 1024 …) maps every k of a column slice
 * to the same two L1 sets and the slice is re-read from L2 for every 4 rows of C (14 vs 35 GFLOP/s
 * at 512³ here). gemmTN also copies each MC × KC block of A (k-major rows of MC floats): A's own k
 * stride is M floats, often a multiple of 4 KiB. C only accumulates, so each KC chunk is a GEMM of
 * its own, added to C once per element.
 */
const KC = 128;
const NC = 512;
const MC = 64;
/** Floats of workspace gemmNNs / gemmTNs need: B's panels, A's block and a 4 × 8 tile. */
export function gemmWorkSize(): i32 {
  return KC * NC + KC * MC + 32;
}

/** B rows [0, kc) × columns [0, nc) (row stride ldb bytes) → panels of 8 columns at dst, each kc × 8
 *  floats; the last panel is padded with zeros. */
// @ts-ignore: decorator
@inline function packB(dst: usize, B: usize, ldb: usize, kc: i32, nc: i32): void {
  const panelBytes = <usize>kc << 5, full = nc & ~7, zero = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const src = B + <usize>k * ldb;
    let d = dst + (<usize>k << 5);
    let j = 0;
    for (; j < full; j += 8, d += panelBytes) {
      v128.store(d, v128.load(src + (<usize>j << 2)));
      v128.store(d, v128.load(src + (<usize>j << 2), 16), 16);
    }
    if (j < nc) {
      v128.store(d, zero); v128.store(d, zero, 16);
      for (let t = 0; j < nc; j++, t++) store<f32>(d + (<usize>t << 2), load<f32>(src + (<usize>j << 2)));
    }
  }
}

/** Adds the first `rows` × `cols` of a 4 × 8 tile (row-major at tile) to C (row stride ldc bytes). */
// @ts-ignore: decorator
@inline function addTile(C: usize, ldc: usize, tile: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const c = C + <usize>r * ldc, t = tile + (<usize>r << 5);
    for (let j = 0; j < cols; j++) { const o = <usize>j << 2; store<f32>(c + o, load<f32>(c + o) + load<f32>(t + o)); }
  }
}

/**
 * C (M, N ≤ NC) += Â (M, kc) · panels, Â(i,k) at A + i·ai + k·ak, panels from packB. 4 rows × 8
 * columns per step in eight f32x4 accumulators (per k: one panel row, two vectors, and four
 * broadcast A elements); a partial tile is summed the same way into `tile` and added from there.
 */
// @ts-ignore: decorator
@inline function tiles(C: usize, ldc: usize, A: usize, ai: usize, ak: usize, P: usize, M: i32, N: i32, kc: i32, tile: usize): void {
  const panelBytes = <usize>kc << 5, zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = A + <usize>i * ai, c0 = C + <usize>i * ldc;
    for (let j = 0; j < N; j += 8) {
      let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
      let pa = a0, pb = P + <usize>(j >> 3) * panelBytes;
      for (let k = 0; k < kc; k++, pa += ak, pb += 32) {
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
      if (j + 8 <= N) {
        addTo(pc, s00); addTo(pc + 16, s01);
        addTo(pc + ldc, s10); addTo(pc + ldc + 16, s11);
        addTo(pc + 2 * ldc, s20); addTo(pc + 2 * ldc + 16, s21);
        addTo(pc + 3 * ldc, s30); addTo(pc + 3 * ldc + 16, s31);
      } else {
        v128.store(tile, s00); v128.store(tile, s01, 16); v128.store(tile, s10, 32); v128.store(tile, s11, 48);
        v128.store(tile, s20, 64); v128.store(tile, s21, 80); v128.store(tile, s30, 96); v128.store(tile, s31, 112);
        addTile(pc, ldc, tile, 4, N - j);
      }
    }
  }
  for (; i < M; i++) {                               // row tail, one row at a time
    const a0 = A + <usize>i * ai, c0 = C + <usize>i * ldc;
    for (let j = 0; j < N; j += 8) {
      let s0 = zero, s1 = zero;
      let pa = a0, pb = P + <usize>(j >> 3) * panelBytes;
      for (let k = 0; k < kc; k++, pa += ak, pb += 32) {
        const x = v128.load32_splat(pa);
        s0 = fma4(s0, x, v128.load(pb)); s1 = fma4(s1, x, v128.load(pb, 16));
      }
      const pc = c0 + (<usize>j << 2);
      if (j + 8 <= N) { addTo(pc, s0); addTo(pc + 16, s1); }
      else { v128.store(tile, s0); v128.store(tile, s1, 16); addTile(pc, ldc, tile, 1, N - j); }
    }
  }
}

/** The packed GEMM behind gemmNNs and gemmTNs: C (M,N) += Â (M,K) · B (K,N), Â(i,k) at
 *  A + i·ai + k·ak; packA: copy each MC × KC block of Â first (for gemmTN, whose ai is 4). */
// @ts-ignore: decorator
@inline function gemmPacked(C: usize, A: usize, ai: usize, ak: usize, B: usize, ldb: usize, ldc: usize,
                            M: i32, N: i32, K: i32, work: usize, packA: bool): void {
  const P = work, Ablock = work + (<usize>(KC * NC) << 2), tile = Ablock + (<usize>(KC * MC) << 2);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let j0 = 0; j0 < N; j0 += NC) {
      const nc = min(NC, N - j0);
      packB(P, B + <usize>k0 * ldb + (<usize>j0 << 2), ldb, kc, nc);
      const Cj = C + (<usize>j0 << 2);
      if (!packA) { tiles(Cj, ldc, A + <usize>k0 * ak, ai, ak, P, M, nc, kc, tile); continue; }
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0), rowBytes = <usize>mc << 2;
        let src = A + <usize>k0 * ak + <usize>i0 * ai;
        for (let k = 0; k < kc; k++, src += ak) memory.copy(Ablock + <usize>k * rowBytes, src, rowBytes);
        tiles(Cj + <usize>i0 * ldc, ldc, Ablock, 4, rowBytes, P, mc, nc, kc, tile);
      }
    }
  }
}

/** C (M,N) += A (M,K) · B (K,N), rows of A, B, C lda, ldb, ldc floats apart; work: gemmWorkSize() floats. */
export function gemmNNs(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, lda: i32, ldb: i32, ldc: i32, work: usize): void {
  gemmPacked(C, A, <usize>lda << 2, 4, B, <usize>ldb << 2, <usize>ldc << 2, M, N, K, work, false);
}

/** C (M,N) += A (K,M)ᵀ · B (K,N), rows of A, B, C lda, ldb, ldc floats apart; work: gemmWorkSize() floats. */
export function gemmTNs(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, lda: i32, ldb: i32, ldc: i32, work: usize): void {
  gemmPacked(C, A, 4, <usize>lda << 2, B, <usize>ldb << 2, <usize>ldc << 2, M, N, K, work, true);
}

/** C (M,N) += A (M,K) · B (K,N); work: gemmWorkSize() floats */
export function gemmNN(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, work: usize): void {
  gemmNNs(C, A, B, M, N, K, K, N, N, work);
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
