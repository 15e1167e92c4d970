// TF-1's ResidualWrapper (rnn_cell_impl.py): the wrapped cell's output plus its inputs,
// output = inputs + cell(inputs, state).output, the state unchanged. Written as a user-defined
// cell: it inlines the wrapped cell's step — a user-defined cell's own step, or a built-in cell's
// step written with the step operations (builtin-steps.ts) — and owns no variables: they are the
// wrapped cell's (shared, not copied), under the wrapped cell's names, as TF-1 adds no scope.
// The inputs must have the cell's output width.
import type { Tensor } from "../../tensor/tensor.ts";
import type { Views } from "../../params/layout.ts";
import { RnnlabError, fail } from "../../errors.ts";
import * as op from "../../graph/ops.ts";
import { RNNCell } from "../cells.ts";
import { CustomCell, type CustomCellOptions } from "../custom-cell.ts";
import { builtinStep, builtinViews } from "./builtin-steps.ts";

export class ResidualWrapper extends CustomCell {
  constructor(readonly cell: CustomCell | RNNCell) {
    const fn = "ResidualWrapper";
    if (!(cell instanceof CustomCell || cell instanceof RNNCell)) fail(fn, "cell", "a single cell (nn.BasicLSTMCell, nn.GRUCell, nn.CustomCell, …)", cell);
    const widthCheck = (depth: number) => {
      if (depth !== cell.outputSize) throw new RnnlabError(`${fn}: inputs have depth ${depth}, but the residual needs the cell's output width ${cell.outputSize}`);
    };
    let inner: Pick<CustomCellOptions, "variables" | "step">;
    if (cell instanceof CustomCell) inner = cell.definition;
    else {
      let built: ReturnType<typeof builtinStep> | null = null;
      const stepOf = (depth: number) => {
        if (!cell.isBuilt) cell.build(depth, "float32", fn);
        return (built ??= builtinStep(`${fn}(${cell.className})`, cell.cell.config));
      };
      inner = { variables: (depth) => stepOf(depth).variables, step: (x, s, v) => built!.step(x, s, v) };
    }
    super({
      name: cell instanceof CustomCell ? cell.scope : "residual_wrapper", stateSize: cell.stateSize, outputSize: cell.outputSize, kernels: cell.k,
      variables: (depth) => { widthCheck(depth); return inner.variables(depth); },
      step: (x, state, v) => {
        const r = inner.step(x, state, v);
        return { output: op.add(x, r.output), state: r.state };
      },
    });
    this.sharesVariablesOf = cell;
  }

  // A built-in cell keeps its variables in its internal layout: the step reads them (and the GRU's
  // split views) directly, and names and layouts come from the cell itself.
  private get builtin(): RNNCell | null { return this.cell instanceof RNNCell ? this.cell : null; }
  override get stackWeights(): Views { const b = this.builtin; return b ? builtinViews(b.cell.config, b.params.views) : super.stackWeights; }
  override gradWeights(views: Views): Views { const b = this.builtin; return b ? builtinViews(b.cell.config, views) : views; }
  override gradientVariables(views: Views): { name: string; tensor: Tensor }[] { return this.builtin?.gradientVariables(views) ?? super.gradientVariables(views); }
  override gradientsInto(views: Views, vars: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    const b = this.builtin;
    if (b) b.gradientsInto(views, vars); else super.gradientsInto(views, vars);
  }
  override variables(): { name: string; tensor: Tensor }[] { return this.builtin?.variables() ?? super.variables(); }
  override assign(name: string, value: Tensor): void { const b = this.builtin; if (b) b.assign(name, value); else super.assign(name, value); }
}
