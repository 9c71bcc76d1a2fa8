// commonmark.test.mjs: the Markdown handler against all 652 examples of the CommonMark spec
// 0.31.2 (npm commonmark-spec, pinned in tests/spec and installed by ./setup test), through
// the real standard .wasm.
//
// Two measures, both against the spec's expected HTML, never against pith's own output:
// - word level (asserted, >= 95%): pith's text output has the same words, in the same order,
//   as the expected HTML turned into text here (tags stripped, alt text kept, entities
//   decoded; words as bench/lib/f1.mjs counts them);
// - exact (printed): pith's HTML output equals the expected HTML once both are normalized the
//   way the spec's test runner does (normalize.py, ported in commonmark_html.mjs). pith's
//   HTML is simple semantic HTML, not a CommonMark renderer (raw HTML is read, not passed
//   through; links have no titles), so this count is reported, not asserted.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { words } from '../../bench/lib/f1.mjs';
import { loadVariant, needs } from './helpers.mjs';
import { htmlToText, normalizeHtml, specExamples, stripSection } from './commonmark_html.mjs';

const examples = specExamples();
const skip = examples ? needs('standard') : { skip: 'tests/spec/node_modules is absent: run npm ci --prefix tests/spec' };

const sameWords = (a, b) => a.length === b.length && a.every((w, i) => w === b[i]);

test('the normalizer treats <br /> and <br> alike and sorts attributes', () => {
  assert.equal(normalizeHtml('<p>a<br />\nb</p>'), normalizeHtml('<p>a<br>b</p>'));
  assert.equal(normalizeHtml('<img src="x" alt="y" />'), '<img alt="y" src="x">');
  assert.equal(htmlToText('<p>a &amp; <img src="u" alt="b c"> <em>d</em></p>'), 'a & b c d');
});

test('all 652 CommonMark 0.31.2 examples: >= 95% agree at the word level', skip, async () => {
  assert.equal(examples.length, 652);
  const pith = await loadVariant('standard');
  let wordOk = 0;
  let exact = 0;
  const misses = [];
  const bySection = new Map();
  for (const ex of examples) {
    const bytes = new TextEncoder().encode(ex.markdown);
    const text = pith.extract(bytes, { hint: 'x.md', output: 'text' }).text;
    const html = pith.extract(bytes, { hint: 'x.md', output: 'html' }).text;
    const okWords = sameWords(words(text), words(htmlToText(ex.html)));
    const okExact = normalizeHtml(stripSection(html)) === normalizeHtml(ex.html);
    if (okWords) wordOk++;
    else misses.push(ex.number);
    if (okExact) exact++;
    const s = bySection.get(ex.section) ?? { n: 0, exact: 0 };
    s.n++;
    s.exact += okExact ? 1 : 0;
    bySection.set(ex.section, s);
  }
  const pct = (k) => ((100 * k) / examples.length).toFixed(1);
  console.log(`commonmark 0.31.2: ${wordOk}/${examples.length} (${pct(wordOk)}%) agree at the word level; ` +
    `${exact}/${examples.length} (${pct(exact)}%) match exactly through html output (normalized as spec_tests.py)`);
  console.log(`  word-level misses: ${misses.join(' ') || 'none'}`);
  console.log(`  exact by section: ${[...bySection].map(([k, v]) => `${k} ${v.exact}/${v.n}`).join('; ')}`);
  assert.ok(wordOk / examples.length >= 0.95, `${wordOk}/${examples.length} agree at the word level`);
});
