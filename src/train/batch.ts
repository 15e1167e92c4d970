// What a dataset hands to a model: one batch, time-major, with per-row lengths for padded data.
// Datasets (src/train/data/) produce these; models and the training loop consume them.

/** Inputs are either feature vectors or token ids (for a model that starts with an Embedding). */
export type BatchInput =
  | { kind: "features"; x: Float32Array; T: number; B: number; D: number }   // x (T, B, D), time-major
  | { kind: "tokens"; ids: Int32Array; T: number; B: number };               // ids (T, B), time-major

/** What the model must predict. */
export type BatchTarget =
  /** one class per sequence, read from the output at each row's last valid step (MNIST rows, delayed recall) */
  | { kind: "class"; labels: Int32Array }                          // (B)
  /** one class per step (character LM, copy task); label −1 = ignore (padding, or steps with no target) */
  | { kind: "classPerStep"; labels: Int32Array }                   // (T, B) time-major
  /** one vector per sequence from the last valid output (adding problem, next value of a series) */
  | { kind: "value"; values: Float32Array; size: number }          // (B, size)
  /** one vector per step (sine forecasting); rows past their length are ignored */
  | { kind: "valuePerStep"; values: Float32Array; size: number };  // (T, B, size)

export interface Batch {
  input: BatchInput;
  target: BatchTarget;
  /** valid steps per row (padding after them), or null when every row has all T steps */
  lengths: Int32Array | null;
}

/** A dataset: fixed, seeded splits and a batch iterator. */
export interface SeqDataset {
  readonly name: string;
  /** features per step (for "features" input) or vocabulary size (for "tokens" input) */
  readonly inputSize: number;
  readonly inputKind: "features" | "tokens";
  /** classes (class targets) or values per prediction (value targets) */
  readonly outputSize: number;
  readonly targetKind: BatchTarget["kind"];
  /** number of examples (sequences) in a split */
  size(split: "train" | "test"): number;
  /**
   * The batches of one pass over a split, in an order fixed by `seed` (train: shuffled per seed;
   * test: in order). The last batch may be smaller. The same seed always gives the same batches.
   */
  batches(split: "train" | "test", batchSize: number, seed: number): Iterable<Batch>;
  /** for token datasets: id -> string of one token, and the reverse */
  vocab?: { decode(ids: ArrayLike<number>): string; encode(text: string): Int32Array };
}
