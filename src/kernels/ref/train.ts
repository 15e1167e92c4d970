// Reference loss and optimizer kernels, in double, rounded once on store. The formulas:
//   softmax cross-entropy (PyTorch nn.CrossEntropyLoss): −log softmax(z)[y] = logsumexp(z) − z[y],
//     ∂/∂z = softmax(z) − onehot(y), the row maximum subtracted first so ±1000 logits stay finite;
//   optimizer steps: PyTorch 1.13's torch.optim update rules (see src/train/optim.ts).
import type { Buf } from "../types.ts";

export function softmaxXent(dLogits: Buf | null, logits: Buf, labels: Int32Array, N: number, C: number, scale: number): number {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const y = labels[n]!, row = n * C;
    if (y < 0) { dLogits?.fill(0, row, row + C); continue; }
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[row + c]!);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[row + c]! - max);
    const logSum = max + Math.log(sum);
    total += logSum - logits[row + y]!;
    if (!dLogits) continue;
    for (let c = 0; c < C; c++) dLogits[row + c] = Math.exp(logits[row + c]! - logSum) * scale;
    dLogits[row + y] -= scale;
  }
  return total;
}

export function sumSquares(x: Buf, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
  return s;
}

export function scale(x: Buf, a: number, n: number): void {
  for (let i = 0; i < n; i++) x[i] *= a;
}

export function sgdStep(p: Buf, g: Buf, buf: Buf | null, n: number,
                        o: { lr: number; momentum: number; nesterov: boolean; weightDecay: number; first: boolean }): void {
  const { lr, momentum: mu, nesterov, weightDecay: wd, first } = o;
  for (let i = 0; i < n; i++) {
    let gi = g[i]! + wd * p[i]!;
    if (buf) {
      buf[i] = first ? gi : mu * buf[i]! + gi;
      gi = nesterov ? gi + mu * buf[i]! : buf[i]!;
    }
    p[i] -= lr * gi;
  }
}

export function adamStep(p: Buf, g: Buf, m: Buf, v: Buf, n: number,
                         o: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; t: number }): void {
  const { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, decoupled, t } = o;
  const stepSize = lr / (1 - b1 ** t), bc2Sqrt = Math.sqrt(1 - b2 ** t);
  for (let i = 0; i < n; i++) {
    let gi = g[i]!;
    if (decoupled) p[i] *= 1 - lr * wd; else gi += wd * p[i]!;
    m[i] = m[i]! * b1 + gi * (1 - b1);
    v[i] = v[i]! * b2 + gi * gi * (1 - b2);
    p[i] -= stepSize * m[i]! / (Math.sqrt(v[i]!) / bc2Sqrt + eps);
  }
}

export function rmspropStep(p: Buf, g: Buf, v: Buf, n: number, o: { lr: number; alpha: number; eps: number; weightDecay: number }): void {
  const { lr, alpha, eps, weightDecay: wd } = o;
  for (let i = 0; i < n; i++) {
    const gi = g[i]! + wd * p[i]!;
    v[i] = v[i]! * alpha + gi * gi * (1 - alpha);
    p[i] -= lr * gi / (Math.sqrt(v[i]!) + eps);
  }
}

export function adagradStep(p: Buf, g: Buf, s: Buf, n: number, o: { clr: number; eps: number; weightDecay: number }): void {
  const { clr, eps, weightDecay: wd } = o;
  for (let i = 0; i < n; i++) {
    const gi = g[i]! + wd * p[i]!;
    s[i] += gi * gi;
    p[i] -= clr * gi / (Math.sqrt(s[i]!) + eps);
  }
}
