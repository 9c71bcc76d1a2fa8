// tests/wasm: properties of every built variant's .wasm, read from dist/<variant>/pith.wasm
// and the symbol map the build keeps (build/<variant>/pith.symbols; wasm-opt strips names).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const variants = ['minimal', 'standard'];
const budgets = Object.fromEntries(
  readFileSync(root + 'variants/budgets', 'utf8').split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/)).map(([v, n]) => [v, Number(n)]));

function wasmOf(v) {
  const p = `${root}dist/${v}/pith.wasm`;
  assert.ok(existsSync(p), `${p} is missing: run ./setup first`);
  return readFileSync(p);
}

const exportsWanted = ['memory', '_initialize', 'pith_wasm_abi', 'pith_wasm_create',
  'pith_wasm_destroy', 'pith_wasm_opts_ptr', 'pith_wasm_result_ptr', 'pith_wasm_entry_ptr',
  'pith_wasm_scratch', 'pith_wasm_input', 'pith_wasm_open', 'pith_wasm_next', 'pith_wasm_utf16',
  'pith_wasm_utf16_ptr', 'pith_wasm_close',
  'pith_wasm_meta', 'pith_wasm_warning', 'pith_wasm_detect', 'pith_wasm_format_name',
  'pith_wasm_status_name', 'pith_wasm_formats', 'pith_wasm_variant', 'pith_wasm_alloc',
  'pith_wasm_free'];

for (const v of variants) {
  test(`${v}: the only import is env.emscripten_notify_memory_growth`, () => {
    const mod = new WebAssembly.Module(wasmOf(v));
    assert.deepEqual(WebAssembly.Module.imports(mod),
      [{ module: 'env', name: 'emscripten_notify_memory_growth', kind: 'function' }]);
  });

  test(`${v}: exports the whole wasm API`, () => {
    const mod = new WebAssembly.Module(wasmOf(v));
    const names = WebAssembly.Module.exports(mod).map((e) => e.name);
    for (const e of exportsWanted) assert.ok(names.includes(e), `missing export ${e}`);
  });

  test(`${v}: raw size is within its budget in variants/budgets`, () => {
    const size = wasmOf(v).length;
    assert.ok(budgets[v], `no budget for ${v}`);
    assert.ok(size <= budgets[v], `${v}.wasm is ${size} bytes, budget ${budgets[v]}`);
  });

  test(`${v}: the symbol map is real (core functions are named in it)`, () => {
    const p = `${root}build/${v}/pith.symbols`;
    assert.ok(existsSync(p), `${p} is missing: run ./setup first`);
    const names = readFileSync(p, 'utf8').split('\n').map((l) => l.slice(l.indexOf(':') + 1));
    for (const f of ['pith_open', 'pith_next', 'pith_detect', 'pith_arena_alloc'])
      assert.ok(names.includes(f), `${f} not in the symbol map`);
  });
}

// Names of the shared decoders (src/inflate.c, zip.c, xml.c, pdf_filters.c, lzw.c, crc32.c,
// adler32.c): only variants whose handlers need them may carry them.
const decoderNames = [/pith_inflate/, /pith_zip_/, /pith_xml_/, /pith_pdf_filter/, /pith_lzw_/,
  /pith_crc32_/, /pith_adler32_/];

function symbolsOf(dir) {
  const p = `${root}build/${dir}/pith.symbols`;
  assert.ok(existsSync(p), `${p} is missing: run ./setup test first`);
  return readFileSync(p, 'utf8');
}

test('minimal: no PDF or Office code in the symbol map', () => {
  const names = symbolsOf('minimal');
  // Handler and shared-decoder prefixes that only the standard bundle may contain.
  for (const bad of [/pith_pdf_/, /pith_handler_(pdf|docx|xlsx|pptx|odf|epub)/, ...decoderNames])
    assert.doesNotMatch(names, bad);
});

// The check above can fail: build/decoders-check is the minimal variant with -Ddecoders=true
// (built by ./setup test, never shipped), and the same patterns find every decoder in it.
test('decoders-check: the decoder names are in its symbol map, so the minimal check can fail', () => {
  const names = symbolsOf('decoders-check');
  // One entry point of each decoder is exported by that variant (so the linker keeps it).
  for (const want of [/pith_inflate_buf/, /pith_zip_open/, /pith_xml_next/, /pith_pdf_filter_decode/])
    assert.match(names, want);
  const mod = new WebAssembly.Module(readFileSync(`${root}build/decoders-check/pith.wasm`));
  assert.deepEqual(WebAssembly.Module.imports(mod),
    [{ module: 'env', name: 'emscripten_notify_memory_growth', kind: 'function' }],
    'the decoders import nothing');
});

test('pith_wasm_free refuses what pith_wasm_alloc did not hand out, and a second free', () => {
  const mod = new WebAssembly.Module(wasmOf('minimal'));
  const { exports: e } = new WebAssembly.Instance(mod, { env: { emscripten_notify_memory_growth() {} } });
  e._initialize();
  const a = e.pith_wasm_alloc(100);
  assert.ok(a > 0 && a % 8 === 0);
  e.pith_wasm_free(a);
  e.pith_wasm_free(a); // double free: refused (the header's magic was cleared)
  e.pith_wasm_free(12345); // not a block
  e.pith_wasm_free(0xfffffff0); // outside memory
  e.pith_wasm_free(8);
  // the heap is still sound: allocations and a whole extraction work
  const blocks = Array.from({ length: 50 }, (_, i) => e.pith_wasm_alloc(64 + i * 100));
  assert.ok(blocks.every((b) => b > 0));
  assert.equal(new Set(blocks).size, blocks.length);
  for (const b of blocks) e.pith_wasm_free(b);
  const h = e.pith_wasm_create();
  const text = new TextEncoder().encode('still fine');
  const p = e.pith_wasm_input(h, text.length);
  new Uint8Array(e.memory.buffer, p, text.length).set(text);
  assert.equal(e.pith_wasm_open(h, p, text.length), 0);
  assert.equal(e.pith_wasm_next(h), 0);
  e.pith_wasm_destroy(h);
});

test('pith_wasm_utf16 converts only the chunk of the open document, and only one its rule picks', () => {
  const mod = new WebAssembly.Module(wasmOf('minimal'));
  const { exports: e } = new WebAssembly.Instance(mod, { env: { emscripten_notify_memory_growth() {} } });
  e._initialize();
  assert.equal(e.pith_wasm_utf16(0, 0), 0); // not a handle
  assert.equal(e.pith_wasm_utf16(12345, 0), 0);
  const h = e.pith_wasm_create();
  assert.equal(e.pith_wasm_utf16(h, 0), 0); // no document
  let at = 0;
  let len = 0;
  const run = (s) => {
    const bytes = new TextEncoder().encode(s);
    at = e.pith_wasm_input(h, bytes.length);
    len = bytes.length;
    new Uint8Array(e.memory.buffer, at, len).set(bytes);
    assert.equal(e.pith_wasm_open(h, at, len), 0);
  };
  const chunk = () => {
    const r = new DataView(e.memory.buffer, e.pith_wasm_result_ptr(h));
    return new Uint8Array(e.memory.buffer, r.getUint32(4, true), r.getUint32(8, true));
  };
  run('Съешь же ещё этих мягких французских булок 😀\n'.repeat(200));
  assert.equal(e.pith_wasm_utf16(h, 0), 0); // opened, no chunk yet
  assert.equal(e.pith_wasm_next(h), 0);
  const utf8 = new TextDecoder().decode(chunk());
  // mostly not ASCII: both rules convert it
  assert.equal(e.pith_wasm_utf16(h, 8), e.pith_wasm_utf16(h, 0));
  const units = e.pith_wasm_utf16(h, 8);
  assert.ok(units > 0);
  const q = e.pith_wasm_utf16_ptr(h);
  assert.equal(new TextDecoder('utf-16le').decode(new Uint8Array(e.memory.buffer, q, 2 * units)), utf8);
  assert.equal(e.pith_wasm_open(h, at, len), 0); // the same input opened again
  assert.equal(e.pith_wasm_utf16(h, 0), 0); // the closed document's chunk is forgotten
  run('plain ASCII text, nothing else\n'.repeat(200));
  assert.equal(e.pith_wasm_next(h), 0);
  assert.equal(e.pith_wasm_utf16(h, 0), 0); // ASCII: its UTF-8 bytes are its text
  assert.equal(e.pith_wasm_utf16(h, 8), 0);
  // every = 0: one character that is not ASCII anywhere in a chunk is enough (Node decodes
  // the whole string on its slow path then), at each offset of an eight-byte step; every = 8
  // leaves such a chunk alone
  for (let k = 0; k < 9; k++) {
    run(`${'x'.repeat(k)}${'plain ASCII text\n'.repeat(100)}caf\u00e9 \u2014 end\n`);
    assert.equal(e.pith_wasm_next(h), 0);
    const want = new TextDecoder().decode(chunk());
    assert.equal(e.pith_wasm_utf16(h, 8), 0);
    const n16 = e.pith_wasm_utf16(h, 0);
    assert.equal(n16, want.length, `offset ${k}`);
    const q16 = e.pith_wasm_utf16_ptr(h);
    assert.equal(new TextDecoder('utf-16le').decode(new Uint8Array(e.memory.buffer, q16, 2 * n16)), want);
  }
  e.pith_wasm_close(h);
  assert.equal(e.pith_wasm_utf16(h, 0), 0);
  e.pith_wasm_destroy(h);
});

// build/safeheap (./setup test, never shipped) is the standard variant with -sSAFE_HEAP: every
// load and store is checked, and one past the heap's top calls env.segfault. The malformed set
// runs over it (setup); here: it imports only the growth notice and the two checks, load()
// takes it, and a check really fires — a stack moved past the heap's top traps through
// segfault on the first store, where the shipped build would write silently.
test('safeheap: the checking build loads and its checks fire', async () => {
  const p = `${root}build/safeheap/pith.wasm`;
  assert.ok(existsSync(p), `${p} is missing: run ./setup test first`);
  const mod = new WebAssembly.Module(readFileSync(p));
  assert.deepEqual(WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`).sort(),
    ['env.alignfault', 'env.emscripten_notify_memory_growth', 'env.segfault']);
  const { load } = await import(`${root}dist/standard/pith.mjs`);
  const pith = await load({ wasm: readFileSync(p) });
  assert.equal(pith.extract(new TextEncoder().encode('checked\n')).text, 'checked\n');

  let fault = null;
  const { exports: e } = new WebAssembly.Instance(mod, {
    env: {
      emscripten_notify_memory_growth() {},
      segfault() { fault = 'segfault'; throw new Error('segfault'); },
      alignfault() { fault = 'alignfault'; throw new Error('alignfault'); },
    },
  });
  e._initialize();
  const h = e.pith_wasm_create();
  const top = new Uint32Array(e.memory.buffer)[e.emscripten_get_sbrk_ptr() >> 2];
  assert.ok(top + 16384 < e.memory.buffer.byteLength, 'room above the heap top inside memory');
  e.stackRestore(top + 8192);
  assert.throws(() => e.pith_wasm_open(h, 0, 0), /segfault/);
  assert.equal(fault, 'segfault');
});
