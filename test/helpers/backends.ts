// The backends every kernel-level and cell-level test runs on. The wasm backend is built by
// `npm install` (prepare script); if it is missing the tests fail rather than skip. The native
// backend is built at install only where a C++ compiler is present: tests run on it when it loads.
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
  return [...backends, ...(await nativeBackend())];
}

/** The native backend when it is built ([] when not; with RNNLAB_REQUIRE_NATIVE=1 a missing one fails). */
export async function nativeBackend(): Promise<Kernels[]> {
  try {
    const { createNativeKernels } = await import("../../src/kernels/native/index.ts");
    return [createNativeKernels()];
  } catch (err) {
    if (process.env.RNNLAB_REQUIRE_NATIVE === "1") throw err;
    return [];
  }
}

/** The f32 backends the kernel parity tests compare with ref: wasm, and native when built. */
export async function fastBackends(): Promise<Kernels[]> {
  return (await allBackends()).filter((k) => k.name !== "ref");
}
