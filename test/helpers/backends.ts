// The backends every kernel-level and cell-level test runs on. The wasm backend is built by
// `npm install` (prepare script); if it is missing the tests fail rather than skip. The native
// backend is built at install only where a C++ compiler is present: tests run on it when it loads.
import type { Kernels } from "../../src/kernels/types.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import type { NativeIsa, NativeKernels } from "../../src/kernels/native/index.ts";

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

/** The f32 backends the kernel parity tests compare with ref: wasm, and native when built — once
 *  per instruction set this CPU has (native-avx2 and native-base besides the default), so every
 *  build of the native kernels is checked on a machine that can run it. */
export async function fastBackends(): Promise<Kernels[]> {
  const fast = (await allBackends()).filter((k) => k.name !== "ref");
  const native = fast.find((k) => k.name === "native") as NativeKernels | undefined;
  if (native) {
    for (const isa of ["avx2", "base"] as const) {
      if (isa === native.isa || !cpuHas(native, isa)) continue;
      fast.push(onIsa(native, isa));
    }
  }
  return fast;
}

function cpuHas(k: NativeKernels, isa: NativeIsa): boolean {
  const was = k.isa;
  try { k.setIsa(isa); return true; } catch { return false; } finally { k.setIsa(was); }
}

/** The native backend switched to `isa` for each call (and back after), named native-<isa>. */
export function onIsa(k: NativeKernels, isa: NativeIsa): Kernels {
  return new Proxy(k, {
    get(target, prop, recv) {
      if (prop === "name") return `native-${isa}`;
      const v = Reflect.get(target, prop, recv);
      if (typeof v !== "function" || prop === "alloc" || prop === "free") return v;
      return (...args: unknown[]) => {
        const was = target.isa;
        target.setIsa(isa);
        try { return (v as (...a: unknown[]) => unknown).apply(target, args); } finally { target.setIsa(was); }
      };
    },
  }) as unknown as Kernels;
}
