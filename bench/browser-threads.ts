// In-page training speed of the playground in Chromium on one thread and on two (the wasm kernels'
// second thread is a Web Worker on the shared memory; the page is cross-origin isolated), for the
// names LSTM and the MNIST-rows LSTM at the playground's default sizes. Runs are interleaved
// (1, 2, 1, 2, …) so that load from other processes spreads over both; the median of each is
// kept. Every run's losses must be identical, bit for bit, between 1 and 2 threads.
//   node --import tsx bench/browser-threads.ts [--reps 3]   → bench/browser-threads.json
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, buildWeb, findChromium } from "../test/web/browser.ts";
import { servePlayground } from "../src/web/server.ts";

const reps = Number(process.argv[process.argv.indexOf("--reps") + 1]) || 3;
const TASKS = [
  { task: "names", hidden: 64, batch: 32, steps: 600 },
  { task: "mnist", hidden: 64, batch: 32, steps: 300 },
];

interface Ui { state: string; error: string | null; threads: number; losses: number[]; lastRun: { steps: number; seconds: number; parallelCalls: number } }

async function run(page: Page, url: string, threads: number, t: (typeof TASKS)[number]) {
  await page.goto(`${url}?threads=${threads}`);
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, { timeout: 30000 });
  await page.check(`input[name=task][value=${t.task}]`);
  await page.check("input[name=cell][value=lstm]");
  await page.fill("#hiddenSize", String(t.hidden));
  await page.fill("#batchSize", String(t.batch));
  await page.fill("#steps", String(t.steps));
  await page.click("#start");
  await page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state!), null, { timeout: 600000 });
  const u = await page.evaluate(() => (window as unknown as { rnnlab: Ui }).rnnlab);
  if (u.state !== "done") throw new Error(`${t.task} on ${threads} threads: ${u.error}`);
  if (u.threads !== threads) throw new Error(`asked for ${threads} threads, the page uses ${u.threads}`);
  return { stepsPerSecond: u.lastRun.steps / u.lastRun.seconds, parallelCalls: u.lastRun.parallelCalls, losses: u.losses };
}

buildWeb();
const server = await servePlayground({ port: 0 });
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
const page = await browser.newPage();
const results: Record<string, unknown>[] = [];
try {
  for (const t of TASKS) {
    const speed: Record<number, number[]> = { 1: [], 2: [] };
    let reference: number[] | null = null, identical = true, shared = 0;
    for (let r = 0; r < reps; r++) {
      for (const n of [1, 2]) {
        const res = await run(page, server.url, n, t);
        speed[n].push(res.stepsPerSecond);
        if (n === 2) shared = res.parallelCalls;
        if (reference === null) reference = res.losses;
        else identical &&= res.losses.length === reference.length && res.losses.every((v, i) => v === reference![i]);
        process.stdout.write(`${t.task} rep ${r + 1}, ${n} thread${n > 1 ? "s" : ""}: ${res.stepsPerSecond.toFixed(1)} steps/s\n`);
      }
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const row = { ...t, reps, oneThread: median(speed[1]), twoThreads: median(speed[2]), all: speed, speedup: median(speed[2]) / median(speed[1]), sharedCalls: shared, identical };
    results.push(row);
    process.stdout.write(`${t.task}: 1 thread ${row.oneThread.toFixed(1)}, 2 threads ${row.twoThreads.toFixed(1)} steps/s (×${row.speedup.toFixed(2)}), losses identical: ${identical}\n`);
  }
} finally { await browser.close(); await server.close(); }
writeFileSync("bench/browser-threads.json", JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model, chromium: browser.version(), results }, null, 2) + "\n");
