// Choosing a backend. Everything above src/kernels/ receives a Kernels object and never asks
// which one it is. The default is set once (setDefaultKernels / useBackend) and read by layers
// and nn cells that were not given one explicitly.
import type { Kernels } from "./types.ts";
import { refKernels } from "./ref/index.ts";

let current: Kernels = refKernels;

export function defaultKernels(): Kernels { return current; }
export function setDefaultKernels(k: Kernels): void { current = k; }

export { refKernels };
export type { Kernels, Buf, Dtype } from "./types.ts";
export { Act } from "./types.ts";
