// Entry of a worker thread of the CLI: a long command (see CommandSpec.worker, entry worker-main)
// or a pool of experiment runs (entry memory-worker-main). A worker entry must be plain JavaScript,
// and this file sits next to either the compiled modules (the package, dist/esm/cli/) or the
// TypeScript sources (a repository checkout, where worker-sources.mjs has made them loadable).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { workerData } from "node:worker_threads";

const ENTRIES = ["worker-main", "memory-worker-main"];
const entry = workerData?.entry ?? "worker-main";
if (!ENTRIES.includes(entry)) throw new Error(`unknown worker entry ${entry}`);
const compiled = new URL(`./${entry}.js`, import.meta.url);
await import(existsSync(fileURLToPath(compiled)) ? compiled.href : `./${entry}.ts`);
