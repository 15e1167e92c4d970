// How many threads a backend uses when not told: RNNLAB_THREADS if set (any integer ≥ 1), else
// every core this process may use (os.availableParallelism), else 1 where that cannot be asked
// (browsers). One definition for the native and the wasm backend. No static node: import, so the
// browser bundle can include this file.
import { RnnlabError } from "../errors.ts";

type Proc = { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };

/** The cores this process may use (1 where that cannot be asked). */
export function coreCount(): number {
  const proc = (globalThis as { process?: Proc }).process;
  const os = proc?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
  return Math.max(1, os?.availableParallelism?.() ?? 1);
}

/** RNNLAB_THREADS when set, else coreCount(). */
export function configuredThreads(): number {
  const env = (globalThis as { process?: Proc }).process?.env?.RNNLAB_THREADS;
  if (env === undefined || env === "") return coreCount();
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new RnnlabError(`RNNLAB_THREADS: expected an integer from 1 to 1024, got ${JSON.stringify(env)}`);
  }
  return n;
}
