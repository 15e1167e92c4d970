// assembly/math.ts — f32 elementary functions for the kernels: exp, expm1, sigmoid, tanh, each
// as an @inline f32x4 version (the SIMD bodies) and a scalar version (the tails) that performs the
// SAME operations in the same order, so a result never depends on which lane computed it.
//
// Not here: anything from AssemblyScript's Mathf (its tables live below __heap_base and would add
// calls); activation dispatch by code (activations.ts).
//
// Accuracy (measured against Math.exp / Math.tanh in double, see test/kernels/arena.test.ts):
// exp, sigmoid and tanh are within a few ulp over their useful range. exp clamps its input to
// [EXP_LO, EXP_HI] so that the exponent-bit scaling below never leaves the normal range:
// exp(x > 88.37) returns ~2.4e38 instead of overflowing, exp(x < -87.6) returns a tiny denormal.
// Both are harmless for sigmoid and tanh, which saturate exactly to 0 / 1 long before.

// ---- constants (Cephes expf.c / tanhf.c, single precision) ----
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;       // Cody–Waite split of ln 2: LN2_HI is exact in 9 bits,
const LN2_LO: f32 = -2.12194440e-4;    // so n·LN2_HI is exact for |n| < 2^15
const EXP_HI: f32 = 88.3762626647949;  // 127.5·ln 2: keeps n ≤ 127
const EXP_LO: f32 = -87.6;             // keeps n ≥ -126; smaller results are formed as denormals by the final multiply
const P0: f32 = 1.9875691500e-4;       // Cephes expf polynomial: e^r ≈ 1 + r + r²·P(r), |r| ≤ ln2/2
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
const T0: f32 = -5.70498872745e-3;     // Cephes tanhf odd polynomial for |x| < 0.625:
const T1: f32 = 2.06390887954e-2;      // tanh x ≈ x + x·z·T(z), z = x²
const T2: f32 = -5.37397155531e-2;
const T3: f32 = 1.33314422036e-1;
const T4: f32 = -3.33332819422e-1;
const TANH_SMALL: f32 = 0.625;
const EXPM1_SMALL: f32 = 0.5;          // below this |x|, expm1 uses its Taylor series (no cancellation)
const SIGN: i32 = 0x80000000;

// ---- exp ----

/** e^x for 4 lanes (Cephes expf: x = n·ln2 + r, e^r by polynomial, 2^n by exponent bits). */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  const z = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  const e = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(e, pow2n);
}

/** e^x, scalar twin of exp4. */
// @ts-ignore: decorator
@inline export function exp1(x: f32): f32 {
  x = max<f32>(min<f32>(x, EXP_HI), EXP_LO);
  const n = nearest<f32>(x * LOG2E);
  let r = x - n * LN2_HI;
  r = r - n * LN2_LO;
  const z = r * r;
  let p = P0 * r + P1;
  p = p * r + P2;
  p = p * r + P3;
  p = p * r + P4;
  p = p * r + P5;
  const e = p * z + r + <f32>1;
  return e * reinterpret<f32>((<i32>n + 127) << 23);
}

// ---- expm1 (for ELU): Taylor series to x⁸/8! for |x| < 0.5 (truncation < 2e-9 relative), else e^x − 1 ----

// @ts-ignore: decorator
@inline export function expm1_4(x: v128): v128 {
  const c8 = f32x4.splat(<f32>(1.0 / 40320)), c7 = f32x4.splat(<f32>(1.0 / 5040)), c6 = f32x4.splat(<f32>(1.0 / 720));
  const c5 = f32x4.splat(<f32>(1.0 / 120)), c4 = f32x4.splat(<f32>(1.0 / 24)), c3 = f32x4.splat(<f32>(1.0 / 6));
  let p = f32x4.add(f32x4.mul(c8, x), c7);
  p = f32x4.add(f32x4.mul(p, x), c6);
  p = f32x4.add(f32x4.mul(p, x), c5);
  p = f32x4.add(f32x4.mul(p, x), c4);
  p = f32x4.add(f32x4.mul(p, x), c3);
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(0.5));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, x), x), x);
  const big = f32x4.sub(exp4(x), f32x4.splat(1));
  return v128.bitselect(small, big, f32x4.lt(f32x4.abs(x), f32x4.splat(EXPM1_SMALL)));
}

// @ts-ignore: decorator
@inline export function expm1_1(x: f32): f32 {
  if (abs<f32>(x) < EXPM1_SMALL) {
    let p: f32 = <f32>(1.0 / 40320) * x + <f32>(1.0 / 5040);
    p = p * x + <f32>(1.0 / 720);
    p = p * x + <f32>(1.0 / 120);
    p = p * x + <f32>(1.0 / 24);
    p = p * x + <f32>(1.0 / 6);
    p = p * x + <f32>0.5;
    return p * x * x + x;
  }
  return exp1(x) - <f32>1;
}

// ---- sigmoid = 1 / (1 + e^−x): saturates to exactly 1 for x ≳ 17 and to a denormal (≤ 5e-39) at x = −300 ----

// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline export function sigmoid1(x: f32): f32 {
  return <f32>1 / (<f32>1 + exp1(-x));
}

// ---- tanh (Cephes tanhf): odd polynomial for |x| < 0.625, else 1 − 2/(e^{2|x|} + 1) with the sign restored ----

// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const e = exp4(f32x4.add(ax, ax));
  const one = f32x4.splat(1);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  const bigSigned = v128.or(big, v128.and(x, i32x4.splat(SIGN)));
  const z = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T0), z), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  return v128.bitselect(small, bigSigned, f32x4.lt(ax, f32x4.splat(TANH_SMALL)));
}

// @ts-ignore: decorator
@inline export function tanh1(x: f32): f32 {
  const ax = abs<f32>(x);
  if (ax < TANH_SMALL) {
    const z = x * x;
    let p = T0 * z + T1;
    p = p * z + T2;
    p = p * z + T3;
    p = p * z + T4;
    return p * z * x + x;
  }
  const big = <f32>1 - <f32>2 / (exp1(ax + ax) + <f32>1);
  return copysign<f32>(big, x);
}
