// End-to-end: the clocks lab and the space-time diagram in real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, faster } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function openClocks() {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + '#/clocks');
  await page.waitForSelector('.spacetime svg');
  await faster(page, 2);
  return { page, errors };
}

const points = (page) => page.locator('.spacetime circle.point').count();

test('the space-time diagram follows the run and a click shows the causal cone', async () => {
  const { page, errors } = await openClocks();
  await page.waitForFunction(() => document.querySelectorAll('.spacetime circle.point').length > 12);
  const first = await page.getAttribute('.clock', 'data-events');
  await page.waitForTimeout(1500);
  assert.ok(+(await page.getAttribute('.clock', 'data-events')) > +first, 'the run goes on');
  await page.keyboard.press(' '); // pause, so the picture holds still
  const n = await points(page);
  assert.ok(n > 12, `${n} events drawn`);
  await page.locator('.spacetime circle.point').nth(Math.floor(n / 2)).click({ force: true });
  assert.equal(await page.locator('.spacetime .point.chosen').count(), 1);
  const past = await page.locator('.spacetime .point.past').count();
  const future = await page.locator('.spacetime .point.future').count();
  const concurrent = await page.locator('.spacetime .point.concurrent').count();
  assert.ok(past + future > 0, 'a middle event has a causal past or future');
  assert.equal(past + future + concurrent + 1, n, 'every other event is past, future or concurrent');
  const stamp = await page.textContent('.spacetime .stamp');
  assert.match(stamp, /L=\d+ · V=\[[\d, ]+\] · HLC [\d.]+ ms\/\d+/);
  assert.match(stamp, new RegExp(`causal past ${past} · future ${future} · concurrent ${concurrent}`));
  // Shift-click a concurrent event: the relation, explained by the vectors.
  await page.locator('.spacetime .point.concurrent').first().click({ modifiers: ['Shift'], force: true });
  assert.match(await page.textContent('.spacetime .relation'), /is ahead at n\d+, .* is ahead at n\d+: concurrent/);
  // And one from the causal past: a → b read off the vectors.
  if (past > 0) {
    await page.locator('.spacetime .point.past').first().click({ modifiers: ['Shift'], force: true });
    assert.match(await page.textContent('.spacetime .relation'), /in every component and differs: b → a/);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("Lamport's limit: two concurrent events ordered by Lamport time are highlighted", async () => {
  const { page, errors } = await openClocks();
  await page.waitForFunction(() => document.querySelectorAll('.spacetime circle.point').length > 20);
  await page.getByRole('button', { name: "Lamport's limit" }).click();
  await page.waitForSelector('.spacetime .pair');
  assert.equal(await page.locator('.spacetime .point.paired').count(), 2);
  assert.match(await page.textContent('.spacetime .pair'), /L\(\d+\) = (\d+) < L\(\d+\) = (\d+), yet .* are concurrent/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the ShiViz export downloads a log ShiViz can parse', async () => {
  const { page, errors } = await openClocks();
  await page.waitForFunction(() => document.querySelectorAll('.spacetime circle.point').length > 8);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export ShiViz log' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^faultline-clocks-seed\d+\.log$/);
  const text = await readFile(await download.path(), 'utf8');
  const [regex, blank, ...lines] = text.trimEnd().split('\n');
  assert.match(regex, /\(\?<host>.*\(\?<clock>/);
  assert.equal(blank, '');
  assert.ok(lines.length > 8);
  const re = new RegExp(regex.replace(/\(\?<(\w+)>/g, '(?<$1>'));
  for (const line of lines) {
    const m = line.match(re);
    assert.ok(m, `line parses: ${line}`);
    const clock = JSON.parse(m.groups.clock);
    assert.ok(Object.keys(clock).length > 0 && Object.values(clock).every((v) => v > 0));
    assert.ok(clock[m.groups.host] > 0, 'a host counts its own events');
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('the protocol tabs switch labs by route', async () => {
  const { page, errors } = await openClocks();
  assert.equal(await page.locator('svg .node').count(), 4);
  await page.getByRole('link', { name: 'Raft' }).click();
  await page.waitForSelector('.loggrid');
  assert.match(page.url(), /#\/raft$/);
  assert.equal(await page.locator('svg .node').count(), 5);
  await page.goBack();
  await page.waitForSelector('.panel.node[aria-label="Process"], .panel.node');
  await page.waitForFunction(() => location.hash === '#/clocks' && document.querySelectorAll('svg .node').length === 4);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the diagram follows the scrubber back and forward', async () => {
  const { page, errors } = await openClocks();
  await page.waitForFunction(() => document.querySelectorAll('.spacetime circle.point').length > 15);
  await page.keyboard.press(' ');
  const t1 = +(await page.getAttribute('.clock', 'data-now-ms'));
  const n1 = await points(page);
  const seek = (ms) => page.locator('input[aria-label="Timeline"]').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
  await seek(t1 / 3);
  await page.waitForFunction((n) => document.querySelectorAll('.spacetime circle.point').length < n, n1);
  const n0 = await points(page);
  assert.ok(n0 < n1, `${n0} events a third of the way in, ${n1} at the end`);
  await seek(t1);
  await page.waitForFunction((n) => document.querySelectorAll('.spacetime circle.point').length === n, n1);
  assert.equal(await points(page), n1);
  assert.deepEqual(errors, []);
  await page.close();
});
