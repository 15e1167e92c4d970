// The guided experiments: the claims of the "Understanding LSTM" line of explainers as runs the
// page makes side by side, each with one sentence on what to look for. Every run changes only
// what the experiment is about (same data, seed, sizes and learning rate); the figures quoted in
// `lookFor` were measured with these settings (docs/browser.md).
import type { RunConfig } from "./protocol.ts";

export interface Experiment {
  what: string;
  lookFor: string;
  /** the runs, each a change to the controls' settings */
  runs: Partial<RunConfig>[];
}

const adding = (T: number, steps: number): Partial<RunConfig> =>
  ({ task: "adding", seqLen: T, hiddenSize: 32, batchSize: 32, lr: 0.01, steps, seed: 1, peepholes: false, gates: "sigmoid" });

export const EXPERIMENTS: Record<string, Experiment> = {
  vanishing: {
    what: "The adding problem over 50 steps: an RNN, then an LSTM, same settings.",
    lookFor: "the runs list and the gradient-flow plot: after training, the gradient reaching t = 0 is about 1e-3 of the last step's for the RNN, which learned nothing (MSE about 0.17), and about half of it for the LSTM, which learned the sum (MSE about 0.002).",
    runs: [{ ...adding(50, 1500), cell: "rnn" }, { ...adding(50, 1500), cell: "lstm" }],
  },
  memory: {
    what: "The adding problem at growing lengths (the two marked numbers up to T steps apart): an RNN at T = 10 and 20, an LSTM at T = 20 and 50.",
    lookFor: "the held-out MSE in the runs list: the RNN learns the sum at T = 10 (about 0.003) but stays at the 'predict the mean' level (about 0.17) at T = 20, while the LSTM learns at T = 20 and at T = 50 (about 0.001).",
    runs: [{ ...adding(10, 1500), cell: "rnn" }, { ...adding(20, 1500), cell: "rnn" }, { ...adding(20, 1500), cell: "lstm" }, { ...adding(50, 1500), cell: "lstm" }],
  },
  peepholes: {
    what: "An LSTM without and with peepholes (the gates also see the cell state), adding problem over 50 steps.",
    lookFor: "the two loss curves: both learn (held-out MSE about 0.0015 without and 0.0009 with peepholes); the difference is small next to RNN vs LSTM. Peepholes were proposed for precise timing (Gers, Schraudolph & Schmidhuber 2002).",
    runs: [{ ...adding(50, 1500), cell: "lstm" }, { ...adding(50, 1500), cell: "lstm", peepholes: true }],
  },
  gates: {
    what: "An LSTM with sigmoid gates (0…1), then the same LSTM with tanh gates (−1…1), adding problem over 50 steps.",
    lookFor: "the sigmoid-gated LSTM learns (MSE about 0.0015), the tanh-gated one stays above the 'predict the mean' line (about 0.20): a gate that can be negative flips what it lets through instead of opening and closing; in the heatmap its i, f, o rows turn orange where they go below 0.",
    runs: [{ ...adding(50, 1500), cell: "lstm", gates: "sigmoid" }, { ...adding(50, 1500), cell: "lstm", gates: "tanh" }],
  },
};
