// End-to-end: the two-phase commit lab in real Chromium: transactions
// commit and show in the table, a no vote aborts, a crashed coordinator
// leaves its yes-voters blocked and its restart resolves them, and a bad
// request is refused with a message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, faster, openRoute } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (route = '') => openRoute(browser, server.url, `#/2pc${route}`, '.tx-table');
/** Each participant's state of `tx` in the table. */
const states = (page, tx) => page.$$eval(`.txs tr[data-tx="${tx}"] .tx-cell`, (cells) => cells.map((c) => c.dataset.state));

test('the default lab commits its transactions on every participant', async () => {
  const { page, errors } = await open();
  assert.equal(await page.locator('svg .node').count(), 4);
  assert.equal(await page.locator('svg .node.role-coordinator').count(), 1);
  await faster(page, 4);
  await page.waitForFunction(() => document.querySelectorAll('.txs tbody tr').length >= 2, null, { timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('.txs tr[data-tx="t1"] .tx-coord')?.dataset.phase === 'commit');
  await page.waitForFunction(() => [...document.querySelectorAll('.txs tr[data-tx="t1"] .tx-cell')]
    .every((c) => c.dataset.state === 'committed'));
  assert.deepEqual(await states(page, 't1'), ['committed', 'committed', 'committed']);
  assert.equal(await page.locator('.invariants li.holds').count(), 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a crashed coordinator leaves the yes-voters blocked; restarted, it aborts and they follow', async () => {
  const { page, errors } = await open('?preset=2pc-coordinator-crash&t=4000');
  await page.waitForFunction(() => document.querySelectorAll('.doubt-tag[data-blocked="true"]').length === 3);
  assert.deepEqual(await states(page, 't1'), ['prepared', 'prepared', 'prepared']);
  assert.match(await page.textContent('.txs tr[data-tx="t1"]'), /in doubt 3\.\d s/);
  assert.match(await page.textContent('.blocking-note'), /Paxos Commit/);
  await page.click('svg .node[data-node="0"]');
  assert.match(await page.textContent('.panel.node'), /n0 · coordinator/);
  assert.match(await page.textContent('.node-log'), /t1 begin/);
  await page.locator('.panel.node').getByRole('button', { name: 'Restart', exact: true }).click();
  await faster(page, 3);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => [...document.querySelectorAll('.txs tr[data-tx="t1"] .tx-cell')]
    .every((c) => c.dataset.state === 'aborted'), null, { timeout: 20000 });
  assert.equal(await page.locator('.doubt-tag').count(), 0);
  assert.match(await page.textContent('.node-log'), /t1 decide abort/);
  assert.equal(await page.locator('.invariants li.fails').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the form begins a vetoed transaction, which aborts; bad input is refused with the reason', async () => {
  const { page, errors } = await open('?preset=2pc-one-votes-no&t=3000');
  const form = page.locator('form.request');
  await page.fill('input[aria-label="Transaction"]', 't9 no=x');
  await form.getByRole('button', { name: 'Begin' }).click();
  assert.match(await page.textContent('.form-error'), /no=: “x” is not a node id/);
  await page.fill('input[aria-label="Transaction"]', 't9 no=1,3');
  await form.getByRole('button', { name: 'Begin' }).click();
  assert.equal(await page.locator('.form-error').count(), 0);
  await faster(page, 3);
  await page.keyboard.press(' ');
  await page.waitForFunction(() => [...document.querySelectorAll('.txs tr[data-tx="t9"] .tx-cell')]
    .filter((c) => c.dataset.state === 'aborted').length === 3, null, { timeout: 20000 });
  assert.deepEqual(await states(page, 't2'), ['aborted', 'aborted', 'aborted']);
  assert.equal(await page.locator('.invariants li.fails').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
