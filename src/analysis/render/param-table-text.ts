// A parameter table as aligned plain text (pure: no I/O).
import type { ParamTable } from "../param-table.ts";

const fmt = (n: number) => n.toLocaleString("en-US");

export function paramTableText(t: ParamTable): string {
  const c = t.config;
  const head = [`variable`, `shape`, `formula`, `= count`];
  const body = t.rows.map((r) => [r.name, `[${r.shape.join(", ")}]`, `${r.formula} = ${r.substituted}`, fmt(r.count)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((s, i) => (i === 3 ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join("  ");
  const title = `${c.kind.toUpperCase()} cell, ${t.layout} layout: D = ${c.inputSize} inputs, N = ${c.hiddenSize} units` +
    (c.projSize ? `, P = ${c.projSize}` : "") + (t.classes ? `, dense head C = ${t.classes}` : "");
  const rule = "-".repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [title, line(head), rule, ...body.map(line), rule, line(["total", "", "", fmt(t.total)])].join("\n");
}
