// index.mjs (pith/kreuzberg): the extraction API of @kreuzberg/wasm 4.5.2, answered by pith's
// standard bundle. An application using @kreuzberg/wasm for the formats pith reads switches by
// changing its import; the results have Kreuzberg's shape (ExtractionResult: content, mimeType,
// metadata, tables, pages, processingWarnings, and the other fields as null).
//
// What pith does not do (OCR, chunking, images, keywords, language detection, ...) is not
// silently ignored: each such option set in the config adds a processingWarnings entry
// { source: 'pith/kreuzberg', message } saying it was ignored. pith's own warnings (a damaged
// page, ...) come as { source: '<format>', message }. Tables come from pith's JSON Lines output
// (a second pass over the document, only that pass's table blocks kept).

import { load, PithError } from '../standard/pith.mjs';

export { PithError };

const MIME = {
  text: 'text/plain',
  html: 'text/html',
  markdown: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  epub: 'application/epub+zip',
  rtf: 'application/rtf',
  eml: 'message/rfc822',
};
const EXTENSIONS = {
  'text/plain': ['txt'],
  'text/html': ['html', 'htm'],
  'text/markdown': ['md', 'markdown'],
  'text/csv': ['csv'],
  'application/json': ['json'],
  'application/xml': ['xml'],
  'application/pdf': ['pdf'],
  [MIME.docx]: ['docx'],
  [MIME.xlsx]: ['xlsx'],
  [MIME.pptx]: ['pptx'],
  [MIME.odt]: ['odt'],
  [MIME.ods]: ['ods'],
  [MIME.odp]: ['odp'],
  'application/epub+zip': ['epub'],
  'application/rtf': ['rtf'],
  'message/rfc822': ['eml'],
};

/** Kreuzberg's output formats → pith's. */
const OUTPUT = { plain: 'text', markdown: 'markdown', html: 'html' };
/** Config keys that mean nothing for pith and change no result: accepted without a warning. */
const NO_OPS = new Set(['useCache', 'maxConcurrentExtractions']);

let pith = null;
let initializing = null;
let initError = null;

// MARK: initialization

/** Load pith's standard bundle once (later calls return at once). `wasmModule`: a compiled
 *  WebAssembly.Module of dist/standard/pith.wasm, as Workers require. pith adds `packs`: data
 *  packs to preload (see pith's load()), needed by the synchronous calls for CJK documents. */
export function initWasm(options = {}) {
  if (pith) return Promise.resolve();
  if (initializing) return initializing;
  const opts = {};
  if (options?.wasmModule) opts.wasm = options.wasmModule;
  if (options?.packs) opts.packs = options.packs;
  initializing = load(opts).then(
    (p) => {
      pith = p;
      initError = null;
    },
    (e) => {
      initError = e;
      initializing = null;
      throw e;
    },
  );
  return initializing;
}

export const isInitialized = () => pith !== null;

/** The error of the last failed initWasm(), or null. */
export const getInitializationError = () => initError;

/** pith's version (this is not Kreuzberg's version number). */
export function getVersion() {
  return ready().version;
}

function ready() {
  if (!pith) throw new Error('WASM module not initialized. Call initWasm() first.');
  return pith;
}

// MARK: config

const isOff = (v) => v === undefined || v === null || v === false ||
  (typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isOff)) ||
  (typeof v === 'object' && v?.enabled === false);

/** The config as pith options, and the warnings for what pith does not do. */
function plan(config) {
  const warnings = [];
  const warn = (what) => warnings.push({ source: 'pith/kreuzberg', message: `${what} is not supported by pith; ignored` });
  const c = config ?? {};
  if (typeof c !== 'object') throw new TypeError('config must be an object');
  let output = 'text';
  let outputFormat = 'plain';
  let extractPages = false;
  let passwords = [null];
  let metadata = true;
  for (const [key, v] of Object.entries(c)) {
    if (NO_OPS.has(key) || isOff(v)) continue;
    if (key === 'outputFormat') {
      if (Object.hasOwn(OUTPUT, v)) {
        output = OUTPUT[v];
        outputFormat = v;
      } else warn(`outputFormat '${v}'`);
    } else if (key === 'resultFormat') {
      if (v !== 'unified') warn(`resultFormat '${v}'`);
    } else if (key === 'pages') {
      for (const [k, pv] of Object.entries(v)) {
        if (k === 'extractPages') extractPages = !!pv;
        else if (!isOff(pv)) warn(`pages.${k}`);
      }
    } else if (key === 'pdfOptions') {
      for (const [k, pv] of Object.entries(v)) {
        if (k === 'passwords') {
          if (Array.isArray(pv) && pv.length) passwords = [null, ...pv];
        } else if (k === 'extractMetadata') metadata = pv !== false;
        else if (!isOff(pv)) warn(`pdfOptions.${k}`);
      }
    } else warn(`config.${key}`);
  }
  return { output, outputFormat, extractPages, passwords, metadata, warnings };
}

// MARK: results

/** pith metadata → Kreuzberg Metadata (the keys Kreuzberg names; the rest under their own). */
function metadataOf(meta, units, format, outputFormat) {
  const m = {};
  const list = (v) => (Array.isArray(v) ? v : [v]);
  const one = (v) => (Array.isArray(v) ? v[0] : v);
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'title') m.title = one(v);
    else if (k === 'author') m.authors = list(v);
    else if (k === 'subject') m.subject = one(v);
    else if (k === 'keywords') m.keywords = list(v).flatMap((s) => s.split(/[,;]/)).map((s) => s.trim()).filter(Boolean);
    else if (k === 'language') m.language = one(v);
    else if (k === 'created') m.createdAt = one(v);
    else if (k === 'modified') m.modifiedAt = one(v);
    else if (k === 'pages') {
      const n = Number(one(v));
      if (Number.isFinite(n)) m.pageCount = n;
    } else if (k === 'creator') m.creator = one(v);
    else if (k === 'last_modified_by' || k === 'lastModifiedBy') m.lastModifiedBy = one(v);
    else m[k] = v;
  }
  if (m.pageCount === undefined && (format === 'pdf' || format === 'pptx' || format === 'odp')) m.pageCount = units;
  m.formatType = format;
  m.outputFormat = outputFormat;
  return m;
}

const cellText = (t) => t.replace(/\r?\n/g, '<br>');
const mdCell = (t) => cellText(t).replace(/\|/g, '\\|');

/** A table block of the JSON Lines output → { cells, markdown, pageNumber }. */
function tableOf(block, pageNumber) {
  const rows = block.rows ?? [];
  const cells = rows.map((r) => r.map((c) => cellText(c.text ?? '')));
  // the markdown grid spreads a cell over its colspan, as pith's markdown output does
  const grid = rows.map((r) => r.flatMap((c) => [mdCell(c.text ?? ''), ...Array(Math.max(0, (c.colspan ?? 1) - 1)).fill('')]));
  const width = Math.max(0, ...grid.map((r) => r.length));
  let markdown = '';
  grid.forEach((r, i) => {
    const full = [...r, ...Array(width - r.length).fill('')];
    markdown += `| ${full.join(' | ')} |\n`.replace(/ {2}\|/g, ' |');
    if (i === 0) markdown += `|${' --- |'.repeat(width)}\n`;
  });
  return { cells, markdown, pageNumber };
}

/** Every table block of a JSON Lines text, wherever it is nested, with its unit's number. */
function tablesOf(jsonl) {
  const tables = [];
  let page = 1;
  const visit = (b) => {
    if (!b || typeof b !== 'object') return;
    if (b.type === 'table') {
      tables.push(tableOf(b, page));
      for (const r of b.rows ?? []) for (const c of r) for (const inner of c.blocks ?? []) visit(inner);
      return;
    }
    for (const k of ['blocks', 'items']) for (const child of b[k] ?? []) visit(child);
  };
  for (const line of jsonl.split('\n')) {
    if (!line.includes('"table"')) {
      if (line.startsWith('{"type":"unit"')) page = JSON.parse(line).index + 1;
      continue;
    }
    const b = JSON.parse(line);
    if (b.type === 'unit') page = b.index + 1;
    else visit(b);
  }
  return tables;
}

function resultOf(p, r, jsonl, pageTexts) {
  const tables = tablesOf(jsonl);
  const warnings = [
    ...p.warnings,
    ...r.warnings.map((w) => ({ source: r.format, message: `${w.code}: ${w.message}${r.units > 1 ? ` (unit ${w.unit + 1})` : ''}` })),
  ];
  let pages = null;
  if (pageTexts) {
    pages = pageTexts.map((content, i) => ({
      pageNumber: i + 1,
      content,
      tables: tables.filter((t) => t.pageNumber === i + 1),
      isBlank: content.trim() === '',
    }));
  }
  return {
    content: r.text,
    mimeType: r.mime,
    metadata: p.metadata ? metadataOf(r.meta, r.units, r.format, p.outputFormat) : { outputFormat: p.outputFormat },
    tables,
    detectedLanguages: null,
    chunks: null,
    images: null,
    pages,
    extractedKeywords: null,
    qualityScore: null,
    processingWarnings: warnings.length ? warnings : null,
    elements: null,
    ocrElements: null,
    document: null,
    annotations: null,
  };
}

const asBytes = (data) => {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('data must be a Uint8Array');
};

/** Kreuzberg's error message shape, with pith's error (code, offset) as the cause. */
function wrap(e, sync) {
  if (!(e instanceof PithError)) return e;
  const err = new PithError(e.code, `Error extracting from bytes${sync ? ' (sync)' : ''}: ${e.message}`, e.offset, { cause: e });
  if (e.pack) err.pack = e.pack;
  return err;
}

/** Try each password Kreuzberg's config gives (none first), as Kreuzberg does. */
function withPasswords(p, run) {
  let last;
  for (const password of p.passwords) {
    try {
      return run(password === null ? {} : { password });
    } catch (e) {
      last = e;
      if (e?.code !== 'PITH_E_ENCRYPTED') throw e;
    }
  }
  throw last;
}

async function withPasswordsAsync(p, run) {
  let last;
  for (const password of p.passwords) {
    try {
      return await run(password === null ? {} : { password });
    } catch (e) {
      last = e;
      if (e?.code !== 'PITH_E_ENCRYPTED') throw e;
    }
  }
  throw last;
}

// MARK: extraction

/** Extract a document's content, metadata, tables (and pages) from its bytes. */
export async function extractBytes(data, mimeType, config) {
  const px = ready();
  const p = plan(config);
  try {
    return await run(px, p, asBytes(data), mimeType);
  } catch (e) {
    throw wrap(e, false);
  }
}

async function run(px, p, input, mimeType) {
  return withPasswordsAsync(p, async (pw) => {
    const base = { hint: mimeType || undefined, ...pw };
    let r;
    let pageTexts = null;
    if (p.extractPages) {
      // one pass, its chunks grouped by unit (a chunk never spans two units)
      const rs = px.stream(input, { ...base, output: p.output });
      const parts = [];
      let text = '';
      for await (const c of rs) {
        (parts[c.unit] ??= []).push(c.text);
        text += c.text;
      }
      const info = await rs.result;
      pageTexts = Array.from({ length: Math.max(info.units, parts.length) }, (_, i) => (parts[i] ?? []).join(''));
      r = { ...info, text };
    } else {
      r = await px.extractAsync(input, { ...base, output: p.output });
    }
    const jsonl = (await px.extractAsync(input, { ...base, output: 'jsonl' })).text;
    return resultOf(p, r, jsonl, pageTexts);
  });
}

/** extractBytes, synchronously (a document that needs a data pack not preloaded through
 *  initWasm({ packs }) throws PITH_E_NEED_PACK). */
export function extractBytesSync(data, mimeType, config) {
  const px = ready();
  const p = plan(config);
  try {
    return runSync(px, p, asBytes(data), mimeType);
  } catch (e) {
    throw wrap(e, true);
  }
}

function runSync(px, p, input, mimeType) {
  return withPasswords(p, (pw) => {
    const base = { hint: mimeType || undefined, ...pw };
    const r = px.extract(input, { ...base, output: p.output });
    let pageTexts = null;
    if (p.extractPages) {
      pageTexts = [];
      for (let i = 0; i < r.units; i++) pageTexts.push(px.extract(input, { ...base, output: p.output, firstUnit: i, unitCount: 1 }).text);
    }
    const jsonl = px.extract(input, { ...base, output: 'jsonl' }).text;
    return resultOf(p, r, jsonl, pageTexts);
  });
}

/** Extract every { data, mimeType } in turn; rejects with the first failure. */
export async function batchExtractBytes(files, config) {
  const out = [];
  for (const f of files) out.push(await extractBytes(f.data, f.mimeType, config));
  return out;
}

export function batchExtractBytesSync(files, config) {
  return files.map((f) => extractBytesSync(f.data, f.mimeType, config));
}

/** Extract a File or Blob (its type when no mimeType is given); the Blob is read straight into
 *  wasm memory. */
export async function extractFromFile(file, mimeType, config) {
  const px = ready();
  const p = plan(config);
  try {
    return await run(px, p, file, mimeType || file.type || undefined);
  } catch (e) {
    throw wrap(e, false);
  }
}

/** Extract every File in turn (their types as MIME types). */
export async function batchExtractFiles(files, config) {
  const out = [];
  for (const f of files) out.push(await extractFromFile(f, null, config));
  return out;
}

/** The MIME type of a document by its content ('application/octet-stream' when unknown). */
export function detectMimeFromBytes(data) {
  const format = ready().detect(asBytes(data));
  return MIME[format] ?? 'application/octet-stream';
}

/** File extensions of a MIME type pith reads ([] for others). */
export function getExtensionsForMime(mimeType) {
  return [...(EXTENSIONS[String(mimeType).split(';')[0].trim().toLowerCase()] ?? [])];
}
