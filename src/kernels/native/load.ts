// Finding and loading the native kernels (native/*.cc, built by scripts/build-native.mjs at install).
// The only file that knows where the binary lives. Looked up relative to this module, first the
// build made at install, then a prebuilt binary for this platform if the package ships one:
//   <package>/build/native/rnnlab.node
//   <package>/prebuilds/<platform>-<arch>/rnnlab.node
// (src/kernels/native/load.ts and dist/kernels/native/load.js are both three levels below the
// package root). No static node: imports, so a browser bundle that includes this file still loads;
// there it simply reports the native kernels as unavailable.

/** The addon's exports (native/addon.cc): kernels on Float32Arrays plus thread and ISA control. */
export interface NativeAddon {
  [kernel: string]: (...args: never[]) => unknown;
  isa(): string;
  setIsa(name: string): string;
  threads(): number;
  setThreads(n: number): void;
  parallelCalls(): number;
  setThresholds(gemmMacs: number, pointwise: number, elementwise: number, smallRows?: number): void;
  peak(seconds: number): number;
}

// through variables: bundlers treat `new URL("literal", import.meta.url)` as an asset to copy
const BUILT = "../../../build/native/rnnlab.node";
const prebuilt = (platform: string, arch: string) => `../../../prebuilds/${platform}-${arch}/rnnlab.node`;

interface NodeProcess {
  platform: string; arch: string; env: Record<string, string | undefined>;
  dlopen(module: { exports: unknown }, filename: string): void;
  getBuiltinModule?(id: string): unknown;
}

let loaded: NativeAddon | undefined;
let failure: string | undefined;

/** The paths tried, in order (for messages and for the lead's packaging). */
export function nativeCandidates(): string[] {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const url = proc?.getBuiltinModule?.("node:url") as { fileURLToPath(u: URL): string } | undefined;
  if (!proc || !url) return [];
  return [BUILT, prebuilt(proc.platform, proc.arch)].map((rel) => url.fileURLToPath(new URL(rel, import.meta.url)));
}

/** The loaded addon (loaded once per process); throws an Error saying why it is not available. */
export function loadNativeAddon(): NativeAddon {
  if (loaded) return loaded;
  if (failure) throw new Error(failure);
  const proc = (globalThis as { process?: NodeProcess }).process;
  const fs = proc?.getBuiltinModule?.("node:fs") as { existsSync(p: string): boolean } | undefined;
  if (!proc?.dlopen || !fs) failure = "rnnlab: native kernels need Node.js";
  else {
    const paths = nativeCandidates();
    const path = paths.find((p) => fs.existsSync(p));
    if (!path) failure = `rnnlab: native kernels not built (none of ${paths.join(", ")}); \`npm run build:native\` builds them with a C++ compiler`;
    else {
      try {
        const mod = { exports: {} as NativeAddon };
        proc.dlopen(mod, path);
        loaded = mod.exports;
        return loaded;
      } catch (err) {
        failure = `rnnlab: cannot load ${path}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }
  throw new Error(failure);
}
