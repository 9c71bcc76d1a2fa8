// html_speed.mjs: HTML to text speed, pith (wasm and native) side by side with html-to-text
// from npm, on the same inputs in the same run. Printed, never asserted.
//
//   node bench/html_speed.mjs [--variant minimal|standard] [--dist DIR] [--native PATH]
//
// Inputs: a 1.5 KB and a 100 KB article page written here (headings, paragraphs with links and
// emphasis, a list, a table, the head of a real page: title, meta, a style and a script), and
// every page of the corpus over 20 KB when it is there. For each: the median time of one call
// (pith.extract() on the real .wasm, html-to-text's convert() with wordwrap off), MB/s, and
// pith native MB/s from build/native/bench/bench_native over the same bytes; then the
// wasm/native ratio and how many times faster than html-to-text pith's wasm call is.
// html-to-text is installed by this script into bench/peers (npm ci, pinned by its lockfile),
// never by the library.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './lib/args.mjs';
import { fullGC } from './lib/gc.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const { opt, positional } = parseArgs();
const variant = opt('--variant', 'minimal');
const dist = opt('--dist', `${root}dist`);
const native = opt('--native', `${root}build/native/bench/bench_native`);
const tmp = `${root}bench/results/tmp/html-speed/`;
const peers = `${root}bench/peers/`;

function ensurePeer() {
  if (existsSync(`${peers}node_modules/html-to-text/package.json`)) return;
  console.error('installing bench/peers (npm ci) for html-to-text');
  execFileSync('npm', ['ci', '--prefix', peers, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

/** An article page of about `bytes` bytes, the same every run; with listsOnly, the same head
 * and then nothing but two-item lists (the densest structure: a tag every 11 bytes). */
function page(bytes, listsOnly = false) {
  const head = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Notes on rivers</title>
<meta name="description" content="A page about rivers"><style>body{font:16px serif}.x{color:#333}</style>
<script>window.dataLayer=window.dataLayer||[];function g(){dataLayer.push(arguments)}</script></head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a></nav><h1>Notes on rivers</h1>\n`;
  const words = ['river', 'delta', 'the', 'water', 'flows', 'north', 'into', 'a', 'wide', 'basin',
    'where', 'sediment', 'settles', 'and', 'forms', 'new', 'land', 'over', 'centuries', 'of', 'change'];
  let out = head;
  let i = 0;
  const sentence = (n) => {
    const w = [];
    for (let k = 0; k < n; k++) w.push(words[(i++ * 7 + k) % words.length]);
    return w.join(' ');
  };
  // The blocks take turns by their own count. (Until 2026-11-30 the turn was the word count
  // mod 5, which a list, ten words long, never changes: the page became 1,135 lists after the
  // first heading and table. That page is kept below as its own input, `lists 100 KB`.)
  for (let block = 0; out.length < bytes - 200; block++) {
    const s = listsOnly ? 2 : block % 5;
    if (s === 0) out += `<h2>${sentence(3)}</h2>\n`;
    else if (s === 1) out += `<p>${sentence(12)} <a href="/wiki/${i}">${sentence(2)}</a> ${sentence(8)} <em>${sentence(2)}</em> &amp; ${sentence(6)}.</p>\n`;
    else if (s === 2) out += `<ul>\n<li>${sentence(5)}</li>\n<li>${sentence(4)} <b>${sentence(1)}</b></li>\n</ul>\n`;
    else if (s === 3) out += `<table><tr><th>${sentence(1)}</th><th>${sentence(1)}</th></tr><tr><td>${i}</td><td>${sentence(2)}</td></tr></table>\n`;
    else out += `<div class="x"><p>${sentence(15)}&nbsp;&mdash; ${sentence(5)}</p></div>\n`;
  }
  return `${out}</body></html>\n`;
}

function median(fn, budgetMs = 400) {
  fullGC(); // (lib/gc.mjs says why)
  for (let k = 0; k < 3; k++) fn();
  const t = [];
  const start = performance.now();
  while (t.length < 7 || (performance.now() - start < budgetMs && t.length < 20000)) {
    const a = performance.now();
    fn();
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  return t[t.length >> 1];
}

ensurePeer();
const require = createRequire(peers);
const { convert } = require('html-to-text');
const htmlToTextVersion = JSON.parse(readFileSync(`${peers}node_modules/html-to-text/package.json`, 'utf8')).version;
const { load } = await import(`${dist}/${variant}/pith.mjs`);
const pith = await load();
mkdirSync(tmp, { recursive: true });

// The generated articles (a tag every 16-17 bytes, two thirds of the bytes text), the lists page
// (a tag every 11 bytes; each list is a LIST and two ITEM events, the most per byte), then
// every real page of the corpus over 20 KB, as its bytes; html-to-text gets the same page as a
// string decoded in the encoding pith found (a legacy page is decoded as it should be).
const enc = new TextEncoder();
const inputs = [['article 1.5 KB', enc.encode(page(1536))], ['article 100 KB', enc.encode(page(100 * 1024))],
  ['lists 100 KB', enc.encode(page(100 * 1024, true))]];
const corpusDir = `${root}../shared/corpus/html/`;
if (existsSync(corpusDir)) {
  for (const f of readdirSync(corpusDir).sort()) {
    const bytes = readFileSync(corpusDir + f);
    if (bytes.length < 20 * 1024) continue;
    const kb = bytes.length >= 1 << 20 ? `${(bytes.length / (1 << 20)).toFixed(1)} MB` : `${Math.round(bytes.length / 1024)} KB`;
    inputs.push([`corpus ${f.replace(/^[a-z]+__/, '').replace(/\.html$/, '')} (${kb})`, new Uint8Array(bytes)]);
  }
} else {
  console.error(`${corpusDir} not found: the corpus pages are left out`);
}

console.log(`# HTML speed: pith ${variant}.wasm and native vs html-to-text ${htmlToTextVersion} (node ${process.version})\n`);
console.log('| input | bytes | pith wasm µs/call | pith wasm MB/s | pith native MB/s | wasm/native | html-to-text µs/call | pith wasm vs html-to-text |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
const rows = [];
for (const [name, bytes] of inputs) {
  const encoding = pith.extract(bytes, { hint: 'page.html' }).meta.encoding || 'utf-8';
  const html = new TextDecoder(encoding).decode(bytes);
  const file = `${tmp}${name.replace(/[^a-z0-9]+/gi, '_')}.html`;
  writeFileSync(file, bytes);
  const tw = median(() => pith.extract(bytes, { hint: 'page.html' }));
  const th = median(() => convert(html, { wordwrap: false }), 1500);
  let nativeMBs = NaN;
  if (existsSync(native)) {
    const out = execFileSync(native, ['--seconds', '0.5', file], { encoding: 'utf8' });
    nativeMBs = Number(out.trim().split('\n')[1].split('\t')[4]);
  }
  const wasmMBs = bytes.length / tw / 1000;
  rows.push({ name, nativeMBs, us: tw * 1000, ratio: th / tw });
  console.log(`| ${name} | ${bytes.length} | ${(tw * 1000).toFixed(1)} | ${wasmMBs.toFixed(1)} | ` +
    `${Number.isNaN(nativeMBs) ? 'n/a' : nativeMBs.toFixed(1)} | ${Number.isNaN(nativeMBs) ? 'n/a' : (nativeMBs / wasmMBs).toFixed(2) + '×'} | ` +
    `${(th * 1000).toFixed(1)} | ${(th / tw).toFixed(1)}× faster |`);
}
console.log('\ngoals: native ≥ 300 MB/s; a 1.5 KB page ≤ 20 µs per wasm call; ≥ 20× faster than html-to-text');
const held = (what, ok, show) => {
  const miss = rows.filter((r) => !ok(r));
  console.log(`- ${what}: ${rows.length - miss.length} of ${rows.length} inputs` +
    (miss.length ? ` (not: ${miss.map((r) => `${r.name} ${show(r)}`).join(', ')})` : ''));
};
held('native ≥ 300 MB/s', (r) => r.nativeMBs >= 300, (r) => `${r.nativeMBs.toFixed(0)} MB/s`);
const small = rows.find((r) => r.name === 'article 1.5 KB');
console.log(`- 1.5 KB ≤ 20 µs: ${small.us <= 20 ? 'yes' : 'no'} (${small.us.toFixed(1)} µs)`);
held('≥ 20× html-to-text', (r) => r.ratio >= 20, (r) => `${r.ratio.toFixed(1)}×`);
pith.dispose();
