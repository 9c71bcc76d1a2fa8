// md_speed.mjs: pith's Markdown handler on a 33 KB Markdown file: wasm per-call median,
// native MB/s, the wasm/native ratio, and npm `marked` in the same run.
//
//   node bench/md_speed.mjs [FILE] [--wasm FILE] [--native BENCH_NATIVE]
//
// FILE defaults to the benchmark's generated Markdown (build/bench/gen/md-33k.md, made by
// bench/gen/gen.mjs; made here when missing and pandoc is there), else the first 33 KB of
// the corpus's pypdf CHANGELOG. marked comes from bench/peers (npm ci --ignore-scripts there,
// done here when it is missing). Native figures come from build/native/bench/bench_native.
// What is timed: pith.extract(bytes) -> JS string (text and html output), the whole call;
// marked.parse(string) -> HTML string (marked takes a string, so decoding is not in its time).
// Printed, never asserted.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fullGC } from './lib/gc.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const wasmPath = opt('--wasm', null);
const nativeBench = opt('--native', join(ROOT, 'build', 'native', 'bench', 'bench_native'));

function pickInput() {
  if (args[0]) return { name: args[0], bytes: readFileSync(args[0]) };
  const gen = join(ROOT, 'build', 'bench', 'gen', 'md-33k.md');
  if (!existsSync(gen)) spawnSync('node', [join(ROOT, 'bench', 'gen', 'gen.mjs')], { stdio: 'ignore' });
  if (existsSync(gen)) return { name: gen, bytes: readFileSync(gen) };
  const cl = join(ROOT, '..', 'shared', 'corpus', 'md', 'pypdf__pypdf_CHANGELOG.md');
  const all = readFileSync(cl);
  let end = 33 * 1024;
  while (end < all.length && all[end - 1] !== 0x0a) end++;
  return { name: `${cl} (first ${end} bytes)`, bytes: all.subarray(0, end) };
}

/** Median time of fn in microseconds over about `ms` milliseconds (at least 20 calls). */
function medianUs(fn, ms = 1500) {
  fullGC(); // (lib/gc.mjs says why)
  for (let i = 0; i < 20; i++) fn();
  const t = [];
  const end = performance.now() + ms;
  while (t.length < 20 || performance.now() < end) {
    const a = performance.now();
    fn();
    t.push((performance.now() - a) * 1000);
  }
  t.sort((x, y) => x - y);
  return t[t.length >> 1];
}

function native(file, output) {
  if (!existsSync(nativeBench)) return null;
  const r = spawnSync(nativeBench, ['--output', output, '--seconds', '1', file], { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n')[1];
  if (r.status !== 0 || !line) return null;
  const f = line.split('\t');
  return { us: Number(f[2]), mbs: Number(f[4]) };
}

const input = pickInput();
const bytes = new Uint8Array(input.bytes);
const str = new TextDecoder().decode(bytes);
const { load } = await import(pathToFileURL(join(ROOT, 'dist', 'standard', 'pith.mjs')).href);
const pith = await load(wasmPath ? { wasm: readFileSync(wasmPath) } : undefined);

const peers = join(ROOT, 'bench', 'peers');
if (!existsSync(join(peers, 'node_modules', 'marked'))) {
  spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: peers, stdio: 'ignore' });
}
let marked = null;
try {
  marked = (await import(pathToFileURL(join(peers, 'node_modules', 'marked', 'lib', 'marked.esm.js')).href)).marked;
} catch {
  marked = null;
}

console.log(`Markdown ${bytes.length} bytes: ${input.name}`);
console.log(['', 'wasm us/call', 'wasm MB/s', 'native us', 'native MB/s', 'wasm/native'].map((s, i) => (i ? s.padStart(12) : s.padEnd(22))).join(''));
const row = (label, us, nat) => {
  const cells = [label.padEnd(22), us.toFixed(1).padStart(12), (bytes.length / us).toFixed(1).padStart(12),
    nat ? nat.us.toFixed(1).padStart(12) : '-'.padStart(12), nat ? nat.mbs.toFixed(1).padStart(12) : '-'.padStart(12),
    nat ? (us / nat.us).toFixed(2).padStart(12) : '-'.padStart(12)];
  console.log(cells.join(''));
};
for (const output of ['text', 'html']) {
  const us = medianUs(() => pith.extract(bytes, { hint: 'x.md', output }));
  row(`pith extract (${output})`, us, native(input.name.split(' (')[0] === input.name ? input.name : null, output === 'html' ? 'html' : 'text'));
}
if (marked) {
  const us = medianUs(() => marked.parse(str));
  row('marked.parse (html)', us, null);
} else {
  console.log('marked: not installed (npm ci in bench/peers failed)');
}
