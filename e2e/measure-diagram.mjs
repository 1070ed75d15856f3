// Measures the space-time diagram's cost in headless Chromium: 8 clocks
// processes at 60 events/s each (2,000 events kept), frame work with the
// diagram shown and hidden, from the page's Performance API measures.
// Run after `cargo xtask dist`: node e2e/measure-diagram.mjs
import { serve, launch } from './lib.mjs';
const server = await serve(); const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
const errors = []; page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
await page.goto(server.url + '#/clocks');
await page.waitForSelector('.spacetime svg');
await page.getByRole('button', { name: 'Scenario' }).click();
// 8 processes, busy workload: the diagram keeps the newest 2,000 events.
await page.fill('textarea[aria-label="Scenario JSON"]', JSON.stringify({ protocol: 'clocks', nodes: 8, seed: 3, until_ms: 600000,
  network: { latency_ms: [20, 60] }, params: { events_per_s: 60, send_probability: 0.6 } }));
await page.getByRole('button', { name: 'Load' }).click();
for (let i = 0; i < 4; i++) await page.keyboard.press(']');
await page.waitForTimeout(8000);
const before = await page.evaluate(() => document.querySelectorAll('.spacetime circle.point').length);
async function sample(label) {
  await page.evaluate(() => { performance.clearMeasures('faultline-frame'); performance.clearMeasures('faultline-snapshot'); });
  await page.waitForTimeout(10000);
  const d = await page.evaluate(() => performance.getEntriesByName('faultline-frame').map((e) => e.duration));
  d.sort((a, b) => a - b);
  const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
  const snaps = await page.evaluate(() => performance.getEntriesByName('faultline-snapshot').map((e) => e.duration));
  snaps.sort((a, b) => a - b);
  console.log(JSON.stringify({ label, snapshot_median_ms: snaps[Math.floor(snaps.length / 2)], frames: d.length, median_ms: q(0.5), p95_ms: q(0.95), max_ms: d[d.length - 1], over_16_7: d.filter((x) => x > 16.7).length }));
}

await sample('diagram shown (' + before + ' drawn)');
await page.getByRole('button', { name: 'Hide the space-time diagram' }).click();
await sample('diagram hidden');
console.log(JSON.stringify({ sim_events: await page.getAttribute('.clock', 'data-events'), errors }));
await browser.close(); await server.close();
