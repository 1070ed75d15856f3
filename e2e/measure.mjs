// Measures the lab in headless Chromium: screenshots and frame work (the
// page's own `faultline-frame` Performance API measures).
// node e2e/measure.mjs OUTDIR [nodes] [seconds]
import { serve, launch, openLab, faster } from './lib.mjs';
const [out = '/tmp', nodesArg = '9', secondsArg = '10'] = process.argv.slice(2);
const server = await serve();
const browser = await launch();
for (const [w, h, name] of [[1440, 900, 'desktop'], [375, 812, 'phone'], [1920, 1080, 'slide']]) {
  const { page } = await openLab(browser, server.url, { width: w, height: h });
  await page.waitForTimeout(5000);
  await page.screenshot({ path: `${out}/lab-${name}.png`, fullPage: name === 'phone' });
  await page.close();
}
const { page, errors } = await openLab(browser, server.url);
await page.getByRole('button', { name: 'Scenario' }).click();
const scenario = { protocol: 'raft', nodes: +nodesArg, seed: 5, network: { latency_ms: [10, 20] },
  params: { election_timeout_ms: [100, 200], heartbeat_ms: 40 },
  schedule: Array.from({ length: 200 }, (_, i) => ({ at_ms: 300 + i * 50, op: 'client', node: i % +nodesArg, request: `set k${i}=${i}` })) };
await page.fill('textarea[aria-label="Scenario JSON"]', JSON.stringify(scenario));
await page.getByRole('button', { name: 'Load' }).click();
await faster(page, 2);
await page.waitForTimeout(1000);
await page.evaluate(() => performance.clearMeasures('faultline-frame'));
await page.waitForTimeout(+secondsArg * 1000);
const d = await page.evaluate(() => performance.getEntriesByName('faultline-frame').map((e) => e.duration));
await page.screenshot({ path: `${out}/lab-9nodes.png` });
d.sort((a, b) => a - b);
const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
console.log(JSON.stringify({ nodes: +nodesArg, frames: d.length, median_ms: q(0.5), p95_ms: q(0.95), max_ms: d[d.length - 1],
  over_16_7ms: d.filter((x) => x > 16.7).length / d.length, errors }));
await browser.close();
await server.close();
