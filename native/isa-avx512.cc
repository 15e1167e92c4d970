// The avx512 build of the native kernels (flags in scripts/build-native.mjs): impl.h with
// 16 f32 lanes per register and a 12 × 32 GEMM register tile.
#define NS avx512
#define ISA_NAME "avx512"
#define VL 16
#define MR 12
#define NR 32
#define TABLE kernels_avx512
#include "impl.h"
