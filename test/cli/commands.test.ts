// Must show 1: every command runs (as a child process, offline) on a small configuration; its
// files exist and parse, and hold the numbers the library computes for the same configuration.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli as run, readJson, pngSize, close, type CliResult } from "./helpers.ts";

// many small runs side by side on a 2-core machine: one wasm thread each (no spinning helpers);
// this process too (set before its first kernel call), so that the library's float32 training
// sums in the same order as the CLI's and the numbers can be compared exactly
const runCli = (args: string[]) => run(args, { RNNLAB_THREADS: "1" });
process.env.RNNLAB_THREADS = "1";
import {
  paramTable, loadTraining, evaluate, data, gradFlow, memoryProbe, ablate, modelGateStats, generate, type Batch,
} from "../../src/index.ts";

let dir = "";
const r: Record<string, CliResult> = {};
const out = (...p: string[]) => join(dir, ...p);

const ok = (name: string) => {
  const res = r[name];
  assert.equal(res.code, 0, `${name} exited ${res.code}: ${res.stderr}`);
  assert.equal(res.stderr.trim(), "", `${name} wrote to stderr: ${res.stderr}`);
};
const plot = (path: string) => {
  assert.match(readFileSync(`${path}.svg`, "utf8"), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const { width, height } = pngSize(`${path}.png`);
  assert.ok(width >= 600 && height >= 200, `${path}.png is ${width}×${height}`);
};

const TRAIN = ["--task", "adding", "--seq-len", "12", "--units", "8", "--epochs", "2", "--train-size", "256", "--test-size", "64", "--batch-size", "32", "--checkpoint-every", "0"];
const NAMES = ["--task", "names", "--units", "8", "--epochs", "1", "--max-batches", "3", "--max-eval-batches", "2"];
const GRADFLOW = ["--steps", "101", "--units", "12", "--batch-size", "4", "--train-steps", "4", "--train-len", "10", "--cells", "rnn,lstm", "--seeds", "2"];
const MEMORY = ["--tasks", "recall", "--lags", "2,5", "--cells", "rnn,gru", "--units", "6", "--train-steps", "4", "--test-size", "16", "--symbols", "4", "--seeds", "2", "--jobs", "3"];
const COPY = ["--tasks", "copy", "--copy-length", "2", "--lags", "3", "--cells", "lstm", "--units", "6", "--train-steps", "4", "--test-size", "16", "--symbols", "4", "--seeds", "1", "--jobs", "1"];
const ABLATE = ["--seq-len", "6", "--units", "4", "--train-steps", "6", "--variants", "baseline,gates tanh", "--seeds", "2"];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "rnnlab-cli-"));
  const [params, train, names] = await Promise.all([
    runCli(["params", "--cell", "lstm", "--input", "28", "--units", "128", "--classes", "10", "--layout", "tf1", "--out", out("params")]),
    runCli(["train", ...TRAIN, "--out", out("train")]),
    runCli(["train", ...NAMES, "--out", out("names")]),
  ]);
  const [gradflow, memory, ablateR, copy] = await Promise.all([
    runCli(["gradflow", ...GRADFLOW, "--out", out("gradflow")]),
    runCli(["memory", ...MEMORY, "--out", out("memory")]),
    runCli(["ablate", ...ABLATE, "--out", out("ablate")]),
    runCli(["memory", ...COPY, "--out", out("memory-copy")]),
  ]);
  Object.assign(r, { params, train, names, gradflow, memory, ablate: ablateR, copy });
  const ckpt = out("train", "checkpoint.safetensors");
  const [evalR, gates, gen] = await Promise.all([
    runCli(["eval", "--checkpoint", ckpt, "--out", out("eval")]),
    runCli(["gates", "--checkpoint", ckpt, "--sequences", "16", "--out", out("gates")]),
    runCli(["generate", "--checkpoint", out("names", "checkpoint.safetensors"), "--prime", "Ma", "--temperature", "0.8", "--length", "12", "--seed", "3", "--count", "3", "--out", out("generate")]),
  ]);
  Object.assign(r, { eval: evalR, gates, generate: gen });
  r.report = await runCli(["report", "--from", dir, "--out", out("report")]);
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe("rnnlab commands on small configurations", () => {
  it("backend: names the kernels and threads that run, following RNNLAB_BACKEND and RNNLAB_THREADS", async () => {
    const wasm = await run(["backend", "--json"], { RNNLAB_BACKEND: "wasm", RNNLAB_THREADS: "1" });
    assert.equal(wasm.code, 0, wasm.stderr);
    assert.deepEqual(JSON.parse(wasm.stdout), { backend: "wasm", threads: 1 });
    const ref = await run(["backend"], { RNNLAB_BACKEND: "ref" });
    assert.equal(ref.stdout.trim(), "kernels: ref (TypeScript), 1 thread");
    const auto = await run(["backend", "--json"], { RNNLAB_BACKEND: "", RNNLAB_THREADS: "3" });
    const info = JSON.parse(auto.stdout);
    assert.ok(info.backend === "native" || (info.backend === "wasm" && /native kernels/.test(info.fallback)), auto.stdout);
    if (info.backend === "native") assert.equal(info.threads, 3);
    const bad = await run(["backend"], { RNNLAB_THREADS: "0" });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /RNNLAB_THREADS: expected an integer from 1 to 1024, got "0"/);
  });

  it("params: the note's model totals 81,674 in the TF-1 layout; JSON rows = paramTable; the cell drawing", () => {
    ok("params");
    const j = readJson(out("params", "params.json")), t = paramTable("lstm", { inputSize: 28, hiddenSize: 128, classes: 10 }, "tf1");
    assert.equal(j.total, 81674);
    assert.equal(j.total, t.total);
    assert.deepEqual(j.rows, t.rows);
    assert.match(r.params.stdout, /total\s+81,674/);
    assert.match(r.params.stdout, /lstm_cell\/kernel\s+\[156, 512\]\s+\(D \+ N\) · 4N = \(28 \+ 128\) · 4·128\s+79,872/);
    plot(out("params", "cell"));
  });

  it("train: checkpoint, run info, JSON log and learning curve; the logged held-out loss is evaluate() of the checkpoint", () => {
    ok("train");
    const log = readJson(out("train", "train-log.json"));
    assert.equal(log.task, "adding");
    assert.equal(log.epochs.length, 2);
    assert.equal(log.steps.length, 2 * 8);                     // 256 / 32 batches per epoch
    assert.ok(log.steps.every((s: { loss: number }) => Number.isFinite(s.loss)));
    const { model, progress } = loadTraining(out("train", "checkpoint.safetensors"));
    assert.equal(progress!.step, 16);
    assert.equal(model.paramCount(), log.paramCount);
    const ds = data.datasetByName("adding", readJson(out("train", "run.json")).datasetOptions);
    const ev = evaluate(model, ds, "test", 256);
    assert.ok(close(log.final.testLoss, ev.loss, 1e-6), `${log.final.testLoss} vs ${ev.loss}`);
    assert.ok(close(log.epochs[1].testLoss, ev.loss, 1e-6));
    plot(out("train", "learning-curve"));
  });

  it("eval: the checkpoint's held-out loss, from run.json's task", () => {
    ok("eval");
    const e = readJson(out("eval", "eval.json")), log = readJson(out("train", "train-log.json"));
    assert.equal(e.task, "adding");
    assert.equal(e.count, 64);
    assert.ok(close(e.loss, log.final.testLoss, 1e-6));
    assert.match(r.eval.stdout, new RegExp(`loss ${e.loss.toFixed(4)}`));
  });

  it("generate: names are generate() of the checkpoint from the start token and the lower-cased prime, one seed each", () => {
    ok("generate");
    const g = readJson(out("generate", "generate.json"));
    const { model } = loadTraining(out("names", "checkpoint.safetensors"));
    const ds = data.firstNames();
    const want = [3, 4, 5].map((seed) => `ma${generate(model, ds.vocab, "ma", { length: 12, temperature: 0.8, seed, startToken: ds.startId, stopToken: ds.endId })}`);
    assert.deepEqual(g.samples, want);
    assert.equal(g.text, want.join("\n"));
    assert.equal(r.generate.stdout.trim(), g.text.trim());
  });

  it("gradflow: JSON = gradFlow() for the same options; the RNN's gradient vanishes over 100 steps, the LSTM's far less", () => {
    ok("gradflow");
    const j = readJson(out("gradflow", "gradflow.json"));
    const opts = { cells: ["rnn", "lstm"] as ("rnn" | "lstm")[], steps: 101, hiddenSize: 12, batchSize: 4, trainSteps: 4, trainT: 10 };
    const lib = gradFlow({ ...opts, seed: 1, seeds: 2 });
    const [one, two] = [1, 2].map((seed) => gradFlow({ ...opts, seed }));
    assert.equal(j.ratios.length, 4);
    assert.deepEqual(j.seeds, [1, 2]);
    for (const [i, ratio] of j.ratios.entries()) {
      assert.equal(ratio.cell, lib.ratios[i].cell); assert.equal(ratio.phase, lib.ratios[i].phase); assert.equal(ratio.at, 100);
      assert.ok(close(ratio.dh, lib.ratios[i].dh, 1e-9), `${ratio.cell} ${ratio.phase}: ${ratio.dh} vs ${lib.ratios[i].dh}`);
      // each seed's ratio is that seed's own run; the reported ratio is their geometric mean
      assert.ok(close(ratio.perSeed[0], one.ratios[i].dh, 1e-9) && close(ratio.perSeed[1], two.ratios[i].dh, 1e-9));
      assert.ok(close(ratio.dh, Math.sqrt(one.ratios[i].dh * two.ratios[i].dh), 1e-9));
    }
    assert.ok(j.curves[0].dhRelativeMin.every((v: number, k: number) => v <= j.curves[0].dhRelative[k] * (1 + 1e-12) && j.curves[0].dhRelative[k] <= j.curves[0].dhRelativeMax[k] * (1 + 1e-12)));
    const rnn = j.ratios.find((x: { cell: string; phase: string }) => x.cell === "rnn" && x.phase === "init");
    const lstm = j.ratios.find((x: { cell: string; phase: string }) => x.cell === "lstm" && x.phase === "init");
    assert.ok(rnn.dh < 1e-8, `RNN: ${rnn.dh}`);
    assert.ok(lstm.dh / rnn.dh > 1e4, `LSTM ${lstm.dh} vs RNN ${rnn.dh}`);
    assert.equal(j.curves[0].dh.length, 101);
    plot(out("gradflow", "gradflow"));
  });

  it("memory: one accuracy per (cell, lag), equal to memoryProbe() for the same options, on 3 threads (--jobs 3) and on one (copy, --jobs 1)", () => {
    ok("memory");
    const j = readJson(out("memory", "memory.json"));
    const lib = memoryProbe({ tasks: ["recall"], cells: ["rnn", "gru"], lags: [2, 5], hiddenSize: 6, steps: 4, testSize: 16, symbols: 4, seeds: 2 });
    assert.deepEqual(j.results.map((x: { cell: string; lag: number; accuracies: number[] }) => [x.cell, x.lag, x.accuracies]),
      lib.results.map((x) => [x.cell, x.lag, x.accuracies]));
    const noTime = (runs: { seconds: number }[]) => JSON.parse(JSON.stringify(runs.map(({ seconds: _, ...r }) => r)));
    assert.deepEqual(noTime(j.runs), noTime(lib.runs), "every run (curves, kept steps, gradient norms) as on one thread");
    assert.match(r.memory.stdout, /lag\s+RNN \(6 units\)\s+GRU \(6 units\)/);
    const first = lib.results[0];
    assert.ok(r.memory.stdout.includes(`${(100 * first.accuracy).toFixed(1)} ± ${(100 * first.std).toFixed(1)} [${(100 * first.min).toFixed(1)}–${(100 * first.max).toFixed(1)}]`));
    const largest = (c: string) => Math.max(...lib.runs.filter((x) => x.cell === c).map((x) => x.maxGradNorm));
    assert.ok(r.memory.stdout.includes(`largest gradient norm before clipping to 1, over all runs: RNN ${largest("rnn").toExponential(1)}, GRU ${largest("gru").toExponential(1)}`));
    plot(out("memory", "memory"));
    plot(out("memory", "memory-budget"));
    ok("copy");
    const c = readJson(out("memory-copy", "memory.json"));
    const libCopy = memoryProbe({ tasks: ["copy"], copyLength: 2, cells: ["lstm"], lags: [3], hiddenSize: 6, steps: 4, testSize: 16, symbols: 4, seeds: 1 });
    assert.deepEqual(c.tasks, ["copy"]);
    assert.equal(c.results[0].accuracy, libCopy.results[0].accuracy);
    assert.ok(close(c.runs[0].testLoss, libCopy.runs[0].testLoss, 1e-9));
  });

  it("ablate: the table and plots hold ablate()'s final losses", () => {
    ok("ablate");
    const j = readJson(out("ablate", "ablate.json"));
    const lib = ablate({ T: 6, hiddenSize: 4, steps: 6, variants: ["baseline", "gates tanh"], seeds: 2 });
    const [one, two] = [1, 2].map((seed) => ablate({ T: 6, hiddenSize: 4, steps: 6, variants: ["baseline", "gates tanh"], seed }));
    assert.deepEqual(j.rows.map((x: { name: string }) => x.name), ["baseline", "gates tanh"]);
    for (const [i, row] of j.rows.entries()) {
      assert.ok(close(row.testMse, lib.rows[i].testMse, 1e-9));
      // each seed is that seed's own run; the row holds their mean and range
      assert.ok(close(row.runs[0].testMse, one.rows[i].testMse, 1e-9) && close(row.runs[1].testMse, two.rows[i].testMse, 1e-9));
      assert.ok(close(row.testMse, (one.rows[i].testMse + two.rows[i].testMse) / 2, 1e-9));
      assert.equal(row.testMseMin, Math.min(one.rows[i].testMse, two.rows[i].testMse));
    }
    assert.match(r.ablate.stdout, new RegExp(`gates tanh\\s+${lib.rows[1].testMse.toExponential(2).replace("+", "\\+")} \\[`));
    plot(out("ablate", "ablate"));
    plot(out("ablate", "ablate-curves"));
  });

  it("gates: histograms and saturation equal modelGateStats() of the checkpoint on the same sequences", () => {
    ok("gates");
    const j = readJson(out("gates", "gates.json"));
    const { model } = loadTraining(out("train", "checkpoint.safetensors"));
    const ds = data.datasetByName("adding", readJson(out("train", "run.json")).datasetOptions);
    const batch = ds.batches("test", 16, 0)[Symbol.iterator]().next().value as Batch;
    const lib = modelGateStats(model, batch, { units: 8 });
    assert.equal(j.gates.length, 4);
    for (const [i, g] of j.gates.entries()) {
      assert.deepEqual(g.counts, lib.gates[i].counts);
      assert.equal(g.saturatedHigh, lib.gates[i].saturatedHigh);
      assert.ok(close(g.mean, lib.gates[i].mean, 1e-12));
    }
    plot(out("gates", "gate-histograms"));
    plot(out("gates", "gate-heatmap"));
  });

  it("report: one self-contained HTML page with every section filled and the figures inlined", () => {
    ok("report");
    const html = readFileSync(out("report", "report.html"), "utf8");
    assert.match(r.report.stdout, /7 of 7 sections filled/);
    assert.equal((html.match(/<img alt="[^"]*" src="data:image\/svg\+xml;base64,/g) ?? []).length, 1 + 1 + 1 + 1 + 2 + 2 + 2);   // explain; memory: accuracy and budget
    assert.ok(html.includes("f_t = σ(W_if x_t + W_hf h_t−1 + b_f + 1)"));
    assert.doesNotMatch(html, /Not run yet/);
    assert.doesNotMatch(html, /(src|href)="(https?:|\/\/)/);
    assert.ok(existsSync(out("report", "report.html")));
  });
});
