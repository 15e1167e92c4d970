// Saves killed with SIGKILL (the CI-sized variant of `npm run fuzz:kill`, which kills ≥ 100 times
// per format): after every kill the file (checkpoint) or the model.json + shard pair (TF.js) is one
// complete version, and the next save to the same place leaves no temp file and no unnamed shard.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { killSaves } from "../../fuzz/kill-saves.ts";

describe("saves killed with SIGKILL", () => {
  for (const kind of ["checkpoint", "tfjs"] as const) {
    it(`${kind}: 12 kills, always a complete version, nothing left after the next save`, async (t) => {
      const r = await killSaves(kind, 12, 4, 11);
      t.diagnostic(`${r.kills} kills, ${r.midSave} inside a save, ${r.strayAfterKill} left a temp file (removed by the next save)`);
      assert.deepEqual(r.problems, []);
      assert.equal(r.kills, 12);
    });
  }
});
