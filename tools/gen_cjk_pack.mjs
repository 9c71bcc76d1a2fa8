#!/usr/bin/env node
// gen_cjk_pack.mjs: generate dist/data/cjk-encodings.bin, the data pack of the East Asian
// multibyte encodings (Shift_JIS, EUC-JP, GBK/GB18030, Big5, EUC-KR) that src/cjk.c reads.
//
//   node tools/gen_cjk_pack.mjs [OUT]        (default dist/data/cjk-encodings.bin)
//
// The mappings come from Node's TextDecoder (full ICU): every byte sequence of each encoding's
// double-byte grid (and EUC-JP's three-byte JIS X 0212 grid, GB18030's four-byte BMP range) is
// decoded one at a time, and what it decodes to is recorded. A sequence that decodes to one code
// point other than U+FFFD is mapped; anything else (U+FFFD, or U+FFFD plus the trail byte) is
// left unmapped (0), and src/cjk.c handles it with the WHATWG Encoding Standard's error rules.
// The output is deterministic (same Node/ICU, same bytes).
//
// File format, little-endian throughout (src/cjk.h checks every field before use):
//   header   "PITHPACK" (8 bytes), u16 version (1), u16 section count, u32 file length
//   table    per section: u32 kind, u32 offset, u32 length (bytes), u32 reserved (0)
//   sections (each 4-byte aligned)
//     1 SJIS        u16[60 * 188]  lead 0x81-0x9F,0xE0-0xFC x trail 0x40-0x7E,0x80-0xFC
//     2 EUCJP       u16[94 * 94]   lead 0xA1-0xFE x trail 0xA1-0xFE (JIS X 0208)
//     3 EUCJP_0212  u16[94 * 94]   0x8F, then 0xA1-0xFE x 0xA1-0xFE (JIS X 0212)
//     4 GB          u16[126 * 190] lead 0x81-0xFE x trail 0x40-0x7E,0x80-0xFE
//     5 GB_RANGES   {u32 pointer, u32 code point}[] sorted: GB18030 four-byte pointers below
//                   39420 map to code point + (pointer - range pointer)
//     6 BIG5        u16[126 * 157] lead 0x81-0xFE x trail 0x40-0x7E,0xA1-0xFE
//     7 BIG5_PLANE2 bitmap over BIG5 pointers: a set bit adds 0x20000 (HKSCS ideographs)
//     8 EUCKR       u16[126 * 190] lead 0x81-0xFE x trail 0x41-0xFE
//   A u16 value 0 means unmapped (no double-byte sequence maps to U+0000).
// The gbk label shares GB (WHATWG: the GBK decoder is the gb18030 decoder). Node's gbk is ICU's
// windows-936 instead: it maps 101 two-byte sequences to private-use code points where gb18030
// has real characters (0xA2E3 is U+E76C there, the euro sign in gb18030) and reads no four-byte
// sequences; the script prints how many sequences differ, and the pack follows the standard.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2] ?? fileURLToPath(new URL('../dist/data/cjk-encodings.bin', import.meta.url));

function decoder(label) {
  return new TextDecoder(label, { fatal: false });
}

/** The code point the bytes decode to, or 0 when they are not one mapped character. */
function one(dec, bytes) {
  const s = dec.decode(Uint8Array.from(bytes));
  const cps = [...s].map((c) => c.codePointAt(0));
  if (cps.length !== 1 || cps[0] === 0xfffd) return 0;
  return cps[0];
}

function range(lo, hi) {
  const r = [];
  for (let b = lo; b <= hi; b++) r.push(b);
  return r;
}

/** A grid of leads x trails decoded with `label` into a Uint16Array, and the astral values. */
function grid(label, leads, trails, prefix = []) {
  const dec = decoder(label);
  const t = new Uint16Array(leads.length * trails.length);
  const astral = [];
  leads.forEach((l, i) => {
    trails.forEach((b, j) => {
      const cp = one(dec, [...prefix, l, b]);
      const p = i * trails.length + j;
      if (cp > 0xffff) {
        astral.push([p, cp]);
        t[p] = cp & 0xffff;
      } else {
        t[p] = cp;
      }
    });
  });
  return { t, astral };
}

const SJIS_LEADS = [...range(0x81, 0x9f), ...range(0xe0, 0xfc)];
const SJIS_TRAILS = [...range(0x40, 0x7e), ...range(0x80, 0xfc)];
const EUC = range(0xa1, 0xfe);
const GB_LEADS = range(0x81, 0xfe);
const GB_TRAILS = [...range(0x40, 0x7e), ...range(0x80, 0xfe)];
const BIG5_LEADS = range(0x81, 0xfe);
const BIG5_TRAILS = [...range(0x40, 0x7e), ...range(0xa1, 0xfe)];
const KR_LEADS = range(0x81, 0xfe);
const KR_TRAILS = range(0x41, 0xfe);

function noAstral(name, g) {
  if (g.astral.length) throw new Error(`${name}: ${g.astral.length} astral mappings, the format has no room for them`);
  return g.t;
}

const sjis = noAstral('shift_jis', grid('shift_jis', SJIS_LEADS, SJIS_TRAILS));
const eucjp = noAstral('euc-jp', grid('euc-jp', EUC, EUC));
const eucjp0212 = noAstral('euc-jp 0212', grid('euc-jp', EUC, EUC, [0x8f]));
const gb = noAstral('gb18030', grid('gb18030', GB_LEADS, GB_TRAILS));
const gbk = noAstral('gbk', grid('gbk', GB_LEADS, GB_TRAILS));
let gbkDiffers = 0;
for (let i = 0; i < gb.length; i++) if (gb[i] !== gbk[i]) gbkDiffers++;
const big5g = grid('big5', BIG5_LEADS, BIG5_TRAILS);
const plane2 = new Uint8Array(Math.ceil(big5g.t.length / 8));
for (const [p, cp] of big5g.astral) {
  if (cp >> 16 !== 2) throw new Error(`big5: pointer ${p} maps to U+${cp.toString(16)}, outside plane 2`);
  plane2[p >> 3] |= 1 << (p & 7);
}
const euckr = noAstral('euc-kr', grid('euc-kr', KR_LEADS, KR_TRAILS));

// GB18030 four-byte sequences: pointer = (b1-0x81)*12600 + (b2-0x30)*1260 + (b3-0x81)*10 + (b4-0x30)
function gbBytes(p) {
  const b4 = p % 10;
  const b3 = Math.floor(p / 10) % 126;
  const b2 = Math.floor(p / 1260) % 10;
  const b1 = Math.floor(p / 12600);
  return [0x81 + b1, 0x30 + b2, 0x81 + b3, 0x30 + b4];
}
const gbDec = decoder('gb18030');
const ranges = [];
let prev = null;
for (let p = 0; p < 39420; p++) {
  // U+FFFD is itself a character of GB18030 (pointer 39417): here it counts as mapped.
  const s = [...gbDec.decode(Uint8Array.from(gbBytes(p)))];
  const cp = s.length === 1 ? s[0].codePointAt(0) : 0;
  if (!cp) throw new Error(`gb18030: four-byte pointer ${p} is unmapped`);
  if (!prev || cp - p !== prev[1] - prev[0]) {
    prev = [p, cp];
    ranges.push(prev);
  }
}
// What src/cjk.c computes instead of storing: supplementary planes by formula, the gap unmapped.
for (const p of [189000, 189000 + 0x1234, 1237575]) {
  const cp = one(gbDec, gbBytes(p));
  if (cp !== 0x10000 + p - 189000) throw new Error(`gb18030: pointer ${p} gives ${cp}, not the supplementary formula`);
}
for (const p of [39420, 100000, 188999]) {
  if (one(gbDec, gbBytes(p))) throw new Error(`gb18030: pointer ${p} in the gap is mapped`);
}

// MARK: - writing

const sections = [
  [1, Buffer.from(sjis.buffer)],
  [2, Buffer.from(eucjp.buffer)],
  [3, Buffer.from(eucjp0212.buffer)],
  [4, Buffer.from(gb.buffer)],
  [5, Buffer.from(Uint32Array.from(ranges.flat()).buffer)],
  [6, Buffer.from(big5g.t.buffer)],
  [7, Buffer.from(plane2.buffer)],
  [8, Buffer.from(euckr.buffer)],
];
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian host: not supported');

const align = (n) => (n + 3) & ~3;
const headerLen = 16 + sections.length * 16;
let at = headerLen;
const table = [];
for (const [kind, data] of sections) {
  table.push([kind, at, data.length]);
  at = align(at + data.length);
}
const file = Buffer.alloc(at);
file.write('PITHPACK', 0, 'latin1');
file.writeUInt16LE(1, 8);
file.writeUInt16LE(sections.length, 10);
file.writeUInt32LE(at, 12);
table.forEach(([kind, off, len], i) => {
  file.writeUInt32LE(kind, 16 + i * 16);
  file.writeUInt32LE(off, 20 + i * 16);
  file.writeUInt32LE(len, 24 + i * 16);
  file.writeUInt32LE(0, 28 + i * 16);
  sections[i][1].copy(file, off);
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, file);
const mapped = (t) => t.reduce((n, v) => n + (v ? 1 : 0), 0);
console.log(`${out}: ${file.length} bytes (node ${process.versions.node}, icu ${process.versions.icu}); ` +
  `mapped: shift_jis ${mapped(sjis)}, euc-jp ${mapped(eucjp)}+${mapped(eucjp0212)}, gb ${mapped(gb)} + ` +
  `${ranges.length} four-byte ranges (node's gbk differs on ${gbkDiffers}), big5 ${mapped(big5g.t)} (${big5g.astral.length} in plane 2), euc-kr ${mapped(euckr)}`);
