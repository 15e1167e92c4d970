// CellRNN: any cell — built-in or user-defined (nn.CustomCell), single or stacked — as a layer of
// the PyTorch-style API (Keras's `RNN(cell)`): forward(x) → { output, state }, backward(cotangents)
// → { dx, dState } with the variables' gradients ACCUMULATING into the layer's gradient buffers
// (zeroGrad() clears them), and groups() for the optimizers.
//
// Its backward is the nn tape: forward records the unrolling on a fresh tape and backward replays
// it, so both APIs share one BPTT (src/seq/) for every cell. (The LSTM / GRU / RNN layers keep
// their own planned buffers across steps and never allocate per step; see docs/custom-cells.md.)
import type { Buf } from "../kernels/types.ts";
import type { ParamGroup } from "../train/optim.ts";
import { Tensor } from "../tensor/tensor.ts";
import { viewsOf } from "../params/layout.ts";
import { checkBool, checkKnownKeys, fail, RnnlabError } from "../errors.ts";
import type { RNNCellLike, SingleCell } from "../nn/cells.ts";
import type { RnnState } from "../nn/state.ts";
import { dynamicRnn } from "../nn/unroll.ts";
import { tape as newTape, type Tape } from "../nn/tape.ts";
import { namedLayers } from "../nn/structure.ts";

export interface CellRNNOptions {
  /** inputs and outputs [batch, time, ·] instead of [time, batch, ·] (PyTorch's default is time-major) */
  batchFirst?: boolean;
}

export class CellRNN {
  readonly batchFirst: boolean;
  private recorded: { tape: Tape; x: Tensor } | null = null;
  private readonly gradBufs = new Map<SingleCell, Buf>();

  constructor(readonly cell: RNNCellLike, opts: CellRNNOptions = {}) {
    const fn = "CellRNN";
    if (!cell || typeof (cell as RNNCellLike).layers !== "function") fail(fn, "cell", "an nn cell (nn.CustomCell, nn.BasicLSTMCell, nn.MultiRNNCell, …)", cell);
    if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
    checkKnownKeys(fn, opts, ["batchFirst"]);
    this.batchFirst = checkBool(fn, "batchFirst", opts.batchFirst ?? false);
  }

  /** x [T, B, D] (or [B, T, D] with batchFirst); outputs 0 past each row's length, state copied through. */
  forward(x: Tensor, opts: { initialState?: RnnState; lengths?: ArrayLike<number> } = {}): { output: Tensor; state: RnnState } {
    const fn = "CellRNN.forward";
    if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
    checkKnownKeys(fn, opts, ["initialState", "lengths"]);
    this.recorded?.tape.dispose();                       // an unused recording gives its buffers back
    const tape = newTape();
    const r = dynamicRnn(this.cell, x, { timeMajor: !this.batchFirst, initialState: opts.initialState, sequenceLength: opts.lengths, tape });
    this.recorded = { tape, x };
    return { output: r.outputs, state: r.state };
  }

  /** Gradients of the last forward; the variables' gradients ACCUMULATE into the layer's buffers. */
  backward(cot: { output?: Tensor; state?: RnnState }): { dx: Tensor; dState: RnnState | undefined } {
    const fn = "CellRNN.backward";
    if (!this.recorded) throw new RnnlabError(`${fn}: call forward first (each forward can be differentiated once)`);
    if (typeof cot !== "object" || cot === null) fail(fn, "cotangents", "an object { output, state }", cot);
    checkKnownKeys(fn, cot, ["output", "state"]);
    const { tape } = this.recorded;
    this.recorded = null;
    const g = tape.backward({ outputs: cot.output, state: cot.state });
    const byName = Object.fromEntries(g.variables.map((v) => [v.name, v.tensor]));
    for (const { prefix, layer } of namedLayers(this.cell)) {
      const mine: Record<string, Tensor> = {};
      for (const v of layer.variables()) mine[v.name] = byName[prefix + v.name];
      const scratch = layer.k.alloc(layer.params.flat.length, layer.params.flat instanceof Float64Array ? "float64" : "float32");
      layer.gradientsInto(viewsOf(scratch, layer.params.layout), mine);
      layer.k.axpy(this.gradOf(layer), scratch, 1, scratch.length);   // accumulate, as PyTorch's .grad
      layer.k.free(scratch);
    }
    return { dx: g.inputs as Tensor, dState: g.initialState };
  }

  private gradOf(layer: SingleCell): Buf {
    let buf = this.gradBufs.get(layer);
    if (!buf || buf.length !== layer.params.flat.length || buf.constructor !== layer.params.flat.constructor) {
      buf = layer.k.alloc(layer.params.flat.length, layer.params.flat instanceof Float64Array ? "float64" : "float32");
      this.gradBufs.set(layer, buf);
    }
    return buf;
  }

  zeroGrad(): void { for (const { layer } of namedLayers(this.cell)) this.gradOf(layer).fill(0); }

  /** One optimizer group per single cell: its flat parameters (updated in place) and accumulated gradients. */
  groups(): ParamGroup[] {
    return namedLayers(this.cell).map(({ prefix, layer }) => ({ name: prefix || layer.className, params: layer.params.flat, grads: this.gradOf(layer) }));
  }

  /** The accumulated gradients under the cell's variable names (as cell.variables() names them). */
  gradDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const { prefix, layer } of namedLayers(this.cell)) {
      for (const v of layer.gradientVariables(viewsOf(this.gradOf(layer), layer.params.layout))) out[prefix + v.name] = v.tensor;
    }
    return out;
  }

  paramCount(): number { return this.cell.variables().reduce((n, v) => n + v.tensor.size, 0); }
}
