// download.mjs: the bytes a browser fetches to extract text with each library: raw, gzip -9 and
// brotli (quality 11), summed over the files.
//
// For an npm peer: its browser entry (only the functions the benchmark calls, so tree shaking
// applies) bundled and minified by esbuild for the browser, plus the files it fetches at run time
// (.wasm, a worker, a glue module it imports by a computed path). Node built-ins are left out
// (a browser never fetches them). For pith: the package files as shipped, unminified:
// <variant>/pith.mjs and the modules it imports (core.mjs, layout.mjs), <variant>/pith.wasm;
// its data packs (dist/data/*.bin, fetched only for documents that need one) apart.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { LIBS, PEERS, ROOT } from './libs.mjs';

const req = createRequire(join(PEERS, 'package.json'));
const NM = join(PEERS, 'node_modules');

// brotli at quality 11 takes about a minute over kreuzberg's 25 MB: sizes are cached by content
// hash (build/bench/sizes.json), so only files that changed are compressed again.
const CACHE = join(ROOT, 'build/bench/sizes.json');
let cache = null;

function sizes(name, bytes) {
  cache ??= existsSync(CACHE) ? JSON.parse(readFileSync(CACHE, 'utf8')) : {};
  const key = createHash('sha256').update(bytes).digest('hex');
  cache[key] ??= {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
  return { name, ...cache[key] };
}

const sum = (files) => ({
  raw: files.reduce((a, f) => a + f.raw, 0),
  gzip: files.reduce((a, f) => a + f.gzip, 0),
  brotli: files.reduce((a, f) => a + f.brotli, 0),
  files,
});

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const nodeExternal = {
  name: 'node-builtins-external',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (a) => (builtins.has(a.path) || builtins.has(a.path.split('/')[0]) ? { path: a.path, external: true } : undefined));
  },
};

async function bundle(esbuild, contents, label) {
  const r = await esbuild.build({
    stdin: { contents, resolveDir: PEERS, loader: 'js', sourcefile: `${label}.mjs` },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [nodeExternal],
    // a few peers test `typeof process`/`require` at run time; what matters here is bytes
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return r.outputFiles.map((f) => sizes(`${label} (esbuild bundle)`, f.contents));
}

/** The ES modules `entry` imports, transitively, by relative static imports (pith's package
 *  files import each other only that way): paths relative to `root`. */
function moduleGraph(root, entry) {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const src = readFileSync(join(root, rel), 'utf8');
    for (const m of src.matchAll(/(?:^|[;\n])\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|[;\n])\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      visit(join(dirname(rel), m[1] ?? m[2]));
    }
  };
  visit(entry);
  return [...seen];
}

/** { [libId]: { [format]: { raw, gzip, brotli, files } } }, plus errors by library. */
export async function measureDownloads({ pithVariants, pithRoot = ROOT }) {
  const out = {};
  const errors = {};
  // pith: per variant, the entry and every module it imports, and the .wasm; data packs
  // (dist/data/*.bin) are listed apart: a page fetches one only when a document needs it
  const pith = {};
  const packDir = join(pithRoot, 'dist/data');
  const packs = existsSync(packDir)
    ? readdirSync(packDir).filter((f) => f.endsWith('.bin')).sort().map((f) => sizes(`dist/data/${f}`, readFileSync(join(packDir, f))))
    : [];
  for (const v of new Set(Object.values(pithVariants))) {
    const files = [...moduleGraph(pithRoot, join('dist', v, 'pith.mjs')), join('dist', v, 'pith.wasm')];
    pith[v] = sum(files.map((f) => sizes(f, readFileSync(join(pithRoot, f)))));
    pith[v].variant = v;
    pith[v].packs = packs;
  }
  out.pith = Object.fromEntries(Object.entries(pithVariants).map(([fmt, v]) => [fmt, pith[v]]));

  let esbuild;
  try {
    esbuild = req('esbuild');
  } catch (e) {
    errors.esbuild = `esbuild not installed in bench/peers: ${e.message}`;
  }
  for (const lib of LIBS) {
    if (!lib.download) continue;
    const d = lib.download;
    try {
      const base = [];
      if (d.entry) {
        if (!esbuild) throw new Error('esbuild missing');
        base.push(...(await bundle(esbuild, d.entry, lib.id)));
      }
      for (const e of d.extraEntries ?? []) {
        if (!esbuild) throw new Error('esbuild missing');
        // the whole module: the glue calls back into it by name, so nothing may be shaken out
        base.push(...(await bundle(esbuild, `import * as m from ${JSON.stringify(join(NM, e))}; globalThis.__keep = m;`, e)));
      }
      for (const a of d.assets ?? []) base.push(sizes(a, readFileSync(join(NM, a))));
      out[lib.id] = {};
      for (const fmt of lib.formats) {
        const extra = (d.perFormat?.[fmt] ?? []).map((a) => sizes(a, readFileSync(join(NM, a))));
        out[lib.id][fmt] = { ...sum([...base, ...extra]), note: d.note };
      }
    } catch (e) {
      errors[lib.id] = e.message.slice(0, 300);
    }
  }
  mkdirSync(dirname(CACHE), { recursive: true });
  writeFileSync(CACHE, JSON.stringify(cache ?? {}));
  return { sizes: out, errors };
}
