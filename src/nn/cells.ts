// TensorFlow-1 style cells: BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell. Each wraps one of our
// cells with TF-1's defaults (one bias, forget_bias 1 added at run time, GRU resetting before
// the matmul) and shows its variables in TF-1 names and layouts. Like TF-1, a cell builds its
// variables on first use from the input depth (or at once, given inputSize).
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { createCell, type Cell, type CellKind, type CellOptions, type CellWeights, type ActivationName } from "../cells/index.ts";
import { allocFlat, planLayout, type FlatParams } from "../params/layout.ts";
import { initCellParams } from "../params/init-schemes.ts";
import type { Views } from "../params/layout.ts";
import { fromTf1Variables, toTf1Variables } from "../io/tf1-layout.ts";
import { Tensor, zeros } from "../tensor/tensor.ts";
import { checkBool, checkInt, checkKnownKeys, checkNumber, fail, fmtShape, RnnlabError } from "../errors.ts";
import type { LayerState, StackCell, StackWeights } from "../seq/uni-stack.ts";
import { LSTMStateTuple, type RnnState } from "./state.ts";
import { callCell, type CallOptions } from "./call.ts";
import { checkDtypeOption, checkFixedDtype, firstInexactFloat32, paramsInDtype } from "./variable-dtype.ts";

export interface CommonCellOptions {
  numUnits: number;
  activation?: ActivationName;
  /** build the variables now instead of on first use */
  inputSize?: number;
  /** seed of the TF-1 default initializers (glorot-uniform kernels, zero biases, GRU gate bias 1) */
  seed?: number;
  /**
   * the variables' dtype (TF-1 `dtype`). Given, inputs of the other dtype are an error; absent,
   * the variables follow the first use or a float64 assign, never rounding a value.
   */
  dtype?: Dtype;
  kernels?: Kernels;
}

export type StateSize = number | { c: number; h: number } | StateSize[];

/** Anything that can be unrolled: a single cell, a MultiRNNCell or a DropoutWrapper. */
export interface RNNCellLike {
  readonly outputSize: number;
  readonly stateSize: StateSize;
  zeroState(batchSize: number, dtype?: Dtype): RnnState;
  variables(): { name: string; tensor: Tensor }[];
  assign(name: string, value: Tensor): void;
  /** the single cells of this structure, bottom to top */
  layers(): SingleCell[];
  /** One step (TF-1 `cell(inputs, state)`): { output, state }, recordable on a tape. */
  call(inputs: Tensor, state: RnnState, opts?: CallOptions): { output: Tensor; state: RnnState };
}

/**
 * One layer: a built-in cell (RNNCell) or a user-defined one (CustomCell). What the unrolling
 * calls and the tape need of it: its step for the time loop, its weights, and its state
 * structure <-> one LayerState.
 */
export interface SingleCell extends RNNCellLike {
  readonly k: Kernels;
  readonly className: string;
  readonly isBuilt: boolean;
  /** input depth once built */
  readonly inputDepth: number | null;
  /** width of the state a DropoutWrapper drops (TF-1: an LSTM tuple's h, every other part) */
  readonly stateDropWidth: number;
  build(inputSize: number, dtype: Dtype, fn: string): void;
  readonly stackCell: StackCell;
  readonly stackWeights: StackWeights;
  readonly params: FlatParams;
  /** typed weights over gradient views of params.layout */
  gradWeights(views: Views): StackWeights;
  /** gradient views -> gradients under the names of variables() */
  gradientVariables(views: Views): { name: string; tensor: Tensor }[];
  /** gradients under the names of variables() -> views in params.layout (for an optimizer over params.flat) */
  gradientsInto(views: Views, vars: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>): void;
  stateToParts(fn: string, arg: string, state: unknown, B: number, dtype: Dtype): LayerState;
  stateFromParts(part: LayerState, B: number, dtype: Dtype): RnnState;
}

export class RNNCell implements SingleCell {
  readonly k: Kernels;
  private built: { cell: Cell; params: FlatParams; weights: CellWeights; dtype: Dtype } | null = null;
  private readonly seed: number;
  /** LSTM: false = one state tensor [batch, numUnits + outputSize], c then h (TF-1 state_is_tuple=False) */
  readonly stateIsTuple: boolean;
  /** the dtype given to the constructor (strict), or null (follow the first use) */
  readonly fixedDtype: Dtype | null;

  constructor(readonly kind: CellKind, private readonly options: Omit<CellOptions, "inputSize">, readonly className: string,
              common: CommonCellOptions) {
    const fn = className;
    checkInt(fn, "numUnits", common.numUnits, 1);
    this.seed = checkNumber(fn, "seed", common.seed ?? 0);
    this.k = common.kernels ?? defaultKernels();
    this.stateIsTuple = checkBool(fn, "stateIsTuple", (common as { stateIsTuple?: boolean }).stateIsTuple ?? true);
    this.fixedDtype = checkDtypeOption(fn, common.dtype);
    createCell(kind, { inputSize: 1, ...options }, fn);          // validate the options now
    if (common.inputSize !== undefined) this.build(checkInt(fn, "inputSize", common.inputSize, 1), this.fixedDtype ?? "float32", fn);
  }

  get numUnits(): number { return this.options.hiddenSize; }
  get outputSize(): number { return this.options.projSize ? this.options.projSize : this.options.hiddenSize; }
  get stateSize(): number | { c: number; h: number } {
    if (this.kind !== "lstm") return this.numUnits;
    return this.stateIsTuple ? { c: this.numUnits, h: this.outputSize } : this.numUnits + this.outputSize;
  }
  get isBuilt(): boolean { return this.built !== null; }
  get inputDepth(): number | null { return this.built ? this.built.cell.config.inputSize : null; }
  get stateDropWidth(): number { return this.outputSize; }
  layers(): SingleCell[] { return [this]; }

  /** Create the variables for inputs of depth `inputSize` (first use), or check that they match. */
  build(inputSize: number, dtype: Dtype, fn: string): void {
    if (this.built) {
      const c = this.built.cell.config;
      if (c.inputSize !== inputSize) throw new RnnlabError(`${fn}: inputs have depth ${inputSize}, but the ${this.className} was built for depth ${c.inputSize}`);
      if (this.built.dtype !== dtype) {                   // follow the inputs' dtype, keeping the values exactly (or throw)
        const fresh = paramsInDtype(fn, this.className, this.k, this.built.params, this.built.dtype, dtype, this.fixedDtype);
        this.built = { ...this.built, params: fresh, weights: this.built.cell.weights(fresh.views), dtype };
      }
      return;
    }
    checkFixedDtype(fn, this.className, dtype, this.fixedDtype);
    const cell = createCell(this.kind, { inputSize, ...this.options }, fn);
    const params = allocFlat(this.k, planLayout(cell.specs), dtype);
    initCellParams(cell.config, params.views, "tf1", this.seed);
    this.built = { cell, params, weights: cell.weights(params.views), dtype };
  }

  private need(fn: string) {
    if (!this.built) throw new RnnlabError(`${fn}: the ${this.className} has no variables yet; give it inputSize or run it once`);
    return this.built;
  }
  /** internal (after build) */
  get cell(): Cell { return this.need(this.className).cell; }
  get weights(): CellWeights { return this.need(this.className).weights; }
  get params(): FlatParams { return this.need(this.className).params; }
  get stackCell(): StackCell { return this.cell; }
  get stackWeights(): StackWeights { return this.weights; }
  gradWeights(views: Views): StackWeights { return this.cell.weights(views); }
  gradientVariables(views: Views): { name: string; tensor: Tensor }[] {
    return toTf1Variables(this.cell.config, views, "gradients").map((v) => ({ name: v.name, tensor: new Tensor(v.shape, v.data) }));
  }
  gradientsInto(views: Views, vars: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    // the adjoint of toTf1Variables(…, "gradients") is the value mapping, except for the cuDNN GRU's r/z bias
    const named = Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, { shape: [...v.shape], data: v.data }]));
    fromTf1Variables(this.cell.config, views, named);
    if (this.cell.config.kind === "gru" && this.cell.config.resetAfter && views.biasHh) {
      views.biasHh.set(views.biasIh.subarray(0, 2 * this.numUnits), 0);
    }
  }

  stateToParts(fn: string, arg: string, state: unknown, B: number, dtype: Dtype): LayerState {
    if (this.kind === "lstm" && !this.stateIsTuple) {
      const H = this.numUnits, R = this.outputSize;
      if (!(state instanceof Tensor)) fail(fn, arg, `a Tensor [batch, ${H + R}] (c and h concatenated: the ${this.className} has stateIsTuple: false)`, state);
      const both = statePart(fn, arg, state, B, H + R, dtype);
      const c = dtype === "float64" ? new Float64Array(B * H) : new Float32Array(B * H);
      const h = dtype === "float64" ? new Float64Array(B * R) : new Float32Array(B * R);
      for (let b = 0; b < B; b++) { c.set(both.subarray(b * (H + R), b * (H + R) + H), b * H); h.set(both.subarray(b * (H + R) + H, (b + 1) * (H + R)), b * R); }
      return { c, h };
    }
    if (this.kind === "lstm") {
      if (!(state instanceof LSTMStateTuple)) fail(fn, arg, `an LSTMStateTuple { c, h } for the ${this.className}`, state);
      return { c: statePart(fn, `${arg}.c`, state.c, B, this.numUnits, dtype), h: statePart(fn, `${arg}.h`, state.h, B, this.outputSize, dtype) };
    }
    if (state instanceof LSTMStateTuple || Array.isArray(state)) fail(fn, arg, `a Tensor [batch, ${this.numUnits}] for the ${this.className}`, state);
    return { h: statePart(fn, arg, state, B, this.numUnits, dtype), c: null };
  }

  stateFromParts(p: LayerState, B: number, dtype: Dtype): RnnState {
    const copy = (buf: Buf | null, width: number) =>
      new Tensor([B, width], buf ? buf.slice() : dtype === "float64" ? new Float64Array(B * width) : new Float32Array(B * width));
    if (this.kind !== "lstm") return copy(p.h, this.numUnits);
    const c = copy(p.c, this.numUnits), h = copy(p.h, this.outputSize);
    return this.stateIsTuple ? new LSTMStateTuple(c, h) : concatColumns(c, h);
  }

  /** One step (TF-1 `cell(inputs, state)`): { output, state }, recordable on a tape. */
  call(inputs: Tensor, state: RnnState, opts: CallOptions = {}): { output: Tensor; state: RnnState } {
    return callCell(this, inputs, state, opts);
  }

  zeroState(batchSize: number, dtype: Dtype = "float32"): RnnState {
    checkInt(`${this.className}.zeroState`, "batchSize", batchSize, 1);
    if (this.kind === "lstm" && !this.stateIsTuple) return zeros([batchSize, this.numUnits + this.outputSize], dtype);
    return this.kind === "lstm"
      ? new LSTMStateTuple(zeros([batchSize, this.numUnits], dtype), zeros([batchSize, this.outputSize], dtype))
      : zeros([batchSize, this.numUnits], dtype);
  }

  /** TF-1 names and layouts: kernel [D + R, G], bias, w_*_diag, projection/kernel; GRU gates/*, candidate/*. */
  variables(): { name: string; tensor: Tensor }[] {
    const b = this.need(`${this.className}.variables`);
    return toTf1Variables(b.cell.config, b.params.views).map((v) => ({ name: v.name, tensor: new Tensor(v.shape, v.data) }));
  }

  assign(name: string, value: Tensor): void {
    const fn = `${this.className}.assign`, b = this.need(fn);
    const current = toTf1Variables(b.cell.config, b.params.views);
    const target = current.find((v) => v.name === name);
    if (!target) fail(fn, "name", `one of ${current.map((v) => `"${v.name}"`).join(", ")}`, name);
    if (!(value instanceof Tensor)) fail(fn, "value", "a Tensor", value);
    if (fmtShape(value.shape) !== fmtShape(target.shape)) throw new RnnlabError(`${fn}: "${name}" has shape ${fmtShape(target.shape)}, got ${fmtShape(value.shape)}`);
    for (let i = 0; i < value.size; i++) if (!Number.isFinite(value.data[i])) fail(fn, `${name}[${i}]`, "finite", value.data[i]);
    if (b.dtype === "float32" && value.dtype === "float64") {
      const at = firstInexactFloat32(value.data);
      if (at >= 0) {
        if (this.fixedDtype === "float32") throw new RnnlabError(`${fn}: "${name}"[${at}] = ${value.data[at]} is not a float32 number and the ${this.className} was created with dtype "float32"; create it with dtype "float64" or assign float32 values`);
        return this.assignIn64(fn, name, value);            // the variables become float64: no value is rounded
      }
    }
    const vars = Object.fromEntries(current.map((v) => [v.name, v.name === name ? { shape: [...value.shape], data: value.data } : v]));
    fromTf1Variables(b.cell.config, b.params.views, vars);
  }

  private assignIn64(fn: string, name: string, value: Tensor): void {
    this.build(this.built!.cell.config.inputSize, "float64", fn);
    this.assign(name, value);
  }

  /** The dtype of the variables now (null before they exist). */
  get dtype(): Dtype | null { return this.built ? this.built.dtype : null; }
}

/** The built-in cell behind a layer, for code that reads its config (interop); a CustomCell has none. */
export function builtinLayer(fn: string, layer: SingleCell): RNNCell {
  if (!(layer instanceof RNNCell)) throw new RnnlabError(`${fn}: a ${layer.className} is user-defined; only the built-in cells (BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell) convert to other frameworks' layouts`);
  return layer;
}

/** [B, a] ‖ [B, b] -> [B, a + b] */
function concatColumns(x: Tensor, y: Tensor): Tensor {
  const [B, a] = x.shape, b = y.shape[1], out = zeros([B, a + b], x.dtype);
  for (let r = 0; r < B; r++) { out.data.set(x.data.subarray(r * a, (r + 1) * a), r * (a + b)); out.data.set(y.data.subarray(r * b, (r + 1) * b), r * (a + b) + a); }
  return out;
}

function statePart(fn: string, arg: string, t: unknown, B: number, width: number, dtype: Dtype): Buf {
  if (!(t instanceof Tensor)) fail(fn, arg, "a Tensor", t);
  if (t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== width) {
    throw new RnnlabError(`${fn}: ${arg} has shape ${fmtShape(t.shape)}, expected [${B}, ${width}] (batch ${B})`);
  }
  if (t.dtype !== dtype) throw new RnnlabError(`${fn}: ${arg} has dtype ${t.dtype}, expected ${dtype} like the inputs`);
  return t.data;
}

const commonKeys = ["numUnits", "activation", "inputSize", "seed", "dtype", "kernels"];
function split<T extends CommonCellOptions>(fn: string, opts: T, extra: string[]): T {
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, [...commonKeys, ...extra]);
  checkInt(fn, "numUnits", opts.numUnits, 1);                // TF-1's names in TF-1's errors (not hiddenSize)
  const numProj = (opts as { numProj?: unknown }).numProj;
  if (numProj !== undefined && numProj !== null) checkInt(fn, "numProj", numProj, 0);
  return opts;
}

/** h_t = act(W [x, h_{t−1}] + b) */
export class BasicRNNCell extends RNNCell {
  constructor(opts: CommonCellOptions) {
    split("BasicRNNCell", opts, []);
    super("rnn", { hiddenSize: opts.numUnits, biases: 1, activation: opts.activation ?? "tanh" }, "BasicRNNCell", opts);
  }
}

export interface GatedCellOptions extends CommonCellOptions {
  /** the gates' activation (Keras `recurrent_activation`): default "sigmoid" (the logistic function) */
  gateActivation?: ActivationName;
}

export interface BasicLSTMCellOptions extends GatedCellOptions {
  forgetBias?: number;
  /** false: the state is one Tensor [batch, numUnits + outputSize] = [c, h] concatenated (TF-1 state_is_tuple=False). Default true */
  stateIsTuple?: boolean;
}
/** TF-1 BasicLSTMCell: no peepholes, no clipping; forgetBias (default 1) added inside the forget sigmoid. */
export class BasicLSTMCell extends RNNCell {
  constructor(opts: BasicLSTMCellOptions) {
    split("BasicLSTMCell", opts, ["forgetBias", "gateActivation", "stateIsTuple"]);
    super("lstm", { hiddenSize: opts.numUnits, biases: 1, activation: opts.activation ?? "tanh", gateActivation: opts.gateActivation ?? "sigmoid",
      forgetBias: opts.forgetBias ?? 1 }, "BasicLSTMCell", opts);
  }
}

export interface LSTMCellOptions extends BasicLSTMCellOptions {
  usePeepholes?: boolean; cellClip?: number | null; numProj?: number | null; projClip?: number | null;
}
/** TF-1 LSTMCell: optional diagonal peepholes, cell clipping, projection with clipping. */
export class LSTMCell extends RNNCell {
  constructor(opts: LSTMCellOptions) {
    split("LSTMCell", opts, ["forgetBias", "usePeepholes", "cellClip", "numProj", "projClip", "gateActivation", "stateIsTuple"]);
    super("lstm", {
      hiddenSize: opts.numUnits, biases: 1, activation: opts.activation ?? "tanh", gateActivation: opts.gateActivation ?? "sigmoid", forgetBias: opts.forgetBias ?? 1,
      usePeepholes: opts.usePeepholes ?? false, cellClip: opts.cellClip ?? null, projSize: opts.numProj ?? 0, projClip: opts.projClip ?? null,
    }, "LSTMCell", opts);
  }
}

export interface GRUCellOptions extends GatedCellOptions { resetAfter?: boolean }
/** TF-1 GRUCell (reset before the recurrent matmul); resetAfter = true gives cuDNN's formula. */
export class GRUCell extends RNNCell {
  constructor(opts: GRUCellOptions) {
    split("GRUCell", opts, ["resetAfter", "gateActivation"]);
    const resetAfter = opts.resetAfter ?? false;
    super("gru", { hiddenSize: opts.numUnits, biases: resetAfter ? 2 : 1, activation: opts.activation ?? "tanh", gateActivation: opts.gateActivation ?? "sigmoid",
      resetAfter }, "GRUCell", opts);
  }
}
