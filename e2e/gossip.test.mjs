// End-to-end: the gossip lab in real Chromium, from a few hundred nodes to a
// thousand: the canvas, the charts against the theory, rumors, partitions
// and SWIM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { serve, launch, faster, openRoute, loadPreset } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const openGossip = () => openRoute(browser, server.url, '#/gossip', '.gossip-canvas canvas');

const informed = async (page) => ({
  informed: +(await page.getAttribute('.gossip-canvas', 'data-informed')),
  live: +(await page.getAttribute('.gossip-canvas', 'data-live')),
});

async function untilInformed(page, predicate, what, timeout = 60000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    last = await informed(page);
    if (predicate(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(last)}`);
}

const now = async (page) => +(await page.getAttribute('.clock', 'data-now-ms'));

test('the default lab spreads the rumor to every node, charted against the theory', async () => {
  const { page, errors } = await openGossip();
  assert.equal((await informed(page)).live, 256);
  await faster(page, 2);
  await untilInformed(page, (s) => s.informed === s.live, 'full spread');
  const chart = page.locator('[data-chart="spread"] svg');
  await chart.waitFor();
  const text = await chart.textContent();
  assert.match(text, /this run/);
  assert.match(text, /theory/);
  assert.match(text, /log₂N \+ ln N/);
  assert.match(await page.textContent('.panel.gossip'), /256 \/ 256/);
  assert.match(await page.textContent('.panel.gossip'), /everyone knew it after \d+ rounds/);
  assert.equal(await page.locator('[data-chart="sent"] svg').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('clicking a node selects it, and a new rumor started there takes the focus', async () => {
  const { page, errors } = await openGossip();
  await page.keyboard.press(' ');
  const box = await page.locator('.gossip-canvas canvas').boundingBox();
  // The sunflower's first seed (node 0) sits next to the disc's centre.
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const title = await page.textContent('.panel.node h3');
  assert.match(title, /^Node n\d+$/);
  const node = title.replace('Node ', '');
  const before = await page.getAttribute('[data-rumor]', 'data-rumor');
  await page.getByRole('button', { name: 'Start a rumor here' }).click();
  await page.keyboard.press(' ');
  await page.waitForFunction(([n, old]) => {
    const r = document.querySelector('[data-rumor]')?.dataset.rumor;
    return r !== old && r?.startsWith(`${n}.`);
  }, [node, before]);
  await untilInformed(page, (s) => s.informed > 1, 'the new rumor to spread');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a partition holds the rumor on its side until it heals', async () => {
  const { page, errors } = await openGossip();
  await loadPreset(page, 'gossip-partition');
  await faster(page, 2);
  await page.waitForFunction(() => +document.querySelector('.clock').dataset.nowMs > 3000);
  const held = await informed(page);
  assert.ok(held.informed <= 64, `${held.informed} informed behind a partition of 64`);
  assert.ok(held.informed >= 32, `${held.informed}: the rumor spreads on its own side`);
  assert.ok((await now(page)) < 4000, 'still before the heal');
  await untilInformed(page, (s) => s.informed === 128, 'the spread after the heal');
  assert.deepEqual(errors, []);
  await page.close();
});

test('SWIM: a crashed member is declared dead everywhere, charted per observer', async () => {
  const { page, errors } = await openGossip();
  await loadPreset(page, 'gossip-swim');
  await faster(page, 3);
  const chart = page.locator('[data-chart="detection"] svg');
  await chart.waitFor({ timeout: 60000 });
  assert.match(await chart.textContent(), /suspicion timeout/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a thousand nodes animate, and the frame cost is reported', async () => {
  const { page, errors } = await openGossip();
  await loadPreset(page, 'gossip-thousand');
  assert.equal((await informed(page)).live, 1000);
  await page.evaluate(() => performance.clearMeasures('faultline-frame'));
  await untilInformed(page, (s) => s.informed === 1000, 'a thousand informed', 90000);
  const d = await page.evaluate(() => performance.getEntriesByName('faultline-frame').map((e) => e.duration));
  d.sort((a, b) => a - b);
  // Reported, never asserted: timing belongs to benchmarks.
  console.log(`# gossip 1000 nodes: ${d.length} frames, median ${d[d.length >> 1].toFixed(1)} ms, p95 ${d[Math.floor(d.length * 0.95)].toFixed(1)} ms`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('10,000 nodes opened from a link: every frame that steps the run is drawn and measured, and the disc shows who knows', async () => {
  const scenario = { protocol: 'gossip', nodes: 10000, seed: 1, until_ms: 20000, network: { latency_ms: [20, 80] }, params: { mode: 'push-pull', fanout: 1, round_ms: 200 } };
  const s = deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url');
  const { page, errors } = await openRoute(browser, server.url, `#/gossip?v=1&s=${s}`, '.gossip-canvas canvas');
  await untilInformed(page, (x) => x.live === 10000 && x.informed === 10000, 'ten thousand informed', 90000);
  await page.evaluate(() => { performance.clearMeasures(); performance.clearMarks(); });
  await page.waitForTimeout(2000);
  const count = (name) => page.evaluate((n) => performance.getEntriesByName(n).length, name);
  const [steps, frames, drawn] = [await count('faultline-step'), await count('faultline-frame'), await count('faultline-canvas')];
  // Frames that take longer than Yew's 16 ms slice once stepped the run
  // and never reached the canvas (nor the frame measure).
  assert.ok(steps >= 5, `${steps} frames stepped the run`);
  assert.ok(frames >= steps - 1 && drawn >= steps - 1, `${steps} stepped, ${frames} measured, ${drawn} drawn`);
  // The disc's centre is a node that knows the rumor: not the grey of one
  // that does not.
  const [r, g, b] = await page.$eval('.gossip-canvas canvas', (c) => {
    const x = c.width / 2, y = c.height / 2;
    return [...c.getContext('2d').getImageData(x - 30, y - 30, 60, 60).data.slice(0, 4 * 3600)]
      .reduce((acc, v, i) => { acc[i % 4] += v; return acc; }, [0, 0, 0, 0]).map((v) => v / 3600);
  });
  assert.ok(Math.abs(r - 0xcb) + Math.abs(g - 0xd5) + Math.abs(b - 0xe1) > 60, `the disc is still grey: rgb(${r.toFixed(0)}, ${g.toFixed(0)}, ${b.toFixed(0)})`);
  console.log(`# gossip 10,000 nodes: ${frames} frames in 2 s`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('splitting 1,000 nodes in two from the network panel summarises each side by its size, and the page barely grows', async () => {
  const { page, errors } = await openGossip();
  await page.goto(server.url + '#/gossip?preset=gossip-thousand');
  await page.waitForFunction(() => document.querySelector('.gossip-canvas canvas') && document.querySelectorAll('.split button').length === 3);
  const height = () => page.evaluate(() => document.documentElement.scrollHeight);
  const before = await height();
  await page.evaluate(() => {
    performance.clearMeasures('faultline-frame');
    window.__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration))).observe({ type: 'longtask' });
  });
  await page.click('.split button:has-text("2")');
  const side = page.locator('.faults .partition');
  await side.waitFor();
  await page.waitForTimeout(500);
  // Reported, never asserted: timing belongs to benchmarks.
  const cost = await page.evaluate(() => ({
    frame: Math.max(0, ...performance.getEntriesByName('faultline-frame').map((e) => e.duration)),
    longtask: Math.max(0, ...window.__long),
  }));
  console.log(`# split 1,000 gossip nodes in two: longest frame ${cost.frame.toFixed(1)} ms, longest task ${cost.longtask.toFixed(0)} ms`);
  assert.equal(await side.textContent(), 'partition: 500 nodes | 500 nodes');
  assert.equal(await side.locator('.group-size').first().getAttribute('title'), 'n0–n499');
  const after = await height();
  assert.ok(after <= before * 1.2, `the page grew from ${before} to ${after} px`);
  await page.click('button:has-text("Heal")');
  await page.waitForFunction(() => !document.querySelector('.faults .partition'));
  assert.deepEqual(errors, []);
  await page.close();
});
