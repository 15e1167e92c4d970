// What a lab command is. A command file exports `command: CommandSpec`; the registry
// (commands/index.ts) lists them and main.ts turns each into a commander sub-command.
import type { Command } from "commander";

/** Thrown for a user error (bad option, missing file): main prints its message as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A progress bar with ETA (drawn on stderr when it is a terminal). */
export interface Progress {
  start(total: number, label: string): void;
  /** value so far; info is shown after the bar (e.g. "loss 0.12  acc 97 %  41 steps/s") */
  update(value: number, info?: string, label?: string): void;
  stop(): void;
}

export interface CommandContext {
  /** true once the user pressed Ctrl-C: long commands stop after the current step, keeping what they saved */
  stopped(): boolean;
  /** a line for the user (stdout) */
  log(line: string): void;
  progress: Progress;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Declares options/arguments on the commander sub-command. */
  configure(cmd: Command): void;
  /**
   * Long computations: run() executes in a worker thread so that Ctrl-C is seen while it computes
   * (the main thread keeps its event loop free and raises a shared flag that ctx.stopped() reads).
   * Options must then be plain data (they are copied to the worker).
   */
  worker?: boolean;
  /** Runs with commander's parsed options (and positional arguments). Returns an exit code or nothing (0). */
  run(opts: Record<string, unknown>, ctx: CommandContext, args: string[]): Promise<number | void> | number | void;
}
