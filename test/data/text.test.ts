// Character language modelling: charCorpus windows and vocabulary, and Moby-Dick.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { charCorpus, mobyDick, mobyDickText } from "../../src/train/data/text.ts";
import { CharVocab } from "../../src/train/data/vocab.ts";
import { Rng } from "../../src/params/rng.ts";
import type { Batch } from "../../src/train/batch.ts";
import { allBatches, batchArrays, checkBatch, checkBatchArgErrors, firstBatch } from "./check-batch.ts";

/** column b of a (T, B) array */
const column = (a: Int32Array, T: number, B: number, b: number) => Array.from({ length: T }, (_, t) => a[t * B + b]);
const rows = (batch: Batch) => {
  assert.ok(batch.input.kind === "tokens" && batch.target.kind === "classPerStep");
  const { ids, T, B } = batch.input, labels = batch.target.labels;
  return Array.from({ length: B }, (_, b) => ({ input: column(ids, T, B, b), target: column(labels, T, B, b) }));
};

describe("CharVocab", () => {
  it("sorted distinct characters; encode/decode round trip by code point", () => {
    const v = new CharVocab("toy", "héllo—wörld 𝄞");
    assert.deepEqual(v.chars, [" ", "d", "h", "l", "o", "r", "w", "é", "ö", "—", "𝄞"]);
    const s = "hé—𝄞 lord";
    assert.equal(v.decode(v.encode(s)), s);
    assert.equal(v.encode("𝄞").length, 1);            // an astral character is one token
    assert.equal(v.unknownId, -1);
  });
  it("rare characters map to one unknown id, decoded as U+FFFD", () => {
    const v = new CharVocab("toy", "aaabbc", { minCount: 2 });
    assert.deepEqual(v.tokens, ["a", "b", "\uFFFD"]);
    assert.deepEqual([...v.encode("abcz")], [0, 1, 2, 2]);
    assert.equal(v.decode(v.encode("cab")), "\uFFFDab");
    assert.deepEqual(v.dropped, new Map([["c", 1]]));
  });
  it("named errors", () => {
    const v = new CharVocab("toy", "abc");
    assert.throws(() => v.encode("abz"), /toy\.vocab\.encode: text\[2\] must be a character of the vocabulary, got "z"/);
    assert.throws(() => v.decode([0, 3]), /toy\.vocab\.decode: ids\[1\] must be an integer in \[0, 3\), got 3/);
    assert.throws(() => v.idOf("end"), /toy\.vocab\.idOf: name must be one of/);
  });
});

describe("charCorpus", () => {
  // 450 pseudo-random characters: every 8-character window occurs once, so a window's ids locate it
  const rng = new Rng(3);
  const text = Array.from({ length: 450 }, () => "abcdefghij "[rng.int(11)]).join("");
  const ds = charCorpus("toy", text, { seqLen: 8 });

  it("split 90/10 by position; non-overlapping windows", () => {
    assert.equal(ds.trainChars, 405); assert.equal(ds.testChars, 45);
    assert.equal(ds.size("train"), Math.floor(404 / 8) - 1);   // one spare window for the phase
    assert.equal(ds.size("test"), Math.floor(44 / 8));
    assert.equal(ds.inputSize, ds.vocab.size); assert.equal(ds.outputSize, ds.vocab.size);
    assert.equal(ds.inputKind, "tokens"); assert.equal(ds.targetKind, "classPerStep");
  });

  it("target = the input shifted by one character; test windows in order from the split point", () => {
    const batches = allBatches(ds, "test", 2, 0);
    const windows = batches.flatMap(rows);
    windows.forEach((w, k) => {
      const start = 405 + 8 * k;
      assert.equal(ds.vocab.decode(w.input), text.slice(start, start + 8));
      assert.equal(ds.vocab.decode(w.target), text.slice(start + 1, start + 9));
    });
    for (const b of batches) checkBatch(ds, b);
  });

  it("train: a seeded phase, then non-overlapping windows in a seeded order", () => {
    const starts = (seed: number) => allBatches(ds, "train", 7, seed).flatMap(rows).map((w) => {
      const s = ds.vocab.decode(w.input);
      for (let i = 0; i + 8 <= ds.trainChars; i++) if (ds.ids.subarray(i, i + 8).every((v, k) => v === w.input[k])) return i;
      throw new Error(`window ${s} not in the train text`);
    });
    const a = starts(1);
    assert.equal(a.length, ds.size("train"));
    assert.ok(a.every((s) => s + 9 <= ds.trainChars), "targets stay inside the train text");
    const phases = new Set(a.map((s) => s % 8));
    assert.equal(phases.size, 1, "one phase per pass");
    assert.deepEqual(starts(1), a);
    const phaseOf = (seed: number) => starts(seed)[0] % 8;
    assert.ok(new Set([1, 2, 3, 4, 5, 6].map(phaseOf)).size > 1, "the phase depends on the seed");
  });

  it("same seed → same batches; test never shuffled", () => {
    assert.deepEqual(allBatches(ds, "train", 5, 9).map(batchArrays), allBatches(ds, "train", 5, 9).map(batchArrays));
    assert.notDeepEqual(allBatches(ds, "train", 5, 9).map(batchArrays), allBatches(ds, "train", 5, 10).map(batchArrays));
    assert.deepEqual(allBatches(ds, "test", 5, 9).map(batchArrays), allBatches(ds, "test", 5, 10).map(batchArrays));
  });

  it("named errors", () => {
    checkBatchArgErrors(ds);
    assert.throws(() => charCorpus("toy", text, { seqLen: 0 }), /charCorpus: seqLen must be a positive integer, got 0/);
    assert.throws(() => charCorpus("toy", text, { seqLen: 500 }), /charCorpus: seqLen must be at most 404 \(the train text has 405 characters/);
    assert.throws(() => charCorpus("toy", text, { seqLen: 50 }), /seqLen must be at most 44 \(the test text has 45 characters/);
    assert.throws(() => charCorpus("toy", text, { testFraction: 1 }), /testFraction must be a number in \[0, 1\), got 1/);
    assert.throws(() => charCorpus("toy", text, { seqlen: 8 } as never), /charCorpus: unknown option "seqlen"/);
    assert.equal(charCorpus("toy", text, { seqLen: 8, testFraction: 0 }).size("test"), 0);
  });
});

describe("mobyDick", () => {
  const ds = mobyDick();
  it("the whole book in the package's order; 78 ids (77 characters + unknown)", () => {
    const text = mobyDickText();
    assert.equal(text.length, 1217396);
    assert.ok(text.startsWith("CONTENTS\n"));
    assert.ok(text.indexOf("CHAPTER 1. Loomings.\n\nCall me Ishmael.") > text.indexOf("EXTRACTS."));
    assert.ok(text.indexOf("CHAPTER 135. The Chase.—Third Day.") < text.indexOf("Epilogue"));
    assert.equal(ds.vocab.size, 78);
    assert.equal(ds.vocab.unknownId, 77);
    assert.equal(ds.vocab.dropped.size, 12);
    assert.equal(ds.trainChars + ds.testChars, 1217396);
    assert.equal(ds.size("train"), Math.floor((ds.trainChars - 1) / 100) - 1);
    assert.equal(ds.size("test"), Math.floor((ds.testChars - 1) / 100));
  });
  it("a batch decodes to the book's text", () => {
    const batch = firstBatch(ds, "test", 4, 0);
    checkBatch(ds, batch);
    const first = rows(batch)[0];
    const text = mobyDickText();
    assert.equal(ds.vocab.decode(first.input), text.slice(ds.trainChars, ds.trainChars + 100));
    const sentence = "Call me Ishmael.";
    assert.equal(ds.vocab.decode(ds.vocab.encode(sentence)), sentence);
    assert.equal(mobyDick({ seqLen: 50 }).size("test"), Math.floor((ds.testChars - 1) / 50));
  });
});
