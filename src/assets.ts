// Where the package's own files are, in Node. The same module runs from three places — src/ (a
// repository checkout, through tsx), dist/esm/ (the compiled package) and the CommonJS bundle
// dist/cjs/index.cjs — at different depths below the package root, so the root is found by walking
// up from this module to the package.json named "rnnlab" instead of by a fixed "../..".
// Node only (node:fs); the browser build locates its files relative to the bundle (load-web.ts).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The directory holding rnnlab's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name === "rnnlab") return (root = dir);
    } catch { /* no (readable) package.json here: keep walking */ }
    const up = dirname(dir);
    if (up === dir) throw new Error(`rnnlab: cannot find its own package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Path of a file inside the package, e.g. packageFile("build", "rnnlab.wasm"). */
export function packageFile(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** True in a repository checkout (src/ is there; the published package ships only compiled code). */
export function isCheckout(): boolean {
  return existsSync(packageFile("src", "index.ts"));
}
