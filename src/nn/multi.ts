// MultiRNNCell: cells stacked so that layer l's input at step t is layer l−1's output at step t.
// Its state is an array with one state per layer (LSTMStateTuple for LSTM layers); its
// variables are named cell_<l>/<name>, as under TF-1's multi_rnn_cell scope.
import type { Dtype } from "../kernels/types.ts";
import { Tensor } from "../tensor/tensor.ts";
import { fail, RnnlabError } from "../errors.ts";
import type { RNNCellLike, SingleCell, StateSize } from "./cells.ts";
import { callCell, type CallOptions } from "./call.ts";
import type { RnnState } from "./state.ts";

export class MultiRNNCell implements RNNCellLike {
  readonly cells: RNNCellLike[];

  constructor(cells: RNNCellLike[]) {
    if (!Array.isArray(cells) || cells.length === 0) fail("MultiRNNCell", "cells", "a non-empty array of cells", cells);
    cells.forEach((c, i) => {
      if (!c || typeof (c as RNNCellLike).layers !== "function") fail("MultiRNNCell", `cells[${i}]`, "an RNN cell", c);
    });
    this.cells = cells;
  }

  get outputSize(): number { return this.cells[this.cells.length - 1].outputSize; }
  get stateSize(): StateSize[] { return this.cells.map((c) => c.stateSize); }
  layers(): SingleCell[] { return this.cells.flatMap((c) => c.layers()); }
  /** One step of the whole stack: { output of the top layer, [state per layer] }. */
  call(inputs: Tensor, state: RnnState, opts: CallOptions = {}): { output: Tensor; state: RnnState } { return callCell(this, inputs, state, opts); }

  zeroState(batchSize: number, dtype: Dtype = "float32"): RnnState[] {
    return this.cells.map((c) => c.zeroState(batchSize, dtype));
  }

  variables(): { name: string; tensor: Tensor }[] {
    return this.cells.flatMap((c, l) => c.variables().map((v) => ({ name: `cell_${l}/${v.name}`, tensor: v.tensor })));
  }

  assign(name: string, value: Tensor): void {
    const m = /^cell_(\d+)\/(.+)$/.exec(name);
    if (!m || Number(m[1]) >= this.cells.length) {
      throw new RnnlabError(`MultiRNNCell.assign: name must be "cell_<l>/<variable>" with l < ${this.cells.length}, got "${name}"`);
    }
    this.cells[Number(m[1])].assign(m[2], value);
  }
}
