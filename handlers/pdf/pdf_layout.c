/* pdf_layout.c: glyphs placed on a page → words → lines → blocks in reading order → events.
 *
 * The content interpreter hands over every glyph with its origin, advance and writing
 * direction. Glyphs wholly outside the media box (never shown) are left out, unless all are.
 * Glyphs are first put in their writing frame (a along the direction, b across it, up
 * positive), one frame per direction class, so rotated and vertical text is laid out by the
 * same code as ordinary text. Then, per class:
 *
 *   chunks  runs of glyphs consecutive in the content stream that also sit next to each other
 *           on one baseline: producers nearly always draw a line's text in order, so this is
 *           cheap and keeps combining marks and kerned pairs in the order they were drawn.
 *           A glyph that repeats the previous one at almost the same spot (fake bold) is
 *           dropped here.
 *   bands   chunks sorted by baseline, top first; a band holds chunks whose baselines are
 *           within a fraction of the font size (superscripts and subscripts stay with their
 *           line). Within a band, chunks sorted by position join into lines, split where the
 *           gap is wider than a column gap (so two columns with aligned baselines stay apart;
 *           a space the stream wrote inside one run of text is no column gap) and where
 *           chunks overlap (a duplicate chunk drawn over another is dropped glyph by
 *           glyph first, as poppler does for fake bold and drop shadows).
 *   words   inside a line, a space goes where the content stream had a space glyph or a wide
 *           TJ gap, or where the gap between two glyphs exceeds a fraction of the font size:
 *           words are found from gaps, not only from space glyphs (TeX has none). A word
 *           hyphenated at a line's end stays as the source has it ("em-" ends the line,
 *           "ployee" starts the next): the issue asks for hyphenation left as in the source,
 *           and a join cannot tell "em-ployee" from a compound broken at its hyphen.
 *   blocks  lines sorted top to bottom join the open block above them when the font size
 *           matches, the line pitch is about the block's, and the edges line up or the lines
 *           overlap mostly: a wider gap, an indented first line after a short last line or a
 *           size change starts a new block (a paragraph).
 *   order   blocks are ordered by Breuel's two rules (a before b if they overlap horizontally
 *           and a is above; a before b if a is left of b and nothing between them vertically
 *           spans both), a topological sort that reads a two-column page column by column,
 *           with titles and full-width figures where they belong. Pages with very many blocks
 *           (tables of numbers) fall back to top-to-bottom, left-to-right.
 *
 * Lines whose letters are mostly Hebrew or Arabic are reversed from visual to logical order
 * with their left-to-right runs (Latin words, numbers) kept; left-to-right lines reverse their
 * right-to-left runs only. Everything is sorted (O(n log n)); the only quadratic step is the
 * reading order over blocks, which is bounded. All memory is the unit's scratch.
 *
 * Events: one PARAGRAPH (or HEADING, when its font is clearly larger than the page's body
 * size; level by size rank) per block, a BREAK between its lines, and a POSITION before it
 * when the options ask (page number 1-based, bbox in the page's upright space, y up).
 */
#include "pdf.h"

#include <string.h>

#include "utf.h"

/* Glyphs kept per page: a page drawing more is cut (with a warning), not an OOM. */
#define LAY_MAX_GLYPHS ((uint32_t)1 << 21)
/* Direction classes per page; glyphs beyond go to the nearest of the four axes. */
#define LAY_MAX_CLASSES 32u
/* Blocks above which the reading order falls back to a plain sort (the rules are cubic). */
#define LAY_ORDER_MAX 250u
/* Lines of a band and open blocks looked at for each new item (bounds the sweeps). */
#define LAY_SCAN 48u

/* Tolerances, as fractions of the font size. */
#define DUP_ALONG 0.12   /* a duplicate glyph (fake bold) is this close along... */
#define DUP_ACROSS 0.25  /* ... and across the baseline */
#define CHUNK_GAP 0.12   /* stream-consecutive glyphs further apart start a new chunk (a
                           chunk is at most a word: later text never lands inside one) */
#define CHUNK_BACK 0.5   /* ... as does one going back more than this */
#define CHUNK_BASE 0.2   /* ... or one whose baseline moves more than this */
#define SCRIPT_SIZE 1.15 /* ... unless one of the two is this much smaller (a superscript or
                            subscript), which may move by up to SCRIPT_BASE of the larger */
#define SCRIPT_BASE 0.5
#define COL_GAP_MIN 0.6  /* a gap in a band this wide may be a column gap... */
#define COL_GAP 1.0      /* ... it is one when a band nearby has one there too and it is this
                            wide, or two bands do... */
#define COL_GAP_WIDE 2.5 /* (a gap this wide needs no text of COL_MIN_TEXT left of it) */
#define COL_MIN_TEXT 4.0 /* ... and the text left of it is at least this wide */
#define COL_WINDOW 6u    /* bands looked at above and below for the same gap */
#define WORD_GAP 0.10    /* a gap wider than this between glyphs is a space: poppler's
                            minWordBreakSpace. Over the corpus 0.10 beats 0.12 (93 against 92
                            files at F1 >= 0.95): pdfjs__TAMReview's 0.104 em TJ gaps are
                            word breaks; pdfium__latin_extended's 0.112 em gaps split its rows
                            as pdftotext does, pypdf__indirect-rotation loses 0.03 */
#define WIDE_SPACING 1.5 /* letter-spaced lines: a space is this times the smallest gap */
#define TRACK_SAME 1.2   /* a tracked word's gaps: the widest at most this times the narrowest */
#define TRACK_ALONE 0.25 /* a tracked word alone on its line: gaps at most this (em); pdfminer's
                            simple1 letters 0.42 em apart stay letters, as in pdftotext */
#define BLOCK_PITCH1 1.6 /* the second line of a block is at most this far below the first */
#define BLOCK_PITCH 1.3  /* later lines at most this times the block's first pitch */
#define BLOCK_SIZE 0.2   /* font sizes of one block differ by at most this (relative) */
#define BLOCK_ALIGN 1.0  /* left, right or centre edges within this align */
#define BLOCK_OVERLAP 0.6 /* or lines overlap by this much of the wider one */
#define HEADING_RATIO 1.18 /* a heading's size is at least this times the body size */
#define CLIP_SLACK 1.0   /* a glyph box this far (points) past the media box is still on it */

enum { G_SPACE = 1, G_DROP = 2, G_OUT = 4 };

#define NONE UINT32_MAX

typedef struct lay_glyph {
    float a0, a1, b, size;   /* writing frame: along (start, end), baseline across, size */
    float x0, y0, x1, y1;    /* page box, for positions */
    uint32_t cp;             /* nuni 1: the code point; nuni > 1: first index in extra */
    uint16_t cls, font;
    uint8_t nuni, flags;
} lay_glyph;

typedef struct lay_class {
    double ux, uy;           /* writing direction */
    bool flip;
    int32_t kx, ky;          /* quantised direction: the class key with flip */
    uint32_t count;
} lay_class;

struct pdf_layout {
    pith_doc *doc;
    double w, h;
    lay_glyph *g;
    uint32_t n, cap;
    uint32_t *extra;         /* code points of glyphs with several */
    uint32_t nextra, capextra;
    lay_class cls[LAY_MAX_CLASSES];
    uint32_t ncls;
    uint32_t last_cls;       /* the class class_of found last: text mostly keeps its direction */
    double raw_ux, raw_uy;   /* the last glyph's direction as drawn, before normalizing... */
    bool raw_flip, raw_ok;   /* ... (raw_ok: and the class table unchanged since) */
    uint16_t raw_cls;        /* ... and its class */
    bool has_rtl;            /* some glyph has a right-to-left letter (else no line needs bidi) */
    bool has_cjk;            /* some glyph's first code point is CJK (else nothing to restack) */
    bool pending_space;
    float space_a, space_b;  /* where the pending space glyph started (its frame) */
    uint16_t space_cls;
    bool cut;                /* the glyph limit was hit (warned once) */
    uint32_t chars;          /* code points emitted */
    double clip[4];          /* x0 y0 x1 y1: the media box (pdf_layout_clip) */
    bool clipped;
    uint32_t outside;        /* glyphs wholly outside it (G_OUT) */
};

typedef struct lay_chunk {
    float a0, a1, b, size;
    uint32_t first, end;     /* glyphs [first, end) of the stream (dropped ones skipped) */
    uint32_t count;          /* glyphs kept */
    uint32_t next;           /* next chunk of its line, in order along */
    uint16_t cls;
    uint8_t brk;             /* a column gap is left of it in its band */
} lay_chunk;

typedef struct lay_line {
    float a0, a1, b, size;
    uint32_t head, tail;     /* chunks */
    uint32_t count, best;    /* glyphs; glyphs of the chunk that gave b and size */
    uint32_t next;           /* next line of its block */
    uint16_t cls;
} lay_line;

typedef struct lay_block {
    float a0, a1, top, bot, size, pitch;
    float last_a0, last_a1;
    uint32_t head, tail, nlines, count;
    uint16_t cls;
    uint8_t open;
} lay_block;

/* MARK: - Small numerics */

static double d_abs(double v) { return v < 0 ? -v : v; }
static double d_max(double a, double b) { return a > b ? a : b; }
static double d_min(double a, double b) { return a < b ? a : b; }
static bool d_sane(double v) { return v == v && v > -1e7 && v < 1e7; }


/* MARK: - Sorting */

/* LAY_SORT(name, T, less) defines void name(T *a, T *tmp, uint32_t n): a stable merge sort of
 * a[0..n) with less(const T *, const T *) inlined; tmp holds n elements. qsort (musl's
 * smoothsort in wasm) called the comparison through a pointer and moved the 16-40 byte
 * elements with generic copies: 5-13% of a page's wasm time. Stable, as glibc's qsort (a
 * merge sort) was natively, so the one order with ties (lines at the same baseline and
 * start) keeps the order the lines were made in, in wasm too, where musl's smoothsort is not
 * stable (pdfsamples__unreadablemetadata.pdf came out differently); the other orders are
 * total. Runs of 8 are sorted by insertion, then merged bottom-up; halves already in order
 * are copied, not merged (content streams mostly draw in reading order). */
#define LAY_SORT(name, T, less)                                                               \
    static void name(T *a, T *tmp, uint32_t n)                                                \
    {                                                                                         \
        T *src = a, *dst = tmp, *t;                                                           \
        uint32_t w, i;                                                                        \
        for (i = 0; i < n; i += 8) {                                                          \
            uint32_t e = n - i < 8 ? n : i + 8;                                               \
            for (uint32_t j = i + 1; j < e; j++) {                                            \
                T v = a[j];                                                                   \
                uint32_t k = j;                                                               \
                for (; k > i && less(&v, &a[k - 1]); k--) a[k] = a[k - 1];                    \
                a[k] = v;                                                                     \
            }                                                                                 \
        }                                                                                     \
        for (w = 8; w < n; w *= 2) {                                                          \
            for (i = 0; i < n; i += 2 * w) {                                                  \
                uint32_t m = n - i < w ? n : i + w, e = n - i < 2 * w ? n : i + 2 * w;        \
                uint32_t p = i, q = m, o = i;                                                 \
                if (m < e && less(&src[m], &src[m - 1])) {                                    \
                    while (p < m && q < e)                                                    \
                        dst[o++] = less(&src[q], &src[p]) ? src[q++] : src[p++];              \
                    while (p < m) dst[o++] = src[p++];                                        \
                    while (q < e) dst[o++] = src[q++];                                        \
                } else {                                                                      \
                    memcpy(dst + i, src + i, (size_t)(e - i) * sizeof *src);                  \
                }                                                                             \
            }                                                                                 \
            t = src;                                                                          \
            src = dst;                                                                        \
            dst = t;                                                                          \
        }                                                                                     \
        if (src != a) memcpy(a, src, (size_t)n * sizeof *a);                                  \
    }

/* MARK: - Adding glyphs */

static bool is_rtl(uint32_t c);
static bool is_ltr(uint32_t c);
static bool is_cjk(uint32_t c);

pdf_layout *pdf_layout_new(pith_doc *doc, double page_w, double page_h)
{
    pdf_layout *l = pith_scratch_alloc(doc, sizeof *l);
    if (!l) return NULL;
    memset(l, 0, sizeof *l);
    l->doc = doc;
    l->w = page_w;
    l->h = page_h;
    return l;
}

static bool is_space_cp(uint32_t c)
{
    if (c > 0x20 && c < 0xA0) return false;  /* most glyphs, in one test */
    return c == 0x20 || c == 0xA0 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x3000 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F;
}

static uint16_t class_find(pdf_layout *l, double ux, double uy, bool flip, int32_t kx, int32_t ky)
{
    uint32_t i;
    for (i = 0; i < l->ncls; i++)
        if (l->cls[i].kx == kx && l->cls[i].ky == ky && l->cls[i].flip == flip) {
            l->last_cls = i;
            return (uint16_t)i;
        }
    if (l->ncls == LAY_MAX_CLASSES) {
        /* Too many angles: the nearest axis (its class exists or replaces the last). */
        if (d_abs(ux) >= d_abs(uy)) { ux = ux < 0 ? -1 : 1; uy = 0; }
        else { uy = uy < 0 ? -1 : 1; ux = 0; }
        kx = (int32_t)ux * 64;
        ky = (int32_t)uy * 64;
        for (i = 0; i < l->ncls; i++)
            if (l->cls[i].kx == kx && l->cls[i].ky == ky && l->cls[i].flip == flip) {
                l->last_cls = i;
                return (uint16_t)i;
            }
        i = LAY_MAX_CLASSES - 1;
    } else {
        i = l->ncls++;
    }
    l->cls[i].ux = ux;
    l->cls[i].uy = uy;
    l->cls[i].flip = flip;
    l->cls[i].kx = kx;
    l->cls[i].ky = ky;
    l->cls[i].count = 0;
    l->last_cls = i;
    l->raw_ok = false;  /* a replaced class may have been the cached one */
    return (uint16_t)i;
}

/* The class of direction (ux, uy), made when new. Keys are unique, so the class found last
 * is the search's answer when its key matches again (text mostly keeps its direction). */
static inline uint16_t class_of(pdf_layout *l, double ux, double uy, bool flip)
{
    int32_t kx = (int32_t)(ux * 64 + (ux < 0 ? -0.5 : 0.5));
    int32_t ky = (int32_t)(uy * 64 + (uy < 0 ? -0.5 : 0.5));
    uint32_t i = l->last_cls;
    if (i < l->ncls && l->cls[i].kx == kx && l->cls[i].ky == ky && l->cls[i].flip == flip)
        return (uint16_t)i;
    return class_find(l, ux, uy, flip, kx, ky);
}

static bool grow(pdf_layout *l, void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    uint32_t nc;
    void *q;
    if (need <= *cap) return true;
    nc = *cap ? *cap : 256;
    while (nc < need) nc *= 2;
    q = pith_arena_grow(pith_scratch_arena(l->doc), *p, (size_t)*cap * elem, (size_t)nc * elem);
    if (!q) {
        pith_fail_alloc(l->doc, (size_t)nc * elem);
        return false;
    }
    *p = q;
    *cap = nc;
    return true;
}

pith_status pdf_layout_add(pdf_layout *l, const pdf_placed *pg)
{
    lay_glyph *g;
    if (!l || !pg) return PITH_OK;
    double ux = pg->ux, uy = pg->uy, len, nb, size = pg->size, adv = pg->adv;
    uint32_t k;
    if (!d_sane(pg->ox) || !d_sane(pg->oy) || !d_sane(ux) || !d_sane(uy) || !d_sane(size) ||
        !d_sane(adv))
        return PITH_OK;
    if (pg->nuni == 1 && is_space_cp(pg->uni[0])) {
        /* A space glyph ends a word unless the next glyph is drawn back over it (some
         * producers show a space and then move back: it is no gap, as poppler sees it). */
        double sl = pdf_sqrt(ux * ux + uy * uy);
        uint16_t c;
        if (sl < 1e-9) return PITH_OK;
        c = class_of(l, ux / sl, uy / sl, pg->flip);
        nb = -pg->ox * l->cls[c].uy + pg->oy * l->cls[c].ux;
        l->pending_space = true;
        l->space_cls = c;
        l->space_a = (float)(pg->ox * l->cls[c].ux + pg->oy * l->cls[c].uy + 0.3 * adv);
        l->space_b = (float)(l->cls[c].flip ? -nb : nb);
        return PITH_OK;
    }
    if (l->n >= LAY_MAX_GLYPHS) {
        if (!l->cut) {
            l->cut = true;
            return pith_warn(l->doc, PITH_E_LIMIT, 0,
                             "pdf layout: page draws more than %u glyphs, the rest is dropped",
                             (unsigned)LAY_MAX_GLYPHS);
        }
        return PITH_OK;
    }
    if (l->n == l->cap && !grow(l, (void **)&l->g, &l->cap, l->n + 1, sizeof *l->g))
        return pith_doc_status(l->doc);
    g = &l->g[l->n];
    memset(g, 0, sizeof *g);
    if (l->raw_ok && ux == l->raw_ux && uy == l->raw_uy && pg->flip == l->raw_flip) {
        g->cls = l->raw_cls;  /* as the previous glyph: the same class, no square root */
    } else {
        len = pdf_sqrt(ux * ux + uy * uy);
        if (len < 1e-9) { ux = 1; uy = 0; }
        else { ux /= len; uy /= len; }
        g->cls = class_of(l, ux, uy, pg->flip);
        l->raw_ux = pg->ux;
        l->raw_uy = pg->uy;
        l->raw_flip = pg->flip;
        l->raw_cls = g->cls;
        l->raw_ok = true;
    }
    ux = l->cls[g->cls].ux;
    uy = l->cls[g->cls].uy;
    l->cls[g->cls].count++;
    if (size < 0) size = -size;
    if (size < 0.5) size = 0.5;  /* degenerate sizes would make every glyph its own word */
    if (adv < 0) adv = 0;
    g->a0 = (float)(pg->ox * ux + pg->oy * uy);
    g->a1 = (float)(g->a0 + adv);
    nb = -pg->ox * uy + pg->oy * ux;
    g->b = (float)(l->cls[g->cls].flip ? -nb : nb);
    g->size = (float)size;
    g->x0 = (float)d_min(pg->x0, pg->x1);
    g->x1 = (float)d_max(pg->x0, pg->x1);
    g->y0 = (float)d_min(pg->y0, pg->y1);
    g->y1 = (float)d_max(pg->y0, pg->y1);
    g->font = pg->font;
    /* Outside the media box nothing is ever shown (proof stamps set above the page): such
     * glyphs are left out, as poppler does, unless the page has nothing else. */
    if (l->clipped && (g->x1 < l->clip[0] - CLIP_SLACK || g->y1 < l->clip[1] - CLIP_SLACK ||
                       g->x0 > l->clip[2] + CLIP_SLACK || g->y0 > l->clip[3] + CLIP_SLACK)) {
        g->flags |= G_OUT;
        l->outside++;
    }
    if (l->pending_space && g->cls == l->space_cls && d_abs(g->b - l->space_b) < 0.3 * size &&
        g->a0 < l->space_a)
        l->pending_space = false;  /* drawn back over the space */
    g->flags |= (uint8_t)((pg->space_before || l->pending_space) ? G_SPACE : 0);
    l->pending_space = false;
    k = pg->nuni > 8 ? 8 : pg->nuni;
    g->nuni = (uint8_t)k;
    for (uint32_t u = 0; u < k; u++)
        if (pg->uni[u] >= 0x0590 && is_rtl(pg->uni[u])) l->has_rtl = true;  /* none below */
    if (k && pg->uni[0] >= 0x2E80 && is_cjk(pg->uni[0])) l->has_cjk = true;
    if (k == 1) {
        g->cp = pg->uni[0];
    } else if (k > 1) {
        if (!grow(l, (void **)&l->extra, &l->capextra, l->nextra + k, sizeof *l->extra))
            return pith_doc_status(l->doc);
        g->cp = l->nextra;
        memcpy(l->extra + l->nextra, pg->uni, k * sizeof *l->extra);
        l->nextra += k;
    }
    l->n++;
    return PITH_OK;
}

/* MARK: - Media box */

void pdf_layout_clip(pdf_layout *l, double x0, double y0, double x1, double y1)
{
    if (!l || !d_sane(x0) || !d_sane(y0) || !d_sane(x1) || !d_sane(y1) || x1 <= x0 || y1 <= y0)
        return;
    l->clip[0] = x0;
    l->clip[1] = y0;
    l->clip[2] = x1;
    l->clip[3] = y1;
    l->clipped = true;
}

/* Glyphs outside the media box go, in stream order, unless all are outside (a box that misses
 * all of the page's text is more likely wrong than the text invisible). */
static void drop_outside(pdf_layout *l)
{
    uint32_t w = 0;
    if (!l->outside || l->outside == l->n) return;
    for (uint32_t i = 0; i < l->n; i++) {
        if (l->g[i].flags & G_OUT) {
            l->cls[l->g[i].cls].count--;
            continue;
        }
        l->g[w++] = l->g[i];
    }
    l->n = w;
    l->outside = 0;
}

/* MARK: - Stacked columns */

/* Vertical writing set with a horizontal font: each glyph placed by its own "0 -1 TD", one em
 * below the one before, columns 1.5-2 em apart (pdfminer__kampo.pdf, Japanese law text;
 * its punctuation uses a vertical font). Read as horizontal text, every row across the
 * columns would become a line. Runs of upright glyphs that the content stream stacks one em
 * apart, mostly CJK, with no such run beside them closer than STACK_COL_GAP em (which would be
 * horizontal text drawn column by column, a grid), are moved into the downward writing class,
 * where columns read top to bottom and right to left like any vertical text. The glyph's top
 * is the vertical origin of CJK fonts (0.88 em above the baseline, DW2's default). */
#define STACK_ALIGN 0.25    /* centres of a column's glyphs within this */
#define STACK_STEP_MIN 0.85 /* a glyph is this far below the previous one at least... */
#define STACK_STEP_MAX 1.2  /* ... and at most this (per glyph of another class between) */
#define STACK_MIN 3u        /* glyphs in a run */
#define STACK_COL_GAP 1.25  /* runs side by side closer than this are rows, not columns */
#define STACK_TOP 0.88

typedef struct lay_run {
    uint32_t first, last, count, cjk;
    float cx, top, bot, size;
    bool keep;
} lay_run;

static bool is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE10 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0x20000 && c <= 0x3FFFF) || (c >= 0xAC00 && c <= 0xD7AF);
}

static bool runs_side_by_side(const lay_run *a, const lay_run *b)
{
    double s = d_max(a->size, b->size), dx = d_abs(a->cx - b->cx);
    return dx > STACK_ALIGN * s && dx < STACK_COL_GAP * s && a->bot < b->top && b->bot < a->top;
}

static pith_status restack_columns(pdf_layout *l)
{
    uint32_t h = NONE, v = NONE, nr = 0, i, skipped = 0;
    lay_run *runs, *r = NULL;
    for (i = 0; i < l->ncls; i++) {
        if (l->cls[i].kx == 64 && l->cls[i].ky == 0 && !l->cls[i].flip) h = i;
        if (l->cls[i].kx == 0 && l->cls[i].ky == -64 && !l->cls[i].flip) v = i;
    }
    /* Only runs mostly CJK move: without a CJK glyph none does. */
    if (!l->has_cjk || h == NONE || l->cls[h].count < STACK_MIN) return PITH_OK;
    if (v == NONE && l->ncls == LAY_MAX_CLASSES) return PITH_OK;  /* no class to move to */
    runs = pith_scratch_alloc(l->doc, ((size_t)l->n / STACK_MIN + 2) * sizeof *runs);
    if (!runs) return pith_alloc_failed(l->doc, (size_t)l->n / STACK_MIN * sizeof *runs);
    for (i = 0; i < l->n; i++) {
        const lay_glyph *g = &l->g[i];
        double cx = 0.5 * (g->a0 + g->a1);
        uint32_t c = g->nuni == 1 ? g->cp : g->nuni ? l->extra[g->cp] : 0;
        if (g->cls != h) {
            skipped++;
            continue;
        }
        if (r) {
            const lay_glyph *p = &l->g[r->last];
            double s = d_max(g->size, p->size), step = p->b - g->b;
            if (d_abs(g->size - p->size) <= 0.1 * s && d_abs(cx - r->cx) <= STACK_ALIGN * s &&
                step >= STACK_STEP_MIN * s && step <= (1 + skipped) * STACK_STEP_MAX * s) {
                r->last = i;
                r->count++;
                r->cjk += is_cjk(c);
                r->bot = g->b;
                skipped = 0;
                continue;
            }
            if (r->count < STACK_MIN) nr--;  /* too short: its slot is reused */
        }
        if (nr > l->n / STACK_MIN) nr = l->n / STACK_MIN;  /* the array's capacity */
        r = &runs[nr++];
        r->first = r->last = i;
        r->count = 1;
        r->cjk = is_cjk(c);
        r->cx = (float)cx;
        r->top = g->b + g->size;
        r->bot = g->b;
        r->size = g->size;
        r->keep = false;
        skipped = 0;
    }
    if (r && r->count < STACK_MIN) nr--;
    for (i = 0; i < nr; i++)
        runs[i].keep = runs[i].cjk * 2 >= runs[i].count &&
                       !(i > 0 && runs_side_by_side(&runs[i], &runs[i - 1])) &&
                       !(i + 1 < nr && runs_side_by_side(&runs[i], &runs[i + 1]));
    for (i = 0; i < nr; i++) {
        if (!runs[i].keep) continue;
        if (v == NONE) v = class_of(l, 0, -1, false);
        for (uint32_t k = runs[i].first; k <= runs[i].last; k++) {
            lay_glyph *g = &l->g[k];
            double cx = 0.5 * (g->a0 + g->a1), top = g->b + STACK_TOP * g->size;
            if (g->cls != h) continue;
            g->cls = (uint16_t)v;
            g->a0 = (float)-top;
            g->a1 = (float)(-top + g->size);
            g->b = (float)cx;
            l->cls[h].count--;
            l->cls[v].count++;
        }
    }
    return pith_work(l->doc, l->n / 16 + 1);
}

/* MARK: - Chunks */

static bool same_text(const pdf_layout *l, const lay_glyph *a, const lay_glyph *b)
{
    if (a->nuni != b->nuni) return false;
    if (a->nuni <= 1) return a->cp == b->cp;
    return memcmp(l->extra + a->cp, l->extra + b->cp, a->nuni * sizeof *l->extra) == 0;
}

static bool is_dup(const pdf_layout *l, const lay_glyph *a, const lay_glyph *b)
{
    double s = d_max(a->size, b->size);
    return a->nuni > 0 && same_text(l, a, b) && d_abs(a->a0 - b->a0) <= DUP_ALONG * s &&
           d_abs(a->b - b->b) <= DUP_ACROSS * s && d_abs(a->size - b->size) <= 0.1 * s;
}

static uint32_t make_chunks(pdf_layout *l, lay_chunk *ch)
{
    uint32_t nc = 0, i, prev = NONE;
    lay_chunk *c = NULL;
    for (i = 0; i < l->n; i++) {
        lay_glyph *g = &l->g[i];
        if (c && prev != NONE) {
            const lay_glyph *p = &l->g[prev];
            double s = d_max(g->size, p->size), sm = d_min(g->size, p->size);
            double gap = g->a0 - p->a1;
            if (g->cls == p->cls && is_dup(l, g, p)) {
                g->flags |= G_DROP;
                c->end = i + 1;
                continue;
            }
            /* A smaller glyph drawn right after its base and raised or lowered (Word's
             * superscripts and subscripts: x², H₂O) stays in the chunk, so its line is the
             * base's, not whichever line is nearest across, as pdftotext joins "π2". */
            double shift = (s >= SCRIPT_SIZE * sm ? SCRIPT_BASE * s : CHUNK_BASE * sm);
            if (g->cls == p->cls && d_abs(g->b - p->b) <= shift && gap <= CHUNK_GAP * s &&
                g->a0 >= p->a0 - CHUNK_BACK * s && s <= 1.6 * sm) {
                c->end = i + 1;
                c->count++;
                if (g->a1 > c->a1) c->a1 = g->a1;
                if (g->a0 < c->a0) c->a0 = g->a0;
                if (g->size >= SCRIPT_SIZE * c->size) c->b = g->b;  /* the base, after its script */
                if (g->size > c->size) c->size = g->size;
                prev = i;
                continue;
            }
        }
        c = &ch[nc++];
        c->a0 = g->a0;
        c->a1 = g->a1 > g->a0 ? g->a1 : g->a0;
        c->b = g->b;
        c->size = g->size;
        c->first = i;
        c->end = i + 1;
        c->count = 1;
        c->next = NONE;
        c->cls = g->cls;
        prev = i;
    }
    return nc;
}

/* Chunks for bands: by class, baseline top first, then along (first: a total order). */
static inline bool chunk_less_band(const lay_chunk *a, const lay_chunk *b)
{
    if (a->cls != b->cls) return a->cls < b->cls;
    if (a->b != b->b) return a->b > b->b;
    if (a->a0 != b->a0) return a->a0 < b->a0;
    return a->first < b->first;
}

static inline bool chunk_less_along(const lay_chunk *a, const lay_chunk *b)
{
    if (a->a0 != b->a0) return a->a0 < b->a0;
    return a->first < b->first;
}

LAY_SORT(sort_chunks_band, lay_chunk, chunk_less_band)
LAY_SORT(sort_chunks_along, lay_chunk, chunk_less_along)

/* Drop the glyphs of chunk c that duplicate glyphs of line ln's chunks it overlaps (fake
 * bold drawn as a second pass, drop shadows). Returns the glyphs c keeps. */
static uint32_t dedupe_chunk(pdf_layout *l, lay_chunk *ch, lay_chunk *c, const lay_line *ln)
{
    uint32_t ci, i, j;
    for (ci = ln->head; ci != NONE; ci = ch[ci].next) {
        const lay_chunk *o = &ch[ci];
        if (o->a1 < c->a0 - c->size || o->a0 > c->a1 + c->size) continue;
        j = o->first;
        for (i = c->first; i < c->end; i++) {
            lay_glyph *g = &l->g[i];
            if (g->flags & G_DROP) continue;
            while (j < o->end && (l->g[j].a0 < g->a0 - DUP_ALONG * g->size ||
                                  (l->g[j].flags & G_DROP)))
                j++;
            for (uint32_t k = j; k < o->end && k < j + 4; k++) {
                if (!(l->g[k].flags & G_DROP) && is_dup(l, g, &l->g[k])) {
                    g->flags |= G_DROP;
                    c->count--;
                    break;
                }
            }
        }
    }
    return c->count;
}

/* MARK: - Lines */

static void line_add(lay_line *ln, lay_chunk *ch, uint32_t ci)
{
    lay_chunk *c = &ch[ci];
    if (ln->head == NONE) {
        ln->head = ln->tail = ci;
        ln->a0 = c->a0;
        ln->a1 = c->a1;
        ln->b = c->b;
        ln->size = c->size;
        ln->count = ln->best = c->count;
        return;
    }
    ch[ln->tail].next = ci;
    ln->tail = ci;
    if (c->a0 < ln->a0) ln->a0 = c->a0;
    if (c->a1 > ln->a1) ln->a1 = c->a1;
    ln->count += c->count;
    if (c->count > ln->best) {
        ln->best = c->count;
        ln->b = c->b;
        ln->size = c->size;
    }
}

/* A gap between chunks of a band that may separate columns. */
typedef struct lay_gap {
    float x0, x1, b, size;
    float left;              /* width of the text left of it, to the previous gap */
    bool mixed;              /* the font sizes either side of it differ by over a tenth */
    uint32_t band, chunk;    /* the chunk right of the gap */
    uint16_t cls;
} lay_gap;

/* Bands: ranges of the chunks (sorted for bands) whose baselines are close; each band's
 * chunks sorted along. Returns the band count; band k is [bands[k], bands[k+1]). */
static uint32_t make_bands(lay_chunk *ch, lay_chunk *tmp, uint32_t nc, uint32_t *bands)
{
    uint32_t nb = 0, i = 0;
    while (i < nc) {
        uint32_t j = i + 1;
        const lay_chunk *ref = &ch[i];
        while (j < nc && ch[j].cls == ref->cls) {
            double smax = d_max(ref->size, ch[j].size), smin = d_min(ref->size, ch[j].size);
            if (ref->b - ch[j].b > 0.4 * smax + 0.1 * smin) break;
            j++;
        }
        if (j - i > 1) sort_chunks_along(ch + i, tmp, j - i);
        bands[nb++] = i;
        i = j;
    }
    bands[nb] = nc;
    return nb;
}

/* Do gaps a and o of two bands look like one gutter: they overlap, and the text right (or
 * left) of them is aligned, as columns' edges are? */
static bool gutter_like(const lay_gap *a, const lay_gap *o)
{
    double s = d_max(a->size, o->size);
    if (d_min(a->x1, o->x1) - d_max(a->x0, o->x0) < 0.25 * s) return false;
    return d_abs(a->x1 - o->x1) <= 0.6 * s || d_abs(a->x0 - o->x0) <= 0.6 * s;
}

/* Is the gap left of chunk ch[i] (em) a word space the content stream wrote? The chunk goes
 * on right where the one before it along ended, after a space glyph or a TJ word gap: one run
 * of text, drawn word after word (OCR layers stretch their words to the scan, 1 em apart;
 * justified lines). Columns are drawn one after the other, not interleaved so; a gap wider
 * than COL_GAP_WIDE is a deliberate move, whatever the stream says. */
static bool word_space(const pdf_layout *l, const lay_chunk *ch, uint32_t i, double gap)
{
    return ch[i].first == ch[i - 1].end && (l->g[ch[i].first].flags & G_SPACE) &&
           gap < COL_GAP_WIDE;
}

/* Column gaps: a wide gap in a band is a column boundary when bands nearby have a gap at the
 * same place (a gutter runs down the page; the wide spaces of justified text fall anywhere,
 * even several em wide in a narrow column). Marks the chunk right of each boundary (brk). */
static void find_gutters(const pdf_layout *l, lay_chunk *ch, const uint32_t *bands, uint32_t nb,
                         lay_gap *gaps)
{
    uint32_t ng = 0, g, h;
    for (uint32_t k = 0; k < nb; k++) {
        double right = 0, seg = 0;
        for (uint32_t i = bands[k]; i < bands[k + 1]; i++) {
            lay_chunk *c = &ch[i];
            c->brk = 0;
            if (c->count == 0) continue;
            if (i > bands[k]) {
                double s = d_max(c->size, ch[i - 1].size), gap = c->a0 - right;
                if (gap >= COL_GAP_MIN * s && !word_space(l, ch, i, gap / s)) {
                    lay_gap *gp = &gaps[ng++];
                    gp->x0 = (float)right;
                    gp->x1 = c->a0;
                    gp->left = (float)(right - seg);
                    gp->mixed = d_abs(c->size - ch[i - 1].size) > 0.1 * s;
                    if (gap >= COL_GAP * s) seg = c->a0;
                    gp->b = c->b;
                    gp->size = (float)s;
                    gp->band = k;
                    gp->chunk = i;
                    gp->cls = c->cls;
                }
            }
            if (i == bands[k]) seg = c->a0;
            if (i == bands[k] || c->a1 > right) right = c->a1;
        }
    }
    for (g = 0; g < ng; g++) {
        const lay_gap *a = &gaps[g];
        double w = a->x1 - a->x0;
        uint32_t support = 0;
        if (a->left < COL_MIN_TEXT * a->size && w < COL_GAP_WIDE * a->size)
            continue;  /* a number or a bullet, not a column */
        /* gaps are in band order: look at the neighbours on both sides */
        for (h = g; h-- > 0 && support < 2;) {
            const lay_gap *o = &gaps[h];
            if (o->cls != a->cls || o->band + COL_WINDOW < a->band) break;
            if (o->band != a->band && gutter_like(a, o)) support++;
        }
        for (h = g + 1; h < ng && support < 2; h++) {
            const lay_gap *o = &gaps[h];
            if (o->cls != a->cls || o->band > a->band + COL_WINDOW) break;
            if (o->band != a->band && gutter_like(a, o)) support++;
        }
        if (support >= 2 || (support >= 1 && w >= COL_GAP * a->size)) ch[a->chunk].brk = 1;
    }
    /* A gap holding a gutter found nearby is that gutter too, however ragged its edges (the
     * short last line of a paragraph beside an indented first line). So is one with little
     * text left of it when it is wide (a last line as short as "2020.") or the font size
     * changes across it (a table's last cell beside the body text of the next column). */
    for (g = 0; g < ng; g++) {
        const lay_gap *a = &gaps[g];
        double tol = 0.3 * a->size;
        bool hit = false;
        if (ch[a->chunk].brk || (a->left < COL_MIN_TEXT * a->size && !a->mixed &&
                                  a->x1 - a->x0 < COL_GAP_WIDE * a->size))
            continue;
        for (h = g; h-- > 0 && !hit;) {
            const lay_gap *o = &gaps[h];
            if (o->cls != a->cls || o->band + 2 * COL_WINDOW < a->band) break;
            hit = ch[o->chunk].brk && o->band != a->band && a->x0 <= o->x0 + tol &&
                  a->x1 >= o->x1 - tol;
        }
        for (h = g + 1; h < ng && !hit; h++) {
            const lay_gap *o = &gaps[h];
            if (o->cls != a->cls || o->band > a->band + 2 * COL_WINDOW) break;
            hit = ch[o->chunk].brk && o->band != a->band && a->x0 <= o->x0 + tol &&
                  a->x1 >= o->x1 - tol;
        }
        if (hit) ch[a->chunk].brk = 2;
    }
}

/* Bands → lines: chunks in order along join the line of their column segment that they do
 * not overlap; a column gap starts a new segment. Returns the line count. */
static uint32_t make_lines(pdf_layout *l, lay_chunk *ch, const uint32_t *bands, uint32_t nbands,
                           lay_line *lines)
{
    uint32_t nl = 0;
    for (uint32_t bnd = 0; bnd < nbands; bnd++) {
        uint32_t band0 = nl, seg0 = nl;
        for (uint32_t k = bands[bnd]; k < bands[bnd + 1]; k++) {
            lay_chunk *c = &ch[k];
            uint32_t best = NONE, m, from;
            double bestd = 0;
            if (c->count == 0) continue;
            from = nl - band0 > LAY_SCAN ? nl - LAY_SCAN : band0;
            /* Duplicates of what an overlapping line already holds go first. */
            for (m = from; m < nl && c->count; m++)
                if (c->a0 < lines[m].a1 - 0.3 * c->size && c->a1 > lines[m].a0)
                    dedupe_chunk(l, ch, c, &lines[m]);
            if (c->count == 0) continue;
            if (c->brk) seg0 = nl;
            for (m = from > seg0 ? from : seg0; m < nl; m++) {
                const lay_line *ln = &lines[m];
                double s = d_max(ln->size, c->size), d;
                if (c->a0 < ln->a1 - 0.3 * s) continue;     /* overlaps: another line */
                d = d_abs(c->b - ln->b);
                if (best == NONE || d < bestd) {
                    best = m;
                    bestd = d;
                }
            }
            if (best == NONE) {
                best = nl++;
                lines[best].head = lines[best].tail = NONE;
                lines[best].next = NONE;
                lines[best].cls = c->cls;
            }
            c->next = NONE;
            line_add(&lines[best], ch, k);
        }
    }
    return nl;
}

/* Lines by class, baseline top first, then along; ties keep the order they were made in. */
static inline bool line_less(const lay_line *a, const lay_line *b)
{
    if (a->cls != b->cls) return a->cls < b->cls;
    if (a->b != b->b) return a->b > b->b;
    return a->a0 < b->a0;
}

LAY_SORT(sort_lines, lay_line, line_less)

/* MARK: - Blocks */

static bool block_takes(const lay_block *bk, const lay_line *ln)
{
    double s = d_max(bk->size, ln->size), pitch = bk->bot - ln->b;
    double w0 = bk->last_a1 - bk->last_a0, w1 = ln->a1 - ln->a0, ov;
    if (bk->cls != ln->cls) return false;
    if (d_abs(bk->size - ln->size) > BLOCK_SIZE * s) return false;
    if (pitch < 0.3 * s) return false;
    if (bk->nlines < 2 ? pitch > BLOCK_PITCH1 * s : pitch > BLOCK_PITCH * bk->pitch + 0.1 * s)
        return false;
    if (d_abs(ln->a0 - bk->last_a0) <= BLOCK_ALIGN * s) return true;
    if (d_abs(ln->a1 - bk->last_a1) <= BLOCK_ALIGN * s && ln->a0 < bk->last_a1) return true;
    if (d_abs((ln->a0 + ln->a1) - (bk->last_a0 + bk->last_a1)) <= 2 * BLOCK_ALIGN * s &&
        ln->a0 < bk->last_a1)
        return true;
    ov = d_min(ln->a1, bk->last_a1) - d_max(ln->a0, bk->last_a0);
    return ov >= BLOCK_OVERLAP * d_max(w0, w1);
}

static uint32_t make_blocks(lay_line *lines, uint32_t nl, lay_block *bks, uint32_t *open)
{
    uint32_t nb = 0, nopen = 0;
    for (uint32_t i = 0; i < nl; i++) {
        lay_line *ln = &lines[i];
        uint32_t best = NONE, k, w = 0;
        double bestp = 0;
        /* Close blocks far above this line (and of other classes): they take nothing more. */
        for (k = 0; k < nopen; k++) {
            lay_block *bk = &bks[open[k]];
            if (bk->cls != ln->cls || bk->bot - ln->b > 3 * d_max(bk->size, ln->size)) continue;
            open[w++] = open[k];
        }
        nopen = w;
        for (k = nopen > LAY_SCAN ? nopen - LAY_SCAN : 0; k < nopen; k++) {
            lay_block *bk = &bks[open[k]];
            double p = bk->bot - ln->b;
            if (!block_takes(bk, ln)) continue;
            if (best == NONE || p < bestp) {
                best = k;
                bestp = p;
            }
        }
        if (best != NONE) {
            lay_block *bk = &bks[open[best]];
            if (bk->nlines == 1) bk->pitch = (float)(bk->bot - ln->b);
            lines[bk->tail].next = i;
            bk->tail = i;
            bk->nlines++;
            bk->count += ln->count;
            bk->bot = ln->b;
            bk->last_a0 = ln->a0;
            bk->last_a1 = ln->a1;
            if (ln->a0 < bk->a0) bk->a0 = ln->a0;
            if (ln->a1 > bk->a1) bk->a1 = ln->a1;
            continue;
        }
        lay_block *bk = &bks[nb];
        memset(bk, 0, sizeof *bk);
        bk->a0 = bk->last_a0 = ln->a0;
        bk->a1 = bk->last_a1 = ln->a1;
        bk->top = bk->bot = ln->b;
        bk->size = ln->size;
        bk->head = bk->tail = i;
        bk->nlines = 1;
        bk->count = ln->count;
        bk->cls = ln->cls;
        open[nopen++] = nb++;
    }
    return nb;
}

/* MARK: - Reading order */

typedef struct lay_box {
    double x0, x1, y0, y1, ym;  /* frame: along, across (y1 top) */
    double base, size;          /* first baseline, font size */
    uint32_t nlines;
} lay_box;

static lay_box block_box(const lay_block *bk)
{
    lay_box r;
    r.x0 = bk->a0;
    r.x1 = bk->a1;
    r.y1 = bk->top + 0.75 * bk->size;
    r.y0 = bk->bot - 0.25 * bk->size;
    r.ym = 0.5 * (r.y0 + r.y1);
    r.base = bk->top;
    r.size = bk->size;
    r.nlines = bk->nlines;
    return r;
}

static bool x_overlap(const lay_box *a, const lay_box *b)
{
    return d_min(a->x1, b->x1) - d_max(a->x0, b->x0) > 0.5;
}

/* Short blocks on one baseline, side by side: the cells of a table row, an entry of a table
 * of contents and its page number, two authors' names. */
static bool row_mates(const lay_box *a, const lay_box *b)
{
    return a->nlines <= 2 && b->nlines <= 2 &&
           d_abs(a->base - b->base) <= 0.5 * d_max(a->size, b->size);
}

/* Orders blocks idx[0..n) (sorted top to bottom, then left to right) for reading; out
 * receives the order. Constraints (after Breuel): a comes before b when they overlap along the
 * line and a is above, or when a is left of b and not entirely below it. Among the blocks
 * whose predecessors are done, the next is the row-mate right of the last block, else the
 * nearest block below the last block (so a column is read to its end before the next one
 * starts, even across a gap; and a header's lines stacked right of a title follow it), else
 * the topmost. Falls back to the given order when n is large (the constraints are
 * quadratic). */
static pith_status order_blocks(pith_doc *doc, const lay_block *bks, const uint32_t *idx,
                                uint32_t n, uint32_t *out)
{
    lay_box *bx;
    uint8_t *before;  /* before[a*n+b]: a must come before b */
    uint32_t *indeg;
    uint8_t *done;
    uint32_t a, b, k, last = NONE;
    if (n <= 1 || n > LAY_ORDER_MAX) {
        memcpy(out, idx, n * sizeof *out);
        return PITH_OK;
    }
    {
        pith_status st = pith_work(doc, (uint64_t)n * n * 4);
        if (st != PITH_OK) return st;
    }
    bx = pith_scratch_alloc(doc, n * sizeof *bx);
    before = pith_scratch_alloc(doc, (size_t)n * n);
    indeg = pith_scratch_alloc(doc, n * sizeof *indeg);
    done = pith_scratch_alloc(doc, n);
    if (!bx || !before || !indeg || !done) return pith_alloc_failed(doc, (size_t)n * n);
    for (a = 0; a < n; a++) bx[a] = block_box(&bks[idx[a]]);
    memset(before, 0, (size_t)n * n);
    memset(indeg, 0, n * sizeof *indeg);
    memset(done, 0, n);
    for (a = 0; a < n; a++) {
        for (b = 0; b < n; b++) {
            const lay_box *A = &bx[a], *B = &bx[b];
            bool e = false;
            if (a == b) continue;
            if (x_overlap(A, B)) e = A->ym > B->ym || (A->ym == B->ym && a < b);
            else if (A->x1 <= B->x0 + 0.5) e = A->y1 >= B->y0;
            if (e) {
                before[(size_t)a * n + b] = 1;
                indeg[b]++;
            }
        }
    }
    for (k = 0; k < n; k++) {
        uint32_t pick = NONE, first = NONE;
        bool row = false;
        double best = 0;
        for (a = 0; a < n; a++) {
            if (done[a] || indeg[a]) continue;
            if (first == NONE) first = a;
            if (last != NONE && row_mates(&bx[last], &bx[a]) && bx[a].x0 >= bx[last].x1 - 0.5 &&
                (!row || bx[a].x0 < best)) {
                pick = a;
                best = bx[a].x0;
                row = true;
            }
        }
        if (pick == NONE && last != NONE) {
            for (a = 0; a < n; a++) {
                if (done[a] || indeg[a]) continue;
                if (x_overlap(&bx[last], &bx[a]) && bx[a].y1 <= bx[last].y0 + 0.5 * bx[a].size &&
                    (pick == NONE || bx[a].y1 > best)) {
                    pick = a;
                    best = bx[a].y1;
                }
            }
        }
        if (pick == NONE) pick = first;
        if (pick == NONE)  /* a cycle (odd layouts): the first block not done */
            for (a = 0; a < n && pick == NONE; a++)
                if (!done[a]) pick = a;
        done[pick] = 1;
        out[k] = idx[pick];
        for (b = 0; b < n; b++)
            if (before[(size_t)pick * n + b] && indeg[b]) indeg[b]--;
        last = pick;
    }
    return PITH_OK;
}

/* MARK: - Bidirectional lines */

static bool is_rtl(uint32_t c)
{
    return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x10800 && c <= 0x10FFF) ||
           (c >= 0x1E800 && c <= 0x1EFFF);
}

static bool is_ltr(uint32_t c)
{
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
    return c >= 0xC0 && !is_rtl(c) && c != 0xD7 && c != 0xF7 &&
           !(c >= 0x2000 && c <= 0x2BFF) && !(c >= 0x3000 && c <= 0x303F) &&
           !(c >= 0xFE30 && c <= 0xFE6F) && !(c >= 0xFF00 && c <= 0xFF20);
}

/* Strong direction of a token: 1 right-to-left, 2 left-to-right, 0 neutral. Tokens: glyph
 * index, or NONE for a space. */
static int tok_dir(const pdf_layout *l, uint32_t t)
{
    const lay_glyph *g;
    uint32_t c;
    if (t == NONE) return 0;
    g = &l->g[t];
    if (g->nuni == 0) return 0;
    c = g->nuni == 1 ? g->cp : l->extra[g->cp];
    return is_rtl(c) ? 1 : is_ltr(c) ? 2 : 0;
}

static void tok_reverse(uint32_t *t, uint32_t i, uint32_t j)
{
    while (i + 1 < j) {
        uint32_t x = t[i];
        t[i] = t[j - 1];
        t[j - 1] = x;
        i++;
        j--;
    }
}

/* Reverse the runs of direction `want` (ends strong, neutrals inside) in t[0..n). */
static void reverse_runs(const pdf_layout *l, uint32_t *t, uint32_t n, int want)
{
    uint32_t i = 0;
    while (i < n) {
        uint32_t j, last;
        if (tok_dir(l, t[i]) != want) {
            i++;
            continue;
        }
        last = i;
        for (j = i + 1; j < n; j++) {
            int d = tok_dir(l, t[j]);
            if (d == want) last = j;
            else if (d != 0) break;
        }
        tok_reverse(t, i, last + 1);
        i = last + 1;
    }
}

/* Visual (left to right) → logical order for lines with right-to-left letters; rtl: the
 * block's letters are mostly right-to-left (its paragraph direction). */
static void bidi_line(const pdf_layout *l, uint32_t *t, uint32_t n, bool rtl)
{
    uint32_t nr = 0, i;
    for (i = 0; i < n && !nr; i++) nr += tok_dir(l, t[i]) == 1;
    if (nr == 0) return;
    if (rtl) {
        tok_reverse(t, 0, n);
        reverse_runs(l, t, n, 2);
    } else {
        reverse_runs(l, t, n, 1);
    }
}

/* MARK: - Emitting */

typedef struct lay_emit {
    pdf_layout *l;
    lay_chunk *ch;
    lay_line *lines;
    uint32_t *tok;    /* a line's tokens */
    uint8_t *buf;     /* a line's UTF-8 */
    size_t cap;
} lay_emit;

/* Words tracked one by one (an OCR layer stretches each word to the scan with a Tc of its own):
 * the run of glyphs from (ci, i) to the next space glyph is one word set letter-spaced when it
 * has three glyphs or more, all letters or digits but the last (a word's full stop or comma),
 * and its gaps are all wide, all the same width and at most `cap` em; then no gap inside it is
 * a space (the ratio returned is above them all). Otherwise the line's ratio. Single letters
 * set apart by position differ in their gaps or come with space glyphs between them; math
 * (n + 1, S = 0) and leader dots have symbols inside the run. In a line without space glyphs
 * the run is the whole line, and cap (TRACK_ALONE) keeps letters set well apart (TeX lines
 * have no space glyphs but their word gaps are wider) as letters. */
static double run_ratio(const lay_emit *e, uint32_t ci, uint32_t i, double ratio, double cap)
{
    const pdf_layout *l = e->l;
    uint32_t prev = NONE, gaps = 0;
    double lo = 0, hi = 0;
    bool letter = true;
    for (; ci != NONE; ci = e->ch[ci].next, i = ci != NONE ? e->ch[ci].first : 0) {
        const lay_chunk *c = &e->ch[ci];
        for (; i < c->end; i++) {
            const lay_glyph *g = &l->g[i];
            if (g->flags & G_DROP) continue;
            if (prev != NONE && (g->flags & G_SPACE)) goto done;
            if (prev != NONE && !letter) return ratio; /* only the last may be punctuation */
            letter = g->nuni > 1 || is_ltr(g->cp);
            if (prev != NONE) {
                const lay_glyph *p = &l->g[prev];
                double gap = (g->a0 - p->a1) / d_max(g->size, p->size);
                if (!(gap > WORD_GAP)) return ratio;
                if (!gaps++ || gap < lo) lo = gap;
                if (gap > hi) hi = gap;
            }
            prev = i;
        }
    }
done:
    if (gaps < 2 || hi > lo * TRACK_SAME || hi > cap) return ratio;
    return d_max(ratio, hi * WIDE_SPACING);
}

/* A line's tokens in logical order: glyph indexes, NONE for a space. */
static uint32_t line_tokens(lay_emit *e, const lay_line *ln, bool rtl)
{
    pdf_layout *l = e->l;
    uint32_t n = 0, prev = NONE, gaps = 0, wide = 0, spaces = 0;
    double minwide = 0, ratio = WORD_GAP;
    /* Letter-spaced lines (OCR layers whose glyph widths are too narrow): when most gaps
     * between letters are "wide" and the line has space glyphs of its own, a gap is a space
     * only when clearly wider than the smallest of them (after poppler's rule for lines of
     * single-letter words). Without space glyphs, spaced-out letters stay apart. */
    for (uint32_t ci = ln->head; ci != NONE; ci = e->ch[ci].next) {
        const lay_chunk *c = &e->ch[ci];
        for (uint32_t i = c->first; i < c->end; i++) {
            const lay_glyph *g = &l->g[i];
            if (g->flags & G_DROP) continue;
            if (prev != NONE && (g->flags & G_SPACE)) spaces++;
            if (prev != NONE && !(g->flags & G_SPACE)) {
                const lay_glyph *p = &l->g[prev];
                double s = d_max(g->size, p->size), d = g->a0 - p->a1, gap;
                gaps++;
                /* s >= 0.5: no gap that is not positive can be wide (and needs no division);
                 * nor can one below 0.9 of WORD_GAP × s, most of them (a margin far wider
                 * than rounding, so the exact test below decides as before) */
                if (d > 0.9 * WORD_GAP * s && (gap = d / s) > WORD_GAP) {
                    if (!wide++ || gap < minwide) minwide = gap;
                }
            }
            prev = i;
        }
    }
    if (spaces && gaps >= 4 && wide * 10 >= gaps * 6) ratio = d_max(WORD_GAP, WIDE_SPACING * minwide);
    prev = NONE;
    bool tracked = wide >= 2;
    double cap = spaces ? 1e30 : TRACK_ALONE; /* words set apart by space glyphs: any width */
    double r = ratio;
    for (uint32_t ci = ln->head; ci != NONE; ci = e->ch[ci].next) {
        const lay_chunk *c = &e->ch[ci];
        for (uint32_t i = c->first; i < c->end; i++) {
            const lay_glyph *g = &l->g[i];
            if (g->flags & G_DROP) continue;
            if (tracked && (prev == NONE || (g->flags & G_SPACE)))
                r = run_ratio(e, ci, i, ratio, cap);
            if (prev != NONE) {
                const lay_glyph *p = &l->g[prev];
                double s = d_max(g->size, p->size);
                if ((g->flags & G_SPACE) || g->a0 - p->a1 > r * s) e->tok[n++] = NONE;
            }
            e->tok[n++] = i;
            prev = i;
        }
    }
    if (l->has_rtl) bidi_line(l, e->tok, n, rtl);  /* else no token is right-to-left */
    return n;
}

/* The line's UTF-8 in e->buf; returns its length. */
static size_t line_text(lay_emit *e, const lay_line *ln, bool rtl)
{
    pdf_layout *l = e->l;
    uint32_t n = line_tokens(e, ln, rtl);
    size_t len = 0;
    bool space = false;
    int last = 0;  /* direction of the last letter written (right-to-left 1, left-to-right 2) */
    for (uint32_t k = 0; k < n; k++) {
        const lay_glyph *g;
        if (e->tok[k] == NONE) {
            space = len > 0;
            continue;
        }
        g = &l->g[e->tok[k]];
        for (uint32_t u = 0; u < g->nuni; u++) {
            uint32_t c = g->nuni == 1 ? g->cp : l->extra[g->cp + u];
            if (c > 0x20 && c < 0x7F) {
                /* printable ASCII, most of the text: the general path below, shortened */
                int d = (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? 2 : 0;
                if (len + 9 > e->cap) return len;
                if (d && last && d != last) space = true;
                if (d) last = d;
                if (space) e->buf[len++] = ' ';
                space = false;
                e->buf[len++] = (uint8_t)c;
                l->chars++;
                continue;
            }
            if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0xFEFF) continue;
            if (is_space_cp(c)) {
                space = len > 0;
                continue;
            }
            if (len + 9 > e->cap) return len;
            {
                /* a Latin word set right against an Arabic or Hebrew one is still two words */
                int d = is_rtl(c) ? 1 : (c >= 0x41 && is_ltr(c)) ? 2 : 0;
                if (d && last && d != last) space = true;
                if (d) last = d;
            }
            if (space) e->buf[len++] = ' ';
            space = false;
            len += pith_utf8_encode(c, e->buf + len);
            l->chars++;
        }
    }
    return len;
}

static pith_status emit_block(lay_emit *e, const lay_block *bk, uint32_t level, uint32_t page)
{
    pdf_layout *l = e->l;
    pith_doc *doc = l->doc;
    pith_status st;
    bool any = false, rtl;
    uint32_t li, nr = 0, nl = 0;
    /* The block's direction by its letters; without right-to-left ones on the page it is
     * left-to-right, and the count is skipped. */
    for (li = l->has_rtl ? bk->head : NONE; li != NONE; li = e->lines[li].next)
        for (uint32_t ci = e->lines[li].head; ci != NONE; ci = e->ch[ci].next)
            for (uint32_t i = e->ch[ci].first; i < e->ch[ci].end; i++) {
                int d = (l->g[i].flags & G_DROP) ? 0 : tok_dir(l, i);
                nr += d == 1;
                nl += d == 2;
            }
    rtl = nr > 0 && nr >= nl;
    if (pith_doc_options(doc)->flags & PITH_OPT_POSITIONS) {
        pith_ev_position pos;
        float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        bool first = true;
        for (li = bk->head; li != NONE; li = e->lines[li].next)
            for (uint32_t ci = e->lines[li].head; ci != NONE; ci = e->ch[ci].next)
                for (uint32_t i = e->ch[ci].first; i < e->ch[ci].end; i++) {
                    const lay_glyph *g = &l->g[i];
                    if (g->flags & G_DROP) continue;
                    if (first || g->x0 < x0) x0 = g->x0;
                    if (first || g->y0 < y0) y0 = g->y0;
                    if (first || g->x1 > x1) x1 = g->x1;
                    if (first || g->y1 > y1) y1 = g->y1;
                    first = false;
                }
        pos.page = page + 1;
        pos.x0 = x0;
        pos.y0 = y0;
        pos.x1 = x1;
        pos.y1 = y1;
        if ((st = pith_emit_leaf(doc, PITH_EV_POSITION, &pos)) != PITH_OK) return st;
    }
    for (li = bk->head; li != NONE; li = e->lines[li].next) {
        size_t n = line_text(e, &e->lines[li], rtl);
        if (!n) continue;
        if (!any) {
            pith_ev_heading h;
            h.level = level;
            st = level ? pith_emit_begin(doc, PITH_EV_HEADING, &h)
                       : pith_emit_begin(doc, PITH_EV_PARAGRAPH, NULL);
            if (st != PITH_OK) return st;
            any = true;
        } else if ((st = pith_emit_leaf(doc, PITH_EV_BREAK, NULL)) != PITH_OK) {
            return st;
        }
        if ((st = pith_emit_text(doc, (const char *)e->buf, n, 0)) != PITH_OK) return st;
    }
    if (!any) return PITH_OK;
    return pith_emit_end(doc, level ? PITH_EV_HEADING : PITH_EV_PARAGRAPH);
}

/* The page's body font size: the size most glyphs have (half-point buckets). */
static double body_size(const pdf_layout *l, uint32_t *hist, uint32_t nh)
{
    uint32_t best = 0, i;
    memset(hist, 0, nh * sizeof *hist);
    for (i = 0; i < l->n; i++) {
        uint32_t k = (uint32_t)(l->g[i].size * 2 + 0.5);
        if (!(l->g[i].flags & G_DROP) && l->g[i].nuni) hist[k < nh ? k : nh - 1]++;
    }
    for (i = 1; i < nh; i++)
        if (hist[i] > hist[best]) best = i;
    return best * 0.5;
}

static bool block_has_letters(const pdf_layout *l, const lay_emit *e, const lay_block *bk)
{
    uint32_t letters = 0;
    for (uint32_t li = bk->head; li != NONE; li = e->lines[li].next)
        for (uint32_t ci = e->lines[li].head; ci != NONE; ci = e->ch[ci].next)
            for (uint32_t i = e->ch[ci].first; i < e->ch[ci].end; i++) {
                const lay_glyph *g = &l->g[i];
                uint32_t c = g->nuni == 1 ? g->cp : g->nuni ? l->extra[g->cp] : 0;
                if (!(g->flags & G_DROP) && (is_ltr(c) || is_rtl(c)) && ++letters >= 2) return true;
            }
    return false;
}

typedef struct lay_key {
    uint32_t cls_rank;
    float top, a0;
    uint32_t idx;
} lay_key;

static inline bool key_less(const lay_key *a, const lay_key *b)
{
    if (a->cls_rank != b->cls_rank) return a->cls_rank < b->cls_rank;
    if (a->top != b->top) return a->top > b->top;
    if (a->a0 != b->a0) return a->a0 < b->a0;
    return a->idx < b->idx;
}

LAY_SORT(sort_keys, lay_key, key_less)

uint32_t pdf_layout_chars(const pdf_layout *l) { return l ? l->chars : 0; }

pith_status pdf_layout_emit(pdf_layout *l, uint32_t page_index)
{
    pith_doc *doc;
    lay_chunk *ch;
    lay_line *lines;
    lay_block *bks;
    lay_key *keys;
    uint32_t *open, *order, *idx, nc, nl, nb, i, maxline = 0;
    void *sort_tmp;
    uint32_t rank[LAY_MAX_CLASSES], hist[200];
    double body, hsizes[6];
    uint32_t nhs = 0;
    lay_emit e;
    pith_status st;
    if (!l || l->n == 0) return PITH_OK;
    doc = l->doc;
    if ((st = pith_work(doc, (uint64_t)l->n * 8)) != PITH_OK) return st;
    drop_outside(l);
    if ((st = restack_columns(l)) != PITH_OK) return st;
    ch = pith_scratch_alloc(doc, (size_t)l->n * sizeof *ch);
    lines = pith_scratch_alloc(doc, (size_t)l->n * sizeof *lines);
    /* The sorts' second half: there are at most as many chunks, lines or blocks as glyphs. */
    _Static_assert(sizeof(lay_line) >= sizeof(lay_chunk) && sizeof(lay_line) >= sizeof(lay_key),
                   "sort_tmp holds n of each");
    sort_tmp = pith_scratch_alloc(doc, (size_t)l->n * sizeof *lines);
    if (!ch || !lines || !sort_tmp) return pith_alloc_failed(doc, (size_t)l->n * sizeof *ch);
    nc = make_chunks(l, ch);
    sort_chunks_band(ch, sort_tmp, nc);
    {
        uint32_t *bands = pith_scratch_alloc(doc, ((size_t)nc + 1) * sizeof *bands);
        lay_gap *gaps = pith_scratch_alloc(doc, ((size_t)nc + 1) * sizeof *gaps);
        uint32_t nbands;
        if (!bands || !gaps) return pith_alloc_failed(doc, (size_t)nc * sizeof *gaps);
        nbands = make_bands(ch, sort_tmp, nc, bands);
        find_gutters(l, ch, bands, nbands, gaps);
        nl = make_lines(l, ch, bands, nbands, lines);
    }
    sort_lines(lines, sort_tmp, nl);
    bks = pith_scratch_alloc(doc, (size_t)nl * sizeof *bks);
    open = pith_scratch_alloc(doc, (size_t)nl * sizeof *open);
    keys = pith_scratch_alloc(doc, (size_t)nl * sizeof *keys);
    order = pith_scratch_alloc(doc, (size_t)nl * sizeof *order);
    idx = pith_scratch_alloc(doc, (size_t)nl * sizeof *idx);
    if (!bks || !open || !keys || !order || !idx)
        return pith_alloc_failed(doc, (size_t)nl * sizeof *bks);
    for (i = 0; i < nl; i++)
        if (lines[i].count > maxline) maxline = lines[i].count;
    nb = make_blocks(lines, nl, bks, open);

    /* Classes with more glyphs first: the page's main text, then rotated or vertical text. */
    for (i = 0; i < l->ncls; i++) {
        uint32_t r = 0;
        for (uint32_t j = 0; j < l->ncls; j++)
            if (l->cls[j].count > l->cls[i].count || (l->cls[j].count == l->cls[i].count && j < i))
                r++;
        rank[i] = r;
    }
    for (i = 0; i < nb; i++) {
        keys[i].cls_rank = rank[bks[i].cls];
        keys[i].top = bks[i].top;
        keys[i].a0 = bks[i].a0;
        keys[i].idx = i;
    }
    sort_keys(keys, sort_tmp, nb);
    for (i = 0; i < nb;) {
        uint32_t j = i;
        while (j < nb && keys[j].cls_rank == keys[i].cls_rank) {
            idx[j] = keys[j].idx;
            j++;
        }
        if ((st = order_blocks(doc, bks, idx + i, j - i, order + i)) != PITH_OK) return st;
        i = j;
    }

    /* Headings: blocks of a few lines clearly larger than the body text; level by size rank. */
    body = body_size(l, hist, sizeof hist / sizeof *hist);
    e.l = l;
    e.ch = ch;
    e.lines = lines;
    e.tok = pith_scratch_alloc(doc, ((size_t)maxline * 2 + 2) * sizeof *e.tok);
    e.cap = ((size_t)maxline * 2 + 2) * 4 * 8 + 16;
    e.buf = pith_scratch_alloc(doc, e.cap);
    if (!e.tok || !e.buf) return pith_alloc_failed(doc, e.cap);
    for (i = 0; i < nb; i++) {
        lay_block *bk = &bks[i];
        bk->open = 0;
        if (body > 0 && bk->size >= HEADING_RATIO * body && bk->nlines <= 3 && bk->count <= 200 &&
            block_has_letters(l, &e, bk)) {
            double s = (double)(uint32_t)(bk->size * 2 + 0.5) * 0.5;
            uint32_t k;
            bk->open = 1;
            for (k = 0; k < nhs && hsizes[k] != s; k++) {}
            if (k == nhs && nhs < 6) hsizes[nhs++] = s;
        }
    }
    for (i = 0; i < nb; i++) {
        const lay_block *bk = &bks[order[i]];
        uint32_t level = 0;
        if (bk->open) {
            double s = (double)(uint32_t)(bk->size * 2 + 0.5) * 0.5;
            level = 1;
            for (uint32_t k = 0; k < nhs; k++)
                if (hsizes[k] > s) level++;
            if (level > 6) level = 6;
        }
        if ((st = emit_block(&e, bk, level, page_index)) != PITH_OK) return st;
    }
    return PITH_OK;
}
