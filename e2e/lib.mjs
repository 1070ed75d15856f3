// Shared helpers for the end-to-end tests: a static server for dist/ and a
// headless Debian Chromium driven by Playwright.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/**
 * Serves dist/ on a free loopback port, under `prefix` (a sub-path such as
 * `/docs/lab/`); resolves to { url, close }. With `gzip`, a response goes
 * out gzip-compressed when the browser accepts it, as static hosts send
 * the site (the load benchmark's throttled link counts the bytes a reader
 * really downloads).
 */
export function serve(root = DIST, prefix = '/', { gzip = false } = {}) {
  // Compressed once per file, so a response costs no compression time.
  const packed = new Map();
  const server = createServer(async (req, res) => {
    const full = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!full.startsWith(prefix)) { res.writeHead(404).end('not found'); return; }
    const path = '/' + full.slice(prefix.length);
    const file = join(root, path.endsWith('/') ? path + 'index.html' : path);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        res.writeHead(200, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
        if (!packed.has(file)) packed.set(file, gzipSync(body, { level: 9 }));
        res.end(packed.get(file));
      } else {
        res.writeHead(200, headers);
        res.end(body);
      }
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launches Debian's Chromium. */
export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Opens the lab; collects console errors and page errors into `errors`. */
export async function openLab(browser, url, { width = 1440, height = 900 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('svg .node');
  return { page, errors };
}

/** Speeds the lab up by pressing `]` n times (each doubles the speed). */
export async function faster(page, n) {
  for (let i = 0; i < n; i++) await page.keyboard.press(']');
}

/** The log-grid row of every node: { id, role, term, commit, last, status }. */
export function nodes(page) {
  return page.$$eval('.loggrid tbody tr', (rows) => rows.map((r) => ({
    id: +r.dataset.node, role: r.dataset.role, term: +r.dataset.term,
    commit: +r.dataset.commit, last: +r.dataset.last, status: r.dataset.status,
  })));
}

/** Waits until `predicate(nodes)` holds, polling the page. */
export async function until(page, predicate, { timeout = 30000, what = 'condition' } = {}) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    last = await nodes(page);
    const hit = predicate(last);
    if (hit) return hit;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last)}`);
}

/** The live leader with the highest term, if any. */
export const leader = (ns) => ns
  .filter((n) => n.role === 'leader' && n.status === 'up')
  .sort((a, b) => b.term - a.term)[0];

/** Virtual time shown by the clock, in ms. */
export async function now(page) {
  return +(await page.getAttribute('.clock', 'data-now-ms'));
}

/** Opens a lab by route (`#/gossip`) and waits for `selector`; collects
 * console errors and page errors into `errors`. */
export async function openRoute(browser, url, route, selector, { width = 1440, height = 1000 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + route);
  await page.waitForSelector(selector);
  return { page, errors };
}

/** Loads `www/presets/<id>.json` through the Scenario dialog. */
export async function loadPreset(page, id) {
  const json = await readFile(new URL(`../www/presets/${id}.json`, import.meta.url), 'utf8');
  await page.getByRole('button', { name: 'Scenario' }).click();
  await page.fill('textarea[aria-label="Scenario JSON"]', json);
  await page.getByRole('button', { name: 'Load' }).click();
  await page.waitForFunction(() => !document.querySelector('.overlay'));
}

/** The run as it stands, read from the Scenario dialog. */
export async function scenarioOf(page) {
  await page.getByRole('button', { name: 'Scenario' }).click();
  const json = JSON.parse(await page.inputValue('textarea[aria-label="Scenario JSON"]'));
  await page.getByRole('button', { name: 'Cancel' }).click();
  return json;
}
