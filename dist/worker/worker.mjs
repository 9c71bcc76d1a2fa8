// worker.mjs: one pith instance inside a worker of dist/worker/pool.mjs — a Web Worker
// (browsers, Deno, Bun) or a worker_threads worker (Node). Not an entry of its own: the pool
// starts it and speaks to it in the messages below, one document at a time.
//
//   ← { type: 'init', module, packs }           → { type: 'ready', variant, version, formats }
//                                                 | { type: 'fatal', error }
//   ← { type: 'extract', id, input, opts, bytes } → { type: 'done', id, result } | { type: 'error', id, error, fatal }
//   ← { type: 'stream', id, input, opts }         (then, per read:)
//   ← { type: 'pull', id }                        → { type: 'chunk', id, chunk } | { type: 'end', id, info }
//                                                 | { type: 'error', id, error, fatal }
//   ← { type: 'cancel', id }                      → { type: 'cancelled', id }
//
// `fatal` marks an error that was not pith's own (a wasm trap, a bug): the instance may be in
// a broken state, so the pool replaces this worker. Text goes back as strings; bytes (a chunk
// with bytes: true, or extract with bytes: true) go back transferred.

import { instantiate } from '../core.mjs';

/** The data packs a worker's instance fetches when a document needs one (beside the bundle). */
const PACKS = {
  'cjk-encodings': () => new URL('../data/cjk-encodings.bin', import.meta.url),
  'cmap-japan1': () => new URL('../data/cmap-japan1.bin', import.meta.url),
  'cmap-gb1': () => new URL('../data/cmap-gb1.bin', import.meta.url),
  'cmap-cns1': () => new URL('../data/cmap-cns1.bin', import.meta.url),
  'cmap-korea1': () => new URL('../data/cmap-korea1.bin', import.meta.url),
};

/** How this worker talks to the pool: the Web Worker global scope, or Node's parentPort
 *  (reached without a static node: import, so a browser bundle of this file has none). */
async function connect() {
  if (typeof globalThis.WorkerGlobalScope === 'function' && globalThis instanceof globalThis.WorkerGlobalScope) {
    return {
      post: (msg, transfer = []) => globalThis.postMessage(msg, transfer),
      listen: (fn) => globalThis.addEventListener('message', (e) => fn(e.data)),
    };
  }
  let wt = globalThis.process?.getBuiltinModule?.('node:worker_threads');
  if (!wt) {
    const spec = 'node:worker_threads';
    wt = await import(/* webpackIgnore: true */ /* @vite-ignore */ spec);
  }
  const port = wt.parentPort;
  if (!port) throw new Error('pith worker: not started as a worker');
  return {
    post: (msg, transfer = []) => port.postMessage(msg, transfer),
    listen: (fn) => port.on('message', fn),
  };
}

/** An error as plain data the pool turns back into a PithError. */
function wire(e) {
  return {
    code: typeof e?.code === 'string' ? e.code : 'PITH_E_WORKER',
    name: e?.name ?? 'Error',
    message: String(e?.message ?? e),
    offset: typeof e?.offset === 'number' ? e.offset : 0,
    pack: e?.pack ?? undefined,
  };
}

/** pith's own errors leave the instance sound; anything else (a RuntimeError trap) may not. */
const isFatal = (e) => !(e && typeof e.code === 'string' && e.code.startsWith('PITH_E_') && e.name !== 'RuntimeError');

const link = await connect();
let pith = null;
/** The open stream's reader, by job id. */
const streams = new Map();
const enc = new TextEncoder();

async function onMessage(msg) {
  const { type, id } = msg;
  try {
    if (type === 'init') {
      pith = await instantiate({ wasm: msg.module, packs: msg.packs ?? undefined }, () => {
        throw new Error('pith worker: no module given');
      }, PACKS);
      link.post({ type: 'ready', variant: pith.variant, version: pith.version, formats: [...pith.formats] });
    } else if (type === 'extract') {
      const r = await pith.extractAsync(msg.input, msg.opts);
      if (msg.bytes) {
        const bytes = enc.encode(r.text);
        const { text, ...rest } = r;
        link.post({ type: 'done', id, result: { ...rest, bytes } }, [bytes.buffer]);
      } else {
        link.post({ type: 'done', id, result: r });
      }
    } else if (type === 'stream') {
      const rs = pith.stream(msg.input, msg.opts);
      streams.set(id, { reader: rs.getReader(), result: rs.result });
    } else if (type === 'pull') {
      const s = streams.get(id);
      if (!s) return;
      const r = await s.reader.read();
      if (r.done) {
        streams.delete(id);
        link.post({ type: 'end', id, info: await s.result });
      } else if (r.value.bytes) {
        link.post({ type: 'chunk', id, chunk: r.value }, [r.value.bytes.buffer]);
      } else {
        link.post({ type: 'chunk', id, chunk: r.value });
      }
    } else if (type === 'cancel') {
      const s = streams.get(id);
      streams.delete(id);
      if (s) await s.reader.cancel().catch(() => {});
      link.post({ type: 'cancelled', id });
    }
  } catch (e) {
    if (type === 'init') {
      link.post({ type: 'fatal', error: wire(e) });
      return;
    }
    streams.delete(id);
    link.post({ type: 'error', id, error: wire(e), fatal: isFatal(e) });
  }
}

link.listen((msg) => {
  onMessage(msg);
});
