// Must show 5: Ctrl-C (SIGINT) stops a long command cleanly: exit code 130, one notice, the last
// checkpoint intact and loadable, the log written up to the stop; an experiment keeps its finished points.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startCli, readJson } from "./helpers.ts";
import { loadTraining } from "../../src/index.ts";

let dir = "";
before(() => { dir = mkdtempSync(join(tmpdir(), "rnnlab-int-")); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

async function until(cond: () => boolean, what: string, ms = 60000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("Ctrl-C", () => {
  it("train: stops after the current step, keeps the last checkpoint, exits 130", async () => {
    const out = join(dir, "train"), ckpt = join(out, "checkpoint.safetensors");
    // long enough that it is still running when interrupted (1000 epochs), saving every 3 steps
    const child = startCli(["train", "--task", "adding", "--seq-len", "30", "--units", "16", "--epochs", "1000", "--train-size", "640",
      "--test-size", "64", "--checkpoint-every", "3", "--out", out]);
    await until(() => existsSync(ckpt), "the first checkpoint");
    await sleep(300);                                        // a few steps past it
    child.kill("SIGINT");
    const r = await child.result;
    assert.equal(r.code, 130, `code ${r.code}, signal ${r.signal}, stderr ${JSON.stringify(r.stderr)}, stdout ${JSON.stringify(r.stdout)}`);
    assert.match(r.stderr, /^\s*rnnlab: interrupted: stopping after the current step/);
    assert.doesNotMatch(r.stderr, /\n\s+at |Error/);
    assert.match(r.stdout, /stopped at step \d+; the last checkpoint \(step \d+\) is .*checkpoint\.safetensors; continue with --resume/);
    const [, stoppedAt, savedAt] = r.stdout.match(/stopped at step (\d+); the last checkpoint \(step (\d+)\)/)!.map(Number);
    const { progress, model } = loadTraining(ckpt);        // intact: parses, validates, loads
    assert.equal(progress!.step, savedAt);
    // saves happen every 3 steps and at the end of each 10-batch epoch
    assert.ok(savedAt > 0 && savedAt <= stoppedAt && (savedAt % 3 === 0 || savedAt % 10 === 0), `saved at ${savedAt}, stopped at ${stoppedAt}`);
    assert.equal(model.config.hiddenSize, 16);
    assert.deepEqual(readdirSync(out).filter((f) => f.includes(".tmp")), [], "no temporary files left");
    const log = readJson(join(out, "train-log.json"));
    assert.equal(log.steps[log.steps.length - 1].step, stoppedAt);
    // and the run resumes from it
    const again = await startCli(["train", "--task", "adding", "--seq-len", "30", "--units", "16", "--epochs", "1", "--train-size", "640",
      "--test-size", "64", "--checkpoint-every", "3", "--resume", "--out", out]).result;
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`resuming at step ${savedAt}`));
  });

  it("memory: stops between steps and writes the points it finished", async () => {
    const out = join(dir, "memory");
    const child = startCli(["memory", "--cells", "gru", "--lags", "2,300", "--units", "8", "--train-steps", "100000", "--symbols", "4", "--out", out]);
    await until(() => existsSync(out), "the command to start");  // made by run(), after the handler is in place
    await sleep(1500);                                         // lag 2 takes all of its 100000 steps; interrupted in it
    child.kill("SIGINT");
    const r = await child.result;
    assert.equal(r.code, 130, `code ${r.code}, signal ${r.signal}, stderr ${JSON.stringify(r.stderr)}, stdout ${JSON.stringify(r.stdout)}`);
    assert.match(r.stdout, /stopped early; partial results in/);
    const m = readJson(join(out, "memory.json"));
    assert.equal(m.stopped, true);
    assert.ok(m.results.length < 2);
  });
});
