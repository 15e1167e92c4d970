// The note's question "can sigmoid and tanh be swapped?", answered by training. One LSTM per
// variant on the adding problem, everything else equal (data, seed, initialization, steps):
//   gates   sigmoid (baseline) · hard sigmoid (Keras 2: clip(0.2x + 0.5, 0, 1)) · tanh (gates in [−1, 1])
//   cell    tanh (baseline) · relu (unbounded c and h) · softsign (x / (1 + |x|))
//   peepholes on (Gers & Schmidhuber 2000) · forget bias 0 instead of 1
// The baseline is TF-1's BasicLSTMCell: sigmoid gates, tanh, forget bias 1 (the note's cell).
import { ABLATION_VARIANTS } from "./ablate-variants.ts";
import { addingProblem } from "../train/data/synthetic.ts";
import { ProbeNet, trainProbe, evaluateProbe } from "./probe-net.ts";

export { ABLATION_VARIANTS, type AblationVariant } from "./ablate-variants.ts";

export interface AblationOptions {
  /** sequence length of the adding problem (default 50) */
  T?: number;
  hiddenSize?: number;
  steps?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  /** variant names to run (default all) */
  variants?: string[];
  onProgress?: (done: number, total: number, label: string) => void;
  shouldStop?: () => boolean;
}

export interface AblationRow {
  name: string; change: string; testMse: number; finalTrainLoss: number; diverged: boolean; steps: number; seconds: number;
  /** training loss every `curveEvery` steps (mean over the window) */
  curve: number[];
}

export interface Ablation {
  task: "adding"; T: number; hiddenSize: number; steps: number; batchSize: number; lr: number;
  /** the MSE of always predicting the mean sum, 1 = Var(U1 + U2) = 1/6 */
  baselineMse: number; curveEvery: number; rows: AblationRow[]; stopped: boolean;
}

export function ablate(o: AblationOptions = {}): Ablation {
  const T = o.T ?? 50, H = o.hiddenSize ?? 32, steps = o.steps ?? 1500, B = o.batchSize ?? 32, lr = o.lr ?? 0.01, seed = o.seed ?? 1;
  const variants = o.variants ? ABLATION_VARIANTS.filter((v) => o.variants!.includes(v.name)) : ABLATION_VARIANTS;
  const data = addingProblem({ T, trainSize: 100000, testSize: 512, dataSeed: seed });
  const curveEvery = Math.max(1, Math.floor(steps / 50)), rows: AblationRow[] = [], total = variants.length * steps;
  let done = 0;
  const result = (stopped: boolean): Ablation => ({ task: "adding", T, hiddenSize: H, steps, batchSize: B, lr, baselineMse: data.baselineMse, curveEvery, rows, stopped });
  for (const v of variants) {
    if (o.shouldStop?.()) return result(true);
    const t0 = performance.now();
    const net = new ProbeNet({ kind: "lstm", cell: { inputSize: 2, hiddenSize: H, forgetBias: 1, ...v.cell }, outputSize: 1, loss: "value", seed });
    const r = trainProbe(net, data, { steps, batchSize: B, lr, seed, shouldStop: o.shouldStop, onStep: () => o.onProgress?.(++done, total, v.name) });
    if (r.stopped) { net.dispose(); return result(true); }
    done += steps - r.steps;                              // a diverged run ends early
    const testMse = r.diverged ? NaN : evaluateProbe(net, data, 128).loss;
    net.dispose();
    const curve: number[] = [];
    for (let i = 0; i + curveEvery <= r.losses.length; i += curveEvery) curve.push(r.losses.slice(i, i + curveEvery).reduce((a, b) => a + b, 0) / curveEvery);
    const tail = r.losses.slice(-50);
    rows.push({ name: v.name, change: v.change, testMse, finalTrainLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
      diverged: r.diverged || !Number.isFinite(testMse), steps: r.steps, seconds: (performance.now() - t0) / 1000, curve });
  }
  return result(false);
}
