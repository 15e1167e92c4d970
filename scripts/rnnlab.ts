// `rnnlab` from the TypeScript sources, for a repository checkout: `node --import tsx scripts/rnnlab.ts …`
// (what `npm run lab` / `npm run train` and the CLI tests run), so edits need no rebuild. Worker
// threads inherit the --import, so they load the sources too. The published command is bin/rnnlab.mjs.
import { runCommandLine } from "../src/cli/main.ts";

await runCommandLine();
