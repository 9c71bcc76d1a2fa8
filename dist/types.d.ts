// types.d.ts: the API of every pith bundle (pith, pith/minimal, pith/standard), written by
// hand next to dist/core.mjs. Each dist/<variant>/pith.d.ts re-exports it.

/** pith_status names, by value (PITH_OK = 0 ... PITH_E_NEED_PACK = 10). */
export type PithStatusName =
  | 'PITH_OK'
  | 'PITH_E_ARG'
  | 'PITH_E_NOMEM'
  | 'PITH_E_LIMIT'
  | 'PITH_E_UNSUPPORTED'
  | 'PITH_E_DISABLED'
  | 'PITH_E_FORMAT'
  | 'PITH_E_TRUNCATED'
  | 'PITH_E_ENCRYPTED'
  | 'PITH_E_ABORTED'
  | 'PITH_E_NEED_PACK';

/** Codes a PithError carries: a C status, or one of the JS-only codes
 *  PITH_E_ABI (the .wasm does not match this module), PITH_E_LOAD (the .wasm or a data pack
 *  could not be fetched or read) and PITH_E_WORKER (pith/worker: the document's worker crashed
 *  or trapped, and was replaced). */
export type PithErrorCode = Exclude<PithStatusName, 'PITH_OK'> | 'PITH_E_ABI' | 'PITH_E_LOAD' | 'PITH_E_WORKER';

/** Every error pith throws or rejects with. An abort (AbortSignal) has code PITH_E_ABORTED and
 *  name 'AbortError'. */
export declare class PithError extends Error {
  constructor(code: PithErrorCode, message: string, offset?: number, options?: { cause?: unknown });
  /** The status name, e.g. 'PITH_E_DISABLED'. */
  readonly code: PithErrorCode;
  /** Byte offset in the input where the problem was found, or 0. */
  readonly offset: number;
  /** PITH_E_NEED_PACK: the data pack the document needs ('cjk-encodings'). */
  readonly pack?: string | null;
}

// WebAssembly.Module is declared by TypeScript's DOM lib and by newer @types/node; this empty
// merge makes the name resolve without either (a Node-only project on an older @types/node).
declare global {
  namespace WebAssembly {
    interface Module {}
  }
}

export type OutputFormat = 'text' | 'markdown' | 'jsonl' | 'html';

/** pith_limits; a field left out (or 0) takes the C default documented in pith.h. */
export interface Limits {
  /** default 1 GiB */
  maxInputBytes?: number;
  /** total serialized output of one document; default 1 GiB */
  maxOutputBytes?: number;
  /** arena bytes of one document; default 512 MiB */
  maxMemoryBytes?: number;
  /** default 1 GiB */
  maxDecompressedBytes?: number;
  /** work units (~1 per byte or object visited); default 2^34; a bigint for more than 2^53 */
  maxWork?: number | bigint;
  /** structural nesting; default 256 */
  maxDepth?: number;
  /** default 4,000,000 */
  maxObjects?: number;
  /** inflated/compressed bytes of one stream; default 2,000 */
  maxRatio?: number;
  /** documents inside documents; default 4 */
  maxNestingDocs?: number;
}

export interface ExtractOptions {
  /** default 'text' */
  output?: OutputFormat;
  /** most UTF-8 bytes per chunk; default 65536, at least 64 */
  chunkSize?: number;
  /** password of an encrypted document (a string is encoded as UTF-8) */
  password?: string | Uint8Array;
  /** a MIME type or a file name ('report.md', '.csv') for formats content cannot tell apart */
  hint?: string;
  /** 0-based range of units (pages, sheets, slides) to extract; count 0 or absent = all.
   *  Give either pages or firstUnit/unitCount. */
  pages?: { first?: number; count?: number };
  /** 0-based first unit */
  firstUnit?: number;
  /** how many units from firstUnit; 0 = all */
  unitCount?: number;
  /** JSON Lines output carries page/bbox positions where known */
  positions?: boolean;
  /** JSON input: object keys come out too, one "key: value" line per pair (true/false/null
   *  kept); default: values only */
  jsonKeys?: boolean;
  /** email: a multipart/alternative gives its HTML part (through the HTML handler) instead of
   *  its plain text part */
  emailHtml?: boolean;
  limits?: Limits;
  /** checked before starting (extract is synchronous); streams stop between chunks */
  signal?: AbortSignal;
}

export interface StreamOptions extends ExtractOptions {
  /** chunks as { bytes } (UTF-8, copied) instead of { text } */
  bytes?: boolean;
}

export interface Warning {
  /** unit the damage was confined to */
  unit: number;
  code: PithStatusName;
  message: string;
  offset: number;
}

export interface Stats {
  /** arena bytes the document's handle holds */
  memoryBytes: number;
  /** the most arena bytes that handle held at once */
  memoryHigh: number;
  /** bytes of output produced */
  outputBytes: number;
  /** work units drawn */
  work: number;
  /** warnings dropped after the first 256 */
  warningsDropped: number;
}

/** Metadata: key → value; a key the document repeats maps to every value, in order. */
export type Meta = Record<string, string | string[]>;

export interface DocumentInfo {
  /** format name: 'text', 'html', 'pdf', ... */
  format: string;
  mime: string;
  meta: Meta;
  warnings: Warning[];
  stats: Stats;
  /** number of units (pages, sheets, ...) of the whole document */
  units: number;
}

export interface ExtractResult extends DocumentInfo {
  text: string;
}

export interface TextChunk {
  text: string;
  /** unit the chunk belongs to */
  unit: number;
  /** sequence number of the chunk in the document, from 0 */
  index: number;
}

export interface ByteChunk {
  bytes: Uint8Array;
  unit: number;
  index: number;
}

/** A ReadableStream (highWaterMark 0: one chunk is produced per read) that is also
 *  async-iterable everywhere (pith adds the iterator where the platform lacks it); `break` or
 *  cancel() closes the document. */
export type PithStream<T> = ReadableStream<T> &
  AsyncIterable<T> & {
    /** Resolves with the document's info after the last chunk; rejects when the stream errors
     *  or is cancelled (the rejection is pre-handled: awaiting it is optional). */
    readonly result: Promise<DocumentInfo>;
  };

/** Bytes, or a view obtained from pith.input(n) (or a subarray of it): not copied. */
export type BytesInput = Uint8Array | ArrayBuffer | ArrayBufferView;

/** What stream() reads: bytes, or a source read into wasm memory first. */
export type StreamInput =
  | BytesInput
  | Blob
  | Response
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

export type BatchItem = BytesInput | ({ input: BytesInput } & ExtractOptions);

export type BatchResult = ({ ok: true } & ExtractResult) | { ok: false; error: PithError };

export interface MemoryInfo {
  /** size of the wasm linear memory (it never shrinks) */
  wasmBytes: number;
  /** arena bytes held by all handles now */
  arenaBytes: number;
  /** sum over handles of the most arena bytes each held at once */
  arenaHigh: number;
  /** handles alive (one per document open at once, plus pooled ones) */
  handles: number;
  /** pooled handles waiting for reuse */
  freeHandles: number;
}

export interface Pith {
  /** 'minimal', 'standard', ... (from the wasm) */
  readonly variant: string;
  readonly version: string;
  /** format names this bundle reads */
  readonly formats: readonly string[];
  /** the compiled module: load({ wasm: pith.module }) makes another instance without compiling */
  readonly module: WebAssembly.Module;

  /** Extract a whole document (synchronously). A document that needs a data pack this
   *  instance has not loaded throws PITH_E_NEED_PACK (error.pack names it): preload it with
   *  load({ packs }) or loadPack(), or use extractAsync()/stream(), which fetch it. */
  extract(input: BytesInput, options?: ExtractOptions): ExtractResult;
  /** Like extract, for every input stream() takes; fetches a missing data pack (from beside
   *  the module, or the source given to load()) and goes on. */
  extractAsync(input: StreamInput, options?: ExtractOptions): Promise<ExtractResult>;
  /** Place a data pack in this instance's memory once (default source: dist/data/<name>.bin
   *  beside the module); resolves when it is loaded. Rejects with PITH_E_LOAD when it cannot be
   *  read. */
  loadPack(name: PackName, source?: PackSource): Promise<void>;
  /** Names of the data packs loaded. */
  readonly packs: readonly string[];
  /** Documents one after another on one handle; a failed item does not stop the batch. */
  extractBatch(list: Iterable<BatchItem>, options?: ExtractOptions): BatchResult[];
  /** The document's chunks, produced one per read. A data pack the document needs is fetched
   *  before the first chunk. */
  stream(input: StreamInput, options: StreamOptions & { bytes: true }): PithStream<ByteChunk>;
  stream(input: StreamInput, options?: StreamOptions): PithStream<TextChunk>;
  /** A writable view of n bytes in wasm memory: fill it at once (growth of memory detaches
   *  it), then pass it (or a subarray) to extract/stream; it is not copied, and one call
   *  consumes it. */
  input(n: number): Uint8Array;
  /** Format name of a document by its content and options.hint ('unknown' if none). */
  detect(input: BytesInput, options?: Pick<ExtractOptions, 'hint'>): string;
  memory(): MemoryInfo;
  /** Destroy every handle; open streams error, later calls throw PITH_E_ARG. */
  dispose(): void;
}

/** Data packs: tables too big for a bundle, kept in dist/data/ and loaded only when needed.
 *  'cjk-encodings' holds Shift_JIS, EUC-JP, GBK/GB18030, Big5 and EUC-KR; 'cmap-japan1',
 *  'cmap-gb1', 'cmap-cns1' and 'cmap-korea1' the PDF predefined CJK CMaps and CID -> Unicode
 *  tables of one character collection each (standard bundle). */
export type PackName =
  | 'cjk-encodings' | 'cmap-japan1' | 'cmap-gb1' | 'cmap-cns1' | 'cmap-korea1' | (string & {});

/** Where a data pack comes from: a URL (a string that is not a URL is a file path in Node), a
 *  Response (or a promise of one), or its bytes. */
export type PackSource = string | URL | Response | PromiseLike<Response> | ArrayBuffer | ArrayBufferView;

export interface LoadOptions {
  /** Data packs to load before load() resolves, for synchronous extract(): names (fetched from
   *  beside the module), or { name: source }. A source given here is also where a pack is
   *  fetched from later. */
  packs?: readonly PackName[] | Record<string, PackSource>;
  /** Where the .wasm comes from: a URL (a string that is not a URL is a file path in Node),
   *  a Response (or a promise of one), its bytes, or a compiled module. Default: the bundle's
   *  own pith.wasm beside its pith.mjs. */
  wasm?:
    | string
    | URL
    | Response
    | PromiseLike<Response>
    | ArrayBuffer
    | ArrayBufferView
    | WebAssembly.Module;
}

/** Compile and instantiate the bundle. Rejects with PithError PITH_E_ABI when the .wasm is not
 *  the one this module speaks to, PITH_E_LOAD when it cannot be read. */
export declare function load(options?: LoadOptions): Promise<Pith>;
