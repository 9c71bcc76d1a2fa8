// pool.d.ts (pith/worker): a pool of workers, one pith instance each, sharing one compiled
// WebAssembly.Module. Written by hand next to dist/worker/pool.mjs.

import type {
  BatchItem,
  DocumentInfo,
  ExtractOptions,
  ExtractResult,
  ByteChunk,
  TextChunk,
  PackName,
  PackSource,
  PithError,
  StreamInput,
  StreamOptions,
} from '../types.js';

export { PithError };

export interface PoolOptions {
  /** Workers; default navigator.hardwareConcurrency, or os.availableParallelism() in Node. */
  size?: number;
  /** Bundle whose .wasm the workers run when `wasm` is not given; default 'standard'. */
  variant?: 'standard' | 'minimal';
  /** The .wasm (as load() takes it: URL, path, Response, bytes or a compiled module). Compiled
   *  once here; every worker instantiates the same module. */
  wasm?: string | URL | Response | PromiseLike<Response> | ArrayBuffer | ArrayBufferView | WebAssembly.Module;
  /** Milliseconds one document (or one stream read) may take; past it the worker is taken as
   *  hung: terminated, replaced, and the document rejects with PITH_E_LIMIT. 0 = none (default). */
  timeout?: number;
  /** Data packs every worker preloads (as load({ packs })); others are fetched when needed. */
  packs?: readonly PackName[] | Record<string, PackSource>;
  /** Transfer whole input buffers to the worker (default true: the caller's buffer is detached
   *  afterwards). false copies every input. A view of part of a buffer is always copied. */
  transfer?: boolean;
  /** Another worker script (it must run dist/worker/worker.mjs, e.g. by importing it). */
  workerUrl?: string | URL;
  /** Node only: worker_threads resourceLimits (a worker past them is replaced, its document
   *  rejects with PITH_E_WORKER). */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; codeRangeSizeMb?: number; stackSizeMb?: number };
}

export interface PoolExtractOptions extends ExtractOptions {
  /** Give the text as UTF-8 bytes in `bytes` (transferred from the worker) instead of `text`. */
  bytes?: boolean;
  /** Per call: override the pool's `transfer`. */
  transfer?: boolean;
}

export type PoolExtractResult = ExtractResult | (Omit<ExtractResult, 'text'> & { bytes: Uint8Array });

export type PoolBatchResult = ({ ok: true } & PoolExtractResult) | { ok: false; error: PithError };

/** Like pith's PithStream: chunks one per read, and `result` with the document's info. */
export type PoolStream<T> = ReadableStream<T> & AsyncIterable<T> & { readonly result: Promise<DocumentInfo> };

export interface Pool {
  /** Workers alive (a replaced worker counts again once it is ready). */
  readonly size: number;
  readonly variant: string;
  readonly version: string;
  readonly formats: readonly string[];
  /** The compiled module every worker instantiates. */
  readonly module: WebAssembly.Module;
  /** One document in the next free worker. Errors of the worker itself: PITH_E_WORKER (it
   *  crashed or trapped), PITH_E_LIMIT (timeout), PITH_E_ABORTED (signal, or close()). */
  extract(input: StreamInput, options?: PoolExtractOptions): Promise<PoolExtractResult>;
  /** Items spread over the workers; one entry per item, in order; failures in place. */
  extractBatch(list: Iterable<BatchItem | ({ input: StreamInput } & PoolExtractOptions)>, options?: PoolExtractOptions): Promise<PoolBatchResult[]>;
  /** The document's chunks from a worker, one message per read (the worker is the stream's
   *  until it ends or is cancelled). */
  stream(input: StreamInput, options: StreamOptions & { bytes: true; transfer?: boolean }): PoolStream<ByteChunk>;
  stream(input: StreamInput, options?: StreamOptions & { transfer?: boolean }): PoolStream<TextChunk>;
  /** Terminate every worker; what is queued or running rejects with PITH_E_ABORTED. */
  close(): Promise<void>;
}

/** Start the workers; resolves when every one has its instance. */
export declare function createPool(options?: PoolOptions): Promise<Pool>;
