// office_speed.mjs: DOCX, XLSX and PPTX speed, pith (wasm and native) side by side with the
// JavaScript extractors people use for Office files, on the same files in the same run (issue 8:
// pith's wasm call should be >= 10x faster than each). Printed, never asserted.
//
//   node bench/office_speed.mjs [--wasm PATH] [--native PATH] [--budget MS] [--libs a,b] [FILE...]
//
// FILE...: other documents instead of the generated three (the format from the extension),
// e.g. ../shared/corpus/pptx/*.pptx to see the peers' per-call times on real files.
// Inputs: the generated documents of bench/gen/gen.mjs in build/bench/gen/ (docx-100k.docx,
// xlsx-10k.xlsx, pptx-30.pptx; `bench/run` or `node bench/gen/gen.mjs` makes them). For each
// file and library: the median and the minimum time of one call after a warm-up (the minimum is
// shown because the 2-core machine is shared and medians drift), then how many times faster
// pith's wasm call is than each peer (ratio of medians). pith wasm is dist/standard/pith.mjs
// with the .wasm given by --wasm (default dist/standard/pith.wasm: pass a build's pith.wasm to
// measure it without touching dist/); pith native is bench_native (--native, default
// build/native/bench/bench_native), the C library in-process, for the wasm/native ratio.
// The peers are called exactly as the benchmark suite calls them: their adapters are imported
// from bench/suite/libs.mjs (kreuzberg, mammoth, SheetJS, officeparser), installed in
// bench/peers by `npm ci` there, never by the library.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from './lib/args.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const { opt, positional } = parseArgs();
const wasmPath = opt('--wasm', `${root}dist/standard/pith.wasm`);
const native = opt('--native', `${root}build/native/bench/bench_native`);
const budget = Number(opt('--budget', '1500'));
const peerIds = opt('--libs', 'kreuzberg,mammoth,sheetjs,officeparser').split(',').filter(Boolean);
const gen = `${root}build/bench/gen/`;
const operands = positional();
const FILES = operands.length
  ? operands.map((f) => [f.slice(f.lastIndexOf('.') + 1).toLowerCase(), resolve(f)])
  : [['docx', 'docx-100k.docx'], ['xlsx', 'xlsx-10k.xlsx'], ['pptx', 'pptx-30.pptx']].map(([k, f]) => [k, gen + f]);

if (!existsSync(`${root}bench/peers/node_modules/mammoth/package.json`)) {
  console.error('installing bench/peers (npm ci)');
  execFileSync('npm', ['ci', '--prefix', `${root}bench/peers`, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
for (const [, f] of FILES) {
  if (!existsSync(f)) {
    console.error(`${f} is missing: run node bench/gen/gen.mjs (or bench/run) first`);
    process.exit(2);
  }
}
const { LIBS } = await import(pathToFileURL(`${root}bench/suite/libs.mjs`).href);

/** Median and minimum ms of one call (sync or async), after a warm-up, within about `ms`. */
async function timeCalls(fn, ms) {
  for (let k = 0; k < 3; k++) await fn();
  const t = [];
  const start = performance.now();
  while (t.length < 7 || (performance.now() - start < ms && t.length < 20000)) {
    const a = performance.now();
    const r = fn();
    if (r && typeof r.then === 'function') await r;
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  return { median: t[t.length >> 1], min: t[0], n: t.length };
}

const { load } = await import(pathToFileURL(`${root}dist/standard/pith.mjs`).href);
const pith = await load({ wasm: readFileSync(wasmPath) });
const peers = [];
for (const id of peerIds) {
  const lib = LIBS.find((l) => l.id === id);
  if (!lib) throw new Error(`unknown library ${id} (bench/suite/libs.mjs)`);
  peers.push({ lib, api: await lib.init({}) });
}

let nativeRows = new Map();
if (existsSync(native)) {
  const out = execFileSync(native, ['--seconds', '1', ...FILES.map(([, f]) => f)], { encoding: 'utf8' });
  for (const line of out.trim().split('\n').slice(1)) {
    const c = line.split('\t');
    nativeRows.set(c[0], { median: Number(c[2]) / 1000, min: Number(c[3]) / 1000 });
  }
}

const ms = (x) => (x === undefined ? 'n/a' : x.toFixed(2));
console.log(`# Office speed: pith wasm (${wasmPath.replace(root, '')}) vs peers (node ${process.version})\n`);
console.log('ms per call, median (min). "× faster": peer median / pith wasm median.\n');
console.log('| file | bytes | pith wasm | pith native | wasm/native | library | ms | pith × faster |');
console.log('|---|---:|---:|---:|---:|---|---:|---:|');
for (const [format, f] of FILES) {
  const bytes = new Uint8Array(readFileSync(f));
  const name = basename(f);
  const pw = await timeCalls(() => pith.extract(bytes, { hint: name }).text, budget);
  const nat = nativeRows.get(f);
  const head = `| ${name} | ${bytes.length} | ${ms(pw.median)} (${ms(pw.min)}) | ` +
    `${nat ? `${ms(nat.median)} (${ms(nat.min)})` : 'n/a'} | ${nat ? (pw.median / nat.median).toFixed(1) + '×' : 'n/a'}`;
  let first = true;
  for (const { lib, api } of peers) {
    if (!lib.formats.includes(format)) continue;
    const r = await timeCalls(() => api.extract(bytes, name, format), budget);
    console.log(`${first ? head : '| | | | |'} | ${lib.name} | ${ms(r.median)} (${ms(r.min)}) | ${(r.median / pw.median).toFixed(1)}× |`);
    first = false;
  }
}
console.log('\ngoal (issue 8): pith wasm >= 10x faster per call than every peer on each file');
pith.dispose();
