// The memory the wasm module is instantiated with. The module imports either a shared memory
// (rnnlab.wasm, threads) or an unshared one (rnnlab-single.wasm, for browsers without shared
// memory); a memory of the wrong kind is a LinkError. So: a shared memory first where this engine
// can make one, then an unshared one.
import { MAX_PAGES } from "./arena.ts";

const INITIAL_PAGES = 16;                            // --initialMemory in scripts/build-wasm.mjs

/** An unshared memory cannot grow without detaching every view into it, so it is made at its
 *  final size: 128 MiB, ample for the playground's networks; past it an allocation fails clearly. */
export const UNSHARED_PAGES = 2048;

export function* memoriesToTry(): Generator<WebAssembly.Memory> {
  let shared: WebAssembly.Memory | null = null;
  try { shared = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true }); } catch { shared = null; }  // this engine cannot share memory
  if (shared) yield shared;
  yield new WebAssembly.Memory({ initial: UNSHARED_PAGES, maximum: UNSHARED_PAGES });
}

export const isSharedMemory = (m: WebAssembly.Memory) => typeof SharedArrayBuffer === "function" && m.buffer instanceof SharedArrayBuffer;

/** The unshared binary refuses a shared memory at link time: try the next memory then. */
export const wrongMemoryKind = (err: unknown, memory: WebAssembly.Memory) => err instanceof WebAssembly.LinkError && isSharedMemory(memory);
