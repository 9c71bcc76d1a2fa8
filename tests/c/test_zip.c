/* test_zip.c: ZIP archives (issue 5).
 *
 * Suite `zip`: archives built here byte by byte after APPNOTE.TXT 6.3.10 (§4.3.7 local header,
 * §4.3.9 data descriptor with and without its signature, §4.3.12 central header, §4.3.14-16
 * ZIP64 end record, locator and end record, §4.5.3 ZIP64 extra field), lookup, extraction,
 * CRC-32, per-entry statuses, the document wrappers, and every corpus archive. Suite
 * `zip_hostile`: entry-count and ratio limits, a 42.zip-style entry, an overlapping-entry bomb,
 * a lying size, every truncation of a small DOCX and 1,000 bit-flipped copies of it.
 */
#include "decoders_util.h"

#include <criterion/criterion.h>

#include "core.h"
#include "zip.h"

/* MARK: - Archive builder */

typedef struct zb {
    uint8_t *buf;
    size_t len, cap;
    size_t cd_start;
    uint32_t count;
} zb;

static void zb_bytes(zb *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        while (b->len + n > b->cap) b->cap = b->cap ? b->cap * 2 : 4096;
        b->buf = realloc(b->buf, b->cap);
    }
    if (n) memcpy(b->buf + b->len, p, n);
    b->len += n;
}
static void zb_u16(zb *b, uint32_t v)
{
    uint8_t s[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    zb_bytes(b, s, 2);
}
static void zb_u32(zb *b, uint32_t v)
{
    zb_u16(b, v & 0xffff);
    zb_u16(b, v >> 16);
}
static void zb_u64(zb *b, uint64_t v)
{
    zb_u32(b, (uint32_t)v);
    zb_u32(b, (uint32_t)(v >> 32));
}

typedef struct zb_entry {
    const char *name;
    const uint8_t *data; /* uncompressed */
    size_t len;
    int method;          /* 0 stored, 8 deflate (fixed code), other: written as given */
    int descriptor;      /* 0 none, 1 with signature, 2 without */
    int zip64;           /* sizes and offset in ZIP64 extra fields */
    uint16_t flags;      /* added to the flags */
    const char *local_name;  /* a different name in the local header */
    uint32_t crc_xor;    /* corrupts the declared CRC */
    uint64_t usize_override; /* declared uncompressed size, when not 0 */
    const uint8_t *raw;  /* compressed bytes given as is (with method), instead of encoding */
    size_t raw_len;
    /* filled by zb_add */
    uint64_t off, csize;
    uint32_t crc;
} zb_entry;

static void zb_add(zb *b, zb_entry *e)
{
    uint8_t *comp = NULL;
    size_t clen;
    if (e->raw) {
        comp = malloc(e->raw_len + 1);
        memcpy(comp, e->raw, e->raw_len);
        clen = e->raw_len;
    } else if (e->method == 8) {
        comp = malloc(e->len * 2 + 64);
        clen = du_deflate_fixed(e->data, e->len, comp, e->len * 2 + 64, 64);
    } else {
        comp = malloc(e->len + 1);
        if (e->len) memcpy(comp, e->data, e->len);
        clen = e->len;
    }
    e->crc = du_crc32(e->data, e->len) ^ e->crc_xor;
    e->csize = clen;
    e->off = b->len;
    uint64_t usize = e->usize_override ? e->usize_override : e->len;
    const char *lname = e->local_name ? e->local_name : e->name;
    uint16_t flags = (uint16_t)(e->flags | (e->descriptor ? 8 : 0));
    zb_u32(b, 0x04034b50);
    zb_u16(b, e->zip64 ? 45 : 20);
    zb_u16(b, flags);
    zb_u16(b, (uint32_t)e->method);
    zb_u32(b, 0);
    zb_u32(b, e->descriptor ? 0 : e->crc);
    zb_u32(b, e->descriptor ? 0 : e->zip64 ? 0xffffffffu : (uint32_t)clen);
    zb_u32(b, e->descriptor ? 0 : e->zip64 ? 0xffffffffu : (uint32_t)usize);
    zb_u16(b, (uint32_t)strlen(lname));
    zb_u16(b, e->zip64 ? 20 : 0);
    zb_bytes(b, lname, strlen(lname));
    if (e->zip64) {
        zb_u16(b, 1);
        zb_u16(b, 16);
        zb_u64(b, usize);
        zb_u64(b, clen);
    }
    zb_bytes(b, comp, clen);
    if (e->descriptor) {
        if (e->descriptor == 1) zb_u32(b, 0x08074b50);
        zb_u32(b, e->crc);
        if (e->zip64) {
            zb_u64(b, clen);
            zb_u64(b, usize);
        } else {
            zb_u32(b, (uint32_t)clen);
            zb_u32(b, (uint32_t)usize);
        }
    }
    free(comp);
}

static void zb_central(zb *b, const zb_entry *e)
{
    if (b->count == 0) b->cd_start = b->len;
    uint64_t usize = e->usize_override ? e->usize_override : e->len;
    zb_u32(b, 0x02014b50);
    zb_u16(b, e->zip64 ? 45 : 20);
    zb_u16(b, e->zip64 ? 45 : 20);
    zb_u16(b, (uint16_t)(e->flags | (e->descriptor ? 8 : 0)));
    zb_u16(b, (uint32_t)e->method);
    zb_u32(b, 0);
    zb_u32(b, e->crc);
    zb_u32(b, e->zip64 ? 0xffffffffu : (uint32_t)e->csize);
    zb_u32(b, e->zip64 ? 0xffffffffu : (uint32_t)usize);
    zb_u16(b, (uint32_t)strlen(e->name));
    zb_u16(b, e->zip64 ? 28 : 0);
    zb_u16(b, 0);
    zb_u16(b, 0);
    zb_u16(b, 0);
    zb_u32(b, 0);
    zb_u32(b, e->zip64 ? 0xffffffffu : (uint32_t)e->off);
    zb_bytes(b, e->name, strlen(e->name));
    if (e->zip64) {
        zb_u16(b, 1);
        zb_u16(b, 24);
        zb_u64(b, usize);
        zb_u64(b, e->csize);
        zb_u64(b, e->off);
    }
    b->count++;
}

/* End records: ZIP64 record and locator when zip64, then the EOCD with a comment. `base` is
 * subtracted from offsets (a self-extractor's stub before the archive). */
static void zb_end(zb *b, int zip64, const char *comment, size_t comment_len, size_t base)
{
    size_t cd_size = b->len - b->cd_start, cd_off = b->cd_start - base;
    if (b->count == 0) cd_off = b->len - base;
    if (zip64) {
        size_t rec = b->len - base;
        zb_u32(b, 0x06064b50);
        zb_u64(b, 44);
        zb_u16(b, 45);
        zb_u16(b, 45);
        zb_u32(b, 0);
        zb_u32(b, 0);
        zb_u64(b, b->count);
        zb_u64(b, b->count);
        zb_u64(b, cd_size);
        zb_u64(b, cd_off);
        zb_u32(b, 0x07064b50);
        zb_u32(b, 0);
        zb_u64(b, rec);
        zb_u32(b, 1);
    }
    zb_u32(b, 0x06054b50);
    zb_u16(b, 0);
    zb_u16(b, 0);
    zb_u16(b, zip64 ? 0xffff : b->count);
    zb_u16(b, zip64 ? 0xffff : b->count);
    zb_u32(b, zip64 ? 0xffffffffu : (uint32_t)cd_size);
    zb_u32(b, zip64 ? 0xffffffffu : (uint32_t)cd_off);
    zb_u16(b, (uint32_t)comment_len);
    zb_bytes(b, comment, comment_len);
}

/* A whole archive from entries. */
static zb build(zb_entry *es, size_t n, int zip64, const char *comment)
{
    zb b = {0};
    for (size_t i = 0; i < n; i++) zb_add(&b, &es[i]);
    for (size_t i = 0; i < n; i++) zb_central(&b, &es[i]);
    zb_end(&b, zip64, comment ? comment : "", comment ? strlen(comment) : 0, 0);
    return b;
}

static pith_budget budget;
static pith_arena arena;
static void setup(void)
{
    pith_budget_init(&budget, NULL, (uint64_t)256 << 20);
    pith_arena_init(&arena, &budget, 0);
}
static void teardown(void) { pith_arena_finish(&arena); }
TestSuite(zip, .init = setup, .fini = teardown);
TestSuite(zip_hostile, .init = setup, .fini = teardown);

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

static const char doc_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:body><w:p><w:r><w:t>Hello, hello, hello from a hand-made DOCX.</w:t></w:r></w:p>"
    "<w:p><w:r><w:t xml:space=\"preserve\">Second paragraph, second paragraph. </w:t></w:r></w:p>"
    "</w:body></w:document>";
static const char ct_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/"
    "package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-"
    "officedocument.wordprocessingml.document.main+xml\"/></Types>";
static const char rels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas."
    "openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

static void expect_entry(pith_zip *z, const char *name, const void *want, size_t want_len)
{
    const pith_zip_entry *e = pith_zip_find_entry(z, name, strlen(name));
    cr_assert_not_null(e, "entry %s not found", name);
    const uint8_t *out;
    size_t n;
    pith_decode_error err;
    pith_status st = pith_zip_extract(z, &arena, e, &out, &n, &err);
    cr_assert_eq(st, PITH_OK, "%s: %s %s", name, pith_status_name(st), err.message);
    cr_assert_eq(n, want_len);
    cr_assert_arr_eq(out, want, n);
}

/* The hand-made DOCX of the truncation tests: three deflated parts, one stored. */
static zb make_docx(void)
{
    zb_entry es[] = {
        {.name = "[Content_Types].xml", .data = S(ct_xml), .method = 8},
        {.name = "_rels/.rels", .data = S(rels_xml), .method = 8},
        {.name = "word/document.xml", .data = S(doc_xml), .method = 8, .descriptor = 1},
        {.name = "docProps/app.xml", .data = S("<Properties/>"), .method = 0},
    };
    return build(es, 4, 0, NULL);
}

/* MARK: - Reading */

Test(zip, reads_stored_and_deflated_entries)
{
    zb b = make_docx();
    pith_zip z;
    pith_decode_error e;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, &e), PITH_OK, "%s", e.message);
    cr_assert_eq(z.count, 4);
    cr_assert_not(z.recovered);
    cr_assert_eq(z.entries[2].method, 8);
    cr_assert_eq(z.entries[3].method, 0);
    expect_entry(&z, "[Content_Types].xml", S(ct_xml));
    expect_entry(&z, "word/document.xml", S(doc_xml));
    expect_entry(&z, "docProps/app.xml", S("<Properties/>"));
    /* a stored entry is handed out in place */
    const uint8_t *out;
    size_t n;
    cr_assert_eq(pith_zip_extract(&z, &arena, &z.entries[3], &out, &n, &e), PITH_OK);
    cr_assert(out >= b.buf && out < b.buf + b.len);
    free(b.buf);
}

Test(zip, empty_archive_and_empty_entries)
{
    zb b = build(NULL, 0, 0, NULL);
    pith_zip z;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, NULL), PITH_OK);
    cr_assert_eq(z.count, 0);
    cr_assert_null(pith_zip_find_entry(&z, "x", 1));
    free(b.buf);
    zb_entry es[] = {{.name = "empty", .data = S(""), .method = 8}, {.name = "dir/", .data = S(""), .method = 0}};
    b = build(es, 2, 0, NULL);
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, NULL), PITH_OK);
    expect_entry(&z, "empty", "", 0);
    expect_entry(&z, "dir/", "", 0);
    free(b.buf);
}

Test(zip, finds_the_end_record_behind_a_comment)
{
    static char comment[65535];
    memset(comment, 'c', sizeof comment);
    /* A fake end record inside the comment must not be taken. */
    memcpy(comment + 100, "PK\x05\x06", 4);
    zb_entry es[] = {{.name = "a.txt", .data = S("alpha"), .method = 0}};
    for (int k = 0; k < 2; k++) {
        zb b = {0};
        zb_add(&b, &es[0]);
        zb_central(&b, &es[0]);
        zb_end(&b, 0, comment, k ? sizeof comment : 1000, 0);
        pith_zip z;
        cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, NULL), PITH_OK);
        cr_assert_eq(z.count, 1);
        expect_entry(&z, "a.txt", "alpha", 5);
        free(b.buf);
    }
}

Test(zip, reads_zip64_end_records_and_extra_fields)
{
    /* APPNOTE §4.3.14-15 and §4.5.3: every size and offset in ZIP64 fields, 0xffff/0xffffffff
     * in the classic ones. */
    zb_entry es[] = {
        {.name = "big.xml", .data = S(doc_xml), .method = 8, .zip64 = 1},
        {.name = "small.txt", .data = S("tiny"), .method = 0, .zip64 = 1},
    };
    zb b = build(es, 2, 1, "zip64");
    pith_zip z;
    pith_decode_error e;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, &e), PITH_OK, "%s", e.message);
    cr_assert_eq(z.count, 2);
    cr_assert_eq(z.entries[1].local_off, es[1].off);
    cr_assert_eq(z.entries[0].usize, sizeof doc_xml - 1);
    expect_entry(&z, "big.xml", S(doc_xml));
    expect_entry(&z, "small.txt", "tiny", 4);
    free(b.buf);
}

Test(zip, reads_data_descriptors_with_and_without_signature)
{
    zb_entry es[] = {
        {.name = "sig", .data = S(doc_xml), .method = 8, .descriptor = 1},
        {.name = "nosig", .data = S(rels_xml), .method = 8, .descriptor = 2},
        {.name = "stored", .data = S("stored with a descriptor"), .method = 0, .descriptor = 1},
        {.name = "z64", .data = S(ct_xml), .method = 8, .descriptor = 1, .zip64 = 1},
    };
    zb b = build(es, 4, 0, NULL);
    pith_zip z;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, NULL), PITH_OK);
    expect_entry(&z, "sig", S(doc_xml));
    expect_entry(&z, "nosig", S(rels_xml));
    expect_entry(&z, "stored", S("stored with a descriptor"));
    expect_entry(&z, "z64", S(ct_xml));
    free(b.buf);
}

Test(zip, tolerates_data_before_the_archive)
{
    /* A self-extractor: a stub before the archive, offsets counted from the archive start. */
    zb b = {0};
    zb_bytes(&b, "MZ self-extracting stub.........", 32);
    zb_entry e = {.name = "inside.txt", .data = S("inside"), .method = 8};
    zb_add(&b, &e);
    e.off -= 32;
    zb_central(&b, &e);
    zb_end(&b, 0, "", 0, 32);
    pith_zip z;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, NULL), PITH_OK);
    cr_assert_eq(z.count, 1);
    cr_assert_eq(z.entries[0].local_off, 32);
    expect_entry(&z, "inside.txt", "inside", 6);
    free(b.buf);
}

Test(zip, finds_entries_by_name)
{
    zb_entry es[] = {
        {.name = "word/document.xml", .data = S("one"), .method = 0},
        {.name = "[Content_Types].xml", .data = S("two"), .method = 0},
        {.name = "Word/Document.XML", .data = S("three"), .method = 0},
        {.name = "dup", .data = S("first"), .method = 0},
        {.name = "dup", .data = S("second"), .method = 0},
    };
    zb b = build(es, 5, 0, NULL);
    pith_zip z;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, NULL), PITH_OK);
    const pith_zip_entry *e = pith_zip_find_entry(&z, "word/document.xml", 17);
    cr_assert_eq(e, &z.entries[0]);
    cr_assert_eq(pith_zip_find_entry(&z, "/word/document.xml", 18), &z.entries[0], "OPC part names start with /");
    cr_assert_eq(pith_zip_find_entry(&z, "Word/Document.XML", 17), &z.entries[2]);
    cr_assert_null(pith_zip_find_entry(&z, "WORD/DOCUMENT.XML", 17));
    cr_assert_not_null(pith_zip_find_entry_icase(&z, "WORD/DOCUMENT.XML", 17));
    cr_assert_eq(pith_zip_find_entry_icase(&z, "Word/Document.XML", 17), &z.entries[2], "exact match first");
    cr_assert_eq(pith_zip_find_entry_icase(&z, "[content_types].xml", 19), &z.entries[1]);
    cr_assert_eq(pith_zip_find_entry(&z, "dup", 3), &z.entries[3], "the first of duplicates");
    cr_assert_null(pith_zip_find_entry(&z, "word", 4));
    cr_assert_null(pith_zip_find_entry(&z, "", 0));
    cr_assert_null(pith_zip_find_entry(&z, "zzz", 3));
    free(b.buf);
}

Test(zip, per_entry_statuses)
{
    zb_entry es[] = {
        {.name = "ok", .data = S("fine"), .method = 0},
        {.name = "crc", .data = S("bad crc data"), .method = 8, .crc_xor = 1},
        {.name = "enc", .data = S("secret"), .method = 0, .flags = 1},
        {.name = "bzip2", .data = S("BZh91AY"), .method = 12},
        {.name = "aes", .data = S("secret"), .method = 99},
        {.name = "liar", .data = S("local name differs"), .method = 0, .local_name = "other"},
        {.name = "after", .data = S("still readable"), .method = 8},
    };
    zb b = build(es, 7, 0, NULL);
    pith_zip z;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, NULL), PITH_OK);
    const uint8_t *out;
    size_t n;
    pith_decode_error e;
    pith_status want[] = {PITH_OK, PITH_E_FORMAT, PITH_E_ENCRYPTED, PITH_E_UNSUPPORTED,
                          PITH_E_ENCRYPTED, PITH_E_FORMAT, PITH_OK};
    for (int i = 0; i < 7; i++) {
        pith_status st = pith_zip_extract(&z, &arena, &z.entries[i], &out, &n, &e);
        cr_assert_eq(st, want[i], "entry %d: %s (%s)", i, pith_status_name(st), e.message);
        cr_assert_eq(e.code, st);
    }
    /* the CRC mismatch still hands out the data */
    pith_zip_extract(&z, &arena, &z.entries[1], &out, &n, &e);
    cr_assert_eq(n, 12);
    cr_assert_arr_eq(out, "bad crc data", 12);
    cr_assert(strstr(e.message, "crc") != NULL);
    free(b.buf);
}

Test(zip, arguments_and_garbage)
{
    pith_zip z;
    cr_assert_eq(pith_zip_open(NULL, &arena, NULL, 0, NULL, NULL), PITH_E_ARG);
    cr_assert_eq(pith_zip_open(&z, NULL, NULL, 0, NULL, NULL), PITH_E_ARG);
    cr_assert_eq(pith_zip_open(&z, &arena, NULL, 5, NULL, NULL), PITH_E_ARG);
    pith_decode_error e;
    cr_assert_eq(pith_zip_open(&z, &arena, S("not a zip at all, just text"), NULL, &e), PITH_E_FORMAT);
    cr_assert_eq(z.count, 0);
    cr_assert_eq(pith_zip_open(&z, &arena, NULL, 0, NULL, &e), PITH_E_FORMAT);
    /* An end record pointing nowhere. */
    zb b = {0};
    zb_bytes(&b, "junk", 4);
    zb_u32(&b, 0x06054b50);
    zb_u16(&b, 0);
    zb_u16(&b, 0);
    zb_u16(&b, 1);
    zb_u16(&b, 1);
    zb_u32(&b, 46);
    zb_u32(&b, 1000);
    zb_u16(&b, 0);
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, &e), PITH_E_FORMAT);
    free(b.buf);
}

Test(zip, recovers_a_truncated_archive_from_local_headers)
{
    zb_entry es[] = {
        {.name = "a.txt", .data = S("first entry"), .method = 0},
        {.name = "b.xml", .data = S(doc_xml), .method = 8, .descriptor = 1},
        {.name = "c.txt", .data = S("stored with descriptor"), .method = 0, .descriptor = 1},
        {.name = "d.txt", .data = S("after the descriptors"), .method = 8},
    };
    zb b = {0};
    for (int i = 0; i < 4; i++) zb_add(&b, &es[i]);
    size_t cut = b.len; /* no central directory, no end record */
    pith_zip z;
    pith_decode_error e;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, cut, NULL, &e), PITH_E_TRUNCATED);
    cr_assert(z.recovered);
    cr_assert_eq(z.count, 4);
    expect_entry(&z, "a.txt", S("first entry"));
    expect_entry(&z, "b.xml", S(doc_xml));
    expect_entry(&z, "c.txt", S("stored with descriptor"));
    expect_entry(&z, "d.txt", S("after the descriptors"));
    free(b.buf);
}

/* MARK: - Corpus */

typedef struct corpus_zip {
    unsigned archives, entries, ok, encrypted, other;
    size_t bytes;
} corpus_zip;

static void each_archive(const char *path, void *user)
{
    corpus_zip *c = user;
    size_t n;
    uint8_t *d = du_read(path, &n);
    if (!d || n < 4 || d[0] != 'P' || d[1] != 'K') {
        free(d);
        return;
    }
    pith_arena_mark m = pith_arena_mark_get(&arena);
    pith_zip z;
    pith_decode_error e;
    pith_status st = pith_zip_open(&z, &arena, d, n, NULL, &e);
    bool malformed = strstr(path, "/malformed/") != NULL;
    if (!malformed) cr_assert_eq(st, PITH_OK, "%s: %s", path, e.message);
    c->archives++;
    for (uint32_t i = 0; i < z.count; i++) {
        const uint8_t *out;
        size_t len;
        st = pith_zip_extract(&z, &arena, &z.entries[i], &out, &len, &e);
        c->entries++;
        if (st == PITH_OK) {
            c->ok++;
            c->bytes += len;
            /* The reference: the CRC the archive declares, computed independently. */
            if (z.entries[i].usize != UINT64_MAX)
                cr_assert_eq(du_crc32(out, len), z.entries[i].crc);
        } else if (st == PITH_E_ENCRYPTED) {
            c->encrypted++;
        } else {
            cr_assert(malformed, "%s: entry %.*s: %s", path, (int)z.entries[i].name.n, z.entries[i].name.p, e.message);
            c->other++;
        }
    }
    pith_arena_release(&arena, m);
    free(d);
}

Test(zip, every_corpus_archive_opens_and_extracts)
{
    corpus_zip c = {0};
    const char *dirs[] = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "malformed"};
    int found = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (du_each_file(dirs[i], NULL, each_archive, &c) >= 0) found = 1;
    if (!found) cr_skip("corpus not found at %s (set PITH_CORPUS)", du_corpus());
    cr_assert_gt(c.archives, 90);
    cr_assert_gt(c.ok, 1500);
    fprintf(stderr, "zip: corpus: %u archives, %u entries: %u extracted (%zu bytes, CRC-32 checked), %u encrypted, %u damaged\n",
            c.archives, c.entries, c.ok, c.bytes, c.encrypted, c.other);
}

/* MARK: - Documents */

static zb doc_zip;
static pith_status doc_st[8];
static size_t doc_len[8];

static pith_status zdoc_open(pith_doc *doc, const uint8_t *data, size_t len, void **state)
{
    pith_zip *z = pith_doc_alloc(doc, sizeof *z);
    pith_status st = pith_zip_open_doc(doc, z, data, len);
    if (st != PITH_OK) return st;
    *state = z;
    pith_doc_set_units(doc, 1, PITH_UNIT_PART);
    return PITH_OK;
}

static pith_status zdoc_unit(pith_doc *doc, void *state, uint32_t u)
{
    (void)doc;
    (void)u;
    pith_zip *z = state;
    for (uint32_t i = 0; i < z->count && i < 8; i++) {
        const uint8_t *out;
        doc_st[i] = pith_zip_extract_doc(z, NULL, &z->entries[i], &out, &doc_len[i]);
        if (doc_st[i] == PITH_E_LIMIT) return doc_st[i];
    }
    return PITH_OK;
}

static const pith_handler zip_handler = {"zip-test", zdoc_open, zdoc_unit};

static pith_status run_doc(const uint8_t *d, size_t n, const pith_options *o, pith_ctx **ctx_out)
{
    pith_ctx *ctx = pith_ctx_create(NULL);
    pith_doc *doc;
    memset(doc_st, 0xff, sizeof doc_st);
    pith_status st = pith_open_with(ctx, &zip_handler, PITH_FMT_DOCX, d, n, o, &doc);
    if (st == PITH_OK) {
        pith_chunk c;
        while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END)) {
        }
    }
    *ctx_out = ctx;
    return st;
}

Test(zip, doc_wrappers_charge_and_report)
{
    zb_entry es[] = {
        {.name = "a.xml", .data = S(doc_xml), .method = 8},
        {.name = "enc", .data = S("secret"), .method = 0, .flags = 1},
        {.name = "b.xml", .data = S(doc_xml), .method = 8},
    };
    doc_zip = build(es, 3, 0, NULL);
    pith_ctx *ctx;
    pith_options o = pith_options_default();
    cr_assert_eq(run_doc(doc_zip.buf, doc_zip.len, &o, &ctx), PITH_OK);
    cr_assert_eq(doc_st[0], PITH_OK);
    cr_assert_eq(doc_len[0], sizeof doc_xml - 1);
    cr_assert_eq(doc_st[1], PITH_E_ENCRYPTED);
    cr_assert_eq(doc_st[2], PITH_OK);
    pith_ctx_destroy(ctx);

    /* Two entries do not fit in the decompressed budget: the second is refused before it
     * is inflated, and the limit is named. */
    o.limits.max_decompressed_bytes = sizeof doc_xml + 10;
    cr_assert_eq(run_doc(doc_zip.buf, doc_zip.len, &o, &ctx), PITH_E_LIMIT);
    cr_assert_eq(doc_st[0], PITH_OK);
    cr_assert_eq(doc_st[2], PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_decompressed_bytes") != NULL, "%s", pith_ctx_error(ctx).message);
    pith_ctx_destroy(ctx);

    /* max_objects caps the entry count at open */
    o = pith_options_default();
    o.limits.max_objects = 2;
    cr_assert_eq(run_doc(doc_zip.buf, doc_zip.len, &o, &ctx), PITH_E_LIMIT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "max_objects") != NULL, "%s", pith_ctx_error(ctx).message);
    pith_ctx_destroy(ctx);

    /* Not a zip: the open fails with the reader's message */
    cr_assert_eq(run_doc(S("plain text"), &o, &ctx), PITH_E_FORMAT);
    cr_assert(strstr(pith_ctx_error(ctx).message, "zip:") != NULL);
    pith_ctx_destroy(ctx);
    free(doc_zip.buf);
}

/* MARK: - Hostile */

Test(zip_hostile, entry_count_limit)
{
    zb b = {0};
    zb_entry e = {.name = "x", .data = S("x"), .method = 0};
    zb_add(&b, &e);
    for (int i = 0; i < 100; i++) zb_central(&b, &e);
    zb_end(&b, 0, "", 0, 0);
    pith_zip_limits lim = {50, 0, 0};
    pith_zip z;
    pith_decode_error err;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, &lim, &err), PITH_E_LIMIT);
    cr_assert(strstr(err.message, "max_entries") != NULL);
    free(b.buf);
}

Test(zip_hostile, a_42_zip_style_entry_is_refused_before_allocating)
{
    /* 42.zip's innermost files: 4.3 GB each from a few MB. Declared in ZIP64 fields, refused
     * by its declared size against the budget (and against max_ratio) with no allocation. */
    static uint8_t junk[4096];
    zb_entry es[] = {{.name = "0.dat", .data = junk, .len = 0, .method = 8, .zip64 = 1,
                      .usize_override = 4600000000ull, .raw = junk, .raw_len = sizeof junk}};
    zb b = build(es, 1, 1, NULL);
    pith_zip z;
    pith_decode_error err;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, &err), PITH_OK, "%s", err.message);
    uint64_t before = budget.high;
    const uint8_t *out;
    size_t n;
    cr_assert_eq(pith_zip_extract(&z, &arena, &z.entries[0], &out, &n, &err), PITH_E_LIMIT);
    cr_assert(strstr(err.message, "max_ratio") != NULL, "%s", err.message);
    pith_zip_limits lim = {0, 2000000, 0}; /* ratio allowed: then the 1 GiB budget refuses */
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, &lim, &err), PITH_OK);
    cr_assert_eq(pith_zip_extract(&z, &arena, &z.entries[0], &out, &n, &err), PITH_E_LIMIT);
    cr_assert(strstr(err.message, "budget") != NULL, "%s", err.message);
    cr_assert_leq(budget.high - before, 64 << 10, "nothing big was allocated");
    free(b.buf);
}

Test(zip_hostile, a_deflate_bomb_entry_stops_at_the_budget)
{
    /* A real 1 GiB bomb entry (1 MiB compressed, ratio 1032 < max_ratio) declared truthfully:
     * the total budget refuses it up front. */
    size_t matches = ((size_t)1 << 30) / 258, cap = matches / 4 + 1024;
    uint8_t *bomb = malloc(cap);
    size_t bn = du_make_bomb(bomb, cap, matches);
    zb_entry es[] = {{.name = "bomb", .data = bomb, .len = 0, .method = 8, .usize_override = 1 + matches * 258,
                      .raw = bomb, .raw_len = bn}};
    zb b = build(es, 1, 0, NULL);
    pith_zip_limits lim = {0, 0, 16 << 20};
    pith_zip z;
    pith_decode_error err;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, &lim, &err), PITH_OK);
    uint64_t before = budget.high;
    const uint8_t *out;
    size_t n;
    cr_assert_eq(pith_zip_extract(&z, &arena, &z.entries[0], &out, &n, &err), PITH_E_LIMIT);
    cr_assert_leq(budget.high - before, 64 << 10);
    free(b.buf);

    /* The same bomb declaring 4 KiB: inflating stops at the declared size. */
    es[0].usize_override = 4096;
    b = build(es, 1, 0, NULL);
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, &lim, &err), PITH_OK);
    cr_assert_eq(pith_zip_extract(&z, &arena, &z.entries[0], &out, &n, &err), PITH_E_FORMAT);
    cr_assert(strstr(err.message, "declared size") != NULL, "%s", err.message);
    cr_assert_eq(n, 4096);
    free(b.buf);
    free(bomb);
}

Test(zip_hostile, overlapping_entries_fail_the_open)
{
    /* Fifield's overlapping bomb, the simple form: many central headers naming one local
     * header (one kernel, extracted a thousand times). */
    zb b = {0};
    zb_entry e = {.name = "kernel", .data = S(doc_xml), .method = 8};
    zb_add(&b, &e);
    for (int i = 0; i < 1000; i++) zb_central(&b, &e);
    zb_end(&b, 0, "", 0, 0);
    pith_zip z;
    pith_decode_error err;
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, &err), PITH_E_LIMIT);
    cr_assert(strstr(err.message, "overlap") != NULL);
    free(b.buf);

    /* The quoted form: the second entry's local header sits inside the first one's data. */
    zb_entry inner = {.name = "b", .data = S("inner data"), .method = 0};
    zb in = {0};
    zb_add(&in, &inner);
    zb_entry outer = {.name = "a", .data = in.buf, .len = in.len, .method = 0};
    b = (zb){0};
    zb_add(&b, &outer);
    inner.off = outer.off + 30 + 1; /* inside outer's data */
    zb_central(&b, &outer);
    zb_central(&b, &inner);
    zb_end(&b, 0, "", 0, 0);
    cr_assert_eq(pith_zip_open(&z, &arena, b.buf, b.len, NULL, &err), PITH_E_LIMIT);
    free(b.buf);
    free(in.buf);
}

Test(zip_hostile, every_truncation_of_a_docx)
{
    zb b = make_docx();
    pith_zip full;
    cr_assert_eq(pith_zip_open(&full, &arena, b.buf, b.len, NULL, NULL), PITH_OK);
    unsigned recovered_entries = 0;
    for (size_t t = 0; t < b.len; t++) {
        pith_arena_mark m = pith_arena_mark_get(&arena);
        pith_zip z;
        pith_decode_error err;
        pith_status st = pith_zip_open(&z, &arena, b.buf, t, NULL, &err);
        cr_assert(st == PITH_E_TRUNCATED || st == PITH_E_FORMAT, "cut at %zu: %s", t, pith_status_name(st));
        for (uint32_t i = 0; i < z.count; i++) {
            const uint8_t *out;
            size_t n;
            st = pith_zip_extract(&z, &arena, &z.entries[i], &out, &n, &err);
            cr_assert(st == PITH_OK || st == PITH_E_TRUNCATED || st == PITH_E_FORMAT, "cut at %zu: %s", t,
                      pith_status_name(st));
            const pith_zip_entry *want = pith_zip_find_entry(&full, z.entries[i].name.p, z.entries[i].name.n);
            if (st == PITH_OK) {
                cr_assert_not_null(want, "cut at %zu: an entry that is not in the archive", t);
                const uint8_t *ref;
                size_t rn;
                cr_assert_eq(pith_zip_extract(&full, &arena, want, &ref, &rn, NULL), PITH_OK);
                cr_assert_eq(n, rn);
                cr_assert_arr_eq(out, ref, n, "cut at %zu: entry %u differs", t, i);
                recovered_entries++;
            }
        }
        pith_arena_release(&arena, m);
    }
    cr_assert_gt(recovered_entries, b.len, "cut archives still give their complete entries");
    free(b.buf);
}

Test(zip_hostile, thousand_bit_flipped_docx_copies)
{
    zb b = make_docx();
    uint8_t *bad = malloc(b.len);
    uint64_t seed = 77;
    unsigned opened = 0;
    for (int i = 0; i < 1000; i++) {
        memcpy(bad, b.buf, b.len);
        for (int f = 0; f < 1 + (i % 3); f++) bad[du_below(&seed, (uint32_t)b.len)] ^= (uint8_t)(1u << du_below(&seed, 8));
        pith_arena_mark m = pith_arena_mark_get(&arena);
        pith_zip z;
        pith_decode_error err;
        pith_status st = pith_zip_open(&z, &arena, bad, b.len, NULL, &err);
        cr_assert(st == PITH_OK || st == PITH_E_TRUNCATED || st == PITH_E_FORMAT || st == PITH_E_LIMIT,
                  "%s", pith_status_name(st));
        if (st == PITH_OK) opened++;
        for (uint32_t k = 0; k < z.count; k++) {
            const uint8_t *out;
            size_t n;
            st = pith_zip_extract(&z, &arena, &z.entries[k], &out, &n, &err);
            cr_assert_neq(st, PITH_E_ARG);
            cr_assert_neq(st, PITH_E_NOMEM);
            if (st != PITH_E_LIMIT && z.entries[k].usize != UINT64_MAX) cr_assert_leq(n, z.entries[k].usize);
        }
        pith_arena_release(&arena, m);
    }
    cr_assert_gt(opened, 100);
    free(bad);
    free(b.buf);
}
