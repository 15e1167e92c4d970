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
  /** number of seeds (seed, seed + 1, …): initialization, data and batch order differ per seed (default 1) */
  seeds?: number;
  /** variant names to run (default all) */
  variants?: string[];
  onProgress?: (done: number, total: number, label: string) => void;
  shouldStop?: () => boolean;
}

export interface AblationSeedRun { seed: number; testMse: number; finalTrainLoss: number; diverged: boolean; steps: number; curve: number[] }

export interface AblationRow {
  name: string; change: string;
  /** held-out MSE: the mean over the seeds that did not diverge */
  testMse: number;
  finalTrainLoss: number;
  /** every seed diverged */
  diverged: boolean;
  steps: number; seconds: number;
  /** training loss every `curveEvery` steps (mean over the window; with several seeds the mean of their curves) */
  curve: number[];
  /** spread over the seeds: smallest and largest held-out MSE, standard deviation of log10 MSE */
  testMseMin: number; testMseMax: number; log10Std: number;
  /** seeds whose held-out MSE is below a tenth of predicting the mean (the task was learned) */
  learned: number;
  runs: AblationSeedRun[];
}

export interface Ablation {
  task: "adding"; T: number; hiddenSize: number; steps: number; batchSize: number; lr: number;
  /** the MSE of always predicting the mean sum, 1 = Var(U1 + U2) = 1/6 */
  baselineMse: number; curveEvery: number; rows: AblationRow[]; seeds: number[]; stopped: boolean;
}

export function ablate(o: AblationOptions = {}): Ablation {
  const T = o.T ?? 50, H = o.hiddenSize ?? 32, steps = o.steps ?? 1500, B = o.batchSize ?? 32, lr = o.lr ?? 0.01, seed = o.seed ?? 1;
  const seeds = Array.from({ length: o.seeds ?? 1 }, (_, i) => seed + i);
  const variants = o.variants ? ABLATION_VARIANTS.filter((v) => o.variants!.includes(v.name)) : ABLATION_VARIANTS;
  const curveEvery = Math.max(1, Math.floor(steps / 50)), rows: AblationRow[] = [], total = variants.length * seeds.length * steps;
  const baselineMse = addingProblem({ T, trainSize: 1, testSize: 1 }).baselineMse;
  let done = 0;
  const result = (stopped: boolean): Ablation => ({ task: "adding", T, hiddenSize: H, steps, batchSize: B, lr, baselineMse, curveEvery, rows, seeds, stopped });
  for (const v of variants) {
    const t0 = performance.now(), runs: AblationSeedRun[] = [];
    for (const s of seeds) {
      if (o.shouldStop?.()) return result(true);
      const data = addingProblem({ T, trainSize: 100000, testSize: 512, dataSeed: s });
      const net = new ProbeNet({ kind: "lstm", cell: { inputSize: 2, hiddenSize: H, forgetBias: 1, ...v.cell }, outputSize: 1, loss: "value", seed: s });
      const r = trainProbe(net, data, { steps, batchSize: B, lr, seed: s, shouldStop: o.shouldStop, onStep: () => o.onProgress?.(++done, total, `${v.name}, seed ${s}`) });
      if (r.stopped) { net.dispose(); return result(true); }
      done += steps - r.steps;                              // a diverged run ends early
      const testMse = r.diverged ? NaN : evaluateProbe(net, data, 128).loss;
      net.dispose();
      const curve: number[] = [];
      for (let i = 0; i + curveEvery <= r.losses.length; i += curveEvery) curve.push(mean(r.losses.slice(i, i + curveEvery)));
      runs.push({ seed: s, testMse, finalTrainLoss: mean(r.losses.slice(-50)), diverged: r.diverged || !Number.isFinite(testMse), steps: r.steps, curve });
    }
    const ok = runs.filter((r) => !r.diverged), mses = ok.map((r) => r.testMse), logs = mses.map(Math.log10);
    const m = mean(logs), len = Math.min(...runs.map((r) => r.curve.length));
    rows.push({
      name: v.name, change: v.change, testMse: ok.length ? mean(mses) : NaN, finalTrainLoss: ok.length ? mean(ok.map((r) => r.finalTrainLoss)) : NaN,
      diverged: ok.length === 0, steps: runs.reduce((a, r) => a + r.steps, 0), seconds: (performance.now() - t0) / 1000,
      curve: Array.from({ length: Number.isFinite(len) ? len : 0 }, (_, i) => mean(runs.map((r) => r.curve[i]))),
      testMseMin: ok.length ? Math.min(...mses) : NaN, testMseMax: ok.length ? Math.max(...mses) : NaN,
      log10Std: logs.length > 1 ? Math.sqrt(logs.reduce((a, x) => a + (x - m) ** 2, 0) / (logs.length - 1)) : 0,
      learned: mses.filter((x) => x < 0.1 * baselineMse).length, runs,
    });
  }
  return result(false);
}

function mean(v: number[]): number { return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN; }
