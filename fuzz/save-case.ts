// Save one case of a run as a reproducer (e.g. one seen failing in a run without --out):
//   node --import tsx fuzz/save-case.ts <format> <seed> <case> [outcome] [message]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedFiles, type Format } from "./targets.ts";
import { caseRng, mutateFiles } from "./mutate.ts";
import { saveReproducer, type Outcome } from "./run-cases.ts";

const [format, seed, i, outcome = "other-error", message = ""] = process.argv.slice(2);
const files = mutateFiles(caseRng(Number(seed), format as Format, Number(i)), format as Format, seedFiles(format as Format, mkdtempSync(join(tmpdir(), "rnnlab-save-case-"))));
console.log(saveReproducer("fuzz/reproducers", format as Format, Number(seed), { i: Number(i), outcome: outcome as Outcome, ms: 0, message, bytes: 0, memGrowth: 0, rssGrowth: 0 }, files));
