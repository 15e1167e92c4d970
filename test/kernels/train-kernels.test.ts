// The training kernels (softmaxXent, sumSquares, scale, sgd/adam/rmsprop/adagrad steps): wasm and,
// when built, native (f32 arithmetic) against ref (double arithmetic, f32 storage) on random inputs, including ignored
// labels, ±300 logits and lengths that are not multiples of 4; and both against the formulas
// written out here once more in double for a hand-sized case.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { refKernels as ref } from "../../src/kernels/ref/index.ts";
import { createWasmKernels } from "../../src/kernels/wasm/index.ts";
import { nativeBackend } from "../helpers/backends.ts";
import type { Kernels } from "../../src/kernels/types.ts";

const fast: Kernels[] = [await createWasmKernels({ threads: 1 }), ...(await nativeBackend())];
const SEED = Number(process.env.FC_SEED ?? 7);

function close(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    assert.ok(err <= atol + rtol * Math.abs(want[i]!), `${what}[${i}]: ${got[i]} vs ${want[i]} (|diff| ${err.toExponential(2)})`);
  }
}

/** Copies of `src` in the backend's own memory. */
const on = (k: Kernels, src: Float32Array) => { const v = k.alloc(src.length) as Float32Array; v.set(src); return v; };

for (const wasm of fast) describe(wasm.name, () => {
describe("softmaxXent", () => {
  it(`${wasm.name} matches ref: loss and gradient, ignored rows zeroed`, () => {
    const cases = fc.record({ N: fc.integer({ min: 1, max: 9 }), C: fc.integer({ min: 1, max: 21 }), R: fc.constantFrom(1, 10, 300) })
      .chain(({ N, C, R }) => fc.record({
        z: fc.float32Array({ minLength: N * C, maxLength: N * C, min: -Math.fround(R), max: Math.fround(R), noNaN: true, noDefaultInfinity: true }),
        y: fc.array(fc.integer({ min: -1, max: C - 1 }), { minLength: N, maxLength: N }),
        scale: fc.constantFrom(1, 0.25, 1 / 7),
      }).map((v) => ({ N, C, ...v })));
    fc.assert(fc.property(cases, ({ N, C, z, y, scale }) => {
      const labels = Int32Array.from(y);
      const dRef = new Float32Array(N * C).fill(9), dW = wasm.alloc(N * C) as Float32Array;
      dW.fill(9);
      const lr = ref.softmaxXent(dRef, z, labels, N, C, scale);
      const lw = wasm.softmaxXent(dW, on(wasm, z), labels, N, C, scale);
      assert.ok(Math.abs(lw - lr) <= 1e-5 * (1 + Math.abs(lr)), `loss ${lw} vs ${lr}`);
      close(dW, dRef, 1e-5, 1e-7, "dLogits");
      for (let n = 0; n < N; n++) if (labels[n] === -1) for (let c = 0; c < C; c++) assert.equal(dW[n * C + c], 0);
    }), { seed: SEED, numRuns: 200 });
  });

  it(`ref and ${wasm.name} match the formula on a hand-sized case`, () => {
    const z = Float32Array.from([1, 2, 3, -1, 0, 1000]), labels = Int32Array.from([2, 0]);
    // row 0: logsumexp(1,2,3) − 3; row 1: logsumexp(−1,0,1000) − (−1) = 1000 + 1 (to double precision)
    const lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const want = lse0 - 3 + 1001;
    for (const k of [ref, wasm]) {
      const d = k.alloc(6) as Float32Array;
      const loss = k.softmaxXent(d, on(k, z), labels, 2, 3, 0.5);
      assert.ok(Math.abs(loss - want) < 1e-4, `${k.name}: ${loss} vs ${want}`);
      close(d, [0.5 * Math.exp(1 - lse0), 0.5 * Math.exp(2 - lse0), 0.5 * (Math.exp(3 - lse0) - 1), -0.5, 0, 0.5], 1e-5, 1e-7, `${k.name} d`);
    }
  });
});

describe("norms and scaling", () => {
  it(`sumSquares and scale: ${wasm.name} matches ref for every length 0..37`, () => {
    for (let n = 0; n <= 37; n++) {
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * (i % 5 === 0 ? 1e3 : 1));
      const want = ref.sumSquares(x, n), got = wasm.sumSquares(on(wasm, x), n);
      assert.ok(Math.abs(got - want) <= 1e-12 * (1 + want), `n=${n}: ${got} vs ${want}`);
      const a = ref.alloc(n) as Float32Array, b = on(wasm, x);
      a.set(x); ref.scale(a, 0.375, n); wasm.scale(b, 0.375, n);
      assert.deepEqual(Array.from(b), Array.from(a), `scale n=${n}`);   // 0.375 is exact in f32, so one rounding in both
    }
  });
});

describe("optimizer steps", () => {
  const n = 23;
  const init = (seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 31 + i * 0.9));
  const steps: [string, (k: Kernels, b: Record<string, Float32Array>, t: number) => void, string[]][] = [
    ["sgd", (k, b) => k.sgdStep(b.p!, b.g!, null, n, { lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0.01, first: true }), []],
    ["sgd momentum nesterov", (k, b, t) => k.sgdStep(b.p!, b.g!, b.s!, n, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01, first: t === 1 }), ["s"]],
    ["adam", (k, b, t) => k.adamStep(b.p!, b.g!, b.s!, b.v!, n, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: false, t }), ["s", "v"]],
    ["adamw", (k, b, t) => k.adamStep(b.p!, b.g!, b.s!, b.v!, n, { lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, decoupled: true, t }), ["s", "v"]],
    ["rmsprop", (k, b) => k.rmspropStep(b.p!, b.g!, b.v!, n, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0.01 }), ["v"]],
    ["adagrad", (k, b, t) => k.adagradStep(b.p!, b.g!, b.s!, n, { clr: 0.1 / (1 + (t - 1) * 0.01), eps: 1e-10, weightDecay: 0.01 }), ["s"]],
  ];
  for (const [name, step, slots] of steps) {
    it(`${name}: 5 steps on ${wasm.name} match ref`, () => {
      const make = (k: Kernels) => ({ p: on(k, init(1)), g: on(k, init(2)), s: on(k, new Float32Array(n)), v: on(k, new Float32Array(n)) });
      const r = make(ref), w = make(wasm);
      for (let t = 1; t <= 5; t++) { step(ref, r, t); step(wasm, w, t); }
      close(w.p, r.p, 2e-6, 1e-7, `${name} p`);
      for (const s of slots) close(w[s as "s"], r[s as "s"], 2e-6, 1e-9, `${name} ${s}`);
      assert.ok(w.p.some((v, i) => v !== init(1)[i]), "the step moved the parameters");
    });
  }
});
});
