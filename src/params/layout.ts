// One flat buffer per role (parameters, gradients, each optimizer slot), with named views into
// it. Zeroing all gradients is one fill; an optimizer step is one kernel call over the buffer.
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";

export interface ParamSpec {
  /** internal name, e.g. "weightIh" */
  name: string;
  /** row-major shape, e.g. [4H, D] */
  shape: number[];
}

export interface ParamLayout {
  specs: ParamSpec[];
  offsets: Record<string, number>;
  size: number;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Offsets of each parameter, each start rounded up to 4 elements (16 bytes in float32) for SIMD. */
export function planLayout(specs: ParamSpec[]): ParamLayout {
  const offsets: Record<string, number> = {};
  let size = 0;
  for (const s of specs) {
    if (s.name in offsets) throw new Error(`planLayout: duplicate parameter name "${s.name}"`);
    offsets[s.name] = size;
    size += (sizeOf(s.shape) + 3) & ~3;
  }
  return { specs, offsets, size };
}

export type Views = Record<string, Buf>;

/** Named views of a flat buffer laid out by `layout`. */
export function viewsOf(flat: Buf, layout: ParamLayout): Views {
  const views: Views = {};
  for (const s of layout.specs) {
    const at = layout.offsets[s.name];
    views[s.name] = flat.subarray(at, at + sizeOf(s.shape));
  }
  return views;
}

export interface FlatParams {
  layout: ParamLayout;
  flat: Buf;
  views: Views;
}

export function allocFlat(k: Kernels, layout: ParamLayout, dtype: Dtype): FlatParams {
  const flat = k.alloc(layout.size, dtype);
  return { layout, flat, views: viewsOf(flat, layout) };
}
