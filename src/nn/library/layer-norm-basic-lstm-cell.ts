// TF-1 contrib's LayerNormBasicLSTMCell (tensorflow/contrib/rnn/python/ops/rnn_cell.py), written as
// a user-defined cell with rnnlab's operations. Its step, in TF-1's order:
//   [i, j, f, o] = split(concat([x, h]) · kernel, 4)        (no bias when layer_norm is on)
//   i, j, f, o   = LN_input(i), LN_transform(j), LN_forget(f), LN_output(o)   each its own γ, β
//   c' = c ⊙ σ(f + forget_bias) + σ(i) ⊙ act(j)
//   c' = LN_state(c')                                        the NORMALISED c' is the new state
//   h' = act(c') ⊙ σ(o)
// LN is tf.contrib.layers.layer_norm: biased moments, ε = 1e-12. γ starts at norm_gain, β at
// norm_shift. Without layer_norm: a bias [4N] is added and no normalisation happens.
// (dropout_keep_prob, the recurrent dropout on act(j), is not offered: use DropoutWrapper.)
import type { Kernels } from "../../kernels/types.ts";
import { checkBool, checkInt, checkKnownKeys, checkNumber, fail } from "../../errors.ts";
import type { ActivationName } from "../../cells/activation-names.ts";
import { ACTIVATION_NAMES } from "../../cells/activation-names.ts";
import * as op from "../../graph/ops.ts";
import type { Value } from "../../graph/graph.ts";
import { CustomCell } from "../custom-cell.ts";

export interface LayerNormBasicLSTMCellOptions {
  numUnits: number;
  forgetBias?: number;
  activation?: ActivationName;
  layerNorm?: boolean;
  normGain?: number;
  normShift?: number;
  inputSize?: number;
  seed?: number;
  kernels?: Kernels;
}

const GATE_SCOPES = ["input", "transform", "forget", "output"] as const;

export class LayerNormBasicLSTMCell extends CustomCell {
  constructor(opts: LayerNormBasicLSTMCellOptions) {
    const fn = "LayerNormBasicLSTMCell";
    if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
    checkKnownKeys(fn, opts, ["numUnits", "forgetBias", "activation", "layerNorm", "normGain", "normShift", "inputSize", "seed", "kernels"]);
    const N = checkInt(fn, "numUnits", opts.numUnits, 1);
    const forgetBias = checkNumber(fn, "forgetBias", opts.forgetBias ?? 1);
    const act = opts.activation ?? "tanh";
    if (!ACTIVATION_NAMES.includes(act)) fail(fn, "activation", `one of ${ACTIVATION_NAMES.join(", ")}`, act);
    const layerNorm = checkBool(fn, "layerNorm", opts.layerNorm ?? true);
    const gain = checkNumber(fn, "normGain", opts.normGain ?? 1), shift = checkNumber(fn, "normShift", opts.normShift ?? 0);
    const norms = layerNorm ? [...GATE_SCOPES, "state"] : [];
    super({
      name: "layer_norm_basic_lstm_cell", stateSize: { c: N, h: N }, outputSize: N,
      inputSize: opts.inputSize, seed: opts.seed, kernels: opts.kernels,
      variables: (depth) => [
        { name: "kernel", shape: [depth + N, 4 * N] },
        ...(layerNorm ? [] : [{ name: "bias", shape: [4 * N], initializer: "zeros" as const }]),
        ...norms.flatMap((s) => [{ name: `${s}/gamma`, shape: [N], initializer: gain }, { name: `${s}/beta`, shape: [N], initializer: shift }]),
      ],
      step: (x: Value, { c, h }: { c: Value; h: Value }, v: Record<string, Value>) => {
        const ln = (z: Value, scope: string) => (layerNorm ? op.layerNorm(z, v[`${scope}/gamma`], v[`${scope}/beta`], { epsilon: 1e-12 }) : z);
        let z = op.matmul(op.concat([x, h]), v.kernel);
        if (!layerNorm) z = op.add(z, v.bias);
        const [i, j, f, o] = op.split(z, 4).map((part, g) => ln(part, GATE_SCOPES[g]));
        const cNew = ln(op.add(op.mul(c, op.sigmoid(op.add(f, forgetBias))), op.mul(op.sigmoid(i), op.activation(act, j))), "state");
        const hNew = op.mul(op.activation(act, cNew), op.sigmoid(o));
        return { output: hNew, state: { c: cNew, h: hNew } };
      },
    });
  }
}
