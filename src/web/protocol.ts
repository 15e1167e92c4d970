// Messages between the playground page (app.ts) and its training worker (worker.ts).

export type TaskName = "names" | "sine" | "adding" | "mnist";

export interface RunConfig {
  task: TaskName;
  cell: "rnn" | "lstm" | "gru";
  peepholes: boolean;
  hiddenSize: number;
  batchSize: number;
  lr: number;
  steps: number;
  /** sequence length of the synthetic tasks (sine window, adding T) */
  seqLen: number;
  seed: number;
  /** "auto" (wasm when available) or "ref" */
  backend: "auto" | "ref";
}

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
  | { type: "init"; backend: "auto" | "ref" }
  | { type: "start"; config: RunConfig }
  | { type: "stop" }
  | { type: "sample" };

export type FromWorker =
  | { type: "ready"; backend: "wasm" | "ref"; reason: string | null }
  | { type: "started"; config: RunConfig; paramTotal: number; reference: { value: number; label: string } | null }
  | { type: "progress"; step: number; losses: number[]; stepsPerSecond: number }
  | { type: "snapshot"; snapshot: Snapshot }
  | { type: "done"; step: number; stopped: boolean; seconds: number }
  | { type: "error"; message: string };
