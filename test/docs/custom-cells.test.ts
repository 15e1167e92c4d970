// docs/custom-cells.md runs: its ```ts blocks, in order, as one program against the library (the
// page's own checks throw if the hand-written LSTM differs from BasicLSTMCell or does not train).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { codeBlocks } from "../helpers/code-blocks.ts";

describe("docs/custom-cells.md", () => {
  it("every TypeScript block runs, in order, as one program", async () => {
    const page = readFileSync(new URL("../../docs/custom-cells.md", import.meta.url), "utf8");
    const blocks = codeBlocks(page, "ts");
    assert.ok(blocks.length >= 4, `expected the page's code blocks, found ${blocks.length}`);
    const library = pathToFileURL(new URL("../../src/index.ts", import.meta.url).pathname).href;
    const program = blocks.join("\n\n").replace(/from "rnnlab"/g, `from ${JSON.stringify(library)}`);
    const dir = mkdtempSync(join(tmpdir(), "rnnlab-docs-"));
    const log: string[] = [], original = console.log;
    try {
      writeFileSync(join(dir, "custom-cells.ts"), program);
      console.log = (...args: unknown[]) => { log.push(args.map(String).join(" ")); };
      await import(pathToFileURL(join(dir, "custom-cells.ts")).href);
    } finally {
      console.log = original;
      if (process.env.RNNLAB_DOCS_LOG) original(log.join("\n"));
      rmSync(dir, { recursive: true, force: true });
    }
    assert.match(log.join("\n"), /largest difference from BasicLSTMCell: /);
    assert.match(log.join("\n"), /mean squared error: .* over the last 20/);
  });
});
