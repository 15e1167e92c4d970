// How each framework initializes a recurrent cell, applied to our internal layout (weights (G, in)).
//   torch: every parameter U(−1/√H, 1/√H)                 (torch.nn.RNNBase.reset_parameters)
//   keras: W_ih glorot-uniform on the Keras kernel (D, G); W_hh orthogonal; biases 0; LSTM forget bias 1
//   tf1:   [W_ih W_hh] glorot-uniform on the TF-1 kernel (D+R, G); biases 0, GRU gate bias 1
//          (rnn_cell_impl.GRUCell uses constant_initializer(1.0) for gates/bias); peepholes and
//          the projection glorot-uniform on their own shapes (tf.get_variable's default)
import type { Views } from "./layout.ts";
import type { CellConfig } from "../cells/config.ts";
import { applyInit, fillGlorotUniform, fillOrthogonal, fillUniform } from "./init.ts";
import { Rng } from "./rng.ts";
import { checkOneOf } from "../errors.ts";

export type InitScheme = "torch" | "keras" | "tf1";
export const INIT_SCHEMES: readonly InitScheme[] = ["torch", "keras", "tf1"];

export function initCellParams(cfg: CellConfig, v: Views, scheme: InitScheme, seed: number, fn = "initCellParams"): void {
  checkOneOf(fn, "init", scheme, INIT_SCHEMES);
  const rng = new Rng(seed);
  const { inputSize: D, hiddenSize: H, gateRows: G, outputSize: R, projSize: P } = cfg;
  if (scheme === "torch") {
    const limit = 1 / Math.sqrt(H);
    for (const name of Object.keys(v)) fillUniform(v[name], limit, rng);
    return;
  }
  if (scheme === "keras") {
    fillGlorotUniform(v.weightIh, D, G, rng);
    fillOrthogonal(v.weightHh, G, R, rng);
  } else {
    fillGlorotUniform(v.weightIh, D + R, G, rng);
    fillGlorotUniform(v.weightHh, D + R, G, rng);
  }
  for (const b of [v.biasIh, v.biasHh]) if (b) b.fill(0);
  const firstBias = v.biasIh;
  if (firstBias && cfg.kind === "lstm" && scheme === "keras") firstBias.fill(1, H, 2 * H); // unit forget bias
  if (firstBias && cfg.kind === "gru" && scheme === "tf1") firstBias.fill(1, 0, 2 * H);    // r, z start open
  if (v.peep) applyInit(v.peep, 1, 3 * H, { name: "glorotUniform", fanIn: H, fanOut: H }, rng);
  if (v.weightHr) fillGlorotUniform(v.weightHr, H, P, rng);
}
