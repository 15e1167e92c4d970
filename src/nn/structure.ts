// Walking TF-1 state structures: a cell's state <-> one { h, c } per layer, with errors that
// say which part of the structure is wrong.
import type { Buf, Dtype } from "../kernels/types.ts";
import { Tensor } from "../tensor/tensor.ts";
import { fail, fmtShape, RnnlabError } from "../errors.ts";
import type { LayerState } from "../seq/uni-stack.ts";
import { RNNCell, type RNNCellLike } from "./cells.ts";
import { MultiRNNCell } from "./multi.ts";
import { LSTMStateTuple, type RnnState } from "./state.ts";

function checkPart(fn: string, arg: string, t: unknown, B: number, width: number, dtype: Dtype): Buf {
  if (!(t instanceof Tensor)) fail(fn, arg, "a Tensor", t);
  if (t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== width) {
    throw new RnnlabError(`${fn}: ${arg} has shape ${fmtShape(t.shape)}, expected [${B}, ${width}] (batch ${B})`);
  }
  if (t.dtype !== dtype) throw new RnnlabError(`${fn}: ${arg} has dtype ${t.dtype}, expected ${dtype} like the inputs`);
  return t.data;
}

/** A user-given state (or undefined = zeros) as one { h, c } per layer. */
export function flattenState(fn: string, arg: string, cell: RNNCellLike, state: unknown, B: number, dtype: Dtype): LayerState[] {
  if (state === undefined || state === null) return cell.layers().map(() => ({ h: null, c: null }));
  if (cell instanceof MultiRNNCell) {
    if (!Array.isArray(state) || state.length !== cell.cells.length) {
      fail(fn, arg, `an array of ${cell.cells.length} layer states (one per MultiRNNCell layer)`, Array.isArray(state) ? `an array of ${state.length}` : state);
    }
    return cell.cells.flatMap((c, l) => flattenState(fn, `${arg}[${l}]`, c, state[l], B, dtype));
  }
  const layer = cell.layers()[0];
  if (layer.kind === "lstm") {
    if (!(state instanceof LSTMStateTuple)) fail(fn, arg, `an LSTMStateTuple { c, h } for the ${layer.className}`, state);
    return [{ c: checkPart(fn, `${arg}.c`, state.c, B, layer.numUnits, dtype), h: checkPart(fn, `${arg}.h`, state.h, B, layer.outputSize, dtype) }];
  }
  if (state instanceof LSTMStateTuple || Array.isArray(state)) fail(fn, arg, `a Tensor [batch, ${layer.numUnits}] for the ${layer.className}`, state);
  return [{ h: checkPart(fn, arg, state, B, layer.numUnits, dtype), c: null }];
}

/** Per-layer { h, c } buffers back into the cell's state structure (copies). */
export function buildState(cell: RNNCellLike, parts: LayerState[], B: number, dtype: Dtype): RnnState {
  let at = 0;
  const copy = (buf: Buf | null, width: number) =>
    new Tensor([B, width], buf ? buf.slice() : dtype === "float64" ? new Float64Array(B * width) : new Float32Array(B * width));
  const walk = (c: RNNCellLike): RnnState => {
    if (c instanceof MultiRNNCell) return c.cells.map(walk);
    const layer = c.layers()[0], p = parts[at++];
    return layer.kind === "lstm"
      ? new LSTMStateTuple(copy(p.c, layer.numUnits), copy(p.h, layer.outputSize))
      : copy(p.h, layer.numUnits);
  };
  return walk(cell);
}

/** Every single cell with its path in TF-1 naming: "", "cell_0/", "cell_1/" ... */
export function namedLayers(cell: RNNCellLike, prefix = ""): { prefix: string; layer: RNNCell }[] {
  if (cell instanceof MultiRNNCell) return cell.cells.flatMap((c, l) => namedLayers(c, `${prefix}cell_${l}/`));
  return [{ prefix, layer: cell.layers()[0] }];
}
