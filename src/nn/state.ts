// TF-1 state structures: an LSTM state is LSTMStateTuple(c, h); a MultiRNNCell state is an
// array with one state per layer; a GRU or RNN state is the tensor h itself.
import { Tensor } from "../tensor/tensor.ts";

export class LSTMStateTuple {
  constructor(readonly c: Tensor, readonly h: Tensor) {}
}

export type RnnState = Tensor | LSTMStateTuple | RnnState[];

export function isStateTuple(x: unknown): x is LSTMStateTuple { return x instanceof LSTMStateTuple; }
