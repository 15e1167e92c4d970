// native/math.h — f32 elementary functions for the native kernels, the same formulas as
// assembly/math.ts (Cephes expf / tanhf, Cody–Waite reduction), written as straight-line scalar
// code without branches so that GCC/Clang vectorise the loops that call them for whichever
// instruction set the including file is compiled for (AVX-512, AVX2+FMA, or baseline SSE2).
// Included by impl.h inside an ISA namespace; `static inline` keeps one copy per ISA.
#pragma once
#include <cstdint>
#include <cstring>

static inline float bitsToFloat(int32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
static inline int32_t floatToBits(float f) { int32_t b; std::memcpy(&b, &f, 4); return b; }
// min/max of a value x and a bound b that keep a NaN x (as wasm's f32x4.min/max and JavaScript's
// Math.min/max do): a NaN must reach the output, not be clamped to a finite bound.
static inline float minf(float x, float b) { return b < x ? b : x; }
static inline float maxf(float x, float b) { return b > x ? b : x; }

// ---- constants (Cephes expf.c / tanhf.c, single precision; see assembly/math.ts) ----
constexpr float LOG2E = 1.44269504088896341f;
constexpr float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;  // Cody–Waite split of ln 2
constexpr float EXP_HI = 88.3762626647949f, EXP_LO = -87.6f;      // keeps 2^n in the normal range
constexpr float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
constexpr float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
constexpr float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f;
constexpr float T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;
constexpr float TANH_SMALL = 0.625f, EXPM1_SMALL = 0.5f;
constexpr float ROUND_MAGIC = 12582912.0f;           // 1.5·2^23: (v + M) − M rounds |v| < 2^22 to nearest even

/** e^x: x = n·ln2 + r, e^r ≈ 1 + r + r²·P(r), 2^n from exponent bits. */
static inline float exp1(float x) {
  x = maxf(minf(x, EXP_HI), EXP_LO);
  const float n = (x * LOG2E + ROUND_MAGIC) - ROUND_MAGIC;
  float r = x - n * LN2_HI;
  r = r - n * LN2_LO;
  const float z = r * r;
  float p = P0 * r + P1;
  p = p * r + P2;
  p = p * r + P3;
  p = p * r + P4;
  p = p * r + P5;
  const float e = p * z + r + 1.0f;
  return e * bitsToFloat(((int32_t)n + 127) << 23);
}

/** e^x − 1: Taylor series to x⁸/8! for |x| < 0.5 (no cancellation), else e^x − 1. */
static inline float expm1_1(float x) {
  float p = (float)(1.0 / 40320) * x + (float)(1.0 / 5040);
  p = p * x + (float)(1.0 / 720);
  p = p * x + (float)(1.0 / 120);
  p = p * x + (float)(1.0 / 24);
  p = p * x + (float)(1.0 / 6);
  p = p * x + 0.5f;
  const float small = p * x * x + x, big = exp1(x) - 1.0f;
  return (x < EXPM1_SMALL && x > -EXPM1_SMALL) ? small : big;
}

static inline float sigmoid1(float x) { return 1.0f / (1.0f + exp1(-x)); }

/** tanh: odd polynomial below |x| = 0.625, else 1 − 2/(e^{2|x|} + 1) with the sign restored. */
static inline float tanh1(float x) {
  const float ax = x < 0 ? -x : x;
  const float big = 1.0f - 2.0f / (exp1(ax + ax) + 1.0f);
  const float bigSigned = bitsToFloat(floatToBits(big) | (floatToBits(x) & (int32_t)0x80000000));
  const float z = x * x;
  float p = T0 * z + T1;
  p = p * z + T2;
  p = p * z + T3;
  p = p * z + T4;
  const float small = p * z * x + x;
  return ax < TANH_SMALL ? small : bigSigned;
}

// ---- activations by code (numbering of `Act` in src/kernels/types.ts) ----
enum { LINEAR = 0, TANH = 1, SIGMOID = 2, RELU = 3, SOFTSIGN = 4, HARD_SIGMOID = 5, HARD_SIGMOID_V3 = 6, ELU = 7 };
constexpr float HS_SLOPE = 0.2f, HS3_SLOPE = (float)(1.0 / 6);

/** f(x); with a constant code (a template argument) the switch folds away and the loop vectorises. */
static inline float act1(float x, int act) {
  switch (act) {
    case TANH: return tanh1(x);
    case SIGMOID: return sigmoid1(x);
    case RELU: return x > 0 ? x : 0.0f;
    case SOFTSIGN: return x / (1.0f + (x < 0 ? -x : x));
    case HARD_SIGMOID: return minf(maxf(HS_SLOPE * x + 0.5f, 0.0f), 1.0f);
    case HARD_SIGMOID_V3: return minf(maxf(x * HS3_SLOPE + 0.5f, 0.0f), 1.0f);
    case ELU: { const float e = expm1_1(x); return x > 0 ? x : e; }
    default: return x;
  }
}

/** f′ written through the output y = f(x). */
static inline float actGrad1(float y, int act) {
  switch (act) {
    case TANH: return 1.0f - y * y;
    case SIGMOID: return y * (1.0f - y);
    case RELU: return y > 0 ? 1.0f : 0.0f;
    case SOFTSIGN: { const float t = 1.0f - (y < 0 ? -y : y); return t * t; }
    case HARD_SIGMOID: return y > 0 && y < 1 ? HS_SLOPE : 0.0f;
    case HARD_SIGMOID_V3: return y > 0 && y < 1 ? HS3_SLOPE : 0.0f;
    case ELU: return y > 0 ? 1.0f : y + 1.0f;
    default: return 1.0f;
  }
}
