// Losses and their gradients, with PyTorch's definitions:
//   softmax cross-entropy (nn.CrossEntropyLoss): mean over the counted rows of −log softmax(z)[label];
//     a label of −1 is ignored (PyTorch's ignore_index); ∂/∂z = (softmax(z) − onehot) / count
//   mean squared error (nn.MSELoss): mean over all elements of (p − t)²; ∂/∂p = 2 (p − t) / n
import type { Buf, Kernels } from "../kernels/types.ts";
import { kernelsFor } from "../kernels/index.ts";
import { fail, RnnlabError } from "../errors.ts";

export interface LossResult { loss: number; count: number }

/**
 * loss of logits (N, C) against labels (N); dLogits (N, C) is OVERWRITTEN with ∂loss/∂logits.
 * Uses log-sum-exp with the row maximum subtracted, so ±1000 logits stay finite. The arithmetic is
 * one kernel call (softmaxXent) on `kernels`, by default the backend that holds `logits`.
 */
export function softmaxCrossEntropy(dLogits: Buf | null, logits: Buf, labels: Int32Array, N: number, C: number,
                                    kernels: Kernels = kernelsFor(logits)): LossResult {
  const fn = "softmaxCrossEntropy";
  if (logits.length < N * C) fail(fn, "logits", `${N * C} values (N ${N} × C ${C})`, logits.length);
  if (labels.length !== N) fail(fn, "labels", `${N} labels (one per row)`, `${labels.length}`);
  let count = 0;
  for (let n = 0; n < N; n++) {
    const y = labels[n];
    if (y === -1) continue;
    if (!Number.isInteger(y) || y < 0 || y >= C) fail(fn, `labels[${n}]`, `a class in [0, ${C}) or −1 (ignored)`, y);
    count++;
  }
  if (dLogits && dLogits.length < N * C) fail(fn, "dLogits", `${N * C} values (N ${N} × C ${C})`, dLogits.length);
  if (count === 0) { dLogits?.fill(0, 0, N * C); return { loss: 0, count }; }
  const total = kernels.softmaxXent(dLogits, logits, labels, N, C, 1 / count);
  return { loss: total / count, count };
}

/** Mean squared error of pred (n) against target (n); dPred (n) OVERWRITTEN. Rows with mask 0 are skipped. */
export function meanSquaredError(dPred: Buf | null, pred: Buf, target: ArrayLike<number>, n: number, mask?: ArrayLike<number>): LossResult {
  const fn = "meanSquaredError";
  if (pred.length < n || target.length < n) throw new RnnlabError(`${fn}: pred has ${pred.length} and target ${target.length} values, expected ${n}`);
  let count = 0, total = 0;
  for (let i = 0; i < n; i++) if (!mask || mask[i]) count++;
  if (dPred) dPred.fill(0, 0, n);
  if (count === 0) return { loss: 0, count };
  for (let i = 0; i < n; i++) {
    if (mask && !mask[i]) continue;
    const t = target[i];
    if (!Number.isFinite(t)) fail(fn, `target[${i}]`, "finite", t);
    const d = pred[i] - t;
    total += d * d;
    if (dPred) dPred[i] = (2 * d) / count;
  }
  return { loss: total / count, count };
}

/** How many rows of logits (N, C) have their largest value at the label (label −1 rows are skipped). */
export function countCorrect(logits: Buf, labels: Int32Array, N: number, C: number): { correct: number; count: number } {
  let correct = 0, count = 0;
  for (let n = 0; n < N; n++) {
    if (labels[n] === -1) continue;
    let best = 0;
    for (let c = 1; c < C; c++) if (logits[n * C + c] > logits[n * C + best]) best = c;
    if (best === labels[n]) correct++;
    count++;
  }
  return { correct, count };
}
