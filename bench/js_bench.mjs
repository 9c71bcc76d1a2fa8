// js_bench.mjs: the JS module's costs, printed against the goals (never asserted).
//
//   node bench/js_bench.mjs [--quick]
//
// In one run: instantiate time per variant (fresh compile + instantiate from bytes, median of
// N); per-call medians on text of 1.5 KB, 33 KB and 1 MB through extract(), input()+extract()
// and stream(); the native time on the same inputs for a wasm/native ratio (the CLI, N files
// in one process minus one file, divided; and bench_native's in-process median when built);
// memory() over 10,000 calls. The (decode) column is the platform's TextDecoder alone on the
// same output, a share of every extract() figure that native code does not have. Goals: instantiate <= 5 ms, a 1.5 KB call <= 20 us,
// wasm/native <= 1.5x, flat memory.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);
const QUICK = process.argv.includes('--quick');
const VARIANTS = ['minimal', 'standard'];
const CORPUS = process.env.PITH_CORPUS ?? fileURLToPath(new URL('../shared/corpus/', ROOT));
const CLI = fileURLToPath(new URL('build/native/pith', ROOT));
const BENCH_NATIVE = fileURLToPath(new URL('build/native/bench/bench_native', ROOT));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} us`);
const mark = (ok) => (ok ? 'ok  ' : 'MISS');
const now = () => performance.now() * 1000; // us

/** The wasm exports driven directly on a fresh instance: input, open, next until the end,
 *  reading each chunk's pointer and length but not decoding it. */
function coreLoop(module) {
  const inst = new WebAssembly.Instance(module, { env: { emscripten_notify_memory_growth() {} } });
  const e = inst.exports;
  e._initialize();
  const h = e.pith_wasm_create();
  const r = e.pith_wasm_result_ptr(h);
  return (bytes) => {
    const p = e.pith_wasm_input(h, bytes.length);
    new Uint8Array(e.memory.buffer, p, bytes.length).set(bytes);
    if (e.pith_wasm_open(h, p, bytes.length) !== 0) throw new Error('open failed');
    let n = 0;
    for (;;) {
      const st = e.pith_wasm_next(h);
      const dv = new DataView(e.memory.buffer);
      if (st !== 0 || dv.getUint32(r + 20, true) & 1) break;
      n += dv.getUint32(r + 8, true);
    }
    return n;
  };
}

/** Real text of exactly `size` bytes: corpus txt files (UTF-8 ones) repeated and cut at a
 *  line end, or generated lines when the corpus is absent. */
function textOf(size) {
  let src = '';
  const dir = join(CORPUS, 'txt');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      try {
        src += new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(dir, f)));
      } catch {
        // not UTF-8: skip
      }
    }
  }
  if (!src) src = Array.from({ length: 200 }, (_, i) => `line ${i} of generated text, with some words`).join('\n');
  let out = '';
  while (Buffer.byteLength(out) < size) out += src;
  let bytes = Buffer.from(out).subarray(0, size);
  const nl = bytes.lastIndexOf(0x0a);
  if (nl > size * 0.9) bytes = bytes.subarray(0, nl + 1);
  while (bytes.length < size) bytes = Buffer.concat([bytes, Buffer.from(' ')]);
  return new Uint8Array(bytes.subarray(0, size));
}

/** Median per-call time (us) of fn: samples of `per` calls each, for about `ms` in total. */
function perCall(fn, bytes, ms = QUICK ? 150 : 600) {
  for (let i = 0; i < 3; i++) fn();
  const t0 = now();
  fn();
  const one = Math.max(now() - t0, 0.5);
  const per = Math.max(1, Math.min(2000, Math.round(2000 / one)));
  const samples = [];
  const end = now() + ms * 1000;
  while (now() < end || samples.length < 5) {
    const s = now();
    for (let i = 0; i < per; i++) fn();
    samples.push((now() - s) / per);
  }
  return { us: median(samples), mbps: bytes / median(samples) };
}

async function perCallAsync(fn, bytes, ms = QUICK ? 150 : 600) {
  for (let i = 0; i < 3; i++) await fn();
  const samples = [];
  const end = now() + ms * 1000;
  while (now() < end || samples.length < 5) {
    const s = now();
    await fn();
    samples.push(now() - s);
  }
  return { us: median(samples), mbps: bytes / median(samples) };
}

function nativeCli(file, n) {
  if (!existsSync(CLI)) return null;
  const run = (k) => {
    const args = [...Array(k).fill(file), '--quiet'];
    const s = now();
    const r = spawnSync(CLI, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${CLI} exited ${r.status ?? r.signal}`);
    return now() - s;
  };
  const ones = [];
  const many = [];
  try {
    for (let i = 0; i < 5; i++) {
      ones.push(run(1));
      many.push(run(n));
    }
  } catch (e) {
    console.error(`  (native CLI skipped: ${e.message})`);
    return null;
  }
  return Math.max((median(many) - median(ones)) / (n - 1), 0);
}

function benchNative(files) {
  if (!existsSync(BENCH_NATIVE)) return null;
  const r = spawnSync(BENCH_NATIVE, ['--seconds', QUICK ? '0.2' : '0.5', ...files], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const out = new Map();
  for (const line of r.stdout.trim().split('\n')) {
    const [file, , med] = line.split('\t');
    out.set(file, Number(med));
  }
  return out;
}

async function main() {
  const present = VARIANTS.filter((v) => existsSync(new URL(`dist/${v}/pith.wasm`, ROOT)));
  if (!present.length) {
    console.error('bench: no dist/<variant>/pith.wasm: run ./setup first');
    process.exit(1);
  }
  console.log(`pith JS bench — node ${process.version}${QUICK ? ' (quick)' : ''}\n`);

  // MARK: instantiate
  console.log('instantiate (fresh compile + instantiate from bytes; median of N)');
  for (const v of present) {
    const { load } = await import(new URL(`dist/${v}/pith.mjs`, ROOT).href);
    const bytes = readFileSync(new URL(`dist/${v}/pith.wasm`, ROOT));
    const N = QUICK ? 10 : 30;
    const full = [];
    const inst = [];
    let module;
    for (let i = 0; i < N; i++) {
      const s = now();
      const p = await load({ wasm: bytes });
      full.push(now() - s);
      module = p.module;
      p.dispose();
    }
    for (let i = 0; i < N; i++) {
      const s = now();
      const p = await load({ wasm: module });
      inst.push(now() - s);
      p.dispose();
    }
    const m = median(full);
    console.log(`  ${mark(m <= 5000)} ${v.padEnd(9)} ${fmt(m).padStart(10)}  (instantiate only, from a Module: ${fmt(median(inst))}; ${bytes.length} bytes)   goal <= 5 ms`);
  }

  // MARK: per call
  const sizes = [
    ['1.5 KB', 1536],
    ['33 KB', 33 * 1024],
    ['1 MB', 1 << 20],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'pith-bench-'));
  const inputs = sizes.map(([label, n]) => {
    const bytes = textOf(n);
    const file = join(dir, `${label.replace(/\W/g, '')}.txt`);
    writeFileSync(file, bytes);
    return { label, bytes, file };
  });
  const native = benchNative(inputs.map((i) => i.file));
  const v = present.includes('minimal') ? 'minimal' : present[0];
  const { load } = await import(new URL(`dist/${v}/pith.mjs`, ROOT).href);
  const pith = await load();
  console.log(`\nper call, ${v} bundle (median; text output)`);
  console.log(`  ${'input'.padEnd(7)} ${'extract'.padStart(10)} ${'input()+extract'.padStart(16)} ${'stream'.padStart(10)} ${'(decode)'.padStart(10)} ${'native CLI'.padStart(11)} ${'bench_native'.padStart(13)} ${'wasm/native'.padStart(12)}`);
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  let small = null;
  const ratios = [];
  const coreRatios = [];
  const core = coreLoop(pith.module);
  for (const { label, bytes, file } of inputs) {
    const ex = perCall(() => pith.extract(bytes), bytes.length);
    const zc = perCall(() => {
      const view = pith.input(bytes.length);
      view.set(bytes);
      return pith.extract(view);
    }, bytes.length);
    const st = await perCallAsync(async () => {
      // eslint-disable-next-line no-unused-vars
      for await (const _ of pith.stream(bytes)) {
        // drain
      }
    }, bytes.length);
    // what turning the output into a JS string costs by itself (the platform's UTF-8 decoder;
    // native code never pays it): part of every extract() figure
    const out = new TextEncoder().encode(pith.extract(bytes).text);
    const de = perCall(() => dec.decode(out), bytes.length);
    const cliN = bytes.length > 100_000 ? 20 : 200;
    const cli = nativeCli(file, cliN);
    const bn = native?.get(file) ?? null;
    const base = bn ?? cli;
    const ratio = base ? ex.us / base : null;
    if (ratio) ratios.push(ratio);
    const co = perCall(() => core(bytes), bytes.length);
    if (bn) coreRatios.push([label, co.us, co.us / bn]);
    if (!small) small = ex.us;
    console.log(`  ${label.padEnd(7)} ${fmt(ex.us).padStart(10)} ${fmt(zc.us).padStart(16)} ${fmt(st.us).padStart(10)} ${fmt(de.us).padStart(10)} ${(cli === null ? 'n/a' : fmt(cli)).padStart(11)} ${(bn === null ? 'n/a' : fmt(bn)).padStart(13)} ${(ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`).padStart(12)}   ${(bytes.length / ex.us).toFixed(0)} MB/s`);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`  ${mark(small <= 20)} 1.5 KB extract: ${fmt(small)}   goal <= 20 us`);
  if (ratios.length) {
    const worst = Math.max(...ratios);
    console.log(`  ${mark(worst <= 1.5)} worst wasm/native (extract vs ${native ? 'bench_native in-process' : 'CLI per file'}): ${worst.toFixed(2)}x   goal <= 1.5x`);
  } else {
    console.log('  n/a  wasm/native: no native figures (build/native/pith and bench_native missing or failing; ./setup)');
  }
  // Like for like: the wasm exports driven directly (open + next until the end, chunks not
  // turned into strings) against bench_native, which does the same natively.
  for (const [label, us, r] of coreRatios)
    console.log(`  ${mark(r <= 1.5)} wasm core/native ${label.padEnd(7)} ${fmt(us).padStart(10)}  ${r.toFixed(2)}x   goal <= 1.5x`);

  // MARK: memory
  const calls = QUICK ? 2000 : 10_000;
  const fresh = await load();
  const docs = inputs.slice(0, 2).map((i) => i.bytes);
  let m10 = null;
  for (let i = 0; i < calls; i++) {
    fresh.extract(docs[i % docs.length]);
    if (i === 9) m10 = fresh.memory();
  }
  const mEnd = fresh.memory();
  const flat = mEnd.wasmBytes === m10.wasmBytes && mEnd.arenaBytes === m10.arenaBytes;
  console.log(`\nmemory() over ${calls} extract calls (1.5 KB and 33 KB alternating)`);
  console.log(`  after 10:    ${JSON.stringify(m10)}`);
  console.log(`  after ${calls}: ${JSON.stringify(mEnd)}`);
  console.log(`  ${mark(flat)} flat memory (wasmBytes and arenaBytes unchanged from call 10)`);
  fresh.dispose();
  pith.dispose();
}

await main();
