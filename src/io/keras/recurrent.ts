// One Keras recurrent layer (SimpleRNN, LSTM, GRU) on our cells, with Keras's time loop
// (tfjs-layers backend rnn(), keras backend.rnn):
//   - go_backwards reverses the whole input (and mask) in time; outputs stay in processing order;
//   - on a masked step the new output AND state are the previous state (h_{t-1}; 0 before the
//     first valid step): Keras "repeats the previous output", it does not write zeros as PyTorch
//     and TF-1 sequence lengths do, and masks may have holes, not only padding at the end.
// So this loop runs the cell one step at a time (projectInput + forward, kernels untouched) and
// blends rows by the mask. Layouts: Keras kernel [D, G], recurrent_kernel [H, G], columns i,f,c,o
// (LSTM, = our i,f,g,o) or z,r,h (GRU; ours r,z,n); bias [G], or [2, G] for GRU reset_after
// (input bias row, recurrent bias row = our b_ih, b_hh). unit_forget_bias only initializes the
// bias: a stored bias already contains it and is taken as is.
import type { Buf } from "../../kernels/types.ts";
import { defaultKernels } from "../../kernels/index.ts";
import { Owned } from "../../kernels/owner.ts";
import type { Kernels } from "../../kernels/types.ts";
import { allocStep, createCell, type Cell, type CellKind, type CellWeights } from "../../cells/index.ts";
import type { StepSaved } from "../../cells/cell.ts";
import { allocFlat, planLayout, type FlatParams } from "../../params/layout.ts";
import type { ActivationName } from "../../cells/activation-names.ts";
import { RnnlabError, fmtShape } from "../../errors.ts";

/** Our gate block b is Keras column block KERAS_BLOCK[kind][b]. */
const KERAS_BLOCK: Record<CellKind, number[]> = { rnn: [0], lstm: [0, 1, 2, 3], gru: [1, 0, 2] };

export interface KerasRnnSpec {
  kind: CellKind; units: number; inputSize: number; useBias: boolean; resetAfter: boolean;
  activation: ActivationName; recurrentActivation: ActivationName;
}

export interface RnnRun {
  /** (B, T, H) outputs in processing order */
  sequence: Float32Array;
  /** (B, H) the output of the last processed step */
  last: Float32Array;
  /** final states: [h] or [h, c], each (B, H) */
  states: Float32Array[];
}

export class KerasRnnCell {
  readonly cell: Cell;
  readonly params: FlatParams;
  readonly w: CellWeights;

  /** the backend the weights live on (the default one: native, wasm or ref) */
  readonly k: Kernels = defaultKernels();

  constructor(readonly spec: KerasRnnSpec) {
    const biases = !spec.useBias ? 0 : spec.kind === "gru" && spec.resetAfter ? 2 : 1;
    this.cell = createCell(spec.kind, {
      inputSize: spec.inputSize, hiddenSize: spec.units, biases, activation: spec.activation,
      ...(spec.kind === "rnn" ? {} : { gateActivation: spec.recurrentActivation }),
      ...(spec.kind === "gru" ? { resetAfter: spec.resetAfter } : {}),
    }, "KerasRnnCell");
    this.params = allocFlat(this.k, planLayout(this.cell.specs), "float32");
    this.w = this.cell.weights(this.params.views);
  }

  get gates(): number { return this.cell.config.gateRows; }

  /** Shapes of kernel, recurrent_kernel (and bias) in Keras layout. */
  kerasShapes(): number[][] {
    const { inputSize: D, units: H, useBias, kind, resetAfter } = this.spec, G = this.gates;
    const shapes = [[D, G], [H, G]];
    if (useBias) shapes.push(kind === "gru" && resetAfter ? [2, G] : [G]);
    return shapes;
  }

  /** Load Keras-layout arrays; `where(i)` names weight i in errors. */
  setKerasWeights(arrays: { shape: number[]; data: Float32Array }[], where: (i: number) => string): void {
    const expected = this.kerasShapes();
    if (arrays.length !== expected.length) {
      throw new RnnlabError(`${where(-1)} has ${arrays.length} weight(s), expected ${expected.length} (kernel, recurrent_kernel${this.spec.useBias ? ", bias" : ""})`);
    }
    arrays.forEach((a, i) => {
      if (fmtShape(a.shape) !== fmtShape(expected[i])) throw new RnnlabError(`${where(i)} has shape ${fmtShape(a.shape)}, expected ${fmtShape(expected[i])}`);
    });
    const { inputSize: D, units: H } = this.spec, G = this.gates, v = this.params.views;
    this.mapColumns(v.weightIh, arrays[0].data, D, "in");
    this.mapColumns(v.weightHh, arrays[1].data, H, "in");
    if (arrays[2]) {
      this.mapColumns(v.biasIh, arrays[2].data.subarray(0, G), 1, "in");
      if (v.biasHh) this.mapColumns(v.biasHh, arrays[2].data.subarray(G), 1, "in");
    }
  }

  /** The weights in Keras layout (kernel, recurrent_kernel, bias). */
  kerasWeights(): Float32Array[] { return this.kerasArraysOf(this.params.views); }

  /** Views in our layout (the weights, or their gradients) in Keras layout. */
  kerasArraysOf(v: Record<string, Buf>): Float32Array[] {
    const { inputSize: D, units: H } = this.spec, G = this.gates, shapes = this.kerasShapes();
    const out = shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
    this.mapColumns(v.weightIh, out[0], D, "out");
    this.mapColumns(v.weightHh, out[1], H, "out");
    if (out[2]) {
      this.mapColumns(v.biasIh, out[2].subarray(0, G), 1, "out");
      if (v.biasHh) this.mapColumns(v.biasHh, out[2].subarray(G), 1, "out");
    }
    return out;
  }

  /** ours (G, rows) <-> Keras (rows, G) with gate blocks reordered. */
  private mapColumns(ours: Buf, keras: Float32Array, rows: number, dir: "in" | "out"): void {
    const H = this.spec.units, G = this.gates;
    KERAS_BLOCK[this.spec.kind].forEach((kb, b) => {
      for (let n = 0; n < H; n++) for (let r = 0; r < rows; r++) {
        const o = (b * H + n) * rows + r, k = r * G + kb * H + n;
        if (dir === "in") ours[o] = keras[k]; else keras[k] = ours[o];
      }
    });
  }

  /**
   * Keras's loop over x (B, T, D) batch-major with an optional mask (B, T) (1 = valid) and
   * optional initial states [h] / [h, c] (B, H).
   */
  run(x: Float32Array, B: number, T: number, mask: Uint8Array | null, goBackwards: boolean, initial?: Float32Array[]): RnnRun {
    const { inputSize: D, units: H, kind } = this.spec, k = this.k, owned = new Owned(k, "float32");
    const { saved: s } = allocStep(allocating(k, owned), this.cell.config, B, "float32");
    const h = initial?.[0] ? Float32Array.from(initial[0]) : new Float32Array(B * H);
    const c = kind === "lstm" ? (initial?.[1] ? Float32Array.from(initial[1]) : new Float32Array(B * H)) : null;
    const sequence = new Float32Array(B * T * H);
    for (let step = 0; step < T; step++) {
      const t = goBackwards ? T - 1 - step : step;
      for (let b = 0; b < B; b++) s.x.set(x.subarray((b * T + t) * D, (b * T + t + 1) * D), b * D);
      s.hPrev.set(h);
      if (c) s.cPrev.set(c);
      this.cell.projectInput(k, this.w, s.xz, s.x, B);
      this.cell.forward(k, this.w, s, B);
      for (let b = 0; b < B; b++) {
        if (mask && !mask[b * T + t]) continue;                     // masked: keep h (and c); output repeats h
        h.set(s.h.subarray(b * H, (b + 1) * H), b * H);
        if (c) c.set(s.c.subarray(b * H, (b + 1) * H), b * H);
      }
      for (let b = 0; b < B; b++) sequence.set(h.subarray(b * H, (b + 1) * H), (b * T + step) * H);
    }
    owned.freeAll();
    return { sequence, last: Float32Array.from(h), states: c ? [h, c] : [h] };
  }
}

/** `k` whose alloc() goes through `owned` (so one freeAll() gives a run's buffers back). */
function allocating(k: Kernels, owned: Owned): Kernels {
  return Object.assign(Object.create(k) as Kernels, { alloc: (n: number) => owned.alloc(n) });
}

/** What a training run of the Keras loop keeps for its backward: every step's saved values. */
export interface RnnTape { B: number; T: number; mask: Uint8Array | null; goBackwards: boolean; steps: StepSaved[] }

/**
 * Training: the same loop as KerasRnnCell.run, keeping each step; and its backward (BPTT through
 * the mask blending: a masked row passes its state gradient straight to the previous step).
 */
export class KerasRnnTrainer {
  readonly grads: FlatParams;
  readonly dw: CellWeights;
  /** the step buffers of the last forward, given back after its backward (or at the next forward) */
  private owned: Owned | null = null;

  constructor(readonly rnn: KerasRnnCell) {
    this.grads = allocFlat(rnn.k, rnn.params.layout, "float32");
    this.dw = rnn.cell.weights(this.grads.views);
  }

  forward(x: Float32Array, B: number, T: number, mask: Uint8Array | null, goBackwards: boolean, initial?: Float32Array[]): RnnRun & { tape: RnnTape } {
    const { inputSize: D, units: H, kind } = this.rnn.spec, k = this.rnn.k, cell = this.rnn.cell, w = this.rnn.w;
    this.owned?.freeAll();
    const owned = (this.owned = new Owned(k, "float32")), ka = allocating(k, owned);
    const h = initial?.[0] ? Float32Array.from(initial[0]) : new Float32Array(B * H);
    const c = kind === "lstm" ? (initial?.[1] ? Float32Array.from(initial[1]) : new Float32Array(B * H)) : null;
    const sequence = new Float32Array(B * T * H), steps: StepSaved[] = [];
    for (let step = 0; step < T; step++) {
      const t = goBackwards ? T - 1 - step : step;
      const s = allocStep(ka, cell.config, B, "float32").saved;
      for (let b = 0; b < B; b++) s.x.set(x.subarray((b * T + t) * D, (b * T + t + 1) * D), b * D);
      s.hPrev.set(h);
      if (c) s.cPrev.set(c);
      cell.projectInput(k, w, s.xz, s.x, B);
      cell.forward(k, w, s, B);
      for (let b = 0; b < B; b++) {
        if (mask && !mask[b * T + t]) continue;
        h.set(s.h.subarray(b * H, (b + 1) * H), b * H);
        if (c) c.set(s.c.subarray(b * H, (b + 1) * H), b * H);
      }
      for (let b = 0; b < B; b++) sequence.set(h.subarray(b * H, (b + 1) * H), (b * T + step) * H);
      steps.push(s);
    }
    return { sequence, last: Float32Array.from(h), states: c ? [h, c] : [h], tape: { B, T, mask, goBackwards, steps } };
  }

  /**
   * Gradients (accumulated into this.grads) and dx (B, T, D), d initial states, from the
   * cotangents of the sequence (B, T, H) in processing order, the last output and the final states.
   */
  backward(tape: RnnTape, dSequence: Float32Array | null, dLast: Float32Array | null, dStates: (Float32Array | null)[]): { dx: Float32Array; dInitial: Float32Array[] } {
    const { inputSize: D, units: H, kind } = this.rnn.spec, k = this.rnn.k, cell = this.rnn.cell, w = this.rnn.w;
    const { B, T, mask, goBackwards, steps } = tape;
    if (!this.owned) throw new RnnlabError("KerasRnnTrainer.backward: its forward's buffers are gone (one backward per forward)");
    const ka = allocating(k, this.owned);
    const dH = new Float32Array(B * H), dC = kind === "lstm" ? new Float32Array(B * H) : null;
    if (dLast) for (let i = 0; i < dH.length; i++) dH[i] += dLast[i];
    if (dStates[0]) for (let i = 0; i < dH.length; i++) dH[i] += dStates[0][i];
    if (dC && dStates[1]) dC.set(dStates[1]);
    const dx = new Float32Array(B * T * D), dxt = ka.alloc(B * D, "float32");
    const d = allocStep(ka, cell.config, B, "float32").grads;
    for (let step = T - 1; step >= 0; step--) {
      const t = goBackwards ? T - 1 - step : step, s = steps[step];
      if (dSequence) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) dH[b * H + j] += dSequence[(b * T + step) * H + j];
      d.dh.set(dH); if (dC) d.dc.set(dC);
      d.dhPrev.fill(0); d.dcPrev.fill(0);
      for (let b = 0; b < B; b++) {                      // masked rows: the cell's output was not used
        if (!mask || mask[b * T + t]) continue;
        d.dh.fill(0, b * H, (b + 1) * H);
        if (dC) d.dc.fill(0, b * H, (b + 1) * H);
      }
      cell.backward(k, w, this.dw, s, d, B);
      cell.weightBackward(k, this.dw, s, d, B);
      dxt.fill(0);
      cell.inputBackward(k, w, this.dw, dxt, d.dxz, s.x, B);
      for (let b = 0; b < B; b++) dx.set(dxt.subarray(b * D, (b + 1) * D), (b * T + t) * D);
      for (let b = 0; b < B; b++) {                      // carry to the previous step: through the cell, or straight (masked)
        const masked = mask !== null && !mask[b * T + t];
        for (let j = 0; j < H; j++) {
          const i = b * H + j;
          dH[i] = masked ? dH[i] : d.dhPrev[i];
          if (dC) dC[i] = masked ? dC[i] : d.dcPrev[i];
        }
      }
    }
    this.owned.freeAll();
    this.owned = null;
    return { dx, dInitial: dC ? [dH, dC] : [dH] };
  }

  /** The accumulated gradients in Keras layout (kernel, recurrent_kernel, bias). */
  kerasGradients(): Float32Array[] { return this.rnn.kerasArraysOf(this.grads.views); }
}
