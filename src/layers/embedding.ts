// Embedding (PyTorch nn.Embedding): row `id` of W (V, E) for each token id. W ~ N(0, 1) like PyTorch.
// Its backward is a scatter-add of the output gradient into the rows that were read.
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { allocFlat, planLayout, type FlatParams } from "../params/layout.ts";
import { Rng } from "../params/rng.ts";
import { checkInt, checkKnownKeys, checkNumber, checkOneOf, fail, fmtShape, RnnlabError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkStateDict, type TensorLikeInput } from "../params/state-dict.ts";
import { dictOf } from "./dense.ts";

export interface EmbeddingOptions { numEmbeddings: number; embeddingDim: number; seed?: number; dtype?: Dtype; kernels?: Kernels }

export class Embedding {
  readonly numEmbeddings: number; readonly embeddingDim: number; readonly dtype: Dtype;
  readonly k: Kernels;
  readonly params: FlatParams;
  readonly grads: FlatParams;

  constructor(opts: EmbeddingOptions) {
    const fn = "Embedding";
    if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
    checkKnownKeys(fn, opts, ["numEmbeddings", "embeddingDim", "seed", "dtype", "kernels"]);
    this.numEmbeddings = checkInt(fn, "numEmbeddings", opts.numEmbeddings, 1);
    this.embeddingDim = checkInt(fn, "embeddingDim", opts.embeddingDim, 1);
    this.dtype = checkOneOf(fn, "dtype", opts.dtype ?? "float32", ["float32", "float64"] as const);
    this.k = opts.kernels ?? defaultKernels();
    const layout = planLayout([{ name: "weight", shape: [this.numEmbeddings, this.embeddingDim] }]);
    this.params = allocFlat(this.k, layout, this.dtype);
    try { this.grads = allocFlat(this.k, layout, this.dtype); }
    catch (e) { this.k.free(this.params.flat); throw e; }
    const rng = new Rng(checkNumber(fn, "seed", opts.seed ?? 0)), w = this.params.views.weight;
    for (let i = 0; i < w.length; i++) w[i] = rng.normal();
  }

  /** Give the table and its gradient back to the backend now; the layer must not be used afterwards. */
  dispose(): void { this.k.free(this.params.flat); this.k.free(this.grads.flat); }

  /** Every id in [0, V): a bad id is named with its position. Padding ids (−1) are allowed when `allowPad`. */
  checkIds(fn: string, ids: Int32Array, allowPad = false): void {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < this.numEmbeddings) && !(allowPad && id === -1)) {
        fail(fn, `ids[${i}]`, `a token id in [0, ${this.numEmbeddings})`, id);
      }
    }
  }

  /** the ids of the last Tensor forward (backward scatters into their rows) */
  private lastIds: { ids: Int32Array; shape: readonly number[] } | null = null;

  /**
   * ids [...] (a Tensor of integer ids, or an Int32Array of shape [n]) -> rows [..., E], like
   * torch.nn.Embedding. Keeps the ids for backward(dy). (The raw form forward(y, ids) writes into y.)
   */
  forward(ids: Tensor): Tensor;
  /** y (n, E) = W[ids[i]]; id −1 gives a zero row */
  forward(y: Buf, ids: Int32Array): void;
  forward(a: Tensor | Buf, ids?: Int32Array): Tensor | void {
    if (!(a instanceof Tensor)) return this.forwardRows(a, ids!);
    const fn = "Embedding.forward", list = Int32Array.from(a.data);
    for (let i = 0; i < list.length; i++) if (list[i] !== a.data[i]) fail(fn, `ids[${i}]`, "an integer token id", a.data[i]);
    this.checkIds(fn, list);
    const y = new Tensor([...a.shape, this.embeddingDim], this.dtype === "float64" ? new Float64Array(list.length * this.embeddingDim) : new Float32Array(list.length * this.embeddingDim));
    this.forwardRows(y.data, list);
    this.lastIds = { ids: list, shape: a.shape };
    return y;
  }

  /** The backward of the last Tensor forward: dW[ids] += dy (ids have no gradient). The raw form backward(dy, ids) too. */
  backward(dy: Tensor): Record<string, never>;
  backward(dy: Buf, ids: Int32Array): void;
  backward(a: Tensor | Buf, ids?: Int32Array): Record<string, never> | void {
    if (!(a instanceof Tensor)) return this.backwardRows(a, ids!);
    const fn = "Embedding.backward", last = this.lastIds;
    if (!last) throw new RnnlabError(`${fn}: call forward(ids) first`);
    const want = [...last.shape, this.embeddingDim];
    if (fmtShape(a.shape) !== fmtShape(want)) throw new RnnlabError(`${fn}: dy has shape ${fmtShape(a.shape)}, expected ${fmtShape(want)} (the output's)`);
    this.backwardRows(a.data, last.ids);
    return {};
  }

  /** The table by PyTorch key ("weight" [V, E]), as a copy. */
  stateDict(): Record<string, Tensor> { return dictOf(this.params); }
  gradDict(): Record<string, Tensor> { return dictOf(this.grads); }
  zeroGrad(): void { this.grads.flat.fill(0); }
  loadStateDict(dict: Record<string, TensorLikeInput>, opts: { allowNonFinite?: boolean } = {}): void {
    checkStateDict("Embedding.loadStateDict", dict, this.params.layout.specs, opts);
    this.params.views.weight.set(dict.weight.data);
  }

  private forwardRows(y: Buf, ids: Int32Array): void {
    const E = this.embeddingDim, w = this.params.views.weight;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0) { y.fill(0, i * E, (i + 1) * E); continue; }
      for (let j = 0; j < E; j++) y[i * E + j] = w[id * E + j];
    }
  }

  /** dW[ids[i]] += dy[i] (scatter-add: repeated ids accumulate) */
  private backwardRows(dy: Buf, ids: Int32Array): void {
    const E = this.embeddingDim, dw = this.grads.views.weight;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0) continue;
      for (let j = 0; j < E; j++) dw[id * E + j] += dy[i * E + j];
    }
  }

  paramCount(): number { return this.numEmbeddings * this.embeddingDim; }
}
