// Usage: PLAYWRIGHT_CORE=/path/to/node_modules/playwright-core node scripts/check-file-site.js SITE_DIR [QUERY EXPECT]...
// (a development check, not part of the test suite: needs Chromium and playwright-core).
// Crawl a built site from file:// in headless Chromium: every page loads
// with no console/page errors, every internal link/asset exists, every
// #anchor exists, and search works (header box and search page).
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
const fs = require('fs'), path = require('path'), url = require('url');
const site = path.resolve(process.argv[2]);
const queries = [];
for (let i = 3; i + 1 < process.argv.length; i += 2) queries.push([process.argv[i], process.argv[i + 1]]);
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--allow-file-access-from-files'] });
  const page = await browser.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(page.url() + ': ' + m.text()); });
  page.on('pageerror', e => errors.push(page.url() + ': ' + e.message));
  const start = url.pathToFileURL(path.join(site, 'index.html')).href;
  const seen = new Set([start]), queue = [start], broken = [], anchors = [];
  let pages = 0;
  while (queue.length) {
    const u = queue.shift();
    await page.goto(u); pages++;
    const refs = await page.$$eval('a[href], link[href], script[src], img[src]', els => els.map(e => e.href || e.src));
    for (const r of refs) {
      if (!r.startsWith('file:')) continue;
      const [noHash, frag] = r.split('#');
      const file = url.fileURLToPath(noHash.split('?')[0]);
      if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) { broken.push(u + ' -> ' + r); continue; }
      if (frag) anchors.push([u, noHash, decodeURIComponent(frag)]);
      if (file.endsWith('.html') && !seen.has(noHash.split('?')[0])) { seen.add(noHash.split('?')[0]); queue.push(noHash.split('?')[0]); }
    }
  }
  const idCache = new Map(); let badAnchors = 0;
  for (const [from, target, frag] of anchors) {
    if (!idCache.has(target)) { await page.goto(target); idCache.set(target, new Set(await page.$$eval('[id]', e => e.map(x => x.id)))); }
    if (!idCache.get(target).has(frag)) { badAnchors++; broken.push(from + ' -> #' + frag); }
  }
  console.log(`pages crawled from file://: ${pages}; links and assets checked; anchors checked: ${anchors.length}`);
  console.log(`${broken.length ? 'FAIL' : 'PASS'}  broken links/assets/anchors: ${broken.length}`); broken.slice(0, 10).forEach(b => console.log('   ', b));
  console.log(`${errors.length ? 'FAIL' : 'PASS'}  console/page errors: ${errors.length}`); errors.slice(0, 10).forEach(b => console.log('   ', b));
  let failed = broken.length + errors.length;
  for (const [q, expect] of queries) {
    // header search box on a nested page, then the search page
    const briefing = fs.readdirSync(path.join(site, 'briefings')).find(f => f.endsWith('.html'));
    await page.goto(url.pathToFileURL(path.join(site, 'briefings', briefing)).href);
    const box = page.locator('input[type=search]').first();
    await box.click(); await box.type(q, { delay: 30 });
    let ok1 = false;
    try { await page.waitForFunction(([e]) => [...document.querySelectorAll('a')].some(a => a.closest('li') && a.closest('li').innerText.toLowerCase().includes(e.toLowerCase()) && a.offsetParent), [expect], { timeout: 5000 }); ok1 = true; } catch (e) {}
    await page.goto(url.pathToFileURL(path.join(site, 'search.html')).href + '?q=' + encodeURIComponent(q));
    let ok2 = false;
    try { await page.waitForFunction(([e]) => [...document.querySelectorAll('main li a')].some(a => a.closest('li').innerText.toLowerCase().includes(e.toLowerCase())), [expect], { timeout: 5000 }); ok2 = true; } catch (e) {}
    console.log(`${ok1 && ok2 ? 'PASS' : 'FAIL'}  file:// search "${q}" -> "${expect}" (header box: ${ok1}, search page: ${ok2})`);
    if (!(ok1 && ok2)) failed++;
  }
  await browser.close();
  console.log(`${failed ? 'FAILED' : 'OK'}`);
  process.exit(failed ? 1 : 0);
})();
