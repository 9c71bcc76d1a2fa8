// pdf_speed.mjs: PDF to text speed per call, pith's wasm side by side with MuPDF.js and pdf.js
// (pdfjs-dist getTextContent) on the same bytes in one Node process, plus pith native for the
// wasm/native ratio. Printed, never asserted (issue 7: goals ≥ 3× MuPDF.js, ≥ 10× pdf.js).
//
//   node bench/pdf_speed.mjs [--wasm dist/standard/pith.wasm] [--variant standard]
//                            [--native build/native/bench/bench_native] [--ms 1500]
//                            [--libs pith,mupdf,pdfjs] [--base OTHER.wasm] [FILE.pdf ...]
//
// Files: build/bench/gen/pdf-1p.pdf and pdf-200p.pdf (made by bench/suite, `node
// bench/suite/main.mjs`), and a few corpus PDFs when ../shared/corpus is there; or the files
// given. MuPDF.js and pdf.js are called through bench/suite/libs.mjs's adapters (so the
// comparison is the suite's, like-for-like): MuPDF openDocument + toStructuredText().asText()
// per page; pdf.js getDocument + getTextContent() per page with the legacy build's in-thread
// worker. pith: load({ wasm }) then extract(bytes, { hint }).text. Each figure is the median
// of calls made round-robin (one per library per round, two warm-up rounds, then about --ms
// per library and at least 5 rounds), so a change of machine load hits all alike.
// Native: bench_native's median (one context reused across calls, as extractBatch does).
// --base OTHER.wasm adds a column for another build of pith (say, before a change), timed in
// the same run, and its time over --wasm's.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from './lib/args.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const { opt, positional } = parseArgs();
const wasmOpt = opt('--wasm', null);
const variant = opt('--variant', 'standard');
const wasmPath = wasmOpt ?? `${root}dist/${variant}/pith.wasm`;
const native = opt('--native', `${root}build/native/bench/bench_native`);
const budget = Number(opt('--ms', '1500'));
const libs = new Set(opt('--libs', 'pith,mupdf,pdfjs').split(','));
const baseWasm = opt('--base', null);
const corpus = `${root}../shared/corpus/pdf/`;

let files = positional();
if (!files.length) {
  files = [`${root}build/bench/gen/pdf-1p.pdf`, `${root}build/bench/gen/pdf-200p.pdf`,
    ...['pdfjs__tracemonkey.pdf', 'kreuzberg__medium.pdf', 'pdfsamples__google-doc-document.pdf',
      'pdfjs__standard_fonts.pdf'].map((f) => corpus + f)].filter((f) => existsSync(f));
}

const peers = join(root, 'bench/peers');
const NM = join(peers, 'node_modules');

// MARK: the three libraries, called as bench/suite/libs.mjs calls them

async function loadPith(wasm) {
  const { load } = await import(pathToFileURL(`${root}dist/${variant}/pith.mjs`).href);
  const p = await load({ wasm: pathToFileURL(wasm) });
  return { extract: (bytes, name) => p.extract(bytes, { hint: name }).text };
}

// MuPDF.js and pdf.js: the benchmark suite's own adapters, so both measure the same calls.
const { LIBS } = await import(pathToFileURL(`${root}bench/suite/libs.mjs`).href);
const loadPeer = (id) => LIBS.find((l) => l.id === id).init({});

// MARK: timing

/** Median ms per call of each library on one file. The calls go round-robin (one call of each
 *  library per round, after two warm-up rounds) for about --ms per library and at least 5
 *  rounds, so a machine whose load changes during the run slows every library alike. */
async function medians(libsById, bytes, name) {
  const ids = Object.keys(libsById);
  const t = Object.fromEntries(ids.map((id) => [id, []]));
  const failed = new Set();
  const start = performance.now();
  for (let round = 0; ; round++) {
    for (const id of ids) {
      if (failed.has(id)) continue;
      const a = performance.now();
      try {
        await libsById[id].extract(bytes, name);
      } catch (e) {
        console.error(`${id} on ${name}: ${e?.message ?? e}`);
        failed.add(id);
        continue;
      }
      if (round >= 2) t[id].push(performance.now() - a);
    }
    if (round >= 6 && (performance.now() - start > budget * ids.length || round > 5000)) break;
  }
  const out = {};
  for (const id of ids) {
    const v = t[id].sort((x, y) => x - y);
    out[id] = failed.has(id) || !v.length ? NaN : v[v.length >> 1];
  }
  return out;
}

function nativeMs(file) {
  if (!existsSync(native)) return NaN;
  const out = execFileSync(native, ['--seconds', String(Math.max(0.3, budget / 1000)), file],
    { encoding: 'utf8' });
  return Number(out.trim().split('\n')[1].split('\t')[2]) / 1000;
}

const loaded = {};
if (libs.has('pith')) loaded.pith = await loadPith(wasmPath);
if (baseWasm) loaded.base = await loadPith(baseWasm);
if (libs.has('mupdf')) loaded.mupdf = await loadPeer('mupdf');
if (libs.has('pdfjs')) loaded.pdfjs = await loadPeer('pdfjs');
const version = (p) => {
  try {
    return JSON.parse(readFileSync(join(NM, p, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
};

console.log(`# PDF speed: pith wasm (${wasmPath.replace(root, '')}) vs MuPDF.js ${version('mupdf')} ` +
  `and pdf.js ${version('pdfjs-dist')} (node ${process.version}), median ms per call\n`);
const baseHead = baseWasm ? ' base wasm | base/pith |' : '';
console.log(`| file | KB | pith wasm | pith native | wasm/native | MuPDF.js | pdf.js | MuPDF/pith | pdf.js/pith |${baseHead}`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|${baseWasm ? '---:|---:|' : ''}`);
const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const name = basename(file);
  const r = await medians(loaded, bytes, name);
  const nat = libs.has('pith') ? nativeMs(file) : NaN;
  console.log(`| ${name} | ${(bytes.length / 1024).toFixed(0)} | ${f(r.pith, 3)} | ${f(nat, 3)} | ` +
    `${f(r.pith / nat)}× | ${f(r.mupdf, 3)} | ${f(r.pdfjs, 3)} | ${f(r.mupdf / r.pith)}× | ` +
    `${f(r.pdfjs / r.pith)}× |` + (baseWasm ? ` ${f(r.base, 3)} | ${f(r.base / r.pith)}× |` : ''));
}
if (baseWasm) console.log(`\nbase: ${baseWasm.replace(root, '')}`);
console.log('\ngoals (issue 7): pith wasm ≥ 3× faster than MuPDF.js and ≥ 10× faster than pdf.js per call');
