// An app on a custom variant (text + PDF, built with other Meson options and laid out in the
// package as pith/custom): imported like pith/minimal. Its result lands in window.result for
// tests/browser/custom_variant.test.mjs.
import { load } from 'pith/custom';

/** A one-page PDF 1.4 with one line of Helvetica text, its xref offsets counted here. */
function onePagePdf(line) {
  const content = `BT /F1 24 Tf 72 700 Td (${line}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

async function main() {
  const out = document.getElementById('out');
  try {
    const pith = await load();
    const pdf = pith.extract(onePagePdf('Hello from a custom variant'), { hint: 'one.pdf' });
    const txt = pith.extract(new TextEncoder().encode('plain words'), { hint: 'a.txt' });
    let disabled = null;
    try {
      pith.extract(new TextEncoder().encode('<!doctype html><p>x</p>'), { hint: 'page.html' });
    } catch (e) {
      disabled = e.code;
    }
    window.result = { ok: true, variant: pith.variant, formats: pith.formats, pdf: pdf.text,
      pdfFormat: pdf.format, units: pdf.units, text: txt.text, disabled };
    out.textContent = pdf.text;
  } catch (e) {
    window.result = { ok: false, code: e.code ?? null, message: String(e.message) };
  }
}

main();
