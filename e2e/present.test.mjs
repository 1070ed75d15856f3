// End-to-end: presenting. A tour opens from a link and keeps its step in
// the address bar; the lab works inside a reveal.js slide, where a
// clicker's PageDown and PageUp step it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './lib.mjs';

let lab;
let deck;
let browser;
before(async () => {
  lab = await serve();
  deck = await serve(fileURLToPath(new URL('./', import.meta.url)), '/e2e/');
  browser = await launch();
});
after(async () => { await browser?.close(); await lab?.close(); await deck?.close(); });

function watch(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test('a tour link opens its step, and the address bar follows the tour', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = watch(page);
  await page.goto(`${lab.url}#/raft?tour=raft&step=1&presenter`);
  await page.waitForSelector('.tour-card');
  assert.match(await page.textContent('.tour-kicker'), /step 2 of \d/);
  const title = await page.textContent('#tour-step-title');
  const hash = await page.getAttribute('.clock', 'data-trace-hash');
  // The step is shown as run to its time, not as a fresh cluster.
  assert.ok(+(await page.getAttribute('.clock', 'data-events')) > 50);
  assert.ok(await page.locator('svg .node[data-role="leader"]').count() === 1);
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => /step=2/.test(location.hash), null, { timeout: 3000 });
  assert.notEqual(await page.getAttribute('.clock', 'data-trace-hash'), hash);
  assert.match(page.url(), /#\/raft\?tour=raft&step=2&presenter=1$/);
  // Reload: the same step, the same state.
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => /step=1/.test(location.hash), null, { timeout: 3000 });
  await page.reload();
  await page.waitForSelector('.tour-card');
  assert.equal(await page.textContent('#tour-step-title'), title);
  assert.equal(await page.getAttribute('.clock', 'data-trace-hash'), hash);
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('presenter')));
  assert.deepEqual(errors, []);
  await page.close();
});

test('inside a reveal.js slide the lab renders large and PageDown / PageUp step it', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = watch(page);
  const src = `${lab.url}#/raft?embed&presenter&controls=minimal&autoplay=0`;
  await page.goto(`${deck.url}fixtures/reveal-deck.html?lab=${encodeURIComponent(src)}`);
  await page.waitForFunction(() => window.Reveal?.isReady());
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => Reveal.getIndices().h === 1);
  const frame = await (await page.$('#lab')).contentFrame();
  await frame.waitForSelector('svg .node');
  const look = await frame.evaluate(() => ({
    presenter: document.documentElement.classList.contains('presenter'),
    embed: document.documentElement.classList.contains('embed'),
    fontPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
    scroll: document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth,
  }));
  assert.deepEqual(look, { presenter: true, embed: true, fontPx: 20, scroll: true });
  // The clicker: focus the lab, then PageDown steps events, PageUp undoes them.
  await page.click('#lab');
  const events = () => frame.$eval('.clock', (c) => +c.dataset.events);
  const hash = () => frame.$eval('.clock', (c) => c.dataset.traceHash);
  const [e0, h0] = [await events(), await hash()];
  for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
  await frame.waitForFunction((e) => +document.querySelector('.clock').dataset.events > e, e0);
  assert.notEqual(await hash(), h0);
  for (let i = 0; i < 3; i++) await page.keyboard.press('PageUp');
  await frame.waitForFunction((h) => document.querySelector('.clock').dataset.traceHash === h, h0);
  // The deck itself did not move: the lab took the keys.
  assert.equal(await page.evaluate(() => Reveal.getIndices().h), 1);
  await page.screenshot({ path: fileURLToPath(new URL('./artifacts/reveal-slide.png', import.meta.url)) });
  assert.deepEqual(errors, []);
  await page.close();
});
