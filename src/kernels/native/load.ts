// Finding and loading the native kernels (native/*.cc, built by scripts/build-native.mjs at install).
// The only file that knows where the binary lives: in the package root (found as src/assets.ts
// finds it, by walking up from this module — import.meta.url — to the package.json named "rnnlab",
// since src/, dist/esm/ and the CommonJS bundle sit at different depths), first the build made at
// install, then a prebuilt binary for this platform if the package ships one:
//   <package>/build/native/rnnlab.node
//   <package>/prebuilds/<platform>-<arch>/rnnlab.node
// No static node: imports (process.getBuiltinModule instead), so the browser bundle, which
// includes this file through src/kernels/index.ts, still loads; there the native kernels are
// simply unavailable.

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

const BUILT = ["build", "native", "rnnlab.node"];
const prebuilt = (platform: string, arch: string) => ["prebuilds", `${platform}-${arch}`, "rnnlab.node"];

interface NodeProcess {
  platform: string; arch: string; env: Record<string, string | undefined>;
  dlopen(module: { exports: unknown }, filename: string): void;
  getBuiltinModule?(id: string): unknown;
}

let loaded: NativeAddon | undefined;
let failure: string | undefined;

interface Fs { existsSync(p: string): boolean; readFileSync(p: string, enc: "utf8"): string }
interface Path { dirname(p: string): string; join(...p: string[]): string }

/** The directory holding rnnlab's package.json, walking up from this module. */
function packageRoot(fs: Fs, path: Path, url: { fileURLToPath(u: string): string }): string | null {
  let dir = path.dirname(url.fileURLToPath(import.meta.url));
  for (;;) {
    try { if (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === "rnnlab") return dir; } catch { /* keep walking */ }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The paths tried, in order (for messages and for packaging). */
export function nativeCandidates(): string[] {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const get = <T>(id: string) => proc?.getBuiltinModule?.(id) as T | undefined;
  const fs = get<Fs>("node:fs"), path = get<Path>("node:path"), url = get<{ fileURLToPath(u: string): string }>("node:url");
  if (!proc || !fs || !path || !url) return [];
  const root = packageRoot(fs, path, url);
  return root ? [BUILT, prebuilt(proc.platform, proc.arch)].map((parts) => path.join(root, ...parts)) : [];
}

/** The command that builds them here: an installed package is rebuilt by npm (its install script,
 *  which npm skips under --ignore-scripts or an allowScripts policy); a checkout has its own script. */
export function howToBuild(binaryPath: string | undefined): string {
  const installed = binaryPath !== undefined && /[\\/]node_modules[\\/]/.test(binaryPath);
  return installed ? "`npm rebuild rnnlab` builds them with a C++ compiler" : "`npm run build:native` builds them with a C++ compiler";
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
    if (!path) failure = `rnnlab: native kernels not built (${paths.length ? `none of ${paths.join(", ")}` : "package root not found"}); ${howToBuild(paths[0])}`;
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
