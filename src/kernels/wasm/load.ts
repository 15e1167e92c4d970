// Finding and compiling build/rnnlab.wasm (made by scripts/build-wasm.mjs). The only file that knows
// where the binary lives and how to read it: Node reads it with node:fs relative to this module. (A
// browser path, fetch + WebAssembly.compileStreaming, belongs here too when the playground needs it.)
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

const WASM_URL = new URL("../../../build/rnnlab.wasm", import.meta.url);
let compiled: WebAssembly.Module | undefined;

function missing(err: unknown): Error {
  return new Error(`rnnlab: cannot read ${WASM_URL.pathname}; build it with \`npm run build:wasm\``, { cause: err });
}

/** The compiled module (compiled once per process). */
export async function loadWasmModule(): Promise<WebAssembly.Module> {
  if (compiled) return compiled;
  let bytes: Uint8Array<ArrayBuffer>;
  try { bytes = (await readFile(WASM_URL)) as Uint8Array<ArrayBuffer>; } catch (err) { throw missing(err); }
  return (compiled ??= await WebAssembly.compile(bytes));
}

/** The compiled module, synchronously (Node only; fine for a ~50 kB module). */
export function loadWasmModuleSync(): WebAssembly.Module {
  if (compiled) return compiled;
  let bytes: Uint8Array<ArrayBuffer>;
  try { bytes = readFileSync(WASM_URL) as Uint8Array<ArrayBuffer>; } catch (err) { throw missing(err); }
  return (compiled = new WebAssembly.Module(bytes));
}
