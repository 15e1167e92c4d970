// The recurrent part of a SequenceModel made of TF-1 style cells: any nn cell structure (a cell,
// a MultiRNNCell stack of mixed cells, wrappers, user-defined cells), optionally bidirectional
// (TF-1's bidirectional_dynamic_rnn over two copies of the structure, outputs fw ‖ bw). It
// offers the SequenceModel what the PyTorch-style layers offer — forwardView / backward /
// parameters / state dict — so fit, tbptt, evaluate and checkpoints run it unchanged.
// Forward is nn.dynamicRnn (time-major) recorded on a tape; backward is that tape's backward,
// its gradients accumulated into one buffer per single cell in the cell's own parameter layout.
//
// The stream state (h0 in, hN out) is every part of the cell's state structure side by side,
// [B, S], in the order of the structure (layer by layer; an LSTMStateTuple as c then h), fw
// then bw: one tensor, so truncated BPTT and streaming carry it like an RNN's h.
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { allocFlat, viewsOf, type FlatParams } from "../params/layout.ts";
import { Tensor, like } from "../tensor/tensor.ts";
import { concat } from "../tensor/ops.ts";
import { fail, fmtShape, RnnlabError } from "../errors.ts";
import type { RNNCellLike, SingleCell } from "../nn/cells.ts";
import { BasicLSTMCell, BasicRNNCell, GRUCell, LSTMCell } from "../nn/cells.ts";
import { MultiRNNCell } from "../nn/multi.ts";
import { LSTMStateTuple, type RnnState } from "../nn/state.ts";
import { bidirectionalDynamicRnn, dynamicRnn } from "../nn/unroll.ts";
import { tape as newTape, type Tape } from "../nn/tape.ts";
import { namedLayers } from "../nn/structure.ts";
import type { ActivationName } from "../cells/activation-names.ts";
import type { ParamGroup } from "./optim.ts";

/** One TF-1 cell as plain data (a model config must be JSON for checkpoints and the CLI). */
export interface Tf1CellSpec {
  type: "basic_rnn" | "basic_lstm" | "lstm" | "gru";
  numUnits: number;
  activation?: ActivationName;
  /** LSTM / GRU gates (default sigmoid) */
  gateActivation?: ActivationName;
  /** LSTM: added inside the forget gate at run time (default 1, as TF-1) */
  forgetBias?: number;
  usePeepholes?: boolean;
  cellClip?: number | null;
  numProj?: number | null;
  projClip?: number | null;
}

const SPEC_KEYS: Record<Tf1CellSpec["type"], string[]> = {
  basic_rnn: ["activation"],
  basic_lstm: ["activation", "gateActivation", "forgetBias"],
  lstm: ["activation", "gateActivation", "forgetBias", "usePeepholes", "cellClip", "numProj", "projClip"],
  gru: ["activation", "gateActivation"],
};

/** Check a spec list (names the index and field) and return it. */
export function checkCellSpecs(fn: string, specs: unknown): Tf1CellSpec[] {
  if (!Array.isArray(specs) || specs.length === 0) fail(fn, "cells", 'a non-empty array of cell specs ({ type: "lstm" | "gru" | "basic_lstm" | "basic_rnn", numUnits, … })', specs);
  specs.forEach((s, i) => {
    if (typeof s !== "object" || s === null) fail(fn, `cells[${i}]`, "an object { type, numUnits, … }", s);
    const type = (s as Tf1CellSpec).type;
    if (!(type in SPEC_KEYS)) fail(fn, `cells[${i}].type`, '"basic_rnn", "basic_lstm", "lstm" or "gru"', type);
    const extra = Object.keys(s).filter((k) => k !== "type" && k !== "numUnits" && !SPEC_KEYS[type].includes(k));
    if (extra.length) throw new RnnlabError(`${fn}: cells[${i}] (${type}) has unknown option "${extra[0]}"; known: numUnits, ${SPEC_KEYS[type].join(", ")}`);
    makeCell(`${fn}: cells[${i}]`, s as Tf1CellSpec, "float32", undefined, 0);   // the cell's own checks, now
  });
  return specs as Tf1CellSpec[];
}

function makeCell(fn: string, s: Tf1CellSpec, dtype: Dtype, kernels: Kernels | undefined, seed: number): SingleCell {
  const { type, ...rest } = s;
  const opts = { ...rest, dtype, seed, ...(kernels ? { kernels } : {}) } as never;
  try {
    switch (type) {
      case "basic_rnn": return new BasicRNNCell(opts);
      case "basic_lstm": return new BasicLSTMCell(opts);
      case "lstm": return new LSTMCell(opts);
      case "gru": return new GRUCell(opts);
    }
  } catch (e) {
    throw e instanceof RnnlabError ? new RnnlabError(`${fn}: ${e.message}`, { cause: e }) : e;
  }
}

/** The cell structure of a spec list: one cell, or a MultiRNNCell of them. */
export function cellsFromSpecs(specs: Tf1CellSpec[], dtype: Dtype, kernels: Kernels | undefined, seed: number): RNNCellLike {
  const cells = specs.map((s, l) => makeCell("SequenceModel", s, dtype, kernels, seed + 101 * l));
  return cells.length === 1 ? cells[0] : new MultiRNNCell(cells);
}

/** Output width of a spec: numProj for a projected LSTM, else numUnits. */
export const specOutputSize = (s: Tf1CellSpec): number => (s.type === "lstm" && s.numProj ? s.numProj : s.numUnits);

/** TF-1 variable sizes of one spec for inputs of depth D (checked against a file before building). */
export function specParamCount(s: Tf1CellSpec, D: number): number {
  const N = s.numUnits, R = specOutputSize(s);
  switch (s.type) {
    case "basic_rnn": return (D + N) * N + N;
    case "gru": return (D + N) * 3 * N + 3 * N;
    default: return (D + R) * 4 * N + 4 * N + (s.type === "lstm" && s.usePeepholes ? 3 * N : 0) + (R !== N ? N * R : 0);
  }
}

/** The leaves of a state structure in order (c before h in a tuple). */
function leaves(s: RnnState): Tensor[] {
  if (s instanceof Tensor) return [s];
  if (s instanceof LSTMStateTuple) return [s.c, s.h];
  return (s as RnnState[]).flatMap(leaves);
}

/** Rebuild `template`'s structure from columns of `flat` [B, S] starting at column `at`. */
function fromColumns(template: RnnState, flat: Tensor, at: { col: number }): RnnState {
  const take = (t: Tensor): Tensor => {
    const [B, w] = t.shape, S = flat.shape[1], out = like(flat, [B, w]);
    for (let b = 0; b < B; b++) out.data.set(flat.data.subarray(b * S + at.col, b * S + at.col + w), b * w);
    at.col += w;
    return out;
  };
  if (template instanceof Tensor) return take(template);
  if (template instanceof LSTMStateTuple) { const c = take(template.c); return new LSTMStateTuple(c, take(template.h)); }
  return (template as RnnState[]).map((s) => fromColumns(s, flat, at));
}

const stateWidth = (cell: RNNCellLike): number => leaves(cell.zeroState(1)).reduce((n, t) => n + t.shape[1], 0);

export class CellStack {
  readonly numDirections: number;
  readonly outputSize: number;
  readonly inputSize: number;
  private readonly grads = new Map<SingleCell, FlatParams>();
  private last: { tape: Tape; T: number; B: number; used: boolean } | null = null;
  private outBuf: Buf | null = null;

  constructor(readonly k: Kernels, readonly fw: RNNCellLike, readonly bw: RNNCellLike | null, inputSize: number, readonly dtype: Dtype) {
    this.inputSize = inputSize;
    this.numDirections = bw ? 2 : 1;
    for (const cell of bw ? [fw, bw] : [fw]) {
      let depth = inputSize;
      for (const layer of cell.layers()) { layer.build(depth, dtype, "SequenceModel"); depth = layer.outputSize; }
      if (cell.layers().some((l) => l.k !== k)) throw new RnnlabError("SequenceModel: the cells must use the model's kernels backend");
    }
    if (bw && bw.outputSize !== fw.outputSize) throw new RnnlabError(`SequenceModel: the backward cells output ${bw.outputSize} features, the forward ones ${fw.outputSize}`);
    this.outputSize = fw.outputSize;
    for (const { layer } of this.named()) this.grads.set(layer, allocFlat(k, layer.params.layout, dtype));
  }

  /** Every single cell with its TF-1 path: "cell_0/", "cell_1/", or "fw/cell_0/", "bw/…" when bidirectional. */
  named(): { prefix: string; layer: SingleCell }[] {
    return this.bw ? [...namedLayers(this.fw, "fw/"), ...namedLayers(this.bw, "bw/")] : namedLayers(this.fw);
  }

  /** Width of the stream state [B, S]. */
  get stateSize(): number { return stateWidth(this.fw) + (this.bw ? stateWidth(this.bw) : 0); }

  groups(prefix: string): ParamGroup[] {
    return this.named().map(({ prefix: p, layer }) => ({ name: `${prefix}.${p || "cell/"}`.replace(/\/$/, ""), params: layer.params.flat, grads: this.grads.get(layer)!.flat }));
  }

  paramCount(): number { return this.named().reduce((n, { layer }) => n + layer.variables().reduce((m, v) => m + v.tensor.size, 0), 0); }
  zeroGrad(): void { for (const g of this.grads.values()) g.flat.fill(0); }
  train(_on = true): this { return this; }

  /** x time-major [T, B, D]; h0 the stream state [B, S] (zeros when absent). Outputs (T·B, dirs·R) time-major. */
  forwardView(x: Tensor, opts: { lengths?: ArrayLike<number>; h0?: Tensor; c0?: Tensor }): { output: Buf; hN: Tensor; cN: Tensor | null } {
    const fn = "SequenceModel.forward";
    const [T, B] = x.shape;
    if (opts.c0 !== undefined) fail(fn, "c0", "absent for TF-1 cells (the whole state is in h0)", opts.c0);
    this.release();
    const S = this.stateSize;
    let init: { fw?: RnnState; bw?: RnnState } = {};
    if (opts.h0 !== undefined) {
      const h0 = opts.h0;
      if (!(h0 instanceof Tensor) || h0.rank !== 2 || h0.shape[0] !== B || h0.shape[1] !== S) {
        throw new RnnlabError(`${fn}: h0 has shape ${h0 instanceof Tensor ? fmtShape(h0.shape) : String(h0)}, expected [${B}, ${S}] (every part of the cells' state side by side)`);
      }
      const at = { col: 0 };
      init = { fw: fromColumns(this.fw.zeroState(B, this.dtype), h0, at), ...(this.bw ? { bw: fromColumns(this.bw.zeroState(B, this.dtype), h0, at) } : {}) };
    }
    const tape = newTape(), seqLen = opts.lengths ? { sequenceLength: opts.lengths } : {};
    let outputs: Tensor, states: RnnState[];
    if (this.bw) {
      const r = bidirectionalDynamicRnn(this.fw, this.bw, x, { timeMajor: true, tape, ...seqLen,
        ...(init.fw ? { initialStateFw: init.fw } : {}), ...(init.bw ? { initialStateBw: init.bw } : {}) });
      outputs = concat(r.outputs, 2); states = r.states;
    } else {
      const r = dynamicRnn(this.fw, x, { timeMajor: true, tape, ...seqLen, ...(init.fw ? { initialState: init.fw } : {}) });
      outputs = r.outputs; states = [r.state];
    }
    this.last = { tape, T, B, used: false };
    this.outBuf = outputs.data;
    const parts = states.flatMap(leaves), hN = like(x, [B, S]);
    let col = 0;
    for (const p of parts) {
      const w = p.shape[1];
      for (let b = 0; b < B; b++) hN.data.set(p.data.subarray(b * w, (b + 1) * w), b * S + col);
      col += w;
    }
    return { output: this.outBuf, hN, cN: null };
  }

  /** Backward of the last forward: output cotangents (T, B, dirs·R) time-major, optional hN's; gradients accumulate. */
  backward(cot: { output?: Tensor; hN?: Tensor; cN?: Tensor }, opts: { inputGrad?: boolean } = {}): { dx: Tensor | null } {
    const fn = "SequenceModel.backward";
    if (!this.last || this.last.used) throw new RnnlabError(`${fn}: call forward first (one backward per forward)`);
    const { tape, T, B } = this.last, R = this.outputSize, W = R * this.numDirections;
    this.last.used = true;
    const split = (i: number): Tensor | undefined => {
      if (!cot.output) return undefined;
      if (!this.bw) return like(cot.output, [T, B, R], cot.output.data);
      const part = like(cot.output, [T, B, R]);
      for (let r = 0; r < T * B; r++) part.data.set(cot.output.data.subarray(r * W + i * R, r * W + (i + 1) * R), r * R);
      return part;
    };
    let dState: { fw?: RnnState; bw?: RnnState } = {};
    if (cot.hN) {
      const at = { col: 0 };
      dState = { fw: fromColumns(this.fw.zeroState(B, this.dtype), cot.hN, at), ...(this.bw ? { bw: fromColumns(this.bw.zeroState(B, this.dtype), cot.hN, at) } : {}) };
    }
    const g = this.bw
      ? tape.backward({ outputs: [split(0), split(1)], states: [dState.fw, dState.bw] })
      : tape.backward({ ...(cot.output ? { outputs: split(0) } : {}), ...(dState.fw ? { state: dState.fw } : {}) });
    const byName = new Map(g.variables.map((v) => [v.name, v.tensor]));
    for (const { prefix, layer } of this.named()) {
      const acc = this.grads.get(layer)!, scratch = allocFlat(this.k, layer.params.layout, this.dtype);
      const mine: Record<string, Tensor> = {};
      for (const name of this.variableNames(layer)) mine[name] = byName.get(prefix + name)!;
      layer.gradientsInto(viewsOf(scratch.flat, layer.params.layout), mine);
      for (let i = 0; i < acc.flat.length; i++) acc.flat[i] += scratch.flat[i];   // backward accumulates
      this.k.free(scratch.flat);
    }
    return { dx: opts.inputGrad ? (g.inputs as Tensor) : null };
  }

  /** TF-1 variables under "<path><name>" (copies). */
  variables(): { name: string; tensor: Tensor }[] {
    return this.named().flatMap(({ prefix, layer }) => layer.variables().map((v) => ({ name: prefix + v.name, tensor: v.tensor })));
  }

  assign(name: string, value: Tensor): void {
    for (const { prefix, layer } of this.named()) {
      if (name.startsWith(prefix) && layer.variables().some((v) => prefix + v.name === name)) { layer.assign(name.slice(prefix.length), value); return; }
    }
    throw new RnnlabError(`SequenceModel: no variable "${name}"`);
  }

  private readonly names = new Map<SingleCell, string[]>();
  /** a layer's variable names (fixed once built; variables() itself copies every value) */
  private variableNames(layer: SingleCell): string[] {
    let n = this.names.get(layer);
    if (!n) this.names.set(layer, (n = layer.variables().map((v) => v.name)));
    return n;
  }

  /** The last forward's tape, if its backward never came (evaluation), gives its buffers back. */
  private release(): void {
    if (this.last && !this.last.used) this.last.tape.dispose();
    this.last = null;
  }

  dispose(): void {
    this.release();
    for (const g of this.grads.values()) this.k.free(g.flat);
    this.grads.clear();
  }
}
