// Seeded mutations of a model's files. Case i of a run is a pure function of (seed, format, i):
// a reproducer is its bytes, and the same case can be regenerated from the three numbers.
//   byte level: bit flips, byte overwrites with boundary values, truncation, extension, splices
//     (a chunk copied elsewhere), insertions and deletions;
//   format aware: the safetensors header's JSON (and the JSON inside its metadata strings), a
//     model.json, and the float data (NaN, ±Infinity, ±3.4e38, denormals) are mutated as values,
//     then written back consistently (a header keeps a correct length field), so the mutants get
//     past the first checks and reach the deep ones.
import { Rng } from "../src/params/rng.ts";
import type { Files, Format } from "./targets.ts";

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x5b, 0x7b, 0x2e];
const INTERESTING_NUMBERS = [0, -1, 1, 2, 3, 1e9, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31), 100_000, 20_000, 3_000, 0.5, 1e308, -1e-300, 3.4e38];
const INTERESTING_FLOATS = [NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e30, 1e-45, 0];
const HOSTILE_PATHS = ["../../../../dev/zero", "/dev/zero", "/etc/passwd", "..", "../x.bin", "a/../../b.bin", "", "C:\\x.bin", "sub/../../../etc/hosts"];

/** A rng for case `i` of `format` in run `seed` (splitmix-seeded; unrelated streams for nearby i). */
export function caseRng(seed: number, format: Format, i: number): Rng {
  let h = seed >>> 0;
  for (const ch of format) h = Math.imul(h ^ ch.charCodeAt(0), 0x9e3779b1) >>> 0;
  return new Rng((h ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(xs.length)];

// ---- byte level

export function mutateBytes(r: Rng, b: Uint8Array): Uint8Array {
  const out = Uint8Array.from(b), n = out.length;
  const at = () => r.int(Math.max(1, n));
  switch (r.int(8)) {
    case 0: for (let k = 1 + r.int(8); k > 0 && n; k--) out[at()] ^= 1 << r.int(8); return out;        // bit flips
    case 1: for (let k = 1 + r.int(4); k > 0 && n; k--) out[at()] = pick(r, INTERESTING_BYTES); return out;
    case 2: for (let k = 1 + r.int(16); k > 0 && n; k--) out[at()] = r.int(256); return out;             // random bytes
    case 3: return out.slice(0, r.int(n + 1));                                                            // truncate
    case 4: { const extra = Uint8Array.from({ length: 1 + r.int(64) }, () => r.int(256)); return concat(out, extra); }
    case 5: {                                                                                             // splice: a chunk copied elsewhere
      if (n < 2) return out;
      const from = at(), len = 1 + r.int(Math.min(64, n - from)), to = at();
      out.set(b.subarray(from, from + len).subarray(0, n - to), to);
      return out;
    }
    case 6: { const p = at(); return concat(out.slice(0, p), Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256)), out.slice(p)); }
    default: { const p = at(); return concat(out.slice(0, p), out.slice(Math.min(n, p + 1 + r.int(32)))); }  // delete
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A float (f32 or f64, little-endian) at a 4-aligned offset in [from, to) set to a hostile value. */
function mutateFloat(r: Rng, b: Uint8Array, from: number, to: number, f64: boolean): Uint8Array {
  const out = Uint8Array.from(b), size = f64 ? 8 : 4, count = Math.floor((to - from) / size);
  if (count < 1) return out;
  const view = new DataView(out.buffer);
  for (let k = 1 + r.int(3); k > 0; k--) {
    const p = from + size * r.int(count), v = pick(r, INTERESTING_FLOATS);
    if (f64) view.setFloat64(p, v, true); else view.setFloat32(p, v, true);
  }
  return out;
}

// ---- JSON values

type J = unknown;
const nest = (depth: number, leaf: J, obj: boolean): string => (obj ? '{"a":'.repeat(depth) : "[".repeat(depth)) + JSON.stringify(leaf) + (obj ? "}" : "]").repeat(depth);

/** Every [container, key] of a JSON value, iteratively. */
function slots(root: J): [Record<string, J> | J[], string | number][] {
  const out: [Record<string, J> | J[], string | number][] = [], stack: J[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) v.forEach((c, i) => { out.push([v, i]); stack.push(c); });
    else if (v && typeof v === "object") for (const k of Object.keys(v)) { out.push([v as Record<string, J>, k]); stack.push((v as Record<string, J>)[k]); }
  }
  return out;
}

const DEEP = "\u0000deep\u0000";   // replaced in the text by a deep nesting after stringify

/** Mutate one value (or a few) in a parsed JSON document; returns the new text. */
export function mutateJson(r: Rng, text: string, strings: string[] = []): string {
  let root: J;
  try { root = JSON.parse(text); } catch { return text; }
  const all = slots(root);
  if (!all.length) return text;
  let deep = "";
  for (let k = 1 + r.int(2); k > 0; k--) {
    const [c, key] = pick(r, all), cur = (c as Record<string, J>)[key as string];
    const set = (v: J) => { (c as Record<string, J>)[key as string] = v; };
    switch (r.int(12)) {
      case 0: set(pick(r, INTERESTING_NUMBERS)); break;
      case 1: set(typeof cur === "number" ? cur * pick(r, [-1, 2, 1000, 1e6, 0.5]) + pick(r, [0, 1, -1]) : pick(r, INTERESTING_NUMBERS)); break;
      case 2: set(null); break;
      case 3: set(pick(r, [[], {}, [null], "", "x", true, [1, 2, 3], { a: 1 }])); break;
      case 4: if (Array.isArray(c)) c.splice(key as number, 1); else delete (c as Record<string, J>)[key as string]; break;
      case 5: set(pick(r, [...HOSTILE_PATHS, ...strings])); break;
      case 6: deep = nest(pick(r, [100, 1000, 100_000]), 1, r.int(2) === 1); set(DEEP); break;
      case 7: if (Array.isArray(cur)) cur.push(...cur.slice(0, 1 + r.int(3))); else set([cur, cur]); break;
      case 8: if (typeof cur === "string" && /^[[{]/.test(cur)) set(mutateJson(r, cur, strings)); else set(pick(r, strings.length ? strings : ["x"])); break;  // JSON inside a string
      case 9: if (Array.isArray(cur)) set(cur.map((v) => (typeof v === "number" ? pick(r, INTERESTING_NUMBERS) : v))); else set(pick(r, INTERESTING_NUMBERS)); break;
      case 10: set({ __proto__: 1, constructor: "x", toString: 1 }); break;
      default: set(pick(r, ["NaN", "Infinity", -0, 1.5, "1e9"])); break;
    }
  }
  let out = JSON.stringify(root);
  if (deep) out = out.replace(JSON.stringify(DEEP), deep);
  return out;
}

// ---- formats

const utf8 = new TextEncoder(), fromUtf8 = new TextDecoder();

/** safetensors: mutate the header JSON (kept length-consistent), the float data, or bytes. */
function mutateSafetensors(r: Rng, b: Uint8Array): Uint8Array {
  if (b.length < 8) return mutateBytes(r, b);
  const n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
  if (8 + n > b.length) return mutateBytes(r, b);
  const choice = r.int(10);
  if (choice < 4) {                                                   // header as JSON
    const header = fromUtf8.decode(b.subarray(8, 8 + n));
    const json = utf8.encode(r.int(2) === 0 ? mutateMetadataJson(r, header) ?? mutateJson(r, header) : mutateJson(r, header));
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
    return concat(len, json, b.subarray(8 + n));
  }
  if (choice < 7) {
    let f64 = false;
    try { f64 = /"F64"/.test(fromUtf8.decode(b.subarray(8, 8 + n))) && r.int(2) === 1; } catch { /* bytes */ }
    return mutateFloat(r, b, 8 + n, b.length, f64);
  }
  return mutateBytes(r, b);
}

/** The JSON inside one "__metadata__" string (rnnlab.model, rnnlab.optimizer, …) mutated; null if there is none. */
function mutateMetadataJson(r: Rng, header: string): string | null {
  let h: { __metadata__?: Record<string, string> };
  try { h = JSON.parse(header); } catch { return null; }
  const meta = h.__metadata__;
  const keys = meta && typeof meta === "object" ? Object.keys(meta).filter((k) => /^[[{]/.test(String(meta[k]))) : [];
  if (!keys.length) return null;
  const key = pick(r, keys);
  meta![key] = mutateJson(r, meta![key]);
  return JSON.stringify(h);
}

/** One mutant of a model's files. */
export function mutateFiles(r: Rng, format: Format, files: Files): Files {
  const out: Files = { ...files };
  const names = Object.keys(files);
  if (format === "tfjs") {
    const shard = names.find((f) => f.endsWith(".bin"))!;
    const c = r.int(10);
    if (c < 5) out["model.json"] = utf8.encode(mutateJson(r, fromUtf8.decode(files["model.json"]), [shard]));
    else if (c < 7) out[shard] = mutateFloat(r, files[shard], 0, files[shard].length, false);
    else if (c < 8) out[shard] = mutateBytes(r, files[shard]);
    else out["model.json"] = mutateBytes(r, files["model.json"]);
    return out;
  }
  const name = names[0];
  out[name] = format === "onnx" ? mutateBytes(r, files[name]) : mutateSafetensors(r, files[name]);
  return out;
}
