// End-to-end: the built site in real headless Chromium, driven like a user.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openLab, openRoute, faster, nodes, until, leader, now, scenarioOf, DIST } from './lib.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the default lab opens playing and elects a leader within seconds', async () => {
  const { page, errors } = await openLab(browser, server.url);
  assert.match(page.url(), /#\/raft$/);
  const started = Date.now();
  const l = await until(page, leader, { timeout: 15000, what: 'a leader' });
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 10, `first leader after ${seconds}s`);
  assert.ok(l.term >= 1);
  assert.equal(await page.locator('svg .node[data-role="leader"][data-status="up"]').count(), 1);
  assert.equal(await page.locator('.invariants li.holds').count(), 6);
  assert.deepEqual(errors, []);
  await page.close();
});

test('crashing the leader from its panel elects a new one in a higher term', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await faster(page, 3);
  const old = await until(page, leader, { what: 'a first leader' });
  await page.click(`svg .node[data-node="${old.id}"]`);
  await page.getByRole('button', { name: 'Crash', exact: true }).click();
  await until(page, (ns) => ns.find((n) => n.id === old.id && n.status === 'crashed'), { what: 'the crash' });
  const next = await until(page, (ns) => {
    const l = leader(ns);
    return l && l.id !== old.id && l.term > old.term ? l : null;
  }, { what: 'a new leader' });
  assert.notEqual(next.id, old.id);
  // Restart it: it rejoins as a follower of the new term.
  await page.locator('.panel.node').getByRole('button', { name: 'Restart', exact: true }).click();
  await until(page, (ns) => {
    const n = ns.find((x) => x.id === old.id);
    return n.status === 'up' && n.role === 'follower' && n.term >= next.term;
  }, { what: 'the old leader to rejoin as a follower' });
  assert.equal(await page.locator('.invariants li.fails').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a leader cut off in a minority partition cannot commit; the majority can', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await faster(page, 3);
  const old = await until(page, (ns) => { const l = leader(ns); return l && l.commit >= 1 ? l : null; },
    { what: 'a leader with a commit' });
  const follower = (await nodes(page)).find((n) => n.id !== old.id);
  // Draw the partition: the leader and one follower on the small side.
  await page.getByRole('button', { name: 'Draw partition' }).click();
  await page.click(`svg .node[data-node="${old.id}"]`);
  await page.click(`svg .node[data-node="${follower.id}"]`);
  await page.getByRole('button', { name: 'Apply partition' }).click();
  await page.waitForSelector('.faults .partition');
  // A client writes to the cut-off leader: it appends but cannot commit.
  await page.click(`svg .node[data-node="${old.id}"]`);
  await page.fill('input[aria-label="Client request"]', 'set stranded=1');
  await page.getByRole('button', { name: 'Send request' }).click();
  const before = (await nodes(page)).find((n) => n.id === old.id);
  assert.ok(before.last > before.commit, 'the entry is appended');
  // The majority elects a leader of a higher term and commits its own entries.
  const fresh = await until(page, (ns) => {
    const l = ns.filter((n) => n.role === 'leader' && n.status === 'up' && n.id !== old.id && n.id !== follower.id)[0];
    return l && l.commit > before.commit ? l : null;
  }, { what: 'the majority to elect and commit' });
  assert.ok(fresh.term > old.term);
  const stranded = (await nodes(page)).find((n) => n.id === old.id);
  assert.equal(stranded.commit, before.commit, 'the minority leader committed nothing new');
  assert.equal(stranded.term, old.term, 'it still believes its old term');
  await page.click(`svg .node[data-node="${fresh.id}"]`);
  assert.doesNotMatch(await page.textContent('.panel.node .facts'), /stranded/, 'the majority never applied it');
  assert.equal(await page.locator('.invariants li.fails').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('links are drawn cut exactly when the network cuts them', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.getByRole('button', { name: 'Scenario' }).click();
  await page.fill('textarea[aria-label="Scenario JSON"]', JSON.stringify({
    protocol: 'raft', nodes: 4, seed: 1,
    schedule: [{ at_ms: 0, op: 'partition', groups: [[0, 1]] }, { at_ms: 0, op: 'cut', from: 0, to: 1 }],
  }));
  await page.getByRole('button', { name: 'Load' }).click();
  await page.waitForSelector('.faults .partition');
  const cls = (l) => page.getAttribute(`svg g.link[data-link="${l}"]`, 'class');
  assert.match(await cls('2-3'), /\bcut\b/, 'n2 and n3 are each alone');
  assert.match(await cls('0-2'), /\bcut\b/);
  assert.match(await cls('0-1'), /one-way/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the scrubber goes back in time and replays the same history', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await faster(page, 3);
  await until(page, (ns) => { const l = leader(ns); return l && l.commit >= 2 ? l : null; }, { what: 'commits' });
  await page.keyboard.press(' '); // pause
  const t1 = await now(page);
  const at1 = await nodes(page);
  const hash1 = await page.getAttribute('.clock', 'data-trace-hash');
  const events1 = await page.getAttribute('.clock', 'data-events');
  const scrub = page.locator('input[aria-label="Timeline"]');
  const seek = (ms) => scrub.evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
  await seek(t1 / 4);
  const t0 = await now(page);
  assert.ok(Math.abs(t0 - t1 / 4) < 1, `went back to ${t0}, wanted ${t1 / 4}`);
  const at0 = await nodes(page);
  assert.ok(at0.every((n, i) => n.last <= at1[i].last), 'logs are shorter in the past');
  assert.ok(at0.some((n, i) => n.last < at1[i].last || n.term < at1[i].term), 'the past differs from the present');
  await seek(t1);
  assert.ok(Math.abs((await now(page)) - t1) < 1);
  assert.deepEqual(await nodes(page), at1, 'forward again: the same state as before');
  assert.equal(await page.getAttribute('.clock', 'data-trace-hash'), hash1, 'the same trace, event for event');
  assert.equal(await page.getAttribute('.clock', 'data-events'), events1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a malformed scenario shows what is wrong and where, and the lab keeps running', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.getByRole('button', { name: 'Scenario' }).click();
  const area = page.locator('textarea[aria-label="Scenario JSON"]');
  for (const [text, expected] of [
    ['{"protocol":"raft","nodes":0}', /nodes: 0 is out of range/],
    ['{"protocol":"raft","schedule":[{"at_ms":5,"op":"crash","node":99}]}', /schedule\[0\]\.node/],
    ['{"protocol":"raft",', /EOF while parsing/],
    ['{"protocol":"zab"}', /protocol.*zab/],
    ['{"protocol":"raft","params":{"heartbeat_ms":0}}', /params: heartbeat_ms 0 must be above 0/],
  ]) {
    await area.fill(text);
    await page.getByRole('button', { name: 'Load' }).click();
    await assert.doesNotReject(page.waitForSelector('.dialog .error'));
    assert.match(await page.textContent('.dialog .error'), expected);
  }
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.locator('svg .node').count(), 5);
  const t = await now(page);
  await page.waitForTimeout(500);
  assert.ok((await now(page)) > t, 'the lab is still playing');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a scenario of another lab opens on that lab\'s page, and its errors are named there', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.getByRole('button', { name: 'Scenario' }).click();
  await page.locator('textarea[aria-label="Scenario JSON"]').fill('{"protocol":"gossip","nodes":12,"seed":3}');
  await page.getByRole('button', { name: 'Load' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#/gossip?v=1&s='));
  await page.waitForSelector('.gossip-canvas canvas');
  assert.equal(await page.evaluate(() => wasmBindings.faultline_has_lab('gossip')), true);
  await page.goto(server.url + '#/raft');
  await page.waitForSelector('svg .node');
  await page.getByRole('button', { name: 'Scenario' }).click();
  await page.locator('textarea[aria-label="Scenario JSON"]').fill('{"protocol":"gossip","params":{"fanout":0}}');
  await page.getByRole('button', { name: 'Load' }).click();
  await page.waitForSelector('.toast');
  assert.match(await page.textContent('.toast'), /params\.fanout: 0 is out of range/);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Pauses the lab at an instant with a message in flight. */
async function pauseWithMessage(page) {
  await page.keyboard.press(' ');
  await page.waitForSelector('button.play[aria-label="Play"]');
  await stepToMessage(page);
}

/** Steps the paused lab until a message is in flight. */
async function stepToMessage(page) {
  for (let i = 0; i < 200 && (await page.locator('svg .messages .msg').count()) === 0; i++) {
    await page.keyboard.press('s');
  }
  assert.ok(await page.locator('svg .messages .msg').count() > 0, 'a message in flight');
}

test('from the Network panel a click delays or duplicates a message, a link gets its own latency, and each is a recorded command', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await until(page, leader, { what: 'a leader' });
  await pauseWithMessage(page);
  const net = page.locator('.panel.network');
  await net.getByRole('button', { name: 'delay', exact: true }).click();
  assert.equal(await net.getByRole('button', { name: 'delay', exact: true }).getAttribute('aria-pressed'), 'true');
  await net.locator('input[aria-label="delay by"]').evaluate((el) => {
    el.value = '500';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const msg = page.locator('svg .messages .msg').first();
  assert.match(await msg.getAttribute('aria-label'), /click to delay by 500 ms$/);
  await msg.click();
  await net.getByRole('button', { name: 'duplicate', exact: true }).click();
  await stepToMessage(page);
  await page.locator('svg .messages .msg').first().click();
  // A link's own latency: select n0 ↔ n1, slow n0 → n1 down.
  await page.click('svg .link[data-link="0-1"] .hit', { force: true });
  const slider = net.locator('input[aria-label="n0 → n1"]');
  await slider.evaluate((el) => {
    el.value = '120';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(() => /120–1\d\d ms/.test(document.querySelector('.network .link-actions')?.textContent));
  const ops = (await scenarioOf(page)).schedule.map((c) => c.op);
  assert.ok(ops.includes('delay_message'), ops.join());
  assert.ok(ops.includes('duplicate_message'), ops.join());
  const sched = (await scenarioOf(page)).schedule;
  assert.ok(sched.some((c) => c.op === 'delay_message' && c.by_ms === 500), JSON.stringify(sched));
  assert.ok(sched.some((c) => c.op === 'link' && c.from === 0 && c.to === 1 && c.latency_ms[0] === 120), JSON.stringify(sched));
  assert.deepEqual(errors, []);
  await page.close();
});

test('importing a binary or oversized file is refused before it is read, with its real size', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.getByRole('button', { name: 'Scenario' }).click();
  const before = await page.inputValue('textarea[aria-label="Scenario JSON"]');
  const file = page.locator('.dialog input[type="file"]');
  await file.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13]) });
  await page.waitForSelector('.dialog .error');
  assert.match(await page.textContent('.dialog .error'), /photo\.png is not a text file \(a zero byte at offset 8\)/);
  await file.setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(3_000_000, 0x20) });
  await page.waitForFunction(() => /huge\.json is 3\.0 MB/.test(document.querySelector('.dialog .error')?.textContent));
  assert.equal(await page.inputValue('textarea[aria-label="Scenario JSON"]'), before, 'the text is left as it was');
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard: help overlay, play/pause and stepping one event', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.keyboard.press('?');
  await page.waitForSelector('text=Keyboard shortcuts');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('text=Keyboard shortcuts').count(), 0, 'Escape closes the help');
  await page.keyboard.press(' ');
  const events = async () => +(await page.textContent('.scrub .dim')).split(' ')[0];
  const e0 = await events();
  await page.keyboard.press('s');
  await page.keyboard.press('s');
  assert.equal(await events(), e0 + 2);
  // Select n1 with "2", crash it with "c", restart it with "c" again.
  await page.keyboard.press('2');
  await page.waitForSelector('.panel.node[data-selected="1"]');
  await page.keyboard.press('c');
  await page.waitForSelector('svg .node[data-node="1"][data-status="crashed"]');
  await page.keyboard.press('c');
  await page.waitForSelector('svg .node[data-node="1"][data-status="up"]');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a message the partition kills leaves a mark where it died, which fades once the network heals', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await until(page, leader, { what: 'a leader' });
  const marks = () => page.$$eval('path.drop-mark', (ps) => ps.map((p) => p.getAttribute('d') || '').join(''));
  assert.equal(await marks(), '', 'no message has died yet');
  await page.click('.split button:has-text("2")');
  await page.waitForFunction(() => [...document.querySelectorAll('path.drop-mark')].some((p) => p.getAttribute('d')), null, { timeout: 20000 });
  // Each mark is a cross, 10 units across, on the drawing.
  assert.match(await marks(), /^(M[\d.]+,[\d.]+l10,10m0,-10l-10,10)+$/);
  await page.getByRole('button', { name: 'Heal' }).first().click();
  await page.waitForFunction(() => [...document.querySelectorAll('path.drop-mark')].every((p) => !p.getAttribute('d')), null, { timeout: 20000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a paused lab asks for no animation frames, and Play starts them again', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.evaluate(() => {
    window.__frames = 0;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (f) => { window.__frames += 1; return raf(f); };
  });
  const framesIn = async (ms) => {
    const f0 = await page.evaluate(() => window.__frames);
    await page.waitForTimeout(ms);
    return (await page.evaluate(() => window.__frames)) - f0;
  };
  assert.ok(await framesIn(500) > 5, 'a playing lab animates');
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForTimeout(100);
  assert.equal(await framesIn(1000), 0, 'paused: no frames');
  await page.keyboard.press('s');
  assert.equal(await framesIn(300), 0, 'a step while paused renders once, with no loop');
  await page.getByRole('button', { name: 'Play' }).click();
  assert.ok(await framesIn(500) > 5, 'playing again animates');
  assert.deepEqual(errors, []);
  await page.close();
});

test('every lab fits a 400×300 embed, a 390 px phone, 1280×800 (also presenting) and a 1920×1080 slide: no horizontal scrolling, no clipped control', async () => {
  const sizes = [[400, 300, '?embed'], [390, 844, ''], [1280, 800, ''], [1280, 800, '?presenter'], [1920, 1080, '?presenter']];
  // The header's height at 1280 px, by lab: one height whatever the name.
  const headers = {};
  for (const lab of ['raft', 'clocks', 'gossip', 'quorum', 'ring', 'paxos', '2pc']) {
    for (const [width, height, mode] of sizes) {
      const page = await browser.newPage({ viewport: { width, height } });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.url}#/${lab}${mode}`);
      await page.waitForSelector('.stage svg, .stage canvas');
      await page.waitForTimeout(300);
      const where = `${lab} at ${width}×${height}${mode}`;
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${where}: ${overflow}px of horizontal overflow`);
      // A control whose text does not fit, or that sticks out of the page.
      const clipped = await page.$$eval('button, .controls input', (els) => els
        .filter((b) => b.offsetParent !== null)
        .filter((b) => {
          const r = b.getBoundingClientRect();
          return b.scrollWidth > b.clientWidth + 1 || r.left < -1 || r.right > window.innerWidth + 1;
        })
        .map((b) => b.textContent.trim() || b.getAttribute('aria-label')));
      assert.deepEqual(clipped, [], `${where}: clipped controls`);
      if (mode === '?embed') {
        assert.ok(await page.isVisible('input[aria-label="Timeline"]'), `${where}: the timeline is shown`);
      }
      if (width === 1280 && !mode) {
        headers[lab] = await page.evaluate(() => document.querySelector('.top').getBoundingClientRect().height);
      }
      await page.screenshot({ path: new URL(`./artifacts/sizes/${lab}-${width}x${height}${mode ? '-' + mode.slice(1) : ''}.png`, import.meta.url).pathname });
      assert.deepEqual(errors, [], where);
      await page.close();
    }
  }
  assert.equal(new Set(Object.values(headers)).size, 1, `header heights at 1280 px: ${JSON.stringify(headers)}`);
});

test('the static build works from a sub-path of a plain file server', async () => {
  const sub = await serve(DIST, '/docs/lab/');
  try {
    const { page, errors } = await openLab(browser, sub.url);
    await until(page, leader, { timeout: 15000, what: 'a leader under /docs/lab/' });
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await sub.close();
  }
});

test('a lab opens on its default preset, fetched, and a failed fetch leaves a bare cluster and says why', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.route('**/presets/gossip-default.json', (route) => route.abort());
  await page.goto(`${server.url}#/gossip`);
  await page.waitForSelector('.toast');
  assert.match(await page.textContent('.toast'), /Gossip lab's scenario could not be loaded.*bare cluster/);
  await page.waitForSelector('canvas');
  assert.match(await page.textContent('.scenario-name'), /Untitled scenario/);
  // The other labs still fetch theirs.
  await page.goto(`${server.url}#/raft`);
  await page.waitForFunction(() => document.querySelectorAll('svg .node').length === 5);
  await page.close();
});

test('a cut-off leader is marked stale, unless CheckQuorum made it step down', async () => {
  // The same run with check_quorum off and on (dissertation §6.2), stopped
  // mid-partition: n2 was cut off at 1 s and the majority elected another.
  for (const [preset, marks] of [['raft-stale-leader', 1], ['raft-check-quorum', 0]]) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.url + `#/raft?preset=${preset}&t=2500`);
    await page.waitForSelector('svg .node');
    await page.waitForFunction(() => +document.querySelector('.clock')?.dataset.nowMs >= 2500);
    assert.equal(await page.locator('[data-stale-leader="2"]').count(), marks, preset);
    assert.equal(await page.locator('[data-stale-leader]').count(), marks, preset);
    await page.close();
  }
});

test('Raft: a server added from the panel joins as a learner, takes leadership when handed it, and leaves when removed', async () => {
  // Dissertation §4.2.1 (learners), §3.10 (transfer), §4.2.2 (removal).
  const { page, errors } = await openLab(browser, server.url);
  await faster(page, 3);
  await until(page, (ns) => ns.some((n) => n.role === 'leader'), { what: 'a leader' });
  await page.click('button.add-server');
  await page.waitForFunction(() => document.querySelectorAll('svg .node').length === 6);
  // n5 joins through a configuration entry, then votes like the rest.
  await page.waitForSelector('svg .node[data-node="5"]');
  await page.waitForFunction(() => document.querySelectorAll('.cell.config').length > 0, null, { timeout: 30000 });
  await page.waitForFunction(() => !document.querySelector('svg .node[data-node="5"].role-learner'), null, { timeout: 30000 });
  // Hand leadership to n5.
  await page.click('svg .node[data-node="5"]');
  await page.waitForSelector('.panel.node[data-selected="5"]');
  await page.click('.panel.node button:has-text("Make leader")');
  await until(page, (ns) => ns.some((n) => n.id === 5 && n.role === 'leader'), { what: 'n5 leads' });
  // Remove it: it steps down once the removal commits and is shut down.
  await page.click('.panel.node button:has-text("Remove")');
  await page.waitForFunction(() => document.querySelectorAll('svg .node').length === 5, null, { timeout: 30000 });
  await until(page, (ns) => ns.some((n) => n.role === 'leader' && n.id !== 5), { what: 'a new leader' });
  assert.equal(await page.textContent('section.invariants h3 .badge'), 'all hold');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Raft: turning PreVote on restarts the run with it, and the rejoining follower no longer disrupts', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + '#/raft?preset=raft-rejoin-disrupts&t=4500');
  await page.waitForFunction(() => +document.querySelector('.clock')?.dataset.nowMs >= 4500);
  const leadersNow = async () => (await nodes(page)).filter((n) => n.role === 'leader').map((n) => [n.id, n.term]);
  assert.deepEqual(await leadersNow(), [[3, 13]], 'without PreVote: n3 leads term 13');
  const box = page.locator('[data-knob="/pre_vote"] input');
  assert.equal(await box.isChecked(), false);
  await box.click();
  await page.waitForFunction(() => +document.querySelector('.clock')?.dataset.nowMs < 4500);
  assert.equal(await page.locator('[data-knob="/pre_vote"] input').isChecked(), true);
  // A shared moment opens paused, and the restart keeps it so: play.
  if (await page.locator('button:has-text("▶ Play")').count()) await page.click('button:has-text("▶ Play")');
  await faster(page, 6);
  await page.waitForFunction(() => +document.querySelector('.clock')?.dataset.nowMs >= 4500, null, { timeout: 30000 });
  const ns = await nodes(page);
  assert.deepEqual(ns.filter((n) => n.role === 'leader').map((n) => n.id), [2], 'with PreVote: n2 still leads');
  assert.ok(ns.every((n) => n.term === 1), 'no term moved');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Raft log grid scrolls through the whole log and returns to the newest', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url + '#/raft?preset=raft-stress&t=3000');
  await page.waitForFunction(() => +document.querySelector('.clock')?.dataset.nowMs >= 3000);
  const windowOf = async () => (await page.getAttribute('[data-window]', 'data-window')).split('-').map(Number);
  const [first, end] = await windowOf();
  assert.equal(end - first, 13, 'fourteen columns');
  assert.ok(end > 40, `a long log (${end})`);
  await page.click('button[aria-label="Older entries"]');
  const [olderFirst, olderEnd] = await windowOf();
  assert.equal(olderEnd, end - 7, 'half a window back');
  assert.equal(+(await page.textContent('.loggrid thead th:last-child')), olderEnd);
  assert.ok(olderFirst < first);
  // The slider reaches the log's first index, far past the newest 40
  // entries a view carries: the snapshot carries the window's instead.
  await page.locator('input.log-scroll').evaluate((el) => {
    el.value = '1'; el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelector('[data-window]').dataset.window === '1-14');
  const firstColumn = await page.$$eval('.loggrid tbody tr', (rows) => rows.map((r) => r.querySelectorAll('td')[0].className));
  assert.ok(firstColumn.some((c) => !c.includes('empty')), `index 1 is shown: ${firstColumn}`);
  // The wheel moves it one index at a time.
  await page.hover('.loggrid');
  await page.mouse.wheel(0, 100);
  await page.waitForFunction(() => document.querySelector('[data-window]').dataset.window === '2-15');
  await page.click('button:has-text("newest")');
  assert.deepEqual(await windowOf(), [first, end]);
  assert.equal(await page.locator('button:has-text("newest")').count(), 0);
  await page.close();
});

test('New seed keeps the network the reader set; the labs without clickable links do not offer to click one', async () => {
  const { page, errors } = await openLab(browser, server.url);
  const drop = page.locator('input[aria-label="drop"]');
  await drop.evaluate((el) => { el.value = '0.2'; el.dispatchEvent(new Event('change', { bubbles: true })); });
  await page.waitForFunction(() => document.querySelector('input[aria-label="drop"]').closest('label').querySelector('output').textContent.trim() === '20 %');
  const seed = await page.textContent('.seed');
  await page.click('button.new-seed');
  await page.waitForFunction((before) => document.querySelector('.seed').textContent !== before, seed);
  assert.equal((await page.locator('input[aria-label="drop"]').locator('xpath=..').locator('output').textContent()).trim(), '20 %', 'drop kept');
  assert.equal(await page.locator('text=Click a link to cut one direction').count(), 1, 'Raft draws links');
  await page.goto(server.url + '#/ring');
  await page.waitForSelector('svg, canvas');
  await page.waitForSelector('section.network');
  assert.equal(await page.locator('text=Click a link to cut one direction').count(), 0, 'the ring draws no links');
  assert.equal(await page.locator('button:has-text("Heal")').count(), 1, 'one Heal button');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a panic shows the crash banner', async () => {
  const { page } = await openLab(browser, server.url);
  // Only a script can ask for a panic: nothing in the UI can.
  const thrown = await page.evaluate(() => {
    try { window.wasmBindings.faultline_test_panic(); return null; } catch (e) { return String(e); }
  });
  assert.ok(thrown, 'the panic surfaced as an exception');
  await page.waitForSelector('.fatal', { state: 'visible', timeout: 5000 });
  assert.match(await page.textContent('.fatal'), /Something went wrong inside faultline/);
  await page.close();
});

test('each lab is its own page: it carries only its own lab, and its tabs reach the others', async () => {
  const { page } = await openLab(browser, server.url);
  const names = ['raft', 'clocks', 'gossip', 'quorum', 'ring', 'paxos', '2pc', 'zab'];
  const has = () => page.evaluate((names) => names.map((n) => window.wasmBindings.faultline_has_lab(n)), names);
  assert.deepEqual(await has(), [true, false, false, false, false, false, false, false]);
  const wasm = [];
  // The labs' wasm (the quorum lab also frames the PBS calculator, its own page).
  page.on('request', (r) => { if (r.url().endsWith('/faultline-web_bg.wasm')) wasm.push(new URL(r.url()).pathname); });
  await page.getByRole('link', { name: 'Quorum' }).click();
  await page.waitForSelector('.quorum-history');
  assert.deepEqual(await has(), [false, false, false, true, false, false, false, false]);
  assert.equal(wasm.length, 1);
  assert.match(wasm[0], /\/quorum\/faultline-web_bg\.wasm$/);
  await page.close();
});

test('the Figure 8 preset switches a textbook bug on, and the invariant panel shows what it breaks', async () => {
  // Raft §5.4.2, Figure 8: with commit_previous_term, a committed entry is
  // overwritten by a later leader.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url + '#/raft?preset=raft-figure-8&t=1900');
  await page.waitForSelector('svg .node');
  await page.waitForFunction(() => +document.querySelector('.clock')?.dataset.nowMs >= 1900);
  await page.waitForSelector('.panel.invariants.broken');
  assert.equal(await page.getAttribute('[data-invariant="Leader Completeness"]', 'class'), 'fails');
  assert.equal(await page.getAttribute('[data-invariant="Election Safety"]', 'class'), 'holds');
  assert.match(await page.textContent('.panel.invariants .violations'), /leader n4 of term \d+ lacks entry 3/);
  // Its bug is a switch in the parameters panel; off, the run restarts
  // without it and the scenario no longer names it.
  const sw = page.locator('[data-bug="commit_previous_term"] input');
  assert.equal(await sw.isChecked(), true);
  assert.match(await page.getAttribute('[data-bug="commit_previous_term"]', 'title'), /Figure 8/);
  await page.screenshot({ path: new URL('./artifacts/raft-figure-8.png', import.meta.url).pathname });
  await sw.click();
  await page.waitForFunction(() => !document.querySelector('[data-bug="commit_previous_term"] input').checked);
  assert.equal((await scenarioOf(page)).params.bugs, undefined);
  await page.locator('[data-bug="forget_vote"] input').click();
  await page.waitForFunction(() => document.querySelector('[data-bug="forget_vote"] input').checked);
  assert.deepEqual((await scenarioOf(page)).params.bugs, ['forget_vote']);
  await page.close();
});

test('at nine Raft servers under load the captions stay legible: drawn over the messages, clear of every node and of each other', async () => {
  const { page, errors } = await openRoute(browser, server.url, '#/raft?preset=raft-stress&speed=0.2', 'svg .node');
  await page.waitForFunction(() => document.querySelectorAll('svg .captions .caption').length === 9
    && document.querySelectorAll('svg .messages > *').length > 20);
  // The captions' layer comes after the messages', so they paint over them.
  const order = await page.$$eval('svg > g', (gs) => gs.map((g) => g.getAttribute('class')));
  assert.ok(order.indexOf('captions') > order.indexOf('messages'), order.join(' '));
  const captions = await page.$$eval('svg .captions .caption', (cs) => cs.map((c) => {
    const b = c.getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height, text: c.textContent };
  }));
  const bodies = await page.$$eval('svg .node .body', (cs) => cs.map((c) => {
    const b = c.getBoundingClientRect(); return { x: b.x + b.width / 2, y: b.y + b.height / 2, r: b.width / 2 };
  }));
  const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  for (let i = 0; i < captions.length; i++) {
    assert.match(captions[i].text, /^term \d+/);
    for (let j = i + 1; j < captions.length; j++) {
      assert.ok(!overlap(captions[i], captions[j]), `captions ${i} and ${j} overlap`);
    }
    for (const [k, n] of bodies.entries()) {
      // The nearest point of the caption's box to the node's centre.
      const c = captions[i];
      const nx = Math.max(c.x, Math.min(n.x, c.x + c.w));
      const ny = Math.max(c.y, Math.min(n.y, c.y + c.h));
      assert.ok(Math.hypot(nx - n.x, ny - n.y) > n.r - 1, `caption ${i} covers node ${k}`);
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});
