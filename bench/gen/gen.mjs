// gen.mjs: the benchmark's generated documents, made from seeded Markdown by Debian's pandoc and
// LibreOffice (installed by bench/run, never by the library's own setup), cached, not committed.
//
//   node bench/gen/gen.mjs [--out DIR] [--force]      (default DIR: build/bench/gen)
//
// Sizes the issue asks for: HTML 1.5 KB and 100 KB, Markdown 33 KB, a 1-page and a 200-page PDF,
// a DOCX, an XLSX of 10,000 cells, a PPTX; plus plain text 33 KB and, for the batch runs, 10
// documents of ~100 KB each in HTML, DOCX and PDF; and a CSV of ~100 KB. Every document has a reference text beside it
// (ref/<name>.txt): `pandoc -t plain` of its Markdown source, or the CSV an XLSX was made from,
// so the speed tables carry a word F1 too. The text is seeded word salad over a fixed vocabulary
// with headings, lists, tables and links: deterministic, so the cache is keyed by GEN_VERSION
// alone. A tool that is missing skips the documents that need it, with a message; the rest are
// still made. Writes DIR/manifest.json: [{ name, format, path, bytes, ref, pages?, batch? }].

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when any document would come out different: the cache is rebuilt. */
export const GEN_VERSION = 3;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// MARK: - Text

/** mulberry32: a tiny seeded PRNG, so every run makes the same documents. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Common English words, weighted by repetition, plus a few accented and non-Latin words so that
// extractors are scored on more than ASCII (about 2% of words).
const WORDS = (
  'the the the the of of of and and and to to a a in in is is that for it as was with be by on ' +
  'not he this are or his from at which but have an they you were her she there been one all we ' +
  'their has would when if so no will more can said who about other time them into some could ' +
  'these two may first then do any like my now over such our man me even most made after also ' +
  'did many before must through back years where much your way well down should because each just ' +
  'those people how too little state good very make world still own see men work long get here ' +
  'between both life being under never day same another know while last might us great old year ' +
  'off come since against go came right used take three water system report market council ' +
  'river bridge station library museum harbour village engine document table figure section ' +
  'result value method process energy paper letter summer winter north south garden machine'
).split(' ');
const RARE = ['café', 'naïve', 'Zürich', 'façade', 'Straße', 'Ελλάδα', 'Москва', '東京', 'résumé', 'São'];
const CITIES = ['Norwich', 'Lyon', 'Kraków', 'Porto', 'Utrecht', 'Tampere', 'Bergen', 'Genoa', 'Brno', 'Leeds'];

function textGen(seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const word = () => (r() < 0.02 ? pick(RARE) : r() < 0.015 ? String(Math.floor(r() * 2000)) : pick(WORDS));
  const words = (n) => Array.from({ length: n }, word).join(' ');
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const sentence = () => {
    const n = 8 + Math.floor(r() * 13);
    const ws = Array.from({ length: n }, word);
    if (n > 12 && r() < 0.5) ws[Math.floor(n / 2)] += ',';
    return cap(ws.join(' ')) + (r() < 0.1 ? '?' : '.');
  };
  const paragraph = () => {
    const n = 3 + Math.floor(r() * 4);
    let s = Array.from({ length: n }, sentence).join(' ');
    if (r() < 0.3) s = s.replace(/ (\w{4,}) /, ' *$1* ');
    if (r() < 0.2) s = s.replace(/ (\w{5,}) /, (m, w) => ` [${w}](https://example.org/${w}) `);
    return s;
  };
  return { r, pick, word, words, cap, sentence, paragraph };
}

/** Seeded Markdown of at least `chars` characters: a title, then sections of paragraphs, lists
 *  and the occasional table. */
export function makeMarkdown(seed, chars) {
  const g = textGen(seed);
  const out = [`# ${g.cap(g.words(4))}`, g.paragraph()];
  let len = out.join('\n\n').length;
  let sec = 0;
  while (len < chars) {
    const block = [];
    if (sec++ % 3 === 0 || len + 200 > chars) block.push(`## ${g.cap(g.words(2 + Math.floor(g.r() * 4)))}`);
    block.push(g.paragraph());
    const k = g.r();
    if (k < 0.25) block.push(Array.from({ length: 3 + Math.floor(g.r() * 3) }, () => `- ${g.cap(g.words(3 + Math.floor(g.r() * 6)))}`).join('\n'));
    else if (k < 0.35) {
      const rows = [`| ${g.cap(g.word())} | ${g.cap(g.word())} | ${g.cap(g.word())} |`, '|---|---|---:|'];
      for (let i = 0; i < 4; i++) rows.push(`| ${g.words(2)} | ${g.pick(CITIES)} | ${(g.r() * 1000).toFixed(1)} |`);
      block.push(rows.join('\n'));
    }
    const s = block.join('\n\n');
    out.push(s);
    len += s.length + 2;
  }
  return out.join('\n\n') + '\n';
}

/** Slides: `## title` and 4-6 bullets each. */
function makeSlides(seed, n) {
  const g = textGen(seed);
  const out = [`% ${g.cap(g.words(4))}`];
  for (let i = 0; i < n; i++) {
    out.push(`## ${g.cap(g.words(3 + Math.floor(g.r() * 3)))}`);
    out.push(Array.from({ length: 4 + Math.floor(g.r() * 3) }, () => `- ${g.cap(g.words(5 + Math.floor(g.r() * 7)))}`).join('\n'));
  }
  return out.join('\n\n') + '\n';
}

/** rows x cols CSV: ids, names, cities, dates, amounts, counts, flags, notes, codes. */
function makeCsv(seed, rows) {
  const g = textGen(seed);
  const q = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['id,name,city,date,amount,quantity,category,flag,note,code'];
  for (let i = 1; i < rows; i++) {
    const d = new Date(Date.UTC(2020, 0, 1) + Math.floor(g.r() * 1500) * 86400000).toISOString().slice(0, 10);
    lines.push(
      [
        i,
        q(`${g.cap(g.pick(WORDS))} ${g.cap(g.pick(WORDS))}`),
        g.pick(CITIES),
        d,
        (g.r() * 10000).toFixed(2),
        Math.floor(g.r() * 500),
        g.pick(['north', 'south', 'east', 'west']),
        g.r() < 0.5 ? 'yes' : 'no',
        q(g.cap(g.words(3 + Math.floor(g.r() * 4)))),
        `${String.fromCharCode(65 + Math.floor(g.r() * 26))}${String.fromCharCode(65 + Math.floor(g.r() * 26))}-${1000 + Math.floor(g.r() * 9000)}`,
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

// MARK: - Tools

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status ?? r.signal}: ${(r.stderr || '').slice(0, 400)}`);
  return r.stdout;
}

function pandoc(md, args, out) {
  run('pandoc', ['-f', 'markdown', ...args, ...(out ? ['-o', out] : [])], { input: md });
  return out ? readFileSync(out) : null;
}

const plain = (md) => run('pandoc', ['-f', 'markdown', '-t', 'plain', '--wrap=none'], { input: md });

/** LibreOffice converts every file in `files` to `ext` in `dir`, in one process. A private
 *  profile keeps it from touching (or waiting on) a user's. */
function soffice(files, ext, dir, filterArgs = []) {
  const profile = join(dir, '.lo-profile');
  run('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', ...filterArgs, '--convert-to', ext, '--outdir', dir, ...files], {
    timeout: 600_000,
  });
}

function pdfPages(file) {
  if (!has('pdfinfo')) return undefined;
  const m = /Pages:\s+(\d+)/.exec(run('pdfinfo', [file]));
  return m ? Number(m[1]) : undefined;
}

/** Finds the Markdown size whose rendering is about `target` bytes: render at a guess, scale the
 *  guess by the miss, twice (rendering size is close to linear in the source). */
function fit(target, render, guess = target) {
  let chars = guess;
  let out;
  for (let i = 0; i < 3; i++) {
    out = render(Math.max(200, Math.round(chars)));
    const size = out.size;
    if (Math.abs(size - target) / target < 0.06) break;
    chars *= target / size;
  }
  return out;
}

// MARK: - Documents

/** Documents that need no tool: made on every call (a few milliseconds), beside the cache and not
 *  in its manifest, so adding one does not rebuild the LibreOffice documents. */
function toolFree(out) {
  const docs = [];
  mkdirSync(join(out, 'ref'), { recursive: true });
  // CSV ~100 KB (1,228 rows of 10 fields): its reference is itself (the same rule as the XLSX's)
  const rows = 1228;
  const csv = makeCsv(701, rows);
  const path = join(out, 'csv-100k.csv');
  const ref = join(out, 'ref', 'csv-100k.txt');
  writeFileSync(path, csv);
  writeFileSync(ref, csv);
  docs.push({ name: 'csv-100k', format: 'csv', path, bytes: statSync(path).size, ref, cells: rows * 10 });
  return docs;
}

export function generate({ out = join(ROOT, 'build/bench/gen'), force = false, log = console.log } = {}) {
  const manifestPath = join(out, 'manifest.json');
  if (!force && existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (m.version === GEN_VERSION && m.docs.every((d) => existsSync(d.path))) return { ...m, docs: [...m.docs, ...toolFree(out)] };
  }
  const tools = { pandoc: has('pandoc'), soffice: has('soffice') };
  const tmp = join(out, 'tmp');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'ref'), { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const docs = [];
  const skipped = [];
  const add = (name, format, path, ref, extra = {}) => {
    const refPath = join(out, 'ref', `${name}.txt`);
    writeFileSync(refPath, ref);
    docs.push({ name, format, path, bytes: statSync(path).size, ref: refPath, ...extra });
  };
  const step = (what, needs, fn) => {
    const missing = needs.filter((t) => !tools[t]);
    if (missing.length) {
      skipped.push(`${what}: needs ${missing.join(', ')}`);
      log(`gen: skipping ${what}: ${missing.join(', ')} not installed`);
      return;
    }
    const t0 = Date.now();
    try {
      fn();
      log(`gen: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      skipped.push(`${what}: ${e.message}`);
      log(`gen: skipping ${what}: ${e.message}`);
    }
  };

  // Plain text and Markdown need no tool for the document itself; the Markdown's reference is
  // pandoc's plain rendering (the same rule as for the corpus's Markdown).
  step('Markdown 33 KB, text 33 KB', ['pandoc'], () => {
    const md = makeMarkdown(101, 33 * 1024);
    writeFileSync(join(out, 'md-33k.md'), md);
    const ref = plain(md);
    add('md-33k', 'md', join(out, 'md-33k.md'), ref);
    const txt = plain(makeMarkdown(102, 34 * 1024));
    writeFileSync(join(out, 'text-33k.txt'), txt);
    add('text-33k', 'txt', join(out, 'text-33k.txt'), txt);
  });

  const html = (seed, target, standalone) => {
    let md;
    const f = fit(target, (chars) => {
      md = makeMarkdown(seed, chars);
      const body = pandoc(md, ['-t', 'html', ...(standalone ? ['-s', '--metadata', 'title=Report'] : [])], join(tmp, 'h.html'));
      const doc = standalone
        ? body
        : Buffer.from(`<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Note</title></head>\n<body>\n${body}</body>\n</html>\n`);
      return { size: doc.length, doc, md };
    }, standalone ? target * 0.8 : target * 0.7);
    return f;
  };
  step('HTML 1.5 KB and 100 KB', ['pandoc'], () => {
    for (const [name, seed, target, standalone] of [['html-1.5k', 201, 1536, false], ['html-100k', 202, 100 * 1024, true]]) {
      const f = html(seed, target, standalone);
      writeFileSync(join(out, `${name}.html`), f.doc);
      add(name, 'html', join(out, `${name}.html`), plain(f.md));
    }
  });

  const docx = (seed, target, file) =>
    fit(target, (chars) => {
      const md = makeMarkdown(seed, chars);
      const doc = pandoc(md, ['-t', 'docx'], file);
      return { size: doc.length, md };
    }, target * 2.5);
  step('DOCX ~100 KB', ['pandoc'], () => {
    const f = docx(301, 100 * 1024, join(out, 'docx-100k.docx'));
    add('docx-100k', 'docx', join(out, 'docx-100k.docx'), plain(f.md));
  });

  // PDFs: Markdown -> DOCX (pandoc) -> PDF (LibreOffice Writer), fitted on the page count.
  step('PDF 1 page and 200 pages', ['pandoc', 'soffice'], () => {
    for (const [name, seed, pages, guess] of [['pdf-1p', 401, 1, 2600], ['pdf-200p', 402, 200, 200 * 3300]]) {
      let chars = guess;
      let md;
      let got;
      for (let i = 0; i < 4; i++) {
        md = makeMarkdown(seed, Math.round(chars));
        pandoc(md, ['-t', 'docx'], join(tmp, `${name}.docx`));
        soffice([join(tmp, `${name}.docx`)], 'pdf', tmp);
        got = pdfPages(join(tmp, `${name}.pdf`));
        if (got === undefined || got === pages || (pages > 1 && Math.abs(got - pages) <= 2)) break;
        chars *= pages === 1 ? 0.8 : pages / got;
      }
      renameSync(join(tmp, `${name}.pdf`), join(out, `${name}.pdf`));
      add(name, 'pdf', join(out, `${name}.pdf`), plain(md), { pages: got });
    }
  });

  step('XLSX 10,000 cells', ['soffice'], () => {
    const csv = makeCsv(501, 1000);
    writeFileSync(join(tmp, 'xlsx-10k.csv'), csv);
    soffice([join(tmp, 'xlsx-10k.csv')], 'xlsx:Calc MS Excel 2007 XML', tmp, ['--infilter=CSV:44,34,76,1']);
    renameSync(join(tmp, 'xlsx-10k.xlsx'), join(out, 'xlsx-10k.xlsx'));
    add('xlsx-10k', 'xlsx', join(out, 'xlsx-10k.xlsx'), csv, { cells: 10000 });
  });

  step('PPTX 30 slides', ['pandoc'], () => {
    const md = makeSlides(601, 30);
    pandoc(md, ['-t', 'pptx'], join(out, 'pptx-30.pptx'));
    add('pptx-30', 'pptx', join(out, 'pptx-30.pptx'), plain(md), { slides: 30 });
  });

  // Batch sets: 10 documents of ~100 KB each, different seeds.
  step('batch: 10 x HTML 100 KB', ['pandoc'], () => {
    mkdirSync(join(out, 'batch-html'), { recursive: true });
    for (let i = 0; i < 10; i++) {
      const f = html(1000 + i, 100 * 1024, true);
      const p = join(out, 'batch-html', `doc-${i}.html`);
      writeFileSync(p, f.doc);
      add(`batch-html-${i}`, 'html', p, plain(f.md), { batch: 'html' });
    }
  });
  step('batch: 10 x DOCX 100 KB', ['pandoc'], () => {
    mkdirSync(join(out, 'batch-docx'), { recursive: true });
    for (let i = 0; i < 10; i++) {
      const p = join(out, 'batch-docx', `doc-${i}.docx`);
      const f = docx(2000 + i, 100 * 1024, p);
      add(`batch-docx-${i}`, 'docx', p, plain(f.md), { batch: 'docx' });
    }
  });
  step('batch: 10 x PDF 100 KB', ['pandoc', 'soffice'], () => {
    // One LibreOffice process converts all ten; the size per page is measured on the first.
    mkdirSync(join(out, 'batch-pdf'), { recursive: true });
    const mds = [];
    let chars = 30000;
    for (let round = 0; round < 3; round++) {
      const md = makeMarkdown(3000, chars);
      pandoc(md, ['-t', 'docx'], join(tmp, 'probe.docx'));
      soffice([join(tmp, 'probe.docx')], 'pdf', tmp);
      const size = statSync(join(tmp, 'probe.pdf')).size;
      if (Math.abs(size - 100 * 1024) / (100 * 1024) < 0.08) break;
      chars *= (100 * 1024) / size;
    }
    const files = [];
    for (let i = 0; i < 10; i++) {
      mds.push(makeMarkdown(3000 + i, Math.round(chars)));
      files.push(join(tmp, `batch-pdf-${i}.docx`));
      pandoc(mds[i], ['-t', 'docx'], files[i]);
    }
    soffice(files, 'pdf', tmp);
    for (let i = 0; i < 10; i++) {
      const p = join(out, 'batch-pdf', `doc-${i}.pdf`);
      renameSync(join(tmp, `batch-pdf-${i}.pdf`), p);
      add(`batch-pdf-${i}`, 'pdf', p, plain(mds[i]), { batch: 'pdf', pages: pdfPages(p) });
    }
  });

  rmSync(tmp, { recursive: true, force: true });
  const manifest = { version: GEN_VERSION, made: new Date().toISOString(), docs, skipped };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  return { ...manifest, docs: [...docs, ...toolFree(out)] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const m = generate({ out: i > 0 ? resolve(process.argv[i + 1]) : undefined, force: process.argv.includes('--force') });
  for (const d of m.docs) console.log(`${d.name}\t${d.format}\t${d.bytes}${d.pages ? `\t${d.pages} pages` : ''}`);
  for (const s of m.skipped) console.log(`skipped: ${s}`);
}
