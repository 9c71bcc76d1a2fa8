// samples.mjs: one corpus document per format a pith instance lists (Node only).
//
// The formats come from pith.formats, so a variant that gains a handler gains a sample without
// an edit here. For each format the corpus folder's files are tried nearest to ~20 KB first (big
// enough to be real, small enough to be quick in every runtime); the first one that Node
// extracts as that format, without a password or a data pack, is the sample. A format with no
// corpus folder, or none that extracts, has no sample (reported by the caller, not hidden).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

export const ROOT = new URL('../../', import.meta.url);
export const CORPUS = process.env.PITH_CORPUS
  ? new URL(`file://${process.env.PITH_CORPUS.replace(/\/?$/, '/')}`)
  : new URL('../shared/corpus/', ROOT);

/** Corpus folder of a pith format name, where the two differ. */
const FOLDER = { text: 'txt', markdown: 'md' };
const TARGET = 20000;
const MAX_BYTES = 400000;

/** Files the corpus notes call encrypted (they need a password). */
function encryptedFiles() {
  const notes = new URL('NOTES.tsv', CORPUS);
  if (!existsSync(notes)) return new Set();
  const out = new Set();
  for (const line of readFileSync(notes, 'utf8').split('\n')) {
    const [path, note = ''] = line.split('\t');
    if (/encrypt|password/i.test(note)) out.add(path);
  }
  return out;
}

/** [{ format, name, bytes }] for the formats of `pith` (or those of `formats` it lists), and
 *  `missing`: formats without one. `prefer(name)` true puts a file ahead of the others. */
export function pickSamples(pith, { target = TARGET, formats = pith.formats, prefer = () => false } = {}) {
  const skip = encryptedFiles();
  const samples = [];
  const missing = [];
  for (const format of formats.filter((f) => pith.formats.includes(f))) {
    const folder = FOLDER[format] ?? format;
    const dir = new URL(`${folder}/`, CORPUS);
    let found = null;
    if (existsSync(dir)) {
      const files = readdirSync(dir)
        .filter((n) => !skip.has(`${folder}/${n}`))
        .map((n) => ({ n, size: statSync(new URL(n, dir)).size }))
        .filter((f) => f.size > 0 && f.size <= MAX_BYTES)
        .sort((a, b) => prefer(b.n) - prefer(a.n) ||
          Math.abs(Math.log(a.size / target)) - Math.abs(Math.log(b.size / target)) || (a.n < b.n ? -1 : 1));
      for (const { n } of files.slice(0, 10)) {
        const bytes = new Uint8Array(readFileSync(new URL(n, dir)));
        try {
          const r = pith.extract(bytes, { hint: n });
          if (r.format === format && r.text.trim().length > 0) {
            found = { format, name: `${folder}/${n}`, bytes };
            break;
          }
        } catch {
          // encrypted, needs a data pack, or damaged: try the next file
        }
      }
    }
    if (found) samples.push(found);
    else missing.push(format);
  }
  return { samples, missing };
}
