// The benchmark workloads W1–W4 as rnnlab models (shared by bench/rnnlab.ts, profile.ts and
// scaling.ts): one training step = zeroGrad, forward, loss + BPTT, SGD update over the whole batch.
import { LSTM, SequenceModel, sgd, Tensor, Rng, type Kernels } from "../src/index.ts";
import type { Batch } from "../src/train/batch.ts";

export interface Workload { cell: "lstm" | "gru"; I: number; H: number; T: number; B: number; head: "last10" | "all64" | "sumsq"; desc: string }
export const WL: Record<"W1" | "W2" | "W3" | "W4", Workload> = {
  W1: { cell: "lstm", I: 28, H: 128, T: 28, B: 64, head: "last10", desc: "seed-mnist" },
  W2: { cell: "lstm", I: 64, H: 256, T: 100, B: 32, head: "all64", desc: "char-lm" },
  W3: { cell: "lstm", I: 512, H: 512, T: 50, B: 64, head: "sumsq", desc: "large" },
  W4: { cell: "gru", I: 64, H: 256, T: 100, B: 32, head: "all64", desc: "gru-char" },
};

/** The recurrent layer's forward FLOPs (the count the peers' scripts use): T·2·B·G·H·(I+H). */
export const rnnFwdFlops = (w: Workload) => w.T * 2 * w.B * (w.cell === "lstm" ? 4 : 3) * w.H * (w.I + w.H);

export const randn = (n: number, seed: number) => { const r = new Rng(seed); return Float32Array.from({ length: n }, () => r.normal()); };

/** A training step and an inference call for workload w on kernels k. */
export function buildWorkload(w: Workload, k: Kernels): { train: () => void; infer: () => void } {
  const opt = sgd({ lr: 0.01 }), x = randn(w.T * w.B * w.I, 2), r = new Rng(1);
  if (w.head === "sumsq") {                                // loss = Σ (last output)², no head
    const layer = new LSTM({ inputSize: w.I, hiddenSize: w.H, seed: 1, kernels: k });
    const xt = new Tensor([w.T, w.B, w.I], x), dOut = new Float32Array(w.T * w.B * w.H);
    const groups = [{ name: "rnn", params: layer.params.flat, grads: layer.grads.flat }];
    return {
      train: () => {
        layer.zeroGrad();
        const out = layer.forward(xt).output.data, last = (w.T - 1) * w.B * w.H;
        for (let i = 0; i < w.B * w.H; i++) dOut[last + i] = 2 * out[last + i]!;
        layer.backward({ output: new Tensor([w.T, w.B, w.H], dOut) }, { inputGrad: false });
        opt.step(groups);
      },
      infer: () => { layer.forward(xt); },
    };
  }
  const every = w.head === "all64", classes = every ? 64 : 10;
  const model = new SequenceModel({ cell: w.cell, inputKind: "features", inputSize: w.I, hiddenSize: w.H, outputSize: classes,
    head: every ? "every" : "last", loss: "class", seed: 1 }, k);
  const labels = Int32Array.from({ length: every ? w.T * w.B : w.B }, () => r.int(classes));
  const batch: Batch = { input: { kind: "features", x, T: w.T, B: w.B, D: w.I }, target: every ? { kind: "classPerStep", labels } : { kind: "class", labels }, lengths: null };
  const groups = model.groups();
  return {
    train: () => { model.zeroGrad(); model.forward(batch); model.lossAndBackward(); opt.step(groups); },
    infer: () => { model.forward(batch); },
  };
}
