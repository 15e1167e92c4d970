// Tensor: a shape, a dtype and a flat row-major typed array. Deliberately small: recurrent code
// needs to hold inputs, outputs and states and to reshape them around the calls, nothing more.
import type { Buf, Dtype } from "../kernels/types.ts";
import { RnnlabError, fail, fmtShape } from "../errors.ts";

export type NestedArray = number | NestedArray[];

export class Tensor {
  constructor(readonly shape: readonly number[], readonly data: Buf) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new RnnlabError(`Tensor: data has ${data.length} values, shape ${fmtShape(shape)} needs ${size}`);
  }
  get dtype(): Dtype { return this.data instanceof Float64Array ? "float64" : "float32"; }
  get size(): number { return this.data.length; }
  get rank(): number { return this.shape.length; }

  /** Nested arrays, like torch's tolist(). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
  toString(): string { return `Tensor(${fmtShape(this.shape)}, ${this.dtype})`; }
}

const ctorOf = (dtype: Dtype) => (dtype === "float64" ? Float64Array : Float32Array);

function checkDtype(fn: string, dtype: unknown): Dtype {
  if (dtype !== "float32" && dtype !== "float64") fail(fn, "dtype", `"float32" or "float64"`, dtype);
  return dtype;
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) { shape.push(v.length); v = v[0]; }
  return shape;
}

/** Depth-first values; with `expect`, every nested array must have the inferred length (not ragged). */
function flatten(values: NestedArray, expect: readonly number[] | null): number[] {
  const out: number[] = [];
  const walk = (v: NestedArray, dim: number) => {
    if (Array.isArray(v)) {
      if (expect && (dim >= expect.length || v.length !== expect[dim])) {
        fail("tensor", "values", `a rectangular nested array of shape ${fmtShape(expect)}`, "a ragged array");
      }
      for (const e of v) walk(e, dim + 1);
    } else {
      if (typeof v !== "number") fail("tensor", "values", "numbers", v);
      if (expect && dim !== expect.length) fail("tensor", "values", `a rectangular nested array of shape ${fmtShape(expect)}`, "a ragged array");
      out.push(v);
    }
  };
  walk(values, 0);
  return out;
}

/** tensor([[1, 2], [3, 4]]), tensor(flatArray, [2, 2]), tensor(float64Array, [2, 2]) */
export function tensor(values: NestedArray | ArrayLike<number>, shape?: readonly number[], dtype?: Dtype): Tensor {
  const fn = "tensor";
  if (typeof shape === "string") {
    throw new RnnlabError(`tensor: shape must be an array of integers, got ${JSON.stringify(shape)}; the dtype is the third argument: tensor(values, undefined, ${JSON.stringify(shape)})`);
  }
  if (shape !== undefined && shape !== null && !Array.isArray(shape)) fail(fn, "shape", "an array of non-negative integers (or undefined to infer it)", shape);
  if (shape === null) shape = undefined;
  const dt = checkDtype(fn, dtype ?? (values instanceof Float64Array ? "float64" : "float32"));
  const isFlat = ArrayBuffer.isView(values) || (Array.isArray(values) && !values.some(Array.isArray) && shape !== undefined);
  const finalShape = shape ?? (isFlat ? [(values as ArrayLike<number>).length] : inferShape(values as NestedArray));
  const flat = isFlat ? Array.from(values as ArrayLike<number>) : flatten(values as NestedArray, shape ? null : finalShape);
  const size = finalShape.reduce((a, b) => a * b, 1);
  if (flat.length !== size) fail(fn, "values", `${size} numbers for shape ${fmtShape(finalShape)} (not ragged)`, `${flat.length} numbers`);
  for (const d of finalShape) if (!Number.isInteger(d) || d < 0) fail(fn, "shape", "non-negative integers", [...finalShape]);
  return new Tensor(finalShape, ctorOf(dt).from(flat));
}

export function zeros(shape: readonly number[], dtype: Dtype = "float32"): Tensor {
  if (!Array.isArray(shape)) fail("zeros", "shape", "a list of non-negative integers", shape);
  for (const d of shape) if (!Number.isInteger(d) || d < 0) fail("zeros", "shape", "non-negative integers", [...shape]);
  return new Tensor([...shape], new (ctorOf(checkDtype("zeros", dtype)))(shape.reduce((a, b) => a * b, 1)));
}

/** A new tensor of the same dtype over `data` (no copy). */
export const like = (t: { dtype: Dtype }, shape: readonly number[], data?: Buf): Tensor =>
  new Tensor([...shape], data ?? new (ctorOf(t.dtype))(shape.reduce((a, b) => a * b, 1)));

export function isTensor(x: unknown): x is Tensor { return x instanceof Tensor; }
