// PyTorch-style recurrent layers: RNN, LSTM, GRU with torch.nn's vocabulary, shapes and
// state-dict keys, on the same cells and time loop as the TF-1 API. One flat parameter buffer
// holds every layer and direction, so there is nothing like flatten_parameters() to call.
//   x: [T, B, D] (batchFirst: [B, T, D]); h0 / hN: [L·dirs, B, R]; c0 / cN: [L·dirs, B, H]
//   layer l > 0 reads concat(forward, backward) outputs of layer l − 1, after dropout (training only)
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { createCell, type Cell, type CellKind, type CellWeights } from "../cells/index.ts";
import { allocFlat, planLayout, type FlatParams, type ParamSpec, type Views } from "../params/layout.ts";
import { fillUniform } from "../params/init.ts";
import { Rng } from "../params/rng.ts";
import { torchKey } from "../io/torch-names.ts";
import { Tensor, like } from "../tensor/tensor.ts";
import { checkLengths } from "../tensor/ops.ts";
import { checkBool, checkFinite, checkInt, checkKnownKeys, checkNumber, checkOneOf, fail, fmtShape, RnnlabError } from "../errors.ts";
import { BidiStack as RecurrentPlan } from "../seq/bidi-stack.ts";
import { checkStateDict, type TensorLikeInput } from "../params/state-dict.ts";

export interface RecurrentOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  /** false: no bias vectors at all (PyTorch bias=False) */
  bias?: boolean;
  batchFirst?: boolean;
  /** dropout probability on the outputs of every layer but the last, in training mode */
  dropout?: number;
  bidirectional?: boolean;
  /** LSTM only: project h_t to projSize features (PyTorch proj_size) */
  projSize?: number;
  /** RNN only */
  nonlinearity?: "tanh" | "relu";
  /** seeds the U(−1/√H, 1/√H) initialization and the dropout masks */
  seed?: number;
  dtype?: Dtype;
  kernels?: Kernels;
}

export interface ForwardOptions { h0?: Tensor; c0?: Tensor; lengths?: ArrayLike<number> | Tensor }
export interface ForwardResult { output: Tensor; hN: Tensor; cN: Tensor | null }
export interface BackwardInput { output?: Tensor; hN?: Tensor; cN?: Tensor }
export interface BackwardResult { dx: Tensor; dh0: Tensor; dc0: Tensor | null }

const KNOWN = ["inputSize", "hiddenSize", "numLayers", "bias", "batchFirst", "dropout", "bidirectional", "projSize",
  "nonlinearity", "seed", "dtype", "kernels"];

export class Recurrent {
  readonly kind: CellKind;
  readonly inputSize: number; readonly hiddenSize: number; readonly numLayers: number;
  readonly bias: boolean; readonly batchFirst: boolean; readonly dropout: number;
  readonly bidirectional: boolean; readonly projSize: number; readonly dtype: Dtype;
  readonly numDirections: number;
  readonly k: Kernels;
  /** cells[layer][direction] */
  readonly cells: Cell[][];
  readonly params: FlatParams;
  readonly grads: FlatParams;
  training = true;
  private readonly w: CellWeights[][];
  private readonly dw: CellWeights[][];
  private rng: Rng;
  private plan: RecurrentPlan | null = null;
  private readonly plans = new Map<string, RecurrentPlan>(); // a few recent (T, B) shapes
  private last: { T: number; B: number; lengths: Int32Array | null } | null = null;

  constructor(kind: CellKind, opts: RecurrentOptions, readonly name: string) {
    const fn = name;
    if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
    checkKnownKeys(fn, opts, kind === "lstm" ? KNOWN.filter((k) => k !== "nonlinearity")
      : kind === "rnn" ? KNOWN.filter((k) => k !== "projSize") : KNOWN.filter((k) => k !== "projSize" && k !== "nonlinearity"));
    this.kind = kind;
    this.inputSize = checkInt(fn, "inputSize", opts.inputSize, 1);
    this.hiddenSize = checkInt(fn, "hiddenSize", opts.hiddenSize, 1);
    this.numLayers = checkInt(fn, "numLayers", opts.numLayers ?? 1, 1);
    this.bias = checkBool(fn, "bias", opts.bias ?? true);
    this.batchFirst = checkBool(fn, "batchFirst", opts.batchFirst ?? false);
    this.dropout = checkNumber(fn, "dropout", opts.dropout ?? 0, 0);
    if (this.dropout >= 1) fail(fn, "dropout", "a probability in [0, 1)", this.dropout);
    this.bidirectional = checkBool(fn, "bidirectional", opts.bidirectional ?? false);
    this.projSize = checkInt(fn, "projSize", opts.projSize ?? 0, 0);
    if (this.projSize >= this.hiddenSize && this.projSize > 0) fail(fn, "projSize", `smaller than hiddenSize (${this.hiddenSize})`, this.projSize);
    const nonlinearity = checkOneOf(fn, "nonlinearity", opts.nonlinearity ?? "tanh", ["tanh", "relu"] as const);
    this.dtype = checkOneOf(fn, "dtype", opts.dtype ?? "float32", ["float32", "float64"] as const);
    const seed = checkNumber(fn, "seed", opts.seed ?? 0);
    this.k = opts.kernels ?? defaultKernels();
    this.numDirections = this.bidirectional ? 2 : 1;
    const R = this.outputSize;
    this.cells = Array.from({ length: this.numLayers }, (_, l) => Array.from({ length: this.numDirections }, () =>
      createCell(kind, {
        inputSize: l === 0 ? this.inputSize : R * this.numDirections, hiddenSize: this.hiddenSize, biases: this.bias ? 2 : 0,
        ...(kind === "rnn" ? { activation: nonlinearity } : {}), ...(kind === "lstm" ? { projSize: this.projSize } : {}),
      }, fn)));
    const layout = planLayout(this.cellSpecs());
    this.params = allocFlat(this.k, layout, this.dtype);
    try { this.grads = allocFlat(this.k, layout, this.dtype); }
    catch (e) { this.k.free(this.params.flat); throw e; }        // a failed build gives its memory back at once
    this.w = this.cellWeights(this.params.views);
    this.dw = this.cellWeights(this.grads.views);
    this.rng = new Rng(seed);
    const limit = 1 / Math.sqrt(this.hiddenSize);            // torch.nn.RNNBase.reset_parameters
    for (const spec of layout.specs) fillUniform(this.params.views[spec.name], limit, this.rng);
  }

  /** R: features of h_t per direction */
  get outputSize(): number { return this.projSize > 0 ? this.projSize : this.hiddenSize; }

  private cellSpecs(): ParamSpec[] {
    return this.cells.flatMap((dirs, l) => dirs.flatMap((cell, d) =>
      cell.specs.map((s) => ({ name: torchKey(s.name, l, d === 1), shape: s.shape }))));
  }

  private cellWeights(views: Views): CellWeights[][] {
    return this.cells.map((dirs, l) => dirs.map((cell, d) => {
      const own: Views = {};
      for (const s of cell.specs) own[s.name] = views[torchKey(s.name, l, d === 1)];
      return cell.weights(own);
    }));
  }

  /**
   * Give the layer's memory (parameters, gradients, time-loop buffers) back to the backend now,
   * instead of at the next garbage collection; the layer must not be used afterwards.
   */
  dispose(): void {
    for (const plan of this.plans.values()) plan.dispose();
    this.plans.clear(); this.plan = null;
    this.k.free(this.params.flat); this.k.free(this.grads.flat);
  }

  paramCount(): number { return this.params.layout.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0); }
  zeroGrad(): void { this.grads.flat.fill(0); }
  train(on = true): this { this.training = on; return this; }
  /** The dropout-mask generator's state (checkpoints resume it exactly). */
  get rngState(): number[] { return this.rng.getState(); }
  set rngState(state: number[]) { this.rng.setState(state); }
  /** Restart the dropout-mask generator (like torch.manual_seed for this layer). */
  reseed(seed: number): this { this.rng = new Rng(checkNumber(`${this.name}.reseed`, "seed", seed)); return this; }
  eval(): this { return this.train(false); }

  /** The parameters by PyTorch key, as copies. */
  stateDict(): Record<string, Tensor> { return dictOf(this.params); }
  /** The accumulated gradients by PyTorch key, as copies. */
  gradDict(): Record<string, Tensor> { return dictOf(this.grads); }

  /** Exactly the keys and shapes of stateDict(), finite values (unless allowNonFinite); anything else is an error. */
  loadStateDict(dict: Record<string, TensorLikeInput>, opts: { allowNonFinite?: boolean } = {}): void {
    const specs = this.params.layout.specs;
    checkStateDict(`${this.name}.loadStateDict`, dict, specs, opts);
    for (const s of specs) this.params.views[s.name].set(dict[s.name].data);
  }

  forward(x: Tensor, opts: ForwardOptions = {}): ForwardResult {
    const r = this.run(`${this.name}.forward`, x, opts);
    const outShape = this.batchFirst ? [r.B, r.T, this.numDirections * this.outputSize] : [r.T, r.B, this.numDirections * this.outputSize];
    return { output: like(x, outShape, this.plan!.output(this.batchFirst)), hN: r.hN, cN: r.cN };
  }

  /**
   * forward() without copying the outputs out: `output` is the layer's own buffer of top-layer
   * outputs, TIME-major (T·B, dirs·R) whatever batchFirst says, valid until the next forward and
   * not to be modified. For code that feeds it straight into a head (SequenceModel): in the wasm
   * backend's memory, it reaches the head's GEMM without a copy.
   */
  forwardView(x: Tensor, opts: ForwardOptions = {}): { output: Buf; hN: Tensor; cN: Tensor | null } {
    const r = this.run(`${this.name}.forwardView`, x, opts);
    return { output: this.plan!.outputView(), hN: r.hN, cN: r.cN };
  }

  private run(fn: string, x: Tensor, opts: ForwardOptions): { T: number; B: number; hN: Tensor; cN: Tensor | null } {
    checkKnownKeys(fn, opts, ["h0", "c0", "lengths"]);
    const { T, B } = this.checkInput(fn, x);
    const lengths = opts.lengths === undefined ? null : checkLengths(fn, "lengths", opts.lengths, B, T);
    const LD = this.numLayers * this.numDirections, R = this.outputSize, H = this.hiddenSize;
    if (opts.h0 !== undefined) this.checkTensor(fn, "h0", opts.h0, [LD, B, R], "[numLayers·dirs, batch, R]");
    if (opts.c0 !== undefined) {
      if (this.kind !== "lstm") fail(fn, "c0", `absent for ${this.name} (only LSTM has a cell state)`, opts.c0);
      this.checkTensor(fn, "c0", opts.c0, [LD, B, H], "[numLayers·dirs, batch, hiddenSize]");
    }
    const plan = this.planFor(T, B);
    plan.forward(this.w, x.data, this.batchFirst, opts.h0?.data ?? null, opts.c0?.data ?? null, lengths,
      this.training && this.dropout > 0 ? { p: this.dropout, rng: this.rng } : null);
    this.last = { T, B, lengths };
    return {
      T, B,
      hN: like(x, [LD, B, R], plan.finalH()),
      cN: this.kind === "lstm" ? like(x, [LD, B, H], plan.finalC()) : null,
    };
  }

  /** Gradients of the last forward given cotangents; parameter gradients ACCUMULATE into grads.
   *  `{ inputGrad: false }` skips ∂L/∂x (dx is then null): one GEMM over all T·B rows saved when the
   *  input is data, not the output of something being trained. */
  backward(cot: BackwardInput): BackwardResult;
  backward(cot: BackwardInput, opts: { inputGrad: false }): Omit<BackwardResult, "dx"> & { dx: null };
  backward(cot: BackwardInput, opts?: { inputGrad?: boolean }): Omit<BackwardResult, "dx"> & { dx: Tensor | null };
  backward(cot: BackwardInput, opts: { inputGrad?: boolean } = {}): Omit<BackwardResult, "dx"> & { dx: Tensor | null } {
    const fn = `${this.name}.backward`;
    if (!this.last || !this.plan) throw new RnnlabError(`${fn}: call forward first`);
    checkKnownKeys(fn, cot, ["output", "hN", "cN"], "cotangents");
    const { T, B } = this.last, LD = this.numLayers * this.numDirections, R = this.outputSize, H = this.hiddenSize;
    const outShape = this.batchFirst ? [B, T, this.numDirections * R] : [T, B, this.numDirections * R];
    if (cot.output !== undefined) this.checkTensor(fn, "output", cot.output, outShape, this.batchFirst ? "[batch, seq, dirs·R]" : "[seq, batch, dirs·R]");
    if (cot.hN !== undefined) this.checkTensor(fn, "hN", cot.hN, [LD, B, R], "[numLayers·dirs, batch, R]");
    if (cot.cN !== undefined) {
      if (this.kind !== "lstm") fail(fn, "cN", `absent for ${this.name}`, cot.cN);
      this.checkTensor(fn, "cN", cot.cN, [LD, B, H], "[numLayers·dirs, batch, hiddenSize]");
    }
    checkKnownKeys(fn, opts, ["inputGrad"]);
    const inputGrad = checkBool(fn, "inputGrad", opts.inputGrad ?? true);
    const plan = this.plan;
    plan.backward(this.w, this.dw, cot.output?.data ?? null, this.batchFirst, cot.hN?.data ?? null, cot.cN?.data ?? null, inputGrad);
    const ref = { dtype: this.dtype };
    return {
      dx: inputGrad ? like(ref, this.batchFirst ? [B, T, this.inputSize] : [T, B, this.inputSize], plan.inputGrad(this.batchFirst)) : null,
      dh0: like(ref, [LD, B, R], plan.initialGradH()),
      dc0: this.kind === "lstm" ? like(ref, [LD, B, H], plan.initialGradC()) : null,
    };
  }

  /** The buffers for (T, B), kept for the 8 most recent shapes (e.g. training T, streaming T = 1, a last smaller batch). */
  private planFor(T: number, B: number): RecurrentPlan {
    if (this.plan && this.plan.T === T && this.plan.B === B) return this.plan;   // the same shape as last time (streaming)
    const key = `${T}x${B}`;
    let plan = this.plans.get(key);
    if (plan) this.plans.delete(key);
    else plan = new RecurrentPlan(this.k, this.cells, T, B, this.dtype);
    this.plans.set(key, plan);                      // most recent last
    if (this.plans.size > 8) {                      // retire the least recently used shape, giving its memory back
      const oldest = this.plans.keys().next().value!;
      this.plans.get(oldest)!.dispose();
      this.plans.delete(oldest);
    }
    return (this.plan = plan);
  }

  private checkInput(fn: string, x: Tensor): { T: number; B: number } {
    if (!(x instanceof Tensor)) fail(fn, "x", "a Tensor", x);
    const expected = this.batchFirst ? `[batch, seq, ${this.inputSize}]` : `[seq, batch, ${this.inputSize}]`;
    if (x.rank !== 3 || x.shape[2] !== this.inputSize || x.shape[0] < 1 || x.shape[1] < 1) {
      throw new RnnlabError(`${fn}: x has shape ${fmtShape(x.shape)}, expected ${expected}`);
    }
    if (x.dtype !== this.dtype) throw new RnnlabError(`${fn}: x has dtype ${x.dtype}, expected ${this.dtype} (the layer's dtype)`);
    checkFinite(fn, "x", x.data);                     // a NaN input would only come back as NaN outputs
    return this.batchFirst ? { T: x.shape[1], B: x.shape[0] } : { T: x.shape[0], B: x.shape[1] };
  }

  private checkTensor(fn: string, arg: string, t: Tensor, shape: number[], pattern: string): void {
    if (!(t instanceof Tensor)) fail(fn, arg, "a Tensor", t);
    if (t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i])) throw new RnnlabError(`${fn}: ${arg} has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)} ${pattern}`);
    if (t.dtype !== this.dtype) throw new RnnlabError(`${fn}: ${arg} has dtype ${t.dtype}, expected ${this.dtype}`);
    checkFinite(fn, arg, t.data);
  }
}

function dictOf(p: FlatParams): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const s of p.layout.specs) out[s.name] = new Tensor([...s.shape], p.views[s.name].slice() as Buf);
  return out;
}

/** Long short-term memory (Hochreiter & Schmidhuber 1997), PyTorch's formulation and keys. */
export class LSTM extends Recurrent { constructor(opts: RecurrentOptions) { super("lstm", opts, "LSTM"); } }
/** Gated recurrent unit (Cho et al. 2014), PyTorch's formula (reset applied after the recurrent matmul). */
export class GRU extends Recurrent { constructor(opts: RecurrentOptions) { super("gru", opts, "GRU"); } }
/** Elman RNN with tanh or relu. */
export class RNN extends Recurrent { constructor(opts: RecurrentOptions) { super("rnn", opts, "RNN"); } }
