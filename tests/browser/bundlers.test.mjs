// bundlers.test.mjs: `import { load } from 'pith/minimal'` in an app (apps/minimal/) built by
// Vite, webpack 5 and esbuild inside the test, against the package exactly as `npm pack` makes
// it. Each output must hold the minimal .wasm and no byte of the standard one, no Node
// built-in, and run in Chromium. esbuild uses the plugin printed in dist/README.md (taken from
// the README itself, so the README's code is the tested code).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { relative } from 'node:path';

import { launch, installPackedPackage, needsChromium, runApp, files, ROOT, DIST, OUT } from './lib.mjs';

const WORK = `${OUT}apps/`;
const APP = `${WORK}minimal/`;
const sha = (b) => createHash('sha256').update(b).digest('hex');
const MINIMAL_WASM = sha(readFileSync(`${DIST}minimal/pith.wasm`));
const STANDARD_WASM = sha(readFileSync(`${DIST}standard/pith.wasm`));
const CMAP_PACKS = readdirSync(`${DIST}data/`).filter((f) => f.startsWith('cmap-'))
  .map((f) => sha(readFileSync(`${DIST}data/${f}`)));
const CJK_PACK = sha(readFileSync(`${DIST}data/cjk-encodings.bin`));

let browser;
const sizes = {};

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  installPackedPackage(WORK);
  cpSync(new URL('apps/minimal/', import.meta.url), APP, { recursive: true });
  if (!needsChromium.skip) browser = await launch();
});

after(async () => {
  await browser?.close();
  if (Object.keys(sizes).length) {
    writeFileSync(`${OUT}bundle-sizes.json`, `${JSON.stringify(sizes, null, 2)}\n`);
    console.log('# bundle sizes (bytes: js raw / js gzip -9 / wasm / other assets)');
    for (const [k, v] of Object.entries(sizes)) {
      console.log(`# ${k.padEnd(8)} js ${v.js} / ${v.jsGzip} gz, wasm ${v.wasm}, other ${v.other} (${v.files.join(' ')}), built in ${v.buildMs} ms`);
    }
  }
});

// MARK: the bundlers

async function viteBuild(out) {
  const { build } = await import('vite');
  await build({
    root: APP,
    configFile: false,
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true },
  });
}

async function webpackBuild(out) {
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((ok, fail) => {
    webpack({
      mode: 'production',
      context: APP,
      entry: './main.js',
      output: { path: out, filename: 'main.js', clean: true },
      devtool: false,
      target: 'web',
      infrastructureLogging: { level: 'error' },
    }, (err, s) => (err ? fail(err) : ok(s)));
  });
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(info.errors.map((e) => e.message).join('\n'));
  assert.deepEqual(info.warnings.map((w) => w.message), [], 'webpack warns about nothing');
  cpSync(`${APP}index.html`, `${out}/index.html`);
}

/** The plugin as the README prints it, written to a module and imported. */
async function readmePlugin() {
  const readme = readFileSync(`${DIST}README.md`, 'utf8');
  const m = /<!-- esbuild-plugin:begin -->\n```js\n([\s\S]*?)```\n<!-- esbuild-plugin:end -->/.exec(readme);
  assert.ok(m, 'dist/README.md has the esbuild plugin between its markers');
  const file = `${WORK}pith-esbuild.mjs`;
  writeFileSync(file, m[1]);
  return (await import(`${file}?${Date.now()}`)).pithAssets;
}

async function esbuildBuild(out, { plugin = true } = {}) {
  const esbuild = await import('esbuild');
  rmSync(out, { recursive: true, force: true });
  const r = await esbuild.build({
    entryPoints: [`${APP}main.js`],
    bundle: true,
    format: 'esm',
    minify: true,
    outdir: out,
    absWorkingDir: APP,
    logLevel: 'silent',
    loader: { '.wasm': 'file', '.bin': 'file' },
    plugins: plugin ? [(await readmePlugin())()] : [],
  });
  assert.deepEqual(r.errors, []);
  cpSync(`${APP}index.html`, `${out}/index.html`);
}

// MARK: what an output holds


/** Node built-ins a bundle would still load: static or literal dynamic imports and requires. */
const NODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["'](?:node:|(?:fs|path|url|module|crypto|fs\/promises)["'])/;

function inspect(out) {
  const all = files(out);
  const wasm = all.filter((f) => f.endsWith('.wasm'));
  const js = all.filter((f) => /\.m?js$/.test(f));
  const hashes = new Map(all.map((f) => [sha(readFileSync(f)), relative(out, f)]));
  const jsText = js.map((f) => readFileSync(f, 'utf8')).join('\n');
  const jsBytes = Buffer.concat(js.map((f) => readFileSync(f)));
  const other = all.filter((f) => !js.includes(f) && !wasm.includes(f) && !f.endsWith('.html'));
  return {
    wasm,
    hashes,
    jsText,
    size: {
      js: jsBytes.length,
      jsGzip: gzipSync(jsBytes, { level: 9 }).length,
      wasm: wasm.reduce((n, f) => n + statSync(f).size, 0),
      other: other.reduce((n, f) => n + statSync(f).size, 0),
      files: all.map((f) => relative(out, f)).sort(),
    },
  };
}

const BUNDLERS = { vite: viteBuild, webpack: webpackBuild, esbuild: esbuildBuild };

for (const [name, build] of Object.entries(BUNDLERS)) {
  test(`${name}: the app built with pith/minimal holds the minimal .wasm only, no Node built-in, and runs`, needsChromium, async () => {
    const out = `${WORK}out-${name}`;
    const t0 = performance.now();
    await build(out);
    const buildMs = Math.round(performance.now() - t0);
    const o = inspect(out);
    sizes[name] = { ...o.size, buildMs };

    assert.equal(o.wasm.length, 1, `one .wasm in the output: ${o.size.files.join(' ')}`);
    assert.ok(o.hashes.has(MINIMAL_WASM), 'the .wasm is dist/minimal/pith.wasm byte for byte');
    if (STANDARD_WASM !== MINIMAL_WASM) assert.ok(!o.hashes.has(STANDARD_WASM), 'no standard .wasm');
    for (const h of CMAP_PACKS) assert.ok(!o.hashes.has(h), `no PDF CMap pack (${o.hashes.get(h)})`);
    assert.ok(o.hashes.has(CJK_PACK), 'the cjk-encodings pack is copied (fetched on demand)');
    assert.ok(!o.jsText.includes('cmap-japan1'), 'nothing of the standard entry in the JS');
    assert.doesNotMatch(o.jsText, NODE_IMPORT, 'no Node built-in import left');

    const { result, log, external, errors } = await runApp(browser, out);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(errors, []);
    assert.deepEqual(external, []);
    assert.equal(result.variant, 'minimal');
    assert.equal(result.markdown.trim(), '# Bundled\n\npith & friends');
    assert.equal(result.needPack, 'cjk-encodings');
    assert.equal(result.sjis.trim(), '日本語');
    assert.equal(result.encoding, 'shift_jis');
    assert.equal(result.disabled, 'PITH_E_DISABLED');
    // the browser fetched the app, its .wasm (as application/wasm) and the pack, nothing else
    const wasmReq = log.filter((e) => e.path.endsWith('.wasm'));
    assert.equal(wasmReq.length, 1);
    assert.equal(wasmReq[0].status, 200);
    assert.match(wasmReq[0].type, /^application\/wasm/);
    for (const e of log) {
      if (e.path === '/favicon.ico') continue;
      assert.equal(e.status, 200, `${e.path} answered ${e.status}`);
      assert.ok(/\.(html|m?js|wasm|bin)$/.test(e.path), `unexpected request ${e.path}`);
    }
    assert.equal(log.filter((e) => e.path.endsWith('.bin')).length, 1, 'one data pack fetched');
  });
}

test('esbuild without the plugin leaves new URL(./pith.wasm) pointing at nothing (why the README has one)', needsChromium, async () => {
  const out = `${WORK}out-esbuild-bare`;
  await esbuildBuild(out, { plugin: false });
  const o = inspect(out);
  assert.equal(o.wasm.length, 0, 'esbuild copied no .wasm');
  const { result } = await runApp(browser, out);
  assert.equal(result.ok, false);
  assert.equal(result.code, 'PITH_E_LOAD', result.message);
});
