#!/usr/bin/env node
// run.mjs: pith's bundles in every runtime users deploy to — Deno, Bun and Cloudflare's
// workerd — each extracting one corpus document of every format the bundle lists, with every
// output (text, markdown, jsonl, and the streamed text) compared byte for byte with Node's.
//
//   node tests/runtimes/run.mjs [deno] [bun] [workerd]     (default: all three)
//
// The binaries come from this folder's node_modules (npm ci here: the npm packages deno, bun
// and workerd ship them); a runtime whose binary is missing or does not start is skipped with
// a message saying why. Node, Deno and Bun run the same script (cli_probe.mjs), loading each
// bundle the default way; workerd serves workerd/worker.mjs, which imports each .wasm as a
// compiled module and passes it to load({ wasm }). Deno and Bun also run pith/worker's pool
// (Web Workers there) on the standard samples. Exit status 1 when any comparison fails.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pickSamples, CORPUS } from './samples.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const DIST = new URL('../../dist/', import.meta.url);
const VARIANTS = ['minimal', 'standard'];
const TIMEOUT_MS = 180_000;
const FIELDS = ['format', 'mime', 'units', 'meta', 'warnings', 'text', 'markdown', 'jsonl', 'stream', 'error'];

const started = performance.now();
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['deno', 'bun', 'workerd'];
let passed = 0;
let failed = 0;
let skipped = 0;

// MARK: samples and Node's answers

if (!existsSync(CORPUS)) {
  console.log(`runtimes: skip: corpus ${fileURLToPath(CORPUS)} absent (set PITH_CORPUS)`);
  console.log('0 passed, 0 failed, 1 skipped');
  process.exit(0);
}
const manifest = {};
for (const v of VARIANTS) {
  if (!existsSync(new URL(`${v}/pith.wasm`, DIST))) {
    console.error(`runtimes: dist/${v}/pith.wasm is missing: run ./setup first`);
    process.exit(1);
  }
  const { load } = await import(new URL(`${v}/pith.mjs`, DIST).href);
  const pith = await load();
  const { samples, missing } = pickSamples(pith);
  manifest[v] = samples.map((s) => ({ name: s.name, path: fileURLToPath(new URL(s.name, CORPUS)) }));
  console.log(`runtimes: ${v}: formats ${pith.formats.join(' ')}; samples ${samples.map((s) => s.name).join(' ')}`);
  if (missing.length) console.log(`runtimes: ${v}: no corpus sample Node extracts for: ${missing.join(' ')} (not compared)`);
  pith.dispose();
}
const work = mkdtempSync(join(tmpdir(), 'pith-runtimes-'));
const manifestPath = join(work, 'manifest.json');
writeFileSync(manifestPath, JSON.stringify(manifest));

function runScript(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const node = await runScript(process.execPath, ['cli_probe.mjs', manifestPath]);
if (node.code !== 0) {
  console.error(`runtimes: the Node reference run failed (${node.code ?? node.signal}):\n${node.stderr}`);
  process.exit(1);
}
const reference = JSON.parse(node.stdout);

// MARK: comparing

const show = (v) => (typeof v === 'string' ? JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v) : JSON.stringify(v));

/** Where two values first differ, as text ('' when equal). */
function difference(a, b) {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return '';
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return `lengths ${a.length} vs ${b.length}, first difference at ${i}: ${show(a.slice(i, i + 40))} vs ${show(b.slice(i, i + 40))}`;
  }
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja === jb ? '' : `${show(ja)} vs ${show(jb)}`;
}

function compare(name, got) {
  console.log(`runtimes: ${name}: ${got.runtime}`);
  for (const v of VARIANTS) {
    const want = reference.variants[v];
    const have = got.variants[v];
    const fd = have ? difference(want.formats, have.formats) : 'no answer for this variant';
    if (fd) {
      failed++;
      console.log(`  FAIL ${name} ${v} formats: ${fd}`);
      continue;
    }
    for (let i = 0; i < want.results.length; i++) {
      const w = want.results[i];
      const h = have.results[i] ?? {};
      const diffs = FIELDS.map((f) => [f, difference(w[f], h[f])]).filter(([, d]) => d);
      if (w.error) diffs.unshift(['node', `Node itself failed: ${w.error}`]);
      if (diffs.length) {
        failed++;
        console.log(`  FAIL ${name} ${v} ${w.name}`);
        for (const [f, d] of diffs) console.log(`       ${f}: ${d}`);
      } else {
        passed++;
        console.log(`  ok   ${name} ${v} ${w.format} ${w.name} (${w.text.length} chars of text, equal in every output)`);
      }
    }
  }
}

// MARK: runtimes

/** The runtime's binary from this folder's node_modules, or from PATH; null if neither runs. */
function binary(name) {
  const candidates = [join(HERE, 'node_modules', '.bin', name), name];
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { path: c, version: r.stdout.trim().split('\n')[0] };
  }
  return null;
}

function skip(name, why) {
  skipped++;
  console.log(`runtimes: SKIP ${name}: ${why}`);
}

async function viaScript(name, args) {
  const bin = binary(name);
  if (!bin) return skip(name, `no working ${name} binary (run npm ci in tests/runtimes; the npm package ${name} ships it)`);
  const t = performance.now();
  const r = await runScript(bin.path, [...args, 'cli_probe.mjs', manifestPath]);
  if (r.code !== 0) {
    failed++;
    console.log(`  FAIL ${name}: exited ${r.code ?? r.signal}\n${r.stderr.trim()}`);
    return;
  }
  const got = JSON.parse(r.stdout);
  compare(name, got);
  const pool = got.pool;
  if (pool?.error || pool?.mismatches?.length) {
    failed++;
    console.log(`  FAIL ${name} pith/worker: ${pool.error ?? pool.mismatches.join('; ')}`);
  } else {
    passed++;
    console.log(`  ok   ${name} pith/worker: a pool of ${pool.size} gave the instance's text for every standard sample`);
  }
  console.log(`runtimes: ${name} took ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function viaWorkerd() {
  const bin = binary('workerd');
  if (!bin) return skip('workerd', 'no working workerd binary (run npm ci in tests/runtimes; the npm package workerd ships it)');
  const t = performance.now();
  const port = await freePort();
  const child = spawn(bin.path, ['serve', join(HERE, 'workerd', 'config.capnp'), '--socket-addr', `http=127.0.0.1:${port}`],
    { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  child.stdout.on('data', (d) => log.push(d));
  child.stderr.on('data', (d) => log.push(d));
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const variants = {};
    for (const v of VARIANTS) {
      let formats = null;
      for (let i = 0; i < 100 && !exited && !formats; i++) {
        try {
          const res = await fetch(`${base}/formats?variant=${v}`);
          if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
          formats = await res.json();
        } catch (e) {
          if (i === 99) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      if (!formats) throw new Error(`workerd exited:\n${Buffer.concat(log).toString()}`);
      const results = [];
      for (const doc of manifest[v]) {
        const { readFileSync } = await import('node:fs');
        const res = await fetch(`${base}/`, {
          method: 'POST',
          headers: { 'x-variant': v, 'x-name': doc.name },
          body: readFileSync(doc.path),
        });
        if (!res.ok) throw new Error(`${doc.name}: HTTP ${res.status}: ${await res.text()}`);
        results.push(await res.json());
      }
      variants[v] = { ...formats, results };
    }
    compare('workerd', { runtime: `workerd ${bin.version.replace(/^workerd /, '')} (wasm as a compiled module)`, variants });
  } catch (e) {
    failed++;
    console.log(`  FAIL workerd: ${e.message}`);
  } finally {
    child.kill('SIGTERM');
  }
  console.log(`runtimes: workerd took ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

for (const name of wanted) {
  if (name === 'deno') await viaScript('deno', ['run', '--allow-read', '--no-lock', '--quiet']);
  else if (name === 'bun') await viaScript('bun', ['run']);
  else if (name === 'workerd') await viaWorkerd();
  else {
    console.error(`runtimes: unknown runtime ${name} (deno, bun, workerd)`);
    process.exit(2);
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`runtimes: tier took ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
