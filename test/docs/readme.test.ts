// Every TypeScript/JavaScript code block of the README runs, as written, against the built package
// (imports of "rnnlab" resolve to this package's own exports, as in a user's project).
// Convention: a block runs on its own, in a fresh temp folder as its working directory; a block
// whose first line is `// continues` runs after the block before it, in the same module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBuilt, ROOT } from "../package/consumer.ts";

export function codeBlocks(markdown: string): Array<{ lang: string; code: string; line: number }> {
  const blocks: Array<{ lang: string; code: string; line: number }> = [];
  const re = /^```(ts|js|mjs|typescript|javascript)\s*\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    blocks.push({ lang: m[1]!, code: m[2]!, line: markdown.slice(0, m.index).split("\n").length });
  }
  return blocks;
}

/** The programs to run: blocks joined by the `// continues` convention. */
export function programs(markdown: string): Array<{ code: string; line: number }> {
  const out: Array<{ code: string; line: number }> = [];
  for (const b of codeBlocks(markdown)) {
    if (b.code.startsWith("// continues") && out.length) out[out.length - 1]!.code += `\n${b.code}`;
    else out.push({ code: b.code, line: b.line });
  }
  return out;
}

test("the README's code blocks run", { timeout: 600_000 }, () => {
  ensureBuilt();
  const progs = programs(readFileSync(join(ROOT, "README.md"), "utf8"));
  assert.ok(progs.length >= 3, `found ${progs.length} programs`);
  // inside the repository, so that "rnnlab" resolves to this package by self-reference
  const base = join(ROOT, "test-artifacts", "readme");
  mkdirSync(base, { recursive: true });
  for (const p of progs) {
    const dir = mkdtempSync(join(base, `line-${p.line}-`));
    try {
      writeFileSync(join(dir, "block.mts"), p.code);
      const r = spawnSync(process.execPath, ["--import", "tsx", "block.mts"], { cwd: dir, encoding: "utf8", env: { ...process.env, RNNLAB_NO_FETCH: "1" } });
      assert.equal(r.status, 0, `README block at line ${p.line} failed:\n${r.stdout}\n${r.stderr}`);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }
});

test("a block that throws fails the check (the test can fail)", () => {
  assert.deepEqual(programs("```ts\nA\n```\n```ts\n// continues\nB\n```\n```sh\nC\n```\n").map((p) => p.code), ["A\n\n// continues\nB\n"]);
});
