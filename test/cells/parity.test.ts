// wasm and ref agree on every cell variant, forward and backward (float32), in property tests
// over random configurations, sizes that are not multiples of 4, and inputs up to ±30 / ±300.
import { describe, it } from "node:test";
import fc from "fast-check";
import { allBackends } from "../helpers/backends.ts";
import { assertClose } from "../helpers/close.ts";
import { createCell, ACTIVATION_NAMES, type CellKind, type CellOptions } from "../../src/cells/index.ts";
import { CellStep } from "../../src/cells/step.ts";
import { Rng } from "../../src/params/rng.ts";
import type { Kernels } from "../../src/kernels/types.ts";

const backends = await allBackends();
const [ref, wasm] = backends;

const variant = fc.record({
  kind: fc.constantFrom<CellKind>("rnn", "lstm", "gru"),
  B: fc.integer({ min: 1, max: 5 }), D: fc.integer({ min: 1, max: 13 }), H: fc.integer({ min: 1, max: 17 }),
  activation: fc.constantFrom(...ACTIVATION_NAMES),
  gateActivation: fc.constantFrom("sigmoid", "hardSigmoid", "hardSigmoidV3", "tanh" as const),
  biases: fc.constantFrom(0, 1, 2 as const),
  usePeepholes: fc.boolean(), cellClip: fc.constantFrom(null, 0, 0.5, 3), proj: fc.integer({ min: 0, max: 5 }),
  projClip: fc.constantFrom(null, 0.3), forgetBias: fc.constantFrom(0, 1), resetAfter: fc.boolean(),
  scale: fc.constantFrom(1, 30, 300), seed: fc.nat(),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function optionsOf(v: any): CellOptions {
  const base: CellOptions = { inputSize: v.D, hiddenSize: v.H, biases: v.biases, activation: v.activation };
  if (v.kind === "rnn") return base;
  if (v.kind === "gru") return { ...base, gateActivation: v.gateActivation, resetAfter: v.resetAfter };
  const projSize = v.proj < v.H ? v.proj : 0;
  return { ...base, gateActivation: v.gateActivation, usePeepholes: v.usePeepholes, cellClip: v.cellClip,
    forgetBias: v.forgetBias, projSize, projClip: projSize > 0 ? v.projClip : null };
}

function run(k: Kernels, v: any) {
  const cell = createCell(v.kind, optionsOf(v));
  const step = new CellStep(k, cell, v.B, "float32");
  const rng = new Rng(v.seed), c = cell.config;
  const r = (n: number, s: number) => Float32Array.from({ length: n }, () => rng.uniform(-s, s));
  step.params.flat.set(r(step.params.flat.length, 1));
  const x = r(v.B * c.inputSize, v.scale), h = r(v.B * c.outputSize, 1), cs = r(v.B * c.hiddenSize, 2);
  const dh = r(v.B * c.outputSize, 1), dc = r(v.B * c.hiddenSize, 1);
  const lstm = v.kind === "lstm";
  const out = step.forward({ x, h, c: lstm ? cs : undefined });
  const res: Record<string, Float32Array> = { h: out.h.slice() as Float32Array };
  if (out.c) res.c = out.c.slice() as Float32Array;
  step.zeroGrads();
  const g = step.backward({ dh, dc: lstm ? dc : undefined });
  res.dx = g.dx.slice() as Float32Array; res.dh = g.dh.slice() as Float32Array;
  if (g.dc) res.dc = g.dc.slice() as Float32Array;
  for (const s of step.params.layout.specs) res[`d_${s.name}`] = step.grads.views[s.name].slice() as Float32Array;
  return res;
}

describe("wasm = ref for every cell variant, forward and backward (float32)", () => {
  it("random configurations, sizes and input scales (fast-check, seed 11)", () => {
    if (!wasm) throw new Error("wasm backend missing");
    fc.assert(fc.property(variant, (v) => {
      const a = run(wasm, v), b = run(ref, v);
      for (const key of Object.keys(b)) {
        // Judge each tensor relative to its own size, but never below 1e-2: cotangents and weights are
        // O(1), and where every unit saturates (sigmoid(30) = 1 − 1e-13), y·(1 − y) from a float32 y has
        // only ulp(1)/(1 − y) relative precision in any implementation, PyTorch's included.
        const scale = Math.max(1e-2, ...Array.from(b[key], Math.abs));
        assertClose(a[key], b[key], 2e-4, `${v.kind} ${JSON.stringify(optionsOf(v))} ${key}`, scale);
      }
    }), { seed: 11, numRuns: 300 });
  });
});
