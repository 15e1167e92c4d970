// assembly/train.ts — mirrors src/kernels/ref/train.ts: the loss and the optimizer steps, so a
// training step never leaves wasm for a loop over every parameter or logit. Same formulas, same
// argument order; the reference computes in double and rounds once on store, these compute in f32
// (sums of squares in f64). Labels arrive as an i32 array; the caller has checked them.
import { exp4, exp1 } from "./math";

/** The largest of n f32 at p. */
// @ts-ignore: decorator
@inline function rowMax(p: usize, n: i32): f32 {
  let m4 = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= n; j += 4) m4 = f32x4.max(m4, v128.load(p + (<usize>j << 2)));
  let m = max(max(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)), max(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
  for (; j < n; j++) m = max(m, load<f32>(p + (<usize>j << 2)));
  return m;
}

/** Σ exp(x − shift) over n f32 at p, in f64 (the per-element exponentials in f32). */
// @ts-ignore: decorator
@inline function sumExp(p: usize, n: i32, shift: f32): f64 {
  const s4 = f32x4.splat(shift);
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const e = exp4(f32x4.sub(v128.load(p + (<usize>j << 2)), s4));
    acc = f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(e), f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 0, 1))));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < n; j++) s += <f64>exp1(load<f32>(p + (<usize>j << 2)) - shift);
  return s;
}

/**
 * Softmax cross-entropy of logits (N,C) against labels (N, i32; −1 = ignored row). Returns
 * Σ_rows (logsumexp(z) − z[label]); if dLogits ≠ 0 it is OVERWRITTEN with
 * scale·(softmax(z) − onehot(label)) on counted rows and 0 on ignored ones.
 * (PyTorch nn.CrossEntropyLoss with the mean taken by the caller through `scale` = 1/count.)
 */
export function softmaxXent(dLogits: usize, logits: usize, labels: usize, N: i32, C: i32, scale: f32): f64 {
  let total: f64 = 0;
  const rowBytes = <usize>C << 2;
  for (let n = 0; n < N; n++) {
    const row = logits + <usize>n * rowBytes, y = load<i32>(labels + (<usize>n << 2));
    const d = dLogits + <usize>n * rowBytes;
    if (y < 0) {
      if (dLogits != 0) memory.fill(d, 0, rowBytes);
      continue;
    }
    const m = rowMax(row, C);
    const logSum = <f64>m + Math.log(sumExp(row, C, m));
    total += logSum - <f64>load<f32>(row + (<usize>y << 2));
    if (dLogits == 0) continue;
    // softmax = exp(z − max) / Σ: z − max is exact near the top, whereas z − logsumexp would carry
    // the f32 rounding of logsumexp (an ulp of 300 is 3e-5) into every probability
    const f = <f32>(<f64>scale / Math.exp(logSum - <f64>m)), m4 = f32x4.splat(m), f4 = f32x4.splat(f);
    let j = 0;
    for (; j + 4 <= C; j += 4) {
      const o = <usize>j << 2;
      v128.store(d + o, f32x4.mul(exp4(f32x4.sub(v128.load(row + o), m4)), f4));
    }
    for (; j < C; j++) { const o = <usize>j << 2; store<f32>(d + o, exp1(load<f32>(row + o) - m) * f); }
    const dy = d + (<usize>y << 2);
    store<f32>(dy, load<f32>(dy) - scale);
  }
  return total;
}

/** Σ x² over n f32, accumulated in f64 (a global gradient norm over millions of values). */
export function sumSquares(x: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v), hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) { const v = <f64>load<f32>(x + (<usize>i << 2)); s += v * v; }
  return s;
}

/** x (n) *= a */
export function scale(x: usize, a: f32, n: i32): void {
  const a4 = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) { const p = x + (<usize>i << 2); v128.store(p, f32x4.mul(v128.load(p), a4)); }
  for (; i < n; i++) { const p = x + (<usize>i << 2); store<f32>(p, load<f32>(p) * a); }
}

// The optimizer steps: four lanes at a time, then a scalar tail with the same f32 operations in
// the same order (so every element gets the same bits either way; f32x4 has no fused multiply-add).

/** SGD (torch.optim.SGD): g += λθ; b = μb + g (b = g on the first step); g = nesterov ? g + μb : b;
 *  θ −= lr·g. buf = 0 when μ = 0. */
export function sgdStep(p: usize, g: usize, buf: usize, n: i32, lr: f32, mu: f32, nesterov: i32, wd: f32, first: i32): void {
  const lr4 = f32x4.splat(lr), mu4 = f32x4.splat(mu), wd4 = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pi = v128.load(p + o);
    let gi = f32x4.add(v128.load(g + o), f32x4.mul(wd4, pi));
    if (buf != 0) {
      const b = first ? gi : f32x4.add(f32x4.mul(mu4, v128.load(buf + o)), gi);
      v128.store(buf + o, b);
      gi = nesterov ? f32x4.add(gi, f32x4.mul(mu4, b)) : b;
    }
    v128.store(p + o, f32x4.sub(pi, f32x4.mul(lr4, gi)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let gi = load<f32>(g + o) + wd * load<f32>(p + o);
    if (buf != 0) {
      const b = first ? gi : mu * load<f32>(buf + o) + gi;
      store<f32>(buf + o, b);
      gi = nesterov ? gi + mu * b : b;
    }
    store<f32>(p + o, load<f32>(p + o) - lr * gi);
  }
}

/** Adam / AdamW (torch.optim): decoupled ? θ *= decay : g += λθ; m = β1m + (1−β1)g;
 *  v = β2v + (1−β2)g²; θ −= stepSize·m / (√v / bc2Sqrt + ε) with stepSize = lr / (1 − β1ᵗ),
 *  bc2Sqrt = √(1 − β2ᵗ), decay = 1 − lr·λ. The caller computes 1 − β1, 1 − β2 and these in double:
 *  1 − f32(0.999) would be 1.3e-5 off, and √v carries that into every step. */
export function adamStep(p: usize, g: usize, m: usize, v: usize, n: i32, b1: f32, b1c: f32, b2: f32, b2c: f32, eps: f32,
                         wd: f32, decoupled: i32, decay: f32, stepSize: f32, bc2Sqrt: f32): void {
  const B1 = f32x4.splat(b1), B1C = f32x4.splat(b1c), B2 = f32x4.splat(b2), B2C = f32x4.splat(b2c), EPS = f32x4.splat(eps);
  const WD = f32x4.splat(wd), DECAY = f32x4.splat(decay), STEP = f32x4.splat(stepSize), BC2 = f32x4.splat(bc2Sqrt);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let gi = v128.load(g + o), pi = v128.load(p + o);
    if (decoupled) pi = f32x4.mul(pi, DECAY); else gi = f32x4.add(gi, f32x4.mul(WD, pi));
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), B1), f32x4.mul(gi, B1C));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), B2), f32x4.mul(f32x4.mul(gi, gi), B2C));
    v128.store(m + o, mi); v128.store(v + o, vi);
    v128.store(p + o, f32x4.sub(pi, f32x4.div(f32x4.mul(STEP, mi), f32x4.add(f32x4.div(f32x4.sqrt(vi), BC2), EPS))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let gi = load<f32>(g + o), pi = load<f32>(p + o);
    if (decoupled) pi *= decay; else gi += wd * pi;
    const mi = load<f32>(m + o) * b1 + gi * b1c, vi = load<f32>(v + o) * b2 + gi * gi * b2c;
    store<f32>(m + o, mi); store<f32>(v + o, vi);
    store<f32>(p + o, pi - stepSize * mi / (Mathf.sqrt(vi) / bc2Sqrt + eps));
  }
}

/** RMSprop (torch.optim.RMSprop, not centered): g += λθ; v = αv + (1−α)g²; θ −= lr·g / (√v + ε);
 *  ac = 1 − α from the caller, in double. */
export function rmspropStep(p: usize, g: usize, v: usize, n: i32, lr: f32, alpha: f32, ac: f32, eps: f32, wd: f32): void {
  const LR = f32x4.splat(lr), AL = f32x4.splat(alpha), AC = f32x4.splat(ac), EPS = f32x4.splat(eps), WD = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pi = v128.load(p + o), gi = f32x4.add(v128.load(g + o), f32x4.mul(WD, pi));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), AL), f32x4.mul(f32x4.mul(gi, gi), AC));
    v128.store(v + o, vi);
    v128.store(p + o, f32x4.sub(pi, f32x4.div(f32x4.mul(LR, gi), f32x4.add(f32x4.sqrt(vi), EPS))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o) + wd * load<f32>(p + o);
    const vi = load<f32>(v + o) * alpha + gi * gi * ac;
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - lr * gi / (Mathf.sqrt(vi) + eps));
  }
}

/** Adagrad (torch.optim.Adagrad): g += λθ; s += g²; θ −= clr·g / (√s + ε), clr = lr / (1 + (t−1)·decay) */
export function adagradStep(p: usize, g: usize, s: usize, n: i32, clr: f32, eps: f32, wd: f32): void {
  const CLR = f32x4.splat(clr), EPS = f32x4.splat(eps), WD = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pi = v128.load(p + o), gi = f32x4.add(v128.load(g + o), f32x4.mul(WD, pi));
    const si = f32x4.add(v128.load(s + o), f32x4.mul(gi, gi));
    v128.store(s + o, si);
    v128.store(p + o, f32x4.sub(pi, f32x4.div(f32x4.mul(CLR, gi), f32x4.add(f32x4.sqrt(si), EPS))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o) + wd * load<f32>(p + o);
    const si = load<f32>(s + o) + gi * gi;
    store<f32>(s + o, si);
    store<f32>(p + o, load<f32>(p + o) - clr * gi / (Mathf.sqrt(si) + eps));
  }
}
