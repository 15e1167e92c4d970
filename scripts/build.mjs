#!/usr/bin/env node
// npm run build: everything the published package holds, from the sources.
//   build/rnnlab.wasm   the SIMD kernels (scripts/build-wasm.mjs, AssemblyScript)
//   dist/esm/           the library, CLI and browser entry compiled by tsc (ES modules + .d.ts),
//                       mirroring src/; the .mjs worker entries copied beside their modules
//   dist/cjs/index.cjs  the library as one CommonJS file for require("rnnlab") (esbuild), with
//                       index.d.cts and the wasm worker entry beside it
//   dist/web/           the browser bundle rnnlab.js + rnnlab.wasm and the playground (build-web.mjs)
// Run by `prepare` (npm install / npm ci in a checkout) and `prepack` (npm pack / npm publish).
// `--no-web` skips dist/web (it needs the dataset devDependencies and takes the longest).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const esm = join(root, "dist", "esm"), cjs = join(root, "dist", "cjs");
const t0 = performance.now();
const step = (what) => console.log(`build: ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

function run(args, label) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) { console.error(`build: ${label} FAILED`); process.exit(r.status ?? 1); }
}

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p); else yield p;
  }
}

// ---- 1. the wasm kernels ----
run([join(root, "scripts", "build-wasm.mjs")], "build-wasm");

// ---- 2. tsc: ES modules and declarations ----
rmSync(join(root, "dist", "esm"), { recursive: true, force: true });
rmSync(cjs, { recursive: true, force: true });
run([require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], "tsc");
// tsc rewrites "./x.ts" to "./x.js" in the JavaScript it emits (rewriteRelativeImportExtensions),
// but not in declaration files; a consumer's TypeScript would then look for .ts sources
let dts = 0;
for (const f of walk(esm)) {
  if (!f.endsWith(".d.ts")) continue;
  const text = readFileSync(f, "utf8");
  const srcDir = join(root, "src", relative(esm, dirname(f)));
  const fixed = text
    .replace(/(["'])(\.{1,2}\/[^"'\n]*?)\.ts\1/g, "$1$2.js$1")
    // a path that leaves src/ (the asc-generated build/rnnlab.d.ts) is re-based for dist/esm's extra depth
    .replace(/(["'])(\.{1,2}\/[^"'\n]*)\1/g, (m, q, spec) => {
      const target = join(srcDir, spec);
      if (!relative(join(root, "src"), target).startsWith("..")) return m;
      const rebased = relative(dirname(f), target).split(sep).join("/");
      return q + (rebased.startsWith(".") ? rebased : `./${rebased}`) + q;
    });
  if (fixed !== text) { writeFileSync(f, fixed); dts++; }
}
// worker entries are plain JavaScript files that tsc does not copy
for (const rel of ["kernels/wasm/worker.mjs", "cli/worker.mjs"]) copyFileSync(join(root, "src", rel), join(esm, rel));
step(`dist/esm (${dts} declaration files with import paths rewritten)`);

// ---- 3. CommonJS ----
// One file, so every import.meta.url in it means dist/cjs/index.cjs: the wasm worker entry is
// copied next to it, and the package root is found by walking up (src/assets.ts).
const { build } = await import("esbuild");
mkdirSync(cjs, { recursive: true });
await build({
  entryPoints: [join(esm, "index.js")], outfile: join(cjs, "index.cjs"),
  bundle: true, format: "cjs", platform: "node", target: "node20", packages: "external",
  define: { "import.meta.url": "__rnnlabModuleUrl" },
  banner: { js: "const __rnnlabModuleUrl = require(\"node:url\").pathToFileURL(__filename).href;" },
  logLevel: "warning", legalComments: "none",
});
copyFileSync(join(esm, "kernels", "wasm", "worker.mjs"), join(cjs, "worker.mjs"));
writeFileSync(join(cjs, "index.d.cts"), "// The CommonJS entry has the same exports as the ES module entry.\nexport * from \"../esm/index.js\";\n");
step("dist/cjs");

// ---- 4. the browser bundle and the playground ----
if (!process.argv.includes("--no-web")) {
  run(["--import", "tsx", join(root, "scripts", "build-web.mjs")], "build-web");
  step("dist/web");
}
console.log(`build: done in ${relative(process.cwd(), root) || "."}`);
