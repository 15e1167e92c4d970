// Reading a TensorFlow.js layers model from disk: model.json ({ modelTopology, weightsManifest })
// plus its binary shards (tfjs-core io: weight groups, each a list of `paths` whose bytes are
// concatenated, holding the group's `weights` back to back in manifest order, little-endian).
// Everything is validated before anything is allocated, and every error names the file and the
// field, e.g.
//   model.json: weightsManifest[0].weights[3] ("lstm/bias") needs bytes 96..144, but the group's
//   shards (group1-shard1of1.bin) hold 120 bytes
// A model file never makes us read outside its own folder: shard paths are relative, without "..",
// and must resolve (symlinks followed) to regular files inside the folder of model.json.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, sep } from "node:path";
import { RnnlabError, checkKnownKeys, fail, fmtShape, show } from "../../errors.ts";
import { parseJsonBounded } from "../bounded-json.ts";

export interface TfjsWeight { name: string; shape: number[]; data: Float32Array }
export interface TfjsFiles {
  /** the model.json path, used in every error message */
  source: string;
  /** the parsed model.json */
  json: { modelTopology: Record<string, unknown>; format?: string; generatedBy?: string; [k: string]: unknown };
  /** weights in manifest order */
  weights: TfjsWeight[];
}

export interface TfjsReadOptions {
  /** accept NaN / ±Infinity in the weights (default false: they are an error), e.g. to inspect a diverged model */
  allowNonFinite?: boolean;
  /** the largest model.json read, in bytes (default 64 MB: it holds the topology, not the weights) */
  maxJsonBytes?: number;
}
export const TFJS_READ_OPTIONS = ["allowNonFinite", "maxJsonBytes"];
const DEFAULT_MAX_JSON_BYTES = 64 * 2 ** 20;

const bad = (source: string, msg: string): never => { throw new RnnlabError(`${source}: ${msg}`); };
const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);

/** `path` is a model.json file or a directory holding one. */
export function readTfjsModel(path: string, opts: TfjsReadOptions = {}): TfjsFiles {
  const fn = "loadTfjsModel";
  if (typeof path !== "string" || path === "") fail(fn, "path", "a model.json path or its directory", path);
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, TFJS_READ_OPTIONS);
  const maxBytes = opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) fail(fn, "maxJsonBytes", "a positive integer", maxBytes);
  let file = path;
  try { if (statSync(path).isDirectory()) file = join(path, "model.json"); }
  catch { /* reported below */ }
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return bad(file, "cannot read the model file (not a regular file)");
    size = st.size;
  } catch (e) { return bad(file, `cannot read the model file (${code(e)})`); }
  if (size > maxBytes) bad(file, `model.json must be at most ${maxBytes} bytes (maxJsonBytes), got ${size}`);
  let text: string;
  try { text = readFileSync(file, "utf8"); }
  catch (e) { return bad(file, `cannot read the model file (${code(e)})`); }
  const json = parseJsonBounded(file, text) as TfjsFiles["json"];
  if (typeof json !== "object" || json === null || Array.isArray(json)) return bad(file, "expected a JSON object with modelTopology and weightsManifest");
  if (typeof json.modelTopology !== "object" || json.modelTopology === null || Array.isArray(json.modelTopology)) {
    return bad(file, `field "modelTopology" is missing or not an object${json.format === "graph-model" ? " (this is a TF.js graph model, not a layers model)" : ""}`);
  }
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) return bad(file, `field "weightsManifest" must be an array of weight groups`);
  const folder = realFolder(file);
  const specs = manifest.map((group, g) => checkGroup(file, folder, group as GroupJson, g));   // all checked before reading
  const weights = specs.flatMap((s, g) => readGroup(file, s, g, opts.allowNonFinite === true));
  const seen = new Set<string>();
  for (const w of weights) {
    if (seen.has(w.name)) bad(file, `weightsManifest names the weight "${w.name}" twice`);
    seen.add(w.name);
  }
  return { source: file, json, weights };
}

function realFolder(file: string): string {
  try { return realpathSync(dirname(file)); }
  catch (e) { return bad(file, `cannot resolve the model's folder (${code(e)})`); }
}

interface GroupJson { paths?: unknown; weights?: unknown }
interface SpecJson { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown }
interface CheckedGroup { paths: string[]; files: string[]; sizes: number[]; specs: { name: string; shape: number[]; count: number }[] }

/** A shard path inside the model's folder, or an error: relative, no "..", regular file, no symlink out. */
export function resolveShard(file: string, folder: string, p: string, where: string): { real: string; size: number } {
  const segments = p.split(/[\\/]/);
  if (p === "" || p.includes("\0") || isAbsolute(p) || /^[a-zA-Z]:/.test(p) || segments.includes("..")) {
    bad(file, `${where} must be a file name inside the model's folder (relative, without ".."), got ${show(p)}`);
  }
  let real: string;
  try { real = realpathSync(join(folder, p)); }
  catch (e) { return bad(file, `${where} "${p}" cannot be read (${code(e)})`); }
  if (!real.startsWith(folder + sep)) bad(file, `${where} "${p}" leads outside the model's folder (to ${real}); shards must be inside it`);
  const st = statSync(real);
  if (!st.isFile()) bad(file, `${where} "${p}" is not a regular file`);
  return { real, size: st.size };
}

function checkGroup(file: string, folder: string, group: GroupJson, g: number): CheckedGroup {
  const at = `weightsManifest[${g}]`;
  if (typeof group !== "object" || group === null) bad(file, `${at} must be an object { paths, weights }, got ${show(group)}`);
  if (!Array.isArray(group.paths) || group.paths.some((p) => typeof p !== "string")) bad(file, `${at}.paths must be a list of shard file names`);
  if (!Array.isArray(group.weights)) bad(file, `${at}.weights must be a list of weight specs`);
  const paths = group.paths as string[];
  const resolved = paths.map((p, i) => resolveShard(file, folder, p, `${at}.paths[${i}]`));
  const total = resolved.reduce((n, r) => n + r.size, 0);
  let offset = 0;
  const specs = (group.weights as SpecJson[]).map((spec, i) => {
    const where = `${at}.weights[${i}]`;
    if (typeof spec !== "object" || spec === null || typeof spec.name !== "string") bad(file, `${where}.name must be a string`);
    const name = spec.name as string;
    if (spec.quantization !== undefined) bad(file, `${where} ("${name}") is quantized; only float32 weights are supported`);
    if (spec.dtype !== "float32") bad(file, `${where} ("${name}") has dtype ${show(spec.dtype)}; only "float32" is supported`);
    if (!Array.isArray(spec.shape) || spec.shape.length > 8 || spec.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      bad(file, `${where} ("${name}") has shape ${show(spec.shape)}, expected a list of at most 8 non-negative integers`);
    }
    const shape = spec.shape as number[], count = shape.reduce((a, b) => a * b, 1), end = offset + 4 * count;
    if (end > total) {
      bad(file, `${where} ("${name}", shape ${fmtShape(shape)}) needs bytes ${offset}..${end}, but the group's shards (${paths.join(", ")}) hold ${total} bytes`);
    }
    offset = end;
    return { name, shape: [...shape], count };
  });
  if (offset !== total) bad(file, `${at}: the shards (${paths.join(", ")}) hold ${total} bytes, the weights listed use ${offset}`);
  return { paths, files: resolved.map((r) => r.real), sizes: resolved.map((r) => r.size), specs };
}

function readGroup(file: string, group: CheckedGroup, g: number, allowNonFinite: boolean): TfjsWeight[] {
  const at = `weightsManifest[${g}]`, total = group.sizes.reduce((a, b) => a + b, 0);
  const bytes = new Uint8Array(total);
  let o = 0;
  group.files.forEach((f, i) => {
    let shard: Uint8Array;
    try { shard = readFileSync(f); }
    catch (e) { return bad(file, `${at}.paths[${i}] "${group.paths[i]}" cannot be read (${code(e)})`); }
    if (shard.length !== group.sizes[i]) bad(file, `${at}.paths[${i}] "${group.paths[i]}" changed size while being read`);
    bytes.set(shard, o); o += shard.length;
  });
  let offset = 0;
  return group.specs.map(({ name, shape, count }, i) => {
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + 4 * count));   // little-endian hosts (every platform Node runs on)
    offset += 4 * count;
    if (!allowNonFinite) {
      for (let j = 0; j < count; j++) {
        if (!Number.isFinite(data[j])) bad(file, `${at}.weights[${i}] ("${name}")[${j}] must be finite, got ${data[j]} (pass { allowNonFinite: true } to load it anyway)`);
      }
    }
    return { name, shape, data };
  });
}

/** A JSON value read as a string / number without ever calling a hostile object's toString/valueOf. */
export const str = (v: unknown): string => (typeof v === "string" ? v : show(v));
export const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN);
