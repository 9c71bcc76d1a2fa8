// commonmark_html.mjs: what the CommonMark spec test needs besides pith: the examples (npm
// commonmark-spec, installed into tests/spec by ./setup test), the spec's own HTML
// normalization (a port of commonmark-spec's test/normalize.py, which spec_tests.py applies to
// both sides before comparing), and expected HTML turned into plain text for the word-level
// comparison (tags stripped, image alt text kept, entities decoded, whitespace collapsed).
// Nothing here comes from pith: both sides of every comparison are built by this file.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const SPEC_DIR = new URL('../spec/', import.meta.url);

/** The 652 examples as [{ markdown, html, section, number }] (→ is a tab, as in
 *  spec_tests.py), or null when tests/spec/node_modules is absent. */
export function specExamples() {
  const pkg = new URL('node_modules/commonmark-spec/index.js', SPEC_DIR);
  if (!existsSync(pkg)) return null;
  const require = createRequire(import.meta.url);
  const spec = require(pkg.pathname);
  return spec.tests.map((t) => ({
    ...t,
    markdown: t.markdown.replace(/→/g, '\t'),
    html: t.html.replace(/→/g, '\t'),
  }));
}

// MARK: normalize.py

const BLOCK_TAGS = new Set(['article', 'header', 'aside', 'hgroup', 'blockquote', 'hr', 'iframe',
  'body', 'li', 'map', 'button', 'object', 'canvas', 'ol', 'caption', 'output', 'col', 'p',
  'colgroup', 'pre', 'dd', 'progress', 'div', 'section', 'dl', 'table', 'td', 'dt', 'tbody',
  'embed', 'textarea', 'fieldset', 'tfoot', 'figcaption', 'th', 'figure', 'thead', 'footer',
  'tr', 'form', 'ul', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'video', 'script', 'style']);

// Python's html.entities.name2codepoint is HTML 4; these are the names the spec's expected
// output and pith's serializer write. Others stay as written (normalize.py's fallback).
const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: '\u00a0', copy: '\u00a9' };

function escapeAttr(v) {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function decodeRefs(s) {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/g, (m, name) => {
    if (name[0] === '#') {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      try { return String.fromCodePoint(cp); } catch { return m; }
    }
    return NAMED[name] ?? m;
  });
}

function parseAttrs(s) {
  const attrs = [];
  const re = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  let m;
  while ((m = re.exec(s))) {
    const v = m[2] ?? m[3] ?? m[4];
    attrs.push([m[1].toLowerCase(), v === undefined ? null : decodeRefs(v)]);
  }
  return attrs;
}

/** normalize_html of commonmark-spec's test/normalize.py. */
export function normalizeHtml(html) {
  let out = '';
  let last = 'starttag';
  let lastTag = '';
  let inPre = false;
  const isBlock = (t) => BLOCK_TAGS.has(t);

  const data = (d) => {
    const afterTag = last === 'endtag' || last === 'starttag';
    const afterBlock = afterTag && isBlock(lastTag);
    if (afterTag && lastTag === 'br') d = d.replace(/^\n+/, '');
    if (!inPre) d = d.replace(/\s+/g, ' ');
    if (afterBlock && !inPre) {
      if (last === 'starttag') d = d.replace(/^\s+/, '');
      else if (last === 'endtag') d = d.trim();
    }
    out += d;
    last = 'data';
  };
  const char = (c, fallback) => {
    if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else if (c === '&') out += '&amp;';
    else if (c === '"') out += '&quot;';
    else if (c == null) out += fallback;
    else out += c;
    last = 'ref';
  };
  const text = (s) => {
    const re = /&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?/g;
    let at = 0;
    let m;
    while ((m = re.exec(s))) {
      if (m.index > at) data(s.slice(at, m.index));
      const name = m[1];
      if (name[0] === '#') {
        const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        let c = null;
        try { c = String.fromCodePoint(cp); } catch { c = null; }
        char(c, `&${name};`);
      } else {
        char(NAMED[name] ?? null, `&${name};`);
      }
      at = m.index + m[0].length;
    }
    if (at < s.length) data(s.slice(at));
  };
  const startTag = (tag, attrs) => {
    if (tag === 'pre') inPre = true;
    if (isBlock(tag)) out = out.trimEnd();
    out += `<${tag}`;
    attrs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [k, v] of attrs) {
      out += ` ${k}`;
      if (v !== null) out += `="${escapeAttr(v)}"`;
    }
    out += '>';
    lastTag = tag;
    last = 'starttag';
  };

  const chunks = html.match(/<!\[CDATA\[[\s\S]*?\]\]>|<[^>]*>|[^<]+/g) ?? [];
  for (const c of chunks) {
    if (c.startsWith('<![CDATA')) { out += c; continue; }
    if (c[0] !== '<') { text(c); continue; }
    let m;
    if (c.startsWith('<!--')) { out += c; last = 'comment'; continue; }
    if (c.startsWith('<?')) { out += c; last = 'pi'; continue; }
    if (c.startsWith('<!')) { out += c; last = 'decl'; continue; }
    if ((m = /^<\/\s*([a-zA-Z][^\s>]*)\s*>$/.exec(c))) {
      const tag = m[1].toLowerCase();
      if (tag === 'pre') inPre = false;
      else if (isBlock(tag)) out = out.trimEnd();
      out += `</${tag}>`;
      lastTag = tag;
      last = 'endtag';
      continue;
    }
    if ((m = /^<([a-zA-Z][^\s\/>]*)([\s\S]*?)(\/?)>$/.exec(c))) {
      const tag = m[1].toLowerCase();
      startTag(tag, parseAttrs(m[2]));
      if (m[3] === '/') last = 'endtag';
      continue;
    }
    text(c);  // a lone '<' and what follows it is data
  }
  return out;
}

/** The plain text of an HTML fragment: tags stripped (an image's alt kept, script and style
 *  content dropped, ordered items numbered), entities decoded, whitespace collapsed. */
export function htmlToText(html) {
  // ordered list items get their number, as a text rendering of the HTML writes it
  const lists = [];
  const s = html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')  // not text, as innerText has it
    .replace(/<img\b[^>]*?\balt="([^"]*)"[^>]*>/gi, ' $1 ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g, (m, close, tag, attrs) => {
      const t = tag.toLowerCase();
      if (t === 'ol' || t === 'ul') {
        if (close) lists.pop();
        else lists.push(t === 'ol' ? Number((/start="(\d+)"/.exec(attrs) ?? [0, 1])[1]) : null);
      } else if (t === 'li' && !close && lists.length && lists[lists.length - 1] !== null) {
        return ` ${lists[lists.length - 1]++}. `;
      }
      return BLOCK_TAGS.has(t) || t === 'br' ? ' ' : '';  // inline tags split no words
    })
    .replace(/<[^>]*>/g, ' ');
  return decodeRefs(s).replace(/\s+/g, ' ').trim();
}

/** pith's HTML output without its <section> wrapper. */
export function stripSection(html) {
  return html.replace(/^<section[^>]*>\n?/, '').replace(/<\/section>\n?$/, '');
}
