// TF-1 state structures: an LSTM state is LSTMStateTuple(c, h); a MultiRNNCell state is an
// array with one state per layer; a GRU or RNN state is the tensor h itself. An LSTM built with
// stateIsTuple: false (TF-1's deprecated state_is_tuple=False) has one tensor [batch, c ‖ h].
import { Tensor } from "../tensor/tensor.ts";

/**
 * (c, h), as TF-1's namedtuple: `state.c` / `state.h`, and also `state[0]` (c) / `state[1]` (h),
 * `const [c, h] = state` and `state.length === 2`.
 */
export class LSTMStateTuple implements Iterable<Tensor> {
  constructor(readonly c: Tensor, readonly h: Tensor) {}
  /** c, as TF-1's tuple index 0 */
  get 0(): Tensor { return this.c; }
  /** h, as TF-1's tuple index 1 */
  get 1(): Tensor { return this.h; }
  get length(): 2 { return 2; }
  *[Symbol.iterator](): Iterator<Tensor> { yield this.c; yield this.h; }
  toString(): string { return `LSTMStateTuple(c: ${String(this.c)}, h: ${String(this.h)})`; }
}

export type RnnState = Tensor | LSTMStateTuple | RnnState[];

export function isStateTuple(x: unknown): x is LSTMStateTuple { return x instanceof LSTMStateTuple; }
