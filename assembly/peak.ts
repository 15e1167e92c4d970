// assembly/peak.ts — the machine's f32x4 mul+add ceiling as WebAssembly sees it, measured by the
// benchmark in the same run as the workloads (bench/run.ts prints achieved GFLOP/s as a fraction of
// it). Seven mul chains b ← b·y feed seven add chains a ← a + b: 14 independent operations per
// iteration against two mul and two add pipes, each chain 3 cycles deep, so the loop is bound by
// throughput, not latency; 15 live vectors fit the 16 SIMD registers of x86-64 (no spills).
// (acc + x·y with one x, y would let a compiler compute x·y once and time only the adds.)
// Not a kernel: nothing in src/ calls it.

/** Runs `iters` iterations of 7 f32x4 mul + 7 f32x4 add (56 flops); returns a lane sum so the work
 *  cannot be optimised away. */
export function peakMulAdd(iters: i32): f32 {
  const y = f32x4.splat(1.0000001);                  // b grows by e^0.5 over 2^22 iterations: no overflow, no denormals
  let b0 = f32x4.splat(1.0), b1 = f32x4.splat(1.1), b2 = f32x4.splat(1.2), b3 = f32x4.splat(1.3);
  let b4 = f32x4.splat(1.4), b5 = f32x4.splat(1.5), b6 = f32x4.splat(1.6);
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
  for (let i = 0; i < iters; i++) {
    b0 = f32x4.mul(b0, y); a0 = f32x4.add(a0, b0);
    b1 = f32x4.mul(b1, y); a1 = f32x4.add(a1, b1);
    b2 = f32x4.mul(b2, y); a2 = f32x4.add(a2, b2);
    b3 = f32x4.mul(b3, y); a3 = f32x4.add(a3, b3);
    b4 = f32x4.mul(b4, y); a4 = f32x4.add(a4, b4);
    b5 = f32x4.mul(b5, y); a5 = f32x4.add(a5, b5);
    b6 = f32x4.mul(b6, y); a6 = f32x4.add(a6, b6);
  }
  const t = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), a6));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

/**
 * The same ceiling measured the way a GEMM meets it: the 4 × 8 register tile of assembly/gemm.ts
 * (eight accumulators; per step two vector loads, four broadcast loads, 8 mul + 8 add) over a
 * 4 KiB panel and 2 KiB of A values that stay in L1 (buf: 6 KiB of any data). Runs `iters` steps
 * (64 flops each); returns a lane sum.
 */
export function peakTile(iters: i32, buf: usize): f32 {
  const zero = f32x4.splat(0);
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  for (let k = 0; k < iters; k++) {
    const pb = buf + (<usize>(k & 127) << 5), pa = buf + 4096 + (<usize>(k & 127) << 4);
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    s00 = f32x4.add(s00, f32x4.mul(x, b0)); s01 = f32x4.add(s01, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + 4);
    s10 = f32x4.add(s10, f32x4.mul(x, b0)); s11 = f32x4.add(s11, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + 8);
    s20 = f32x4.add(s20, f32x4.mul(x, b0)); s21 = f32x4.add(s21, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + 12);
    s30 = f32x4.add(s30, f32x4.mul(x, b0)); s31 = f32x4.add(s31, f32x4.mul(x, b1));
  }
  const t = f32x4.add(f32x4.add(f32x4.add(s00, s01), f32x4.add(s10, s11)), f32x4.add(f32x4.add(s20, s21), f32x4.add(s30, s31)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
