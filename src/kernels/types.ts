// The kernel boundary: every hot loop of rnnlab goes through this interface, and nothing above
// src/kernels/ knows which implementation it got (ref = plain TypeScript, wasm = AssemblyScript SIMD).
//
// Conventions (docs/conventions.md):
// - all matrices are row-major and contiguous; a "view" (subarray) is how callers slice them;
// - outputs come first, then saved values, then inputs, then dimensions (llm.c order);
// - every kernel whose output name starts with `d` ACCUMULATES (+=): the owner of a gradient
//   buffer zeroes it. Forward kernels overwrite, except gemm*, which always accumulate so that a
//   forward pass is "fill with bias, then += x·Wᵀ".
// - LSTM gate order i, f, g, o; GRU gate order r, z, n (PyTorch / cuDNN).

export type Dtype = "float32" | "float64";
export type Buf = Float32Array | Float64Array;

/** Activation functions as small integers, so kernels never take function-typed parameters. */
export enum Act {
  Linear = 0,
  Tanh = 1,
  Sigmoid = 2,
  Relu = 3,
  Softsign = 4,
  /** Keras 2: clip(0.2·x + 0.5, 0, 1) */
  HardSigmoid = 5,
  /** Keras 3 / PyTorch Hardsigmoid: clip(x/6 + 1/2, 0, 1) */
  HardSigmoidV3 = 6,
  /** exp(x) − 1 for x < 0, x otherwise */
  Elu = 7,
}

export interface LstmPointwiseOpts {
  /** added to the forget-gate pre-activation at run time (TF-1 forget_bias); not a parameter */
  forgetBias: number;
  /** clip the cell state to [−cellClip, cellClip]; negative = no clipping (0 clips to 0, as in TF-1) */
  cellClip: number;
  gateAct: Act;
  cellAct: Act;
}

export interface Kernels {
  readonly name: "ref" | "wasm" | "native";
  /** A zeroed buffer that this backend can address directly (for wasm: inside its memory). */
  alloc(length: number, dtype?: Dtype): Buf;
  /**
   * Give a buffer from alloc() back now. Optional for correctness (unreleased buffers are reclaimed
   * when garbage-collected) but needed for steady memory: the collector does not see wasm memory
   * pressure. The buffer and its subarrays must not be used afterwards.
   */
  free(buf: Buf): void;

  // ---- GEMM: C (M,N) += op(A) · op(B) ----
  /** C (M,N) += A (M,K) · B (K,N) */
  gemmNN(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void;
  /** C (M,N) += A (M,K) · B (N,K)ᵀ  (forward: x · Wᵀ with W stored (out, in)) */
  gemmNT(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void;
  /** C (M,N) += A (K,M)ᵀ · B (K,N)  (weight gradient: dZᵀ · X) */
  gemmTN(C: Buf, A: Buf, B: Buf, M: number, N: number, K: number): void;

  // ---- rows and vectors ----
  /** out (M,N) = row (N) broadcast to every row */
  fillRows(out: Buf, row: Buf, M: number, N: number): void;
  /** dRow (N) += Σ_m A (M,N) */
  sumRows(dRow: Buf, A: Buf, M: number, N: number): void;
  /** y (n) += a · x (n) */
  axpy(y: Buf, x: Buf, a: number, n: number): void;
  /** y (n) += a (n) ⊙ b (n) */
  mulAdd(y: Buf, a: Buf, b: Buf, n: number): void;
  /** out (n) = clip(x, −limit, limit) */
  clipForward(out: Buf, x: Buf, limit: number, n: number): void;
  /** dx (n) += dy where −limit ≤ x ≤ limit (TF's clip_by_value gradient: inclusive bounds) */
  clipBackward(dx: Buf, dy: Buf, x: Buf, limit: number, n: number): void;

  // ---- activations; derivatives are taken from the saved OUTPUT y ----
  /** y (n) = act(x) */
  actForward(y: Buf, x: Buf, n: number, act: Act): void;
  /** dx (n) += dy · act′ evaluated from y = act(x) */
  actBackward(dx: Buf, dy: Buf, y: Buf, n: number, act: Act): void;

  // ---- LSTM, gate order i, f, g, o; peep = [w_i (H), w_f (H), w_o (H)] or null ----
  /** gates (B,4H) activated, c (B,H) clipped cell, m (B,H) = o·act(c)  <-  z (B,4H) pre-activations, cPrev (B,H) */
  lstmForward(gates: Buf, c: Buf, m: Buf, z: Buf, cPrev: Buf, peep: Buf | null, B: number, H: number, o: LstmPointwiseOpts): void;
  /** dz (B,4H), dcPrev (B,H), dPeep (3H) ACCUMULATE  <-  dm, dc (B,H); gates, c, cPrev saved by forward */
  lstmBackward(dz: Buf, dcPrev: Buf, dPeep: Buf | null, dm: Buf, dc: Buf, gates: Buf, c: Buf, cPrev: Buf,
               peep: Buf | null, B: number, H: number, o: LstmPointwiseOpts): void;

  // ---- GRU, gate order r, z, n. xz (B,3H) = x·W_ihᵀ + b_ih; hRZ (B,2H) and hN (B,H) are the
  //      recurrent projections of the r/z rows and the n rows of W_hh (+ b_hh). ----
  /** gates[:, 0:2H] = gateAct(xz_rz + hRZ); rh (B,H) = r ⊙ hPrev (the reset-before recurrent input) */
  gruGatesForward(gates: Buf, rh: Buf, xz: Buf, hRZ: Buf, hPrev: Buf, B: number, H: number, gateAct: Act): void;
  /** n = cellAct(xz_n + (resetAfter ? r ⊙ hN : hN)); h = (1 − z) ⊙ n + z ⊙ hPrev */
  gruCandidateForward(gates: Buf, h: Buf, xz: Buf, hN: Buf, hPrev: Buf, B: number, H: number,
                      resetAfter: boolean, cellAct: Act): void;
  /** dxz (B,3H), dhRZ (B,2H), dhN (B,H), dhPrev (B,H) ACCUMULATE  <-  dh; gates, hN, hPrev saved.
   *  With resetAfter the r gradient is complete here; without it, gruResetBackward adds it. */
  gruCandidateBackward(dxz: Buf, dhRZ: Buf, dhN: Buf, dhPrev: Buf, dh: Buf, gates: Buf, hN: Buf, hPrev: Buf,
                       B: number, H: number, resetAfter: boolean, gateAct: Act, cellAct: Act): void;
  /** reset-before only: dxz_r, dhRZ_r, dhPrev ACCUMULATE  <-  dRh = ∂L/∂(r ⊙ hPrev) */
  gruResetBackward(dxz: Buf, dhRZ: Buf, dhPrev: Buf, dRh: Buf, gates: Buf, hPrev: Buf, B: number, H: number, gateAct: Act): void;

  // ---- training: the loss and the optimizer steps (formulas in src/kernels/ref/train.ts) ----
  /** Σ over rows with label ≥ 0 of logsumexp(z) − z[label] for logits (N,C); if dLogits is given it
   *  is OVERWRITTEN with scale·(softmax(z) − onehot) on those rows and 0 on rows labelled −1.
   *  Labels are not checked here (train/losses.ts does). */
  softmaxXent(dLogits: Buf | null, logits: Buf, labels: Int32Array, N: number, C: number, scale: number): number;
  /** Σ x² over n values (accumulated in double) */
  sumSquares(x: Buf, n: number): number;
  /** x (n) *= a */
  scale(x: Buf, a: number, n: number): void;
  /** torch.optim.SGD; buf (momentum) is null when momentum = 0; `first`: the first step (b = g) */
  sgdStep(p: Buf, g: Buf, buf: Buf | null, n: number, o: { lr: number; momentum: number; nesterov: boolean; weightDecay: number; first: boolean }): void;
  /** torch.optim.Adam / AdamW at step t (from 1) */
  adamStep(p: Buf, g: Buf, m: Buf, v: Buf, n: number, o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; t: number }): void;
  /** torch.optim.RMSprop (not centered) */
  rmspropStep(p: Buf, g: Buf, v: Buf, n: number, o: { lr: number; alpha: number; eps: number; weightDecay: number }): void;
  /** torch.optim.Adagrad; clr = lr / (1 + (t − 1)·lrDecay) */
  adagradStep(p: Buf, g: Buf, s: Buf, n: number, o: { clr: number; eps: number; weightDecay: number }): void;
}
