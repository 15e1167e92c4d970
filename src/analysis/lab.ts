// The lab's analysis, as one public surface (re-exported by src/index.ts): experiments that return
// plain data, and pure renderers from that data to SVG / HTML. No Node-only imports anywhere below,
// so the browser playground uses the same functions as the CLI.
export { ProbeNet, trainProbe, evaluateProbe, type ProbeNetConfig, type TrainProbeOptions, type TrainProbeResult } from "./probe-net.ts";
export { gradFlow, measureGradFlow, type GradFlow, type GradFlowCurve, type GradFlowOptions, type GradFlowRatio } from "./gradflow.ts";
export { gateStats, modelGateStats, layerZero, type GateStats, type GateSummary } from "./gates.ts";
export { gatesDuringTraining, type GateTraining, type GateTrainingPoint } from "./gates-training.ts";
export { longRange, markedRecallBatch, activationBytes, type LongOptions, type LongResult, type LongRun } from "./long.ts";
export { memoryProbe, memorySettings, memoryRunSpecs, memoryRunCost, memoryRun, memoryResult, probeParamCount, unitsForParams, MEMORY_TASKS, type MemoryProbe, type MemoryOptions, type MemoryResult, type MemoryRun, type MemoryTask, type MemorySettings, type MemoryRunSpec } from "./memory.ts";
export { ablate, ABLATION_VARIANTS, type Ablation, type AblationOptions, type AblationRow, type AblationVariant } from "./ablate.ts";
export {
  gradFlowSvg, learningCurveSvg, gateHistogramsSvg, gateHeatmapSvg, memorySvg, memoryBudgetSvg, gateTrainingSvg, longSvg, ablationBarsSvg, ablationCurvesSvg, cellDiagramSvg, lossCurveSvg,
  type TrainLog,
} from "./render/lab-plots.ts";
export { linePlotSvg, barChartSvg, histogramsSvg, heatmapSvg, niceTicks, type LinePlotSpec, type BarChartSpec, type HeatmapSpec, type Series } from "./render/svg.ts";
export { reportHtml, type ReportSection } from "./render/report-html.ts";
export {
  explainCell, evaluateExplanation, explainCellSvg, explainUnrolledSvg, renderExpr, evaluateExpr,
  type ExplainOptions, type CellExplanation, type EquationLine, type ExplainParam, type Expr,
} from "./explain/index.ts";
