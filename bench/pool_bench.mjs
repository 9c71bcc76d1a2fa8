// pool_bench.mjs: pith/worker's speedup — 100 corpus documents through a pool of 2 workers
// against the same 100 one after another on one instance, printed (never asserted).
//
//   node bench/pool_bench.mjs [--size N] [--docs N] [--variant standard|minimal]
//
// The documents cycle over the corpus files (1 KB .. 2 MB) of every format the bundle lists, so
// the mix follows the bundle as formats land. Both sides are warmed up first; each side is
// timed 3 times and the best run kept. The pool gets fresh copies of the inputs every run
// (copied before the clock starts), since it transfers whole buffers. The goal on 2 cores: ~2x.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import { createPool } from '../dist/worker/pool.mjs';

const ROOT = new URL('../', import.meta.url);
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const SIZE = Number(arg('size', 2));
const DOCS = Number(arg('docs', 100));
const VARIANT = arg('variant', 'standard');
const CORPUS = process.env.PITH_CORPUS
  ? new URL(`file://${process.env.PITH_CORPUS.replace(/\/?$/, '/')}`)
  : new URL('../shared/corpus/', ROOT);
const FOLDER = { text: 'txt', markdown: 'md' };
const RUNS = Number(arg('runs', 7));

const { load } = await import(new URL(`dist/${VARIANT}/pith.mjs`, ROOT).href);
const pith = await load();

// The documents: every corpus file of a listed format that extracts, then cycled to DOCS.
const files = [];
for (const format of pith.formats) {
  const dir = new URL(`${FOLDER[format] ?? format}/`, CORPUS);
  if (!existsSync(dir)) continue;
  for (const n of readdirSync(dir).sort()) {
    const size = statSync(new URL(n, dir)).size;
    if (size < 1024 || size > 2 * 1024 * 1024) continue;
    const bytes = new Uint8Array(readFileSync(new URL(n, dir)));
    try {
      if (pith.extract(bytes, { hint: n }).format !== format) continue;
    } catch {
      continue;
    }
    files.push({ name: n, bytes, format });
  }
}
if (!files.length) {
  console.error(`pool_bench: no corpus documents under ${fileURLToPath(CORPUS)}`);
  process.exit(1);
}
const docs = Array.from({ length: DOCS }, (_, i) => files[i % files.length]);
const totalBytes = docs.reduce((n, d) => n + d.bytes.length, 0);

function single() {
  const t = performance.now();
  let chars = 0;
  for (const d of docs) chars += pith.extract(d.bytes, { hint: d.name }).text.length;
  return { ms: performance.now() - t, chars };
}

async function pooled(pool) {
  const items = docs.map((d) => ({ input: d.bytes.slice(), hint: d.name }));
  const t = performance.now();
  const out = await pool.extractBatch(items);
  const ms = performance.now() - t;
  const failed = out.filter((r) => !r.ok);
  if (failed.length) throw failed[0].error;
  return { ms, chars: out.reduce((n, r) => n + r.text.length, 0) };
}

const pool = await createPool({ size: SIZE, variant: VARIANT });
single();
await pooled(pool);
let best1 = Infinity;
let bestN = Infinity;
let chars1 = 0;
let charsN = 0;
for (let r = 0; r < RUNS; r++) {
  const a = single();
  const b = await pooled(pool);
  best1 = Math.min(best1, a.ms);
  bestN = Math.min(bestN, b.ms);
  chars1 = a.chars;
  charsN = b.chars;
}
await pool.close();
if (chars1 !== charsN) console.log(`pool_bench: WARNING: ${chars1} chars on one instance, ${charsN} through the pool`);

const formats = [...new Set(docs.map((d) => d.format))].join(' ');
console.log(`pool_bench: load average ${loadavg()[0].toFixed(1)} (the figures mean little when it is above the cores)`);
console.log(`pool_bench: ${DOCS} documents (${(totalBytes / 1e6).toFixed(1)} MB; ${formats}), ${VARIANT} bundle, ` +
  `${availableParallelism()} cores available, best of ${RUNS}`);
console.log(`  one instance      ${best1.toFixed(1).padStart(8)} ms`);
console.log(`  pool of ${String(SIZE).padEnd(2)} workers ${bestN.toFixed(1).padStart(8)} ms`);
console.log(`  speedup           ${(best1 / bestN).toFixed(2)}x (goal on 2 cores: ~2x)`);
