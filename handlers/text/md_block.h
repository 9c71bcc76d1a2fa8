/* md_block.h: the Markdown handler's block parser (CommonMark 0.31.2 §4-§5, GFM tables §4.10).
 *
 * Line by line, the way the spec's appendix "A parsing strategy" describes (and commonmark.js
 * implements): an explicit stack of open containers (block quotes, lists, items) in document
 * memory, at most one open leaf block, and a callback for every container opened or closed and
 * every leaf block completed. Leaf content is gathered in one reused buffer, so memory is
 * bounded by the largest block, not by the document. Internal to handlers/text/markdown.c.
 */
#ifndef PITH_MD_BLOCK_H
#define PITH_MD_BLOCK_H

#include "md_inline.h"

/* What a callback is told about. Containers: QUOTE, LIST, ITEM (open/close). Leaves: the
 * rest, through `leaf`. */
typedef enum md_kind {
    MD_QUOTE,
    MD_LIST,
    MD_ITEM,
    MD_PARA,       /* text = inline content (link reference definitions removed) */
    MD_HEADING,    /* level, text = inline content */
    MD_CODE,       /* text = the code, each line ending in '\n'; info = raw info string */
    MD_HTML,       /* text = the HTML block's lines */
    MD_RULE,
    MD_TABLE,      /* cols, text = the header row's line */
    MD_ROW,        /* text = a body row's line */
    MD_TABLE_END,
} md_kind;

typedef struct md_blk_ev {
    md_kind kind;
    uint32_t level;          /* HEADING: 1..6 */
    uint32_t ordered, start; /* LIST */
    uint32_t tight;          /* LIST: a tight list; PARA: directly in an item of a tight list */
    uint32_t cols;           /* TABLE */
    const char *text;
    size_t len;
    const char *info;        /* CODE */
    size_t info_len;
    uint64_t offset;         /* input offset of the block's first line */
} md_blk_ev;

typedef struct md_block_cb {
    void *user;
    pith_status (*open)(void *user, const md_blk_ev *e);
    pith_status (*close)(void *user, md_kind kind);
    pith_status (*leaf)(void *user, const md_blk_ev *e);
} md_block_cb;

/* A growable byte buffer in document memory, reused from block to block. */
typedef struct md_buf {
    char *p;
    size_t n, cap;
} md_buf;

typedef struct md_cont md_cont;

typedef struct md_block {
    pith_doc *doc;
    md_refs *refs;
    const md_block_cb *cb;   /* NULL: the first pass (definitions and list looseness only) */
    md_cont *st;             /* st[0] is the document */
    uint32_t depth, cap, max_depth;
    int leaf;                /* the open leaf block (L_* in md_block.c) */
    md_buf buf;              /* its content */
    md_buf info;             /* a fenced code block's info string */
    size_t last_line;        /* paragraph: where its last line starts in buf */
    size_t code_keep;        /* indented code: buf up to its last non-blank line */
    char fence_ch;
    uint32_t fence_len, fence_indent;
    int html_kind;           /* 1..7, the HTML block's start condition */
    uint32_t cols;           /* table columns */
    uint64_t leaf_offset;
    uint64_t line_no;
    uint64_t line_off;       /* input offset of the current line */
    /* list looseness, one bit per list in document order: written by the first pass, read
     * by the second (NULL when there was no first pass: every list is taken as tight) */
    uint8_t *loose;
    uint32_t nlists, loose_cap;
    const uint8_t *loose_in;
    uint32_t loose_in_n;
    bool loose_known;        /* loose_in is valid (else every list is taken as loose) */
    /* where line ends were last found (both searches are cached, so CR-only files stay
     * linear) */
    size_t next_lf, next_cr;
} md_block;

/* Start a parse. `cb` NULL makes it the first pass; `loose`/`nloose` are the first pass's
 * looseness bits for the second (NULL/0: no list is loose) and `known` says there was a
 * first pass (without one every list is taken as loose). max_depth bounds the containers kept
 * open (deeper markers become text). */
pith_status md_block_init(md_block *b, pith_doc *doc, md_refs *refs, const md_block_cb *cb,
                          const uint8_t *loose, uint32_t nloose, bool known, uint32_t max_depth);
/* Parse whole lines of data[*pos..len) until at least `budget` bytes were read or the input
 * ends; *pos moves past them. Draws one work unit per byte. */
pith_status md_block_feed(md_block *b, const char *data, size_t len, size_t *pos, size_t budget);
/* The input ended: close every open block. */
pith_status md_block_finish(md_block *b);

#endif
