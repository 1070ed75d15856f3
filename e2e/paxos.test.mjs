// End-to-end: the Paxos lab in real Chromium: Multi-Paxos elects one
// leader and fills the slots table, dueling basic proposers choose nothing
// while their ballots climb, a crashed proposer's accepted value survives,
// and a value proposed from the panel is chosen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, faster, openRoute } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (route = '') => openRoute(browser, server.url, `#/paxos${route}`, '.slot-table');
/** What every node holds of `slot` in the table: learned value, or the cell's state. */
const slot = (page, n) => page.$$eval(`.slots tr[data-slot="${n}"] .slot-cell`,
  (cells) => cells.map((c) => (c.dataset.state === 'learned' ? c.textContent : c.dataset.state)));

test('Multi-Paxos elects one leader and every node learns the same slots', async () => {
  const { page, errors } = await open();
  assert.equal(await page.locator('svg .node').count(), 5);
  await faster(page, 4);
  await page.waitForFunction(() => document.querySelectorAll('.slots tbody tr').length >= 3, null, { timeout: 20000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.slots tr[data-slot="0"] .slot-cell')]
    .every((c) => c.dataset.state === 'learned'), null, { timeout: 20000 });
  assert.deepEqual(await slot(page, 0), ['v1', 'v1', 'v1', 'v1', 'v1']);
  assert.equal(await page.locator('svg .node.role-leader').count(), 1);
  assert.equal(await page.locator('.acceptor-tag').count(), 5);
  assert.equal(await page.locator('.invariants li.holds').count(), 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test('dueling proposers without back-off choose nothing while their ballots climb', async () => {
  const { page, errors } = await open('?preset=paxos-dueling&t=2000');
  await page.waitForSelector('.acceptor-tag');
  assert.equal(await page.locator('.slot-cell.learned').count(), 0);
  const tags = await page.locator('.acceptor-tag text').allTextContents();
  const rounds = tags.map((t) => +(/^P (\d+)\./.exec(t) || [0, 0])[1]);
  assert.ok(Math.max(...rounds) > 20, `promised rounds ${rounds}`);
  assert.equal(await page.locator('.invariants li.fails').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a value a crashed proposer got accepted is the one chosen; a value proposed from the panel is chosen', async () => {
  const { page, errors } = await open('?preset=paxos-proposer-crash&t=2400');
  await page.waitForSelector('.slots tr[data-slot="1"]');
  const zero = await slot(page, 0);
  assert.deepEqual(zero.slice(1), ['a', 'a', 'a', 'a'], `slot 0: ${zero}`);
  assert.deepEqual((await slot(page, 1)).slice(1), ['b', 'b', 'b', 'b']);
  await page.click('svg .node[data-node="2"]');
  await page.fill('input[aria-label="Value to propose"]', 'hello');
  await page.getByRole('button', { name: 'Propose' }).click();
  await faster(page, 3);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => [...document.querySelectorAll('.slots tr[data-slot="2"] .slot-cell.learned')]
    .filter((c) => c.textContent === 'hello').length === 4, null, { timeout: 20000 });
  assert.equal(await page.locator('.invariants li.fails').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
