// End-to-end: guided tours and the preset gallery, driven by the keyboard
// alone (Tab, Enter, PageDown, PageUp), as a presenter with a clicker would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, openLab, openRoute, nodes, leader } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const tourOf = async (id) => JSON.parse(await readFile(new URL(`../www/tours/${id}.json`, import.meta.url), 'utf8'));

/** What has the focus: its text, aria-label and data-preset. */
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { text: el?.textContent?.trim() ?? '', label: el?.getAttribute('aria-label') ?? '', preset: el?.dataset?.preset ?? '' };
});

/** Presses Tab (or Shift+Tab) until `predicate(focused)` holds. */
async function tabTo(page, predicate, { back = false, most = 60 } = {}) {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (predicate(f)) return f;
  }
  throw new Error(`Tab never reached the element; last focus: ${JSON.stringify(await focused(page))}`);
}

const title = (page) => page.textContent('.tour-card h2');
const hash = (page) => page.getAttribute('.clock', 'data-trace-hash');
const events = async (page) => +(await page.getAttribute('.clock', 'data-events'));
const leaders = async (page) => (await nodes(page))
  .filter((n) => n.role === 'leader' && n.status === 'up').map((n) => [n.id, n.term]);

/** Waits for the card to show step `k` (0-based) of `tour`. */
async function atStep(page, tour, k) {
  await page.waitForFunction(([t]) => document.querySelector('.tour-card h2')?.textContent === t, [tour.steps[k].title]);
  assert.equal(await page.textContent('.tour-kicker'), `Guided tour · step ${k + 1} of ${tour.steps.length}`);
}

test("the Raft tour's chapters each open their own run: PreVote, CheckQuorum, membership change, snapshots", async () => {
  const tour = await tourOf('raft');
  const { page, errors } = await openLab(browser, server.url);
  await tabTo(page, (f) => f.text === 'Tour');
  await page.keyboard.press('Enter');
  await atStep(page, tour, 0);
  for (let k = 1; k <= 5; k++) {
    await page.keyboard.press('PageDown');
    await atStep(page, tour, k);
  }
  assert.deepEqual(await leaders(page), [[3, 13]], 'step 6: the rejoining follower forced elections');
  await page.keyboard.press('PageDown');
  await atStep(page, tour, 6);
  assert.deepEqual(await leaders(page), [[2, 1]], 'step 7: with PreVote n2 still leads term 1');
  await page.keyboard.press('PageDown');
  await atStep(page, tour, 7);
  assert.equal(await page.locator('[data-stale-leader="2"]').count(), 1, 'step 8: n2 is a stale leader');
  await page.keyboard.press('PageDown');
  await atStep(page, tour, 8);
  assert.equal(await page.locator('[data-stale-leader]').count(), 0, 'step 9: CheckQuorum made it step down');
  await page.keyboard.press('PageDown');
  await atStep(page, tour, 9);
  assert.equal(await page.locator('svg .node.role-learner').count(), 1, 'step 10: n4 is a learner');
  assert.ok(await page.locator('.cell.config').count() > 0, 'configuration entries are ringed');
  await page.keyboard.press('PageDown');
  await atStep(page, tour, 10);
  assert.deepEqual(await leaders(page), [[4, 2]], 'step 11: n4 leads the four left');
  assert.equal(await page.locator('svg .node').count(), 4, 'the removed leader is gone');
  await page.keyboard.press('PageDown');
  await atStep(page, tour, 11);
  assert.ok(await page.locator('.cell.snap').count() > 0, 'step 12: compacted indices show S');
  await page.keyboard.press('PageDown');
  await atStep(page, tour, 12);
  assert.equal((await focused(page)).text, 'Finish tour');
  assert.ok((await nodes(page)).every((n) => n.status === 'up' && n.commit === 61), 'step 13: n0 caught up');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Raft tour runs forward and back by keyboard alone, and back restores each step exactly', async () => {
  const tour = await tourOf('raft');
  const { page, errors } = await openLab(browser, server.url);
  await tabTo(page, (f) => f.text === 'Tour');
  await page.keyboard.press('Enter');
  await atStep(page, tour, 0);
  assert.equal((await focused(page)).text, 'Next →', 'Next has the focus');
  const seen = [await hash(page)];
  assert.deepEqual(await leaders(page), [[4, 1]], 'step 1: n4 leads term 1');

  await page.keyboard.press('Enter');
  await atStep(page, tour, 1);
  seen.push(await hash(page));
  assert.ok((await nodes(page)).every((n) => n.commit >= 2), 'step 2: x=1 committed everywhere');
  assert.match(await page.textContent('[role="status"][aria-live="polite"]'), new RegExp(`Tour step 2 of ${tour.steps.length}`));

  await page.keyboard.press('PageDown');
  await atStep(page, tour, 2);
  seen.push(await hash(page));
  assert.equal((await nodes(page)).find((n) => n.id === 4).status, 'crashed');
  assert.deepEqual(await leaders(page), [[1, 3]], 'step 3: n1 leads term 3');

  await page.keyboard.press('PageDown');
  await atStep(page, tour, 3);
  seen.push(await hash(page));
  assert.deepEqual(await leaders(page), [[1, 3], [3, 4]], 'step 4: two leaders');
  assert.equal((await nodes(page)).find((n) => n.id === 1).commit, 3, 'the minority leader cannot commit');

  await page.keyboard.press('PageDown');
  await atStep(page, tour, 4);
  assert.deepEqual(await leaders(page), [[3, 4]], 'step 5: n1 stepped down');
  assert.equal(new Set(seen).size, 4, 'each step is a different state');
  assert.equal((await focused(page)).text, 'Next →', 'the dissertation chapters follow');

  // Back with PageUp: each step is rebuilt exactly.
  for (const k of [3, 2, 1]) {
    await page.keyboard.press('PageUp');
    await atStep(page, tour, k);
    assert.equal(await hash(page), seen[k], `step ${k + 1} restored`);
  }
  // And back with Shift+Tab to the Back button, then Enter.
  await tabTo(page, (f) => f.text === '← Back', { back: true });
  await page.keyboard.press('Enter');
  await atStep(page, tour, 0);
  assert.equal(await hash(page), seen[0], 'step 1 restored');
  assert.deepEqual(await leaders(page), [[4, 1]]);

  // Exit by keyboard; the lab stays where the tour left it, paused.
  await tabTo(page, (f) => f.label === 'Exit the tour', { back: true });
  await page.keyboard.press('Enter');
  await page.waitForSelector('.tour-card', { state: 'detached' });
  assert.equal(await hash(page), seen[0]);

  // Outside a tour, PageDown steps one event and PageUp undoes it.
  const before = await events(page);
  await page.keyboard.press('PageDown');
  await page.waitForFunction((n) => +document.querySelector('.clock').dataset.events > n, before);
  assert.notEqual(await hash(page), seen[0]);
  await page.keyboard.press('PageUp');
  await page.waitForFunction((n) => +document.querySelector('.clock').dataset.events === n, before);
  assert.equal(await hash(page), seen[0], 'PageUp undid the event');
  assert.equal(await page.locator('.invariants li.fails').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the gallery opens from the keyboard and loads a preset, whose events the live region says in words', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await tabTo(page, (f) => f.text === 'Presets');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.gallery .preset-card');
  assert.equal((await focused(page)).preset, 'raft-default', 'the first card has the focus');
  const cards = await page.$$eval('.preset-card', (cs) => cs.map((c) => c.dataset.preset));
  for (const id of ['raft-split-vote', 'raft-zombie-leader', 'raft-minority-partition', 'quorum-stale-read',
    'quorum-sloppy-handoff', 'gossip-partition', 'ring-default']) {
    assert.ok(cards.includes(id), `the gallery lists ${id}`);
  }
  // Tab stays inside the dialog: Shift+Tab from the first card reaches Close,
  // then wraps round to the last card.
  await page.keyboard.press('Shift+Tab');
  assert.equal((await focused(page)).label, 'Close');
  await page.keyboard.press('Shift+Tab');
  assert.equal((await focused(page)).preset, cards[cards.length - 1]);
  await tabTo(page, (f) => f.preset === 'quorum-sloppy-handoff');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('.overlay'));
  await page.waitForSelector('.panel.quorum');
  assert.match(page.url(), /#\/quorum/);
  assert.match(await page.textContent('.scenario-name'), /sloppy quorum keeps a hint/);
  // The polite live region says what happens, in words, as the run plays.
  const live = '[role="status"][aria-live="polite"]';
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  await page.waitForFunction((sel) => /n1 crashed/.test(document.querySelector(sel).textContent), live, { timeout: 20000 });
  await page.waitForFunction((sel) => /n1 restarted/.test(document.querySelector(sel).textContent), live, { timeout: 30000 });
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [id, selector] of [['clocks', 'svg .node'], ['gossip', '.gossip-canvas canvas'], ['quorum', '.quorum-history'], ['ring', '.ring-canvas canvas'], ['paxos', '.slot-table'], ['2pc', '.tx-table']]) {
  test(`the ${id} tour opens from its lab and steps with PageDown / PageUp`, async () => {
    const tour = await tourOf(id);
    const { page, errors } = await openRoute(browser, server.url, `#/${id}`, selector);
    await tabTo(page, (f) => f.text === 'Tour');
    await page.keyboard.press('Enter');
    await atStep(page, tour, 0);
    const first = await hash(page);
    await page.keyboard.press('PageDown');
    await atStep(page, tour, 1);
    assert.notEqual(await hash(page), first);
    await page.keyboard.press('PageUp');
    await atStep(page, tour, 0);
    assert.equal(await hash(page), first);
    assert.equal(await page.locator('.invariants li.fails').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the tour card never covers the cluster, wide or narrow', async () => {
  for (const [width, height] of [[1440, 900], [390, 844]]) {
    const { page, errors } = await openRoute(browser, server.url, '#/raft', 'svg .node', { width, height });
    await page.getByRole('button', { name: 'Tour' }).click();
    await page.waitForSelector('.tour-card');
    const card = await page.locator('.tour-card').boundingBox();
    const drawing = await page.locator('.stage .topology svg').first().boundingBox();
    const overlap = card.x < drawing.x + drawing.width && drawing.x < card.x + card.width
      && card.y < drawing.y + drawing.height && drawing.y < card.y + card.height;
    assert.ok(!overlap, `${width}px: card ${JSON.stringify(card)} overlaps the drawing ${JSON.stringify(drawing)}`);
    assert.ok(card.x >= 0 && card.x + card.width <= width, `${width}px: the card fits the width`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
