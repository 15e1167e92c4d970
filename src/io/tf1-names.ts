// TF-1 variables by their full names, as a TF-1 graph (and its checkpoints) names them:
//   tf.nn.dynamic_rnn(cell, ...)            -> rnn/<cell scope>/kernel
//   MultiRNNCell([...])                     -> rnn/multi_rnn_cell/cell_<l>/<cell scope>/kernel
//   tf.nn.bidirectional_dynamic_rnn(fw, bw) -> bidirectional_rnn/fw/<…>, bidirectional_rnn/bw/<…>
// The cell scope is the snake-cased class name (Layer._init_set_name in TF 1.x keras base_layer:
// BasicRNNCell -> basic_rnn_cell, BasicLSTMCell -> basic_lstm_cell, LSTMCell -> lstm_cell,
// GRUCell -> gru_cell; contrib's CudnnCompatibleGRUCell -> cudnn_compatible_gru_cell). Wrappers
// (DropoutWrapper) add no scope. Tensors keep TF-1 layouts (io/tf1-layout.ts); nothing is converted:
// forget_bias is a run-time option of the cell and is never in the variables (see tf1-torch.ts).
import { RNNCell, type RNNCellLike, type SingleCell } from "../nn/cells.ts";
import { CustomCell } from "../nn/custom-cell.ts";
import { ResidualWrapper } from "../nn/library/residual-wrapper.ts";
import { MultiRNNCell } from "../nn/multi.ts";
import { Tensor } from "../tensor/tensor.ts";
import { RnnlabError, checkKnownKeys, fail, fmtShape } from "../errors.ts";

export interface Tf1NameOptions {
  /** the enclosing variable scope: "rnn" (dynamic_rnn / static_rnn's default), "bidirectional_rnn/fw", "" for none */
  scope?: string;
}

const CELL_SCOPE: Record<string, string> = {
  BasicRNNCell: "basic_rnn_cell", BasicLSTMCell: "basic_lstm_cell", LSTMCell: "lstm_cell", GRUCell: "gru_cell",
};

/** The scope TF-1 gives a single cell of this class. */
export function tf1CellScope(cell: SingleCell): string {
  if (cell instanceof ResidualWrapper) return tf1CellScope(cell.cell);   // TF-1's wrappers add no scope
  if (cell instanceof CustomCell) return cell.scope;
  if (!(cell instanceof RNNCell)) throw new RnnlabError(`tf1CellScope: no TF-1 scope known for a ${cell.className}`);
  if (cell.kind === "gru" && cell.cell.config.resetAfter) return "cudnn_compatible_gru_cell";
  const scope = CELL_SCOPE[cell.className];
  if (!scope) throw new RnnlabError(`tf1CellScope: no TF-1 scope known for a ${cell.className}`);
  return scope;
}

/** [scope prefix, single cell] for every cell of the structure, in TF-1's naming. */
function scopedCells(cell: RNNCellLike, prefix: string): [string, SingleCell][] {
  const join = (a: string, b: string) => (a ? `${a}/${b}` : b);
  if (cell instanceof MultiRNNCell) {
    return cell.cells.flatMap((c, l) => scopedCells(c, join(prefix, `multi_rnn_cell/cell_${l}`)));
  }
  const layers = cell.layers();
  if (layers.length !== 1) throw new RnnlabError(`tf1Names: cannot name the variables of ${cell.constructor.name}`);
  return [[join(prefix, tf1CellScope(layers[0])), layers[0]]];
}

/** Every variable of `cell` under its full TF-1 name, e.g. "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel". */
export function exportTf1Variables(cell: RNNCellLike, opts: Tf1NameOptions = {}): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [prefix, single] of scopedCells(cell, opts.scope ?? "rnn")) {
    for (const v of single.variables()) out[`${prefix}/${v.name}`] = v.tensor;
  }
  return out;
}

/**
 * Assign variables by full TF-1 name. Every variable the cell has must be present with its TF-1
 * shape; names under the scope that the cell does not have are an error (a typo, or another
 * cell class); names outside the scope are ignored (a checkpoint holds more than one model).
 * `source` names the file or object in errors.
 */
export function importTf1Variables(cell: RNNCellLike, vars: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>,
                                   opts: Tf1NameOptions & { source?: string } = {}): void {
  const fn = "importTf1Variables";
  checkKnownKeys(fn, opts, ["scope", "source"]);
  if (typeof vars !== "object" || vars === null || Array.isArray(vars)) fail(fn, "vars", "an object of tensors by TF-1 variable name", vars);
  if (opts.scope !== undefined && typeof opts.scope !== "string") fail(fn, "scope", "a string", opts.scope);
  const scope = opts.scope ?? "rnn", where = opts.source ? ` in ${opts.source}` : "";
  const cells = scopedCells(cell, scope);
  const expected = new Map<string, { single: SingleCell; local: string; shape: number[] }>();
  for (const [prefix, single] of cells) {
    for (const v of single.variables()) expected.set(`${prefix}/${v.name}`, { single, local: v.name, shape: [...v.tensor.shape] });
  }
  for (const name of Object.keys(vars)) {
    if ((scope === "" || name.startsWith(`${scope}/`)) && !expected.has(name)) {
      throw new RnnlabError(`${fn}: unexpected variable "${name}"${where}; this cell has ${[...expected.keys()].join(", ")}`);
    }
  }
  for (const [name, e] of expected) {
    const v = vars[name];
    if (!v) throw new RnnlabError(`${fn}: missing variable "${name}"${where} (shape ${fmtShape(e.shape)})`);
    if (typeof v !== "object" || !Array.isArray(v.shape) || !(ArrayBuffer.isView(v.data) || Array.isArray(v.data))) fail(fn, `"${name}"`, "a tensor { shape, data }", v);
    if (fmtShape(v.shape) !== fmtShape(e.shape)) {
      throw new RnnlabError(`${fn}: variable "${name}"${where} has shape ${fmtShape(v.shape)}, expected ${fmtShape(e.shape)}`);
    }
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (v.data.length !== count) fail(fn, `"${name}".data`, `${count} numbers (shape ${fmtShape(e.shape)})`, `${v.data.length} numbers`);
    for (let i = 0; i < count; i++) {                      // cell variables are always finite (cell.assign)
      if (typeof v.data[i] !== "number" || !Number.isFinite(v.data[i])) fail(fn, `"${name}"${where}[${i}]`, "finite", v.data[i]);
    }
  }
  for (const [name, e] of expected) {
    const v = vars[name], dtype = e.single.params.flat instanceof Float64Array ? "float64" : "float32";
    const data = dtype === "float64" ? Float64Array.from(v.data) : Float32Array.from(v.data);
    e.single.assign(e.local, new Tensor([...v.shape], data));
  }
}
