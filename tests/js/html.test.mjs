// html.test.mjs: the HTML handler and the encoding layer through the real wasm of each variant:
// text and Markdown of a page, metadata, and the data pack (load({ packs }), the sync
// PITH_E_NEED_PACK, stream() and extractAsync() fetching it, a corrupt pack).
//
// Expected texts come from Node's TextDecoder (the corpus's East Asian pages and every
// single-byte encoding Node has), the corpus NOTES.tsv (which encoding each page is in) and
// pages written here by hand; never from pith's own output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { CORPUS, DIST, VARIANTS, corpusSkip, loadVariant, needs, utf8 } from './helpers.mjs';

const packBytes = () => new Uint8Array(readFileSync(new URL('data/cjk-encodings.bin', DIST)));

const page = `<!DOCTYPE html><html lang="en"><head><title>The &amp; title</title>
<meta name="author" content="A. Writer"><style>p { color: red }</style></head>
<body><h1>Heading</h1><p>First <b>bold</b> and <a href="/x">a link</a>.</p>
<ul><li>one<li>two</ul><script>alert(1)</script><div hidden>secret</div></body></html>`;

// Metadata strings short and long, ASCII and not, at the 32-byte edge of core.mjs's ASCII path.
const titles = ['x'.repeat(32), 'y'.repeat(33), 'Zoë', 'é'.repeat(16), 'a'.repeat(31) + 'é', '✓ done'];
for (const v of VARIANTS) {
  test(`metadata strings of every length and script come back as written (${v})`, needs(v), async () => {
    const pith = await loadVariant(v);
    for (const t of titles) {
      const r = pith.extract(utf8(`<html lang="fr-CA"><title>${t}</title><meta name="author" content="${t}">`));
      assert.equal(r.meta.title, t);
      assert.equal(r.meta.author, t);
      assert.equal(r.meta.language, 'fr-CA');
    }
    pith.dispose();
  });
}

for (const v of VARIANTS) {
  test(`extract() of an HTML page (${v}) gives its text, format html and the head's metadata`, needs(v), async () => {
    const pith = await loadVariant(v);
    const r = pith.extract(utf8(page));
    assert.equal(r.format, 'html');
    assert.equal(r.mime, 'text/html');
    assert.equal(r.text, 'Heading\n\nFirst bold and a link.\n\n- one\n- two\n');
    assert.deepEqual(r.meta, { encoding: 'utf-8', language: 'en', title: 'The & title', author: 'A. Writer' });
    pith.dispose();
  });

  test(`extract() of an HTML page as markdown (${v}) keeps headings, emphasis and links`, needs(v), async () => {
    const pith = await loadVariant(v);
    const r = pith.extract(utf8(page), { output: 'markdown' });
    assert.equal(r.text, '# Heading\n\nFirst **bold** and [a link](/x).\n\n- one\n- two\n');
    pith.dispose();
  });
}

// The corpus pages in East Asian encodings, which declare no charset: NOTES.tsv says which each
// is. Their text must be what TextDecoder makes of the page's body.
const EAST_ASIAN = [
  ['chardet__shift_jis_no_charset.html', 'shift_jis'],
  ['chardet__gb2312_mozilla_bug171813.html', 'gbk'],
  ['chardet__euc-kr_no_charset.html', 'euc-kr'],
  ['chardet__big5_no_charset.html', 'big5'],
];

/** The characters of the page's body text as TextDecoder decodes it, without whitespace: tags,
 *  the head, comments and the markup's whitespace removed with regular expressions. */
function bodyText(bytes, label) {
  const html = new TextDecoder(label).decode(bytes);
  return html
    .replace(/<head>[\s\S]*?<\/head>/i, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, '');
}

test('the corpus Shift_JIS, GB2312, EUC-KR and Big5 pages decode to the same text as TextDecoder', { ...needs('minimal'), ...corpusSkip('html') }, async () => {
  const pith = await loadVariant('minimal', { packs: ['cjk-encodings'] });
  for (const [name, label] of EAST_ASIAN) {
    const bytes = new Uint8Array(readFileSync(new URL(`html/${name}`, CORPUS)));
    const r = pith.extract(bytes);
    assert.equal(r.meta.encoding, label, name);
    assert.equal(r.text.replace(/\s+/g, ''), bodyText(bytes, label), name);
  }
  pith.dispose();
});

test('extract() of a Shift_JIS page without the pack throws PITH_E_NEED_PACK naming it', { ...needs('minimal'), ...corpusSkip('html') }, async () => {
  const pith = await loadVariant('minimal');
  const bytes = new Uint8Array(readFileSync(new URL('html/chardet__shift_jis_no_charset.html', CORPUS)));
  assert.throws(() => pith.extract(bytes), (e) => {
    assert.equal(e.code, 'PITH_E_NEED_PACK');
    assert.equal(e.pack, 'cjk-encodings');
    assert.match(e.message, /needs data pack cjk-encodings/);
    return true;
  });
  assert.deepEqual(pith.packs, []);
  pith.dispose();
});

test('a page declaring shift_jis needs the pack too, and decodes once it is loaded', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  // "あい" in Shift_JIS (JIS X 0208 row 4: 0x82A0, 0x82A2)
  const bytes = new Uint8Array([...utf8('<!DOCTYPE html><meta charset="Shift_JIS"><p>'), 0x82, 0xa0, 0x82, 0xa2]);
  assert.throws(() => pith.extract(bytes), { code: 'PITH_E_NEED_PACK' });
  await pith.loadPack('cjk-encodings');
  await pith.loadPack('cjk-encodings'); // once is enough: the second call does nothing
  assert.deepEqual(pith.packs, ['cjk-encodings']);
  assert.equal(pith.extract(bytes).text, 'あい\n');
  pith.dispose();
});

test('stream() fetches a missing pack from beside the module and goes on', { ...needs('standard'), ...corpusSkip('html') }, async () => {
  const pith = await loadVariant('standard');
  const bytes = readFileSync(new URL('html/chardet__euc-kr_no_charset.html', CORPUS));
  let text = '';
  for await (const c of pith.stream(new Blob([bytes]))) text += c.text;
  assert.equal(text.replace(/\s+/g, ''), bodyText(bytes, 'euc-kr'));
  assert.deepEqual(pith.packs, ['cjk-encodings']);
  pith.dispose();
});

test('extractAsync() fetches a missing pack and resolves like extract()', { ...needs('minimal'), ...corpusSkip('html') }, async () => {
  const pith = await loadVariant('minimal');
  const bytes = new Uint8Array(readFileSync(new URL('html/chardet__big5_no_charset.html', CORPUS)));
  const r = await pith.extractAsync(bytes);
  assert.equal(r.meta.encoding, 'big5');
  assert.equal(r.text.replace(/\s+/g, ''), bodyText(bytes, 'big5'));
  // and a plain document needs nothing
  assert.equal((await pith.extractAsync(utf8('<p>x</p>'))).text, 'x\n');
  pith.dispose();
});

test('load({ packs: { name: bytes } }) takes the pack from the caller', needs('minimal'), async () => {
  const pith = await loadVariant('minimal', { packs: { 'cjk-encodings': packBytes() } });
  const bytes = new Uint8Array([...utf8('<html><meta charset=euc-kr><p>'), 0xb0, 0xa1]); // 가, KS X 1001 16-1
  assert.equal(pith.extract(bytes).text, '가\n');
  pith.dispose();
});

test('load() with an unknown pack name rejects with PITH_E_ARG', needs('minimal'), async () => {
  await assert.rejects(loadVariant('minimal', { packs: ['no-such-pack'] }), { code: 'PITH_E_ARG' });
});

test('a corrupt pack makes the document fail with PITH_E_FORMAT naming the pack', needs('minimal'), async () => {
  const bad = packBytes();
  bad[0] = 0x58; // not "PITHPACK"
  const pith = await loadVariant('minimal', { packs: { 'cjk-encodings': bad } });
  const bytes = new Uint8Array([...utf8('<html><meta charset=gbk><p>'), 0xb0, 0xa1]);
  assert.throws(() => pith.extract(bytes), (e) => e.code === 'PITH_E_FORMAT' && /^pack: cjk-encodings: bad magic/.test(e.message));
  pith.dispose();
});

// Every single-byte encoding Node's TextDecoder knows, all 128 high bytes, through a <meta>.
// Skipped bytes: where Node (ICU) departs from the WHATWG index that pith follows (Node decodes
// windows-1252 as latin1, maps the index's holes in windows-874/1253/1255/1257 to characters
// instead of errors, reads KOI8-U 0xAE/0xBE as box drawing where the WHATWG index has ў/Ў,
// whatwg/encoding#74, and leaves windows-1255 0xCA unmapped where the index has U+05BA,
// whatwg/encoding#73; those bytes are checked against the WHATWG index in test_encoding.c).
const SKIP = {
  'windows-1252': (b) => b < 0xa0,
  'windows-874': (b) => [0xdb, 0xdc, 0xdd, 0xde, 0xfc, 0xfd, 0xfe, 0xff].includes(b),
  'windows-1253': (b) => [0xaa, 0xd2, 0xff].includes(b),
  'windows-1255': (b) => [0xca, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xfb, 0xfc, 0xff].includes(b),
  'windows-1257': (b) => [0xa1, 0xa5].includes(b),
  'koi8-u': (b) => b === 0xae || b === 0xbe,
};
const SINGLE_BYTE = ['ibm866', 'iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6',
  'iso-8859-7', 'iso-8859-8', 'iso-8859-8-i', 'iso-8859-10', 'iso-8859-13', 'iso-8859-14',
  'iso-8859-15', 'koi8-r', 'koi8-u', 'macintosh', 'windows-874', 'windows-1250', 'windows-1251',
  'windows-1252', 'windows-1253', 'windows-1254', 'windows-1255', 'windows-1256', 'windows-1257',
  'windows-1258', 'x-mac-cyrillic'];

test('every single-byte page decodes its high bytes as TextDecoder does', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  for (const label of SINGLE_BYTE) {
    const skip = SKIP[label] ?? (() => false);
    const bytes = [];
    for (let b = 0x80; b <= 0xff; b++) if (!skip(b)) bytes.push(b);
    // one byte per <p>, so whitespace bytes (NBSP is not whitespace) stay apart
    const html = [...utf8(`<meta charset="${label}">`)];
    for (const b of bytes) html.push(...utf8('<p>x'), b, ...utf8('x</p>'));
    const got = pith.extract(new Uint8Array(html), { hint: 'text/html' }).text.split('\n\n').map((l) => l.trim());
    const dec = new TextDecoder(label);
    bytes.forEach((b, i) => {
      assert.equal(got[i], `x${dec.decode(new Uint8Array([b]))}x`, `${label} 0x${b.toString(16)}`);
    });
  }
  pith.dispose();
});
