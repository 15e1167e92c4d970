// native/impl.h — every kernel of the native backend, written once and compiled once per instruction
// set: isa-avx512.cc, isa-avx2.cc and isa-base.cc define NS (the namespace), VL (f32 lanes per
// register), MR × NR (the GEMM register tile) and TABLE, then include this file with their own
// -m flags. Mirrors assembly/*.ts kernel by kernel (same formulas, same f32 operations, same
// double-precision decisions), so the parity tests of the wasm backend apply unchanged.
//
// Bit-identity for any thread count: addon.cc cuts a call into chunks of whole rows (pointwise
// kernels) or whole register tiles (GEMM); every element is computed by the same operations in the
// same order whichever chunk holds it. The GEMM walks K in the same KC blocks for every tile, and a
// tile at the matrix edge runs the full tile and stores only its valid part.
// Not here: threads and argument checks (addon.cc), choosing an ISA (addon.cc), exp/tanh (math.h).
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include "kernels.h"

namespace NS {
#include "math.h"

typedef float vf __attribute__((vector_size(VL * 4)));
static inline vf loadu(const float* p) { vf v; std::memcpy(&v, p, sizeof v); return v; }
static inline void storeu(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
/** s in every lane. (Not `(vf){} + s`: 0 + s is not s for s = −0, so the compiler must emit a scalar
 *  add before every broadcast — 12 extra adds per k step in the GEMM's micro-kernel.) */
static inline vf splat(float s) { return s - (vf){}; }   // s − (+0) is s exactly, −0 included
static inline int imin(int a, int b) { return a < b ? a : b; }

/** Σ of the lanes by halving (lo + hi, then again): a fixed order, log2(VL) vector adds. */
template <int W> struct Vec { typedef float type __attribute__((vector_size(W * 4))); };
template <int W> static inline float hsumW(typename Vec<W>::type v) {
  if constexpr (W == 2) return v[0] + v[1];
  else {
    typename Vec<W / 2>::type lo, hi;
    std::memcpy(&lo, &v, W * 2); std::memcpy(&hi, reinterpret_cast<const char*>(&v) + W * 2, W * 2);
    return hsumW<W / 2>(lo + hi);
  }
}
static inline float hsum(vf v) { return hsumW<VL>(v); }

// ================================ GEMM ================================
// Goto/BLIS blocking (Goto & van de Geijn, "Anatomy of high-performance matrix multiplication",
// 2008): B is packed into KC × NR panels, A into MR × KC panels, and an MR × NR tile of C lives in
// registers while K runs. KC fixed: the order in which an element's products are summed depends
// on K alone.
constexpr int KC = 256;
constexpr int MC = MR * (VL == 16 ? 12 : 16);
constexpr int NC = NR * 128;
constexpr int NV = NR / VL;                           // vectors per tile row

/** Per-thread packing buffers (each pool thread packs its own blocks). */
struct Workspace { float* a = nullptr; float* b = nullptr; float* tail = nullptr; };
static Workspace& workspace() {
  thread_local Workspace w;
  if (!w.a) {
    w.a = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * MC * KC));
    w.b = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * (size_t)KC * NC));
    w.tail = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * KC * NR));
  }
  return w;
}

typedef float v4 __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));
static inline v4 load4(const float* p) { v4 v; std::memcpy(&v, p, sizeof v); return v; }
static inline void store4(float* p, v4 v) { std::memcpy(p, &v, sizeof v); }

/** dst[k·W + r] = src[r·ld + k] for r < rows, k < kc, and 0 for rows ≤ r < W: a block whose rows run
 *  along k becomes a k-major panel. Four rows × four k at a time are transposed in registers (two
 *  rounds of pairwise interleaving), so the copy uses vector loads and stores instead of one scalar
 *  store per element (the packing of NN's A and of NT's A and B took 5–10 % of a 512³ product). */
static void packTransposed(float* dst, const float* src, int rows, int W, int kc, long ld) {
  int r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float* s0 = src + r * ld;
    const float* s1 = s0 + ld;
    const float* s2 = s1 + ld;
    const float* s3 = s2 + ld;
    int k = 0;
    for (; k + 4 <= kc; k += 4) {
      const v4 a = load4(s0 + k), b = load4(s1 + k), c = load4(s2 + k), d = load4(s3 + k);
      const v4 ab01 = __builtin_shuffle(a, b, (v4i){0, 4, 1, 5}), cd01 = __builtin_shuffle(c, d, (v4i){0, 4, 1, 5});
      const v4 ab23 = __builtin_shuffle(a, b, (v4i){2, 6, 3, 7}), cd23 = __builtin_shuffle(c, d, (v4i){2, 6, 3, 7});
      float* o = dst + (size_t)k * W + r;
      store4(o, __builtin_shuffle(ab01, cd01, (v4i){0, 1, 4, 5}));
      store4(o + W, __builtin_shuffle(ab01, cd01, (v4i){2, 3, 6, 7}));
      store4(o + 2 * W, __builtin_shuffle(ab23, cd23, (v4i){0, 1, 4, 5}));
      store4(o + 3 * W, __builtin_shuffle(ab23, cd23, (v4i){2, 3, 6, 7}));
    }
    for (; k < kc; k++) {
      float* o = dst + (size_t)k * W + r;
      o[0] = s0[k]; o[1] = s1[k]; o[2] = s2[k]; o[3] = s3[k];
    }
  }
  for (; r < W; r++) {
    float* o = dst + r;
    if (r < rows) { const float* s0 = src + r * ld; for (int k = 0; k < kc; k++) o[(size_t)k * W] = s0[k]; }
    else for (int k = 0; k < kc; k++) o[(size_t)k * W] = 0;
  }
}

/** dst: kc × NR panels of B's block (k0.., j0..j0+nc), zero-padded to a whole panel. */
static void packB(float* dst, const float* B, int kc, int nc, long rsb, long csb) {
  for (int j0 = 0; j0 < nc; j0 += NR, dst += (size_t)kc * NR) {
    const int nr = imin(NR, nc - j0);
    if (csb == 1) {                                   // rows of B contiguous: copy row pieces
      for (int k = 0; k < kc; k++) {
        const float* src = B + k * rsb + j0;
        float* d = dst + (size_t)k * NR;
        int j = 0;
        for (; j < nr; j++) d[j] = src[j];
        for (; j < NR; j++) d[j] = 0;
      }
    } else if (rsb == 1) {                            // B given transposed (N,K): rows of it become columns
      packTransposed(dst, B + j0 * csb, nr, NR, kc, csb);
    } else {
      for (int j = 0; j < NR; j++) {
        if (j < nr) { const float* src = B + (j0 + j) * csb; for (int k = 0; k < kc; k++) dst[(size_t)k * NR + j] = src[k * rsb]; }
        else for (int k = 0; k < kc; k++) dst[(size_t)k * NR + j] = 0;
      }
    }
  }
}

/** dst: MR × kc panels of A's block (i0..i0+mc, k0..), zero-padded to a whole panel. */
static void packA(float* dst, const float* A, int mc, int kc, long rsa, long csa) {
  for (int i0 = 0; i0 < mc; i0 += MR, dst += (size_t)kc * MR) {
    const int mr = imin(MR, mc - i0);
    if (rsa == 1) {                                   // A given transposed (K,M): rows of the panel contiguous
      for (int k = 0; k < kc; k++) {
        const float* src = A + i0 + k * csa;
        float* d = dst + (size_t)k * MR;
        int i = 0;
        for (; i < mr; i++) d[i] = src[i];
        for (; i < MR; i++) d[i] = 0;
      }
      continue;
    }
    if (csa == 1) { packTransposed(dst, A + i0 * rsa, mr, MR, kc, rsa); continue; }   // A's rows contiguous (NN, NT)
    for (int i = 0; i < MR; i++) {
      if (i < mr) { const float* src = A + (i0 + i) * rsa; for (int k = 0; k < kc; k++) dst[(size_t)k * MR + i] = src[k * csa]; }
      else for (int k = 0; k < kc; k++) dst[(size_t)k * MR + i] = 0;
    }
  }
}

/** C tile (R rows, nr ≤ NR columns) += Σ_k a(i,k)·b(k,j) over kc. a(i,k) = a[i·ai + k·ak];
 *  row k of b starts at b + k·bk. One instantiation per row count, so a short edge tile (or a
 *  one-row product) does only its own rows' work; every element is the same chain of multiply-adds
 *  over k whichever R computes it. */
template <int R>
static inline void tile(int kc, const float* a, long ai, long ak, const float* b, long bk, float* C, long ldc, int nr) {
  vf acc[R][NV];
  const float* rows[R];
#pragma GCC unroll 16
  for (int i = 0; i < R; i++) { rows[i] = a + i * ai; for (int v = 0; v < NV; v++) acc[i][v] = (vf){}; }
  for (int k = 0; k < kc; k++) {
    vf bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) bv[v] = loadu(b + v * VL);
#pragma GCC unroll 16
    for (int i = 0; i < R; i++) {
      const vf av = splat(rows[i][k * ak]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[i][v] += av * bv[v];
    }
    b += bk;
  }
  if (nr == NR) {
#pragma GCC unroll 16
    for (int i = 0; i < R; i++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) storeu(C + i * ldc + v * VL, loadu(C + i * ldc + v * VL) + acc[i][v]);
  } else {
    float t[R * NR];
    for (int i = 0; i < R; i++) for (int v = 0; v < NV; v++) storeu(t + i * NR + v * VL, acc[i][v]);
    for (int i = 0; i < R; i++) for (int j = 0; j < nr; j++) C[i * ldc + j] += t[i * NR + j];
  }
}

template <int R>
static inline void tileUpTo(int rows, int kc, const float* a, long ai, long ak, const float* b, long bk, float* C, long ldc, int nr) {
  if constexpr (R > 1) { if (rows < R) { tileUpTo<R - 1>(rows, kc, a, ai, ak, b, bk, C, ldc, nr); return; } }
  tile<R>(kc, a, ai, ak, b, bk, C, ldc, nr);
}

/** Packed tile for a packed A panel: a(i,k) = a[k·MR + i] (a special case the compiler sees). */
static inline void tilePacked(int kc, const float* a, const float* b, float* C, long ldc, int mr, int nr) {
  vf acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) for (int v = 0; v < NV; v++) acc[i][v] = (vf){};
  for (int k = 0; k < kc; k++) {
    vf bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) bv[v] = loadu(b + v * VL);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const vf av = splat(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[i][v] += av * bv[v];
    }
    a += MR; b += NR;
  }
  if (mr == MR && nr == NR) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) storeu(C + i * ldc + v * VL, loadu(C + i * ldc + v * VL) + acc[i][v]);
  } else {
    float t[MR * NR];
    for (int i = 0; i < MR; i++) for (int v = 0; v < NV; v++) storeu(t + i * NR + v * VL, acc[i][v]);
    for (int i = 0; i < mr; i++) for (int j = 0; j < nr; j++) C[i * ldc + j] += t[i * NR + j];
  }
}

/** The packed path: both operands packed per block (large M). */
static void gemmPacked(float* C, const float* A, const float* B, int M, int N, int K,
                       long rsa, long csa, long rsb, long csb, long ldc) {
  Workspace& w = workspace();
  for (int jc = 0; jc < N; jc += NC) {
    const int nc = imin(NC, N - jc);
    for (int pc = 0; pc < K; pc += KC) {
      const int kc = imin(KC, K - pc);
      packB(w.b, B + pc * rsb + jc * csb, kc, nc, rsb, csb);
      for (int ic = 0; ic < M; ic += MC) {
        const int mc = imin(MC, M - ic);
        packA(w.a, A + ic * rsa + pc * csa, mc, kc, rsa, csa);
        for (int jr = 0; jr < nc; jr += NR)
          for (int ir = 0; ir < mc; ir += MR)
            tilePacked(kc, w.a + (size_t)ir * kc, w.b + (size_t)jr * kc, C + (ic + ir) * ldc + jc + jr, ldc,
                       imin(MR, mc - ir), imin(NR, nc - jr));
      }
    }
  }
}

/** C (M,N) += A·Bᵀ for few rows, both read along K in place (no packing: a time step's h·W_hhᵀ
 *  would otherwise re-pack the whole weight every step). RI × CJ dot products at a time, VL lanes
 *  of K per register, the lanes summed in a fixed order, then the K tail: every element the same
 *  operations whichever block computes it. Columns past the edge repeat the last valid one and are
 *  not stored. */
template <int RI, int CJ>
static inline void dotBlock(float* C, const float* A, const float* B, int i0, int N, int K, long lda, long ldb, long ldc) {
  const int K0 = K - K % VL;
  const float* a[RI];
  for (int i = 0; i < RI; i++) a[i] = A + (i0 + i) * lda;
  for (int j0 = 0; j0 < N; j0 += CJ) {
    const float* b[CJ];
    for (int j = 0; j < CJ; j++) b[j] = B + imin(j0 + j, N - 1) * ldb;
    vf acc[RI][CJ];
    for (int i = 0; i < RI; i++) for (int j = 0; j < CJ; j++) acc[i][j] = (vf){};
    for (int k = 0; k < K0; k += VL) {
      vf bv[CJ];
#pragma GCC unroll 8
      for (int j = 0; j < CJ; j++) bv[j] = loadu(b[j] + k);
#pragma GCC unroll 4
      for (int i = 0; i < RI; i++) {
        const vf av = loadu(a[i] + k);
#pragma GCC unroll 8
        for (int j = 0; j < CJ; j++) acc[i][j] += av * bv[j];
      }
    }
    for (int i = 0; i < RI; i++) {
      for (int j = 0; j < CJ && j0 + j < N; j++) {
        float s = hsum(acc[i][j]);
        for (int k = K0; k < K; k++) s += a[i][k] * b[j][k];
        C[(i0 + i) * ldc + j0 + j] += s;
      }
    }
  }
}

static void gemmDotNT(float* C, const float* A, const float* B, int M, int N, int K, long lda, long ldb, long ldc) {
  int i0 = 0;
  for (; i0 + 4 <= M; i0 += 4) dotBlock<4, 4>(C, A, B, i0, N, K, lda, ldb, ldc);
  for (; i0 < M; i0++) dotBlock<1, 8>(C, A, B, i0, N, K, lda, ldb, ldc);
}

/** Few rows, B's rows contiguous (NN, TN): B read in place, only a ragged last panel copied. */
static void gemmSmallRows(float* C, const float* A, const float* B, int M, int N, int K,
                          long rsa, long csa, long rsb, long ldc) {
  Workspace& w = workspace();
  for (int pc = 0; pc < K; pc += KC) {
    const int kc = imin(KC, K - pc);
    for (int jr = 0; jr < N; jr += NR) {
      const int nr = imin(NR, N - jr);
      const float* b = B + pc * rsb + jr;
      long bk = rsb;
      if (nr < NR) { packB(w.tail, b, kc, nr, rsb, 1); b = w.tail; bk = NR; }
      for (int ir = 0; ir < M; ir += MR)
        tileUpTo<MR>(imin(MR, M - ir), kc, A + ir * rsa + pc * csa, rsa, csa, b, bk, C + ir * ldc + jr, ldc, nr);
    }
  }
}

static void gemm(float* C, const float* A, const float* B, int M, int N, int K,
                 long rsa, long csa, long rsb, long csb, long ldc, int small) {
  if (M <= 0 || N <= 0 || K <= 0) return;
  if (small && csb == 1) gemmSmallRows(C, A, B, M, N, K, rsa, csa, rsb, ldc);
  else if (small && csa == 1 && rsb == 1) gemmDotNT(C, A, B, M, N, K, rsa, csb, ldc);
  else gemmPacked(C, A, B, M, N, K, rsa, csa, rsb, csb, ldc);
}

// ================================ rows and vectors ================================

static void fillRows(float* out, const float* row, int M, int N) {
  for (int m = 0; m < M; m++) std::memcpy(out + (size_t)m * N, row, sizeof(float) * N);
}

/** dRow (N) += Σ_m A (M,N): each column summed in f32 from 0 over m in order, added once. */
static void sumRows(float* dRow, const float* A, int M, int N, int ld) {
  constexpr int W = 4 * VL;
  int j = 0;
  for (; j + W <= N; j += W) {
    float s[W] = {};
    for (int m = 0; m < M; m++) {
      const float* p = A + (size_t)m * ld + j;
#pragma GCC unroll 64
      for (int l = 0; l < W; l++) s[l] += p[l];
    }
    for (int l = 0; l < W; l++) dRow[j + l] += s[l];
  }
  for (; j < N; j++) {
    float s = 0;
    for (int m = 0; m < M; m++) s += A[(size_t)m * ld + j];
    dRow[j] += s;
  }
}

static void axpy(float* __restrict y, const float* __restrict x, float a, long n) {
  for (long i = 0; i < n; i++) y[i] += a * x[i];
}

static void clipForward(float* out, const float* x, double limit, long n) {
  const float hi = (float)limit, lo = -hi;
  for (long i = 0; i < n; i++) out[i] = minf(maxf(x[i], lo), hi);
}

/** The largest f32 ≤ v: `x ≤ hi` ⟺ `x ≤ v` for every f32 x (assembly/rows.ts f32AtMost). */
static float f32AtMost(double v) {
  const float r = (float)v;
  if ((double)r <= v) return r;
  const int32_t bits = floatToBits(r);
  if (r > 0) return bitsToFloat(bits - 1);
  if (r == 0) return bitsToFloat((int32_t)0x80000001);
  return bitsToFloat(bits + 1);
}

static void clipBackward(float* dx, const float* dy, const float* x, double limit, long n) {
  const float hi = f32AtMost(limit), lo = -hi;
  for (long i = 0; i < n; i++) { const float d = dx[i]; dx[i] = (x[i] >= lo && x[i] <= hi) ? d + dy[i] : d; }
}

// ================================ activations ================================

template <int A> static void actForwardT(float* __restrict y, const float* __restrict x, long n) {
  for (long i = 0; i < n; i++) y[i] = act1(x[i], A);
}
template <int A> static void actBackwardT(float* __restrict dx, const float* __restrict dy, const float* __restrict y, long n) {
  for (long i = 0; i < n; i++) dx[i] += dy[i] * actGrad1(y[i], A);
}

#define DISPATCH_ACT(code, CALL) \
  switch (code) { \
    case TANH: CALL(TANH); break; case SIGMOID: CALL(SIGMOID); break; case RELU: CALL(RELU); break; \
    case SOFTSIGN: CALL(SOFTSIGN); break; case HARD_SIGMOID: CALL(HARD_SIGMOID); break; \
    case HARD_SIGMOID_V3: CALL(HARD_SIGMOID_V3); break; case ELU: CALL(ELU); break; default: CALL(LINEAR); }

static void actForward(float* y, const float* x, long n, int act) {
  if (y == x) { for (long i = 0; i < n; i++) y[i] = act1(x[i], act); return; }   // in place: no restrict
#define CALL(A) actForwardT<A>(y, x, n)
  DISPATCH_ACT(act, CALL)
#undef CALL
}
static void actBackward(float* dx, const float* dy, const float* y, long n, int act) {
  if (dx == dy || dx == y) { for (long i = 0; i < n; i++) dx[i] += dy[i] * actGrad1(y[i], act); return; }
#define CALL(A) actBackwardT<A>(dx, dy, y, n)
  DISPATCH_ACT(act, CALL)
#undef CALL
}

static void expForward(float* y, const float* x, long n) { for (long i = 0; i < n; i++) y[i] = exp1(x[i]); }

// ================================ LSTM (gate order i, f, g, o) ================================

template <int GA, int CA, bool PEEP, bool CLIP>
static void lstmForwardT(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                         int B, int H, float fb, float L) {
  for (int b = 0; b < B; b++) {
    const float* zr = z + (size_t)b * 4 * H; float* gr = gates + (size_t)b * 4 * H;
    const float* cp = cPrev + (size_t)b * H; float* cr = c + (size_t)b * H; float* mr = m + (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float cpj = cp[j];
      float zi = zr[j], zf = zr[H + j] + fb;
      if (PEEP) { zi += peep[j] * cpj; zf += peep[H + j] * cpj; }
      const float i = act1(zi, GA), f = act1(zf, GA), g = act1(zr[2 * H + j], CA);
      float ct = f * cpj + i * g;
      if (CLIP) ct = minf(maxf(ct, -L), L);
      cr[j] = ct;
      float zo = zr[3 * H + j];
      if (PEEP) zo += peep[2 * H + j] * ct;          // o peeks at the clipped c_t
      const float og = act1(zo, GA);
      gr[j] = i; gr[H + j] = f; gr[2 * H + j] = g; gr[3 * H + j] = og;
      mr[j] = og * act1(ct, CA);
    }
  }
}

template <int GA, int CA>
static void lstmForwardA(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                         int B, int H, float fb, double clip) {
  const float L = (float)clip;
  if (peep) { if (clip >= 0) lstmForwardT<GA, CA, true, true>(gates, c, m, z, cPrev, peep, B, H, fb, L);
              else lstmForwardT<GA, CA, true, false>(gates, c, m, z, cPrev, peep, B, H, fb, L); }
  else { if (clip >= 0) lstmForwardT<GA, CA, false, true>(gates, c, m, z, cPrev, peep, B, H, fb, L);
         else lstmForwardT<GA, CA, false, false>(gates, c, m, z, cPrev, peep, B, H, fb, L); }
}

/** Runtime activation codes (not the common pair): the same body, codes as ordinary arguments. */
static void lstmForwardAny(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                           int B, int H, float fb, double clip, int ga, int ca) {
  const float L = (float)clip;
  for (int b = 0; b < B; b++) {
    const float* zr = z + (size_t)b * 4 * H; float* gr = gates + (size_t)b * 4 * H;
    const float* cp = cPrev + (size_t)b * H; float* cr = c + (size_t)b * H; float* mr = m + (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float cpj = cp[j];
      float zi = zr[j], zf = zr[H + j] + fb;
      if (peep) { zi += peep[j] * cpj; zf += peep[H + j] * cpj; }
      const float i = act1(zi, ga), f = act1(zf, ga), g = act1(zr[2 * H + j], ca);
      float ct = f * cpj + i * g;
      if (clip >= 0) ct = minf(maxf(ct, -L), L);
      cr[j] = ct;
      float zo = zr[3 * H + j];
      if (peep) zo += peep[2 * H + j] * ct;
      const float og = act1(zo, ga);
      gr[j] = i; gr[H + j] = f; gr[2 * H + j] = g; gr[3 * H + j] = og;
      mr[j] = og * act1(ct, ca);
    }
  }
}

static void lstmForward(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                        int B, int H, const LstmOpts& o) {
  if (o.gateAct == SIGMOID && o.cellAct == TANH) lstmForwardA<SIGMOID, TANH>(gates, c, m, z, cPrev, peep, B, H, o.forgetBias, o.cellClip);
  else lstmForwardAny(gates, c, m, z, cPrev, peep, B, H, o.forgetBias, o.cellClip, o.gateAct, o.cellAct);
}

/** One row of the LSTM backward (the clip decision in double, exactly as the reference makes it). */
template <bool PEEP, bool CLIP>
static inline void lstmBackwardRow(float* dz, float* dcp_, float* dPeep, const float* dm, const float* dc, const float* gr,
                                   const float* c, const float* cp, const float* peep, int H, double clip, int ga, int ca) {
  #pragma GCC ivdep
  for (int j = 0; j < H; j++) {
    const float i = gr[j], f = gr[H + j], g = gr[2 * H + j], og = gr[3 * H + j];
    const float ct = c[j], cpj = cp[j], dmj = dm[j];
    const float ac = act1(ct, ca);                   // recomputed: cheaper than saving (B,H) per step
    const float dzo = dmj * ac * actGrad1(og, ga);
    float dct = dc[j] + dmj * og * actGrad1(ac, ca);
    if (PEEP) { dct += dzo * peep[2 * H + j]; dPeep[2 * H + j] += dzo * ct; }
    if (CLIP) {
      const double raw = (double)f * (double)cpj + (double)i * (double)g;
      dct = (raw < -clip || raw > clip) ? 0.0f : dct;
    }
    const float dzi = dct * g * actGrad1(i, ga);
    const float dzf = dct * cpj * actGrad1(f, ga);
    dz[j] += dzi;
    dz[H + j] += dzf;
    dz[2 * H + j] += dct * i * actGrad1(g, ca);
    dz[3 * H + j] += dzo;
    float dcp = dct * f;
    if (PEEP) {
      dcp += dzi * peep[j] + dzf * peep[H + j];
      dPeep[j] += dzi * cpj; dPeep[H + j] += dzf * cpj;
    }
    dcp_[j] += dcp;
  }
}

template <int GA, int CA, bool PEEP, bool CLIP>
static void lstmBackwardT(float* dz, float* dcPrev, float* dPeep, const float* dm, const float* dc, const float* gates,
                          const float* c, const float* cPrev, const float* peep, int B, int H, double clip) {
  for (int b = 0; b < B; b++) {
    const size_t s = (size_t)b * H, z4 = (size_t)b * 4 * H;
    lstmBackwardRow<PEEP, CLIP>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, clip, GA, CA);
  }
}

static void lstmBackward(float* dz, float* dcPrev, float* dPeep, const float* dm, const float* dc, const float* gates,
                         const float* c, const float* cPrev, const float* peep, int B, int H, const LstmOpts& o) {
  const bool clip = o.cellClip >= 0;
  if (o.gateAct == SIGMOID && o.cellAct == TANH && !peep) {
    if (clip) lstmBackwardT<SIGMOID, TANH, false, true>(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o.cellClip);
    else lstmBackwardT<SIGMOID, TANH, false, false>(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o.cellClip);
    return;
  }
  for (int b = 0; b < B; b++) {
    const size_t s = (size_t)b * H, z4 = (size_t)b * 4 * H;
    if (peep) {
      if (clip) lstmBackwardRow<true, true>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, o.cellClip, o.gateAct, o.cellAct);
      else lstmBackwardRow<true, false>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, o.cellClip, o.gateAct, o.cellAct);
    } else {
      if (clip) lstmBackwardRow<false, true>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, o.cellClip, o.gateAct, o.cellAct);
      else lstmBackwardRow<false, false>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, o.cellClip, o.gateAct, o.cellAct);
    }
  }
}

// ================================ GRU (gate order r, z, n) ================================

template <int GA>
static void gruGatesForwardT(float* gates, float* rh, const float* xz, const float* hRZ, const float* hPrev, int B, int H, int ga) {
  for (int b = 0; b < B; b++) {
    float* g = gates + (size_t)b * 3 * H; const float* x = xz + (size_t)b * 3 * H; const float* r = hRZ + (size_t)b * 2 * H;
    #pragma GCC ivdep
    for (int j = 0; j < 2 * H; j++) g[j] = act1(x[j] + r[j], GA < 0 ? ga : GA);
    const float* hp = hPrev + (size_t)b * H; float* o = rh + (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) o[j] = g[j] * hp[j];
  }
}
static void gruGatesForward(float* gates, float* rh, const float* xz, const float* hRZ, const float* hPrev, int B, int H, int ga) {
  if (ga == SIGMOID) gruGatesForwardT<SIGMOID>(gates, rh, xz, hRZ, hPrev, B, H, ga);
  else gruGatesForwardT<-1>(gates, rh, xz, hRZ, hPrev, B, H, ga);
}

template <int CA, bool RA>
static void gruCandidateForwardT(float* gates, float* h, const float* xz, const float* hN, const float* hPrev, int B, int H, int ca) {
  for (int b = 0; b < B; b++) {
    float* g = gates + (size_t)b * 3 * H; const float* x = xz + (size_t)b * 3 * H;
    const float* hn = hN + (size_t)b * H; const float* hp = hPrev + (size_t)b * H; float* ho = h + (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float r = g[j], zg = g[H + j];
      const float n = act1(x[2 * H + j] + (RA ? r * hn[j] : hn[j]), CA < 0 ? ca : CA);
      g[2 * H + j] = n;
      ho[j] = (1.0f - zg) * n + zg * hp[j];
    }
  }
}
static void gruCandidateForward(float* gates, float* h, const float* xz, const float* hN, const float* hPrev, int B, int H,
                                int resetAfter, int ca) {
  if (ca == TANH) { if (resetAfter) gruCandidateForwardT<TANH, true>(gates, h, xz, hN, hPrev, B, H, ca);
                    else gruCandidateForwardT<TANH, false>(gates, h, xz, hN, hPrev, B, H, ca); }
  else { if (resetAfter) gruCandidateForwardT<-1, true>(gates, h, xz, hN, hPrev, B, H, ca);
         else gruCandidateForwardT<-1, false>(gates, h, xz, hN, hPrev, B, H, ca); }
}

template <int GA, int CA, bool RA>
static void gruCandidateBackwardT(float* dxz, float* dhRZ, float* dhN, float* dhPrev, const float* dh, const float* gates,
                                  const float* hN, const float* hPrev, int B, int H, int ga_, int ca_) {
  const int ga = GA < 0 ? ga_ : GA, ca = CA < 0 ? ca_ : CA;
  for (int b = 0; b < B; b++) {
    const float* g = gates + (size_t)b * 3 * H; float* dx = dxz + (size_t)b * 3 * H; float* drz = dhRZ + (size_t)b * 2 * H;
    const size_t s = (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float r = g[j], zg = g[H + j], n = g[2 * H + j];
      const float d = dh[s + j], hp = hPrev[s + j];
      const float dn = d * (1.0f - zg) * actGrad1(n, ca);
      const float dzz = d * (hp - n) * actGrad1(zg, ga);
      dx[2 * H + j] += dn;
      dx[H + j] += dzz; drz[H + j] += dzz;
      if (RA) {
        dhN[s + j] += dn * r;
        const float dr = dn * hN[s + j] * actGrad1(r, ga);
        dx[j] += dr; drz[j] += dr;
      } else {
        dhN[s + j] += dn;
      }
      dhPrev[s + j] += d * zg;
    }
  }
}
static void gruCandidateBackward(float* dxz, float* dhRZ, float* dhN, float* dhPrev, const float* dh, const float* gates,
                                 const float* hN, const float* hPrev, int B, int H, int resetAfter, int ga, int ca) {
  if (ga == SIGMOID && ca == TANH) {
    if (resetAfter) gruCandidateBackwardT<SIGMOID, TANH, true>(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, ga, ca);
    else gruCandidateBackwardT<SIGMOID, TANH, false>(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, ga, ca);
  } else {
    if (resetAfter) gruCandidateBackwardT<-1, -1, true>(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, ga, ca);
    else gruCandidateBackwardT<-1, -1, false>(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, ga, ca);
  }
}

static void gruResetBackward(float* dxz, float* dhRZ, float* dhPrev, const float* dRh, const float* gates,
                             const float* hPrev, int B, int H, int ga) {
  for (int b = 0; b < B; b++) {
    const float* g = gates + (size_t)b * 3 * H; float* dx = dxz + (size_t)b * 3 * H; float* drz = dhRZ + (size_t)b * 2 * H;
    const size_t s = (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float r = g[j], d = dRh[s + j];
      const float dr = d * hPrev[s + j] * actGrad1(r, ga);
      dx[j] += dr; drz[j] += dr;
      dhPrev[s + j] += d * r;
    }
  }
}

// ================================ loss and optimizers (assembly/train.ts) ================================

/** One row of softmax cross-entropy: returns logsumexp(z) − z[label]; dRow (if given) OVERWRITTEN
 *  with scale·(softmax − onehot). The caller handles label −1 rows. */
static double softmaxXentRow(float* d, const float* row, int y, int C, float scale) {
  float mx = -INFINITY;
  for (int j = 0; j < C; j++) mx = (row[j] > mx || row[j] != row[j]) ? row[j] : mx;   // a NaN logit makes the loss NaN
  double s = 0;
  for (int j = 0; j < C; j++) s += (double)exp1(row[j] - mx);
  const double logSum = (double)mx + std::log(s);
  const double loss = logSum - (double)row[y];
  if (d) {
    // softmax = exp(z − max)/Σ: z − max is exact near the top (see assembly/train.ts)
    const float f = (float)((double)scale / std::exp(logSum - (double)mx));
    for (int j = 0; j < C; j++) d[j] = exp1(row[j] - mx) * f;
    d[y] -= scale;
  }
  return loss;
}

static double sumSquares(const float* x, long n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;              // four running sums, combined at the end: a fixed order
  long i = 0;
  for (; i + 4 <= n; i += 4) {
    const double a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
    s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d;
  }
  double s = (s0 + s1) + (s2 + s3);
  for (; i < n; i++) s += (double)x[i] * x[i];
  return s;
}

static void scale(float* x, float a, long n) { for (long i = 0; i < n; i++) x[i] *= a; }

static void sgdStep(float* __restrict p, const float* __restrict g, float* __restrict buf, long n, float lr, float mu,
                    int nesterov, float wd, int first) {
  if (!buf) { for (long i = 0; i < n; i++) { const float gi = g[i] + wd * p[i]; p[i] = p[i] - lr * gi; } return; }
  for (long i = 0; i < n; i++) {
    float gi = g[i] + wd * p[i];
    const float b = first ? gi : mu * buf[i] + gi;
    buf[i] = b;
    gi = nesterov ? gi + mu * b : b;
    p[i] = p[i] - lr * gi;
  }
}

static void adamStep(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, long n,
                     float b1, float b1c, float b2, float b2c, float eps, float wd, int decoupled, float decay,
                     float stepSize, float bc2Sqrt) {
  for (long i = 0; i < n; i++) {
    float gi = g[i], pi = p[i];
    if (decoupled) pi *= decay; else gi += wd * pi;
    const float mi = m[i] * b1 + gi * b1c, vi = v[i] * b2 + gi * gi * b2c;
    m[i] = mi; v[i] = vi;
    p[i] = pi - stepSize * mi / (std::sqrt(vi) / bc2Sqrt + eps);
  }
}

static void rmspropStep(float* __restrict p, const float* __restrict g, float* __restrict v, long n, float lr, float alpha,
                        float ac, float eps, float wd) {
  for (long i = 0; i < n; i++) {
    const float gi = g[i] + wd * p[i];
    const float vi = v[i] * alpha + gi * gi * ac;
    v[i] = vi;
    p[i] = p[i] - lr * gi / (std::sqrt(vi) + eps);
  }
}

static void adagradStep(float* __restrict p, const float* __restrict g, float* __restrict s, long n, float clr, float eps, float wd) {
  for (long i = 0; i < n; i++) {
    const float gi = g[i] + wd * p[i];
    const float si = s[i] + gi * gi;
    s[i] = si;
    p[i] = p[i] - clr * gi / (std::sqrt(si) + eps);
  }
}

// ================================ the FMA ceiling ================================

/** 24 independent multiply-add chains (more than the FMA latency × ports in flight), no memory. */
static double peak(double seconds) {
  constexpr int CH = VL == 16 ? 24 : 12;              // 32 registers with AVX-512, 16 otherwise
  vf acc[CH];
  for (int c = 0; c < CH; c++) acc[c] = splat(1.0f + c * 1e-3f);
  const vf mul = splat(0.999999f), add = splat(1e-7f);
  long iters = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double elapsed = 0;
  do {
    for (int r = 0; r < 4096; r++) {
#pragma GCC unroll 24
      for (int c = 0; c < CH; c++) acc[c] = acc[c] * mul + add;
    }
    iters += 4096;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (elapsed < seconds);
  float sink = 0;
  for (int c = 0; c < CH; c++) sink += acc[c][0];
  if (sink == 12345.f) std::abort();
  return 2.0 * VL * CH * (double)iters / elapsed / 1e9;
}

}  // namespace NS

extern const KernelTable TABLE;
const KernelTable TABLE = {
  ISA_NAME, VL,
  NS::gemm, MR, NR,
  NS::fillRows, NS::sumRows, NS::axpy, NS::clipForward, NS::clipBackward,
  NS::actForward, NS::actBackward,
  NS::lstmForward, NS::lstmBackward,
  NS::gruGatesForward, NS::gruCandidateForward, NS::gruCandidateBackward, NS::gruResetBackward,
  NS::softmaxXentRow, NS::sumSquares, NS::scale,
  NS::sgdStep, NS::adamStep, NS::rmspropStep, NS::adagradStep,
  NS::expForward, NS::peak,
};
