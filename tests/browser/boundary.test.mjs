// boundary.test.mjs: the JS boundary of issue 11 in Chromium, the cases tests/js/extract.test.mjs
// and stream.test.mjs check in Node, on a real page: every kind of byte input (typed arrays of
// every element type, DataView, ArrayBuffer, SharedArrayBuffer views on a cross-origin isolated
// page, zero length, detached buffers, a view whose length lies: 4 GiB, or more than its
// buffer), calls after each kind of error, overlapping async calls on one instance (streams
// read while extract()/extractAsync() run: outputs equal to the sequential ones), memory growth
// during a stream, and an exception thrown inside a consumer's `for await` (the document is
// closed, its handle and arena returned).
//
// Every page uses the minimal bundle from dist/ (the boundary is dist/core.mjs, shared by all
// variants) and checks after each hostile input that the instance still extracts.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { blankPage, useSites, needsChromium } from './lib.mjs';

const S = useSites();

/** A blank page with the minimal bundle loaded as window.pith, and page helpers:
 *  outcome(fn) runs fn and gives { text } or { error: { name, code, message } };
 *  alive() extracts a tiny document and says whether its text came back whole. */
async function pithPage(server) {
  const { ctx, page, errors, external } = await blankPage(S.browser, server);
  await page.evaluate(async () => {
    const { load } = await import('/dist/minimal/pith.mjs');
    window.load = load;
    window.pith = await load();
    window.enc = (s) => new TextEncoder().encode(s);
    window.outcome = async (fn) => {
      try {
        const r = await fn();
        return { text: typeof r === 'string' ? r : r?.text };
      } catch (e) {
        return { error: { name: e?.name, code: e?.code, message: String(e?.message) } };
      }
    };
    window.alive = () => {
      try {
        return window.pith.extract(window.enc('still alive\n')).text === 'still alive\n';
      } catch {
        return false;
      }
    };
    window.drain = async (rs) => {
      let text = '';
      for await (const c of rs) text += c.text;
      return text;
    };
    /** A text of about n bytes in numbered lines (ASCII, so every element size divides it). */
    window.lines = (n, seed = 0) => {
      const out = [];
      let len = 0;
      for (let i = seed; len < n; i++) {
        const l = `line ${i} of the boundary document, seed ${seed}\n`;
        out.push(l);
        len += l.length;
      }
      return out.join('');
    };
  });
  return { ctx, page, errors, external };
}

const TEXT = 'Boundary text, forty-eight bytes long, for all.\n';

test('every byte view type reads as its bytes: typed arrays of each element type, DataView, ArrayBuffer, offsets', needsChromium, async () => {
  const { ctx, page, errors, external } = await pithPage(S.site);
  const r = await page.evaluate(async (text) => {
    const bytes = enc(text);
    // the text at byte offset 8 of a larger buffer, so views start mid-buffer
    const ab = new ArrayBuffer(bytes.length + 16);
    new Uint8Array(ab, 8, bytes.length).set(bytes);
    const kinds = ['Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
      'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Float16Array'];
    const inputs = [['ArrayBuffer', bytes.slice().buffer], ['DataView', new DataView(ab, 8, bytes.length)],
      ['Uint8Array.subarray', new Uint8Array(ab).subarray(8, 8 + bytes.length)]];
    for (const k of kinds) {
      const C = globalThis[k];
      if (typeof C !== 'function') continue;
      inputs.push([k, new C(ab, 8, bytes.length / C.BYTES_PER_ELEMENT)]);
    }
    const out = [];
    for (const [name, input] of inputs) {
      const ex = await outcome(() => pith.extract(input));
      const st = await outcome(() => drain(pith.stream(input)));
      const as = await outcome(() => pith.extractAsync(input));
      const batch = pith.extractBatch([input])[0];
      out.push({ name, ex, st, as, batch: batch.ok ? batch.text : batch.error.code, detect: pith.detect(input) });
    }
    return { out, alive: alive(), mem: pith.memory() };
  }, TEXT);
  await ctx.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(external, []);
  assert.ok(r.out.length >= 13, `${r.out.length} input kinds`);
  for (const x of r.out) {
    assert.deepEqual(x.ex, { text: TEXT }, `${x.name} extract`);
    assert.deepEqual(x.st, { text: TEXT }, `${x.name} stream`);
    assert.deepEqual(x.as, { text: TEXT }, `${x.name} extractAsync`);
    assert.equal(x.batch, TEXT, `${x.name} extractBatch`);
    assert.equal(x.detect, 'text', `${x.name} detect`);
  }
  assert.equal(r.alive, true);
  assert.equal(r.mem.freeHandles, r.mem.handles, 'every handle back in the pool');
});

test('zero-length inputs of every kind give empty text and a stream without chunks', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.site);
  const r = await page.evaluate(async () => {
    const ab = new ArrayBuffer(16);
    const inputs = [['ArrayBuffer(0)', new ArrayBuffer(0)], ['Uint8Array(0)', new Uint8Array(0)],
      ['DataView(0)', new DataView(new ArrayBuffer(0))], ['Float64Array(0)', new Float64Array(0)],
      ['empty view at the end of a buffer', new Uint8Array(ab, 16, 0)], ['empty DataView mid-buffer', new DataView(ab, 4, 0)]];
    const out = [];
    for (const [name, input] of inputs) {
      const ex = await outcome(() => pith.extract(input));
      let chunks = 0;
      const st = await outcome(async () => {
        for await (const c of pith.stream(input)) if (c) chunks++;
        return '';
      });
      out.push({ name, ex, st, chunks });
    }
    return { out, alive: alive(), mem: pith.memory() };
  });
  await ctx.close();
  assert.deepEqual(errors, []);
  for (const x of r.out) {
    assert.deepEqual(x.ex, { text: '' }, x.name);
    assert.deepEqual(x.st, { text: '' }, x.name);
    assert.equal(x.chunks, 0, x.name);
  }
  assert.equal(r.alive, true);
  assert.equal(r.mem.freeHandles, r.mem.handles);
});

test('inputs that are not bytes reject with PITH_E_ARG and allocate nothing', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.site);
  const r = await page.evaluate(async () => {
    const inputs = [['string', 'text'], ['number', 42], ['null', null], ['undefined', undefined], ['object', {}],
      ['array', [1, 2, 3]], ['Blob', new Blob(['x'])],
      ['view-shaped object claiming 4 GiB', { buffer: new ArrayBuffer(8), byteOffset: 0, byteLength: 2 ** 32, length: 2 ** 32 }]];
    const out = [];
    for (const [name, input] of inputs) out.push({ name, ex: await outcome(() => pith.extract(input)) });
    return { out, handles: pith.memory().handles, alive: alive() };
  });
  await ctx.close();
  assert.deepEqual(errors, []);
  for (const x of r.out) {
    assert.equal(x.ex.error?.name, 'PithError', `${x.name}: ${JSON.stringify(x.ex)}`);
    assert.equal(x.ex.error.code, 'PITH_E_ARG', x.name);
  }
  assert.match(r.out.find((x) => x.name === 'Blob').ex.error.message, /stream\(\)/);
  assert.equal(r.handles, 0, 'nothing was allocated for them');
  assert.equal(r.alive, true);
});

// A Uint8Array subclass can override `length` and `byteLength`. dist/core.mjs sizes the wasm
// input buffer by bytes.length and then copies with set(), which copies the view's real bytes:
// a length of 2^32 wraps to 0 through the i32 argument of pith_wasm_input, and a length under
// the real one gives a write past the allocation inside wasm memory. Measured (Node 20 and
// Chromium): a RuntimeError "memory access out of bounds", and every later call on the
// instance traps too. A real 4 GiB Uint8Array would wrap the same way. The fix proposed to the
// lead reads the view's own slots through the built-in getters and checks the size against
// max_input_bytes before pith_wasm_input (see the report of issue 11's malformed helper).
test('a view whose length lies (4 GiB, more or less than its buffer) reads as its real bytes or rejects with a PithError; the instance still works', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.site);
  const r = await page.evaluate(async (text) => {
    const bytes = enc(text);
    const lying = (n) => {
      class Lying extends Uint8Array {
        get length() { return n; }
        get byteLength() { return n; }
      }
      const v = new Lying(bytes.length);
      v.set(bytes);
      return v;
    };
    const lyingDataView = (n) => {
      class LyingView extends DataView {
        get byteLength() { return n; }
      }
      return new LyingView(bytes.slice().buffer);
    };
    const cases = [['Uint8Array claiming 4 GiB', () => lying(2 ** 32)], ['Uint8Array claiming 4 GiB + 8', () => lying(2 ** 32 + 8)],
      ['Uint8Array claiming 2 GiB', () => lying(2 ** 31)], ['Uint8Array claiming 4 bytes of its 48', () => lying(4)],
      ['DataView claiming 4 GiB', () => lyingDataView(2 ** 32)]];
    const out = [];
    for (const [name, make] of cases) {
      // a fresh instance per case, so a broken one is blamed on its own case only
      window.pith = await load();
      const ex = await outcome(() => pith.extract(make()));
      const exAlive = alive();
      window.pith = await load();
      const st = await outcome(() => drain(pith.stream(make())));
      out.push({ name, ex, st, alive: exAlive && alive() });
    }
    return out;
  }, TEXT);
  await ctx.close();
  assert.deepEqual(errors, []);
  const wrong = [];
  for (const x of r) {
    for (const [how, o] of [['extract', x.ex], ['stream', x.st]]) {
      const fine = o.text === TEXT || (o.error?.name === 'PithError' && /^PITH_E_(ARG|LIMIT)$/.test(o.error.code));
      if (!fine) wrong.push(`${x.name} ${how}: ${JSON.stringify(o)}`);
    }
    if (!x.alive) wrong.push(`${x.name}: the instance no longer extracts`);
  }
  assert.deepEqual(wrong, []);
});

// Nothing says yet what a detached buffer gives: today a detached Uint8Array reads as empty
// while a detached ArrayBuffer or DataView throws a raw TypeError (not a PithError). This asks
// for the weakest consistent answer: empty text or PITH_E_ARG, and a working instance after.
test('detached buffers (transferred away) give empty text or PITH_E_ARG, never another error; the instance still works', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.site);
  const r = await page.evaluate(async (text) => {
    const detach = (buf) => (typeof buf.transfer === 'function' ? buf.transfer() : structuredClone(buf, { transfer: [buf] }));
    const make = (kind) => {
      const ab = enc(text).buffer;
      const view = kind === 'DataView' ? new DataView(ab) : kind === 'Float64Array' ? new Float64Array(ab) : new Uint8Array(ab);
      detach(ab);
      return kind === 'ArrayBuffer' ? ab : view;
    };
    const out = [];
    for (const kind of ['ArrayBuffer', 'Uint8Array', 'Float64Array', 'DataView']) {
      const ex = await outcome(() => pith.extract(make(kind)));
      const st = await outcome(() => drain(pith.stream(make(kind))));
      const batch = pith.extractBatch([make(kind)])[0];
      out.push({ kind, ex, st, batch: batch.ok ? { text: batch.text } : { error: { name: batch.error?.name, code: batch.error?.code } } });
    }
    return { out, alive: alive(), mem: pith.memory() };
  }, TEXT);
  await ctx.close();
  assert.deepEqual(errors, []);
  const wrong = [];
  for (const x of r.out) {
    for (const [how, o] of [['extract', x.ex], ['stream', x.st], ['extractBatch', x.batch]]) {
      if (!(o.text === '' || (o.error?.name === 'PithError' && o.error.code === 'PITH_E_ARG'))) wrong.push(`${x.kind} ${how}: ${JSON.stringify(o)}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.equal(r.alive, true);
  assert.equal(r.mem.freeHandles, r.mem.handles);
});

test('SharedArrayBuffer views of every kind on an isolated page: extract, stream, extractAsync, extractBatch, detect', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.isolated);
  const r = await page.evaluate(async (text) => {
    const bytes = enc(text);
    const sab = new SharedArrayBuffer(bytes.length + 16);
    new Uint8Array(sab, 8, bytes.length).set(bytes);
    const whole = new SharedArrayBuffer(bytes.length);
    new Uint8Array(whole).set(bytes);
    const inputs = [['SharedArrayBuffer', whole], ['Uint8Array', new Uint8Array(sab, 8, bytes.length)],
      ['Int16Array', new Int16Array(sab, 8, bytes.length / 2)], ['Float64Array', new Float64Array(sab, 8, bytes.length / 8)],
      ['DataView', new DataView(sab, 8, bytes.length)], ['zero-length', new Uint8Array(sab, 0, 0)]];
    const out = [];
    for (const [name, input] of inputs) {
      const want = name === 'zero-length' ? '' : text;
      const ex = await outcome(() => pith.extract(input));
      const st = await outcome(() => drain(pith.stream(input)));
      const as = await outcome(() => pith.extractAsync(input));
      const batch = pith.extractBatch([input])[0];
      out.push({ name, want, ex, st, as, batch: batch.ok ? batch.text : batch.error.code, detect: pith.detect(input) });
    }
    return { isolated: crossOriginIsolated, out, alive: alive() };
  }, TEXT);
  await ctx.close();
  assert.deepEqual(errors, []);
  assert.equal(r.isolated, true);
  for (const x of r.out) {
    assert.deepEqual(x.ex, { text: x.want }, `${x.name} extract`);
    assert.deepEqual(x.st, { text: x.want }, `${x.name} stream`);
    assert.deepEqual(x.as, { text: x.want }, `${x.name} extractAsync`);
    assert.equal(x.batch, x.want, `${x.name} extractBatch`);
    if (x.want) assert.equal(x.detect, 'text', `${x.name} detect`);
  }
  assert.equal(r.alive, true);
});

test('calls after every kind of error work, and every handle is back in the pool', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.site);
  const r = await page.evaluate(async () => {
    const doc = enc(lines(20000, 3));
    const want = pith.extract(doc).text;
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
      0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde]);
    const pdf = enc('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
    const ac = new AbortController();
    ac.abort();
    const failing = [
      ['bad option', () => pith.extract(doc, { output: 'nope' })],
      ['unknown limit', () => pith.extract(doc, { limits: { nope: 1 } })],
      ['unsupported (PNG)', () => pith.extract(png)],
      ['disabled (PDF in minimal)', () => pith.extract(pdf)],
      ['output limit', () => pith.extract(doc, { limits: { maxOutputBytes: 100 } })],
      ['input limit', () => pith.extract(doc, { limits: { maxInputBytes: 10 } })],
      ['aborted signal', () => pith.extract(doc, { signal: ac.signal })],
      ['stream hitting a limit mid-way', () => drain(pith.stream(doc, { chunkSize: 1000, limits: { maxOutputBytes: 5000 } }))],
      ['stream of a disabled format', () => drain(pith.stream(pdf))],
      ['stream aborted', () => drain(pith.stream(doc, { signal: ac.signal }))],
      ['input() used twice', () => {
        const v = pith.input(4);
        v.set(enc('abcd'));
        pith.extract(v);
        return pith.extract(v);
      }],
    ];
    const out = [];
    for (const [name, fn] of failing) {
      const o = await outcome(fn);
      const after = pith.extract(doc).text === want;
      const streamed = (await drain(pith.stream(doc, { chunkSize: 777 }))) === want;
      out.push({ name, code: o.error?.code ?? null, errName: o.error?.name ?? null, after, streamed });
    }
    return { out, mem: pith.memory() };
  });
  await ctx.close();
  assert.deepEqual(errors, []);
  const codes = Object.fromEntries(r.out.map((x) => [x.name, x.code]));
  assert.deepEqual(codes, {
    'bad option': 'PITH_E_ARG',
    'unknown limit': 'PITH_E_ARG',
    'unsupported (PNG)': 'PITH_E_UNSUPPORTED',
    'disabled (PDF in minimal)': 'PITH_E_DISABLED',
    'output limit': 'PITH_E_LIMIT',
    'input limit': 'PITH_E_LIMIT',
    'aborted signal': 'PITH_E_ABORTED',
    'stream hitting a limit mid-way': 'PITH_E_LIMIT',
    'stream of a disabled format': 'PITH_E_DISABLED',
    'stream aborted': 'PITH_E_ABORTED',
    'input() used twice': 'PITH_E_ARG',
  });
  for (const x of r.out) {
    assert.ok(x.errName === 'PithError' || x.errName === 'AbortError', `${x.name}: ${x.errName}`);
    assert.equal(x.after, true, `extract after ${x.name}`);
    assert.equal(x.streamed, true, `stream after ${x.name}`);
  }
  assert.equal(r.mem.freeHandles, r.mem.handles, 'every handle back in the pool');
  assert.ok(r.mem.handles <= 4, `${r.mem.handles} handles`);
});

test('overlapping async calls on one instance: streams read while extract() and extractAsync() run give the sequential outputs', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.site);
  const r = await page.evaluate(async () => {
    const docs = [0, 1, 2, 3, 4, 5].map((i) => enc(lines(30000 + 20000 * i, i)));
    const html = enc(`<h1>Title</h1>${'<p>para <b>bold</b> and <i>it</i></p>'.repeat(3000)}`);
    const seq = docs.map((d) => pith.extract(d).text);
    const seqHtml = pith.extract(html, { hint: 'a.html', output: 'markdown' }).text;
    const pause = (ms) => new Promise((ok) => setTimeout(ok, ms));
    let rnd = 7;
    const jitter = () => {
      rnd = (rnd * 1103515245 + 12345) >>> 0;
      return rnd % 3;
    };
    // three consumers of streams, each pausing now and then between chunks
    const consume = async (d, chunkSize) => {
      let text = '';
      for await (const c of pith.stream(d, { chunkSize })) {
        text += c.text;
        if (jitter() === 0) await pause(1);
      }
      return text;
    };
    // and extract()/extractAsync() calls landing between their chunks
    const extracts = async () => {
      const got = [];
      for (let k = 0; k < 20; k++) {
        await pause(jitter());
        const i = k % docs.length;
        const t = k % 2 ? pith.extract(docs[i]).text : (await pith.extractAsync(new Blob([docs[i]]))).text;
        got.push(t === seq[i]);
      }
      return got;
    };
    const [a, b, c, h, ex] = await Promise.all([consume(docs[5], 999), consume(docs[4], 4096), consume(docs[3], 64),
      (async () => {
        let t = '';
        for await (const ch of pith.stream(new Blob([html]), { hint: 'a.html', output: 'markdown', chunkSize: 500 })) t += ch.text;
        return t;
      })(), extracts()]);
    const mem = pith.memory();
    return { same: [a === seq[5], b === seq[4], c === seq[3], h === seqHtml], extracts: ex, mem };
  });
  await ctx.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(r.same, [true, true, true, true], 'each stream equals its sequential extract');
  assert.deepEqual(r.extracts, Array(20).fill(true), 'each extract between chunks equals the sequential one');
  assert.equal(r.mem.freeHandles, r.mem.handles);
});

test('memory growth while a stream is open leaves its chunks intact', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.site);
  const r = await page.evaluate(async () => {
    const doc = enc(lines(400000, 9));
    const want = pith.extract(doc).text;
    const reader = pith.stream(doc, { chunkSize: 2048 }).getReader();
    const got = [];
    for (let i = 0; i < 10; i++) got.push((await reader.read()).value.text);
    const before = pith.memory().wasmBytes;
    const huge = enc(lines(before * 2, 1)); // grows memory while the stream's document is open
    const hugeOk = pith.extract(huge).text.length > 0;
    const grew = pith.memory().wasmBytes > before;
    for (;;) {
      const x = await reader.read();
      if (x.done) break;
      got.push(x.value.text);
    }
    return { same: got.join('') === want, hugeOk, grew, before, after: pith.memory().wasmBytes };
  });
  await ctx.close();
  assert.deepEqual(errors, []);
  assert.equal(r.grew, true, `memory ${r.before} -> ${r.after}`);
  assert.equal(r.hugeOk, true);
  assert.equal(r.same, true, 'the chunks read before and after the growth make the whole text');
});

test('an exception thrown inside for await mid-stream closes the document and returns its handle and arena memory', needsChromium, async () => {
  const { ctx, page, errors } = await pithPage(S.site);
  const r = await page.evaluate(async () => {
    const doc = enc(lines(600000, 4));
    pith.extract(doc, { chunkSize: 1000 }); // the handle now holds what this document keeps
    const settled = pith.memory();
    const rs = pith.stream(doc, { chunkSize: 1000 });
    let seen = 0;
    let openMem = null;
    let caught = null;
    try {
      for await (const c of rs) {
        if (c.text) seen++;
        if (seen === 3) {
          openMem = pith.memory();
          throw new Error('consumer failed');
        }
      }
    } catch (e) {
      caught = e.message;
    }
    const after = pith.memory();
    const result = await outcome(() => rs.result);
    const next = pith.extract(enc('next document')).text;
    return { settled, openMem, after, caught, result, next, handlesAfterNext: pith.memory().handles };
  });
  await ctx.close();
  assert.deepEqual(errors, []);
  assert.equal(r.caught, 'consumer failed');
  assert.equal(r.openMem.freeHandles, 0, 'the stream held the handle');
  assert.equal(r.after.freeHandles, r.after.handles, 'handle back in the pool');
  assert.equal(r.after.handles, 1);
  assert.ok(r.after.arenaBytes <= r.settled.arenaBytes, `arena ${r.after.arenaBytes} vs ${r.settled.arenaBytes}`);
  assert.equal(r.result.error?.code, 'PITH_E_ABORTED', JSON.stringify(r.result));
  assert.equal(r.next, 'next document');
  assert.equal(r.handlesAfterNext, 1, 'the next document reuses the handle');
});
