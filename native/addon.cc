// native/addon.cc — the Node-API face of the native kernels: argument checks (every buffer long
// enough for its dimensions — an out-of-bounds write here would corrupt the process), the choice of
// instruction set (AVX-512 → AVX2+FMA → baseline, from the CPU's features at load time), and how
// each kernel is cut into chunks for the thread pool. The JavaScript adapter
// (src/kernels/native/index.ts) sends float64 calls to the reference kernels and flattens option
// objects; everything else is checked here.
//
// Chunking: GEMMs by whole register tiles along N (a time step's wide, short product) or M;
// pointwise cell kernels by batch rows; elementwise kernels by blocks of 1024 floats; column sums
// by blocks of 64 columns. Every element is computed by the same operations whichever chunk holds
// it, so results are bit-identical for any thread count. Reductions over the whole call (sum of
// squares, the loss total, peephole gradients summed over the batch) run on one thread.
#include <node_api.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include "kernels.h"
#include "pool.h"

namespace {

const KernelTable* K = &kernels_base;
Pool pool;
// Where sharing starts to pay (bench/threads.ts --backend native on 2 cores: a time step's GEMM
// runs 1.0× as fast on two threads at 2^19 multiply-adds, 1.6–1.9× from 2^22; an LSTM step 0.98×
// at B·H = 4,096, 1.3–1.5× at 8,192)
double gemmParallelMacs = 1 << 19;                   // multiply-adds from which a GEMM is shared
double pointwiseParallel = 1 << 13;                  // B·H from which a cell step is shared
long elementwiseParallel = 1 << 15;                  // n from which an elementwise kernel is shared
int smallRows = 8;                                    // A·Bᵀ with M ≤ this: dot products on B in place (no packing)

struct JsError { enum Kind { Range, Type, Plain } kind; std::string msg; };
[[noreturn]] void fail(JsError::Kind k, std::string m) { throw JsError{k, std::move(m)}; }

/** The arguments of one call, with checked accessors named after the kernel and argument. */
struct Args {
  napi_env env;
  const char* fn;
  napi_value v[16];
  size_t n = 16;
  Args(napi_env e, napi_callback_info info, const char* name) : env(e), fn(name) {
    napi_get_cb_info(e, info, &n, v, nullptr, nullptr);
  }
  napi_value at(size_t i) const {
    if (i >= n) fail(JsError::Type, std::string(fn) + ": missing argument " + std::to_string(i + 1));
    return v[i];
  }
  bool isNull(size_t i) const {
    napi_valuetype t;
    napi_typeof(env, at(i), &t);
    return t == napi_null || t == napi_undefined;
  }
  double num(size_t i, const char* name) const {
    double d;
    if (napi_get_value_double(env, at(i), &d) != napi_ok) fail(JsError::Type, std::string(fn) + ": " + name + " is not a number");
    return d;
  }
  /** A dimension: an integer in [0, 2^31). */
  int dim(size_t i, const char* name) const {
    const double d = num(i, name);
    if (!(d >= 0 && d <= 2147483647.0) || d != (double)(long long)d) {
      char buf[64]; std::snprintf(buf, sizeof buf, "%.17g", d);
      fail(JsError::Range, std::string(fn) + ": " + name + " = " + buf + " is not a dimension");
    }
    return int(d);
  }
  int act(size_t i, const char* name) const {
    const double d = num(i, name);
    if (!(d >= 0 && d <= 7) || d != (double)(int)d) {
      char buf[64]; std::snprintf(buf, sizeof buf, "%.17g", d);
      fail(JsError::Plain, std::string(fn) + ": unknown activation code " + buf);
    }
    return int(d);
  }
  /** A Float32Array of at least `need` elements (length in elements returned through len). */
  float* f32(size_t i, const char* name, double need) const {
    napi_typedarray_type t; size_t len; void* data; napi_value ab; size_t off;
    bool is = false;
    napi_is_typedarray(env, at(i), &is);
    if (!is || napi_get_typedarray_info(env, at(i), &t, &len, &data, &ab, &off) != napi_ok || t != napi_float32_array)
      fail(JsError::Type, std::string(fn) + ": " + name + " is not a Float32Array");
    if ((double)len < need)
      fail(JsError::Range, std::string(fn) + ": " + name + " has length " + std::to_string(len) + ", needs " + std::to_string((long long)need));
    return static_cast<float*>(data);
  }
  float* f32orNull(size_t i, const char* name, double need) const { return isNull(i) ? nullptr : f32(i, name, need); }
};

napi_value undefined(napi_env env) { napi_value u; napi_get_undefined(env, &u); return u; }
napi_value number(napi_env env, double d) { napi_value r; napi_create_double(env, d, &r); return r; }

/** Wraps a binding body: C++ errors become JavaScript exceptions of the matching class. */
template <typename F> napi_value guarded(napi_env env, F&& body) {
  try { return body(); }
  catch (const JsError& e) {
    if (e.kind == JsError::Range) napi_throw_range_error(env, nullptr, e.msg.c_str());
    else if (e.kind == JsError::Type) napi_throw_type_error(env, nullptr, e.msg.c_str());
    else napi_throw_error(env, nullptr, e.msg.c_str());
    return nullptr;
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
    return nullptr;
  }
}

// ---- cutting calls into chunks ----

/** Chunks for `units` units in multiples of `align`: `perThread` per thread (claimed dynamically,
 *  so a descheduled thread's share is taken by the others), never below `minUnits` units each. */
int chunkSize(long units, int align, long minUnits, int perThread = 4) {
  const long t = (long)pool.threads() * perThread;
  long want = (units + t - 1) / t;
  if (want < minUnits) want = minUnits;
  want = (want + align - 1) / align * align;
  return int(want < units ? want : units);
}

struct GemmJob {
  float* C; const float* A; const float* B; int M, N, K; long rsa, csa, rsb, csb, ldc; int small;
  bool byN; int chunk;
};
void gemmChunk(const void* p, int c) {
  const GemmJob& j = *static_cast<const GemmJob*>(p);
  const int u0 = c * j.chunk;
  if (j.byN) {
    const int n = std::min(j.chunk, j.N - u0);
    K->gemm(j.C + u0, j.A, j.B + u0 * j.csb, j.M, n, j.K, j.rsa, j.csa, j.rsb, j.csb, j.ldc, j.small);
  } else {
    const int m = std::min(j.chunk, j.M - u0);
    K->gemm(j.C + (long)u0 * j.ldc, j.A + u0 * j.rsa, j.B, m, j.N, j.K, j.rsa, j.csa, j.rsb, j.csb, j.ldc, j.small);
  }
}

enum Which { NN, NT, TN };
napi_value gemm(napi_env env, napi_callback_info info, Which w, const char* name) {
  return guarded(env, [&] {
    Args a(env, info, name);
    const int M = a.dim(3, "M"), N = a.dim(4, "N"), Kd = a.dim(5, "K");
    const double mn = (double)M * N, mk = (double)M * Kd, kn = (double)Kd * N;
    float* C = a.f32(0, "C", mn);
    const float* A = a.f32(1, "A", mk);
    const float* B = a.f32(2, "B", kn);
    if (mn == 0) return undefined(env);
    // the path from the whole call's shape (never a chunk's): B read in place when its rows are
    // contiguous (NN, TN: measured faster than packing at every shape of the workloads) unless the
    // product is big in every direction; A·Bᵀ by dot products only for few rows
    const bool big = M >= 256 && N >= 256 && Kd >= 256;
    GemmJob j{C, A, B, M, N, Kd, 0, 0, 0, 0, N, (w == NT ? M <= smallRows : !big) ? 1 : 0, false, 0};
    if (w == NN) { j.rsa = Kd; j.csa = 1; j.rsb = N; j.csb = 1; }
    if (w == NT) { j.rsa = Kd; j.csa = 1; j.rsb = 1; j.csb = Kd; }
    if (w == TN) { j.rsa = 1; j.csa = M; j.rsb = N; j.csb = 1; }
    const double macs = mn * Kd;
    if (pool.threads() == 1 || macs < gemmParallelMacs) {
      K->gemm(C, A, B, M, N, Kd, j.rsa, j.csa, j.rsb, j.csb, j.ldc, j.small);
      return undefined(env);
    }
    j.byN = N >= 2 * K->nr && (M < 64 || N >= 4 * M);
    const long units = j.byN ? N : M;
    const int align = j.byN ? K->nr : K->mr;
    const long perUnit = (long)(macs / units) + 1;
    // one chunk per thread: every chunk of the packed path packs the whole other operand again
    // (B for a cut along M, A along N), so more chunks would multiply that work
    j.chunk = chunkSize(units, align, (long)(gemmParallelMacs / 2 / perUnit) + 1, 1);
    pool.run(int((units + j.chunk - 1) / j.chunk), gemmChunk, &j);
    return undefined(env);
  });
}
napi_value gemmNN(napi_env e, napi_callback_info i) { return gemm(e, i, NN, "gemmNN"); }
napi_value gemmNT(napi_env e, napi_callback_info i) { return gemm(e, i, NT, "gemmNT"); }
napi_value gemmTN(napi_env e, napi_callback_info i) { return gemm(e, i, TN, "gemmTN"); }

/** An elementwise kernel over n floats, shared in blocks of 1024 when n is large. */
template <typename F> void elementwise(long n, F&& f) {
  if (pool.threads() == 1 || n < elementwiseParallel) { f(0L, n); return; }
  struct Ctx { F* f; long n; int chunk; } ctx{&f, n, chunkSize(n, 1024, 1024)};
  pool.run(int((n + ctx.chunk - 1) / ctx.chunk), [](const void* p, int c) {
    const Ctx& x = *static_cast<const Ctx*>(p);
    const long i0 = (long)c * x.chunk, i1 = std::min(x.n, i0 + x.chunk);
    (*x.f)(i0, i1 - i0);
  }, &ctx);
}

/** A cell kernel over B batch rows, shared by rows when B·H is large. f(b0, rows). */
template <typename F> void byRows(int B, int H, F&& f) {
  if (pool.threads() == 1 || B < 2 || (double)B * H < pointwiseParallel) { f(0, B); return; }
  struct Ctx { F* f; int B; int chunk; } ctx{&f, B, chunkSize(B, 1, 1)};
  pool.run((B + ctx.chunk - 1) / ctx.chunk, [](const void* p, int c) {
    const Ctx& x = *static_cast<const Ctx*>(p);
    const int b0 = c * x.chunk;
    (*x.f)(b0, std::min(x.chunk, x.B - b0));
  }, &ctx);
}

#define BINDING(NAME) napi_value NAME(napi_env env, napi_callback_info info) { return guarded(env, [&] { Args a(env, info, #NAME);
#define END return undefined(env); }); }

BINDING(fillRows)
  const int M = a.dim(2, "M"), N = a.dim(3, "N");
  float* out = a.f32(0, "out", (double)M * N); const float* row = a.f32(1, "row", N);
  K->fillRows(out, row, M, N);
END

BINDING(sumRows)
  const int M = a.dim(2, "M"), N = a.dim(3, "N");
  float* d = a.f32(0, "dRow", N); const float* A = a.f32(1, "A", (double)M * N);
  if (pool.threads() == 1 || (double)M * N < elementwiseParallel || N < 128) { K->sumRows(d, A, M, N, N); return undefined(env); }
  struct Ctx { float* d; const float* A; int M, N, chunk; } ctx{d, A, M, N, chunkSize(N, 64, 64)};
  pool.run((N + ctx.chunk - 1) / ctx.chunk, [](const void* p, int c) {
    const Ctx& x = *static_cast<const Ctx*>(p);
    const int j0 = c * x.chunk;
    K->sumRows(x.d + j0, x.A + j0, x.M, std::min(x.chunk, x.N - j0), x.N);
  }, &ctx);
END

BINDING(axpy)
  const long n = a.dim(3, "n");
  float* y = a.f32(0, "y", n); const float* x = a.f32(1, "x", n); const float s = (float)a.num(2, "a");
  elementwise(n, [&](long i, long m) { K->axpy(y + i, x + i, s, m); });
END

BINDING(clipForward)
  const long n = a.dim(3, "n");
  float* out = a.f32(0, "out", n); const float* x = a.f32(1, "x", n); const double L = a.num(2, "limit");
  elementwise(n, [&](long i, long m) { K->clipForward(out + i, x + i, L, m); });
END

BINDING(clipBackward)
  const long n = a.dim(4, "n");
  float* dx = a.f32(0, "dx", n); const float* dy = a.f32(1, "dy", n); const float* x = a.f32(2, "x", n);
  const double L = a.num(3, "limit");
  elementwise(n, [&](long i, long m) { K->clipBackward(dx + i, dy + i, x + i, L, m); });
END

BINDING(actForward)
  const long n = a.dim(2, "n"); const int act = a.act(3, "act");
  float* y = a.f32(0, "y", n); const float* x = a.f32(1, "x", n);
  elementwise(n, [&](long i, long m) { K->actForward(y + i, x + i, m, act); });
END

BINDING(actBackward)
  const long n = a.dim(3, "n"); const int act = a.act(4, "act");
  float* dx = a.f32(0, "dx", n); const float* dy = a.f32(1, "dy", n); const float* y = a.f32(2, "y", n);
  elementwise(n, [&](long i, long m) { K->actBackward(dx + i, dy + i, y + i, m, act); });
END

BINDING(exp)
  const long n = a.dim(2, "n");
  float* y = a.f32(0, "y", n); const float* x = a.f32(1, "x", n);
  K->expForward(y, x, n);
END

// lstmForward(gates, c, m, z, cPrev, peep, B, H, forgetBias, cellClip, gateAct, cellAct)
BINDING(lstmForward)
  const int B = a.dim(6, "B"), H = a.dim(7, "H");
  const LstmOpts o{(float)a.num(8, "forgetBias"), a.num(9, "cellClip"), a.act(10, "gateAct"), a.act(11, "cellAct")};
  const double bh = (double)B * H;
  float* gates = a.f32(0, "gates", 4 * bh); float* c = a.f32(1, "c", bh); float* m = a.f32(2, "m", bh);
  const float* z = a.f32(3, "z", 4 * bh); const float* cPrev = a.f32(4, "cPrev", bh);
  const float* peep = a.f32orNull(5, "peep", 3.0 * H);
  byRows(B, H, [&](int b0, int rows) {
    const long s = (long)b0 * H;
    K->lstmForward(gates + 4 * s, c + s, m + s, z + 4 * s, cPrev + s, peep, rows, H, o);
  });
END

// lstmBackward(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, forgetBias, cellClip, gateAct, cellAct)
BINDING(lstmBackward)
  const int B = a.dim(9, "B"), H = a.dim(10, "H");
  const LstmOpts o{(float)a.num(11, "forgetBias"), a.num(12, "cellClip"), a.act(13, "gateAct"), a.act(14, "cellAct")};
  const double bh = (double)B * H;
  const bool hasPeep = !a.isNull(8);
  if (hasPeep && a.isNull(2)) fail(JsError::Type, "lstmBackward: dPeep is null but peep is given");
  float* dz = a.f32(0, "dz", 4 * bh); float* dcPrev = a.f32(1, "dcPrev", bh);
  float* dPeep = hasPeep ? a.f32(2, "dPeep", 3.0 * H) : nullptr;
  const float* dm = a.f32(3, "dm", bh); const float* dc = a.f32(4, "dc", bh);
  const float* gates = a.f32(5, "gates", 4 * bh); const float* c = a.f32(6, "c", bh); const float* cPrev = a.f32(7, "cPrev", bh);
  const float* peep = hasPeep ? a.f32(8, "peep", 3.0 * H) : nullptr;
  // dPeep sums over the batch: with peepholes one thread (chunks would race on it)
  if (hasPeep) { K->lstmBackward(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o); return undefined(env); }
  byRows(B, H, [&](int b0, int rows) {
    const long s = (long)b0 * H;
    K->lstmBackward(dz + 4 * s, dcPrev + s, nullptr, dm + s, dc + s, gates + 4 * s, c + s, cPrev + s, nullptr, rows, H, o);
  });
END

// gruGatesForward(gates, rh, xz, hRZ, hPrev, B, H, gateAct)
BINDING(gruGatesForward)
  const int B = a.dim(5, "B"), H = a.dim(6, "H"), ga = a.act(7, "gateAct");
  const double bh = (double)B * H;
  float* gates = a.f32(0, "gates", 3 * bh); float* rh = a.f32(1, "rh", bh);
  const float* xz = a.f32(2, "xz", 3 * bh); const float* hRZ = a.f32(3, "hRZ", 2 * bh); const float* hPrev = a.f32(4, "hPrev", bh);
  byRows(B, H, [&](int b0, int rows) {
    const long s = (long)b0 * H;
    K->gruGatesForward(gates + 3 * s, rh + s, xz + 3 * s, hRZ + 2 * s, hPrev + s, rows, H, ga);
  });
END

// gruCandidateForward(gates, h, xz, hN, hPrev, B, H, resetAfter, cellAct)
BINDING(gruCandidateForward)
  const int B = a.dim(5, "B"), H = a.dim(6, "H"), ra = a.num(7, "resetAfter") != 0, ca = a.act(8, "cellAct");
  const double bh = (double)B * H;
  float* gates = a.f32(0, "gates", 3 * bh); float* h = a.f32(1, "h", bh);
  const float* xz = a.f32(2, "xz", 3 * bh); const float* hN = a.f32(3, "hN", bh); const float* hPrev = a.f32(4, "hPrev", bh);
  byRows(B, H, [&](int b0, int rows) {
    const long s = (long)b0 * H;
    K->gruCandidateForward(gates + 3 * s, h + s, xz + 3 * s, hN + s, hPrev + s, rows, H, ra, ca);
  });
END

// gruCandidateBackward(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, resetAfter, gateAct, cellAct)
BINDING(gruCandidateBackward)
  const int B = a.dim(8, "B"), H = a.dim(9, "H"), ra = a.num(10, "resetAfter") != 0;
  const int ga = a.act(11, "gateAct"), ca = a.act(12, "cellAct");
  const double bh = (double)B * H;
  float* dxz = a.f32(0, "dxz", 3 * bh); float* dhRZ = a.f32(1, "dhRZ", 2 * bh);
  float* dhN = a.f32(2, "dhN", bh); float* dhPrev = a.f32(3, "dhPrev", bh);
  const float* dh = a.f32(4, "dh", bh); const float* gates = a.f32(5, "gates", 3 * bh);
  const float* hN = a.f32(6, "hN", bh); const float* hPrev = a.f32(7, "hPrev", bh);
  byRows(B, H, [&](int b0, int rows) {
    const long s = (long)b0 * H;
    K->gruCandidateBackward(dxz + 3 * s, dhRZ + 2 * s, dhN + s, dhPrev + s, dh + s, gates + 3 * s, hN + s, hPrev + s,
                            rows, H, ra, ga, ca);
  });
END

// gruResetBackward(dxz, dhRZ, dhPrev, dRh, gates, hPrev, B, H, gateAct)
BINDING(gruResetBackward)
  const int B = a.dim(6, "B"), H = a.dim(7, "H"), ga = a.act(8, "gateAct");
  const double bh = (double)B * H;
  float* dxz = a.f32(0, "dxz", 3 * bh); float* dhRZ = a.f32(1, "dhRZ", 2 * bh); float* dhPrev = a.f32(2, "dhPrev", bh);
  const float* dRh = a.f32(3, "dRh", bh); const float* gates = a.f32(4, "gates", 3 * bh); const float* hPrev = a.f32(5, "hPrev", bh);
  byRows(B, H, [&](int b0, int rows) {
    const long s = (long)b0 * H;
    K->gruResetBackward(dxz + 3 * s, dhRZ + 2 * s, dhPrev + s, dRh + s, gates + 3 * s, hPrev + s, rows, H, ga);
  });
END

// softmaxXent(dLogits | null, logits, labels (Int32Array), N, C, scale) -> loss sum
napi_value softmaxXent(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "softmaxXent");
    const int N = a.dim(3, "N"), C = a.dim(4, "C");
    const double nc = (double)N * C;
    const float scale = (float)a.num(5, "scale");
    float* d = a.f32orNull(0, "dLogits", nc);
    const float* z = a.f32(1, "logits", nc);
    napi_typedarray_type t; size_t len; void* data; napi_value ab; size_t off; bool is = false;
    napi_is_typedarray(env, a.at(2), &is);
    if (!is || napi_get_typedarray_info(env, a.at(2), &t, &len, &data, &ab, &off) != napi_ok || t != napi_int32_array)
      fail(JsError::Type, "softmaxXent: labels is not an Int32Array");
    if ((double)len < N) fail(JsError::Range, "softmaxXent: labels has length " + std::to_string(len) + ", needs " + std::to_string(N));
    const int32_t* labels = static_cast<const int32_t*>(data);
    double total = 0;
    for (int n = 0; n < N; n++) {
      const int y = labels[n];
      float* dRow = d ? d + (long)n * C : nullptr;
      if (y < 0) { if (dRow) std::memset(dRow, 0, sizeof(float) * C); continue; }
      if (y >= C) fail(JsError::Range, "softmaxXent: label " + std::to_string(y) + " at row " + std::to_string(n) + " is not below C = " + std::to_string(C));
      total += K->softmaxXentRow(dRow, z + (long)n * C, y, C, scale);
    }
    return number(env, total);
  });
}

napi_value sumSquares(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "sumSquares");
    const long n = a.dim(1, "n");
    return number(env, K->sumSquares(a.f32(0, "x", n), n));
  });
}

BINDING(scale)
  const long n = a.dim(2, "n");
  float* x = a.f32(0, "x", n); const float s = (float)a.num(1, "a");
  elementwise(n, [&](long i, long m) { K->scale(x + i, s, m); });
END

// sgdStep(p, g, buf | null, n, lr, momentum, nesterov, weightDecay, first)
BINDING(sgdStep)
  const long n = a.dim(3, "n");
  float* p = a.f32(0, "p", n); const float* g = a.f32(1, "g", n); float* buf = a.f32orNull(2, "buf", n);
  const float lr = (float)a.num(4, "lr"), mu = (float)a.num(5, "momentum"), wd = (float)a.num(7, "weightDecay");
  const int nesterov = a.num(6, "nesterov") != 0, first = a.num(8, "first") != 0;
  elementwise(n, [&](long i, long m) { K->sgdStep(p + i, g + i, buf ? buf + i : nullptr, m, lr, mu, nesterov, wd, first); });
END

// adamStep(p, g, m, v, n, b1, 1 − b1, b2, 1 − b2, eps, weightDecay, decoupled, 1 − lr·wd, stepSize, bc2Sqrt)
BINDING(adamStep)
  const long n = a.dim(4, "n");
  float* p = a.f32(0, "p", n); const float* g = a.f32(1, "g", n); float* m = a.f32(2, "m", n); float* v = a.f32(3, "v", n);
  const float b1 = (float)a.num(5, "beta1"), b1c = (float)a.num(6, "1-beta1"), b2 = (float)a.num(7, "beta2");
  const float b2c = (float)a.num(8, "1-beta2"), eps = (float)a.num(9, "eps"), wd = (float)a.num(10, "weightDecay");
  const int dec = a.num(11, "decoupled") != 0;
  const float decay = (float)a.num(12, "decay"), step = (float)a.num(13, "stepSize"), bc2 = (float)a.num(14, "bc2Sqrt");
  elementwise(n, [&](long i, long k) { K->adamStep(p + i, g + i, m + i, v + i, k, b1, b1c, b2, b2c, eps, wd, dec, decay, step, bc2); });
END

// rmspropStep(p, g, v, n, lr, alpha, 1 − alpha, eps, weightDecay)
BINDING(rmspropStep)
  const long n = a.dim(3, "n");
  float* p = a.f32(0, "p", n); const float* g = a.f32(1, "g", n); float* v = a.f32(2, "v", n);
  const float lr = (float)a.num(4, "lr"), al = (float)a.num(5, "alpha"), ac = (float)a.num(6, "1-alpha");
  const float eps = (float)a.num(7, "eps"), wd = (float)a.num(8, "weightDecay");
  elementwise(n, [&](long i, long k) { K->rmspropStep(p + i, g + i, v + i, k, lr, al, ac, eps, wd); });
END

// adagradStep(p, g, s, n, clr, eps, weightDecay)
BINDING(adagradStep)
  const long n = a.dim(3, "n");
  float* p = a.f32(0, "p", n); const float* g = a.f32(1, "g", n); float* s = a.f32(2, "s", n);
  const float clr = (float)a.num(4, "clr"), eps = (float)a.num(5, "eps"), wd = (float)a.num(6, "weightDecay");
  elementwise(n, [&](long i, long k) { K->adagradStep(p + i, g + i, s + i, k, clr, eps, wd); });
END

// ---- control ----

#ifdef RNNLAB_BASE_ONLY                               // not x86-64: only the portable build exists
#define AVX512_TABLE kernels_base
#define AVX2_TABLE kernels_base
bool cpuHas(const char* isa) { return std::strcmp(isa, "base") == 0; }
#else
#define AVX512_TABLE kernels_avx512
#define AVX2_TABLE kernels_avx2
bool cpuHas(const char* isa) {
  if (std::strcmp(isa, "avx512") == 0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("fma");
  if (std::strcmp(isa, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return std::strcmp(isa, "base") == 0;
}
#endif

const KernelTable* tableFor(const std::string& isa) {
  if (isa == "avx512") return &AVX512_TABLE;
  if (isa == "avx2") return &AVX2_TABLE;
  if (isa == "base") return &kernels_base;
  return nullptr;
}

/** setIsa(name): "avx512" | "avx2" | "base"; throws if this CPU lacks it. Returns the name. */
napi_value setIsa(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "setIsa");
    char buf[32]; size_t len = 0;
    if (napi_get_value_string_utf8(env, a.at(0), buf, sizeof buf, &len) != napi_ok) fail(JsError::Type, "setIsa: name is not a string");
    const KernelTable* t = tableFor(buf);
    if (!t) fail(JsError::Range, std::string("setIsa: unknown instruction set ") + buf + " (avx512, avx2, base)");
    if (!cpuHas(buf)) fail(JsError::Plain, std::string("setIsa: this CPU does not support ") + buf);
    K = t;
    napi_value r; napi_create_string_utf8(env, K->isa, NAPI_AUTO_LENGTH, &r);
    return r;
  });
}

napi_value isa(napi_env env, napi_callback_info) {
  napi_value r; napi_create_string_utf8(env, K->isa, NAPI_AUTO_LENGTH, &r); return r;
}

napi_value setThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "setThreads");
    const int n = a.dim(0, "n");
    if (n < 1 || n > 1024) fail(JsError::Range, "setThreads: n = " + std::to_string(n) + " is not in 1..1024");
    pool.resize(n);
    return undefined(env);
  });
}

napi_value threads(napi_env env, napi_callback_info) { return number(env, pool.threads()); }
napi_value parallelCalls(napi_env env, napi_callback_info) { return number(env, (double)pool.parallelJobs()); }

/** setThresholds(gemmMacs, pointwise, elementwise, smallRows): where sharing starts (bench sets 0). */
napi_value setThresholds(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "setThresholds");
    gemmParallelMacs = a.num(0, "gemmMacs");
    pointwiseParallel = a.num(1, "pointwise");
    elementwiseParallel = (long)a.num(2, "elementwise");
    if (a.n > 3) smallRows = a.dim(3, "smallRows");
    return undefined(env);
  });
}

napi_value peak(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "peak");
    return number(env, K->peak(a.num(0, "seconds")));
  });
}

#define EXPORT(NAME) { #NAME, nullptr, NAME, nullptr, nullptr, nullptr, napi_default, nullptr }

napi_value Init(napi_env env, napi_value exports) {
  K = cpuHas("avx512") ? &AVX512_TABLE : cpuHas("avx2") ? &AVX2_TABLE : &kernels_base;
  napi_property_descriptor props[] = {
    EXPORT(gemmNN), EXPORT(gemmNT), EXPORT(gemmTN), EXPORT(fillRows), EXPORT(sumRows), EXPORT(axpy),
    EXPORT(clipForward), EXPORT(clipBackward), EXPORT(actForward), EXPORT(actBackward), EXPORT(exp),
    EXPORT(lstmForward), EXPORT(lstmBackward), EXPORT(gruGatesForward), EXPORT(gruCandidateForward),
    EXPORT(gruCandidateBackward), EXPORT(gruResetBackward), EXPORT(softmaxXent), EXPORT(sumSquares),
    EXPORT(scale), EXPORT(sgdStep), EXPORT(adamStep), EXPORT(rmspropStep), EXPORT(adagradStep),
    EXPORT(setIsa), EXPORT(isa), EXPORT(setThreads), EXPORT(threads), EXPORT(parallelCalls),
    EXPORT(setThresholds), EXPORT(peak),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(rnnlab_native, Init)
