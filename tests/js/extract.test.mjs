// extract.test.mjs: pith.extract, input() (zero copy), detect, extractBatch, memory, dispose
// and the errors a caller can reach, over the real wasm of each variant.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import {
  VARIANTS,
  bigText,
  corpusFiles,
  corpusSkip,
  entry,
  loadVariant,
  minimalDocx,
  needs,
  png,
  tinyPdf,
  utf8,
} from './helpers.mjs';

const text1 = 'Hello, world.\nSecond line.\n';

for (const v of VARIANTS) {
  test(`extract() of plain text (${v}) returns the text, format text, meta encoding and one unit`, needs(v), async () => {
    const pith = await loadVariant(v);
    const r = pith.extract(utf8(text1));
    assert.deepEqual(Object.keys(r), ['text', 'format', 'mime', 'meta', 'warnings', 'stats', 'units']);
    assert.equal(r.text, text1);
    assert.equal(r.format, 'text');
    assert.equal(r.mime, 'text/plain');
    assert.equal(r.meta.encoding, 'utf-8');
    assert.deepEqual(r.warnings, []);
    assert.equal(r.units, 1);
    assert.equal(r.stats.outputBytes, utf8(text1).length);
    assert.ok(r.stats.memoryBytes > 0 && r.stats.memoryHigh >= r.stats.memoryBytes, JSON.stringify(r.stats));
    assert.ok(r.stats.work > 0);
    assert.equal(r.stats.warningsDropped, 0);
    pith.dispose();
  });
}

test('extract() takes a Uint8Array, an ArrayBuffer, a DataView and a subarray at an offset', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const bytes = utf8(`xx${text1}yy`);
  const inner = bytes.subarray(2, bytes.length - 2);
  const ab = inner.slice().buffer;
  for (const input of [inner, ab, new DataView(ab), new Uint8Array(ab)]) {
    assert.equal(pith.extract(input).text, text1, input.constructor.name);
  }
  pith.dispose();
});

test('extract() of an empty input returns empty text', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const r = pith.extract(new Uint8Array(0));
  assert.equal(r.text, '');
  assert.equal(r.stats.outputBytes, 0);
  pith.dispose();
});

test('extract() rejects a Blob, a string and other non-bytes with PITH_E_ARG', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  assert.throws(() => pith.extract(new Blob(['x'])), { code: 'PITH_E_ARG', message: /stream\(\)/ });
  assert.throws(() => pith.extract('text'), { code: 'PITH_E_ARG' });
  assert.throws(() => pith.extract(null), { code: 'PITH_E_ARG' });
  assert.equal(pith.memory().handles, 0, 'nothing was allocated for them');
  pith.dispose();
});

test('extract() of every corpus txt file gives format text with its encoding in meta', { ...needs('minimal'), ...corpusSkip('txt') }, async () => {
  const pith = await loadVariant('minimal');
  const files = corpusFiles('txt');
  assert.ok(files.length > 0);
  for (const { name, bytes } of files) {
    const r = pith.extract(bytes, { hint: name });
    assert.equal(r.format, 'text', name);
    assert.equal(typeof r.meta.encoding, 'string', name);
    assert.ok(r.text.length > 0, name);
    assert.ok(!r.text.includes('\r'), `${name}: line ends are LF`);
  }
  pith.dispose();
});

test('extract() of a UTF-16LE file with a BOM matches the platform decoder', { ...needs('minimal'), ...corpusSkip('txt') }, async () => {
  const pith = await loadVariant('minimal');
  const file = corpusFiles('txt').find((f) => f.name.includes('utf-16le'));
  const r = pith.extract(file.bytes);
  assert.equal(r.meta.encoding, 'utf-16le');
  // independent reference: WHATWG's UTF-16LE decoder (BOM stripped), line ends made LF
  const expected = new TextDecoder('utf-16le').decode(file.bytes).replace(/\r\n?/g, '\n');
  assert.equal(r.text, expected);
  pith.dispose();
});

test('extract() of a UTF-8 corpus file equals the file decoded with LF line ends', { ...needs('minimal'), ...corpusSkip('txt') }, async () => {
  const pith = await loadVariant('minimal');
  const file = corpusFiles('txt').find((f) => f.name.includes('norwich_city'));
  const expected = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes).replace(/\r\n?/g, '\n');
  const r = pith.extract(file.bytes);
  assert.equal(r.meta.encoding, 'utf-8');
  assert.equal(r.text, expected);
  pith.dispose();
});

// wasm hands a chunk of largely non-ASCII text to JS as UTF-16 (faster to make a string of in
// V8) and the rest as UTF-8: every script and astral characters (surrogate pairs in JS) come
// out the same through both, in extract() and stream(), whatever the chunk size.
test('extract() and stream() of non-ASCII text give the same string through UTF-16 and UTF-8 chunks', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const lines = [];
  for (let i = 0; i < 5000; i++) {
    lines.push(i % 5 === 0 ? `Line ${i} plain ASCII only, a few words more.`
      : i % 5 === 1 ? `Строка ${i}: съешь же ещё этих мягких булок`
      : i % 5 === 2 ? `第${i}行：中文文本与日本語のテキスト`
      : i % 5 === 3 ? `שורה ${i} טקסט בעברית, emoji 😀🎉 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢`
      : `ligne ${i}: déjà vu, naïve café`);
  }
  const text = `${lines.join('\n')}\n`;
  const bytes = utf8(text);
  assert.ok(bytes.length > 3 * 65536);
  for (const chunkSize of [undefined, 4096, 5000, 65536]) {
    const r = pith.extract(bytes, { hint: 'a.txt', chunkSize });
    assert.equal(r.text, text, `extract, chunkSize ${chunkSize}`);
    let streamed = '';
    for await (const c of pith.stream(bytes, { hint: 'a.txt', chunkSize })) streamed += c.text;
    assert.equal(streamed, text, `stream, chunkSize ${chunkSize}`);
  }
  // a mostly-ASCII document (below an eighth non-ASCII) takes the UTF-8 way: the same string
  const mostly = `${'plain words and more plain words '.repeat(3000)}é 😀\n`;
  assert.equal(pith.extract(utf8(mostly), { hint: 'a.txt' }).text, mostly);
  pith.dispose();
});

test('extract() keeps a BOM-less leading U+FEFF that is text and does not strip it per chunk', needs('minimal'), async () => {
  // The decoder must not eat a U+FEFF at the start of each chunk (ignoreBOM).
  const pith = await loadVariant('minimal');
  const s = 'a'.repeat(63) + '\uFEFF' + 'b'.repeat(100);
  const r = pith.extract(utf8(s), { chunkSize: 64 });
  assert.equal(r.text.length, s.length);
  pith.dispose();
});

test('extract() output options give text, markdown, JSON Lines and HTML', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const input = utf8('First paragraph.\n\nSecond paragraph.\n');
  const t = pith.extract(input, { output: 'text' }).text;
  const md = pith.extract(input, { output: 'markdown' }).text;
  const jsonl = pith.extract(input, { output: 'jsonl' }).text;
  const html = pith.extract(input, { output: 'html' }).text;
  assert.match(t, /First paragraph\.[\s\S]*Second paragraph\./);
  assert.match(md, /First paragraph\./);
  const lines = jsonl.split('\n').filter(Boolean);
  assert.ok(lines.length >= 1);
  for (const line of lines) JSON.parse(line);
  assert.match(jsonl, /Second paragraph\./);
  assert.match(html, /<p>First paragraph\.<\/p>/);
  pith.dispose();
});

test('extract() with a hint reads a .md file as markdown', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const r = pith.extract(utf8('# Title\n\nSome *text*.\n'), { hint: 'notes.md' });
  assert.equal(r.format, 'markdown');
  assert.equal(r.mime, 'text/markdown');
  assert.match(r.text, /Title/);
  pith.dispose();
});

test('extract() of UTF-8 with one ill-formed byte warns with the unit, code and offset', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  // mostly multi-byte UTF-8 with one stray byte: repaired UTF-8, not windows-1252
  const bytes = utf8(`ab ${bigText(5000)}`);
  bytes[1] = 0xff;
  const r = pith.extract(bytes);
  assert.equal(r.meta.encoding, 'utf-8');
  assert.ok(r.text.startsWith('a\uFFFD '), 'replaced by U+FFFD');
  assert.equal(r.warnings.length, 1, JSON.stringify(r.warnings));
  const w = r.warnings[0];
  assert.deepEqual(Object.keys(w), ['unit', 'code', 'message', 'offset']);
  assert.equal(w.unit, 0);
  assert.equal(w.code, 'PITH_E_FORMAT');
  assert.equal(w.offset, 1);
  assert.ok(w.message.length > 0);
  pith.dispose();
});

test('extract() rejects bad options with PITH_E_ARG before touching memory', needs('minimal'), async () => {
  const { PithError } = await entry('minimal');
  const pith = await loadVariant('minimal');
  const input = utf8(text1);
  const bad = [
    { output: 'pdf' },
    { output: 'toString' },
    { chunkSize: -1 },
    { chunkSize: 1.5 },
    { chunkSize: '64' },
    { firstUnit: -1 },
    { pages: { first: 0 }, firstUnit: 0 },
    { hint: 42 },
    { password: 7 },
    { limits: { maxOuputBytes: 10 } },
    { limits: { maxWork: -1 } },
    { limits: 5 },
    { outptu: 'text' },
    'text',
  ];
  for (const opts of bad) {
    assert.throws(() => pith.extract(input, opts), (e) => {
      assert.ok(e instanceof PithError, JSON.stringify(opts));
      assert.equal(e.code, 'PITH_E_ARG', JSON.stringify(opts));
      assert.match(e.message, /^options: /);
      return true;
    });
  }
  assert.equal(pith.memory().handles, 0);
  pith.dispose();
});

test('extract() with a tiny maxOutputBytes rejects with PITH_E_LIMIT naming the limit', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  assert.throws(() => pith.extract(utf8(bigText(10_000)), { limits: { maxOutputBytes: 100 } }), {
    code: 'PITH_E_LIMIT',
    message: /max_output_bytes/,
  });
  pith.dispose();
});

test('extract() with maxInputBytes below the input size rejects with PITH_E_LIMIT, and the pooled handle forgets the limit', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const input = utf8(bigText(1000));
  assert.throws(() => pith.extract(input, { limits: { maxInputBytes: 10 } }), {
    code: 'PITH_E_LIMIT',
    message: /max_input_bytes/,
  });
  // the same (pooled) handle, no limit now
  assert.equal(pith.extract(input).text.length > 0, true);
  // an input() buffer checked against the limit at open
  const view = pith.input(input.length);
  view.set(input);
  assert.throws(() => pith.extract(view, { limits: { maxInputBytes: 10 } }), { code: 'PITH_E_LIMIT' });
  pith.dispose();
});

test('the minimal bundle given a PDF rejects with PITH_E_DISABLED naming standard', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  assert.throws(() => pith.extract(tinyPdf()), (e) => {
    assert.equal(e.code, 'PITH_E_DISABLED');
    assert.match(e.message, /standard/);
    assert.match(e.message, /pdf/);
    assert.equal(typeof e.offset, 'number');
    return true;
  });
  pith.dispose();
});

test('the minimal bundle given a DOCX rejects with PITH_E_DISABLED naming standard', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  assert.equal(pith.detect(minimalDocx()), 'docx');
  assert.throws(() => pith.extract(minimalDocx()), { code: 'PITH_E_DISABLED', message: /standard/ });
  pith.dispose();
});

for (const v of VARIANTS) {
  test(`extract() of a PNG (${v}) rejects with PITH_E_UNSUPPORTED`, needs(v), async () => {
    const { PithError } = await entry(v);
    const pith = await loadVariant(v);
    assert.throws(() => pith.extract(png()), (e) => {
      assert.ok(e instanceof PithError && e instanceof Error);
      assert.equal(e.name, 'PithError');
      assert.equal(e.code, 'PITH_E_UNSUPPORTED');
      assert.ok(e.message.length > 0);
      assert.equal(typeof e.offset, 'number');
      return true;
    });
    // the failure left nothing behind: the next document is fine
    assert.equal(pith.extract(utf8('after')).text, 'after');
    pith.dispose();
  });
}

test('extract() with an already aborted signal rejects with an AbortError PITH_E_ABORTED', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  assert.throws(() => pith.extract(utf8(text1), { signal: ac.signal }), (e) => {
    assert.equal(e.code, 'PITH_E_ABORTED');
    assert.equal(e.name, 'AbortError');
    assert.equal(e.cause.message, 'stop');
    return true;
  });
  pith.dispose();
});

// MARK: input(): zero copy

test('extract() of an input() buffer reads bytes written after input() without copying them', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  pith.extract(utf8('warm up'));
  const size = 8 << 20;
  const view = pith.input(size);
  assert.ok(view instanceof Uint8Array);
  assert.equal(view.length, size);
  const body = utf8(bigText(size));
  view.set(body.subarray(0, size));
  // a change after input() and after filling must show in the output
  view.set(utf8('MARKER'), 0);
  const before = pith.memory().wasmBytes;
  const r = pith.extract(view);
  const after = pith.memory().wasmBytes;
  assert.ok(r.text.startsWith('MARKER'));
  assert.equal(r.stats.outputBytes > size - 8, true);
  // a copy would have needed another 8 MiB of wasm memory
  assert.ok(after - before < size, `memory grew by ${after - before} bytes`);
  pith.dispose();
});

test('extract() of a subarray of an input() buffer reads only those bytes', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const view = pith.input(1024);
  const s = utf8('only this');
  view.set(s);
  assert.equal(pith.extract(view.subarray(0, s.length)).text, 'only this');
  pith.dispose();
});

test('an input() buffer is consumed by one extract; using it again rejects with PITH_E_ARG', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const view = pith.input(3);
  view.set(utf8('abc'));
  assert.equal(pith.extract(view).text, 'abc');
  assert.throws(() => pith.extract(view), { code: 'PITH_E_ARG', message: /already used/ });
  pith.dispose();
});

test('an input() view detached by memory growth still extracts; a subarray of it rejects with PITH_E_ARG', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const view = pith.input(5);
  view.set(utf8('kept!'));
  const sub = view.subarray(0, 4);
  const wasm0 = pith.memory().wasmBytes;
  const big = pith.input(wasm0 * 2); // grows memory: `view` and `sub` are detached now
  assert.ok(pith.memory().wasmBytes > wasm0);
  assert.equal(view.length, 0, 'detached');
  assert.throws(() => pith.extract(sub), { code: 'PITH_E_ARG', message: /detached/ });
  big.fill(0x61); // filled at once, before anything else can grow memory
  assert.equal(pith.extract(big.subarray(0, 3)).text, 'aaa');
  assert.equal(pith.extract(view).text, 'kept!');
  pith.dispose();
});

test('input() holds a handle until it is extracted; dispose() frees an unused one', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const a = pith.input(10);
  const b = pith.input(10);
  assert.equal(pith.memory().handles, 2);
  assert.equal(pith.memory().freeHandles, 0);
  a.set(utf8('aaaaaaaaaa'));
  b.set(utf8('bbbbbbbbbb'));
  assert.equal(pith.extract(b).text, 'bbbbbbbbbb');
  assert.equal(pith.memory().freeHandles, 1);
  assert.equal(pith.extract(a).text, 'aaaaaaaaaa');
  assert.equal(pith.memory().freeHandles, 2);
  assert.throws(() => pith.input(-1), { code: 'PITH_E_ARG' });
  assert.throws(() => pith.input(1.5), { code: 'PITH_E_ARG' });
  pith.input(4);
  pith.dispose();
});

test('an input() buffer dropped without being extracted gives its handle back when collected', needs('minimal'), async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const pith = await loadVariant('minimal');
  (() => {
    pith.input(1000).fill(0x61);
  })();
  assert.equal(pith.memory().freeHandles, 0);
  for (let i = 0; i < 20 && pith.memory().freeHandles === 0; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(pith.memory().freeHandles, 1);
  pith.dispose();
});

test('input() beyond the input limit rejects with PITH_E_LIMIT', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  assert.throws(() => pith.input(2 ** 31), { code: 'PITH_E_LIMIT', message: /max_input_bytes/ });
  assert.equal(pith.memory().freeHandles, pith.memory().handles, 'handle returned');
  pith.dispose();
});

// MARK: detect

test('detect() names the format from the content and the hint without extracting', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  assert.equal(pith.detect(tinyPdf()), 'pdf');
  assert.equal(pith.detect(png()), 'image');
  assert.equal(pith.detect(utf8(text1)), 'text');
  assert.equal(pith.detect(utf8('# T\n\ntext\n'), { hint: 'x.md' }), 'markdown');
  const view = pith.input(5);
  view.set(utf8('%PDF-'));
  assert.equal(pith.detect(view), 'pdf');
  assert.throws(() => pith.extract(view), { code: 'PITH_E_DISABLED' }, 'detect left the buffer for extract');
  pith.dispose();
});

// MARK: batch

test('extractBatch() goes on after a failed item and reports it as { ok: false, error }', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const out = pith.extractBatch([utf8('one'), png(), { input: utf8('# two'), hint: 'two.md' }, 'bad', utf8('three')]);
  assert.equal(out.length, 5);
  assert.deepEqual(out.map((r) => r.ok), [true, false, true, false, true]);
  assert.equal(out[0].text, 'one');
  assert.equal(out[1].error.code, 'PITH_E_UNSUPPORTED');
  assert.equal(out[2].format, 'markdown');
  assert.equal(out[3].error.code, 'PITH_E_ARG');
  assert.equal(out[4].text, 'three');
  assert.equal(out[4].format, 'text');
  assert.equal(pith.memory().handles, 1, 'one handle for the whole batch');
  assert.throws(() => pith.extractBatch([utf8('x')], { signal: AbortSignal.abort() }), { code: 'PITH_E_ABORTED' });
  assert.throws(() => pith.extractBatch([utf8('x')], { output: 'nope' }), { code: 'PITH_E_ARG' });
  assert.throws(() => pith.extractBatch(42), { code: 'PITH_E_ARG' });
  pith.dispose();
});

test('extractBatch() of 1,000 documents keeps memory flat after the first 10', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const docs = [];
  for (let i = 0; i < 1000; i++) docs.push(utf8(bigText(500 + (i % 7) * 3000, i)));
  const first = pith.extractBatch(docs.slice(0, 10));
  assert.ok(first.every((r) => r.ok));
  const m10 = pith.memory();
  const rest = pith.extractBatch(docs.slice(10));
  const m1000 = pith.memory();
  assert.ok(rest.every((r) => r.ok));
  assert.equal(m1000.wasmBytes, m10.wasmBytes, 'wasm memory');
  assert.equal(m1000.arenaBytes, m10.arenaBytes, 'arena bytes retained');
  assert.equal(m1000.handles, 1);
  // arena use per document settles too
  const arena = new Set(rest.map((r) => r.stats.memoryBytes));
  assert.ok(arena.size <= 2, `arena sizes ${[...arena]}`);
  pith.dispose();
});

test('extractBatch() takes input() buffers among bytes', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const view = pith.input(4);
  view.set(utf8('view'));
  const out = pith.extractBatch([utf8('a'), view, utf8('b')]);
  assert.deepEqual(out.map((r) => r.text), ['a', 'view', 'b']);
  pith.dispose();
});

// MARK: memory, dispose

test('memory() reports wasm bytes and the arena bytes of the handles', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const m0 = pith.memory();
  assert.deepEqual(Object.keys(m0), ['wasmBytes', 'arenaBytes', 'arenaHigh', 'handles', 'freeHandles']);
  assert.equal(m0.handles, 0);
  assert.equal(m0.arenaBytes, 0);
  assert.ok(m0.wasmBytes >= 65536 && m0.wasmBytes % 65536 === 0);
  pith.extract(utf8(bigText(200_000)));
  const m1 = pith.memory();
  assert.equal(m1.handles, 1);
  assert.equal(m1.freeHandles, 1);
  assert.ok(m1.arenaHigh >= m1.arenaBytes && m1.arenaHigh > 0);
  pith.dispose();
});

test('dispose() destroys the handles; every later call rejects with PITH_E_ARG', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  pith.extract(utf8('x'));
  pith.dispose();
  pith.dispose(); // twice is fine
  for (const call of [
    () => pith.extract(utf8('x')),
    () => pith.extractBatch([]),
    () => pith.stream(utf8('x')),
    () => pith.input(1),
    () => pith.detect(utf8('x')),
    () => pith.memory(),
  ]) {
    assert.throws(call, { code: 'PITH_E_ARG', message: /disposed/ });
  }
});

test('an instance is disposable with `using` (Symbol.dispose)', { ...needs('minimal'), ...(typeof Symbol.dispose !== 'symbol' && { skip: 'no Symbol.dispose' }) }, async () => {
  const pith = await loadVariant('minimal');
  pith[Symbol.dispose]();
  assert.throws(() => pith.memory(), { code: 'PITH_E_ARG' });
});
