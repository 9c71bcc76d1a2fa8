// layout.mjs: the wasm ABI as JS constants — struct offsets, status names, enums.
//
// Mirrors src/wasm_mem.h (whose _Static_asserts pin the same offsets on the C side) and the
// enums of src/pith.h. Every struct JS reads or writes is made of uint32 fields only, so one
// table serves the native and wasm32 layouts; 64-bit values travel as lo/hi pairs. Change this
// file, src/wasm_mem.h and PITH_ABI_VERSION in one commit: load() refuses a .wasm whose
// pith_wasm_abi() differs from ABI_VERSION (a CDN serving a mixed set of files).

/** PITH_ABI_VERSION of the C side this file describes. */
export const ABI_VERSION = 2;
/** PITH_VERSION_STRING (the wasm does not export it; tests check it against package.json). */
export const VERSION = '0.1.0';

/** pith_status names by value: STATUS[PITH_E_DISABLED] === 'PITH_E_DISABLED'. */
export const STATUS = Object.freeze([
  'PITH_OK',
  'PITH_E_ARG',
  'PITH_E_NOMEM',
  'PITH_E_LIMIT',
  'PITH_E_UNSUPPORTED',
  'PITH_E_DISABLED',
  'PITH_E_FORMAT',
  'PITH_E_TRUNCATED',
  'PITH_E_ENCRYPTED',
  'PITH_E_ABORTED',
  'PITH_E_NEED_PACK',
]);
export const PITH_OK = 0;
export const PITH_E_ARG = 1;
export const PITH_E_NOMEM = 2;
export const PITH_E_LIMIT = 3;
export const PITH_E_ABORTED = 9;
export const PITH_E_NEED_PACK = 10;

/** pith_output values by the names the JS API takes. */
export const OUTPUT = Object.freeze({ text: 0, markdown: 1, jsonl: 2, html: 3 });

/** pith_chunk flags. */
export const CHUNK_END = 1;
export const CHUNK_UNIT_START = 2;
/** pith_options flags. */
export const OPT_POSITIONS = 1;
export const OPT_JSON_KEYS = 2;
export const OPT_EMAIL_HTML = 4;

/** pith_wasm_opts: written by JS before pith_wasm_open; 0 fields take the C defaults. */
export const OPTS = Object.freeze({
  SIZE: 84,
  output: 0,
  chunk_size: 4,
  hint_ptr: 8,
  hint_len: 12,
  password_ptr: 16,
  password_len: 20,
  first_unit: 24,
  unit_count: 28,
  flags: 32,
  max_input_bytes: 36,
  max_output_bytes: 40,
  max_memory_bytes: 44,
  max_decompressed_bytes: 48,
  max_work_lo: 52,
  max_work_hi: 56,
  max_depth: 60,
  max_objects: 64,
  max_ratio: 68,
  max_nesting_docs: 72,
  packs_ptr: 76,
  packs_count: 80,
});

/** pith_wasm_pack: one entry of the table OPTS.packs_ptr points to (a data pack in wasm
 *  memory: its name, UTF-8 without NUL, and its bytes). At most PACKS_MAX entries. */
export const PACK = Object.freeze({
  SIZE: 16,
  name_ptr: 0,
  name_len: 4,
  data_ptr: 8,
  data_len: 12,
});
export const PACKS_MAX = 8;

/** pith_wasm_result: refreshed by every pith_wasm_* call that takes a handle. */
export const RESULT = Object.freeze({
  SIZE: 88,
  status: 0,
  chunk_ptr: 4,
  chunk_len: 8,
  chunk_unit: 12,
  chunk_index: 16,
  chunk_flags: 20,
  format: 24,
  units: 28,
  err_code: 32,
  err_offset_lo: 36,
  err_offset_hi: 40,
  err_msg_ptr: 44,
  err_msg_len: 48,
  meta_count: 52,
  warning_count: 56,
  warnings_dropped: 60,
  mem_bytes: 64,
  mem_high: 68,
  output_lo: 72,
  output_hi: 76,
  work_lo: 80,
  work_hi: 84,
});

/** pith_wasm_entry: one metadata entry (a = key, b = value) or warning (a = message). */
export const ENTRY = Object.freeze({
  SIZE: 32,
  a_ptr: 0,
  a_len: 4,
  b_ptr: 8,
  b_len: 12,
  unit: 16,
  code: 20,
  offset_lo: 24,
  offset_hi: 28,
});

/** The limits the JS API takes (camelCase of pith_limits) and their opts fields. maxWork is
 *  64-bit (lo/hi); the others are uint32 in the wasm opts (a wasm32 memory is < 4 GiB). */
export const LIMITS = Object.freeze({
  maxInputBytes: OPTS.max_input_bytes,
  maxOutputBytes: OPTS.max_output_bytes,
  maxMemoryBytes: OPTS.max_memory_bytes,
  maxDecompressedBytes: OPTS.max_decompressed_bytes,
  maxWork: OPTS.max_work_lo,
  maxDepth: OPTS.max_depth,
  maxObjects: OPTS.max_objects,
  maxRatio: OPTS.max_ratio,
  maxNestingDocs: OPTS.max_nesting_docs,
});

/** MIME types by format name (pith_format_mime; the wasm exports names only). A format not
 *  listed here reads as application/octet-stream. */
export const MIME = Object.freeze({
  text: 'text/plain',
  html: 'text/html',
  markdown: 'text/markdown',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  epub: 'application/epub+zip',
  rtf: 'application/rtf',
  eml: 'message/rfc822',
  csv: 'text/csv',
  xml: 'application/xml',
  json: 'application/json',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  msg: 'application/vnd.ms-outlook',
  zip: 'application/zip',
});

/** Every export load() needs (checked before anything is called). */
export const EXPORTS = Object.freeze([
  'memory',
  'pith_wasm_abi',
  'pith_wasm_create',
  'pith_wasm_destroy',
  'pith_wasm_opts_ptr',
  'pith_wasm_result_ptr',
  'pith_wasm_entry_ptr',
  'pith_wasm_scratch',
  'pith_wasm_input',
  'pith_wasm_open',
  'pith_wasm_next',
  'pith_wasm_close',
  'pith_wasm_meta',
  'pith_wasm_warning',
  'pith_wasm_detect',
  'pith_wasm_format_name',
  'pith_wasm_status_name',
  'pith_wasm_formats',
  'pith_wasm_variant',
  'pith_wasm_alloc',
  'pith_wasm_free',
]);
