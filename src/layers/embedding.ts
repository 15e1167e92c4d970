// Embedding (PyTorch nn.Embedding): row `id` of W (V, E) for each token id. W ~ N(0, 1) like PyTorch.
// Its backward is a scatter-add of the output gradient into the rows that were read.
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { allocFlat, planLayout, type FlatParams } from "../params/layout.ts";
import { Rng } from "../params/rng.ts";
import { checkInt, checkKnownKeys, checkNumber, checkOneOf, fail } from "../errors.ts";

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

  /** y (n, E) = W[ids[i]]; id −1 gives a zero row */
  forward(y: Buf, ids: Int32Array): void {
    const E = this.embeddingDim, w = this.params.views.weight;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0) { y.fill(0, i * E, (i + 1) * E); continue; }
      for (let j = 0; j < E; j++) y[i * E + j] = w[id * E + j];
    }
  }

  /** dW[ids[i]] += dy[i] (scatter-add: repeated ids accumulate) */
  backward(dy: Buf, ids: Int32Array): void {
    const E = this.embeddingDim, dw = this.grads.views.weight;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0) continue;
      for (let j = 0; j < E; j++) dw[id * E + j] += dy[i * E + j];
    }
  }

  paramCount(): number { return this.numEmbeddings * this.embeddingDim; }
}
