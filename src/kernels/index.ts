// Choosing a backend. Everything above src/kernels/ receives a Kernels object and never asks
// which one it is. Layers and nn cells that are not given `kernels` use defaultKernels(), chosen on
// first use in the order native (C++, built at install when a compiler was there) → wasm (SIMD)
// → ref (plain TypeScript), each step taken only if the one before cannot load.
// RNNLAB_BACKEND=native|wasm|ref|auto picks one (a named one that cannot load is an error), and
// RNNLAB_THREADS=N sets the threads of native and wasm (default: every core). backendInfo() says
// what runs and why.
import type { Kernels } from "./types.ts";
import { refKernels } from "./ref/index.ts";
import { createWasmKernels, createWasmKernelsSync, type WasmKernelsOptions } from "./wasm/index.ts";
import { ArenaFloat32Array } from "./wasm/arena.ts";
import { createNativeKernels, isNativeBuffer } from "./native/index.ts";
import type { Buf } from "./types.ts";
import { checkOneOf } from "../errors.ts";
import { configuredThreads } from "./threads-config.ts";

export type BackendName = "auto" | "native" | "ref" | "wasm";
const NAMES = ["auto", "native", "ref", "wasm"] as const;
let current: Kernels | null = null;
/** Why "auto" fell back from native to wasm, if it did. */
export let nativeUnavailable: string | null = null;
/** Why "auto" fell back to ref, if it did. */
export let wasmUnavailable: string | null = null;

/** RNNLAB_BACKEND, checked ("auto" when unset). */
export function envBackend(): BackendName {
  const env = typeof process !== "undefined" ? process.env?.RNNLAB_BACKEND : undefined;
  return env ? checkOneOf("RNNLAB_BACKEND", "value", env, NAMES) : "auto";
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function pickSync(name: BackendName): Kernels {
  if (name === "ref") return refKernels;
  configuredThreads();                                 // a bad RNNLAB_THREADS is an error, not a reason to fall back
  if (name === "native" || name === "auto") {
    try {
      return createNativeKernels();
    } catch (err) {
      if (name === "native") throw err;
      nativeUnavailable = message(err);
    }
  }
  try {
    return createWasmKernelsSync();
  } catch (err) {
    if (name === "wasm") throw err;
    wasmUnavailable = message(err);
    // never a silent 20-100x slowdown (RNNLAB_BACKEND=ref chooses ref without a word)
    console.warn(`rnnlab: using the TypeScript reference kernels (~20-100x slower): ${wasmUnavailable}`);
    return refKernels;
  }
}

/** The backend used when none is given (chosen on first use). */
export function defaultKernels(): Kernels {
  return (current ??= pickSync(envBackend()));
}

/** Set the default backend: a name ("native" or "wasm" throws if it cannot load) or a Kernels object. */
export function setDefaultKernels(k: Kernels | BackendName): Kernels {
  current = typeof k === "string" ? pickSync(checkOneOf("setDefaultKernels", "backend", k, NAMES)) : k;
  return current;
}

/** The backend whose memory holds `buf` (wasm for a buffer from its alloc(), native for one from
 *  its alloc(), else ref), so code that holds only buffers — an optimizer over a model's
 *  parameters — runs on the model's backend. */
export function kernelsFor(buf: Buf): Kernels {
  if (buf instanceof ArenaFloat32Array) return (buf.owner?.kernels as Kernels | undefined) ?? refKernels;
  if (isNativeBuffer(buf)) return createNativeKernels();
  return refKernels;
}

export interface BackendInfo {
  /** the default backend's name */
  backend: "native" | "wasm" | "ref";
  /** threads its kernels may use */
  threads: number;
  /** native only: the instruction set in use (avx512, avx2, base) */
  isa?: string;
  /** why a faster backend was not used, when "auto" fell back */
  fallback?: string;
}

/** Which backend runs by default, on how many threads, and why a faster one was skipped. */
export function backendInfo(k: Kernels = defaultKernels()): BackendInfo {
  const info: BackendInfo = { backend: k.name, threads: 1 };
  const t = (k as { threads?: number }).threads;
  if (typeof t === "number") info.threads = t;
  const isa = (k as { isa?: string }).isa;
  if (k.name === "native" && isa) info.isa = isa;
  const why = k.name === "wasm" ? nativeUnavailable : k.name === "ref" ? (wasmUnavailable ?? nativeUnavailable) : null;
  if (why && k === current) info.fallback = why;
  return info;
}

/** A backend by name, asynchronously (the form that also works where synchronous compilation does not).
 *  `threads` applies to native and wasm; the default is RNNLAB_THREADS, else every core. */
export async function loadKernels(name: BackendName = "auto", opts: WasmKernelsOptions = {}): Promise<Kernels> {
  checkOneOf("loadKernels", "name", name, NAMES);
  if (name === "ref") return refKernels;
  if (name === "native" || name === "auto") {
    try {
      return createNativeKernels(opts.threads !== undefined ? { threads: opts.threads } : {});
    } catch (err) {
      if (name === "native") throw err;
    }
  }
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
