// native/rows.h — row and vector kernels, activations.
// Included by impl.h inside its namespace, once per instruction set (see impl.h); not on its own.

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
