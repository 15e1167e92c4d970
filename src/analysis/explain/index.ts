// The equations of a configured cell, for people (Unicode text, LaTeX, SVG) and for programs (an
// expression tree per line that evaluateExplanation computes). Browser-safe: no Node imports.
//
// API (names are stable):
//   explainCell(opts: ExplainOptions): CellExplanation
//       opts = { kind: "rnn" | "lstm" | "gru", ...CellOptions } (inputSize, hiddenSize, biases 0|1|2,
//       activation, gateActivation, forgetBias, usePeepholes, cellClip, projSize, projClip, resetAfter);
//       defaults as createCell (PyTorch: two biases, GRU reset after), sizes default to D = 28, H = 128.
//       → { config, title, dims, lines: EquationLine[], params: ExplainParam[], definitions, state, text, latex }
//       EquationLine = { target, symbol, expr: Expr, text, latex, params (ids), uses, size, note? }
//       ExplainParam = { id, text, latex, shape, shapeText, role, source {name, offset, length}, torch, tf1 }
//   evaluateExplanation(expl, { x, h, c? }, params by internal name) → { [target]: number[] }
//   explainCellSvg(expl): string          one step, laid out from the equations
//   explainUnrolledSvg(expl, { steps? }): string   the cell unrolled in time, with BPTT's gradient
//   renderExpr(expr, symbols, "text" | "latex"), evaluateExpr(expr, env): the tree's own walkers
export { explainCell, evaluateExplanation, type ExplainOptions, type CellExplanation, type EquationLine, type ExplainParam, type ParamSource, type InternalParams } from "./equations.ts";
export { explainCellSvg, explainUnrolledSvg } from "./diagram.ts";
export { render as renderExpr, evaluate as evaluateExpr, ACT_DEFINITIONS, type Expr, type Sym, type SymbolTable, type EvalEnv } from "./expr.ts";
