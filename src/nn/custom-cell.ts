// A user-defined cell, TF-1 style: declare the variables (names, shapes, initializers) and the
// state structure, and write one step from rnnlab's operations (src/graph/ops.ts), as a TF-1
// user writes `call(inputs, state)` in an RNNCell subclass. The library unrolls it and runs BPTT:
//
//   const cell = new nn.CustomCell({
//     name: "my_rnn", stateSize: 8, outputSize: 8,
//     variables: (depth) => [{ name: "kernel", shape: [depth + 8, 8] }, { name: "bias", shape: [8], initializer: "zeros" }],
//     step: (x, h, v) => { const y = ops.tanh(ops.add(ops.matmul(ops.concat([x, h]), v.kernel), v.bias)); return { output: y, state: y }; },
//   });
//
// Like a built-in cell it builds its variables on first use from the input depth (or at once,
// given inputSize), and works in every unrolling call, MultiRNNCell, DropoutWrapper and tape.
import type { Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { allocFlat, planLayout, sizeOf, type FlatParams, type Views } from "../params/layout.ts";
import { fillGlorotUniform, fillOrthogonal } from "../params/init.ts";
import { Rng } from "../params/rng.ts";
import { Tensor, zeros } from "../tensor/tensor.ts";
import { checkInt, checkKnownKeys, checkNumber, fail, fmtShape, RnnlabError, show } from "../errors.ts";
import { Value as ValueClass, type Value } from "../graph/graph.ts";
import { traceCell, type TracedCell } from "../graph/traced-cell.ts";
import type { LayerState } from "../seq/uni-stack.ts";
import type { RNNCellLike, SingleCell, StateSize } from "./cells.ts";
import { LSTMStateTuple, type RnnState } from "./state.ts";
import { callCell, type CallOptions } from "./call.ts";
import { checkDtypeOption, checkFixedDtype, firstInexactFloat32, paramsInDtype } from "./variable-dtype.ts";

export type Initializer = "zeros" | "ones" | "glorotUniform" | "orthogonal" | number;

export interface VariableDeclaration {
  /** TF-1 style name, e.g. "kernel", "bias", "layer_norm/gamma" */
  name: string;
  /** [n] or [rows, cols] */
  shape: number[];
  /** default "glorotUniform" (tf.get_variable's default); a number = constant */
  initializer?: Initializer;
}

/** The state of a step as the step function sees it: the structure of stateSize, with values. */
export type StateValues = Value | { c: Value; h: Value } | StateValues[];

export interface CustomCellOptions {
  /** the cell's scope in TF-1 names (tf1 export), snake case; default "custom_cell" */
  name?: string;
  /** a width, { c, h } (an LSTMStateTuple), or an array of these */
  stateSize: StateSize;
  outputSize: number;
  /** the variables for inputs of depth `inputDepth` */
  variables: (inputDepth: number) => VariableDeclaration[];
  /** one step: values for the inputs [batch, depth], the state and the variables by name */
  step: (inputs: Value, state: any, variables: Record<string, Value>) => { output: Value; state: any };
  inputSize?: number;
  seed?: number;
  /** the variables' dtype (TF-1 `dtype`); absent, they follow the first use or a float64 assign, never rounding */
  dtype?: Dtype;
  kernels?: Kernels;
}

interface Part { width: number; droppable: boolean }

/** The state structure's parts in order (c before h in a tuple); TF-1's DropoutWrapper drops every part but an LSTM tuple's c. */
function partsOf(fn: string, size: StateSize, path: string): Part[] {
  if (typeof size === "number") return [{ width: checkInt(fn, path, size, 1), droppable: true }];
  if (Array.isArray(size)) {
    if (size.length === 0) fail(fn, path, "a width, { c, h } or a non-empty array", size);
    return size.flatMap((s, i) => partsOf(fn, s, `${path}[${i}]`));
  }
  if (typeof size === "object" && size !== null && "c" in size && "h" in size) {
    return [{ width: checkInt(fn, `${path}.c`, size.c, 1), droppable: false }, { width: checkInt(fn, `${path}.h`, size.h, 1), droppable: true }];
  }
  return fail(fn, path, "a width, { c, h } or an array of these", size);
}

/** Walk a state structure (of tensors or values) in the order of partsOf, calling `leaf` on each part. */
function walkState<T>(fn: string, size: StateSize, state: unknown, path: string, leaf: (x: unknown, arg: string) => T): T[] {
  if (typeof size === "number") return [leaf(state, path)];
  if (Array.isArray(size)) {
    if (!Array.isArray(state) || state.length !== size.length) fail(fn, path, `an array of ${size.length} state parts`, Array.isArray(state) ? `an array of ${state.length}` : state);
    return size.flatMap((s, i) => walkState(fn, s, state[i], `${path}[${i}]`, leaf));
  }
  if (typeof state !== "object" || state === null || !("c" in state) || !("h" in state)) fail(fn, path, "an LSTMStateTuple { c, h }", state);
  const t = state as { c: unknown; h: unknown };
  return [leaf(t.c, `${path}.c`), leaf(t.h, `${path}.h`)];
}

/** Rebuild the structure from its parts in order; tuples become `tuple(c, h)`. */
function buildStructure<T, S>(size: StateSize, parts: T[], tuple: (c: T, h: T) => S): unknown {
  let at = 0;
  const walk = (s: StateSize): unknown => {
    if (typeof s === "number") return parts[at++];
    if (Array.isArray(s)) return s.map(walk);
    const c = parts[at++], h = parts[at++];
    return tuple(c, h);
  };
  return walk(size);
}

function initVariable(fn: string, out: Float32Array | Float64Array, d: VariableDeclaration, rng: Rng): void {
  const init = d.initializer ?? "glorotUniform", [a, b] = d.shape.length === 1 ? [d.shape[0], d.shape[0]] : d.shape;
  if (typeof init === "number") { out.fill(checkNumber(fn, `${d.name}.initializer`, init)); return; }
  switch (init) {
    case "zeros": out.fill(0); return;
    case "ones": out.fill(1); return;
    case "glorotUniform": fillGlorotUniform(out, a, b, rng); return;            // fan_in = shape[0], fan_out = shape[1] (TF)
    case "orthogonal": fillOrthogonal(out, d.shape.length === 1 ? 1 : a, b, rng); return;
  }
  fail(fn, `${d.name}.initializer`, `"zeros", "ones", "glorotUniform", "orthogonal" or a number`, init);
}

export class CustomCell implements SingleCell {
  readonly k: Kernels;
  readonly className: string;
  readonly scope: string;
  private readonly parts: Part[];
  private readonly seed: number;
  /** a wrapper's inner cell: its variables are this cell's (TF-1 wrappers own none) */
  protected sharesVariablesOf: SingleCell | null = null;
  private built: { traced: TracedCell; params: FlatParams; dtype: Dtype; decls: VariableDeclaration[] } | null = null;
  /** the dtype given to the constructor (strict), or null (follow the first use) */
  readonly fixedDtype: Dtype | null;

  constructor(private readonly opts: CustomCellOptions) {
    const fn = "CustomCell";
    if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
    checkKnownKeys(fn, opts, ["name", "stateSize", "outputSize", "variables", "step", "inputSize", "seed", "dtype", "kernels"]);
    this.scope = opts.name ?? "custom_cell";
    if (typeof this.scope !== "string" || !/^[A-Za-z0-9_.\-/]+$/.test(this.scope)) fail(fn, "name", "a TF-1 scope name (letters, digits, _ . - /)", opts.name);
    this.className = opts.name ? `CustomCell "${opts.name}"` : "CustomCell";
    this.parts = partsOf(fn, opts.stateSize, "stateSize");
    checkInt(fn, "outputSize", opts.outputSize, 1);
    if (typeof opts.variables !== "function") fail(fn, "variables", "a function (inputDepth) => [{ name, shape, initializer }]", opts.variables);
    if (typeof opts.step !== "function") fail(fn, "step", "a function (inputs, state, variables) => { output, state }", opts.step);
    this.seed = checkNumber(fn, "seed", opts.seed ?? 0);
    this.k = opts.kernels ?? defaultKernels();
    this.fixedDtype = checkDtypeOption(fn, opts.dtype);
    if (opts.inputSize !== undefined) this.build(checkInt(fn, "inputSize", opts.inputSize, 1), this.fixedDtype ?? "float32", fn);
  }

  /** the definition this cell was made from (wrappers build on it) */
  get definition(): Readonly<CustomCellOptions> { return this.opts; }
  get outputSize(): number { return this.opts.outputSize; }
  get stateSize(): StateSize { return this.opts.stateSize; }
  get isBuilt(): boolean { return this.built !== null; }
  get inputDepth(): number | null { return this.built ? this.built.traced.config.inputSize : null; }
  get stateDropWidth(): number { return this.parts.reduce((s, p) => s + (p.droppable ? p.width : 0), 0); }
  layers(): SingleCell[] { return [this]; }

  build(inputSize: number, dtype: Dtype, fn: string): void {
    if (this.built && this.sharesVariablesOf) {
      this.sharesVariablesOf.build(inputSize, dtype, fn);
      this.built = { ...this.built, params: this.sharesVariablesOf.params, dtype };
    }
    if (this.built) {
      const D = this.built.traced.config.inputSize;
      if (D !== inputSize) throw new RnnlabError(`${fn}: inputs have depth ${inputSize}, but the ${this.className} was built for depth ${D}`);
      if (this.built.dtype !== dtype) {                   // follow the inputs' dtype, keeping the values exactly (or throw)
        const fresh = paramsInDtype(fn, this.className, this.k, this.built.params, this.built.dtype, dtype, this.fixedDtype);
        this.built = { ...this.built, params: fresh, dtype };
      }
      return;
    }
    checkFixedDtype(fn, this.className, dtype, this.fixedDtype);
    const decls = this.declarations(fn, inputSize);
    const traced = traceCell({
      fn: `${this.className} step`, inputSize, outputSize: this.outputSize, stateWidths: this.parts.map((p) => p.width),
      droppable: this.parts.map((p) => p.droppable),
      variables: decls.map((d) => ({ name: d.name, shape: d.shape })),
      step: (x, stateParts, vars) => {
        const state = buildStructure(this.stateSize, stateParts, (c, h) => ({ c, h }));
        const r = this.opts.step(x, state, vars);
        if (!r || typeof r !== "object" || !(r.output instanceof ValueClass)) {
          throw new RnnlabError(`${this.className} step: the step must return { output, state } with output a value of the step, got ${r && typeof r === "object" ? `output ${show(r.output)}` : show(r)}`);
        }
        return { output: r.output, state: walkState(`${this.className} step`, this.stateSize, r.state, "returned state", (v, path) => {
          if (!(v instanceof ValueClass)) fail(`${this.className} step`, path, "a value of the step", v);
          return v;
        }) };
      },
    });
    const inner = this.sharesVariablesOf;
    if (inner) {
      inner.build(inputSize, dtype, fn);
      this.built = { traced, params: inner.params, dtype, decls };
      return;
    }
    const params = allocFlat(this.k, planLayout(traced.specs), dtype);
    const rng = new Rng(this.seed);
    decls.forEach((d) => initVariable(fn, params.views[d.name], d, rng));
    this.built = { traced, params, dtype, decls };
  }

  private declarations(fn: string, inputSize: number): VariableDeclaration[] {
    const decls = this.opts.variables(inputSize);
    if (!Array.isArray(decls)) fail(fn, "variables(inputDepth)", "an array of { name, shape, initializer }", decls);
    const seen = new Set<string>();
    decls.forEach((d, i) => {
      if (typeof d !== "object" || d === null) fail(fn, `variables[${i}]`, "{ name, shape, initializer }", d);
      if (typeof d.name !== "string" || !/^[A-Za-z0-9_.\-/]+$/.test(d.name)) fail(fn, `variables[${i}].name`, "a TF-1 variable name (letters, digits, _ . - /)", d.name);
      if (seen.has(d.name)) throw new RnnlabError(`${fn}: variable "${d.name}" is declared twice`);
      seen.add(d.name);
      const ok = Array.isArray(d.shape) && (d.shape.length === 1 || d.shape.length === 2) && d.shape.every((n) => Number.isInteger(n) && n >= 1);
      if (!ok) fail(fn, `variables[${i}].shape ("${d.name}")`, "[n] or [rows, cols] of positive integers", d.shape);
      const init = d.initializer ?? "glorotUniform";
      if (typeof init === "number" ? !Number.isFinite(init) : !["zeros", "ones", "glorotUniform", "orthogonal"].includes(init)) {
        fail(fn, `${d.name}.initializer`, `"zeros", "ones", "glorotUniform", "orthogonal" or a finite number`, init);
      }
    });
    return decls;
  }

  private need(fn: string) {
    if (!this.built) throw new RnnlabError(`${fn}: the ${this.className} has no variables yet; give it inputSize or run it once`);
    return this.built;
  }

  // ---- what the unrolling calls and the tape use ----
  get stackCell(): TracedCell { return this.need(this.className).traced; }
  get stackWeights(): Views { return this.need(this.className).params.views; }
  get params(): FlatParams { return this.need(this.className).params; }
  gradWeights(views: Views): Views { return views; }
  gradientVariables(views: Views): { name: string; tensor: Tensor }[] {
    return this.need(this.className).decls.map((d) => ({ name: d.name, tensor: new Tensor([...d.shape], views[d.name].slice()) }));
  }
  /** gradients by name (as the tape gives them) -> views in this cell's parameter layout */
  gradientsInto(views: Views, vars: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    for (const d of this.need(this.className).decls) { const g = vars[d.name]; if (g) views[d.name].set(g.data); }
  }

  stateToParts(fn: string, arg: string, state: unknown, B: number, dtype: Dtype): LayerState {
    const S = this.parts.reduce((s, p) => s + p.width, 0);
    const flat = dtype === "float64" ? new Float64Array(B * S) : new Float32Array(B * S);
    let at = 0, p = 0;
    walkState(fn, this.stateSize, state, arg, (t, path) => {
      const w = this.parts[p++].width;
      if (!(t instanceof Tensor)) fail(fn, path, "a Tensor", t);
      if (t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== w) throw new RnnlabError(`${fn}: ${path} has shape ${fmtShape(t.shape)}, expected [${B}, ${w}] (batch ${B})`);
      if (t.dtype !== dtype) throw new RnnlabError(`${fn}: ${path} has dtype ${t.dtype}, expected ${dtype} like the inputs`);
      for (let b = 0; b < B; b++) for (let j = 0; j < w; j++) flat[b * S + at + j] = t.data[b * w + j];
      at += w;
    });
    return { h: flat, c: null };
  }

  stateFromParts(part: LayerState, B: number, dtype: Dtype): RnnState {
    const S = this.parts.reduce((s, p) => s + p.width, 0);
    let at = 0;
    const tensors = this.parts.map(({ width: w }) => {
      const t = zeros([B, w], dtype);
      if (part.h) for (let b = 0; b < B; b++) for (let j = 0; j < w; j++) t.data[b * w + j] = part.h[b * S + at + j];
      at += w;
      return t;
    });
    return buildStructure(this.stateSize, tensors, (c, h) => new LSTMStateTuple(c, h)) as RnnState;
  }

  zeroState(batchSize: number, dtype: Dtype = "float32"): RnnState {
    checkInt(`${this.className}.zeroState`, "batchSize", batchSize, 1);
    return this.stateFromParts({ h: null, c: null }, batchSize, dtype);
  }

  variables(): { name: string; tensor: Tensor }[] {
    const b = this.need(`${this.className}.variables`);
    return b.decls.map((d) => ({ name: d.name, tensor: new Tensor([...d.shape], b.params.views[d.name].slice()) }));
  }

  assign(name: string, value: Tensor): void {
    const fn = `${this.className}.assign`, b = this.need(fn);
    const d = b.decls.find((v) => v.name === name);
    if (!d) fail(fn, "name", `one of ${b.decls.map((v) => `"${v.name}"`).join(", ")}`, name);
    if (!(value instanceof Tensor)) fail(fn, "value", "a Tensor", value);
    if (fmtShape(value.shape) !== fmtShape(d.shape) || value.size !== sizeOf(d.shape)) throw new RnnlabError(`${fn}: "${name}" has shape ${fmtShape(d.shape)}, got ${fmtShape(value.shape)}`);
    for (let i = 0; i < value.size; i++) if (!Number.isFinite(value.data[i])) fail(fn, `${name}[${i}]`, "finite", value.data[i]);
    if (b.dtype === "float32" && value.dtype === "float64") {
      const at = firstInexactFloat32(value.data);
      if (at >= 0) {
        if (this.fixedDtype === "float32") throw new RnnlabError(`${fn}: "${name}"[${at}] = ${value.data[at]} is not a float32 number and the ${this.className} was created with dtype "float32"; create it with dtype "float64" or assign float32 values`);
        this.build(b.traced.config.inputSize, "float64", fn);   // the variables become float64: no value is rounded
        return this.assign(name, value);
      }
    }
    b.params.views[name].set(value.data);
  }

  /** The dtype of the variables now (null before they exist). */
  get dtype(): Dtype | null { return this.built ? this.built.dtype : null; }

  /** One step (TF-1 `cell(inputs, state)`): { output, state }, recordable on a tape. */
  call(inputs: Tensor, state: RnnState, opts: CallOptions = {}): { output: Tensor; state: RnnState } {
    return callCell(this as RNNCellLike, inputs, state, opts);
  }
}
