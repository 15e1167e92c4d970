// init() takes the same order as the default kernels (native → wasm → ref, or RNNLAB_BACKEND), so
// calling it in Node — as the browser examples do — never trades the native kernels for slower ones.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { init, backendInfo, RnnlabError } from "../../src/index.ts";
import { nativeBackend } from "../helpers/backends.ts";

const nativeBuilt = (await nativeBackend()).length > 0;
const savedEnv = process.env.RNNLAB_BACKEND;
after(() => { if (savedEnv === undefined) delete process.env.RNNLAB_BACKEND; else process.env.RNNLAB_BACKEND = savedEnv; });

describe("init", () => {
  it("auto chooses native when it is built, else wasm, and makes it the default", async () => {
    delete process.env.RNNLAB_BACKEND;
    const r = await init();
    assert.equal(r.backend, nativeBuilt ? "native" : "wasm");
    assert.equal(r.reason, null);
    assert.equal(r.kernels.name, r.backend);
    assert.equal(backendInfo().backend, r.backend);
  });

  it("a named backend is taken as named", async () => {
    assert.equal((await init({ backend: "wasm" })).backend, "wasm");
    assert.equal(backendInfo().backend, "wasm");
    assert.equal((await init({ backend: "ref" })).backend, "ref");
    if (nativeBuilt) assert.equal((await init({ backend: "native" })).backend, "native");
  });

  it("auto follows RNNLAB_BACKEND", async () => {
    process.env.RNNLAB_BACKEND = "wasm";
    assert.equal((await init()).backend, "wasm");
    process.env.RNNLAB_BACKEND = "ref";
    assert.equal((await init()).backend, "ref");
    process.env.RNNLAB_BACKEND = "fast";
    await assert.rejects(init(), /RNNLAB_BACKEND/);
    delete process.env.RNNLAB_BACKEND;
  });

  it("refuses an unknown backend name", async () => {
    await assert.rejects(init({ backend: "gpu" as never }), (err: unknown) => err instanceof RnnlabError && /backend/.test(err.message));
  });

  it("without the native binary: auto falls back to wasm, and asking for native says why", () => {
    // A child process whose dlopen always fails: the native kernels cannot load, the others can.
    const script = `process.dlopen = () => { throw new Error("dlopen blocked by the test"); };
      const { init, RnnlabError } = await import(${JSON.stringify(new URL("../../src/index.ts", import.meta.url).href)});
      const auto = await init();
      let refused = "";
      try { await init({ backend: "native" }); } catch (e) { refused = (e instanceof RnnlabError ? "RnnlabError: " : "") + e.message; }
      console.log(JSON.stringify({ auto: auto.backend, refused }));`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, RNNLAB_BACKEND: "" } });
    const r = JSON.parse(out.trim().split("\n").pop()!);
    assert.equal(r.auto, "wasm");
    assert.match(r.refused, /^RnnlabError: init: backend "native" is not available: .*dlopen blocked by the test/);
  });
});
