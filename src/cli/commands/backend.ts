// rnnlab backend: which kernels run here (native C++, WebAssembly SIMD or plain TypeScript), on how
// many threads, and why a faster one was not used. RNNLAB_BACKEND and RNNLAB_THREADS apply.
import type { CommandSpec } from "../command.ts";
import type { BackendInfo } from "../../index.ts";

/** One line, e.g. `kernels: native (avx512), 16 threads`. */
export function backendLine(info: BackendInfo): string {
  const name = info.backend === "native" ? `native${info.isa ? ` (${info.isa})` : ""}` : info.backend === "wasm" ? "wasm (SIMD128)" : "ref (TypeScript)";
  return `kernels: ${name}, ${info.threads} thread${info.threads === 1 ? "" : "s"}` + (info.fallback ? ` — ${info.fallback}` : "");
}

export const command: CommandSpec = {
  name: "backend",
  summary: "which kernels run here (native, wasm or ref) and on how many threads",
  configure: (cmd) => cmd
    .option("--json", "print the details as JSON", false)
    .addHelpText("after", "\nRNNLAB_BACKEND=native|wasm|ref picks the kernels; RNNLAB_THREADS=N their threads."),
  async run(o, ctx) {
    const { backendInfo } = await import("../../index.ts");
    const info = backendInfo();
    ctx.log(o.json ? JSON.stringify(info) : backendLine(info));
  },
};
