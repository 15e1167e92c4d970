// Installing without a working C++ compiler: a copy of the package (sources, the wasm binary, the
// build scripts, no native binary) runs the package's own `install` script with no compiler, and
// with a compiler that fails. Both must exit 0, leave no binary, and say the wasm kernels will be
// used; then in that copy the default backend is wasm (backendInfo() says why), asking for native
// by name is a clear error, and the kernel test files pass there on wasm.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
let pkg = "";

before(() => {
  pkg = mkdtempSync(join(tmpdir(), "rnnlab-nocc-"));
  for (const part of ["package.json", "tsconfig.json", "src", "scripts", "native", "test/helpers", "test/kernels"]) {
    cpSync(join(root, part), join(pkg, part), { recursive: true });
  }
  cpSync(join(root, "build", "rnnlab.wasm"), join(pkg, "build", "rnnlab.wasm"));
  symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"), "dir");
});
after(() => { if (pkg) rmSync(pkg, { recursive: true, force: true }); });

/** The package's install script, run the way npm runs it (through a shell, in the package directory). */
function install(env: Record<string, string>) {
  const script = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).scripts.install as string;
  return spawnSync("sh", ["-c", script], { cwd: pkg, env: { ...process.env, ...env }, encoding: "utf8" });
}

describe("install without a working C++ compiler", () => {
  it("no compiler: exits 0, builds nothing, says wasm will be used", () => {
    const r = install({ CXX: join(pkg, "no-such-compiler") });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /native kernels not built \(no C\+\+ compiler found.*WebAssembly kernels will be used/);
    assert.ok(!existsSync(join(pkg, "build", "native", "rnnlab.node")));
  });

  it("a compiler that fails: exits 0, builds nothing, leaves no temporary files", () => {
    const fake = join(pkg, "broken-c++");
    writeFileSync(fake, '#!/bin/sh\n[ "$1" = "--version" ] && exit 0\necho "error: this compiler always fails" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const r = install({ CXX: fake });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /did not compile: error: this compiler always fails/);
    assert.ok(!existsSync(join(pkg, "build", "native", "rnnlab.node")));
    const left = existsSync(join(pkg, "build", "native")) ? execFileSync("ls", [join(pkg, "build", "native")], { encoding: "utf8" }) : "";
    assert.equal(left.trim(), "", "temporary build directories removed");
  });

  it("then the library runs on wasm, says why, and refuses native by name", () => {
    const probe = [
      'import { defaultKernels, backendInfo } from "./src/index.ts";',
      "const k = defaultKernels(); const info = backendInfo();",
      "console.log(JSON.stringify({ name: k.name, info }));",
    ].join("\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], { cwd: pkg, encoding: "utf8", env: { ...process.env, RNNLAB_BACKEND: "" } });
    assert.equal(r.status, 0, r.stderr);
    const { name, info } = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.equal(name, "wasm");
    assert.match(info.fallback, /native kernels not built.*`npm run build:native` builds them/);   // a checkout
    const forced = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], { cwd: pkg, encoding: "utf8", env: { ...process.env, RNNLAB_BACKEND: "native" } });
    assert.notEqual(forced.status, 0);
    assert.match(forced.stderr, /native kernels not built/);
  });

  it("and the kernel tests pass there (on ref and wasm)", () => {
    const files = ["test/kernels/parity.test.ts", "test/kernels/train-kernels.test.ts", "test/kernels/native.test.ts"];
    const env: Record<string, string | undefined> = { ...process.env, RNNLAB_BACKEND: "", RNNLAB_REQUIRE_NATIVE: "" };
    delete env.NODE_TEST_CONTEXT;                      // a nested runner would otherwise report to ours, not to stdout
    const r = spawnSync(process.execPath, ["--import", "tsx", "--test", ...files], { cwd: pkg, encoding: "utf8", env, timeout: 300_000 });
    assert.equal(r.status, 0, r.stdout.slice(-3000));
    assert.match(r.stdout, /# fail 0/);
    assert.match(r.stdout, /wasm gemmNN/, "the parity suite ran on wasm");
    assert.doesNotMatch(r.stdout, /native gemmNN/, "no native backend took part");
  });
});

describe("how to build them, in the message", () => {
  it("names npm rebuild for an installed package and the build script for a checkout", async () => {
    const { howToBuild } = await import("../../src/kernels/native/load.ts");
    assert.match(howToBuild("/app/node_modules/rnnlab/build/native/rnnlab.node"), /^`npm rebuild rnnlab`/);
    assert.match(howToBuild("C:\\app\\node_modules\\rnnlab\\build\\native\\rnnlab.node"), /^`npm rebuild rnnlab`/);
    assert.match(howToBuild("/home/me/rnnlab/build/native/rnnlab.node"), /^`npm run build:native`/);
  });
});
