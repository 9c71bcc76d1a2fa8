// pdf_stream.mjs: how soon a long PDF's first page arrives through stream(), and what memory a
// whole-document pass holds, in the standard .wasm — the issue's "a 1,000-page file yields its
// first page in milliseconds and never holds the whole text".
//
//   node bench/pdf_stream.mjs [--wasm build/standard/pith.wasm] [file.pdf ...]
//
// Default file: the corpus's pdfjs__freeculture.pdf (352 pages). Prints per file: load time,
// time to the first chunk, pages, total time, chunks, text bytes, peak wasm memory, and the
// memory goal (<= 3 x file size + 8 MiB), measured in this run.

import { readFileSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { load } from '../dist/standard/pith.mjs';

const args = process.argv.slice(2);
let wasm;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--wasm') wasm = readFileSync(args[++i]);
  else files.push(args[i]);
}
const corpus = process.env.PITH_CORPUS ?? new URL('../../shared/corpus/', import.meta.url).pathname;
if (files.length === 0) files.push(`${corpus}/pdf/pdfjs__freeculture.pdf`);

const t0 = performance.now();
const pith = await load(wasm ? { wasm } : {});
const loadMs = performance.now() - t0;
if (!pith.formats.includes('pdf')) {
  console.error(`this standard .wasm does not read PDF (formats: ${pith.formats.join(' ')})`);
  process.exit(1);
}
console.log(`load + instantiate: ${loadMs.toFixed(1)} ms`);
const MiB = 1024 * 1024;
for (const f of files) {
  if (!existsSync(f)) {
    console.log(`${f}: absent, skipped`);
    continue;
  }
  const bytes = new Uint8Array(readFileSync(f));
  for (let run = 0; run < 3; run++) {
    const s = performance.now();
    let first = null;
    let chunks = 0;
    let text = 0;
    let lastUnit = -1;
    let peak = 0;
    for await (const c of pith.stream(bytes)) {
      if (first === null) first = performance.now() - s;
      chunks++;
      text += c.text.length;
      lastUnit = Math.max(lastUnit, c.unit);
      peak = Math.max(peak, pith.memory().wasmBytes);
    }
    const total = performance.now() - s;
    const goal = 3 * bytes.length + 8 * MiB;
    if (run === 2) {
      console.log(`${f.split('/').pop()}: ${(bytes.length / 1024).toFixed(0)} KB, ${lastUnit + 1} pages`);
      console.log(`  first chunk ${first.toFixed(1)} ms, whole document ${total.toFixed(1)} ms ` +
        `(${(total / (lastUnit + 1)).toFixed(2)} ms/page), ${chunks} chunks, ${text} chars`);
      console.log(`  peak wasm memory ${(peak / MiB).toFixed(1)} MiB; goal <= 3 x file + 8 MiB = ` +
        `${(goal / MiB).toFixed(1)} MiB: ${peak <= goal ? 'met' : 'MISSED'}`);
    }
  }
}
