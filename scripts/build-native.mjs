// Builds the native kernels (native/*.cc, Node-API) into build/native/rnnlab.node with the C++
// compiler that is already on the machine, offline. Run by `npm install` (the package's `install`
// script) and by `npm run build:native`.
//
// It never fails the install: with no compiler, no Node headers, an unsupported platform, or a
// compile error it prints one line saying the WebAssembly kernels will be used, and exits 0.
// (`--strict` makes a failed build exit 1, for CI and for working on the kernels; `--prebuild`
// also copies the result to prebuilds/<platform>-<arch>/rnnlab.node, the binary a package made on
// this platform ships for machines without a compiler.)
//
// Why a plain compiler call and not node-gyp: node-gyp needs Python and make, and without
// `--nodedir` it downloads Node's headers — which an offline install cannot do — while every Node
// ≥ 20 ships the Node-API headers under <prefix>/include/node already. The three instruction-set
// builds need per-file flags (-mavx512f / -mavx2 -mfma / none), which a gyp file expresses only as
// separate static-library targets. Node-API is ABI-stable, so the result loads in every later Node.
//
// Environment: CXX (compiler, default c++ then g++ then clang++), RNNLAB_SKIP_NATIVE=1 (do nothing),
// RNNLAB_NODE_HEADERS (a directory holding node_api.h, default: the running Node's include/node).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "native");
const outDir = join(root, "build", "native");
const target = join(outDir, "rnnlab.node");
const strict = process.argv.includes("--strict");
const quiet = process.argv.includes("--quiet");

class Skip extends Error {}
function skip(reason) { throw new Skip(reason); }

function findCompiler() {
  const candidates = process.env.CXX !== undefined ? [process.env.CXX] : ["c++", "g++", "clang++"];
  for (const cxx of candidates) {
    if (!cxx) continue;
    const r = spawnSync(cxx, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    if (r.status === 0) return cxx;
  }
  return null;
}

function headers() {
  const dirs = [process.env.RNNLAB_NODE_HEADERS, join(dirname(process.execPath), "..", "include", "node")].filter(Boolean);
  return dirs.find((d) => existsSync(join(d, "node_api.h"))) ?? null;
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => { err += d; });
    p.on("error", (e) => resolve({ ok: false, err: String(e) }));
    p.on("close", (code) => resolve({ ok: code === 0, err }));
  });
}

async function main() {
  if (process.env.RNNLAB_SKIP_NATIVE === "1") skip("RNNLAB_SKIP_NATIVE=1");
  if (!["linux", "darwin"].includes(process.platform)) skip(`no native build for ${process.platform} yet`);
  const cxx = findCompiler();
  if (!cxx) skip("no C++ compiler found; set CXX to use one");
  const inc = headers();
  if (!inc) skip("Node-API headers (node_api.h) not found next to this Node; set RNNLAB_NODE_HEADERS");

  const x64 = process.arch === "x64";
  const common = ["-std=c++17", "-O3", "-fPIC", "-pthread", "-fvisibility=hidden", "-ffp-contract=fast", "-fno-math-errno", "-I", inc];
  const units = x64
    ? [["isa-avx512.cc", ["-mavx512f", "-mavx512vl", "-mavx512dq", "-mavx512bw", "-mavx2", "-mfma", "-mprefer-vector-width=512"]],
       ["isa-avx2.cc", ["-mavx2", "-mfma"]],
       ["isa-base.cc", []],
       ["addon.cc", []]]
    : [["isa-base.cc", []], ["addon.cc", ["-DRNNLAB_BASE_ONLY"]]];
  const tmp = join(outDir, `tmp-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const objs = units.map(([file]) => join(tmp, file.replace(/\.cc$/, ".o")));
    const results = await Promise.all(units.map(([file, flags], i) => run(cxx, [...common, ...flags, "-c", join(src, file), "-o", objs[i]])));
    const bad = results.findIndex((r) => !r.ok);
    if (bad >= 0) skip(`${units[bad][0]} did not compile: ${results[bad].err.split("\n").find((l) => /error/.test(l)) ?? results[bad].err.slice(0, 200)}`);
    const linkFlags = process.platform === "darwin" ? ["-undefined", "dynamic_lookup"] : [];
    const out = join(tmp, "rnnlab.node");
    const link = await run(cxx, ["-shared", "-pthread", ...linkFlags, "-o", out, ...objs]);
    if (!link.ok) skip(`link failed: ${link.err.slice(0, 200)}`);
    // load it once here, so a binary that cannot load never replaces a good one
    const check = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(out)}).isa()`], { stdio: "ignore" });
    if (check.status !== 0) skip("the built module does not load");
    renameSync(out, target);                           // atomic: a reader sees the old file or the new one
    if (!quiet) console.error(`rnnlab: native kernels built (${target})`);
    if (process.argv.includes("--prebuild")) {
      const dir = join(root, "prebuilds", `${process.platform}-${process.arch}`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(target, join(dir, "rnnlab.node"));
      if (!quiet) console.error(`rnnlab: copied to ${join(dir, "rnnlab.node")}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  if (!quiet) console.error(`rnnlab: native kernels not built (${err instanceof Skip ? err.message : String(err?.stack ?? err)}); the WebAssembly kernels will be used`);
  process.exitCode = strict ? 1 : 0;
});
