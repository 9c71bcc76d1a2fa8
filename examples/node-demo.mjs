// node-demo.mjs: load each bundle and extract the given files with it, printing the text,
// what pith found out about each file, and the time each step took.
//
//   node examples/node-demo.mjs FILE...
//
// The same calls a web page makes: only the bundle's ES module and its .wasm are used.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node examples/node-demo.mjs FILE...');
  process.exit(2);
}

const ms = (t0) => `${(performance.now() - t0).toFixed(2)} ms`;

for (const variant of ['minimal', 'standard']) {
  const t0 = performance.now();
  const { load } = await import(new URL(`../dist/${variant}/pith.mjs`, import.meta.url));
  const pith = await load();
  console.log(`\n=== ${variant} bundle: loaded in ${ms(t0)}; reads ${pith.formats.join(', ')}`);
  for (const file of files) {
    const bytes = readFileSync(file);
    const t1 = performance.now();
    try {
      const r = pith.extract(bytes, { hint: basename(file) });
      const took = ms(t1);
      console.log(`--- ${file}: ${r.format}, ${r.units} unit(s), meta ${JSON.stringify(r.meta)}, ${took}`);
      process.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
      for (const w of r.warnings) console.log(`    warning: unit ${w.unit}: ${w.code}: ${w.message}`);
    } catch (e) {
      console.log(`--- ${file}: ${e.code}: ${e.message} (${ms(t1)})`);
    }
  }
  // the same first file as Markdown, streamed chunk by chunk
  const t2 = performance.now();
  let chunks = 0;
  for await (const c of pith.stream(readFileSync(files[0]), { output: 'markdown', chunkSize: 256, hint: basename(files[0]) })) {
    if (chunks++ === 0) console.log(`--- ${files[0]} as Markdown, first of its 256-byte chunks:\n${c.text}`);
  }
  console.log(`--- streamed ${chunks} chunk(s) in ${ms(t2)}; memory ${JSON.stringify(pith.memory())}`);
  pith.dispose();
}
