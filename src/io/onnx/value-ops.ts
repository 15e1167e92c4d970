// Index arithmetic on ONNX values (row-major, any rank): the layout changes, broadcasting and
// small products that graph-ops.ts builds its operators from. Semantics from onnx/docs/Operators.md
// (Transpose, Slice, Cast) and onnx/docs/Broadcasting.md.
import { fmtShape } from "../../errors.ts";
import { makeValue, sizeOfDims, type ElemType, type Value } from "./values.ts";

export const strides = (dims: number[]) => {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
};

export const normAxis = (axis: number, rank: number, fail: (w: string) => never, what = "axis") => {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) fail(`${what} ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
};

export function gatherBy(v: Value, dims: number[], src: (i: number) => number): Value {
  const out = makeValue(v.type, dims), n = sizeOfDims(dims);
  for (let i = 0; i < n; i++) out.data[i] = v.data[src(i)];
  return out;
}

export function transpose(v: Value, perm: number[]): Value {
  const inS = strides(v.dims), dims = perm.map((p) => v.dims[p]), outS = strides(dims);
  return gatherBy(v, dims, (i) => {
    let s = 0;
    for (let k = 0; k < dims.length; k++) s += Math.floor(i / outS[k]) % dims[k] * inS[perm[k]];
    return s;
  });
}

export function broadcastDims(a: number[], b: number[], fail: (w: string) => never): number[] {
  const r = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(`cannot broadcast shapes ${fmtShape(a)} and ${fmtShape(b)}`);
    out.push(x === 1 ? y : x);
  }
  return out;
}
/** Flat index into `dims` (right-aligned, broadcast) for flat index i of `out`. */
export function broadcastIndex(dims: number[], out: number[]): (i: number) => number {
  const oS = strides(out), s = strides(dims), off = out.length - dims.length;
  return (i) => {
    let at = 0;
    for (let k = 0; k < dims.length; k++) if (dims[k] !== 1) at += Math.floor(i / oS[k + off]) % out[k + off] * s[k];
    return at;
  };
}

export function matmul2d(a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number, ta: boolean, tb: boolean, out: Float32Array | Float64Array, outAt = 0, aAt = 0, bAt = 0) {
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a[aAt + (ta ? k * M + m : m * K + k)] * b[bAt + (tb ? n * K + k : k * N + n)];
    out[outAt + m * N + n] = s;
  }
}

export function sliceValue(v: Value, starts: number[], ends: number[], axes: number[], steps: number[], fail: (w: string) => never): Value {
  const r = v.dims.length, begin = v.dims.map(() => 0), step = v.dims.map(() => 1), dims = [...v.dims];
  axes.forEach((ax0, i) => {
    const ax = normAxis(ax0, r, fail), d = v.dims[ax], st = steps[i] ?? 1;
    if (st === 0) fail("a step of 0 is not allowed");
    const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
    let s = starts[i] < 0 ? starts[i] + d : starts[i], e = ends[i] < 0 ? ends[i] + d : ends[i];
    if (st > 0) { s = clamp(s, 0, d); e = clamp(e, 0, d); } else { s = clamp(s, 0, d - 1); e = clamp(e, -1, d - 1); }
    begin[ax] = s; step[ax] = st;
    dims[ax] = Math.max(0, Math.ceil((e - s) / st));
  });
  const inS = strides(v.dims), outS = strides(dims);
  return gatherBy(v, dims, (i) => {
    let at = 0;
    for (let k = 0; k < r; k++) at += (begin[k] + (Math.floor(i / outS[k]) % dims[k]) * step[k]) * inS[k];
    return at;
  });
}

export function castTo(v: Value, type: ElemType): Value {
  const out = makeValue(type, [...v.dims]);
  for (let i = 0; i < v.data.length; i++) {
    const x = v.data[i];
    out.data[i] = type === "bool" ? (x ? 1 : 0) : type === "int64" || type === "int32" ? Math.trunc(x) : x;
  }
  return out;
}
