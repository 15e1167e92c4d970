// Shared set-up of the browser tests: build dist/web/, serve it on a random localhost port, and
// launch Debian's chromium through playwright-core with the flags of DESIGN.md. A missing
// chromium is a test FAILURE with the command that installs it, never a skip.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { servePlayground, type PlaygroundServer } from "../../src/web/server.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ARTIFACTS = join(ROOT, "test-artifacts");
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"];

export function findChromium(): string {
  const fromEnv = process.env.RNNLAB_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`RNNLAB_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  for (const name of ["chromium", "chromium-browser"]) {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error("browser tests need Debian's chromium, which is not installed: run `apt-get install -y chromium` " +
    "(.ci/run does this when it is missing) or set RNNLAB_CHROMIUM to a Chromium binary");
}

/** npm run build:web, once per test process. */
let built = false;
export function buildWeb(): void {
  if (built) return;
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "build-web.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build:web failed:\n${r.stdout}\n${r.stderr}`);
  process.stdout.write(`${r.stdout.trim()}\n`);
  built = true;
}

export async function startBrowser(): Promise<{ browser: Browser; server: PlaygroundServer; close(): Promise<void> }> {
  const executablePath = findChromium();
  buildWeb();
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await servePlayground({ port: 0, host: "127.0.0.1" });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  return { browser, server, close: async () => { await browser.close(); await server.close(); } };
}
