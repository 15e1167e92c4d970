// Spawning the CLI as a child process, as a user runs it: the repository's entry for the sources
// (scripts/rnnlab.ts under tsx), so the tests see the code as edited; the published bin runs the
// compiled copy of the same main() (test/package/pack.test.ts runs that one from the tarball).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** node arguments that run the CLI from the sources (tsx by its resolved path, so any cwd works) */
export const CLI = ["--import", import.meta.resolve("tsx"), fileURLToPath(new URL("../../scripts/rnnlab.ts", import.meta.url))];

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess & { result: Promise<CliResult> } {
  const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout!.on("data", (d) => { stdout += d; });
  child.stderr!.on("data", (d) => { stderr += d; });
  const result = new Promise<CliResult>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(child, { result });
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).result;
}

export function readJson<T = any>(path: string): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** width and height from a PNG's IHDR chunk, after checking the signature */
export function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  if (b.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a") throw new Error(`${path} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

export const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
