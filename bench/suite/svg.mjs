// svg.mjs: the README's charts, as plain SVG written here (no plotting dependency): horizontal
// bars on a log scale, grouped by document, one color per library.
//
// A log scale because the values span five orders of magnitude (microseconds to seconds, 100 KB
// to 25 MB); each bar is labelled with its value, so nothing has to be read off the axis. A bar
// that could not be measured is a label instead ("not yet", "timeout > 90 s", "failed").

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATS } from './formats.mjs';
import { fmtMs, fmtTime } from './report.mjs';

const COLORS = {
  pith: '#e8590c',
  'pith-native': '#f59f00',
  kreuzberg: '#5c7cfa',
  pdfjs: '#15aabf',
  mupdf: '#7048e8',
  unpdf: '#40c057',
  officeparser: '#868e96',
  mammoth: '#d6336c',
  sheetjs: '#2f9e44',
  'html-to-text': '#a61e4d',
  pandoc: '#495057',
  pdftotext: '#343a40',
};
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The legend: the libraries that appear, in rows wrapped to the width (7.5 px per character
 *  is a safe upper bound for 11 px DejaVu Sans). */
function legendOf(groups, names, W) {
  const keys = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.key)))];
  let lx = 8;
  let ly = 46;
  const parts = keys.map((k) => {
    const name = names[k] ?? k;
    const w = 30 + name.length * 7.5;
    if (lx + w > W - 8) {
      lx = 8;
      ly += 16;
    }
    const s = `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${COLORS[k] ?? '#adb5bd'}"/><text x="${lx + 16}" y="${ly + 10}" class="l">${esc(name)}</text>`;
    lx += w;
    return s;
  });
  return { parts, bottom: ly + 12 };
}

/** groups: [{ label, bars: [{ key, label, value?, text, missing? }] }]; values > 0. */
export function barChart({ title, subtitle, groups, unitFmt, names }) {
  const W = 960;
  const left = 300;
  const right = 190;
  const barH = 15;
  const gap = 3;
  const groupGap = 16;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value).filter((v) => v > 0));
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const span = Math.max(1, hi - lo);
  const x = (v) => left + ((Math.log10(v) - lo) / span) * (W - left - right);
  const legend = legendOf(groups, names, W);
  const top = legend.bottom + 20;
  let y = top;
  const parts = [];
  for (const g of groups) {
    parts.push(`<text x="8" y="${y + 11}" class="g">${esc(g.label)}</text>`);
    y += 17;
    for (const b of g.bars) {
      const color = COLORS[b.key] ?? '#adb5bd';
      parts.push(`<text x="${left - 8}" y="${y + barH - 3}" class="l" text-anchor="end">${esc(b.label)}</text>`);
      if (b.value > 0) {
        const w = Math.max(1.5, x(b.value) - left);
        parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${color}"${b.missing ? ' fill-opacity="0.35"' : ''}/>`);
        parts.push(`<text x="${(left + w + 5).toFixed(1)}" y="${y + barH - 3}" class="v">${esc(b.text)}</text>`);
      } else {
        parts.push(`<text x="${left + 5}" y="${y + barH - 3}" class="m">${esc(b.text)}</text>`);
      }
      y += barH + gap;
    }
    y += groupGap;
  }
  const axisY = y;
  const grid = [];
  for (let e = lo; e <= hi; e++) {
    const gx = x(10 ** e);
    grid.push(`<line x1="${gx.toFixed(1)}" y1="${top - 6}" x2="${gx.toFixed(1)}" y2="${axisY}" class="grid"/>`);
    grid.push(`<text x="${gx.toFixed(1)}" y="${axisY + 16}" class="t" text-anchor="middle">${esc(unitFmt(10 ** e))}</text>`);
  }
  const H = axisY + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Verdana, sans-serif">
<style>.g{font-size:12px;font-weight:bold;fill:#212529}.l{font-size:11px;fill:#343a40}.v{font-size:11px;fill:#212529}.m{font-size:11px;fill:#c92a2a;font-style:italic}.t{font-size:10px;fill:#495057}.grid{stroke:#dee2e6;stroke-width:1}.h{font-size:15px;font-weight:bold;fill:#212529}.s{font-size:11px;fill:#495057}</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="8" y="20" class="h">${esc(title)}</text>
<text x="8" y="36" class="s">${esc(subtitle)}</text>
${legend.parts.join('\n')}
${grid.join('\n')}
${parts.join('\n')}
</svg>
`;
}

const ORDER = ['pith', 'pith-native', 'kreuzberg', 'pdfjs', 'mupdf', 'unpdf', 'officeparser', 'mammoth', 'sheetjs', 'html-to-text', 'pandoc', 'pdftotext'];
const byOrder = (a, b) => ORDER.indexOf(a.key) - ORDER.indexOf(b.key);
const kib = (b) => (b >= 1048576 ? `${(b / 1048576).toFixed(1)} MiB` : `${(b / 1024).toFixed(b >= 10240 ? 0 : 1)} KiB`);

export function writeCharts(r, dir) {
  const names = Object.fromEntries(r.libs.map((l) => [l.id, l.name]));
  names['pith-native'] = 'pith (native C)';
  const cli = new Set(r.libs.filter((l) => l.kind === 'cli').map((l) => l.id));
  const docLabel = (d) => `${FORMATS[d.format].label}: ${d.name}`;
  const missingText = (row) =>
    row.status === 'not-yet' ? 'not yet' : row.status === 'timeout' ? `timeout > ${fmtTime(row.atLeast)}` : `failed (${row.error?.code ?? row.status})`;

  // latency: median per call, every document, every library (native ones as whole processes)
  const latency = r.docs.map((d) => {
    const bars = r.speed
      .filter((x) => x.doc === d.name)
      .map((x) => ({
        key: x.lib,
        label: names[x.lib] + (cli.has(x.lib) ? ' (process)' : ''),
        value: x.status === 'ok' ? x.median : x.status === 'timeout' ? x.atLeast : undefined,
        missing: x.status === 'timeout' || x.partial,
        text: x.status === 'ok' ? `${x.partial ? '≥ ' : ''}${fmtTime(x.median)}` : missingText(x),
      }));
    if (r.native[d.name]) bars.push({ key: 'pith-native', label: 'pith (native C)', value: r.native[d.name].median, text: fmtTime(r.native[d.name].median) });
    return { label: docLabel(d), bars: bars.sort(byOrder) };
  });
  writeFileSync(
    join(dir, 'latency.svg'),
    barChart({
      title: 'Median time per call (log scale; shorter is better)',
      subtitle: `Same files, same run, a fresh node process per library and document. ${r.meta.date.slice(0, 10)}, Node ${r.meta.node}, ${r.meta.machine.cpus} cores.`,
      groups: latency,
      unitFmt: (v) => (v >= 1000 ? `${v / 1000} s` : `${+v.toPrecision(1)} ms`),
      names,
    }),
  );

  // download: per library, the largest set of files it needs among the formats measured
  const dl = [];
  for (const [id, per] of Object.entries(r.downloads)) {
    const seen = new Map();
    for (const [fmt, s] of Object.entries(per)) {
      if (!r.formats.includes(fmt)) continue;
      const k = s.brotli;
      if (!seen.has(k)) seen.set(k, { s, fmts: [] });
      seen.get(k).fmts.push(fmt);
    }
    for (const { s, fmts } of seen.values()) {
      const label = `${id === 'pith' ? `pith ${s.variant}` : names[id]} (${fmts.join(' ')})`;
      dl.push({ key: id, label, value: s.brotli / 1024, text: `${kib(s.brotli)} br · ${kib(s.raw)} raw` });
    }
  }
  for (const p of Object.values(r.downloads.pith ?? {})[0]?.packs ?? []) {
    const name = p.name.replace(/^.*\/|\.bin$/g, '');
    dl.push({ key: 'pith', label: `+ pith data pack ${name} (when needed)`, value: p.brotli / 1024, missing: true, text: `${kib(p.brotli)} br · ${kib(p.raw)} raw` });
  }
  writeFileSync(
    join(dir, 'download.svg'),
    barChart({
      title: 'What a browser downloads to extract text (brotli, log scale; smaller is better)',
      subtitle: 'Bundled and minified with esbuild for the browser, plus the .wasm/worker files fetched at run time; pith: its package files as shipped.',
      groups: [{ label: 'library (formats)', bars: dl.sort(byOrder) }],
      unitFmt: (v) => `${v.toLocaleString('en-US')} KiB`,
      names,
    }),
  );

  // memory: peak RSS above the empty-node baseline, per document
  const mem = r.docs.map((d) => ({
    label: docLabel(d),
    bars: r.speed
      .filter((x) => x.doc === d.name && !cli.has(x.lib))
      .map((x) => ({
        key: x.lib,
        label: names[x.lib],
        value: x.status === 'ok' ? Math.max(x.rssMiB, 0.1) : undefined,
        text: x.status === 'ok' ? `${x.rssMiB < 0.1 ? '< 0.1' : x.rssMiB.toFixed(1)} MiB${x.wasmMiB ? ` (wasm ${x.wasmMiB.toFixed(1)})` : ''}` : missingText(x),
      }))
      .sort(byOrder),
  }));
  writeFileSync(
    join(dir, 'memory.svg'),
    barChart({
      title: 'Peak memory per document (RSS above an empty node process, log scale; lower is better)',
      subtitle: 'maxRSS after load and one extraction, minus the same harness with no library; wasm: linear memory held (see README).',
      groups: mem,
      unitFmt: (v) => `${+v.toPrecision(1)} MiB`,
      names,
    }),
  );
}
