// The `npm run eval` path, shrunk to a few batches per run (the real runs are not CI's job):
// every experiment trains, evaluates and reports its numbers and curves; the script writes its files.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const out = mkdtempSync(join(tmpdir(), "rnnlab-eval-"));
after(() => rmSync(out, { recursive: true, force: true }));

describe("npm run eval -- --smoke", () => {
  it("runs every experiment end to end and writes results.json, RESULTS.md and the curves", () => {
    const log = execFileSync(process.execPath, ["--import", "tsx", "scripts/eval.ts", "--smoke", "--out", out], { encoding: "utf8" });
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    assert.equal(results.smoke, true);
    assert.deepEqual(results.results.map((r: { name: string }) => r.name), ["mnist", "adding", "charlm"]);
    for (const r of results.results) for (const v of Object.values(r.metrics)) assert.ok(typeof v === "string" || Number.isFinite(v), `${r.name}: ${v}`);
    const charlm = results.results[2];
    assert.ok(charlm.metrics.sample.startsWith("Call me") && charlm.metrics.sample.length > 7);
    assert.deepEqual(readdirSync(out).sort(), ["RESULTS.md", "adding-lstm.csv", "adding-rnn.csv", "charlm-lstm.csv", "mnist-lstm.csv", "results.json"]);
    assert.match(readFileSync(join(out, "adding-rnn.csv"), "utf8"), /^epoch,step,seconds,train_loss,test_loss,test_accuracy\n1,2,/);
    assert.match(readFileSync(join(out, "RESULTS.md"), "utf8"), /SMOKE RUN/);
    assert.match(log, /PASS|FAIL/);
  });
});
