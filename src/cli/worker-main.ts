// Inside the worker: run one command with a context whose stopped() reads the flag the main
// thread raises on Ctrl-C, and whose log / progress calls become messages to the main thread.
import { parentPort, workerData } from "node:worker_threads";
import { commands } from "./commands/index.ts";
import { UsageError, type CommandContext } from "./command.ts";
import { enableDataFetch } from "./data-fetch.ts";

export type WorkerMessage =
  | { type: "log"; line: string }
  | { type: "progress"; op: "start" | "update" | "stop"; total?: number; value?: number; label?: string; info?: string }
  | { type: "done"; code: number }
  | { type: "error"; message: string; usage: boolean; stack?: string };

const { name, opts, args, flag } = workerData as { name: string; opts: Record<string, unknown>; args: string[]; flag: Int32Array };
enableDataFetch();
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
let lastUpdate = 0;                                       // updates are throttled: a step can take microseconds
const ctx: CommandContext = {
  stopped: () => Atomics.load(flag, 0) === 1,
  log: (line) => post({ type: "log", line }),
  progress: {
    start: (total, label) => post({ type: "progress", op: "start", total, label }),
    update: (value, info, label) => {
      const now = performance.now();
      if (now - lastUpdate < 100) return;
      lastUpdate = now;
      post({ type: "progress", op: "update", value, info, label });
    },
    stop: () => post({ type: "progress", op: "stop" }),
  },
};
try {
  const specs = await Promise.all(commands.map(async (load) => (await load()).command));
  const spec = specs.find((s) => s.name === name);
  if (!spec) throw new Error(`no command ${name}`);
  const r = await spec.run(opts, ctx, args);
  post({ type: "done", code: typeof r === "number" ? r : 0 });
} catch (e) {
  post({ type: "error", message: e instanceof Error ? e.message : String(e), usage: e instanceof UsageError, stack: e instanceof Error ? e.stack : undefined });
}
