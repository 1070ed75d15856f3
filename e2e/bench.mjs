// The browser half of `cargo xtask bench` (not a test: it measures and
// reports, it never fails on a figure). Each part writes its figures as JSON.
//
//   node e2e/bench.mjs core-wasm --pkg DIR --out FILE   the core's workloads built for wasm32
//   node e2e/bench.mjs page  [--seconds 10] --out FILE  frame work per protocol, default lab and stress
//   node e2e/bench.mjs load  [--runs 5] --out FILE      navigation to the first rendered lab, cold
//   node e2e/bench.mjs soak  [--seconds 300] --out FILE JS heap and wasm memory of a lab left playing
//   node e2e/bench.mjs bundle [--dist DIR] --out FILE   release wasm and js: raw, gzip, brotli
//   node e2e/bench.mjs explore-worker --out FILE        the Break-it search in the page's workers
//   node e2e/bench.mjs idle [--seconds 20] [--raftscope DIR] [--dist DIR] --out FILE
//                                                       main-thread busy time: the Raft lab playing
//                                                       and paused, beside RaftScope at its default
//
// The page parts read dist/ (`cargo xtask dist`). Headless Debian Chromium
// with the flags of ../shared/README.md (lib.mjs `launch`).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { serve, launch, faster, openRoute, loadPreset, DIST } from './lib.mjs';

const [part, ...rest] = process.argv.slice(2);
const opts = {};
for (let i = 0; i < rest.length; i += 2) opts[rest[i].replace(/^--/, '')] = rest[i + 1];
if (!opts.out) { console.error('usage: node e2e/bench.mjs <core-wasm|page|load|soak|bundle|explore-worker|idle> [options] --out FILE'); process.exit(2); }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (s) => console.log(`  ${s}`);
const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5);

/**
 * The labs: route, the selector that says the full lab is drawn, the one
 * that says its drawing is (also in an embed), and its stress preset.
 */
const LABS = [
  { protocol: 'raft', selector: 'svg .node', drawn: 'svg .node', stress: 'raft-stress' },
  { protocol: 'gossip', selector: '.gossip-canvas canvas', drawn: '.gossip-canvas canvas', stress: 'gossip-thousand' },
  { protocol: 'quorum', selector: '.quorum-history', drawn: 'svg .node', stress: 'quorum-stress' },
  { protocol: 'ring', selector: '.ring-canvas canvas', drawn: '.ring-canvas canvas', stress: 'ring-stress' },
  { protocol: 'clocks', selector: '.spacetime svg', drawn: 'svg .node', stress: 'clocks-stress' },
  { protocol: 'paxos', selector: '.slot-table', drawn: 'svg .node', stress: 'paxos-stress' },
  { protocol: '2pc', selector: '.tx-table', drawn: 'svg .node', stress: '2pc-stress' },
];

async function coreWasm() {
  const root = opts.pkg.endsWith('/') ? opts.pkg : opts.pkg + '/';
  await writeFile(join(root, 'index.html'), `<!doctype html><meta charset="utf-8"><title>faultline core bench</title>
<script type="module">
import init, * as bench from './faultline_bench_wasm.js';
await init({ module_or_path: './faultline_bench_wasm_bg.wasm' });
window.bench = bench;
</script>`);
  const server = await serve(root);
  const browser = await launch();
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.bench);
  const ids = (await page.evaluate(() => window.bench.workload_ids())).split(' ');
  const results = [];
  for (const id of ids) {
    // Whole runs, timed with performance.now() in the page: one warm-up,
    // then at least 5 runs and 2 s (at most 50 runs); the median run.
    const r = await page.evaluate((id) => {
      const b = window.bench;
      b.prepare(id); b.run();
      const times = [];
      let events = 0;
      let total = 0;
      while ((times.length < 5 || total < 2000) && times.length < 50) {
        b.prepare(id);
        const t0 = performance.now();
        events = b.run();
        const dt = performance.now() - t0;
        times.push(dt);
        total += dt;
      }
      times.sort((a, b) => a - b);
      return { id, events, runs: times.length, median_ms: times[times.length >> 1] };
    }, id);
    r.events_per_s = r.events / (r.median_ms / 1000);
    log(`${id}: ${r.events} events, median ${r.median_ms.toFixed(2)} ms over ${r.runs} runs`);
    results.push(r);
  }
  const out = { chromium: browser.version(), workloads: results };
  await browser.close();
  await server.close();
  return out;
}

/** Collects every `faultline-frame` measure as it is made (the app clears
 * its buffer from time to time). */
async function observeFrames(page) {
  await page.evaluate(() => {
    window.__frames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'faultline-frame') window.__frames.push(e.duration);
    }).observe({ type: 'measure' });
  });
}

async function frames(page, seconds) {
  await page.evaluate(() => { window.__frames = []; });
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const d = await page.evaluate(() => window.__frames.slice());
  const wall = (Date.now() - t0) / 1000;
  d.sort((a, b) => a - b);
  const virtual_ms = +(await page.getAttribute('.clock', 'data-now-ms').catch(() => NaN));
  return {
    frames: d.length, wall_s: wall, fps: d.length / wall,
    median_ms: quantile(d, 0.5), p95_ms: quantile(d, 0.95), max_ms: d[d.length - 1],
    over_budget: d.filter((x) => x > 16.7).length / Math.max(1, d.length),
    virtual_ms,
  };
}

async function pageFrames() {
  const seconds = +(opts.seconds ?? 10);
  const server = await serve();
  const browser = await launch();
  const results = [];
  for (const lab of LABS) {
    for (const setting of ['default', 'stress']) {
      const { page, errors } = await openRoute(browser, server.url, `#/${lab.protocol}`, lab.selector, { width: 1440, height: 900 });
      await observeFrames(page);
      if (setting === 'stress') {
        await loadPreset(page, lab.stress);
        // Four times the lab's opening speed.
        await faster(page, 2);
      }
      await sleep(1000);
      const r = { protocol: lab.protocol, setting, preset: setting === 'stress' ? lab.stress : `${lab.protocol}-default`,
        ...(await frames(page, seconds)), errors };
      log(`${lab.protocol} ${setting}: ${r.frames} frames, median ${r.median_ms?.toFixed(2)} ms, p95 ${r.p95_ms?.toFixed(2)} ms, max ${r.max_ms?.toFixed(1)} ms`);
      results.push(r);
      await page.close();
    }
  }
  const out = { chromium: browser.version(), seconds, labs: results };
  await browser.close();
  await server.close();
  return out;
}

/** Chromium's network emulation for the throttled load: 1.6 Mbit/s down, 150 ms round trip. */
const SLOW_LINK = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };

/**
 * Navigation to the first rendered lab, cold cache, for every lab: on
 * localhost as it is (`first_lab_ms`) and over a throttled link
 * (`throttled_ms`, an embed, SLOW_LINK), medians over `runs`. The server
 * sends gzip, as static hosts do.
 */
async function load() {
  const runs = +(opts.runs ?? 5);
  // Compressed, as a static host serves the site.
  const server = await serve(undefined, '/', { gzip: true });
  const browser = await launch();
  const once = async (lab, throttled) => {
    // A fresh context: an empty cache.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    if (throttled) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
    }
    await page.addInitScript((selector) => {
      addEventListener('faultline-started', () => { window.__started = performance.now(); });
      new MutationObserver((_, obs) => {
        if (document.querySelector(selector)) { window.__firstLab = performance.now(); obs.disconnect(); }
      }).observe(document, { childList: true, subtree: true });
    }, lab.drawn);
    await page.goto(server.url + `#/${lab.protocol}` + (throttled ? '?embed' : ''));
    await page.waitForFunction(() => window.__firstLab, null, { timeout: 60_000 });
    const r = await page.evaluate(() => ({
      first_lab_ms: window.__firstLab, wasm_started_ms: window.__started,
      dom_content_loaded_ms: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd,
    }));
    await context.close();
    return r;
  };
  const labs = [];
  for (const lab of LABS) {
    const local = [];
    const slow = [];
    for (let i = 0; i < runs; i++) {
      local.push(await once(lab, false));
      slow.push(await once(lab, true));
    }
    const row = {
      protocol: lab.protocol,
      first_lab_ms: median(local.map((r) => r.first_lab_ms)),
      first_lab_max_ms: Math.max(...local.map((r) => r.first_lab_ms)),
      wasm_started_ms: median(local.map((r) => r.wasm_started_ms)),
      throttled_ms: median(slow.map((r) => r.first_lab_ms)),
      throttled_max_ms: Math.max(...slow.map((r) => r.first_lab_ms)),
    };
    log(`load ${lab.protocol}: first lab ${row.first_lab_ms.toFixed(0)} ms, throttled embed ${row.throttled_ms.toFixed(0)} ms`);
    labs.push(row);
  }
  const raft = labs.find((l) => l.protocol === 'raft') ?? labs[0];
  const out = {
    chromium: browser.version(), runs, throttle: SLOW_LINK,
    first_lab_ms: raft.first_lab_ms,
    first_lab_max_ms: raft.first_lab_max_ms,
    wasm_started_ms: raft.wasm_started_ms,
    labs,
  };
  await browser.close();
  await server.close();
  return out;
}

async function soak() {
  const seconds = +(opts.seconds ?? 300);
  const every = Math.max(5, Math.min(30, seconds / 10));
  const server = await serve();
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    addEventListener('faultline-started', (e) => { window.__faultlineWasm = e.detail.wasm; });
  });
  await page.goto(server.url + '#/raft');
  await page.waitForSelector('svg .node');
  await faster(page, 10); // clamps at the top speed, 10×
  const cdp = await page.context().newCDPSession(page);
  const sample = async (t) => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.__faultlineWasm?.memory?.buffer?.byteLength ?? null);
    const virtual_ms = +(await page.getAttribute('.clock', 'data-now-ms'));
    const s = { t_s: t, js_heap_bytes: heap.usedSize, wasm_memory_bytes: wasm, virtual_ms };
    log(`soak t=${t.toFixed(0)} s: JS heap ${(s.js_heap_bytes / 1e6).toFixed(1)} MB, wasm ${(s.wasm_memory_bytes / 1e6).toFixed(1)} MB, virtual ${(virtual_ms / 1000).toFixed(0)} s`);
    return s;
  };
  await sleep(5000);
  const t0 = Date.now();
  const samples = [await sample(0)];
  while ((Date.now() - t0) / 1000 < seconds) {
    await sleep(Math.min(every * 1000, seconds * 1000 - (Date.now() - t0)));
    samples.push(await sample((Date.now() - t0) / 1000));
  }
  const out = { chromium: browser.version(), seconds, lab: 'raft-default', speed: '10×', samples, errors };
  await browser.close();
  await server.close();
  return out;
}

/**
 * Every lab's own wasm and js (dist/<lab>/), the PBS calculator's
 * (dist/pbs/, framed by the quorum lab) and the log viewer's
 * (dist/viewer/): raw, gzip -9 and brotli 11.
 */
async function bundle() {
  const dist = opts.dist ?? DIST;
  const out = { files: [] };
  for (const lab of [...LABS, { protocol: 'pbs' }, { protocol: 'viewer' }]) {
    const dir = join(dist, lab.protocol);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'));
    for (const f of files) {
      const body = await readFile(join(dir, f));
      // A lab's "Break it" search loads in Web Workers when Find is pressed:
      // its own bundle, counted apart from the page's.
      const search = f.startsWith('faultline-search') || f === 'search-worker.js';
      out.files.push({
        lab: search ? `${lab.protocol}-search` : lab.protocol, file: `${lab.protocol}/${f}`, kind: f.endsWith('.wasm') ? 'wasm' : 'js', raw_bytes: body.length,
        gzip_bytes: gzipSync(body, { level: 9 }).length,
        brotli_bytes: brotliCompressSync(body, { params: {
          [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }).length,
      });
    }
  }
  return out;
}

/**
 * The "Break it" search in the page: each lab's default scenario, no bug on
 * (so every run goes to the end), a 1,000-run budget, in the lab's Web
 * Workers. Reports the workers' runs per second as the panel shows it
 * (workers already started) and the wall time from Find to the answer.
 */
async function exploreWorker() {
  const server = await serve();
  const browser = await launch();
  const labs = [];
  for (const lab of LABS) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.url + `#/${lab.protocol}`);
    await page.waitForSelector('.panel.break-it');
    await page.selectOption('select[aria-label="Most runs"]', { index: 1 });
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Find a counterexample' }).click();
    let rate = 0;
    for (;;) {
      const text = await page.textContent('.break-status');
      const m = /([\d.]+) runs\/s/.exec(text);
      if (m) rate = +m[1];
      if (/No counterexample|Found after|could not run/.test(text)) break;
      await page.waitForTimeout(100);
    }
    const wall = Date.now() - t0;
    const workers = await page.evaluate(() => Math.min(4, Math.max(1, navigator.hardwareConcurrency)));
    labs.push({ protocol: lab.protocol, runs: 1000, workers, runs_per_s: rate, wall_ms: wall });
    await page.close();
  }
  await browser.close();
  await server.close();
  return { labs };
}

/**
 * How busy a page keeps the main thread: Chromium's TaskDuration (seconds
 * of main-thread tasks) per wall second, over `seconds`, after 3 s to
 * settle. The Raft lab at its defaults, playing and then paused, and
 * RaftScope (../shared/anchors/raftscope, served as static files) at its
 * own defaults, in one browser run, one page at a time, at 1440x900.
 */
async function idle() {
  const seconds = +(opts.seconds ?? 20);
  const scope = opts.raftscope ?? new URL('../../shared/anchors/raftscope/', import.meta.url).pathname;
  const ours = await serve(opts.dist ?? DIST);
  const theirs = await serve(scope.endsWith('/') ? scope : scope + '/');
  const browser = await launch();
  const busy = async (url, before) => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    if (before) await before(page);
    await sleep(3000);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const t0 = await task();
    const w0 = Date.now();
    await sleep(seconds * 1000);
    const share = (await task() - t0) / ((Date.now() - w0) / 1000);
    await page.close();
    return Math.round(share * 1000) / 10;
  };
  const found = await readFile(join(scope, 'index.html')).then(() => true, () => false);
  if (!found) log(`RaftScope not found at ${scope} (--raftscope DIR): no reference figure`);
  const raftscope = found ? await busy(theirs.url + 'index.html') : null;
  const playing = await busy(ours.url + '#/raft', (p) => p.waitForSelector('svg .node'));
  const paused = await busy(ours.url + '#/raft', async (p) => {
    await p.waitForSelector('svg .node');
    await p.getByRole('button', { name: 'Pause' }).click();
  });
  log(`main thread busy: RaftScope ${raftscope} %, Raft lab playing ${playing} %, paused ${paused} %`);
  await browser.close();
  await ours.close();
  await theirs.close();
  return { seconds, busy_percent: { raftscope, raft_lab_playing: playing, raft_lab_paused: paused } };
}

const parts = { 'core-wasm': coreWasm, page: pageFrames, load, soak, bundle, 'explore-worker': exploreWorker, idle };
if (!parts[part]) { console.error(`unknown part ${part}`); process.exit(2); }
const result = await parts[part]();
await writeFile(opts.out, JSON.stringify(result, null, 2) + '\n');
