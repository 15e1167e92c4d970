// rnnlab: recurrent neural networks in TypeScript, exact and fast.
//   import { nn, LSTM, GRU, RNN, tensor } from "rnnlab";
// Two APIs on one core: `nn` is TensorFlow-1 style (cells, MultiRNNCell, staticRnn, dynamicRnn,
// the bidirectional calls, a tape for gradients); LSTM / GRU / RNN are PyTorch-style layers.
export * as nn from "./nn/index.ts";
export { LSTM, GRU, RNN, Recurrent, type RecurrentOptions, type ForwardOptions, type ForwardResult } from "./layers/recurrent.ts";
export { Tensor, tensor, zeros, type NestedArray } from "./tensor/tensor.ts";
export { unstack, stack, concat, transpose, reverseSequence } from "./tensor/ops.ts";
export { createCell, ACTIVATION_NAMES, type Cell, type CellKind, type CellOptions, type CellConfig, type ActivationName } from "./cells/index.ts";
export { CellStep } from "./cells/step.ts";
export { paramTable, type ParamTable, type ParamRow, type ParamLayoutName } from "./analysis/param-table.ts";
export { paramTableText } from "./analysis/render/param-table-text.ts";
export { gradcheck, numericGrad, type GradcheckResult } from "./analysis/gradcheck.ts";
export { Rng } from "./params/rng.ts";
export { initCellParams, type InitScheme } from "./params/init-schemes.ts";
export { defaultKernels, setDefaultKernels, loadKernels, refKernels, backendInfo, type Kernels, type BackendName, type BackendInfo } from "./kernels/index.ts";
export { RnnlabError } from "./errors.ts";
export { init, type InitOptions, type InitResult, type WasmSource } from "./init.ts";
export { setWasmSource } from "./kernels/wasm/index.ts";
export { detectFeatures, type Features } from "./kernels/features.ts";
export { Dense, type DenseOptions } from "./layers/dense.ts";
export { CellRNN, type CellRNNOptions } from "./layers/cell-rnn.ts";
export { Embedding, type EmbeddingOptions } from "./layers/embedding.ts";
export { SequenceModel, type ModelConfig, type StreamState } from "./train/model.ts";
export type { Tf1CellSpec } from "./train/cell-stack.ts";
export { fit, evaluate, evaluateStream, type FitOptions, type StepInfo, type EpochInfo, type EvalResult } from "./train/fit.ts";
export { tbptt, type TbpttOptions } from "./train/tbptt.ts";
export { generate, sampleLogits } from "./train/generate.ts";
export { sgd, adam, adamw, rmsprop, adagrad, optimizerByName, clipGradNorm, clipGradValue, globalNorm, type Optimizer, type ParamGroup } from "./train/optim.ts";
export { constant, stepDecay, cosine, warmup, scheduleByName, type Schedule } from "./train/schedule.ts";
export { softmaxCrossEntropy, meanSquaredError } from "./train/losses.ts";
export { saveTraining, loadTraining, type TrainingProgress } from "./train/checkpoint.ts";
export { encodeSafetensors, decodeSafetensors } from "./io/safetensors.ts";
export { saveCheckpoint, loadCheckpoint } from "./io/checkpoint.ts";
export * as data from "./train/data/index.ts";
export type { Batch, SeqDataset } from "./train/batch.ts";
export { summary } from "./analysis/summary.ts";
export * from "./analysis/lab.ts";
// Interop (io/): PyTorch safetensors, TF-1 variables by name, Keras / TF.js layers models, ONNX (docs/interop.md).
export { saveTorchSafetensors, loadTorchSafetensors } from "./io/torch-safetensors.ts";
export { exportTf1Variables, importTf1Variables, tf1CellScope, type Tf1NameOptions } from "./io/tf1-names.ts";
export { tf1ToTorchLayer, torchLayerToTf1 } from "./io/tf1-torch.ts";
export { loadTfjsModel, KerasModel, type KerasLoadOptions } from "./io/keras/model.ts";
export type { KerasCompileOptions, KerasFitOptions, KerasHistory } from "./io/keras/fit.ts";
export { saveTfjsModel } from "./io/keras/write.ts";
export { kerasModelFromLayer, layerFromKerasModel } from "./io/keras/from-layer.ts";
export { exportOnnx, encodeOnnx, type OnnxExportOptions } from "./io/onnx/export.ts";
export { importOnnx, OnnxModel, type OnnxImportOptions, type OnnxFeed, type OnnxInputInfo } from "./io/onnx/import.ts";
export { importOnnxLayer } from "./io/onnx/import-layer.ts";
