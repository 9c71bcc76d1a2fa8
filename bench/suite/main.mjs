// main.mjs: the comparison benchmark (run through bench/run, which installs what it needs).
//
//   node bench/suite/main.mjs [--quick] [--formats pdf,docx] [--libs pith,pdfjs] [--no-quality]
//                             [--no-batch] [--corpus DIR] [--pith DIR [--pith-label TEXT]] [--budget SECONDS]
//
// Phases, in this order so that nothing else runs while speed is measured:
//   1. documents: bench/gen (cached) and the corpus files with their references;
//   2. download sizes (esbuild bundles, in this process);
//   3. speed: one fresh `node` per (library, document): load, first call, steady-state median of
//      runs sized to ~1 s (0.25 s with --quick), peak RSS minus the empty-harness baseline, peak
//      wasm memory, word F1; native pith (bench_native) and the native references (pandoc,
//      pdftotext) as whole processes; extra load-only processes for more load samples;
//   4. batch: 10 documents of ~100 KB, in sequence and through each library's batch API;
//   5. quality: every corpus file of every format, one call each, word F1 against the reference
//      (two processes at a time: only the per-file times, shown as a guide, share the machine).
// Writes bench/results/latest.json and the charts, prints the tables, and rewrites the results
// section of bench/README.md.

import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { generate } from '../gen/gen.mjs';
import { corpusFiles, FORMATS } from './formats.mjs';
import { LIBS, PEERS, ROOT, NOT_YET } from './libs.mjs';
import { measureDownloads } from './download.mjs';
import { median, runChild, startChild, timeCommand } from './proc.mjs';
import { wordF1 } from '../lib/f1.mjs';
import { printTables, readmeSection } from './report.mjs';
import { writeCharts } from './svg.mjs';

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const opt = (f) => {
  const i = argv.indexOf(f);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = flag('--quick');
const FMT_LIST = (opt('--formats') ?? Object.keys(FORMATS).join(',')).split(',');
const LIB_LIST = opt('--libs')?.split(',');
const CORPUS = opt('--corpus') ?? process.env.PITH_CORPUS ?? join(ROOT, '../shared/corpus');
// --quick writes beside the committed results, in results/tmp/ (ignored by git), never over them
const OUT = join(ROOT, QUICK ? 'bench/results/tmp' : 'bench/results');
// the pith to measure: this checkout, or another one's dist/ and build/ (--pith DIR)
const PITH = opt('--pith') ?? ROOT;
const CACHE = join(ROOT, 'build/bench');

// Time limits. Full: steady state ~1 s per document, a slow call is cut off at 90 s per process;
// quality gets 60 s per file and 240 s per (library, format). Quick: a quarter of that or less,
// and the 4 smallest corpus files of each format.
const T = QUICK
  ? { target: 250, maxSteady: 3000, firstCap: 3000, child: 25_000, loadRuns: 1, file: 10_000, budget: 15_000, corpusMax: 4, cliTarget: 300, cliCap: 3000 }
  : { target: 1000, maxSteady: 12_000, firstCap: 15_000, child: 90_000, loadRuns: 3, file: 60_000, budget: 240_000, corpusMax: Infinity, cliTarget: 1000, cliCap: 15_000 };

if (opt('--budget')) T.budget = Number(opt('--budget')) * 1000;

const t0 = Date.now();
const log = (s) => console.error(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const mib = (kib) => kib / 1024;

const libs = LIBS.filter((l) => !LIB_LIST || LIB_LIST.includes(l.id));
const formats = FMT_LIST.filter((f) => FORMATS[f]);
const libsFor = (fmt) => libs.filter((l) => l.formats.includes(fmt));

// MARK: - versions and variants

function version(lib) {
  if (lib.id === 'pith') return JSON.parse(readFileSync(join(PITH, 'dist/package.json'), 'utf8')).version;
  if (lib.kind === 'cli') {
    const [cmd, args, re] = lib.version;
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error) return null;
    return re.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? '?';
  }
  try {
    return JSON.parse(readFileSync(join(PEERS, 'node_modules', lib.pkg, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** The smallest pith bundle that reads each format; standard (which will answer "not yet")
 *  for a format none reads. */
async function pithVariants() {
  const out = {};
  const have = {};
  for (const v of ['minimal', 'standard']) {
    const { load } = await import(join(PITH, 'dist', v, 'pith.mjs'));
    const p = await load();
    have[v] = p.formats;
    p.dispose();
  }
  for (const f of Object.keys(FORMATS)) out[f] = have.minimal.includes(FORMATS[f].pith) ? 'minimal' : 'standard';
  return { variants: out, formats: have };
}

/** The commit measured, "+dirty" when the work tree has changes; null outside a git checkout. */
function commitOf(dir) {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const dirty = spawnSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout.trim();
  return r.stdout.trim() + (dirty ? '+dirty' : '');
}

// MARK: - main

async function main() {
  mkdirSync(OUT, { recursive: true });
  log(`pith comparison benchmark${QUICK ? ' (--quick)' : ''}: formats ${formats.join(' ')}`);

  // 1. documents
  const gen = generate({ out: join(CACHE, 'gen'), log: (s) => log(s) });
  const order = Object.keys(FORMATS);
  const speedDocs = gen.docs
    .filter((d) => !d.batch && formats.includes(d.format))
    .sort((a, b) => order.indexOf(a.format) - order.indexOf(b.format) || a.bytes - b.bytes);
  const batchSets = {};
  for (const d of gen.docs.filter((d) => d.batch && formats.includes(d.format))) (batchSets[d.batch] ??= []).push(d);
  const corpus = {};
  if (existsSync(CORPUS)) {
    for (const f of formats) {
      const files = corpusFiles(CORPUS, f, join(CACHE, 'ref')).sort((a, b) => a.bytes - b.bytes);
      corpus[f] = files.slice(0, T.corpusMax);
    }
  } else log(`corpus not found at ${CORPUS}: quality phase skipped`);

  const { variants, formats: pithFormats } = await pithVariants();
  const versions = Object.fromEntries(libs.map((l) => [l.id, version(l)]));
  const usable = libs.filter((l) => {
    if (versions[l.id] === null) log(`${l.name}: not installed, skipped`);
    return versions[l.id] !== null;
  });
  const usableFor = (fmt) => usable.filter((l) => l.formats.includes(fmt));

  // 2. downloads
  log('download sizes (esbuild bundles + fetched files)');
  const downloads = await measureDownloads({ pithVariants: variants, pithRoot: PITH });
  for (const [id, e] of Object.entries(downloads.errors)) log(`download size of ${id} failed: ${e}`);

  // 3. speed
  const base = [];
  for (let i = 0; i < 3; i++) base.push((await runChild({ mode: 'none' })).events.at(-1).maxRSS);
  const baselineKiB = median(base);
  log(`empty-harness baseline peak RSS: ${mib(baselineKiB).toFixed(1)} MiB`);

  const loadSamples = {}; // key: lib id or pith:<variant>
  const loadKey = (lib, fmt) => (lib.id === 'pith' ? `pith:${variants[fmt]}` : lib.id);
  const addLoad = (key, ev) => ev && (loadSamples[key] ??= []).push(ev.ms);

  const speed = [];
  for (const d of speedDocs) {
    for (const lib of usableFor(d.format)) {
      const row = { doc: d.name, format: d.format, bytes: d.bytes, lib: lib.id };
      if (lib.kind === 'cli') {
        const [cmd, args] = lib.cmd(d.path, d.format);
        const r = timeCommand(cmd, args, { targetMs: T.cliTarget, capMs: T.cliCap });
        if (r.error) Object.assign(row, { status: 'error', error: r.error });
        else {
          const f1 = wordF1(r.text, readFileSync(d.ref, 'utf8'));
          Object.assign(row, {
            status: 'ok',
            first: r.first,
            median: r.median,
            min: r.min,
            max: r.max,
            n: r.n,
            rssMiB: r.maxRSS_KiB ? mib(r.maxRSS_KiB) : undefined,
            rssIsWholeProcess: true,
            f1: f1.f1,
          });
        }
        speed.push(row);
        log(`${d.name} ${lib.id}: ${row.status === 'ok' ? `${row.median.toFixed(2)} ms (whole process)` : row.error.code}`);
        continue;
      }
      const job = {
        lib: lib.id,
        variant: variants[d.format],
        pithRoot: PITH,
        mode: 'speed',
        target: T.target,
        maxSteady: T.maxSteady,
        firstCap: T.firstCap,
        docs: [{ path: d.path, name: basename(d.path), format: d.format, ref: d.ref }],
      };
      const r = await runChild(job, { timeoutMs: T.child });
      const ev = (k) => r.events.find((e) => e.ev === k);
      addLoad(loadKey(lib, d.format), ev('load'));
      row.load = ev('load')?.ms;
      const s = ev('speed');
      const err = ev('error') ?? ev('fatal');
      const end = ev('end');
      if (s) {
        Object.assign(row, {
          status: 'ok',
          first: s.first,
          rssFirstMiB: mib(s.rssFirst - baselineKiB),
          median: s.median,
          min: s.min,
          max: s.max,
          n: s.n,
          chars: s.chars,
          f1: s.f1?.f1,
        });
      } else if (err) {
        Object.assign(row, { status: lib.id === 'pith' && NOT_YET.has(err.code) ? 'not-yet' : 'error', error: { code: err.code, message: err.message } });
      } else if (r.timedOut) {
        const first = ev('first');
        // timed out during the first call: all we know is a lower bound
        Object.assign(row, first
          ? { status: 'ok', first: first.ms, median: first.ms, min: first.ms, max: first.ms, n: 1, partial: true }
          : { status: 'timeout', atLeast: T.child - (row.load ?? 0) });
      } else Object.assign(row, { status: 'error', error: { code: `exit ${r.code ?? r.signal}`, message: r.stderr.slice(-300) } });
      if (end && row.status === 'ok') {
        // peak memory is that of loading plus one extraction (what a page pays for one
        // document); the peak after the steady-state loop, which mostly shows how much garbage
        // the collector let pile up, is kept as rssSteadyMiB
        row.rssMiB = row.rssFirstMiB ?? mib(end.maxRSS - baselineKiB);
        row.rssSteadyMiB = mib(end.maxRSS - baselineKiB);
        row.wasmMiB = end.wasmPeak / 1048576;
      }
      speed.push(row);
      log(`${d.name} ${lib.id}: ${row.status === 'ok' ? `${row.median.toFixed(3)} ms median, first ${row.first.toFixed(1)} ms, load ${row.load?.toFixed(0)} ms` : row.status === 'timeout' ? `timeout (> ${(row.atLeast / 1000).toFixed(0)} s)` : `${row.status} ${row.error?.code}`}`);
    }
  }

  // native pith, in one process over every speed document
  const native = {};
  const benchNative = join(PITH, 'build/native/bench/bench_native');
  if (usable.some((l) => l.id === 'pith') && existsSync(benchNative)) {
    const r = spawnSync(benchNative, ['--seconds', String(T.target / 1000), ...speedDocs.map((d) => d.path)], { encoding: 'utf8', timeout: 600_000 });
    for (const line of (r.stdout ?? '').split('\n').slice(1)) {
      const [file, bytes, med, min] = line.split('\t');
      const d = speedDocs.find((x) => x.path === file);
      if (d && med) native[d.name] = { median: Number(med) / 1000, min: Number(min) / 1000, bytes: Number(bytes) };
    }
    log(`native pith (bench_native): ${Object.keys(native).length} documents`);
  } else log('native pith: build/native/bench/bench_native not built (./setup build), skipped');

  // more load samples: fresh processes that only load
  for (const lib of usable.filter((l) => l.kind !== 'cli')) {
    const keys = lib.id === 'pith' ? [...new Set(formats.map((f) => variants[f]))].map((v) => [v, `pith:${v}`]) : [[undefined, lib.id]];
    for (const [variant, key] of keys) {
      for (let i = 0; i < T.loadRuns; i++) {
        const r = await runChild({ lib: lib.id, variant, pithRoot: PITH, mode: 'load' }, { timeoutMs: 60_000 });
        addLoad(key, r.events.find((e) => e.ev === 'load'));
        const end = r.events.find((e) => e.ev === 'end');
        if (end) ((loadSamples[`${key}#rss`] ??= [])).push(mib(end.maxRSS - baselineKiB));
      }
    }
  }
  const load = Object.fromEntries(
    Object.entries(loadSamples)
      .filter(([k]) => !k.endsWith('#rss'))
      .map(([k, xs]) => [k, { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length, rssMiB: loadSamples[`${k}#rss`] ? median(loadSamples[`${k}#rss`]) : undefined }]),
  );
  log('load samples done');

  // 4. batch
  const batch = [];
  if (!flag('--no-batch')) {
    for (const [set, docs] of Object.entries(batchSets)) {
      const fmt = docs[0].format;
      for (const lib of usableFor(fmt).filter((l) => l.kind !== 'cli')) {
        const job = {
          lib: lib.id,
          variant: variants[fmt],
          pithRoot: PITH,
          mode: 'batch',
          target: T.target,
          maxSteady: T.maxSteady,
          firstCap: T.firstCap,
          docs: docs.map((d) => ({ path: d.path, name: basename(d.path), format: d.format })),
        };
        const r = await runChild(job, { timeoutMs: T.child });
        addLoad(loadKey(lib, fmt), r.events.find((e) => e.ev === 'load'));
        const hows = lib.id === 'pith' || lib.id === 'kreuzberg' ? ['sequential', 'batch'] : ['sequential'];
        for (const how of hows) {
          const b = r.events.find((e) => e.ev === 'batch' && e.how === how);
          const err = r.events.find((e) => e.ev === 'error' && e.doc === `batch:${how}`);
          const first = r.events.find((e) => e.ev === 'batch-first' && e.how === how);
          const row = { set, format: fmt, lib: lib.id, how, docs: docs.length, bytes: docs.reduce((a, d) => a + d.bytes, 0) };
          if (b) Object.assign(row, { status: 'ok', median: b.median, min: b.min, max: b.max, n: b.n, first: b.first });
          else if (err) Object.assign(row, { status: lib.id === 'pith' && NOT_YET.has(err.code) ? 'not-yet' : 'error', error: { code: err.code, message: err.message } });
          else if (first) Object.assign(row, { status: 'ok', median: first.ms, min: first.ms, max: first.ms, n: 1, partial: true });
          else Object.assign(row, { status: r.timedOut ? 'timeout' : 'error', atLeast: T.child, error: r.timedOut ? undefined : { code: `exit ${r.code}`, message: r.stderr.slice(-300) } });
          batch.push(row);
          log(`batch ${set} ${lib.id} ${how}: ${row.status === 'ok' ? `${row.median.toFixed(1)} ms` : row.status}`);
        }
      }
      batch.push({ set, format: fmt, lib: 'pith', how: 'workers', docs: docs.length, bytes: docs.reduce((a, d) => a + d.bytes, 0), status: 'not-yet', error: { code: 'none', message: 'pith has no worker pool yet' } });
    }
  }

  // 5. quality
  const quality = {};
  if (!flag('--no-quality')) {
    const jobs = [];
    for (const fmt of formats) {
      const files = corpus[fmt] ?? [];
      if (!files.length) continue;
      quality[fmt] = { files: files.map((f) => ({ rel: f.rel, bytes: f.bytes, refTool: f.refTool, password: f.password || undefined })), results: {} };
      for (const lib of usableFor(fmt)) {
        const res = (quality[fmt].results[lib.id] = {});
        const isRef = lib.kind === 'cli' && files.every((f) => f.refTool === lib.id);
        if (isRef) {
          quality[fmt].reference = lib.id;
          continue;
        }
        jobs.push(lib.kind === 'cli' ? () => cliQuality(lib, fmt, files, res) : () => childQuality(lib, fmt, files, res, variants[fmt], addLoad, loadKey));
      }
    }
    log(`quality: ${jobs.length} (library, format) jobs, 2 at a time`);
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      while (next < jobs.length) await jobs[next++]();
    }));
  }

  const results = {
    meta: {
      date: new Date().toISOString(),
      quick: QUICK,
      durationS: Math.round((Date.now() - t0) / 1000),
      node: process.version,
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30) },
      baselineRSSMiB: mib(baselineKiB),
      limits: T,
      pith: { version: versions.pith, commit: commitOf(PITH), from: opt('--pith-label') ?? (PITH === ROOT ? undefined : PITH), variants, formats: pithFormats },
      versions,
      generated: gen.skipped,
      corpus: existsSync(CORPUS) ? CORPUS.replace(ROOT, '.') : null,
    },
    formats,
    libs: usable.map((l) => ({ id: l.id, name: l.name, kind: l.kind ?? 'js', formats: l.formats, version: versions[l.id] })),
    docs: speedDocs.map((d) => ({ name: d.name, format: d.format, bytes: d.bytes, pages: d.pages })),
    downloads: downloads.sizes,
    downloadErrors: downloads.errors,
    load,
    speed,
    native,
    batch,
    quality,
  };
  writeFileSync(join(OUT, 'latest.json'), JSON.stringify(results, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(5)) : v), 1) + '\n');
  printTables(results);
  writeCharts(results, OUT);
  writeReadme(results);
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${OUT.replace(`${ROOT}/`, '')}/latest.json and *.svg${QUICK ? '' : ', bench/README.md'}`);
}

/** One library over a format's corpus files in child processes: a file that takes longer than
 *  T.file is killed and marked, and the next child resumes after it; past the (library, format)
 *  budget the remaining files are marked "not run". */
async function childQuality(lib, fmt, files, res, variant, addLoad, loadKey) {
  const start = Date.now();
  let i = 0;
  while (i < files.length) {
    if (Date.now() - start > T.budget) {
      for (; i < files.length; i++) res[files[i].rel] = { status: 'budget' };
      break;
    }
    const rest = files.slice(i);
    let current = null;
    let timer = null;
    const h = startChild(
      { lib: lib.id, variant, pithRoot: PITH, mode: 'quality', docs: rest.map((f) => ({ path: f.path, name: f.name, rel: f.rel, format: fmt, ref: f.ref })) },
      {
        timeoutMs: T.budget + T.file,
        onEvent(ev) {
          if (ev.ev === 'load') addLoad(loadKey(lib, fmt), ev);
          if (ev.ev === 'start') {
            current = ev.doc;
            clearTimeout(timer);
            const left = T.budget - (Date.now() - start);
            timer = setTimeout(() => h.kill(), Math.max(1000, Math.min(T.file, left + 1000)));
          }
          if (ev.ev === 'quality') {
            clearTimeout(timer);
            current = null;
            const r = ev.error
              ? { status: lib.id === 'pith' && NOT_YET.has(ev.error.code) ? 'not-yet' : 'error', ms: ev.ms, error: ev.error }
              : { status: 'ok', ms: ev.ms, chars: ev.chars, f1: ev.f1?.f1, precision: ev.f1?.precision, recall: ev.f1?.recall };
            res[ev.doc] = r;
          }
        },
      },
    );
    const r = await h.done;
    clearTimeout(timer);
    if (current) {
      const over = Date.now() - start > T.budget;
      res[current] = over ? { status: 'budget' } : r.killed || r.timedOut ? { status: 'timeout', atLeast: T.file } : { status: 'crash', error: { code: `exit ${r.code ?? r.signal}`, message: r.stderr.slice(-300) } };
    }
    const fatal = r.events.find((e) => e.ev === 'fatal');
    if (fatal && !current) {
      for (const f of rest) res[f.rel] ??= { status: 'error', error: { code: fatal.code, message: fatal.message } };
    }
    // resume after the last file that has a result; a child that died before its first file
    // (killed by the system, say) costs that file, so the loop always moves on
    const before = i;
    while (i < files.length && res[files[i].rel]) i++;
    if (i === before) {
      res[files[i].rel] = { status: 'crash', error: { code: `exit ${r.code ?? r.signal}`, message: r.stderr.slice(-300) } };
      i++;
    }
  }
  const done = Object.values(res).filter((x) => x.status === 'ok').length;
  log(`quality ${fmt} ${lib.id}: ${done}/${files.length} extracted`);
}

function cliQuality(lib, fmt, files, res) {
  for (const f of files) {
    const [cmd, args] = lib.cmd(f.path, fmt);
    const a = performance.now();
    const r = spawnSync(cmd, args, { maxBuffer: 1 << 28, timeout: T.file });
    const ms = performance.now() - a;
    if (r.status !== 0) {
      res[f.rel] = { status: r.signal ? 'timeout' : 'error', ms, error: { code: `exit ${r.status ?? r.signal}`, message: String(r.stderr).slice(0, 300) } };
      continue;
    }
    const f1 = f.ref ? wordF1(r.stdout.toString('utf8'), readFileSync(f.ref, 'utf8')) : null;
    res[f.rel] = { status: 'ok', ms, chars: r.stdout.length, f1: f1?.f1, precision: f1?.precision, recall: f1?.recall };
  }
  log(`quality ${fmt} ${lib.id}: done`);
  return Promise.resolve();
}

/** --report: the tables, charts and README section again from bench/results/latest.json. */
function reportOnly() {
  const results = JSON.parse(readFileSync(join(OUT, 'latest.json'), 'utf8'));
  printTables(results);
  writeCharts(results, OUT);
  writeReadme(results);
}

function writeReadme(results) {
  const readme = join(ROOT, 'bench/README.md');
  if (!existsSync(readme) || results.meta.quick) return;
  const s = readFileSync(readme, 'utf8');
  const next = s.replace(/(<!-- results:begin -->\n)[\s\S]*?(<!-- results:end -->)/, (m, a, b) => a + readmeSection(results) + b);
  if (next !== s) writeFileSync(readme, next);
}

(flag('--report') ? Promise.resolve().then(reportOnly) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
