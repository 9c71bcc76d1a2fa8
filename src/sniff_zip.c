/* sniff_zip.c: tell OOXML, ODF and EPUB packages from other ZIP archives by entry names.
 *
 * Follows APPNOTE.TXT 6.3.10 §4.3 (EOCD, ZIP64 record and locator, central and local
 * headers), ECMA-376 Part 2 (OPC part names), ODF 1.2 Part 3 §3.3 and EPUB OCF 3 §4.3 (the
 * `mimetype` entry). Nothing is inflated: the only bytes read besides headers are those of a
 * STORED `mimetype`, straight from its local header's data.
 * Bounds: the EOCD search covers the last 22 + 65535 bytes; the directory walk consumes at
 * least 46 bytes per entry and stops at the end of the directory or input; without an EOCD (a
 * truncated file) a forward scan for local/central headers only moves forward. O(len) at
 * worst, normally just the directory. The end records are found by zipfmt.h, shared with the
 * archive reader (zip.c).
 */
#include "detect_int.h"

#include <stdbool.h>
#include <string.h>

#include "rd.h"
#include "zipfmt.h"

/* The longest mimetype we know is 56 bytes; a little room for a trailing newline. */
#define MIMETYPE_MAX 96u

/* What the entry names told us so far. */
typedef struct zip_seen {
    bool content_types;  /* [Content_Types].xml: an OPC package */
    bool word_main, word_part;
    bool xl_main, xl_part;
    bool ppt_main, ppt_part;
    bool odf_manifest;   /* META-INF/manifest.xml */
    bool odf_content;    /* content.xml */
    bool epub_container; /* META-INF/container.xml */
    bool opf;            /* some *.opf: an EPUB package document */
    /* From the stored `mimetype` entry: UNKNOWN when absent or unreadable (deflated),
     * ZIP when read but naming nothing we know. */
    pith_format mimetype;
} zip_seen;

static bool ieq(const uint8_t *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t a = s[i], b = (uint8_t)lit[i];
        if (a >= 'A' && a <= 'Z') a = (uint8_t)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (uint8_t)(b + 32);
        if (a != b) return false;
    }
    return true;
}

static bool iprefix(const uint8_t *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n > m && ieq(s, m, lit);
}

static bool isuffix(const uint8_t *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n > m && ieq(s + (n - m), m, lit);
}

/* Map the content of a `mimetype` entry. ODF allows no trailing bytes, but some writers add a
 * newline, so trailing whitespace is dropped. */
static pith_format mimetype_format(const uint8_t *s, size_t n)
{
    static const struct { const char *mime; pith_format f; } map[] = {
        {"application/vnd.oasis.opendocument.text", PITH_FMT_ODT},
        {"application/vnd.oasis.opendocument.text-template", PITH_FMT_ODT},
        {"application/vnd.oasis.opendocument.text-master", PITH_FMT_ODT},
        {"application/vnd.oasis.opendocument.spreadsheet", PITH_FMT_ODS},
        {"application/vnd.oasis.opendocument.spreadsheet-template", PITH_FMT_ODS},
        {"application/vnd.oasis.opendocument.presentation", PITH_FMT_ODP},
        {"application/vnd.oasis.opendocument.presentation-template", PITH_FMT_ODP},
        {"application/epub+zip", PITH_FMT_EPUB},
    };
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (ieq(s, n, map[i].mime)) return map[i].f;
    return PITH_FMT_ZIP;
}

/* Read the data of a STORED `mimetype` entry from its local header at `off`. `size` is the
 * compressed size the caller trusts (central directory, else local header). */
static void read_mimetype(zip_seen *z, const pith_rd *all, uint64_t off, uint16_t method,
                          uint64_t size)
{
    if (method != 0 || size == 0 || size > MIMETYPE_MAX) return;
    pith_rd r = pith_rd_at(all, off, ZIP_LOCAL_SIZE);
    if (pith_rd_u32le(&r) != ZIP_SIG_LOCAL) return;
    pith_rd_skip(&r, 22);
    uint16_t nlen = pith_rd_u16le(&r);
    uint16_t xlen = pith_rd_u16le(&r);
    if (r.bad) return;
    pith_rd d = pith_rd_at(all, off + ZIP_LOCAL_SIZE + nlen + xlen, size);
    const uint8_t *s = pith_rd_span(&d, (size_t)size);
    if (s) z->mimetype = mimetype_format(s, (size_t)size);
}

/* Record one entry name. Returns true once a main part settles the answer. */
static bool see_name(zip_seen *z, const uint8_t *s, size_t n)
{
    if (ieq(s, n, "word/document.xml")) z->word_main = true;
    else if (ieq(s, n, "xl/workbook.xml") || ieq(s, n, "xl/workbook.bin")) z->xl_main = true;
    else if (ieq(s, n, "ppt/presentation.xml")) z->ppt_main = true;
    else if (ieq(s, n, "[Content_Types].xml")) z->content_types = true;
    else if (ieq(s, n, "META-INF/manifest.xml")) z->odf_manifest = true;
    else if (ieq(s, n, "content.xml")) z->odf_content = true;
    else if (ieq(s, n, "META-INF/container.xml")) z->epub_container = true;
    else if (isuffix(s, n, ".opf")) z->opf = true;
    if (iprefix(s, n, "word/")) z->word_part = true;
    else if (iprefix(s, n, "xl/")) z->xl_part = true;
    else if (iprefix(s, n, "ppt/")) z->ppt_part = true;
    return z->word_main || z->xl_main || z->ppt_main;
}

static pith_format decide(const zip_seen *z, pith_format hint)
{
    if (z->word_main) return PITH_FMT_DOCX;
    if (z->xl_main) return PITH_FMT_XLSX;
    if (z->ppt_main) return PITH_FMT_PPTX;
    if (z->mimetype != PITH_FMT_UNKNOWN && z->mimetype != PITH_FMT_ZIP) return z->mimetype;
    if (z->content_types) {
        /* An OPC package whose main part has another name (the name really comes from
         * _rels/.rels, which we would have to inflate): go by the folder. */
        if (z->word_part) return PITH_FMT_DOCX;
        if (z->xl_part) return PITH_FMT_XLSX;
        if (z->ppt_part) return PITH_FMT_PPTX;
    }
    if (z->mimetype == PITH_FMT_UNKNOWN) {
        if (z->odf_manifest && z->odf_content) {
            /* ODF whose mimetype is deflated or missing: the kind is inside content.xml,
             * which we do not inflate. The hint may say; else ODT, and the ODF handler
             * (one handler for all three) finds the real kind in content.xml. */
            if (hint == PITH_FMT_ODS || hint == PITH_FMT_ODP) return hint;
            return PITH_FMT_ODT;
        }
        if (z->epub_container && z->opf) return PITH_FMT_EPUB;
    }
    return PITH_FMT_ZIP;
}

/* Walk central directory entries at [off, off+size) (clamped to the input). Each entry
 * consumes at least 46 bytes, so the loop is bounded by size/46. */
static void walk_cd(zip_seen *z, const pith_rd *all, uint64_t off, uint64_t size)
{
    size_t total = pith_rd_size(all);
    if (off > total) return;
    if (size > total - off) size = total - off;
    pith_rd r = pith_rd_at(all, off, size);
    while (pith_rd_left(&r) >= ZIP_CENTRAL_SIZE) {
        if (pith_rd_u32le(&r) != ZIP_SIG_CENTRAL) return;
        pith_rd_skip(&r, 6);
        uint16_t method = pith_rd_u16le(&r);
        pith_rd_skip(&r, 8);
        uint32_t csize = pith_rd_u32le(&r);
        pith_rd_skip(&r, 4);
        uint16_t nlen = pith_rd_u16le(&r);
        uint16_t xlen = pith_rd_u16le(&r);
        uint16_t clen = pith_rd_u16le(&r);
        pith_rd_skip(&r, 8);
        uint32_t local = pith_rd_u32le(&r);
        const uint8_t *name = pith_rd_span(&r, nlen);
        pith_rd_skip(&r, (size_t)xlen + clen);
        if (!name) return;
        if (ieq(name, nlen, "mimetype")) read_mimetype(z, all, local, method, csize);
        if (see_name(z, name, nlen)) return;
        if (r.bad) return;
    }
}

/* No usable central directory (truncated archive): scan forward for local and central
 * headers and take their names. A local header whose size is known is skipped whole; else
 * (data descriptor, ZIP64) the scan resumes at the next byte, so every byte is visited at
 * most a constant number of times. Names found inside compressed data by chance only matter
 * if they spell one of the exact names above. */
static void scan_headers(zip_seen *z, const pith_rd *all)
{
    const uint8_t *data = all->base;
    size_t len = pith_rd_size(all);
    size_t pos = 0;
    while (len - pos >= ZIP_LOCAL_SIZE) {
        const uint8_t *p = data + pos;
        if (p[0] != 'P' || p[1] != 'K' || !((p[2] == 3 && p[3] == 4) || (p[2] == 1 && p[3] == 2))) {
            pos++;
            continue;
        }
        pith_rd r = pith_rd_at(all, pos, len - pos);
        uint32_t sig = pith_rd_u32le(&r);
        if (sig == ZIP_SIG_LOCAL) {
            pith_rd_skip(&r, 2);
            uint16_t flags = pith_rd_u16le(&r);
            uint16_t method = pith_rd_u16le(&r);
            pith_rd_skip(&r, 8);
            uint32_t csize = pith_rd_u32le(&r);
            pith_rd_skip(&r, 4);
            uint16_t nlen = pith_rd_u16le(&r);
            uint16_t xlen = pith_rd_u16le(&r);
            const uint8_t *name = pith_rd_span(&r, nlen);
            pith_rd_skip(&r, xlen);
            if (!name || r.bad) return; /* header cut off by the end of the input */
            if (ieq(name, nlen, "mimetype") && !(flags & 8u))
                read_mimetype(z, all, pos, method, csize);
            if (see_name(z, name, nlen)) return;
            size_t data_at = pith_rd_pos(&r);
            if (!(flags & 8u) && csize != 0xffffffffu && csize <= len - data_at)
                pos = data_at + csize;
            else
                pos = data_at;
        } else {
            if (len - pos < ZIP_CENTRAL_SIZE) return;
            pith_rd_skip(&r, 24);
            uint16_t nlen = pith_rd_u16le(&r);
            uint16_t xlen = pith_rd_u16le(&r);
            uint16_t clen = pith_rd_u16le(&r);
            pith_rd_skip(&r, 12);
            const uint8_t *name = pith_rd_span(&r, nlen);
            pith_rd_skip(&r, (size_t)xlen + clen);
            if (!name) return;
            if (see_name(z, name, nlen)) return;
            pos = r.bad ? len : pith_rd_pos(&r);
        }
    }
}

pith_format pith_sniff_zip_format(const uint8_t *data, size_t len, pith_format hint)
{
    zip_seen z;
    memset(&z, 0, sizeof z);
    z.mimetype = PITH_FMT_UNKNOWN;
    pith_rd all = pith_rd_make(data, len);

    size_t eocd;
    zipfmt_cd cd;
    uint64_t off;
    bool walked = false;
    if (zipfmt_find_eocd(data, len, &eocd) && zipfmt_locate_cd(&all, eocd, &cd) &&
        zipfmt_cd_start(&all, &cd, &off)) {
        walk_cd(&z, &all, off, cd.size);
        walked = true;
    }
    if (!walked) scan_headers(&z, &all);
    return decide(&z, hint);
}
