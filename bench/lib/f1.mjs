// f1.mjs: word-level F1 between an extracted text and a reference text, the quality measure
// every benchmark and quality report uses (so all of them score text the same way).
//
// Words are maximal runs of Unicode letters, marks and digits, lowercased (NFKC first, so
// ligatures and full-width forms compare equal); punctuation and whitespace only separate.
// Precision and recall count words as a multiset: each reference word can be matched once.

export function words(text) {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

export function wordF1(candidate, reference) {
  const cand = words(candidate);
  const ref = words(reference);
  if (cand.length === 0 && ref.length === 0) return { precision: 1, recall: 1, f1: 1, candidate: 0, reference: 0 };
  const counts = new Map();
  for (const w of ref) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of cand) {
    const n = counts.get(w);
    if (n) {
      common++;
      counts.set(w, n - 1);
    }
  }
  const precision = cand.length ? common / cand.length : 0;
  const recall = ref.length ? common / ref.length : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, candidate: cand.length, reference: ref.length };
}
