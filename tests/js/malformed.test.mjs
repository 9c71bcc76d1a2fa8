// malformed.test.mjs: the generated malformed set of issue 11 through the standard .wasm in
// Node: every corpus document (and the hostile files of malformed/, also as they are) cut and
// byte-flipped by tests/js/malformed_gen.mjs, the generator of tests/c/test_malformed.c. Each
// case gives text or a PithError with a status bad input can give and a message naming the
// module; after failures the instance still extracts a small document (every 100 cases and at
// the end) and its wasm memory stays bounded. Prints the slowest cases and counts per status.
//
// Quick tier by default (5 cuts + 5 flips a file); PITH_MALFORMED=full runs 20 + 20.
// PITH_MALFORMED_TRACE=1 prints each case before it runs. PITH_DIST=<folder holding
// standard/pith.wasm> runs it over another build of the wasm (tests/js/helpers.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { CORPUS, loadVariant, needs, utf8 } from './helpers.mjs';
import { INPUT_STATUSES, apply, describeCase, fullTier, manifest, namesModule, tierCases } from './malformed_gen.mjs';

const FOLDERS = manifest(CORPUS);
const skip = FOLDERS ? needs('standard') : { skip: `no MANIFEST.tsv under ${CORPUS.pathname} (set PITH_CORPUS)` };
const PACKS = ['cjk-encodings', 'cmap-japan1', 'cmap-gb1', 'cmap-cns1', 'cmap-korea1'];
/** wasm32 memory can never exceed 4 GiB; the default limits keep a document's arenas under
 *  512 MiB, so an instance that grew past 1 GiB would be holding what it should have freed. */
const WASM_BOUND = 2 ** 30;
const SLOWEST = 10;
const TRACE = !!process.env.PITH_MALFORMED_TRACE && process.env.PITH_MALFORMED_TRACE !== '0';

test('malformed set (wasm, standard): text or a clear error, the instance still works, memory bounded', skip, async () => {
  const pith = await loadVariant('standard');
  for (const p of PACKS) await pith.loadPack(p).catch(() => {}); // as a caller with dist/data would
  const probe = utf8('still alive\n');
  const alive = (where) => assert.equal(pith.extract(probe).text, 'still alive\n', `instance broken after ${where}`);

  const perFolder = new Map();
  const slow = [];
  const bad = [];
  let n = 0;
  let maxWasm = pith.memory().wasmBytes;
  const t0 = performance.now();
  for (const [folder, paths] of FOLDERS) {
    const hostile = folder === 'malformed';
    const counts = {};
    perFolder.set(folder, counts);
    for (const rel of paths) {
      const bytes = new Uint8Array(readFileSync(new URL(rel, CORPUS)));
      if (bytes.length === 0) continue;
      const hint = rel.slice(rel.lastIndexOf('/') + 1);
      const list = tierCases(rel, bytes.length);
      if (hostile) list.unshift({ kind: 'whole' });
      for (const c of list) {
        const what = describeCase(rel, c);
        if (TRACE) console.log(`# malformed: ${what}`);
        const input = c.kind === 'whole' ? bytes.slice() : apply(bytes, c);
        const s = performance.now();
        let status = 'PITH_OK';
        try {
          const r = pith.extract(input, { hint });
          if (typeof r.text !== 'string') bad.push(`${what}: text is ${typeof r.text}`);
        } catch (e) {
          status = e?.code ?? `not a PithError: ${e?.name}`;
          if (e?.name !== 'PithError' || !INPUT_STATUSES.has(e.code)) bad.push(`${what}: ${e?.name} ${e?.code} ${e?.message}`);
          else if (!namesModule(e.message)) bad.push(`${what}: ${e.code} with message "${e.message}"`);
        }
        const ms = performance.now() - s;
        counts[status] = (counts[status] ?? 0) + 1;
        slow.push({ ms, what });
        if (slow.length > 4 * SLOWEST) slow.sort((a, b) => b.ms - a.ms).length = SLOWEST;
        maxWasm = Math.max(maxWasm, pith.memory().wasmBytes);
        if (++n % 100 === 0) alive(what);
      }
    }
  }
  alive('the last case');
  const mem = pith.memory();
  const secs = (performance.now() - t0) / 1e3;
  console.log(`# malformed (wasm, ${fullTier() ? 'full' : 'quick'} tier): ${n} cases in ${secs.toFixed(1)} s, ` +
    `${bad.length} bad; wasm memory ${(mem.wasmBytes / 1048576).toFixed(1)} MiB at the end, ` +
    `${(maxWasm / 1048576).toFixed(1)} MiB at most; handles ${mem.handles} (${mem.freeHandles} free)`);
  for (const [folder, counts] of perFolder) {
    const parts = Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(' ');
    console.log(`#   ${folder.padEnd(9)} ${parts}`);
  }
  slow.sort((a, b) => b.ms - a.ms);
  for (const { ms, what } of slow.slice(0, SLOWEST)) console.log(`#   slow ${ms.toFixed(1).padStart(8)} ms  ${what}`);
  for (const b of bad.slice(0, 30)) console.log(`# BAD ${b}`);
  assert.deepEqual(bad, [], `${bad.length} cases without text or a clear error`);
  assert.ok(maxWasm <= WASM_BOUND, `wasm memory grew to ${maxWasm} bytes`);
  assert.equal(mem.freeHandles, mem.handles, 'every handle back in the pool');
  pith.dispose();
});
