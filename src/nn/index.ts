// The TensorFlow-1 style API: `import { nn } from "rnnlab"`.
export { BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, RNNCell, type RNNCellLike } from "./cells.ts";
export { MultiRNNCell } from "./multi.ts";
export { LSTMStateTuple, type RnnState } from "./state.ts";
export { staticRnn, dynamicRnn, staticBidirectionalRnn, bidirectionalDynamicRnn, lastRelevantOutput } from "./unroll.ts";
export { tape, Tape, type TapeCotangents, type TapeGradients } from "./tape.ts";
export { DropoutWrapper, type DropoutWrapperOptions } from "./dropout-wrapper.ts";
export { CustomCell, type CustomCellOptions, type VariableDeclaration, type Initializer, type StateValues } from "./custom-cell.ts";
export type { CallOptions } from "./call.ts";
export * as ops from "../graph/ops.ts";
export { LayerNormBasicLSTMCell, type LayerNormBasicLSTMCellOptions } from "./library/layer-norm-basic-lstm-cell.ts";
export { ResidualWrapper } from "./library/residual-wrapper.ts";
export { paramGroups } from "./param-groups.ts";
