// office_memory.mjs: peak wasm memory of the standard bundle on the office documents, against
// issue 8's goal "wasm peak memory <= 3x the largest uncompressed part + 8 MiB". Printed, never
// asserted.
//
//   node bench/office_memory.mjs [--corpus DIR] [--gen DIR] [--json out.json]
//
// Files: every docx, xlsx, pptx, odt, ods, odp and epub of the corpus (DIR/<format>/), and the
// generated office documents of bench/gen/gen.mjs when DIR/manifest.json is there (default
// build/bench/gen; `node bench/gen/gen.mjs` makes them). Each file runs in a fresh instance of
// dist/standard/pith.wasm (load({ wasm: module }) reuses the compiled module), so the instance's
// linear memory after extract() (it only grows) is that one document's peak: the input copy,
// the arenas, the output chunks, the stack and the module's own data together. The largest
// part comes from the ZIP central directory (ZIP64 sizes included), read here in JS. Printed
// per file: size, largest part, goal, wasm memory, arena high-water mark, memory/goal and
// met/MISSED; then the worst cases by memory/goal and by memory over the largest part.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../dist/standard/pith.mjs';
import { parseArgs } from './lib/args.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const { opt, positional } = parseArgs();
const corpus = opt('--corpus', `${root}../shared/corpus`);
const genDir = opt('--gen', `${root}build/bench/gen`);
const jsonOut = opt('--json', null);
const FORMATS = ['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub'];
const MiB = 1024 * 1024;

// MARK: - ZIP central directory (APPNOTE.TXT 4.3.12, 4.3.14-16, 4.5.3)

/** { name, size } of the largest uncompressed entry, or null when bytes are not a ZIP. */
export function largestEntry(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let eocd = -1;
  for (let i = n - 22; i >= 0 && i >= n - 22 - 65535; i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  let count = dv.getUint16(eocd + 10, true);
  let cdOff = dv.getUint32(eocd + 16, true);
  // ZIP64: the locator just before the end record points at the ZIP64 end record
  if ((count === 0xffff || cdOff === 0xffffffff) && eocd >= 20 && dv.getUint32(eocd - 20, true) === 0x07064b50) {
    const z = Number(dv.getBigUint64(eocd - 12, true));
    if (z + 56 <= n && dv.getUint32(z, true) === 0x06064b50) {
      count = Number(dv.getBigUint64(z + 32, true));
      cdOff = Number(dv.getBigUint64(z + 48, true));
    }
  }
  let best = null;
  let p = cdOff;
  for (let k = 0; k < count && p + 46 <= n && dv.getUint32(p, true) === 0x02014b50; k++) {
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, Math.min(n, p + 46 + nameLen)));
    if (size === 0xffffffff) {
      // the ZIP64 extra field (0x0001) holds the uncompressed size first
      for (let e = p + 46 + nameLen; e + 4 <= Math.min(n, p + 46 + nameLen + extraLen);) {
        const id = dv.getUint16(e, true);
        const len = dv.getUint16(e + 2, true);
        if (id === 0x0001 && len >= 8 && e + 12 <= n) size = Number(dv.getBigUint64(e + 4, true));
        e += 4 + len;
      }
    }
    if (!best || size > best.size) best = { name, size };
    p += 46 + nameLen + extraLen + commentLen;
  }
  return best;
}

// MARK: - Files

function files() {
  const out = [];
  for (const f of FORMATS) {
    const dir = join(corpus, f);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) if (name.endsWith(`.${f}`)) out.push({ path: join(dir, name), group: f });
  }
  const manifest = join(genDir, 'manifest.json');
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const d of m.docs ?? []) {
      if (!FORMATS.includes(d.format) || !existsSync(d.path)) continue;
      out.push({ path: d.path, group: `gen ${d.format}` });
    }
  } else {
    console.log(`(no generated documents: ${manifest} is absent; node bench/gen/gen.mjs makes them)\n`);
  }
  return out;
}

// MARK: - Run

const first = await load();
const module = first.module;
const base = first.memory().wasmBytes;
const rows = [];
for (const f of files()) {
  const bytes = new Uint8Array(readFileSync(f.path));
  const part = largestEntry(bytes) ?? { name: '(not a zip)', size: 0 };
  const goal = 3 * part.size + 8 * MiB;
  const pith = await load({ wasm: module });
  let status = 'ok';
  try {
    pith.extract(bytes);
  } catch (e) {
    status = e.code ?? String(e);
  }
  const m = pith.memory();
  pith.dispose();
  rows.push({
    file: basename(f.path), group: f.group, bytes: bytes.length, part: part.name, partBytes: part.size,
    goal, wasmBytes: m.wasmBytes, arenaHigh: m.arenaHigh, status,
    ratio: m.wasmBytes / goal, met: m.wasmBytes <= goal,
  });
}

const kb = (v) => (v / 1024).toFixed(0);
const mb = (v) => (v / MiB).toFixed(2);
console.log(`# Office peak wasm memory (standard bundle, a fresh instance per file; ${mb(base)} MiB before any document)\n`);
console.log('| file | group | KiB | largest part | part KiB | goal MiB | wasm MiB | arena high MiB | memory/goal | status | goal |');
console.log('|---|---|---:|---|---:|---:|---:|---:|---:|---|---|');
for (const r of rows) {
  console.log(`| ${r.file} | ${r.group} | ${kb(r.bytes)} | ${r.part} | ${kb(r.partBytes)} | ${mb(r.goal)} | ` +
              `${mb(r.wasmBytes)} | ${mb(r.arenaHigh)} | ${r.ratio.toFixed(2)} | ${r.status} | ${r.met ? 'met' : 'MISSED'} |`);
}
const missed = rows.filter((r) => !r.met);
console.log(`\n${rows.length} files, ${rows.length - missed.length} met, ${missed.length} MISSED` +
            (missed.length ? `: ${missed.map((r) => r.file).join(', ')}` : ''));
const worst = [...rows].sort((a, b) => b.ratio - a.ratio).slice(0, 5);
console.log('\nworst by memory/goal: ' + worst.map((r) => `${r.file} ${r.ratio.toFixed(2)} (${mb(r.wasmBytes)} of ${mb(r.goal)} MiB)`).join('; '));
const big = [...rows].filter((r) => r.partBytes > 0)
  .sort((a, b) => (b.wasmBytes - base) / b.partBytes - (a.wasmBytes - base) / a.partBytes).slice(0, 5);
console.log('worst by growth over the largest part: ' +
            big.map((r) => `${r.file} ${((r.wasmBytes - base) / r.partBytes).toFixed(1)}x of ${kb(r.partBytes)} KiB`).join('; '));
const heaviest = [...rows].sort((a, b) => b.wasmBytes - a.wasmBytes).slice(0, 3);
console.log('largest memory: ' + heaviest.map((r) => `${r.file} ${mb(r.wasmBytes)} MiB (goal ${mb(r.goal)})`).join('; '));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ base, rows }, null, 1));
