// docs/training.md runs: its ```ts blocks, in order, as one program against the library.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { codeBlocks } from "../helpers/code-blocks.ts";

describe("docs/training.md", () => {
  it("every TypeScript block runs, in order, as one program", async () => {
    const page = readFileSync(new URL("../../docs/training.md", import.meta.url), "utf8");
    const blocks = codeBlocks(page, "ts").map((b) => b.replace(/^\/\/ continues\n/, ""));
    assert.ok(blocks.length >= 5, `expected the page's code blocks, found ${blocks.length}`);
    const library = pathToFileURL(new URL("../../src/index.ts", import.meta.url).pathname).href;
    // imports first (a block may import after code), then the code
    const imports: string[] = [], body: string[] = [];
    for (const line of blocks.join("\n\n").split("\n")) (line.startsWith("import ") ? imports : body).push(line);
    const program = [...imports, ...body].join("\n").replace(/from "rnnlab"/g, `from ${JSON.stringify(library)}`);
    const dir = mkdtempSync(join(tmpdir(), "rnnlab-docs-training-")), cwd = process.cwd();
    const log: string[] = [], original = console.log;
    try {
      writeFileSync(join(dir, "training.ts"), program);
      process.chdir(dir);
      console.log = (...args: unknown[]) => { log.push(args.map(String).join(" ")); };
      await import(pathToFileURL(join(dir, "training.ts")).href);
    } finally {
      console.log = original;
      process.chdir(cwd);
      if (process.env.RNNLAB_DOCS_LOG) original(log.join("\n"));
      rmSync(dir, { recursive: true, force: true });
    }
    const out = log.join("\n");
    assert.match(out, /LSTMCell\(16\) → GRUCell\(16\)/);
    assert.match(out, /held-out MSE after 2 epochs: \d/);
    assert.match(out, /resumed to epoch 3: \d/);
    assert.match(out, /custom cells, held-out MSE: \d/);
    assert.match(out, /stream state: 1,64/);
    assert.match(out, /is not a float32 number/);
    assert.match(out, /Keras fit: loss \d\.\d+ -> \d\.\d+ \| val_loss \d/);
    assert.match(out, /reloaded prediction equal: true/);
    assert.match(out, /step 6: loss \d\.\d+, gradient norm \d+\.\d+, lr \d/);
    assert.match(out, /generic fit on a Keras model: val_loss \d\.\d+ \| mae \d\.\d+/);
    assert.match(out, /resumed after step 12: 18 steps in all/);
    const [, a, b] = /Keras fit: loss (\S+) -> (\S+)/.exec(out)!;
    assert.ok(Number(b) < Number(a), `fine-tuning lowered the loss: ${a} -> ${b}`);
  });
});
