// Truncated backpropagation through time, TBPTT(k1, k2) (Williams & Peng 1990; Sutskever 2013 §3.2):
// run forward over a long batch; every k1 steps, backpropagate through the last k2 steps only and
// (optionally) update the weights. The state is carried forward across chunks but no gradient flows
// across a chunk's start. With k1 = k2 = T it is exactly full BPTT. Losses count each step once:
// a chunk [e − k2, e) scores only its last k1 steps, which no earlier chunk scored.
import { Tensor } from "../tensor/tensor.ts";
import { checkInt, fail, RnnlabError } from "../errors.ts";
import type { Batch, BatchInput, BatchTarget } from "./batch.ts";
import type { SequenceModel, StreamState } from "./model.ts";
import type { Optimizer } from "./optim.ts";
import { clipGradNorm } from "./optim.ts";

export interface TbpttOptions {
  k1: number;
  /** a multiple of k1 (the state at a chunk's start must be one we kept); default k1 */
  k2?: number;
  /**
   * update after every chunk, on that chunk's mean loss (stateful training). Without it, gradients
   * accumulate for the caller as the gradient of the mean loss over all scored steps (each chunk
   * weighted by its share), so smaller chunks report the same loss as full BPTT.
   */
  optimizer?: Optimizer;
  clipNorm?: number;
  /** the state to start from (carried over from the previous batch of a stream); zeros when absent */
  initialState?: StreamState | null;
}

export interface TbpttResult { loss: number; count: number; chunks: number; finalState: StreamState }

function sliceInput(input: BatchInput, s: number, e: number): BatchInput {
  const { B } = input;
  return input.kind === "tokens"
    ? { kind: "tokens", ids: input.ids.subarray(s * B, e * B), T: e - s, B }
    : { kind: "features", x: input.x.subarray(s * B * input.D, e * B * input.D), T: e - s, B, D: input.D };
}

/** The target rows of steps [s, e), with steps before `scoreFrom` ignored (−1 labels / masked values). */
function sliceTarget(target: BatchTarget, B: number, s: number, e: number, scoreFrom: number): BatchTarget {
  if (target.kind === "classPerStep") {
    const labels = target.labels.slice(s * B, e * B);
    labels.fill(-1, 0, (scoreFrom - s) * B);
    return { kind: "classPerStep", labels };
  }
  if (target.kind === "valuePerStep") {
    const values = target.values.slice(s * B * target.size, e * B * target.size);
    values.fill(NaN, 0, (scoreFrom - s) * B * target.size);   // NaN = not scored (masked below)
    return { kind: "valuePerStep", values, size: target.size };
  }
  return fail("tbptt", "batch.target.kind", '"classPerStep" or "valuePerStep" (a loss at every step)', target.kind);
}

export function tbptt(model: SequenceModel, batch: Batch, opts: TbpttOptions): TbpttResult {
  const fn = "tbptt";
  const { T, B } = batch.input;
  const k1 = checkInt(fn, "k1", opts.k1, 1), k2 = checkInt(fn, "k2", opts.k2 ?? k1, k1);
  if (k2 % k1 !== 0) fail(fn, "k2", `a multiple of k1 (${k1})`, k2);
  if (batch.lengths) throw new RnnlabError(`${fn}: batch has per-row lengths; truncated BPTT runs on unpadded streams`);
  if (model.config.head !== "every") fail(fn, "model.config.head", '"every" (a prediction at every step)', model.config.head);
  const states = new Map<number, StreamState | null>([[0, opts.initialState ?? null]]);
  const totalScored = opts.optimizer ? 0 : scoredCount(batch.target);
  const before = opts.optimizer ? [] : model.groups().map((g) => g.grads.slice());
  let total = 0, count = 0, chunks = 0, scored = 0, finalState: StreamState | null = null;
  while (scored < T) {
    const e = Math.min(scored + k1, T);                  // this chunk scores steps [scored, e) …
    const s = Math.max(0, scored - (k2 - k1));           // … and backpropagates from s (a kept multiple of k1)
    const start = states.get(s);
    if (start === undefined) throw new RnnlabError(`${fn}: internal: no state kept at step ${s}`);
    const sub: Batch = { input: sliceInput(batch.input, s, e), target: sliceTarget(batch.target, B, s, e, scored), lengths: null };
    if (opts.optimizer) model.zeroGrad();                // without an optimizer, gradients accumulate for the caller
    const out = model.forward(sub, start ? { h0: start.h, ...(start.c ? { c0: start.c } : {}) } : undefined);
    if (!opts.optimizer) model.groups().forEach((g, i) => before[i].set(g.grads));
    const r = model.lossAndBackward();
    if (!opts.optimizer && totalScored > 0) {             // weight this chunk's mean by its share of all scored steps
      const w = r.count / totalScored;
      model.groups().forEach((g, i) => { const b = before[i]; for (let j = 0; j < b.length; j++) g.grads[j] = b[j] + (g.grads[j] - b[j]) * w; });
    }
    if (opts.optimizer) {
      if (opts.clipNorm !== undefined) clipGradNorm(model.groups(), opts.clipNorm);
      opts.optimizer.step(model.groups());
    }
    total += r.loss * r.count; count += r.count; chunks++;
    finalState = { h: detach(out.hN), c: out.cN ? detach(out.cN) : null };   // carried on, no gradient through it
    states.set(e, finalState);
    scored = e;
  }
  return { loss: count ? total / count : 0, count, chunks, finalState: finalState! };
}

function scoredCount(target: BatchTarget): number {
  if (target.kind === "classPerStep") return target.labels.reduce((n, y) => n + (y === -1 ? 0 : 1), 0);
  if (target.kind === "valuePerStep") return target.values.reduce((n, v) => n + (Number.isNaN(v) ? 0 : 1), 0);
  return 0;
}

const detach = (t: Tensor) => new Tensor([...t.shape], t.data.slice());
