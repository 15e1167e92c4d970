// TF-1's ResidualWrapper (rnn_cell_impl.py): the wrapped cell's output plus its inputs,
// output = inputs + cell(inputs, state).output, the state unchanged. Written as a user-defined
// cell around a user-defined one (it inlines the inner step); like TF-1 it adds no variable scope,
// and the inputs must have the cell's output width.
import { RnnlabError, fail } from "../../errors.ts";
import * as op from "../../graph/ops.ts";
import { CustomCell } from "../custom-cell.ts";

export class ResidualWrapper extends CustomCell {
  constructor(readonly cell: CustomCell) {
    const fn = "ResidualWrapper";
    if (!(cell instanceof CustomCell)) fail(fn, "cell", "a user-defined cell (nn.CustomCell, nn.LayerNormBasicLSTMCell, …)", cell);
    const inner = cell.definition;
    super({
      name: cell.scope, stateSize: inner.stateSize, outputSize: inner.outputSize, seed: inner.seed, kernels: cell.k,
      variables: (depth) => {
        if (depth !== inner.outputSize) throw new RnnlabError(`${fn}: inputs have depth ${depth}, but the residual needs the cell's output width ${inner.outputSize}`);
        return inner.variables(depth);
      },
      step: (x, state, v) => {
        const r = inner.step(x, state, v);
        return { output: op.add(x, r.output), state: r.state };
      },
    });
    this.sharesVariablesOf = cell;
  }
}
