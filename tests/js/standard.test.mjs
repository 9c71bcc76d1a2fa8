// standard.test.mjs: the standard bundle's own formats (PDF, DOCX, XLSX, PPTX, ODT/ODS/ODP,
// EPUB) through the real standard .wasm: one corpus document of each extracts and agrees with
// the native reader's reference text; PDF pages stream one unit at a time; passwords reach the
// security handler; a CJK PDF asks for its CMap pack and stream() fetches it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

import { wordF1 } from '../../bench/lib/f1.mjs';
import { CORPUS, DIST, corpusSkip, loadVariant, needs } from './helpers.mjs';

const file = (rel) => new Uint8Array(readFileSync(new URL(rel, CORPUS)));
const ref = (rel) => (existsSync(new URL(rel, CORPUS)) ? readFileSync(new URL(rel, CORPUS), 'utf8') : null);

// One document per format, with the reference a test compares against.
const samples = [
  ['pdf', 'pdf/pdfjs__tracemonkey.pdf', 'reference/pdftotext/pdf/pdfjs__tracemonkey.pdf.txt'],
  ['docx', 'docx/', 'reference/libreoffice/docx/'],
  ['xlsx', 'xlsx/', 'reference/libreoffice/xlsx/'],
  ['pptx', 'pptx/', 'reference/libreoffice/pptx/'],
  ['odt', 'odt/', 'reference/libreoffice/odt/'],
  ['ods', 'ods/', 'reference/libreoffice/ods/'],
  ['odp', 'odp/', 'reference/libreoffice/odp/'],
  ['epub', 'epub/', null],
];

test('the standard bundle lists every format of its handlers', needs('standard'), async () => {
  const pith = await loadVariant('standard');
  for (const f of ['pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub', 'html', 'markdown', 'text']) {
    assert.ok(pith.formats.includes(f), `${f} in ${pith.formats.join(' ')}`);
  }
});

test('a tracemonkey PDF extracts page by page with text close to pdftotext', { ...needs('standard'), ...corpusSkip('pdf') }, async () => {
  const pith = await loadVariant('standard');
  const r = pith.extract(file('pdf/pdfjs__tracemonkey.pdf'));
  assert.equal(r.format, 'pdf');
  assert.equal(r.units, 14);
  const { f1 } = wordF1(r.text, ref('reference/pdftotext/pdf/pdfjs__tracemonkey.pdf.txt'));
  assert.ok(f1 >= 0.95, `word F1 ${f1.toFixed(3)}`);
  assert.equal(r.meta.pages, '14');
});

test('stream() of a 352-page PDF yields its first page before reading the rest', { ...needs('standard'), ...corpusSkip('pdf') }, async () => {
  const pith = await loadVariant('standard');
  const rs = pith.stream(file('pdf/pdfjs__freeculture.pdf'));
  const reader = rs.getReader();
  const first = await reader.read();
  assert.equal(first.done, false);
  // page 1 is the cover (an image, no text): the first chunk is page 2's
  assert.ok(first.value.unit <= 1, `the first chunk belongs to page ${first.value.unit + 1}`);
  const mem = pith.memory();
  await reader.cancel();
  assert.ok(mem.wasmBytes < 64 * 1024 * 1024, `wasm memory ${mem.wasmBytes} after the first page`);
});

test('an encrypted PDF needs its user password: PITH_E_ENCRYPTED without, text with', { ...needs('standard'), ...corpusSkip('pdf') }, async () => {
  const pith = await loadVariant('standard');
  const bytes = file('pdf/pypdf__enc-r4-user-password.pdf');
  assert.throws(() => pith.extract(bytes), { code: 'PITH_E_ENCRYPTED', message: /password/ });
  const r = pith.extract(bytes, { password: 'asdfzxcv' });
  const { f1 } = wordF1(r.text, ref('reference/pdftotext/pdf/pypdf__enc-r4-user-password.pdf.txt'));
  assert.ok(f1 >= 0.9, `word F1 ${f1.toFixed(3)}`);
});

test('a Shift_JIS CID PDF asks for its CMap pack; stream() fetches it and the text matches', { ...needs('standard'), ...corpusSkip('pdf') }, async () => {
  const pith = await loadVariant('standard');
  const bytes = file('pdf/pdfjs__90ms_rksj_h_sample.pdf');
  assert.throws(() => pith.extract(bytes), (e) => e.code === 'PITH_E_NEED_PACK' && /^cmap-/.test(e.pack));
  const chunks = [];
  for await (const c of pith.stream(bytes)) chunks.push(c.text);
  const { f1 } = wordF1(chunks.join(''), ref('reference/pdftotext/pdf/pdfjs__90ms_rksj_h_sample.pdf.txt'));
  assert.ok(f1 >= 0.9, `word F1 ${f1.toFixed(3)}`);
  assert.ok(pith.packs.some((p) => p.startsWith('cmap-')));
});

for (const [format, folder, refDir] of samples.slice(1)) {
  test(`${format}: a corpus document extracts through the wasm like its reference`, { ...needs('standard'), ...corpusSkip(folder.replace(/\/$/, '')) }, async () => {
    const pith = await loadVariant('standard');
    const { readdirSync } = await import('node:fs');
    const names = readdirSync(new URL(folder, CORPUS)).filter((n) => n.endsWith(`.${format}`)).sort();
    // the first document that has a reference (or the first one when the format has none)
    const pick = names.find((n) => !refDir || ref(`${refDir}${n}.txt`) !== null) ?? names[0];
    assert.ok(pick, `a .${format} file in ${folder}`);
    const r = pith.extract(file(folder + pick));
    assert.equal(r.format, format);
    assert.ok(r.text.length > 0, `${pick} gives text`);
    const want = refDir ? ref(`${refDir}${pick}.txt`) : null;
    if (want !== null) {
      const { f1 } = wordF1(r.text, want);
      assert.ok(f1 >= 0.9, `${pick}: word F1 ${f1.toFixed(3)}`);
    }
    const md = pith.extract(file(folder + pick), { output: 'markdown' });
    assert.ok(md.text.length > 0);
  });
}

test('data packs for the PDF CMaps sit beside the standard bundle', () => {
  for (const c of ['japan1', 'gb1', 'cns1', 'korea1']) {
    assert.ok(existsSync(new URL(`data/cmap-${c}.bin`, DIST)), `dist/data/cmap-${c}.bin`);
  }
});

// The option flags cross the boundary as bits of pith_wasm_opts.flags (dist/layout.mjs mirrors
// pith.h's PITH_OPT_*): each changes what its handler gives, and the default leaves it off.
const enc = (s) => new TextEncoder().encode(s);

test('jsonKeys: object keys come out as "key: value" lines', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const doc = enc('{"title":"Hello","n":42,"ok":true,"who":{"name":"Ann"}}');
  assert.equal(pith.extract(doc, { hint: 'x.json' }).text, 'Hello\n42\n\nAnn\n');
  assert.equal(pith.extract(doc, { hint: 'x.json', jsonKeys: true }).text,
    'title: Hello\nn: 42\nok: true\nwho:\n\nname: Ann\n');
});

test('emailHtml: multipart/alternative gives its HTML part', needs('standard'), async () => {
  const pith = await loadVariant('standard');
  const msg = enc('Subject: alt\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n' +
    '--b1\r\nContent-Type: text/plain\r\n\r\nPlain version\r\n' +
    '--b1\r\nContent-Type: text/html\r\n\r\n<p>HTML <a href="https://x.example/">version</a></p>\r\n--b1--\r\n');
  const plain = pith.extract(msg, { hint: 'm.eml' }).text;
  assert.match(plain, /Plain version/);
  assert.doesNotMatch(plain, /HTML version/);
  const html = pith.extract(msg, { hint: 'm.eml', emailHtml: true, output: 'markdown' }).text;
  assert.match(html, /HTML \[version\]\(https:\/\/x\.example\/\)/);
  assert.doesNotMatch(html, /Plain version/);
});
