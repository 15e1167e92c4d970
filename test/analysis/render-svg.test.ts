// The charts: well-formed SVG with title, axis labels, ticks and legend; log axes label decades;
// the HTML report inlines every figure. Pure functions, so these run without files.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { linePlotSvg, barChartSvg, heatmapSvg, histogramsSvg, niceTicks } from "../../src/analysis/render/svg.ts";
import { reportHtml } from "../../src/analysis/render/report-html.ts";
import { cellDiagramSvg } from "../../src/analysis/render/lab-plots.ts";
import { paramTable } from "../../src/analysis/param-table.ts";

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe("svg charts", () => {
  it("niceTicks: 1-2-5 steps covering the range", () => {
    assert.deepEqual(niceTicks(0, 1, 6).map((v) => Number(v.toFixed(12))), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    const t = niceTicks(3, 97, 6);
    assert.ok(t[0] <= 3 && t[t.length - 1] >= 97);
    assert.equal(t[1] - t[0], 20);
  });
  it("a log line plot: title, labels, one path per series, a legend entry each, decade ticks", () => {
    const svg = linePlotSvg({ title: "T <&>", xLabel: "steps", yLabel: "norm", yScale: "log",
      series: [{ name: "a", x: [0, 1, 2], y: [1, 1e-3, 1e-6] }, { name: "b", x: [0, 1, 2], y: [1, 0.5, 0] }] });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /T &lt;&amp;&gt;/);
    assert.match(svg, />steps</); assert.match(svg, />norm</);
    assert.equal(count(svg, /<path d="M/g), 2);
    assert.match(svg, />1e-6</); assert.match(svg, />1</);
    // the zero of series b cannot be drawn on a log axis: its path stops after two points
    assert.equal(count(svg.match(/<path d="([^"]+)"[^>]*stroke="#d62728"/)![1], /L/g), 1);
    assert.match(svg, />a<\/text>/); assert.match(svg, />b<\/text>/);
  });
  it("a legend below the axes: the plot keeps its size and the SVG grows by the legend's height", () => {
    const spec = { title: "t", xLabel: "x", yLabel: "y", height: 400, series: [{ name: "a", x: [0, 1], y: [0, 1] }, { name: "b", x: [0, 1], y: [1, 0] }] };
    const inside = linePlotSvg(spec), below = linePlotSvg({ ...spec, legend: "below" });
    const height = (svg: string) => Number(/height="([\d.]+)"/.exec(svg)![1]);
    const box = (svg: string) => /<g><rect x="[^"]+" y="([^"]+)" width="[^"]+" height="([^"]+)"/.exec(svg)!.slice(1).map(Number);
    assert.equal(height(inside), 400);
    const [top, h] = box(below);
    assert.equal(top, 400, "the legend starts where the plot (and its axis label) ends");
    assert.equal(height(below), 400 + h + 10);
    assert.ok(box(inside)[0] < 400 - h, "by default the legend is inside the plot");
  });
  it("bar chart, heatmap and histograms draw one mark per datum", () => {
    const bars = barChartSvg({ title: "t", valueLabel: "MSE", bars: [{ label: "x", value: 0.1 }, { label: "y", value: NaN }], log: true, reference: { value: 1 / 6, label: "mean" } });
    assert.equal(count(bars, /<rect x="[^"]+" y="[^"]+" width="[^"]+" height="18"/g), 1);
    assert.match(bars, />diverged</);
    const hm = heatmapSvg({ title: "h", xLabel: "t", rows: [{ label: "f #0", values: [0, 0.5, 1] }], colorLabel: "value" });
    assert.equal(count(hm, /<rect x="[^"]+" y="[^"]+" width="[^"]+" height="12" fill="rgb/g), 3);
    const hist = histogramsSvg({ title: "g", xLabel: "v", panels: [{ title: "i", edges: [0, 0.5, 1], counts: [1, 3] }] });
    assert.match(hist, />i<\/text>/);
    assert.equal(count(hist, /<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="#1f77b4"\/>/g), 2);
  });
  it("the cell diagram states the parameter arithmetic of the note's LSTM", () => {
    const svg = cellDiagramSvg(paramTable("lstm", { inputSize: 28, hiddenSize: 128, classes: 10 }, "tf1"));
    assert.match(svg, /81,674 parameters/);
    assert.match(svg, /4 · 128 · \(28 \+ 128\) = 79,872/);
    assert.equal(count(svg, /128 units<\/text>/g), 4);
  });
  it("the report page is self-contained: figures inlined as data URIs, no external references", () => {
    const html = reportHtml("R", "intro", [{ title: "S", figures: [{ caption: "c", svg: "<svg xmlns='http://www.w3.org/2000/svg'>∂</svg>" }], tables: [{ head: ["a"], rows: [[1.5]] }] }]);
    assert.match(html, /<img alt="c" src="data:image\/svg\+xml;base64,/);
    const b64 = html.match(/base64,([^"]+)"/)![1];
    assert.equal(Buffer.from(b64, "base64").toString("utf8"), "<svg xmlns='http://www.w3.org/2000/svg'>∂</svg>");
    assert.doesNotMatch(html, /(src|href)="(https?:|\/\/)/);
  });
});
