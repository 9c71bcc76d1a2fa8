// child.mjs: one fresh Node process measuring one library (spawned by main.mjs, never run alone).
//
//   node child.mjs '<json job>'    job: { lib, variant?, pithRoot?, mode, docs: [{ path, name, format, ref? }],
//                                         target, maxSteady, firstCap, reps? }
//
// Modes: none (the empty baseline: this harness, no library), load (import + instantiate only),
// speed (first call, then steady-state samples, F1 of the text), quality (one call per document,
// F1), batch (the documents in sequence, and through the library's batch API if it has one).
// Results go out as JSON lines on fd 3, so whatever a library prints on stdout/stderr cannot mix
// with them; the parent reads them as they come, so a document that hangs still leaves the lines
// before it. Peak RSS is read before anything else allocates (F1 runs after it). Peak wasm
// memory: every WebAssembly.Memory made or exported while the library runs is watched (weakly,
// so a freed instance does not stay alive through us), and the sum of their sizes is sampled
// after each call.

import { readFileSync, writeSync } from 'node:fs';
import { wordF1 } from '../lib/f1.mjs';

const job = JSON.parse(process.argv[2]);
const out = (o) => writeSync(3, JSON.stringify(o) + '\n');
const now = () => performance.now();

// MARK: - wasm memory watch (installed before the library loads)

const memories = new Set();
const seenMemories = new WeakSet(); // one memory can be both created and exported: count it once
const WasmMemory = WebAssembly.Memory; // the original: the subclass below would miss exported ones
// Node's own wasm (the CommonJS export lexer in node:internal/deps, loaded when an ES module
// imports a CommonJS one) goes through the same globals; it is not the library's, so skipped.
const internal = () => /\(node:internal\/deps\//.test(new Error().stack);
const watch = (m) => {
  if (m instanceof WasmMemory && !seenMemories.has(m) && !internal()) {
    seenMemories.add(m);
    memories.add(new WeakRef(m));
  }
};
const watchExports = (inst) => {
  for (const v of Object.values(inst.exports)) watch(v);
};
{
  const W = WebAssembly;
  const OrigMemory = WasmMemory;
  const OrigInstance = W.Instance;
  W.Memory = class extends OrigMemory {
    constructor(...a) {
      super(...a);
      watch(this);
    }
  };
  W.Instance = class extends OrigInstance {
    constructor(...a) {
      super(...a);
      watchExports(this);
    }
  };
  const inst = W.instantiate;
  W.instantiate = async (...a) => {
    const r = await inst.apply(W, a);
    watchExports(r instanceof OrigInstance ? r : r.instance);
    return r;
  };
  const stream = W.instantiateStreaming;
  if (stream) {
    W.instantiateStreaming = async (...a) => {
      const r = await stream.apply(W, a);
      watchExports(r.instance);
      return r;
    };
  }
}
let wasmPeak = 0;
const sampleWasm = () => {
  let sum = 0;
  for (const r of memories) {
    const m = r.deref();
    if (m) sum += m.buffer.byteLength;
    else memories.delete(r);
  }
  if (sum > wasmPeak) wasmPeak = sum;
};

// MARK: - measuring

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function errorOf(e) {
  return { code: e?.code ?? e?.name ?? 'Error', message: String(e?.message ?? e).slice(0, 300) };
}

async function main() {
  // the baseline loads the harness's own modules too, so that only the library is left over
  const { byId } = await import('./libs.mjs');
  if (job.mode === 'none') {
    out({ ev: 'end', maxRSS: process.resourceUsage().maxRSS });
    return;
  }
  const lib = byId(job.lib);
  const docs = (job.docs ?? []).map((d) => ({ ...d, bytes: new Uint8Array(readFileSync(d.path)) }));

  const t0 = now();
  const api = await lib.init({ variant: job.variant, pithRoot: job.pithRoot });
  const loadMs = now() - t0;
  sampleWasm();
  out({ ev: 'load', ms: loadMs });
  const call = api.sync ? (d) => api.extract(d.bytes, d.name, d.format) : async (d) => api.extract(d.bytes, d.name, d.format);
  // the first call on a document: once more after the library recovered from what it lacked
  const firstCall = async (d) => {
    try {
      return await call(d);
    } catch (e) {
      if (api.recover && (await api.recover(e))) return await call(d);
      throw e;
    }
  };

  if (job.mode === 'speed') {
    const results = [];
    for (const d of docs) {
      let text;
      const s = now();
      try {
        text = await firstCall(d);
      } catch (e) {
        out({ ev: 'error', doc: d.name, stage: 'first', ...errorOf(e) });
        continue;
      }
      const first = now() - s;
      const rssFirst = process.resourceUsage().maxRSS;
      sampleWasm();
      out({ ev: 'first', doc: d.name, ms: first, chars: text.length });
      const samples = [];
      if (first <= job.firstCap) {
        // calls per sample: enough that a sample lasts ~2 ms, so timer resolution and the loop do
        // not dominate sub-millisecond calls
        const w0 = now();
        await call(d);
        const w = now() - w0;
        const k = Math.max(1, Math.min(2000, Math.floor(2 / Math.max(w, 1e-3))));
        if (k === 1) samples.push(w);
        const start = now();
        for (;;) {
          const el = now() - start;
          if ((el >= job.target && samples.length >= 5) || (el >= job.maxSteady && samples.length >= 2) || el >= 2 * job.maxSteady) break;
          const a = now();
          if (api.sync) for (let i = 0; i < k; i++) api.extract(d.bytes, d.name, d.format);
          else for (let i = 0; i < k; i++) await api.extract(d.bytes, d.name, d.format);
          samples.push((now() - a) / k);
          sampleWasm();
        }
      } else samples.push(first);
      results.push({ d, text, first, samples, rssFirst });
    }
    const maxRSS = process.resourceUsage().maxRSS;
    sampleWasm();
    for (const { d, text, first, samples, rssFirst } of results) {
      const f1 = d.ref ? wordF1(text, readFileSync(d.ref, 'utf8')) : null;
      out({
        ev: 'speed',
        doc: d.name,
        first,
        rssFirst,
        median: median(samples),
        min: Math.min(...samples),
        max: Math.max(...samples),
        n: samples.length,
        chars: text.length,
        f1: f1 && { f1: f1.f1, precision: f1.precision, recall: f1.recall },
      });
    }
    out({ ev: 'end', maxRSS, wasmPeak, wasmReported: api.wasmBytes?.() });
    return;
  }

  if (job.mode === 'quality') {
    for (const d of docs) {
      out({ ev: 'start', doc: d.rel });
      const s = now();
      let text;
      try {
        text = await firstCall(d);
      } catch (e) {
        out({ ev: 'quality', doc: d.rel, ms: now() - s, error: errorOf(e) });
        continue;
      }
      const ms = now() - s;
      sampleWasm();
      const f1 = d.ref ? wordF1(text, readFileSync(d.ref, 'utf8')) : null;
      out({ ev: 'quality', doc: d.rel, ms, chars: text.length, f1: f1 && { f1: f1.f1, precision: f1.precision, recall: f1.recall } });
    }
    out({ ev: 'end', maxRSS: process.resourceUsage().maxRSS, wasmPeak });
    return;
  }

  if (job.mode === 'batch') {
    // the same 10 documents, one after another (a fresh call each), then through the batch API
    const runs = { sequential: async () => { for (const d of docs) await call(d); } };
    if (api.batch) {
      runs.batch = async () => {
        const r = await api.batch(docs);
        const bad = r.find?.((x) => x && x.ok === false);
        if (bad) throw bad.error;
      };
    }
    for (const [how, fn] of Object.entries(runs)) {
      const samples = [];
      try {
        const s = now();
        await fn();
        const first = now() - s;
        out({ ev: 'batch-first', how, ms: first });
        const start = now();
        if (first <= job.firstCap) {
          while (!((now() - start >= job.target && samples.length >= 3) || (now() - start >= job.maxSteady && samples.length >= 1))) {
            const a = now();
            await fn();
            samples.push(now() - a);
            sampleWasm();
          }
        } else samples.push(first);
        out({ ev: 'batch', how, first, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), n: samples.length });
      } catch (e) {
        out({ ev: 'error', doc: `batch:${how}`, stage: 'batch', ...errorOf(e) });
      }
    }
    out({ ev: 'end', maxRSS: process.resourceUsage().maxRSS, wasmPeak });
    return;
  }

  // load
  out({ ev: 'end', maxRSS: process.resourceUsage().maxRSS, wasmPeak });
}

main().then(
  () => process.exit(0),
  (e) => {
    out({ ev: 'fatal', ...errorOf(e) });
    process.exit(1);
  },
);
