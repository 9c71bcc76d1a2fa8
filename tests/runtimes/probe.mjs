// probe.mjs: what every runtime runs on the samples — the same function in Node, Deno, Bun and
// workerd, so their results can be compared byte for byte. Portable on purpose: no Node
// built-ins, no file access; documents come in as bytes and results go out as plain data.

const OUTPUTS = ['text', 'markdown', 'jsonl'];

/** Run one document through extract() in every output and through stream(); the results
 *  (strings compared whole, so equal strings are equal UTF-8 bytes). */
export async function probeOne(pith, name, bytes) {
  const out = { name };
  try {
    for (const output of OUTPUTS) {
      const r = pith.extract(bytes, { hint: name, output });
      out[output] = r.text;
      if (output === 'text') {
        out.format = r.format;
        out.mime = r.mime;
        out.units = r.units;
        out.meta = r.meta;
        out.warnings = r.warnings;
      }
    }
    let streamed = '';
    const rs = pith.stream(bytes, { hint: name, chunkSize: 4096 });
    for await (const c of rs) streamed += c.text;
    out.stream = streamed;
  } catch (e) {
    out.error = `${e?.code ?? e?.name}: ${e?.message}`;
  }
  return out;
}

/** { variant, formats, results } for a loaded instance and [{ name, bytes }]. */
export async function probe(pith, docs) {
  const results = [];
  for (const d of docs) results.push(await probeOne(pith, d.name, d.bytes));
  return { variant: pith.variant, version: pith.version, formats: [...pith.formats], results };
}
