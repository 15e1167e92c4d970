// Entry of a CLI worker thread in a repository checkout: the TypeScript sources need tsx (a
// devDependency) registered in this thread too, then worker.mjs runs as in the package. Not copied
// into the package (scripts/build.mjs copies worker.mjs only); workerEntry() picks this file.
const { register } = await import("tsx/esm/api");
register();
await import("./worker.mjs");
