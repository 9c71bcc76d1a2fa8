// worker.mjs: pith in Cloudflare's workerd, deployed the way Workers require — the .wasm
// imported as a module (a precompiled WebAssembly.Module: Workers refuse to compile wasm from
// bytes at run time) and passed to load({ wasm }). The bundles' own .mjs files are the
// modules, unchanged (config.capnp names them).
//
// POST / with the document as the body, headers x-variant (minimal | standard) and x-name
// (the sample's name, used as the format hint): answers the probe's JSON for that document.
// GET /formats?variant=... answers the variant's format list.

import minimalWasm from 'dist/minimal/pith.wasm';
import standardWasm from 'dist/standard/pith.wasm';
import { load as loadMinimal } from 'dist/minimal/pith.mjs';
import { load as loadStandard } from 'dist/standard/pith.mjs';
import { probeOne } from 'probe.mjs';

const bundles = {
  minimal: { load: loadMinimal, wasm: minimalWasm },
  standard: { load: loadStandard, wasm: standardWasm },
};
/** One instance per variant for the isolate's lifetime (loaded on first use: no work at
 *  module evaluation, which Workers bill against startup). */
const instances = new Map();

function instance(variant) {
  let p = instances.get(variant);
  if (!p) {
    const b = bundles[variant];
    p = b.load({ wasm: b.wasm });
    instances.set(variant, p);
  }
  return p;
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const variant = request.headers.get('x-variant') ?? url.searchParams.get('variant') ?? 'minimal';
    if (!bundles[variant]) return new Response(`unknown variant ${variant}`, { status: 400 });
    try {
      const pith = await instance(variant);
      if (url.pathname === '/formats') {
        return Response.json({ variant: pith.variant, version: pith.version, formats: [...pith.formats] });
      }
      const bytes = new Uint8Array(await request.arrayBuffer());
      const name = request.headers.get('x-name') ?? '';
      return Response.json(await probeOne(pith, name, bytes));
    } catch (e) {
      return new Response(`${e?.code ?? e?.name}: ${e?.message}\n${e?.stack ?? ''}`, { status: 500 });
    }
  },
};
