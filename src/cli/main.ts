// `rnnlab <command>`: a thin shell over the public API. Parses options with commander, runs one
// command, and turns every user error into one line on stderr and a non-zero exit code (no stack
// traces; RNNLAB_DEBUG=1 prints them). Ctrl-C raises a flag that long commands poll between steps,
// so they stop cleanly and keep the last checkpoint they wrote; a second Ctrl-C exits at once.
// Long commands (CommandSpec.worker) compute in a worker thread: the main thread stays free to
// see the signal and to draw the progress bar.
import { Worker } from "node:worker_threads";
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.ts";
import { UsageError, type CommandContext, type CommandSpec } from "./command.ts";
import { terminalProgress } from "./progress.ts";
import { enableDataFetch } from "./data-fetch.ts";
import type { WorkerMessage } from "./worker-main.ts";
import { workerEntry } from "./worker-entry.ts";

export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;
/** The reader of stdout went away (`rnnlab … | head`): 128 + SIGPIPE, what the shell reports for
 *  a program that signal stopped. */
export const EXIT_CLOSED_PIPE = 141;

/** Where the CLI writes: the process's stdout / stderr, or a caller's (tests). */
export interface CliIO { out(s: string): void; err(s: string): void }
const processIO: CliIO = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

/** A closed stdout / stderr pipe ends the process quietly. Node ignores SIGPIPE, so without this a
 *  write after `head` exits is an EPIPE 'error' event, thrown with a stack trace. */
let pipeGuarded = false;
function exitQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(EXIT_CLOSED_PIPE);
      throw err;
    });
  }
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  if (io === processIO) exitQuietlyOnClosedPipe();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const onSigint = () => {
    if (Atomics.load(flag, 0) === 1) process.exit(EXIT_INTERRUPTED);
    Atomics.store(flag, 0, 1);
    io.err("\nrnnlab: interrupted: stopping after the current step (Ctrl-C again to quit at once)\n");
  };
  process.on("SIGINT", onSigint);
  enableDataFetch();
  const progress = terminalProgress();
  const ctx: CommandContext = { stopped: () => Atomics.load(flag, 0) === 1, log: (line) => io.out(`${line}\n`), progress };
  let code = 0;
  const oneLineErrors = {
    writeOut: (s: string) => io.out(s), writeErr: (s: string) => io.err(s),
    outputError: (str: string, write: (s: string) => void) => write(`rnnlab: ${oneLine(str).replace(/^error: /, "")}\n`),
  };
  const program = new Command("rnnlab")
    .description("The rnnlab lab: run, see and check the claims of an RNN/LSTM tutorial.\nEvery command writes JSON and SVG/PNG plots to --out DIR.")
    .exitOverride().configureOutput(oneLineErrors).showHelpAfterError(false);
  const specs = await Promise.all(commands.map(async (load) => (await load()).command));
  for (const spec of specs) {
    const sub = program.command(spec.name).description(spec.summary).exitOverride().configureOutput(oneLineErrors);
    spec.configure(sub);
    sub.action(async (...params: unknown[]) => {
      // commander passes the positional arguments, then the options object, then the Command
      const cmd = params[params.length - 1] as Command;
      const args = params.slice(0, -2).flat().filter((a): a is string => typeof a === "string");
      code = spec.worker ? await runInWorker(spec, cmd.opts(), args, flag, ctx, progress) : (await spec.run(cmd.opts(), ctx, args)) ?? 0;
      if (ctx.stopped() && code === 0) code = EXIT_INTERRUPTED;
    });
  }
  try {
    if (argv.length === 0) { program.outputHelp(); return EXIT_USAGE; }
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    code = errorCode(e, io);
  } finally {
    progress.stop();
    process.off("SIGINT", onSigint);
  }
  return code;
}

function runInWorker(spec: CommandSpec, opts: Record<string, unknown>, args: string[], flag: Int32Array, ctx: CommandContext,
                     progress: ReturnType<typeof terminalProgress>): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry(), { workerData: { name: spec.name, opts, args, flag } });
    let settled = false;
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "log") progress.around(() => ctx.log(m.line));
      else if (m.type === "progress") {
        if (m.op === "start") ctx.progress.start(m.total!, m.label!);
        else if (m.op === "update") ctx.progress.update(m.value!, m.info, m.label);
        else ctx.progress.stop();
      } else if (m.type === "done") { settled = true; resolve(m.code); }
      else {
        settled = true;
        const err = m.usage ? new UsageError(m.message) : new Error(m.message);
        if (m.stack) err.stack = m.stack;
        reject(err);
      }
    });
    worker.on("error", (e) => { if (!settled) { settled = true; reject(e); } });
    worker.on("exit", (c) => { if (!settled) { settled = true; reject(new Error(`the ${spec.name} worker exited with code ${c}`)); } });
  });
}

/** The process entry (bin/rnnlab.mjs; scripts/rnnlab.ts in a repository checkout): main() on the
 *  process's arguments, its result as the exit code. Anything that escapes main() (it should not)
 *  is still one line, with the stack only under RNNLAB_DEBUG. */
export async function runCommandLine(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`rnnlab: internal error: ${e instanceof Error ? oneLine(e.message) : String(e)}\n`);
    if (process.env.RNNLAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}

function oneLine(s: string): string {
  return s.trim().split("\n")[0]!;
}

/** Maps a thrown error to an exit code, printing one line for it. */
function errorCode(e: unknown, io: CliIO): number {
  if (e instanceof CommanderError) {
    // help exits 0 and commander already printed it; parse errors were printed by outputError
    return e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.help" ? 0 : EXIT_USAGE;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(`rnnlab: ${oneLine(message)}\n`);
  if (process.env.RNNLAB_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
  return e instanceof UsageError ? EXIT_USAGE : 1;
}
