// Dense (PyTorch nn.Linear): y = x · Wᵀ + b with W (out, in). Initialized like PyTorch:
// W, b ~ U(−1/√in, 1/√in) (kaiming_uniform with a = √5 reduces to that bound).
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { allocFlat, planLayout, type FlatParams } from "../params/layout.ts";
import { fillUniform } from "../params/init.ts";
import { Rng } from "../params/rng.ts";
import { checkBool, checkInt, checkKnownKeys, checkNumber, checkOneOf, fail } from "../errors.ts";

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
  dispose(): void { this.k.free(this.params.flat); this.k.free(this.grads.flat); }

  get weight(): Buf { return this.params.views.weight; }

  /** y (rows, out) = x (rows, in) · Wᵀ + b */
  forward(y: Buf, x: Buf, rows: number): void {
    const { k, inputSize: I, outputSize: O } = this;
    if (this.bias) k.fillRows(y, this.params.views.bias, rows, O); else y.fill(0, 0, rows * O);
    k.gemmNT(y, x, this.weight, rows, O, I);
  }

  /** dx (rows, in) ACCUMULATES (null: not needed); dW, db accumulate into grads */
  backward(dx: Buf | null, dy: Buf, x: Buf, rows: number): void {
    const { k, inputSize: I, outputSize: O } = this;
    if (dx) k.gemmNN(dx, dy, this.weight, rows, I, O);      // backprop into x
    k.gemmTN(this.grads.views.weight, dy, x, O, I, rows);     // dW += dyᵀ x
    if (this.bias) k.sumRows(this.grads.views.bias, dy, rows, O);
  }

  paramCount(): number { return this.outputSize * this.inputSize + (this.bias ? this.outputSize : 0); }
}
