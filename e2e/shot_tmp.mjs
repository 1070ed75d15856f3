import { serve, launch } from './lib.mjs';
const server = await serve(); const browser = await launch();
const [route, file, w, h, full] = process.argv.slice(2);
const page = await browser.newPage({ viewport: { width: +w, height: +h } });
await page.goto(server.url + route);
await page.waitForTimeout(2500);
await page.screenshot({ path: '/work/notes/shots/' + file, fullPage: full === 'full' });
await browser.close(); await server.close();
