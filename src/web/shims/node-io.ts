// Stand-in for node:fs, node:path and node:crypto in the browser bundle. Only src/io/checkpoint.ts
// and src/io/atomic-file.ts (atomic files) import them among the modules the browser entry reaches; calling
// any of these says why instead of failing with "undefined is not a function". A new name
// imported from a node: module makes the web build fail ("No matching export"), which is wanted:
// it means Node-only code reached the browser bundle.
function nodeOnly(name: string): (...args: unknown[]) => never {
  return () => { throw new Error(`rnnlab (browser build): ${name} needs Node's file system; checkpoint files are not available in the browser`); };
}

export const closeSync = nodeOnly("fs.closeSync");
export const fsyncSync = nodeOnly("fs.fsyncSync");
export const openSync = nodeOnly("fs.openSync");
export const readFileSync = nodeOnly("fs.readFileSync");
export const renameSync = nodeOnly("fs.renameSync");
export const unlinkSync = nodeOnly("fs.unlinkSync");
export const writeSync = nodeOnly("fs.writeSync");
export const readdirSync = nodeOnly("fs.readdirSync");
export const statSync = nodeOnly("fs.statSync");
export const basename = nodeOnly("path.basename");
export const join = nodeOnly("path.join");
export const dirname = nodeOnly("path.dirname");
export const randomBytes = nodeOnly("crypto.randomBytes");
