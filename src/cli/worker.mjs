// Entry of the worker thread that runs a long command (see CommandSpec.worker). Worker entry
// files must be plain JavaScript, so this one registers tsx (as bin/rnnlab.mjs does) and then
// loads the TypeScript side.
import { register } from "tsx/esm/api";

register();
await import("./worker-main.ts");
