// One reproduction per class of hostile file the hardening issue found, each now a clear
// RnnlabError naming the file and the field (or, where an option allows it, accepted on request).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  SequenceModel, LSTM, Tensor, adam, saveTraining, loadTraining, encodeSafetensors, decodeSafetensors, saveCheckpoint,
  kerasModelFromLayer, saveTfjsModel, loadTfjsModel, RnnlabError, loadTorchSafetensors, saveTorchSafetensors,
} from "../../src/index.ts";
import { fail, show } from "../../src/errors.ts";
import { defaultKernels, setDefaultKernels } from "../../src/kernels/index.ts";
import type { WasmKernels } from "../../src/kernels/wasm/index.ts";
import { shardNamesIn } from "../../src/io/keras/write.ts";
import type { Batch } from "../../src/train/batch.ts";

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), "rnnlab-hostile-")); dirs.push(d); return d; };
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const rejects = (f: () => unknown, pattern: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof RnnlabError && pattern.test(e.message) ? true : assert.fail(`expected RnnlabError ${pattern}, got ${(e as Error)?.name}: ${(e as Error)?.message}`));

const deep = (n: number) => "[".repeat(n) + "1" + "]".repeat(n);
const config = { cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 4, outputSize: 2, head: "last", loss: "class" } as const;
const batch = (): Batch => ({ input: { kind: "features", x: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), T: 4, B: 2, D: 3 }, target: { kind: "class", labels: Int32Array.of(0, 1) }, lengths: null });

/** A training checkpoint (Adam state, progress, rng) with its metadata edited. */
function checkpoint(edit: (meta: Record<string, string>, tensors: Record<string, Tensor>) => void): string {
  const dir = tmp(), path = join(dir, "ckpt.safetensors");
  const model = new SequenceModel(config), opt = adam();
  model.forward(batch()); model.lossAndBackward(); opt.step(model.groups());
  saveTraining(path, model, opt, { epoch: 0, batch: 1, step: 1, seed: 1 });
  model.dispose();
  const { tensors, metadata } = decodeSafetensors(readFileSync(path));
  edit(metadata, tensors);
  writeFileSync(path, encodeSafetensors(tensors, metadata));
  return path;
}
const editJson = (meta: Record<string, string>, field: string, f: (j: Record<string, unknown>) => unknown) => {
  const j = JSON.parse(meta[field]);
  const r = f(j);
  meta[field] = typeof r === "string" ? r : JSON.stringify(r === undefined ? j : r);
};

describe("deeply nested JSON", () => {
  it("in a safetensors header", () => {
    const json = new TextEncoder().encode(`{"a":${deep(100_000)}}`), bytes = new Uint8Array(8 + json.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    rejects(() => decodeSafetensors(bytes, "x.safetensors"), /x\.safetensors\): the header must be JSON nested at most 64 levels deep/);
  });
  it("in checkpoint metadata and a shape", () => {
    rejects(() => loadTraining(checkpoint((m) => { m["rnnlab.model"] = deep(100_000); })), /metadata "rnnlab\.model" must be JSON nested at most 64 levels/);
    rejects(() => loadTraining(checkpoint((m) => { m["rnnlab.progress"] = `{"epoch":${deep(5000)}}`; })), /metadata "rnnlab\.progress" must be JSON nested/);
  });
  it("in model.json inbound_nodes", () => {
    const dir = tmp();
    saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), dir);
    const j = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    j.modelTopology.config.layers[0].inbound_nodes = "DEEP";
    const text = JSON.stringify(j).replace('"DEEP"', deep(100_000));
    writeFileSync(join(dir, "model.json"), text);
    rejects(() => loadTfjsModel(dir), /model\.json must be JSON nested at most 64 levels deep/);
  });
  it("the error formatter itself stays bounded", () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    assert.equal(show(v), "[[[[…]]]]");
    rejects(() => fail("f", "shape", "a list of integers", v), /^f: shape must be a list of integers, got \[\[\[\[…\]\]\]\]$/);
    const hostile = { toString: 1, valueOf: 1 };
    assert.equal(show(hostile), "an object");
    assert.match(show(Array.from({ length: 1000 }, (_, i) => i)), /^\[0,1,2,3,4,5,6,7,… \(1000 items\)\]$/);
  });
});

describe("checkpoint metadata is validated before anything is allocated", () => {
  for (const [field, value] of [["numLayers", 1e9], ["numLayers", 2 ** 31], ["numLayers", 100_000], ["hiddenSize", 100_000], ["hiddenSize", 20_000], ["inputSize", 2 ** 31 - 1]] as const) {
    it(`${field} ${value}`, () => {
      const t0 = performance.now();
      rejects(() => loadTraining(checkpoint((m) => editJson(m, "rnnlab.model", (j) => { j[field] = value; }))), /metadata "rnnlab\.model": the config implies \d+ parameters, the file holds \d+/);
      assert.ok(performance.now() - t0 < 2000);
    });
  }
  it("rng, optimizer, progress, step count", () => {
    rejects(() => loadTraining(checkpoint((m) => { m["rnnlab.rng"] = "[[1],2,3,4]"; })), /metadata "rnnlab\.rng": Rng\.setState: state must be 4 unsigned 32-bit words/);
    rejects(() => loadTraining(checkpoint((m) => { m["rnnlab.optimizer"] = "null"; })), /metadata "rnnlab\.optimizer": optimizer: optimizer must be an object/);
    rejects(() => loadTraining(checkpoint((m) => editJson(m, "rnnlab.optimizer", (j) => { delete j.t; }))), /loadTraining: .*: metadata "rnnlab\.optimizer": optimizer: t must be an integer ≥ 0, got undefined/);
    rejects(() => loadTraining(checkpoint((m) => editJson(m, "rnnlab.progress", (j) => { delete j.step; }))), /metadata "rnnlab\.progress": progress: step must be an integer ≥ 0, got undefined/);
    rejects(() => loadTraining(checkpoint((m) => { m["rnnlab.model"] = "{not json"; })), /metadata "rnnlab\.model" must be valid JSON/);
  });
  it("Adam moments of 3.4e38 are refused (the next step would overflow); negative second moments too", () => {
    const huge = checkpoint((_, t) => { t["optim.rnn/m"].data.fill(3.4e38); t["optim.rnn/v"].data.fill(1e-30); });
    rejects(() => loadTraining(huge), /optimizer\.loadState|adam\.loadState/);
    rejects(() => loadTraining(huge), /the state of group "rnn" would let parameter \d+ reach \S+ at the next step \(slots m=3\.\d+e\+38, v=1\.\d+e-30\); refused as diverged or corrupt/);
    const hugeLr = checkpoint((m) => editJson(m, "rnnlab.optimizer", (j) => { j.lr = 3.4e38; }));
    rejects(() => loadTraining(hugeLr), /the state of group "(emb|rnn|fc)" would let parameter \d+ reach \d\.\d+e\+(39|38) at the next step/);
    rejects(() => loadTraining(checkpoint((m) => editJson(m, "rnnlab.optimizer", (j) => { (j.hyper as Record<string, unknown>).beta2 = { toString: 1 }; }))), /beta2 must be a number in \[0, 1\), got an object/);
    rejects(() => loadTraining(checkpoint((_, t) => { t["optim.fc/v"].data[0] = -1; })), /state\.slots\["fc\/v"\]\[0\] must be ≥ 0/);
    rejects(() => loadTraining(checkpoint((_, t) => { t["optim.fc/v"] = new Tensor([3], new Float32Array(3)); })), /fc\/v/);
  });
  it("NaN weights are refused by default and loaded on request", () => {
    const path = checkpoint((_, t) => { t["fc.bias"].data[1] = NaN; });
    rejects(() => loadTraining(path), /tensor "fc\.bias"\[1\] must be finite, got NaN \(pass \{ allowNonFinite: true \}/);
    const { model } = loadTraining(path, undefined, { allowNonFinite: true });
    assert.ok(Number.isNaN(model.fc.params.views.bias[1]));
    rejects(() => saveTraining(join(tmp(), "nan.safetensors"), model), /saveCheckpoint: tensors\["fc\.bias"\]\[1\] must be finite/);
  });
  it("a failed load into a given model leaves it unchanged", () => {
    const into = new SequenceModel(config), before = into.stateDict()["rnn.weight_ih_l0"].data.slice();
    const path = checkpoint((_, t) => { t["rnn.weight_ih_l0"].data.fill(0.5); t["optim.fc/v"].data[0] = -1; });
    rejects(() => loadTraining(path, into), /must be ≥ 0/);
    assert.deepEqual(into.stateDict()["rnn.weight_ih_l0"].data, before);
  });
});

describe("failed loads give their wasm memory back at once", () => {
  // on the wasm backend whatever the default is here (native keeps its buffers in the JS heap)
  let previous: ReturnType<typeof defaultKernels>;
  before(() => { previous = defaultKernels(); setDefaultKernels("wasm"); });
  after(() => { setDefaultKernels(previous); });
  it("20 loads failing after the model is built: the arena's used bytes are back to the start after each", () => {
    const k = defaultKernels() as WasmKernels;
    assert.equal(k.name, "wasm");
    const path = checkpoint((_, ts) => { ts["optim.fc/v"].data[0] = -1; });   // refused after the model is built
    const good = checkpoint(() => {});
    const base = k.arena.stats().used;
    for (let i = 0; i < 20; i++) {
      rejects(() => loadTraining(path), /must be ≥ 0/);
      assert.ok(k.arena.stats().used <= base, `after failed load ${i + 1}: ${k.arena.stats().used} > ${base}`);
    }
    const { model } = loadTraining(good);
    assert.ok(k.arena.stats().used > base);                                   // a successful load does hold memory…
    model.dispose();
    assert.equal(k.arena.stats().used, base);                                 // …until dispose()
  });
});

describe("TF.js: sizes, structure and values", () => {
  const saved = () => { const dir = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 2 })), dir); return dir; };
  const edit = (dir: string, f: (j: any) => void) => {   // eslint-disable-line @typescript-eslint/no-explicit-any
    const j = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")); f(j); writeFileSync(join(dir, "model.json"), JSON.stringify(j));
  };
  it("units 1e9, a null layer, config [null]", () => {
    let dir = saved();
    edit(dir, (j) => { j.modelTopology.config.layers[0].config.units = 1e9; });
    rejects(() => loadTfjsModel(dir), /has shape \[3,16\], expected \[3,4000000000\]/);
    dir = saved();
    edit(dir, (j) => { j.modelTopology.config.layers[0] = null; });
    rejects(() => loadTfjsModel(dir), /modelTopology\.config\.layers\[0\] must be a layer object \{ class_name, config \}, got null/);
    dir = saved();
    edit(dir, (j) => { j.modelTopology.config = [null]; });
    rejects(() => loadTfjsModel(dir), /layers\[0\] must be a layer object/);
    dir = saved();
    edit(dir, (j) => { j.modelTopology.config.layers[0].config.units = "4"; });
    rejects(() => loadTfjsModel(dir), /config\.units \("lstm[^"]*"\) must be a positive integer, got "4"/);
  });
  it("±Infinity / NaN in a shard: refused unless allowNonFinite", () => {
    const dir = saved(), shard = join(dir, shardNamesIn(dir)[0]), bytes = readFileSync(shard);
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(8, Infinity, true);
    writeFileSync(shard, bytes);
    rejects(() => loadTfjsModel(dir), /weightsManifest\[0\]\.weights\[0\] \("[^"]+"\)\[2\] must be finite, got Infinity \(pass \{ allowNonFinite: true \}/);
    assert.ok(loadTfjsModel(dir, { allowNonFinite: true }));
    rejects(() => loadTfjsModel(dir, { allowNonFinit: true } as never), /unknown option "allowNonFinit"/);
  });
});

describe("paths in model.json stay inside the model's folder", () => {
  const saved = () => { const dir = tmp(); saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true })), dir); return dir; };
  const setPath = (dir: string, p: string) => {
    const j = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")); j.weightsManifest[0].paths = [p]; writeFileSync(join(dir, "model.json"), JSON.stringify(j));
  };
  for (const p of ["../../../../dev/zero", "/dev/zero", "/etc/passwd", "sub/../../x.bin", "..\\..\\x.bin", "C:\\x.bin"]) {
    it(`refuses ${JSON.stringify(p)} quickly, reading nothing`, () => {
      const dir = saved(), t0 = performance.now();
      setPath(dir, p);
      rejects(() => loadTfjsModel(dir), /weightsManifest\[0\]\.paths\[0\] must be a file name inside the model's folder \(relative, without "\.\."\)/);
      assert.ok(performance.now() - t0 < 500);
    });
  }
  it("refuses a symlink that leads out, and a shard that is not a regular file", () => {
    const dir = saved(), outside = tmp();
    writeFileSync(join(outside, "w.bin"), readFileSync(join(dir, shardNamesIn(dir)[0])));
    symlinkSync(join(outside, "w.bin"), join(dir, "link.bin"));
    setPath(dir, "link.bin");
    rejects(() => loadTfjsModel(dir), /paths\[0\] "link\.bin" leads outside the model's folder/);
    symlinkSync("/dev/zero", join(dir, "zero.bin"));
    setPath(dir, "zero.bin");
    rejects(() => loadTfjsModel(dir), /paths\[0\] "zero\.bin" leads outside the model's folder/);
  });
  it("a symlink inside the folder is fine", () => {
    const dir = saved(), shard = shardNamesIn(dir)[0];
    symlinkSync(join(dir, shard), join(dir, "alias.bin"));
    setPath(dir, "alias.bin");
    assert.ok(loadTfjsModel(dir));
  });
});

describe("saves leave nothing behind", () => {
  it("a crashed save's temp file is removed by the next save to the same path; a live writer's is kept", () => {
    const dir = tmp(), path = join(dir, "m.safetensors");
    const dead = `${path}.tmp-999999999-0123456789ab`, alive = `${path}.tmp-${process.ppid}-0123456789ab`, other = join(dir, "n.safetensors.tmp-999999999-0123456789ab");
    for (const f of [dead, alive, other]) writeFileSync(f, "half a file");
    saveCheckpoint(path, { a: new Tensor([2], Float32Array.of(1, 2)) });
    assert.deepEqual(readdirSync(dir).sort(), ["m.safetensors", `m.safetensors.tmp-${process.ppid}-0123456789ab`, "n.safetensors.tmp-999999999-0123456789ab"].sort());
  });
  it("TF.js: one shard after many saves, leftovers of a crashed save removed by the next", () => {
    const dir = tmp();
    for (let seed = 0; seed < 3; seed++) saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed })), dir);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".bin")).length, 1);
    writeFileSync(join(dir, "group1-shard1of1.0123456789abcdef.bin"), "orphan of a crash");
    writeFileSync(join(dir, "model.json.tmp-999999999-0123456789ab"), "{");
    writeFileSync(join(dir, "notes.bin"), "not ours: kept");
    saveTfjsModel(kerasModelFromLayer(new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 9 })), dir);
    assert.deepEqual(readdirSync(dir).sort(), ["model.json", "notes.bin", shardNamesIn(dir)[0]].sort());
  });
  it("torch files: NaN weights are not written; a NaN file is refused unless allowNonFinite", () => {
    const layer = new LSTM({ inputSize: 2, hiddenSize: 3 }), path = join(tmp(), "t.safetensors");
    saveTorchSafetensors(layer, path);
    const { tensors, metadata } = decodeSafetensors(readFileSync(path));
    tensors.bias_hh_l0.data[0] = NaN;
    writeFileSync(path, encodeSafetensors(tensors, metadata));
    rejects(() => loadTorchSafetensors(layer, path), /tensor "bias_hh_l0"\[0\] must be finite, got NaN/);
    loadTorchSafetensors(layer, path, { allowNonFinite: true });
    assert.ok(Number.isNaN(layer.stateDict().bias_hh_l0.data[0]));
  });
});

describe("the CLI's files: run.json beside a checkpoint", () => {
  it("deep nesting, an unknown task, non-numeric dataset options: one clear line each", async () => {
    const { readRunInfo, taskOf } = await import("../../src/cli/tasks.ts");
    const dir = tmp(), ckpt = join(dir, "model.safetensors"), run = join(dir, "run.json");
    const usage = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: Error) => e.name === "UsageError" && pattern.test(e.message));
    writeFileSync(run, `{"task":${deep(100_000)}}`);
    usage(() => readRunInfo(ckpt), /run\.json must be JSON nested at most 64 levels deep/);
    writeFileSync(run, JSON.stringify({ task: "../../etc", datasetOptions: {} }));
    usage(() => readRunInfo(ckpt), /"task" must be one of mnist, adding, .*got "\.\.\/\.\.\/etc"/);
    writeFileSync(run, JSON.stringify({ task: "adding", datasetOptions: { T: [1] } }));
    usage(() => readRunInfo(ckpt), /"datasetOptions" must be an object of finite numbers/);
    usage(() => taskOf(ckpt, "nope"), /--task must be one of/);
  });
});
