/* pdf_content.c: the content stream interpreter (ISO 32000-1 §8, §9.3-9.4, §14.6).
 *
 * Runs a page's content streams far enough to place its text: the graphics state stack (q, Q,
 * cm), the text state (Tc Tw Tz TL Tf Tr Ts, also set through an ExtGState's /Font), text
 * positioning and showing (Td TD Tm T* Tj TJ ' "; a TJ array of numbers and strings is read
 * flat by pdf_lex_tj, with no array object built), Form XObjects (Do, with their /Matrix and
 * their own /Resources, falling back to the caller's), inline images (skipped), and marked
 * content whose /ActualText replaces the glyphs inside it. Everything else (paths, colours,
 * shadings) is ignored. Each glyph goes to the layout in the page's upright space: the crop
 * box's lower left corner is the origin, /Rotate is applied, y is up.
 *
 * Glyph geometry (§9.4.4): Trm = [Tfs·Th 0 0 Tfs 0 Trise] × Tm × CTM; the glyph's origin is
 * Trm's translation, its size the length of Trm's y axis, its advance tx = ((w0 - Tj/1000)·Tfs
 * + Tc + Tw)·Th along the text x axis (vertical fonts: ty = (w1 - Tj/1000)·Tfs + Tc + Tw along
 * -y). The layout gets the glyph's own width (w0·Tfs·Th), so character and word spacing show
 * as gaps. A TJ adjustment wider than TJ_SPACE em marks a word break.
 *
 * Hostile input: Form XObjects run on an explicit frame stack (no recursion), PDF_MAX_NEST
 * deep; a form already running is not entered again (self- and mutually recursive forms), and
 * each form runs at most FORM_RUNS times per page, all forms FORM_TOTAL times, so fan-out stays
 * small; every operator draws work and a page stops after PAGE_MAX_OPS operators. Operands
 * are parsed in a private arena rolled back after each operator, so a long stream needs no
 * more memory than its largest operator. A damaged stream keeps what was read (a warning) and
 * the next stream goes on.
 */
#include "pdf.h"

#include <stddef.h>
#include <string.h>

#include "utf.h"

#define Q_MAX 128u          /* graphics states saved at once (deeper q's are only counted) */
#define MAX_OPERANDS 64u    /* operands kept for one operator (more are dropped) */
#define FORM_RUNS 64u       /* times one form may run on a page */
#define FORM_TOTAL 4096u    /* form runs per page */
#define FORM_CACHE 64u      /* decoded forms kept per page */
#define FONT_IDS 256u       /* fonts given a per-page id */
#define PAGE_MAX_OPS ((uint64_t)1 << 25)
#define PARSE_ERRORS 1000u  /* garbage tokens before a stream is given up */
#define TJ_SPACE 0.2        /* a TJ gap (em) wider than this is a word break */
#define PAGE_MAX_ANNOTS 4096u /* annotations looked at per page */
#define JOIN_MAX ((size_t)64 << 20) /* bytes of /Contents streams joined for one parse */
#define TJ_ITEMS 512u       /* items of a TJ array read flat (a longer one: pdf_parse) */
#define TJ_BYTES 4096u      /* bytes of its decoded hex and escaped strings */

typedef struct gstate {
    double ctm[6];
    double tc, tw, th, tl, ts, tfs;
    int tr;
    const pdf_font *font;
    uint32_t font_slot;     /* index into the interpreter's font table, or NONE */
} gstate;

typedef struct font_slot {
    const pdf_font *f;
    bool vertical, type3;
    double asc, desc;
    double wsum;            /* Type3: glyph widths seen, for a size estimate */
    uint32_t wn;
} font_slot;

typedef struct frame {
    pdf_lex lx;
    const pdf_obj *res;     /* resources of this stream */
    uint32_t qbase;         /* graphics state depth when it started */
    const pdf_obj *form;    /* the form XObject running here (NULL for page streams) */
} frame;

typedef struct form_cache {
    const pdf_obj *form;
    const uint8_t *data;
    size_t len;
    uint32_t runs;
} form_cache;

typedef struct interp {
    pdf_ctx *ctx;
    pith_doc *doc;
    pdf_layout *layout;
    pith_arena ops;         /* operands of the operator being read */
    gstate gs;
    gstate stack[Q_MAX];
    uint32_t qdepth;        /* q's open (may exceed Q_MAX: the excess is only counted) */
    double tm[6], tlm[6];
    pdf_obj opnd[MAX_OPERANDS];
    uint32_t nopnd;
    pdf_tj tj;              /* a TJ array read flat (pdf_lex_tj), in tj_items and tj_bytes */
    frame frames[PDF_MAX_NEST];
    uint32_t nframes;
    form_cache forms[FORM_CACHE];
    uint32_t nforms, form_runs;
    font_slot fonts[FONT_IDS];
    uint32_t nfonts;
    /* Marked content: depth of BMC/BDC, and the /ActualText span being replaced. */
    uint32_t mc_depth;
    uint32_t at_depth;      /* mc_depth at which the ActualText span opened, 0 = none */
    pith_str at_text;
    bool at_placed;         /* a glyph of the span was shown: where the text goes is known */
    pdf_placed at_first;    /* that first glyph */
    double at_end_a;        /* advance covered by the span's glyphs so far */
    bool pending_space;     /* a TJ gap: the next glyph starts a word */
    uint32_t seq;
    uint64_t nops;
    bool has_images;
    double page_ctm[6];     /* user space → upright page space, for annotations */
    double len_m[4];        /* the axes of Tm × CTM last measured by show_frame_make, and */
    double len_u, len_v;    /* their lengths */
    bool warned_ops, warned_forms, warned_cycle, warned_q;
    /* last, left out of the clearing of a new interp */
    pdf_tj_item tj_items[TJ_ITEMS];
    uint8_t tj_bytes[TJ_BYTES];
} interp;

#define NONE UINT32_MAX

/* MARK: - Matrices */

/* r = a × b (row-vector convention of PDF: [a b c d e f]) */
static void mat_mul(double r[6], const double a[6], const double b[6])
{
    double t[6];
    t[0] = a[0] * b[0] + a[1] * b[2];
    t[1] = a[0] * b[1] + a[1] * b[3];
    t[2] = a[2] * b[0] + a[3] * b[2];
    t[3] = a[2] * b[1] + a[3] * b[3];
    t[4] = a[4] * b[0] + a[5] * b[2] + b[4];
    t[5] = a[4] * b[1] + a[5] * b[3] + b[5];
    memcpy(r, t, sizeof t);
}

static void mat_set(double m[6], double a, double b, double c, double d, double e, double f)
{
    m[0] = a;
    m[1] = b;
    m[2] = c;
    m[3] = d;
    m[4] = e;
    m[5] = f;
}

static double d_abs(double v) { return v < 0 ? -v : v; }

static double d_len(double x, double y)
{
    double v = x * x + y * y;
    return v > 1e30 ? 0 : pdf_sqrt(v);
}

/* The page's user space → its upright space: crop box corner at the origin, /Rotate (degrees
 * clockwise for display) applied. */
static void page_matrix(const pdf_page *pg, double m[6], double *w, double *h)
{
    double x0 = pg->box[0], y0 = pg->box[1];
    double W = pg->box[2] - pg->box[0], H = pg->box[3] - pg->box[1];
    switch (pg->rotate) {
    case 90:
        mat_set(m, 0, -1, 1, 0, -y0, W + x0);
        *w = H;
        *h = W;
        break;
    case 180:
        mat_set(m, -1, 0, 0, -1, W + x0, H + y0);
        *w = W;
        *h = H;
        break;
    case 270:
        mat_set(m, 0, 1, -1, 0, H + y0, -x0);
        *w = H;
        *h = W;
        break;
    default:
        mat_set(m, 1, 0, 0, 1, -x0, -y0);
        *w = W;
        *h = H;
        break;
    }
}

/* MARK: - Operands */

static double num_at(const interp *in, uint32_t i) { return pdf_num(&in->opnd[i], 0); }

/* Operand i as a NUL-terminated name in buf (cap bytes); false when it is not a name. */
static bool name_at(const interp *in, uint32_t i, char *buf, size_t cap)
{
    uint32_t n;
    const uint8_t *s = pdf_name(&in->opnd[i], &n);
    if (!s || n + 1 > cap) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

/* The resource `name` of category `cat` ("Font", "XObject", ...) of the running stream, the
 * page's resources when the stream's own lack it (old files rely on that). raw: unresolved. */
static const pdf_obj *resource(interp *in, const char *cat, const char *name, bool raw)
{
    for (uint32_t k = in->nframes; k-- > 0;) {
        const pdf_obj *d = pdf_dict_get(in->ctx, in->frames[k].res, cat);
        if (!pdf_is_dict(d)) continue;
        const pdf_obj *v = raw ? pdf_dict_get_raw(pdf_dict_of(d), name)
                               : pdf_dict_get(in->ctx, d, name);
        if (v->kind != PDF_NULL) return v;
    }
    return &pdf_null;
}

/* MARK: - Fonts */

static pith_status set_font(interp *in, const pdf_obj *ref, double size)
{
    pdf_font *f;
    uint32_t k;
    in->gs.tfs = size;
    if (ref->kind == PDF_NULL) {
        in->gs.font = NULL;
        in->gs.font_slot = NONE;
        return PITH_OK;
    }
    f = pdf_font_get(in->ctx, ref);
    if (!f) {
        pith_status st = pith_doc_status(in->doc);
        in->gs.font = NULL;
        in->gs.font_slot = NONE;
        return st;
    }
    in->gs.font = f;
    for (k = 0; k < in->nfonts; k++)
        if (in->fonts[k].f == f) break;
    if (k == in->nfonts) {
        if (k == FONT_IDS) k = FONT_IDS - 1;  /* beyond: the last slot is reused */
        else in->nfonts++;
        font_slot *s = &in->fonts[k];
        double m[6];
        memset(s, 0, sizeof *s);
        s->f = f;
        s->vertical = pdf_font_vertical(f);
        pdf_font_matrix(f, m);
        s->type3 = d_abs(m[0] - 0.001) > 1e-9 || d_abs(m[3] - 0.001) > 1e-9 || m[1] != 0 ||
                   m[2] != 0;
        pdf_font_extent(f, &s->asc, &s->desc);
        if (!(s->asc > 0.2 && s->asc < 2)) s->asc = 0.75;
        if (!(s->desc < 0 && s->desc > -1)) s->desc = -0.25;
    }
    in->gs.font_slot = k;
    return PITH_OK;
}

/* MARK: - Showing text */

static pith_status add_glyph(interp *in, pdf_placed *p)
{
    p->seq = in->seq++;
    if (in->at_depth) {
        /* inside an /ActualText span: remember where it starts and how far it goes */
        if (!in->at_placed) {
            in->at_first = *p;
            in->at_placed = true;
            in->at_end_a = p->adv;
        } else {
            double dx = p->ox - in->at_first.ox, dy = p->oy - in->at_first.oy;
            double a = dx * in->at_first.ux + dy * in->at_first.uy + p->adv;
            if (a > in->at_end_a) in->at_end_a = a;
        }
        return PITH_OK;
    }
    return pdf_layout_add(in->layout, p);
}

/* Place the span's /ActualText where its first glyph was, spread over the span's width. */
static pith_status flush_actual_text(interp *in)
{
    pith_str t = in->at_text;
    uint32_t cps[256], n = 0;
    size_t i = 0;
    pith_status st;
    in->at_depth = 0;
    if (!in->at_placed) return PITH_OK;  /* nothing was drawn: nothing to replace */
    in->at_placed = false;
    while (i < t.n && n < 256) {
        uint32_t c;
        size_t k = pith_utf8_decode((const uint8_t *)t.p + i, t.n - i, &c);
        i += k ? k : 1;
        if (k && c != PITH_UTF8_BAD) cps[n++] = c;
    }
    pdf_placed p = in->at_first;
    double step = n ? in->at_end_a / n : 0;
    for (uint32_t k = 0; k < n; k++) {
        p.uni[0] = cps[k];
        p.nuni = 1;
        p.adv = step;
        p.ox = in->at_first.ox + in->at_first.ux * step * k;
        p.oy = in->at_first.oy + in->at_first.uy * step * k;
        p.x0 = p.ox;
        p.x1 = p.ox + in->at_first.ux * step;
        if (k > 0) p.space_before = false;
        p.seq = in->seq++;
        if ((st = pdf_layout_add(in->layout, &p)) != PITH_OK) return st;
    }
    return PITH_OK;
}

/* What showing a string works out from M = Tm × CTM's axes, the font and Th: the glyphs'
 * direction, lengths, size and box normal. Only Tm's translation moves within a string, and
 * within a TJ (its numbers move the translation too), so this is worked out once per string
 * or per TJ; the glyph loop redoes only M's translation, by mat_mul's very expressions. */
typedef struct show_frame {
    bool ready;             /* worked out (false: at the first string that shows glyphs) */
    bool flip;
    uint16_t dir;
    double vx, vy, ux, uy, lu, size0, nx, ny;
} show_frame;

static void show_frame_make(interp *in, const font_slot *fs, show_frame *sf)
{
    const gstate *gs = &in->gs;
    double m[6], ux, uy, vx, vy, lu, lv;
    mat_mul(m, in->tm, gs->ctm);
    vx = m[2];
    vy = m[3];
    if (m[0] != in->len_m[0] || m[1] != in->len_m[1] || m[2] != in->len_m[2] ||
        m[3] != in->len_m[3]) {
        memcpy(in->len_m, m, sizeof in->len_m);
        in->len_u = d_len(m[0], m[1]);
        in->len_v = d_len(m[2], m[3]);
    }
    lv = in->len_v;
    if (fs->vertical) {
        ux = -m[2];
        uy = -m[3];
        lu = lv;
    } else {
        ux = m[0] * (gs->th < 0 ? -1 : 1);
        uy = m[1] * (gs->th < 0 ? -1 : 1);
        lu = in->len_u;
    }
    if (lu > 0) {
        ux /= lu;
        uy /= lu;
    } else {
        ux = 1;
        uy = 0;
    }
    sf->ready = true;
    sf->vx = vx;
    sf->vy = vy;
    sf->ux = ux;
    sf->uy = uy;
    sf->lu = lu;
    sf->size0 = d_abs(gs->tfs) * lv;
    sf->flip = !fs->vertical && (ux * vy - uy * vx) < 0;
    /* the glyph's box: along the direction from the origin, across from the descent to the
     * ascent (vertical fonts: centred on the origin) */
    sf->nx = sf->flip ? uy : -uy;
    sf->ny = sf->flip ? -ux : ux;
    sf->dir = d_abs(ux) >= d_abs(uy) ? (ux >= 0 ? 0 : 2) : (uy >= 0 ? 1 : 3);
}

/* Show the string's len bytes at str (len > 0) with the current font. sf: the frame of the
 * string, or of the TJ it is part of (sf->ready false the first time). */
static pith_status show_bytes(interp *in, const uint8_t *str, uint32_t len, show_frame *sf)
{
    const gstate *gs = &in->gs;
    font_slot *fs;
    double m[6], ux, uy, vx, vy, lu, size0, nx, ny;
    size_t i = 0;
    uint16_t dir;
    bool flip;
    pith_status st;
    if ((st = pith_work(in->doc, len)) != PITH_OK) return st;
    if (!gs->font || gs->font_slot == NONE) return PITH_OK;
    fs = &in->fonts[gs->font_slot];
    if ((st = pdf_font_prepare(in->ctx, gs->font, str, len)) != PITH_OK) return st;
    if (!sf->ready) show_frame_make(in, fs, sf);
    vx = sf->vx;
    vy = sf->vy;
    ux = sf->ux;
    uy = sf->uy;
    lu = sf->lu;
    size0 = sf->size0;
    flip = sf->flip;
    nx = sf->nx;
    ny = sf->ny;
    dir = sf->dir;
    m[2] = vx;
    m[3] = vy;
    while (i < len) {
        pdf_glyph g;
        pdf_placed p;
        double adv, size, tx, lo, hi;
        /* no memset of g: pdf_font_next clears it first (a second memset of its 72 bytes was
         * 3% of the 200-page file's wasm time: a memory.fill call per glyph) */
        size_t used = pdf_font_next(gs->font, str + i, len - i, &g);
        if (used < 1) used = 1;
        i += used;
        /* the glyph's origin is (0, Ts) in text space */
        m[4] = in->tm[4] * gs->ctm[0] + in->tm[5] * gs->ctm[2] + gs->ctm[4];
        m[5] = in->tm[4] * gs->ctm[1] + in->tm[5] * gs->ctm[3] + gs->ctm[5];
        /* every field of p is set below (seq by add_glyph): no memset of its 160 bytes */
        p.ox = gs->ts * m[2] + m[4];
        p.oy = gs->ts * m[3] + m[5];
        if (fs->vertical) {
            adv = d_abs(g.w1) * d_abs(gs->tfs) * lu;
            if (adv == 0) adv = d_abs(gs->tfs) * lu;  /* vertical fonts default to 1 em */
        } else {
            adv = d_abs(g.w0 * gs->tfs * gs->th) * lu;
        }
        size = size0;
        if (fs->type3) {
            /* Type3 glyph space says nothing of the em: guess it from the widths, as poppler
             * does (an average glyph is half an em wide). */
            if (g.w0 > 0) {
                fs->wsum += g.w0;
                fs->wn++;
            }
            if (fs->wn) {
                double f = (fs->wsum / fs->wn) / 0.5;
                size *= f < 0.05 ? 0.05 : f > 20 ? 20 : f;
            }
        }
        p.size = size;
        p.adv = adv;
        p.ux = ux;
        p.uy = uy;
        p.flip = flip;
        lo = fs->vertical ? -0.5 * size : fs->desc * size;
        hi = fs->vertical ? 0.5 * size : fs->asc * size;
        {
            double cx[4], cy[4];
            cx[0] = p.ox + nx * lo;
            cy[0] = p.oy + ny * lo;
            cx[1] = p.ox + nx * hi;
            cy[1] = p.oy + ny * hi;
            cx[2] = cx[0] + ux * adv;
            cy[2] = cy[0] + uy * adv;
            cx[3] = cx[1] + ux * adv;
            cy[3] = cy[1] + uy * adv;
            p.x0 = p.x1 = cx[0];
            p.y0 = p.y1 = cy[0];
            for (int k = 1; k < 4; k++) {
                if (cx[k] < p.x0) p.x0 = cx[k];
                if (cx[k] > p.x1) p.x1 = cx[k];
                if (cy[k] < p.y0) p.y0 = cy[k];
                if (cy[k] > p.y1) p.y1 = cy[k];
            }
        }
        p.dir = dir;
        p.font = (uint16_t)gs->font_slot;
        memcpy(p.uni, g.uni, sizeof p.uni);
        p.nuni = g.nuni > 8 ? 8 : g.nuni;
        p.space_before = in->pending_space;
        in->pending_space = false;
        if (g.space && g.nuni == 0) {
            /* a code 32 without Unicode still separates words */
            p.uni[0] = ' ';
            p.nuni = 1;
        }
        if ((st = add_glyph(in, &p)) != PITH_OK) return st;
        /* advance the text matrix */
        if (fs->vertical) {
            double ty = g.w1 * gs->tfs + gs->tc + (g.space ? gs->tw : 0);
            if (g.w1 == 0) ty = -gs->tfs + gs->tc + (g.space ? gs->tw : 0);
            in->tm[4] += ty * in->tm[2];
            in->tm[5] += ty * in->tm[3];
        } else {
            tx = (g.w0 * gs->tfs + gs->tc + (g.space ? gs->tw : 0)) * gs->th;
            in->tm[4] += tx * in->tm[0];
            in->tm[5] += tx * in->tm[1];
        }
    }
    return PITH_OK;
}

/* Show operand s when it is a string (an empty one shows nothing and costs nothing). */
static pith_status show_string(interp *in, const pdf_obj *s)
{
    show_frame sf;
    if (s->kind != PDF_STRING || !s->n) return PITH_OK;
    sf.ready = false;
    return show_bytes(in, s->u.s, s->n, &sf);
}

/* A TJ number: move back by n/1000 em (forward for negative n). It marks a word break when
 * the gap it leaves after the glyph is wider than TJ_SPACE em. The gap is what the reader
 * sees: the adjustment plus the character spacing Tc that follows every glyph (poppler
 * measures a glyph without its Tc too). Letter-spaced small caps set "-0.385 Tc" and then
 * "[(A)-385(N)-381(G)]TJ" to cancel it (tika__testPDF_XFA_govdocs1_258578): no gap, no break.
 * Th scales both terms and the em alike, so it drops out of the comparison. */
static void tj_adjust(interp *in, double n)
{
    const gstate *gs = &in->gs;
    bool vertical = gs->font_slot != NONE && in->fonts[gs->font_slot].vertical;
    double d = -n / 1000 * gs->tfs, em = d_abs(gs->tfs);
    if (vertical) {
        in->tm[4] += -d * in->tm[2];
        in->tm[5] += -d * in->tm[3];
    } else {
        in->tm[4] += d * gs->th * in->tm[0];
        in->tm[5] += d * gs->th * in->tm[1];
    }
    /* with Tfs < 0 the text runs backwards: the gap's sign follows the font size's */
    if (em > 0 && (gs->tfs < 0 ? -d - gs->tc : d + gs->tc) > TJ_SPACE * em)
        in->pending_space = true;
}

static void next_line(interp *in, double tx, double ty)
{
    double t[6];
    mat_set(t, 1, 0, 0, 1, tx, ty);
    mat_mul(in->tlm, t, in->tlm);
    memcpy(in->tm, in->tlm, sizeof in->tm);
}

/* MARK: - Inline images */

static bool is_ws(uint8_t c) { return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32; }
static bool is_delim(uint8_t c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

/* Does "EI" at p (inside [base, end)) end the image: whitespace before, a delimiter or
 * whitespace after, and what follows looks like content (no binary bytes)? */
static bool ei_at(const uint8_t *base, const uint8_t *p, const uint8_t *end)
{
    if (end - p < 2 || p[0] != 'E' || p[1] != 'I') return false;
    if (p > base && !is_ws(p[-1])) return false;
    if (end - p > 2 && !is_ws(p[2]) && !is_delim(p[2])) return false;
    for (const uint8_t *q = p + 2; q < end && q < p + 2 + 48; q++)
        if (*q > 126 || (*q < 32 && !is_ws(*q))) return false;
    return true;
}

/* After "BI": read the image dictionary up to "ID", then skip the data to after "EI". */
static pith_status skip_inline_image(interp *in, frame *fr)
{
    pdf_lex *lx = &fr->lx;
    int64_t hint = -1;
    bool key = true;
    const uint8_t *p;
    in->has_images = true;
    for (uint32_t k = 0; k < 512; k++) {
        pdf_obj o;
        pith_status st = pdf_parse(lx, &o, true);
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
        if (st != PITH_OK || (o.kind == PDF_NULL && lx->p >= lx->end)) {
            lx->p = lx->end;
            return PITH_OK;
        }
        if (o.kind == PDF_OP) {
            if (o.n == 2 && memcmp(o.u.s, "ID", 2) == 0) break;
            if (o.n == 2 && memcmp(o.u.s, "EI", 2) == 0) return PITH_OK;
            key = true;
            continue;
        }
        if (key && o.kind == PDF_NAME &&
            ((o.n == 1 && o.u.s[0] == 'L') || (o.n == 6 && memcmp(o.u.s, "Length", 6) == 0))) {
            pdf_obj v;
            st = pdf_parse(lx, &v, true);
            if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
            if (v.kind == PDF_INT && v.u.i >= 0) hint = v.u.i;
            continue;
        }
        key = !key;
    }
    /* one whitespace byte after ID, then the data */
    if (lx->p < lx->end && is_ws(*lx->p)) lx->p++;
    p = lx->p;
    if (hint >= 0 && (uint64_t)hint <= (uint64_t)(lx->end - p)) {
        const uint8_t *q = p + hint;
        /* the hint is usually exact: EI follows after whitespace */
        for (const uint8_t *r = q; r < lx->end && r < q + 8; r++)
            if (ei_at(p, r, lx->end) || (r[0] == 'E' && lx->end - r >= 2 && r[1] == 'I')) {
                lx->p = r + 2;
                return pith_work(in->doc, (uint64_t)hint);
            }
    }
    for (const uint8_t *q = p; q + 1 < lx->end; q++) {
        if (*q == 'E' && ei_at(p, q, lx->end)) {
            lx->p = q + 2;
            return pith_work(in->doc, (uint64_t)(q - p));
        }
    }
    lx->p = lx->end;
    return pith_warn(in->doc, PITH_E_FORMAT, 0, "pdf content: inline image without EI");
}

/* MARK: - XObjects and marked content */

static pith_status push_stream(interp *in, const uint8_t *data, size_t len, const pdf_obj *res,
                               const pdf_obj *form)
{
    frame *fr = &in->frames[in->nframes++];
    pdf_lex_init(&fr->lx, in->doc, &in->ops, data, len, 0);
    fr->res = res;
    fr->qbase = in->qdepth;
    fr->form = form;
    return PITH_OK;
}

static void op_q(interp *in)
{
    if (in->qdepth < Q_MAX) in->stack[in->qdepth] = in->gs;
    in->qdepth++;
}

static void op_Q(interp *in)
{
    uint32_t base = in->nframes ? in->frames[in->nframes - 1].qbase : 0;
    if (in->qdepth <= base) return;  /* unbalanced Q: ignored */
    in->qdepth--;
    if (in->qdepth < Q_MAX) in->gs = in->stack[in->qdepth];
}

static pith_status run_form(interp *in, const pdf_obj *xo)
{
    const uint8_t *data = NULL;
    size_t len = 0;
    form_cache *fc = NULL;
    pith_status st;
    double m[6];
    const pdf_obj *mat, *res;
    for (uint32_t k = 0; k < in->nframes; k++) {
        if (in->frames[k].form == xo) {
            if (!in->warned_cycle) {
                in->warned_cycle = true;
                return pith_warn(in->doc, PITH_E_FORMAT, 0,
                                 "pdf content: form XObject draws itself, not entered again");
            }
            return PITH_OK;
        }
    }
    if (in->nframes >= PDF_MAX_NEST || in->form_runs >= FORM_TOTAL) {
        if (!in->warned_forms) {
            in->warned_forms = true;
            return pith_warn(in->doc, PITH_E_LIMIT, 0,
                             "pdf content: form XObjects nested or repeated too much "
                             "(depth %u, runs %u), the rest skipped",
                             (unsigned)in->nframes, (unsigned)in->form_runs);
        }
        return PITH_OK;
    }
    for (uint32_t k = 0; k < in->nforms; k++)
        if (in->forms[k].form == xo) fc = &in->forms[k];
    if (fc && fc->runs >= FORM_RUNS) {
        if (!in->warned_forms) {
            in->warned_forms = true;
            return pith_warn(in->doc, PITH_E_LIMIT, 0,
                             "pdf content: a form XObject drawn more than %u times on a page, "
                             "the rest skipped", (unsigned)FORM_RUNS);
        }
        return PITH_OK;
    }
    if (fc) {
        data = fc->data;
        len = fc->len;
    } else {
        st = pdf_stream_decode(in->ctx, xo, NULL, &data, &len);
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
        if (st != PITH_OK) {
            data = NULL;
            len = 0;
            if ((st = pith_warn(in->doc, st, 0, "pdf content: form XObject unreadable")) !=
                PITH_OK)
                return st;
        }
        if (in->nforms < FORM_CACHE) {
            fc = &in->forms[in->nforms++];
            fc->form = xo;
            fc->data = data;
            fc->len = len;
            fc->runs = 0;
        }
    }
    if (fc) fc->runs++;
    in->form_runs++;
    if (!data || !len) return PITH_OK;
    op_q(in);
    mat = pdf_dict_get(in->ctx, xo, "Matrix");
    if (pdf_array_len(mat) == 6) {
        for (uint32_t k = 0; k < 6; k++) m[k] = pdf_num(pdf_array_get(in->ctx, mat, k), 0);
        mat_mul(in->gs.ctm, m, in->gs.ctm);
    }
    res = pdf_dict_get(in->ctx, xo, "Resources");
    if (!pdf_is_dict(res)) res = NULL;
    /* the form runs between a q and a Q of its own: its frame starts above that q */
    st = push_stream(in, data, len, res, xo);
    in->frames[in->nframes - 1].qbase = in->qdepth - 1;
    return st;
}

static pith_status op_Do(interp *in)
{
    char name[128];
    const pdf_obj *xo, *sub;
    if (in->nopnd < 1 || !name_at(in, in->nopnd - 1, name, sizeof name)) return PITH_OK;
    xo = resource(in, "XObject", name, false);
    if (xo->kind != PDF_STREAM) return PITH_OK;
    sub = pdf_dict_get(in->ctx, xo, "Subtype");
    if (pdf_is_name(sub, "Image")) {
        in->has_images = true;
        return PITH_OK;
    }
    if (!pdf_is_name(sub, "Form") && sub->kind != PDF_NULL) return PITH_OK;
    return run_form(in, xo);
}

static pith_status op_BDC(interp *in)
{
    const pdf_obj *props, *at;
    in->mc_depth++;
    if (in->at_depth || in->nopnd < 2) return PITH_OK;
    props = &in->opnd[in->nopnd - 1];
    if (props->kind == PDF_NAME) {
        char name[128];
        if (!name_at(in, in->nopnd - 1, name, sizeof name)) return PITH_OK;
        props = resource(in, "Properties", name, false);
    }
    if (!pdf_is_dict(props)) return PITH_OK;
    at = pdf_dict_get(in->ctx, props, "ActualText");
    if (at->kind != PDF_STRING) return PITH_OK;
    in->at_text = pdf_text_string(pith_scratch_arena(in->doc), at->u.s, at->n);
    in->at_depth = in->mc_depth;
    in->at_placed = false;
    return PITH_OK;
}

static pith_status op_EMC(interp *in)
{
    pith_status st = PITH_OK;
    if (!in->mc_depth) return PITH_OK;
    if (in->at_depth == in->mc_depth) st = flush_actual_text(in);
    in->mc_depth--;
    return st;
}

static pith_status op_gs(interp *in)
{
    char name[128];
    const pdf_obj *gsd, *f;
    if (in->nopnd < 1 || !name_at(in, in->nopnd - 1, name, sizeof name)) return PITH_OK;
    gsd = resource(in, "ExtGState", name, false);
    f = pdf_dict_get(in->ctx, gsd, "Font");
    if (pdf_array_len(f) == 2) {
        const pdf_obj *ref = f->kind == PDF_ARRAY ? &f->u.items[0] : &pdf_null;
        return set_font(in, ref, pdf_num(pdf_array_get(in->ctx, f, 1), in->gs.tfs));
    }
    return PITH_OK;
}

/* MARK: - Operators */

static bool op_is(const pdf_obj *op, const char *s)
{
    size_t n = strlen(s);
    return op->n == n && memcmp(op->u.s, s, n) == 0;
}

static pith_status run_op(interp *in, const pdf_obj *op, frame *fr)
{
    uint32_t n = in->nopnd;
    gstate *gs = &in->gs;
    const uint8_t *s = op->u.s;
    pith_status st = PITH_OK;
    if (op->n == 0 || op->n > 3) return PITH_OK;
    switch (s[0]) {
    case 'q':
        if (op->n == 1) op_q(in);
        break;
    case 'Q':
        if (op->n == 1) op_Q(in);
        break;
    case 'c':
        if (op_is(op, "cm") && n >= 6) {
            double m[6];
            for (uint32_t k = 0; k < 6; k++) m[k] = num_at(in, n - 6 + k);
            mat_mul(gs->ctm, m, gs->ctm);
        }
        break;
    case 'B':
        if (op_is(op, "BT")) {
            mat_set(in->tm, 1, 0, 0, 1, 0, 0);
            mat_set(in->tlm, 1, 0, 0, 1, 0, 0);
        } else if (op_is(op, "BI")) {
            st = skip_inline_image(in, fr);
        } else if (op_is(op, "BMC")) {
            in->mc_depth++;
        } else if (op_is(op, "BDC")) {
            st = op_BDC(in);
        }
        break;
    case 'E':
        if (op_is(op, "EMC")) st = op_EMC(in);
        break;
    case 'T':
        if (op->n != 2) break;
        switch (s[1]) {
        case 'c':
            if (n >= 1) gs->tc = num_at(in, n - 1);
            break;
        case 'w':
            if (n >= 1) gs->tw = num_at(in, n - 1);
            break;
        case 'z':
            if (n >= 1) gs->th = num_at(in, n - 1) / 100;
            break;
        case 'L':
            if (n >= 1) gs->tl = num_at(in, n - 1);
            break;
        case 'r':
            if (n >= 1) gs->tr = (int)pdf_int(&in->opnd[n - 1], 0);
            break;
        case 's':
            if (n >= 1) gs->ts = num_at(in, n - 1);
            break;
        case 'f':
            if (n >= 2) {
                char name[128];
                const pdf_obj *ref = &pdf_null;
                if (name_at(in, n - 2, name, sizeof name)) ref = resource(in, "Font", name, true);
                st = set_font(in, ref, num_at(in, n - 1));
            }
            break;
        case 'd':
            if (n >= 2) next_line(in, num_at(in, n - 2), num_at(in, n - 1));
            break;
        case 'D':
            if (n >= 2) {
                gs->tl = -num_at(in, n - 1);
                next_line(in, num_at(in, n - 2), num_at(in, n - 1));
            }
            break;
        case 'm':
            if (n >= 6) {
                for (uint32_t k = 0; k < 6; k++) in->tm[k] = num_at(in, n - 6 + k);
                memcpy(in->tlm, in->tm, sizeof in->tm);
            }
            break;
        case '*':
            next_line(in, 0, -gs->tl);
            break;
        case 'j':
            if (n >= 1) st = show_string(in, &in->opnd[n - 1]);
            break;
        case 'J':
            if (n >= 1 && in->opnd[n - 1].kind == PDF_ARRAY) {
                const pdf_obj *a = &in->opnd[n - 1];
                show_frame sf;
                sf.ready = false;
                for (uint32_t k = 0; k < a->n && st == PITH_OK; k++) {
                    const pdf_obj *it = &a->u.items[k];
                    if (it->kind == PDF_STRING && it->n)
                        st = show_bytes(in, it->u.s, it->n, &sf);
                    else if (it->kind == PDF_INT || it->kind == PDF_REAL)
                        tj_adjust(in, pdf_num(it, 0));
                }
            }
            break;
        default:
            break;
        }
        break;
    case '\'':
        if (op->n == 1) {
            next_line(in, 0, -gs->tl);
            if (n >= 1) st = show_string(in, &in->opnd[n - 1]);
        }
        break;
    case '"':
        if (op->n == 1 && n >= 3) {
            gs->tw = num_at(in, n - 3);
            gs->tc = num_at(in, n - 2);
            next_line(in, 0, -gs->tl);
            st = show_string(in, &in->opnd[n - 1]);
        }
        break;
    case 'D':
        if (op_is(op, "Do")) st = op_Do(in);
        break;
    case 'g':
        if (op_is(op, "gs")) st = op_gs(in);
        break;
    default:
        break;
    }
    return st;
}

/* TJ over the array pdf_lex_tj read, as run_op's TJ over a parsed one. */
static pith_status show_tj(interp *in)
{
    pith_status st = PITH_OK;
    show_frame sf;
    sf.ready = false;
    for (uint32_t k = 0; k < in->tj.n && st == PITH_OK; k++) {
        const pdf_tj_item *it = &in->tj_items[k];
        if (!it->s) tj_adjust(in, it->num);
        else if (it->n) st = show_bytes(in, it->s, it->n, &sf);
    }
    return st;
}

/* Run the frames until the stack is empty. */
static pith_status run(interp *in)
{
    uint32_t errors = 0;
    pith_arena_mark mk = pith_arena_mark_get(&in->ops);
    while (in->nframes) {
        frame *fr = &in->frames[in->nframes - 1];
        /* parsed in place: a copy of an object just written costs a stalled store forward */
        pdf_obj spare, *o = in->nopnd < MAX_OPERANDS ? &in->opnd[in->nopnd] : &spare;
        pith_status st;
        if (in->nopnd == 0) mk = pith_arena_mark_get(&in->ops);
        /* "[...] TJ" read flat (pdf_lex_tj) when the general path would give TJ the same
         * array as its last operand: then the work its tokens would have drawn is drawn, and
         * the operator runs below as run_op would run it */
        bool flat_tj = false;
        const uint8_t *before = fr->lx.p;
        if (in->nopnd < MAX_OPERANDS) {
            /* past whitespace and comments, as pdf_parse skips them first (drawing no work);
             * declined, the lexer goes back where it was, so pdf_parse starts as before */
            pdf_lex_skip_ws(&fr->lx);
            if (fr->lx.p < fr->lx.end && *fr->lx.p == '[' && pdf_lex_tj(&fr->lx, &in->tj)) {
                if ((st = pith_work(in->doc, in->tj.work)) != PITH_OK) return st;
                flat_tj = true;
                goto run_operator;
            }
            fr->lx.p = before;
        }
        st = pdf_parse(&fr->lx, o, true);
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
        if (st == PITH_E_FORMAT) {
            if (fr->lx.p == before && fr->lx.p < fr->lx.end) fr->lx.p++;
            if (++errors > PARSE_ERRORS) {
                fr->lx.p = fr->lx.end;
                st = pith_warn(in->doc, PITH_E_FORMAT, 0,
                               "pdf content: stream is garbage, the rest of it skipped");
                if (st != PITH_OK) return st;
            }
            continue;
        }
        if (st == PITH_E_TRUNCATED || (st == PITH_OK && o->kind == PDF_NULL &&
                                       fr->lx.p >= fr->lx.end)) {
            if (st == PITH_E_TRUNCATED &&
                (st = pith_warn(in->doc, PITH_E_TRUNCATED, 0,
                                "pdf content: stream ends inside an object")) != PITH_OK)
                return st;
            /* end of this stream: a form's own q/Q closes, its marked content with it */
            if (fr->form) {
                while (in->qdepth > fr->qbase) {
                    in->qdepth--;
                    if (in->qdepth < Q_MAX) in->gs = in->stack[in->qdepth];
                }
            }
            in->nframes--;
            in->nopnd = 0;
            pith_arena_release(&in->ops, mk);
            continue;
        }
        if (st != PITH_OK) return st;
        if (o->kind != PDF_OP) {
            if (o != &spare) in->nopnd++;
            continue;
        }
    run_operator:
        if (++in->nops > PAGE_MAX_OPS) {
            in->nframes = 0;
            return pith_warn(in->doc, PITH_E_LIMIT, 0,
                             "pdf content: page stops after %llu operators",
                             (unsigned long long)PAGE_MAX_OPS);
        }
        if ((st = pith_work(in->doc, 1)) != PITH_OK) return st;
        st = flat_tj ? show_tj(in) : run_op(in, o, fr);
        in->nopnd = 0;
        if (st != PITH_OK) return st;
        /* operands and anything the operator parsed are gone: the arena goes back. A Do may
         * have pushed a frame; its lexer allocates from here on, which is fine. */
        pith_arena_release(&in->ops, mk);
    }
    return PITH_OK;
}

/* MARK: - The page */

/* MARK: - Annotations */

/* The appearance an annotation shows (§12.5.5): its /AP /N stream, or when /N is a dictionary
 * of states the one its /AS names. NULL when there is none. */
static const pdf_obj *annot_appearance(interp *in, const pdf_obj *annot)
{
    const pdf_obj *ap = pdf_dict_get(in->ctx, annot, "AP");
    const pdf_obj *n = pdf_dict_get(in->ctx, ap, "N");
    if (n->kind == PDF_STREAM) return n;
    if (n->kind == PDF_DICT) {
        char name[128];
        uint32_t len;
        const uint8_t *as = pdf_name(pdf_dict_get(in->ctx, annot, "AS"), &len);
        if (!as || len + 1 > sizeof name) return NULL;
        memcpy(name, as, len);
        name[len] = '\0';
        n = pdf_dict_get(in->ctx, n, name);
        if (n->kind == PDF_STREAM) return n;
    }
    return NULL;
}

/* Draw one annotation's appearance: the form's /BBox, transformed by its /Matrix, is fitted
 * to the annotation's /Rect (§12.5.5, algorithm 8.1); the form then runs like a Do from the
 * page's initial graphics state. */
static pith_status draw_annot(interp *in, const pdf_obj *form, const pdf_obj *rect)
{
    const pdf_obj *bbox = pdf_dict_get(in->ctx, form, "BBox");
    const pdf_obj *mat = pdf_dict_get(in->ctx, form, "Matrix");
    double r[4], b[4], m[6], a[6], x0 = 0, y0 = 0, x1 = 0, y1 = 0, sx, sy;
    pith_status st;
    if (pdf_array_len(rect) != 4 || pdf_array_len(bbox) != 4) return PITH_OK;
    for (uint32_t k = 0; k < 4; k++) {
        r[k] = pdf_num(pdf_array_get(in->ctx, rect, k), 0);
        b[k] = pdf_num(pdf_array_get(in->ctx, bbox, k), 0);
    }
    mat_set(m, 1, 0, 0, 1, 0, 0);
    if (pdf_array_len(mat) == 6)
        for (uint32_t k = 0; k < 6; k++) m[k] = pdf_num(pdf_array_get(in->ctx, mat, k), 0);
    for (uint32_t k = 0; k < 4; k++) {
        double px = b[(k & 1) ? 2 : 0], py = b[(k & 2) ? 3 : 1];
        double tx = px * m[0] + py * m[2] + m[4], ty = px * m[1] + py * m[3] + m[5];
        if (k == 0 || tx < x0) x0 = tx;
        if (k == 0 || tx > x1) x1 = tx;
        if (k == 0 || ty < y0) y0 = ty;
        if (k == 0 || ty > y1) y1 = ty;
    }
    if (r[0] > r[2]) { double t = r[0]; r[0] = r[2]; r[2] = t; }
    if (r[1] > r[3]) { double t = r[1]; r[1] = r[3]; r[3] = t; }
    /* a degenerate box keeps its scale (poppler does the same) */
    sx = x1 - x0 > 1e-9 ? (r[2] - r[0]) / (x1 - x0) : 1;
    sy = y1 - y0 > 1e-9 ? (r[3] - r[1]) / (y1 - y0) : 1;
    mat_set(a, sx, 0, 0, sy, r[0] - x0 * sx, r[1] - y0 * sy);
    /* a fresh graphics state: nothing of the page's content carries over */
    memset(&in->gs, 0, sizeof in->gs);
    mat_mul(in->gs.ctm, a, in->page_ctm);
    in->gs.th = 1;
    in->gs.font_slot = NONE;
    in->qdepth = 0;
    in->mc_depth = 0;
    in->pending_space = false;
    mat_set(in->tm, 1, 0, 0, 1, 0, 0);
    mat_set(in->tlm, 1, 0, 0, 1, 0, 0);
    if ((st = run_form(in, form)) != PITH_OK) return st;
    if ((st = run(in)) != PITH_OK) return st;
    if (in->at_depth && (st = flush_actual_text(in)) != PITH_OK) return st;
    return pith_doc_status(in->doc);
}

/* Form fields and free text annotations show text the page's content does not hold: filled-in
 * values, labels (tika__testPDF_XFA_govdocs1_258578.pdf: 31 words). pdftotext draws their
 * appearances after the page, as a viewer does; so does pith, except hidden ones (/F bits
 * Hidden 2 and NoView 6). Other annotations (links, notes, stamps, popups) are not page text. */
static pith_status run_annots(interp *in, const pdf_page *pg)
{
    const pdf_obj *annots = pdf_dict_get(in->ctx, pg->dict, "Annots");
    uint32_t n = pdf_array_len(annots);
    pith_status st;
    if (n > PAGE_MAX_ANNOTS) n = PAGE_MAX_ANNOTS;
    for (uint32_t k = 0; k < n; k++) {
        const pdf_obj *an = pdf_array_get(in->ctx, annots, k), *sub, *form;
        int64_t flags;
        if ((st = pith_work(in->doc, 1)) != PITH_OK) return st;
        if (!pdf_is_dict(an)) continue;
        sub = pdf_dict_get(in->ctx, an, "Subtype");
        if (!pdf_is_name(sub, "Widget") && !pdf_is_name(sub, "FreeText")) continue;
        flags = pdf_int(pdf_dict_get(in->ctx, an, "F"), 0);
        if (flags & (2 | 32)) continue;
        form = annot_appearance(in, an);
        if (!form) continue;
        if ((st = draw_annot(in, form, pdf_dict_get(in->ctx, an, "Rect"))) != PITH_OK) return st;
    }
    return PITH_OK;
}

/* One decoded content stream of the page. */
typedef struct part {
    const uint8_t *data;
    size_t len;
    bool damaged;   /* decoded with a warning: what came out may end anywhere */
} part;

/* Parse parts [a, b) as one stream: joined with '\n' in scratch (one part needs no copy).
 * Past JOIN_MAX bytes (a page listing one unfiltered stream thousands of times, which costs
 * no decompression) the parts run one by one instead, as they would without the copy. */
static pith_status run_parts(interp *in, const pdf_page *pg, const part *parts, uint32_t a,
                             uint32_t b)
{
    const uint8_t *data = parts[a].data;
    size_t len = parts[a].len;
    pith_status st;
    if (a >= b) return PITH_OK;
    if (b - a > 1) {
        size_t total = 0, at = 0;
        uint8_t *buf;
        for (uint32_t k = a; k < b && total <= JOIN_MAX; k++)
            if (!pith_size_add(total, parts[k].len + 1, &total)) total = SIZE_MAX;
        if (total > JOIN_MAX) {
            for (uint32_t k = a; k < b; k++)
                if ((st = run_parts(in, pg, parts, k, k + 1)) != PITH_OK) return st;
            return PITH_OK;
        }
        buf = pith_scratch_alloc(in->doc, total);
        if (!buf) return pith_alloc_failed(in->doc, total);
        for (uint32_t k = a; k < b; k++) {
            if (parts[k].len) memcpy(buf + at, parts[k].data, parts[k].len);
            at += parts[k].len;
            buf[at++] = '\n';
        }
        if ((st = pith_work(in->doc, total / 64 + 1)) != PITH_OK) return st;
        data = buf;
        len = at;
    }
    if (!len) return PITH_OK;
    if ((st = push_stream(in, data, len, pg->resources, NULL)) != PITH_OK) return st;
    if ((st = run(in)) != PITH_OK) return st;
    return pith_doc_status(in->doc);
}

/* The page's /Contents are one stream cut anywhere (§7.8.2): an operator's operands, a
 * string, even a dictionary can go on in the next stream (tika__testPDF_XFA_govdocs1_258578:
 * "[( )543( )" ends one stream and "TJ" starts the next), so the streams are decoded, joined
 * with a newline and parsed once, as poppler and MuPDF do. A stream that decoded with a warning
 * is parsed on its own: damaged data may end inside a string that would swallow the streams
 * after it. One that does not decode at all is left out with a warning. */
static pith_status run_page(interp *in, const pdf_page *pg)
{
    const pdf_obj *contents = pdf_dict_get(in->ctx, pg->dict, "Contents");
    uint32_t n = contents->kind == PDF_ARRAY ? contents->n : 1, np = 0, from = 0;
    part *parts;
    pith_status st;
    if (n > 100000) n = 100000;
    parts = pith_scratch_alloc(in->doc, (size_t)(n ? n : 1) * sizeof *parts);
    if (!parts) return pith_alloc_failed(in->doc, (size_t)n * sizeof *parts);
    for (uint32_t k = 0; k < n; k++) {
        const pdf_obj *s = contents->kind == PDF_ARRAY ? pdf_array_get(in->ctx, contents, k)
                                                       : contents;
        const uint8_t *data;
        size_t len;
        uint32_t warned;
        if ((st = pith_work(in->doc, 1)) != PITH_OK) return st;
        if (s->kind != PDF_STREAM) continue;
        warned = pith_doc_warning_count(in->doc) + pith_doc_warnings_dropped(in->doc);
        st = pdf_stream_decode(in->ctx, s, NULL, &data, &len);
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM) return st;
        if (pith_doc_status(in->doc) != PITH_OK) return pith_doc_status(in->doc);
        if (st != PITH_OK) {
            if ((st = pith_warn(in->doc, st, 0, "pdf content: content stream %u unreadable",
                                (unsigned)k)) != PITH_OK)
                return st;
            continue;
        }
        parts[np].data = data;
        parts[np].len = len;
        parts[np].damaged =
            pith_doc_warning_count(in->doc) + pith_doc_warnings_dropped(in->doc) != warned;
        np++;
    }
    for (uint32_t k = 0; k < np; k++) {
        if (!parts[k].damaged) continue;
        if ((st = run_parts(in, pg, parts, from, k)) != PITH_OK) return st;
        if ((st = run_parts(in, pg, parts, k, k + 1)) != PITH_OK) return st;
        from = k + 1;
    }
    if ((st = run_parts(in, pg, parts, from, np)) != PITH_OK) return st;
    if (in->at_depth && (st = flush_actual_text(in)) != PITH_OK) return st;
    return run_annots(in, pg);
}

pith_status pdf_content_page(pdf_ctx *ctx, uint32_t index, bool *has_images)
{
    pith_doc *doc = ctx->doc;
    const pdf_page *pg;
    interp *in;
    double w, h;
    pith_status st;
    if (has_images) *has_images = false;
    if (index >= ctx->npages) return PITH_OK;
    pg = &ctx->pages[index];
    in = pith_scratch_alloc(doc, sizeof *in);
    if (!in) return pith_alloc_failed(doc, sizeof *in);
    /* the TJ room at the end is written before it is read: not cleared */
    memset(in, 0, offsetof(interp, tj_items));
    in->ctx = ctx;
    in->tj.items = in->tj_items;
    in->tj.cap = TJ_ITEMS;
    in->tj.bytes = in->tj_bytes;
    in->tj.cap_bytes = TJ_BYTES;
    in->doc = doc;
    page_matrix(pg, in->gs.ctm, &w, &h);
    memcpy(in->page_ctm, in->gs.ctm, sizeof in->page_ctm);
    in->gs.th = 1;
    in->gs.font_slot = NONE;
    mat_set(in->tm, 1, 0, 0, 1, 0, 0);
    mat_set(in->tlm, 1, 0, 0, 1, 0, 0);
    in->layout = pdf_layout_new(doc, w, h);
    if (!in->layout) return pith_alloc_failed(doc, sizeof *in);
    if (pg->media[2] > pg->media[0] && pg->media[3] > pg->media[1]) {
        /* the media box in the upright space: its corners through the page matrix */
        const double *m = in->page_ctm;
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        for (int k = 0; k < 4; k++) {
            double px = pg->media[k & 1 ? 2 : 0], py = pg->media[k & 2 ? 3 : 1];
            double x = px * m[0] + py * m[2] + m[4], y = px * m[1] + py * m[3] + m[5];
            if (!k || x < x0) x0 = x;
            if (!k || x > x1) x1 = x;
            if (!k || y < y0) y0 = y;
            if (!k || y > y1) y1 = y;
        }
        pdf_layout_clip(in->layout, x0, y0, x1, y1);
    }
    pith_arena_init(&in->ops, pith_scratch_arena(doc)->budget, 0);
    st = run_page(in, pg);
    pith_arena_finish(&in->ops);
    if (has_images) *has_images = in->has_images;
    if (st == PITH_OK || (st != PITH_E_LIMIT && st != PITH_E_NOMEM && st != PITH_E_ABORTED &&
                          st != PITH_E_NEED_PACK && pith_doc_status(doc) == PITH_OK)) {
        /* what was read is laid out, also when the page broke off */
        pith_status st2 = pdf_layout_emit(in->layout, index);
        ctx->page_chars = pdf_layout_chars(in->layout);
        if (st2 != PITH_OK) return st2;
    }
    return st;
}
