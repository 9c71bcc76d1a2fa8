// demo.test.mjs: the demo page (examples/demo/) as a person uses it: files set through its file
// input, the text checked as it shows, a screenshot kept in build/browser-artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync } from 'node:fs';

import { serve } from './server.mjs';
import { launch, context, watchErrors, needsChromium, ROOT, OUT, CORPUS } from './lib.mjs';

let browser;
let site;

before(async () => {
  if (needsChromium.skip) return;
  site = await serve({ mounts: { '/': ROOT } });
  browser = await launch();
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const card = (page, name) => page.locator('section.doc', { has: page.locator('.name', { hasText: name }) });

test('demo: picked files stream through the worker; Markdown, metadata, errors and bundle size show', needsChromium, async () => {
  const { ctx, log, external } = await context(browser);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1100, height: 1400 });
  const errors = watchErrors(page);
  await page.goto(site.url('/examples/demo/'));
  await page.waitForSelector('#bundle-info[data-variant="minimal"]');
  assert.match(await page.textContent('#bundle-info'), /minimal: reads text, html, markdown.*downloaded 1\d\d\.\d KiB wasm/);

  const samples = `${ROOT}examples/samples/`;
  await page.setInputFiles('#files', [`${samples}article.html`, `${samples}notes.md`, `${samples}not-in-minimal.pdf`]);
  await page.waitForFunction(() => [...document.querySelectorAll('section.doc')]
    .filter((c) => c.dataset.state !== 'running').length === 3, null, { timeout: 20000 });

  // article.html (windows-1252): rendered as Markdown, read by hand from the sample
  const article = card(page, 'article.html');
  assert.equal(await article.getAttribute('data-state'), 'done');
  assert.equal(await article.locator('.body h1').textContent(), 'Café notes');
  assert.equal(await article.locator('.body ol').getAttribute('start'), '3');
  assert.deepEqual(await article.locator('.body ol li').allTextContents(), ['espresso – 2,10 €', 'crème brûlée']);
  assert.equal(await article.locator('.body strong').first().textContent(), 'bold');
  assert.equal(await article.locator('.body table th').first().textContent(), 'Item');
  assert.ok(!(await article.locator('.body').textContent()).includes('hidden text'));
  assert.match(await article.locator('.status').textContent(), /^html · 1 unit · [\d.]+ ms · 0 warnings$/);
  const meta = await article.locator('dl').textContent();
  assert.match(meta, /encodingwindows-1252/);
  assert.match(meta, /titlepith sample page/);
  // the page never carries markup of its own from a document: only the renderer's tags
  assert.equal(await article.locator('.body script, .body style, .body iframe').count(), 0);

  // the PDF is refused by the minimal bundle with the C library's message
  const pdf = card(page, 'not-in-minimal.pdf');
  assert.equal(await pdf.getAttribute('data-state'), 'failed');
  assert.match(await pdf.locator('.status').textContent(), /^PITH_E_DISABLED: .*standard/);

  assert.equal(await card(page, 'notes.md').getAttribute('data-state'), 'done');
  await page.screenshot({ path: `${OUT}demo-minimal.png`, fullPage: true });

  // the standard bundle, and a Shift_JIS page whose data pack comes only now
  const sjis = `${CORPUS}html/chardet__shift_jis_no_charset.html`;
  if (existsSync(sjis)) {
    await page.selectOption('#bundle', 'standard');
    await page.waitForSelector('#bundle-info[data-variant="standard"]');
    await page.setInputFiles('#files', sjis);
    const c = card(page, 'chardet__shift_jis_no_charset.html');
    await page.waitForFunction((el) => el.dataset.state !== 'running', await c.elementHandle(), { timeout: 20000 });
    assert.equal(await c.getAttribute('data-state'), 'done');
    assert.ok((await c.locator('.body').textContent()).includes('衆院議院運営委員会は９日午後の理事会で'));
    assert.match(await page.textContent('#bundle-info'), /data packs cjk-encodings\.bin 19\d\.\d KiB/);
    await page.screenshot({ path: `${OUT}demo-standard.png`, fullPage: true });
  }

  assert.deepEqual(errors, []);
  assert.deepEqual(external, [], 'the demo reaches nothing beyond its own origin');
  const paths = new Set(log.map((e) => e.path));
  for (const p of paths) {
    assert.ok(/^\/(examples\/demo\/|dist\/|favicon\.ico$)/.test(p), `unexpected request ${p}`);
  }
  assert.ok(paths.has('/dist/minimal/pith.wasm'));
  await ctx.close();
});
