// End-to-end: the log viewer (viewer/) opens real logs by file picker,
// drag and drop and paste: ShiViz's example logs with exactly the hosts,
// events and messages `faultline import shiviz` finds in them, with the
// causal cone, compare, hide, highlight and search; a Jepsen etcd history
// with its verdict and the operation that cannot be placed; bad input with
// what is wrong and on which line; 100,000 events with progress and no
// long freeze.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch } from './lib.mjs';
import { shivizLog } from './fixtures/shiviz-gen.mjs';

const ROOT = new URL('../', import.meta.url);
const SHIVIZ = (f) => new URL(`crates/cli/tests/shiviz/${f}`, ROOT).pathname;
const JEPSEN = (f) => new URL(`crates/core/tests/corpus/linearizability/jepsen/${f}`, ROOT).pathname;

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The viewer's start page, with page errors collected. */
async function viewer() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${server.url}viewer/`);
  await page.waitForSelector('.drop-zone');
  return page;
}

/** The diagram's counts line ("39 events on 3 hosts · 16 messages"). */
async function counts(page) {
  return page.locator('.log-view .spacetime h3 .dim').innerText();
}

/** Opens the bundled example called `label`. */
async function example(page, label) {
  await page.getByRole('button', { name: label }).click();
}

test('a ShiViz log opens from the file picker with the hosts, events and messages of its clocks', async () => {
  const page = await viewer();
  await page.setInputFiles('input[type=file]', SHIVIZ('simpledb.log'));
  await page.waitForSelector('.log-view svg circle');
  // What `faultline import shiviz crates/cli/tests/shiviz/simpledb.log`
  // prints: 5 hosts, 509 events, 95 messages.
  assert.equal(await counts(page), '509 events on 5 hosts · 95 messages');
  assert.deepEqual(await page.locator('.host-list .host .mono').allInnerTexts(), ['24464', '24468', '24469', '24470', '24471']);
  assert.match(await page.locator('.viewer-bar').innerText(), /simpledb\.log/);
  // The window scrolls through all the columns.
  const window = await page.locator('.log-tools .small.dim').innerText();
  assert.match(window, /^columns 1–40 of \d+$/);
  await page.getByRole('button', { name: 'Later' }).click();
  assert.match(await page.locator('.log-tools .small.dim').innerText(), /^columns 21–60 of/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an event shows its causal past and future; shift-click compares two', async () => {
  const page = await viewer();
  await example(page, 'ShiViz: a reliable broadcast');
  await page.waitForSelector('.log-view svg circle');
  assert.equal(await counts(page), '39 events on 3 hosts · 16 messages');
  // node2's first receive (line 9, clock {"node0":3, "node2":1}): what
  // happened before it is exactly node0's first three events.
  const target = page.locator('.log-view circle[data-event="8"]');
  await target.click();
  await page.waitForSelector('.event-detail');
  const detail = await page.locator('.event-detail').innerText();
  assert.match(detail, /^node2 · line 9 · Received SLDeliver/);
  assert.match(detail, /\{"node0":3, "node2":1\}/);
  const [, past, future, concurrent] = /causal past (\d+) · future (\d+) · concurrent (\d+)/.exec(detail).map(Number);
  assert.equal(past, 3);
  assert.deepEqual((await page.locator('.log-view circle.past title').allTextContents()).map((t) => t.split(':')[0]), ['node0', 'node0', 'node0']);
  assert.ok(future > 0 && concurrent > 0);
  assert.equal(await page.locator('.log-view circle.past').count(), past);
  assert.equal(await page.locator('.log-view circle.future').count(), future);
  assert.equal(await page.locator('.log-view circle.concurrent').count(), concurrent);
  assert.match(detail, /date: 10\/13\/2014/, 'the parser\'s other groups are shown as fields');
  // A past event happened before it.
  const earlier = page.locator('.log-view circle.past').first();
  await earlier.click({ modifiers: ['Shift'] });
  await page.waitForSelector('.log-view .relation');
  assert.match(await page.locator('.log-view .relation').innerText(), /b happened before a/);
  const other = page.locator('.log-view circle.concurrent').first();
  await other.click({ modifiers: ['Shift'] });
  await page.waitForFunction(() => /concurrent/.test(document.querySelector('.log-view .relation')?.innerText));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('hiding a host keeps what happened before through it; highlight and search mark events', async () => {
  const page = await viewer();
  await example(page, 'ShiViz: a reliable broadcast');
  await page.waitForSelector('.log-view svg circle');
  const title = (c) => c.locator('title').textContent();
  // The last event of node2, and its past on each host.
  const node2 = page.locator('.log-view circle', { has: page.locator('title', { hasText: /^node2:/ }) });
  const last = node2.last();
  const name = await title(last);
  await last.click();
  const pastOf = async () => (await page.locator('.log-view circle.past title').allTextContents()).sort();
  await page.waitForSelector('.log-view circle.past');
  const before = await pastOf();
  const onNode1 = await page.locator('.log-view circle', { has: page.locator('title', { hasText: /^node1:/ }) }).count();
  assert.ok(onNode1 > 0);
  assert.ok(['node0', 'node1'].every((h) => before.some((t) => t.startsWith(`${h}:`))), 'its past spans every host');
  await page.locator('.host', { hasText: 'node1' }).getByRole('button', { name: 'Hide' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.host.hidden').length === 1);
  assert.match(await counts(page), new RegExp(`^${39 - onNode1} events on 2 hosts`));
  assert.equal(await page.locator('.log-view circle').count(), 39 - onNode1);
  await page.locator('.log-view circle', { has: page.locator('title', { hasText: name }) }).click();
  await page.waitForSelector('.log-view circle.chosen');
  // node0's events in its past are still in its past, through node1 or not.
  assert.deepEqual(await pastOf(), before.filter((t) => !t.startsWith('node1:')));
  await page.locator('.host', { hasText: 'node1' }).getByRole('button', { name: 'Show' }).click();
  assert.match(await counts(page), /^39 events on 3 hosts/);

  await page.locator('.host', { hasText: 'node0' }).getByRole('button', { name: 'Highlight' }).click();
  await page.waitForSelector('.log-view .lane.lit');
  assert.equal(await page.locator('.log-view .lane.lit').count(), 1);
  const onNode0 = await page.locator('.log-view circle', { has: page.locator('title', { hasText: /^node0:/ }) }).count();
  assert.equal(await page.locator('.log-view circle.faded').count(), 39 - onNode0);

  await page.fill('input[type=search]', 'ack(');
  await page.waitForSelector('.log-view circle.found');
  const found = await page.locator('.log-view circle.found').count();
  assert.ok(found > 0);
  assert.equal(await page.locator('.log-tools [role=status]').innerText(), `${found} events match`);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForSelector('.event-detail');
  assert.match(await page.locator('.event-detail').innerText(), /ACK\(/);
  // Next walks every match in turn, then starts over.
  const seen = new Set([await page.locator('.event-detail').innerText()]);
  for (let i = 1; i < found; i++) {
    const was = await page.locator('.event-detail').innerText();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForFunction((was) => document.querySelector('.event-detail')?.innerText !== was, was);
    seen.add(await page.locator('.event-detail').innerText());
  }
  assert.equal(seen.size, found, 'Next visits each match once');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a Jepsen etcd history opens with its verdict and the operation that cannot be placed', async () => {
  const page = await viewer();
  // An example read with its own ShiViz parser first: the next file is
  // still detected for what it is.
  await example(page, 'ShiViz: a reliable broadcast');
  await page.waitForSelector('.log-view svg circle');
  await page.setInputFiles('input[type=file]', JEPSEN('etcd_000.log'));
  await page.waitForSelector('.history-view svg');
  const verdict = await page.locator('.verdict').innerText();
  assert.match(verdict, /✗ Not linearizable: the \d+ operations that return before line \d+ can be placed in one order; client \d+: read → \d+ \(line \d+–line \d+\) cannot be placed after them\./);
  // The same offending set `faultline check-linearizable` reports.
  assert.match(verdict, /client 0: write 1 -> ok, lines 74-75/);
  assert.match(verdict, /client 11: read -> 2, lines 85-86/);
  assert.equal(await page.locator('.history-view .bar.stuck').count(), 1);
  assert.ok(await page.locator('.history-view .bar.placed').count() > 10);
  await page.getByRole('button', { name: 'Zoom to where it fails' }).click();
  assert.equal(await page.locator('.history-view .fail-line').count(), 1);
  assert.match(await page.locator('.history-view .log-tools .small.dim').innerText(), /^line \d+ – line \d+$/);
  // A linearizable one says so.
  await page.setInputFiles('input[type=file]', JEPSEN('etcd_002.log'));
  await page.waitForSelector('.verdict.ok');
  assert.match(await page.locator('.verdict').innerText(), /✓ Linearizable/);
  assert.equal(await page.locator('.history-view .bar.stuck').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('bad input says what is wrong and on which line', async () => {
  const page = await viewer();
  const tryPaste = async (text, parser = '') => {
    await page.fill('textarea', text);
    await page.fill('input[aria-label="ShiViz parser"]', parser);
    const was = await page.evaluate(() => document.querySelector('.drop-zone .error')?.innerText ?? '');
    await page.getByRole('button', { name: 'Open the pasted text' }).click();
    await page.waitForFunction((was) => {
      const now = document.querySelector('.drop-zone .error')?.innerText;
      return now && now !== was;
    }, was);
    return page.locator('.drop-zone .error').innerText();
  };
  const good = 'start\na {"a":1}\nsend\na {"a":2}\n';
  assert.match(await tryPaste('start\na {"a":1}\nsend\na {"a":2,}\n'), /line 3: the clock \{"a":2,\} is not JSON/);
  assert.match(await tryPaste('start\na {"a":1}\ngot\nb {"a":1}\n'), /line 3: the clock \{"a":1\} has no count for its own host "b"/);
  assert.match(await tryPaste('b one\nb {"b":1}\na hears b\na {"a":1,"b":1}\na forgets\na {"a":2}\n'), /line 5: a's clock for b went back from 1 \(line 3\) to 0/);
  assert.match(await tryPaste(good, '(?<host>\\S+) (?<event>.*)'), /no group named clock/);
  assert.match(await tryPaste(good, '(?<host>(\\S+) (?<clock>.*) (?<event>.*)'), /not a regular expression/);
  assert.match(await tryPaste('INFO  jepsen.util - 3\t:ok\t:write\t1\n'), /line 1: process 3 completes an operation it never invoked/);
  await page.setInputFiles('input[type=file]', { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]) });
  await page.waitForFunction(() => /photo\.png/.test(document.querySelector('.drop-zone .error')?.innerText));
  assert.match(await page.locator('.drop-zone .error').innerText(), /photo\.png is not a text file \(a zero byte at offset 4\)/);
  // Windows line ends read as plain ones.
  await page.fill('textarea', good.replaceAll('\n', '\r\n'));
  await page.getByRole('button', { name: 'Open the pasted text' }).click();
  await page.waitForSelector('.log-view svg circle');
  assert.equal(await counts(page), '2 events on 1 host · 0 messages');
  await page.getByRole('button', { name: 'Close' }).click();
  // A good paste still opens after all that.
  await page.fill('input[aria-label="ShiViz parser"]', '');
  await page.fill('textarea', good);
  await page.getByRole('button', { name: 'Open the pasted text' }).click();
  await page.waitForSelector('.log-view svg circle');
  assert.equal(await counts(page), '2 events on 1 host · 0 messages');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a dropped log of 100,000 events opens with progress and no long freeze', async () => {
  const page = await viewer();
  await page.evaluate(`(() => { ${shivizLog.toString()}; window.__log = shivizLog(100000, 10).text; })()`);
  // Frames drawn while it opens, and whether the progress bar showed.
  await page.evaluate(() => {
    window.__gaps = [];
    window.__progress = false;
    let last = performance.now();
    const frame = (t) => {
      window.__gaps.push(t - last);
      last = t;
      if (document.querySelector('.viewer-busy progress')?.value > 0) window.__progress = true;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File([window.__log], 'big.log', { type: 'text/plain' }));
    document.querySelector('.viewer').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  // A small log dropped while the big one is still being read replaces
  // it: the big one's result, when it comes, is not shown.
  await page.waitForFunction(() => document.querySelector('.viewer-busy progress')?.value > 0.05);
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['start\na {"a":1}\n'], 'small.log', { type: 'text/plain' }));
    document.querySelector('.viewer').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('.log-view svg circle');
  assert.match(await page.locator('.viewer-bar').innerText(), /small\.log/);
  await page.waitForTimeout(3000);
  assert.match(await page.locator('.viewer-bar').innerText(), /small\.log/, 'the older open gave way');
  assert.equal(await counts(page), '1 event on 1 host · 0 messages');
  // Dropped alone, it opens.
  await page.evaluate(() => { window.__gaps.length = 0; window.__progress = false; });
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File([window.__log], 'big.log', { type: 'text/plain' }));
    document.querySelector('.viewer').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('.viewer-bar:has-text("big.log")', { timeout: 60000 });
  await page.waitForSelector('.log-view svg circle', { timeout: 60000 });
  const { received } = shivizLog(100000, 10);
  // Every received message is a message of the diagram, unless the
  // receiver already knew everything it carried.
  const [, events, hosts, messages] = /^(\d+) events on (\d+) hosts · (\d+) messages$/.exec(await counts(page)).map(Number);
  assert.deepEqual([events, hosts], [100000, 10]);
  assert.ok(messages > 0 && messages <= received, `${messages} messages of ${received} received`);
  assert.ok(await page.evaluate(() => window.__progress), 'a progress bar showed while it opened');
  const gap = await page.evaluate(() => Math.max(...window.__gaps));
  assert.ok(gap < 500, `the longest time between two frames while it opened was ${gap.toFixed(0)} ms`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the diagram and the history save as SVG and PNG', async () => {
  const page = await viewer();
  await example(page, 'ShiViz: a load balancer');
  await page.waitForSelector('.log-view svg circle');
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('.log-view .save-as button[data-export="svg"]')]);
  assert.equal(svg.suggestedFilename(), 'faultline-log.svg');
  const text = await readFile(await svg.path(), 'utf8');
  assert.match(text, /^<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(text, /loadBalancer/);
  await page.getByRole('button', { name: 'Close' }).click();
  await example(page, 'Jepsen: an etcd register');
  await page.waitForSelector('.history-view svg');
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('.history-view .save-as button[data-export="png"]')]);
  assert.equal(png.suggestedFilename(), 'faultline-history.png');
  assert.equal((await readFile(await png.path())).subarray(1, 4).toString(), 'PNG');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the lab's ShiViz export opens in the viewer, every event on its host", async () => {
  const lab = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await lab.goto(`${server.url}#/clocks`);
  await lab.waitForFunction(() => document.querySelectorAll('.spacetime circle.point').length > 8);
  await lab.keyboard.press(' ');
  const [download] = await Promise.all([
    lab.waitForEvent('download'),
    lab.getByRole('button', { name: 'Export ShiViz log' }).click(),
  ]);
  const text = await readFile(await download.path(), 'utf8');
  const events = text.trimEnd().split('\n').length - 2;
  const hosts = new Set(text.trimEnd().split('\n').slice(2).map((l) => l.split(' ')[0])).size;
  const page = await viewer();
  // The log carries its parser on its first line; the page reads it with
  // the browser's RegExp, as ShiViz does.
  await page.setInputFiles('input[type=file]', { name: 'run.log', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.waitForSelector('.log-view svg circle');
  assert.match(await counts(page), new RegExp(`^${events} events on ${hosts} hosts · \\d+ messages$`));
  assert.deepEqual(page.errors, []);
  await page.close();
  await lab.close();
});

test('a lab in the dark theme opens the viewer in the dark theme', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}#/raft?theme=dark`);
  await page.waitForSelector('.spacetime');
  await page.getByRole('link', { name: 'Open a log…' }).click();
  await page.waitForSelector('.drop-zone');
  assert.match(page.url(), /viewer\/\?theme=dark$/);
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('theme-dark')));
  await page.close();
});
