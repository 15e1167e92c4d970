// Ten real PyTorch training steps of a small character LM (Embedding → LSTM → Linear on every
// step, float64; fixtures/gen_torch_train.py): every optimizer, both clippings, a masked loss and a
// warm-up + cosine schedule. Losses, gradient norms before clipping, learning rates and the final
// weights must equal PyTorch's to 1e-9.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SequenceModel } from "../../src/train/model.ts";
import { clipGradNorm, clipGradValue, globalNorm, optimizerByName } from "../../src/train/optim.ts";
import { cosine, warmup } from "../../src/train/schedule.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { assertClose } from "../helpers/close.ts";
import type { Batch } from "../../src/train/batch.ts";

type T = { shape: number[]; data: number[] };
const fx = JSON.parse(readFileSync(new URL("../../fixtures/torch_train.json", import.meta.url), "utf8"));
const { V, E, H, T: steps_T, B, steps } = fx.config;
const key = (k: string) => k.replace(/^lstm\./, "rnn.");

function optimizerFor(run: { optimizer: Record<string, unknown> }) {
  const o = { ...run.optimizer } as Record<string, number | boolean | number[]> & { name: string };
  if (typeof o.base_lr === "number") o.lr = o.base_lr;       // a scheduled run records its base rate separately
  const name = o.name.toLowerCase();
  switch (name) {
    case "sgd": return optimizerByName("sgd", { lr: o.lr, momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weight_decay });
    case "adam": case "adamw": {
      const [beta1, beta2] = o.betas as number[];
      return optimizerByName(name, { lr: o.lr, beta1, beta2, eps: o.eps, weightDecay: o.weight_decay });
    }
    case "rmsprop": return optimizerByName("rmsprop", { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weight_decay });
    case "adagrad": return optimizerByName("adagrad", { lr: o.lr, lrDecay: o.lr_decay, eps: o.eps, weightDecay: o.weight_decay, initialAccumulatorValue: o.initial_accumulator_value });
  }
  throw new Error(`unknown optimizer ${o.name}`);
}

describe("training matches PyTorch step by step (float64)", () => {
  for (const [name, run] of Object.entries(fx.runs) as [string, any][]) {
    it(`${name}: 10 losses, gradient norms, learning rates and final weights within 1e-9`, () => {
      const model = new SequenceModel({ cell: "lstm", inputKind: "tokens", inputSize: V, embeddingDim: E, hiddenSize: H,
        outputSize: V, head: "every", loss: "class", dtype: "float64" }, refKernels);
      model.loadStateDict(Object.fromEntries(Object.entries(fx.initial as Record<string, T>).map(([k, v]) => [key(k), v])));
      const opt = optimizerFor(run), baseLr = opt.lr;
      const schedule = run.schedule ? warmup(3, cosine(steps - 3)) : null;
      const targets: T = run.targets ?? fx.targets;
      const losses: number[] = [], norms: number[] = [], lrs: number[] = [];
      for (let s = 0; s < steps; s++) {
        const per = (steps_T + 1) * B, ids = fx.data.data.slice(s * per, s * per + steps_T * B);
        const labels = targets.data.slice(s * steps_T * B, (s + 1) * steps_T * B);
        const batch: Batch = { input: { kind: "tokens", ids: Int32Array.from(ids), T: steps_T, B }, target: { kind: "classPerStep", labels: Int32Array.from(labels) }, lengths: null };
        model.zeroGrad();
        model.forward(batch);
        const { loss } = model.lossAndBackward();
        const groups = model.groups();
        norms.push(run.clip?.type === "norm" ? clipGradNorm(groups, run.clip.max_norm) : run.clip?.type === "value" ? clipGradValue(groups, run.clip.clip_value) : globalNorm(groups));
        if (schedule) opt.lr = baseLr * schedule(s);
        lrs.push(opt.lr);
        opt.step(groups);
        losses.push(loss);
      }
      assertClose(losses, run.losses, 1e-9, `${name} losses`);
      assertClose(norms, run.gradNorms, 1e-9, `${name} gradient norms`);
      assertClose(lrs, run.lrs, 1e-12, `${name} learning rates`);
      const final = model.stateDict();
      for (const [k, v] of Object.entries(run.final as Record<string, T>)) assertClose(final[key(k)].data, v.data, 1e-9, `${name} final ${k}`, 1e-3);
      assert.ok(losses[steps - 1] < losses[0]);
    });
  }
});
