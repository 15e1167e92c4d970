// Synthetic memory tasks. Example i of a split is a pure function of (dataSeed, split, i): it is
// generated on demand from its own Rng, so nothing is stored, any size costs no memory, and
// train and test never share a generator stream. Train order is shuffled per pass seed.
//   addingProblem  remember two marked values over T steps and add them       (value)
//   copyTask       reproduce a sequence of symbols after a delay                (classPerStep)
//   delayedRecall  report the symbol shown at step 0 after `lag` steps         (class)
//   sine           predict the next value of a sine wave at every step          (valuePerStep)
import { Rng } from "../../params/rng.ts";
import { RnnlabError, checkInt, checkKnownKeys, checkOneOf, fail } from "../../errors.ts";
import type { SeqDataset } from "../batch.ts";
import { checkSeed, makeDataset, mixSeed, splitId, type DatasetSpec, type Example, type Split } from "./batching.ts";

export interface SyntheticSizes {
  /** examples per split (defaults 10,000 and 1,000) */
  trainSize?: number;
  testSize?: number;
  /** seed of the examples themselves (default 1); the pass seed of batches() only orders them */
  dataSeed?: number;
}

const SIZE_KEYS = ["trainSize", "testSize", "dataSeed"];

type Shape = Omit<DatasetSpec, "size" | "examples" | "variableLength">;

function synthetic<X extends object>(fn: string, shape: Shape, opts: SyntheticSizes,
                                     generate: (rng: Rng) => Example, extra: X): SeqDataset & X {
  const trainSize = checkInt(fn, "trainSize", opts.trainSize ?? 10000, 1);
  const testSize = checkInt(fn, "testSize", opts.testSize ?? 1000, 0);
  const dataSeed = checkSeed(fn, "dataSeed", opts.dataSeed ?? 1);
  return makeDataset({
    ...shape, variableLength: false,
    size: (split: Split) => (split === "train" ? trainSize : testSize),
    examples: (split: Split) => (i) => generate(new Rng(mixSeed(dataSeed, splitId(split), i))),
  }, extra);
}

// ---- adding problem -------------------------------------------------------------------------

export interface AddingOptions extends SyntheticSizes {
  /** sequence length (default 100) */
  T?: number;
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997; this variant as in Le, Jaitly & Hinton 2015
 * and Arjovsky et al. 2016). Each step has 2 features: a value uniform in [0, 1) and a marker.
 * Exactly two markers are 1, one at a uniform step of the first half [0, ⌊T/2⌋) and one in the
 * second half [⌊T/2⌋, T); the target (value, size 1) is the sum of the two marked values (of
 * their float32 roundings, so it is exactly what the inputs show). Predicting the mean 1 always
 * gives MSE = Var(U₁ + U₂) = 1/6 ≈ 0.167: a model must beat that to have learned anything.
 */
export function addingProblem(opts: AddingOptions = {}): SeqDataset & { readonly T: number; readonly baselineMse: number } {
  const fn = "addingProblem";
  checkKnownKeys(fn, opts, ["T", ...SIZE_KEYS]);
  const T = checkInt(fn, "T", opts.T ?? 100, 2);
  const half = Math.floor(T / 2);
  return synthetic(fn, { name: "adding", inputKind: "features", inputSize: 2, outputSize: 1, targetKind: "value" }, opts,
    (rng) => {
      const x = new Float32Array(T * 2);                  // (T, 2): value, marker
      for (let t = 0; t < T; t++) x[t * 2] = rng.next();
      const a = rng.int(half), b = half + rng.int(T - half);
      x[a * 2 + 1] = 1; x[b * 2 + 1] = 1;
      return { length: T, input: x, target: [x[a * 2] + x[b * 2]] };
    }, { T, baselineMse: 1 / 6 });
}

// ---- copy task ------------------------------------------------------------------------------

export interface CopyOptions extends SyntheticSizes {
  /** distinct symbols (default 8) */
  symbols?: number;
  /** symbols to copy (default 10) */
  length?: number;
  /** steps between the end of the sequence and the start of the recall, the last one being "go" (default 20) */
  delay?: number;
}

/**
 * The copy task (Hochreiter & Schmidhuber 1997; layout of Arjovsky et al. 2016). T = 2·length +
 * delay steps of one-hot features, D = symbols + 2 (ids 0…symbols−1 the symbols, `blank` =
 * symbols, `go` = symbols + 1):
 *   steps 0 … length−1                 the sequence, symbols uniform and independent
 *   steps length … length+delay−2      blank
 *   step  length+delay−1               go
 *   steps length+delay … T−1           blank; the targets there are the sequence, in order
 * Target classPerStep: −1 (no target) everywhere else. Chance: loss ln(symbols) per recalled step.
 */
export function copyTask(opts: CopyOptions = {}): SeqDataset & { readonly T: number; readonly blank: number; readonly go: number } {
  const fn = "copyTask";
  checkKnownKeys(fn, opts, ["symbols", "length", "delay", ...SIZE_KEYS]);
  const symbols = checkInt(fn, "symbols", opts.symbols ?? 8, 1);
  const length = checkInt(fn, "length", opts.length ?? 10, 1);
  const delay = checkInt(fn, "delay", opts.delay ?? 20, 1);
  const D = symbols + 2, blank = symbols, go = symbols + 1, T = 2 * length + delay, recall = length + delay;
  return synthetic(fn, { name: "copy", inputKind: "features", inputSize: D, outputSize: symbols, targetKind: "classPerStep" }, opts,
    (rng) => {
      const x = new Float32Array(T * D), y = new Int32Array(T).fill(-1);
      for (let t = 0; t < T; t++) {
        let s = blank;
        if (t < length) { s = rng.int(symbols); y[recall + t] = s; } else if (t === recall - 1) s = go;
        x[t * D + s] = 1;
      }
      return { length: T, input: x, target: y };
    }, { T, blank, go });
}

// ---- delayed recall -------------------------------------------------------------------------

export interface RecallOptions extends SyntheticSizes {
  /** steps between the symbol and the answer (default 20): T = lag + 1 */
  lag?: number;
  /** distinct symbols (default 8) */
  symbols?: number;
  /** what fills the lag: "blank" (default) or "symbols" (random distractor symbols) */
  noise?: "blank" | "symbols";
}

/**
 * Delayed recall: a symbol (one-hot) at step 0, then `lag` steps of blank or of random
 * distractor symbols; the target (class, read at the last step T − 1 = lag) is the first symbol.
 * D = symbols + 1 (the last feature is blank). Chance accuracy 1/symbols. A direct probe of how
 * long a cell keeps one piece of information.
 */
export function delayedRecall(opts: RecallOptions = {}): SeqDataset & { readonly T: number } {
  const fn = "delayedRecall";
  checkKnownKeys(fn, opts, ["lag", "symbols", "noise", ...SIZE_KEYS]);
  const lag = checkInt(fn, "lag", opts.lag ?? 20, 0);
  const symbols = checkInt(fn, "symbols", opts.symbols ?? 8, 1);
  const noise = checkOneOf(fn, "noise", opts.noise ?? "blank", ["blank", "symbols"] as const);
  const D = symbols + 1, T = lag + 1;
  return synthetic(fn, { name: "recall", inputKind: "features", inputSize: D, outputSize: symbols, targetKind: "class" }, opts,
    (rng) => {
      const x = new Float32Array(T * D);
      const s = rng.int(symbols);
      x[s] = 1;
      for (let t = 1; t < T; t++) x[t * D + (noise === "blank" ? symbols : rng.int(symbols))] = 1;
      return { length: T, input: x, target: s };
    }, { T });
}

// ---- sine -------------------------------------------------------------------------------------

export interface SineOptions extends SyntheticSizes {
  /** steps per example (default 50) */
  window?: number;
  /** period range in steps, uniform (defaults 8 and 32) */
  minPeriod?: number;
  maxPeriod?: number;
}

/**
 * Sine forecasting, noise-free: x_t = sin(2π·t/P + φ), P uniform in [minPeriod, maxPeriod], φ
 * uniform in [0, 2π). Input x_0 … x_{window−1} (D = 1); target valuePerStep (size 1) = the next
 * value x_{t+1} at every step t, so a model is scored on every step, including the first ones
 * where it has not yet seen enough to know P and φ.
 */
export function sine(opts: SineOptions = {}): SeqDataset & { readonly T: number } {
  const fn = "sine";
  checkKnownKeys(fn, opts, ["window", "minPeriod", "maxPeriod", ...SIZE_KEYS]);
  const T = checkInt(fn, "window", opts.window ?? 50, 1);
  const minPeriod = checkPositive(fn, "minPeriod", opts.minPeriod ?? 8);
  const maxPeriod = checkPositive(fn, "maxPeriod", opts.maxPeriod ?? 32);
  if (maxPeriod < minPeriod) throw new RnnlabError(`${fn}: maxPeriod must be ≥ minPeriod (${minPeriod}), got ${maxPeriod}`);
  return synthetic(fn, { name: "sine", inputKind: "features", inputSize: 1, outputSize: 1, targetKind: "valuePerStep" }, opts,
    (rng) => {
      const w = (2 * Math.PI) / rng.uniform(minPeriod, maxPeriod), phase = rng.uniform(0, 2 * Math.PI);
      const v = Float32Array.from({ length: T + 1 }, (_, t) => Math.sin(w * t + phase));
      return { length: T, input: v.subarray(0, T), target: v.subarray(1) };
    }, { T });
}

function checkPositive(fn: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) fail(fn, arg, "a positive number", value);
  return value;
}
