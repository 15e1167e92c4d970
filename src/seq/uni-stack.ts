// Layers run one after another in one direction: layer l's input at step t is layer l−1's output
// at step t (TF-1 MultiRNNCell; a unidirectional PyTorch stack). With reverse = true the stack
// reads each row's valid prefix backwards and its outputs are put back in the original order:
// the backward half of a bidirectional RNN (TF-1 rnn.py bidirectional_dynamic_rnn).
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { Owned } from "../kernels/owner.ts";
import type { Cell, CellWeights } from "../cells/cell.ts";
import type { TracedCell } from "../graph/traced-cell.ts";
import type { Views } from "../params/layout.ts";
import { LayerRun } from "./layer-run.ts";
import { GraphRun } from "./graph-run.ts";
import { reverseRows } from "./time-rows.ts";

export interface LayerState { h: Buf | null; c: Buf | null }

/** One layer's step: a built-in cell, or a user-defined cell's traced graph (whose state is one flat h). */
export type StackCell = Cell | TracedCell;
/** Its weights: typed views for a built-in cell, named variables for a traced one. */
export type StackWeights = CellWeights | Views;
type Run = LayerRun | GraphRun;

const isTraced = (c: StackCell): c is TracedCell => c.config.kind === "custom";

export class UniStack {
  readonly runs: Run[];
  private readonly outBuf: Buf | null;   // reversed-back outputs (reverse only)
  private readonly dTop: Buf | null;     // reversed output cotangent (reverse only)
  private readonly dIn: Buf[];           // per layer: ∂L/∂(its input); [0] used only when reversing
  private lengths: Int32Array | null = null;
  private readonly owned: Owned;

  constructor(k: Kernels, cells: StackCell[], readonly T: number, readonly B: number, dtype: Dtype, readonly reverse: boolean) {
    this.runs = cells.map((cell) => (isTraced(cell) ? new GraphRun(k, cell, T, B, dtype) : new LayerRun(k, cell, T, B, dtype)));
    const top = cells[cells.length - 1].config.outputSize, TB = T * B, own = (this.owned = new Owned(k, dtype));
    this.outBuf = reverse ? own.alloc(TB * top) : null;
    this.dTop = reverse ? own.alloc(TB * top) : null;
    this.dIn = cells.map((cell) => own.alloc(TB * cell.config.inputSize));
  }

  /** Give every buffer back; the stack must not be used afterwards. */
  dispose(): void { this.runs.forEach((r) => r.dispose()); this.owned.freeAll(); }

  get inputSize(): number { return this.runs[0].cell.config.inputSize; }
  get outputSize(): number { return this.runs[this.runs.length - 1].cell.config.outputSize; }

  /** Outputs (T·B, R_top) in the original time order; zero at t ≥ len. */
  get outputs(): Buf { return this.outBuf ?? this.runs[this.runs.length - 1].outputs; }
  final(l: number): LayerState {
    const run = this.runs[l];
    return { h: run.hN, c: run.cell.config.kind === "lstm" ? run.cN : null };
  }
  dInitial(l: number): LayerState {
    const run = this.runs[l];
    return { h: run.dh0, c: run.cell.config.kind === "lstm" ? run.dc0 : null };
  }

  /** input (T·B, D) time-major; initial[l] may have null h / c (zeros). */
  forward(input: Buf, ws: StackWeights[], initial: LayerState[], lengths: Int32Array | null): void {
    const { T, B, runs } = this;
    this.lengths = lengths;
    if (this.reverse) reverseRows(runs[0].X, input, lengths, T, B, this.inputSize);
    else runs[0].X.set(input);
    runs.forEach((run, l) => {
      if (l > 0) run.X.set(runs[l - 1].outputs);
      run.forward(ws[l] as CellWeights, initial[l]?.h ?? null, initial[l]?.c ?? null, lengths);
    });
    if (this.outBuf) reverseRows(this.outBuf, runs[runs.length - 1].outputs, lengths, T, B, this.outputSize);
  }

  /** dOut (T·B, R_top) or null; dFinal[l] cotangents of final states; dInput (T·B, D) ACCUMULATES (or null). */
  backward(ws: StackWeights[], dws: StackWeights[], dOut: Buf | null, dFinal: LayerState[], dInput: Buf | null): void {
    const { T, B, runs } = this;
    let dY = dOut;
    if (dOut && this.dTop) { reverseRows(this.dTop, dOut, this.lengths, T, B, this.outputSize); dY = this.dTop; }
    for (let l = runs.length - 1; l >= 0; l--) {
      let dX: Buf | null = l > 0 ? this.dIn[l] : this.reverse ? (dInput ? this.dIn[0] : null) : dInput;
      if (dX && dX !== dInput) dX.fill(0);
      runs[l].backward(ws[l] as CellWeights, dws[l] as CellWeights, dY, dFinal[l]?.h ?? null, dFinal[l]?.c ?? null, dX);
      dY = dX;                                              // layer l's input is layer l−1's output
    }
    if (this.reverse && dInput) reverseRows(dInput, this.dIn[0], this.lengths, T, B, this.inputSize, true);
  }
}
