// The playground as a learner uses it, in real Chromium (playwright-core):
//   1. layout at 1280×800, 390×844 and 360×740: nothing scrolls sideways, controls above the panels
//      on a phone; every control reachable with Tab, visible focus, focus kept when Train/Stop
//      toggle; screenshots in test-artifacts/;
//   2. Stop and "Sample now" hammered at the ends of 20 runs: the gradient-flow plot is never empty;
//   3. two runs overlaid, settings in the URL: a reload reproduces the second run bit for bit;
//      pause, single steps, resume;
//   4. a value out of range is clamped and said; a task change mid-run is said;
//   5. no WebAssembly (Chromium --jitless) and no SIMD: the reason is on the page and training works.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { ARTIFACTS, CHROMIUM_ARGS, findChromium, startBrowser } from "./browser.ts";

let env: Awaited<ReturnType<typeof startBrowser>>;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

interface Ui {
  state: string; error: string | null; steps: number; losses: number[]; backend: string; kernelReason: string | null;
  snapshot: { step: number; gradFlow: number[] } | null; snapshots: number; emptyFlows: number; announcements: string[];
  runs: { id: number; losses: number[]; tests: { step: number; value: number }[]; ended: string; config: Record<string, unknown> }[];
}
const ui = (page: Page) => page.evaluate(() => (window as unknown as { rnnlab: Ui }).rnnlab);
const settled = (page: Page, timeout = 40000) =>
  page.waitForFunction(() => ["done", "error"].includes(document.body.dataset.state!), null, { timeout });

/** A context whose playground worker (worker.js) runs `patch` first: addInitScript does not reach workers. */
async function withPatchedWorker(patch: string): Promise<BrowserContext> {
  const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.route("**/worker.js", async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, body: `${patch}\n${await res.text()}` });
  });
  return ctx;
}
// An engine without SIMD: WebAssembly.validate rejects every module with a SIMD opcode (0xFD prefix).
const NO_SIMD = "{ const v = WebAssembly.validate.bind(WebAssembly); WebAssembly.validate = (b) => { const u = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength); return u.includes(0xfd) ? false : v(b); }; }";
// An engine that cannot create shared memory.
const NO_SHARED_MEMORY = "{ const M = WebAssembly.Memory; const P = function (d) { if (d && d.shared) throw new TypeError('shared memory is not available'); return new M(d); }; P.prototype = M.prototype; WebAssembly.Memory = P; }";

async function open(viewport: { width: number; height: number }, query = "", context?: BrowserContext): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = context ?? await env.browser.newContext({ viewport });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(env.server.url + query);
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, { timeout: 15000 });
  return { ctx, page, errors };
}

/** Sideways overflow of the page, and any element wider than the viewport that is not inside a scroller. */
const overflow = (page: Page) => page.evaluate(() => ({
  scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
  bodyScroll: document.body.scrollWidth,
}));

const CONTROLS = ["experiment", "runExperiment", "hiddenSize", "batchSize", "lr", "steps", "seed", "peepholes", "gates", "prefix", "temperature", "start", "clearRuns"];

test("layout at 1280×800, 390×844 and 360×740: no sideways scroll, controls above the panels on a phone, every control reachable by keyboard with visible focus, focus kept when Train and Stop toggle", async () => {
  const { ctx, page, errors } = await open({ width: 1280, height: 800 });
  // a short run so that every panel has content before the screenshots
  await page.check("input[name=task][value=names]");
  await page.fill("#hiddenSize", "16");
  await page.fill("#steps", "60");
  await page.click("#start");
  await settled(page);
  const report: string[] = [];
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }, { width: 360, height: 740 }]) {
    await page.setViewportSize(viewport);
    const narrow = viewport.width < 800, at = `${viewport.width}×${viewport.height}`;
    const o = await overflow(page);
    assert.ok(o.scrollWidth <= o.clientWidth && o.bodyScroll <= o.clientWidth, `${at}: no horizontal scroll: ${JSON.stringify(o)}`);
    const box = async (sel: string) => (await page.locator(sel).boundingBox())!;
    const form = await box("#controls"), panels = await box(".panels");
    if (narrow) assert.ok(form.y + form.height <= panels.y + 1 && Math.abs(form.width - panels.width) < 2, `${at}: controls above the panels: form ${JSON.stringify(form)}, panels ${JSON.stringify(panels)}`);
    else assert.ok(form.x + form.width <= panels.x, "controls beside the panels on a desktop");
    for (const sel of ["#lossPlot svg", "#heatmap svg", "#gradFlow svg", "#testPlot svg", "#cellDiagram svg"]) {
      const b = await box(sel);
      assert.ok(b.x >= 0 && b.x + b.width <= viewport.width + 0.5, `${at}: ${sel} fits in the viewport (${JSON.stringify(b)})`);
    }
    const shot = join(ARTIFACTS, `playground-${viewport.width}x${viewport.height}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    if (viewport.width === 360) { report.push(`${at} ${JSON.stringify(o)}`); continue; }

    // Tab from the top of the page: every control is reached, and each shows a visible focus ring
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const reached = new Map<string, { outline: string; width: number }>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const f = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const cs = getComputedStyle(el);
        return { id: el.id || `${el.tagName.toLowerCase()}[${(el as HTMLInputElement).name ?? ""}=${(el as HTMLInputElement).value ?? ""}]`, outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
      });
      if (f.id !== "body[=]" && !reached.has(f.id)) reached.set(f.id, f);   // past the last control Tab leaves the page
    }
    for (const id of [...CONTROLS, "input[task=names]", "input[cell=lstm]"]) assert.ok(reached.has(id), `${at}: ${id} reachable by Tab (reached: ${[...reached.keys()].join(", ")})`);
    for (const [id, f] of reached) assert.ok(f.outline !== "none" && f.width >= 2, `${at}: ${id} shows a focus ring (${f.outline} ${f.width}px)`);
    report.push(`${at} ${JSON.stringify(o)}, ${reached.size} focus stops`);
  }

  // radio groups are operable with the arrow keys; Train and Stop with the keyboard, focus never lost
  await page.focus("input[name=task][value=names]");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => (document.querySelector("input[name=task]:checked") as HTMLInputElement).value), "sine");
  await page.fill("#steps", "100000");
  await page.focus("#start");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.body.dataset.state === "training");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "stop", "focus moved from the disabled Train to Stop");
  await page.waitForFunction(() => (window as unknown as { rnnlab: Ui }).rnnlab.steps >= 5, null, { timeout: 20000 });
  await page.keyboard.press("Space");
  await settled(page, 10000);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "start", "focus moved from the disabled Stop back to Train");
  assert.deepEqual(errors, []);
  process.stdout.write(`layout: ${report.join("; ")}; screenshots in ${ARTIFACTS}\n`);
  await ctx.close();
});

test("Stop and Sample now at the ends of 20 runs: the gradient-flow plot is never empty", async () => {
  const { ctx, page, errors } = await open({ width: 1280, height: 800 });
  // the tasks whose samples run forward passes of their own (the names sample steps one character at a time)
  const tasks = ["adding", "sine", "mnist"];
  let empties = 0, landed = 0;
  for (let i = 0; i < 20; i++) {
    // even runs are stopped (Sample now, Stop, Sample now in one go), odd ones get Sample now near their end
    const task = tasks[i % 3], cell = ["lstm", "gru", "rnn"][Math.floor(i / 3) % 3], stop = i % 2 === 0, steps = stop ? 100000 : 40 + (i % 5) * 5;
    await page.evaluate(([task, cell, steps]) => {
      (document.querySelector(`input[name=task][value=${task}]`) as HTMLInputElement).click();
      (document.querySelector(`input[name=cell][value=${cell}]`) as HTMLInputElement).click();
      (document.getElementById("hiddenSize") as HTMLInputElement).value = "8";
      (document.getElementById("steps") as HTMLInputElement).value = String(steps);
      (document.getElementById("start") as HTMLButtonElement).click();
    }, [task, cell, steps] as const);
    await page.waitForFunction((n) => (window as unknown as { rnnlab: Ui }).rnnlab.steps >= n, stop ? 20 : steps - 15, { timeout: 30000 });
    const during = await page.evaluate((stop) => {
      const live = document.body.dataset.state === "training";
      (document.getElementById("sampleNow") as HTMLButtonElement).click();
      if (stop) (document.getElementById("stop") as HTMLButtonElement).click();
      (document.getElementById("sampleNow") as HTMLButtonElement).click();
      return live;
    }, stop);
    if (during) landed++;
    await settled(page);
    const u = await ui(page);
    assert.equal(u.state, "done", `run ${i}: ${u.error}`);
    const bars = await page.locator("#gradFlow rect.bar").evaluateAll((els) => els.map((e) => Number(e.getAttribute("height"))));
    const positive = bars.filter((h) => h > 0).length;
    if (positive === 0 || !u.snapshot!.gradFlow.some((v) => v > 0)) empties++;
    assert.ok(positive > 0, `run ${i} (${task}): the gradient-flow plot has bars (${bars.length} bars, ${positive} non-empty)`);
  }
  const u = await ui(page);
  assert.equal(u.emptyFlows, 0, `no snapshot after a training step had an all-zero gradient flow (${u.snapshots} snapshots)`);
  assert.equal(empties, 0);
  assert.ok(landed >= 10, `the clicks landed while training in ${landed} of 20 runs`);
  assert.deepEqual(errors, []);
  process.stdout.write(`hammer: 20 runs (clicks during training in ${landed}), ${u.snapshots} snapshots, 0 empty gradient-flow plots\n`);
  await ctx.close();
});

test("two runs overlaid; the URL holds the settings and a reload reproduces the run bit for bit; pause, single steps, resume", async () => {
  const { ctx, page, errors } = await open({ width: 1280, height: 800 });
  await page.check("input[name=task][value=adding]");
  for (const cell of ["rnn", "lstm"]) {
    await page.check(`input[name=cell][value=${cell}]`);
    await page.fill("#hiddenSize", "12");
    await page.fill("#seqLen", "20");
    await page.fill("#steps", "150");
    await page.fill("#seed", "7");
    await page.click("#start");
    await settled(page);
  }
  const u = await ui(page);
  assert.equal(u.runs.length, 2);
  assert.equal(await page.locator("#lossPlot polyline.loss-run, #lossPlot polyline.loss-smooth").count(), 2, "both runs' loss curves are drawn");
  assert.equal(await page.locator("#testPlot polyline.test-run").count(), 2, "both runs' held-out curves are drawn");
  assert.equal(await page.locator("#runs li").count(), 2);
  assert.match((await page.getAttribute("#lossPlot", "aria-label"))!, /run 1 .*RNN.* from .* to .*; run 2 .*LSTM/);
  const url = page.url();
  const q = new URL(url).searchParams;
  assert.deepEqual([q.get("task"), q.get("cell"), q.get("hidden"), q.get("seq"), q.get("steps"), q.get("seed")], ["adding", "lstm", "12", "20", "150", "7"]);
  const lstmLosses = u.runs[1].losses;

  // hiding a run takes it off the plot
  await page.uncheck("#runs input[data-run='1']");
  await page.waitForFunction(() => document.querySelectorAll("#lossPlot polyline.loss-run, #lossPlot polyline.loss-smooth").length === 1);

  // a fresh page from the link: the same settings in the controls, and Train gives the same losses
  const { ctx: ctx2, page: again, errors: errors2 } = await open({ width: 1280, height: 800 }, new URL(url).search);
  assert.equal(await again.isChecked("input[name=cell][value=lstm]"), true);
  assert.equal(await again.isChecked("input[name=task][value=adding]"), true);
  assert.deepEqual(await Promise.all(["#hiddenSize", "#seqLen", "#steps", "#seed"].map((s) => again.inputValue(s))), ["12", "20", "150", "7"]);
  await again.click("#start");
  await settled(again);
  const replay = (await ui(again)).runs[0].losses;
  assert.equal(replay.length, 150);
  assert.deepEqual(replay, lstmLosses, "the reloaded settings reproduce the run's losses exactly");

  // pause → single steps → resume
  await again.fill("#steps", "100000");
  await again.click("#start");
  await again.waitForFunction(() => (window as unknown as { rnnlab: Ui }).rnnlab.steps >= 10, null, { timeout: 20000 });
  await again.click("#pause");
  await again.waitForFunction(() => document.body.dataset.state === "paused", null, { timeout: 5000 });
  assert.equal(await again.evaluate(() => document.activeElement?.id), "pause", "focus stays on the Pause/Resume button");
  assert.equal(await again.textContent("#pause"), "Resume");
  const at = (await ui(again)).steps;
  await again.waitForTimeout(300);
  assert.equal((await ui(again)).steps, at, "nothing trains while paused");
  for (let k = 1; k <= 3; k++) {
    await again.click("#stepOnce");
    await again.waitForFunction((n) => { const r = (window as unknown as { rnnlab: Ui }).rnnlab; return r.steps === n && r.snapshot?.step === n; }, at + k, { timeout: 5000 });
  }
  await again.click("#pause");
  await again.waitForFunction((n) => (window as unknown as { rnnlab: Ui }).rnnlab.steps > n + 5, at + 3, { timeout: 10000 });
  await again.click("#stop");
  await settled(again, 10000);
  assert.deepEqual(errors, []); assert.deepEqual(errors2, []);
  process.stdout.write(`compare: 2 runs overlaid; ${url}; replay identical (${replay.length} losses); paused at ${at}, stepped to ${at + 3}\n`);
  await ctx.close(); await ctx2.close();
});

test("said aloud: a clamped value, a task change mid-run; the live region stays quiet while training", async () => {
  const { ctx, page, errors } = await open({ width: 1280, height: 800 });
  await page.check("input[name=task][value=adding]");
  await page.fill("#hiddenSize", "999");
  await page.fill("#seqLen", "5");
  await page.fill("#batchSize", "2");
  await page.fill("#steps", "3");
  await page.click("#start");
  assert.equal(await page.inputValue("#hiddenSize"), "256", "the field shows the value used");
  assert.match((await page.textContent("#hiddenSizeNote"))!, /999 is more than 256; using 256/);
  assert.ok((await ui(page)).announcements[0].startsWith("hidden units: 999 is more than 256; using 256."));
  await settled(page);
  assert.equal((await ui(page)).runs[0].config.hiddenSize, 256);
  // a run of ~2,000 progress reports; the task is changed in the middle of it
  await page.fill("#hiddenSize", "16");
  await page.fill("#seqLen", "20");
  await page.fill("#batchSize", "8");
  await page.fill("#steps", "3000");
  await page.evaluate(() => { (window as unknown as { rnnlab: Ui }).rnnlab.announcements = []; });
  await page.click("#start");
  await page.click("#pause");                              // held, so that the change lands mid-run however fast it trains
  await page.waitForFunction(() => document.body.dataset.state === "paused", null, { timeout: 20000 });
  await page.check("input[name=task][value=sine]");
  await page.waitForFunction(() => /task changed\. The run in progress keeps its settings/i.test(document.getElementById("status")!.textContent!));
  await page.click("#pause");                              // Resume
  await settled(page, 60000);
  const u = await ui(page);
  const runSteps = u.steps;
  assert.equal(u.runs[1].config.task, "adding", "the run kept its task");
  // what the live region said over the whole run: a handful of sentences, not one per progress report
  assert.ok(u.announcements.length <= 8, `announcements: ${JSON.stringify(u.announcements)}`);
  assert.ok(u.announcements.some((a) => a.startsWith("Done after") || a.startsWith("Stopped after")), JSON.stringify(u.announcements));
  assert.ok(!u.announcements.some((a) => /steps\/s/.test(a)), "no step counter in the live region");
  assert.equal(await page.getAttribute("#progress", "aria-live"), "off");
  // text alternatives: every chart says what it shows
  for (const sel of ["#lossPlot", "#gradFlow", "#heatmap", "#testPlot"]) {
    const label = (await page.getAttribute(sel, "aria-label"))!;
    assert.equal(await page.getAttribute(sel, "role"), "img");
    assert.ok(label.length > 40 && !/not trained|no steps|nothing measured/.test(label), `${sel}: ${label}`);
  }
  assert.match((await page.getAttribute("#heatmap", "aria-label"))!, /i \(input gate, sigmoid, 0 to 1\): mean/);
  assert.deepEqual(errors, []);
  process.stdout.write(`announcements over a ${runSteps}-step run: ${JSON.stringify(u.announcements)}\n`);
  await ctx.close();
});

test("no WebAssembly (Chromium --jitless): init() and setWasmSource() do not throw, the page says why it is slow, and trains", async () => {
  const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, "--js-flags=--jitless"] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(new URL("example.html", env.server.url).href);
    const lib = await page.evaluate(async () => {
      const m = await import(new URL("./rnnlab.js", location.href).href);
      m.setWasmSource(new URL("./rnnlab.wasm", location.href));
      const r = await m.init({ wasm: new URL("./rnnlab.wasm", location.href), warn: false });
      return { wasm: typeof WebAssembly, backend: r.backend, reason: r.reason };
    });
    assert.deepEqual(lib, { wasm: "undefined", backend: "ref", reason: "this engine has no WebAssembly" });
    await page.goto(env.server.url);
    await page.waitForFunction(() => document.body.dataset.state === "idle", null, { timeout: 30000 });
    assert.match((await page.textContent("#backend"))!, /TypeScript reference \(this engine has no WebAssembly\)/);
    assert.equal(await page.isVisible("#kernelNote"), true);
    assert.match((await page.textContent("#kernelNote"))!, /slow.*this engine has no WebAssembly/);
    await page.check("input[name=task][value=adding]");
    await page.fill("#hiddenSize", "8");
    await page.fill("#steps", "5");
    await page.click("#start");
    await settled(page, 60000);
    const u = await ui(page);
    assert.equal(u.state, "done", String(u.error));
    assert.equal(u.losses.length, 5);
    assert.deepEqual(errors, []);
  } finally { await browser.close(); }
});

test("no WebAssembly SIMD: the worker falls back to the TypeScript kernels and the page says why", async () => {
  const ctx = await withPatchedWorker(NO_SIMD);
  const page = await ctx.newPage();
  await page.goto(env.server.url);
  await page.waitForFunction(() => document.body.dataset.state === "idle", null, { timeout: 15000 });
  const u0 = await ui(page);
  assert.equal(u0.backend, "ref");
  assert.match(u0.kernelReason ?? "", /no SIMD/);
  assert.match((await page.textContent("#kernelNote"))!, /slow.*no SIMD/);
  await page.check("input[name=task][value=adding]");
  await page.fill("#hiddenSize", "8");
  await page.fill("#steps", "20");
  await page.click("#start");
  await settled(page);
  const u = await ui(page);
  assert.equal(u.state, "done", String(u.error));
  assert.ok(u.losses.length === 20 && u.losses.every(Number.isFinite));
  await ctx.close();
});

test("guided experiment, linked views, sampling with a prefix, draw a digit", async () => {
  const { ctx, page, errors } = await open({ width: 1280, height: 900 });
  // the vanishing-gradient preset: an RNN, then (queued) an LSTM with the same settings
  await page.selectOption("#experiment", "vanishing");
  assert.match((await page.textContent("#experimentNote"))!, /Look for: .*gradient reaching t = 0/);
  await page.click("#runExperiment");
  await page.waitForFunction(() => { const r = (window as unknown as { rnnlab: Ui }).rnnlab.runs; return r.length === 2 && r[1].ended === "running" && r[1].losses.length > 0; }, null, { timeout: 30000 });
  await page.click("#stop");
  await settled(page);
  const u = await ui(page);
  const [rnn, lstm] = u.runs;
  assert.equal(rnn.config.cell, "rnn"); assert.equal(lstm.config.cell, "lstm");
  for (const key of ["task", "seqLen", "hiddenSize", "batchSize", "lr", "seed"]) assert.equal(lstm.config[key], rnn.config[key], `same ${key}`);
  assert.equal(rnn.losses.length, 1500);
  assert.ok(rnn.tests.at(-1)!.value > 0.15, `the RNN did not learn the 50-step sum (held-out MSE ${rnn.tests.at(-1)!.value})`);
  assert.match((await page.textContent("#runs li[data-run='1']"))!, /gradient at t=0 is \d\.\de-\d+× the last step's/);

  // the heatmap: hover read-out, and a gate chosen from the equations outlines its rows and its diagram box
  const cell = page.locator("#heatmap rect.cell").nth(3);
  await cell.hover();
  assert.match((await page.textContent("#heatHover"))!, /^i \(input gate\), unit 0, step 3( \(input .*\))?: -?\d\.\d{3} on a sigmoid scale 0…1$/);
  await page.click("#equations button[data-gate=f]");
  assert.equal(await page.locator("#heatmap rect.highlight").count(), 1);
  assert.equal(await page.getAttribute("#cellDiagram rect.linked", "data-diagram-gate"), "f");
  assert.equal(await page.getAttribute("#gateKey button[data-gate=f]", "aria-pressed"), "true");
  assert.match((await page.textContent("#equations"))!, /f_t = σ\(W_if x_t/);

  // names with a typed prefix and a low temperature: every sample starts with it
  await page.check("input[name=task][value=names]");
  await page.check("input[name=cell][value=lstm]");
  await page.fill("#hiddenSize", "16");
  await page.fill("#steps", "60");
  await page.fill("#prefix", "Ma");
  await page.fill("#temperature", "0.5");
  await page.click("#start");
  await settled(page);
  const names = (await page.textContent("#sampleText"))!.split("\n");
  assert.equal(names.length, 8);
  assert.ok(names.every((n) => n.startsWith("ma")), JSON.stringify(names));
  assert.match((await page.textContent("#sample .note"))!, /temperature 0\.5, starting with "ma"/);

  // MNIST: train a little, draw a stroke, the network names a digit
  await page.check("input[name=task][value=mnist]");
  await page.fill("#hiddenSize", "32");
  await page.fill("#steps", "100");
  await page.click("#start");
  await settled(page);
  await page.locator("#drawCanvas").scrollIntoViewIfNeeded();
  const pad = (await page.locator("#drawCanvas").boundingBox())!;
  await page.mouse.move(pad.x + 84, pad.y + 20);
  await page.mouse.down();
  for (let y = 20; y <= 150; y += 10) await page.mouse.move(pad.x + 84, pad.y + y);
  await page.mouse.up();
  await page.click("#classify");
  await page.waitForFunction(() => /^The network reads a \d/.test(document.getElementById("drawResult")!.textContent!), null, { timeout: 5000 }).catch(async (e) => { throw new Error(`${e}: ${await page.textContent("#drawResult")}`); });
  process.stdout.write(`experiment: RNN held-out ${rnn.tests.at(-1)!.value.toFixed(4)}; names ${JSON.stringify(names)}; drawn digit: ${await page.textContent("#drawResult")}\n`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** Trains `steps` steps of a task on a page opened with ?threads=n; the losses, speed and shared calls. */
async function timedRun(n: number, task: string, steps: number, hidden: number, noSharedMemory = false) {
  const ctx0 = noSharedMemory ? await withPatchedWorker(NO_SHARED_MEMORY) : await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const fetched: string[] = [];
  ctx0.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  const { ctx, page, errors } = await open({ width: 1280, height: 800 }, `?threads=${n}`, ctx0);
  const u0 = await ui(page) as Ui & { threads: number };
  await page.check(`input[name=task][value=${task}]`);
  await page.check("input[name=cell][value=lstm]");
  await page.fill("#hiddenSize", String(hidden));
  await page.fill("#steps", String(steps));
  await page.click("#start");
  await settled(page, 120000);
  const u = await ui(page) as Ui & { lastRun: { steps: number; seconds: number; parallelCalls: number } };
  assert.equal(u.state, "done", String(u.error));
  assert.deepEqual(errors, []);
  await ctx.close();
  return { threads: u0.threads, backend: u0.backend, fetched, losses: u.losses, stepsPerSecond: u.lastRun.steps / u.lastRun.seconds, parallelCalls: u.lastRun.parallelCalls };
}

test("threads in the browser: the isolated page trains on two threads (a second Web Worker on shared memory), bit for bit as on one", async () => {
  const one = await timedRun(1, "names", 40, 64);
  const two = await timedRun(2, "names", 40, 64);
  assert.equal(one.threads, 1); assert.equal(two.threads, 2);
  assert.equal(one.parallelCalls, 0);
  assert.ok(two.parallelCalls > 0, "the second thread took part in kernel calls");
  assert.deepEqual(two.losses, one.losses, "the same losses, bit for bit");
  // an engine that cannot create shared memory (Firefox or Safari on a page that is not isolated):
  // the unshared SIMD binary on one thread, the same numbers again
  const single = await timedRun(2, "names", 40, 64, true);
  assert.equal(single.backend, "wasm");
  assert.equal(single.threads, 1);
  assert.ok(single.fetched.includes("/rnnlab-single.wasm") && !single.fetched.includes("/rnnlab.wasm"), `fetched ${single.fetched.join(", ")}`);
  assert.deepEqual(single.losses, one.losses, "the unshared binary computes the same losses");
  process.stdout.write(`threads: names LSTM 64 units: 1 thread ${one.stepsPerSecond.toFixed(0)} steps/s, 2 threads ${two.stepsPerSecond.toFixed(0)} steps/s (${two.parallelCalls} shared calls), ` +
    `unshared binary ${single.stepsPerSecond.toFixed(0)} steps/s; losses identical\n`);
});
