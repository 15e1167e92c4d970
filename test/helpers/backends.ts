// The backends every kernel-level and cell-level test runs on. The wasm backend is built by
// `npm install` (prepare script); if it is missing the tests fail rather than skip.
import type { Kernels } from "../../src/kernels/types.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";

export async function allBackends(): Promise<Kernels[]> {
  const backends: Kernels[] = [refKernels];
  try {
    const { createWasmKernels } = await import("../../src/kernels/wasm/index.ts");
    backends.push(await createWasmKernels());
  } catch (err) {
    if (process.env.RNNLAB_ALLOW_NO_WASM !== "1") throw err;
  }
  return backends;
}
