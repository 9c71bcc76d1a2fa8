/* pith.h: document text extraction, the public C API and its manual.
 *
 * QUICK START
 *
 *   pith_ctx *ctx = pith_ctx_create(NULL);          // one per document open at a time
 *   pith_options o = pith_options_default();       // text output, 64 KiB chunks
 *   pith_doc *doc;
 *   if (pith_open(ctx, bytes, len, &o, &doc) != PITH_OK) {
 *       const pith_error *e = pith_ctx_error(ctx); // code, message, byte offset
 *       ...
 *   }
 *   pith_chunk c;
 *   while (pith_next(doc, &c) == PITH_OK && !(c.flags & PITH_CHUNK_END))
 *       fwrite(c.data, 1, c.len, stdout);         // valid until the next pith_next
 *   pith_close(doc);                               // frees everything the document made
 *   pith_ctx_destroy(ctx);
 *
 * HOW IT WORKS
 *   A document is split into units (pages, sheets, slides, spine items; one or more blocks of a
 *   plain file). pith_next hands out the output chunks of the current unit and extracts the next
 *   unit only when they are used up, so memory holds one unit's working set and output, never
 *   the whole document's text. Output is one of text, Markdown (GFM), JSON Lines or HTML.
 *   Chunks are at most `chunk_size` bytes and never split a UTF-8 code point; concatenated they
 *   are exactly the whole output.
 *
 * MEMORY
 *   The caller owns the input: pith never writes to it or frees it, and it must stay unchanged
 *   until pith_close. Everything a document allocates lives in its context's arenas and is freed
 *   at once by pith_close; a context keeps up to `retain_bytes` of arena chunks for the next
 *   document, so a batch on one context settles at a steady size.
 *
 * THREADS
 *   A context and its document are used by one thread at a time. Distinct contexts are
 *   independent; nothing in pith is global or mutable at file scope.
 *
 * LIMITS (pith_limits; a field left 0 takes the default)
 *   field                    default     why
 *   max_input_bytes          1 GiB       larger inputs do not fit a wasm32 address space anyway
 *   max_output_bytes         1 GiB       total serialized output of one document
 *   max_memory_bytes         512 MiB     all arena chunks of a context: a browser tab survives it
 *   max_depth                256         structural nesting (elements, lists, objects, groups)
 *   max_objects              4,000,000   parsed objects/elements/cells kept at once
 *   max_decompressed_bytes   1 GiB       total bytes a document may inflate
 *   max_ratio                2,000       inflated/compressed bytes of one stream or entry
 *   max_work                 2^34        work units: every loop draws on it (~1 per byte or
 *                                        object visited), so repeats and fan-out are bounded
 *   max_nesting_docs         4           documents inside documents (EPUB items, attachments)
 *   Reaching a limit gives PITH_E_LIMIT with a message naming the limit.
 *
 * ERRORS
 *   Fallible calls return pith_status. A context keeps the first fatal error of its document
 *   (code, lowercase message naming the module and the value, byte offset). Damage confined to
 *   one unit is a warning (unit index, code, message) and extraction goes on with the next
 *   unit; the document fails only when no unit could be read.
 */
#ifndef PITH_H
#define PITH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__EMSCRIPTEN__) || defined(__GNUC__)
#define PITH_API __attribute__((visibility("default")))
#else
#define PITH_API
#endif

/* Version of the C API and of the wasm result layout (src/wasm_mem.h, dist/layout.mjs).
 * Bumped whenever a struct JS reads changes shape or an export changes meaning. */
#define PITH_ABI_VERSION 2u
#define PITH_VERSION_STRING "0.1.0"

/* MARK: - Status (Public) */

typedef enum pith_status {
    PITH_OK = 0,
    PITH_E_ARG,          /* a caller's argument is invalid (NULL, bad range, wrong state) */
    PITH_E_NOMEM,        /* the allocator refused a request */
    PITH_E_LIMIT,        /* a pith_limits bound was reached; the message names it */
    PITH_E_UNSUPPORTED,  /* a format or feature pith does not read (legacy .doc, unknown) */
    PITH_E_DISABLED,     /* format recognised but its handler is not in this bundle; the
                            message names the bundle that has it */
    PITH_E_FORMAT,       /* malformed input */
    PITH_E_TRUNCATED,    /* input ends before the structure does */
    PITH_E_ENCRYPTED,    /* encrypted, and no (right) password */
    PITH_E_ABORTED,      /* a sink callback asked to stop */
    PITH_E_NEED_PACK,    /* the document needs a data pack that was not given (pith_options
                            .packs); the message names it: "charset: shift_jis needs data pack
                            cjk-encodings". Give the pack and open the document again. */
    PITH_STATUS_COUNT
} pith_status;

/* "PITH_OK", "PITH_E_ARG", ...; "PITH_E_UNKNOWN" for a value out of range. Static string. */
PITH_API const char *pith_status_name(pith_status s);

/* MARK: - Formats (Public) */

typedef enum pith_format {
    PITH_FMT_UNKNOWN = 0,
    PITH_FMT_TEXT, PITH_FMT_HTML, PITH_FMT_MARKDOWN, PITH_FMT_PDF,
    PITH_FMT_DOCX, PITH_FMT_XLSX, PITH_FMT_PPTX, PITH_FMT_ODT, PITH_FMT_ODS, PITH_FMT_ODP,
    PITH_FMT_EPUB, PITH_FMT_RTF, PITH_FMT_EML, PITH_FMT_CSV, PITH_FMT_XML, PITH_FMT_JSON,
    /* recognised so that the error names them; pith has no handler for these */
    PITH_FMT_DOC, PITH_FMT_XLS, PITH_FMT_PPT, PITH_FMT_MSG, PITH_FMT_OOXML_ENCRYPTED,
    PITH_FMT_OLE2, PITH_FMT_ZIP, PITH_FMT_IMAGE, PITH_FMT_BINARY,
    PITH_FMT_COUNT
} pith_format;

/* Short lowercase name ("pdf", "docx", "ooxml-encrypted") and MIME type. Static strings. */
PITH_API const char *pith_format_name(pith_format f);
PITH_API const char *pith_format_mime(pith_format f);

/* Detect the format of `data` (len bytes). `hint` is a MIME type or a file name/extension
 * ("report.md", ".csv", "text/markdown"; hint_len bytes; NULL/0 for none).
 * - Binary signatures and containers (PDF, ZIP-based Office/ODF/EPUB by their entry names,
 *   OLE2 by its directory, RTF, images) come from the content and beat any hint.
 * - For text, a hint naming a text format (md, csv, json, xml, html, eml) decides: content
 *   cannot tell CSV or Markdown from plain text, and Markdown often opens with HTML. A
 *   plain-text hint (.txt, text/plain) does not overrule HTML, XML, mail or JSON content.
 * - Without a hint, text is HTML, XML, EML or JSON by how it opens, Markdown only when it
 *   clearly looks like it (a heading plus links, fences or emphasis), else plain text.
 * Never reads outside [data, data+len); looks at the first few KiB of text only. Pure and
 * thread-safe. */
PITH_API pith_format pith_detect(const void *data, size_t len, const char *hint, size_t hint_len);

/* MARK: - Options (Public) */

typedef enum pith_output {
    PITH_OUT_TEXT = 0,  /* plain text: blocks separated by a blank line, cells by tabs */
    PITH_OUT_MARKDOWN,  /* CommonMark with GFM tables and strikethrough */
    PITH_OUT_JSONL,     /* JSON Lines: one top-level block per line, so chunks concatenate */
    PITH_OUT_HTML,      /* a fragment of simple semantic HTML, one <section> per unit */
    PITH_OUT_COUNT
} pith_output;

typedef struct pith_limits {
    uint64_t max_input_bytes;
    uint64_t max_output_bytes;
    uint64_t max_memory_bytes;
    uint64_t max_decompressed_bytes;
    uint64_t max_work;
    uint32_t max_depth;
    uint32_t max_objects;
    uint32_t max_ratio;
    uint32_t max_nesting_docs;
} pith_limits;

/* A data pack: tables too big for every bundle, given only to the documents that need them
 * (today "cjk-encodings", the Shift_JIS/EUC-JP/GBK/GB18030/Big5/EUC-KR mappings, the file
 * dist/data/cjk-encodings.bin). The caller owns the bytes and keeps them unchanged while any
 * document opened with them is open; pith never writes or frees them. pith checks a pack's
 * structure before using it and fails with PITH_E_FORMAT ("pack: ...") when it is corrupt. */
typedef struct pith_pack {
    const char *name;  /* NUL-terminated: "cjk-encodings" */
    const void *data;
    size_t len;
} pith_pack;

typedef struct pith_options {
    pith_output output;
    uint32_t chunk_size;      /* max bytes per chunk; 0 = 65536; values under 64 become 64 */
    const char *hint;         /* MIME type or file name; NULL = none (see pith_detect) */
    size_t hint_len;
    const char *password;     /* bytes of the password; NULL = none */
    size_t password_len;
    uint32_t first_unit;      /* 0-based first unit (page, sheet...) to extract */
    uint32_t unit_count;      /* how many units from first_unit; 0 = all */
    uint32_t flags;           /* PITH_OPT_* */
    pith_limits limits;       /* 0 fields take the defaults above */
    const pith_pack *packs;   /* data packs the documents may use; NULL = none. A document
                                 that needs a pack not listed fails with PITH_E_NEED_PACK */
    size_t pack_count;
} pith_options;

#define PITH_OPT_POSITIONS 1u /* JSON output carries page/bbox positions where known */
#define PITH_OPT_JSON_KEYS 2u  /* JSON input: object keys come out as "key: value" lines, and
                                  true/false/null are kept (without it: values only) */
#define PITH_OPT_EMAIL_HTML 4u /* email: multipart/alternative takes its text/html part (read
                                  through the HTML handler) over text/plain */
#define PITH_OPT_ALL (PITH_OPT_POSITIONS | PITH_OPT_JSON_KEYS | PITH_OPT_EMAIL_HTML)

/* Text output, 64 KiB chunks, default limits, all units. */
PITH_API pith_options pith_options_default(void);
/* The limits with every 0 field replaced by its default. */
PITH_API pith_limits pith_limits_resolve(const pith_limits *l);

/* MARK: - Context and document (Public) */

typedef struct pith_ctx pith_ctx;
typedef struct pith_doc pith_doc;

/* Allocator used for arena chunks and input buffers: malloc/free with a context pointer.
 * NULL fields mean the C library's. Used by tests to inject failures. */
typedef struct pith_allocator {
    void *(*malloc)(void *ctx, size_t n);
    void (*free)(void *ctx, void *p);
    void *ctx;
} pith_allocator;

typedef struct pith_ctx_config {
    const pith_allocator *alloc; /* NULL = malloc/free */
    size_t retain_bytes;         /* arena bytes kept across documents; 0 = 1 MiB */
} pith_ctx_config;

/* Create a context (NULL cfg = defaults). NULL when memory is short. */
PITH_API pith_ctx *pith_ctx_create(const pith_ctx_config *cfg);
/* Destroy a context and a document still open in it. NULL does nothing. */
PITH_API void pith_ctx_destroy(pith_ctx *ctx);

/* Open a document over `data` (len bytes, owned by the caller, unchanged until pith_close).
 * `opts` NULL = pith_options_default(). On success *out is the document; on failure *out is
 * NULL and pith_ctx_error(ctx) says why. A context has at most one open document: opening
 * another first closes the previous one. Metadata known from the file's header is available
 * right after opening; the rest after the last chunk.
 * Returns PITH_OK, PITH_E_ARG (NULL ctx/out, data NULL with len > 0), PITH_E_LIMIT (input too
 * large), PITH_E_DISABLED, PITH_E_UNSUPPORTED, PITH_E_ENCRYPTED, PITH_E_FORMAT,
 * PITH_E_TRUNCATED, PITH_E_NOMEM, PITH_E_NEED_PACK (the document's encoding needs a data pack
 * that opts->packs does not hold; the message names it). */
PITH_API pith_status pith_open(pith_ctx *ctx, const void *data, size_t len,
                               const pith_options *opts, pith_doc **out);

#define PITH_CHUNK_END 1u        /* no more output: data NULL, len 0 */
#define PITH_CHUNK_UNIT_START 2u /* first chunk of its unit */

typedef struct pith_chunk {
    const char *data;  /* UTF-8, not NUL-terminated; valid until the next pith_next/close */
    size_t len;        /* 1..chunk_size, or 0 with PITH_CHUNK_END */
    uint32_t unit;     /* index of the unit it belongs to */
    uint32_t index;    /* sequence number of the chunk in the document, from 0 */
    uint32_t flags;    /* PITH_CHUNK_* */
} pith_chunk;

/* Next output chunk. PITH_OK with a chunk, or PITH_OK with PITH_CHUNK_END at the end (and
 * again on every later call). A fatal error returns its status (and every later call returns
 * it again); chunks already handed out stay valid output. */
PITH_API pith_status pith_next(pith_doc *doc, pith_chunk *out);

/* Close the document, releasing everything it allocated. NULL does nothing. */
PITH_API void pith_close(pith_doc *doc);

typedef struct pith_error {
    pith_status code;     /* PITH_OK when there was none */
    uint64_t offset;      /* byte offset in the input where it was found, or 0 */
    const char *message;  /* NUL-terminated, lowercase, e.g. "xref: offset 81234 past end..." */
} pith_error;

/* The first fatal error of the context's last open/next; code PITH_OK when none. The message
 * lives until the next pith_open or pith_ctx_destroy. */
PITH_API pith_error pith_ctx_error(const pith_ctx *ctx);

typedef struct pith_warning {
    uint32_t unit;        /* unit index the damage was confined to */
    pith_status code;
    uint64_t offset;
    const char *message;  /* NUL-terminated; lives until pith_close */
} pith_warning;

PITH_API pith_format pith_doc_format(const pith_doc *doc);
/* Number of units of the document (all of them, whatever the unit range asks). */
PITH_API uint32_t pith_doc_units(const pith_doc *doc);
PITH_API uint32_t pith_doc_warning_count(const pith_doc *doc);
/* Warning i (0 <= i < count) into *out; PITH_E_ARG when i is out of range. */
PITH_API pith_status pith_doc_warning(const pith_doc *doc, uint32_t i, pith_warning *out);
/* Number of warnings that were dropped after the first 256 (still counted). */
PITH_API uint32_t pith_doc_warnings_dropped(const pith_doc *doc);

typedef struct pith_str {
    const char *p;  /* UTF-8, not NUL-terminated */
    size_t n;
} pith_str;

PITH_API uint32_t pith_doc_meta_count(const pith_doc *doc);
/* Metadata entry i: key ("title", "author", "encoding", ...) and value; both live until
 * pith_close. PITH_E_ARG when i is out of range. */
PITH_API pith_status pith_doc_meta(const pith_doc *doc, uint32_t i, pith_str *key, pith_str *value);

typedef struct pith_stats {
    uint64_t memory_bytes;       /* arena chunk bytes the context holds now */
    uint64_t memory_high;        /* the most it held at once, since the context was created */
    uint64_t output_bytes;       /* bytes of output the open document produced so far */
    uint64_t work;               /* work units drawn so far */
} pith_stats;

PITH_API pith_stats pith_ctx_stats(const pith_ctx *ctx);

/* MARK: - Events and sinks (Public) */

/* Structural events a handler emits. Containers come as begin/end pairs, properly nested;
 * leaves come alone. The detail pointer (or NULL) is valid only during the callback. */
typedef enum pith_ev {
    PITH_EV_DOCUMENT = 0, /* container; pith_ev_document */
    PITH_EV_UNIT,         /* container; pith_ev_unit: a page, sheet, slide, item */
    PITH_EV_SECTION,      /* container; pith_ev_section: header, footer, footnote, ... */
    PITH_EV_HEADING,      /* container; pith_ev_heading */
    PITH_EV_PARAGRAPH,    /* container */
    PITH_EV_QUOTE,        /* container: block quote */
    PITH_EV_CODE,         /* container; pith_ev_code: preformatted text, kept verbatim */
    PITH_EV_LIST,         /* container; pith_ev_list; holds only ITEMs */
    PITH_EV_ITEM,         /* container; pith_ev_item */
    PITH_EV_TABLE,        /* container; holds only ROWs */
    PITH_EV_ROW,          /* container; holds only CELLs */
    PITH_EV_CELL,         /* container; pith_ev_cell */
    PITH_EV_LINK,         /* inline container; pith_ev_link */
    PITH_EV_IMAGE,        /* leaf; pith_ev_image */
    PITH_EV_BREAK,        /* leaf: line break */
    PITH_EV_RULE,         /* leaf: horizontal rule / thematic break */
    PITH_EV_META,         /* leaf; pith_ev_meta */
    PITH_EV_POSITION,     /* leaf; pith_ev_position: where the next block sits on its page */
    PITH_EV_COUNT
} pith_ev;

typedef enum pith_unit_kind {
    PITH_UNIT_PART = 0, PITH_UNIT_PAGE, PITH_UNIT_SHEET, PITH_UNIT_SLIDE, PITH_UNIT_ITEM
} pith_unit_kind;

typedef enum pith_section_kind {
    PITH_SECTION_BODY = 0, PITH_SECTION_HEADER, PITH_SECTION_FOOTER, PITH_SECTION_FOOTNOTE,
    PITH_SECTION_ENDNOTE, PITH_SECTION_COMMENT, PITH_SECTION_NOTES
} pith_section_kind;

/* Inline text flags */
#define PITH_TEXT_EMPH 1u
#define PITH_TEXT_STRONG 2u
#define PITH_TEXT_CODE 4u
#define PITH_TEXT_STRIKE 8u

typedef struct pith_ev_document { pith_format format; uint32_t units; } pith_ev_document;
typedef struct pith_ev_unit { uint32_t index; pith_unit_kind kind; pith_str name; } pith_ev_unit;
typedef struct pith_ev_section { pith_section_kind kind; } pith_ev_section;
typedef struct pith_ev_heading { uint32_t level; /* 1..6 */ } pith_ev_heading;
typedef struct pith_ev_code { pith_str lang; } pith_ev_code;
/* An ordered list numbers its items from start (which may be 0 or negative), counting down when
 * reversed. */
typedef struct pith_ev_list { uint32_t ordered; int64_t start; uint32_t reversed; } pith_ev_list;
/* checked: -1 not a task, 0 open, 1 done. has_value: in an ordered list the item's number is
 * value (HTML <li value>), and the items after it count on from there. Serializers take numbers
 * within 32 bits (a start or value beyond is clamped to that range). */
typedef struct pith_ev_item {
    int32_t checked;
    uint32_t has_value;
    int64_t value;
} pith_ev_item;
typedef struct pith_ev_cell { uint32_t colspan; uint32_t header; } pith_ev_cell;
typedef struct pith_ev_link { pith_str href; } pith_ev_link;
typedef struct pith_ev_image { pith_str alt; pith_str src; } pith_ev_image;
typedef struct pith_ev_meta { pith_str key; pith_str value; } pith_ev_meta;
typedef struct pith_ev_position { uint32_t page; float x0, y0, x1, y1; } pith_ev_position;

/* A consumer of events (md4c's MD_PARSER shape). A callback returning non-zero stops the
 * extraction with PITH_E_ABORTED. Text is UTF-8, never empty, never NUL-terminated. */
typedef struct pith_sink {
    void *user;
    int (*begin)(void *user, pith_ev ev, const void *detail);
    int (*end)(void *user, pith_ev ev);
    int (*text)(void *user, const char *s, size_t n, uint32_t flags);
    int (*leaf)(void *user, pith_ev ev, const void *detail);
} pith_sink;

/* Run the whole open document into `sink` instead of a serializer (the document's chunks are
 * then empty). Returns like pith_next at its end. Call right after pith_open. */
PITH_API pith_status pith_run(pith_doc *doc, const pith_sink *sink);

#ifdef __cplusplus
}
#endif
#endif
