// TensorFlow 1.x variable layouts (rnn_cell_impl.py) <-> our internal layout.
//   BasicRNNCell  kernel [D+N, N], bias [N]
//   LSTMCell      kernel [D+R, 4N] with column blocks i, j, f, o (j = candidate); bias [4N];
//                 w_i_diag, w_f_diag, w_o_diag [N]; projection/kernel [N, P]
//   GRUCell       gates/kernel [D+N, 2N] (r, u), gates/bias [2N], candidate/kernel [D+N, N], candidate/bias [N]
//   GRU with the reset applied after the matmul: TF-1 contrib's CudnnCompatibleGRUCell layout,
//                 gates/* as above, candidate/input_projection/{kernel [D, N], bias [N]} and
//                 candidate/hidden_projection/{kernel [N, N], bias [N]}. Its single r/z bias is our
//                 b_ih + b_hh for those rows (they are only ever added); importing puts it in b_ih.
// TF-1 multiplies concat([x, h]) · kernel, so the first D kernel rows are W_ihᵀ and the rest W_hhᵀ.
// TF-1 has one bias and adds forget_bias at run time (it is a cell option here, never stored).
import type { Buf } from "../kernels/types.ts";
import type { Views } from "../params/layout.ts";
import type { CellConfig } from "../cells/config.ts";
import { fmtShape, RnnlabError } from "../errors.ts";

export interface TfVariable { name: string; shape: number[]; data: Buf }

/** Which TF-1 column block holds each internal gate block. LSTM internal i,f,g,o <- TF i,j,f,o. */
const LSTM_TF_BLOCK = [0, 2, 1, 3];

interface KernelPart { kernel: string; bias: string; blocks: number[] /* internal gate block -> TF column block */; firstGate: number }

function kernelParts(cfg: CellConfig): KernelPart[] {
  if (cudnnGru(cfg)) return [{ kernel: "gates/kernel", bias: "gates/bias", blocks: [0, 1], firstGate: 0 }];
  if (cfg.kind === "lstm") return [{ kernel: "kernel", bias: "bias", blocks: LSTM_TF_BLOCK, firstGate: 0 }];
  if (cfg.kind === "rnn") return [{ kernel: "kernel", bias: "bias", blocks: [0], firstGate: 0 }];
  return [
    { kernel: "gates/kernel", bias: "gates/bias", blocks: [0, 1], firstGate: 0 },
    { kernel: "candidate/kernel", bias: "candidate/bias", blocks: [0], firstGate: 2 },
  ];
}

const cudnnGru = (cfg: CellConfig) => cfg.kind === "gru" && cfg.resetAfter;

function checkTf1Config(fn: string, cfg: CellConfig): void {
  const want = cudnnGru(cfg) ? 2 : 1;
  if (cfg.biases !== want) throw new RnnlabError(`${fn}: this TF-1 layout has ${want === 1 ? "exactly one bias" : "two bias vectors"}; the cell has biases=${cfg.biases}`);
}

/** The candidate of a reset-after GRU: separate input and hidden projections (CudnnCompatibleGRUCell). */
function cudnnCandidate(cfg: CellConfig, v: Views, make: (n: number) => Buf): TfVariable[] {
  const { inputSize: D, hiddenSize: H } = cfg;
  const wi = make(D * H), wh = make(H * H);
  for (let n = 0; n < H; n++) {
    const row = 2 * H + n;
    for (let d = 0; d < D; d++) wi[d * H + n] = v.weightIh[row * D + d];
    for (let r = 0; r < H; r++) wh[r * H + n] = v.weightHh[row * H + r];
  }
  return [
    { name: "candidate/input_projection/kernel", shape: [D, H], data: wi },
    { name: "candidate/input_projection/bias", shape: [H], data: v.biasIh.slice(2 * H) },
    { name: "candidate/hidden_projection/kernel", shape: [H, H], data: wh },
    { name: "candidate/hidden_projection/bias", shape: [H], data: v.biasHh.slice(2 * H) },
  ];
}

/**
 * The TF-1 variables of a cell, copied out of our views (shapes in TF-1 layout). With
 * `of = "gradients"` the views hold gradients, which map by the adjoint of fromTf1Variables: the
 * only difference is the cuDNN GRU's r/z bias, whose gradient is db_ih (not db_ih + db_hh).
 */
export function toTf1Variables(cfg: CellConfig, v: Views, of: "values" | "gradients" = "values"): TfVariable[] {
  const addHh = cudnnGru(cfg) && of === "values";
  checkTf1Config("toTf1Variables", cfg);
  const { inputSize: D, hiddenSize: H, outputSize: R, projSize: P } = cfg;
  const make = (n: number) => (v.weightIh instanceof Float64Array ? new Float64Array(n) : new Float32Array(n));
  const out: TfVariable[] = [];
  for (const part of kernelParts(cfg)) {
    const cols = part.blocks.length * H;
    const kernel = make((D + R) * cols), bias = make(cols);
    part.blocks.forEach((tfBlock, b) => {
      const gate = part.firstGate + b;
      for (let n = 0; n < H; n++) {
        const row = gate * H + n, col = tfBlock * H + n;
        for (let d = 0; d < D; d++) kernel[d * cols + col] = v.weightIh[row * D + d];
        for (let r = 0; r < R; r++) kernel[(D + r) * cols + col] = v.weightHh[row * R + r];
        bias[col] = v.biasIh[row] + (addHh ? v.biasHh[row] : 0);
      }
    });
    out.push({ name: part.kernel, shape: [D + R, cols], data: kernel }, { name: part.bias, shape: [cols], data: bias });
  }
  if (cudnnGru(cfg)) out.push(...cudnnCandidate(cfg, v, make));
  if (v.peep) {
    ["w_i_diag", "w_f_diag", "w_o_diag"].forEach((name, g) => out.push({ name, shape: [H], data: v.peep.slice(g * H, (g + 1) * H) }));
  }
  if (v.weightHr) {
    const proj = make(H * P);
    for (let p = 0; p < P; p++) for (let n = 0; n < H; n++) proj[n * P + p] = v.weightHr[p * H + n];
    out.push({ name: "projection/kernel", shape: [H, P], data: proj });
  }
  return out;
}

/** Copy TF-1 variables (by name) into our views; every expected variable must be present with its exact shape. */
export function fromTf1Variables(cfg: CellConfig, v: Views, vars: Record<string, { shape: number[]; data: ArrayLike<number> }>): void {
  const fn = "fromTf1Variables";
  checkTf1Config(fn, cfg);
  const expected = toTf1Variables(cfg, v);                // the names and shapes this cell has
  const known = new Set(expected.map((e) => e.name));
  for (const name of Object.keys(vars)) {
    if (!known.has(name)) throw new RnnlabError(`${fn}: unexpected variable "${name}"; this cell has ${[...known].join(", ")}`);
  }
  const get = (name: string) => vars[name].data;
  for (const e of expected) {
    const got = vars[e.name];
    if (!got) throw new RnnlabError(`${fn}: missing variable "${e.name}" (shape ${fmtShape(e.shape)})`);
    if (fmtShape(got.shape) !== fmtShape(e.shape) || got.data.length !== e.data.length) {
      throw new RnnlabError(`${fn}: variable "${e.name}" has shape ${fmtShape(got.shape)}, expected ${fmtShape(e.shape)}`);
    }
  }
  const { inputSize: D, hiddenSize: H, outputSize: R, projSize: P } = cfg;
  for (const part of kernelParts(cfg)) {
    const cols = part.blocks.length * H, kernel = get(part.kernel), bias = get(part.bias);
    part.blocks.forEach((tfBlock, b) => {
      const gate = part.firstGate + b;
      for (let n = 0; n < H; n++) {
        const row = gate * H + n, col = tfBlock * H + n;
        for (let d = 0; d < D; d++) v.weightIh[row * D + d] = kernel[d * cols + col];
        for (let r = 0; r < R; r++) v.weightHh[row * R + r] = kernel[(D + r) * cols + col];
        v.biasIh[row] = bias[col];
        if (cudnnGru(cfg)) v.biasHh[row] = 0;
      }
    });
  }
  if (cudnnGru(cfg)) {
    const wi = get("candidate/input_projection/kernel"), wh = get("candidate/hidden_projection/kernel");
    for (let n = 0; n < H; n++) {
      const row = 2 * H + n;
      for (let d = 0; d < D; d++) v.weightIh[row * D + d] = wi[d * H + n];
      for (let r = 0; r < H; r++) v.weightHh[row * H + r] = wh[r * H + n];
    }
    v.biasIh.set(get("candidate/input_projection/bias"), 2 * H);
    v.biasHh.set(get("candidate/hidden_projection/bias"), 2 * H);
  }
  if (v.peep) ["w_i_diag", "w_f_diag", "w_o_diag"].forEach((name, g) => v.peep.set(get(name), g * H));
  if (v.weightHr) {
    const proj = get("projection/kernel");
    for (let p = 0; p < P; p++) for (let n = 0; n < H; n++) v.weightHr[p * H + n] = proj[n * P + p];
  }
}
