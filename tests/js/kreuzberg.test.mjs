// kreuzberg.test.mjs: pith/kreuzberg against the real @kreuzberg/wasm 4.5.2 — the same calls on
// a few corpus documents (text, HTML, Markdown, and PDF/DOCX once the standard bundle lists
// them) give results of the same shape (keys and types) and content with the same words (word
// F1 >= 0.9 where both succeed). Kreuzberg comes from tests/runtimes/node_modules (npm ci
// there) or bench/peers/node_modules; without it the comparisons skip, saying so. Its init takes
// 1-2 s, so the test makes a handful of calls.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import * as pk from '../../dist/kreuzberg/index.mjs';
import { wordF1 } from '../../bench/lib/f1.mjs';
import { pickSamples } from '../runtimes/samples.mjs';
import { ROOT, corpusSkip, loadVariant, needs, utf8 } from './helpers.mjs';

const KREUZBERG = ['tests/runtimes/node_modules/@kreuzberg/wasm/', 'bench/peers/node_modules/@kreuzberg/wasm/']
  .map((p) => new URL(p, ROOT))
  .find((u) => existsSync(new URL('package.json', u)));
const noKreuzberg = KREUZBERG
  ? {}
  : { skip: '@kreuzberg/wasm 4.5.2 not installed (npm ci --prefix tests/runtimes)' };

/** Result fields whose type differs on purpose (documented in dist/README.md). */
const KNOWN = new Set([
  'qualityScore', // Kreuzberg scores its output (a number); pith does not (null)
  'pages', // Kreuzberg gives null for formats without pages even when asked; pith gives one per unit
  'processingWarnings', // null when empty on both sides; an array where either has warnings
]);

const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

let kreuzberg = null;
const realFetch = globalThis.fetch;

/** @kreuzberg/wasm, initialized (its loader fetches its .wasm from a file: URL, which Node's
 *  fetch refuses: the shim answers file: URLs with the file's bytes). */
async function k() {
  if (kreuzberg) return kreuzberg;
  globalThis.fetch = async (u, init) => {
    const s = u instanceof URL ? u.href : typeof u === 'string' ? u : u.url;
    if (s.startsWith('file:')) {
      const type = s.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
      return new Response(await readFile(new URL(s)), { headers: { 'content-type': type } });
    }
    return realFetch(u, init);
  };
  const mod = await import(new URL('package.json', KREUZBERG).href.replace('package.json', 'dist/index.js'));
  await mod.initWasm();
  kreuzberg = mod;
  return mod;
}
after(() => {
  globalThis.fetch = realFetch;
});

/** The documents: one per format of these that the standard bundle lists. */
async function samples() {
  const pith = await loadVariant('standard');
  // Kreuzberg's own test documents first: it reads legacy encodings (Shift_JIS, cp866, Big5
  // HTML without a charset) as mojibake (word F1 0.00-0.52 against pith's text, measured), which
  // would make the word comparison meaningless. Not sinthgunt.md either: Kreuzberg's plain
  // output of Markdown is its source, link titles and raw HTML included (F1 0.61).
  const { samples: s } = pickSamples(pith, {
    formats: ['text', 'html', 'markdown', 'docx'],
    // nor kreuzberg__equations.docx: pith keeps the text of Office Math (m:t), which Kreuzberg
    // gives differently, so the words differ by design there (F1 0.83)
    prefer: (name) => name.startsWith('kreuzberg__') && name !== 'kreuzberg__sinthgunt.md' &&
      name !== 'kreuzberg__equations.docx',
  });
  // A small PDF: Kreuzberg spends seconds and gigabytes on a few pages of a bigger one
  // (its 31-page Intel paper took minutes here), which would make this test the slowest of all.
  const { samples: p } = pickSamples(pith, { formats: ['pdf'], target: 8000 });
  s.push(...p);
  return s.map((d) => ({ ...d, mime: pith.extract(d.bytes, { hint: d.name }).mime }));
}

function sameShape(ours, theirs, where) {
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), `${where}: result keys`);
  for (const key of Object.keys(theirs)) {
    if (KNOWN.has(key)) continue;
    assert.equal(typeOf(ours[key]), typeOf(theirs[key]), `${where}: type of ${key}`);
  }
  for (const key of ['title', 'authors', 'subject', 'keywords', 'language', 'createdAt', 'modifiedAt', 'pageCount', 'outputFormat']) {
    if (key in ours.metadata && key in theirs.metadata) {
      assert.equal(typeOf(ours.metadata[key]), typeOf(theirs.metadata[key]), `${where}: type of metadata.${key}`);
    }
  }
  const tableKeys = (t) => Object.keys(t).filter((k) => t[k] !== undefined && t[k] !== null).sort();
  if (ours.tables.length && theirs.tables.length) {
    assert.deepEqual(tableKeys(ours.tables[0]), tableKeys(theirs.tables[0]), `${where}: table keys`);
  }
  for (const t of ours.tables) {
    assert.ok(Array.isArray(t.cells) && t.cells.every((r) => Array.isArray(r) && r.every((c) => typeof c === 'string')), `${where}: cells`);
    assert.equal(typeof t.markdown, 'string');
    assert.ok(Number.isInteger(t.pageNumber) && t.pageNumber >= 1);
  }
}

test('before initWasm every call throws; after it, isInitialized and getVersion', needs('standard'), async () => {
  assert.throws(() => pk.extractBytesSync(utf8('x'), 'text/plain'), /initWasm/);
  await assert.rejects(pk.extractBytes(utf8('x'), 'text/plain'), /initWasm/);
  assert.throws(() => pk.detectMimeFromBytes(utf8('x')), /initWasm/);
  assert.equal(pk.isInitialized(), false);
  await Promise.all([pk.initWasm(), pk.initWasm()]);
  assert.equal(pk.isInitialized(), true);
  assert.match(pk.getVersion(), /^\d+\.\d+\.\d+/);
});

test('extractBytes gives Kreuzberg\'s result shape and the same words on corpus documents',
  { ...needs('standard'), ...corpusSkip('txt'), ...noKreuzberg }, async () => {
    await pk.initWasm();
    const kz = await k();
    const docs = await samples();
    assert.ok(docs.length >= 3, `documents: ${docs.map((d) => d.name).join(' ')}`);
    let compared = 0;
    for (const d of docs) {
      const ours = await pk.extractBytes(d.bytes.slice(), d.mime);
      let theirs;
      try {
        theirs = await kz.extractBytes(d.bytes.slice(), d.mime);
      } catch (e) {
        // Kreuzberg failing is its own affair; ours still has to have the shape
        assert.equal(typeof ours.content, 'string', `${d.name} (Kreuzberg: ${e.message})`);
        continue;
      }
      sameShape(ours, theirs, d.name);
      assert.equal(ours.mimeType, theirs.mimeType, `${d.name}: mimeType`);
      const { f1 } = wordF1(ours.content, theirs.content);
      assert.ok(f1 >= 0.9, `${d.name}: word F1 ${f1.toFixed(3)} between pith's and Kreuzberg's content`);
      compared++;
    }
    assert.ok(compared >= 3, `${compared} documents compared`);
  });

test('tables, markdown output, pages and the warnings for options pith lacks', { ...needs('standard'), ...noKreuzberg }, async () => {
  await pk.initWasm();
  const kz = await k();
  const html = utf8('<html><head><title>T</title><meta name="author" content="Ann"><meta name="keywords" content="x, y"></head>' +
    '<body><h1>Head</h1><p>para</p><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table></body></html>');
  const config = { outputFormat: 'markdown', pages: { extractPages: true } };
  const ours = await pk.extractBytes(html, 'text/html', config);
  const theirs = await kz.extractBytes(html, 'text/html', config);
  sameShape(ours, theirs, 'html table');
  assert.deepEqual(ours.tables.map((t) => t.cells), theirs.tables.map((t) => t.cells));
  assert.deepEqual(ours.tables.map((t) => t.markdown), theirs.tables.map((t) => t.markdown));
  assert.deepEqual(ours.tables.map((t) => t.pageNumber), [1]);
  assert.equal(ours.metadata.title, theirs.metadata.title);
  assert.deepEqual(ours.metadata.keywords, theirs.metadata.keywords);
  assert.deepEqual(ours.metadata.authors, ['Ann']);
  assert.equal(ours.metadata.outputFormat, 'markdown');
  assert.ok(wordF1(ours.content, theirs.content).f1 >= 0.9);
  assert.match(ours.content, /^# Head\n/);
  assert.deepEqual(ours.pages.map((p) => [p.pageNumber, p.content]), [[1, ours.content]]);
  assert.equal(ours.processingWarnings, null);

  const warned = pk.extractBytesSync(html, 'text/html', { ocr: { backend: 'tesseract' }, chunking: { maxChars: 100 }, useCache: true, images: { enabled: false } });
  assert.deepEqual(warned.processingWarnings.map((w) => w.message), [
    'config.ocr is not supported by pith; ignored',
    'config.chunking is not supported by pith; ignored',
  ]);
  assert.ok(warned.processingWarnings.every((w) => w.source === 'pith/kreuzberg'));
});

test('sync, batch, File/Blob and MIME detection calls', { ...needs('standard'), ...noKreuzberg }, async () => {
  await pk.initWasm();
  const kz = await k();
  const md = utf8('# Title\n\nSome *markdown* text.\n');
  const html = utf8('<!doctype html><html><body><p>html here</p></body></html>');
  const batch = [{ data: md, mimeType: 'text/markdown' }, { data: html, mimeType: 'text/html' }];
  const ours = await pk.batchExtractBytes(batch);
  const theirs = await kz.batchExtractBytes(batch);
  assert.equal(ours.length, 2);
  ours.forEach((r, i) => {
    sameShape(r, theirs[i], `batch ${i}`);
    assert.ok(wordF1(r.content, theirs[i].content).f1 >= 0.9, `batch ${i}: ${JSON.stringify(r.content)} vs ${JSON.stringify(theirs[i].content)}`);
  });
  assert.deepEqual(pk.batchExtractBytesSync(batch).map((r) => r.content), ours.map((r) => r.content));
  const file = await pk.extractFromFile(new Blob([html], { type: 'text/html' }));
  assert.equal(file.content, ours[1].content);
  assert.equal(pk.detectMimeFromBytes(html), kz.detectMimeFromBytes(html));
  const pdf = utf8('%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n');
  assert.equal(pk.detectMimeFromBytes(pdf), kz.detectMimeFromBytes(pdf));
  assert.deepEqual(pk.getExtensionsForMime('text/html'), ['html', 'htm']);
  await assert.rejects(pk.extractBytes(new Uint8Array([0, 1, 2, 3, 0xff]), 'application/x-nope'),
    { name: 'PithError', message: /^Error extracting from bytes: / });
});
