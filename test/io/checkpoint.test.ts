// Checkpoint files: round trips, errors that name the file, and atomic saves, including a real
// crash test (a child process saving big checkpoints in a loop, killed with SIGKILL).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCheckpoint, saveCheckpoint } from "../../src/io/checkpoint.ts";
import { LSTM } from "../../src/layers/recurrent.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { RnnlabError } from "../../src/errors.ts";
import { bigLength } from "./crash-writer.ts";

const dirs: string[] = [];
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), "rnnlab-ckpt-")); dirs.push(d); return d; };
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const temps = (dir: string) => readdirSync(dir).filter((f) => f.includes(".tmp-"));

describe("saveCheckpoint / loadCheckpoint", () => {
  it("round trip of an LSTM state dict with its config in the metadata; no temp file left", () => {
    const dir = tempDir(), path = join(dir, "lstm.safetensors");
    const config = { inputSize: 4, hiddenSize: 3, numLayers: 2, bidirectional: true, projSize: 2, seed: 5 };
    const layer = new LSTM(config);
    saveCheckpoint(path, layer.stateDict(), { format: "pt", config: JSON.stringify(config) });
    const { tensors, metadata } = loadCheckpoint(path);
    const copy = new LSTM({ ...JSON.parse(metadata.config), seed: 99 });
    copy.loadStateDict(tensors);
    assert.deepEqual(copy.stateDict(), layer.stateDict());
    assert.deepEqual(readdirSync(dir), ["lstm.safetensors"]);
  });
  it("overwrites an existing checkpoint", () => {
    const dir = tempDir(), path = join(dir, "c.safetensors");
    saveCheckpoint(path, { w: new Tensor([1], Float64Array.of(1)) });
    saveCheckpoint(path, { w: new Tensor([2], Float64Array.of(2, 3)) });
    assert.deepEqual([...loadCheckpoint(path).tensors.w.data], [2, 3]);
    assert.deepEqual(readdirSync(dir), ["c.safetensors"]);
  });
  it("errors name the file: missing, a directory, corrupt, NaN (and allowNonFinite passes through)", () => {
    const dir = tempDir(), path = join(dir, "x.safetensors");
    assert.throws(() => loadCheckpoint(path), { name: "RnnlabError", message: `loadCheckpoint: path must be a readable safetensors file, got "${path}" (no such file)` });
    assert.throws(() => loadCheckpoint(dir), /loadCheckpoint: path must be a readable safetensors file, got ".*" \(a directory\)/);
    writeFileSync(path, "not a checkpoint");
    assert.throws(() => loadCheckpoint(path), new RegExp(`^RnnlabError: decodeSafetensors\\(${path}\\): the header length must be at most 100000000 bytes`));
    assert.throws(() => saveCheckpoint(path, { w: new Tensor([2], Float32Array.of(1, NaN)) }), /saveCheckpoint: tensors\["w"\]\[1\] must be finite \(pass \{ allowNonFinite: true \} to save it anyway\), got NaN/);
    saveCheckpoint(path, { w: new Tensor([2], Float32Array.of(1, NaN)) }, undefined, { allowNonFinite: true });
    assert.throws(() => loadCheckpoint(path), new RegExp(`decodeSafetensors\\(${path}\\): tensor "w"\\[1\\] must be finite, got NaN`));
    assert.ok(Number.isNaN(loadCheckpoint(path, { allowNonFinite: true }).tensors.w.data[1]));
  });
  it("a save that cannot be encoded leaves the old checkpoint intact and writes no temp file", () => {
    const dir = tempDir(), path = join(dir, "c.safetensors");
    saveCheckpoint(path, { w: new Tensor([2], Float32Array.of(1, 2)) }, { step: "1" });
    const before = readFileSync(path);
    const bad = { w: new Tensor([2], Float32Array.of(3, 4)), ids: { shape: [2], data: Int32Array.of(1, 2) } };
    assert.throws(() => saveCheckpoint(path, bad as never), /saveCheckpoint: tensors\["ids"\].data must be a Float32Array or Float64Array, got Int32Array/);
    assert.throws(() => saveCheckpoint(path, { w: new Tensor([1], Float32Array.of(5)) }, { step: 2 as never }), /saveCheckpoint: metadata\["step"\] must be a string/);
    assert.deepEqual(readFileSync(path), before);
    assert.deepEqual(readdirSync(dir), ["c.safetensors"]);
  });
  it("a failure after the temp file is written (the rename) removes the temp file", () => {
    const dir = tempDir(), path = join(dir, "taken");
    mkdirSync(path);
    writeFileSync(join(path, "inside"), "x");                       // rename(file, non-empty dir) fails
    assert.throws(() => saveCheckpoint(path, { w: new Tensor([1], Float32Array.of(1)) }),
      (e: unknown) => e instanceof RnnlabError && /saveCheckpoint: could not write ".*taken" \((EISDIR|ENOTEMPTY|EEXIST|EPERM)\); any previous file there is unchanged/.test(e.message));
    assert.deepEqual(readdirSync(dir), ["taken"]);
    assert.deepEqual(readdirSync(path), ["inside"]);
  });
  it("a directory that does not exist is an error naming the path", () => {
    const path = join(tempDir(), "no", "such", "c.safetensors");
    assert.throws(() => saveCheckpoint(path, {}), /saveCheckpoint: could not write ".*c.safetensors" \(ENOENT\)/);
  });
});

// The crash test. A child (crash-writer.ts) saves versions 1, 2, 3, … of an 8 MB checkpoint to one
// path in a loop (~60 ms a save here), printing "begin <v>" before and "saved <v>" after each save.
// We SIGKILL it at chosen moments; then the file must be exactly one complete version: the last one
// reported, or the next one (renamed just before the kill, not yet reported). Stray temp files are
// allowed (a SIGKILL runs no cleanup) and counted: one shows the kill really landed inside a save.
const writer = fileURLToPath(new URL("./crash-writer.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const MB = 8;

/** Kill `delayMs` after the child prints `${mark} ${version}`. */
async function killDuringSaves(mark: "begin" | "saved", version: number, delayMs: number) {
  const dir = tempDir(), path = join(dir, "ck.safetensors");
  const child = spawn(process.execPath, ["--import", "tsx", writer, path, String(MB)], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let reported = 0, begun = 0, stderr = "", buffered = "";
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const trigger = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (buffered + chunk).split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const [what, v] = line.split(" ");
        if (what === "saved") reported = Number(v); else begun = Number(v);
        if (what === mark && Number(v) === version) resolve();
      }
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => { stderr += s; });
    child.on("exit", () => reject(new Error(`writer exited before "${mark} ${version}":\n${stderr}`)));
    setTimeout(() => reject(new Error(`no "${mark} ${version}" within 20 s`)), 20_000).unref();
  });
  try { await trigger; } catch (e) { child.kill("SIGKILL"); throw e; }
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill("SIGKILL");
  await closed;                                                       // stdout drained: `reported` is final
  assert.equal(child.signalCode, "SIGKILL");

  const { tensors, metadata } = loadCheckpoint(path);                // must parse: never a partial file
  const v = Number(metadata.version);
  assert.ok(v === reported || v === reported + 1, `file holds version ${v}, last reported save ${reported}`);
  assert.deepEqual(Object.keys(tensors).sort(), ["big", "tail"]);
  assert.equal(tensors.big.data.length, bigLength(MB, v));
  assert.ok(tensors.big.data.every((x) => x === v), `"big" is not all ${v}`);
  assert.ok(tensors.tail.data.every((x) => x === -v), `"tail" is not all ${-v}`);
  return { when: `${delayMs} ms after "${mark} ${version}"`, reported, v, midSave: begun > reported, leftoverTemps: temps(dir).length };
}

describe("atomic save under SIGKILL", () => {
  it("killed 10 ms into save 2, and 50, 120, 300 ms after save 1: the file is always one complete version", async (t) => {
    // four children at once (2 cores here): slower saves, so the kills land at more varied moments
    const results = await Promise.all([
      killDuringSaves("begin", 2, 10), killDuringSaves("saved", 1, 50), killDuringSaves("saved", 1, 120), killDuringSaves("saved", 1, 300)]);
    for (const r of results) {
      t.diagnostic(`killed ${r.when}, ${r.midSave ? `inside save ${r.reported + 1}` : "between saves"}: ` +
        `file v${r.v}, last reported v${r.reported}, ${r.leftoverTemps} stray temp file(s)`);
      assert.ok(r.leftoverTemps <= 1);                                  // at most the one it was writing
    }
  });
});
