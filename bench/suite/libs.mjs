// libs.mjs: every library the benchmark measures, as one adapter each: which formats it reads,
// how it is loaded (timed as "load" in a fresh process), how one document becomes text (timed per
// call), and what a browser downloads to use it (measured by download.mjs).
//
// Each adapter is called the way its own README shows, with defaults, on bytes already in memory
// (no file paths, so no library gets to read the disk itself). `init()` runs inside the timed
// load; `extract(bytes, name)` returns the text; `sync: true` means extract returns a string
// rather than a promise, so the harness does not add an `await` to it; `recover(error)`, where
// present, fixes what a failed call lacked (pith: a data pack) and says whether to retry.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FORMATS } from './formats.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PEERS = join(ROOT, 'bench/peers');
const NM = join(PEERS, 'node_modules');
const req = createRequire(join(PEERS, 'package.json'));

/** Imports a peer from bench/peers/node_modules (bench/suite is outside its resolution path). */
const peer = (spec) => import(pathToFileURL(req.resolve(spec)).href);
const peerFile = (rel) => import(pathToFileURL(join(NM, rel)).href);

const textOf = (bytes) => new TextDecoder().decode(bytes);

/** Errors that mean "pith has no handler for this yet", shown as "not yet" rather than a failure. */
export const NOT_YET = new Set(['PITH_E_DISABLED']);

export const LIBS = [
  {
    id: 'pith',
    name: 'pith (wasm)',
    formats: Object.keys(FORMATS),
    // which bundle: the smallest one that reads the format (main.mjs asks each bundle's `formats`)
    async init({ variant, pithRoot = ROOT }) {
      const { load } = await import(pathToFileURL(join(pithRoot, 'dist', variant, 'pith.mjs')).href);
      const p = await load();
      return {
        sync: true,
        extract: (bytes, name) => p.extract(bytes, { hint: name }).text,
        batch: (list) => p.extractBatch(list.map((d) => ({ input: d.bytes, hint: d.name }))),
        wasmBytes: () => p.memory().wasmBytes,
        // a document in a legacy East Asian encoding needs a data pack: placed once, as a page
        // would (the call that needed it is retried, and its time includes the pack's load)
        recover: async (e) => {
          if (e?.code !== 'PITH_E_NEED_PACK' || !e.pack || !p.loadPack) return false;
          await p.loadPack(e.pack);
          return true;
        },
      };
    },
  },
  {
    id: 'kreuzberg',
    name: '@kreuzberg/wasm',
    pkg: '@kreuzberg/wasm',
    // RTF as application/rtf, EML as message/rfc822, CSV as text/csv, XML as application/xml and
    // JSON as application/json (FORMATS' types): each one it accepts in 4.5.2 (text/rtf and
    // text/xml give the same text)
    formats: ['txt', 'html', 'md', 'pdf', 'docx', 'xlsx', 'pptx', 'rtf', 'eml', 'csv', 'xml', 'json'],
    async init() {
      // Its glue (dist/pkg/kreuzberg_wasm.js) fetches its .wasm from a file: URL at import time,
      // which Node's fetch rejects. This shim answers file: URLs with the file's bytes; it is
      // installed inside the timed load, so its cost counts against kreuzberg.
      const realFetch = globalThis.fetch;
      globalThis.fetch = async (u, init) => {
        const s = u instanceof URL ? u.href : typeof u === 'string' ? u : u.url;
        if (s.startsWith('file:')) {
          const type = s.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
          return new Response(await readFile(new URL(s)), { headers: { 'content-type': type } });
        }
        return realFetch(u, init);
      };
      const k = await peer('@kreuzberg/wasm');
      await k.initWasm();
      return {
        extract: async (bytes, name, format) => (await k.extractBytes(bytes, FORMATS[format].mime)).content,
        batch: async (list) => k.batchExtractBytes(list.map((d) => ({ data: d.bytes, mimeType: FORMATS[d.format].mime }))),
      };
    },
    download: {
      entry: "export { initWasm, extractBytes } from '@kreuzberg/wasm';",
      // initWasm() imports its glue by a computed path (the bundler cannot follow it), then
      // fetches the main .wasm and, in a browser, always loads PDFium too.
      extraEntries: ['@kreuzberg/wasm/dist/pkg/kreuzberg_wasm.js', '@kreuzberg/wasm/dist/pdfium.js'],
      assets: ['@kreuzberg/wasm/dist/pkg/kreuzberg_wasm_bg.wasm', '@kreuzberg/wasm/dist/pdfium.esm.wasm'],
    },
  },
  {
    id: 'pdfjs',
    name: 'pdf.js',
    pkg: 'pdfjs-dist',
    formats: ['pdf'],
    async init() {
      const pdfjs = await peer('pdfjs-dist/legacy/build/pdf.mjs');
      const base = join(NM, 'pdfjs-dist/');
      return {
        async extract(bytes) {
          const task = pdfjs.getDocument({
            data: bytes.slice(), // pdf.js may transfer (detach) the buffer it is given
            cMapUrl: join(base, 'cmaps/'),
            cMapPacked: true,
            standardFontDataUrl: join(base, 'standard_fonts/'),
            isEvalSupported: false,
            verbosity: 0,
          });
          const doc = await task.promise;
          let out = '';
          try {
            for (let i = 1; i <= doc.numPages; i++) {
              const page = await doc.getPage(i);
              const tc = await page.getTextContent();
              for (const it of tc.items) if ('str' in it) out += it.str + (it.hasEOL ? '\n' : '');
              out += '\n\f';
              page.cleanup();
            }
          } finally {
            await doc.destroy();
          }
          return out;
        },
      };
    },
    download: {
      entry: "export { getDocument, GlobalWorkerOptions } from 'pdfjs-dist';",
      assets: ['pdfjs-dist/build/pdf.worker.min.mjs'],
      note: 'cMaps and standard fonts are fetched on demand and not counted',
    },
  },
  {
    id: 'mupdf',
    name: 'MuPDF.js',
    pkg: 'mupdf',
    formats: ['pdf'],
    async init() {
      const mupdf = await peer('mupdf');
      return {
        sync: true,
        extract(bytes) {
          const doc = mupdf.Document.openDocument(bytes, 'application/pdf');
          let out = '';
          try {
            const n = doc.countPages();
            for (let i = 0; i < n; i++) {
              const page = doc.loadPage(i);
              const st = page.toStructuredText();
              out += st.asText() + '\f';
              st.destroy();
              page.destroy();
            }
          } finally {
            doc.destroy();
          }
          return out;
        },
      };
    },
    download: { entry: "export * as mupdf from 'mupdf';", assets: ['mupdf/dist/mupdf-wasm.wasm'] },
  },
  {
    id: 'unpdf',
    name: 'unpdf',
    pkg: 'unpdf',
    formats: ['pdf'],
    async init() {
      const { extractText } = await peerFile('unpdf/dist/index.mjs');
      return { extract: async (bytes) => (await extractText(bytes.slice(), { mergePages: true })).text };
    },
    download: { entry: "export { extractText } from 'unpdf';" },
  },
  {
    id: 'officeparser',
    name: 'officeparser',
    pkg: 'officeparser',
    // it also reads ODF, which the suite does not measure; 6.0.7 has no CSV parser (its README
    // lists docx pptx xlsx odt odp ods pdf rtf, and a CSV buffer fails with "Error occured while
    // reading the file buffers"), so CSV is left out
    formats: ['pdf', 'docx', 'xlsx', 'pptx', 'rtf'],
    async init() {
      const op = await peer('officeparser');
      return { extract: async (bytes) => (await op.parseOffice(Buffer.from(bytes))).toText() };
    },
    download: {
      // its browser build is a prebuilt bundle; PDF needs pdf.js's worker beside it
      assets: ['officeparser/dist/officeparser.browser.js'],
      perFormat: { pdf: ['pdfjs-dist/build/pdf.worker.min.mjs'] },
    },
  },
  {
    id: 'mammoth',
    name: 'mammoth',
    pkg: 'mammoth',
    formats: ['docx'],
    async init() {
      const m = (await peer('mammoth')).default;
      return { extract: async (bytes) => (await m.extractRawText({ buffer: Buffer.from(bytes) })).value };
    },
    download: { entry: "export { extractRawText } from 'mammoth';" },
  },
  {
    id: 'sheetjs',
    name: 'SheetJS (xlsx)',
    pkg: 'xlsx',
    formats: ['xlsx'],
    async init() {
      const X = await peerFile('xlsx/xlsx.mjs');
      return {
        sync: true,
        extract(bytes) {
          const wb = X.read(bytes, { type: 'array' });
          return wb.SheetNames.map((n) => X.utils.sheet_to_csv(wb.Sheets[n])).join('\n');
        },
      };
    },
    download: { entry: "export { read, utils } from 'xlsx';" },
  },
  {
    id: 'html-to-text',
    name: 'html-to-text',
    pkg: 'html-to-text',
    formats: ['html'],
    async init() {
      const { convert } = await peer('html-to-text');
      // it takes a string: decoding the bytes (as UTF-8, what a caller without a charset
      // sniffer does) is part of the call
      return { sync: true, extract: (bytes) => convert(textOf(bytes)) };
    },
    download: { entry: "export { convert } from 'html-to-text';" },
  },
  // Native references: whole processes, timed per run (process start included).
  {
    id: 'pandoc',
    name: 'pandoc (native)',
    kind: 'cli',
    formats: ['html', 'md', 'docx'],
    cmd: (file, format) => ['pandoc', ['-f', format === 'md' ? 'markdown' : format, '-t', 'plain', '--wrap=none', file]],
    version: ['pandoc', ['--version'], /pandoc\S* ([\d.]+)/],
  },
  {
    id: 'pdftotext',
    name: 'pdftotext (native)',
    kind: 'cli',
    formats: ['pdf'],
    cmd: (file) => ['pdftotext', ['-enc', 'UTF-8', file, '-']],
    version: ['pdftotext', ['-v'], /pdftotext version ([\d.]+)/],
  },
];

export const byId = (id) => LIBS.find((l) => l.id === id);
