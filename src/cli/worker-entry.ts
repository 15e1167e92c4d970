// Which file a CLI worker thread starts from: worker.mjs beside the compiled modules (the package),
// worker-sources.mjs beside the TypeScript sources (a checkout run through tsx).

/** The entry file for `new Worker(…)`, next to this module. */
export function workerEntry(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./worker-sources.mjs" : "./worker.mjs", import.meta.url);
}
