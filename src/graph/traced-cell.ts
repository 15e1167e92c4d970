// A user-defined cell traced for one input depth: the step graph, where its output and each
// part of its new state come from, and its variables. This is what the time loop runs
// (src/seq/graph-run.ts); the nn-level class (src/nn/custom-cell.ts) builds it.
import type { ParamSpec } from "../params/layout.ts";
import { RnnlabError } from "../errors.ts";
import { fmtV, Graph, Value, type VShape } from "./graph.ts";
import { planGraph, type GraphPlan } from "./plan.ts";

export interface VariableSpec { name: string; shape: number[] }

export interface StepDefinition {
  /** function name for messages */
  fn: string;
  inputSize: number;
  outputSize: number;
  /** widths of the state's parts, in the order the state structure is flattened */
  stateWidths: number[];
  /** which parts a DropoutWrapper drops (TF-1: all but an LSTM tuple's c); default all */
  droppable?: boolean[];
  variables: VariableSpec[];
  step(x: Value, state: Value[], vars: Record<string, Value>): { output: Value; state: Value[] };
}

export interface TracedCell {
  readonly config: { kind: "custom"; inputSize: number; outputSize: number; stateWidth: number };
  readonly graph: Graph;
  readonly plan: GraphPlan;
  readonly outputNode: number;
  readonly stateNodes: number[];
  readonly stateWidths: number[];
  readonly droppable: boolean[];
  readonly specs: ParamSpec[];
}

const shapeOfVariable = (shape: number[]): VShape =>
  shape.length === 1 ? { batch: false, rows: 1, cols: shape[0], rank1: true } : { batch: false, rows: shape[0], cols: shape[1] };

/** Run the step function once on symbolic values and check what it returns. */
export function traceCell(def: StepDefinition): TracedCell {
  const { fn, inputSize: D, outputSize: R, stateWidths } = def;
  const g = new Graph();
  const x = g.leaf("input", { batch: true, rows: -1, cols: D }, 0, "inputs");
  const state = stateWidths.map((w, i) => g.leaf("state", { batch: true, rows: -1, cols: w }, i, `state${i}`));
  const vars: Record<string, Value> = {};
  def.variables.forEach((v, i) => { vars[v.name] = g.leaf("variable", shapeOfVariable(v.shape), i, v.name); });
  const result = def.step(x, state, vars);
  if (!result || typeof result !== "object" || !(result.output instanceof Value)) {
    throw new RnnlabError(`${fn}: the step must return { output, state } with output a value of the step, got ${String(result?.output ?? result)}`);
  }
  const check = (what: string, v: Value, width: number) => {
    if (!(v instanceof Value) || v.graph !== g) throw new RnnlabError(`${fn}: the step returned ${what} that is not a value of this step`);
    if (!v.shape.batch || v.shape.cols !== width) throw new RnnlabError(`${fn}: the step returned ${what} of shape ${fmtV(v.shape)}, expected [batch,${width}]`);
  };
  check("output", result.output, R);
  if (!Array.isArray(result.state) || result.state.length !== stateWidths.length) {
    throw new RnnlabError(`${fn}: the step returned a state with ${Array.isArray(result.state) ? result.state.length : "no"} parts, expected ${stateWidths.length}`);
  }
  result.state.forEach((v, i) => check(`state part ${i}`, v, stateWidths[i]));
  return {
    config: { kind: "custom", inputSize: D, outputSize: R, stateWidth: stateWidths.reduce((a, b) => a + b, 0) },
    graph: g, plan: planGraph(g), outputNode: result.output.id, stateNodes: result.state.map((v) => v.id), stateWidths,
    droppable: def.droppable ?? stateWidths.map(() => true),
    specs: def.variables.map((v) => ({ name: v.name, shape: [...v.shape] })),
  };
}
