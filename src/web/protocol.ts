// Messages between the playground page (app.ts) and its training worker (worker.ts).

export type TaskName = "names" | "sine" | "adding" | "mnist";

export interface RunConfig {
  task: TaskName;
  cell: "rnn" | "lstm" | "gru";
  peepholes: boolean;
  /** LSTM / GRU gate activation: sigmoid (the usual) or tanh (a gate that can go negative) */
  gates: "sigmoid" | "tanh";
  hiddenSize: number;
  batchSize: number;
  lr: number;
  steps: number;
  /** sequence length of the synthetic tasks (sine window, adding T) */
  seqLen: number;
  seed: number;
  /** "auto" (wasm when available) or "ref" */
  backend: "auto" | "ref";
  /** names: how samples are drawn (also changeable mid-run with a "sample" message) */
  sampling: SamplingOptions;
}

/** names task: every sampled name starts with `prefix`; logits are divided by `temperature` */
export interface SamplingOptions { prefix: string; temperature: number }

export type SampleView =
  | { kind: "text"; title: string; lines: string[] }
  | { kind: "series"; title: string; input: number[]; target: number[]; prediction: number[] }
  | { kind: "digits"; title: string; items: { pixels: number[]; label: number; predicted: number }[] };

export interface ParamRowView { name: string; shape: number[]; count: number; formula: string; rms: number; gradRms: number }

export interface Snapshot {
  step: number;
  /** held-out metric on a fixed test subset */
  test: { name: string; value: number };
  /** from analysis/gateStats over the traced sequence: per gate, the first units over time, and saturation */
  gates: { hiddenSize: number; labels: string[]; marks: number[]; gates: { name: string; short: string; tanh: boolean; units: number[][]; mean: number; low: number; high: number }[] };
  gradFlow: number[];
  params: ParamRowView[];
  paramTotal: number;
  sample: SampleView;
}

export type ToWorker =
  /** threads: wanted threads for the wasm kernels (null: 2 where the page is cross-origin isolated and there are ≥ 4 cores, else 1) */
  | { type: "init"; backend: "auto" | "ref"; threads: number | null }
  | { type: "start"; config: RunConfig }
  | { type: "stop" }
  | { type: "sample"; sampling?: SamplingOptions }
  | { type: "pause" }
  | { type: "resume" }
  /** one training step while paused (then a snapshot) */
  | { type: "step" }
  /** MNIST: classify a drawn 28×28 digit (pixels 0…1, row-major) with the current network */
  | { type: "classify"; pixels: number[] };

export type FromWorker =
  /** threads: how many threads the wasm kernels use (1 unless the page is cross-origin isolated) */
  | { type: "ready"; backend: "native" | "wasm" | "ref"; reason: string | null; threads: number }
  | { type: "started"; config: RunConfig; paramTotal: number; reference: { value: number; label: string } | null }
  | { type: "progress"; step: number; losses: number[]; stepsPerSecond: number }
  | { type: "snapshot"; snapshot: Snapshot }
  | { type: "paused"; step: number }
  | { type: "classified"; probabilities: number[] }
  /** parallelCalls: kernel calls of this run that a second thread shared (0 on one thread) */
  | { type: "done"; step: number; stopped: boolean; seconds: number; parallelCalls: number }
  | { type: "error"; message: string };
