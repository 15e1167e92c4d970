// rnnlab long / longRange: the task's targets, the bookkeeping of each truncation setting, and the
// command's files. (The learning itself is measured by the default run in eval/long/.)
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { longRange, markedRecallBatch, activationBytes, longSvg, Rng } from "../../src/index.ts";
import { runCli, readJson, pngSize } from "../cli/helpers.ts";

describe("markedRecallBatch", () => {
  it("targets the marked symbol exactly `lag` steps later, nowhere else", () => {
    const T = 200, B = 5, S = 4, lag = 7, D = S + 1;
    const b = markedRecallBatch(T, B, S, lag, new Rng(3));
    const x = (b.input as { x: Float32Array }).x, labels = (b.target as { labels: Int32Array }).labels;
    let targets = 0;
    for (let t = 0; t < T; t++) for (let r = 0; r < B; r++) {
      const row = (t * B + r) * D;
      assert.equal(x.subarray(row, row + S).reduce((a, v) => a + v, 0), 1);        // one symbol per step
      const marked = x[row + S] === 1;
      if (t + lag < T) assert.equal(labels[(t + lag) * B + r] !== -1, marked);
      if (marked && t + lag < T) { targets++; assert.equal(labels[(t + lag) * B + r], x.subarray(row, row + S).indexOf(1)); }
    }
    assert.ok(targets >= B * Math.floor((T - lag) / (2 * lag)));                    // one mark every 2·lag steps
  });
});

describe("longRange", () => {
  it("counts updates and activation memory per setting, and measures the gradient reaching back", () => {
    const r = longRange({ T: 60, lag: 5, chunks: [[10, 10], [10, 30], [60, 60]], batches: 3, batchSize: 4, hiddenSize: 6, gradientSpan: 40 });
    assert.deepEqual(r.runs.map((q) => q.label), ["TBPTT 10", "TBPTT(10, 30)", "full BPTT (60)"]);
    assert.deepEqual(r.runs.map((q) => q.updates), [18, 18, 3]);                  // ⌈T/k1⌉ per batch
    assert.equal(r.runs[2].activationBytes, 6 * r.runs[0].activationBytes);
    assert.equal(r.runs[1].activationBytes, 3 * r.runs[0].activationBytes);
    assert.equal(r.runs[0].activationBytes, activationBytes("gru", 5, 6, 10, 4));
    for (const q of r.runs) assert.deepEqual(q.curve.map((p) => p.batches), [0, 1, 2, 3]);
    assert.equal(r.gradient!.distance.length, 41);
    assert.equal(r.gradient!.relative[0], 1);
    assert.ok(r.gradient!.relative.every((v) => Number.isFinite(v) && v >= 0));
    assert.match(longSvg(r), /How far back the gradient reaches/);
  });
  it("refuses bad settings", () => {
    assert.throws(() => longRange({ T: 10, lag: 10 }), { name: "RnnlabError", message: /lag must be smaller than T/ });
    assert.throws(() => longRange({ T: 40, chunks: [[4, 6]] }), { name: "RnnlabError", message: /k2 a multiple of k1/ });
  });
});

describe("rnnlab long", () => {
  let dir = "";
  before(() => { dir = mkdtempSync(join(tmpdir(), "rnnlab-long-")); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("writes the table, the JSON with process memory, and the figure; full BPTT is added", async () => {
    const r = await runCli(["long", "--seq-len", "60", "--lag", "5", "--chunks", "10,5:20", "--batches", "2", "--batch-size", "4", "--units", "6", "--out", dir], { RNNLAB_THREADS: "1" });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /TBPTT 10\s+\d+\.\d %\s+12 /);
    assert.match(r.stdout, /full BPTT \(60\)/);
    const j = readJson(join(dir, "long.json"));
    assert.deepEqual(j.runs.map((q: { k1: number; k2: number }) => [q.k1, q.k2]), [[10, 10], [5, 20], [60, 60]]);
    assert.ok(j.processMemory.afterEach["full BPTT (60)"].rssMB > 0);
    assert.match(readFileSync(join(dir, "long.svg"), "utf8"), /^<svg/);
    assert.ok(pngSize(join(dir, "long.png")).width > 1000);
    const bad = await runCli(["long", "--chunks", "10:15", "--out", dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /k2 must be a multiple of k1/);
  });
});
