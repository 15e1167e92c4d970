#!/usr/bin/env node
// Builds the wasm backend: assembly/index.ts -> build/rnnlab.wasm, build/rnnlab.wat (for review),
// build/rnnlab.js + build/rnnlab.d.ts (asc --bindings raw; the adapter takes its export types from
// the .d.ts), and build/rnnlab-single.wasm: the same kernels importing a memory that is NOT
// shared, for browsers that cannot create shared memory (a page that is not cross-origin
// isolated, outside Chromium): SIMD on one thread there, instead of the TypeScript kernels. Run by `npm run build:wasm` and by `prepare` on npm install / npm ci.
// Fails loudly (exit 1) on a compile error or when the text contains call_indirect (a function-typed
// parameter or closure slipped into a kernel).
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build");
const wasmFile = join(out, "rnnlab.wasm");
const watFile = join(out, "rnnlab.wat");
mkdirSync(out, { recursive: true });

const args = [
  join(root, "assembly", "index.ts"),
  "--outFile", wasmFile,
  "--textFile", watFile,
  "--bindings", "raw",
  "--enable", "simd",
  "--enable", "threads",
  "-O3",
  "--noAssert",
  "--runtime", "stub",
  "--importMemory",
  "--sharedMemory",
  "--initialMemory", "16",
  "--maximumMemory", "32768",
];

const t0 = performance.now();
const { error } = await asc.main(args, { stdout: process.stdout, stderr: process.stderr }); // diagnostics go to stderr
if (error) {
  console.error(`build-wasm: AssemblyScript compile FAILED: ${error.message}`);
  process.exit(1);
}

// the unshared variant: the same sources and options minus the shared memory
const singleFile = join(out, "rnnlab-single.wasm");
const singleArgs = [args[0], "--outFile", singleFile, ...args.slice(1).filter((a, i, all) =>
  !["--outFile", "--textFile", "--bindings", "--sharedMemory"].includes(a) && !["--outFile", "--textFile", "--bindings"].includes(all[i - 1]))];
const single = await asc.main(singleArgs, { stdout: process.stdout, stderr: process.stderr });
if (single.error) {
  console.error(`build-wasm: AssemblyScript compile of the unshared variant FAILED: ${single.error.message}`);
  process.exit(1);
}

const wat = readFileSync(watFile, "utf8");
if (wat.includes("call_indirect")) {
  console.error("build-wasm: FAILED: build/rnnlab.wat contains call_indirect (function-typed parameter or closure in a kernel?)");
  process.exit(1);
}
const exports = [...wat.matchAll(/^\s*\(export "([^"]+)" \(func/gm)].map((m) => m[1]);
const imports = [...wat.matchAll(/^\s*\(import "([^"]+)" "([^"]+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
const ms = (performance.now() - t0).toFixed(0);
console.log(`build-wasm: ${relative(root, wasmFile)} ${statSync(wasmFile).size} bytes, ${exports.length} exports, ` +
  `imports [${imports.join(", ")}], no call_indirect; ${relative(root, singleFile)} ${statSync(singleFile).size} bytes (unshared memory); ${ms} ms`);
