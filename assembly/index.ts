// assembly/index.ts — the wasm module's exports: the f32 kernels of src/kernels/types.ts, one-to-one
// with src/kernels/ref/ (same names, same argument order; byte pointers instead of arrays, i32 dims,
// i32 activation codes, the LSTM opts object flattened to forgetBias, cellClip, gateAct, cellAct).
// Kernels never allocate; the caller (src/kernels/wasm/arena.ts) owns all memory above heapBase().
export { gemmNN, gemmNT, gemmTN, gemmNNs, gemmNTs, gemmTNs, gemmWorkSize } from "./gemm";
export { fillRows, sumRows, axpy, mulAdd, clipForward, clipBackward } from "./rows";
export { actForward, actBackward, expForward } from "./activations";
export { lstmForward, lstmBackward } from "./lstm";
export { gruGatesForward, gruCandidateForward, gruCandidateBackward, gruResetBackward } from "./gru";

/** First byte the module does not use: AssemblyScript's static data (and Mathf tables, if ever
 *  linked in) live below it. The arena must start at or above this address. */
export function heapBase(): usize {
  return __heap_base;
}
export { softmaxXent, sumSquares, scale, sgdStep, adamStep, rmspropStep, adagradStep } from "./train";
export { peakMulAdd, peakTile } from "./peak";
