// One direction of one recurrent layer <-> the ONNX operator inputs W, R, B, P (onnx/docs/Operators.md,
// LSTM / GRU / RNN, opset 14). Shapes per direction: W [G, D], R [G, H], B [2G] = [Wb, Rb], P [3H].
// Gate blocks: ONNX LSTM i, o, f, c and GRU z, r, h; ours i, f, g, o and r, z, n (PyTorch).
// Peepholes: ONNX P = [p_i, p_o, p_f]; ours [w_i, w_f, w_o].
// TF-1's forget_bias (added at run time in our LSTM cells) is folded into Wb's f block: ONNX has no such option.
import type { CellConfig } from "../../cells/config.ts";
import type { Views } from "../../params/layout.ts";

/** ONNX block k is our block ONNX_BLOCKS[kind][k]. */
export const ONNX_BLOCKS = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnn: [0] } as const;
const PEEP_BLOCKS = [0, 2, 1];   // ONNX p_i, p_o, p_f <- our w_i (0), w_o (2), w_f (1)

export interface OnnxDirection { W: Float32Array; R: Float32Array; B: Float32Array; P: Float32Array | null }

/** Copy rows block-wise: out block k (H rows of `width`) = src block blocks[k]. */
function permuteRows(out: Float32Array | Views[string], src: ArrayLike<number>, blocks: readonly number[], H: number, width: number,
                     inverse = false): void {
  blocks.forEach((from, k) => {
    const [o, s] = inverse ? [from, k] : [k, from];
    for (let i = 0; i < H * width; i++) out[o * H * width + i] = src[s * H * width + i];
  });
}

export function toOnnxDirection(cfg: CellConfig, v: Views): OnnxDirection {
  const { kind, inputSize: D, hiddenSize: H, outputSize: R, gateRows: G } = cfg, blocks = ONNX_BLOCKS[kind];
  const W = new Float32Array(G * D), Rm = new Float32Array(G * R), B = new Float32Array(2 * G);
  permuteRows(W, v.weightIh, blocks, H, D);
  permuteRows(Rm, v.weightHh, blocks, H, R);
  const wb = new Float32Array(G), rb = new Float32Array(G);
  if (v.biasIh) {
    const bIh = Float64Array.from(v.biasIh);
    if (kind === "lstm") for (let r = H; r < 2 * H; r++) bIh[r] += cfg.forgetBias;   // our f rows [H, 2H)
    permuteRows(wb, bIh, blocks, H, 1);
  }
  if (v.biasHh) permuteRows(rb, v.biasHh, blocks, H, 1);
  B.set(wb); B.set(rb, G);
  let P: Float32Array | null = null;
  if (v.peep) { P = new Float32Array(3 * H); permuteRows(P, v.peep, PEEP_BLOCKS, H, 1); }
  return { W, R: Rm, B, P };
}

/** The inverse, into views of a cell with two biases (PyTorch layout). */
export function fromOnnxDirection(cfg: CellConfig, v: Views, d: OnnxDirection): void {
  const { kind, inputSize: D, hiddenSize: H, outputSize: R, gateRows: G } = cfg, blocks = ONNX_BLOCKS[kind];
  permuteRows(v.weightIh, d.W, blocks, H, D, true);
  permuteRows(v.weightHh, d.R, blocks, H, R, true);
  if (v.biasIh) permuteRows(v.biasIh, d.B.subarray(0, G), blocks, H, 1, true);
  if (v.biasHh) permuteRows(v.biasHh, d.B.subarray(G), blocks, H, 1, true);
  if (v.peep && d.P) permuteRows(v.peep, d.P, PEEP_BLOCKS, H, 1, true);
}
