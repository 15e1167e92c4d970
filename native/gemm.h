// native/gemm.h — GEMM: C += op(A)·op(B), packed (Goto/BLIS) or dot-product form by shape.
// Included by impl.h inside its namespace, once per instruction set (see impl.h); not on its own.

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

/** C[0, rows) × [0, nr) += acc, a register tile of R rows: whole vectors for a full tile, through a
 *  scratch tile at the matrix edge (the full tile was computed; only its valid part is stored). */
template <int R>
static inline __attribute__((always_inline)) void addTile(float* C, long ldc, const vf (&acc)[R][NV], int rows, int nr) {
  if (rows == R && nr == NR) {
#pragma GCC unroll 16
    for (int i = 0; i < R; i++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) storeu(C + i * ldc + v * VL, loadu(C + i * ldc + v * VL) + acc[i][v]);
  } else {
    float t[R * NR];
    for (int i = 0; i < R; i++) for (int v = 0; v < NV; v++) storeu(t + i * NR + v * VL, acc[i][v]);
    for (int i = 0; i < rows; i++) for (int j = 0; j < nr; j++) C[i * ldc + j] += t[i * NR + j];
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
  addTile<R>(C, ldc, acc, R, nr);
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
  addTile<MR>(C, ldc, acc, mr, nr);
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
