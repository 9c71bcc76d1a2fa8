// types.test.mjs: `tsc --noEmit` over types/example.ts, a program using every export of
// pith, pith/minimal and pith/standard, against the package as `npm pack` makes it, resolved
// the Node way (NodeNext) and the bundler way. The example also holds wrong uses marked
// @ts-expect-error, so types that accept anything fail here too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { installPackedPackage, OUT } from './lib.mjs';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const WORK = `${OUT}types/`;

function check(moduleResolution) {
  const config = JSON.parse(readFileSync(`${WORK}tsconfig.json`, 'utf8'));
  if (moduleResolution === 'Bundler') {
    config.compilerOptions.module = 'ESNext';
    config.compilerOptions.moduleResolution = 'Bundler';
  }
  writeFileSync(`${WORK}tsconfig.check.json`, JSON.stringify(config));
  try {
    execFileSync(process.execPath, [tsc, '-p', `${WORK}tsconfig.check.json`], { encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (e) {
    return e.stdout + e.stderr;
  }
}

test('the typed example using every export passes tsc --noEmit (NodeNext and Bundler resolution)', () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  installPackedPackage(WORK);
  cpSync(new URL('types/', import.meta.url), WORK, { recursive: true });
  writeFileSync(`${WORK}package.json`, '{ "type": "module", "private": true }\n');
  assert.equal(check('NodeNext'), '');
  assert.equal(check('Bundler'), '');
});

test('tsc fails on a wrong use (the check can fail)', () => {
  const src = readFileSync(`${WORK}example.ts`, 'utf8');
  writeFileSync(`${WORK}example.ts`, src.replace("pith.detect(view, { hint: 'x.md' })", "pith.detect(view, { hint: 42 })"));
  try {
    assert.match(check('NodeNext'), /error TS2322/);
  } finally {
    writeFileSync(`${WORK}example.ts`, src);
  }
});
