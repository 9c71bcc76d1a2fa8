// example.ts: a typed program using every export of pith's three entries and every member of
// the instance, checked by `tsc --noEmit` (tests/browser/types.test.mjs) against the package as
// `npm pack` makes it. Wrong uses are marked @ts-expect-error: the types must refuse them.
import { load, PithError } from 'pith';
import { load as loadMinimal, PithError as MinimalError } from 'pith/minimal';
import { load as loadStandard } from 'pith/standard';
import type {
  BatchItem, BatchResult, ByteChunk, BytesInput, DocumentInfo, ExtractOptions, ExtractResult,
  Limits, LoadOptions, MemoryInfo, Meta, OutputFormat, PackName, PackSource, Pith, PithErrorCode,
  PithStatusName, PithStream, Stats, StreamInput, StreamOptions, TextChunk, Warning,
} from 'pith';

async function main(file: Blob, bytes: Uint8Array): Promise<string> {
  const limits: Limits = { maxInputBytes: 1 << 20, maxWork: 10n ** 12n };
  const loadOptions: LoadOptions = { packs: ['cjk-encodings'] };
  const pith: Pith = await load(loadOptions);
  const minimal = await loadMinimal({ wasm: new URL('./pith.wasm', import.meta.url) });
  const standard = await loadStandard({ wasm: pith.module, packs: { 'cmap-japan1': bytes } });
  const variants: string[] = [pith.variant, minimal.variant, standard.variant, pith.version, ...pith.formats];

  const output: OutputFormat = 'markdown';
  const options: ExtractOptions = { output, hint: 'a.html', pages: { first: 0, count: 2 }, limits, positions: true };
  const r: ExtractResult = pith.extract(bytes, options);
  const meta: Meta = r.meta;
  const warnings: Warning[] = r.warnings;
  const stats: Stats = r.stats;
  const firstWarning: PithStatusName | undefined = warnings[0]?.code;
  const more: ExtractResult = await pith.extractAsync(file, { signal: AbortSignal.timeout(1000) });

  const textStream: PithStream<TextChunk> = pith.stream(file, { chunkSize: 4096 });
  let text = '';
  for await (const chunk of textStream) text += chunk.text + chunk.unit + chunk.index;
  const info: DocumentInfo = await textStream.result;
  const streamOptions: StreamOptions = { bytes: true };
  const byteStream = pith.stream(new Response(file), { ...streamOptions, bytes: true });
  for await (const chunk of byteStream) {
    const b: ByteChunk = chunk;
    text += b.bytes.length;
  }
  const input: StreamInput = file.stream();
  await pith.extractAsync(input);

  const items: BatchItem[] = [bytes, { input: bytes.buffer as ArrayBuffer, hint: 'b.txt' }];
  const batch: BatchResult[] = pith.extractBatch(items);
  for (const b of batch) text += b.ok ? b.text : b.error.code;

  const pack: PackName = 'cjk-encodings';
  const source: PackSource = new URL('https://cdn.example/pith/data/cjk-encodings.bin');
  await pith.loadPack(pack, source);
  const packs: readonly string[] = pith.packs;
  const view: BytesInput = pith.input(16);
  const format: string = pith.detect(view, { hint: 'x.md' });
  const memory: MemoryInfo = pith.memory();

  try {
    pith.extract(bytes);
  } catch (e) {
    if (e instanceof PithError || e instanceof MinimalError) {
      const code: PithErrorCode = e.code;
      text += code + e.offset + (e.pack ?? '');
    }
  }
  // @ts-expect-error: an unknown output format
  pith.extract(bytes, { output: 'docx' });
  // @ts-expect-error: stream() takes no string
  pith.stream('file.pdf');
  // @ts-expect-error: extract() is synchronous and takes no Blob
  pith.extract(file);

  pith.dispose();
  return [variants, meta, stats, firstWarning, more.text, info.units, packs, format, memory.wasmBytes, text].join();
}

export { main };
