// End-to-end: "Break it" in real Chromium. With a textbook bug on, Find
// runs the counterexample search in Web Workers, loads the shrunk
// counterexample paused just before its violation (the invariants panel
// says which), and one Step shows it; Stop ends a search that finds
// nothing; the page keeps drawing frames while the workers search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, openRoute, now, scenarioOf } from './lib.mjs';

/** The CLI `cargo test --workspace` builds (FAULTLINE_CLI overrides). */
const CLI = process.env.FAULTLINE_CLI ?? fileURLToPath(new URL('../target/debug/faultline', import.meta.url));


let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const shot = (name) => new URL(`./artifacts/${name}.png`, import.meta.url).pathname;

test('Find loads the shrunk counterexample, paused before its violation', async () => {
  const { page, errors } = await openRoute(browser, server.url, '#/2pc', '.panel.break-it');
  await page.locator('[data-bug="abort_after_yes"] input').click();
  await page.waitForFunction(() => document.querySelector('[data-bug="abort_after_yes"] input').checked);
  const base = await scenarioOf(page);
  await page.getByRole('button', { name: 'Find a counterexample' }).click();
  await page.waitForSelector('.break-status p.found', { timeout: 60000 });
  const found = await page.textContent('.break-status');
  assert.match(found, /Found after \d+ runs: Atomicity breaks at [\d.]+ ms \(t1: n\d committed and n\d aborted\)/);
  const [, from, to] = /Shrunk from (\d+) to (\d+) commands/.exec(found);
  assert.ok(+to <= 15 && +to <= +from, found);
  // The counterexample is the run now: its name, paused, before the violation.
  assert.match(await page.textContent('header'), /Counterexample: Atomicity/);
  const at = +(await page.getAttribute('.break-status', 'data-at-ms'));
  assert.ok(await now(page) < at, `paused at ${await now(page)} ms, before ${at} ms`);
  assert.match(await page.textContent('.panel.invariants'), /The next event breaks Atomicity/);
  assert.equal(await page.locator('.invariants li.next[data-invariant="Atomicity"]').count(), 1);
  assert.equal(await page.locator('.invariants li.fails').count(), 0);
  // The space-time diagram marks where it breaks.
  assert.match(await page.textContent('.spacetime .violation-mark'), /✗ Atomicity/);
  await page.locator('.panel.break-it').screenshot({ path: shot('break-it-found') });
  await page.locator('.panel.spacetime').screenshot({ path: shot('break-it-diagram') });
  await page.screenshot({ path: shot('break-it-page') });
  // The workers found what `faultline explore` finds natively for the same
  // scenario, seed and budget: the same run, shrunk to the same scenario.
  const file = join(tmpdir(), 'faultline-breakit-base.json');
  writeFileSync(file, JSON.stringify(base));
  const cli = spawnSync(CLI, ['explore', file, '--budget', '1000', '--seed', String(base.seed)], { encoding: 'utf8' });
  assert.equal(cli.status, 1, cli.stderr);
  const native = JSON.parse(cli.stdout);
  assert.equal(+/Found after (\d+) runs/.exec(found)[1], native.runs);
  const loaded = await scenarioOf(page);
  assert.deepEqual(loaded.schedule, native.scenario.schedule);
  assert.equal(loaded.seed, native.scenario.seed);
  assert.equal(native.violation.at_ms, at);
  // One step shows it.
  await page.getByRole('button', { name: 'Step' }).click();
  await page.waitForSelector('.invariants li.fails[data-invariant="Atomicity"]');
  assert.equal(await now(page), at);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Stop ends a search that finds nothing, and the page keeps drawing', async () => {
  const { page, errors } = await openRoute(browser, server.url, '#/gossip', '.panel.break-it');
  await page.selectOption('select[aria-label="Most runs"]', { index: 2 });
  await page.evaluate(() => performance.clearMeasures('faultline-frame'));
  await page.getByRole('button', { name: 'Find a counterexample' }).click();
  await page.waitForFunction(() => /[1-9]\d* of 10000 runs · \d+ runs\/s/.test(
    document.querySelector('.break-status')?.textContent ?? ''), null, { timeout: 30000 });
  await page.waitForTimeout(1000);
  const frames = await page.evaluate(() => performance.getEntriesByName('faultline-frame').length);
  assert.ok(frames > 10, `the lab kept playing while the workers searched (${frames} frames)`);
  await page.getByRole('button', { name: 'Stop' }).click();
  const text = await page.textContent('.break-status');
  assert.match(text, /Stopped after \d+ runs: nothing found\./);
  assert.equal(await page.getByRole('button', { name: 'Find a counterexample' }).count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});
