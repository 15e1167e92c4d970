// The public entry points' bad-input table (docs/bad-input.md) as a test: every probe of
// fuzz/bad-input-probes.ts — shape, dtype, range, NaN/Inf, structure, unknown option for each
// public function and class — throws an RnnlabError whose message names the argument.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RnnlabError } from "../../src/index.ts";
import { KINDS, probes, runProbe } from "../../fuzz/bad-input-probes.ts";

describe("bad input to the public API: a clear error naming the argument", () => {
  const all = probes();
  it("covers every kind of bad input and at least 25 entry points", () => {
    for (const k of KINDS) assert.ok(all.some((p) => p.kind === k), k);
    assert.ok(new Set(all.map((p) => p.entry)).size >= 25);
  });
  for (const p of all) {
    it(`${p.entry}: ${p.kind}: ${p.what}`, () => {
      const r = runProbe(p, RnnlabError as never);
      assert.ok(r.ok, `expected an RnnlabError naming "${p.arg}", got: ${r.outcome}`);
    });
  }
});
