// TF-1 DropoutWrapper around one cell: dropout on the cell's inputs, on its outputs, and on the
// state it hands to the next step (for LSTM the h part only, TF-1's default state filter).
// Kept units are scaled by 1/keep ("inverted" dropout, tf.nn.dropout). With variationalRecurrent
// one mask per sequence is reused at every step (Gal & Ghahramani 2016); otherwise each step
// draws its own. Masks come from a seeded Rng, a fresh draw per call.
import type { Buf, Dtype } from "../kernels/types.ts";
import { Rng } from "../params/rng.ts";
import type { LayerMasks } from "../seq/layer-run.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkBool, checkKnownKeys, checkNumber, fail } from "../errors.ts";
import { RNNCell, type RNNCellLike, type SingleCell, type StateSize } from "./cells.ts";
import { CustomCell } from "./custom-cell.ts";
import { callCell, type CallOptions } from "./call.ts";
import type { RnnState } from "./state.ts";

export interface DropoutWrapperOptions {
  inputKeepProb?: number; outputKeepProb?: number; stateKeepProb?: number;
  variationalRecurrent?: boolean; seed?: number;
}

export class DropoutWrapper implements RNNCellLike {
  readonly inputKeepProb: number; readonly outputKeepProb: number; readonly stateKeepProb: number;
  readonly variationalRecurrent: boolean;
  readonly seed: number;
  private readonly rng: Rng;

  constructor(readonly cell: SingleCell, opts: DropoutWrapperOptions = {}) {
    const fn = "DropoutWrapper";
    if (!(cell instanceof RNNCell || cell instanceof CustomCell)) fail(fn, "cell", "a single cell (wrap each layer, then stack them in a MultiRNNCell)", cell);
    checkKnownKeys(fn, opts, ["inputKeepProb", "outputKeepProb", "stateKeepProb", "variationalRecurrent", "seed"]);
    const prob = (arg: string, v: unknown) => {
      const p = checkNumber(fn, arg, v ?? 1);
      if (!(p > 0 && p <= 1)) fail(fn, arg, "a probability in (0, 1]", p);
      return p;
    };
    this.inputKeepProb = prob("inputKeepProb", opts.inputKeepProb);
    this.outputKeepProb = prob("outputKeepProb", opts.outputKeepProb);
    this.stateKeepProb = prob("stateKeepProb", opts.stateKeepProb);
    if (this.stateKeepProb < 1 && cell instanceof RNNCell && !cell.stateIsTuple) {
      fail(fn, "stateKeepProb", `1 for an LSTM with stateIsTuple: false (TF-1 would drop c as well as h there; use the default state tuple)`, this.stateKeepProb);
    }
    this.variationalRecurrent = checkBool(fn, "variationalRecurrent", opts.variationalRecurrent ?? false);
    this.seed = checkNumber(fn, "seed", opts.seed ?? 0);
    this.rng = new Rng(this.seed);
  }

  get outputSize(): number { return this.cell.outputSize; }
  get stateSize(): StateSize { return this.cell.stateSize; }
  zeroState(batchSize: number, dtype?: Dtype): RnnState { return this.cell.zeroState(batchSize, dtype); }
  variables(): { name: string; tensor: Tensor }[] { return this.cell.variables(); }
  assign(name: string, value: Tensor): void { this.cell.assign(name, value); }
  layers(): SingleCell[] { return [this.cell]; }
  call(inputs: Tensor, state: RnnState, opts: CallOptions = {}): { output: Tensor; state: RnnState } { return callCell(this, inputs, state, opts); }

  /** Fresh masks for one call over T steps of B rows (null where the keep probability is 1). */
  masks(T: number, B: number, dtype: Dtype): LayerMasks {
    const D = this.cell.inputDepth ?? 0, R = this.cell.outputSize;
    return {
      input: this.draw(this.inputKeepProb, T, B, D, dtype),
      output: this.draw(this.outputKeepProb, T, B, R, dtype),
      state: this.draw(this.stateKeepProb, T, B, this.cell.stateDropWidth, dtype),
    };
  }

  /** Masks are read by the time loop's own JS code, not by kernels: plain arrays, no wasm memory. */
  private draw(keep: number, T: number, B: number, W: number, dtype: Dtype): Buf | null {
    if (keep === 1) return null;
    const mask = dtype === "float64" ? new Float64Array(T * B * W) : new Float32Array(T * B * W), per = B * W, scale = 1 / keep;
    const steps = this.variationalRecurrent ? 1 : T;
    for (let i = 0; i < steps * per; i++) mask[i] = this.rng.next() < keep ? scale : 0;
    for (let t = steps; t < T; t++) mask.copyWithin(t * per, 0, per);   // variational: the same mask every step
    return mask;
  }
}

/** The DropoutWrapper (or null) of each single cell of a structure, parallel to cell.layers(). */
export function dropoutsOf(cell: RNNCellLike): (DropoutWrapper | null)[] {
  if (cell instanceof DropoutWrapper) return [cell];
  if (cell instanceof RNNCell || cell instanceof CustomCell) return [null];
  const multi = cell as RNNCellLike & { cells?: RNNCellLike[] };
  return multi.cells ? multi.cells.flatMap(dropoutsOf) : cell.layers().map(() => null);
}
