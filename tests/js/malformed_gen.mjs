// malformed_gen.mjs: the generated malformed set of issue 11, the same generator as
// tests/c/test_malformed.c (read its opening comment for the definition), so the wasm run and
// the native run damage the same bytes at the same offsets.
//
//   seed    FNV-1a 32 of the manifest path ("pdf/x.pdf"), or 1 if that is 0
//   next    xorshift32
//   cut j   j < 5 in the first KiB, j < 10 in the last KiB, else in tenth j - 10 of the file
//   flip j  an offset drawn the same way (after all 20 cuts), XORed with 1 + next() % 255
// The quick tier (default) keeps cases j % 4 == 0 of each kind; PITH_MALFORMED=full keeps all.

import { existsSync, readFileSync } from 'node:fs';

export const CASES_FULL = 20;
export const QUICK_STEP = 4;

export const fullTier = () => process.env.PITH_MALFORMED === 'full';

function seedOf(rel) {
  let h = 2166136261;
  for (const b of new TextEncoder().encode(rel)) {
    h ^= b;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h || 1;
}

function rng(seed) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function offset(next, n, j) {
  let lo;
  let hi;
  if (j < 5) {
    lo = 0;
    hi = Math.min(n, 1024);
  } else if (j < 10) {
    lo = Math.max(0, n - 1024);
    hi = n;
  } else {
    // n (j - 10) / 10 in integers, as the C code's 64-bit arithmetic gives
    lo = Math.floor((n * (j - 10)) / 10);
    hi = Math.floor((n * (j - 9)) / 10);
  }
  const r = next();
  return hi > lo ? lo + (r % (hi - lo)) : lo;
}

/** The cases of a file of n > 0 bytes: [{ kind: 'cut', at } x20, { kind: 'flip', at, xor } x20],
 *  each with its index j in its kind. */
export function cases(rel, n) {
  const next = rng(seedOf(rel));
  const out = [];
  for (let j = 0; j < CASES_FULL; j++) out.push({ kind: 'cut', j, at: offset(next, n, j) });
  for (let j = 0; j < CASES_FULL; j++) {
    const at = offset(next, n, j);
    out.push({ kind: 'flip', j, at, xor: 1 + (next() % 255) });
  }
  return out;
}

/** The cases of the tier this run asks for. */
export function tierCases(rel, n) {
  const step = fullTier() ? 1 : QUICK_STEP;
  return cases(rel, n).filter((c) => c.j % step === 0);
}

/** The damaged bytes of case c over the file's bytes (a fresh copy). */
export function apply(bytes, c) {
  if (c.kind === 'cut') return bytes.slice(0, c.at);
  const d = bytes.slice();
  d[c.at] ^= c.xor;
  return d;
}

export const describeCase = (rel, c) =>
  c.kind === 'cut' ? `${rel} cut@${c.at}` : c.kind === 'flip' ? `${rel} flip@${c.at}^0x${c.xor.toString(16).padStart(2, '0')}` : `${rel} whole`;

/** Manifest paths of the corpus at URL `corpus` grouped by folder: Map folder -> [path]. null
 *  when there is no MANIFEST.tsv. */
export function manifest(corpus) {
  const url = new URL('MANIFEST.tsv', corpus);
  if (!existsSync(url)) return null;
  const byFolder = new Map();
  for (const line of readFileSync(url, 'utf8').split('\n').slice(1)) {
    const path = line.split('\t')[0];
    const slash = path.indexOf('/');
    if (slash <= 0) continue;
    const folder = path.slice(0, slash);
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder).push(path);
  }
  return byFolder;
}

/** Statuses damaged bytes may give (PITH_E_ARG and PITH_E_ABORTED cannot come from input). */
export const INPUT_STATUSES = new Set(['PITH_E_NOMEM', 'PITH_E_LIMIT', 'PITH_E_UNSUPPORTED',
  'PITH_E_DISABLED', 'PITH_E_FORMAT', 'PITH_E_TRUNCATED', 'PITH_E_ENCRYPTED', 'PITH_E_NEED_PACK']);

/** "module: what" (the C test's message_names_module). */
export const namesModule = (m) => /^[a-z][a-z0-9_. -]{0,38}: ./.test(m);
