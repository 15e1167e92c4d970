// assembly/activations.ts — mirrors src/kernels/ref/activations.ts. Activations are i32 codes with
// the numbering of `Act` in src/kernels/types.ts. act4/actGrad4 switch on the code; callers either
// branch on the code once per call (actForward) or pass a constant code into an @inline body, which
// the optimiser folds so the hot case (sigmoid gates, tanh cell) has no switch left in its loop.
// Derivatives are written in terms of the OUTPUT y = f(x), as in the reference.
import { exp4, exp1, expm1_4, expm1_1, sigmoid4, sigmoid1, tanh4, tanh1 } from "./math";

export const LINEAR: i32 = 0;
export const TANH: i32 = 1;
export const SIGMOID: i32 = 2;
export const RELU: i32 = 3;
export const SOFTSIGN: i32 = 4;
export const HARD_SIGMOID: i32 = 5;     // Keras 2: clip(0.2·x + 0.5, 0, 1)
export const HARD_SIGMOID_V3: i32 = 6;  // Keras 3 / PyTorch: clip(x/6 + 1/2, 0, 1)
export const ELU: i32 = 7;

const HS_SLOPE: f32 = 0.2;
const HS3_SLOPE: f32 = <f32>(1.0 / 6);

/** f(x) on 4 lanes. Unknown codes give x (the adapter validates codes before calling). */
// @ts-ignore: decorator
@inline export function act4(x: v128, act: i32): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1), half = f32x4.splat(0.5);
  switch (act) {
    case TANH: return tanh4(x);
    case SIGMOID: return sigmoid4(x);
    case RELU: return v128.and(x, f32x4.gt(x, zero));                          // x > 0 ? x : +0
    case SOFTSIGN: return f32x4.div(x, f32x4.add(one, f32x4.abs(x)));
    case HARD_SIGMOID:
      return f32x4.min(one, f32x4.max(zero, f32x4.add(f32x4.mul(f32x4.splat(HS_SLOPE), x), half)));
    case HARD_SIGMOID_V3:
      return f32x4.min(one, f32x4.max(zero, f32x4.add(f32x4.mul(x, f32x4.splat(HS3_SLOPE)), half)));
    case ELU: return v128.bitselect(x, expm1_4(x), f32x4.gt(x, zero));
    default: return x;                                                         // LINEAR
  }
}

/** f′ from y = f(x) on 4 lanes. */
// @ts-ignore: decorator
@inline export function actGrad4(y: v128, act: i32): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  switch (act) {
    case TANH: return f32x4.sub(one, f32x4.mul(y, y));                        // 1 − tanh²
    case SIGMOID: return f32x4.mul(y, f32x4.sub(one, y));                     // σ(1 − σ)
    case RELU: return v128.and(one, f32x4.gt(y, zero));
    case SOFTSIGN: { const t = f32x4.sub(one, f32x4.abs(y)); return f32x4.mul(t, t); } // (1 − |y|)²
    case HARD_SIGMOID: return v128.and(f32x4.splat(HS_SLOPE), v128.and(f32x4.gt(y, zero), f32x4.lt(y, one)));
    case HARD_SIGMOID_V3: return v128.and(f32x4.splat(HS3_SLOPE), v128.and(f32x4.gt(y, zero), f32x4.lt(y, one)));
    case ELU: return v128.bitselect(one, f32x4.add(y, one), f32x4.gt(y, zero)); // eˣ = y + 1 for x ≤ 0
    default: return one;                                                       // LINEAR
  }
}

/** f(x), scalar twin of act4. */
// @ts-ignore: decorator
@inline export function act1(x: f32, act: i32): f32 {
  switch (act) {
    case TANH: return tanh1(x);
    case SIGMOID: return sigmoid1(x);
    case RELU: return x > 0 ? x : <f32>0;
    case SOFTSIGN: return x / (<f32>1 + abs<f32>(x));
    case HARD_SIGMOID: return min<f32>(1, max<f32>(0, HS_SLOPE * x + <f32>0.5));
    case HARD_SIGMOID_V3: return min<f32>(1, max<f32>(0, x * HS3_SLOPE + <f32>0.5));
    case ELU: return x > 0 ? x : expm1_1(x);
    default: return x;
  }
}

/** f′ from y, scalar twin of actGrad4. */
// @ts-ignore: decorator
@inline export function actGrad1(y: f32, act: i32): f32 {
  switch (act) {
    case TANH: return <f32>1 - y * y;
    case SIGMOID: return y * (<f32>1 - y);
    case RELU: return y > 0 ? <f32>1 : <f32>0;
    case SOFTSIGN: { const t = <f32>1 - abs<f32>(y); return t * t; }
    case HARD_SIGMOID: return y > 0 && y < 1 ? HS_SLOPE : <f32>0;
    case HARD_SIGMOID_V3: return y > 0 && y < 1 ? HS3_SLOPE : <f32>0;
    case ELU: return y > 0 ? <f32>1 : y + <f32>1;
    default: return 1;
  }
}

// @ts-ignore: decorator
@inline function actForwardImpl(y: usize, x: usize, n: i32, act: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, act4(v128.load(x + o), act));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, act1(load<f32>(x + o), act));
  }
}

/** y (n) = act(x) */
export function actForward(y: usize, x: usize, n: i32, act: i32): void {
  switch (act) {                                     // one specialised loop per code
    case TANH: actForwardImpl(y, x, n, TANH); break;
    case SIGMOID: actForwardImpl(y, x, n, SIGMOID); break;
    case RELU: actForwardImpl(y, x, n, RELU); break;
    case SOFTSIGN: actForwardImpl(y, x, n, SOFTSIGN); break;
    case HARD_SIGMOID: actForwardImpl(y, x, n, HARD_SIGMOID); break;
    case HARD_SIGMOID_V3: actForwardImpl(y, x, n, HARD_SIGMOID_V3); break;
    case ELU: actForwardImpl(y, x, n, ELU); break;
    default: actForwardImpl(y, x, n, LINEAR);
  }
}

// @ts-ignore: decorator
@inline function actBackwardImpl(dx: usize, dy: usize, y: usize, n: i32, act: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = f32x4.mul(v128.load(dy + o), actGrad4(v128.load(y + o), act));
    v128.store(dx + o, f32x4.add(v128.load(dx + o), g));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o) * actGrad1(load<f32>(y + o), act));
  }
}

/** dx (n) += dy · act′, from the saved output y */
export function actBackward(dx: usize, dy: usize, y: usize, n: i32, act: i32): void {
  switch (act) {
    case TANH: actBackwardImpl(dx, dy, y, n, TANH); break;
    case SIGMOID: actBackwardImpl(dx, dy, y, n, SIGMOID); break;
    case RELU: actBackwardImpl(dx, dy, y, n, RELU); break;
    case SOFTSIGN: actBackwardImpl(dx, dy, y, n, SOFTSIGN); break;
    case HARD_SIGMOID: actBackwardImpl(dx, dy, y, n, HARD_SIGMOID); break;
    case HARD_SIGMOID_V3: actBackwardImpl(dx, dy, y, n, HARD_SIGMOID_V3); break;
    case ELU: actBackwardImpl(dx, dy, y, n, ELU); break;
    default: actBackwardImpl(dx, dy, y, n, LINEAR);
  }
}

/** y (n) = e^x. Not part of the Kernels interface: exported so tests can measure exp4/exp1 directly. */
export function expForward(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, exp4(v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, exp1(load<f32>(x + o)));
  }
}
