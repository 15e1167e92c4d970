// The browser's replacement for load.ts (same exports, no node:fs). scripts/build-web.mjs swaps
// it in for every import of "./load.ts" when it bundles rnnlab for the browser; Node keeps load.ts.
//
// Where the binary comes from, in this order:
//   1. whatever setWasmSource() was given (a URL, the bytes, or an already compiled Module);
//   2. rnnlab.wasm next to the bundle: new URL("./rnnlab.wasm", import.meta.url). Bundlers
//      (Vite, webpack 5, esbuild with a loader) recognise this pattern and copy the asset. Where
//      shared memory cannot be created, rnnlab-single.wasm (the same kernels, unshared memory).
// Fetched once and compiled once per realm (page or worker). WebAssembly.compileStreaming needs
// the server to send Content-Type: application/wasm; with any other type we fall back to
// compiling the fetched bytes (MDN, "WebAssembly.compileStreaming()").
export type WasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;

let source: WasmSource | null = null;
let compiled: WebAssembly.Module | undefined;
let pending: Promise<WebAssembly.Module> | undefined;

/** `x instanceof WebAssembly.Module`, false (not a ReferenceError) where WebAssembly does not exist
 *  (e.g. Chromium with --jitless, or a locked-down engine): init() then reports why and uses ref. */
const isModule = (x: unknown): boolean => typeof WebAssembly === "object" && x instanceof WebAssembly.Module;

/** Where to load rnnlab.wasm from (call before the first load; resets a previous choice). */
export function setWasmSource(src: WasmSource): void {
  source = src;
  compiled = isModule(src) ? (src as WebAssembly.Module) : undefined;
  pending = undefined;
}

/** Whether this engine can create shared WebAssembly memory (e.g. not Firefox or Safari on a page
 *  that is not cross-origin isolated). */
function canShareMemory(): boolean {
  try { return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer !== undefined; } catch { return false; }
}

/** The URL the bundle will fetch when no source was set: rnnlab.wasm (shared memory, threads
 *  possible), or rnnlab-single.wasm (the same SIMD kernels on an unshared memory, one thread)
 *  where shared memory cannot be created. */
export function defaultWasmUrl(): URL {
  return canShareMemory() ? new URL("./rnnlab.wasm", import.meta.url) : new URL("./rnnlab-single.wasm", import.meta.url);
}

/** The browser bundle ships rnnlab-single.wasm next to rnnlab.wasm. */
export function hasUnsharedVariant(): boolean { return true; }

async function compileFrom(src: WasmSource | null): Promise<WebAssembly.Module> {
  if (typeof WebAssembly !== "object") throw new Error("rnnlab: this engine has no WebAssembly");
  if (isModule(src)) return src as WebAssembly.Module;
  if (src instanceof ArrayBuffer || src instanceof Uint8Array) return WebAssembly.compile(src as Uint8Array<ArrayBuffer>);
  const url = src === null ? defaultWasmUrl() : new URL(String(src), globalThis.location?.href);
  let res: Response;
  try { res = await fetch(url); } catch (err) { throw new Error(`rnnlab: cannot fetch ${url.href}`, { cause: err }); }
  if (!res.ok) throw new Error(`rnnlab: fetching ${url.href} gave HTTP ${res.status}; serve rnnlab.wasm next to rnnlab.js or call setWasmSource()`);
  if ((res.headers.get("content-type") ?? "").startsWith("application/wasm")) return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}

/** The compiled module (fetched and compiled once). */
export async function loadWasmModule(): Promise<WebAssembly.Module> {
  if (compiled) return compiled;
  pending ??= compileFrom(source).then((m) => (compiled = m), (err) => { pending = undefined; throw err; });
  return pending;
}

/**
 * Synchronous loading cannot fetch. It succeeds once loadWasmModule() has finished (the browser
 * entry's init() does that), so defaultKernels() picks wasm after init and ref before it.
 */
export function loadWasmModuleSync(): WebAssembly.Module {
  if (compiled) return compiled;
  throw new Error("rnnlab: in the browser the wasm kernels load asynchronously: `await init()` first");
}
