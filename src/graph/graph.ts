// A step graph: the operations of one time step of a user-defined cell, recorded once when the
// step function is traced (like TF-1's `call`, which builds graph ops rather than computing).
// The time loop (src/seq/graph-run.ts) then plans every buffer and replays the graph T times
// forward and in reverse, so a user writes only the step and never the BPTT.
//
// Values are matrices. A *batch* value has one row per batch row ([batch, cols]) and every
// operation treats its rows independently — the property that lets the time loop copy a
// finished row's state through and hoist work over all T·B rows. A *fixed* value (a variable,
// or something computed only from variables) has a shape of its own; 1-D variables are row
// vectors [1, n] that broadcast over a batch.
// This file is not an eager tensor library: values hold no numbers, only shapes.
import type { Buf, Kernels } from "../kernels/types.ts";
import { RnnlabError } from "../errors.ts";

/** Shape of a value: batch values have `rows` = the batch size at run time (stored as -1). */
export interface VShape { batch: boolean; rows: number; cols: number; rank1?: boolean }

export const fmtV = (s: VShape): string => (s.batch ? `[batch,${s.cols}]` : s.rank1 ? `[${s.cols}]` : `[${s.rows},${s.cols}]`);

/** Run-time arguments of one node: its rows, its inputs' shapes and its attributes. */
export interface NodeCall<A = unknown> {
  /** rows of this node's output (B, T·B for a hoisted batch node, or its own rows) */
  rows: number;
  /** rows of each input at this call */
  inRows: number[];
  ins: VShape[];
  out: VShape;
  attrs: A;
}

/**
 * One operation: forward and backward side by side. Forward OVERWRITES out; backward ACCUMULATES
 * into each dIns[i] that is not null (null = that gradient is not wanted in this pass).
 * `aux` is per-row scratch the forward saves for the backward (auxCols wide), or empty.
 */
export interface OpDef<A = unknown> {
  readonly name: string;
  auxCols?(attrs: A, ins: VShape[]): number;
  forward(k: Kernels, out: Buf, ins: Buf[], aux: Buf, c: NodeCall<A>): void;
  backward(k: Kernels, dIns: (Buf | null)[], dOut: Buf, out: Buf, ins: Buf[], aux: Buf, c: NodeCall<A>): void;
}

export type LeafKind = "input" | "state" | "variable";

export interface GraphNode {
  id: number;
  shape: VShape;
  /** null for leaves */
  op: OpDef | null;
  leaf: LeafKind | null;
  /** state leaves: which part of the state; variables: the name */
  leafIndex: number;
  name: string;
  inputs: number[];
  attrs: unknown;
}

/** A handle to a value of a step graph, what the user's step function receives and returns. */
export class Value {
  constructor(readonly graph: Graph, readonly id: number) {}
  get shape(): VShape { return this.graph.nodes[this.id].shape; }
  toString(): string { return `Value(${fmtV(this.shape)})`; }
}

export class Graph {
  readonly nodes: GraphNode[] = [];

  leaf(kind: LeafKind, shape: VShape, leafIndex: number, name: string): Value {
    this.nodes.push({ id: this.nodes.length, shape, op: null, leaf: kind, leafIndex, name, inputs: [], attrs: null });
    return new Value(this, this.nodes.length - 1);
  }

  apply<A>(op: OpDef<A>, inputs: Value[], shape: VShape, attrs: A): Value {
    this.nodes.push({ id: this.nodes.length, shape, op: op as OpDef, leaf: null, leafIndex: -1, name: op.name, inputs: inputs.map((v) => v.id), attrs });
    return new Value(this, this.nodes.length - 1);
  }
}

/** The graph of a value list, checking that they all come from one graph. */
export function graphOf(fn: string, values: Value[]): Graph {
  let g: Graph | null = null;
  values.forEach((v, i) => {
    if (!(v instanceof Value)) throw new RnnlabError(`${fn}: argument ${i + 1} must be a value of the cell's step (or a number where allowed), got ${String(v)}`);
    if (g && v.graph !== g) throw new RnnlabError(`${fn}: its arguments come from different steps; use only values given to or made inside this step`);
    g = v.graph;
  });
  return g!;
}

/** Rows of a value at a call where batch values have `batchRows` rows. */
export const rowsOf = (s: VShape, batchRows: number): number => (s.batch ? batchRows : s.rows);
