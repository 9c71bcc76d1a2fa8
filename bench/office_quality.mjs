// office_quality.mjs: word F1 of pith's text output against the corpus's reference texts, for
// the office formats (DOCX, XLSX, PPTX, ODT, ODS, ODP, EPUB). Printed, never asserted.
//
//   node bench/office_quality.mjs [PITH_BIN] [--formats docx,xlsx] [--json out.json]
//                                 [--corpus DIR] [--show FILE] [--args "--markdown"]
//
// PITH_BIN is the native CLI (default build/native/pith), run once per file with the file's path
// (text output unless --args says otherwise). References: ../shared/corpus/reference/<tool>/
// <format>/<file>.txt for tool in libreoffice, docx2txt, xlsx2csv, odt2txt; a reference whose
// tool failed (reference/libreoffice/STATUS.tsv result != ok, reference/OFFICE_STATUS.tsv exit
// code != 0) is left out. Per file: F1 (precision/recall) against each reference and the time
// of the call. Per format: the mean F1 against each tool, the mean of each file's best F1 over
// its references, and the files whose best F1 is below 0.90 (with the note of NOTES below when
// the reference is the one that is wrong). --show FILE lists the words pith lacks and adds
// against each reference. Score: bench/lib/f1.mjs, the same as every other quality report.
//
// A second score, "body", runs the CLI with --json and leaves out the sections of kind header,
// footer, footnote, endnote, comment and notes: the reference tools (LibreOffice's text export,
// docx2txt) leave those parts out, while pith emits them as the issue asks, so the full score
// counts them as extra words. Both are printed; the full one is the headline.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wordF1, words } from './lib/f1.mjs';
import { parseArgs } from './lib/args.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const { opt, positional } = parseArgs();
const corpus = opt('--corpus', `${root}../shared/corpus`);
const ALL = ['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub'];
const formats = opt('--formats', ALL.join(',')).split(',').filter(Boolean);
const jsonOut = opt('--json', null);
const show = opt('--show', null);
const extraArgs = opt('--args', '').split(' ').filter(Boolean);
const bin = positional()[0] ?? `${root}build/native/pith`;
const TOOLS = ['libreoffice', 'docx2txt', 'xlsx2csv', 'odt2txt'];
const ASIDE = new Set(['header', 'footer', 'footnote', 'endnote', 'comment', 'notes']);

// The text of pith's JSON Lines output without the ASIDE sections.
/** The reference tools mark sheets with lines of their own making — LibreOffice's CSV export
 *  "=== sheet: NAME ===", xlsx2csv's "-------- N - NAME" — whose words ("sheet", the number)
 *  are not in the document; reduce them to NAME, which pith prints as the sheet's heading. */
function sheetHeaders(text) {
  return text
    .replace(/^=== sheet: (.*) ===$/gm, '$1')
    .replace(/^-------- \d+ - (.*)$/gm, '$1');
}

function bodyText(jsonl) {
  const out = [];
  const walk = (v, inAside) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, inAside));
    if (!v || typeof v !== 'object') return;
    const aside = inAside || (v.type === 'section' && ASIDE.has(v.kind));
    if (v.type === 'meta' || v.type === 'document' || v.type === 'unit') return;
    if (v.type === 'list' && v.ordered && Array.isArray(v.items)) {
      // the text output numbers ordered items; JSON keeps the number in "start" only
      v.items.forEach((it, i) => { if (!aside) out.push(`${(v.start ?? 1) + i}.`); walk(it, aside); });
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'links') continue; // the link texts again
      if (k === 'text' && typeof x === 'string') { if (!aside) out.push(x); }
      else if (typeof x === 'object') walk(x, aside);
    }
  };
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    try { walk(JSON.parse(line), false); } catch { /* a cut line: skip */ }
  }
  return out.join('\n');
}

// Files whose low score is the reference's fault, checked by hand (file -> tool -> why).
const NOTES = {
  'kreuzberg__textbox.docx': 'LibreOffice\'s text export leaves out text boxes (its reference is the title only); docx2txt reads both branches of each mc:AlternateContent, so every box comes twice; pith reads one branch',
  'mammoth__comments.docx': 'the references leave out comments; pith emits them in a comment section (body-only F1 is 1.0)',
  'mammoth__endnotes.docx': 'the references leave out endnotes (LibreOffice prints their marks "i", "ii"); body-only F1 vs docx2txt is 1.0',
  'mammoth__footnotes.docx': 'the references leave out footnotes (LibreOffice prints their marks "1", "2"); body-only F1 vs docx2txt is 1.0',
  'pydocx__comments-rich-para.docx': 'the references leave out comments; pith emits them in a comment section',
  'tika__testWORD_sdtInTextBox.docx': 'LibreOffice leaves out the text box; docx2txt reads both mc:AlternateContent branches (the box twice)',
  'poi__delins.docx': 'both references keep tracked deletions (w:del/w:delText); the issue asks for them dropped',
  'poi__HeaderFooterUnicode.docx': 'the references leave out headers and footers; body-only F1 is 1.0',
  'tika__testAltChunkHTML.docx': 'the body is one w:altChunk (word/htmlDoc.html): LibreOffice\'s export leaves it out (empty reference) and docx2txt prints document.xml\'s markup; pith gives the HTML part\'s text (checked by hand with unzip)',
  'pypptx__prs-notes.pptx': 'the slide text is empty and all words are speaker notes, which LibreOffice\'s export leaves out (body-only F1 1.0)',
  'pypptx__sld-notes.pptx': 'speaker notes only, left out by LibreOffice (body-only F1 1.0)',
  'poi__SampleShow.pptx': 'the missing words are speaker notes, left out by LibreOffice (body-only F1 1.0)',
  'kreuzberg__powerpoint_sample.pptx': 'speaker notes left out by LibreOffice (body-only 0.919); the reference also splits "l1" into "l 1"',
  'poi__with_japanese.pptx': 'a zero-height text box centred on the slide\'s top edge: LibreOffice\'s rendering clips its text, the XML has it',
  'tika__testPPT_various.pptx': 'the same zero-height text box clipped by LibreOffice\'s rendering; the text is in the slide XML',
  'pypptx__cht-charts.pptx': 'the reference\'s extra words are the chart axis ticks 0-6, which only a renderer produces',
  'tika__testPPT_diagramData.pptx': 'the reference splits words at line wraps ("Presiden t", "Marketin g")',
  'tika__testODFwithOOo3.odt': 'LibreOffice leaves out the footnote and the shape text "A rectangle" and keeps a tracked deletion glued on ("difficultcomplex"); body-only F1 0.960',
};

// Reference outputs the tools failed to produce (their text is an error message or empty).
function failedRefs() {
  const bad = new Set();
  const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(1) : []);
  for (const line of read(`${corpus}/reference/libreoffice/STATUS.tsv`)) {
    const [path, , result] = line.split('\t');
    if (path && result !== 'ok') bad.add(`libreoffice:${path}`);
  }
  for (const line of read(`${corpus}/reference/OFFICE_STATUS.tsv`)) {
    const [path, tool, code] = line.split('\t');
    if (path && code !== '0') bad.add(`${tool}:${path}`);
  }
  return bad;
}

function diff(mine, ref) {
  const have = new Map();
  for (const w of words(mine)) have.set(w, (have.get(w) ?? 0) + 1);
  const missing = [];
  for (const w of words(ref)) {
    const n = have.get(w);
    if (n) have.set(w, n - 1);
    else missing.push(w);
  }
  const extra = [...have].filter(([, n]) => n > 0).flatMap(([w, n]) => Array(Math.min(n, 3)).fill(w));
  return { missing, extra };
}

if (!existsSync(bin)) {
  console.error(`office_quality: ${bin} not found (build it, or pass the CLI's path)`);
  process.exit(2);
}
const bad = failedRefs();
const results = [];
console.log(`# Office quality: ${bin} ${extraArgs.join(' ')} vs reference texts (word F1)`);
console.log(`corpus ${corpus}\n`);
for (const fmt of formats) {
  const dir = `${corpus}/${fmt}`;
  if (!existsSync(dir)) continue;
  // the xlsx folder holds an .xlsm too: every regular file of the folder counts
  const names = readdirSync(dir).filter((n) => !n.startsWith('.') && statSync(`${dir}/${n}`).isFile()).sort();
  console.log(`## ${fmt}\n`);
  console.log(`| file | bytes | ms | status | ${TOOLS.map((t) => `F1 ${t}`).join(' | ')} | best | body best |`);
  console.log(`|---|---:|---:|---|${TOOLS.map(() => '---:').join('|')}|---:|---:|`);
  for (const name of names) {
    const path = `${dir}/${name}`;
    const t0 = performance.now();
    const run = spawnSync(bin, [...extraArgs, path], { maxBuffer: 1 << 30, encoding: 'utf8', timeout: 120000 });
    const ms = performance.now() - t0;
    const text = run.stdout ?? '';
    const status = run.status === 0 ? 'ok' : `exit ${run.status ?? run.signal}: ${(run.stderr ?? '').split('\n')[0].slice(0, 80)}`;
    const row = { format: fmt, file: name, bytes: statSync(path).size, ms, status, f1: {}, best: null, body: null };
    const js = spawnSync(bin, ['--json', path], { maxBuffer: 1 << 30, encoding: 'utf8', timeout: 120000 });
    const body = bodyText(js.stdout ?? '');
    for (const tool of TOOLS) {
      const ref = `${corpus}/reference/${tool}/${fmt}/${name}.txt`;
      if (!existsSync(ref) || bad.has(`${tool}:${fmt}/${name}`)) continue;
      const refText = sheetHeaders(readFileSync(ref, 'utf8'));
      const r = wordF1(text, refText);
      row.f1[tool] = r;
      if (row.best === null || r.f1 > row.best.f1) row.best = { tool, f1: r.f1 };
      const b = wordF1(body, refText).f1;
      if (row.body === null || b > row.body.f1) row.body = { tool, f1: b };
      if (show === name) {
        const d = diff(text, refText);
        console.log(`\n${name} vs ${tool}: P ${r.precision.toFixed(3)} R ${r.recall.toFixed(3)}` +
          `\n  missing (${d.missing.length}): ${d.missing.slice(0, 120).join(' ')}` +
          `\n  extra (${d.extra.length}): ${d.extra.slice(0, 120).join(' ')}\n`);
      }
    }
    results.push(row);
    const cell = (tool) => {
      const r = row.f1[tool];
      return r ? `${r.f1.toFixed(3)} (${r.precision.toFixed(2)}/${r.recall.toFixed(2)})` : '';
    };
    console.log(`| ${name} | ${row.bytes} | ${ms.toFixed(1)} | ${status} | ${TOOLS.map(cell).join(' | ')} | ` +
      `${row.best ? row.best.f1.toFixed(3) : 'no reference'} | ${row.body ? row.body.f1.toFixed(3) : ''} |`);
  }
  console.log('');
}

const summary = {};
console.log('## Summary (mean of per-file F1)\n');
console.log(`| format | files | scored | ${TOOLS.map((t) => `mean ${t}`).join(' | ')} | mean best | mean body best | mean best, noted out | below 0.90 (best) | below 0.90 (body best) |`);
console.log(`|---|---:|---:|${TOOLS.map(() => '---:').join('|')}|---:|---:|---:|---|---|`);
for (const fmt of formats) {
  const rows = results.filter((r) => r.format === fmt);
  if (!rows.length) continue;
  const scored = rows.filter((r) => r.best);
  const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const perTool = {};
  for (const tool of TOOLS) {
    const xs = rows.filter((r) => r.f1[tool]).map((r) => r.f1[tool].f1);
    perTool[tool] = xs.length ? { mean: mean(xs), files: xs.length } : null;
  }
  const best = mean(scored.map((r) => r.best.f1));
  const below = scored.filter((r) => r.best.f1 < 0.9).map((r) => ({
    file: r.file, f1: r.best.f1, note: NOTES[r.file] ?? null,
  }));
  const bodyMean = mean(scored.map((r) => r.body.f1));
  // The issue's acceptance reads the overall figure with the files whose note shows the
  // reference is the one that is wrong set apart (as bench/pdf_quality.mjs does for PDF).
  const unnoted = scored.filter((r) => !NOTES[r.file]);
  const unnotedMean = mean(unnoted.map((r) => r.best.f1));
  const bodyBelow = scored.filter((r) => r.body.f1 < 0.9).map((r) => ({ file: r.file, f1: r.body.f1, note: NOTES[r.file] ?? null }));
  summary[fmt] = { files: rows.length, scored: scored.length, perTool, meanBest: best, below, meanBody: bodyMean, bodyBelow,
    meanBestUnnoted: unnotedMean, unnoted: unnoted.length };
  const fmtTool = (t) => (perTool[t] ? `${perTool[t].mean.toFixed(3)} (${perTool[t].files})` : '');
  console.log(`| ${fmt} | ${rows.length} | ${scored.length} | ${TOOLS.map(fmtTool).join(' | ')} | ` +
    `${best === null ? '' : best.toFixed(3)} | ${bodyMean === null ? '' : bodyMean.toFixed(3)} | ` +
    `${unnotedMean === null ? '' : `${unnotedMean.toFixed(3)} (${unnoted.length})`} | ` +
    `${below.map((b) => `${b.file} ${b.f1.toFixed(3)}${b.note ? ' (note)' : ''}`).join(', ')} | ` +
    `${bodyBelow.map((b) => `${b.file} ${b.f1.toFixed(3)}${b.note ? ' (note)' : ''}`).join(', ')} |`);
}
console.log('\nacceptance (each format >= 0.97 overall with noted files set apart; no file below 0.90 without a note):');
for (const [fmt, x] of Object.entries(summary)) {
  if (!x.scored) {
    console.log(`- ${fmt}: no reference text in the corpus (its text is checked by phrases in tests/c/test_${fmt}.c)`);
    continue;
  }
  const bare = x.below.filter((b) => !b.note);
  const ok = x.meanBestUnnoted !== null && x.meanBestUnnoted >= 0.97 && bare.length === 0;
  console.log(`- ${fmt}: ${ok ? 'met' : 'MISSED'} (mean best ${x.meanBestUnnoted?.toFixed(3) ?? '-'} over ${x.unnoted} un-noted files` +
    `${bare.length ? `; below 0.90 without a note: ${bare.map((b) => b.file).join(', ')}` : ''})`);
}
const noted = Object.entries(NOTES).filter(([f]) => results.some((r) => r.file === f));
if (noted.length) {
  console.log('\nnotes:');
  for (const [f, why] of noted) console.log(`- ${f}: ${typeof why === 'string' ? why : JSON.stringify(why)}`);
}
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify({ bin, args: extraArgs, corpus, results, summary }, null, 1));
  console.log(`\nwrote ${jsonOut}`);
}
