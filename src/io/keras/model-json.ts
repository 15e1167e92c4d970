// Reading a TensorFlow.js layers model from disk: model.json ({ modelTopology, weightsManifest })
// plus its binary shards (tfjs-core io: weight groups, each a list of `paths` whose bytes are
// concatenated, holding the group's `weights` back to back in manifest order, little-endian).
// Everything is validated here, and every error names the file and the field, e.g.
//   model.json: weightsManifest[0].weights[3] ("lstm/bias") needs bytes 96..144, but the group's
//   shards (group1-shard1of1.bin) hold 120 bytes
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { RnnlabError, fmtShape } from "../../errors.ts";

export interface TfjsWeight { name: string; shape: number[]; data: Float32Array }
export interface TfjsFiles {
  /** the model.json path, used in every error message */
  source: string;
  /** the parsed model.json */
  json: { modelTopology: Record<string, unknown>; format?: string; generatedBy?: string; [k: string]: unknown };
  /** weights in manifest order */
  weights: TfjsWeight[];
}

const bad = (source: string, msg: string): never => { throw new RnnlabError(`${source}: ${msg}`); };

/** `path` is a model.json file or a directory holding one. */
export function readTfjsModel(path: string): TfjsFiles {
  let file = path;
  try { if (statSync(path).isDirectory()) file = join(path, "model.json"); }
  catch { /* reported below */ }
  let text: string;
  try { text = readFileSync(file, "utf8"); }
  catch (e) { return bad(file, `cannot read the model file (${(e as NodeJS.ErrnoException).code ?? e})`); }
  let json: TfjsFiles["json"];
  try { json = JSON.parse(text); }
  catch (e) { return bad(file, `not valid JSON (${(e as Error).message})`); }
  if (typeof json !== "object" || json === null) return bad(file, "expected a JSON object with modelTopology and weightsManifest");
  if (typeof json.modelTopology !== "object" || json.modelTopology === null) {
    return bad(file, `field "modelTopology" is missing or not an object${json.format === "graph-model" ? " (this is a TF.js graph model, not a layers model)" : ""}`);
  }
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) return bad(file, `field "weightsManifest" must be an array of weight groups`);
  const weights = manifest.flatMap((group, g) => readGroup(file, dirname(file), group, g));
  const seen = new Set<string>();
  for (const w of weights) {
    if (seen.has(w.name)) bad(file, `weightsManifest names the weight "${w.name}" twice`);
    seen.add(w.name);
  }
  return { source: file, json, weights };
}

interface GroupJson { paths?: unknown; weights?: unknown }
interface SpecJson { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown }

function readGroup(file: string, dir: string, group: GroupJson, g: number): TfjsWeight[] {
  const at = `weightsManifest[${g}]`;
  if (!Array.isArray(group?.paths) || group.paths.some((p) => typeof p !== "string")) bad(file, `${at}.paths must be a list of shard file names`);
  if (!Array.isArray(group.weights)) bad(file, `${at}.weights must be a list of weight specs`);
  const paths = group.paths as string[];
  const shards = paths.map((p, i) => {
    try { return readFileSync(join(dir, p)); }
    catch (e) { return bad(file, `${at}.paths[${i}] "${p}" cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`); }
  });
  const total = shards.reduce((n, s) => n + s.length, 0);
  const bytes = new Uint8Array(total);
  shards.reduce((o, s) => { bytes.set(s, o); return o + s.length; }, 0);
  let offset = 0;
  const out = (group.weights as SpecJson[]).map((spec, i) => {
    const where = `${at}.weights[${i}]`;
    if (typeof spec?.name !== "string") bad(file, `${where}.name must be a string`);
    const name = spec.name as string;
    if (spec.quantization !== undefined) bad(file, `${where} ("${name}") is quantized; only float32 weights are supported`);
    if (spec.dtype !== "float32") bad(file, `${where} ("${name}") has dtype ${JSON.stringify(spec.dtype)}; only "float32" is supported`);
    if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      bad(file, `${where} ("${name}") has shape ${JSON.stringify(spec.shape)}, expected a list of non-negative integers`);
    }
    const shape = spec.shape as number[], n = shape.reduce((a, b) => a * b, 1), end = offset + 4 * n;
    if (end > total) {
      bad(file, `${where} ("${name}", shape ${fmtShape(shape)}) needs bytes ${offset}..${end}, but the group's shards (${paths.join(", ")}) hold ${total} bytes`);
    }
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(bytes.subarray(offset, end));   // little-endian hosts (every platform Node runs on)
    offset = end;
    return { name, shape: [...shape], data };
  });
  if (offset !== total) bad(file, `${at}: the shards (${paths.join(", ")}) hold ${total} bytes, the weights listed use ${offset}`);
  return out;
}
