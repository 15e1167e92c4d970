// The dtype of a cell's variables. TF-1 creates a cell's variables in the dtype of its first use
// (`dtype=` of dynamic_rnn, or the inputs') and refuses a later mismatch. rnnlab does the same
// without ever rounding silently:
// - `dtype` given to the cell: the variables are that dtype; inputs of the other dtype are an error.
// - no `dtype`: the variables follow the first use or a float64 assign (float32 -> float64 is
//   exact); a later switch to float32 is made only when every value is a float32 number, and is
//   an error naming the first value that would round otherwise.
import type { Dtype, Kernels } from "../kernels/types.ts";
import { allocFlat, type FlatParams } from "../params/layout.ts";
import { checkOneOf, RnnlabError } from "../errors.ts";

export function checkDtypeOption(fn: string, dtype: unknown): Dtype | null {
  return dtype === undefined || dtype === null ? null : checkOneOf(fn, "dtype", dtype, ["float32", "float64"] as const);
}

/** Index of the first value float32 cannot hold exactly, or −1. */
export function firstInexactFloat32(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) if (Math.fround(data[i]) !== data[i]) return i;
  return -1;
}

/** Where a flat index lies: the name of the parameter view holding it and the index inside it. */
function locate(params: FlatParams, at: number): string {
  for (const s of params.layout.specs) {
    const start = params.layout.offsets[s.name], n = s.shape.reduce((a, b) => a * b, 1);
    if (at >= start && at < start + n) return `${s.name}[${at - start}]`;
  }
  return `[${at}]`;
}

/** A cell given a dtype runs only in that dtype (TF-1 refuses the mismatch too). */
export function checkFixedDtype(fn: string, who: string, to: Dtype, fixed: Dtype | null): void {
  if (fixed !== null && to !== fixed) {
    throw new RnnlabError(`${fn}: the ${who} was created with dtype "${fixed}", got ${to} inputs; give it ${fixed} inputs or create the cell with dtype "${to}"`);
  }
}

/**
 * The same values in a buffer of dtype `to`. Throws (naming the cell and the first value) when
 * the cell's dtype was given and differs, or when float32 would round a value.
 */
export function paramsInDtype(fn: string, who: string, k: Kernels, params: FlatParams, from: Dtype, to: Dtype, fixed: Dtype | null): FlatParams {
  checkFixedDtype(fn, who, to, fixed);
  if (from === "float64" && to === "float32") {
    const at = firstInexactFloat32(params.flat);
    if (at >= 0) {
      throw new RnnlabError(`${fn}: the ${who}'s variables are float64 and ${locate(params, at)} = ${params.flat[at]} is not a float32 number; ` +
        `run it with float64 inputs (float32 would round the variables)`);
    }
  }
  const fresh = allocFlat(k, params.layout, to);
  fresh.flat.set(params.flat);
  return fresh;
}
