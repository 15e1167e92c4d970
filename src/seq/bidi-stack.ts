// Layers × directions, the PyTorch / cuDNN / Keras-Bidirectional way of stacking: layer l > 0
// reads concat(forward, backward) outputs of layer l − 1 (after dropout, in training), and each
// direction of each layer has its own initial and final state, ordered layer·dirs + direction.
// (TF-1's bidirectional over MultiRNNCells is different: two independent stacks, see uni-stack.ts.)
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { Owned } from "../kernels/owner.ts";
import type { Cell, CellWeights } from "../cells/cell.ts";
import type { Rng } from "../params/rng.ts";
import { UniStack, type LayerState } from "./uni-stack.ts";
import { putColumns, takeColumns } from "./time-rows.ts";

export interface DropoutSpec { p: number; rng: Rng }

/** out (b, a, W) = inp (a, b, W): batch-major <-> time-major */
function swapLeading(out: Buf, inp: Buf, a: number, b: number, W: number): void {
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) {
    const o = (j * a + i) * W, s = (i * b + j) * W;
    for (let w = 0; w < W; w++) out[o + w] = inp[s + w];
  }
}

export class BidiStack {
  readonly stacks: UniStack[][];
  private readonly L: number; private readonly dirs: number;
  private readonly D: number; private readonly R: number; private readonly H: number;
  private readonly x: Buf;         // (T·B, D) time-major input
  private readonly cat: Buf[];     // per layer (T·B, dirs·R) outputs
  private readonly next: Buf[];    // per layer < L−1: cat · mask, the next layer's input
  private readonly masks: Buf[];   // per layer < L−1: 0 or 1/(1−p)
  private readonly dCat: Buf[];    // per layer (T·B, dirs·R)
  private readonly dPart: Buf;     // (T·B, R)
  private readonly dX: Buf;        // (T·B, D)
  private dropped = false;
  private readonly owned: Owned;

  constructor(readonly k: Kernels, cells: Cell[][], readonly T: number, readonly B: number, readonly dtype: Dtype) {
    this.L = cells.length; this.dirs = cells[0].length;
    const c0 = cells[0][0].config;
    this.D = c0.inputSize; this.R = c0.outputSize; this.H = c0.hiddenSize;
    this.owned = new Owned(k, dtype);
    const TB = T * B, W = this.dirs * this.R, a = (n: number) => this.owned.alloc(n);
    this.stacks = cells.map((dirs) => dirs.map((cell, d) => new UniStack(k, [cell], T, B, dtype, d === 1)));
    this.x = a(TB * this.D);
    this.cat = cells.map(() => a(TB * W));
    this.dCat = cells.map(() => a(TB * W));
    this.next = cells.slice(1).map(() => a(TB * W));
    this.masks = cells.slice(1).map(() => a(TB * W));
    this.dPart = a(TB * this.R);
    this.dX = a(TB * this.D);
  }

  /** Give every buffer back; the stack must not be used afterwards. */
  dispose(): void { this.stacks.forEach((dirs) => dirs.forEach((s) => s.dispose())); this.owned.freeAll(); }

  private state(buf: Buf | null, l: number, d: number, width: number): Buf | null {
    if (!buf) return null;
    const at = (l * this.dirs + d) * this.B * width;
    return buf.subarray(at, at + this.B * width);
  }

  forward(ws: CellWeights[][], x: Buf, batchFirst: boolean, h0: Buf | null, c0: Buf | null,
          lengths: Int32Array | null, dropout: DropoutSpec | null): void {
    const { T, B, L, dirs, R, H } = this, TB = T * B, W = dirs * R;
    if (batchFirst) swapLeading(this.x, x, B, T, this.D); else this.x.set(x);
    this.dropped = dropout !== null && L > 1;
    let input = this.x;
    for (let l = 0; l < L; l++) {
      for (let d = 0; d < dirs; d++) {
        const s = this.stacks[l][d];
        const init: LayerState = { h: this.state(h0, l, d, R), c: this.state(c0, l, d, H) };
        s.forward(input, [ws[l][d]], [init], lengths);
        putColumns(this.cat[l], s.outputs, TB, W, d * R, R);
      }
      if (l < L - 1) {
        input = this.cat[l];
        if (dropout) { this.sampleMask(this.masks[l], dropout); this.applyMask(this.next[l], this.cat[l], this.masks[l]); input = this.next[l]; }
      }
    }
  }

  /** inverted dropout: keep with probability 1 − p and scale by 1/(1 − p) */
  private sampleMask(mask: Buf, { p, rng }: DropoutSpec): void {
    const scale = 1 / (1 - p);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < p ? 0 : scale;
  }
  private applyMask(out: Buf, inp: Buf, mask: Buf): void {
    for (let i = 0; i < out.length; i++) out[i] = inp[i] * mask[i];
  }

  /** The top layer's outputs themselves, (T·B, dirs·R) time-major; valid until the next forward. */
  outputView(): Buf { return this.cat[this.L - 1]; }

  /** A copy of the top layer's outputs, (T, B, dirs·R) or (B, T, dirs·R). */
  output(batchFirst: boolean): Buf {
    const top = this.cat[this.L - 1], W = this.dirs * this.R;
    if (!batchFirst) return top.slice();
    const out = top.slice();
    swapLeading(out, top, this.T, this.B, W);
    return out;
  }
  finalH(): Buf { return this.gather((s) => s.final(0).h!, this.R); }
  finalC(): Buf { return this.gather((s) => s.final(0).c!, this.H); }
  initialGradH(): Buf { return this.gather((s) => s.dInitial(0).h!, this.R); }
  initialGradC(): Buf { return this.gather((s) => s.dInitial(0).c!, this.H); }

  private gather(pick: (s: UniStack) => Buf, width: number): Buf {
    const out = this.x instanceof Float64Array ? new Float64Array(this.L * this.dirs * this.B * width) : new Float32Array(this.L * this.dirs * this.B * width);
    this.stacks.forEach((dirs, l) => dirs.forEach((s, d) => out.set(pick(s), (l * this.dirs + d) * this.B * width)));
    return out;
  }

  /** needInputGrad = false skips ∂L/∂x (layer 0's dX GEMM over all T·B rows: D·G·T·B multiply-adds) when
   *  nobody reads it, e.g. features fed straight into the first layer during training. */
  backward(ws: CellWeights[][], dws: CellWeights[][], dOut: Buf | null, batchFirst: boolean, dhN: Buf | null, dcN: Buf | null,
           needInputGrad = true): void {
    const { T, B, L, dirs, R, H } = this, TB = T * B, W = dirs * R;
    const top = this.dCat[L - 1];
    if (!dOut) top.fill(0);
    else if (batchFirst) swapLeading(top, dOut, B, T, W);
    else top.set(dOut);
    for (let l = L - 1; l >= 0; l--) {
      const dIn = l > 0 ? this.dCat[l - 1] : needInputGrad ? this.dX : null;
      dIn?.fill(0);
      for (let d = 0; d < dirs; d++) {
        takeColumns(this.dPart, this.dCat[l], TB, W, d * R, R);
        const dFinal: LayerState = { h: this.state(dhN, l, d, R), c: this.state(dcN, l, d, H) };
        this.stacks[l][d].backward([ws[l][d]], [dws[l][d]], this.dPart, [dFinal], dIn);
      }
      if (l > 0 && this.dropped) this.applyMask(dIn!, dIn!, this.masks[l - 1]); // backprop through dropout
    }
  }

  /** A copy of ∂L/∂x, (T, B, D) or (B, T, D). */
  inputGrad(batchFirst: boolean): Buf {
    if (!batchFirst) return this.dX.slice();
    const out = this.dX.slice();
    swapLeading(out, this.dX, this.T, this.B, this.D);
    return out;
  }
}
