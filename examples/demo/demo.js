// demo.js: the demo page. Files go to a module worker (worker.js), which streams each one's
// Markdown back chunk by chunk; the page shows the text as it arrives with a progress bar per
// document, renders the Markdown (markdown.js: escaped first, then rendered), and lists the
// metadata, the warnings, the time taken and what the bundle cost to download.
import { renderMarkdown } from './markdown.js';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const docs = new Map();
let nextId = 1;
let variant = $('bundle').value;

function showBundle(m) {
  // only this bundle's files (the worker may have loaded the other bundle before)
  const t = Object.entries(m.transfer);
  const sum = (names) => t.filter(([k]) => names.includes(k)).reduce((n, [, v]) => n + v, 0);
  const wasm = sum([`${m.variant}/pith.wasm`]);
  const js = sum([`${m.variant}/pith.mjs`, 'core.mjs', 'layout.mjs']);
  const packs = t.filter(([k]) => k.startsWith('data/'));
  $('bundle-info').textContent = `${m.variant}: reads ${m.formats.join(', ')} · ` +
    `downloaded ${kb(wasm)} wasm + ${kb(js)} JS` +
    (packs.length ? ` + data packs ${packs.map(([k, v]) => `${k.slice(5)} ${kb(v)}`).join(', ')}` : '') +
    (m.ms !== undefined ? ` · ready in ${m.ms.toFixed(0)} ms` : '');
  $('bundle-info').dataset.variant = m.variant;
}

function addDoc(file) {
  const id = nextId++;
  const progress = el('progress', { max: 1 });
  progress.removeAttribute('value'); // indeterminate until the unit count is known
  const status = el('span', { className: 'status', textContent: 'waiting…' });
  const body = el('div', { className: 'body' });
  const details = el('details', {}, el('summary', { textContent: 'metadata and warnings' }));
  const card = el('section', { className: 'doc' },
    el('header', {}, el('span', { className: 'name', textContent: file.name }), status), progress, body, details);
  card.dataset.state = 'running';
  $('docs').prepend(card);
  docs.set(id, { card, progress, status, body, details, units: 0, pending: '', raw: null, unit: -1, rendered: 0 });
  worker.postMessage({ type: 'extract', id, file });
}

/** Render the finished units' Markdown; the unit still arriving shows as plain text. */
function flushUnit(d, final) {
  if (d.pending && final) {
    d.raw?.remove();
    d.raw = null;
    d.body.append(el('div', { className: 'unit', innerHTML: renderMarkdown(d.pending) }));
    d.pending = '';
    d.rendered++;
  }
}

worker.onmessage = ({ data: m }) => {
  if (m.type === 'loaded') return showBundle(m);
  const d = docs.get(m.id);
  if (!d) {
    if (m.type === 'error') $('bundle-info').textContent = `cannot load the bundle: ${m.message}`;
    return;
  }
  switch (m.type) {
    case 'start':
      d.units = m.units;
      d.status.textContent = `${m.format}${m.units ? `, ${m.units} units` : ''}…`;
      if (m.units) { d.progress.max = m.units; d.progress.value = 0; }
      break;
    case 'chunk':
      if (m.unit !== d.unit && d.unit >= 0) flushUnit(d, true);
      d.unit = m.unit;
      d.pending += m.text;
      if (!d.raw) d.raw = d.body.appendChild(el('pre', { className: 'raw' }));
      d.raw.textContent = d.pending;
      if (d.units) d.progress.value = m.unit;
      d.status.textContent = d.units ? `unit ${m.unit + 1} of ${d.units}` : `unit ${m.unit + 1}`;
      break;
    case 'done': {
      flushUnit(d, true);
      d.progress.max = 1;
      d.progress.value = 1;
      d.card.dataset.state = 'done';
      d.card.dataset.format = m.format;
      d.status.textContent = `${m.format} · ${m.units} unit${m.units === 1 ? '' : 's'} · ` +
        `${m.ms.toFixed(1)} ms · ${m.warnings.length} warning${m.warnings.length === 1 ? '' : 's'}`;
      const meta = el('dl');
      for (const [k, v] of Object.entries(m.meta)) meta.append(el('dt', { textContent: k }), el('dd', { textContent: [].concat(v).join(' · ') }));
      meta.append(el('dt', { textContent: 'type' }), el('dd', { textContent: m.mime }));
      meta.append(el('dt', { textContent: 'memory' }), el('dd', { textContent: kb(m.stats.memoryHigh) }));
      const warns = el('ul', { className: 'warnings' },
        ...m.warnings.map((w) => el('li', { className: 'warn', textContent: `${w.code} (unit ${w.unit}): ${w.message}` })));
      d.details.append(meta, warns);
      if (m.warnings.length) d.details.open = true;
      showBundle({ ...lastLoaded, transfer: m.transfer }); // a data pack may have come since
      break;
    }
    case 'error':
      d.progress.max = 1;
      d.progress.value = 0;
      d.card.dataset.state = 'failed';
      d.card.classList.add('failed');
      d.status.textContent = `${m.code}: ${m.message}`;
      break;
  }
};

// keep what the last load said, so a data pack fetched later adds to the same line
let lastLoaded = {};
worker.addEventListener('message', ({ data: m }) => {
  if (m.type === 'loaded') lastLoaded = { variant: m.variant, formats: m.formats, ms: m.ms };
});

function useBundle(v) {
  variant = v;
  $('bundle-info').textContent = `loading ${v}…`;
  delete $('bundle-info').dataset.variant;
  worker.postMessage({ type: 'load', variant: v });
}

$('bundle').addEventListener('change', (e) => useBundle(e.target.value));
$('files').addEventListener('change', (e) => {
  for (const f of e.target.files) addDoc(f);
  e.target.value = '';
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  for (const f of e.dataTransfer.files) addDoc(f);
});

useBundle(variant);
