// servePlayground and `rnnlab serve`, without a browser: what is served, with which headers, and
// what is refused. Uses its own small root (not dist/web/, which the browser test rebuilds).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { servePlayground } from "../../src/web/server.ts";
import { CLI } from "../cli/helpers.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function site(): string {
  const dir = mkdtempSync(join(tmpdir(), "rnnlab-serve-"));
  mkdirSync(join(dir, "www", "data"), { recursive: true });
  writeFileSync(join(dir, "www", "index.html"), "<!doctype html><title>t</title>");
  writeFileSync(join(dir, "www", "rnnlab.wasm"), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(dir, "www", "data", "names.json"), "[]");
  writeFileSync(join(dir, "secret.txt"), "outside the root");
  return dir;
}

test("servePlayground: files with their types and the self-only CSP / isolation headers; nothing outside the root", async () => {
  const dir = site();
  const server = await servePlayground({ root: join(dir, "www") });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const home = await fetch(server.url);
    assert.equal(home.status, 200);
    assert.equal(home.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(home.headers.get("content-security-policy")!, /default-src 'self'.*script-src 'self' 'wasm-unsafe-eval'.*connect-src 'self'/);
    assert.equal(home.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(home.headers.get("cross-origin-embedder-policy"), "require-corp");
    const wasm = await fetch(new URL("rnnlab.wasm", server.url));
    assert.equal(wasm.headers.get("content-type"), "application/wasm");   // needed by WebAssembly.compileStreaming
    assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer())].slice(0, 4), [0, 0x61, 0x73, 0x6d]);
    assert.equal((await fetch(new URL("data/names.json", server.url))).headers.get("content-type"), "application/json");
    assert.equal((await fetch(new URL("nope.js", server.url))).status, 404);
    assert.equal((await fetch(new URL("data/", server.url))).status, 404);   // no directory listings
    for (const path of ["/%2e%2e/secret.txt", "/..%2fsecret.txt", "/data/%2e%2e/%2e%2e/secret.txt"]) {
      const r = await fetch(server.url.slice(0, -1) + path);
      assert.ok(r.status === 403 || r.status === 404, `${path}: ${r.status}`);
      assert.ok(!(await r.text()).includes("outside the root"), path);
    }
    assert.equal((await fetch(server.url, { method: "POST", body: "x" })).status, 405);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("servePlayground: a root without index.html is an error that says how to build it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rnnlab-serve-"));
  try {
    await assert.rejects(servePlayground({ root: dir }), /npm run build:web/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("rnnlab serve --port 0 --root DIR: prints its URL, serves, stops on Ctrl-C", async () => {
  const dir = site();
  const child = spawn(process.execPath, [...CLI, "serve", "--port", "0", "--root", join(dir, "www")], { cwd: ROOT });
  try {
    let out = "";
    child.stdout.setEncoding("utf8");
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL printed: ${out}`)), 20000);
      child.stdout.on("data", (s: string) => {
        out += s;
        const m = /playground on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) { clearTimeout(timer); ok(m[1]); }
      });
      child.on("exit", (code) => fail(new Error(`serve exited with ${code}: ${out}`)));
    });
    assert.equal((await fetch(url)).status, 200);
    const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
    child.kill("SIGINT");
    assert.equal(await exited, 130);                       // the CLI's exit code for an interrupted command
    assert.match(out, /stopped/);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
