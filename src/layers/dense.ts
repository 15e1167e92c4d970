// Dense (PyTorch nn.Linear): y = x · Wᵀ + b with W (out, in). Initialized like PyTorch:
// W, b ~ U(−1/√in, 1/√in) (kaiming_uniform with a = √5 reduces to that bound).
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { allocFlat, planLayout, type FlatParams } from "../params/layout.ts";
import { fillUniform } from "../params/init.ts";
import { Rng } from "../params/rng.ts";
import { checkBool, checkFinite, checkInt, checkKnownKeys, checkNumber, checkOneOf, fail, fmtShape, RnnlabError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkStateDict, type TensorLikeInput } from "../params/state-dict.ts";

export interface DenseOptions {
  inputSize: number; outputSize: number; bias?: boolean; seed?: number; dtype?: Dtype; kernels?: Kernels;
}

export class Dense {
  readonly inputSize: number; readonly outputSize: number; readonly bias: boolean; readonly dtype: Dtype;
  readonly k: Kernels;
  readonly params: FlatParams;
  readonly grads: FlatParams;

  constructor(opts: DenseOptions) {
    const fn = "Dense";
    if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
    checkKnownKeys(fn, opts, ["inputSize", "outputSize", "bias", "seed", "dtype", "kernels"]);
    this.inputSize = checkInt(fn, "inputSize", opts.inputSize, 1);
    this.outputSize = checkInt(fn, "outputSize", opts.outputSize, 1);
    this.bias = checkBool(fn, "bias", opts.bias ?? true);
    this.dtype = checkOneOf(fn, "dtype", opts.dtype ?? "float32", ["float32", "float64"] as const);
    this.k = opts.kernels ?? defaultKernels();
    const specs = [{ name: "weight", shape: [this.outputSize, this.inputSize] }];
    if (this.bias) specs.push({ name: "bias", shape: [this.outputSize] });
    const layout = planLayout(specs);
    this.params = allocFlat(this.k, layout, this.dtype);
    try { this.grads = allocFlat(this.k, layout, this.dtype); }
    catch (e) { this.k.free(this.params.flat); throw e; }

    const rng = new Rng(checkNumber(fn, "seed", opts.seed ?? 0)), limit = 1 / Math.sqrt(this.inputSize);
    for (const s of specs) fillUniform(this.params.views[s.name], limit, rng);
  }

  /** Give the parameters and gradients back to the backend now; the layer must not be used afterwards. */
  dispose(): void {
    this.k.free(this.params.flat); this.k.free(this.grads.flat);
    if (this.last) { this.k.free(this.last.x); this.last = null; }
  }

  get weight(): Buf { return this.params.views.weight; }

  /** the input of the last Tensor forward, in this backend's memory (backward reads it) */
  private last: { x: Buf; shape: readonly number[]; rows: number } | null = null;

  /**
   * y [..., out] = x [..., in] · Wᵀ + b, like torch.nn.Linear on any leading axes. Keeps x for backward(dy).
   * (The raw form forward(y, x, rows) writes into a buffer of this backend, for hot paths.)
   */
  forward(x: Tensor): Tensor;
  /** y (rows, out) = x (rows, in) · Wᵀ + b, into y (buffers of this backend) */
  forward(y: Buf, x: Buf, rows: number): void;
  forward(a: Tensor | Buf, x?: Buf, rows?: number): Tensor | void {
    if (!(a instanceof Tensor)) return this.forwardRows(a, x!, rows!);
    const fn = "Dense.forward", I = this.inputSize;
    if (a.rank < 1 || a.shape[a.rank - 1] !== I) throw new RnnlabError(`${fn}: x has shape ${fmtShape(a.shape)}, expected [..., ${I}]`);
    if (a.dtype !== this.dtype) throw new RnnlabError(`${fn}: x has dtype ${a.dtype}, the layer ${this.dtype}`);
    checkFinite(fn, "x", a.data);
    const n = a.size / I;
    if (this.last) this.k.free(this.last.x);
    const xb = this.k.alloc(a.size, this.dtype), yb = this.k.alloc(n * this.outputSize, this.dtype);
    xb.set(a.data);
    this.forwardRows(yb, xb, n);
    this.last = { x: xb, shape: a.shape, rows: n };
    const y = new Tensor([...a.shape.slice(0, -1), this.outputSize], yb.slice() as Buf);
    this.k.free(yb);
    return y;
  }

  /**
   * The backward of the last Tensor forward: dW, db accumulate into the gradients; returns dx.
   * (The raw form backward(dx, dy, x, rows) accumulates into dx.)
   */
  backward(dy: Tensor): { dx: Tensor };
  /** dx (rows, in) ACCUMULATES (null: not needed); dW, db accumulate into grads */
  backward(dx: Buf | null, dy: Buf, x: Buf, rows: number): void;
  backward(a: Tensor | Buf | null, dy?: Buf, x?: Buf, rows?: number): { dx: Tensor } | void {
    if (!(a instanceof Tensor)) return this.backwardRows(a, dy!, x!, rows!);
    const fn = "Dense.backward", last = this.last;
    if (!last) throw new RnnlabError(`${fn}: call forward(x) first`);
    const want = [...last.shape.slice(0, -1), this.outputSize];
    if (fmtShape(a.shape) !== fmtShape(want)) throw new RnnlabError(`${fn}: dy has shape ${fmtShape(a.shape)}, expected ${fmtShape(want)} (the output's)`);
    if (a.dtype !== this.dtype) throw new RnnlabError(`${fn}: dy has dtype ${a.dtype}, the layer ${this.dtype}`);
    const dyb = this.k.alloc(a.size, this.dtype), dxb = this.k.alloc(last.x.length, this.dtype);
    dyb.set(a.data);
    this.backwardRows(dxb, dyb, last.x, last.rows);
    const dx = new Tensor([...last.shape], dxb.slice() as Buf);
    this.k.free(dyb); this.k.free(dxb);
    return { dx };
  }

  /** Parameters by PyTorch key ("weight" [out, in], "bias" [out]), as copies. */
  stateDict(): Record<string, Tensor> { return dictOf(this.params); }
  /** The accumulated gradients by the same keys, as copies. */
  gradDict(): Record<string, Tensor> { return dictOf(this.grads); }
  zeroGrad(): void { this.grads.flat.fill(0); }
  /** Exactly the keys and shapes of stateDict(), finite values (unless allowNonFinite). */
  loadStateDict(dict: Record<string, TensorLikeInput>, opts: { allowNonFinite?: boolean } = {}): void {
    checkStateDict("Dense.loadStateDict", dict, this.params.layout.specs, opts);
    for (const s of this.params.layout.specs) this.params.views[s.name].set(dict[s.name].data);
  }

  /** y (rows, out) = x (rows, in) · Wᵀ + b */
  private forwardRows(y: Buf, x: Buf, rows: number): void {
    const { k, inputSize: I, outputSize: O } = this;
    if (this.bias) k.fillRows(y, this.params.views.bias, rows, O); else y.fill(0, 0, rows * O);
    k.gemmNT(y, x, this.weight, rows, O, I);
  }

  private backwardRows(dx: Buf | null, dy: Buf, x: Buf, rows: number): void {
    const { k, inputSize: I, outputSize: O } = this;
    if (dx) k.gemmNN(dx, dy, this.weight, rows, I, O);      // backprop into x
    k.gemmTN(this.grads.views.weight, dy, x, O, I, rows);     // dW += dyᵀ x
    if (this.bias) k.sumRows(this.grads.views.bias, dy, rows, O);
  }

  paramCount(): number { return this.outputSize * this.inputSize + (this.bias ? this.outputSize : 0); }
}

/** Copies of the named views, as Tensors. */
export function dictOf(p: FlatParams): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const s of p.layout.specs) out[s.name] = new Tensor([...s.shape], p.views[s.name].slice() as Buf);
  return out;
}
