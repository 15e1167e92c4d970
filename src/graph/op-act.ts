// The cell activations (sigmoid, tanh, relu, softsign, the two hard sigmoids, elu, linear) as one
// operation on the backend's activation kernels. The backward reads the saved OUTPUT y = f(x),
// as every activation kernel of rnnlab does.
import type { Act } from "../kernels/types.ts";
import type { OpDef } from "./graph.ts";

export interface ActAttrs { act: Act; label: string }

export const actOp: OpDef<ActAttrs> = {
  name: "activation",
  forward(k, y, [x], _aux, c) { k.actForward(y, x, c.rows * c.out.cols, c.attrs.act); },
  backward(k, [dx], dy, y, _ins, _aux, c) { if (dx) k.actBackward(dx, dy, y, c.rows * c.out.cols, c.attrs.act); },
};
