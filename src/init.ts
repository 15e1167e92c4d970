// init(): choose and load the default kernels — the same call in Node and in the browser.
//   const { backend } = await init();              // "native" (C++, Node), "wasm" (SIMD kernels) or "ref" (TypeScript)
//   await init({ wasm: wasmUrl });                  // a bundler's URL for rnnlab/rnnlab.wasm
// "auto" takes the order the default kernels take without init(): native (built at install, Node
// only) → wasm → ref, or what RNNLAB_BACKEND names. In Node the kernels also load on first use
// without init() (the binary is read synchronously from the package); in the browser they can only
// be fetched asynchronously, so until init() resolves layers made without `kernels` get the
// reference kernels. Falling back to them is never silent: the TypeScript kernels are ~20–100×
// slower, so init() warns with the reason.
import type { Kernels } from "./kernels/types.ts";
import { envBackend, refKernels, setDefaultKernels } from "./kernels/index.ts";
import { createNativeKernels } from "./kernels/native/index.ts";
import { createWasmKernels, hasUnsharedVariant, setWasmSource, type WasmSource } from "./kernels/wasm/index.ts";
import { detectFeatures, type Features } from "./kernels/features.ts";
import { RnnlabError, checkKnownKeys, checkOneOf } from "./errors.ts";

export type { WasmSource };

export interface InitOptions {
  /** "auto" (default): RNNLAB_BACKEND when set, else native when built (Node), else wasm when this engine can
   *  run it, else ref with a warning; "native" / "wasm": fail instead of falling back */
  backend?: "auto" | "native" | "ref" | "wasm";
  /** where rnnlab.wasm is: a URL (browser), a path or file: URL (Node), the bytes, or a compiled WebAssembly.Module.
   *  Default: Node reads the package's own file; the browser bundle fetches rnnlab.wasm next to itself. */
  wasm?: WasmSource;
  /** false: no console warning when "auto" falls back to the reference kernels (the reason is still returned) */
  warn?: boolean;
}

export interface InitResult {
  backend: "native" | "wasm" | "ref";
  /** why "auto" chose ref (null when it chose native or wasm, or ref was asked for) */
  reason: string | null;
  features: Features;
  kernels: Kernels;
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Chooses and loads the default kernels (see the file comment). */
export async function init(opts: InitOptions = {}): Promise<InitResult> {
  checkKnownKeys("init", opts, ["backend", "wasm", "warn"]);
  const asked = checkOneOf("init", "backend", opts.backend ?? "auto", ["auto", "native", "ref", "wasm"] as const);
  const backend = asked === "auto" ? envBackend() : asked;
  const features = detectFeatures();
  const useRef = (reason: string | null): InitResult => {
    if (reason !== null && opts.warn !== false) {
      console.warn(`rnnlab: using the TypeScript reference kernels (~20-100x slower): the WebAssembly SIMD kernels could not be loaded: ${reason}`);
    }
    return { backend: "ref", reason, features, kernels: setDefaultKernels(refKernels) };
  };
  if (backend === "ref") return useRef(null);
  if (backend === "native" || backend === "auto") {
    try {
      return { backend: "native", reason: null, features, kernels: setDefaultKernels(createNativeKernels()) };
    } catch (err) {
      if (backend === "native") throw new RnnlabError(`init: backend "native" is not available: ${reasonOf(err)}`);
    }
  }
  const missing = !features.webAssembly ? "this engine has no WebAssembly"
    : !features.simd ? "this engine's WebAssembly has no SIMD (fixed-width 128-bit)"
    : !features.sharedMemory && !hasUnsharedVariant() ? "this engine cannot create shared WebAssembly memory" : null;
  if (missing) {
    if (backend === "wasm") throw new RnnlabError(`init: backend "wasm" is not available: ${missing}`);
    return useRef(missing);
  }
  try {
    if (opts.wasm !== undefined) setWasmSource(opts.wasm);
    return { backend: "wasm", reason: null, features, kernels: setDefaultKernels(await createWasmKernels()) };
  } catch (err) {
    if (backend === "wasm") throw err;
    return useRef(reasonOf(err));
  }
}
