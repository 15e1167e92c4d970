#!/usr/bin/env node
// The `rnnlab` command: the package's compiled CLI (dist/esm/cli/main.js), nothing beyond the
// package's own dependencies. A repository checkout runs the TypeScript sources through
// scripts/rnnlab.ts instead (`npm run lab`, `npm run train`, the CLI tests), so edits need no rebuild.
let cli;
try {
  cli = await import("../dist/esm/cli/main.js");
} catch (e) {
  process.stderr.write(`rnnlab: cannot load the compiled CLI (dist/esm/cli/main.js; \`npm run build\` makes it in a checkout): ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
  process.exitCode = 1;
}
if (cli) await cli.runCommandLine();
