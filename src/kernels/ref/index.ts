// The reference backend: plain TypeScript over Float32Array | Float64Array. It is the definition
// the wasm backend is tested against, and the one float64 gradient checks run on.
import type { Dtype, Kernels } from "../types.ts";
import { gemmNN, gemmNT, gemmTN } from "./gemm.ts";
import { actBackward, actForward } from "./activations.ts";
import { axpy, clipBackward, clipForward, fillRows, mulAdd, sumRows } from "./rows.ts";
import { lstmBackward, lstmForward } from "./lstm-pointwise.ts";
import { gruCandidateBackward, gruCandidateForward, gruGatesForward, gruResetBackward } from "./gru-pointwise.ts";
import { adagradStep, adamStep, rmspropStep, scale, sgdStep, softmaxXent, sumSquares } from "./train.ts";

export const refKernels: Kernels = {
  name: "ref",
  alloc: (length: number, dtype: Dtype = "float32") =>
    dtype === "float64" ? new Float64Array(length) : new Float32Array(length),
  free: () => {},                                       // plain arrays: the collector reclaims them
  gemmNN, gemmNT, gemmTN,
  fillRows, sumRows, axpy, mulAdd, clipForward, clipBackward,
  actForward, actBackward,
  lstmForward, lstmBackward,
  gruGatesForward, gruCandidateForward, gruCandidateBackward, gruResetBackward,
  softmaxXent, sumSquares, scale, sgdStep, adamStep, rmspropStep, adagradStep,
};
