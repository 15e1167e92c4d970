// The TensorFlow-1 style API: `import { nn } from "rnnlab"`.
export { BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, RNNCell, type RNNCellLike } from "./cells.ts";
export { MultiRNNCell } from "./multi.ts";
export { LSTMStateTuple, type RnnState } from "./state.ts";
export { staticRnn, dynamicRnn, staticBidirectionalRnn, bidirectionalDynamicRnn, lastRelevantOutput } from "./unroll.ts";
export { tape, Tape, type TapeCotangents, type TapeGradients } from "./tape.ts";
export { DropoutWrapper, type DropoutWrapperOptions } from "./dropout-wrapper.ts";
