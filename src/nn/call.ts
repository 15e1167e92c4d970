// cell.call(inputs, state): one step of any cell (TF-1's `output, new_state = cell(inputs, state)`),
// run as a one-step unrolling so that it shares the unrolling's checks, dropout and tape:
//   const tape = nn.tape();
//   const { output, state } = cell.call(x, state0, { tape });
//   tape.backward({ output: dy, state: dState })   // -> { inputs, initialState, variables }
import type { Tensor } from "../tensor/tensor.ts";
import type { RNNCellLike } from "./cells.ts";
import type { RnnState } from "./state.ts";
import type { Tape } from "./tape.ts";
import { stepOnce } from "./unroll.ts";

export interface CallOptions { tape?: Tape }

export function callCell(cell: RNNCellLike, inputs: Tensor, state: RnnState, opts: CallOptions = {}): { output: Tensor; state: RnnState } {
  return stepOnce(cell, inputs, state, opts);
}
