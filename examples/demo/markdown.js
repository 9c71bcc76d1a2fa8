// markdown.js: a tiny, safe Markdown renderer for the demo — the subset pith writes (headings,
// paragraphs, lists, quotes, code, tables, emphasis, links). Safety first: the whole source is
// HTML-escaped before any Markdown is read, so no tag of the document can reach the page; the
// only tags are the ones made here. Links keep http(s), mailto and relative targets only (never
// javascript:); images become their alt text in brackets, so a document never makes the page
// load anything.

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A link target that is safe to put in href, or null. `url` is already escaped. */
function safeHref(url) {
  const raw = url.replace(/&amp;/g, '&').trim();
  if (/^(https?:|mailto:)/i.test(raw) || /^[#/.]|^[^:]*$/.test(raw)) return url.trim();
  return null;
}

/** Inline Markdown over an escaped line. */
function inline(s) {
  const codes = [];
  s = s.replace(/`([^`]+)`/g, (_, c) => `\u0000${codes.push(c) - 1}\u0000`);
  s = s.replace(/!\[([^\]]*)\]\([^)]*\)/g, (_, alt) => `[${alt || 'image'}]`);
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+&quot;[^)]*&quot;)?\)/g, (m, text, url) => {
    const href = safeHref(url);
    return href ? `<a href="${href}" rel="noopener noreferrer" target="_blank">${text}</a>` : text;
  });
  s = s.replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_, a, b) => `<strong>${a ?? b}</strong>`);
  s = s.replace(/(^|[^*\w])\*([^*\s][^*]*)\*|(^|[^_\w])_([^_\s][^_]*)_(?!\w)/g,
    (_, p1, a, p2, b) => `${p1 ?? p2}<em>${a ?? b}</em>`);
  s = s.replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[i]}</code>`);
}

const cells = (line) => line.replace(/^\s*\|/, '').replace(/\|\s*$/, '').split(/(?<!\\)\|/).map((c) => c.trim());

/** Markdown text → HTML string (safe to assign to innerHTML). */
export function renderMarkdown(md) {
  const lines = escapeHtml(md).split('\n');
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) { i++; continue; }
    let m;
    if ((m = /^ {0,3}(`{3,}|~{3,})/.exec(line))) {
      const fence = m[1];
      const body = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence); i++) body.push(lines[i]);
      i++;
      out.push(`<pre><code>${body.join('\n')}</code></pre>`);
      continue;
    }
    if ((m = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {
      const n = m[1].length;
      out.push(`<h${n}>${inline(m[2])}</h${n}>`);
      i++;
      continue;
    }
    if (/^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) { out.push('<hr>'); i++; continue; }
    if (/^\s*\|/.test(line) && i + 1 < lines.length && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1])) {
      const head = cells(line);
      const rows = [];
      for (i += 2; i < lines.length && /^\s*\|/.test(lines[i]); i++) rows.push(cells(lines[i]));
      out.push(`<table><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>${
        rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
      continue;
    }
    if (/^ {0,3}&gt;/.test(line)) {
      const body = [];
      for (; i < lines.length && /^ {0,3}&gt;/.test(lines[i]); i++) body.push(lines[i].replace(/^ {0,3}&gt; ?/, ''));
      out.push(`<blockquote>${renderMarkdown(body.join('\n').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'"))}</blockquote>`);
      continue;
    }
    if ((m = /^(\s*)([-*+]|\d{1,9}[.)])\s+/.exec(line))) {
      const ordered = /\d/.test(m[2]);
      const start = ordered ? parseInt(m[2], 10) : 1;
      const items = [];
      for (; i < lines.length; i++) {
        const l = lines[i];
        const im = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(l);
        if (im && (/\d/.test(im[2]) === ordered)) items.push(im[3]);
        else if (/^\s{2,}\S/.test(l) && items.length) items[items.length - 1] += ` ${l.trim()}`;
        else break;
      }
      const tag = ordered ? 'ol' : 'ul';
      const attr = ordered && start !== 1 ? ` start="${start}"` : '';
      out.push(`<${tag}${attr}>${items.map((t) => `<li>${inline(t)}</li>`).join('')}</${tag}>`);
      continue;
    }
    const para = [];
    for (; i < lines.length && !/^\s*$/.test(lines[i]) && !/^ {0,3}(#{1,6}\s|`{3}|~{3}|&gt;)/.test(lines[i]); i++) {
      para.push(lines[i].trim());
    }
    if (!para.length) { out.push(`<p>${inline(lines[i].trim())}</p>`); i++; continue; }
    out.push(`<p>${inline(para.join('\n')).replace(/\n/g, '<br>')}</p>`);
  }
  return out.join('\n');
}
