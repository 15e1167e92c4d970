// The note's cells written by hand as user-defined cells, with the variable names and layouts of
// the TF-1 built-ins, so a built-in's variables() can be assigned to them one by one.
import * as nn from "../../src/nn/index.ts";
import type { Value } from "../../src/graph/graph.ts";
import type { Kernels } from "../../src/kernels/types.ts";

const { ops } = nn;

/** i, j, f, o = split([x, h]·W + b);  c' = c⊙σ(f + forgetBias) + σ(i)⊙tanh(j);  h' = σ(o)⊙tanh(c') */
export function handLstm(numUnits: number, opts: { forgetBias?: number; inputSize?: number; kernels?: Kernels } = {}): nn.CustomCell {
  const N = numUnits, forgetBias = opts.forgetBias ?? 1;
  return new nn.CustomCell({
    name: "hand_lstm", stateSize: { c: N, h: N }, outputSize: N, inputSize: opts.inputSize, kernels: opts.kernels,
    variables: (depth) => [{ name: "kernel", shape: [depth + N, 4 * N] }, { name: "bias", shape: [4 * N], initializer: "zeros" }],
    step: (x: Value, { c, h }: { c: Value; h: Value }, v) => {
      const z = ops.add(ops.matmul(ops.concat([x, h]), v.kernel), v.bias);
      const [i, j, f, o] = ops.split(z, 4);
      const cNew = ops.add(ops.mul(c, ops.sigmoid(ops.add(f, forgetBias))), ops.mul(ops.sigmoid(i), ops.tanh(j)));
      const hNew = ops.mul(ops.sigmoid(o), ops.tanh(cNew));
      return { output: hNew, state: { c: cNew, h: hNew } };
    },
  });
}

/**
 * TF-1 GRUCell (reset before the matmul):  r, u = σ([x, h]·W_g + b_g);  c = tanh([x, r⊙h]·W_c + b_c);  h' = u⊙h + (1 − u)⊙c.
 * resetAfter (CudnnCompatibleGRUCell):     c = tanh(x·W_xh + b_xh + r⊙(h·W_hh + b_hh)).
 */
export function handGru(numUnits: number, opts: { resetAfter?: boolean; inputSize?: number; kernels?: Kernels } = {}): nn.CustomCell {
  const N = numUnits, after = opts.resetAfter ?? false;
  return new nn.CustomCell({
    name: "hand_gru", stateSize: N, outputSize: N, inputSize: opts.inputSize, kernels: opts.kernels,
    variables: (depth) => [
      { name: "gates/kernel", shape: [depth + N, 2 * N] }, { name: "gates/bias", shape: [2 * N], initializer: 1 },
      ...(after
        ? [{ name: "candidate/input_projection/kernel", shape: [depth, N] }, { name: "candidate/input_projection/bias", shape: [N], initializer: "zeros" as const },
           { name: "candidate/hidden_projection/kernel", shape: [N, N] }, { name: "candidate/hidden_projection/bias", shape: [N], initializer: "zeros" as const }]
        : [{ name: "candidate/kernel", shape: [depth + N, N] }, { name: "candidate/bias", shape: [N], initializer: "zeros" as const }]),
    ],
    step: (x: Value, h: Value, v) => {
      const [r, u] = ops.split(ops.sigmoid(ops.add(ops.matmul(ops.concat([x, h]), v["gates/kernel"]), v["gates/bias"])), 2);
      const c = after
        ? ops.tanh(ops.add(ops.add(ops.matmul(x, v["candidate/input_projection/kernel"]), v["candidate/input_projection/bias"]),
            ops.mul(r, ops.add(ops.matmul(h, v["candidate/hidden_projection/kernel"]), v["candidate/hidden_projection/bias"]))))
        : ops.tanh(ops.add(ops.matmul(ops.concat([x, ops.mul(r, h)]), v["candidate/kernel"]), v["candidate/bias"]));
      const hNew = ops.add(ops.mul(u, h), ops.mul(ops.sub(1, u), c));
      return { output: hNew, state: hNew };
    },
  });
}

/** Copy every variable of `from` into `to` (same names and shapes). */
export function copyVariables(from: nn.RNNCellLike, to: nn.RNNCellLike): void {
  for (const v of from.variables()) to.assign(v.name, v.tensor);
}

/** A cell whose state has two parts of different widths (2 and 5) that read each other. */
export function twoWidthCell(opts: { kernels?: Kernels } = {}): nn.CustomCell {
  return new nn.CustomCell({
    name: "two_widths", stateSize: [2, 5], outputSize: 3, kernels: opts.kernels,
    variables: (d) => [{ name: "a/kernel", shape: [d + 5, 2] }, { name: "b/kernel", shape: [d + 2, 5] }, { name: "out/kernel", shape: [7, 3] }, { name: "b/bias", shape: [5] }],
    step: (x: Value, [a, b]: Value[], v) => {
      const aNew = ops.tanh(ops.matmul(ops.concat([x, b]), v["a/kernel"]));                        // the narrow part reads the wide one
      const bNew = ops.add(ops.mul(ops.sigmoid(ops.add(ops.matmul(ops.concat([x, aNew]), v["b/kernel"]), v["b/bias"])), b), ops.scale(ops.sub(1, b), 0.1));
      return { output: ops.tanh(ops.matmul(ops.concat([aNew, bNew]), v["out/kernel"])), state: [aNew, bNew] };
    },
  });
}
