// Usage: PLAYWRIGHT_CORE=/path/to/node_modules/playwright-core \
//          node scripts/check-live-update.js URL PROJECT_DIR BRIEFING_PATH SEED_FILE
// (a development check, not part of the test suite: needs Chromium and
// playwright-core, and a running `dossier serve` of PROJECT_DIR at URL).
// How open pages follow rebuilds (docs/serve.md, "Live reload and errors"):
//   1. a seed edit swaps the briefing's <main> in place (no reload, scroll kept);
//   2. a stylesheet edit reloads the page and the new style applies;
//   3. the search page is left as it is by an edit elsewhere, and its query
//      runs again in the rebuilt index;
//   4. the header search box finds a word added by an edit, after a swap;
//   5. a broken template shows the error overlay; the fix removes it.
// Every file it edits is restored, also on failure.
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
const fs = require('fs'), path = require('path');
const [base, project, briefing, seed] = process.argv.slice(2);
if (!seed) { console.error('usage: check-live-update.js URL PROJECT_DIR BRIEFING_PATH SEED_FILE'); process.exit(2); }
const css = path.join(project, 'themes/default/static/assets/site.css');
const tmpl = path.join(project, 'themes/default/templates/briefing.mustache');
const originals = new Map([css, tmpl, seed].map(f => [f, fs.readFileSync(f)]));
const restore = () => { for (const [f, data] of originals) fs.writeFileSync(f, data); };
const word = () => 'zq' + Math.random().toString(36).slice(2, 9);
let failures = 0;
const check = (ok, what) => { console.log((ok ? 'PASS  ' : 'FAIL  ') + what); if (!ok) failures++; };

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const p = await browser.newPage({ viewport: { width: 1280, height: 600 } });
  const errors = [];
  p.on('pageerror', e => errors.push(String(e)));
  p.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  const stamp = () => p.evaluate(() => { window.__stamp = 1; });
  const reloaded = () => p.evaluate(() => window.__stamp !== 1);
  const settle = () => p.waitForTimeout(700);
  const page = new URL(briefing, base).href;
  try {
    // 1. In place, scroll kept.
    await p.goto(page, { waitUntil: 'load' });
    await settle();
    await p.evaluate(() => window.scrollTo(0, 300));
    await stamp();
    let w = word(), t0 = Date.now();
    fs.appendFileSync(seed, `\n\nThe ${w} plan was announced on Friday.\n`);
    await p.waitForFunction(w => document.body.innerText.includes(w), w, { polling: 5, timeout: 10000 });
    check(!(await reloaded()), `seed edit shown in place after ${Date.now() - t0} ms (no reload)`);
    check(await p.evaluate(() => window.scrollY) === 300, 'scroll position kept');
    // 4. The header box searches the rebuilt index.
    const box = p.locator('header [data-search-input]').first();
    await box.fill(w);
    await p.waitForFunction(() => document.querySelectorAll('header [data-search-results] li a').length > 0, null, { timeout: 10000 })
      .then(() => check(true, `header search finds "${w}", added by the edit`), () => check(false, `header search finds "${w}"`));
    restore();
    await settle();
    // 2. Stylesheet: reload.
    await p.goto(page, { waitUntil: 'load' });
    await settle();
    await stamp();
    t0 = Date.now();
    fs.appendFileSync(css, '\nbody { outline: 3px solid rgb(1, 2, 3); }\n');
    await p.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, { polling: 10, timeout: 10000 });
    check(await reloaded(), `stylesheet edit reloads the page and applies (${Date.now() - t0} ms)`);
    restore();
    await p.waitForFunction(() => getComputedStyle(document.body).outlineColor !== 'rgb(1, 2, 3)', null, { polling: 10, timeout: 10000 });
    await settle();
    // 3. Search page: untouched, query run again.
    w = word();
    await p.goto(new URL('search.html?q=' + w, base).href, { waitUntil: 'load' });
    await p.waitForFunction(() => /No results/.test(document.querySelector('main [data-search-status]').textContent), null, { timeout: 10000 });
    await p.evaluate(() => { window.__events = []; document.addEventListener('dossier:live-update', e => window.__events.push(e.detail.swapped)); });
    await stamp();
    fs.appendFileSync(seed, `\n\nThe ${w} merger was announced on Friday.\n`);
    await p.waitForFunction(() => document.querySelectorAll('main [data-search-results] li a').length > 0, null, { timeout: 10000 })
      .then(() => check(true, 'search page shows the new result'), () => check(false, 'search page shows the new result'));
    check(!(await reloaded()) && (await p.evaluate(() => window.__events.join())) === 'false', 'search page not reloaded nor swapped');
    restore();
    await settle();
    // 5. Error overlay.
    await p.goto(page, { waitUntil: 'load' });
    await settle();
    await stamp();
    const good = originals.get(tmpl).toString();
    fs.writeFileSync(tmpl, good.replace('{{> p_footer}}', '{{#broken}}\n{{> p_footer}}'));
    await p.waitForSelector('#dossier-build-error', { timeout: 10000 });
    const text = await p.textContent('#dossier-build-error');
    check(/briefing\.mustache:\d+:\d+: error/.test(text), 'a broken template shows the overlay with file:line:col');
    fs.writeFileSync(tmpl, good);
    await p.waitForSelector('#dossier-build-error', { state: 'detached', timeout: 10000 });
    check(!(await reloaded()), 'the fix removes the overlay (page unchanged: no reload)');
  } catch (err) {
    check(false, String(err.message || err).split('\n')[0]);
  } finally {
    restore();
    await browser.close();
  }
  check(errors.length === 0, 'no page or console errors' + (errors.length ? ': ' + errors.join('; ') : ''));
  process.exit(failures ? 1 : 0);
})();
