// `rnnlab train --cell tf1-lstm|tf1-gru|tf1-rnn`: TF-1 cells stacked --layers deep, trained by the
// same loop, checkpointed, resumed and evaluated by the other commands.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, readJson } from "./helpers.ts";
import { loadTraining } from "../../src/train/checkpoint.ts";

const dir = mkdtempSync(join(tmpdir(), "rnnlab-cli-tf1-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const BASE = ["train", "--task", "adding", "--seq-len", "10", "--units", "6", "--train-size", "64", "--test-size", "32", "--batch-size", "32", "--checkpoint-every", "0", "--no-png"];

describe("rnnlab train with TF-1 cells", () => {
  it("--cell tf1-lstm --peepholes --cell-clip --num-proj --layers 2: a MultiRNNCell of LSTMCells, resumable, evaluable", async () => {
    const out = join(dir, "lstm");
    const args = [...BASE, "--cell", "tf1-lstm", "--peepholes", "--cell-clip", "3", "--num-proj", "4", "--layers", "2", "--out", out];
    const first = await runCli([...args, "--epochs", "1"]);
    assert.equal(first.code, 0, first.stderr);
    const { model } = loadTraining(join(out, "checkpoint.safetensors"));
    assert.deepEqual(model.config.cells, [1, 2].map(() => ({ type: "lstm", numUnits: 6, usePeepholes: true, cellClip: 3, numProj: 4 })));
    assert.ok("rnn.cell_1/projection/kernel" in model.stateDict());
    const resumed = await runCli([...args, "--epochs", "2", "--resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readJson(join(out, "train-log.json")).epochs.length, 1);      // only the epoch run now
    const ev = await runCli(["eval", "--checkpoint", join(out, "checkpoint.safetensors"), "--out", join(dir, "eval")]);
    assert.equal(ev.code, 0, ev.stderr);
    assert.ok(Number.isFinite(readJson(join(dir, "eval", "eval.json")).loss));
  });

  it("--cell tf1-gru and tf1-rnn train; LSTM-only options on other cells are refused by name", async () => {
    for (const cell of ["tf1-gru", "tf1-rnn"]) {
      const r = await runCli([...BASE, "--cell", cell, "--epochs", "1", "--out", join(dir, cell)]);
      assert.equal(r.code, 0, r.stderr);
    }
    const bad = await runCli([...BASE, "--cell", "tf1-gru", "--num-proj", "3", "--out", join(dir, "bad")]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--num-proj applies to --cell tf1-lstm only/);
  });
});
