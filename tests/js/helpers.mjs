// helpers.mjs: what the JS tests share — where the built .wasm files and the corpus are, and
// inputs built in code (a tiny PDF, a minimal DOCX zip, a PNG, a fake wasm module).
//
// The tests run against the real dist/<variant>/pith.wasm. A missing one fails with a message
// saying to run ./setup, unless PITH_SKIP_MISSING_WASM=1 asks to skip those tests instead.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = new URL('../../', import.meta.url);
export const DIST = new URL('dist/', ROOT);
export const VARIANTS = ['minimal', 'standard'];

/** $PITH_DIST: a folder laid out like dist/ (<variant>/pith.wasm) to take the .wasm files from
 *  instead, e.g. a build of one's own; the JS entries still come from dist/. */
const WASM_DIST = process.env.PITH_DIST ? pathToFileURL(process.env.PITH_DIST.replace(/\/?$/, '/')) : DIST;

export const wasmUrl = (variant) => new URL(`${variant}/pith.wasm`, WASM_DIST);
export const entryUrl = (variant) => new URL(`${variant}/pith.mjs`, DIST);

const SKIP_MISSING = process.env.PITH_SKIP_MISSING_WASM === '1';

function missingMessage(variant) {
  return `${fileURLToPath(wasmUrl(variant))} is missing: run ./setup to build it ` +
    '(or set PITH_SKIP_MISSING_WASM=1 to skip the tests that need it)';
}

/** Test options for a test that needs the variant's wasm: { skip: reason } when it is absent
 *  and skipping was asked for; otherwise {} (and loadVariant fails with a clear message). */
export function needs(variant) {
  if (existsSync(wasmUrl(variant))) return {};
  return SKIP_MISSING ? { skip: missingMessage(variant) } : {};
}

export async function entry(variant) {
  return import(entryUrl(variant).href);
}

/** A fresh instance of the variant, loaded the default way (its pith.wasm beside its pith.mjs). */
export async function loadVariant(variant, options) {
  if (!existsSync(wasmUrl(variant))) throw new Error(missingMessage(variant));
  const { load } = await entry(variant);
  return load(process.env.PITH_DIST ? { wasm: wasmUrl(variant), ...options } : options);
}

export function wasmBytes(variant) {
  if (!existsSync(wasmUrl(variant))) throw new Error(missingMessage(variant));
  return readFileSync(wasmUrl(variant));
}

// MARK: corpus

/** The shared corpus: $PITH_CORPUS, default ../shared/corpus relative to the repo root. */
export const CORPUS = process.env.PITH_CORPUS
  ? new URL(`file://${process.env.PITH_CORPUS.replace(/\/?$/, '/')}`)
  : new URL('../shared/corpus/', ROOT);

/** Files of a corpus folder as [{ name, bytes }], or null when the corpus is absent. */
export function corpusFiles(folder) {
  const dir = new URL(`${folder}/`, CORPUS);
  if (!existsSync(dir)) return null;
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(new URL(name, dir))) }));
}

export const corpusSkip = (folder) =>
  existsSync(new URL(`${folder}/`, CORPUS))
    ? {}
    : { skip: `corpus folder ${fileURLToPath(new URL(`${folder}/`, CORPUS))} absent (set PITH_CORPUS)` };

// MARK: inputs built in code

export const utf8 = (s) => new TextEncoder().encode(s);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A text of about `bytes` UTF-8 bytes, with 1-, 2-, 3- and 4-byte characters, in lines. */
export function bigText(bytes, seed = 0) {
  const words = ['alpha', 'héllo', 'wörld', 'naïve', '✓ check', '日本語', '😀 grin', 'zeta', 'Ωmega'];
  const lines = [];
  let n = 0;
  let i = seed;
  while (n < bytes) {
    const line = `${i} ${words[i % words.length]} ${words[(i * 7) % words.length]} line ${i}`;
    lines.push(line);
    n += utf8(line).length + 1;
    i++;
  }
  return `${lines.join('\n')}\n`;
}

/** The smallest well-formed PDF 1.4 we can write by hand: one empty page, a correct xref. */
export function tinyPdf() {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return utf8(out);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP of STORED entries (APPNOTE 4.3): local headers, central directory, EOCD. */
export function storedZip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const nameBytes = utf8(name);
    const data = typeof text === 'string' ? utf8(text) : text;
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, nameBytes.length, true);
    parts.push(new Uint8Array(local.buffer), nameBytes, data);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, 20, true);
    cd.setUint16(6, 20, true);
    cd.setUint32(16, crc, true);
    cd.setUint32(20, data.length, true);
    cd.setUint32(24, data.length, true);
    cd.setUint16(28, nameBytes.length, true);
    cd.setUint32(42, offset, true);
    central.push(new Uint8Array(cd.buffer), nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const cdSize = central.reduce((n, p) => n + p.length, 0);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(8, entries.length, true);
  eocd.setUint16(10, entries.length, true);
  eocd.setUint32(12, cdSize, true);
  eocd.setUint32(16, offset, true);
  return concat([...parts, ...central, new Uint8Array(eocd.buffer)]);
}

/** A minimal DOCX (ECMA-376 Part 2 package with a main document part). */
export function minimalDocx() {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  return storedZip([
    ['[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
    ['_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'],
    ['word/document.xml',
      `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>Hello docx</w:t></w:r></w:p></w:body></w:document>`],
  ]);
}

/** A 1x1 PNG header (signature + IHDR): enough for detection. */
export function png() {
  return new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00,
    0x90, 0x77, 0x53, 0xde,
  ]);
}

export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// MARK: a fake wasm module, byte by byte (WebAssembly core spec §5)

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id, body) => [id, ...uleb(body.length), ...body];
const name = (s) => [...uleb(s.length), ...utf8(s)];

/** A module exporting one memory and, under every name in `names`, one function that takes
 *  no arguments and returns `value`. No imports. */
export function fakeWasm(names, value) {
  const type = section(1, [1, 0x60, 0, 1, 0x7f]);
  const func = section(3, [1, 0]);
  const mem = section(5, [1, 0, 1]);
  const exps = [...uleb(names.length + 1), ...name('memory'), 2, 0];
  for (const n of names) exps.push(...name(n), 0, 0);
  const exp = section(7, exps);
  const body = [0, 0x41, ...sleb(value), 0x0b];
  const code = section(10, [1, ...uleb(body.length), ...body]);
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...func, ...mem, ...exp, ...code]);
}

/** The raw exports of a variant's wasm, instantiated without the JS module (for checks of the
 *  C side's own tables). */
export async function rawExports(variant) {
  const { instance } = await WebAssembly.instantiate(wasmBytes(variant), {
    env: { emscripten_notify_memory_growth() {} },
  });
  const x = instance.exports;
  x._initialize?.();
  const cstr = (p) => {
    const u8 = new Uint8Array(x.memory.buffer);
    let e = p;
    while (u8[e]) e++;
    return new TextDecoder().decode(u8.subarray(p, e));
  };
  return { x, cstr };
}

/** Replace globalThis.ReadableStream while `fn` runs, so a test sees the underlying source
 *  and strategy pith passes (to count pulls). */
export function spyStreams(fn) {
  const Orig = globalThis.ReadableStream;
  const seen = [];
  globalThis.ReadableStream = class extends Orig {
    constructor(src = {}, strategy) {
      const rec = { pulls: 0, strategy };
      seen.push(rec);
      super({
        ...src,
        pull: src.pull && ((c) => {
          rec.pulls++;
          return src.pull(c);
        }),
      }, strategy);
    }
  };
  try {
    return { value: fn(), seen };
  } finally {
    globalThis.ReadableStream = Orig;
  }
}

/** Read a whole pith stream into { chunks, text }. */
export async function drain(rs) {
  const chunks = [];
  for await (const c of rs) chunks.push(c);
  return { chunks, text: chunks.map((c) => c.text).join('') };
}
