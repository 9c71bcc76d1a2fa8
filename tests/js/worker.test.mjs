// worker.test.mjs: pith/worker (dist/worker/pool.mjs) in Node's worker_threads — results equal a
// single instance's for one corpus document of every format the bundle lists; inputs are
// transferred only when that detaches nothing else; streams, batches, timeouts, crashes, aborts
// and close() behave as documented; and the browser path imports no Node built-in statically.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { createPool } from '../../dist/worker/pool.mjs';
import { pickSamples } from '../runtimes/samples.mjs';
import { DIST, bigText, corpusSkip, loadVariant, needs, sleep, utf8 } from './helpers.mjs';

const POOL_URL = new URL('worker/pool.mjs', DIST);
const WORKER_URL = new URL('worker/worker.mjs', DIST);

/** The fields of a result that must not depend on where it was extracted. */
const same = (r) => ({ text: r.text, format: r.format, mime: r.mime, meta: r.meta, warnings: r.warnings, units: r.units });

test('a pool of 2 extracts one document of every listed format exactly as one instance does',
  { ...needs('standard'), ...corpusSkip('txt') }, async () => {
    const pith = await loadVariant('standard');
    const { samples } = pickSamples(pith);
    assert.ok(samples.length >= 3, `samples for ${pith.formats.join(' ')}`);
    const pool = await createPool({ size: 2 });
    try {
      assert.equal(pool.size, 2);
      assert.equal(pool.variant, 'standard');
      assert.deepEqual([...pool.formats], [...pith.formats]);
      const got = await Promise.all(samples.map((s) => pool.extract(s.bytes.slice(), { hint: s.name })));
      samples.forEach((s, i) => {
        assert.deepEqual(same(got[i]), same(pith.extract(s.bytes, { hint: s.name })), s.name);
      });
    } finally {
      await pool.close();
    }
  });

test('the minimal variant and a precompiled module both start a pool', needs('minimal'), async () => {
  const pith = await loadVariant('minimal');
  const a = await createPool({ size: 1, variant: 'minimal' });
  const b = await createPool({ size: 1, wasm: pith.module });
  try {
    assert.equal(a.variant, 'minimal');
    assert.equal(b.variant, 'minimal');
    assert.equal(b.module, pith.module, 'the given module is the one the workers share');
    assert.equal((await b.extract(utf8('# Hi'), { hint: 'a.md', output: 'markdown' })).text, '# Hi\n');
  } finally {
    await a.close();
    await b.close();
  }
});

test('whole buffers are transferred; parts of buffers and pooled Node Buffers are copied', needs('standard'), async () => {
  const pool = await createPool({ size: 1 });
  try {
    const whole = utf8('whole buffer');
    assert.equal((await pool.extract(whole)).text, 'whole buffer');
    assert.equal(whole.byteLength, 0, 'a view over its whole buffer was transferred (detached)');

    const big = utf8('0123456789 part of a buffer');
    const part = big.subarray(11);
    assert.equal((await pool.extract(part)).text, 'part of a buffer');
    assert.equal(big.byteLength, 27, 'a part was copied: the buffer is intact');

    // Buffer.from of a short string is cut from Node's shared 8 KiB pool
    const pooled = Buffer.from('pooled node buffer');
    const neighbour = Buffer.from('a neighbour');
    assert.notEqual(pooled.byteLength, pooled.buffer.byteLength, 'the Buffer is a slice of the pool');
    assert.equal((await pool.extract(pooled)).text, 'pooled node buffer');
    assert.equal(pooled.toString(), 'pooled node buffer');
    assert.equal(neighbour.toString(), 'a neighbour');

    const kept = utf8('kept');
    await pool.extract(kept, { transfer: false });
    assert.equal(kept.byteLength, 4, 'transfer: false copies');

    const ab = utf8('array buffer').buffer;
    assert.equal((await pool.extract(ab)).text, 'array buffer');
    assert.equal(ab.byteLength, 0);
  } finally {
    await pool.close();
  }
});

test('bytes: true gives the text as transferred UTF-8 bytes; Blob and stream inputs work', needs('standard'), async () => {
  const pool = await createPool({ size: 1 });
  try {
    const r = await pool.extract(utf8('héllo ✓'), { bytes: true });
    assert.ok(r.bytes instanceof Uint8Array);
    assert.equal(r.text, undefined);
    assert.equal(new TextDecoder().decode(r.bytes), 'héllo ✓');
    assert.equal((await pool.extract(new Blob(['<p>a blob</p>']), { hint: 'a.html' })).text, 'a blob\n');
    const rs = new ReadableStream({
      start(c) {
        c.enqueue(utf8('from '));
        c.enqueue(utf8('a stream'));
        c.close();
      },
    });
    assert.equal((await pool.extract(rs)).text, 'from a stream');
  } finally {
    await pool.close();
  }
});

test('stream() yields the chunks one read at a time and its result; cancel frees the worker', needs('standard'), async () => {
  const pool = await createPool({ size: 1 });
  try {
    const text = bigText(200_000);
    let joined = '';
    let n = 0;
    const rs = pool.stream(utf8(text), { chunkSize: 4096 });
    for await (const c of rs) {
      joined += c.text;
      assert.equal(c.index, n++);
    }
    assert.equal(joined, text);
    assert.ok(n > 10, `${n} chunks`);
    const info = await rs.result;
    assert.equal(info.format, 'text');

    const bytes = pool.stream(utf8('as bytes'), { bytes: true });
    const chunks = [];
    for await (const c of bytes) chunks.push(c);
    assert.ok(chunks[0].bytes instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(chunks[0].bytes), 'as bytes');

    const early = pool.stream(utf8(text), { chunkSize: 4096 });
    const reader = early.getReader();
    assert.equal((await reader.read()).done, false);
    await reader.cancel();
    await assert.rejects(early.result, { code: 'PITH_E_ABORTED' });
    // the only worker took the next document
    assert.equal((await pool.extract(utf8('next'))).text, 'next');
  } finally {
    await pool.close();
  }
});

test('extractBatch spreads documents over the workers, in order, failures in place', needs('standard'), async () => {
  const pool = await createPool({ size: 2 });
  try {
    const items = Array.from({ length: 10 }, (_, i) => utf8(`document ${i}`));
    items[4] = { input: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) };
    items[6] = { input: utf8('# six'), hint: 'six.md', output: 'markdown' };
    const out = await pool.extractBatch(items);
    assert.equal(out.length, 10);
    out.forEach((r, i) => {
      if (i === 4) {
        assert.equal(r.ok, false);
        assert.match(r.error.code, /^PITH_E_/);
      } else if (i === 6) assert.equal(r.text, '# six\n');
      else assert.equal(r.text, `document ${i}`);
    });
  } finally {
    await pool.close();
  }
});

test('a document past the timeout gets PITH_E_LIMIT and its worker is replaced', needs('standard'), async () => {
  const pool = await createPool({ size: 1, timeout: 50 });
  try {
    // ~40 MB of HTML: far more than 50 ms of work in any worker
    const html = utf8(`<html><body>${'<p>a <b>paragraph</b> of <i>text</i></p>'.repeat(1_000_000)}</body></html>`);
    await assert.rejects(pool.extract(html), { code: 'PITH_E_LIMIT', message: /timeout \(50 ms\)/ });
    assert.equal((await pool.extract(utf8('after the timeout'))).text, 'after the timeout');
    assert.equal(pool.size, 1);
  } finally {
    await pool.close();
  }
});

test('pith\'s own errors (limits exceeded) reject the document and keep the worker', needs('standard'), async () => {
  const pool = await createPool({ size: 1 });
  try {
    await assert.rejects(pool.extract(utf8('x'.repeat(1000)), { limits: { maxInputBytes: 10 } }), { code: 'PITH_E_LIMIT' });
    await assert.rejects(pool.extract(utf8('x'), { output: 'nope' }), { code: 'PITH_E_ARG' });
    assert.equal((await pool.extract(utf8('still here'))).text, 'still here');
  } finally {
    await pool.close();
  }
});

test('a worker that crashes is replaced and only its document fails', needs('standard'), async () => {
  // A worker script that runs the real one and dies on a document named crash.txt.
  const dir = mkdtempSync(join(tmpdir(), 'pith-pool-'));
  const script = join(dir, 'crashing-worker.mjs');
  writeFileSync(script, `import ${JSON.stringify(WORKER_URL.href)};
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => { if (m.opts?.hint === 'crash.txt') process.exit(3); });
`);
  const pool = await createPool({ size: 2, workerUrl: pathToFileURL(script) });
  try {
    const out = await pool.extractBatch([
      utf8('one'),
      { input: utf8('boom'), hint: 'crash.txt' },
      utf8('three'),
      utf8('four'),
    ]);
    assert.equal(out[0].text, 'one');
    assert.equal(out[1].ok, false);
    assert.equal(out[1].error.code, 'PITH_E_WORKER');
    assert.match(out[1].error.message, /crashed.*code 3/);
    assert.equal(out[2].text, 'three');
    assert.equal(out[3].text, 'four');
    assert.equal((await pool.extract(utf8('later'))).text, 'later');
    for (let i = 0; i < 250 && pool.size < 2; i++) await sleep(20);
    assert.equal(pool.size, 2, 'the crashed worker was replaced');
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an aborted signal rejects with AbortError; close() rejects what is queued and later calls', needs('standard'), async () => {
  const pool = await createPool({ size: 1 });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(pool.extract(utf8('x'), { signal: ac.signal }), { name: 'AbortError', code: 'PITH_E_ABORTED' });
  // abort while running: the worker is stopped and replaced
  const running = new AbortController();
  const html = utf8(`<p>${'word '.repeat(4_000_000)}</p>`);
  const p = pool.extract(html, { signal: running.signal });
  setTimeout(() => running.abort(), 20);
  await assert.rejects(p, { code: 'PITH_E_ABORTED' });
  assert.equal((await pool.extract(utf8('after abort'))).text, 'after abort');

  const queued = [pool.extract(utf8(bigText(2_000_000))), pool.extract(utf8('queued'))];
  const checks = queued.map((q) => assert.rejects(q, { code: 'PITH_E_ABORTED' }));
  await pool.close();
  await Promise.all(checks);
  await assert.rejects(pool.extract(utf8('x')), { code: 'PITH_E_ABORTED', message: /closed/ });
});

test('bad options are refused', async () => {
  await assert.rejects(createPool({ nope: 1 }), { code: 'PITH_E_ARG' });
  await assert.rejects(createPool({ size: 0 }), { code: 'PITH_E_ARG' });
  await assert.rejects(createPool({ variant: 'huge' }), { code: 'PITH_E_ARG' });
  await assert.rejects(createPool({ wasm: new Uint8Array([1, 2, 3]) }), { code: 'PITH_E_LOAD' });
});

test('the pool\'s modules import no Node built-in statically (a browser bundle gets none)', () => {
  for (const url of [POOL_URL, WORKER_URL]) {
    const src = readFileSync(url, 'utf8');
    assert.doesNotMatch(src, /^\s*import\s[^;]*from\s+['"]node:/m, url.pathname);
    assert.doesNotMatch(src, /^\s*import\s+['"]node:/m, url.pathname);
    assert.doesNotMatch(src, /require\(/, url.pathname);
    assert.doesNotMatch(src, /__dirname|__filename/, url.pathname);
    // the Web Worker is created the way bundlers recognise and copy
    if (url === POOL_URL) assert.match(src, /new Worker\(new URL\('\.\/worker\.mjs', import\.meta\.url\), \{ type: 'module'/);
  }
});
