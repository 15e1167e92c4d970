// The reshaping helpers TF-1 style recurrent code uses around its calls: unstack (for
// staticRnn's list of steps), stack, concat (joining forward and backward outputs), transpose
// (batch-major <-> time-major), reverseSequence (reverse each row's valid prefix).
import { Tensor, like } from "./tensor.ts";
import { RnnlabError, fail, fmtShape } from "../errors.ts";

const strides = (shape: readonly number[]) => {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
};

function checkTensor(fn: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) fail(fn, arg, "a Tensor", x);
  return x;
}

function checkAxis(fn: string, axis: unknown, rank: number): number {
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    fail(fn, "axis", `an integer in [${-rank}, ${rank - 1}]`, axis);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Split along `axis` into a list of tensors of rank − 1. */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  checkTensor("unstack", "x", x);
  const ax = checkAxis("unstack", axis, x.rank);
  const perm = [ax, ...x.shape.map((_, i) => i).filter((i) => i !== ax)];
  const moved = ax === 0 ? x : transpose(x, perm);
  const n = x.shape[ax], rest = moved.shape.slice(1), size = moved.size / Math.max(n, 1);
  return Array.from({ length: n }, (_, i) => like(x, rest, moved.data.slice(i * size, (i + 1) * size)));
}

/** Join equal-shaped tensors along a new axis. */
export function stack(list: Tensor[], axis = 0): Tensor {
  const fn = "stack";
  if (!Array.isArray(list) || list.length === 0) fail(fn, "list", "a non-empty array of Tensors", list);
  list.forEach((t, i) => checkTensor(fn, `list[${i}]`, t));
  const shape = list[0].shape;
  list.forEach((t, i) => {
    if (fmtShape(t.shape) !== fmtShape(shape)) fail(fn, `list[${i}]`, `shape ${fmtShape(shape)} like list[0]`, [...t.shape]);
    if (t.dtype !== list[0].dtype) fail(fn, `list[${i}]`, `dtype ${list[0].dtype} like list[0]`, t.dtype);
  });
  const ax = checkAxis(fn, axis, shape.length + 1);
  const joined = like(list[0], [list.length, ...shape]);
  list.forEach((t, i) => joined.data.set(t.data, i * t.size));
  if (ax === 0) return joined;
  const perm = [...shape.keys()].map((i) => i + 1);
  perm.splice(ax, 0, 0);
  return transpose(joined, perm);
}

/** Join along an existing axis; all other dimensions must agree. */
export function concat(list: Tensor[], axis: number): Tensor {
  const fn = "concat";
  if (!Array.isArray(list) || list.length === 0) fail(fn, "list", "a non-empty array of Tensors", list);
  list.forEach((t, i) => checkTensor(fn, `list[${i}]`, t));
  const rank = list[0].rank, ax = checkAxis(fn, axis, rank);
  list.forEach((t, i) => {
    const ok = t.rank === rank && t.shape.every((d, j) => j === ax || d === list[0].shape[j]);
    if (!ok) fail(fn, `list[${i}]`, `shape ${fmtShape(list[0].shape.map((d, j) => (j === ax ? -1 : d))).replace("-1", "*")}`, [...t.shape]);
    if (t.dtype !== list[0].dtype) fail(fn, `list[${i}]`, `dtype ${list[0].dtype}`, t.dtype);
  });
  const outer = list[0].shape.slice(0, ax).reduce((a, b) => a * b, 1);
  const widths = list.map((t) => t.size / Math.max(outer, 1));
  const total = widths.reduce((a, b) => a + b, 0);
  const out = like(list[0], list[0].shape.map((d, j) => (j === ax ? list.reduce((s, t) => s + t.shape[ax], 0) : d)));
  for (let o = 0; o < outer; o++) {
    let at = o * total;
    list.forEach((t, i) => { out.data.set(t.data.subarray(o * widths[i], (o + 1) * widths[i]), at); at += widths[i]; });
  }
  return out;
}

/** Permute dimensions: out.shape[i] = x.shape[perm[i]]. */
export function transpose(x: Tensor, perm?: number[]): Tensor {
  const fn = "transpose";
  checkTensor(fn, "x", x);
  const p = perm ?? [...x.shape.keys()].reverse();
  const sorted = [...p].sort((a, b) => a - b);
  if (p.length !== x.rank || sorted.some((v, i) => v !== i)) fail(fn, "perm", `a permutation of 0..${x.rank - 1}`, p);
  const outShape = p.map((i) => x.shape[i]);
  const out = like(x, outShape), inStrides = strides(x.shape), rank = x.rank;
  const idx = new Array(rank).fill(0);
  for (let o = 0; o < out.size; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * inStrides[p[d]];
    out.data[o] = x.data[src];
    for (let d = rank - 1; d >= 0; d--) { if (++idx[d] < outShape[d]) break; idx[d] = 0; }
  }
  return out;
}

/** Validate per-row lengths against a batch size and a maximum time (shared by every time-aware call). */
export function checkLengths(fn: string, arg: string, lengths: unknown, batch: number, maxTime: number): Int32Array {
  const values = lengths instanceof Tensor ? Array.from(lengths.data) : lengths;
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) fail(fn, arg, `an array of ${batch} integers`, lengths);
  const arr = Array.from(values as ArrayLike<number>);
  if (arr.length !== batch) throw new RnnlabError(`${fn}: ${arg} has ${arr.length} entries, expected one per batch row (${batch})`);
  arr.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > maxTime) fail(fn, `${arg}[${i}]`, `an integer in [0, ${maxTime}] (time steps)`, v);
  });
  return Int32Array.from(arr);
}

/** Reverse, for each batch row, only its first lengths[b] steps (tf.reverse_sequence). */
export function reverseSequence(x: Tensor, lengths: ArrayLike<number> | Tensor, seqAxis: number, batchAxis: number): Tensor {
  const fn = "reverseSequence";
  checkTensor(fn, "x", x);
  const sa = checkAxis(fn, seqAxis, x.rank), ba = checkAxis(fn, batchAxis, x.rank);
  if (sa === ba) fail(fn, "batchAxis", `different from seqAxis (${sa})`, batchAxis);
  const lens = checkLengths(fn, "lengths", lengths, x.shape[ba], x.shape[sa]);
  const out = like(x, x.shape, x.data.slice()), st = strides(x.shape), rank = x.rank;
  const idx = new Array(rank).fill(0);
  for (let o = 0; o < x.size; o++) {
    const t = idx[sa], len = lens[idx[ba]];
    if (t < len) out.data[o] = x.data[o + (len - 1 - 2 * t) * st[sa]];
    for (let d = rank - 1; d >= 0; d--) { if (++idx[d] < x.shape[d]) break; idx[d] = 0; }
  }
  return out;
}
