// The wasm backend's memory management and numerics that the parity tests do not cover:
// alignment and zeroing, free-list reuse and coalescing, growth keeping earlier views valid,
// automatic freeing (FinalizationRegistry) and subarrays keeping their block alive, scratch
// cleanup for non-arena arrays, float64 delegation to ref, argument errors, and the accuracy of
// the f32 exp / sigmoid / tanh / expm1 against Math.* in double.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { Act } from "../../src/kernels/types.ts";
import { createWasmKernels, createWasmKernelsSync } from "../../src/kernels/wasm/index.ts";
import { ArenaFloat32Array } from "../../src/kernels/wasm/arena.ts";

const k = await createWasmKernels();
const f32 = (n: number) => k.alloc(n) as ArenaFloat32Array;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;     // a gc() usable from here on
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs gc until `done()` holds (finalisers run in later tasks), at most ~50 rounds. */
async function collectUntil(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 50 && !done(); i++) { gc(); await tick(); }
  return done();
}

describe("arena", () => {
  it("hands out zeroed, 16-byte aligned views above heapBase", () => {
    const heapBase = k.raw.heapBase() >>> 0;
    assert.ok(k.arena.base >= heapBase && k.arena.base > 0);
    const views = [1, 3, 4, 5, 17, 0, 1000].map((n) => { const v = f32(n); v.fill(7); return v; });
    for (const v of views) {
      assert.ok(v instanceof Float32Array && v instanceof ArenaFloat32Array);
      assert.equal(v.byteOffset % 16, 0);
      assert.ok(v.byteOffset >= k.arena.base);
      assert.ok(k.arena.owns(v));
    }
    for (const v of views) k.arena.release(v);
    const again = f32(1000);                         // reuses freed (dirty) memory: must be zeroed
    assert.ok(again.every((x) => x === 0));
    k.arena.release(again);
  });

  it("reuses freed blocks first-fit and coalesces neighbours", () => {
    const before = k.arena.stats();
    const a = f32(100), b = f32(100), c = f32(100);
    const [pa, pb] = [a.byteOffset, b.byteOffset];
    assert.equal(pb - pa, 400);                      // consecutive, 16-aligned sizes
    k.arena.release(b);
    const b2 = f32(50);                              // fits in b's hole
    assert.equal(b2.byteOffset, pb);
    k.arena.release(b2); k.arena.release(a);
    const ab = f32(200);                             // a and b's holes merged into one
    assert.equal(ab.byteOffset, pa);
    k.arena.release(ab); k.arena.release(c);
    const after = k.arena.stats();
    assert.equal(after.used, before.used);
    assert.equal(after.freeBlocks, before.freeBlocks);
  });

  it("grows the memory; earlier views stay valid and zero-copy", () => {
    const m = createWasmKernelsSync();               // a fresh instance, so growth surely happens
    const cap0 = m.arena.stats().capacity;
    const early = m.alloc(1000) as Float32Array;
    early.fill(1.5);
    const oldBuffer = early.buffer;
    const big = m.alloc(3 * cap0 / 4) as Float32Array; // 3× the initial capacity in bytes
    assert.ok(m.arena.stats().capacity > cap0);
    assert.notEqual(m.memory.buffer, oldBuffer);     // a new SharedArrayBuffer object …
    assert.equal(early.length, 1000);                // … but the old view is not detached
    assert.ok(early.every((x) => x === 1.5));
    assert.ok(m.arena.owns(early) && m.arena.owns(big));
    big[big.length - 1] = 2;
    const late = m.alloc(1000) as Float32Array;
    late.fill(1);
    m.axpy(early, late, 2, 1000);                    // old-buffer view as output, new-buffer view as input
    assert.ok(early.every((x) => x === 3.5));
    // the old view and a fresh view of the same bytes see the same memory
    assert.equal(new Float32Array(m.memory.buffer, early.byteOffset, 1)[0], 3.5);
    assert.equal(big[big.length - 1], 2);
  });

  it("refuses to grow past 2 GiB with a RangeError", () => {
    assert.throws(() => k.alloc(2 ** 29 + 16), RangeError);
  });

  it("frees a view's block when the view is collected, not while a subarray lives", async () => {
    const m = createWasmKernelsSync();
    const used0 = m.arena.stats().used;
    (() => { m.alloc(5000); })();                    // dropped at once
    assert.ok(await collectUntil(() => m.arena.stats().used === used0), "block of a dropped view was not freed");

    let sub: Float32Array | null = (() => {          // the root view is dropped, a slice of it kept
      const root = m.alloc(5000) as Float32Array;
      root[4000] = 42;
      return root.subarray(3000, 4500);
    })();
    const used1 = m.arena.stats().used;
    assert.ok(used1 > used0);
    await collectUntil(() => false);                 // plenty of gc rounds
    assert.equal(m.arena.stats().used, used1, "block freed while a subarray was alive");
    (() => { const scratch = m.alloc(5000) as Float32Array; scratch.fill(-1); })(); // must not land on it
    assert.equal(sub[1000], 42);
    sub = null;
    assert.ok(await collectUntil(() => m.arena.stats().used === used0), "block not freed after its subarray died");
  });

  it("copies non-arena Float32Arrays through scratch and frees it, also after a failed call", () => {
    const used0 = k.arena.stats().used;
    const y = new Float32Array([1, 2, 3, 4, 5]), x = new Float32Array([1, 1, 1, 1, 1]);
    k.axpy(y, x, 0.5, 5);
    assert.deepEqual([...y], [1.5, 2.5, 3.5, 4.5, 5.5]);
    assert.equal(k.arena.stats().used, used0);
    const B = 2, H = 3;                              // cPrev too short: throws after scratch for gates, c, m, z
    assert.throws(() => k.lstmForward(new Float32Array(4 * B * H), new Float32Array(B * H), new Float32Array(B * H),
      new Float32Array(4 * B * H), new Float32Array(B * H - 1), null, B, H,
      { forgetBias: 0, cellClip: -1, gateAct: Act.Sigmoid, cellAct: Act.Tanh }), /cPrev has length 5, needs 6/);
    k.axpy(y, x, 1, 5);                              // the next call releases the leftovers first
    assert.equal(k.arena.stats().used, used0);
  });

  it("treats another instance's arena views as foreign (copied), with correct results", () => {
    const other = createWasmKernelsSync();
    const C = other.alloc(4) as Float32Array, A = other.alloc(6) as Float32Array, Bm = other.alloc(6) as Float32Array;
    A.set([1, 2, 3, 4, 5, 6]); Bm.set([1, 0, 0, 1, 1, 1]);
    assert.ok(!k.arena.owns(C));
    k.gemmNN(C, A, Bm, 2, 2, 3);                     // (2,3)·(3,2)
    assert.deepEqual([...C], [4, 5, 10, 11]);
  });

  it("delegates float64 to the reference kernels (bit-identical results)", () => {
    const d = k.alloc(12, "float64");
    assert.ok(d instanceof Float64Array && !(d.buffer instanceof SharedArrayBuffer));
    const rnd = (n: number, s: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(s * (i + 1)) * 3);
    const B = 2, H = 3, o = { forgetBias: 1, cellClip: 0.5, gateAct: Act.Sigmoid, cellAct: Act.Tanh };
    const run = (kk: typeof refKernels) => {
      const C = rnd(6, 1), gates = new Float64Array(4 * B * H), c = new Float64Array(B * H), m = new Float64Array(B * H);
      kk.gemmNT(C, rnd(8, 2), rnd(12, 3), 2, 3, 4);
      kk.lstmForward(gates, c, m, rnd(4 * B * H, 4), rnd(B * H, 5), rnd(3 * H, 6), B, H, o);
      return [...C, ...gates, ...c, ...m];
    };
    assert.deepEqual(run(k), run(refKernels));
  });

  it("rejects bad arguments like ref does, and short buffers unlike ref", () => {
    const v = f32(8);
    assert.throws(() => k.actForward(v, v, 8, 99 as Act), /unknown activation code 99/);
    assert.throws(() => k.gemmNN(v, v, v, 3, 3, 1), /gemmNN: C has length 8, needs 9/);
    assert.throws(() => k.axpy(v, v, 1, -1), RangeError);
    assert.throws(() => k.fillRows(v, v, 1.5, 2), RangeError);
    const o = { forgetBias: 0, cellClip: -1, gateAct: Act.Sigmoid, cellAct: Act.Tanh };
    assert.throws(() => k.lstmBackward(f32(4), f32(1), null, f32(1), f32(1), f32(4), f32(1), f32(1), f32(3), 1, 1, o), TypeError);
  });
});

// ---- numerics of assembly/math.ts ----

/** |y − r| in units in the last place of the f32 nearest to r (denormal spacing below 2^-126) */
function ulps(y: number, r: number): number {
  const a = Math.abs(Math.fround(r));
  const ulp = a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
  return Math.abs(y - r) / ulp;
}

function maxUlps(fn: (y: Float32Array, x: Float32Array, n: number) => void, exact: (x: number) => number,
                 lo: number, hi: number, n: number): { ulp: number; at: number } {
  const x = f32(n), y = f32(n);
  for (let i = 0; i < n; i++) x[i] = lo + (hi - lo) * (i / (n - 1));
  fn(y, x, n);
  let ulp = 0, at = NaN;
  for (let i = 0; i < n; i++) { const u = ulps(y[i]!, exact(x[i]!)); if (u > ulp) { ulp = u; at = x[i]!; } }
  k.arena.release(x); k.arena.release(y);
  return { ulp, at };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const act = (a: Act) => (y: Float32Array, x: Float32Array, n: number) => k.actForward(y, x, n, a);

describe("f32 elementary functions", () => {
  it("exp is within 1 ulp at selected points and over [−87, 88]", () => {
    const pts = [-87, -50, -10, -1, -0.34657359, -1e-3, 0, 1e-6, 1e-3, 0.5, 0.34657359, 1, 2, 10, 50, 88];
    const x = f32(pts.length), y = f32(pts.length);
    x.set(pts);
    k.exp(y, x, pts.length);
    pts.forEach((_, i) => assert.ok(ulps(y[i]!, Math.exp(x[i]!)) <= 1, `exp(${x[i]}) = ${y[i]}, Math.exp ${Math.exp(x[i]!)}`));
    assert.equal(y[pts.indexOf(0)], 1);
    const { ulp, at } = maxUlps((yy, xx, n) => k.exp(yy, xx, n), Math.exp, -87, 88, 200_001);
    assert.ok(ulp <= 1, `exp: ${ulp.toFixed(2)} ulp at ${at}`);
  });

  it("sigmoid and tanh are within 3 ulp; ELU's expm1 within 2 ulp", () => {
    for (const [name, a, f, lo, hi] of [
      ["sigmoid", Act.Sigmoid, sigmoid, -30, 30], ["tanh", Act.Tanh, Math.tanh, -10, 10],
      ["tanh near 0", Act.Tanh, Math.tanh, -0.7, 0.7], ["elu", Act.Elu, Math.expm1, -20, 0], ["elu near 0", Act.Elu, Math.expm1, -0.6, 0],
    ] as const) {
      const { ulp, at } = maxUlps(act(a), f, lo, hi, 100_001);
      assert.ok(ulp <= (a === Act.Elu ? 2 : 3), `${name}: ${ulp.toFixed(2)} ulp at ${at}`);
    }
  });

  it("saturates without NaN at ±30, ±300, ±1e30", () => {
    const pts = [30, -30, 300, -300, 1e30, -1e30, 88.5, -88.5];
    const x = f32(pts.length), s = f32(pts.length), t = f32(pts.length), e = f32(pts.length);
    x.set(pts);
    k.actForward(s, x, pts.length, Act.Sigmoid);
    k.actForward(t, x, pts.length, Act.Tanh);
    k.actForward(e, x, pts.length, Act.Elu);
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i]!;
      if (p > 0) { assert.equal(s[i], 1); assert.equal(t[i], 1); assert.equal(e[i], Math.fround(p)); }
      else {
        assert.ok(s[i]! >= 0 && s[i]! < (p < -88 ? 1e-38 : 1e-13), `sigmoid(${p}) = ${s[i]}`);
        assert.equal(t[i], -1); assert.equal(e[i], -1);
      }
    }
  });
});
