// The fuzzing harness in CI: a few thousand seeded mutants of every format through the public
// loaders (fuzz/: the same code `npm run fuzz` runs for long), then every saved reproducer.
// Each mutant must be rejected with an RnnlabError or load into something whose outputs are finite,
// within 2 s.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FORMATS, placeFiles, seedFiles, type Files, type Format } from "../../fuzz/targets.ts";
import { BAD, classify, runCases } from "../../fuzz/run-cases.ts";

const scratch = mkdtempSync(join(tmpdir(), "rnnlab-fuzz-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const CASES = 600;
const EXPECTED_TO_FAIL: Format[] = [];            // formats whose hardening is pending (none)

describe(`fuzz: ${CASES} mutants per format (seed 7)`, () => {
  for (const format of FORMATS) {
    const todo = EXPECTED_TO_FAIL.includes(format) ? "ONNX hardening lands with the ONNX codec rewrite" : undefined;
    it(`${format}: every mutant rejected with RnnlabError or usable`, { todo }, (t) => {
      const seed = seedFiles(format, join(scratch, format, "seed"));
      const r = runCases(format, seed, 0, CASES, { seed: 7, scratch: join(scratch, format) });
      t.diagnostic(`${format}: ${JSON.stringify(r.counts)}, slowest ${r.maxMs.toFixed(0)} ms`);
      assert.ok(r.counts.rejected > CASES / 4 && r.counts.accepted > 10, "the mutants reach both outcomes");
      assert.deepEqual(r.bad.slice(0, 5).map((b) => `case ${b.i}: ${b.outcome}: ${b.message}`), []);
    });
  }
});

describe("fuzz reproducers (fuzz/reproducers/<format>/*) are now rejected cleanly or usable", () => {
  const root = new URL("../../fuzz/reproducers/", import.meta.url).pathname;
  for (const format of FORMATS) {
    const dir = join(root, format);
    const cases = existsSync(dir) ? readdirSync(dir).sort() : [];
    const todo = EXPECTED_TO_FAIL.includes(format) ? "ONNX hardening lands with the ONNX codec rewrite" : undefined;
    for (const name of cases) {
      it(`${format}/${name}`, { todo }, () => {
        const files: Files = {};
        for (const f of readdirSync(join(dir, name))) if (f !== "meta.json") files[f] = readFileSync(join(dir, name, f));
        const { outcome, message } = classify(format, placeFiles(format, join(scratch, "replay"), files));
        assert.ok(!BAD.includes(outcome), `${outcome}: ${message}`);
      });
    }
  }
});
