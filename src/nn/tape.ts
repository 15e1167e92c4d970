// A tape records one unrolling call; backward() takes the cotangents of that call's outputs and
// final state and returns the gradients of the inputs, the initial state(s) and every variable
// (in TF-1 names and layouts), e.g.
//   const tape = nn.tape();
//   const { outputs, state } = nn.dynamicRnn(cell, x, { tape });
//   const g = tape.backward({ outputs: dy, state: dState });   // g.inputs, g.initialState, g.variables
// The tape owns the gradient buffers it returns; cells' own values are never changed.
import type { Buf } from "../kernels/types.ts";
import { Tensor, like } from "../tensor/tensor.ts";
import { stack as stackTensors, transpose, unstack } from "../tensor/ops.ts";
import { checkKnownKeys, fail, fmtShape, RnnlabError } from "../errors.ts";
import { allocFlat, type FlatParams } from "../params/layout.ts";
import { takeColumns } from "../seq/time-rows.ts";
import type { LayerState } from "../seq/uni-stack.ts";
import type { SingleCell } from "./cells.ts";
import type { RnnState } from "./state.ts";
import { buildState, flattenState, namedLayers } from "./structure.ts";
import type { DirectionRun, Recording } from "./unroll.ts";

export interface TapeCotangents {
  /** dynamicRnn: Tensor; staticRnn / staticBidirectionalRnn: Tensor[]; bidirectionalDynamicRnn: [fw, bw] */
  outputs?: Tensor | Tensor[] | [Tensor | undefined, Tensor | undefined];
  /** cell.call: the output's cotangent [B, R] */
  output?: Tensor;
  state?: RnnState;
  stateFw?: RnnState;
  stateBw?: RnnState;
  /** bidirectionalDynamicRnn: [fw, bw] */
  states?: [RnnState | undefined, RnnState | undefined];
}

export interface TapeGradients {
  inputs: Tensor | Tensor[];
  initialState?: RnnState;
  initialStateFw?: RnnState;
  initialStateBw?: RnnState;
  /** every variable's gradient, named as cell.variables() names it ("fw/" / "bw/" prefixed when bidirectional) */
  variables: { name: string; tensor: Tensor }[];
}

export class Tape {
  private rec: Recording | null = null;
  private used = false;

  /** (called by the unrolling functions) */
  record(rec: Recording): void {
    if (this.rec) throw new RnnlabError(`${rec.fn}: this tape already recorded a ${this.rec.fn} call; use one nn.tape() per call`);
    this.rec = rec;
  }

  /** Give the recorded buffers back without computing gradients (the tape cannot be used afterwards). */
  dispose(): void {
    if (this.rec && !this.used) for (const run of this.rec.dirs) run.stack.dispose();
    this.used = true;
  }

  backward(cot: TapeCotangents = {}): TapeGradients {
    const fn = "tape.backward", rec = this.rec;
    if (!rec) throw new RnnlabError(`${fn}: nothing recorded; pass { tape } to an unrolling call first`);
    if (this.used) throw new RnnlabError(`${fn}: this tape was already used; record the call again with a new nn.tape()`);
    if (typeof cot !== "object" || cot === null) fail(fn, "cotangents", "an object", cot);
    const bidi = rec.dirs.length === 2;
    checkKnownKeys(fn, cot, rec.fn === "bidirectionalDynamicRnn" ? ["outputs", "states"] : bidi ? ["outputs", "stateFw", "stateBw"]
      : rec.fn === "call" ? ["output", "state"] : ["outputs", "state"]);
    const { T, B, D, dtype } = rec, TB = T * B;
    const dOuts = this.outputCotangents(fn, cot);
    const dStates = bidi
      ? rec.fn === "bidirectionalDynamicRnn" ? [cot.states?.[0], cot.states?.[1]] : [cot.stateFw, cot.stateBw]
      : [cot.state];
    const names = bidi ? ["stateFw", "stateBw"] : ["state"];
    const k = rec.dirs[0].layers[0].k;
    const grads = new Map<SingleCell, FlatParams>();
    const gradOf = (layer: SingleCell) => {
      if (!grads.has(layer)) grads.set(layer, allocFlat(k, layer.params.layout, dtype));
      return grads.get(layer)!;
    };
    const dX = k.alloc(TB * D, dtype);
    const initial = rec.dirs.map((run, i) => {
      const dFinal: LayerState[] = flattenState(fn, rec.fn === "bidirectionalDynamicRnn" ? `states[${i}]` : names[i], run.cell, dStates[i], B, dtype);
      const dws = run.layers.map((layer) => layer.gradWeights(gradOf(layer).views));
      run.stack.backward(run.layers.map((l) => l.stackWeights), dws, dOuts[i], dFinal, dX);
      return buildState(run.cell, run.layers.map((_, l) => run.stack.dInitial(l)), B, dtype);
    });
    const variables = rec.dirs.flatMap((run, i) => namedLayers(run.cell, bidi ? (i === 0 ? "fw/" : "bw/") : "").flatMap(({ prefix, layer }) =>
      layer.gradientVariables(gradOf(layer).views).map((v) => ({ name: prefix + v.name, tensor: v.tensor }))));
    const ref = { dtype }, dxTime = like(ref, [T, B, D], dX.slice());
    k.free(dX);
    for (const buf of dOuts) if (buf) k.free(buf);
    for (const run of rec.dirs) run.stack.dispose();   // the recorded buffers are no longer needed
    for (const g of grads.values()) k.free(g.flat);     // copied into the TF-1 tensors above
    this.used = true;
    const inputs = rec.fn === "call" ? like(ref, [B, D], dxTime.data)
      : rec.fn === "dynamicRnn" || rec.fn === "bidirectionalDynamicRnn"
      ? (rec.timeMajor ? dxTime : transpose(dxTime, [1, 0, 2]))
      : unstack(dxTime, 0);
    return bidi ? { inputs, initialStateFw: initial[0], initialStateBw: initial[1], variables } : { inputs, initialState: initial[0], variables };
  }

  /** Per direction, the output cotangent as time-major rows (T·B, R) in the direction's kernel memory, or null. */
  private outputCotangents(fn: string, cot: TapeCotangents): (Buf | null)[] {
    const rec = this.rec!, { T, B, dtype, dirs } = rec;
    const widths = dirs.map((d: DirectionRun) => d.stack.outputSize);
    const toRows = (run: DirectionRun, t: Tensor) => { const buf = run.layers[0].k.alloc(T * B * run.stack.outputSize, dtype); buf.set(t.data); return buf; };
    const check = (arg: string, t: unknown, shape: number[]): Tensor => {
      if (!(t instanceof Tensor)) fail(fn, arg, "a Tensor", t);
      if (fmtShape(t.shape) !== fmtShape(shape)) throw new RnnlabError(`${fn}: ${arg} has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)}`);
      if (t.dtype !== dtype) throw new RnnlabError(`${fn}: ${arg} has dtype ${t.dtype}, expected ${dtype}`);
      return t;
    };
    const seq = (arg: string, t: unknown, R: number) => {
      const ok = check(arg, t, rec.timeMajor ? [T, B, R] : [B, T, R]);
      return rec.timeMajor ? ok : transpose(ok, [1, 0, 2]);
    };
    const list = (t: unknown, R: number): Tensor => {
      if (!Array.isArray(t) || t.length !== T) fail(fn, "outputs", `an array of ${T} Tensors [${B}, ${R}] (one per step)`, Array.isArray(t) ? `an array of ${t.length}` : t);
      t.forEach((s, i) => check(`outputs[${i}]`, s, [B, R]));
      return stackTensors(t as Tensor[], 0);
    };
    if (rec.fn === "call") return [cot.output === undefined ? null : toRows(dirs[0], check("output", cot.output, [B, widths[0]]))];
    const out = cot.outputs;
    if (out === undefined) return dirs.map(() => null);
    switch (rec.fn) {
      case "dynamicRnn": return [toRows(dirs[0], seq("outputs", out, widths[0]))];
      case "staticRnn": return [toRows(dirs[0], list(out, widths[0]))];
      case "bidirectionalDynamicRnn": {
        if (!Array.isArray(out) || out.length !== 2) fail(fn, "outputs", "[outputFw, outputBw] (either may be undefined)", out);
        return dirs.map((run, i) => (out[i] === undefined ? null : toRows(run, seq(`outputs[${i}]`, out[i], widths[i]))));
      }
      case "staticBidirectionalRnn": {
        const both = list(out, widths[0] + widths[1]), W = widths[0] + widths[1];
        return dirs.map((run, i) => {
          const part = run.layers[0].k.alloc(T * B * widths[i], dtype);
          takeColumns(part, both.data, T * B, W, i === 0 ? 0 : widths[0], widths[i]);
          return part;
        });
      }
    }
  }
}

export function tape(): Tape { return new Tape(); }
