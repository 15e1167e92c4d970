// TF-1-only variants (BasicLSTMCell forget bias, LSTMCell peepholes / cellClip / numProj /
// projClip, reset-before GRUCell, other activations) against an independent float64
// implementation of TensorFlow 1.x's rnn_cell_impl.py formulas (fixtures/gen_tf1.py), with the
// weights given in TF-1's own variable layout.
import { describe, it } from "node:test";
import { loadFixture, type FixtureCase } from "../helpers/fixtures.ts";
import { assertClose } from "../helpers/close.ts";
import { createCell, type CellOptions, type CellKind, type ActivationName } from "../../src/cells/index.ts";
import { CellStep } from "../../src/cells/step.ts";
import { fromTf1Variables, toTf1Variables } from "../../src/io/tf1-layout.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";

interface Tf1Config {
  numUnits: number; inputSize: number; forgetBias: number; usePeepholes: boolean;
  cellClip: number | null; numProj: number | null; projClip: number | null; activation: ActivationName;
}

/** TF-1 cell class -> our options (one bias; forget bias at run time; GRU resets before). */
export function tf1CellOptions(cell: string, c: Tf1Config): { kind: CellKind; opts: CellOptions } {
  const base = { inputSize: c.inputSize, hiddenSize: c.numUnits, biases: 1 as const, activation: c.activation };
  switch (cell) {
    case "basic_rnn": return { kind: "rnn", opts: base };
    case "basic_lstm": return { kind: "lstm", opts: { ...base, forgetBias: c.forgetBias } };
    case "lstm": return {
      kind: "lstm", opts: {
        ...base, forgetBias: c.forgetBias, usePeepholes: c.usePeepholes, cellClip: c.cellClip,
        projSize: c.numProj ?? 0, projClip: c.projClip,
      },
    };
    case "gru": return { kind: "gru", opts: { ...base, resetAfter: false } };
  }
  throw new Error(`unknown TF-1 cell ${cell}`);
}

function runCase(c: FixtureCase) {
  const { kind, opts } = tf1CellOptions(c.cell, c.config as unknown as Tf1Config);
  const step = new CellStep(refKernels, createCell(kind, opts), c.batch, "float64");
  const vars = toTf1Variables(step.cell.config, step.params.views).map((v) => v.name);
  fromTf1Variables(step.cell.config, step.params.views, Object.fromEntries(vars.map((n) => [n, c.tensors[n]])));
  const t = (name: string) => Float64Array.from(c.tensors[name].data);
  const out = step.forward({ x: t("x"), h: t("h"), c: c.tensors.c ? t("c") : undefined });
  const res: Record<string, ArrayLike<number>> = { out_h: out.h.slice() };
  if (out.c) res.out_c = out.c.slice();
  step.zeroGrads();
  const g = step.backward({ dh: t("dh"), dc: c.tensors.dc ? t("dc") : undefined });
  res.grad_x = g.dx; res.grad_h = g.dh;
  if (g.dc) res.grad_c = g.dc;
  for (const v of toTf1Variables(step.cell.config, step.grads.views)) res[`grad_${v.name}`] = v.data;
  return res;
}

describe("[ref] cell steps match TensorFlow 1.x formulas (float64)", () => {
  for (const c of loadFixture("tf1_cells.json")) {
    it(`${c.name}: outputs and every gradient within 1e-9`, () => {
      const res = runCase(c);
      const expectedKeys = Object.keys(c.tensors).filter((n) => n.startsWith("out_") || n.startsWith("grad_"));
      for (const key of expectedKeys) {
        if (!(key in res)) throw new Error(`${c.name}: no result for ${key}`);
        assertClose(res[key], c.tensors[key].data, 1e-9, `${c.name} ${key}`, 1e-3);
      }
    });
  }
});
