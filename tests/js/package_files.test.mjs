// package_files.test.mjs: the npm package's file list, as `npm pack` would publish it. Every
// variant's .wasm, entry and types, every data pack, the shared modules, README, LICENSE and
// the NOTICE for the third-party data; nothing else (no build leftovers, no tests).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { DIST, VARIANTS } from './helpers.mjs';

const dist = fileURLToPath(DIST);
const pkg = JSON.parse(readFileSync(`${dist}package.json`, 'utf8'));

function packList() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dist,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out);
  return { info, files: info.files.map((f) => f.path).sort() };
}

test('npm pack publishes exactly the package: variants, data packs, types, README, LICENSE, NOTICE', () => {
  const { info, files } = packList();
  const packs = readdirSync(`${dist}data/`).filter((f) => f.endsWith('.bin')).map((f) => `data/${f}`);
  assert.ok(packs.includes('data/cjk-encodings.bin'));
  const required = [
    'package.json', 'README.md', 'LICENSE', 'NOTICE', 'core.mjs', 'layout.mjs', 'types.d.ts',
    ...VARIANTS.flatMap((v) => [`${v}/pith.mjs`, `${v}/pith.d.ts`, `${v}/pith.wasm`]),
    ...packs,
  ];
  for (const f of required) assert.ok(files.includes(f), `${f} is published`);
  // nothing beyond what package.json's "files" names (plus what npm always adds)
  const declared = new Set([...pkg.files, 'package.json', 'README.md', 'LICENSE']);
  assert.deepEqual(files.filter((f) => !declared.has(f)), [], 'no undeclared file in the tarball');
  assert.deepEqual(pkg.files.filter((f) => !files.includes(f)), [], 'every declared file is published');
  assert.equal(info.name, 'pith');
  assert.equal(info.version, pkg.version);
  // every file the exports map names is in the tarball
  for (const e of Object.values(pkg.exports)) {
    for (const target of typeof e === 'string' ? [e] : Object.values(e)) {
      assert.ok(files.includes(target.replace(/^\.\//, '')), `exported ${target} is published`);
    }
  }
  // and every data pack in the tarball is exported (so `pith/data/<name>.bin` resolves)
  for (const p of packs) assert.ok(pkg.exports[`./${p}`], `${p} is in the exports map`);
});

test('NOTICE names the third-party data the tables come from, with their licenses', () => {
  assert.ok(existsSync(`${dist}NOTICE`));
  const notice = readFileSync(`${dist}NOTICE`, 'utf8');
  for (const s of ['Adobe Glyph List', 'BSD-3-Clause', 'poppler-data', 'Adobe Systems Incorporated',
    'fonts-urw-base35', '(URW)++ Design & Development', 'WHATWG Encoding Standard',
    'Creative Commons Attribution 4.0']) {
    assert.ok(notice.includes(s), `NOTICE mentions ${s}`);
  }
  // the URW fonts' AGPL must not be read as pith's license: only measurements are used
  assert.match(notice, /no font program and no AFM\s+file/);
  const license = readFileSync(`${dist}LICENSE`, 'utf8');
  assert.match(license, /^MIT License/);
  assert.equal(pkg.license, 'MIT');
});

test('the package README documents CSP, CORS, ESM only and the esbuild step', () => {
  const readme = readFileSync(`${dist}README.md`, 'utf8');
  for (const s of ["'wasm-unsafe-eval'", 'Access-Control-Allow-Origin', 'ESM only', 'esbuild-plugin:begin',
    'application/wasm']) {
    assert.ok(readme.includes(s), `README has ${s}`);
  }
});
