/* pdf.c: the PDF handler (issue 7): open = header, xref (or repair), security handler,
 * catalog, page tree, metadata; one unit per page, interpreted by pdf_content.c.
 *
 * The header may follow junk (ISO 32000-1 §7.5.2 puts it first; real files carry mail headers
 * or HTML before it, and pdf.js looks in the first 1024 bytes): everything is then read
 * relative to "%PDF-", since that is what the xref offsets count from. A page whose content
 * shows no text but draws images is flagged (metadata "pages_without_text", and a warning):
 * it needs OCR, and must not look like a page that is simply empty. A damaged page is a
 * warning; the document fails only when no page can be found at all.
 */
#include "pdf.h"
#include "pdf_cjk.h"

#include <string.h>

#include "fmt.h"

#define HEADER_SEARCH 1024u

static size_t find_header(const uint8_t *d, size_t n, int *version)
{
    size_t lim = n < HEADER_SEARCH ? n : HEADER_SEARCH;
    for (size_t i = 0; i + 5 <= lim; i++) {
        if (d[i] != '%' || memcmp(d + i, "%PDF-", 5) != 0) continue;
        if (i + 8 <= n && d[i + 5] >= '1' && d[i + 5] <= '9' && d[i + 6] == '.' &&
            d[i + 7] >= '0' && d[i + 7] <= '9')
            *version = (d[i + 5] - '0') * 10 + (d[i + 7] - '0');
        return i;
    }
    return SIZE_MAX;
}

/* Objects resolved before decryption was set up (the catalog checked by the xref reader, an
 * object stream) hold undecrypted strings: forget them. */
static void forget_cache(pdf_ctx *ctx)
{
    for (uint32_t i = 0; i < ctx->nxref; i++) {
        if (i == ctx->encrypt_num) continue;
        ctx->xref[i].state = 0;
        ctx->xref[i].obj = NULL;
    }
    ctx->objstm = NULL;
    ctx->nobjstm = 0;
}

pith_status pdf_ctx_open(pith_doc *doc, const uint8_t *data, size_t len, pdf_ctx **out)
{
    *out = NULL;
    pdf_ctx *ctx = pith_doc_calloc(doc, sizeof *ctx);
    if (!ctx) return pith_alloc_failed(doc, sizeof *ctx);
    ctx->doc = doc;
    int version = 0;
    size_t h = find_header(data, len, &version);
    if (h == SIZE_MAX) {
        h = 0;
        pith_warn(doc, PITH_E_FORMAT, 0, "pdf: no %%PDF- header in the first %u bytes",
                  HEADER_SEARCH);
    }
    ctx->header_off = h;
    ctx->data = data + h;
    ctx->len = len - h;
    ctx->version = version;
    pith_status st = pdf_xref_load(ctx);
    if (st != PITH_OK) return st;
    if (!ctx->trailer || ctx->nxref == 0)
        return pith_fail(doc, PITH_E_FORMAT, h, "pdf: no cross-reference and no objects");

    const pdf_obj *enc = pdf_dict_get_raw(ctx->trailer, "Encrypt");
    if (enc->kind == PDF_REF) ctx->encrypt_num = enc->u.ref.num;
    if (pdf_is_dict(pdf_resolve(ctx, enc))) {
        st = pdf_crypt_open(ctx);
        if (st != PITH_OK) return st;
        forget_cache(ctx);
    }

    const pdf_obj *root = pdf_dict_get(ctx, ctx->trailer, "Root");
    if (!pdf_is_dict(root) && !ctx->repaired) {
        if ((st = pdf_xref_repair(ctx)) != PITH_OK) return st;
        root = pdf_dict_get(ctx, ctx->trailer, "Root");
    }
    if (!pdf_is_dict(root))
        return pith_fail(doc, PITH_E_FORMAT, h, "pdf: no document catalog (/Root)");
    ctx->catalog = (pdf_obj *)root;
    uint32_t vn;
    const uint8_t *vs = pdf_name(pdf_dict_get(ctx, root, "Version"), &vn);
    if (vs && vn >= 3 && vs[0] >= '1' && vs[0] <= '9' && vs[1] == '.' && vs[2] >= '0' &&
        vs[2] <= '9') {
        int v = (vs[0] - '0') * 10 + (vs[2] - '0');
        if (v > ctx->version) ctx->version = v;
    }

    if ((st = pdf_pages_load(ctx)) != PITH_OK) return st;
    if (ctx->npages == 0 && !ctx->repaired) {
        /* The tree may point at objects the xref got wrong. */
        if ((st = pdf_xref_repair(ctx)) != PITH_OK) return st;
        if ((st = pdf_pages_load(ctx)) != PITH_OK) return st;
    }
    if (ctx->npages == 0) return pith_fail(doc, PITH_E_FORMAT, h, "pdf: no pages found");
    if ((st = pdf_meta_load(ctx)) != PITH_OK) return st;
    *out = ctx;
    return PITH_OK;
}

/* A page's unit is named by its page label ("iv", "A-3") when the document has labels. */
static pith_str page_label(pith_doc *doc, void *state, uint32_t index)
{
    (void)doc;
    const pdf_ctx *ctx = state;
    return index < ctx->npages ? ctx->pages[index].label : (pith_str){NULL, 0};
}

static pith_status pdf_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    pdf_ctx *ctx;
    pith_status st = pdf_ctx_open(doc, data, len, &ctx);
    if (st != PITH_OK) return st;
    /* Fonts are read page by page, but a missing CMap pack must be asked for at open: the
     * JS loader and the CLI fetch a pack and retry only when pith_open names one. */
    if ((st = pdf_cjk_check_packs(ctx)) != PITH_OK) return st;
    pith_doc_set_units(doc, ctx->npages, PITH_UNIT_PAGE);
    pith_doc_set_unit_names(doc, page_label);
    *state = ctx;
    return PITH_OK;
}

/* Flag page (1-based) as needing OCR: a warning, and one "pages_without_text" metadata entry
 * per page (a repeated key is a list: the JS API gives ['1', '3']), added as the page goes, so
 * a stream reports it with the page and nothing is rewritten. */
static pith_status flag_no_text(pdf_ctx *ctx, uint32_t page)
{
    char num[24];
    size_t k = pith_fmt_u64(num, page);
    pith_status st = pith_warn(ctx->doc, PITH_E_UNSUPPORTED, 0,
                               "pdf: page %u has images and no text layer (OCR would be needed)",
                               (unsigned)page);
    if (st != PITH_OK) return st;
    return pith_doc_add_meta(ctx->doc, "pages_without_text", num, k);
}

static pith_status pdf_unit(pith_doc *doc, void *state, uint32_t index)
{
    pdf_ctx *ctx = state;
    if (index >= ctx->npages) return PITH_OK;
    bool has_images = false;
    ctx->page_chars = UINT32_MAX;
    pith_status st = pdf_content_page(ctx, index, &has_images);
    if (st != PITH_OK) {
        pith_status fatal = pith_doc_status(doc);
        if (fatal != PITH_OK) return fatal;
        if (st == PITH_E_LIMIT || st == PITH_E_NOMEM || st == PITH_E_ABORTED ||
            st == PITH_E_NEED_PACK)
            return st;
        pith_warn(doc, st, 0, "pdf: page %u is damaged, skipped what could not be read",
                  (unsigned)index + 1);
    }
    /* page_chars is set by the content interpreter; left at UINT32_MAX it is unknown and no
     * flag is raised. */
    if (has_images && ctx->page_chars == 0) return flag_no_text(ctx, index + 1);
    return PITH_OK;
}

const pith_handler pith_handler_pdf = {"pdf", pdf_open, pdf_unit};
