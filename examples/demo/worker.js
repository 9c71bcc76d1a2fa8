// worker.js: the demo's extraction, off the page's thread (a module worker). Loads the chosen
// bundle from the package folder on this origin, then streams each file it is sent as
// Markdown, posting every chunk as it comes, so the page shows text unit by unit and never
// freezes.
//
// page → worker   { type: 'load', variant }            { type: 'extract', id, file }
// worker → page   { type: 'loaded', variant, formats, ms, transfer }
//                 { type: 'start', id, format, units }   { type: 'chunk', id, unit, text }
//                 { type: 'done', id, format, mime, meta, warnings, units, stats, ms }
//                 { type: 'error', id, code, message }

const DIST = new URL('../../dist/', import.meta.url);
/** Formats whose documents have many units (pages, slides, sheets): worth a count up front. */
const PAGED = new Set(['pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub']);

let pith = null;
let queue = Promise.resolve();

/** Bytes the browser fetched for the bundle: its modules, its .wasm, any data pack. */
function transfer() {
  const files = {};
  for (const e of performance.getEntriesByType('resource')) {
    if (!e.name.startsWith(DIST.href)) continue;
    const name = e.name.slice(DIST.href.length);
    // transferSize is 0 for a cached answer: the body size is the size of the bundle then
    files[name] = e.transferSize || e.encodedBodySize;
  }
  return files;
}

async function load(variant) {
  const t0 = performance.now();
  const { load: loadBundle } = await import(new URL(`${variant}/pith.mjs`, DIST).href);
  pith?.dispose();
  pith = await loadBundle();
  postMessage({ type: 'loaded', variant: pith.variant, formats: pith.formats,
    ms: performance.now() - t0, transfer: transfer() });
}

async function extract(id, file) {
  const t0 = performance.now();
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const format = pith.detect(bytes, { hint: file.name });
    let units = 0;
    if (PAGED.has(format)) {
      // the count of units comes with the first one: a progress bar needs it before the rest
      units = (await pith.extractAsync(bytes, { hint: file.name, unitCount: 1 })).units;
    }
    postMessage({ type: 'start', id, format, units });
    const stream = pith.stream(bytes, { hint: file.name, output: 'markdown' });
    for await (const { text, unit } of stream) postMessage({ type: 'chunk', id, unit, text });
    const r = await stream.result;
    postMessage({ type: 'done', id, format: r.format, mime: r.mime, meta: r.meta, warnings: r.warnings,
      units: r.units, stats: r.stats, ms: performance.now() - t0, transfer: transfer() });
  } catch (e) {
    postMessage({ type: 'error', id, code: e.code ?? e.name, message: String(e.message), ms: performance.now() - t0 });
  }
}

onmessage = ({ data }) => {
  // one thing at a time, in order: a load waits for the documents sent before it
  queue = queue.then(() => {
    if (data.type === 'load') {
      return load(data.variant).catch((e) => postMessage({ type: 'error', id: null, code: e.code ?? e.name, message: String(e.message) }));
    }
    if (data.type === 'extract') return extract(data.id, data.file);
    return undefined;
  });
};
