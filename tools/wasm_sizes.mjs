#!/usr/bin/env node
// wasm_sizes.mjs: where the bytes of a pith .wasm go — sections, code per function and per
// source file, data per source file and per table.
//
//   node tools/wasm_sizes.mjs BUILD_DIR [--top N] [--json]
//   node tools/wasm_sizes.mjs FILE.wasm [--top N]
//
// BUILD_DIR is a wasm build (meson setup ... --cross-file variants/emscripten.ini ...). There the
// linked module pith-raw.wasm still has its name section (the link passes --profiling-funcs);
// the script runs wasm-opt on it with the flags of meson.build's pith.wasm step, minus the name
// stripping, so the function sizes it prints are the shipped ones (wasm-opt -Oz inlines small
// functions into their callers: those vanish, and their bytes count in the caller). The object
// files under BUILD_DIR/*.p/ say which source file defines each function and each data segment
// (the wasm object format's "linking" section: its symbol table and segment names), which is
// how code and data are summed per file. A name defined in more than one file (static helpers
// such as `append`) is listed under every file that defines it, marked with '*', and its bytes
// go to the first.
//
// With a single .wasm, only its own sections, names (if any) and data segments are reported.
// Needs wasm-opt (binaryen) on PATH for the BUILD_DIR form.

import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

// MARK: - binary reader

class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    this.b = bytes;
    this.p = pos;
    this.end = end;
  }
  byte() {
    if (this.p >= this.end) throw new Error(`wasm: read past the end at ${this.p}`);
    return this.b[this.p++];
  }
  u32() {
    let v = 0;
    let shift = 0;
    for (;;) {
      const c = this.byte();
      v += (c & 0x7f) * 2 ** shift;
      if (!(c & 0x80)) return v;
      shift += 7;
      if (shift > 35) throw new Error(`wasm: LEB128 too long at ${this.p}`);
    }
  }
  skipLeb() {
    while (this.byte() & 0x80);
  }
  str() {
    const n = this.u32();
    if (n > this.end - this.p) throw new Error(`wasm: string of ${n} bytes past the end`);
    const s = new TextDecoder().decode(this.b.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }
  skip(n) {
    if (n > this.end - this.p) throw new Error(`wasm: skip of ${n} bytes past the end`);
    this.p += n;
  }
  // A constant expression (data segment offset): one instruction with a LEB immediate, then end.
  skipConstExpr() {
    const op = this.byte();
    if (op === 0x41 || op === 0x42 || op === 0x23) this.skipLeb();
    else throw new Error(`wasm: unexpected opcode 0x${op.toString(16)} in a constant expression`);
    if (this.byte() !== 0x0b) throw new Error('wasm: constant expression without end');
  }
}

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global',
  'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];

/** Parse a module: sections, imported function count, code body sizes, data segments, names. */
function parseModule(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new Error('not a wasm module (no \\0asm magic)');
  const r = new Reader(bytes, 8);
  const mod = { size: bytes.length, sections: [], funcImports: 0, bodies: [], data: [], names: new Map(),
    linking: null };
  while (r.p < r.end) {
    const id = r.byte();
    const len = r.u32();
    const start = r.p;
    const end = start + len;
    if (end > bytes.length) throw new Error(`wasm: section ${id} runs past the end`);
    const s = new Reader(bytes, start, end);
    let name = SECTION_NAMES[id] ?? `unknown${id}`;
    if (id === 0) {
      const cname = s.str();
      name = `custom:${cname}`;
      if (cname === 'name') parseNames(s, mod.names);
      else if (cname === 'linking') mod.linking = { start: s.p, end };
    } else if (id === 2) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        s.str(); s.str();
        const kind = s.byte();
        if (kind === 0) { s.u32(); mod.funcImports++; }
        else if (kind === 1) { s.byte(); const f = s.u32(); s.u32(); if (f & 1) s.u32(); }
        else if (kind === 2) { const f = s.u32(); s.u32(); if (f & 1) s.u32(); }
        else if (kind === 3) { s.byte(); s.byte(); }
        else if (kind === 4) { s.byte(); s.u32(); }
        else throw new Error(`wasm: import kind ${kind}`);
      }
    } else if (id === 10) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        const size = s.u32();
        const lenBytes = s.p;
        s.skip(size);
        mod.bodies.push({ index: mod.funcImports + i, size, total: size + leb32Len(size), at: lenBytes });
      }
    } else if (id === 11) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        const flags = s.u32();
        if (flags === 2) s.u32();
        if (flags !== 1) s.skipConstExpr();
        const size = s.u32();
        const at = s.p;
        s.skip(size);
        mod.data.push({ index: i, size, at });
      }
    }
    mod.sections.push({ id, name, size: len + 1 + leb32Len(len) });
    r.p = end;
  }
  return mod;
}

function leb32Len(v) {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 128); n++; }
  return n;
}

function parseNames(s, names) {
  while (s.p < s.end) {
    const sub = s.byte();
    const len = s.u32();
    const end = s.p + len;
    if (sub === 1) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        const idx = s.u32();
        names.set(idx, s.str());
      }
    }
    s.p = end;
  }
}

// MARK: - object files: which file defines which function and data segment

/** From a wasm object file: its defined function names and its data segments (name, bytes). */
function parseObject(bytes) {
  const mod = parseModule(bytes);
  const funcs = [];
  const segments = [];
  if (!mod.linking) return { funcs, segments };
  const r = new Reader(bytes, mod.linking.start, mod.linking.end);
  r.u32(); // version
  let segNames = [];
  while (r.p < r.end) {
    const type = r.byte();
    const len = r.u32();
    const end = r.p + len;
    if (type === 5) { // WASM_SEGMENT_INFO
      const n = r.u32();
      for (let i = 0; i < n; i++) { segNames.push(r.str()); r.u32(); r.u32(); }
    } else if (type === 8) { // WASM_SYMBOL_TABLE
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const kind = r.byte();
        const flags = r.u32();
        const undef = (flags & 0x10) !== 0;
        const explicitName = (flags & 0x40) !== 0;
        if (kind === 0 || kind === 2 || kind === 4 || kind === 5) {
          const index = r.u32();
          const name = !undef || explicitName ? r.str() : null;
          if (kind === 0 && !undef && name) funcs.push({ name, index });
        } else if (kind === 1) {
          r.str();
          if (!undef) { r.u32(); r.u32(); r.u32(); }
        } else if (kind === 3) {
          r.u32();
        } else {
          throw new Error(`wasm object: symbol kind ${kind}`);
        }
      }
    }
    r.p = end;
  }
  for (const seg of mod.data) segments.push({ name: segNames[seg.index] ?? `#${seg.index}`, size: seg.size });
  // The object's own code body size of each defined function (before the link and wasm-opt).
  const bodyOf = new Map(mod.bodies.map((b) => [b.index, b.total]));
  for (const f of funcs) f.objSize = bodyOf.get(f.index) ?? 0;
  return { funcs, segments };
}

function objectFiles(dir) {
  const out = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory() || !d.name.endsWith('.p')) continue;
    for (const f of readdirSync(join(dir, d.name))) {
      if (f.endsWith('.o')) out.push(join(dir, d.name, f));
    }
  }
  return out.sort();
}

/** "pith-raw.wasm.p/handlers_text_md_block.c.o" → "handlers/text/md_block.c" (meson's naming). */
function sourceName(objPath) {
  let b = basename(objPath).replace(/\.o$/, '');
  b = b.replace(/^meson-generated_\.\._/, '(generated) ');
  for (const dir of ['handlers_text_', 'handlers_pdf_', 'handlers_office_', 'src_', 'cli_']) {
    if (b.startsWith(dir)) return dir.replace(/_/g, '/') + b.slice(dir.length);
  }
  return b;
}

// MARK: - report

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
const num = (n) => String(n).padStart(8);

function optimizeKeepingNames(raw) {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-sizes-'));
  const out = join(dir, 'opt.wasm');
  // meson.build's pith.wasm step with -g instead of --strip-debug: -g keeps the name section
  // (and wasm-opt makes the same code either way).
  const res = spawnSync('wasm-opt', ['-Oz', '--low-memory-unused', '-g', '--enable-bulk-memory', '--strip-producers', raw, '-o', out],
    { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`wasm-opt failed: ${res.stderr || res.error}`);
  const bytes = readFileSync(out);
  rmSync(dir, { recursive: true, force: true });
  return bytes;
}

function main() {
  const args = process.argv.slice(2);
  const target = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 40;
  const asJson = args.includes('--json');
  if (!target) {
    console.error('usage: node tools/wasm_sizes.mjs BUILD_DIR|FILE.wasm [--top N] [--json]');
    process.exit(2);
  }
  let shipped = null;
  let bytes;
  let objs = [];
  if (target.endsWith('.wasm')) {
    bytes = readFileSync(target);
  } else {
    const raw = join(target, 'pith-raw.wasm');
    if (!existsSync(raw)) throw new Error(`${raw} is missing: build the wasm variant first`);
    bytes = optimizeKeepingNames(raw);
    const shippedPath = join(target, 'pith.wasm');
    if (existsSync(shippedPath)) shipped = readFileSync(shippedPath).length;
    objs = objectFiles(target);
  }
  const mod = parseModule(bytes);

  // function name → source file(s), and data per file / per segment
  const fileOf = new Map();
  const dataRows = [];
  for (const o of objs) {
    const src = sourceName(o);
    const { funcs, segments } = parseObject(readFileSync(o));
    for (const f of funcs) {
      if (!fileOf.has(f.name)) fileOf.set(f.name, []);
      fileOf.get(f.name).push(src);
    }
    for (const s of segments) {
      if (s.name.startsWith('.bss')) continue; // zero-filled: no bytes in the module
      dataRows.push({ file: src, name: s.name.replace(/^\.(rodata|data)\./, ''), size: s.size });
    }
  }

  const funcs = mod.bodies.map((b) => {
    const name = mod.names.get(b.index) ?? `func${b.index}`;
    // wasm-ld names the second static function of a name `name.1`, the third `name.2`, ...
    const files = fileOf.get(name) ?? fileOf.get(name.replace(/\.\d+$/, '')) ?? [];
    // with object files, a name none of them defines is Emscripten's (libc, emmalloc, crt)
    const file = files[0] ?? (objs.length ? '(libc/runtime)' : '');
    return { name, size: b.total, file, shared: files.length > 1 };
  }).sort((a, b) => b.size - a.size);
  const codeTotal = funcs.reduce((s, f) => s + f.size, 0);
  const dataTotal = mod.data.reduce((s, d) => s + d.size, 0);

  const perFile = new Map();
  const add = (file, key, n) => {
    if (!perFile.has(file)) perFile.set(file, { file, code: 0, data: 0, funcs: 0 });
    perFile.get(file)[key] += n;
  };
  for (const f of funcs) { add(f.file, 'code', f.size); add(f.file, 'funcs', 1); }
  for (const d of dataRows) add(d.file, 'data', d.size);
  const files = [...perFile.values()].sort((a, b) => (b.code + b.data) - (a.code + a.data));

  if (asJson) {
    console.log(JSON.stringify({ size: mod.size, shipped, sections: mod.sections, code: codeTotal,
      data: dataTotal, files, functions: funcs, dataSegments: dataRows }, null, 1));
    return;
  }

  console.log(`module ${mod.size} bytes` + (shipped !== null ? ` (the shipped pith.wasm, names stripped: ${shipped})` : ''));
  console.log(`  code ${codeTotal} bytes in ${funcs.length} functions, data ${dataTotal} bytes in ${mod.data.length} segments\n`);
  console.log('sections');
  for (const s of mod.sections) console.log(`  ${s.name.padEnd(24)} ${num(s.size)} ${kb(s.size)}`);

  if (objs.length) {
    console.log('\nper source file (code after wasm-opt, data as linked)');
    console.log(`  ${'file'.padEnd(34)} ${'code'.padStart(8)} ${'data'.padStart(8)} ${'total'.padStart(8)}  funcs`);
    for (const f of files) {
      console.log(`  ${f.file.padEnd(34)} ${num(f.code)} ${num(f.data)} ${num(f.code + f.data)}  ${f.funcs}`);
    }
  }

  console.log(`\ntop ${top} functions (bytes of the body, with its length prefix)`);
  for (const f of funcs.slice(0, top)) {
    console.log(`  ${num(f.size)}  ${f.name.padEnd(40)} ${f.file}${f.shared ? ' *' : ''}`);
  }

  const segs = dataRows.length ? dataRows : mod.data.map((d) => ({ file: '', name: `segment ${d.index}`, size: d.size }));
  segs.sort((a, b) => b.size - a.size);
  console.log(`\ntop ${top} data (object segments: one table or string each)`);
  for (const d of segs.slice(0, top)) console.log(`  ${num(d.size)}  ${d.name.padEnd(40)} ${d.file}`);
}

main();
