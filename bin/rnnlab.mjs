#!/usr/bin/env node
// The `rnnlab` command. The library ships as TypeScript, so the bin registers tsx's ESM loader
// (a runtime dependency) and then imports the CLI entry point from src/. Anything that escapes
// main() (it should not) is still reported as one line, with the stack only under RNNLAB_DEBUG.
import { register } from "tsx/esm/api";

register();
try {
  const { main } = await import("../src/cli/main.ts");
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`rnnlab: internal error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
  if (process.env.RNNLAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}
