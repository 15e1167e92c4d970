// Parity harness: run one kernel call on ref (f32 buffers, double arithmetic) and on wasm (f32
// arithmetic), with the wasm buffers placed in several ways, and compare every output.
//
// Tolerance, per output element i:  |w − r| ≤ ATOL + RTOL · (|r| + twin_i)
// where twin_i is the "magnitude twin" of the value: the same expression evaluated on absolute
// values (plus, for each activation, its slope times the magnitude of its pre-activation terms).
// It bounds how much f32 rounding can legitimately move the result, e.g. when f·c_{t−1} + i·g
// cancels; without it a fixed atol is either too loose for small values or fails on cancellation.
// RTOL = 16 units of 2^-24 (≈ 9.5e-7) of that magnitude; the worst observed is ≈ 2 units.
import assert from "node:assert/strict";
import fc from "fast-check";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { act1, actGrad1 } from "../../src/kernels/ref/activations.ts";
import { Act, type Kernels } from "../../src/kernels/types.ts";
import type { ArenaFloat32Array } from "../../src/kernels/wasm/arena.ts";

export const EPS32 = 2 ** -24;
export const RTOL = 16 * EPS32;
export const ATOL = 1e-30;                           // sigmoid(−300): 0 in ref, a ~4e-39 denormal in wasm

export type Bufs = Record<string, Float32Array>;
export type Twins = Record<string, Float64Array>;

export interface Case {
  /** shapes and options, for failure messages */
  what: string;
  /** initial contents; outputs start non-zero so that accumulation is checked */
  bufs: Bufs;
  /** names of the output / accumulator buffers (all others are inputs and must not change) */
  outs: readonly string[];
  call(k: Kernels, b: Bufs): void;
  /** magnitude twins of the outputs, from the initial buffers and the ref results; omitted = exact */
  twin?(b0: Bufs, r: Bufs): Twins;
}

/** How the wasm side receives its buffers. */
export type Placement = "arena" | "plain" | "offset" | "mixed";
export const placements = fc.constantFrom<Placement>("arena", "plain", "offset", "mixed");

const PAD = 2, SENTINEL = 12345.5;                   // plain arrays get 2 extra elements that must survive

/** Worst observed error per kernel, in units of EPS32 · (|r| + twin) (printed by the tests). */
export const worst = new Map<string, number>();

function place(k: Kernels, src: Float32Array, how: Placement, idx: number, arena: ArenaFloat32Array[]): Float32Array {
  const kind = how === "mixed" ? (["arena", "plain", "offset"] as const)[idx % 3] : how;
  if (kind === "plain") {
    const v = new Float32Array(src.length + PAD).fill(SENTINEL);
    v.set(src);
    return v;                                        // longer than needed on purpose
  }
  if (kind === "arena") {
    const v = k.alloc(src.length) as ArenaFloat32Array;
    v.set(src); arena.push(v);
    return v;
  }
  const v = k.alloc(src.length + 3) as ArenaFloat32Array; // offset: a subarray starting 4·(1..3) bytes in
  arena.push(v);
  const s = v.subarray(1 + (idx % 3), 1 + (idx % 3) + src.length);
  s.set(src);
  return s;
}

const bits = (v: Float32Array) => new Uint32Array(v.buffer, v.byteOffset, v.length);

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = bits(a), y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Runs `c` on ref and on wasm (placed as `how`) and asserts parity; throws with details. */
export function checkParity(wasm: Kernels, name: string, c: Case, how: Placement): void {
  const copy = (b: Bufs): Bufs => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.slice()]));
  const b0 = copy(c.bufs);
  const r = copy(c.bufs);
  c.call(refKernels, r);

  const arena: ArenaFloat32Array[] = [];
  const names = Object.keys(c.bufs);
  const w: Bufs = {};
  names.forEach((n, idx) => { w[n] = place(wasm, c.bufs[n]!, how, idx, arena); });
  c.call(wasm, w);

  const twins = c.twin?.(b0, r);
  for (const n of names) {
    const got = w[n]!.subarray(0, c.bufs[n]!.length);
    if (w[n]!.length > got.length) {
      for (let i = got.length; i < w[n]!.length; i++) {
        assert.equal(w[n]![i], SENTINEL, `${name} ${c.what} [${how}]: ${n}[${i}] past the end was overwritten`);
      }
    }
    if (!c.outs.includes(n)) {
      assert.ok(sameBits(got, b0[n]!), `${name} ${c.what} [${how}]: input ${n} was mutated`);
      continue;
    }
    const want = r[n]!, tw = twins?.[n];
    let worstHere = 0;
    for (let i = 0; i < want.length; i++) {
      const a = got[i]!, b = want[i]!;
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      const scale = Math.abs(b) + (tw ? tw[i]! : 0);
      const tol = tw ? ATOL + RTOL * scale : 0;
      const err = Math.abs(a - b);
      if (!(err <= tol)) {
        assert.fail(`${name} ${c.what} [${how}]: ${n}[${i}] = ${a}, ref ${b}, |diff| ${err.toExponential(3)} > tol ${tol.toExponential(3)}` +
          ` (twin ${tw ? tw[i] : "exact"})`);
      }
      const units = err / (EPS32 * scale + ATOL);
      if (units > worstHere) worstHere = units;
    }
    worst.set(name, Math.max(worst.get(name) ?? 0, worstHere));
  }
  for (const v of arena) wasm.free(v);
}

// ---- value generators ----

/** n f32 values in [−R, R] (fast-check also produces ±0, denormals and the bounds). */
export const vec = (n: number, R: number) =>
  fc.float32Array({ minLength: n, maxLength: n, min: -Math.fround(R), max: Math.fround(R), noNaN: true, noDefaultInfinity: true });

export const ALL_ACTS: readonly Act[] = [Act.Linear, Act.Tanh, Act.Sigmoid, Act.Relu, Act.Softsign, Act.HardSigmoid, Act.HardSigmoidV3, Act.Elu];
/** every activation code, with the common ones (sigmoid, tanh) more often */
export const anyAct = fc.oneof({ arbitrary: fc.constantFrom(...ALL_ACTS), weight: 2 }, { arbitrary: fc.constantFrom(Act.Sigmoid, Act.Tanh), weight: 1 });
/** value ranges: moderate, large, and far into saturation */
export const range = fc.constantFrom(1, 4, 30, 300);

// ---- magnitude twins of activations ----

const KINKED = new Set<Act>([Act.Relu, Act.HardSigmoid, Act.HardSigmoidV3]);

/** twin of y = act(p) when the pre-activation p was summed from terms of total magnitude P */
export function actTwin(y: number, P: number, act: Act): number {
  return Math.abs(y) + Math.abs(actGrad1(y, act)) * P + (KINKED.has(act) ? P + 1 : 0);
}

/** twin of act′ computed from a saved output y: its size plus the scale of its rounding error */
export function gradTwin(y: number, act: Act): number {
  return Math.abs(actGrad1(y, act)) + 1 + Math.abs(y) + y * y;
}

export { act1 };
