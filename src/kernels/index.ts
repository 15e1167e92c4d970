// Choosing a backend. Everything above src/kernels/ receives a Kernels object and never asks
// which one it is. Layers and nn cells that are not given `kernels` use defaultKernels():
// the wasm SIMD backend when it loads (and RNNLAB_BACKEND is not "ref"), else the reference one.
import type { Kernels } from "./types.ts";
import { refKernels } from "./ref/index.ts";
import { createWasmKernels, createWasmKernelsSync, type WasmKernelsOptions } from "./wasm/index.ts";
import { ArenaFloat32Array } from "./wasm/arena.ts";
import type { Buf } from "./types.ts";
import { checkOneOf } from "../errors.ts";

export type BackendName = "auto" | "ref" | "wasm";
let current: Kernels | null = null;
/** Why "auto" fell back to ref, if it did. */
export let wasmUnavailable: string | null = null;

function envBackend(): BackendName {
  const env = typeof process !== "undefined" ? process.env?.RNNLAB_BACKEND : undefined;
  return env ? checkOneOf("RNNLAB_BACKEND", "value", env, ["auto", "ref", "wasm"] as const) : "auto";
}

function pickSync(name: BackendName): Kernels {
  if (name === "ref") return refKernels;
  try {
    return createWasmKernelsSync();
  } catch (err) {
    if (name === "wasm") throw err;
    wasmUnavailable = err instanceof Error ? err.message : String(err);
    // never a silent 20-100x slowdown (RNNLAB_BACKEND=ref chooses ref without a word)
    console.warn(`rnnlab: using the TypeScript reference kernels (~20-100x slower): ${wasmUnavailable}`);
    return refKernels;
  }
}

/** The backend used when none is given (chosen on first use). */
export function defaultKernels(): Kernels {
  return (current ??= pickSync(envBackend()));
}

/** Set the default backend: a name ("wasm" throws if it cannot load) or a Kernels object. */
export function setDefaultKernels(k: Kernels | BackendName): Kernels {
  current = typeof k === "string" ? pickSync(checkOneOf("setDefaultKernels", "backend", k, ["auto", "ref", "wasm"] as const)) : k;
  return current;
}

/** The backend whose memory holds `buf` (wasm for a buffer from its alloc(), else ref), so code that
 *  holds only buffers — an optimizer over a model's parameters — runs on the model's backend. */
export function kernelsFor(buf: Buf): Kernels {
  return buf instanceof ArenaFloat32Array ? ((buf.owner?.kernels as Kernels | undefined) ?? refKernels) : refKernels;
}

/** A backend by name, asynchronously (the form that also works where synchronous compilation does not).
 *  `threads` (1 or 2) applies to wasm; the default is RNNLAB_THREADS, else 2 on a machine with two cores. */
export async function loadKernels(name: BackendName = "auto", opts: WasmKernelsOptions = {}): Promise<Kernels> {
  checkOneOf("loadKernels", "name", name, ["auto", "ref", "wasm"] as const);
  if (name === "ref") return refKernels;
  try {
    return await createWasmKernels(opts);
  } catch (err) {
    if (name === "wasm") throw err;
    return refKernels;
  }
}

export { refKernels };
export type { Kernels, Buf, Dtype, LstmPointwiseOpts } from "./types.ts";
export { Act } from "./types.ts";
