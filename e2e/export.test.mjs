// End-to-end: every drawing and chart saves as a picture that stands alone
// (www/export.js): SVG with the page's styles written in, PNG at twice the
// size shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Clicks `button` and returns the download's name and bytes. */
async function download(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

/** A PNG's width and height, from its header. */
function pngSize(bytes) {
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG', 'a PNG file');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** Whether the SVG opens alone as an image of the given size. */
async function opensAlone(svg, width) {
  const page = await browser.newPage();
  const size = await page.evaluate(async (text) => {
    const img = new Image();
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
    await img.decode();
    return img.naturalWidth;
  }, svg);
  await page.close();
  return size === width;
}

test('the Raft lab saves its cluster and its space-time diagram as SVG and PNG', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + '#/raft');
  await page.waitForFunction(() => document.querySelector('svg .node[data-role="leader"]'), null, { timeout: 20000 });
  const shown = await page.$eval('.topology svg', (s) => Math.round(s.getBoundingClientRect().width));
  const svg = await download(page, '.topology .save-as button[data-export="svg"]');
  assert.equal(svg.name, 'raft-cluster.svg');
  const text = svg.bytes.toString();
  assert.match(text, /^<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(text, /class="/, 'styles are written in, not left to a stylesheet');
  for (let i = 0; i < 5; i++) assert.match(text, new RegExp(`>n${i}<`));
  assert.match(text, /text-transform:uppercase/, 'the role labels keep their case');
  assert.ok(await opensAlone(text, shown), 'the SVG opens alone at the size shown');
  const png = await download(page, '.topology .save-as button[data-export="png"]');
  assert.equal(png.name, 'raft-cluster.png');
  assert.equal(pngSize(png.bytes)[0], 2 * shown);
  const diagram = await download(page, '.spacetime .save-as button[data-export="svg"]');
  assert.equal(diagram.name, 'raft-space-time.svg');
  assert.match(diagram.bytes.toString(), /aria-label="Space-time diagram"/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the gossip lab saves its canvas as PNG and its charts as SVG', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await page.goto(server.url + '#/gossip');
  await page.waitForSelector('[data-chart="spread"] svg');
  assert.equal(await page.locator('.gossip-canvas .save-as button[data-export="svg"]').count(), 0, 'a canvas has no SVG');
  const shown = await page.$eval('.gossip-canvas canvas', (c) => Math.round(c.getBoundingClientRect().width));
  const png = await download(page, '.gossip-canvas .save-as button[data-export="png"]');
  assert.equal(png.name, 'gossip-cluster.png');
  assert.equal(pngSize(png.bytes)[0], 2 * shown);
  const chart = await download(page, '[data-chart="spread"] .save-as button[data-export="svg"]');
  assert.equal(chart.name, 'gossip-spread.svg');
  assert.match(chart.bytes.toString(), /theory \(mean field\)/);
  await page.close();
});
