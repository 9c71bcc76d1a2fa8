// pith (minimal): the entry of the minimal bundle — text, HTML and Markdown.
//
// Finds its .wasm beside itself through the static new URL('./pith.wasm', import.meta.url),
// the form bundlers (webpack, Vite, Rollup, Parcel, esbuild with a plugin) recognise and
// copy; pass { wasm } to load() to take it from somewhere else. Data packs (dist/data/) are
// found the same way, and fetched only when a document needs one or load({ packs }) asks.
// Nothing runs at import time.

import { instantiate } from '../core.mjs';

export { PithError } from '../core.mjs';

/** Compile and instantiate the minimal bundle; resolves to the instance. */
export function load(options) {
  return instantiate(options, () => new URL('./pith.wasm', import.meta.url), {
    'cjk-encodings': () => new URL('../data/cjk-encodings.bin', import.meta.url),
  });
}
