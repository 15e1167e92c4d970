// The experiments behind `npm run eval`: each trains a model as the issue states it and returns
// plain numbers and learning curves (no I/O). `smoke` shrinks every run to a few batches so a
// test can check the whole path in seconds.
import { SequenceModel, type ModelConfig } from "../train/model.ts";
import { fit, evaluate, evaluateStream, type EpochInfo } from "../train/fit.ts";
import { adam } from "../train/optim.ts";
import { cosine } from "../train/schedule.ts";
import { generate } from "../train/generate.ts";
import { addingProblem, mnistRows, mobyDick } from "../train/data/index.ts";
import type { SeqDataset } from "../train/batch.ts";

export interface CurvePoint { epoch: number; step: number; seconds: number; trainLoss: number; testLoss: number; testAccuracy: number | null }
export interface ExperimentResult { name: string; claim: string; passed: boolean; seconds: number; metrics: Record<string, number | string>; curves: Record<string, CurvePoint[]> }
export interface ExperimentOptions { smoke?: boolean; log?: (line: string) => void }

function curve(history: EpochInfo[], t0: number): CurvePoint[] {
  return history.map((h) => ({ epoch: h.epoch + 1, step: h.steps, seconds: (performance.now() - t0) / 1000,
    trainLoss: h.train.loss, testLoss: h.test?.loss ?? NaN, testAccuracy: h.test?.accuracy ?? null }));
}

interface TrainOptions {
  epochs: number; batchSize: number; lr: number; clipNorm?: number; smoke?: boolean; log?: (s: string) => void;
  maxBatchesPerEpoch?: number;
  /** test batches per epoch for the learning curve (the final figure always uses the whole split) */
  curveEvalBatches?: number;
}

function train(name: string, data: SeqDataset, config: ModelConfig, o: TrainOptions) {
  const model = new SequenceModel(config), t0 = performance.now();
  const perEpoch = o.smoke ? 2 : o.maxBatchesPerEpoch ?? Math.ceil(data.size("train") / o.batchSize);
  const epochs = o.smoke ? 1 : o.epochs;
  const r = fit(model, data, {
    epochs, batchSize: o.batchSize, optimizer: adam({ lr: o.lr }), clipNorm: o.clipNorm ?? 5, seed: 1,
    schedule: cosine(epochs * perEpoch), maxBatchesPerEpoch: perEpoch, maxEvalBatches: o.smoke ? 2 : o.curveEvalBatches,
    onEpoch: (e) => o.log?.(`${name} epoch ${e.epoch + 1}/${epochs}: train loss ${e.train.loss.toFixed(4)}, test loss ${e.test!.loss.toFixed(4)}` +
      (e.test!.accuracy !== null ? `, test accuracy ${(100 * e.test!.accuracy).toFixed(2)} %` : "") + ` (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
  });
  return { model, history: r.history, curve: curve(r.history, t0), seconds: (performance.now() - t0) / 1000 };
}

/** The LSTM note's model: MNIST row by row (28 steps of 28 pixels), LSTM 128, dense 10 on the last output. */
export function noteMnist(o: ExperimentOptions = {}): ExperimentResult {
  const data = mnistRows();
  const r = train("mnist", data, { cell: "lstm", inputKind: "features", inputSize: 28, hiddenSize: 128, outputSize: 10, head: "last", loss: "class", seed: 1 },
    { epochs: 25, batchSize: 64, lr: 0.003, ...o });
  const test = evaluate(r.model, data, "test", 250, o.smoke ? 1 : undefined);
  return { name: "mnist", claim: "the note's LSTM (128 units) reaches ≥ 97 % on the 2,000 held-out digits", passed: test.accuracy! >= 0.97,
    seconds: r.seconds, metrics: { testAccuracy: test.accuracy!, testLoss: test.loss, epochs: r.history.length, trainExamples: data.size("train"), testExamples: test.count },
    curves: { lstm: r.curve } };
}

/** Hochreiter & Schmidhuber's adding problem at T = 100: LSTM vs a tanh RNN of the same size. */
export function addingLstmVsRnn(o: ExperimentOptions = {}): ExperimentResult {
  const data = addingProblem({ T: 100, trainSize: 6400, testSize: 1000 });
  const base = { inputKind: "features" as const, inputSize: 2, hiddenSize: 64, outputSize: 1, head: "last" as const, loss: "value" as const, seed: 1 };
  const opts = { epochs: 30, batchSize: 64, lr: 0.01, clipNorm: 1, ...o };
  const lstm = train("adding/lstm", data, { ...base, cell: "lstm" }, opts);
  const rnn = train("adding/rnn", data, { ...base, cell: "rnn" }, opts);
  const lstmMse = evaluate(lstm.model, data, "test", 250, o.smoke ? 1 : undefined).loss, rnnMse = evaluate(rnn.model, data, "test", 250, o.smoke ? 1 : undefined).loss;
  return { name: "adding", claim: "at T = 100 the LSTM reaches test MSE < 0.01 while a tanh RNN of the same size stays above 0.1 (predicting the mean: ≈ 0.167)",
    passed: lstmMse < 0.01 && rnnMse > 0.1, seconds: lstm.seconds + rnn.seconds,
    metrics: { lstmTestMse: lstmMse, rnnTestMse: rnnMse, steps: lstm.history[lstm.history.length - 1].steps, hiddenSize: 64, T: 100 },
    curves: { lstm: lstm.curve, rnn: rnn.curve } };
}

/** Character LM on Moby Dick: validation bits per character after a bounded run, and a sample. */
export function charLm(o: ExperimentOptions = {}): ExperimentResult {
  const data = mobyDick({ seqLen: 100 });
  const r = train("charlm", data, { cell: "lstm", inputKind: "tokens", inputSize: data.inputSize, embeddingDim: 64, hiddenSize: 256, outputSize: data.inputSize,
    head: "every", loss: "class", seed: 1 }, { epochs: 25, batchSize: 32, lr: 0.01, maxBatchesPerEpoch: 200, curveEvalBatches: 10, ...o });
  // the usual figure: the validation text read as one stream, the state carried across windows
  const stream = evaluateStream(r.model, data, "test", o.smoke ? 2 : undefined);
  const windows = evaluate(r.model, data, "test", 32, o.smoke ? 1 : undefined);  // each 100-char window from an empty state
  const sample = generate(r.model, data.vocab!, "Call me", { length: o.smoke ? 20 : 300, temperature: 0.7, seed: 1 });
  return { name: "charlm", claim: "a character LSTM on Moby Dick reaches validation bits per character < 2.0 in a bounded run",
    passed: stream.bitsPerToken! < 2, seconds: r.seconds,
    metrics: { validationBitsPerChar: stream.bitsPerToken!, validationBitsPerCharFreshWindows: windows.bitsPerToken!, validationChars: stream.count,
      steps: r.history[r.history.length - 1].steps, hiddenSize: 256, vocab: data.inputSize, sample: `Call me${sample}` },
    curves: { lstm: r.curve } };
}

export const EXPERIMENTS = { mnist: noteMnist, adding: addingLstmVsRnn, charlm: charLm } as const;
