// End-to-end: shared links reproduce the run, embeds fit their frames, the
// docs pages work from a sub-path, and malformed links say what is wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openLab, faster, until, leader, now } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Collects console and page errors of `page`. */
function watch(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** The clock's time, trace hash and event count. */
const clock = (page) => page.$eval('.clock', (c) => ({
  now: c.dataset.nowMs, hash: c.dataset.traceHash, events: c.dataset.events,
}));

test('a shared link reproduces the run: same time, same trace hash', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await faster(page, 4);
  const first = await until(page, leader, { what: 'a leader' });
  // Break the world: crash the leader, cut a link, send a request.
  await page.keyboard.press(String(first.id + 1));
  await page.keyboard.press('c');
  await page.keyboard.press(String(((first.id + 1) % 5) + 1));
  await page.keyboard.press('q');
  await page.waitForTimeout(1500);
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.inputValue('#share-link');
  const original = await clock(page);
  assert.match(link, /#\/raft\?v=1&s=[A-Za-z0-9_-]+&t=[\d.]+/);
  assert.ok(+original.events > 100, `only ${original.events} events`);
  // The address bar holds the same link.
  assert.equal(page.url(), link);
  await page.getByRole('button', { name: 'Close' }).click();

  const copy = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const copyErrors = watch(copy);
  await copy.goto(link);
  await copy.waitForSelector('svg .node');
  await copy.waitForFunction((h) => document.querySelector('.clock')?.dataset.traceHash === h, original.hash, { timeout: 10000 });
  const reopened = await clock(copy);
  assert.deepEqual(reopened, original);
  // It opens paused where it was shared: a moment later it is still there.
  await copy.waitForTimeout(500);
  assert.deepEqual(await clock(copy), original);
  // And it carries on as the original does.
  await copy.keyboard.press(' ');
  await copy.waitForFunction((t) => +document.querySelector('.clock').dataset.nowMs > t + 50, +original.now);
  assert.deepEqual(errors, []);
  assert.deepEqual(copyErrors, []);
  await page.close();
  await copy.close();
});

test('reload and Back return to the run the address bar names', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors = watch(page);
  await page.goto(server.url + '#/gossip?preset=gossip-partition');
  await page.waitForSelector('.gossip-canvas canvas');
  await page.keyboard.press('1');
  await page.keyboard.press('c');
  await page.keyboard.press(' ');
  // Paused, and the address written at the pause: read the clock only then
  // (read while still playing, it could be behind the time the link holds).
  await page.waitForSelector('button:has-text("▶ Play")');
  await page.waitForFunction(() => /[?&]s=/.test(location.hash));
  const before = await clock(page);
  await page.reload();
  await page.waitForSelector('.gossip-canvas canvas');
  await page.waitForFunction((h) => document.querySelector('.clock')?.dataset.traceHash === h, before.hash);
  await page.getByRole('link', { name: 'Raft' }).click();
  await page.waitForSelector('.loggrid');
  await page.goBack();
  await page.waitForFunction((h) => document.querySelector('.clock')?.dataset.traceHash === h, before.hash);
  assert.deepEqual(await clock(page), before);
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed mode fits a 400×300 iframe without scrollbars, in every lab', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  const errors = watch(page);
  const labs = [
    ['raft', 'svg .node', ''], ['clocks', 'svg .node', '&controls=minimal'], ['gossip', 'canvas', '&theme=dark'],
    ['quorum', 'svg .node', '&controls=none'], ['ring', 'canvas', ''], ['paxos', 'svg .node', '&theme=dark'], ['2pc', 'svg .node', '&controls=minimal'],
  ];
  await page.setContent(labs.map(([lab, , opts]) =>
    `<iframe id="lab-${lab}" width="400" height="300" style="border:0" src="${server.url}#/${lab}?embed${opts}"></iframe>`).join(''));
  for (const [lab, selector, opts] of labs) {
    const frame = await (await page.$(`#lab-${lab}`)).contentFrame();
    await frame.waitForSelector(selector);
    await frame.waitForTimeout(300);
    const box = await frame.evaluate(() => {
      const d = document.documentElement;
      const draw = document.querySelector('.drawing').getBoundingClientRect();
      return {
        scrollW: d.scrollWidth, scrollH: d.scrollHeight, w: d.clientWidth, h: d.clientHeight,
        header: !!document.querySelector('header.top'), side: !!document.querySelector('.side'),
        drawH: draw.height, bottom: Math.max(...[...document.querySelectorAll('.app *')].map((e) => e.getBoundingClientRect().bottom)),
        controls: !!document.querySelector('.controls'), minimal: !!document.querySelector('.controls.minimal'),
        dark: document.documentElement.classList.contains('theme-dark'),
      };
    });
    assert.ok(box.scrollW <= box.w && box.scrollH <= box.h, `${lab}: scrolls ${JSON.stringify(box)}`);
    assert.ok(box.bottom <= 300.5, `${lab}: content ends at ${box.bottom}px`);
    assert.ok(box.drawH >= 150, `${lab}: the drawing is ${box.drawH}px tall`);
    assert.equal(box.header || box.side, false, `${lab}: chrome shows`);
    assert.equal(box.controls, !opts.includes('none'), lab);
    assert.equal(box.minimal, opts.includes('minimal'), lab);
    assert.equal(box.dark, opts.includes('dark'), lab);
  }
  await page.screenshot({ path: new URL('./artifacts/embeds-400x300.png', import.meta.url).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});

test('malformed and hostile links each say what is wrong and open the default lab', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors = watch(page);
  await page.goto(server.url + '#/raft');
  await page.waitForSelector('svg .node');
  const good = `${server.url}#/raft?v=1&s=${'A'.repeat(10)}`;
  const cases = [
    ['#/raft?v=1&s=7ZRdT9swFIb', '`s`: the scenario is damaged'],
    ['#/raft?v=9&s=AAAA', 'newer faultline'],
    ['#/raft?s=AAAA', '`v`: missing'],
    ['#/gossip?t=1e999', '`t`: `1e999` is not a time'],
    ['#/raft?t=99999999999999999999', '`t`'],
    ['#/raft?node=99999999999', '`node`'],
    ['#/raft?node=9', 'this run has no node n9'],
    ['#/ring?speed=-1', '`speed`'],
    ['#/raft?colour=red', 'unknown option `colour`'],
    ['#/quorum?preset=quorum-nothing', 'no preset "quorum-nothing"'],
    ['#/raft?tour=raft&step=99', '`step`: the raft tour has steps 0 to'],
    ['#/raft?tour=zab', '`tour`: there is no tour "zab"'],
    ['#/raft?preset=gossip-partition', 'a preset of the gossip lab'],
    ['#/zab', 'no `zab` lab'],
    ['#/raft?embed=maybe', '`embed`: `maybe` is not 1 or 0'],
    [`#/raft?${'x'.repeat(70000)}`, 'bytes long'],
    [good.slice(good.indexOf('#')), '`s`'],
  ];
  for (const [hash, message] of cases) {
    const started = Date.now();
    await page.goto(server.url + '#/raft?preset=raft-default');
    await page.waitForFunction(() => !document.querySelector('.toast'));
    await page.goto(server.url + hash);
    await page.waitForSelector('.toast', { timeout: 5000 }).catch(() => {
      throw new Error(`${hash.slice(0, 60)}: no message`);
    });
    const text = await page.textContent('.toast');
    assert.ok(text.includes(message), `${hash.slice(0, 60)}: "${text}" does not say "${message}"`);
    assert.ok(Date.now() - started < 5000, `${hash.slice(0, 60)} took ${Date.now() - started} ms`);
    // The default lab of the path's protocol runs underneath.
    assert.ok(await page.locator('svg .node, canvas').count() > 0, hash.slice(0, 60));
  }
  // A link to a far time opens at once, where the replay budget ends, and says so.
  await page.goto(server.url + '#/raft?t=999999999');
  await page.waitForSelector('.toast');
  assert.match(await page.textContent('.toast'), /further than the lab replays/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the docs pages work from a sub-path: options, builder and two embedded labs', async () => {
  const sub = await serve(undefined, '/docs/faultline/');
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = watch(page);
  try {
    await page.goto(sub.url + 'example.html');
    const frames = page.locator('iframe.lab');
    assert.equal(await frames.count(), 2);
    for (const [i, selector] of [[0, 'svg .node'], [1, 'svg .node']]) {
      await frames.nth(i).scrollIntoViewIfNeeded();
      const frame = await (await frames.nth(i).elementHandle()).contentFrame();
      await frame.waitForSelector(selector);
      assert.equal(await frame.locator('header.top').count(), 0);
    }
    await page.goto(sub.url + 'embed.html');
    await page.selectOption('#b-lab', 'gossip');
    await page.selectOption('#b-preset', 'gossip-partition');
    await page.selectOption('#b-controls', 'minimal');
    const code = await page.textContent('#b-code');
    assert.ok(code.includes(`${sub.url}index.html#/gossip?embed&amp;preset=gossip-partition&amp;controls=minimal`), code);
    const frame = await (await page.$('#b-frame')).contentFrame();
    await frame.waitForSelector('.controls.minimal');
    await frame.waitForSelector('.gossip-canvas canvas');
    // The lab itself links back to the docs.
    await page.goto(sub.url + 'index.html#/raft');
    await page.getByRole('button', { name: 'Share' }).click();
    const href = await page.getAttribute('a[href="embed.html"]', 'href');
    assert.equal(href, 'embed.html');
    assert.ok((await page.inputValue('#share-link')).startsWith(sub.url + 'index.html#/raft?v=1&s='));
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await sub.close();
  }
});
