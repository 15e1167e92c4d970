// One format's cases in a child process of fuzz/main.ts: prints "case <i>" before each case (the
// parent's watchdog reads it) and one JSON line with the totals at the end.
//   node --import tsx fuzz/worker.ts <format> <seed> <from> <to> <scratch> <reproducers> <deadlineMs>
import { join } from "node:path";
import { seedFiles, type Format } from "./targets.ts";
import { runCases } from "./run-cases.ts";

const [format, seed, from, to, scratch, reproducers, deadline] = process.argv.slice(2);
const files = seedFiles(format as Format, join(scratch, "seed"));
const result = runCases(format as Format, files, Number(from), Number(to), {
  seed: Number(seed), scratch, reproducers, maxSaved: 10, deadline: Number(deadline),
  onCase: (i) => process.stdout.write(`case ${i}\n`),
});
process.stdout.write(JSON.stringify({ done: true, ...result, bad: result.bad.slice(0, 200) }) + "\n");
