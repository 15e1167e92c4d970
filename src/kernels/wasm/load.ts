// Finding and compiling build/rnnlab.wasm (made by scripts/build-wasm.mjs). The only file that knows
// where the binary lives and how to read it: Node reads it with node:fs from the package root
// (src/assets.ts). The browser build swaps in load-web.ts, which fetches it instead.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { packageFile } from "../../assets.ts";
import { RnnlabError } from "../../errors.ts";

let compiled: WebAssembly.Module | undefined;
const wasmPath = () => packageFile("build", "rnnlab.wasm");

function missing(err: unknown): Error {
  return new Error(`rnnlab: cannot read ${wasmPath()}; build it with \`npm run build:wasm\``, { cause: err });
}

/** The compiled module (compiled once per process). */
export async function loadWasmModule(): Promise<WebAssembly.Module> {
  if (compiled) return compiled;
  let bytes: Uint8Array<ArrayBuffer>;
  try { bytes = (await readFile(wasmPath())) as Uint8Array<ArrayBuffer>; } catch (err) { throw missing(err); }
  return (compiled ??= await WebAssembly.compile(bytes));
}

/** The compiled module, synchronously (Node only; fine for a ~50 kB module). */
export function loadWasmModuleSync(): WebAssembly.Module {
  if (compiled) return compiled;
  let bytes: Uint8Array<ArrayBuffer>;
  try { bytes = readFileSync(wasmPath()) as Uint8Array<ArrayBuffer>; } catch (err) { throw missing(err); }
  return (compiled = new WebAssembly.Module(bytes));
}

/** What init({ wasm }) / setWasmSource() accept in Node: a file path or file: URL, the bytes, or a compiled Module. */
export type WasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;

/** Load the kernels from `src` instead of the package's build/rnnlab.wasm (call before the first load). */
export function setWasmSource(src: WasmSource): void {
  if (src instanceof WebAssembly.Module) { compiled = src; return; }
  let bytes: Uint8Array | ArrayBuffer;
  if (typeof src === "string" || src instanceof URL) {
    try { bytes = readFileSync(src); } catch (err) { throw new RnnlabError(`setWasmSource: cannot read ${String(src)}`, { cause: err }); }
  } else if (src instanceof Uint8Array || src instanceof ArrayBuffer) bytes = src;
  else throw new RnnlabError(`setWasmSource: src must be a path, a URL, bytes or a WebAssembly.Module, got ${typeof src}`);
  try { compiled = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>); } catch (err) {
    throw new RnnlabError(`setWasmSource: ${String(src instanceof Uint8Array || src instanceof ArrayBuffer ? "the bytes" : src)} are not a WebAssembly module this engine can compile`, { cause: err });
  }
}

/** Whether this loader can fall back to the unshared-memory binary (the browser's can; Node always
 *  has shared memory, so it ships only the shared one). */
export function hasUnsharedVariant(): boolean { return false; }
