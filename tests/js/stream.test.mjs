// stream.test.mjs: pith.stream — chunk order and sizes, backpressure, cancellation, abort,
// every input source, memory growth in the middle of a document, interleaved documents.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  bigText,
  drain,
  loadVariant,
  needs,
  sleep,
  spyStreams,
  tinyPdf,
  utf8,
} from './helpers.mjs';

const opts = needs('minimal');
const BIG = bigText(300_000);
const BIG_BYTES = utf8(BIG);

test('stream() yields chunks in order, each at most chunkSize bytes, that add up to extract()', opts, async () => {
  const pith = await loadVariant('minimal');
  const whole = pith.extract(BIG_BYTES).text;
  const rs = pith.stream(BIG_BYTES, { chunkSize: 1000 });
  assert.ok(rs instanceof ReadableStream);
  const { chunks, text } = await drain(rs);
  assert.equal(text, whole);
  assert.ok(chunks.length >= BIG_BYTES.length / 1000);
  chunks.forEach((c, i) => {
    assert.deepEqual(Object.keys(c), ['text', 'unit', 'index']);
    assert.equal(c.index, i);
    assert.equal(c.unit, 0);
    const n = utf8(c.text).length;
    assert.ok(n >= 1 && n <= 1000, `chunk ${i}: ${n} bytes`);
    assert.ok(!c.text.includes('\uFFFD'), `chunk ${i} splits no code point`);
  });
  const info = await rs.result;
  assert.equal(info.format, 'text');
  assert.equal(info.meta.encoding, 'utf-8');
  assert.equal(info.units, 1);
  assert.equal(info.stats.outputBytes, utf8(whole).length);
  assert.equal(pith.memory().freeHandles, pith.memory().handles, 'handle back in the pool');
  pith.dispose();
});

test('stream() with bytes: true yields copied UTF-8 chunks that stay intact after later reads', opts, async () => {
  const pith = await loadVariant('minimal');
  const chunks = [];
  for await (const c of pith.stream(BIG_BYTES, { chunkSize: 4096, bytes: true })) {
    assert.deepEqual(Object.keys(c), ['bytes', 'unit', 'index']);
    assert.ok(c.bytes instanceof Uint8Array && c.bytes.length <= 4096);
    assert.equal(c.bytes.buffer.byteLength, c.bytes.length, 'a copy, not a view of wasm memory');
    chunks.push(c.bytes);
  }
  const joined = Buffer.concat(chunks).toString('utf8');
  assert.equal(joined, pith.extract(BIG_BYTES).text);
  pith.dispose();
});

test('stream() pulls one chunk per read, so a slow consumer holds production back', opts, async () => {
  const pith = await loadVariant('minimal');
  const { value: rs, seen } = spyStreams(() => pith.stream(BIG_BYTES, { chunkSize: 512 }));
  const spy = seen[0];
  assert.ok(spy.strategy.highWaterMark <= 1, `highWaterMark ${spy.strategy.highWaterMark}`);
  await sleep(20);
  assert.equal(spy.pulls, 0, 'nothing produced before the first read');
  const reader = rs.getReader();
  let consumed = 0;
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  for (let i = 0; i < 5; i++) {
    const { value } = await reader.read();
    assert.equal(value.index, i);
    consumed++;
    const ticksBefore = ticks;
    await sleep(15); // the slow consumer: the event loop runs, no chunk is made meanwhile
    assert.ok(ticks > ticksBefore, 'timers ran between chunks');
    assert.ok(spy.pulls <= consumed + 1, `pulls ${spy.pulls} for ${consumed} consumed`);
  }
  clearInterval(timer);
  await reader.cancel();
  assert.ok(spy.pulls <= consumed + 1);
  pith.dispose();
});

test('cancelling a stream closes the document and returns its handle and arena memory', opts, async () => {
  const pith = await loadVariant('minimal');
  pith.extract(BIG_BYTES, { chunkSize: 1000 }); // the handle now holds what this document keeps
  const settled = pith.memory();
  assert.equal(settled.handles, 1);
  const rs = pith.stream(BIG_BYTES, { chunkSize: 1000 });
  const reader = rs.getReader();
  await reader.read();
  await reader.read();
  const open = pith.memory();
  assert.equal(open.freeHandles, 0, 'the stream holds the handle');
  await reader.cancel('enough');
  const after = pith.memory();
  assert.equal(after.freeHandles, after.handles, 'handle back in the pool');
  assert.equal(after.handles, 1);
  assert.ok(after.arenaBytes <= settled.arenaBytes, `arena ${after.arenaBytes} vs ${settled.arenaBytes}`);
  await assert.rejects(rs.result, { code: 'PITH_E_ABORTED' });
  pith.dispose();
});

test('break out of for await closes the document and returns the handle', opts, async () => {
  const pith = await loadVariant('minimal');
  const rs = pith.stream(BIG_BYTES, { chunkSize: 1000 });
  let n = 0;
  for await (const c of rs) {
    assert.equal(typeof c.text, 'string');
    if (++n === 3) break;
  }
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  // the next document reuses the handle
  assert.equal(pith.extract(utf8('next')).text, 'next');
  assert.equal(pith.memory().handles, 1);
  pith.dispose();
});

test('stream() aborted by its signal errors with an AbortError PITH_E_ABORTED and frees the handle', opts, async () => {
  const pith = await loadVariant('minimal');
  const ac = new AbortController();
  const rs = pith.stream(BIG_BYTES, { chunkSize: 1000, signal: ac.signal });
  const reader = rs.getReader();
  await reader.read();
  await reader.read();
  ac.abort();
  await assert.rejects(reader.read(), (e) => {
    assert.equal(e.code, 'PITH_E_ABORTED');
    assert.equal(e.name, 'AbortError');
    return true;
  });
  await assert.rejects(rs.result, { code: 'PITH_E_ABORTED' });
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  pith.dispose();
});

test('stream() with an already aborted signal errors on the first read', opts, async () => {
  const pith = await loadVariant('minimal');
  const rs = pith.stream(BIG_BYTES, { signal: AbortSignal.abort() });
  await assert.rejects(drain(rs), { code: 'PITH_E_ABORTED' });
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  pith.dispose();
});

test('stream() aborted while it reads its input stops reading and frees the handle', opts, async () => {
  const pith = await loadVariant('minimal');
  const ac = new AbortController();
  let produced = 0;
  let finalized = false;
  async function* slowSource() {
    try {
      for (;;) {
        await sleep(2);
        produced++;
        yield utf8('some text ');
      }
    } finally {
      finalized = true;
    }
  }
  const rs = pith.stream(slowSource(), { signal: ac.signal });
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(drain(rs), { code: 'PITH_E_ABORTED' });
  await sleep(10);
  assert.ok(finalized, 'the source was closed');
  const p = produced;
  await sleep(10);
  assert.equal(produced, p, 'the source is no longer read');
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  pith.dispose();
});

test('stream() reports an open error on the first read (minimal given a PDF: PITH_E_DISABLED)', opts, async () => {
  const pith = await loadVariant('minimal');
  const rs = pith.stream(tinyPdf());
  await assert.rejects(drain(rs), { code: 'PITH_E_DISABLED', message: /standard/ });
  await assert.rejects(rs.result, { code: 'PITH_E_DISABLED' });
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  pith.dispose();
});

test('stream() delivers the chunks before a limit is hit, then errors with PITH_E_LIMIT', opts, async () => {
  const pith = await loadVariant('minimal');
  const rs = pith.stream(BIG_BYTES, { chunkSize: 1000, limits: { maxOutputBytes: 5000 } });
  const got = [];
  await assert.rejects(async () => {
    for await (const c of rs) got.push(c.text);
  }, { code: 'PITH_E_LIMIT' });
  assert.ok(got.join('').length <= 5000);
  assert.ok(BIG.startsWith(got.join('')));
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  pith.dispose();
});

test('stream() of an empty input ends without chunks', opts, async () => {
  const pith = await loadVariant('minimal');
  const rs = pith.stream(new Uint8Array(0));
  const { chunks } = await drain(rs);
  assert.equal(chunks.length, 0);
  assert.equal((await rs.result).stats.outputBytes, 0);
  pith.dispose();
});

// MARK: input sources

async function* pieces(bytes, size) {
  for (let i = 0; i < bytes.length; i += size) {
    await null;
    yield bytes.subarray(i, i + size);
  }
}

function readable(bytes, size) {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i >= bytes.length) return c.close();
      c.enqueue(bytes.slice(i, i + size));
      i += size;
    },
  });
}

test('stream() reads a Blob, a Response, a ReadableStream and an async iterable into wasm memory', opts, async () => {
  const pith = await loadVariant('minimal');
  const whole = pith.extract(BIG_BYTES).text;
  const sources = {
    blob: new Blob([BIG_BYTES.subarray(0, 1000), BIG_BYTES.subarray(1000)]),
    responseWithLength: new Response(BIG_BYTES, { headers: { 'content-length': String(BIG_BYTES.length) } }),
    responseStream: new Response(readable(BIG_BYTES, 7000)),
    responseShortLength: new Response(readable(BIG_BYTES, 7000), { headers: { 'content-length': '10' } }),
    readableStream: readable(BIG_BYTES, 3333),
    asyncIterable: pieces(BIG_BYTES, 10_000),
    input: (() => {
      const v = pith.input(BIG_BYTES.length);
      v.set(BIG_BYTES);
      return v;
    })(),
    arrayBuffer: BIG_BYTES.slice().buffer,
  };
  for (const [name, src] of Object.entries(sources)) {
    const { text } = await drain(pith.stream(src, { chunkSize: 8192 }));
    assert.equal(text, whole, name);
  }
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  pith.dispose();
});

test('stream() rejects a Response with an error status, and non-byte stream chunks, with PITH_E_ARG', opts, async () => {
  const pith = await loadVariant('minimal');
  await assert.rejects(drain(pith.stream(new Response('nope', { status: 500 }))), { code: 'PITH_E_ARG', message: /500/ });
  async function* strings() {
    yield 'not bytes';
  }
  await assert.rejects(drain(pith.stream(strings())), { code: 'PITH_E_ARG' });
  assert.throws(() => pith.stream(42), { code: 'PITH_E_ARG' });
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  pith.dispose();
});

test('stream() of a source of unknown size stops at maxInputBytes with PITH_E_LIMIT', opts, async () => {
  const pith = await loadVariant('minimal');
  let closed = false;
  async function* endless() {
    try {
      for (;;) yield new Uint8Array(64 * 1024).fill(0x61);
    } finally {
      closed = true;
    }
  }
  await assert.rejects(drain(pith.stream(endless(), { limits: { maxInputBytes: 1 << 20 } })), {
    code: 'PITH_E_LIMIT',
    message: /max_input_bytes/,
  });
  assert.ok(closed);
  await assert.rejects(drain(pith.stream(new Blob([new Uint8Array(100)]), { limits: { maxInputBytes: 10 } })), {
    code: 'PITH_E_LIMIT',
  });
  pith.dispose();
});

test('a stream is async-iterable even where ReadableStream is not (Safari), and break still cancels', opts, async () => {
  const pith = await loadVariant('minimal');
  const Orig = globalThis.ReadableStream;
  class NoIter extends Orig {}
  Object.defineProperty(NoIter.prototype, Symbol.asyncIterator, { value: undefined });
  Object.defineProperty(NoIter.prototype, 'values', { value: undefined });
  globalThis.ReadableStream = NoIter;
  let rs;
  try {
    rs = pith.stream(BIG_BYTES, { chunkSize: 1000 });
  } finally {
    globalThis.ReadableStream = Orig;
  }
  assert.ok(rs instanceof NoIter);
  assert.equal(typeof rs[Symbol.asyncIterator], 'function');
  let n = 0;
  for await (const c of rs) {
    assert.equal(c.index, n);
    if (++n === 2) break;
  }
  assert.equal(pith.memory().freeHandles, pith.memory().handles, 'break cancelled the stream');
  const { text } = await drain(pith.stream(utf8('whole')));
  assert.equal(text, 'whole');
  pith.dispose();
});

// MARK: growth and several documents

test('memory growth between two chunks of a stream leaves its chunks intact', opts, async () => {
  const pith = await loadVariant('minimal');
  const expected = pith.extract(BIG_BYTES).text;
  const rs = pith.stream(BIG_BYTES, { chunkSize: 2048 });
  const reader = rs.getReader();
  const got = [];
  for (let i = 0; i < 10; i++) got.push((await reader.read()).value.text);
  const before = pith.memory().wasmBytes;
  // another document big enough to grow memory while this one is open
  const huge = utf8(bigText(before * 2));
  assert.equal(pith.extract(huge).text.length > 0, true);
  assert.ok(pith.memory().wasmBytes > before, 'memory grew');
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    got.push(r.value.text);
  }
  assert.equal(got.join(''), expected);
  pith.dispose();
});

test('two streams interleaved with extract() calls do not disturb each other', opts, async () => {
  const pith = await loadVariant('minimal');
  const a = utf8(bigText(100_000, 1));
  const b = utf8(bigText(150_000, 2));
  const ea = pith.extract(a).text;
  const eb = pith.extract(b).text;
  const ra = pith.stream(a, { chunkSize: 999 }).getReader();
  const rb = pith.stream(b, { chunkSize: 1500, output: 'text' }).getReader();
  const ga = [];
  const gb = [];
  let doneA = false;
  let doneB = false;
  let k = 0;
  while (!doneA || !doneB) {
    if (!doneA) {
      const r = await ra.read();
      if (r.done) doneA = true;
      else ga.push(r.value.text);
    }
    if (!doneB) {
      const r = await rb.read();
      if (r.done) doneB = true;
      else gb.push(r.value.text);
    }
    if (k++ % 7 === 0) assert.equal(pith.extract(utf8(`between ${k}`)).text, `between ${k}`);
    if (k === 5) assert.equal(pith.memory().handles, 3, 'one handle per open document');
  }
  assert.equal(ga.join(''), ea);
  assert.equal(gb.join(''), eb);
  assert.equal(pith.memory().freeHandles, pith.memory().handles);
  pith.dispose();
});

test('dispose() during a stream errors the stream with PITH_E_ARG', opts, async () => {
  const pith = await loadVariant('minimal');
  const reader = pith.stream(BIG_BYTES, { chunkSize: 1000 }).getReader();
  await reader.read();
  pith.dispose();
  await assert.rejects(reader.read(), { code: 'PITH_E_ARG', message: /disposed/ });
});
