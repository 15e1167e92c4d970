// Walking TF-1 state structures: a cell's state <-> one LayerState per layer (each single cell
// knows its own structure), with errors that say which part of the structure is wrong.
import type { Dtype } from "../kernels/types.ts";
import { fail } from "../errors.ts";
import type { LayerState } from "../seq/uni-stack.ts";
import type { RNNCellLike, SingleCell } from "./cells.ts";
import { MultiRNNCell } from "./multi.ts";
import type { RnnState } from "./state.ts";

/** A user-given state (or undefined = zeros) as one LayerState per layer. */
export function flattenState(fn: string, arg: string, cell: RNNCellLike, state: unknown, B: number, dtype: Dtype): LayerState[] {
  if (state === undefined || state === null) return cell.layers().map(() => ({ h: null, c: null }));
  if (cell instanceof MultiRNNCell) {
    if (!Array.isArray(state) || state.length !== cell.cells.length) {
      fail(fn, arg, `an array of ${cell.cells.length} layer states (one per MultiRNNCell layer)`, Array.isArray(state) ? `an array of ${state.length}` : state);
    }
    return cell.cells.flatMap((c, l) => flattenState(fn, `${arg}[${l}]`, c, state[l], B, dtype));
  }
  return [cell.layers()[0].stateToParts(fn, arg, state, B, dtype)];
}

/** Per-layer LayerState buffers back into the cell's state structure (copies). */
export function buildState(cell: RNNCellLike, parts: LayerState[], B: number, dtype: Dtype): RnnState {
  let at = 0;
  const walk = (c: RNNCellLike): RnnState => {
    if (c instanceof MultiRNNCell) return c.cells.map(walk);
    return c.layers()[0].stateFromParts(parts[at++], B, dtype);
  };
  return walk(cell);
}

/** Every single cell with its path in TF-1 naming: "", "cell_0/", "cell_1/" ... */
export function namedLayers(cell: RNNCellLike, prefix = ""): { prefix: string; layer: SingleCell }[] {
  if (cell instanceof MultiRNNCell) return cell.cells.flatMap((c, l) => namedLayers(c, `${prefix}cell_${l}/`));
  return [{ prefix, layer: cell.layers()[0] }];
}
