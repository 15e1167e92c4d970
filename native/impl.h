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
// The kernels, one file per kind, are included below inside the namespace: gemm.h, rows.h
// (rows, vectors, activations), lstm.h, gru.h, train.h (loss, optimizers), peak.h.
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

#include "gemm.h"
#include "rows.h"
#include "lstm.h"
#include "gru.h"
#include "train.h"
#include "peak.h"

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
