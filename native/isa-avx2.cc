// The avx2 build of the native kernels (flags in scripts/build-native.mjs): impl.h with
// 8 f32 lanes per register and a 6 × 16 GEMM register tile.
#define NS avx2
#define ISA_NAME "avx2"
#define VL 8
#define MR 6
#define NR 16
#define TABLE kernels_avx2
#include "impl.h"
