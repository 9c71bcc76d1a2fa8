// cli_probe.mjs: the probe as a script for runtimes that run a file — Node, Deno and Bun run
// this same file. It imports the dist entries by their static relative paths and loads each
// bundle the default way (its pith.wasm found beside its pith.mjs through import.meta.url),
// which is where loaders of other wasm libraries break (__dirname, fetch of file: URLs).
//
//   <runtime> cli_probe.mjs manifest.json    → JSON { runtime, variants: { name: probe }, pool } on stdout
//
// manifest.json: { "<variant>": ["/abs/path/of/a/sample", ...] } (written by run.mjs).

import { load as loadMinimal } from '../../dist/minimal/pith.mjs';
import { load as loadStandard } from '../../dist/standard/pith.mjs';
import { createPool } from '../../dist/worker/pool.mjs';
import { probe } from './probe.mjs';

const LOADERS = { minimal: loadMinimal, standard: loadStandard };

function runtime() {
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun) return `bun ${globalThis.Bun.version}`;
  return `node ${globalThis.process.version}`;
}

function args() {
  return globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
}

/** Each runtime's own way of reading a file (the harness's, not pith's). */
async function readBytes(path) {
  if (globalThis.Deno) return globalThis.Deno.readFile(path);
  if (globalThis.Bun) return new Uint8Array(await globalThis.Bun.file(path).arrayBuffer());
  const fs = globalThis.process.getBuiltinModule('node:fs');
  return new Uint8Array(fs.readFileSync(path));
}

const manifest = JSON.parse(new TextDecoder().decode(await readBytes(args()[0])));
const variants = {};
for (const [variant, paths] of Object.entries(manifest)) {
  const pith = await LOADERS[variant]();
  const docs = [];
  for (const p of paths) docs.push({ name: p.name, bytes: await readBytes(p.path) });
  variants[variant] = await probe(pith, docs);
  pith.dispose();
}
// pith/worker in this runtime (Web Workers in Deno and Bun, worker_threads in Node): every
// standard sample through a pool of 2 gives the text the instance gave above.
let pool = null;
try {
  const p = await createPool({ size: 2 });
  const docs = [];
  for (const d of manifest.standard ?? []) docs.push({ name: d.name, bytes: await readBytes(d.path) });
  const out = await p.extractBatch(docs.map((d) => ({ input: d.bytes, hint: d.name })));
  const size = p.size;
  await p.close();
  const want = variants.standard?.results ?? [];
  pool = {
    size,
    mismatches: out.flatMap((r, i) => (r.ok && r.text === want[i].text ? [] : [`${docs[i].name}: ${r.ok ? 'text differs' : r.error.message}`])),
  };
} catch (e) {
  pool = { error: `${e?.code ?? e?.name}: ${e?.message}` };
}
const json = JSON.stringify({ runtime: runtime(), variants, pool });
// One write of the whole answer (Deno has no process.stdout without its Node layer).
if (globalThis.Deno) {
  const bytes = new TextEncoder().encode(json);
  let at = 0;
  while (at < bytes.length) at += globalThis.Deno.stdout.writeSync(bytes.subarray(at));
} else {
  globalThis.process.stdout.write(json);
}
