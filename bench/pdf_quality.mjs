// pdf_quality.mjs: how close pith's PDF text is to poppler's pdftotext, file by file, on the
// shared corpus (../shared/corpus/pdf), and how fast the native CLI is. Printed, never asserted.
//
//   node bench/pdf_quality.mjs [build/native/pith] [--corpus DIR] [--json out.json]
//                              [--only SUBSTRING] [--show FILE]
//
// Reference: ../shared/corpus/reference/pdftotext/pdf/<file>.txt (pdftotext's plain output,
// made once; STATUS.tsv there says where pdftotext failed or needed a password). Passwords come
// from the corpus's NOTES.tsv ("USER PASSWORD REQUIRED: "xyz""), as the reference did.
// Per file: pages, word F1 (bench/lib/f1.mjs), word order (2·LCS/(|a|+|b|) over the two word
// sequences), time (one CLI run, process start included), status. LCS is exact on small inputs
// (dynamic programming) and otherwise anchored patience-style on words unique to both sides,
// with exact LCS between anchors (a lower bound on long, very different texts: marked "~").
// Summary: the issue's acceptance figures (share of files with F1 >= 0.95, files below 0.80,
// overall word order, failures) and the named feature files.
// bench/pdf_notes.tsv (file, note) says, file by file, where pdftotext's reference is itself
// wrong, with the evidence and the test that checks the right text instead. Each file's note
// is printed under its row, and the acceptance figures are given twice: over all files, and
// over the files whose note does not start with "pdftotext is wrong" (there the reference
// cannot score pith; a note of any other kind leaves the file in both views).

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wordF1, words } from './lib/f1.mjs';
import { parseArgs } from './lib/args.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const { opt, positional } = parseArgs();
const corpusRoot = opt('--corpus', `${root}../shared/corpus`);
const jsonOut = opt('--json', null);
const only = opt('--only', null);
const show = opt('--show', null);
const cli = positional()[0] ?? `${root}build/native/pith`;
const refDir = `${corpusRoot}/reference/pdftotext/pdf`;

// MARK: corpus facts

function readTsv(path) {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length);
  const head = lines.shift().split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [head[i], v])));
}
const notes = new Map(readTsv(`${corpusRoot}/NOTES.tsv`).map((r) => [r.path, r.note ?? '']));
const features = new Map(readTsv(`${corpusRoot}/reference/PDF_FEATURES.tsv`).map((r) => [r.path, r]));
const status = new Map(readTsv(`${corpusRoot}/reference/pdftotext/STATUS.tsv`).map((r) => [r.path, r]));
const refNotes = new Map(readTsv(`${root}bench/pdf_notes.tsv`).map((r) => [r.file, r.note ?? '']));
const refWrong = (f) => /^pdftotext is wrong/.test(refNotes.get(f) ?? '');

function password(rel) {
  const m = /PASSWORD REQUIRED: "([^"]*)"/.exec(notes.get(rel) ?? '');
  return m ? m[1] : null;
}

// Named features the acceptance asks for: each a test on the file's notes and features.
const NAMED = [
  ['two-column', (f, n) => /two-column|multi-column/i.test(n) || /tracemonkey/.test(f)],
  ['rotated', (f, n) => /rotat|angles|orientation/i.test(n + f)],
  ['vertical', (f, n) => /vertical/i.test(n + f)],
  ['CID/CJK', (f, n, ft) => /Japanese|Chinese|Korean|CJK|CID/i.test(n) || /CID Type 0 \(not/.test(ft)],
  ['Type3', (f, n, ft) => /Type ?3/i.test(n) || /Type 3/.test(ft)],
  ['ActualText', (f, n) => /ActualText/i.test(n + f)],
  ['right-to-left', (f, n) => /right-to-left|RTL|Hebrew|Arabic/i.test(n + f)],
  ['encrypted r2', (f) => /r2/.test(f) && /enc/.test(f)],
  ['encrypted r4', (f) => /r4/.test(f) && /enc/.test(f)],
  ['encrypted r5', (f) => /r5/.test(f) && /enc/.test(f)],
  ['encrypted r6', (f) => /r6/.test(f) && /enc/.test(f)],
  ['encrypted other', (f, n, ft, enc) => enc && !/-r[2456]|_r[2456]/.test(f)],
];

// MARK: word order

function lcsDP(a, b) {
  // classic O(n·m) with two rows
  let prev = new Int32Array(b.length + 1), cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = ai === b[j - 1] ? prev[j - 1] + 1 : cur[j - 1] > prev[j] ? cur[j - 1] : prev[j];
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

// Longest increasing subsequence of pairs' b indexes (pairs sorted by a index): the chain.
function lisChain(pairs) {
  const tails = [], tailIdx = [], back = new Int32Array(pairs.length).fill(-1);
  for (let i = 0; i < pairs.length; i++) {
    const v = pairs[i][1];
    let lo = 0, hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < v) lo = mid + 1; else hi = mid;
    }
    tails[lo] = v;
    tailIdx[lo] = i;
    back[i] = lo > 0 ? tailIdx[lo - 1] : -1;
  }
  const out = [];
  for (let k = tailIdx[tails.length - 1] ?? -1; k >= 0; k = back[k]) out.push(pairs[k]);
  return out.reverse();
}

let approximate = false;
function lcs(a, b, depth = 0) {
  let s = 0, n = a.length, m = b.length, common = 0;
  while (s < n && s < m && a[s] === b[s]) s++;
  while (n > s && m > s && a[n - 1] === b[m - 1]) { n--; m--; common++; }
  common += s;
  a = a.subarray(s, n);
  b = b.subarray(s, m);
  if (!a.length || !b.length) return common;
  if (a.length * b.length <= 4e6) return common + lcsDP(a, b);
  // anchors: words unique in both
  const ca = new Map(), cb = new Map();
  a.forEach((w, i) => ca.set(w, ca.has(w) ? -1 : i));
  b.forEach((w, i) => cb.set(w, cb.has(w) ? -1 : i));
  const pairs = [];
  for (const [w, i] of ca) if (i >= 0 && cb.get(w) >= 0) pairs.push([i, cb.get(w)]);
  pairs.sort((x, y) => x[0] - y[0]);
  const chain = depth < 40 ? lisChain(pairs) : [];
  if (!chain.length) {
    approximate = true;
    // no anchor: compare in bands of the shorter length (a lower bound)
    let total = 0;
    const step = Math.max(1, Math.floor(4e6 / Math.max(1, Math.min(a.length, b.length))));
    for (let i = 0, j = 0; i < a.length && j < b.length; i += step, j += step)
      total += lcsDP(a.subarray(i, i + step), b.subarray(j, j + step));
    return common + total;
  }
  let total = common + chain.length, pa = 0, pb = 0;
  for (const [i, j] of chain) {
    total += lcs(a.subarray(pa, i), b.subarray(pb, j), depth + 1);
    pa = i + 1;
    pb = j + 1;
  }
  total += lcs(a.subarray(pa), b.subarray(pb), depth + 1);
  return total;
}

function wordOrder(candText, refText) {
  const ids = new Map();
  const enc = (ws) => Int32Array.from(ws, (w) => {
    let id = ids.get(w);
    if (id === undefined) ids.set(w, (id = ids.size));
    return id;
  });
  const a = enc(words(candText)), b = enc(words(refText));
  if (!a.length && !b.length) return { order: 1, approx: false, lcs: 0, n: 0 };
  approximate = false;
  const l = lcs(a, b);
  return { order: (2 * l) / (a.length + b.length), approx: approximate, lcs: l, n: a.length + b.length };
}

// MARK: running pith

function runPith(file, pw) {
  const argv = [file, '--meta', '--warnings'];
  if (pw) argv.push('--password', pw);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cli, argv, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const err = r.stderr ?? '';
  const units = /format pdf, (\d+) units/.exec(err);
  const warnings = (err.match(/: warning /g) ?? []).length;
  const failure = err.split('\n').find((l) => /PITH_E_|error/i.test(l) && !/warning/.test(l));
  let st = r.status === 0 ? 'ok' : r.signal ? `killed ${r.signal}` : `exit ${r.status}`;
  if (r.status !== 0 && failure) st += ` (${failure.replace(file + ': ', '').slice(0, 60)})`;
  return { text: r.stdout ?? '', ms, pages: units ? +units[1] : 0, status: st, ok: r.status === 0, warnings };
}

// MARK: main

if (!existsSync(cli)) {
  console.error(`pith CLI not found at ${cli} (build it: ninja -C build/native)`);
  process.exit(2);
}
const files = readdirSync(`${corpusRoot}/pdf`).filter((f) => f.endsWith('.pdf')).sort()
  .filter((f) => !only || f.includes(only));
const rows = [];
for (const f of files) {
  const rel = `pdf/${f}`;
  const refPath = `${refDir}/${f}.txt`;
  const st = status.get(rel);
  const hasRef = existsSync(refPath) && (!st || st.pdftotext_exit_code === '0');
  const ref = hasRef ? readFileSync(refPath, 'utf8') : '';
  const run = runPith(`${corpusRoot}/pdf/${f}`, password(rel));
  const f1 = hasRef ? wordF1(run.text, ref) : null;
  const wo = hasRef ? wordOrder(run.text, ref) : null;
  const feat = features.get(rel) ?? {};
  rows.push({
    file: f, refNote: refNotes.get(f) ?? '', pages: run.pages, f1: f1?.f1 ?? null, precision: f1?.precision ?? null,
    recall: f1?.recall ?? null, words: f1?.candidate ?? words(run.text).length,
    refWords: f1?.reference ?? null, order: wo?.order ?? null, orderApprox: wo?.approx ?? false,
    lcs: wo?.lcs ?? 0, orderN: wo?.n ?? 0, ms: run.ms, status: run.status, ok: run.ok,
    warnings: run.warnings, hasRef, note: notes.get(rel) ?? '',
    encrypted: /yes|encrypted/.test((feat.encrypted ?? '') + (feat.structure_flags ?? '')),
    fonts: feat['font_types(pdffonts)'] ?? '',
  });
  if (show && f.includes(show)) {
    const cand = new Map();
    for (const w of words(run.text)) cand.set(w, (cand.get(w) ?? 0) + 1);
    const refc = new Map();
    for (const w of words(ref)) refc.set(w, (refc.get(w) ?? 0) + 1);
    const miss = [...refc].filter(([w, n]) => (cand.get(w) ?? 0) < n).map(([w, n]) => `${w}×${n - (cand.get(w) ?? 0)}`);
    const extra = [...cand].filter(([w, n]) => (refc.get(w) ?? 0) < n).map(([w, n]) => `${w}×${n - (refc.get(w) ?? 0)}`);
    console.log(`--- ${f}: missing ${miss.length}: ${miss.slice(0, 80).join(' ')}`);
    console.log(`--- ${f}: extra ${extra.length}: ${extra.slice(0, 80).join(' ')}`);
  }
}

// MARK: report

const pad = (s, n) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
const lpad = (s, n) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const fmt = (v, d = 3) => (v === null ? '   -' : v.toFixed(d));
console.log(`pith: ${cli}`);
console.log(`${pad('file', 58)} ${lpad('pages', 5)} ${lpad('F1', 6)} ${lpad('order', 7)} ${lpad('words', 7)} ${lpad('ref', 7)} ${lpad('ms', 8)} ${lpad('ms/pg', 6)} status`);
for (const r of rows) {
  console.log(`${pad(r.file, 58)} ${lpad(String(r.pages), 5)} ${lpad(fmt(r.f1), 6)} ${lpad(fmt(r.order) + (r.orderApprox ? '~' : ' '), 7)} ${lpad(String(r.words), 7)} ${lpad(r.refWords === null ? '-' : String(r.refWords), 7)} ${lpad(r.ms.toFixed(1), 8)} ${lpad(r.pages ? (r.ms / r.pages).toFixed(1) : '-', 6)} ${r.status}${r.hasRef ? '' : ' (no reference)'}`);
  const note = refNotes.get(r.file);
  if (note) console.log(`    note: ${note.length > 160 ? note.slice(0, 157) + '...' : note}`);
}

const scored = rows.filter((r) => r.hasRef && r.f1 !== null);
// Files whose reference is empty (no text layer) and pith's output is empty too count as a
// match (F1 = 1 by f1.mjs's definition).
function view(list) {
  const good = list.filter((r) => r.f1 >= 0.95), bad = list.filter((r) => r.f1 < 0.8);
  const totL = list.reduce((s, r) => s + r.lcs, 0), totN = list.reduce((s, r) => s + r.orderN, 0);
  return {
    n: list.length, good, bad, order: totN ? (2 * totL) / totN : 1,
    meanOrder: list.reduce((s, r) => s + r.order, 0) / Math.max(1, list.length),
  };
}
const all = view(scored);
const kept = scored.filter((r) => !refWrong(r.file));
const fair = view(kept);
const failures = rows.filter((r) => !r.ok);
const failWithRef = failures.filter((r) => r.hasRef);
const totalMs = rows.reduce((s, r) => s + r.ms, 0), totalPages = rows.reduce((s, r) => s + r.pages, 0);

function printView(v, label) {
  const pct = (100 * v.good.length / Math.max(1, v.n)).toFixed(1);
  console.log(`  [${label}] F1 >= 0.95: ${v.good.length}/${v.n} = ${pct}% (acceptance: >= 90%)`);
  console.log(`  [${label}] F1 < 0.80: ${v.bad.length}${v.bad.length ? ': ' + v.bad.map((r) => `${r.file} ${r.f1.toFixed(2)}${refWrong(r.file) ? ' (noted)' : ''}`).join(', ') : ''}`);
  console.log(`  [${label}] word order, all words: ${v.order.toFixed(3)} (acceptance: >= 0.90); mean per file: ${v.meanOrder.toFixed(3)}`);
}
console.log('\nSummary');
console.log(`  files: ${rows.length}, with reference: ${scored.length}, pages: ${totalPages}`);
printView(all, `all ${all.n} files`);
printView(fair, `${fair.n} files, ${all.n - fair.n} noted "pdftotext is wrong" left out`);
console.log(`  failures: ${failures.length}${failures.length ? ': ' + failures.map((r) => `${r.file} [${r.status}]`).join(', ') : ''}`);
console.log(`  failures where pdftotext succeeds: ${failWithRef.length}`);
console.log(`  time: ${totalMs.toFixed(0)} ms for ${totalPages} pages (${(totalMs / Math.max(1, totalPages)).toFixed(2)} ms/page, process start included)`);

console.log('\nNamed features (pass: F1 >= 0.95 against pdftotext, or an explicit note)');
const named = [];
for (const [name, test] of NAMED) {
  const hits = rows.filter((r) => test(r.file, r.note, r.fonts, r.encrypted));
  for (const r of hits) {
    const pass = r.ok && (r.f1 === null ? r.words > 0 : r.f1 >= 0.95);
    // a file below the line whose note shows the reference is wrong passes by its note (the
    // note names the test that checks the right text); any other note leaves it failed
    const noted = !pass && r.ok && refWrong(r.file);
    named.push({ feature: name, file: r.file, f1: r.f1, order: r.order, pass: pass || noted, noted });
    console.log(`  ${pad(name, 16)} ${pad(r.file, 56)} F1 ${fmt(r.f1)} order ${fmt(r.order)} ${pass ? 'PASS' : noted ? 'PASS (noted: pdftotext is wrong)' : 'FAIL'}${r.f1 === null ? ' (no reference: text produced ' + (r.words > 0) + ')' : ''}`);
  }
}
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify({ cli, rows, named, summary: {
    files: rows.length, scored: scored.length, good: all.good.length, bad: all.bad.map((r) => r.file),
    order: all.order, meanOrder: all.meanOrder,
    withoutNoted: { scored: fair.n, good: fair.good.length, bad: fair.bad.map((r) => r.file),
      order: fair.order, meanOrder: fair.meanOrder, left_out: scored.filter((r) => refWrong(r.file)).map((r) => r.file) },
    failures: failures.map((r) => r.file), totalMs, totalPages,
  } }, null, 1));
  console.log(`\nwritten ${jsonOut}`);
}
