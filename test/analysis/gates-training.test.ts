// gatesDuringTraining: the gates measured before training are a fresh model's; the points follow
// the steps; the plot and the CLI's --during-training write them.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SequenceModel, adam, data, gatesDuringTraining, gateTrainingSvg, modelGateStats, type Batch } from "../../src/index.ts";
import { runCli, readJson } from "../cli/helpers.ts";

const config = { cell: "lstm" as const, inputKind: "features" as const, inputSize: 2, hiddenSize: 8, outputSize: 1, head: "last" as const, loss: "value" as const, seed: 3 };

describe("gatesDuringTraining", () => {
  it("measures the gates at step 0 and every `every` steps, as modelGateStats would", () => {
    const task = data.addingProblem({ T: 12, trainSize: 256, testSize: 32 });
    const probe = task.batches("test", 32, 0)[Symbol.iterator]().next().value as Batch;
    const fresh = modelGateStats(new SequenceModel(config), probe);
    const model = new SequenceModel(config);
    const g = gatesDuringTraining(model, task, probe, { epochs: 1, batchSize: 16, optimizer: adam({ lr: 0.05 }), evaluate: false, every: 4 });
    assert.deepEqual(g.points.map((p) => p.step), [0, 4, 8, 12, 16]);
    assert.deepEqual(g.points[0].gates.map((x) => x.mean), fresh.gates.map((x) => x.mean));
    const last = modelGateStats(model, probe);
    assert.deepEqual(g.points.at(-1)!.gates.map((x) => x.saturatedHigh), last.gates.map((x) => x.saturatedHigh));
    assert.notDeepEqual(g.points.at(-1)!.gates.map((x) => x.mean), g.points[0].gates.map((x) => x.mean));   // training moved them
    for (const p of g.points) for (const x of p.gates) assert.ok(x.saturatedLow >= 0 && x.saturatedLow + x.saturatedHigh <= 1);
    const svg = gateTrainingSvg(g);
    for (const name of ["input gate i", "forget gate f", "output gate o"]) assert.ok(svg.includes(name), name);
  });
});

describe("rnnlab gates --during-training", () => {
  let dir = "";
  before(() => { dir = mkdtempSync(join(tmpdir(), "rnnlab-gates-")); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("trains, measures and plots; refuses a checkpoint with it", async () => {
    const r = await runCli(["gates", "--during-training", "--task", "adding", "--units", "8", "--max-batches", "20", "--every", "10", "--sequences", "16", "--out", dir], { RNNLAB_THREADS: "1" });
    assert.equal(r.code, 0, r.stderr);
    const j = readJson(join(dir, "gates-training.json"));
    assert.deepEqual(j.points.map((p: { step: number }) => p.step), [0, 10, 20]);
    assert.equal(j.hiddenSize, 8);
    assert.match(r.stdout, /^20\s+\d+\.\d % \/ /m);
    const bad = await runCli(["gates", "--during-training", "--checkpoint", "x.safetensors", "--out", dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /leave out --checkpoint/);
  });
});
