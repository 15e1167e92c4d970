// The registry of lab commands: one file per command, one line here per command. A command
// file exports `command: CommandSpec` (see ../command.ts); main.ts turns each into a commander
// sub-command with --help. To add a command (e.g. `serve` for the browser playground): write
// commands/serve.ts and add one line below.
import type { CommandSpec } from "../command.ts";

export const commands: Array<() => Promise<{ command: CommandSpec }>> = [
  () => import("./params.ts"),
  () => import("./explain.ts"),
  () => import("./long.ts"),
  () => import("./train.ts"),
  () => import("./eval.ts"),
  () => import("./generate.ts"),
  () => import("./gradflow.ts"),
  () => import("./gates.ts"),
  () => import("./memory.ts"),
  () => import("./ablate.ts"),
  () => import("./report.ts"),
  () => import("./serve.ts"),
  () => import("./data.ts"),
  () => import("./backend.ts"),
];
