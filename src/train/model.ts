// A sequence model: [Embedding] → recurrent layer (RNN / LSTM / GRU) → Dense head, the head on
// each row's last valid output (sequence classification / regression, e.g. the note's MNIST
// model) or on every step (character LM, per-step forecasting). Parameter keys follow PyTorch
// module naming: "emb.weight", "rnn.weight_ih_l0", …, "fc.weight", "fc.bias".
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { Owned } from "../kernels/owner.ts";
import { checkStateDict, type TensorLikeInput } from "../params/state-dict.ts";
import { GRU, LSTM, RNN, type Recurrent } from "../layers/recurrent.ts";
import { Dense } from "../layers/dense.ts";
import { Embedding } from "../layers/embedding.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { CellKind } from "../cells/config.ts";
import type { RNNCellLike } from "../nn/cells.ts";
import { CellStack, cellsFromSpecs, checkCellSpecs, specOutputSize, specParamCount, type Tf1CellSpec } from "./cell-stack.ts";
import { checkBool, checkInt, checkKnownKeys, checkNumber, checkOneOf, fail, fmtShape, RnnlabError } from "../errors.ts";
import type { Batch } from "./batch.ts";
import { countCorrect, meanSquaredError, softmaxCrossEntropy } from "./losses.ts";
import type { ParamGroup } from "./optim.ts";

export interface ModelConfig {
  /**
   * "rnn" | "lstm" | "gru": the PyTorch-style layers; "tf1": TF-1 cells from `cells` (stacked like
   * MultiRNNCell); "custom": the cell structure given to the constructor (any nn cell)
   */
  cell: CellKind | "tf1" | "custom";
  /** cell "tf1": the layers, bottom to top, e.g. [{ type: "lstm", numUnits: 32, usePeepholes: true }, { type: "gru", numUnits: 16 }] */
  cells?: Tf1CellSpec[] | null;
  inputKind: "features" | "tokens";
  /** features per step, or the vocabulary size for token inputs */
  inputSize: number;
  /** token inputs: width of the embedding (default = hiddenSize) */
  embeddingDim?: number;
  /** required for cell "rnn" / "lstm" / "gru"; for cells, the top layer's output width */
  hiddenSize?: number;
  numLayers?: number;
  bidirectional?: boolean;
  dropout?: number;
  projSize?: number;
  nonlinearity?: "tanh" | "relu";
  /** classes (class targets) or values per prediction */
  outputSize: number;
  /** "last": the head reads each row's last valid output; "every": every step */
  head: "last" | "every";
  /** "class": softmax cross-entropy; "value": mean squared error */
  loss: "class" | "value";
  seed?: number;
  dtype?: Dtype;
}

export type ResolvedModelConfig = Required<Omit<ModelConfig, "embeddingDim" | "cells">> & { embeddingDim: number; cells: Tf1CellSpec[] | null };

const KEYS = ["cell", "cells", "inputKind", "inputSize", "embeddingDim", "hiddenSize", "numLayers", "bidirectional", "dropout",
  "projSize", "nonlinearity", "outputSize", "head", "loss", "seed", "dtype"];

export function resolveModelConfig(fn: string, c: ModelConfig): ResolvedModelConfig {
  if (typeof c !== "object" || c === null) fail(fn, "config", "an object", c);
  checkKnownKeys(fn, c, KEYS);
  const cell = checkOneOf(fn, "cell", c.cell, ["rnn", "lstm", "gru", "tf1", "custom"] as const);
  const cells = cell === "tf1" ? checkCellSpecs(fn, c.cells) : null;
  if (cell !== "tf1" && c.cells !== undefined && c.cells !== null) fail(fn, "cells", 'absent unless cell is "tf1"', c.cells);
  if (cells || cell === "custom") {
    // a cell structure is its own stack: the PyTorch-style layer options do not apply
    for (const [key, none] of [["numLayers", 1], ["dropout", 0], ["projSize", 0]] as const) {
      if (c[key] !== undefined && c[key] !== none) fail(fn, key, `${none} (or absent) with cell "${cell}": ${key === "numLayers" ? "list the layers in cells" : key === "projSize" ? "use numProj in the LSTM cell spec" : "wrap cells in nn.DropoutWrapper"}`, c[key]);
    }
  }
  const hiddenSize = cells && c.hiddenSize === undefined ? specOutputSize(cells[cells.length - 1]) : checkInt(fn, "hiddenSize", c.hiddenSize, 1);
  const inputKind = checkOneOf(fn, "inputKind", c.inputKind, ["features", "tokens"] as const);
  if (inputKind === "features" && c.embeddingDim !== undefined && c.embeddingDim !== 0) fail(fn, "embeddingDim", "absent for feature inputs (it sizes the token embedding)", c.embeddingDim);
  return {
    cell, cells, inputKind,
    inputSize: checkInt(fn, "inputSize", c.inputSize, 1),
    embeddingDim: inputKind === "tokens" ? checkInt(fn, "embeddingDim", c.embeddingDim ?? hiddenSize, 1) : 0,
    hiddenSize,
    numLayers: checkInt(fn, "numLayers", c.numLayers ?? 1, 1),
    bidirectional: checkBool(fn, "bidirectional", c.bidirectional ?? false),
    dropout: checkNumber(fn, "dropout", c.dropout ?? 0, 0),
    projSize: checkInt(fn, "projSize", c.projSize ?? 0, 0),
    nonlinearity: checkOneOf(fn, "nonlinearity", c.nonlinearity ?? "tanh", ["tanh", "relu"] as const),
    outputSize: checkInt(fn, "outputSize", c.outputSize, 1),
    head: checkOneOf(fn, "head", c.head, ["last", "every"] as const),
    loss: checkOneOf(fn, "loss", c.loss, ["class", "value"] as const),
    seed: checkNumber(fn, "seed", c.seed ?? 0),
    dtype: checkOneOf(fn, "dtype", c.dtype ?? "float32", ["float32", "float64"] as const),
  };
}

/**
 * How many parameters a model of this config has, without building it (closed form of the
 * layers' shapes: torch.nn.RNNBase's weight_ih / weight_hh / biases / weight_hr, Embedding, Linear),
 * so a config read from a file can be checked against the tensors actually there before allocating.
 */
export function modelParamCount(c: ResolvedModelConfig): number {
  const D0 = c.inputKind === "tokens" ? c.embeddingDim : c.inputSize, emb0 = c.inputKind === "tokens" ? c.inputSize * c.embeddingDim : 0;
  if (c.cell === "custom") throw new RnnlabError(`modelParamCount: a model of user-given cells has no closed-form size`);
  if (c.cell === "tf1") {
    const specs = c.cells!, dirs = c.bidirectional ? 2 : 1;
    let D = D0, n = 0;
    for (const s of specs) { n += specParamCount(s, D); D = specOutputSize(s); }
    return emb0 + dirs * n + c.outputSize * (D * dirs + 1);
  }
  const G = { rnn: 1, lstm: 4, gru: 3 }[c.cell] * c.hiddenSize, dirs = c.bidirectional ? 2 : 1;
  const R = c.cell === "lstm" && c.projSize > 0 ? c.projSize : c.hiddenSize;
  const perDirection = (inputs: number) => G * inputs + G * R + 2 * G + (R !== c.hiddenSize ? R * c.hiddenSize : 0);
  const D = c.inputKind === "tokens" ? c.embeddingDim : c.inputSize;
  const rnn = dirs * (perDirection(D) + (c.numLayers - 1) * perDirection(R * dirs));
  const emb = c.inputKind === "tokens" ? c.inputSize * c.embeddingDim : 0;
  return emb + rnn + c.outputSize * (R * dirs + 1);
}

export interface StepResult { loss: number; count: number; correct: number; predictions: Buf }
export interface StreamState { h: Tensor; c: Tensor | null }

export class SequenceModel {
  readonly config: ResolvedModelConfig;
  readonly k: Kernels;
  readonly embedding: Embedding | null;
  /** the recurrent part: PyTorch-style layers, or a stack of TF-1 style cells */
  readonly rnn: Recurrent | CellStack;
  readonly fc: Dense;
  private last: { batch: Batch; headIn: Buf; rows: number; preds: Buf; scratch: Scratch } | null = null;
  private readonly scratches = new Map<string, Scratch>();   // per (T, B): planned once, reused every batch
  private lastScratch: { T: number; B: number; sc: Scratch } | null = null;   // scratchFor's fast path
  private stepLabels: Int32Array | null = null;                               // step()'s placeholder labels

  /**
   * `cells` (with config.cell "custom"): any nn cell structure — a cell, a MultiRNNCell, wrappers,
   * user-defined cells — and, with config.bidirectional, a second one for the backward direction.
   */
  constructor(config: ModelConfig, kernels?: Kernels, cells?: { cell: RNNCellLike; cellBw?: RNNCellLike }) {
    const fn = "SequenceModel";
    if (config?.cell === "custom" && cells?.cell && config.hiddenSize === undefined) config = { ...config, hiddenSize: cells.cell.outputSize };
    if (config?.cell === "custom" && cells === undefined) fail(fn, "cells", '{ cell, cellBw? } for cell "custom"', cells);
    const c = (this.config = resolveModelConfig(fn, config));
    if ((c.cell === "custom") !== (cells !== undefined)) fail(fn, "cells", c.cell === "custom" ? "{ cell, cellBw? } for cell \"custom\"" : 'absent unless config.cell is "custom"', cells);
    if (cells && (typeof cells !== "object" || !cells.cell || typeof cells.cell.layers !== "function")) fail(fn, "cells.cell", "an nn cell (nn.LSTMCell, nn.MultiRNNCell, nn.CustomCell, …)", cells.cell);
    if (cells && c.bidirectional !== (cells.cellBw !== undefined)) fail(fn, "cells.cellBw", c.bidirectional ? "a second cell structure for the backward direction (bidirectional)" : "absent (the model is not bidirectional)", cells.cellBw);
    this.k = kernels ?? defaultKernels();
    const common = { dtype: c.dtype, kernels: this.k };
    const built: { dispose(): void }[] = [];
    const keep = <T extends { dispose(): void }>(layer: T): T => { built.push(layer); return layer; };
    try {                                                   // a failed build gives back what it allocated, at once
      this.embedding = c.inputKind === "tokens"
        ? keep(new Embedding({ numEmbeddings: c.inputSize, embeddingDim: c.embeddingDim, seed: c.seed + 1, ...common })) : null;
      const rnnOpts = {
        inputSize: c.inputKind === "tokens" ? c.embeddingDim : c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers,
        bidirectional: c.bidirectional, dropout: c.dropout, seed: c.seed + 2, ...common,
      };
      if (c.cell === "tf1" || c.cell === "custom") {
        const make = (i: number) => cellsFromSpecs(c.cells!, c.dtype, this.k, c.seed + 2 + 1000 * i);
        const fw = cells ? cells.cell : make(0), bw = cells ? cells.cellBw ?? null : c.bidirectional ? make(1) : null;
        this.rnn = keep(new CellStack(this.k, fw, bw, rnnOpts.inputSize, c.dtype));
      } else {
        this.rnn = keep(c.cell === "lstm" ? new LSTM({ ...rnnOpts, projSize: c.projSize })
          : c.cell === "gru" ? new GRU(rnnOpts) : new RNN({ ...rnnOpts, nonlinearity: c.nonlinearity }));
      }
      this.fc = new Dense({ inputSize: this.rnn.outputSize * this.rnn.numDirections, outputSize: c.outputSize, seed: c.seed + 3, ...common });
    } catch (e) {
      for (const layer of built) layer.dispose();
      throw e;
    }
  }

  /** Give every buffer (parameters, gradients, scratch) back to the backend now; the model must not be used afterwards. */
  dispose(): void {
    this.embedding?.dispose(); this.rnn.dispose(); this.fc.dispose();
    for (const sc of this.scratches.values()) sc.owned.freeAll();
    this.scratches.clear(); this.last = null;
  }

  /** Parameter groups for an optimizer, named like the state-dict prefixes. */
  groups(): ParamGroup[] {
    const g: ParamGroup[] = [];
    if (this.embedding) g.push({ name: "emb", params: this.embedding.params.flat, grads: this.embedding.grads.flat });
    if (this.rnn instanceof CellStack) g.push(...this.rnn.groups("rnn"));
    else g.push({ name: "rnn", params: this.rnn.params.flat, grads: this.rnn.grads.flat });
    g.push({ name: "fc", params: this.fc.params.flat, grads: this.fc.grads.flat });
    return g;
  }

  zeroGrad(): void { for (const g of this.groups()) g.grads.fill(0); }
  paramCount(): number { return (this.embedding?.paramCount() ?? 0) + this.rnn.paramCount() + this.fc.paramCount(); }
  train(on = true): this { this.rnn.train(on); return this; }

  /**
   * Forward one batch; returns the head's outputs (rows, outputSize): B rows ("last") or T·B rows
   * ("every"), in a buffer reused by the next call of the same shape.
   */
  forward(batch: Batch, state?: { h0?: Tensor; c0?: Tensor }): { predictions: Buf; rows: number; hN: Tensor; cN: Tensor | null } {
    const fn = "SequenceModel.forward", c = this.config, { input } = batch;
    if (input.kind !== c.inputKind) fail(fn, "batch.input.kind", `"${c.inputKind}" for this model`, input.kind);
    const { T, B } = input;
    const scratch = this.scratchFor(T, B);
    let x: Tensor;
    if (input.kind === "tokens") {
      this.embedding!.checkIds(fn, input.ids, batch.lengths !== null);
      const emb = scratch.get("emb", T * B * c.embeddingDim);
      this.embedding!.forward(emb, input.ids);
      x = new Tensor([T, B, c.embeddingDim], emb);
    } else {
      if (input.D !== c.inputSize) throw new RnnlabError(`${fn}: batch has ${input.D} features per step, the model expects ${c.inputSize}`);
      x = new Tensor([T, B, input.D], c.dtype === "float64" ? Float64Array.from(input.x) : input.x);
    }
    // the outputs stay in the layer's (time-major) buffer: no copy on the way to the head
    const out = this.rnn.forwardView(x, { ...(batch.lengths ? { lengths: batch.lengths } : {}), ...state });
    const W = this.fc.inputSize;
    let headIn: Buf, rows: number;
    if (c.head === "every") { headIn = out.output; rows = T * B; }
    else {
      rows = B; headIn = scratch.get("headIn", B * W);
      headIn.fill(0);                                     // a row of length 0 has no output to read
      for (let b = 0; b < B; b++) {
        const t = (batch.lengths ? batch.lengths[b] : T) - 1;
        if (t >= 0) headIn.set(out.output.subarray((t * B + b) * W, (t * B + b + 1) * W), b * W);
      }
    }
    const preds = scratch.get("preds", rows * c.outputSize);
    this.fc.forward(preds, headIn, rows);
    this.last = { batch, headIn, rows, preds, scratch };
    return { predictions: preds, rows, hN: out.hN, cN: out.cN };
  }

  /** Loss of the last forward against its batch's targets, with the backward pass into every gradient (accumulating). */
  lossAndBackward(dState?: { hN?: Tensor; cN?: Tensor }, backward = true): StepResult {
    const fn = "SequenceModel.lossAndBackward";
    if (!this.last) throw new RnnlabError(`${fn}: call forward first`);
    const { batch, headIn, rows, preds, scratch } = this.last, c = this.config, O = c.outputSize;
    const dPreds = backward ? scratch.get("dPreds", rows * O) : null;
    const { loss, count, correct } = this.loss(fn, batch, preds, dPreds, rows);
    if (!backward) return { loss, count, correct, predictions: preds };
    const W = this.fc.inputSize, { T, B } = batch.input;
    const dHead = scratch.get("dHead", rows * W);
    dHead.fill(0);                                        // Dense.backward accumulates into dx
    this.fc.backward(dHead, dPreds!, headIn, rows);
    let dOut = dHead;
    if (c.head === "last") {
      dOut = scratch.get("dOut", T * B * W);
      dOut.fill(0);
      for (let b = 0; b < B; b++) {
        const t = (batch.lengths ? batch.lengths[b] : T) - 1;
        if (t >= 0) dOut.set(dHead.subarray(b * W, (b + 1) * W), (t * B + b) * W);
      }
    }
    const input = batch.input, ids = this.embedding && input.kind === "tokens" ? input.ids : null;
    // ∂L/∂x only feeds the embedding; for feature inputs it would be a wasted T·B-row GEMM
    const g = this.rnn.backward({ output: new Tensor([T, B, this.rnn.numDirections * this.rnn.outputSize], dOut), ...dState }, { inputGrad: ids !== null });
    if (ids) this.embedding!.backward(g.dx!.data, ids);
    return { loss, count, correct, predictions: preds };
  }

  private loss(fn: string, batch: Batch, preds: Buf, dPreds: Buf | null, rows: number) {
    const c = this.config, O = c.outputSize, t = batch.target, { B } = batch.input;
    if (c.loss === "class") {
      if (t.kind !== (c.head === "last" ? "class" : "classPerStep")) fail(fn, "batch.target.kind", `"${c.head === "last" ? "class" : "classPerStep"}"`, t.kind);
      const labels = (t as { labels: Int32Array }).labels;
      if (labels.length !== rows) throw new RnnlabError(`${fn}: batch has ${labels.length} labels, expected ${rows}`);
      const r = softmaxCrossEntropy(dPreds, preds, labels, rows, O);
      return { ...r, correct: countCorrect(preds, labels, rows, O).correct };
    }
    if (t.kind !== (c.head === "last" ? "value" : "valuePerStep")) fail(fn, "batch.target.kind", `"${c.head === "last" ? "value" : "valuePerStep"}"`, t.kind);
    const values = (t as { values: Float32Array }).values;
    if (values.length !== rows * O) throw new RnnlabError(`${fn}: batch has ${values.length} target values, expected ${fmtShape([rows, O])}`);
    // not scored: steps past a row's length, and NaN targets (truncated BPTT's already-scored steps)
    let mask: Uint8Array | undefined;
    if ((c.head === "every" && batch.lengths) || values.some(Number.isNaN)) {
      mask = new Uint8Array(rows * O);
      for (let i = 0; i < rows * O; i++) {
        const row = Math.floor(i / O), tt = Math.floor(row / B), b = row % B;
        mask[i] = Number.isNaN(values[i]) || (c.head === "every" && batch.lengths && tt >= batch.lengths[b]) ? 0 : 1;
      }
    }
    return { ...meanSquaredError(dPreds, preds, values, rows * O, mask), correct: 0 };
  }

  /**
   * Streaming inference: one step for a batch of B rows, x (B, D) features or (B) token ids, with the
   * state returned by the previous call (zeros when absent). Equals the full-sequence forward.
   */
  step(x: Float32Array | Float64Array | Int32Array, state: StreamState | null): { prediction: Buf; state: StreamState } {
    const fn = "SequenceModel.step", c = this.config;
    if (c.bidirectional) throw new RnnlabError(`${fn}: a bidirectional model reads the future; it cannot run one step at a time`);
    const B = c.inputKind === "tokens" ? x.length : x.length / c.inputSize;
    if (!Number.isInteger(B) || B < 1) fail(fn, "x", `a multiple of ${c.inputSize} values (B × inputSize)`, x.length);
    // no copies of x where it already has the type forward() reads (forward copies it into the layer)
    const target = { kind: "class" as const, labels: (this.stepLabels?.length === B ? this.stepLabels : (this.stepLabels = new Int32Array(B))) };
    const batch: Batch = c.inputKind === "tokens"
      ? { input: { kind: "tokens", ids: x instanceof Int32Array ? x : Int32Array.from(x), T: 1, B }, target, lengths: null }
      : { input: { kind: "features", x: x instanceof Float32Array ? x : Float32Array.from(x), T: 1, B, D: c.inputSize }, target, lengths: null };
    const r = this.forward(batch, state ? { h0: state.h, ...(state.c ? { c0: state.c } : {}) } : undefined);
    return { prediction: r.predictions, state: { h: r.hN, c: r.cN } };
  }

  /** Every parameter by PyTorch-style key (copies). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const add = (prefix: string, p: { layout: { specs: { name: string; shape: number[] }[] }; views: Record<string, Buf> }) => {
      for (const s of p.layout.specs) out[`${prefix}.${s.name}`] = new Tensor([...s.shape], p.views[s.name].slice() as Buf);
    };
    if (this.embedding) add("emb", this.embedding.params);
    if (this.rnn instanceof CellStack) for (const v of this.rnn.variables()) out[`rnn.${v.name}`] = v.tensor;   // TF-1 names and layouts
    else add("rnn", this.rnn.params);
    add("fc", this.fc.params);
    return out;
  }

  /** Exactly the keys and shapes of stateDict(), finite values; anything else is an error naming the key. */
  loadStateDict(dict: Record<string, TensorLikeInput>, opts: { allowNonFinite?: boolean } = {}): void {
    const own = this.stateDict();
    checkStateDict("SequenceModel.loadStateDict", dict, Object.entries(own).map(([name, t]) => ({ name, shape: t.shape })), opts);
    const views = (prefix: string) => prefix === "emb" ? this.embedding!.params.views : prefix === "rnn" ? (this.rnn as Recurrent).params.views : this.fc.params.views;
    for (const key of Object.keys(own)) {
      const dot = key.indexOf("."), prefix = key.slice(0, dot), name = key.slice(dot + 1);
      if (prefix === "rnn" && this.rnn instanceof CellStack) {
        const v = dict[key], data = this.config.dtype === "float64" ? Float64Array.from(v.data) : Float32Array.from(v.data);
        this.rnn.assign(name, new Tensor([...own[key].shape], data));
      } else views(prefix)[name].set(dict[key].data);
    }
  }

  private scratchFor(T: number, B: number): Scratch {
    const last = this.lastScratch;
    if (last && last.T === T && last.B === B) return last.sc;   // the same shape as the last call (streaming)
    const sc = this.scratchLru(T, B);
    this.lastScratch = { T, B, sc };
    return sc;
  }

  private scratchLru(T: number, B: number): Scratch {
    const key = `${T}x${B}`;
    let sc = this.scratches.get(key);
    if (sc) this.scratches.delete(key);
    else sc = new Scratch(new Owned(this.k, this.config.dtype));
    this.scratches.set(key, sc);                          // most recent last
    if (this.scratches.size > 8) {
      const oldest = this.scratches.keys().next().value!;
      this.scratches.get(oldest)!.owned.freeAll();
      this.scratches.delete(oldest);
      this.lastScratch = null;
    }
    return sc;
  }
}

/** Named buffers of one batch shape, made on first use. */
class Scratch {
  private readonly bufs = new Map<string, Buf>();
  constructor(readonly owned: Owned) {}
  get(name: string, length: number): Buf {
    let b = this.bufs.get(name);
    if (!b || b.length !== length) { b = this.owned.alloc(length); this.bufs.set(name, b); }
    return b;
  }
}
