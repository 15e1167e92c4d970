// A second `rnnlab train` into the same --out without --resume starts over; it says so before its
// first save replaces the checkpoint, so a forgotten --resume is not lost without a word.
import { it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers.ts";

let dir = "";
before(() => { dir = mkdtempSync(join(tmpdir(), "rnnlab-again-")); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

it("train into a folder that has a checkpoint, without --resume, says it starts from scratch", async () => {
  const args = ["train", "--task", "adding", "--seq-len", "10", "--units", "4", "--epochs", "1", "--train-size", "64", "--test-size", "32", "--out", dir];
  const notice = /starting from scratch: the first checkpoint saved replaces .*checkpoint\.safetensors \(--resume continues it instead\)/;
  const first = await runCli(args);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stdout, notice);
  const second = await runCli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, notice);
  const resumed = await runCli([...args.slice(0, -2), "--epochs", "2", "--resume", "--out", dir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stdout, notice);
});
