// html_quality.mjs: how close pith's HTML text is to pandoc's, and how fast, on every page of
// the shared corpus (../shared/corpus/html). Printed, never asserted.
//
//   node bench/html_quality.mjs [--variant minimal|standard] [--corpus DIR] [--dist DIR]
//                               [--show FILE]   (--show lists the words one side lacks)
//
// Reference: `pandoc -f html -t plain --wrap=none` (Debian's pandoc, installed here with apt-get
// when missing). --wrap=none because pandoc's line wrapping cuts CJK text, which has no spaces,
// into pieces that count as separate words. pandoc reads its input as UTF-8 and falls back to
// latin1 otherwise (it ignores <meta charset>); for those pages the reference is pandoc run on
// the page decoded first with its real encoding, taken from the corpus's NOTES.tsv and the
// pages' own declarations (ENCODINGS below), never from pith. References are cached under
// bench/results/tmp/html-quality/ by pandoc version and file hash.
// Score: word-level F1 (bench/lib/f1.mjs) per file, and overall over all words of all files.
// Speed: pith.extract() on the real .wasm with the cjk-encodings pack loaded, median of
// repeated calls per file, and all bytes over all medians.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wordF1, words } from './lib/f1.mjs';
import { parseArgs } from './lib/args.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const { opt, positional } = parseArgs();
const variant = opt('--variant', 'standard');
const corpus = opt('--corpus', `${root}../shared/corpus/html`);
const show = opt('--show', null);
const dist = opt('--dist', `${root}dist`);
const cache = `${root}bench/results/tmp/html-quality/`;

// The real encoding of the pages pandoc cannot read as UTF-8 (corpus NOTES.tsv; the tika pages'
// own <meta>, or the note saying the meta is wrong).
const ENCODINGS = {
  'chardet__big5_no_charset.html': 'big5',
  'chardet__euc-kr_no_charset.html': 'euc-kr',
  'chardet__gb2312_mozilla_bug171813.html': 'gbk',
  'chardet__shift_jis_no_charset.html': 'shift_jis',
  'chardet__utf-16le_plane1.html': 'utf-16le',
  'chardet__windows-1251_no_charset.html': 'windows-1251',
  'chardet__windows-1252_mozilla_bug421271.html': 'windows-1252',
  'tika__big-preamble.html': 'windows-1251',            // <meta> after a 47 KB preamble
  'tika__testArabicMisleadingCharset.html': 'windows-1256', // the <meta> says UTF-8
  'tika__testHTMLNoisyMetaEncoding_1.html': 'iso-8859-6',
  'tika__testHTML_charset_utf16le.html': 'utf-16le',
  'tika__test_ignore_IBM420.html': 'windows-1252',
};

// Where pith and pandoc differ by design (checked by hand; see the report for the words).
const NOTES = {
  'tika__tika434.html': 'pandoc keeps the content of display:none elements (a hidden search form: option lists 1..180); pith skips it as the issue asks',
};

function ensurePandoc() {
  const have = spawnSync('pandoc', ['--version'], { encoding: 'utf8' });
  if (have.status === 0) return have.stdout.split('\n')[0];
  console.error('pandoc not found: installing the Debian package');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (cmd) => execFileSync(sudo.length ? 'sudo' : cmd[0], sudo.length ? cmd : cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'pandoc']);
  return spawnSync('pandoc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
}

function pandoc(input, key) {
  const file = `${cache}${key}.txt`;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const r = spawnSync('pandoc', ['-f', 'html', '-t', 'plain', '--wrap=none'], { input, maxBuffer: 1 << 28, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pandoc failed on ${key}: ${r.stderr}`);
  const out = { text: r.stdout, latin1: /falling back to latin1/.test(r.stderr) };
  writeFileSync(file, JSON.stringify(out));
  return out;
}

function timeIt(fn, budgetMs = 300) {
  for (let i = 0; i < 2; i++) fn();
  const t = [];
  const start = performance.now();
  while (t.length < 5 || (performance.now() - start < budgetMs && t.length < 1000)) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

const version = ensurePandoc();
mkdirSync(cache, { recursive: true });
const { load } = await import(`${dist}/${variant}/pith.mjs`);
const pith = await load({ packs: ['cjk-encodings'] });
const tag = createHash('sha256').update(version).digest('hex').slice(0, 8);

console.log(`# HTML quality and speed: pith (${variant}.wasm) vs ${version} -t plain --wrap=none`);
console.log(`corpus ${corpus}, node ${process.version}\n`);
console.log('| file | bytes | F1 | precision | recall | words pith/ref | MB/s (wasm) | reference |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
let common = 0, cand = 0, ref = 0, bytes = 0, ms = 0, below = 0;
const notes = [];
for (const name of readdirSync(corpus).filter((f) => f.endsWith('.html')).sort()) {
  const data = readFileSync(`${corpus}/${name}`);
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 16);
  let reference = pandoc(data, `${name}.${hash}.${tag}`);
  let how = 'pandoc';
  if (reference.latin1 && ENCODINGS[name]) {
    // pandoc read it as latin1: the reference is pandoc on the page decoded with its encoding
    const utf8 = Buffer.from(new TextDecoder(ENCODINGS[name]).decode(data));
    reference = pandoc(utf8, `${name}.${hash}.${tag}.${ENCODINGS[name]}`);
    how = `pandoc on ${ENCODINGS[name]} decoded first (pandoc alone reads latin1)`;
  }
  const out = pith.extract(data, { hint: name });
  const r = wordF1(out.text, reference.text);
  // common words, from precision: every file adds its own counts to the overall score
  common += Math.round(r.precision * r.candidate);
  cand += r.candidate;
  ref += r.reference;
  const t = timeIt(() => pith.extract(data, { hint: name }));
  bytes += data.length;
  ms += t;
  if (r.f1 < 0.9) below++;
  if (NOTES[name]) notes.push(`- ${name}: ${NOTES[name]}`);
  console.log(`| ${name} | ${data.length} | ${r.f1.toFixed(3)} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ` +
    `${r.candidate}/${r.reference} | ${(data.length / t / 1000).toFixed(1)} | ${how}${NOTES[name] ? ' (note)' : ''} |`);
  if (show === name) {
    const mine = new Map();
    for (const w of words(out.text)) mine.set(w, (mine.get(w) ?? 0) + 1);
    const missing = [];
    for (const w of words(reference.text)) {
      const n = mine.get(w);
      if (n) mine.set(w, n - 1);
      else missing.push(w);
    }
    console.log(`\n  missing: ${missing.slice(0, 80).join(' ')}\n  extra: ${[...mine].filter(([, n]) => n > 0).map(([w]) => w).slice(0, 80).join(' ')}\n`);
  }
}
const p = cand ? common / cand : 0;
const rc = ref ? common / ref : 0;
const f1 = p + rc ? (2 * p * rc) / (p + rc) : 0;
console.log(`| **overall** | ${bytes} | **${f1.toFixed(3)}** | ${p.toFixed(3)} | ${rc.toFixed(3)} | ${cand}/${ref} | ${(bytes / ms / 1000).toFixed(1)} | |`);
console.log(`\nfiles below 0.90: ${below}`);
if (notes.length) console.log(`notes:\n${notes.join('\n')}`);
pith.dispose();
