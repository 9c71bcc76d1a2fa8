// package.test.mjs: the npm package's shape and load(): exports map, no Node built-in on the
// default path, nothing at import time, the wasm's import list, ABI checks, every wasm source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

import {
  DIST,
  VARIANTS,
  entry,
  entryUrl,
  fakeWasm,
  loadVariant,
  needs,
  rawExports,
  utf8,
  wasmBytes,
  wasmUrl,
} from './helpers.mjs';
import { ABI_VERSION, EXPORTS, MIME, STATUS, VERSION } from '../../dist/layout.mjs';

const pkg = JSON.parse(readFileSync(new URL('package.json', DIST), 'utf8'));

test('importing an entry compiles nothing and reads nothing (work waits for load())', async () => {
  const saved = {
    instantiate: WebAssembly.instantiate,
    compile: WebAssembly.compile,
    compileStreaming: WebAssembly.compileStreaming,
    fetch: globalThis.fetch,
  };
  let calls = 0;
  WebAssembly.instantiate = (...a) => (calls++, saved.instantiate(...a));
  WebAssembly.compile = (...a) => (calls++, saved.compile(...a));
  WebAssembly.compileStreaming = (...a) => (calls++, saved.compileStreaming(...a));
  globalThis.fetch = (...a) => (calls++, saved.fetch(...a));
  try {
    for (const v of VARIANTS) {
      const m = await import(`${entryUrl(v).href}?import-time`);
      assert.equal(typeof m.load, 'function');
      assert.equal(typeof m.PithError, 'function');
    }
    assert.equal(calls, 0);
  } finally {
    Object.assign(WebAssembly, { instantiate: saved.instantiate, compile: saved.compile, compileStreaming: saved.compileStreaming });
    globalThis.fetch = saved.fetch;
  }
});

test('package.json is ESM only, side-effect free, with types-first exports for ., ./minimal, ./standard', () => {
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.main, undefined, 'ESM only: no CommonJS main');
  for (const key of ['.', './minimal', './standard']) {
    const e = pkg.exports[key];
    assert.ok(e, `exports["${key}"]`);
    assert.deepEqual(Object.keys(e), ['types', 'node', 'default'], `${key}: types first, then node, default`);
    for (const file of Object.values(e)) assert.ok(existsSync(new URL(file, DIST)), `${key} → ${file} exists`);
  }
  assert.equal(pkg.exports['.'].default, './standard/pith.mjs');
  assert.equal(pkg.exports['./minimal'].default, './minimal/pith.mjs');
  assert.equal(pkg.version, VERSION, 'layout.mjs VERSION follows package.json');
  for (const f of pkg.files) {
    if (!f.endsWith('.wasm')) assert.ok(existsSync(new URL(f, DIST)), `files: ${f} exists`);
  }
});

/** Static import specifiers of an ES module's source (import/export ... from, bare import). */
function staticImports(src) {
  const out = [];
  const re = /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(re)) out.push(m[1] ?? m[2]);
  return out;
}

test('the default entries reach no Node built-in through a static import', () => {
  for (const v of VARIANTS) {
    const seen = new Set();
    const stack = [entryUrl(v).href];
    while (stack.length) {
      const url = stack.pop();
      if (seen.has(url)) continue;
      seen.add(url);
      const src = readFileSync(new URL(url), 'utf8');
      for (const spec of staticImports(src)) {
        assert.ok(spec.startsWith('./') || spec.startsWith('../'),
          `${fileURLToPath(url)} imports '${spec}' statically: only relative modules may be`);
        stack.push(new URL(spec, url).href);
      }
      // The one Node module pith may use is taken at load time, through a variable specifier
      // bundlers leave alone (and process.getBuiltinModule first).
      assert.doesNotMatch(src, /import\s*\(\s*['"]node:/, `${url}: no literal dynamic node: import`);
      assert.doesNotMatch(src, /\brequire\s*\(/, `${url}: no require`);
    }
    assert.ok([...seen].some((u) => u.endsWith('/core.mjs')));
    assert.ok([...seen].some((u) => u.endsWith('/layout.mjs')));
  }
});

test('each variant entry finds its wasm through a static new URL(./pith.wasm, import.meta.url)', () => {
  for (const v of VARIANTS) {
    const src = readFileSync(entryUrl(v), 'utf8');
    assert.match(src, /new URL\('\.\/pith\.wasm', import\.meta\.url\)/);
  }
});

test('the .d.ts files declare what the entries export at runtime', async () => {
  const dts = readFileSync(new URL('types.d.ts', DIST), 'utf8');
  const declared = [...dts.matchAll(/^export declare (?:function|class|const) (\w+)/gm)].map((m) => m[1]).sort();
  for (const v of VARIANTS) {
    const d = readFileSync(new URL(`${v}/pith.d.ts`, DIST), 'utf8');
    assert.match(d, /export \* from '\.\.\/types\.js'/);
    const m = await entry(v);
    assert.deepEqual(Object.keys(m).sort(), declared);
  }
  for (const method of ['extract', 'extractBatch', 'stream', 'input', 'detect', 'memory', 'dispose']) {
    assert.match(dts, new RegExp(`^\\s+${method}\\(`, 'm'), `Pith.${method} is typed`);
  }
});

for (const v of VARIANTS) {
  test(`the ${v} wasm imports exactly env.emscripten_notify_memory_growth`, needs(v), () => {
    const mod = new WebAssembly.Module(wasmBytes(v));
    assert.deepEqual(WebAssembly.Module.imports(mod), [
      { module: 'env', name: 'emscripten_notify_memory_growth', kind: 'function' },
    ]);
    const exported = WebAssembly.Module.exports(mod).map((e) => e.name);
    for (const name of EXPORTS) assert.ok(exported.includes(name), `exports ${name}`);
  });

  test(`layout.mjs status names match pith_wasm_status_name of the ${v} wasm`, needs(v), async () => {
    const { x, cstr } = await rawExports(v);
    assert.equal(x.pith_wasm_abi(), ABI_VERSION);
    STATUS.forEach((name, i) => assert.equal(cstr(x.pith_wasm_status_name(i)), name, `status ${i}`));
    assert.equal(cstr(x.pith_wasm_status_name(STATUS.length)), 'PITH_E_UNKNOWN');
  });

  test(`every format name of the ${v} wasm has a MIME type in layout.mjs (or is binary)`, needs(v), async () => {
    const { x, cstr } = await rawExports(v);
    const names = [];
    for (let i = 1; ; i++) {
      const n = cstr(x.pith_wasm_format_name(i));
      if (n === 'unknown') break;
      names.push(n);
    }
    assert.ok(names.includes('pdf') && names.includes('docx') && names.includes('text'));
    const binary = new Set(['ooxml-encrypted', 'ole2', 'image', 'binary']);
    for (const n of names) assert.ok(binary.has(n) || MIME[n], `MIME for ${n}`);
  });

  test(`load() of ${v} gives an instance with its variant, version and formats`, needs(v), async () => {
    const pith = await loadVariant(v);
    assert.equal(pith.variant, v);
    assert.equal(pith.version, pkg.version);
    assert.ok(Array.isArray(pith.formats) && pith.formats.includes('text'), String(pith.formats));
    assert.ok(pith.module instanceof WebAssembly.Module);
    pith.dispose();
  });
}

test('load() rejects a wasm whose pith_wasm_abi differs with PITH_E_ABI', async () => {
  const { load, PithError } = await entry('minimal');
  const bytes = fakeWasm(EXPORTS.filter((e) => e !== 'memory'), 999);
  await assert.rejects(load({ wasm: bytes }), (e) => {
    assert.ok(e instanceof PithError);
    assert.equal(e.code, 'PITH_E_ABI');
    assert.match(e.message, /999/);
    assert.match(e.message, new RegExp(`ABI ${ABI_VERSION}\\b`));
    return true;
  });
});

test('load() rejects a wasm that is not pith (missing exports) with PITH_E_ABI', async () => {
  const { load } = await entry('minimal');
  await assert.rejects(load({ wasm: fakeWasm(['pith_wasm_abi'], ABI_VERSION) }),
    { code: 'PITH_E_ABI', message: /missing exports: .*pith_wasm_create/ });
});

test('load() rejects bytes that are not wasm with PITH_E_LOAD, and a wasm wanting other imports with PITH_E_ABI', async () => {
  const { load } = await entry('minimal');
  await assert.rejects(load({ wasm: utf8('<!doctype html><p>not found</p>') }), { code: 'PITH_E_LOAD', message: /not a WebAssembly module/ });
  // (module (import "wasi_snapshot_preview1" "fd_write" (func)))
  const importing = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0,
    2, 0x23, 1, 0x16, ...utf8('wasi_snapshot_preview1'), 8, ...utf8('fd_write'), 0, 0]);
  await assert.rejects(load({ wasm: importing }), { code: 'PITH_E_ABI', message: /imports/ });
});

test('load() rejects options.wasm of a wrong type with PITH_E_ARG, and an absent file with PITH_E_LOAD', async () => {
  const { load } = await entry('minimal');
  await assert.rejects(load({ wasm: 42 }), { code: 'PITH_E_ARG' });
  await assert.rejects(load(null), { code: 'PITH_E_ARG' });
  await assert.rejects(load({ wasm: new URL('./no-such.wasm', DIST) }), { code: 'PITH_E_LOAD', message: /no-such\.wasm/ });
  await assert.rejects(load({ wasm: '/no/such/dir/pith.wasm' }), { code: 'PITH_E_LOAD' });
});

const hello = utf8('hello from every source\n');

test('load() takes the wasm as a file: URL, a URL string, a path, bytes, an ArrayBuffer and a Module', needs('minimal'), async () => {
  const { load } = await entry('minimal');
  const bytes = wasmBytes('minimal');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const first = await load({ wasm: wasmUrl('minimal') });
  const sources = [
    wasmUrl('minimal').href,
    fileURLToPath(wasmUrl('minimal')),
    new Uint8Array(bytes),
    ab,
    first.module,
    new WebAssembly.Module(bytes),
  ];
  for (const wasm of [wasmUrl('minimal'), ...sources]) {
    const pith = await load({ wasm });
    assert.equal(pith.extract(hello).text, 'hello from every source\n', describeSource(wasm));
    pith.dispose();
  }
  first.dispose();
});

function describeSource(w) {
  return typeof w === 'string' ? w : w?.constructor?.name;
}

test('load() takes a Response (with or without application/wasm) or a promise of one', needs('minimal'), async () => {
  const { load } = await entry('minimal');
  const bytes = wasmBytes('minimal');
  const responses = [
    new Response(bytes),
    new Response(bytes, { headers: { 'content-type': 'application/wasm' } }),
    new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }),
    Promise.resolve(new Response(bytes, { headers: { 'content-type': 'application/wasm' } })),
  ];
  for (const wasm of responses) {
    const pith = await load({ wasm });
    assert.equal(pith.extract(hello).text, 'hello from every source\n');
    pith.dispose();
  }
  await assert.rejects(load({ wasm: new Response('gone', { status: 404 }) }), { code: 'PITH_E_LOAD', message: /404/ });
});

test('load() fetches http URLs, compiling while streaming with application/wasm and falling back when the MIME type is wrong', needs('minimal'), async (t) => {
  const { load } = await entry('minimal');
  const bytes = wasmBytes('minimal');
  const server = createServer((req, res) => {
    if (req.url === '/right.wasm') res.writeHead(200, { 'content-type': 'application/wasm' });
    else if (req.url === '/wrong.wasm') res.writeHead(200, { 'content-type': 'text/plain' });
    else {
      res.writeHead(404).end();
      return;
    }
    res.end(bytes);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${server.address().port}`;
  let streamed = 0;
  const orig = WebAssembly.compileStreaming;
  WebAssembly.compileStreaming = (...a) => (streamed++, orig(...a));
  try {
    for (const path of ['/right.wasm', '/wrong.wasm']) {
      const pith = await load({ wasm: `${base}${path}` });
      assert.equal(pith.extract(hello).text, 'hello from every source\n');
      pith.dispose();
    }
  } finally {
    WebAssembly.compileStreaming = orig;
  }
  assert.equal(streamed, 1, 'compileStreaming for application/wasm only');
  await assert.rejects(load({ wasm: `${base}/missing.wasm` }), { code: 'PITH_E_LOAD', message: /404/ });
});

test('two instances of the same module do not share memory or handles', needs('minimal'), async () => {
  const a = await loadVariant('minimal');
  const b = await loadVariant('minimal', { wasm: a.module });
  const va = a.input(5);
  va.set(utf8('AAAAA'));
  const vb = b.input(5);
  vb.set(utf8('BBBBB'));
  assert.equal(a.extract(va).text, 'AAAAA');
  assert.equal(b.extract(vb).text, 'BBBBB');
  a.dispose();
  assert.equal(b.extract(utf8('still here')).text, 'still here');
  b.dispose();
});
