// pool.mjs (pith/worker): documents spread over a pool of workers, one pith instance each.
//
// Web Workers in browsers (and Deno, Bun), worker_threads in Node. The .wasm is compiled once
// here and the WebAssembly.Module handed to every worker, so N workers cost one compile. Input
// bytes are transferred to the worker when the view covers its whole ArrayBuffer (the caller's
// buffer is detached then; `transfer: false` copies instead); a view of part of a buffer — a
// Node Buffer cut from the shared pool among them — is copied, since transferring its buffer
// would detach its neighbours. A worker that crashes, traps, or runs past `timeout` is
// terminated and replaced, and its document rejects with a PithError; the pool goes on.
//
// No node: module is imported statically: the Node path reaches worker_threads and os through
// process.getBuiltinModule (or an import() bundlers are told to ignore) only when there is no
// Web Worker, so a browser bundle of this file pulls in no Node built-in.

import { PithError, compile } from '../core.mjs';

const DEFAULT_WASM = {
  standard: () => new URL('../standard/pith.wasm', import.meta.url),
  minimal: () => new URL('../minimal/pith.wasm', import.meta.url),
};
const POOL_OPTIONS = new Set(['size', 'variant', 'wasm', 'timeout', 'packs', 'transfer', 'workerUrl', 'resourceLimits']);

const argError = (message) => new PithError('PITH_E_ARG', message);

function fromWire(w) {
  const e = new PithError(w.code, w.message, w.offset);
  if (w.name && w.name !== 'Error' && w.name !== 'PithError') e.name = w.name;
  if (w.pack !== undefined) e.pack = w.pack;
  return e;
}

/** A Node built-in, reached only on the Node path (see the file's header). */
async function builtin(name) {
  const m = globalThis.process?.getBuiltinModule?.(name);
  if (m) return m;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name);
}

const isNode = () => typeof globalThis.process?.versions?.node === 'string' && typeof globalThis.Worker !== 'function';

async function defaultSize() {
  const n = globalThis.navigator?.hardwareConcurrency;
  if (Number.isInteger(n) && n > 0) return n;
  if (isNode()) {
    const os = await builtin('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return 4;
}

/** A worker behind one small interface: post, onMessage, onCrash, terminate, ref/unref. */
async function spawnWorker(url, resourceLimits) {
  if (!isNode()) {
    const w = url
      ? new Worker(url, { type: 'module', name: 'pith' })
      : new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module', name: 'pith' });
    return {
      post: (msg, transfer) => w.postMessage(msg, transfer),
      onMessage: (fn) => w.addEventListener('message', (e) => fn(e.data)),
      onCrash: (fn) => {
        w.addEventListener('error', (e) => {
          e.preventDefault?.();
          fn(new Error(e.message || 'worker error'));
        });
        w.addEventListener('messageerror', () => fn(new Error('a message from the worker could not be read')));
      },
      terminate: () => w.terminate(),
      ref() {},
      unref() {},
    };
  }
  const { Worker: NodeWorker } = await builtin('node:worker_threads');
  const w = new NodeWorker(url ?? new URL('./worker.mjs', import.meta.url), resourceLimits ? { resourceLimits } : {});
  let exiting = false;
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onMessage: (fn) => w.on('message', fn),
    onCrash: (fn) => {
      w.on('error', (e) => fn(e));
      w.on('exit', (code) => {
        if (!exiting) fn(new Error(`the worker exited (code ${code})`));
      });
    },
    terminate: () => {
      exiting = true;
      return w.terminate();
    },
    // An idle worker does not keep Node's process alive (a pool not closed does not hang it).
    ref: () => w.ref(),
    unref: () => w.unref(),
  };
}

// MARK: inputs

const isWholeBuffer = (v) => v instanceof ArrayBuffer ||
  (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength);

/** What to post for an input, and what to transfer with it. */
async function prepare(input, transfer) {
  if (input instanceof ArrayBuffer) return transfer ? { input, list: [input] } : { input: input.slice(0) };
  if (ArrayBuffer.isView(input)) {
    const u8 = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (transfer && isWholeBuffer(input)) return { input: u8, list: [u8.buffer] };
    return { input: u8.slice() }; // a part of a buffer (a pooled Node Buffer): copy it
  }
  if (typeof Blob === 'function' && input instanceof Blob) return { input }; // cloned by reference
  if (input && typeof input === 'object' && typeof input.arrayBuffer === 'function' && 'status' in input) {
    if (!input.ok) throw argError(`input: the response has HTTP status ${input.status}`);
    const buf = await input.arrayBuffer();
    return { input: new Uint8Array(buf), list: [buf] };
  }
  if (input && (typeof input.getReader === 'function' || typeof input[Symbol.asyncIterator] === 'function')) {
    const parts = [];
    let n = 0;
    if (typeof input.getReader === 'function') {
      const reader = input.getReader();
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        parts.push(r.value);
        n += r.value.byteLength;
      }
    } else {
      for await (const c of input) {
        parts.push(c);
        n += c.byteLength;
      }
    }
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
      at += p.byteLength;
    }
    return { input: out, list: [out.buffer] };
  }
  const what = input === null ? 'null' : typeof input !== 'object' ? typeof input : input.constructor?.name ?? 'object';
  throw argError(`input: expected bytes, a Blob, a Response, a ReadableStream or an async iterable, got ${what}`);
}

/** Options a worker can be sent: the signal stays here, the rest is plain data. */
function split(opts) {
  if (opts === undefined || opts === null) return { wire: {}, signal: null, bytes: false, transfer: undefined };
  if (typeof opts !== 'object') throw argError('options: must be an object');
  const { signal = null, bytes = false, transfer, ...wire } = opts;
  return { wire, signal, bytes: !!bytes, transfer };
}

// MARK: the pool

class Pool {
  #module;
  #packs;
  #timeout;
  #transfer;
  #workerUrl;
  #resourceLimits;
  #slots = [];
  #queue = [];
  #closed = false;
  #nextId = 1;

  constructor(module, o) {
    this.#module = module;
    this.#packs = o.packs ?? null;
    this.#timeout = o.timeout ?? 0;
    this.#transfer = o.transfer ?? true;
    this.#workerUrl = o.workerUrl ?? null;
    this.#resourceLimits = o.resourceLimits ?? null;
    /** The compiled module every worker instantiates. */
    this.module = module;
    /** 'standard' or 'minimal', the version, and the format names (from the first worker). */
    this.variant = '';
    this.version = '';
    this.formats = Object.freeze([]);
  }

  /** Start a worker and wait for its instance: resolves to its slot. */
  async start() {
    const w = await spawnWorker(this.#workerUrl, this.#resourceLimits);
    const slot = { w, job: null, dead: false, timer: null };
    const info = await new Promise((resolve, reject) => {
      let ready = false;
      w.onMessage((msg) => {
        if (!ready) {
          ready = true;
          if (msg.type === 'ready') resolve(msg);
          else reject(fromWire(msg.error ?? { code: 'PITH_E_LOAD', message: 'pith worker: no ready message' }));
          return;
        }
        this.#onMessage(slot, msg);
      });
      w.onCrash((e) => {
        if (!ready) {
          ready = true;
          reject(new PithError('PITH_E_LOAD', `pool: a worker failed to start: ${e.message}`, 0, { cause: e }));
          return;
        }
        this.#crash(slot, `pool: the worker crashed (${e.message}); it was replaced`, e);
      });
      w.post({ type: 'init', module: this.#module, packs: this.#packs });
    }).catch((e) => {
      w.terminate();
      throw e;
    });
    w.unref();
    this.#slots.push(slot);
    return { slot, info };
  }

  /** Number of workers. */
  get size() {
    return this.#slots.length;
  }

  // -- dispatch --

  #enqueue(job) {
    if (this.#closed) return Promise.reject(new PithError('PITH_E_ABORTED', 'pool: closed'));
    const p = new Promise((resolve, reject) => {
      job.resolve = resolve;
      job.reject = reject;
    });
    job.id = this.#nextId++;
    if (job.signal) {
      if (job.signal.aborted) return Promise.reject(abortError(job.signal));
      job.onAbort = () => this.#abort(job);
      job.signal.addEventListener('abort', job.onAbort, { once: true });
    }
    this.#queue.push(job);
    this.#pump();
    return p;
  }

  #pump() {
    for (const slot of this.#slots) {
      if (!this.#queue.length) return;
      if (slot.job || slot.dead) continue;
      this.#run(slot, this.#queue.shift());
    }
  }

  async #run(slot, job) {
    slot.job = job;
    job.slot = slot;
    slot.w.ref();
    let prepared;
    try {
      prepared = await prepare(job.input, job.transfer ?? this.#transfer);
    } catch (e) {
      this.#settle(slot, job, e);
      return;
    }
    if (slot.job !== job) return; // aborted while a stream input was read
    job.input = null;
    const msg = job.kind === 'extract'
      ? { type: 'extract', id: job.id, input: prepared.input, opts: job.opts, bytes: job.bytes }
      : { type: 'stream', id: job.id, input: prepared.input, opts: { ...job.opts, bytes: job.bytes } };
    try {
      slot.w.post(msg, prepared.list ?? []);
    } catch (e) {
      // a buffer the platform will not transfer (DataCloneError): send a copy
      if (!prepared.list) return this.#settle(slot, job, e);
      msg.input = new Uint8Array(prepared.input).slice();
      slot.w.post(msg, []);
    }
    if (job.kind === 'extract') this.#arm(slot, job);
    else job.opened(slot);
  }

  /** The per-document timeout: past it the worker is taken as hung and replaced. */
  #arm(slot, job) {
    if (!this.#timeout) return;
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      if (slot.job === job) {
        this.#crash(slot, `pool: the document took longer than the timeout (${this.#timeout} ms); its worker was replaced`, null, 'PITH_E_LIMIT');
      }
    }, this.#timeout);
  }

  #onMessage(slot, msg) {
    const job = slot.job;
    if (!job || msg.id !== job.id) return;
    clearTimeout(slot.timer);
    if (msg.type === 'done') this.#settle(slot, job, null, msg.result);
    else if (msg.type === 'error') {
      const err = fromWire(msg.error);
      if (msg.fatal) {
        this.#crash(slot, `pool: the worker failed (${msg.error.name}: ${msg.error.message}); it was replaced`, err);
      } else if (job.kind === 'stream') {
        job.fail(err);
        this.#free(slot, job);
      } else this.#settle(slot, job, err);
    } else if (job.kind === 'stream') {
      if (msg.type === 'chunk') job.chunk(msg.chunk);
      else if (msg.type === 'end') {
        job.end(msg.info);
        this.#free(slot, job);
      } else if (msg.type === 'cancelled') this.#free(slot, job);
    }
  }

  #settle(slot, job, err, value) {
    if (job.kind === 'stream') {
      if (err) job.fail(err);
    } else if (err) job.reject(err);
    else job.resolve(value);
    this.#free(slot, job);
  }

  /** The job is over: the worker takes the next one. */
  #free(slot, job) {
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    if (slot.job !== job) return;
    clearTimeout(slot.timer);
    slot.job = null;
    if (!slot.dead) slot.w.unref();
    this.#pump();
  }

  /** A worker died, hung or trapped: its document gets the error; a new worker takes its place. */
  #crash(slot, message, cause, code = 'PITH_E_WORKER') {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.timer);
    slot.w.terminate();
    const job = slot.job;
    slot.job = null;
    this.#slots.splice(this.#slots.indexOf(slot), 1);
    if (job) {
      const err = new PithError(code, message, 0, cause ? { cause } : undefined);
      if (job.kind === 'stream') job.fail(err);
      else job.reject(err);
      if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    }
    if (this.#closed) return;
    this.start().then(() => this.#pump(), (e) => {
      // no worker can start any more: what is queued cannot run
      if (this.#slots.length === 0) {
        for (const j of this.#queue.splice(0)) (j.kind === 'stream' ? j.fail : j.reject)(e);
      }
    });
  }

  #abort(job) {
    const i = this.#queue.indexOf(job);
    if (i >= 0) {
      this.#queue.splice(i, 1);
      (job.kind === 'stream' ? job.fail : job.reject)(abortError(job.signal));
      return;
    }
    const slot = job.slot;
    if (slot && slot.job === job) {
      // the worker is inside a synchronous extract: only terminating it stops it
      this.#crash(slot, 'pith: aborted by the signal', job.signal.reason, 'PITH_E_ABORTED');
    }
  }

  // -- public API --

  /** Extract one document in a worker: the result of pith's extract, or with { bytes: true }
   *  its text as UTF-8 bytes in `bytes` (transferred, not copied). */
  extract(input, opts) {
    let s;
    try {
      s = split(opts);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue({ kind: 'extract', input, opts: s.wire, bytes: s.bytes, signal: s.signal, transfer: s.transfer });
  }

  /** Documents spread over the workers; resolves to one entry per item, in order: { ok: true,
   *  ...result } or { ok: false, error } (a failed item does not stop the others). An item is
   *  an input or { input, ...options } (over `opts`). */
  extractBatch(list, opts) {
    if (!list || typeof list[Symbol.iterator] !== 'function') {
      return Promise.reject(argError('extractBatch: expected an iterable of inputs'));
    }
    const jobs = [...list].map((item) => {
      const own = item && typeof item === 'object' && !ArrayBuffer.isView(item) && !(item instanceof ArrayBuffer) && 'input' in item;
      const { input, ...rest } = own ? item : { input: item };
      return this.extract(input, { ...opts, ...rest }).then(
        (r) => ({ ok: true, ...r }),
        (error) => ({ ok: false, error }),
      );
    });
    return Promise.all(jobs);
  }

  /** The document's chunks from a worker, one message per read, like pith's stream(): a
   *  ReadableStream, async-iterable, with `result` resolving to the document's info. */
  stream(input, opts) {
    const s = split(opts);
    let controller;
    let slot = null;
    let pending = null;
    let done = false;
    let settle;
    const result = new Promise((resolve, reject) => {
      settle = { resolve, reject };
    });
    result.catch(() => {});
    let opened;
    const ready = new Promise((resolve) => {
      opened = resolve;
    });
    const job = {
      kind: 'stream',
      input,
      opts: s.wire,
      bytes: s.bytes,
      signal: s.signal,
      transfer: s.transfer,
      opened: (sl) => {
        slot = sl;
        opened();
      },
      chunk: (c) => {
        const p = pending;
        pending = null;
        controller.enqueue(c);
        p?.resolve();
      },
      end: (info) => {
        done = true;
        settle.resolve(info);
        controller.close();
        pending?.resolve();
      },
      fail: (err) => {
        if (done) return;
        done = true;
        settle.reject(err);
        controller.error(err);
        opened();
        pending?.resolve();
      },
    };
    const rs = new ReadableStream(
      {
        start: (c) => {
          controller = c;
          this.#enqueue(job).catch((e) => job.fail(e));
        },
        pull: async () => {
          await ready;
          if (done) return;
          const p = new Promise((resolve) => {
            pending = { resolve };
          });
          this.#arm(slot, job);
          slot.w.post({ type: 'pull', id: job.id });
          await p;
        },
        cancel: () => {
          if (done) return;
          done = true;
          settle.reject(new PithError('PITH_E_ABORTED', 'pith: stream cancelled'));
          if (slot && slot.job === job) slot.w.post({ type: 'cancel', id: job.id });
          else this.#abort(job);
        },
      },
      { highWaterMark: 0 },
    );
    if (typeof rs[Symbol.asyncIterator] !== 'function') {
      rs[Symbol.asyncIterator] = async function* iterate() {
        const reader = rs.getReader();
        try {
          for (;;) {
            const r = await reader.read();
            if (r.done) return;
            yield r.value;
          }
        } finally {
          reader.releaseLock();
        }
      };
    }
    Object.defineProperty(rs, 'result', { value: result, enumerable: true });
    return rs;
  }

  /** Terminate every worker; documents queued or running reject with PITH_E_ABORTED. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    const err = new PithError('PITH_E_ABORTED', 'pool: closed');
    for (const j of this.#queue.splice(0)) (j.kind === 'stream' ? j.fail : j.reject)(err);
    const slots = this.#slots.splice(0);
    for (const slot of slots) {
      slot.dead = true;
      clearTimeout(slot.timer);
      const job = slot.job;
      slot.job = null;
      if (job) (job.kind === 'stream' ? job.fail : job.reject)(err);
    }
    await Promise.all(slots.map((s) => s.w.terminate()));
  }
}

if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(Pool.prototype, Symbol.asyncDispose, { value: Pool.prototype.close, configurable: true, writable: true });
}

function abortError(signal) {
  const reason = signal?.reason;
  const e = new PithError('PITH_E_ABORTED', 'pith: aborted by the signal', 0, reason === undefined ? undefined : { cause: reason });
  e.name = 'AbortError';
  return e;
}

/** Start a pool of workers, each with its own pith instance of one compiled module; resolves
 *  when every worker is ready. */
export async function createPool(options = {}) {
  if (options === null || typeof options !== 'object') throw argError('createPool: options must be an object');
  for (const k of Object.keys(options)) {
    if (!POOL_OPTIONS.has(k)) throw argError(`createPool: unknown option '${k}'`);
  }
  const variant = options.variant ?? 'standard';
  if (!Object.hasOwn(DEFAULT_WASM, variant)) throw argError(`createPool: variant must be 'standard' or 'minimal' (got ${String(variant)})`);
  const size = options.size ?? await defaultSize();
  if (!Number.isInteger(size) || size < 1) throw argError(`createPool: size must be a positive integer (got ${String(size)})`);
  const timeout = options.timeout ?? 0;
  if (typeof timeout !== 'number' || !(timeout >= 0)) throw argError('createPool: timeout must be milliseconds (0 = none)');
  let module;
  try {
    module = await compile(options.wasm ?? DEFAULT_WASM[variant]());
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) throw new PithError('PITH_E_LOAD', `createPool: not a WebAssembly module: ${e.message}`, 0, { cause: e });
    throw e;
  }
  const pool = new Pool(module, options);
  let starts;
  try {
    starts = await Promise.all(Array.from({ length: size }, () => pool.start()));
  } catch (e) {
    await pool.close();
    throw e;
  }
  // what the instances are, as the first worker told
  const { info } = starts[0];
  pool.variant = info.variant;
  pool.version = info.version;
  pool.formats = Object.freeze(info.formats);
  return pool;
}
