// Every task `rnnlab train --task` offers gets a model that fits its data: one forward and loss on
// a real batch, with the default settings of that task (no worker, no files).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TASKS, TASK_DEFAULTS } from "../../src/cli/task-list.ts";
import { datasetOptions, makeDataset, modelConfigFor } from "../../src/cli/tasks.ts";
import { SequenceModel, refKernels, type Batch } from "../../src/index.ts";
import { UsageError } from "../../src/cli/command.ts";

describe("train tasks", () => {
  for (const task of TASKS) {
    it(`${task}: the model from modelConfigFor takes a batch and gives a finite loss`, () => {
      const opts = datasetOptions(task, task === "adding" || task === "sine" ? { seqLen: 12, trainSize: 8, testSize: 8 } : task === "charlm" ? { seqLen: 20 } : {});
      const ds = makeDataset(task, opts);
      const cfg = modelConfigFor(ds, { cell: "gru", units: 4, layers: 1, embedding: TASK_DEFAULTS[task].embedding, seed: 1 });
      const model = new SequenceModel(cfg, refKernels);
      const batch = ds.batches("train", 4, 0)[Symbol.iterator]().next().value as Batch;
      model.forward(batch);
      const r = model.lossAndBackward();
      assert.ok(Number.isFinite(r.loss) && r.count > 0, `${task}: loss ${r.loss} over ${r.count}`);
      assert.equal(cfg.loss, ds.targetKind.startsWith("class") ? "class" : "value");
    });
  }
  it("options that do not fit the task are usage errors", () => {
    assert.throws(() => datasetOptions("mnist", { seqLen: 5 }), UsageError);
    assert.throws(() => datasetOptions("adding", { lag: 5 }), /--lag applies only to task recall/);
    assert.throws(() => datasetOptions("charlm", { trainSize: 5 }), /synthetic tasks/);
    assert.deepEqual(datasetOptions("recall", { lag: 7, testSize: 9 }), { lag: 7, testSize: 9 });
    assert.deepEqual(datasetOptions("copy", { seqLen: 30 }), { delay: 30 });
  });
});
