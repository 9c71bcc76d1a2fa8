// cdn.test.mjs: pith used the CDN way in Chromium. A page on one origin imports a bundle's
// pith.mjs from a "CDN" folder on another origin (dist/ served under /npm/pith@<version>/ with
// CORS); the module must fetch only its own files from beside itself, the .wasm as
// application/wasm through compileStreaming, and a data pack only when a document needs it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';

import { serve } from './server.mjs';
import { launch, context, watchErrors, needsChromium, needsCorpus, ROOT, DIST, CORPUS } from './lib.mjs';

const VERSION = JSON.parse(readFileSync(`${DIST}package.json`, 'utf8')).version;
const CDN_PATH = `/npm/pith@${VERSION}/`;

let browser;
let site; // the page's own origin: the test pages, the samples, the corpus
let cdn; // another origin, with CORS: the package folder as a CDN serves it
let cdnNoCors; // the same without CORS

before(async () => {
  if (needsChromium.skip) return;
  const mounts = { '/': ROOT, '/corpus/': CORPUS };
  site = await serve({ mounts });
  cdn = await serve({ mounts: { [CDN_PATH]: DIST }, cors: true });
  cdnNoCors = await serve({ mounts: { [CDN_PATH]: DIST } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await Promise.all([site?.close(), cdn?.close(), cdnNoCors?.close()]);
});

/** Open cdn.html with the bundle from `from` and the given documents; counts the page's
 *  compileStreaming and compile calls. Resolves to { result, log, external, errors, calls }. */
async function runPage(from, variant, docs) {
  const { ctx, log, external } = await context(browser);
  await ctx.addInitScript(() => {
    window.wasmCalls = { compileStreaming: 0, compile: 0 };
    const cs = WebAssembly.compileStreaming;
    const c = WebAssembly.compile;
    WebAssembly.compileStreaming = (...a) => (window.wasmCalls.compileStreaming++, cs.apply(WebAssembly, a));
    WebAssembly.compile = (...a) => (window.wasmCalls.compile++, c.apply(WebAssembly, a));
  });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const q = new URLSearchParams({ pith: `${from.origin}${CDN_PATH}${variant}/pith.mjs` });
  for (const [url, hint] of docs) {
    q.append('doc', url);
    q.append('hint', hint);
  }
  await page.goto(site.url(`/tests/browser/pages/cdn.html?${q}`));
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20000 });
  const result = await page.evaluate(() => window.result);
  const calls = await page.evaluate(() => window.wasmCalls);
  await ctx.close();
  return { result, log, external, errors, calls };
}

const cdnFiles = (log, origin) => log.filter((e) => e.url.startsWith(origin)).map((e) => e.path.slice(CDN_PATH.length));
const ws = (s) => s.replace(/\s+/g, ' ').trim();

test('minimal from a CDN folder on another origin: only pith.mjs, core.mjs, layout.mjs and pith.wasm, streamed', needsChromium, async () => {
  const { result, log, external, errors, calls } = await runPage(cdn, 'minimal', [
    ['/examples/samples/article.html', 'article.html'],
  ]);
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.deepEqual(errors, []);
  assert.deepEqual(external, [], 'no request left 127.0.0.1');
  assert.equal(result.variant, 'minimal');
  const [doc] = result.docs;
  assert.equal(doc.format, 'html');
  assert.equal(doc.meta.encoding, 'windows-1252');
  // written by hand from examples/samples/article.html
  const text = ws(doc.text);
  for (const s of ['Café notes', 'espresso – 2,10 €', 'crème brûlée', 'Prices include VAT']) {
    assert.ok(text.includes(s), `text has ${JSON.stringify(s)}: ${text}`);
  }
  for (const s of ['hidden text is skipped', 'never part of the text', 'font-family']) {
    assert.ok(!text.includes(s), `text lacks ${JSON.stringify(s)}`);
  }
  // the CDN origin served exactly the module graph and its wasm, each once
  const files = cdnFiles(log, cdn.origin);
  assert.deepEqual([...files].sort(), ['core.mjs', 'layout.mjs', 'minimal/pith.mjs', 'minimal/pith.wasm']);
  for (const e of log.filter((e) => e.url.startsWith(cdn.origin))) {
    assert.equal(e.status, 200, e.path);
    const want = e.path.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    assert.ok(e.type.startsWith(want), `${e.path} served as ${e.type}`);
  }
  assert.equal(calls.compileStreaming, 1, 'compiled while downloading');
  assert.equal(calls.compile, 0, 'no fallback through arrayBuffer()');
  assert.ok(!doc.resources.some((r) => r.includes('/data/')), 'no data pack for a windows-1252 page');
  // and the page's own origin only the page and the document (a favicon is the browser's)
  const own = log.filter((e) => e.url.startsWith(site.origin)).map((e) => e.path)
    .filter((p) => p !== '/favicon.ico');
  assert.deepEqual(own.sort(), ['/examples/samples/article.html', '/tests/browser/pages/cdn.html']);
});

test('a CDN that sends no CORS header cannot serve another origin (why the README asks for it)', needsChromium, async () => {
  const { result } = await runPage(cdnNoCors, 'minimal', [['/examples/samples/welcome.txt', 'welcome.txt']]);
  assert.equal(result.ok, false);
  assert.equal(result.name, 'TypeError', result.message); // the module import is blocked
});

test('standard from a CDN folder: the cjk-encodings pack is fetched only when a Shift_JIS page needs it', { ...needsChromium, ...needsCorpus('html/chardet__shift_jis_no_charset.html') }, async () => {
  const sjis = 'html/chardet__shift_jis_no_charset.html';
  const { result, log, external, errors } = await runPage(cdn, 'standard', [
    ['/examples/samples/article.html', 'article.html'],
    [`/corpus/${sjis}`, 'page.html'],
  ]);
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.deepEqual(errors, []);
  assert.deepEqual(external, []);
  assert.equal(result.variant, 'standard');
  const [first, second] = result.docs;
  assert.ok(!first.resources.some((r) => r.includes('/data/')), 'nothing fetched from data/ for the first page');
  assert.deepEqual(first.packs, []);
  assert.equal(second.meta.encoding, 'shift_jis');
  assert.deepEqual(second.packs, ['cjk-encodings']);
  const files = cdnFiles(log, cdn.origin);
  assert.deepEqual([...files].sort(),
    ['core.mjs', 'data/cjk-encodings.bin', 'layout.mjs', 'standard/pith.mjs', 'standard/pith.wasm']);
  const pack = log.find((e) => e.path.endsWith('/data/cjk-encodings.bin'));
  assert.equal(pack.status, 200);

  // The browser is the reference: its own Shift_JIS decoder and HTML parser give the body text.
  const page = await browser.newPage();
  await page.goto(site.url('/tests/browser/pages/blank.html'));
  const expected = await page.evaluate(async (url) => {
    const bytes = await (await fetch(url)).arrayBuffer();
    const html = new TextDecoder('shift_jis').decode(bytes);
    return new DOMParser().parseFromString(html, 'text/html').body.textContent;
  }, `/corpus/${sjis}`);
  await page.close();
  assert.ok(ws(expected).length > 400);
  assert.equal(ws(second.text), ws(expected));
});

test('standard from a CDN folder reads a PDF (when the standard .wasm carries PDF)', needsChromium, async (t) => {
  const { result: probe } = await runPage(cdn, 'standard', []);
  if (!probe.ok || !probe.formats.includes('pdf')) {
    t.skip(`the standard .wasm reads ${probe.formats?.join(' ')}: no pdf yet`);
    return;
  }
  const pdf = 'pdf/pdfjs__tracemonkey.pdf';
  if (!existsSync(CORPUS + pdf)) return t.skip('corpus PDF missing');
  const { result, external, log } = await runPage(cdn, 'standard', [[`/corpus/${pdf}`, 'paper.pdf']]);
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.deepEqual(external, []);
  assert.equal(result.docs[0].format, 'pdf');
  const ref = readFileSync(`${CORPUS}reference/pdftotext/${pdf}.txt`, 'utf8');
  // words of the first reference paragraph appear in order-insensitive bulk
  const words = new Set(ws(ref).split(' ').filter((w) => /^[A-Za-z]{5,}$/.test(w)));
  const got = new Set(ws(result.docs[0].text).split(' '));
  const hit = [...words].filter((w) => got.has(w)).length / words.size;
  assert.ok(hit > 0.9, `${(hit * 100).toFixed(1)}% of the reference's words`);
  const files = cdnFiles(log, cdn.origin);
  assert.ok(files.every((f) => ['core.mjs', 'layout.mjs', 'standard/pith.mjs', 'standard/pith.wasm'].includes(f) || f.startsWith('data/')), files.join(' '));
});
