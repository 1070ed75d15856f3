// End-to-end accessibility: axe-core's WCAG 2 A/AA rules on every lab, in
// each theme and with each dialog open; reduced motion is respected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, now } from './lib.mjs';

const AXE = await readFile(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** axe-core's WCAG 2 A and AA violations on the page as it stands. */
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => (await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }))
    .violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
}

test('every lab passes axe in light, dark and presenter looks', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  for (const lab of ['raft', 'clocks', 'gossip', 'quorum', 'ring', 'paxos', '2pc']) {
    for (const look of ['', '?theme=dark', '?presenter', '?embed&theme=dark']) {
      await page.goto(`${server.url}#/${lab}${look}`);
      await page.waitForSelector('svg .node, canvas');
      await page.waitForTimeout(800);
      await page.keyboard.press(' ');
      assert.deepEqual(await violations(page), [], `#/${lab}${look}`);
    }
  }
  await page.close();
});

test('the dialogs pass axe and are reached from the keyboard', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}#/raft`);
  await page.waitForSelector('svg .node');
  for (const name of ['Share', 'Scenario', 'Presets', 'Keyboard shortcuts']) {
    await page.getByRole('button', { name, exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.overlay .dialog');
    assert.deepEqual(await violations(page), [], name);
    // The dialog holds the focus: Tab and Shift+Tab cycle inside it.
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press(key);
        assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.dialog')), `${name}: ${key} ×${i + 1} left the dialog`);
      }
    }
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.overlay'));
  }
  await page.close();
});

test('with reduced motion the lab opens paused and does not animate', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}#/raft`);
  await page.waitForSelector('svg .node');
  const t0 = await now(page);
  await page.waitForTimeout(700);
  assert.equal(await now(page), t0, 'the clock moved');
  assert.equal(await page.getAttribute('.controls .play', 'aria-label'), 'Play');
  // An explicit autoplay still plays.
  await page.goto(`${server.url}#/gossip?autoplay=1`);
  await page.waitForSelector('.gossip-canvas canvas');
  await page.waitForFunction(() => +document.querySelector('.clock').dataset.nowMs > 100);
  await context.close();
});

test('the log viewer passes axe: its start, a log and a failing history, in both themes', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const theme of ['', 'theme-dark']) {
    await page.goto(`${server.url}viewer/`);
    await page.evaluate((t) => { if (t) document.documentElement.classList.add(t); }, theme);
    await page.waitForSelector('.drop-zone');
    assert.deepEqual(await violations(page), [], `start ${theme}`);
    await page.getByRole('button', { name: 'ShiViz: a reliable broadcast' }).click();
    await page.locator('.log-view circle').nth(8).click();
    assert.deepEqual(await violations(page), [], `log ${theme}`);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Jepsen: an etcd register' }).click();
    await page.waitForSelector('.history-view svg');
    assert.deepEqual(await violations(page), [], `history ${theme}`);
  }
  await page.close();
});
