// The base build of the native kernels (flags in scripts/build-native.mjs): impl.h with
// 4 f32 lanes per register and a 6 × 8 GEMM register tile.
#define NS base
#define ISA_NAME "base"
#define VL 4
#define MR 6
#define NR 8
#define TABLE kernels_base
#include "impl.h"
