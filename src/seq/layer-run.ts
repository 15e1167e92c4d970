// One recurrent layer in one direction over a whole sequence, planned once for (T, B, dtype):
// every buffer the forward pass saves and the backward pass reads is allocated here, and the
// time loops allocate nothing. Time-major throughout: row t·B + b is step t of batch row b.
//
// Forward (unroll):  XZ = X · W_ihᵀ + b        one GEMM over all T·B rows (hoisted)
//                    for t: h_t, c_t = cell(XZ_t, h_{t−1}, c_{t−1})
//                    rows with t ≥ len: state copied through, output 0   (TF-1 rnn.py _rnn_step)
// Backward (BPTT) mirrors it in reverse, then dX, dW_ih, db in one GEMM over all T·B rows.
// Optional dropout masks (TF-1 DropoutWrapper, values 0 or 1/keep): on the inputs, on the outputs,
// and on the state handed to the next step (the output keeps the undropped value; LSTM drops h only).
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { Owned } from "../kernels/owner.ts";
import { stepWidths, type Cell, type CellWeights, type StepGrads, type StepSaved } from "../cells/cell.ts";

export interface LayerMasks {
  input: Buf | null;   // (T·B, D)
  output: Buf | null;  // (T·B, R)
  state: Buf | null;   // (T·B, R) applied to h_t on its way to step t + 1 and to the final state
}

export class LayerRun {
  readonly X: Buf;    // (T·B, D) input (owned; callers write into it)
  readonly XZ: Buf;   // (T·B, G) input projection, then pre-activations
  readonly Hs: Buf;   // ((T+1)·B, R) state chain, Hs[0] = h0
  readonly Cs: Buf;   // ((T+1)·B, H) LSTM cell chain
  readonly dXZ: Buf;  // (T·B, G)
  /** Final state: Hs[T] and Cs[T] (with copy-through this is each row's state at len − 1). */
  readonly hN: Buf;
  readonly cN: Buf;
  // Fixed views of Hs / Cs, made once: making a view of an arena buffer costs ~0.5 µs, which a
  // one-step call would pay several times over.
  private readonly hInit: Buf;      // Hs[0]
  private readonly cInit: Buf;      // Cs[0] (empty unless LSTM: w.c = 0)
  private readonly hChain: Buf;     // Hs[1..T]
  private readonly Y: Buf;    // (T·B, R) outputs when they differ from the state chain (lengths, dropout)
  private readonly dXm: Buf;  // (T·B, D) scratch: ∂L/∂(masked input)
  private readonly dY: Buf;   // (T·B, R) the output cotangent, copied in once per backward
  private readonly dYAt: Buf[]; // its per-step views
  private readonly saved: StepSaved[];
  private readonly savedY: StepSaved[]; // the same steps with h written to Y (state dropout)
  private readonly grads: StepGrads[];
  private readonly whole: { s: StepSaved; d: StepGrads }; // every step at once, for weightBackward
  private readonly dState: { h: Buf[]; c: Buf[] }; // ping-pong pairs: step t reads [t % 2], writes [(t+1) % 2]
  private lengths: Int32Array | null = null;
  private masks: LayerMasks = { input: null, output: null, state: null };
  private readonly owned: Owned;
  /**
   * Analysis hook (src/analysis/gradflow.ts), null = no cost: called during backward at every step
   * t with ∂L/∂h_t (everything that reaches h_t: its output and step t+1) and ∂L/∂c_t from step t+1,
   * plus what the forward saved at t. Read-only views, valid only during the call.
   */
  onStepGrad: ((t: number, dh: Buf, dc: Buf, saved: StepSaved) => void) | null = null;

  constructor(readonly k: Kernels, readonly cell: Cell, readonly T: number, readonly B: number, readonly dtype: Dtype) {
    const w = stepWidths(cell.config), TB = T * B;
    this.owned = new Owned(k, dtype);
    const a = (rows: number, width: number) => this.owned.alloc(rows * width);
    this.X = a(TB, w.x); this.XZ = a(TB, w.xz);
    this.Hs = a(TB + B, w.h); this.Cs = a(TB + B, w.c);
    this.hInit = this.Hs.subarray(0, B * w.h); this.cInit = this.Cs.subarray(0, B * w.c);
    this.hChain = this.Hs.subarray(B * w.h); this.hN = this.Hs.subarray(TB * w.h); this.cN = this.Cs.subarray(TB * w.c);
    this.Y = a(TB, w.h); this.dXm = a(TB, w.x); this.dY = a(TB, w.h);
    this.dXZ = a(TB, w.xz);
    const per = {
      gates: a(TB, w.gates), m: w.m > 0 ? a(TB, w.m) : null, hRaw: a(TB, w.hRaw),
      rh: a(TB, w.rh), hRZ: a(TB, w.hRZ), hN: a(TB, w.hN),
    };
    const at = (buf: Buf, width: number, t: number) => buf.subarray(t * B * width, (t + 1) * B * width);
    const step = (t: number, h: Buf): StepSaved => ({
      x: at(this.X, w.x, t), xz: at(this.XZ, w.xz, t),
      hPrev: at(this.Hs, w.h, t), cPrev: at(this.Cs, w.c, t), h, c: at(this.Cs, w.c, t + 1),
      gates: at(per.gates, w.gates, t), m: per.m ? at(per.m, w.m, t) : h, hRaw: at(per.hRaw, w.hRaw, t),
      rh: at(per.rh, w.rh, t), hRZ: at(per.hRZ, w.hRZ, t), hN: at(per.hN, w.hN, t),
    });
    this.saved = Array.from({ length: T }, (_, t) => step(t, at(this.Hs, w.h, t + 1)));
    this.savedY = Array.from({ length: T }, (_, t) => step(t, at(this.Y, w.h, t)));
    this.dYAt = Array.from({ length: T }, (_, t) => at(this.dY, w.h, t));
    this.dState = { h: [a(B, w.h), a(B, w.h)], c: [a(B, w.c), a(B, w.c)] };
    const kept = { dhRaw: a(TB, w.dhRaw), dhRZ: a(TB, w.dhRZ), dhN: a(TB, w.dhN) };  // read again after the loop
    const scratch = { dm: a(B, w.dm), dRh: a(B, w.dRh) };
    this.grads = Array.from({ length: T }, (_, t) => ({
      dh: this.dState.h[t % 2], dc: this.dState.c[t % 2],
      dhPrev: this.dState.h[(t + 1) % 2], dcPrev: this.dState.c[(t + 1) % 2],
      dxz: at(this.dXZ, w.xz, t), dhRaw: at(kept.dhRaw, w.dhRaw, t), dhRZ: at(kept.dhRZ, w.dhRZ, t), dhN: at(kept.dhN, w.dhN, t),
      ...scratch,
    }));
    const all = (buf: Buf, width: number) => buf.subarray(0, TB * width);
    this.whole = {
      s: { ...step(0, all(this.Y, w.h)), x: this.X, xz: this.XZ, hPrev: all(this.Hs, w.h), cPrev: all(this.Cs, w.c),
        gates: per.gates, m: per.m ?? all(this.Y, w.h), hRaw: per.hRaw, rh: per.rh, hRZ: per.hRZ, hN: per.hN },
      d: { ...this.grads[0], dxz: this.dXZ, ...kept },
    };
  }

  private get usesY(): boolean { return this.lengths !== null || this.masks.output !== null || this.masks.state !== null; }
  private get steps(): StepSaved[] { return this.masks.state ? this.savedY : this.saved; }

  /** Outputs (T·B, R): h_1..h_T straight from the state chain, or Y when lengths or dropout make them differ. */
  get outputs(): Buf { return this.usesY ? this.Y : this.hChain; }
  /** ∂L/∂h0, ∂L/∂c0 after backward: what step 0 wrote as its dhPrev / dcPrev */
  get dh0(): Buf { return this.grads[0].dhPrev; }
  get dc0(): Buf { return this.grads[0].dcPrev; }

  /** Give every buffer back to the kernels backend; the run must not be used afterwards. */
  dispose(): void { this.owned.freeAll(); }

  /** Dropout masks for the next forward (and its backward); null entries = no dropout there. */
  setMasks(masks: LayerMasks): void { this.masks = masks; }

  /** X must hold the input; h0 / c0 (or zeros) go into Hs[0] / Cs[0]. */
  forward(w: CellWeights, h0: Buf | null, c0: Buf | null, lengths: Int32Array | null): void {
    const { k, cell, T, B, hInit, cInit } = this;
    this.lengths = lengths && lengths.some((len) => len < T) ? lengths : null;
    if (h0) hInit.set(h0); else hInit.fill(0);
    if (c0) cInit.set(c0); else cInit.fill(0);
    if (this.masks.input) mulInPlace(this.X, this.masks.input);
    cell.projectInput(k, w, this.XZ, this.X, T * B);
    const steps = this.steps, finish = this.usesY;
    for (let t = 0; t < T; t++) {
      cell.forward(k, w, steps[t], B);
      if (finish) this.finishStep(t, steps[t]);
    }
  }

  /** Outputs and next state from h_t: state dropout, copy-through past a row's length, output dropout. */
  private finishStep(t: number, s: StepSaved): void {
    const { B, lengths, masks } = this, R = s.hPrev.length / B, H = s.cPrev.length / B;
    const y = this.savedY[t].h, next = this.saved[t].h;  // Y[t] and Hs[t+1]
    const sm = masks.state, om = masks.output, base = t * B * R;
    if (sm) for (let i = 0; i < B * R; i++) next[i] = y[i] * sm[base + i];   // s.h is y here
    else y.set(s.h);
    for (let b = 0; b < B; b++) {
      if (lengths && t >= lengths[b]) {                   // past the end: keep the old state, output 0
        for (let j = 0; j < R; j++) { next[b * R + j] = s.hPrev[b * R + j]; y[b * R + j] = 0; }
        for (let j = 0; j < H; j++) s.c[b * H + j] = s.cPrev[b * H + j];
      } else if (om) {
        for (let j = 0; j < R; j++) y[b * R + j] *= om[base + b * R + j];
      }
    }
  }

  /**
   * BPTT. dY (T·B, R) or null, dhN (B,R) / dcN (B,H) or null: cotangents of outputs and final state.
   * dX (T·B, D) ACCUMULATES (null: not needed); parameter gradients ACCUMULATE into dw.
   * Afterwards dh0 / dc0 hold ∂L/∂h0, ∂L/∂c0.
   */
  backward(w: CellWeights, dw: CellWeights, dYIn: Buf | null, dhN: Buf | null, dcN: Buf | null, dX: Buf | null): void {
    const { k, cell, T, B } = this, steps = this.steps, simple = !this.usesY;
    const dY = dYIn ? this.dY : null;
    if (dYIn) this.dY.set(dYIn);
    const first = this.grads[T - 1];
    if (dhN) first.dh.set(dhN); else first.dh.fill(0);
    if (dcN) first.dc.set(dcN); else first.dc.fill(0);
    for (let t = T - 1; t >= 0; t--) {                   // backward in time
      const d = this.grads[t], R = d.dh.length / B;
      d.dhPrev.fill(0); d.dcPrev.fill(0);
      if (!simple) this.stepCotangent(t, d, dY);
      else if (dY) k.axpy(d.dh, this.dYAt[t], 1, B * R); // gradient from the output at t
      this.onStepGrad?.(t, d.dh, d.dc, steps[t]);
      cell.backward(k, w, dw, steps[t], d, B);          // into dxz_t, dh_{t−1}, dc_{t−1}
    }
    cell.weightBackward(k, dw, this.whole.s, this.whole.d, T * B); // dW_hh (W_hr, b_hh) over all T·B rows at once
    const mask = this.masks.input;
    if (!mask) { cell.inputBackward(k, w, dw, dX, this.dXZ, this.X, T * B); return; } // dX, dW_ih, db over all T·B rows
    this.dXm.fill(0);
    cell.inputBackward(k, w, dw, dX ? this.dXm : null, this.dXZ, this.X, T * B);
    if (dX) for (let i = 0; i < dX.length; i++) dX[i] += this.dXm[i] * mask[i]; // backprop through input dropout
  }

  /** Mirror of finishStep: turn ∂L/∂(next state) and ∂L/∂y_t into ∂L/∂h_t; copied-through rows pass straight to t − 1. */
  private stepCotangent(t: number, d: StepGrads, dY: Buf | null): void {
    const { B, lengths, masks } = this, R = d.dh.length / B, H = d.dc.length / B;
    const sm = masks.state, om = masks.output, base = t * B * R;
    for (let b = 0; b < B; b++) {
      if (lengths && t >= lengths[b]) {
        for (let j = 0; j < R; j++) { d.dhPrev[b * R + j] = d.dh[b * R + j]; d.dh[b * R + j] = 0; }
        for (let j = 0; j < H; j++) { d.dcPrev[b * H + j] = d.dc[b * H + j]; d.dc[b * H + j] = 0; }
        continue;
      }
      for (let j = 0; j < R; j++) {
        const i = b * R + j;
        let g = sm ? d.dh[i] * sm[base + i] : d.dh[i];
        if (dY) g += om ? dY[base + i] * om[base + i] : dY[base + i];
        d.dh[i] = g;
      }
    }
  }
}

function mulInPlace(x: Buf, mask: Buf): void {
  for (let i = 0; i < x.length; i++) x[i] *= mask[i];
}
