// CellStep: one cell, one batch size, its own buffers. The checked, user-facing way to run a
// single time step forward and backward; the time loop in src/seq/ drives the phases directly.
// The weights are checked for NaN/Inf when they change, not on every call: after init(), after an
// optimizer step on `params.flat` (params/versions.ts), and after weightsChanged() — which code
// that writes `params.views` directly must call. A call then costs one step (µs for small cells),
// not a scan of every weight.
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { allocFlat, planLayout, type FlatParams } from "../params/layout.ts";
import { initCellParams, type InitScheme } from "../params/init-schemes.ts";
import { checkBuf, checkFinite, checkInt, checkOneOf } from "../errors.ts";
import { allocStep, type Cell, type CellWeights, type StepGrads, type StepSaved } from "./cell.ts";
import { markChanged, versionOf } from "../params/versions.ts";

export interface StepInput { x: Buf; h?: Buf; c?: Buf }
export interface StepOutput { h: Buf; c: Buf | null }
export interface StepInputGrads { dx: Buf; dh: Buf; dc: Buf | null }

export class CellStep {
  readonly params: FlatParams;
  readonly grads: FlatParams;
  private readonly w: CellWeights;
  private readonly dw: CellWeights;
  private readonly s: StepSaved;
  private readonly d: StepGrads;
  private readonly dx: Buf;
  private readonly ctor: Float32ArrayConstructor | Float64ArrayConstructor;
  private ran = false;
  /** versionOf(params.flat) when the weights were last found finite (−1: never) */
  private checkedVersion = -1;

  constructor(readonly k: Kernels, readonly cell: Cell, readonly batchSize: number, readonly dtype: Dtype = "float32") {
    checkInt("CellStep", "batchSize", batchSize, 1);
    checkOneOf("CellStep", "dtype", dtype, ["float32", "float64"] as const);
    const layout = planLayout(cell.specs);
    this.params = allocFlat(k, layout, dtype);
    this.grads = allocFlat(k, layout, dtype);
    this.w = cell.weights(this.params.views);
    this.dw = cell.weights(this.grads.views);
    ({ saved: this.s, grads: this.d } = allocStep(k, cell.config, batchSize, dtype));
    this.dx = k.alloc(batchSize * cell.config.inputSize, dtype);
    this.ctor = dtype === "float64" ? Float64Array : Float32Array;
  }

  init(scheme: InitScheme = "torch", seed = 0): this {
    initCellParams(this.cell.config, this.params.views, scheme, seed, "CellStep.init");
    this.weightsChanged();
    return this;
  }

  /** Say that `params` were written directly (not by init() or an optimizer step): the next forward
   *  checks every weight for NaN/Inf again. */
  weightsChanged(): void { markChanged(this.params.flat); }

  zeroGrads(): void { this.grads.flat.fill(0); }

  /** One step. Missing h / c mean zeros. Returns views of internal buffers, valid until the next call. */
  forward({ x, h, c }: StepInput): StepOutput {
    const fn = "CellStep.forward", { inputSize: D, hiddenSize: H, outputSize: R, kind } = this.cell.config;
    const B = this.batchSize, s = this.s;
    this.check(fn, "x", x, [B, D]);
    if (h !== undefined) this.check(fn, "h", h, [B, R]);
    if (c !== undefined) {
      if (kind !== "lstm") throw new Error(`${fn}: c is only for LSTM cells, got c for a ${kind} cell`);
      this.check(fn, "c", c, [B, H]);
    }
    const version = versionOf(this.params.flat);
    if (version !== this.checkedVersion) {
      for (const spec of this.params.layout.specs) checkFinite(fn, spec.name, this.params.views[spec.name]);
      this.checkedVersion = version;
    }
    s.x.set(x);
    if (h) s.hPrev.set(h); else s.hPrev.fill(0);
    if (c) s.cPrev.set(c); else s.cPrev.fill(0);
    this.cell.projectInput(this.k, this.w, s.xz, s.x, B);
    this.cell.forward(this.k, this.w, s, B);
    this.ran = true;
    return { h: s.h, c: kind === "lstm" ? s.c : null };
  }

  /** Backward of the last forward, given ∂L/∂h_t and ∂L/∂c_t. Parameter gradients ACCUMULATE into this.grads. */
  backward({ dh, dc }: { dh: Buf; dc?: Buf }): StepInputGrads {
    const fn = "CellStep.backward", { hiddenSize: H, outputSize: R, kind } = this.cell.config;
    const B = this.batchSize, d = this.d;
    if (!this.ran) throw new Error(`${fn}: call forward first`);
    this.check(fn, "dh", dh, [B, R]);
    if (dc !== undefined) this.check(fn, "dc", dc, [B, H]);
    d.dh.set(dh);
    if (dc) d.dc.set(dc); else d.dc.fill(0);
    d.dhPrev.fill(0); d.dcPrev.fill(0); this.dx.fill(0);
    this.cell.backward(this.k, this.w, this.dw, this.s, d, B);
    this.cell.weightBackward(this.k, this.dw, this.s, d, B);
    this.cell.inputBackward(this.k, this.w, this.dw, this.dx, d.dxz, this.s.x, B);
    return { dx: this.dx, dh: d.dhPrev, dc: kind === "lstm" ? d.dcPrev : null };
  }

  private check(fn: string, arg: string, buf: unknown, shape: number[]): void {
    checkBuf(fn, arg, buf, shape[0] * shape[1], shape, this.ctor);
  }
}
