// `rnnlab <command>`: a thin shell over the public API. Parses options with commander, runs one
// command, and turns every user error into one line on stderr and a non-zero exit code (no stack
// traces). Ctrl-C sets a flag that long commands poll so they stop between steps, keeping the
// last checkpoint they wrote; a second Ctrl-C exits at once.
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.ts";
import { UsageError, type CommandContext } from "./command.ts";

export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(EXIT_INTERRUPTED);
    stop = true;
    process.stderr.write("\nrnnlab: interrupted, stopping after the current step (Ctrl-C again to quit now)\n");
  };
  process.on("SIGINT", onSigint);
  const ctx: CommandContext = { stopped: () => stop, log: (line) => console.log(line) };
  let code = 0;
  const program = new Command("rnnlab")
    .description("The rnnlab lab: run, see and check the claims of an RNN/LSTM tutorial.")
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({ outputError: (str, write) => write(oneLine(str) + "\n") });
  const specs = await Promise.all(commands.map(async (load) => (await load()).command));
  for (const spec of specs) {
    const sub = program.command(spec.name).description(spec.summary).exitOverride()
      .configureOutput({ outputError: (str, write) => write(oneLine(str) + "\n") });
    spec.configure(sub);
    sub.action(async (...params: unknown[]) => {
      // commander passes positional args, then the options object, then the Command
      const cmd = params[params.length - 1] as Command;
      const args = params.slice(0, -2).filter((a): a is string => typeof a === "string");
      const result = await spec.run(cmd.opts(), ctx, args);
      code = typeof result === "number" ? result : 0;
      if (stop && code === 0) code = EXIT_INTERRUPTED;
    });
  }
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    code = errorCode(e);
  } finally {
    process.off("SIGINT", onSigint);
  }
  return code;
}

function oneLine(s: string): string {
  return s.trim().split("\n")[0]!;
}

/** Maps a thrown error to an exit code, printing one line for user errors. */
function errorCode(e: unknown): number {
  if (e instanceof CommanderError) {
    // help and version exit 0 and commander already printed them; parse errors were printed by outputError
    return e.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`rnnlab: ${oneLine(message)}\n`);
  if (process.env.RNNLAB_DEBUG && e instanceof Error && !(e instanceof UsageError)) process.stderr.write(`${e.stack}\n`);
  return e instanceof UsageError ? EXIT_USAGE : 1;
}
