// Single cell steps against real PyTorch 1.13 (fixtures/gen_torch.py -> fixtures/torch_cells.json):
// outputs and the gradients of L = Σ h·dh + Σ c·dc w.r.t. x, h, c and every parameter.
import { describe, it } from "node:test";
import { loadFixture, type FixtureCase } from "../helpers/fixtures.ts";
import { assertClose } from "../helpers/close.ts";
import { allBackends } from "../helpers/backends.ts";
import { createCell, type CellKind } from "../../src/cells/index.ts";
import { CellStep } from "../../src/cells/step.ts";
import { TORCH_NAME } from "../../src/io/torch-names.ts";
import type { Kernels } from "../../src/kernels/types.ts";

const cases = loadFixture("torch_cells.json");
const backends = await allBackends();

function runCase(k: Kernels, c: FixtureCase) {
  const cfg = c.config as { inputSize: number; hiddenSize: number; projSize: number; nonlinearity: "tanh" | "relu"; bias: boolean };
  const kind = c.cell as CellKind;
  const cell = createCell(kind, {
    inputSize: cfg.inputSize, hiddenSize: cfg.hiddenSize, biases: cfg.bias ? 2 : 0,
    ...(kind === "rnn" ? { activation: cfg.nonlinearity } : {}),
    ...(kind === "lstm" ? { projSize: cfg.projSize } : {}),
  });
  const step = new CellStep(k, cell, c.batch, c.dtype);
  const Arr = c.dtype === "float64" ? Float64Array : Float32Array;
  const t = (name: string) => Arr.from(c.tensors[name].data);
  for (const spec of step.params.layout.specs) step.params.views[spec.name].set(t(TORCH_NAME[spec.name]));
  const out = step.forward({ x: t("x"), h: t("h"), c: c.tensors.c ? t("c") : undefined });
  const res: Record<string, ArrayLike<number>> = { out_h: out.h.slice() };
  if (out.c) res.out_c = out.c.slice();
  step.zeroGrads();
  const g = step.backward({ dh: t("dh"), dc: c.tensors.dc ? t("dc") : undefined });
  res.grad_x = g.dx; res.grad_h = g.dh;
  if (g.dc) res.grad_c = g.dc;
  for (const spec of step.params.layout.specs) res[`grad_${TORCH_NAME[spec.name]}`] = step.grads.views[spec.name];
  return res;
}

for (const k of backends) {
  describe(`[${k.name}] cell steps match PyTorch 1.13`, () => {
    for (const c of cases) {
      if (k.name === "wasm" && c.dtype === "float64") continue; // wasm delegates float64 to ref: same code
      const tol = c.dtype === "float64" ? 1e-9 : 1e-5;
      it(`${c.name} (${c.dtype}): outputs and every gradient within ${tol}`, () => {
        const res = runCase(k, c);
        const expectedKeys = Object.keys(c.tensors).filter((n) => n.startsWith("out_") || n.startsWith("grad_"));
        for (const key of expectedKeys) {
          if (!(key in res)) throw new Error(`${c.name}: no result for ${key}`);
          // float64: relative per element (floor 1e-3). float32: relative to the tensor's scale,
          // because a float32 sum of O(1) terms carries ~1e-7 absolute error whatever the result's size.
          const expected = c.tensors[key].data;
          const floor = c.dtype === "float64" ? 1e-3 : 0.05 * Math.max(...expected.map(Math.abs));
          assertClose(res[key], expected, tol, `${c.name} ${key}`, floor);
        }
      });
    }
  });
}
