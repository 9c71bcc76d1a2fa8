// report.mjs: the tables, from a results object (bench/results/latest.json): printed to the
// terminal, and as Markdown for bench/README.md's results section. Also judges the issue's goals.
//
// Every ratio is computed from figures of the same run: "pith ×" is the peer's median over
// pith's median on the same document (above 1: pith is faster). A peer that timed out gives a
// lower bound (≥); a format pith does not read yet says "not yet", and a failure shows its code.

import { FORMATS } from './formats.mjs';

const LIB_ORDER = ['pith', 'pith-native', 'kreuzberg', 'pdfjs', 'mupdf', 'unpdf', 'officeparser', 'mammoth', 'sheetjs', 'html-to-text', 'pandoc', 'pdftotext'];

export function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 1 : 2)} s`;
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(2);
}
/** A duration with its unit: "0.066 ms", "24.3 ms", "6.11 s". */
export function fmtTime(ms) {
  const s = fmtMs(ms);
  return s.endsWith(' s') ? s : `${s} ms`;
}
const fmtX = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtKiB = (b) => (b === undefined ? '' : b >= 10240 ? `${Math.round(b / 1024).toLocaleString('en-US')}` : (b / 1024).toFixed(1));
const fmtMiB = (m) => (m === undefined || m === null ? '' : m < 0.05 ? '< 0.1' : m >= 100 ? m.toFixed(0) : m.toFixed(1));
const fmtF1 = (f) => (f === undefined || f === null ? '' : f.toFixed(3));
const fmtBytes = (b) => (b >= 1048576 ? `${(b / 1048576).toFixed(1)} MB` : b >= 1024 ? `${(b / 1024).toFixed(b >= 10240 ? 0 : 1)} KB` : `${b} B`);

const libName = (r, id) => (id === 'pith-native' ? 'pith (native C)' : r.libs.find((l) => l.id === id)?.name ?? id);
const libLabel = (r, id) => {
  const l = r.libs.find((x) => x.id === id);
  return l?.version && id !== 'pith' ? `${l.name} ${l.version}` : libName(r, id);
};
const byOrder = (a, b) => LIB_ORDER.indexOf(a) - LIB_ORDER.indexOf(b);

/** The pith row of a document, and the ratio a peer row gets against it. */
function ratioCell(pith, row) {
  if (row.lib === 'pith') return '';
  if (!pith || pith.status === 'not-yet') return 'pith not yet';
  if (pith.status !== 'ok') return `pith ${pith.status}`;
  if (row.status === 'timeout') return `≥ ${fmtX(row.atLeast / pith.median)}×`;
  if (row.status !== 'ok') return `peer ${row.status}`;
  return `${row.partial ? '≥ ' : ''}${fmtX(row.median / pith.median)}×`;
}

function statusCell(row) {
  if (row.status === 'not-yet') return 'not yet';
  if (row.status === 'timeout') return `timeout > ${fmtMs(row.atLeast)}`;
  if (row.status === 'error') return `FAILED ${row.error?.code ?? ''}`.trim();
  return '';
}

/** Rows of [cells] per format: the speed table. */
export function speedTable(r, fmt) {
  const head = ['document', 'library', 'load ms', 'first call ms', 'median ms (min–max)', 'MB/s', 'peak MiB', 'wasm MiB', 'download KiB (br)', 'F1', 'pith ×'];
  const rows = [];
  for (const doc of r.docs.filter((d) => d.format === fmt)) {
    const rs = r.speed.filter((x) => x.doc === doc.name).sort((a, b) => byOrder(a.lib, b.lib));
    const pith = rs.find((x) => x.lib === 'pith');
    const docLabel = `${doc.name} (${fmtBytes(doc.bytes)}${doc.pages ? `, ${doc.pages} p.` : ''})`;
    for (const row of rs) {
      const dl = r.downloads[row.lib]?.[fmt]?.brotli;
      const st = statusCell(row);
      const cli = r.libs.find((l) => l.id === row.lib)?.kind === 'cli';
      rows.push([
        docLabel,
        libLabel(r, row.lib),
        cli ? '—' : fmtMs(row.load),
        st && row.status !== 'ok' ? st : fmtMs(row.first),
        row.status === 'ok' ? `${row.partial ? '≥ ' : ''}${fmtMs(row.median)} (${fmtMs(row.min)}–${fmtMs(row.max)})${cli ? ' proc' : ''}` : st,
        row.status === 'ok' ? (doc.bytes / 1e6 / (row.median / 1000)).toFixed(row.median > 100 ? 2 : 1) : '',
        row.status === 'ok' ? `${fmtMiB(row.rssMiB)}${cli && row.rssMiB ? ' proc' : ''}` : '',
        row.status === 'ok' ? fmtMiB(row.wasmMiB) : '',
        cli ? 'native' : fmtKiB(dl),
        row.status === 'ok' ? fmtF1(row.f1) : '',
        ratioCell(pith, row),
      ]);
    }
    const nat = r.native[doc.name];
    if (nat) {
      const wasmNative = pith?.status === 'ok' ? ` (wasm ${fmtX(pith.median / nat.median)}× native)` : '';
      rows.push([docLabel, 'pith (native C)', '—', '', `${fmtMs(nat.median)} (min ${fmtMs(nat.min)})`, (doc.bytes / 1e6 / (nat.median / 1000)).toFixed(1), '', '', 'native', '', wasmNative.trim()]);
    }
  }
  return { head, rows };
}

export function downloadTable(r) {
  const head = ['library', 'formats', 'raw KiB', 'gzip KiB', 'brotli KiB', 'what is fetched'];
  const rows = [];
  const seen = new Set();
  for (const id of Object.keys(r.downloads).sort(byOrder)) {
    for (const [fmt, s] of Object.entries(r.downloads[id])) {
      const key = `${id}:${s.raw}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const fmts = Object.entries(r.downloads[id]).filter(([, x]) => x.raw === s.raw).map(([f]) => f).filter((f) => r.formats.includes(f));
      if (!fmts.length) continue;
      rows.push([
        id === 'pith' ? `pith ${s.variant}` : libLabel(r, id),
        fmts.join(' '),
        fmtKiB(s.raw),
        fmtKiB(s.gzip),
        fmtKiB(s.brotli),
        s.files.map((f) => `${f.name.replace(/^.*node_modules\//, '')} ${fmtKiB(f.raw)}`).join(' + ') + (s.note ? ` (${s.note})` : ''),
      ]);
      void fmt;
    }
  }
  const packs = Object.values(r.downloads.pith ?? {})[0]?.packs ?? [];
  for (const p of packs) {
    rows.push([`pith data pack ${p.name.replace(/^.*\/|\.bin$/g, '')}`, 'only for documents that need it', fmtKiB(p.raw), fmtKiB(p.gzip), fmtKiB(p.brotli), p.name]);
  }
  return { head, rows };
}

export function loadTable(r) {
  const head = ['library', 'load + instantiate ms, median (min–max)', 'runs', 'peak MiB after load'];
  const rows = Object.entries(r.load)
    .sort(([a], [b]) => byOrder(a.split(':')[0], b.split(':')[0]))
    .map(([k, v]) => [k.startsWith('pith:') ? `pith ${k.slice(5)}` : libLabel(r, k), `${fmtMs(v.median)} (${fmtMs(v.min)}–${fmtMs(v.max)})`, String(v.n), fmtMiB(v.rssMiB)]);
  return { head, rows };
}

export function batchTable(r) {
  const head = ['set', 'library', 'how', '10 documents ms, median (min–max)', 'per document ms', 'pith ×'];
  const rows = [];
  for (const set of [...new Set(r.batch.map((b) => b.set))]) {
    const rs = r.batch.filter((b) => b.set === set).sort((a, b) => byOrder(a.lib, b.lib));
    const pithBest = rs.filter((b) => b.lib === 'pith' && b.status === 'ok').sort((a, b) => a.median - b.median)[0];
    for (const b of rs) {
      const st = b.status === 'ok' ? `${b.partial ? '≥ ' : ''}${fmtMs(b.median)} (${fmtMs(b.min)}–${fmtMs(b.max)})` : b.status === 'timeout' ? `timeout > ${fmtMs(b.atLeast)}` : b.status === 'not-yet' ? 'not yet' : `FAILED ${b.error?.code ?? ''}`;
      let ratio = '';
      if (b.lib !== 'pith') {
        if (!pithBest) ratio = 'pith not yet';
        else if (b.status === 'ok') ratio = `${b.partial ? '≥ ' : ''}${fmtX(b.median / pithBest.median)}×`;
        else if (b.status === 'timeout') ratio = `≥ ${fmtX(b.atLeast / pithBest.median)}×`;
      }
      rows.push([`${set} (10 × ~${fmtBytes(b.bytes / 10)})`, libLabel(r, b.lib), b.how === 'batch' ? (b.lib === 'pith' ? 'extractBatch' : 'batch API') : b.how === 'workers' ? 'worker pool' : 'one call each', st, b.status === 'ok' ? fmtMs(b.median / b.docs) : '', ratio]);
    }
  }
  return { head, rows };
}

/** Per format and library: files ok, mean F1 over the files every participating library read,
 *  mean F1 over its own attempted files (a failure counts 0), median ms per file, failures. */
export function qualitySummary(r, fmt) {
  const q = r.quality[fmt];
  if (!q) return null;
  const files = q.files.filter((f) => !f.password);
  const libs = Object.keys(q.results).filter((id) => id !== q.reference).sort(byOrder);
  const participating = libs.filter((id) => Object.values(q.results[id]).some((x) => x.status === 'ok'));
  const common = files.filter((f) => f.refTool && participating.every((id) => q.results[id][f.rel]?.status === 'ok'));
  const out = [];
  for (const id of libs) {
    const res = q.results[id];
    const attempted = files.filter((f) => f.refTool && res[f.rel] && !['budget', 'not-yet'].includes(res[f.rel].status));
    const f1s = attempted.map((f) => (res[f.rel].status === 'ok' ? res[f.rel].f1 ?? 0 : 0));
    const commonF1 = common.map((f) => res[f.rel].f1 ?? 0);
    const counts = {};
    for (const x of Object.values(res)) counts[x.status] = (counts[x.status] ?? 0) + 1;
    const ms = Object.values(res).filter((x) => x.status === 'ok').map((x) => x.ms);
    out.push({
      lib: id,
      ok: counts.ok ?? 0,
      total: q.files.length,
      counts,
      commonN: participating.includes(id) ? common.length : 0,
      commonF1: participating.includes(id) && common.length ? commonF1.reduce((a, b) => a + b, 0) / common.length : null,
      ownN: attempted.length,
      ownF1: attempted.length ? f1s.reduce((a, b) => a + b, 0) / attempted.length : null,
      medianMs: ms.length ? ms.sort((a, b) => a - b)[ms.length >> 1] : null,
    });
  }
  return { reference: q.reference, refTools: [...new Set(q.files.map((f) => f.refTool).filter(Boolean))], rows: out, commonFiles: common.length, files: q.files.length, passwords: q.files.filter((f) => f.password).length };
}

export function qualityTable(r, fmt) {
  const s = qualitySummary(r, fmt);
  if (!s) return null;
  const head = ['library', 'files read', 'F1, common files', 'F1, own files (failure = 0)', 'median ms / file', 'not read'];
  const rows = s.rows.map((x) => {
    const bad = Object.entries(x.counts).filter(([k]) => k !== 'ok').map(([k, n]) => `${n} ${k === 'budget' ? 'not run (time budget)' : k}`).join(', ');
    const noRef = s.refTools.length ? '' : 'no reference';
    return [libLabel(r, x.lib), `${x.ok}/${x.total}`, x.commonF1 === null ? noRef : `${fmtF1(x.commonF1)} (${x.commonN})`, x.ownF1 === null ? noRef : `${fmtF1(x.ownF1)} (${x.ownN})`, fmtMs(x.medianMs ?? undefined), bad];
  });
  return { head, rows, summary: s };
}

/** Per-file F1, library by library. */
export function qualityFileTable(r, fmt) {
  const q = r.quality[fmt];
  if (!q) return null;
  const libs = Object.keys(q.results).filter((id) => id !== q.reference).sort(byOrder);
  const head = ['file', 'KB', 'ref', ...libs.map((id) => libName(r, id))];
  const short = { timeout: 'timeout', error: 'FAIL', crash: 'CRASH', budget: '—', 'not-yet': 'not yet' };
  const rows = q.files.map((f) => [
    f.rel.replace(/^[^/]+\//, '') + (f.password ? ' (password)' : ''),
    (f.bytes / 1024).toFixed(0),
    f.refTool ?? 'none',
    ...libs.map((id) => {
      const x = q.results[id][f.rel];
      if (!x) return '';
      if (x.status === 'ok') return x.f1 === undefined || x.f1 === null ? 'ok' : fmtF1(x.f1);
      return short[x.status] ?? x.status;
    }),
  ]);
  return { head, rows };
}

// MARK: - goals

/** The issue's goals, each judged on this run: { goal, status: met|missed|not yet|n/a, detail }. */
export function goals(r) {
  const out = [];
  const pithRow = (doc) => r.speed.find((x) => x.doc === doc && x.lib === 'pith');
  const ratios = (fmt, peer) => {
    const xs = [];
    for (const d of r.docs.filter((d) => d.format === fmt)) {
      const p = pithRow(d.name);
      const q = r.speed.find((x) => x.doc === d.name && x.lib === peer);
      if (!q) continue;
      if (!p || p.status !== 'ok') return { notYet: true };
      if (q.status === 'ok') xs.push({ doc: d.name, x: q.median / p.median });
      else if (q.status === 'timeout') xs.push({ doc: d.name, x: q.atLeast / p.median, lower: true });
    }
    return { xs };
  };
  const speedGoal = (peer, fmts, want) => {
    for (const fmt of fmts) {
      if (!r.formats.includes(fmt)) continue;
      const { xs, notYet } = ratios(fmt, peer);
      const goal = `per call ≥ ${want}× faster than ${libName(r, peer)} on ${FORMATS[fmt].label}`;
      if (notYet) out.push({ goal, status: 'not yet', detail: `pith has no ${FORMATS[fmt].label} handler yet` });
      else if (!xs?.length) out.push({ goal, status: 'n/a', detail: 'no measurement' });
      else {
        const worst = xs.reduce((a, b) => (a.x < b.x ? a : b));
        out.push({ goal, status: worst.x >= want ? 'met' : 'missed', detail: xs.map((x) => `${x.doc} ${x.lower ? '≥ ' : ''}${fmtX(x.x)}×`).join(', ') });
      }
    }
  };
  speedGoal('kreuzberg', ['html', 'md'], 100);
  speedGoal('kreuzberg', ['pdf', 'docx'], 10);
  speedGoal('mupdf', ['pdf'], 3);
  speedGoal('pdfjs', ['pdf'], 10);
  speedGoal('mammoth', ['docx'], 10);
  speedGoal('sheetjs', ['xlsx'], 10);

  const dl = (id, fmt) => r.downloads[id]?.[fmt]?.brotli;
  for (const [peer, want] of [['kreuzberg', 20], ['mupdf', 20], ['pdfjs', 20], ['officeparser', 20], ['html-to-text', 1], ['mammoth', 1]]) {
    const fmts = Object.keys(r.downloads[peer] ?? {}).filter((f) => r.formats.includes(f));
    if (!fmts.length) continue;
    const xs = fmts.map((f) => ({ f, x: dl(peer, f) / dl('pith', f), ready: r.meta.pith.formats[r.meta.pith.variants[f]]?.includes(FORMATS[f].pith) }));
    const worst = xs.reduce((a, b) => (a.x < b.x ? a : b));
    const goal = want > 1 ? `download ≥ ${want}× smaller than ${libName(r, peer)}` : `download smaller than ${libName(r, peer)}`;
    const ready = xs.every((x) => x.ready);
    out.push({
      goal,
      status: worst.x >= want ? (ready ? 'met' : 'met (so far)') : 'missed',
      detail: `${[...new Set(xs.map((x) => `${fmtX(x.x)}×`))].join(', ')} (brotli)${ready ? '' : '; pith does not read all these formats yet, its size will grow'}`,
    });
  }

  // peak memory: against every peer on every document both read
  for (const fmt of r.formats) {
    const xs = [];
    let notYet = false;
    for (const d of r.docs.filter((d) => d.format === fmt)) {
      const p = pithRow(d.name);
      if (!p || p.status !== 'ok') {
        notYet = true;
        continue;
      }
      for (const q of r.speed.filter((x) => x.doc === d.name && x.lib !== 'pith' && x.status === 'ok' && x.rssMiB !== undefined && !r.libs.find((l) => l.id === x.lib && l.kind === 'cli'))) {
        xs.push({ peer: q.lib, doc: d.name, x: q.rssMiB / Math.max(p.rssMiB, 0.1) });
      }
    }
    const goal = `peak memory ≥ 5× lower on ${FORMATS[fmt].label}`;
    if (notYet) out.push({ goal, status: 'not yet', detail: `pith has no ${FORMATS[fmt].label} handler yet` });
    else if (xs.length) {
      const worst = xs.reduce((a, b) => (a.x < b.x ? a : b));
      out.push({ goal, status: worst.x >= 5 ? 'met' : 'missed', detail: `lowest: ${fmtX(worst.x)}× against ${libName(r, worst.peer)} on ${worst.doc}` });
    }
  }

  // quality: F1 over common files at least the best peer's
  for (const fmt of r.formats) {
    const s = qualitySummary(r, fmt);
    if (!s) continue;
    // a format without reference text (EML, CSV, XML, JSON) has no F1 to compare
    if (!s.refTools.length) continue;
    const goal = `F1 at least the best peer's on ${FORMATS[fmt].label}`;
    const p = s.rows.find((x) => x.lib === 'pith');
    const peers = s.rows.filter((x) => x.lib !== 'pith' && x.commonF1 !== null);
    if (!p || p.commonF1 === null) out.push({ goal, status: 'not yet', detail: `pith has no ${FORMATS[fmt].label} handler yet` });
    else if (peers.length) {
      const best = peers.reduce((a, b) => (a.commonF1 > b.commonF1 ? a : b));
      out.push({ goal, status: p.commonF1 >= best.commonF1 - 1e-9 ? 'met' : 'missed', detail: `pith ${fmtF1(p.commonF1)}, best ${libName(r, best.lib)} ${fmtF1(best.commonF1)} (${s.commonFiles} files)` });
    }
  }
  return out;
}

// MARK: - output

function textTable({ head, rows }) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(w[i])).join('  ').trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable({ head, rows }) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function printTables(r) {
  const p = (s) => console.log(s);
  p(`\npith comparison benchmark — ${r.meta.date} — Node ${r.meta.node}, ${r.meta.machine.cpus} cores${r.meta.quick ? ' (--quick)' : ''}`);
  p(`baseline (empty harness) peak RSS ${fmtMiB(r.meta.baselineRSSMiB)} MiB is subtracted from every "peak MiB"; "proc" = a whole native process\n`);
  for (const fmt of r.formats) {
    const t = speedTable(r, fmt);
    const q = qualityTable(r, fmt);
    if (!t.rows.length && !q) continue;
    // a format with no generated document (RTF, EML, XML, JSON) has only its quality table
    if (t.rows.length) {
      p(`== ${FORMATS[fmt].label}: speed`);
      p(textTable(t));
    }
    if (q) {
      p(`\n== ${FORMATS[fmt].label}: quality on the corpus (${q.summary.files} files; reference: ${q.summary.refTools.join(', ') || 'none'})`);
      p(textTable(q));
    }
    p('');
  }
  p('== load: import + instantiate in a fresh node process');
  p(textTable(loadTable(r)));
  if (r.batch.length) {
    p('\n== batch: 10 documents of ~100 KB');
    p(textTable(batchTable(r)));
  }
  p('\n== download: what a browser fetches');
  p(textTable(downloadTable(r)));
  p('\n== goals');
  p(textTable({ head: ['goal', 'status', 'measured'], rows: goals(r).map((g) => [g.goal, g.status, g.detail]) }));
}

/** The Markdown between the results markers of bench/README.md. */
export function readmeSection(r) {
  const L = [];
  L.push(`Run of ${r.meta.date.slice(0, 10)}: Node ${r.meta.node}, ${r.meta.machine.cpus} cores (${r.meta.machine.model}), ${r.meta.durationS} s in all. pith ${r.meta.pith.version}${r.meta.pith.commit ? ` (${r.meta.pith.commit})` : r.meta.pith.from ? ` (${r.meta.pith.from})` : ''}; peers: ${r.libs.filter((l) => l.id !== 'pith').map((l) => `${l.name} ${l.version}`).join(', ')}.`);
  L.push('');
  L.push('![median time per call](results/latency.svg)');
  L.push('');
  L.push('![download size](results/download.svg)');
  L.push('');
  L.push('![peak memory](results/memory.svg)');
  L.push('');
  L.push('### Goals');
  L.push('');
  L.push(mdTable({ head: ['goal', 'status', 'measured'], rows: goals(r).map((g) => [g.goal, g.status === 'met' ? '**met**' : g.status === 'missed' ? '**missed**' : g.status, g.detail]) }));
  L.push('');
  for (const fmt of r.formats) {
    const t = speedTable(r, fmt);
    const q = qualityTable(r, fmt);
    if (!t.rows.length && !q) continue;
    L.push(`### ${FORMATS[fmt].label}`);
    L.push('');
    if (t.rows.length) {
      L.push(mdTable(t));
      L.push('');
    }
    if (q) {
      L.push(`Quality on the corpus's ${q.summary.files} ${FORMATS[fmt].label} files (reference: ${q.summary.refTools.join(', ') || 'none'}${q.summary.reference ? `, which is ${libName(r, q.summary.reference)} itself` : ''}${q.summary.passwords ? `; ${q.summary.passwords} files that need a password are left out of the means` : ''}):`);
      L.push('');
      L.push(mdTable(q));
      L.push('');
      const ft = qualityFileTable(r, fmt);
      L.push(`<details><summary>F1 per file (${FORMATS[fmt].label})</summary>`);
      L.push('');
      L.push(mdTable(ft));
      L.push('');
      L.push('</details>');
      L.push('');
    }
  }
  L.push('### Load');
  L.push('');
  L.push(mdTable(loadTable(r)));
  L.push('');
  if (r.batch.length) {
    L.push('### Batch');
    L.push('');
    L.push(mdTable(batchTable(r)));
    L.push('');
  }
  L.push('### Download');
  L.push('');
  L.push(mdTable(downloadTable(r)));
  L.push('');
  return L.join('\n');
}
