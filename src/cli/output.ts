// Where commands put their results: one directory per run (--out), with JSON for the numbers and
// every plot as SVG and PNG (PNG drawn by resvg with a system sans-serif font, so it looks the same
// offline on any machine with DejaVu / Liberation fonts installed). resvg is an optional peer
// dependency: without it the plots are SVG only, and one line says how to get PNGs.
import { mkdirSync, writeFileSync, renameSync, accessSync, constants } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { UsageError } from "./command.ts";
import { RnnlabError } from "../errors.ts";

export function defaultOut(command: string): string { return join("rnnlab-out", command); }

/** Creates the output directory (and parents); a clear error when it cannot. */
export function outDir(dir: string): string {
  const abs = resolve(dir);
  try { mkdirSync(abs, { recursive: true }); accessSync(abs, constants.W_OK); } catch (e) {
    throw new UsageError(`cannot write to the output directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return abs;
}

/** Write through a temporary file and rename, so a reader never sees half a file. */
function atomicWrite(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function writeJson(dir: string, name: string, data: unknown): string {
  const path = join(dir, `${name}.json`);
  atomicWrite(path, JSON.stringify(data, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n");
  return path;
}

export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  atomicWrite(path, text);
  return path;
}

type ResvgModule = typeof import("@resvg/resvg-js");
let resvg: ResvgModule | null | undefined;

/** @resvg/resvg-js (a native module, an optional peer dependency), or null when it is not installed. */
function loadResvg(): ResvgModule | null {
  if (resvg !== undefined) return resvg;
  try {
    resvg = createRequire(import.meta.url)("@resvg/resvg-js") as ResvgModule;
  } catch (err) {
    if ((err as { code?: string }).code !== "MODULE_NOT_FOUND") throw err;
    resvg = null;
  }
  return resvg;
}

export function svgToPng(svg: string, scale = 1.5): Uint8Array {
  const mod = loadResvg();
  if (!mod) throw new RnnlabError("PNG output needs the package @resvg/resvg-js: npm install @resvg/resvg-js (the SVG files need nothing)");
  const r = new mod.Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" }, fitTo: { mode: "zoom", value: scale }, background: "white" });
  return r.render().asPng();
}

let warnedNoPng = false;
/** name.svg and name.png; returns both paths */
export function writePlot(dir: string, name: string, svg: string, png = true): string[] {
  const paths = [join(dir, `${name}.svg`)];
  atomicWrite(paths[0], svg);
  if (png && !loadResvg()) {
    if (!warnedNoPng) process.stderr.write("rnnlab: plots are written as SVG only: PNG copies need @resvg/resvg-js (npm install @resvg/resvg-js)\n");
    warnedNoPng = true;
  } else if (png) { paths.push(join(dir, `${name}.png`)); atomicWrite(paths[1]!, svgToPng(svg)); }
  return paths;
}
