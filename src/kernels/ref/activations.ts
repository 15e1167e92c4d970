// Reference activations. Each derivative is written in terms of the OUTPUT y = f(x), so a
// backward pass needs only what the forward pass already stored.
import { Act, type Buf } from "../types.ts";

/** f(x) for one scalar. sigmoid = the logistic function 1 / (1 + e^−x). */
export function act1(x: number, act: Act): number {
  switch (act) {
    case Act.Linear: return x;
    case Act.Tanh: return Math.tanh(x);
    case Act.Sigmoid: return sigmoid(x);
    case Act.Relu: return x > 0 ? x : 0;
    case Act.Softsign: return x / (1 + Math.abs(x));
    case Act.HardSigmoid: return Math.min(1, Math.max(0, 0.2 * x + 0.5)); // Keras 2
    case Act.HardSigmoidV3: return Math.min(1, Math.max(0, x / 6 + 0.5)); // Keras 3, torch Hardsigmoid
    case Act.Elu: return x > 0 ? x : Math.expm1(x);
  }
  throw new Error(`act1: unknown activation code ${act}`);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const ACT_FNS: Record<Act, (x: number) => number> = {
  [Act.Linear]: (x) => act1(x, Act.Linear), [Act.Tanh]: Math.tanh, [Act.Sigmoid]: sigmoid,
  [Act.Relu]: (x) => act1(x, Act.Relu), [Act.Softsign]: (x) => act1(x, Act.Softsign),
  [Act.HardSigmoid]: (x) => act1(x, Act.HardSigmoid), [Act.HardSigmoidV3]: (x) => act1(x, Act.HardSigmoidV3),
  [Act.Elu]: (x) => act1(x, Act.Elu),
};

/** act1 as a function of x alone, for loops that apply one activation many times: each call site
 *  then sees a single target and V8 inlines it (measured: the LSTM pointwise step 10 → 7 µs at H = 128). */
export function actFn(act: Act): (x: number) => number {
  const f = ACT_FNS[act];
  if (!f) throw new Error(`actFn: unknown activation code ${act}`);
  return f;
}

/** f′(x) expressed through y = f(x). */
export function actGrad1(y: number, act: Act): number {
  switch (act) {
    case Act.Linear: return 1;
    case Act.Tanh: return 1 - y * y;                         // tanh′ = 1 − tanh²
    case Act.Sigmoid: return y * (1 - y);                    // σ′ = σ(1 − σ)
    case Act.Relu: return y > 0 ? 1 : 0;
    case Act.Softsign: { const t = 1 - Math.abs(y); return t * t; } // 1/(1+|x|)² = (1 − |y|)²
    case Act.HardSigmoid: return y > 0 && y < 1 ? 0.2 : 0;
    case Act.HardSigmoidV3: return y > 0 && y < 1 ? 1 / 6 : 0;
    case Act.Elu: return y > 0 ? 1 : y + 1;                  // eˣ = y + 1 for x < 0
  }
  throw new Error(`actGrad1: unknown activation code ${act}`);
}

/** y (n) = act(x) */
export function actForward(y: Buf, x: Buf, n: number, act: Act): void {
  for (let i = 0; i < n; i++) y[i] = act1(x[i], act);
}

/** dx (n) += dy · act′, from the saved output y */
export function actBackward(dx: Buf, dy: Buf, y: Buf, n: number, act: Act): void {
  for (let i = 0; i < n; i++) dx[i] += dy[i] * actGrad1(y[i], act);
}
