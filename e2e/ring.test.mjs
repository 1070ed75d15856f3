// End-to-end: the hash-ring lab in real Chromium: the ring and its loads,
// a join compared under every strategy, keys held behind a partition until
// the heal, and the cost of rebalancing 100,000 keys in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, faster, openRoute, loadPreset } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const openRing = () => openRoute(browser, server.url, '#/ring', '.ring-canvas canvas');
const counts = (page) => page.$eval('[data-available]', (e) => ({
  available: +e.dataset.available, unavailable: +e.dataset.unavailable, inFlight: +e.dataset.inFlight,
}));

test('the default lab draws the ring; a join is compared under every strategy', async () => {
  const { page, errors } = await openRing();
  assert.equal(await page.getAttribute('.ring-canvas', 'data-members'), '8');
  await page.locator('[data-chart="loads"] svg').waitFor();
  assert.match(await page.locator('[data-chart="balance"] svg').textContent(), /1\/√v/);
  await page.getByRole('button', { name: 'Add a node' }).click();
  await page.waitForSelector('table.compare tr[data-strategy="jump"]');
  const rows = await page.$$eval('table.compare tbody tr', (trs) => trs.map((tr) => ({
    strategy: tr.dataset.strategy, share: parseFloat(tr.children[2].textContent), between: +tr.children[4].textContent,
  })));
  assert.equal(rows.length, 5);
  const by = Object.fromEntries(rows.map((r) => [r.strategy, r]));
  // Karger et al. 1997: about 1/(n+1) = 11.1 % of the keys move on a join.
  for (const s of ['ring', 'jump', 'rendezvous']) {
    assert.ok(Math.abs(by[s].share - 11.1) < 4, `${s}: ${by[s].share} %`);
    assert.equal(by[s].between, 0, `${s} moved keys between old nodes`);
  }
  assert.ok(by.mod.share > 70, `mod moved ${by.mod.share} %`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keys in transfer during a partition are unavailable and arrive after the heal', async () => {
  const { page, errors } = await openRing();
  await loadPreset(page, 'ring-partition');
  await faster(page, 2);
  let seen = false;
  for (let i = 0; i < 300 && !seen; i++) {
    const c = await counts(page);
    seen = c.unavailable > 0 || c.inFlight > 0;
    await page.waitForTimeout(50);
  }
  assert.ok(seen, 'some keys are unavailable or in flight during the partition');
  await page.waitForFunction(() => {
    const e = document.querySelector('[data-available]');
    return e && +e.dataset.unavailable === 0 && +e.dataset.inFlight === 0
      && +document.querySelector('.clock').dataset.nowMs > 5000;
  }, null, { timeout: 60000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('rebalancing 100,000 keys after a join: the frame cost is reported', async () => {
  const { page, errors } = await openRing();
  await page.getByRole('button', { name: 'Scenario' }).click();
  await page.fill('textarea[aria-label="Scenario JSON"]', JSON.stringify({
    protocol: 'ring', nodes: 16, seed: 4, until_ms: 4000, network: { latency_ms: [5, 20] },
    params: { strategy: 'ring', vnodes: 64, keys: 100000, replicas: 1 },
    schedule: [{ at_ms: 500, op: 'add_node' }],
  }));
  await page.getByRole('button', { name: 'Load' }).click();
  await page.evaluate(() => performance.clearMeasures());
  await faster(page, 2);
  await page.waitForFunction(() => +document.querySelector('.clock').dataset.nowMs > 1500, null, { timeout: 60000 });
  const m = await page.evaluate(() => Object.fromEntries(['faultline-step', 'faultline-ring-analysis', 'faultline-ring-status', 'faultline-frame']
    .map((n) => [n, Math.max(0, ...performance.getEntriesByName(n).map((e) => e.duration))])));
  // Reported, never asserted: timing belongs to benchmarks.
  console.log(`# ring 100k keys, 16 → 17 nodes, max ms: ${JSON.stringify(m)}`);
  assert.equal(await page.getAttribute('.ring-canvas', 'data-members'), '17');
  assert.deepEqual(errors, []);
  await page.close();
});

test('at 256 nodes the ring groups its legend by color and a click still picks one node', async () => {
  const { page, errors } = await openRing();
  await page.setViewportSize({ width: 1280, height: 800 });
  const nodes = page.locator('[data-knob="nodes"] input');
  await nodes.fill('256');
  await nodes.press('Enter');
  await page.waitForSelector('.ring-canvas[data-members="256"]');
  assert.equal(await page.locator('.ring-legend .legend li').count(), 12, 'one line per color');
  assert.match(await page.textContent('.ring-legend p'), /256 nodes · keys per node: fewest \d+ \(n\d+\), median \d+, most \d+ \(n\d+\)/);
  assert.equal(await page.locator('.ring-canvas .legend li').count(), 12, 'no 256-entry legend');
  // n0 sits at the top of the inner circle (radius 140 of 600).
  const box = await page.locator('.ring-canvas canvas').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height * (160 / 600));
  await page.waitForSelector('.panel.node');
  assert.match(await page.textContent('.panel.node h3'), /n0\b/);
  await page.screenshot({ path: new URL('./artifacts/ring-256.png', import.meta.url).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});
