// What a lab command is. Kept free of commander types in the signatures so a command file only
// needs to know about its own options.
import type { Command } from "commander";

/** Thrown for a user error (bad option, missing file): main prints its message as one line. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface CommandContext {
  /** Resolves when the user presses Ctrl-C once; long commands poll `ctx.stopped()` and stop cleanly. */
  stopped(): boolean;
  /** Lines for the user (stdout); progress bars go to stderr. */
  log(line: string): void;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Declares options/arguments on the commander sub-command (already named and described). */
  configure(cmd: Command): void;
  /** Runs with commander's parsed options (and positional arguments, if any). Returns an exit code or nothing (0). */
  run(opts: Record<string, unknown>, ctx: CommandContext, args: string[]): Promise<number | void> | number | void;
}
