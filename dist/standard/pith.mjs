// pith (standard): the entry of the standard bundle — everything in minimal plus PDF and Office formats (as their handlers land).
//
// Finds its .wasm beside itself through the static new URL('./pith.wasm', import.meta.url),
// the form bundlers (webpack, Vite, Rollup, Parcel, esbuild with a plugin) recognise and
// copy; pass { wasm } to load() to take it from somewhere else. Data packs (dist/data/) are
// found the same way, and fetched only when a document needs one or load({ packs }) asks.
// Nothing runs at import time.

import { instantiate } from '../core.mjs';

export { PithError } from '../core.mjs';

/** Compile and instantiate the standard bundle; resolves to the instance. */
export function load(options) {
  return instantiate(options, () => new URL('./pith.wasm', import.meta.url), {
    'cjk-encodings': () => new URL('../data/cjk-encodings.bin', import.meta.url),
    // PDF: the predefined CJK CMaps and CID -> Unicode tables, one pack per collection
    'cmap-japan1': () => new URL('../data/cmap-japan1.bin', import.meta.url),
    'cmap-gb1': () => new URL('../data/cmap-gb1.bin', import.meta.url),
    'cmap-cns1': () => new URL('../data/cmap-cns1.bin', import.meta.url),
    'cmap-korea1': () => new URL('../data/cmap-korea1.bin', import.meta.url),
  });
}
