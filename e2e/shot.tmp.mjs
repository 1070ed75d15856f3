import { serve, launch } from './lib.mjs';
const srv = await serve();
const browser = await launch();
const shots = JSON.parse(process.argv[2]);
for (const [name, hash, w, h] of shots) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.url + hash);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `/tmp/shots/${name}.png` });
  const scroll = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight, location.hash.slice(0, 120), document.querySelector('.toast')?.textContent ?? '']);
  console.log(name, JSON.stringify(scroll), errors.join(' | '));
  await page.close();
}
await browser.close();
await srv.close();
