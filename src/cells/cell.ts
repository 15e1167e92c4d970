// The contract every cell kind fulfils. A cell is one time step and knows nothing about T,
// layers or directions. One step is split into phases so that the time loop (src/seq/) can run
// the input projection and the input-side backward as single GEMMs over all T·B rows:
//
//   projectInput   xz = x · W_ihᵀ + biases                  (rows = B for one step, T·B hoisted)
//   forward        h_t, c_t from xz_t and the previous state (per step)
//   backward       dxz_t, dh_{t−1}, dc_{t−1}                 (per step, reverse order)
//   weightBackward dW_hh (and W_hr, GRU's b_hh) from the saved step gradients (rows = B, or T·B after the loop)
//   inputBackward  dx, dW_ih, db from dxz                     (rows = B, or T·B after the loop)
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import type { ParamSpec, Views } from "../params/layout.ts";
import type { CellConfig } from "./config.ts";

/** Parameters by internal name, plus split views some cells need (made once, not per step). */
export interface CellWeights {
  weightIh: Buf;          // (G, D)
  weightHh: Buf;          // (G, R)
  biasIh: Buf | null;     // (G)
  biasHh: Buf | null;     // (G)
  peep: Buf | null;       // LSTM (3H): w_i, w_f, w_o
  weightHr: Buf | null;   // LSTM projection (P, H)
  // GRU: the r/z rows and the n rows of W_hh and b_hh
  weightHhRZ: Buf | null; // (2H, H)
  weightHhN: Buf | null;  // (H, H)
  biasHhRZ: Buf | null;   // (2H)
  biasHhN: Buf | null;    // (H)
}

/** What forward writes and backward reads, for one step (views; unused ones have length 0). */
export interface StepSaved {
  x: Buf;      // (B,D)
  xz: Buf;     // (B,G) input projection with biases; RNN/LSTM add h_{t−1}·W_hhᵀ in place (= z)
  hPrev: Buf;  // (B,R)
  cPrev: Buf;  // (B,H) LSTM
  h: Buf;      // (B,R) output and new hidden state
  c: Buf;      // (B,H) LSTM new cell state
  gates: Buf;  // (B,G) activated gates: LSTM i,f,g,o; GRU r,z,n
  m: Buf;      // LSTM (B,H) o ⊙ act(c) before projection; the same buffer as h without one
  hRaw: Buf;   // LSTM (B,P) projected output before projClip
  rh: Buf;     // GRU (B,H) r ⊙ h_{t−1}
  hRZ: Buf;    // GRU (B,2H) h_{t−1}·W_hh[r,z]ᵀ + b_hh[r,z]
  hN: Buf;     // GRU (B,H) W_hn-projection (of h_{t−1} or r ⊙ h_{t−1}) + b_hn
}

/** Gradients of one step. dh, dc are read; dhPrev, dcPrev ACCUMULATE; dxz is overwritten. */
export interface StepGrads {
  dh: Buf;     // (B,R) ∂L/∂h_t (from the output and from step t+1)
  dc: Buf;     // (B,H) ∂L/∂c_t from step t+1 (LSTM)
  dhPrev: Buf; // (B,R)
  dcPrev: Buf; // (B,H)
  dxz: Buf;    // (B,G) ∂L/∂xz_t, consumed by inputBackward
  // scratch owned by the step
  dm: Buf;     // LSTM (B,H)
  dhRaw: Buf;  // LSTM (B,P) ∂L/∂(projection output), after projClip
  dhRZ: Buf;   // GRU (B,2H) ∂L/∂hRZ
  dhN: Buf;    // GRU (B,H) ∂L/∂hN
  dRh: Buf;    // GRU (B,H)
}
// dxz, dhRaw, dhRZ and dhN are read again by weightBackward: a time loop gives each step its own
// view of one (T·B, ·) buffer so that a single GEMM covers every step.

export interface Cell {
  readonly config: CellConfig;
  /** internal parameter names and shapes (PyTorch layout: weights (G, in)) */
  readonly specs: ParamSpec[];
  /** typed weights (and split views) over the named views of a flat buffer */
  weights(views: Views): CellWeights;
  projectInput(k: Kernels, w: CellWeights, xz: Buf, x: Buf, rows: number): void;
  forward(k: Kernels, w: CellWeights, s: StepSaved, B: number): void;
  /** per step: dxz, dhPrev, dcPrev (and the peephole gradient, accumulated by the pointwise kernel) */
  backward(k: Kernels, w: CellWeights, dw: CellWeights, s: StepSaved, d: StepGrads, B: number): void;
  /** recurrent weight gradients ACCUMULATE from s, d covering `rows` rows (one step, or a whole sequence) */
  weightBackward(k: Kernels, dw: CellWeights, s: StepSaved, d: StepGrads, rows: number): void;
  /** dx (rows,D) ACCUMULATES (null: not needed), dW_ih and biases accumulate */
  inputBackward(k: Kernels, w: CellWeights, dw: CellWeights, dx: Buf | null, dxz: Buf, x: Buf, rows: number): void;
}

/** Widths of each saved / grad buffer per batch row, for allocation and slicing. */
export function stepWidths(cfg: CellConfig) {
  const { kind, inputSize: D, hiddenSize: H, gateRows: G, outputSize: R, projSize: P } = cfg;
  const lstm = kind === "lstm", gru = kind === "gru";
  return {
    x: D, xz: G, hPrev: R, cPrev: lstm ? H : 0, h: R, c: lstm ? H : 0,
    gates: kind === "rnn" ? 0 : G, m: lstm && P > 0 ? H : 0, hRaw: lstm && cfg.projClip !== null ? P : 0,
    rh: gru ? H : 0, hRZ: gru ? 2 * H : 0, hN: gru ? H : 0,
    dm: lstm && P > 0 ? H : 0, dhRaw: lstm && P > 0 ? P : 0,
    dhRZ: gru ? 2 * H : 0, dhN: gru ? H : 0, dRh: gru ? H : 0,
  };
}

/** Fresh buffers for one step of batch B. */
export function allocStep(k: Kernels, cfg: CellConfig, B: number, dtype: Dtype): { saved: StepSaved; grads: StepGrads } {
  const w = stepWidths(cfg);
  const a = (width: number) => k.alloc(width * B, dtype);
  const h = a(w.h);
  const saved: StepSaved = {
    x: a(w.x), xz: a(w.xz), hPrev: a(w.hPrev), cPrev: a(w.cPrev), h, c: a(w.c), gates: a(w.gates),
    m: w.m > 0 ? a(w.m) : h, hRaw: a(w.hRaw), rh: a(w.rh), hRZ: a(w.hRZ), hN: a(w.hN),
  };
  const grads: StepGrads = {
    dh: a(w.h), dc: a(w.c), dhPrev: a(w.hPrev), dcPrev: a(w.cPrev), dxz: a(w.xz),
    dm: a(w.dm), dhRaw: a(w.dhRaw), dhRZ: a(w.dhRZ), dhN: a(w.dhN), dRh: a(w.dRh),
  };
  return { saved, grads };
}

/** The parts every cell kind shares: its config, parameter specs, typed weights and input side. */
export type CellCommon = Pick<Cell, "config" | "specs" | "weights" | "projectInput" | "inputBackward">;
