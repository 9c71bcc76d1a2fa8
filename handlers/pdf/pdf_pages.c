/* pdf_pages.c: the page tree (ISO 32000-1 §7.7.3) and page labels (§12.4.2).
 *
 * The tree is walked with an explicit stack (at most PDF_MAX_NEST levels) carrying the
 * inheritable attributes (/Resources, /MediaBox, /CropBox, /Rotate, §7.7.3.4). /Count is never
 * trusted: only leaves actually found are kept, each counted against limits.max_objects, so a
 * tree claiming 10^9 pages costs what it holds. A node met twice (a /Kids loop, a page listed
 * twice) is skipped with a warning; a broken subtree is a warning and the other pages stay.
 * When the tree gives no page at all, objects with /Type /Page are taken in object order, as
 * MuPDF and pdf.js do for broken files. Labels: the /PageLabels number tree (walked the same
 * way) gives decimal, roman and letter styles with prefixes and start values.
 */
#include "pdf.h"

#include <string.h>

/* MARK: - Visit marks */

typedef struct marks {
    uint8_t *bits;
    uint32_t n;
} marks;

static pith_status marks_init(pdf_ctx *ctx, marks *m)
{
    m->n = ctx->nxref;
    m->bits = pith_scratch_alloc(ctx->doc, ctx->nxref / 8 + 1);
    if (!m->bits) return pith_alloc_failed(ctx->doc, ctx->nxref / 8 + 1);
    memset(m->bits, 0, ctx->nxref / 8 + 1);
    return PITH_OK;
}

/* Mark the object a reference names; false when it was marked already. Direct objects cannot
 * loop and are always new. */
static bool mark(marks *m, const pdf_obj *ref)
{
    if (!ref || ref->kind != PDF_REF) return true;
    uint32_t n = ref->u.ref.num;
    if (n >= m->n) return true;
    if (m->bits[n / 8] & (1u << (n % 8))) return false;
    m->bits[n / 8] |= (uint8_t)(1u << (n % 8));
    return true;
}

/* MARK: - Boxes */

static bool read_box(pdf_ctx *ctx, const pdf_obj *a, double box[4])
{
    a = pdf_resolve(ctx, a);
    if (pdf_array_len(a) < 4) return false;
    double v[4];
    for (uint32_t i = 0; i < 4; i++) {
        const pdf_obj *x = pdf_array_get(ctx, a, i);
        if (x->kind != PDF_INT && x->kind != PDF_REAL) return false;
        v[i] = pdf_num(x, 0);
        if (v[i] != v[i] || v[i] > 1e7 || v[i] < -1e7) return false;
    }
    box[0] = v[0] < v[2] ? v[0] : v[2];
    box[2] = v[0] < v[2] ? v[2] : v[0];
    box[1] = v[1] < v[3] ? v[1] : v[3];
    box[3] = v[1] < v[3] ? v[3] : v[1];
    return box[2] > box[0] && box[3] > box[1];
}

/* MARK: - Walk */

typedef struct inherit {
    const pdf_obj *resources;
    const pdf_obj *mediabox, *cropbox, *rotate;  /* unresolved values, NULL if none */
} inherit;

typedef struct node {
    const pdf_obj *dict;    /* a /Pages node */
    uint32_t next;          /* next kid to visit */
    inherit inh;
} node;

typedef struct page_list {
    pdf_page *v;
    uint32_t n, cap;
} page_list;

static void take_inherit(pdf_ctx *ctx, const pdf_obj *d, inherit *inh)
{
    const pdf_obj *r = pdf_dict_get(ctx, d, "Resources");
    if (pdf_is_dict(r)) inh->resources = r;
    const pdf_obj *v;
    if ((v = pdf_dict_get_raw(d, "MediaBox"))->kind != PDF_NULL) inh->mediabox = v;
    if ((v = pdf_dict_get_raw(d, "CropBox"))->kind != PDF_NULL) inh->cropbox = v;
    if ((v = pdf_dict_get_raw(d, "Rotate"))->kind != PDF_NULL) inh->rotate = v;
}

static pith_status add_page(pdf_ctx *ctx, page_list *pl, const pdf_obj *dict, const inherit *in)
{
    inherit inh = *in;
    take_inherit(ctx, dict, &inh);
    pith_status st = pith_objects(ctx->doc, 1);
    if (st != PITH_OK) return st;
    if (pl->n == pl->cap) {
        uint32_t cap = pl->cap ? pl->cap * 2 : 16;
        pdf_page *v = pith_doc_alloc(ctx->doc, (size_t)cap * sizeof *v);
        if (!v) return pith_alloc_failed(ctx->doc, (size_t)cap * sizeof *v);
        if (pl->n) memcpy(v, pl->v, pl->n * sizeof *v);
        pl->v = v;
        pl->cap = cap;
    }
    pdf_page *p = &pl->v[pl->n++];
    memset(p, 0, sizeof *p);
    p->dict = (pdf_obj *)dict;
    p->resources = (pdf_obj *)(pdf_is_dict(inh.resources) ? inh.resources : NULL);
    /* US Letter when nothing says otherwise (what Acrobat and pdf.js assume). */
    double media[4] = {0, 0, 612, 792}, crop[4];
    if (inh.mediabox) (void)read_box(ctx, inh.mediabox, media);
    memcpy(p->box, media, sizeof media);
    memcpy(p->media, media, sizeof media);
    if (inh.cropbox && read_box(ctx, inh.cropbox, crop)) {
        double b[4] = {crop[0] > media[0] ? crop[0] : media[0],
                       crop[1] > media[1] ? crop[1] : media[1],
                       crop[2] < media[2] ? crop[2] : media[2],
                       crop[3] < media[3] ? crop[3] : media[3]};
        if (b[2] > b[0] && b[3] > b[1]) memcpy(p->box, b, sizeof b);
    }
    int64_t rot = pdf_int(pdf_resolve(ctx, inh.rotate), 0);
    rot %= 360;
    if (rot < 0) rot += 360;
    p->rotate = rot % 90 == 0 ? (int)rot : 0;
    return PITH_OK;
}

static bool is_pages_node(pdf_ctx *ctx, const pdf_obj *d)
{
    const pdf_obj *t = pdf_dict_get(ctx, d, "Type");
    if (pdf_is_name(t, "Page")) return false;
    return pdf_dict_get(ctx, d, "Kids")->kind == PDF_ARRAY || pdf_is_name(t, "Pages");
}

static pith_status walk_tree(pdf_ctx *ctx, const pdf_obj *root_ref, page_list *pl)
{
    marks m;
    pith_status st = marks_init(ctx, &m);
    if (st != PITH_OK) return st;
    const pdf_obj *root = pdf_resolve(ctx, root_ref);
    if (!pdf_is_dict(root)) return PITH_E_FORMAT;
    (void)mark(&m, root_ref);
    inherit none = {0};
    if (!is_pages_node(ctx, root)) return add_page(ctx, pl, root, &none); /* a lone page */
    node stk[PDF_MAX_NEST];
    uint32_t sp = 0;
    stk[sp].dict = root;
    stk[sp].next = 0;
    stk[sp].inh = none;
    take_inherit(ctx, root, &stk[sp].inh);
    sp++;
    bool warned_loop = false, warned_deep = false;
    while (sp) {
        if ((st = pith_work(ctx->doc, 1)) != PITH_OK) return st;
        node *top = &stk[sp - 1];
        const pdf_obj *kids = pdf_dict_get(ctx, top->dict, "Kids");
        if (top->next >= pdf_array_len(kids)) {
            sp--;
            continue;
        }
        const pdf_obj *raw = &kids->u.items[top->next++];
        const pdf_obj *kid = pdf_resolve(ctx, raw);
        if (!pdf_is_dict(kid)) continue; /* a null or broken kid: the others stay */
        if (!mark(&m, raw)) {
            if (!warned_loop) {
                warned_loop = true;
                pith_warn(ctx->doc, PITH_E_FORMAT, 0,
                          "pages: object %u reached twice in the page tree, skipped",
                          (unsigned)raw->u.ref.num);
            }
            continue;
        }
        if (!is_pages_node(ctx, kid)) {
            if ((st = add_page(ctx, pl, kid, &top->inh)) != PITH_OK) return st;
            continue;
        }
        if (sp == PDF_MAX_NEST) {
            if (!warned_deep) {
                warned_deep = true;
                pith_warn(ctx->doc, PITH_E_FORMAT, 0,
                          "pages: page tree deeper than %u levels, subtree skipped",
                          (unsigned)PDF_MAX_NEST);
            }
            continue;
        }
        stk[sp].dict = kid;
        stk[sp].next = 0;
        stk[sp].inh = top->inh;
        take_inherit(ctx, kid, &stk[sp].inh);
        sp++;
    }
    return PITH_OK;
}

/* Every object with /Type /Page, in object order (the tree is unusable). */
static pith_status scan_pages(pdf_ctx *ctx, page_list *pl)
{
    inherit none = {0};
    for (uint32_t i = 1; i < ctx->nxref; i++) {
        pith_status st = pith_work(ctx->doc, 1);
        if (st != PITH_OK) return st;
        if (ctx->xref[i].type == 0) continue;
        const pdf_obj *o = pdf_get_obj(ctx, i);
        if ((st = pith_doc_status(ctx->doc)) != PITH_OK) return st;
        if (pdf_is_dict(o) && pdf_is_name(pdf_dict_get(ctx, o, "Type"), "Page")) {
            /* Inherit what the parent chain gives (bounded, loops cut by the depth). */
            inherit inh = none;
            const pdf_obj *chain[PDF_MAX_NEST];
            uint32_t nc = 0;
            for (const pdf_obj *p = pdf_dict_get(ctx, o, "Parent");
                 pdf_is_dict(p) && nc < PDF_MAX_NEST; p = pdf_dict_get(ctx, p, "Parent"))
                chain[nc++] = p;
            while (nc) take_inherit(ctx, chain[--nc], &inh);
            if ((st = add_page(ctx, pl, o, &inh)) != PITH_OK) return st;
        }
    }
    return PITH_OK;
}

/* MARK: - Labels */

typedef struct label_buf {
    char s[128];
    size_t n;
} label_buf;

static void lb_put(label_buf *b, char c)
{
    if (b->n < sizeof b->s) b->s[b->n++] = c;
}

static void lb_dec(label_buf *b, uint64_t v)
{
    char t[24];
    size_t k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k) lb_put(b, t[--k]);
}

static void lb_roman(label_buf *b, uint64_t v, bool upper)
{
    static const struct { unsigned v; const char *s; } r[] = {
        {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"},
        {50, "l"},   {40, "xl"},  {10, "x"},  {9, "ix"},   {5, "v"},   {4, "iv"}, {1, "i"},
    };
    if (v == 0 || v > 20000) { /* no roman numeral, or an absurd string of 'm's */
        lb_dec(b, v);
        return;
    }
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        while (v >= r[i].v) {
            for (const char *c = r[i].s; *c; c++) lb_put(b, upper ? (char)(*c - 32) : *c);
            v -= r[i].v;
        }
}

/* A, B, ... Z, AA, BB, ... (§12.4.2 Table 159). */
static void lb_letters(label_buf *b, uint64_t v, bool upper)
{
    if (v == 0 || v > 26 * 100) {
        lb_dec(b, v);
        return;
    }
    uint64_t rep = (v - 1) / 26 + 1;
    char c = (char)((upper ? 'A' : 'a') + (v - 1) % 26);
    for (uint64_t i = 0; i < rep; i++) lb_put(b, c);
}

typedef struct label_range {
    const pdf_obj *dict;
    bool set;
} label_range;

static pith_status load_labels(pdf_ctx *ctx, pdf_page *pages, uint32_t npages)
{
    const pdf_obj *root_ref = pdf_dict_get_raw(ctx->catalog, "PageLabels");
    const pdf_obj *root = pdf_resolve(ctx, root_ref);
    if (!pdf_is_dict(root) || npages == 0) return PITH_OK;
    label_range *at = pith_scratch_alloc(ctx->doc, (size_t)npages * sizeof *at);
    if (!at) return pith_alloc_failed(ctx->doc, (size_t)npages * sizeof *at);
    memset(at, 0, (size_t)npages * sizeof *at);
    marks m;
    pith_status st = marks_init(ctx, &m);
    if (st != PITH_OK) return st;
    (void)mark(&m, root_ref);
    const pdf_obj *stk[PDF_MAX_NEST];
    uint32_t sp = 0;
    stk[sp++] = root;
    bool any = false;
    while (sp) {
        const pdf_obj *n = stk[--sp];
        const pdf_obj *nums = pdf_dict_get(ctx, n, "Nums");
        for (uint32_t i = 0; i + 1 < pdf_array_len(nums); i += 2) {
            if ((st = pith_work(ctx->doc, 1)) != PITH_OK) return st;
            int64_t k = pdf_int(pdf_array_get(ctx, nums, i), -1);
            const pdf_obj *d = pdf_array_get(ctx, nums, i + 1);
            if (k < 0 || k >= npages || !pdf_is_dict(d)) continue;
            at[k].dict = d;
            at[k].set = true;
            any = true;
        }
        const pdf_obj *kids = pdf_dict_get(ctx, n, "Kids");
        for (uint32_t i = pdf_array_len(kids); i-- > 0;) {
            const pdf_obj *raw = &kids->u.items[i];
            if (!mark(&m, raw) || sp == PDF_MAX_NEST) continue;
            const pdf_obj *kid = pdf_resolve(ctx, raw);
            if (pdf_is_dict(kid)) stk[sp++] = kid;
        }
    }
    if (!any) return PITH_OK;
    const pdf_obj *cur = NULL;
    uint32_t start = 0;
    for (uint32_t i = 0; i < npages; i++) {
        if (at[i].set) {
            cur = at[i].dict;
            start = i;
        }
        if (!cur) continue;
        label_buf b;
        b.n = 0;
        int64_t st0 = pdf_int(pdf_dict_get(ctx, cur, "St"), 1);
        if (st0 < 1) st0 = 1;
        uint64_t v = (uint64_t)st0 + (i - start);
        const pdf_obj *style = pdf_dict_get(ctx, cur, "S");
        if (pdf_is_name(style, "D")) lb_dec(&b, v);
        else if (pdf_is_name(style, "R")) lb_roman(&b, v, true);
        else if (pdf_is_name(style, "r")) lb_roman(&b, v, false);
        else if (pdf_is_name(style, "A")) lb_letters(&b, v, true);
        else if (pdf_is_name(style, "a")) lb_letters(&b, v, false);
        const pdf_obj *pre = pdf_dict_get(ctx, cur, "P");
        pith_str ps = {0};
        if (pre->kind == PDF_STRING)
            ps = pdf_text_string(pith_doc_arena(ctx->doc), pre->u.s, pre->n);
        size_t len = ps.n + b.n;
        char *s = pith_doc_alloc(ctx->doc, len + 1);
        if (!s) return pith_alloc_failed(ctx->doc, len + 1);
        if (ps.n) memcpy(s, ps.p, ps.n);
        memcpy(s + ps.n, b.s, b.n);
        s[len] = 0;
        pages[i].label.p = s;
        pages[i].label.n = len;
    }
    return PITH_OK;
}

/* MARK: - Load */

pith_status pdf_pages_load(pdf_ctx *ctx)
{
    page_list pl = {0};
    pith_arena_mark mk = pith_arena_mark_get(pith_scratch_arena(ctx->doc));
    const pdf_obj *root = pdf_dict_get_raw(ctx->catalog, "Pages");
    pith_status st = walk_tree(ctx, root, &pl);
    if (st != PITH_OK && st != PITH_E_FORMAT) return st;
    if (pl.n == 0) {
        pith_warn(ctx->doc, PITH_E_FORMAT, 0,
                  "pages: the page tree gives no page, looking for /Type /Page objects");
        if ((st = scan_pages(ctx, &pl)) != PITH_OK) return st;
    }
    int64_t count = pdf_int(pdf_dict_get(ctx, pdf_resolve(ctx, root), "Count"), -1);
    if (count >= 0 && (uint64_t)count != pl.n)
        pith_warn(ctx->doc, PITH_E_FORMAT, 0, "pages: /Count says %lld, %u pages found",
                  (long long)count, (unsigned)pl.n);
    ctx->pages = pl.v;
    ctx->npages = pl.n;
    st = load_labels(ctx, pl.v, pl.n);
    pith_arena_release(pith_scratch_arena(ctx->doc), mk);
    return st;
}
