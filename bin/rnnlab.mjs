#!/usr/bin/env node
// The `rnnlab` command. The installed package runs the compiled CLI (dist/esm/cli/main.js); a
// repository checkout (src/ present, devDependencies installed) runs the TypeScript sources
// through tsx, a devDependency, so edits need no rebuild. Anything that escapes main() (it should
// not) is still reported as one line, with the stack only under RNNLAB_DEBUG.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const checkout = existsSync(fileURLToPath(new URL("../src/cli/main.ts", import.meta.url)));
// tsx is only there in a checkout with its devDependencies; without them the compiled CLI runs
const tsx = checkout ? await import("tsx/esm/api").catch(() => null) : null;
try {
  let main;
  if (tsx) {
    tsx.register();
    ({ main } = await import("../src/cli/main.ts"));
  } else {
    ({ main } = await import("../dist/esm/cli/main.js"));
  }
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`rnnlab: internal error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
  if (process.env.RNNLAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}
