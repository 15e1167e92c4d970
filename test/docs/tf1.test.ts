// docs/tf1.md runs: each ```ts block (blocks starting with `// continues` join the one before) as
// its own module against the library's sources, so the page's translations and pitfalls are checked.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

function programs(markdown: string): { code: string; line: number }[] {
  const out: { code: string; line: number }[] = [];
  const re = /^```ts\s*\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const code = m[1]!, line = markdown.slice(0, m.index).split("\n").length;
    if (code.startsWith("// continues") && out.length) out[out.length - 1]!.code += `\n${code}`;
    else out.push({ code, line });
  }
  return out;
}

describe("docs/tf1.md", () => {
  it("every TypeScript block runs", async () => {
    const page = readFileSync(new URL("../../docs/tf1.md", import.meta.url), "utf8");
    const progs = programs(page);
    assert.ok(progs.length >= 5, `found ${progs.length} blocks`);
    const library = JSON.stringify(pathToFileURL(new URL("../../src/index.ts", import.meta.url).pathname).href);
    const dir = mkdtempSync(join(tmpdir(), "rnnlab-tf1-doc-"));
    const original = console.log;
    console.log = () => {};
    try {
      for (const p of progs) {
        const file = join(dir, `line-${p.line}.ts`);
        writeFileSync(file, p.code.replace(/"rnnlab"/g, library));
        await import(pathToFileURL(file).href).catch((e: Error) => { throw new Error(`docs/tf1.md block at line ${p.line}: ${e.message}`); });
      }
    } finally {
      console.log = original;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
