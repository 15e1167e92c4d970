// native/kernels.h — the table of kernel entry points one instruction-set build provides. impl.h
// defines every function of the table inside a namespace (avx512, avx2, base); each isa-*.cc
// compiles it with its own target flags and exports the filled table; addon.cc picks one at load
// time from the CPU's features. Argument order and meaning: src/kernels/types.ts (outputs first,
// `d…` outputs accumulate); pointers are float32, row-major, contiguous.
#pragma once
#include <cstdint>

struct LstmOpts { float forgetBias; double cellClip; int gateAct; int cellAct; };

struct KernelTable {
  const char* isa;
  int vectorFloats;                                   // f32 lanes per register
  // GEMM on a sub-block: C (M,N) += op(A)·op(B), where op(A)(i,k) = A[i·rsa + k·csa] and
  // op(B)(k,j) = B[k·rsb + j·csb]; ldc the row stride of C. The same element gets the same bits
  // whichever sub-block (thread chunk) computes it: K is always walked whole, in the same blocks.
  // `small` (chosen from the WHOLE call's shape, never a chunk's) picks the unpacked path for few rows.
  void (*gemm)(float* C, const float* A, const float* B, int M, int N, int K,
               long rsa, long csa, long rsb, long csb, long ldc, int small);
  int mr, nr;                                         // register tile: chunks are cut in multiples of these
  void (*fillRows)(float* out, const float* row, int M, int N);
  void (*sumRows)(float* dRow, const float* A, int M, int N, int ld);   // over N columns of A with row stride ld
  void (*axpy)(float* y, const float* x, float a, long n);
  void (*clipForward)(float* out, const float* x, double limit, long n);
  void (*clipBackward)(float* dx, const float* dy, const float* x, double limit, long n);
  void (*actForward)(float* y, const float* x, long n, int act);
  void (*actBackward)(float* dx, const float* dy, const float* y, long n, int act);
  void (*lstmForward)(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                      int B, int H, const LstmOpts& o);
  void (*lstmBackward)(float* dz, float* dcPrev, float* dPeep, const float* dm, const float* dc, const float* gates,
                       const float* c, const float* cPrev, const float* peep, int B, int H, const LstmOpts& o);
  void (*gruGatesForward)(float* gates, float* rh, const float* xz, const float* hRZ, const float* hPrev,
                          int B, int H, int gateAct);
  void (*gruCandidateForward)(float* gates, float* h, const float* xz, const float* hN, const float* hPrev,
                              int B, int H, int resetAfter, int cellAct);
  void (*gruCandidateBackward)(float* dxz, float* dhRZ, float* dhN, float* dhPrev, const float* dh, const float* gates,
                               const float* hN, const float* hPrev, int B, int H, int resetAfter, int gateAct, int cellAct);
  void (*gruResetBackward)(float* dxz, float* dhRZ, float* dhPrev, const float* dRh, const float* gates,
                           const float* hPrev, int B, int H, int gateAct);
  double (*softmaxXentRow)(float* dRow, const float* row, int label, int C, float scale);
  double (*sumSquares)(const float* x, long n);
  void (*scale)(float* x, float a, long n);
  void (*sgdStep)(float* p, const float* g, float* buf, long n, float lr, float mu, int nesterov, float wd, int first);
  void (*adamStep)(float* p, const float* g, float* m, float* v, long n, float b1, float b1c, float b2, float b2c,
                   float eps, float wd, int decoupled, float decay, float stepSize, float bc2Sqrt);
  void (*rmspropStep)(float* p, const float* g, float* v, long n, float lr, float alpha, float ac, float eps, float wd);
  void (*adagradStep)(float* p, const float* g, float* s, long n, float clr, float eps, float wd);
  void (*expForward)(float* y, const float* x, long n);
  /** GFLOP/s of independent FMA chains on one thread for `seconds` (the machine's ceiling). */
  double (*peak)(double seconds);
};

extern const KernelTable kernels_avx512;
extern const KernelTable kernels_avx2;
extern const KernelTable kernels_base;
