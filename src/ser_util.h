/* ser_util.h: what the four serializers share (internal).
 *
 * ser_base sits between the event stream and a serializer so that each serializer only says
 * how to write things, not when: it keeps the frame stack (document memory, sized by
 * limits.max_depth), opens leaf blocks and links lazily at their first content (an empty
 * paragraph writes nothing), gives inline content that arrives in a container an implicit
 * paragraph, cuts inline content when a block starts inside it (a list inside a paragraph comes
 * out as its sibling, and the paragraph goes on after it), and flattens the content of frames
 * that are one string in the output (a table cell in text, Markdown and JSON). Also here: the
 * growable per-unit buffer, the line writer with container prefixes that text and Markdown use
 * (CommonMark's container model: every line starts with the prefixes of the open quotes and
 * list items), and the fixed nesting order of inline flags. No recursion: everything walks the
 * frame stack.
 */
#ifndef PITH_SER_UTIL_H
#define PITH_SER_UTIL_H

#include "core.h"

/* MARK: - Frames (Private) */

/* What a frame holds. BOX: blocks (document, unit, section, quote, list, item, table, row,
 * cell). LEAF: inline content (heading, paragraph, code). SPAN: an inline container (link). */
enum { SER_BOX = 0, SER_LEAF, SER_SPAN };

/* Line prefix a frame contributes (text and Markdown). */
enum { SER_PFX_NONE = 0, SER_PFX_QUOTE, SER_PFX_ITEM };

/* Separation owed before the next line content (ser_lines). */
enum { SER_SEP_NONE = 0, SER_SEP_LINE, SER_SEP_BLANK };

/* Separation owed inside a flattened frame before its next content. */
enum { SER_FSEP_NONE = 0, SER_FSEP_CELL, SER_FSEP_LINE };

#define SER_MARK_MAX 24u
/* Frames kept at most, whatever limits.max_depth says; deeper events are counted, not kept. */
#define SER_DEPTH_CAP 65536u
/* Colspans are clamped to the widest sheet a spreadsheet has (XLSX: 16384 columns), so a
 * hostile colspan cannot turn one cell into gigabytes of separators. */
#define SER_COLSPAN_MAX 16384u

/* Detail numbers, copied at begin because the detail lives only during the callback:
 *   DOCUMENT a=format b=units   UNIT a=index b=kind   SECTION a=kind   HEADING a=level 1..6
 *   LIST a=ordered (1) | reversed (2) num=its start, then the next item's number
 *   ITEM a=checked+1 (0 not a task, 1 open, 2 done) b=has a value num=that value
 *   CELL a=colspan (1..SER_COLSPAN_MAX) b=header
 * and strings, copied to the serializer's per-unit memory (pith_ser_alloc): CODE s=lang,
 * LINK s=href. frame_push clears each field but mark by name: a new field is cleared there. */
typedef struct ser_frame {
    uint8_t ev;        /* pith_ev that opened it */
    uint8_t cls;       /* SER_BOX, SER_LEAF, SER_SPAN */
    uint8_t open;      /* LEAF/SPAN: its opening is written; BOX: its implicit paragraph is */
    uint8_t inert;     /* inside a flattened frame: only a separator boundary */
    uint8_t pfx;       /* SER_PFX_*, set by the serializer */
    uint8_t fresh;     /* no line has been written under its prefix yet */
    uint8_t mark_len;  /* first-line prefix (a list marker) */
    uint8_t mark_w;    /* continuation prefix: this many spaces */
    uint32_t a, b;
    uint32_t n;        /* children written so far (list items, row cells, JSON commas) */
    uint32_t u;        /* the serializer's own */
    uint32_t up;       /* index + 1 of the topmost BOX frame below it, 0 = none (ser_parent) */
    int64_t num;       /* LIST, ITEM: numbering (above) */
    pith_str s;
    char mark[SER_MARK_MAX];
} ser_frame;

/* MARK: - Line writer (Private) */

/* Output as lines, for text and Markdown. Separation is owed, not written, until content comes:
 * so no blank line opens the document, and two owed blank lines make one. Prefixes are written
 * at the first content of each line. */
typedef struct ser_lines {
    uint8_t nl;      /* newlines ending the output so far, capped at 2 */
    uint8_t any;     /* anything written yet */
    uint8_t sep;     /* SER_SEP_* owed before the next content */
    uint8_t bol;     /* the current line's prefix is not written yet */
    size_t col;      /* content on the current line after its prefix: only its being 0 or not
                        counts (the fast path of ser_lines_put adds without finding the line) */
} ser_lines;

/* MARK: - Driver (Private) */

typedef struct ser_base ser_base;

/* A serializer's callbacks; NULL ones are skipped. Each returns 0 or the non-zero that stops
 * the extraction. The driver sets b->leaf before text and keeps `open` flags itself. */
typedef struct ser_ops {
    /* a BOX frame was pushed / is about to be popped (its implicit paragraph already closed) */
    int (*box_begin)(ser_base *b, ser_frame *f, const void *detail);
    int (*box_end)(ser_base *b, ser_frame *f);
    /* first content of a LEAF frame, or of the implicit paragraph of a BOX frame; close */
    int (*leaf_open)(ser_base *b, ser_frame *f);
    int (*leaf_close)(ser_base *b, ser_frame *f);
    int (*span_open)(ser_base *b, ser_frame *f);
    int (*span_close)(ser_base *b, ser_frame *f);
    /* a block began (begin=1) or ended inside a flattened frame; b->fsep is already updated */
    int (*flat)(ser_base *b, ser_frame *f, int begin);
    int (*text)(ser_base *b, const char *s, size_t n, uint32_t flags);
    /* every leaf event; call ser_inline or ser_interrupt first as the event needs */
    int (*leaf)(ser_base *b, pith_ev ev, const void *detail);
    /* per-unit memory is about to be rolled back: forget every buffer (ser_buf_drop) */
    void (*reset)(ser_base *b);
    uint32_t flat_mask;  /* 1u << ev for the BOX events whose content is flattened */
} ser_ops;

struct ser_base {
    pith_doc *doc;
    const ser_ops *ops;
    ser_frame *st;       /* st[0..depth-1], st[depth-1] is the top */
    uint32_t depth, cap;
    uint32_t ghost;      /* events nested beyond cap, ignored (their content goes on) */
    uint32_t npfx;       /* frames on the stack that write a line prefix (pfx set, not inert) */
    uint32_t flat;       /* index + 1 of the outermost flattened frame, 0 = none */
    uint8_t fsep;        /* SER_FSEP_* owed in the flattened frame */
    uint8_t fany;        /* the flattened frame has content */
    ser_frame *leaf;     /* after ser_inline: where inline content goes (NULL: nowhere) */
    pith_arena_mark unit_mark;  /* the serializer arena when the unit began */
    ser_lines ln;
};

pith_status ser_base_init(ser_base *b, pith_doc *doc, const ser_ops *ops);
/* Fill a sink whose callbacks drive `b`. */
void ser_sink_fill(ser_base *b, pith_sink *sink);
/* A serializer's state: `size` zeroed bytes of document memory that start with a ser_base,
 * initialised with `ops` and wired to `sink`. NULL after recording the error. */
void *ser_create(pith_doc *doc, size_t size, const ser_ops *ops, pith_sink *sink);

/* Make the inline context current: the implicit paragraph or leaf opened, links above it
 * opened; sets b->leaf. */
int ser_inline(ser_base *b);
/* A block starts: close the open links, leaves and implicit paragraph above the topmost BOX. */
int ser_interrupt(ser_base *b);
/* The topmost BOX frame below f (f itself excluded); NULL for the bottom frame. */
ser_frame *ser_parent(ser_base *b, const ser_frame *f);
/* The topmost BOX frame of the stack, or NULL. */
ser_frame *ser_top_box(ser_base *b);
/* In a flattened frame: the separator owed before content about to be written (SER_FSEP_*,
 * NONE before the frame's first content), and from now on the frame has content. */
int ser_flat_take(ser_base *b);

/* The one-line helpers below that run for every event are macros: the serializers other than
 * ser_util.c are built for size in wasm (-Oz), where a static inline function stays a call in
 * each file that uses it (these, with ser_text.c's separation table, took 4-10% off the wasm
 * time of bench/html_speed.mjs's pages). */
#define ser_is_flat(b) ((b)->flat != 0)
static inline ser_frame *ser_flat_frame(ser_base *b)
{
    return b->flat ? &b->st[b->flat - 1] : NULL;
}

/* MARK: - Line writer (Private) */

/* Write content (may hold '\n'): the owed separation, then the prefix of each line. */
int ser_lines_put(ser_base *b, const char *s, size_t n);
/* Owe at least this separation (SER_SEP_*); a smaller one does not lower it. */
static inline void ser_lines_owe(ser_base *b, int sep)
{
    if (b->ln.sep < sep) b->ln.sep = (uint8_t)sep;
}
/* Owe exactly this separation (the context after a block decides it). */
#define ser_lines_set(b, sep_) ((void)((b)->ln.sep = (uint8_t)(sep_)))
/* Write the owed separation and the prefix without content (an empty list item). */
int ser_lines_touch(ser_base *b);
/* End the current line if it has anything (the end of a unit or of the document). */
int ser_lines_end(ser_base *b);
/* True when the next content would be the first of its line. */
static inline bool ser_lines_at_start(const ser_base *b)
{
    return b->ln.col == 0 || (b->ln.sep != SER_SEP_NONE && b->ln.any);
}

/* MARK: - Scratch buffers (Private) */

/* Bytes in the serializer's per-unit memory (pith_ser_arena), grown by doubling. That memory is
 * rolled back when a unit ends and, by the driver, after each top-level block, so the
 * serializer forgets every buffer then (ops->reset, ser_buf_drop); within a block a buffer is
 * emptied (n = 0) and reused. */
typedef struct ser_buf {
    char *p;
    size_t n, cap;
} ser_buf;

int ser_buf_reserve(pith_doc *doc, ser_buf *buf, size_t extra);
int ser_buf_put(pith_doc *doc, ser_buf *buf, const char *s, size_t n);
static inline void ser_buf_drop(ser_buf *buf)
{
    buf->p = NULL;
    buf->n = buf->cap = 0;
}

/* MARK: - Small helpers (Private) */

/* Inline flags from outermost to innermost: markers open in this order and close in reverse,
 * so they always nest. */
#define SER_FLAG_COUNT 4
extern const uint32_t ser_flag_order[SER_FLAG_COUNT];
/* Index of the outermost flag whose state differs between `open` and `want`; SER_FLAG_COUNT
 * when none does. Markers from there inward are closed and the wanted ones reopened. */
int ser_flags_split(uint32_t open, uint32_t want);

/* pith_out_write writes nothing for n == 0. */
#define ser_put(b, s, n) pith_out_write((b)->doc, (s), (n))
#define ser_puts(b, s) pith_out_str((b)->doc, (s))
int ser_put_i64(ser_base *b, int64_t v);
/* Decimal digits of v into buf (>= 21 bytes), returning the length. */
size_t ser_u64(char *buf, uint64_t v);
/* The same for a signed number ('-' first when negative). */
size_t ser_i64(char *buf, int64_t v);
/* The number of item f of ordered list p, as the list counts (from its start, up or down when
 * reversed) or as the item says (has_value); p then counts on from it. Once per item. */
int64_t ser_item_number(ser_frame *p, const ser_frame *f);

#endif
