// Python-style indexing along one axis, for the habits TF-1 code brings: `outputs[:, -1]` is
// take(outputs, -1, 1), `outputs[:, 2:-1]` is sliceAxis(outputs, 1, 2, -1). Negative positions count
// from the end. (For rows of different lengths the last *valid* output is nn.lastRelevantOutput.)
import { Tensor, like } from "./tensor.ts";
import { fail } from "../errors.ts";

function checkAxis(fn: string, x: unknown, axis: unknown): { t: Tensor; ax: number } {
  if (!(x instanceof Tensor)) fail(fn, "x", "a Tensor", x);
  const rank = x.rank;
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -rank || axis >= rank) fail(fn, "axis", `an integer in [${-rank}, ${rank - 1}] for a rank-${rank} tensor`, axis);
  return { t: x, ax: axis < 0 ? axis + rank : axis };
}

/** Copy positions [start, end) of axis `ax` (already resolved) into a new tensor. */
function gather(t: Tensor, ax: number, start: number, count: number): Tensor {
  const outer = t.shape.slice(0, ax).reduce((a, b) => a * b, 1), n = t.shape[ax];
  const inner = t.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const shape = [...t.shape]; shape[ax] = count;
  const out = like(t, shape);
  for (let o = 0; o < outer; o++) out.data.set(t.data.subarray((o * n + start) * inner, (o * n + start + count) * inner), o * count * inner);
  return out;
}

/** x[…, index, …] along `axis` (the axis is removed). Negative index counts from the end: take(outputs, -1, 1) = outputs[:, -1]. */
export function take(x: Tensor, index: number, axis = 0): Tensor {
  const fn = "take", { t, ax } = checkAxis(fn, x, axis), n = t.shape[ax];
  if (typeof index !== "number" || !Number.isInteger(index) || index < -n || index >= n) {
    fail(fn, "index", `an integer in [${-n}, ${n - 1}] (axis ${ax} has length ${n})`, index);
  }
  const at = index < 0 ? index + n : index;
  const g = gather(t, ax, at, 1);
  return like(t, t.shape.filter((_, i) => i !== ax), g.data);
}

/**
 * x[…, start:end, …] along `axis` with Python's slice rules: negative positions count from the end,
 * out-of-range positions are clamped, end defaults to the length, start after end gives an empty slice.
 * The axis is kept.
 */
export function sliceAxis(x: Tensor, axis: number, start = 0, end?: number): Tensor {
  const fn = "sliceAxis", { t, ax } = checkAxis(fn, x, axis), n = t.shape[ax];
  const pos = (arg: string, v: unknown) => {
    if (typeof v !== "number" || !Number.isInteger(v)) fail(fn, arg, "an integer (negative counts from the end)", v);
    return Math.min(n, Math.max(0, v < 0 ? v + n : v));
  };
  const s = pos("start", start), e = end === undefined ? n : pos("end", end);
  return gather(t, ax, s, Math.max(0, e - s));                    // start after end: empty, as in Python
}
