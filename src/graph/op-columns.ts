// Joining and cutting along the feature axis (axis 1): concat([a, b, …]) and slice(x, begin, size).
// split is a list of slices. Rows are never mixed, so these are plain copies per row; the
// backward of a copy is the copy back, accumulated.
import type { OpDef } from "./graph.ts";

export interface ConcatAttrs { widths: number[] }

export const concatOp: OpDef<ConcatAttrs> = {
  name: "concat",
  forward(_k, out, ins, _aux, c) {
    const W = c.out.cols, rows = c.rows;
    let at = 0;
    ins.forEach((x, i) => {
      const w = c.attrs.widths[i];
      for (let r = 0; r < rows; r++) out.set(x.subarray(r * w, (r + 1) * w), r * W + at);
      at += w;
    });
  },
  backward(_k, dIns, dOut, _out, _ins, _aux, c) {
    const W = c.out.cols, rows = c.rows;
    let at = 0;
    dIns.forEach((dx, i) => {
      const w = c.attrs.widths[i];
      if (dx) for (let r = 0; r < rows; r++) for (let j = 0; j < w; j++) dx[r * w + j] += dOut[r * W + at + j];
      at += w;
    });
  },
};

export interface SliceAttrs { begin: number; size: number }

export const sliceOp: OpDef<SliceAttrs> = {
  name: "slice",
  forward(_k, out, [x], _aux, c) {
    const W = c.ins[0].cols, { begin, size } = c.attrs;
    for (let r = 0; r < c.rows; r++) out.set(x.subarray(r * W + begin, r * W + begin + size), r * size);
  },
  backward(_k, [dx], dOut, _out, _ins, _aux, c) {
    const W = c.ins[0].cols, { begin, size } = c.attrs;
    if (dx) for (let r = 0; r < c.rows; r++) for (let j = 0; j < size; j++) dx[r * W + begin + j] += dOut[r * size + j];
  },
};
