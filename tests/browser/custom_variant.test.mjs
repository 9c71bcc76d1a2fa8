// custom_variant.test.mjs: a variant built with other Meson options (text + PDF, nothing
// else) is imported like pith/minimal. The test builds it (build/browser-custom, kept between
// runs: ninja is incremental, so a warm run costs a no-op ninja), lays it out in its own copy
// of the packed package as dist/README.md's "Your own variant" says (custom/pith.mjs written
// like standard/pith.mjs, its .d.ts, an "./custom" export), builds apps/custom/ with Vite,
// webpack 5 and esbuild (the README's plugin), checks each output holds that .wasm byte for
// byte and no other, and runs it in Chromium on a one-page PDF.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

import { launch, installPackedPackage, needsChromium, runApp, files, ROOT, DIST, OUT } from './lib.mjs';

const BUILD = `${ROOT}build/browser-custom/`;
const HANDLERS_ON = ['text', 'pdf'];
/** The variant's own cross file, naming every handler option (from meson_options.txt).
 *  Not `--cross-file variants/minimal.ini -Dhtml=false ...`: Meson 1.0 re-applies a cross
 *  file's [project options] over -D values whenever it regenerates a build dir (meson.build
 *  touched), so such a dir silently turns back into minimal. */
function crossFile() {
  const handlers = [...readFileSync(`${ROOT}meson_options.txt`, 'utf8')
    .matchAll(/option\('(\w+)', type: 'boolean'[^)]*description: '[^']*handler \(handlers\//g)].map((m) => m[1]);
  assert.ok(handlers.includes('pdf') && handlers.includes('html'), `handler options read: ${handlers}`);
  return ['[project options]', "variant = 'custom'",
    ...handlers.map((h) => `${h} = ${HANDLERS_ON.includes(h)}`), ''].join('\n');
}
const WORK = `${OUT}custom/`;
const APP = `${WORK}app/`;
const sha = (b) => createHash('sha256').update(b).digest('hex');

const haveTool = (t) => {
  try {
    execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = ['meson', 'ninja', 'emcc'].filter((t) => !haveTool(t));
const opts = needsChromium.skip ? needsChromium
  : missing.length ? { skip: `${missing.join(', ')} missing (./setup installs them)` } : {};

let browser;
let CUSTOM_WASM;
const OTHER_WASM = ['minimal', 'standard'].map((v) => sha(readFileSync(`${DIST}${v}/pith.wasm`)));
const times = {};

/** Configure (afresh when the cross file or the options changed) and build the variant. */
function buildVariant() {
  const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') };
  const ini = crossFile();
  const iniPath = `${ROOT}build/browser-custom.ini`;
  const fresh = !existsSync(`${BUILD}build.ninja`) || !existsSync(iniPath) || readFileSync(iniPath, 'utf8') !== ini;
  if (fresh) {
    rmSync(BUILD, { recursive: true, force: true });
    writeFileSync(iniPath, ini);
    execFileSync('meson', ['setup', BUILD, '--cross-file', 'variants/emscripten.ini', '--cross-file', iniPath],
      { cwd: ROOT, env, stdio: 'pipe' });
  }
  execFileSync('ninja', ['-C', BUILD], { cwd: ROOT, env, stdio: 'pipe' });
  return `${BUILD}pith.wasm`;
}

/** The variant laid out in the installed package copy, as the README tells a user to. */
function addToPackage(pkg, wasm) {
  mkdirSync(`${pkg}custom`, { recursive: true });
  cpSync(wasm, `${pkg}custom/pith.wasm`);
  // standard's entry, not minimal's: it names the PDF CMap packs this variant may fetch
  const entry = readFileSync(`${pkg}standard/pith.mjs`, 'utf8').replace(/standard/g, 'custom');
  assert.match(entry, /new URL\('\.\/pith\.wasm', import\.meta\.url\)/);
  writeFileSync(`${pkg}custom/pith.mjs`, entry);
  writeFileSync(`${pkg}custom/pith.d.ts`, readFileSync(`${pkg}standard/pith.d.ts`, 'utf8').replace(/standard/g, 'custom'));
  const json = JSON.parse(readFileSync(`${pkg}package.json`, 'utf8'));
  json.exports['./custom'] = { types: './custom/pith.d.ts', node: './custom/pith.mjs', default: './custom/pith.mjs' };
  writeFileSync(`${pkg}package.json`, `${JSON.stringify(json, null, 2)}\n`);
}

before(async () => {
  if (opts.skip) return;
  let t0 = performance.now();
  const wasm = buildVariant();
  times.wasmBuildMs = Math.round(performance.now() - t0);
  CUSTOM_WASM = sha(readFileSync(wasm));
  rmSync(WORK, { recursive: true, force: true });
  addToPackage(installPackedPackage(WORK), wasm);
  cpSync(new URL('apps/custom/', import.meta.url), APP, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (Object.keys(times).length) console.log(`# custom variant: ${JSON.stringify(times)}`);
});

// MARK: the bundlers (as in bundlers.test.mjs, on apps/custom/)

async function viteBuild(out) {
  const { build } = await import('vite');
  await build({ root: APP, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
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
      performance: { hints: false }, // the custom .wasm passes webpack's 244 KiB advice
    }, (err, s) => (err ? fail(err) : ok(s)));
  });
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(info.errors.map((e) => e.message).join('\n'));
  assert.deepEqual(info.warnings.map((w) => w.message), [], 'webpack warns about nothing');
  cpSync(`${APP}index.html`, `${out}/index.html`);
}

async function esbuildBuild(out) {
  const readme = readFileSync(`${DIST}README.md`, 'utf8');
  const m = /<!-- esbuild-plugin:begin -->\n```js\n([\s\S]*?)```\n<!-- esbuild-plugin:end -->/.exec(readme);
  assert.ok(m, 'dist/README.md has the esbuild plugin between its markers');
  writeFileSync(`${WORK}pith-esbuild.mjs`, m[1]);
  const { pithAssets } = await import(`${WORK}pith-esbuild.mjs?${Date.now()}`);
  const esbuild = await import('esbuild');
  rmSync(out, { recursive: true, force: true });
  const r = await esbuild.build({
    entryPoints: [`${APP}main.js`], bundle: true, format: 'esm', minify: true, outdir: out,
    absWorkingDir: APP, logLevel: 'silent', loader: { '.wasm': 'file', '.bin': 'file' },
    plugins: [pithAssets()],
  });
  assert.deepEqual(r.errors, []);
  cpSync(`${APP}index.html`, `${out}/index.html`);
}


const BUNDLERS = { vite: viteBuild, webpack: webpackBuild, esbuild: esbuildBuild };

for (const [name, build] of Object.entries(BUNDLERS)) {
  test(`${name}: an app on pith/custom (text + PDF, built here) holds that .wasm only and extracts a PDF`, opts, async () => {
    const out = `${WORK}out-${name}`;
    const t0 = performance.now();
    await build(out);
    times[`${name}Ms`] = Math.round(performance.now() - t0);

    const all = files(out);
    const wasm = all.filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `one .wasm in the output: ${all.map((f) => relative(out, f)).join(' ')}`);
    assert.equal(sha(readFileSync(wasm[0])), CUSTOM_WASM, 'the .wasm is build/browser-custom/pith.wasm byte for byte');
    assert.ok(!OTHER_WASM.includes(CUSTOM_WASM), 'the custom .wasm differs from minimal and standard');

    const { result, log, external, errors } = await runApp(browser, out);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(errors, []);
    assert.deepEqual(external, []);
    assert.equal(result.variant, 'custom');
    assert.equal(result.pdfFormat, 'pdf');
    assert.equal(result.units, 1);
    assert.equal(result.pdf.trim(), 'Hello from a custom variant');
    assert.equal(result.text.trim(), 'plain words');
    assert.equal(result.disabled, 'PITH_E_DISABLED', 'HTML is not in this variant');
    const wasmReq = log.filter((e) => e.path.endsWith('.wasm'));
    assert.equal(wasmReq.length, 1);
    assert.equal(wasmReq[0].status, 200);
  });
}
