// Entry of the worker thread that runs a long command (see CommandSpec.worker). A worker entry must
// be plain JavaScript, and this file sits next to either worker-main.js (the compiled package,
// dist/esm/cli/) or worker-main.ts (a repository checkout, run through tsx, a devDependency).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = new URL("./worker-main.js", import.meta.url);
if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./worker-main.ts");
}
