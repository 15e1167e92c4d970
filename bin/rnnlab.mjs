#!/usr/bin/env node
// The `rnnlab` command. The library ships as TypeScript, so the bin registers tsx's ESM loader
// (a runtime dependency) and then imports the CLI entry point from src/.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
