// Turning the Kernels interface's typed arrays into wasm pointers, with the checks that make that
// safe: every buffer long enough for its dimensions (an out-of-bounds write would corrupt a
// neighbouring arena block), dimensions that are integers, activation codes that exist, and the
// f64 test (float64 buffers go to the reference kernels). Arena views pass as their byteOffset;
// any other Float32Array is copied into arena scratch and, for outputs, back after the call.
import type { Act, Buf } from "../types.ts";
import type { Arena } from "./arena.ts";

const LAST_ACT = 7;                                  // Act.Elu

export function is64(a: Buf | null, b?: Buf | null, c?: Buf | null, d?: Buf | null, e?: Buf | null,
              f?: Buf | null, g?: Buf | null, h?: Buf | null, i?: Buf | null): boolean {
  return a instanceof Float64Array || b instanceof Float64Array || c instanceof Float64Array ||
    d instanceof Float64Array || e instanceof Float64Array || f instanceof Float64Array ||
    g instanceof Float64Array || h instanceof Float64Array || i instanceof Float64Array;
}

export function dim(kernel: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new RangeError(`${kernel}: ${name} = ${v} is not a dimension`);
  return v;
}

export function actCode(kernel: string, v: Act): number {
  if (!Number.isInteger(v) || v < 0 || v > LAST_ACT) throw new Error(`${kernel}: unknown activation code ${v}`);
  return v;
}

/** Turns buffers into pointers for one call: arena views as they are, others via scratch copies. */
export class Marshal {
  /** Buffers copied in because they were not in the arena (tests check a planned step copies none). */
  copies = 0;
  private scratch: number[] = [];
  private outs: Float32Array[] = [];
  private outPtrs: number[] = [];
  private outLens: number[] = [];
  constructor(private readonly arena: Arena) {}

  /** Starts a call; frees what a previous call left behind if it threw half-way. */
  begin(): void {
    if (this.scratch.length > 0) this.release();
  }

  /** A pointer to `n` elements of an input. */
  in(v: Buf, n: number, kernel: string, arg: string): number {
    return this.ptr(v as Float32Array, n, kernel, arg, false);
  }

  /** A pointer to `n` elements of an output or accumulator (copied in and, after the call, back). */
  out(v: Buf, n: number, kernel: string, arg: string): number {
    return this.ptr(v as Float32Array, n, kernel, arg, true);
  }

  /** Ends a call: copies outputs back to non-arena arrays, frees scratch. */
  end(): void {
    if (this.scratch.length === 0) return;
    for (let k = 0; k < this.outs.length; k++) this.outs[k]!.set(this.arena.viewF32(this.outPtrs[k]!, this.outLens[k]!));
    this.release();
  }

  private ptr(v: Float32Array, n: number, kernel: string, arg: string, isOut: boolean): number {
    if (v.length < n) throw new RangeError(`${kernel}: ${arg} has length ${v.length}, needs ${n}`);
    if (this.arena.owns(v)) return v.byteOffset;
    if (n === 0) return this.arena.base;             // nothing is read or written
    const p = this.arena.allocBytes(n * 4);
    this.copies++;
    this.scratch.push(p);
    this.arena.viewF32(p, n).set(v.length === n ? v : v.subarray(0, n));
    if (isOut) { this.outs.push(v); this.outPtrs.push(p); this.outLens.push(n); }
    return p;
  }

  private release(): void {
    for (const p of this.scratch) this.arena.freeBytes(p);
    this.scratch.length = 0; this.outs.length = 0; this.outPtrs.length = 0; this.outLens.length = 0;
  }
}
