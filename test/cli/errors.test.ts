// Must show 4: --help for every command; bad options end with ONE clear line on stderr and a
// non-zero exit code, never a stack trace.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startCli } from "./helpers.ts";
import { commands } from "../../src/cli/commands/index.ts";
import { main } from "../../src/cli/main.ts";

/** main() in this process with its output captured (as the bin runs it, without the start-up cost) */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "", stderr = "";
  const code = await main(args, { out: (s) => { stdout += s; }, err: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

let dir = "";
before(() => { dir = mkdtempSync(join(tmpdir(), "rnnlab-err-")); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const NAMES = ["params", "train", "eval", "generate", "gradflow", "gates", "memory", "ablate", "report"];

describe("rnnlab --help", () => {
  it("lists every command of the registry", async () => {
    const r = await runCli(["--help"]);
    assert.equal(r.code, 0);
    const names = await Promise.all(commands.map(async (load) => (await load()).command.name));
    for (const n of [...NAMES, ...names]) assert.match(r.stdout, new RegExp(`^  ${n}\\b`, "m"), `${n} in the command list`);
  });
  it("every command has --help with its options, defaults and an example", async () => {
    const rs: Awaited<ReturnType<typeof inProcess>>[] = [];
    for (const n of NAMES) rs.push(await inProcess([n, "--help"]));
    rs.forEach((r, i) => {
      assert.equal(r.code, 0, `${NAMES[i]} --help exited ${r.code}`);
      assert.match(r.stdout, new RegExp(`^Usage: rnnlab ${NAMES[i]} \\[options\\]`));
      assert.match(r.stdout, /--out <dir>/);
      assert.match(r.stdout, /Example/);
      assert.equal(r.stderr, "");
    });
  });
});

describe("bad options: one line, non-zero exit, no stack trace", () => {
  const oneLine = (r: { code: number | null; stderr: string; stdout: string }, re: RegExp) => {
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
    assert.match(lines[0], /^rnnlab: /);
    assert.match(lines[0], re);
    assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at |Error:|node:internal/);
  };
  // the four cases (and an unknown command) through the real bin; the rest in-process
  const cases: [string, () => string[], RegExp, "spawn"?][] = [
    ["unknown task", () => ["train", "--task", "poetry"], /--task <name>.*'poetry' is invalid\. expected one of mnist, adding/, "spawn"],
    ["negative units", () => ["params", "--units", "-5"], /--units <N>.*'-5' is invalid\. expected an integer ≥ 1/, "spawn"],
    ["units not a number", () => ["train", "--units", "many"], /'many' is invalid/],
    ["unknown cell in a list", () => ["gradflow", "--cells", "rnn,transformer"], /unknown: transformer/],
    ["unknown option", () => ["memory", "--lagz", "10"], /unknown option '--lagz'/],
    ["unknown command", () => ["fly"], /unknown command 'fly'/, "spawn"],
    ["missing checkpoint", () => ["eval", "--checkpoint", join(dir, "nope.safetensors")], /checkpoint not found: .*nope\.safetensors/, "spawn"],
    ["no --checkpoint at all", () => ["gates"], /give --checkpoint <file> \(a model written by rnnlab train\), or --during-training/],
    ["unreadable checkpoint (not safetensors)", () => { writeFileSync(join(dir, "junk.safetensors"), "this is not a checkpoint"); return ["eval", "--checkpoint", join(dir, "junk.safetensors"), "--task", "adding"]; }, /cannot read checkpoint .*junk\.safetensors/, "spawn"],
    ["a directory as checkpoint", () => { mkdirSync(join(dir, "d.safetensors"), { recursive: true }); return ["generate", "--checkpoint", join(dir, "d.safetensors"), "--task", "charlm"]; }, /cannot read checkpoint .*a directory/],
    ["unreadable report input", () => { mkdirSync(join(dir, "from", "gradflow"), { recursive: true }); writeFileSync(join(dir, "from", "gradflow", "gradflow.json"), "{oops"); return ["report", "--from", join(dir, "from"), "--out", join(dir, "rep")]; }, /cannot read .*gradflow\.json/],
    ["an option that does not apply to the task", () => ["train", "--task", "mnist", "--lag", "5", "--out", join(dir, "t")], /--lag applies only to task recall/],
    ["an output directory that cannot be made", () => { writeFileSync(join(dir, "file"), "x"); return ["params", "--out", join(dir, "file", "sub")]; }, /cannot write to the output directory/],
  ];
  // spawned side by side (each is mostly start-up), checked one by one
  const spawned = new Map<number, ReturnType<typeof runCli>>();
  before(() => cases.forEach(([, args, , how], i) => { if (how === "spawn") spawned.set(i, runCli(args())); }));
  cases.forEach(([name, args, re, how], i) => it(`${name}${how === "spawn" ? " (bin)" : ""}`, async () =>
    oneLine(how === "spawn" ? await spawned.get(i)! : await inProcess(args()), re)));
});

describe("report before anything ran", () => {
  it("fills the parameter section and names the command for every other one", async () => {
    mkdirSync(join(dir, "empty"), { recursive: true });
    const r = await inProcess(["report", "--from", join(dir, "empty"), "--out", join(dir, "rep0")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 of 7 sections filled/);
    const html = readFileSync(join(dir, "rep0", "report.html"), "utf8");
    for (const cmd of ["rnnlab train", "rnnlab gradflow", "rnnlab gates --checkpoint", "rnnlab memory", "rnnlab ablate"]) assert.ok(html.includes(`Not run yet: \`${cmd}`), cmd);
    assert.match(html, /81,674 parameters/);
  });
});

describe("a closed stdout (rnnlab … | head)", () => {
  it("ends quietly with 141 instead of an EPIPE stack trace", async () => {
    const child = startCli(["params", "--help"]);
    child.stdout!.destroy();                               // the reader is gone before the CLI writes
    const r = await child.result;
    assert.equal(r.stderr, "");
    assert.equal(r.code, 141);
  });
});
