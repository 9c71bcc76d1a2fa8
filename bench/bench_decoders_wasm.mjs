// bench_decoders_wasm.mjs: the shared decoders in wasm against the same code natively.
//
//   node bench/bench_decoders_wasm.mjs [--native build/native/bench/bench_decoders]
//                                      [--seconds S] [--opt ship,Oz,O2]
//
// Runs the native benchmark (bench_decoders.c) with --dump, which measures pith and zlib and
// writes its data set; builds bench_decoders_wasm.c with emcc (the library's wasm flags; `ship` =
// per-file levels as the variants use them) into build/bench-decoders/, runs the same items through it from Node, timing
// whole passes, and prints MB/s for every set with the wasm/native ratio. The wasm module is a
// benchmark-only build: the shipped variants export nothing for it.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const native = opt('--native', `${root}build/native/bench/bench_decoders`);
const seconds = Number(opt('--seconds', '1'));
const levels = opt('--opt', 'ship,Oz').split(',');
const outDir = `${root}build/bench-decoders`;
mkdirSync(outDir, { recursive: true });

// MARK: native run (also writes the data)
const dataPath = `${outDir}/data.bin`;
if (!existsSync(native)) {
  console.error(`bench_decoders_wasm: ${native} not found (build the native tree first)`);
  process.exit(1);
}
const tsv = execFileSync(native, ['--seconds', String(seconds), '--dump', dataPath],
  { encoding: 'utf8', env: { ...process.env, PITH_CORPUS: process.env.PITH_CORPUS || `${root}../shared/corpus` } });
const nativeMBs = {};
for (const line of tsv.trim().split('\n').slice(1)) {
  const [set, , , , engine, , best] = line.split('\t');
  nativeMBs[`${set}/${engine}`] = Number(best);
}

// MARK: data
const setNames = ['', 'pdf-flate', 'zip-entry', 'zip-extract', 'xml'];
const raw = readFileSync(dataPath);
const sets = {};
for (let p = 0; p < raw.length;) {
  const kind = raw[p], len = raw.readUInt32LE(p + 1), outLen = raw.readUInt32LE(p + 5);
  const name = setNames[kind];
  (sets[name] ||= []).push({ bytes: raw.subarray(p + 9, p + 9 + len), outLen });
  p += 9 + len;
}

// MARK: wasm builds
// `ship` compiles as the variants do (meson.build: the files in hot_names at -O2, the rest at
// -Oz); `O2` and `Oz` compile everything at one level.
const sources = ['bench/bench_decoders_wasm.c', 'src/inflate.c', 'src/crc32.c', 'src/adler32.c',
  'src/zip.c', 'src/xml.c', 'src/arena.c', 'src/utf.c', 'src/sbcs.c', 'src/sbcs_tables.c'];
const hot = ['src/xml.c', 'src/utf.c']; // as meson.build's hot_names
const link = ['--no-entry', '-sSTANDALONE_WASM=1', '-sALLOW_MEMORY_GROWTH=1', '-sINITIAL_MEMORY=16777216',
  '-sMALLOC=emmalloc', '-sFILESYSTEM=0', '-sSUPPORT_LONGJMP=0',
  '-sEXPORTED_FUNCTIONS=_bd_alloc,_bd_create,_bd_inflate,_bd_zip,_bd_xml'];
const emcc = (argv) => execFileSync('emcc', argv,
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
function build(level) {
  const out = `${outDir}/bench_decoders_${level}.wasm`;
  const newest = Math.max(...sources.map((s) => statSync(root + s).mtimeMs),
    ...['src/inflate.h', 'src/zip.h', 'src/xml.h', 'src/decode.h'].map((s) => statSync(root + s).mtimeMs));
  if (existsSync(out) && statSync(out).mtimeMs > newest) return out;
  if (level !== 'ship') {
    emcc([`-${level}`, '-mbulk-memory', '-Isrc', ...sources, ...link, '-o', out]);
    return out;
  }
  const objs = sources.map((src, i) => {
    const o = `${outDir}/ship_${i}.o`;
    emcc([hot.includes(src) ? '-O2' : '-Oz', '-mbulk-memory', '-Isrc', '-c', src, '-o', o]);
    return o;
  });
  emcc(['-Oz', '-mbulk-memory', ...objs, ...link, '-o', out]);
  return out;
}

async function run(level) {
  const { instance } = await WebAssembly.instantiate(readFileSync(build(level)),
    { env: { emscripten_notify_memory_growth() {} } });
  const x = instance.exports;
  x._initialize();
  const ctx = x.bd_create();
  const results = {};
  for (const [name, items] of Object.entries(sets)) {
    // Copy every item in once; one output buffer as big as the largest item needs.
    const total = items.reduce((a, it) => a + it.bytes.length, 0);
    const maxOut = items.reduce((a, it) => Math.max(a, it.outLen), 0);
    const base = x.bd_alloc(total), out = x.bd_alloc(maxOut + 64);
    let mem = new Uint8Array(x.memory.buffer);
    const ptrs = [];
    let off = base;
    for (const it of items) {
      mem.set(it.bytes, off);
      ptrs.push(off);
      off += it.bytes.length;
    }
    const pass = () => {
      let bytes = 0;
      for (let i = 0; i < items.length; i++) {
        const it = items[i], p = ptrs[i], n = it.bytes.length;
        if (name === 'pdf-flate' || name === 'zip-entry') {
          const r = x.bd_inflate(name === 'pdf-flate' ? 1 : 2, p, n, out, it.outLen);
          if (r < 0) throw new Error(`${name} item ${i} failed in wasm`);
          bytes += r;
        } else if (name === 'zip-extract') {
          const r = x.bd_zip(ctx, p, n);
          if (r < 0) throw new Error(`${name} item ${i} failed in wasm`);
          bytes += r;
        } else {
          if (x.bd_xml(ctx, p, n) >= 0) bytes += n;
        }
      }
      return bytes;
    };
    const bytes = pass(); // warm-up (and memory growth)
    const times = [];
    const start = performance.now();
    while (times.length < 3 || performance.now() - start < seconds * 1000) {
      const t0 = performance.now();
      pass();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    results[name] = bytes / (times[0] / 1000) / 1e6;
  }
  return results;
}

const wasm = {};
for (const level of levels) wasm[level] = await run(level);

const head = ['set', 'native pith', 'native zlib', ...levels.map((l) => `wasm ${l}`),
  ...levels.map((l) => `wasm/native ${l}`)];
console.log(head.join('\t'));
for (const name of setNames.slice(1)) {
  if (!sets[name]) continue;
  const n = nativeMBs[`${name}/pith`], z = nativeMBs[`${name}/zlib`];
  console.log([name, n.toFixed(0), z ? z.toFixed(0) : '-', ...levels.map((l) => wasm[l][name].toFixed(0)),
    ...levels.map((l) => (wasm[l][name] / n).toFixed(2))].join('\t'));
}
console.log('(MB/s of the best pass, the figure least disturbed by other load: output bytes for inflate\n' +
  'and extraction, input bytes for xml)');
