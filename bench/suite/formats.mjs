// formats.mjs: the formats the benchmark measures, and where each corpus file's reference text
// comes from (../shared/corpus/reference/, or made here with pandoc/iconv and cached).
//
// Adding a format: one entry in FORMATS (its MIME type and reference rule), a generated document
// in bench/gen/gen.mjs, and the libraries that read it list it in libs.mjs.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

// `pith`: the format's name in a pith bundle's `formats` list.
export const FORMATS = {
  txt: { label: 'Plain text', mime: 'text/plain', pith: 'text' },
  html: { label: 'HTML', mime: 'text/html', pith: 'html' },
  md: { label: 'Markdown', mime: 'text/markdown', pith: 'markdown' },
  pdf: { label: 'PDF', mime: 'application/pdf', pith: 'pdf' },
  docx: { label: 'DOCX', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', pith: 'docx' },
  xlsx: { label: 'XLSX', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', pith: 'xlsx' },
  pptx: { label: 'PPTX', mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', pith: 'pptx' },
  rtf: { label: 'RTF', mime: 'application/rtf', pith: 'rtf' },
  eml: { label: 'Email (EML)', mime: 'message/rfc822', pith: 'eml' },
  csv: { label: 'CSV', mime: 'text/csv', pith: 'csv' },
  xml: { label: 'XML', mime: 'application/xml', pith: 'xml' },
  json: { label: 'JSON', mime: 'application/json', pith: 'json' },
};

// The true encodings of the corpus's legacy-encoded HTML and text files (from NOTES.tsv and by
// inspection: the declared charsets of some are wrong on purpose). pandoc reads only UTF-8, so
// the reference is made from `iconv -c -f ENC` output; files not listed are UTF-8.
const ENCODINGS = {
  'html/chardet__big5_no_charset.html': 'BIG5',
  'html/chardet__euc-kr_no_charset.html': 'CP949',
  'html/chardet__gb2312_mozilla_bug171813.html': 'GB18030',
  'html/chardet__shift_jis_no_charset.html': 'CP932',
  'html/chardet__utf-16le_plane1.html': 'UTF-16LE',
  'html/chardet__windows-1251_no_charset.html': 'CP1251',
  'html/chardet__windows-1252_mozilla_bug421271.html': 'CP1252',
  'html/tika__big-preamble.html': 'CP1251',
  'html/tika__testArabicMisleadingCharset.html': 'CP1256',
  'html/tika__testHTMLNoisyMetaEncoding_1.html': 'ISO-8859-6',
  'html/tika__testHTML_charset_utf16le.html': 'UTF-16',
  'html/tika__test_ignore_IBM420.html': 'CP1252',
  'txt/chardet__shift_jis_ude_1.txt': 'CP932',
  'txt/chardet__utf-16le_bom.txt': 'UTF-16',
  'txt/tika__english.cp500.txt': 'IBM500',
  'txt/tika__russian.cp866.txt': 'CP866',
  'txt/tika__testTXT_win-1252.txt': 'CP1252',
};

function utf8Of(corpus, rel) {
  const enc = ENCODINGS[rel];
  if (!enc) return readFileSync(join(corpus, rel));
  const r = spawnSync('iconv', ['-c', '-f', enc, '-t', 'UTF-8', join(corpus, rel)], { maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  // iconv -c exits 1 when it dropped bytes it could not convert; the output is still the text
  return r.stdout;
}

/** Files that need a user password (their pdftotext reference was made with -upw): kept out of
 *  F1 means, since no library here is given the password. */
export function passwordFiles(corpus) {
  const out = new Set();
  const p = join(corpus, 'reference/pdftotext/STATUS.tsv');
  if (!existsSync(p)) return out;
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    const [path, , note] = line.split('\t');
    if (note && /user password required/.test(note)) out.add(path);
  }
  return out;
}

/** The corpus files of `format`, each with its reference text path (or null when there is none)
 *  and where the reference came from. EML, CSV, XML and JSON have none (no tool's text of them
 *  is a fair reference: which headers, keys and attribute values count as "the text" is each
 *  extractor's choice), so their quality tables show files read and time only. `cache` holds the references made here. */
export function corpusFiles(corpus, format, cache) {
  const dir = join(corpus, format);
  if (!existsSync(dir)) return [];
  const pw = passwordFiles(corpus);
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const rel = `${format}/${name}`;
    const path = join(dir, name);
    let ref = null;
    let refTool = null;
    const tryRef = (tool, p) => {
      if (!ref && existsSync(p)) {
        ref = p;
        refTool = tool;
      }
    };
    if (format === 'pdf') tryRef('pdftotext', join(corpus, 'reference/pdftotext', `${rel}.txt`));
    if (format === 'docx') tryRef('docx2txt', join(corpus, 'reference/docx2txt', `${rel}.txt`));
    if (format === 'xlsx') tryRef('xlsx2csv', join(corpus, 'reference/xlsx2csv', `${rel}.txt`));
    if (['docx', 'xlsx', 'pptx', 'rtf'].includes(format)) tryRef('libreoffice', join(corpus, 'reference/libreoffice', `${rel}.txt`));
    if (format === 'html' || format === 'md' || format === 'txt') {
      const p = join(cache, `${rel}.txt`);
      const tool = format === 'txt' ? 'iconv' : 'pandoc';
      if (!existsSync(p) || statSync(p).mtimeMs < statSync(path).mtimeMs) {
        mkdirSync(join(cache, format), { recursive: true });
        const src = utf8Of(corpus, rel);
        if (format === 'txt') writeFileSync(p, src.toString('utf8').replace(/^\uFEFF/, ''));
        else {
          const r = spawnSync('pandoc', ['-f', format === 'md' ? 'markdown' : 'html', '-t', 'plain', '--wrap=none'], {
            input: src,
            maxBuffer: 1 << 28,
          });
          if (r.status === 0) writeFileSync(p, r.stdout);
        }
      }
      tryRef(tool, p);
    }
    files.push({ name: basename(name), rel, path, format, bytes: statSync(path).size, ref, refTool, password: pw.has(rel) });
  }
  return files;
}
