// core.mjs: the instance behind every variant entry — loading, handles, options, results,
// streams and errors. Imported by dist/<variant>/pith.mjs; not an entry of its own.
//
// The wasm is a glue-free Emscripten STANDALONE_WASM build: its only import is
// env.emscripten_notify_memory_growth, and it speaks through plain numbers (src/wasm_mem.h).
// A handle (pith_wasm_create) owns one document context, one input buffer and the structs JS
// reads and writes in place at offsets from layout.mjs. Bytes go into the handle's input buffer
// once (or the caller writes them there itself through input()); chunks are decoded straight
// out of wasm memory before the next call can reuse them. Growing memory detaches every view of
// the old ArrayBuffer, so all access goes through #u8()/#dv(), which re-create the views when
// memory.buffer is no longer the one they were made over. Nothing here runs at import time.

import {
  ABI_VERSION,
  VERSION,
  STATUS,
  PITH_E_NOMEM,
  PITH_E_NEED_PACK,
  OUTPUT,
  CHUNK_END,
  OPT_POSITIONS,
  OPT_JSON_KEYS,
  OPT_EMAIL_HTML,
  OPTS,
  RESULT,
  ENTRY,
  PACK,
  PACKS_MAX,
  LIMITS,
  MIME,
  EXPORTS,
} from './layout.mjs';

/** max_input_bytes when the caller sets none (pith.h); bounds what a stream collects in JS. */
const DEFAULT_MAX_INPUT = 2 ** 30;
/** Free handles kept for reuse; more are destroyed when released (each keeps its arena's
 *  retained chunks, up to 1 MiB, so an unbounded pool would hold memory for nothing). */
const POOL_MAX = 4;
const TWO32 = 4294967296;
/** Most milliseconds a stream() works before giving the event loop a turn (see yieldTurn). */
const SLICE_MS = 10;
const now = () => globalThis.performance?.now() ?? Date.now();
/** A task boundary: a for-await over stream() chains its reads through microtasks only, so
 *  without one a page would render no frame (and take no input) until the whole document was
 *  done (measured in Chromium: 0 frames during an 18 MB HTML stream; ~30 fps with this). A
 *  timer, not scheduler.yield(): Chromium runs a yield's continuation before rendering (6
 *  frames in the same test). */
const yieldTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

const statusName = (s) => STATUS[s] ?? 'PITH_E_UNKNOWN';

/** Errors thrown by pith: `code` is the status name ('PITH_E_DISABLED'), `message` the C
 *  message, `offset` the byte offset in the input where the problem was found (or 0). Codes
 *  that do not come from C: PITH_E_ABI (the .wasm is not the one this module speaks to) and
 *  PITH_E_LOAD (the .wasm or a data pack could not be fetched or read). PITH_E_NEED_PACK
 *  carries `pack`, the name of the data pack the document needs. */
// Node's Buffer makes a string of UTF-16 bytes with a copy (ucs2Slice takes any Uint8Array as
// `this`), 3-15x faster than its TextDecoder makes one of the same text's UTF-8 unless that is
// all ASCII; elsewhere (browsers, or a bundler's Buffer written in JS) a TextDecoder, where
// UTF-16 pays only for text mostly not ASCII (src/wasm_mem.c has the figures). UTF16_EVERY is
// the rule pith_wasm_utf16 applies: 0 any byte not ASCII, 8 one byte in 8 of the first 4 KB.
const nodeUcs2 = globalThis.process?.versions?.node ? globalThis.Buffer?.prototype?.ucs2Slice : undefined;
const UTF16_EVERY = nodeUcs2 ? 0 : 8;

/** The UTF-16LE bytes u8[start..end) as a string. */
function utf16String(u8, start, end, dec16) {
  return nodeUcs2 ? nodeUcs2.call(u8, start, end) : dec16.decode(u8.subarray(start, end));
}

export class PithError extends Error {
  constructor(code, message, offset = 0, options) {
    super(message, options);
    this.code = code;
    this.offset = offset;
    if (code === 'PITH_E_NEED_PACK') this.pack = /data pack ([a-z0-9_-]+)/.exec(message)?.[1] ?? null;
  }
}
PithError.prototype.name = 'PithError';

const argError = (message) => new PithError('PITH_E_ARG', message);
const disposedError = () => argError('pith: this instance was disposed');

/** An abort reads as a PithError PITH_E_ABORTED whose name is 'AbortError', so code that tests
 *  `err.name === 'AbortError'` (the fetch convention) treats it like any other abort. */
function abortError(signal) {
  const reason = signal?.reason;
  const e = new PithError('PITH_E_ABORTED', 'pith: aborted by the signal', 0,
    reason === undefined ? undefined : { cause: reason });
  e.name = 'AbortError';
  return e;
}

// MARK: - Loading

/** Instantiate a pith wasm. `defaultWasm()` gives the variant's own URL (the entry file holds
 *  the static `new URL('./pith.wasm', import.meta.url)` bundlers look for); `defaultPacks`
 *  maps each data pack's name to a function giving its URL the same way (dist/data/). */
export async function instantiate(options = {}, defaultWasm, defaultPacks = {}) {
  if (options === null || typeof options !== 'object') throw argError('load: options must be an object');
  // options.packs: names to preload from their default place, or { name: source } to preload
  // from elsewhere (a URL, a path, a Response or the bytes); those sources are also where a
  // missing pack is fetched from later.
  const packSources = { ...defaultPacks };
  let preload = [];
  const packs = options.packs;
  if (Array.isArray(packs)) {
    for (const name of packs) {
      if (typeof name !== 'string' || !packSources[name]) {
        throw argError(`load: unknown data pack ${JSON.stringify(name)} (known: ${Object.keys(packSources).join(', ') || 'none'})`);
      }
    }
    preload = packs;
  } else if (packs !== undefined && packs !== null) {
    if (typeof packs !== 'object') throw argError('load: packs must be an array of names or an object { name: source }');
    for (const [name, src] of Object.entries(packs)) {
      packSources[name] = () => src;
      preload.push(name);
    }
  }
  let module;
  try {
    module = await compile(options.wasm ?? defaultWasm());
  } catch (e) {
    // e.g. an HTML error page served with status 200
    if (e instanceof WebAssembly.CompileError) {
      throw new PithError('PITH_E_LOAD', `load: not a WebAssembly module: ${e.message}`, 0, { cause: e });
    }
    throw e;
  }
  // A glue-free build imports exactly one function; anything else is not a pith wasm (or one
  // built wrongly, pulling in WASI through printf). A checking build (-sSAFE_HEAP, tests only)
  // also imports the two functions its checked loads and stores call on a bad address.
  const extra = WebAssembly.Module.imports(module)
    .filter((i) => !(i.module === 'env' && (i.name === 'emscripten_notify_memory_growth' || Object.hasOwn(SAFE_HEAP, i.name))))
    .map((i) => `${i.module}.${i.name}`);
  if (extra.length) {
    throw new PithError('PITH_E_ABI', `load: the wasm needs imports pith does not give: ${extra.join(', ')}`);
  }
  let onGrow = null;
  const instance = await WebAssembly.instantiate(module, {
    env: {
      // Called by the wasm's sbrk after memory.grow: the old ArrayBuffer is detached now.
      emscripten_notify_memory_growth() {
        if (onGrow) onGrow();
      },
      ...SAFE_HEAP,
    },
  });
  const x = instance.exports;
  const missing = EXPORTS.filter((name) => !(name in x));
  if (missing.length) {
    throw new PithError('PITH_E_ABI', `load: not a pith wasm (missing exports: ${missing.join(', ')})`);
  }
  const abi = x.pith_wasm_abi();
  if (abi !== ABI_VERSION) {
    throw new PithError('PITH_E_ABI',
      `load: wasm ABI ${abi} does not match this module's ABI ${ABI_VERSION} (mixed versions of pith.mjs and pith.wasm?)`);
  }
  if (typeof x._initialize === 'function') x._initialize();
  const pith = new Pith(module, x, (fn) => {
    onGrow = fn;
  }, packSources);
  try {
    for (const name of preload) await pith.loadPack(name);
  } catch (e) {
    pith.dispose();
    throw e;
  }
  return pith;
}

/** The bytes of a data pack from wherever its source says (a URL, a path in Node, a Response,
 *  a promise of one, or the bytes themselves). */
async function readBytes(src, what) {
  if (src && typeof src.then === 'function') return readBytes(await src, what);
  if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) return asU8(src);
  if (isResponse(src)) {
    if (!src.ok) throw new PithError('PITH_E_LOAD', `${what}: ${src.url || 'response'} answered HTTP ${src.status}`);
    return new Uint8Array(await src.arrayBuffer());
  }
  if (typeof src === 'string' || src instanceof URL) {
    const url = toUrl(src);
    if (url === null || url.protocol === 'file:') return new Uint8Array(await readFile(url ?? src, url ? url.href : src));
    let res;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new PithError('PITH_E_LOAD', `${what}: cannot fetch ${url.href}: ${e.message}`, 0, { cause: e });
    }
    return readBytes(res, what);
  }
  throw argError(`${what}: a source must be a URL, a string, a Response or bytes`);
}

/** Compile the wasm from wherever options.wasm says it is (also dist/worker/pool.mjs: it
 *  compiles once and hands the module to every worker). */
export async function compile(src) {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) return WebAssembly.compile(src);
  if (isResponse(src)) return fromResponse(src);
  if (src && typeof src.then === 'function') return compile(await src);
  if (typeof src === 'string' || src instanceof URL) {
    const url = toUrl(src);
    if (url === null) return WebAssembly.compile(await readFile(src, src));
    if (url.protocol === 'file:') return WebAssembly.compile(await readFile(url, url.href));
    let res;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new PithError('PITH_E_LOAD', `load: cannot fetch ${url.href}: ${e.message}`, 0, { cause: e });
    }
    return fromResponse(res);
  }
  throw argError('load: options.wasm must be a URL, a string, a Response, bytes or a WebAssembly.Module');
}

/** A URL, or null when `s` is a plain file path (Node: a string that is not a URL). */
function toUrl(s) {
  if (s instanceof URL) return s;
  if (typeof globalThis.location?.href === 'string') return new URL(s, globalThis.location.href);
  if (/^[a-zA-Z]:[\\/]/.test(s)) return null; // a Windows drive path, not a scheme
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

async function fromResponse(res) {
  if (!res.ok) {
    throw new PithError('PITH_E_LOAD', `load: ${res.url || 'response'} answered HTTP ${res.status}`);
  }
  // compileStreaming compiles while downloading but insists on application/wasm; a server that
  // says otherwise (or a Response made from bytes) goes through arrayBuffer() instead.
  const type = res.headers.get('content-type') || '';
  if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\b/i.test(type)) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

/** Read a file: URL or path. Node's fetch rejects file: URLs, so Node, Deno and Bun read it
 *  with fs; the module is taken only here, at load time, and never by a static import, so the
 *  same file serves browsers (a bundler sees no node: import; a browser page loaded from file:
 *  falls back to fetch). */
async function readFile(target, label) {
  let fs = null;
  try {
    fs = globalThis.process?.getBuiltinModule?.('node:fs/promises') ?? null;
    if (!fs) {
      // built at run time: esbuild folds a constant specifier into a literal dynamic import of
      // the Node built-in, which a browser bundle must not hold (tests/browser/bundlers.test.mjs)
      const spec = ['node', 'fs/promises'].join(':');
      fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ spec);
    }
  } catch {
    fs = null;
  }
  try {
    if (fs) return await fs.readFile(target);
    const res = await fetch(target);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.arrayBuffer();
  } catch (e) {
    throw new PithError('PITH_E_LOAD', `load: cannot read ${label}: ${e.message}`, 0, { cause: e });
  }
}

// MARK: - Options

const OPTION_KEYS = new Set(['output', 'chunkSize', 'password', 'hint', 'pages', 'firstUnit',
  'unitCount', 'positions', 'jsonKeys', 'emailHtml', 'limits', 'signal', 'bytes']);

function u32(name, v) {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw argError(`options: ${name} must be a non-negative integer (got ${String(v)})`);
  }
  return v > 0xffffffff ? 0xffffffff : v;
}

/** Validate the JS options once; the result is written into a handle before each open. */
function parseOptions(opts) {
  if (opts === undefined || opts === null) opts = {};
  if (typeof opts !== 'object') throw argError('options: must be an object');
  for (const k of Object.keys(opts)) {
    if (!OPTION_KEYS.has(k)) throw argError(`options: unknown option '${k}'`);
  }
  let output = 0;
  if (opts.output !== undefined) {
    output = OUTPUT[opts.output];
    if (typeof opts.output !== 'string' || output === undefined || !Object.hasOwn(OUTPUT, opts.output)) {
      throw argError(`options: output must be one of ${Object.keys(OUTPUT).join(', ')} (got ${String(opts.output)})`);
    }
  }
  const hint = opts.hint ?? null;
  if (hint !== null && typeof hint !== 'string') throw argError('options: hint must be a string');
  const password = opts.password ?? null;
  if (password !== null && typeof password !== 'string' && !(password instanceof Uint8Array)) {
    throw argError('options: password must be a string or a Uint8Array');
  }
  let firstUnit = u32('firstUnit', opts.firstUnit);
  let unitCount = u32('unitCount', opts.unitCount);
  if (opts.pages !== undefined && opts.pages !== null) {
    if (opts.firstUnit !== undefined || opts.unitCount !== undefined) {
      throw argError('options: give pages or firstUnit/unitCount, not both');
    }
    if (typeof opts.pages !== 'object') throw argError('options: pages must be { first, count }');
    firstUnit = u32('pages.first', opts.pages.first);
    unitCount = u32('pages.count', opts.pages.count);
  }
  const words = [
    [OPTS.output, output],
    [OPTS.chunk_size, u32('chunkSize', opts.chunkSize)],
    [OPTS.first_unit, firstUnit],
    [OPTS.unit_count, unitCount],
    [OPTS.flags, (opts.positions ? OPT_POSITIONS : 0) | (opts.jsonKeys ? OPT_JSON_KEYS : 0) |
      (opts.emailHtml ? OPT_EMAIL_HTML : 0)],
  ];
  let maxInput = 0;
  const limits = opts.limits;
  if (limits !== undefined && limits !== null) {
    if (typeof limits !== 'object') throw argError('options: limits must be an object');
    for (const k of Object.keys(limits)) {
      if (!Object.hasOwn(LIMITS, k)) throw argError(`options: unknown limit '${k}'`);
      const v = limits[k];
      if (k === 'maxWork') {
        const w = typeof v === 'bigint' ? v : BigInt(u32Like('limits.maxWork', v));
        if (w < 0n || w >= 1n << 64n) throw argError('options: limits.maxWork out of range');
        words.push([OPTS.max_work_lo, Number(w & 0xffffffffn)], [OPTS.max_work_hi, Number(w >> 32n)]);
      } else {
        const n = u32(`limits.${k}`, v);
        words.push([LIMITS[k], n]);
        if (k === 'maxInputBytes') maxInput = n;
      }
    }
  }
  return {
    words,
    hint,
    password,
    /** max_input_bytes as written to the opts (0 = default) */
    maxInput,
    signal: opts.signal ?? null,
    bytes: !!opts.bytes,
  };
}

/** Like u32 but without the 32-bit clamp (maxWork is 64-bit). */
function u32Like(name, v) {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw argError(`options: ${name} must be a non-negative integer (got ${String(v)})`);
  }
  return v;
}

// MARK: - Inputs

/** Is v a fetch Response? The global is touched only for an object that has a Response's
 *  shape: in Node the first touch of `Response` loads undici (~9 MiB of RSS, measured by
 *  bench/run), which a caller passing bytes or a file URL should never pay. */
const isResponse = (v) => !!v && typeof v === 'object' && typeof v.arrayBuffer === 'function' &&
  'status' in v && typeof Response === 'function' && v instanceof Response;

const isBytes = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v) ||
  (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer);

// A view's own buffer, offset and length, read through the built-in getters: a subclass may
// override `length` or `byteLength`, and a length that is not the view's would size the wasm
// allocation while set() copies the view's real bytes (a write past the buffer, measured:
// every later call on the instance then traps). A detached buffer reads as PITH_E_ARG.
const TYPED = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
const TA_SLOTS = [getter(TYPED, 'buffer'), getter(TYPED, 'byteOffset'), getter(TYPED, 'byteLength')];
const DV_SLOTS = [getter(DataView.prototype, 'buffer'), getter(DataView.prototype, 'byteOffset'),
  getter(DataView.prototype, 'byteLength')];

function asU8(v) {
  try {
    if (!ArrayBuffer.isView(v)) return new Uint8Array(v);
    const slots = v instanceof DataView ? DV_SLOTS : TA_SLOTS;
    return new Uint8Array(slots[0].call(v), slots[1].call(v), slots[2].call(v));
  } catch (e) {
    throw new PithError('PITH_E_ARG', `input: cannot read the bytes of this ${describe(v)} (a detached buffer?): ${e.message}`, 0, { cause: e });
  }
}

const isStreamInput = (v) => isBytes(v) ||
  (typeof Blob === 'function' && v instanceof Blob) ||
  isResponse(v) ||
  (!!v && typeof v === 'object' && (typeof v.getReader === 'function' || typeof v[Symbol.asyncIterator] === 'function'));

function describe(v) {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return v.constructor?.name ?? 'object';
}

/** Chunks of a ReadableStream (through a reader: Safari's streams are not async-iterable) or
 *  of any async iterable. Leaving early cancels the source. */
async function* chunksOf(source) {
  if (typeof source.getReader === 'function') {
    const reader = source.getReader();
    let done = false;
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) {
          done = true;
          return;
        }
        yield r.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  } else {
    yield* source;
  }
}

// MARK: - Streams

/** ReadableStream is async-iterable in Node, Deno and Chromium but not everywhere (Safari);
 *  give the stream an iterator when its prototype has none. `break` cancels, like the native
 *  one (unless preventCancel). */
function ensureAsyncIterator(rs) {
  if (typeof rs[Symbol.asyncIterator] === 'function') return;
  const values = function ({ preventCancel = false } = {}) {
    const reader = rs.getReader();
    return {
      next: () => reader.read(),
      async return(value) {
        if (!preventCancel) await reader.cancel(value);
        reader.releaseLock();
        return { done: true, value };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };
  Object.defineProperty(rs, 'values', { value: values, configurable: true, writable: true });
  Object.defineProperty(rs, Symbol.asyncIterator, { value: values, configurable: true, writable: true });
}

// MARK: - Instance

class Pith {
  #x;
  #memory;
  #buf = null;
  #u8buf = null;
  #dvbuf = null;
  /** Buffers of memory before it grew: a view over one of them was detached by growth. */
  #old = new WeakSet();
  #all = new Set();
  #pool = [];
  /** input() allocations not yet consumed, by pointer. */
  #pending = new Map();
  /** input() views → { rec, gen }: the exact view stays claimable even after growth
   *  detached it (its bytes are still in wasm memory at the same address). */
  #views = new WeakMap();
  /** Open streams, so dispose() can end them. */
  #streams = new Set();
  #finalizer = null;
  #formatNames = [];
  #disposed = false;
  /** Data packs placed in wasm memory: name -> { ptr, len } (kept until dispose). */
  #packs = new Map();
  /** Where each known pack comes from: name -> () => source. */
  #packSources;
  /** Packs being fetched: name -> promise (two streams needing one pack fetch it once). */
  #packLoads = new Map();
  /** The pith_wasm_pack table in wasm memory that every open points to. */
  #packTable = { ptr: 0, count: 0 };
  #dec = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  #dec16 = new TextDecoder('utf-16le', { fatal: false, ignoreBOM: true });
  #enc = new TextEncoder();

  constructor(module, exports, onGrow, packSources = {}) {
    this.#x = exports;
    this.#packSources = packSources;
    onGrow(() => this.#stale());
    this.#memory = exports.memory;
    /** The compiled module: pass it as `load({ wasm })` to make more instances (or to a
     *  worker) without compiling again. */
    this.module = module;
    this.variant = this.#cstr(exports.pith_wasm_variant());
    this.version = VERSION;
    this.formats = Object.freeze(this.#cstr(exports.pith_wasm_formats()).split(' ').filter(Boolean));
    if (typeof FinalizationRegistry === 'function') {
      // An input() view dropped without being extracted gives its handle back.
      this.#finalizer = new FinalizationRegistry(({ rec, gen }) => {
        if (!rec.dead && rec.state === 'input' && rec.gen === gen) {
          this.#pending.delete(rec.inPtr);
          this.#release(rec);
        }
      });
    }
  }

  // -- memory views: the only way to reach linear memory --

  /** Memory grew (the import callback): remember the detached buffer, so a view of it that
   *  comes back is recognised, and re-create the views at the next access. */
  #stale() {
    if (this.#buf) {
      this.#old.add(this.#buf);
      this.#buf = null;
    }
  }

  #refresh() {
    const buf = this.#memory.buffer;
    if (buf !== this.#buf) {
      if (this.#buf) this.#old.add(this.#buf);
      this.#buf = buf;
      this.#u8buf = new Uint8Array(buf);
      this.#dvbuf = new DataView(buf);
    }
  }

  #u8() {
    if (this.#memory.buffer !== this.#buf) this.#refresh();
    return this.#u8buf;
  }

  #dv() {
    if (this.#memory.buffer !== this.#buf) this.#refresh();
    return this.#dvbuf;
  }

  #cstr(ptr) {
    const u8 = this.#u8();
    let end = ptr;
    while (u8[end] !== 0 && end < u8.length) end++;
    return this.#dec.decode(u8.subarray(ptr, end));
  }

  #str(ptr, len) {
    if (!len) return '';
    const u8 = this.#u8();
    // Short ASCII strings (metadata keys, most values, status names) are built here: the
    // TextDecoder call per string was most of a small document's result summary (issue 4: 13%
    // of a 1.5 KB HTML call). The first byte >= 0x80 hands the string to the decoder.
    if (len <= 32) {
      let s = '';
      for (let i = ptr, end = ptr + len; i < end; i++) {
        const c = u8[i];
        if (c >= 0x80) return this.#dec.decode(u8.subarray(ptr, end));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return this.#dec.decode(u8.subarray(ptr, ptr + len));
  }

  #live() {
    if (this.#disposed) throw disposedError();
  }

  // -- handles --

  #acquire() {
    let rec = this.#pool.pop();
    if (!rec) {
      const x = this.#x;
      const h = x.pith_wasm_create();
      if (!h) throw new PithError('PITH_E_NOMEM', 'pith: out of memory creating a handle');
      rec = {
        h,
        opts: x.pith_wasm_opts_ptr(h),
        result: x.pith_wasm_result_ptr(h),
        entry: x.pith_wasm_entry_ptr(h),
        state: 'free',
        inPtr: 0,
        inLen: 0,
        gen: 0,
        dead: false,
      };
      this.#all.add(rec);
    }
    rec.state = 'busy';
    return rec;
  }

  /** Close the handle's document and input, and pool it (or destroy it past POOL_MAX). */
  #release(rec) {
    if (rec.dead || rec.state === 'free') return;
    this.#x.pith_wasm_close(rec.h);
    rec.state = 'free';
    rec.gen++;
    if (this.#pool.length < POOL_MAX) {
      this.#pool.push(rec);
    } else {
      this.#x.pith_wasm_destroy(rec.h);
      rec.dead = true;
      this.#all.delete(rec);
    }
  }

  /** n writable bytes of input in the handle (dropping its previous input and document).
   *  pith_wasm_input refuses more than the max_input_bytes in the handle's opts, so that
   *  field is set first: the caller's limit, or 0 (the default) when none is known yet. */
  #alloc(rec, n, maxInput = 0) {
    // pith_wasm_input takes an i32: 2^32 bytes and more would wrap around to a small size
    const limit = maxInput || DEFAULT_MAX_INPUT;
    if (n > limit) throw tooLarge(n, limit);
    this.#dv().setUint32(rec.opts + OPTS.max_input_bytes, maxInput, true);
    const ptr = this.#x.pith_wasm_input(rec.h, n);
    if (!ptr) throw this.#error(rec, this.#dv().getUint32(rec.result + RESULT.status, true) || PITH_E_NOMEM);
    return ptr;
  }

  /** An input() view (or a part of one) handed back: take over its handle. null if `view`
   *  is not one. */
  #claim(view) {
    const tag = this.#views.get(view);
    if (tag) {
      const { rec, gen } = tag;
      if (rec.dead || rec.state !== 'input' || rec.gen !== gen) {
        throw argError('input: this input() buffer was already used (or released); call input() again');
      }
      return this.#take(rec, rec.inPtr, rec.inLen);
    }
    const buf = view.buffer;
    if (buf === this.#memory.buffer) {
      const start = view.byteOffset;
      const end = start + view.byteLength;
      for (const rec of this.#pending.values()) {
        if (start >= rec.inPtr && end <= rec.inPtr + rec.inLen) return this.#take(rec, start, end - start);
      }
      return null;
    }
    if (this.#old.has(buf)) {
      throw argError('input: this view of wasm memory was detached when memory grew; pass the view input() returned itself');
    }
    return null;
  }

  #take(rec, ptr, len) {
    this.#pending.delete(rec.inPtr);
    this.#finalizer?.unregister(rec);
    rec.state = 'busy';
    rec.gen++;
    return { rec, ptr, len };
  }

  /** Bytes (or an input() view) into a handle: { rec, ptr, len }. The handle is the caller's
   *  to release. */
  #place(input, o) {
    if (!isBytes(input)) {
      const hint = (typeof Blob === 'function' && input instanceof Blob) ||
        isResponse(input) ||
        (input && (typeof input.getReader === 'function' || typeof input[Symbol.asyncIterator] === 'function'))
        ? ' (use stream() for Blob, Response and streams, or read it into bytes first)'
        : '';
      throw argError(`input: expected a Uint8Array or an ArrayBuffer, got ${describe(input)}${hint}`);
    }
    if (ArrayBuffer.isView(input)) {
      const owned = this.#claim(input);
      if (owned) return owned;
    }
    let bytes = asU8(input);
    if (ArrayBuffer.isView(input)) {
      // A view of wasm memory that is not an input buffer: copy it out first, since the
      // allocation below may grow memory and detach it.
      if (bytes.buffer === this.#memory.buffer) bytes = bytes.slice();
    }
    const rec = this.#acquire();
    try {
      const ptr = this.#alloc(rec, bytes.length, o.maxInput);
      if (bytes.length) this.#u8().set(bytes, ptr);
      return { rec, ptr, len: bytes.length };
    } catch (e) {
      this.#release(rec);
      throw e;
    }
  }

  /** Any stream input into a handle. A Blob (or a Response with a plain Content-Length) has a
   *  known size: input(size) and its chunks are written straight into wasm memory. Otherwise
   *  the chunks are collected in JS and copied in once at the end (one copy, and no
   *  reallocation inside wasm, whose input buffer cannot grow in place); more bytes than
   *  announced switch to collecting too. Either way, more than maxInputBytes stops early. */
  async #placeAsync(input, o) {
    if (isBytes(input)) return this.#place(input, o);
    let source;
    let expected = -1;
    if (typeof Blob === 'function' && input instanceof Blob) {
      source = input.stream();
      expected = input.size;
    } else if (isResponse(input)) {
      if (!input.ok) throw argError(`input: the response has HTTP status ${input.status}`);
      if (!input.body) return this.#place(new Uint8Array(0), o);
      source = input.body;
      const n = Number(input.headers.get('content-length'));
      if (!input.headers.get('content-encoding') && Number.isSafeInteger(n) && n >= 0) expected = n;
    } else if (input && (typeof input.getReader === 'function' || typeof input[Symbol.asyncIterator] === 'function')) {
      source = input;
    } else {
      throw argError(`input: expected bytes, a Blob, a Response, a ReadableStream or an async iterable, got ${describe(input)}`);
    }
    const limit = o.maxInput || DEFAULT_MAX_INPUT;
    if (expected > limit) throw tooLarge(expected, limit);
    const rec = this.#acquire();
    try {
      let ptr = 0;
      let len = 0;
      let parts = null;
      let total = 0;
      if (expected >= 0) ptr = this.#alloc(rec, expected, o.maxInput);
      else parts = [];
      for await (const chunk of chunksOf(source)) {
        if (rec.dead) throw disposedError();
        if (o.signal?.aborted) throw abortError(o.signal);
        if (!isBytes(chunk)) throw argError(`input: stream chunks must be Uint8Array, got ${describe(chunk)}`);
        const bytes = asU8(chunk);
        if (!parts && len + bytes.length > expected) {
          parts = len ? [this.#u8().slice(ptr, ptr + len)] : [];
          total = len;
        }
        if (parts) {
          total += bytes.length;
          if (total > limit) throw tooLarge(total, limit);
          parts.push(bytes);
        } else {
          this.#u8().set(bytes, ptr + len);
          len += bytes.length;
        }
      }
      if (rec.dead) throw disposedError();
      if (o.signal?.aborted) throw abortError(o.signal);
      if (parts) {
        ptr = this.#alloc(rec, total, o.maxInput);
        const u8 = this.#u8();
        let at = ptr;
        for (const p of parts) {
          u8.set(p, at);
          at += p.length;
        }
        len = total;
      }
      return { rec, ptr, len };
    } catch (e) {
      this.#release(rec);
      throw e;
    }
  }

  // -- one document --

  /** Write the options into the handle (strings into its scratch area) and open. */
  #open(rec, ptr, len, o) {
    const x = this.#x;
    let hintPtr = 0;
    let hintLen = 0;
    let pwPtr = 0;
    let pwLen = 0;
    const hintCap = o.hint ? o.hint.length * 3 : 0; // UTF-16 unit → at most 3 UTF-8 bytes
    const pw = o.password;
    const pwCap = pw === null ? 0 : typeof pw === 'string' ? pw.length * 3 : pw.length;
    if (hintCap + pwCap) {
      const s = x.pith_wasm_scratch(rec.h, hintCap + pwCap);
      if (!s) throw new PithError('PITH_E_NOMEM', 'options: cannot allocate scratch for hint/password');
      const u8 = this.#u8();
      if (hintCap) {
        hintPtr = s;
        hintLen = this.#enc.encodeInto(o.hint, u8.subarray(s, s + hintCap)).written;
      }
      if (pwCap) {
        pwPtr = s + hintCap;
        if (typeof pw === 'string') pwLen = this.#enc.encodeInto(pw, u8.subarray(pwPtr, pwPtr + pwCap)).written;
        else {
          u8.set(pw, pwPtr);
          pwLen = pw.length;
        }
      }
    }
    const dv = this.#dv();
    const base = rec.opts;
    for (let i = 0; i < OPTS.SIZE; i += 4) dv.setUint32(base + i, 0, true);
    for (const [off, v] of o.words) dv.setUint32(base + off, v, true);
    dv.setUint32(base + OPTS.hint_ptr, hintPtr, true);
    dv.setUint32(base + OPTS.hint_len, hintLen, true);
    dv.setUint32(base + OPTS.password_ptr, pwPtr, true);
    dv.setUint32(base + OPTS.password_len, pwLen, true);
    dv.setUint32(base + OPTS.packs_ptr, this.#packTable.ptr, true);
    dv.setUint32(base + OPTS.packs_count, this.#packTable.count, true);
    return x.pith_wasm_open(rec.h, ptr, len);
  }

  /** #open, and when the document needs a data pack this instance can fetch, fetch it and
   *  open again (the input stays where it is in wasm memory). */
  async #openAsync(rec, ptr, len, o) {
    const tried = new Set();
    for (;;) {
      const st = this.#open(rec, ptr, len, o);
      if (st !== PITH_E_NEED_PACK) return st;
      const { pack } = this.#error(rec, st);
      if (!pack || tried.has(pack) || this.#packs.has(pack) || !this.#packSources[pack]) return st;
      tried.add(pack);
      await this.loadPack(pack);
      if (rec.dead) throw disposedError();
      if (o.signal?.aborted) throw abortError(o.signal);
    }
  }

  // -- data packs --

  /** Write the pith_wasm_pack table of the loaded packs (names after the entries). */
  #writePackTable() {
    const x = this.#x;
    const names = [...this.#packs.keys()].map((n) => this.#enc.encode(n));
    const size = names.length * PACK.SIZE + names.reduce((a, n) => a + n.length, 0);
    const ptr = x.pith_wasm_alloc(size);
    if (!ptr) throw new PithError('PITH_E_NOMEM', 'pack: cannot allocate the pack table');
    const dv = this.#dv();
    const u8 = this.#u8();
    let at = ptr + names.length * PACK.SIZE;
    let i = 0;
    for (const [, p] of this.#packs) {
      const e = ptr + i * PACK.SIZE;
      u8.set(names[i], at);
      dv.setUint32(e + PACK.name_ptr, at, true);
      dv.setUint32(e + PACK.name_len, names[i].length, true);
      dv.setUint32(e + PACK.data_ptr, p.ptr, true);
      dv.setUint32(e + PACK.data_len, p.len, true);
      at += names[i].length;
      i++;
    }
    if (this.#packTable.ptr) x.pith_wasm_free(this.#packTable.ptr);
    this.#packTable = { ptr, count: names.length };
  }

  /** The handle's error as a PithError (read before the handle is closed). */
  #error(rec, status) {
    const dv = this.#dv();
    // (PithError reads the pack's name out of a PITH_E_NEED_PACK message)
    const r = rec.result;
    const code = dv.getUint32(r + RESULT.err_code, true) || status;
    const offset = dv.getUint32(r + RESULT.err_offset_lo, true) + dv.getUint32(r + RESULT.err_offset_hi, true) * TWO32;
    const msg = this.#str(dv.getUint32(r + RESULT.err_msg_ptr, true), dv.getUint32(r + RESULT.err_msg_len, true));
    return new PithError(statusName(code), msg || `pith: ${statusName(code)}`, offset);
  }

  #formatName(f) {
    let name = this.#formatNames[f];
    if (name === undefined) name = this.#formatNames[f] = this.#cstr(this.#x.pith_wasm_format_name(f));
    return name;
  }

  /** The handle's current chunk (UTF-8, n bytes at p) as a string, made from UTF-16 where the
   *  engine makes that faster (see nodeUcs2; 0 units: keep the UTF-8). */
  #chunkText(rec, p, n) {
    // (under 128 bytes the call costs about what it saves; in a browser, under 4 KB)
    const units = n < (UTF16_EVERY ? 4096 : 128) ? 0 : this.#x.pith_wasm_utf16(rec.h, UTF16_EVERY);
    const u8 = this.#u8(); // the conversion may have grown memory
    if (units === 0) return this.#dec.decode(u8.subarray(p, p + n));
    const q = this.#x.pith_wasm_utf16_ptr(rec.h);
    return utf16String(u8, q, q + 2 * units, this.#dec16);
  }

  /** format, mime, meta, warnings, stats and units of the handle's open document. */
  #summary(rec) {
    const x = this.#x;
    let dv = this.#dv();
    const r = rec.result;
    const format = this.#formatName(dv.getUint32(r + RESULT.format, true));
    const units = dv.getUint32(r + RESULT.units, true);
    const metaCount = dv.getUint32(r + RESULT.meta_count, true);
    const warningCount = dv.getUint32(r + RESULT.warning_count, true);
    const stats = {
      memoryBytes: dv.getUint32(r + RESULT.mem_bytes, true),
      memoryHigh: dv.getUint32(r + RESULT.mem_high, true),
      outputBytes: dv.getUint32(r + RESULT.output_lo, true) + dv.getUint32(r + RESULT.output_hi, true) * TWO32,
      work: dv.getUint32(r + RESULT.work_lo, true) + dv.getUint32(r + RESULT.work_hi, true) * TWO32,
      warningsDropped: dv.getUint32(r + RESULT.warnings_dropped, true),
    };
    const e = rec.entry;
    // Repeated keys keep every value, in order: the first as a string, then an array.
    const meta = {};
    for (let i = 0; i < metaCount; i++) {
      if (!x.pith_wasm_meta(rec.h, i)) break;
      dv = this.#dv();
      const key = this.#str(dv.getUint32(e + ENTRY.a_ptr, true), dv.getUint32(e + ENTRY.a_len, true));
      const value = this.#str(dv.getUint32(e + ENTRY.b_ptr, true), dv.getUint32(e + ENTRY.b_len, true));
      if (!Object.hasOwn(meta, key)) {
        // a plain store, but for the one key a store would not make an own property of
        if (key === '__proto__') {
          Object.defineProperty(meta, key, { value, enumerable: true, writable: true, configurable: true });
        } else meta[key] = value;
      } else if (Array.isArray(meta[key])) meta[key].push(value);
      else meta[key] = [meta[key], value];
    }
    const warnings = [];
    for (let i = 0; i < warningCount; i++) {
      if (!x.pith_wasm_warning(rec.h, i)) break;
      dv = this.#dv();
      warnings.push({
        unit: dv.getUint32(e + ENTRY.unit, true),
        code: statusName(dv.getUint32(e + ENTRY.code, true)),
        message: this.#str(dv.getUint32(e + ENTRY.a_ptr, true), dv.getUint32(e + ENTRY.a_len, true)),
        offset: dv.getUint32(e + ENTRY.offset_lo, true) + dv.getUint32(e + ENTRY.offset_hi, true) * TWO32,
      });
    }
    return { format, mime: this.#mime(format), meta, warnings, stats, units };
  }

  #mime(format) {
    return MIME[format] ?? 'application/octet-stream';
  }

  /** Open and run a whole document on a handle whose input is in place. */
  #run(rec, ptr, len, o, opened = false) {
    const x = this.#x;
    let st = opened ? 0 : this.#open(rec, ptr, len, o);
    if (st) throw this.#error(rec, st);
    const r = rec.result;
    let text = '';
    for (;;) {
      st = x.pith_wasm_next(rec.h);
      if (st) throw this.#error(rec, st);
      const dv = this.#dv(); // next may have grown memory
      if (dv.getUint32(r + RESULT.chunk_flags, true) & CHUNK_END) break;
      const p = dv.getUint32(r + RESULT.chunk_ptr, true);
      // decoded now: the next call reuses the chunk's memory
      const piece = this.#chunkText(rec, p, dv.getUint32(r + RESULT.chunk_len, true));
      try {
        text += piece;
      } catch (e) {
        // past the engine's longest string (V8: 2^29 - 24 UTF-16 units), under max_output_bytes
        if (!(e instanceof RangeError)) throw e;
        throw new PithError('PITH_E_LIMIT', `output: more than ${text.length} characters do not fit one JS string (read it with stream())`, 0, { cause: e });
      }
    }
    const s = this.#summary(rec);
    return { text, format: s.format, mime: s.mime, meta: s.meta, warnings: s.warnings, stats: s.stats, units: s.units };
  }

  // MARK: - public API

  /** A writable view of `n` bytes of a fresh input buffer in wasm memory. Fill it, then pass
   *  it (or a subarray of it, for fewer bytes) to extract/stream/extractBatch: the bytes are
   *  not copied. Fill it right away: anything that grows memory (another call on this
   *  instance) detaches the view. One extract/stream consumes it. */
  input(n) {
    this.#live();
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
      throw argError(`input: size must be an integer 0..2^32-1 (got ${String(n)})`);
    }
    const rec = this.#acquire();
    let ptr;
    try {
      ptr = this.#alloc(rec, n);
    } catch (e) {
      this.#release(rec);
      throw e;
    }
    rec.state = 'input';
    rec.inPtr = ptr;
    rec.inLen = n;
    const gen = ++rec.gen;
    const view = new Uint8Array(this.#u8().buffer, ptr, n);
    this.#views.set(view, { rec, gen });
    this.#pending.set(ptr, rec);
    this.#finalizer?.register(view, { rec, gen }, rec);
    return view;
  }

  /** Extract a whole document: { text, format, mime, meta, warnings, stats, units }. */
  extract(input, opts) {
    this.#live();
    return this.#extract(input, parseOptions(opts));
  }

  #extract(input, o) {
    if (o.signal?.aborted) throw abortError(o.signal);
    const { rec, ptr, len } = this.#place(input, o);
    try {
      return this.#run(rec, ptr, len, o);
    } finally {
      this.#release(rec);
    }
  }

  /** Like extract, but takes every input stream() takes, and when the document needs a data
   *  pack that is not loaded (PITH_E_NEED_PACK), fetches it from beside the module (or from
   *  the source given to load()) and goes on. */
  async extractAsync(input, opts) {
    this.#live();
    const o = parseOptions(opts);
    if (o.signal?.aborted) throw abortError(o.signal);
    if (!isStreamInput(input)) {
      throw argError(`input: expected bytes, a Blob, a Response, a ReadableStream or an async iterable, got ${describe(input)}`);
    }
    const { rec, ptr, len } = await this.#placeAsync(input, o);
    try {
      const st = await this.#openAsync(rec, ptr, len, o);
      if (st) throw this.#error(rec, st);
      return this.#run(rec, ptr, len, o, true);
    } finally {
      this.#release(rec);
    }
  }

  /** Place a data pack in this instance's memory, once; later documents that need it find it
   *  there. `source` (a URL, a path in Node, a Response or the bytes) defaults to the pack's
   *  own place beside the module (dist/data/<name>.bin). Resolves when it is loaded. */
  loadPack(name, source) {
    this.#live();
    if (typeof name !== 'string' || !/^[a-z0-9_-]{1,63}$/.test(name)) {
      return Promise.reject(argError(`pack: bad name ${JSON.stringify(name)}`));
    }
    if (this.#packs.has(name)) return Promise.resolve();
    const pending = this.#packLoads.get(name);
    if (pending) return pending;
    const from = source !== undefined ? () => source : this.#packSources[name];
    if (!from) return Promise.reject(new PithError('PITH_E_LOAD', `pack: no source known for data pack ${name}`));
    const p = (async () => {
      const bytes = await readBytes(from(), `pack ${name}`);
      if (this.#disposed) throw disposedError();
      if (this.#packs.has(name)) return;
      if (this.#packs.size >= PACKS_MAX) throw argError(`pack: at most ${PACKS_MAX} data packs per instance`);
      const ptr = this.#x.pith_wasm_alloc(bytes.length);
      if (!ptr) throw new PithError('PITH_E_NOMEM', `pack: cannot allocate ${bytes.length} bytes for ${name}`);
      this.#u8().set(bytes, ptr);
      this.#packs.set(name, { ptr, len: bytes.length });
      try {
        this.#writePackTable();
      } catch (e) {
        this.#packs.delete(name);
        this.#x.pith_wasm_free(ptr);
        throw e;
      }
    })();
    this.#packLoads.set(name, p);
    p.finally(() => this.#packLoads.delete(name)).catch(() => {});
    return p;
  }

  /** Names of the data packs loaded in this instance. */
  get packs() {
    return [...this.#packs.keys()];
  }

  /** Extract documents one after another on one handle (its arena reset between them, so
   *  memory stays flat); an item is bytes or { input, ...options } (over `opts`). A failed
   *  item is { ok: false, error } and the batch goes on. */
  extractBatch(list, opts) {
    this.#live();
    if (!list || typeof list[Symbol.iterator] !== 'function') {
      throw argError('extractBatch: expected an iterable of inputs');
    }
    const base = parseOptions(opts);
    // synchronous: the signal cannot change during the batch, only before it
    if (base.signal?.aborted) throw abortError(base.signal);
    const out = [];
    let rec = null;
    try {
      for (const item of list) {
        try {
          let input = item;
          let o = base;
          if (item && typeof item === 'object' && !isBytes(item) && 'input' in item) {
            const { input: inner, ...rest } = item;
            input = inner;
            o = parseOptions({ ...opts, ...rest });
          }
          if (o.signal?.aborted) throw abortError(o.signal);
          if (ArrayBuffer.isView(input) && (this.#views.has(input) || input.buffer === this.#memory.buffer)) {
            // an input() buffer lives in a handle of its own: extract it there
            out.push({ ok: true, ...this.#extract(input, o) });
            continue;
          }
          if (!isBytes(input)) {
            throw argError(`input: expected a Uint8Array or an ArrayBuffer, got ${describe(input)}`);
          }
          const bytes = asU8(input);
          rec ??= this.#acquire();
          // pith_wasm_input drops the previous document: its arena is reset, not freed
          const ptr = this.#alloc(rec, bytes.length, o.maxInput);
          if (bytes.length) this.#u8().set(bytes, ptr);
          out.push({ ok: true, ...this.#run(rec, ptr, bytes.length, o) });
        } catch (error) {
          out.push({ ok: false, error });
        }
      }
    } finally {
      if (rec) this.#release(rec);
    }
    return out;
  }

  /** A ReadableStream of the document's chunks, one pith_wasm_next per pull. */
  stream(input, opts) {
    this.#live();
    const o = parseOptions(opts);
    if (!isStreamInput(input)) {
      throw argError(`input: expected bytes, a Blob, a Response, a ReadableStream or an async iterable, got ${describe(input)}`);
    }
    const x = this.#x;
    const signal = o.signal;
    let rec = null;
    let controller = null;
    let ended = false;
    let settle;
    let slice = now();
    // workerd calls pull() before an async start() has settled (measured: 'pull' logged
    // before 'start done'; the Streams spec says pull waits for start), so pull waits here.
    let started = false;
    let markStarted;
    const ready = new Promise((resolve) => {
      markStarted = () => {
        started = true;
        resolve();
      };
    });
    const result = new Promise((resolve, reject) => {
      settle = { resolve, reject };
    });
    result.catch(() => {}); // observed or not, a failed stream already reports through reads

    const finish = () => {
      if (ended) return false;
      ended = true;
      markStarted();
      signal?.removeEventListener('abort', onAbort);
      this.#streams.delete(handle);
      if (rec) this.#release(rec);
      return true;
    };
    const fail = (err) => {
      if (!finish()) return;
      settle.reject(err);
      controller.error(err);
    };
    const onAbort = () => fail(abortError(signal));
    const handle = { kill: fail };

    const rs = new ReadableStream(
      {
        start: async (c) => {
          controller = c;
          this.#streams.add(handle);
          if (signal) {
            if (signal.aborted) return fail(abortError(signal));
            signal.addEventListener('abort', onAbort, { once: true });
          }
          let placed;
          try {
            placed = await this.#placeAsync(input, o);
          } catch (e) {
            return fail(e);
          }
          if (ended) {
            // aborted or disposed while the input was read
            if (!placed.rec.dead) this.#release(placed.rec);
            return;
          }
          rec = placed.rec;
          let st;
          try {
            // a document that needs a data pack gets it fetched, then opened again
            st = await this.#openAsync(rec, placed.ptr, placed.len, o);
          } catch (e) {
            return fail(e);
          }
          if (ended) return;
          if (st) fail(this.#error(rec, st));
          markStarted();
        },
        pull: async (c) => {
          if (!started) await ready;
          if (ended) return;
          if (now() - slice > SLICE_MS) {
            await yieldTurn();
            slice = now();
            if (ended) return;
          }
          if (signal?.aborted) return onAbort();
          const st = x.pith_wasm_next(rec.h);
          if (st) return fail(this.#error(rec, st));
          const dv = this.#dv();
          const r = rec.result;
          if (dv.getUint32(r + RESULT.chunk_flags, true) & CHUNK_END) {
            settle.resolve(this.#summary(rec));
            finish();
            c.close();
            return;
          }
          const p = dv.getUint32(r + RESULT.chunk_ptr, true);
          const n = dv.getUint32(r + RESULT.chunk_len, true);
          const unit = dv.getUint32(r + RESULT.chunk_unit, true);
          const index = dv.getUint32(r + RESULT.chunk_index, true);
          // copied/decoded now: the next call reuses the chunk's memory
          if (o.bytes) c.enqueue({ bytes: this.#u8buf.slice(p, p + n), unit, index });
          else c.enqueue({ text: this.#chunkText(rec, p, n), unit, index });
        },
        cancel: () => {
          if (finish()) settle.reject(new PithError('PITH_E_ABORTED', 'pith: stream cancelled'));
        },
      },
      { highWaterMark: 0 },
    );
    ensureAsyncIterator(rs);
    Object.defineProperty(rs, 'result', { value: result, enumerable: true });
    return rs;
  }

  /** Format name of a document by its content (and options.hint), without extracting it. */
  detect(input, opts) {
    this.#live();
    const o = parseOptions(opts);
    if (ArrayBuffer.isView(input)) {
      const tag = this.#views.get(input);
      if (tag) {
        if (tag.rec.dead || tag.rec.state !== 'input' || tag.rec.gen !== tag.gen) {
          throw argError('input: this input() buffer was already used (or released); call input() again');
        }
        // an input() buffer: detect in place and leave it to its extract
        return this.#detectOn(tag.rec, tag.rec.inLen, o);
      }
      if (input.buffer === this.#memory.buffer || this.#old.has(input.buffer)) input = input.slice();
    }
    const { rec, len } = this.#place(input, o);
    try {
      return this.#detectOn(rec, len, o);
    } finally {
      this.#release(rec);
    }
  }

  #detectOn(rec, len, o) {
    // pith_wasm_detect reads the hint from the opts; nothing is opened.
    this.#writeHintOnly(rec, o);
    return this.#formatName(this.#x.pith_wasm_detect(rec.h, len));
  }

  #writeHintOnly(rec, o) {
    let hintPtr = 0;
    let hintLen = 0;
    if (o.hint) {
      const cap = o.hint.length * 3;
      const s = this.#x.pith_wasm_scratch(rec.h, cap);
      if (!s) throw new PithError('PITH_E_NOMEM', 'options: cannot allocate scratch for hint');
      hintPtr = s;
      hintLen = this.#enc.encodeInto(o.hint, this.#u8().subarray(s, s + cap)).written;
    }
    const dv = this.#dv();
    dv.setUint32(rec.opts + OPTS.hint_ptr, hintPtr, true);
    dv.setUint32(rec.opts + OPTS.hint_len, hintLen, true);
  }

  /** Memory of this instance: the wasm memory's size, and the arena bytes its handles hold
   *  now and at most (summed over handles). */
  memory() {
    this.#live();
    const dv = this.#dv();
    let arenaBytes = 0;
    let arenaHigh = 0;
    for (const rec of this.#all) {
      arenaBytes += dv.getUint32(rec.result + RESULT.mem_bytes, true);
      arenaHigh += dv.getUint32(rec.result + RESULT.mem_high, true);
    }
    return {
      wasmBytes: this.#memory.buffer.byteLength,
      arenaBytes,
      arenaHigh,
      handles: this.#all.size,
      freeHandles: this.#pool.length,
    };
  }

  /** Destroy every handle (open streams error with PITH_E_ARG); later calls throw. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    const err = disposedError();
    for (const s of [...this.#streams]) s.kill(err);
    for (const rec of this.#all) {
      this.#finalizer?.unregister(rec);
      this.#x.pith_wasm_destroy(rec.h);
      rec.dead = true;
    }
    this.#all.clear();
    this.#pool.length = 0;
    this.#pending.clear();
    for (const p of this.#packs.values()) this.#x.pith_wasm_free(p.ptr);
    if (this.#packTable.ptr) this.#x.pith_wasm_free(this.#packTable.ptr);
    this.#packs.clear();
    this.#packTable = { ptr: 0, count: 0 };
  }
}

if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(Pith.prototype, Symbol.dispose, {
    value: Pith.prototype.dispose,
    configurable: true,
    writable: true,
  });
}

/** What a -sSAFE_HEAP build (tests/wasm's checking build, never shipped) calls on a load or
 *  store out of bounds or misaligned: a trap, as a real fault would be. */
const SAFE_HEAP = Object.freeze({
  segfault() {
    throw new WebAssembly.RuntimeError('SAFE_HEAP: load or store out of bounds');
  },
  alignfault() {
    throw new WebAssembly.RuntimeError('SAFE_HEAP: misaligned load or store');
  },
});

function tooLarge(n, limit) {
  return new PithError('PITH_E_LIMIT', `input: ${n} bytes exceed limit max_input_bytes (${limit})`);
}
