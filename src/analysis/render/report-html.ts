// One self-contained HTML page: sections of text, tables and figures, every figure inlined as an
// SVG data URI (no external file, script or font), so the page can be mailed or opened offline.
import { esc } from "./svg.ts";

export interface ReportSection {
  title: string;
  /** plain-text paragraphs */
  text?: string[];
  /** simple tables: header row + body rows */
  tables?: { caption?: string; head: string[]; rows: (string | number)[][] }[];
  figures?: { caption: string; svg: string }[];
  /** preformatted text (e.g. a parameter table) */
  pre?: string;
}

function b64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function reportHtml(title: string, intro: string, sections: ReportSection[]): string {
  const cell = (v: string | number) => `<td>${esc(typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en-US") : v.toPrecision(4)) : v)}</td>`;
  const body = sections.map((s, i) => {
    const parts = [`<section id="s${i + 1}"><h2>${esc(s.title)}</h2>`];
    for (const p of s.text ?? []) parts.push(`<p>${esc(p)}</p>`);
    if (s.pre) parts.push(`<pre>${esc(s.pre)}</pre>`);
    for (const t of s.tables ?? []) {
      parts.push(`<table>${t.caption ? `<caption>${esc(t.caption)}</caption>` : ""}<thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>` +
        `<tbody>${t.rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")}</tbody></table>`);
    }
    for (const f of s.figures ?? []) parts.push(`<figure><img alt="${esc(f.caption)}" src="data:image/svg+xml;base64,${b64(f.svg)}"><figcaption>${esc(f.caption)}</figcaption></figure>`);
    parts.push("</section>");
    return parts.join("\n");
  });
  const toc = sections.map((s, i) => `<li><a href="#s${i + 1}">${esc(s.title)}</a></li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"DejaVu Sans",Verdana,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
figure{margin:1em 0}img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}caption{text-align:left;color:#555;padding:.3em 0}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em}
</style></head><body>
<h1>${esc(title)}</h1><p>${esc(intro)}</p><ol>${toc}</ol>
${body.join("\n")}
</body></html>
`;
}
