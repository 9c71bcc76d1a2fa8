// The smallest app a user writes: the minimal bundle through the package's subpath export.
// Bundled by Vite, webpack and esbuild in tests/browser/bundlers.test.mjs; its result lands in
// window.result for the test.
import { load, PithError } from 'pith/minimal';

// "日本語" in Shift_JIS, in a page that declares it: needs the cjk-encodings data pack, which
// the bundler must have copied and extractAsync fetches only now.
const SJIS_PAGE = new Uint8Array([
  ...new TextEncoder().encode('<meta charset="shift_jis"><p>'),
  0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea,
  ...new TextEncoder().encode('</p>'),
]);

async function main() {
  const out = document.getElementById('out');
  try {
    const pith = await load();
    const html = pith.extract(new TextEncoder().encode('<h1>Bundled</h1><p>pith &amp; friends</p>'),
      { hint: 'page.html', output: 'markdown' });
    let needPack = null;
    try {
      pith.extract(SJIS_PAGE, { hint: 'sjis.html' });
    } catch (e) {
      needPack = e instanceof PithError ? e.pack : String(e);
    }
    const sjis = await pith.extractAsync(SJIS_PAGE, { hint: 'sjis.html' });
    let disabled = null;
    try {
      pith.extract(new TextEncoder().encode('%PDF-1.4\n'));
    } catch (e) {
      disabled = e.code;
    }
    window.result = { ok: true, variant: pith.variant, formats: pith.formats, markdown: html.text,
      needPack, sjis: sjis.text, encoding: sjis.meta.encoding, packs: pith.packs, disabled };
    out.textContent = html.text + sjis.text;
  } catch (e) {
    window.result = { ok: false, code: e.code ?? null, message: String(e.message) };
  }
}

main();
