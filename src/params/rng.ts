// A small seeded random number generator, so the same seed gives identical weights everywhere
// (Node, browser, wasm or ref). Generator: xoshiro128** (Blackman & Vigna 2018), seeded through
// splitmix32 so that nearby seeds give unrelated streams.
import { fail } from "../errors.ts";

export class Rng {
  private s0: number; private s1: number; private s2: number; private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    if (typeof seed !== "number" || !Number.isFinite(seed)) fail("Rng", "seed", "a finite number", seed);
    let x = seed >>> 0;
    const next = () => { // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t; this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5, lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }

  /** Standard normal by the Box–Muller transform (the second value is kept for the next call). */
  normal(): number {
    if (this.spare !== null) { const v = this.spare; this.spare = null; return v; }
    let u = 0;
    while (u === 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u)), theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** The full generator state (for checkpoints): four words and the spare normal, if any. */
  getState(): number[] { return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, ...(this.spare === null ? [] : [this.spare])]; }
  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || (state.length !== 4 && state.length !== 5) || state.slice(0, 4).some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)
        || (state.length === 5 && !Number.isFinite(state[4]))) {
      fail("Rng.setState", "state", "4 unsigned 32-bit words (+ an optional finite spare normal)", state);
    }
    if (state.slice(0, 4).every((w) => w === 0)) fail("Rng.setState", "state", "not all zero (xoshiro would only ever return 0)", state);
    [this.s0, this.s1, this.s2, this.s3] = state;
    this.spare = state.length === 5 ? state[4] : null;
  }

  /** An integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
}

function rotl(x: number, k: number): number { return ((x << k) | (x >>> (32 - k))) >>> 0; }
