// html_speed.mjs: HTML to text speed, pith (wasm and native) side by side with html-to-text
// from npm, on the same inputs in the same run. Printed, never asserted.
//
//   node bench/html_speed.mjs [--variant minimal|standard] [--dist DIR] [--native PATH]
//
// Inputs: a 1.5 KB and a 100 KB article page written here (headings, paragraphs with links and
// emphasis, a list, a table, the head of a real page: title, meta, a style and a script), and
// the largest page of the corpus when it is there. For each: the median time of one call
// (pith.extract() on the real .wasm, html-to-text's convert() with wordwrap off), MB/s, and
// pith native MB/s from build/native/bench/bench_native over the same bytes; then the
// wasm/native ratio and how many times faster than html-to-text pith's wasm call is.
// html-to-text is installed by this script into bench/peers (npm ci, pinned by its lockfile),
// never by the library.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './lib/args.mjs';

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

/** An article page of about `bytes` bytes, the same every run. */
function page(bytes) {
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
  while (out.length < bytes - 200) {
    const s = i % 5;
    if (s === 0) out += `<h2>${sentence(3)}</h2>\n`;
    else if (s === 1) out += `<p>${sentence(12)} <a href="/wiki/${i}">${sentence(2)}</a> ${sentence(8)} <em>${sentence(2)}</em> &amp; ${sentence(6)}.</p>\n`;
    else if (s === 2) out += `<ul>\n<li>${sentence(5)}</li>\n<li>${sentence(4)} <b>${sentence(1)}</b></li>\n</ul>\n`;
    else if (s === 3) out += `<table><tr><th>${sentence(1)}</th><th>${sentence(1)}</th></tr><tr><td>${i}</td><td>${sentence(2)}</td></tr></table>\n`;
    else out += `<div class="x"><p>${sentence(15)}&nbsp;&mdash; ${sentence(5)}</p></div>\n`;
  }
  return `${out}</body></html>\n`;
}

function median(fn, budgetMs = 400) {
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

const inputs = [['article 1.5 KB', page(1536)], ['article 100 KB', page(100 * 1024)]];
const big = `${root}../shared/corpus/html/kreuzberg__israel_hebrew.html`;
if (existsSync(big)) inputs.push(['corpus israel_hebrew (1.8 MB)', readFileSync(big, 'utf8')]);

console.log(`# HTML speed: pith ${variant}.wasm and native vs html-to-text ${htmlToTextVersion} (node ${process.version})\n`);
console.log('| input | bytes | pith wasm µs/call | pith wasm MB/s | pith native MB/s | wasm/native | html-to-text µs/call | pith wasm vs html-to-text |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, html] of inputs) {
  const bytes = new TextEncoder().encode(html);
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
  console.log(`| ${name} | ${bytes.length} | ${(tw * 1000).toFixed(1)} | ${wasmMBs.toFixed(1)} | ` +
    `${Number.isNaN(nativeMBs) ? 'n/a' : nativeMBs.toFixed(1)} | ${Number.isNaN(nativeMBs) ? 'n/a' : (nativeMBs / wasmMBs).toFixed(2) + '×'} | ` +
    `${(th * 1000).toFixed(1)} | ${(th / tw).toFixed(1)}× faster |`);
}
console.log('\ngoals: native ≥ 300 MB/s; a 1.5 KB page ≤ 20 µs per wasm call; ≥ 20× faster than html-to-text');
pith.dispose();
