/* zip.c: ZIP archives (APPNOTE.TXT 6.3.10): directory, lookup by name, entry extraction.
 *
 * Follows §4.3.7 (local header), §4.3.9 (data descriptor), §4.3.12 (central header), §4.5.3
 * (ZIP64 extra field); the end records come from zipfmt.h (shared with detection). Reads STORED
 * and DEFLATE entries; leaves out encryption (PITH_E_ENCRYPTED), other methods
 * (PITH_E_UNSUPPORTED), multi-disk archives (treated as one), and file comments.
 * Limits: max_entries at open; per entry max_ratio and the output budget, checked against the
 * declared sizes before any allocation; overlapping entry data (a bomb) fails the open.
 * Bounds: the directory walk consumes >= 46 bytes per entry; the recovery scan only moves
 * forward; sorting is a heapsort (no recursion, O(n log n) whatever the input).
 */
#include "zip.h"

#include <string.h>

#include "crc32.h"
#include "inflate.h"
#include "rd.h"
#include "zipfmt.h"

#define DEFAULT_MAX_ENTRIES (65535u * 16u)
#define DEFAULT_MAX_RATIO 2000u
#define DEFAULT_MAX_TOTAL ((uint64_t)1 << 30)

#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_STRONG 0x0040u
#define METHOD_STORED 0u
#define METHOD_DEFLATE 8u
#define METHOD_AES 99u /* WinZip AES: encrypted whatever the flags say */

/* An entry found by the recovery scan whose local header defers its sizes to a data
 * descriptor: csize is "the rest of the input", usize unknown, the CRC read after inflating. */
#define SIZE_UNKNOWN UINT64_MAX

static const char msg_too_many[] = "zip: more entries than the limit (max_entries)";

/* MARK: - Names */

static inline uint8_t fold(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c; }

static int cmp_folded(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    for (size_t i = 0; i < n; i++) {
        if (a[i] == b[i]) continue; /* the common case, without fold (a call at -Oz) */
        uint8_t x = fold(a[i]), y = fold(b[i]);
        if (x != y) return x < y ? -1 : 1;
    }
    return an < bn ? -1 : an > bn ? 1 : 0;
}

static int cmp_exact(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

/* MARK: - Heapsort */

typedef int (*cmp_fn)(const pith_zip *z, uint32_t a, uint32_t b);

static int by_name(const pith_zip *z, uint32_t a, uint32_t b)
{
    const pith_str *x = &z->entries[a].name, *y = &z->entries[b].name;
    int c = cmp_folded((const uint8_t *)x->p, x->n, (const uint8_t *)y->p, y->n);
    if (!c) c = cmp_exact((const uint8_t *)x->p, x->n, (const uint8_t *)y->p, y->n);
    if (!c) c = a < b ? -1 : a > b ? 1 : 0;
    return c;
}

static int by_offset(const pith_zip *z, uint32_t a, uint32_t b)
{
    uint64_t x = z->entries[a].local_off, y = z->entries[b].local_off;
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

static void sift_down(const pith_zip *z, uint32_t *v, size_t root, size_t n, cmp_fn cmp)
{
    /* Each pass moves root one level down: at most log2(n) passes. */
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && cmp(z, v[child], v[child + 1]) < 0) child++;
        if (cmp(z, v[root], v[child]) >= 0) return;
        uint32_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void heapsort_idx(const pith_zip *z, uint32_t *v, size_t n, cmp_fn cmp)
{
    if (n < 2) return;
    for (size_t i = n / 2; i-- > 0;) sift_down(z, v, i, n, cmp);
    for (size_t end = n - 1; end > 0; end--) {
        uint32_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(z, v, 0, end, cmp);
    }
}

/* MARK: - Headers */

/* The ZIP64 extended information extra field (§4.5.3) replaces, in this order, exactly the
 * fields that hold 0xffffffff (0xffff for the disk). Walks the extra fields of one header;
 * each pass consumes at least 4 bytes. Returns false if the field is cut short. */
static bool read_zip64(const uint8_t *x, size_t xlen, uint64_t *usize, uint64_t *csize,
                       uint64_t *local)
{
    pith_rd r = pith_rd_make(x, xlen);
    while (pith_rd_left(&r) >= 4) {
        uint16_t id = pith_rd_u16le(&r);
        uint16_t n = pith_rd_u16le(&r);
        pith_rd f = pith_rd_at(&r, pith_rd_pos(&r), n);
        pith_rd_skip(&r, n);
        if (id != 0x0001) continue;
        if (f.bad) return false;
        if (usize && *usize == 0xffffffffu) *usize = pith_rd_u64le(&f);
        if (csize && *csize == 0xffffffffu) *csize = pith_rd_u64le(&f);
        if (local && *local == 0xffffffffu) *local = pith_rd_u64le(&f);
        return !f.bad;
    }
    return true;
}

/* An entry's fields as a central-directory record or a local header gives them. */
static void entry_set(pith_zip_entry *e, const uint8_t *name, size_t nlen, uint32_t crc,
                      uint16_t method, uint16_t flags, uint32_t index, uint64_t csize,
                      uint64_t usize, uint64_t local)
{
    memset(e, 0, sizeof *e);
    e->name.p = (const char *)name;
    e->name.n = nlen;
    e->crc = crc;
    e->method = method;
    e->flags = flags;
    e->index = index;
    e->csize = csize;
    e->usize = usize;
    e->local_off = local;
}

static pith_status method_status(uint16_t method, uint16_t flags)
{
    if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG)) || method == METHOD_AES) return PITH_E_ENCRYPTED;
    if (method != METHOD_STORED && method != METHOD_DEFLATE) return PITH_E_UNSUPPORTED;
    return PITH_OK;
}

/* Cross-check an entry read from the central directory against its local header, and find
 * where its data starts. Problems stay with the entry (its status), not the archive. */
static void check_local(const pith_rd *all, pith_zip_entry *e)
{
    pith_rd r = pith_rd_at(all, e->local_off, ZIP_LOCAL_SIZE);
    uint32_t sig = pith_rd_u32le(&r);
    pith_rd_skip(&r, 2);
    uint16_t flags = pith_rd_u16le(&r);
    uint16_t method = pith_rd_u16le(&r);
    pith_rd_skip(&r, 8);
    uint32_t csize = pith_rd_u32le(&r);
    uint32_t usize = pith_rd_u32le(&r);
    uint16_t nlen = pith_rd_u16le(&r);
    uint16_t xlen = pith_rd_u16le(&r);
    if (r.bad) {
        e->status = PITH_E_TRUNCATED;
        return;
    }
    if (sig != ZIP_SIG_LOCAL || method != e->method) {
        e->status = PITH_E_FORMAT;
        return;
    }
    pith_rd rest = pith_rd_at(all, e->local_off + ZIP_LOCAL_SIZE, (uint64_t)nlen + xlen);
    const uint8_t *name = pith_rd_span(&rest, nlen);
    if (!name) {
        e->status = PITH_E_TRUNCATED;
        return;
    }
    /* The name decides what a reader extracts: two names for one entry is how archives lie. */
    if (cmp_exact(name, nlen, (const uint8_t *)e->name.p, e->name.n) != 0) {
        e->status = PITH_E_FORMAT;
        return;
    }
    /* Sizes must agree unless a data descriptor carries them (or ZIP64 moved them). */
    if (!(flags & FLAG_DESCRIPTOR) && !(e->flags & FLAG_DESCRIPTOR) && csize != 0xffffffffu &&
        usize != 0xffffffffu && (csize != e->csize || usize != e->usize)) {
        e->status = PITH_E_FORMAT;
        return;
    }
    e->data_off = e->local_off + ZIP_LOCAL_SIZE + nlen + xlen;
    if (e->data_off > pith_rd_size(all) || e->csize > pith_rd_size(all) - e->data_off) {
        e->status = PITH_E_TRUNCATED;
        return;
    }
    if (e->status == PITH_OK) e->status = method_status(e->method, e->flags);
}

/* Walk the central directory at [off, off+size): count entries (entries == NULL) or fill
 * them. Each pass consumes at least 46 bytes. Returns the count; *bad when a header is cut or
 * malformed before the directory's end. */
static uint32_t walk_cd(const pith_rd *all, uint64_t off, uint64_t size, pith_zip_entry *entries,
                        uint32_t max, bool *bad)
{
    *bad = false;
    pith_rd r = pith_rd_at(all, off, size);
    if (r.bad) {
        /* A directory running past the end: read what is there, then say so. */
        *bad = true;
        r = pith_rd_at(all, off, off <= pith_rd_size(all) ? pith_rd_size(all) - off : 0);
    }
    uint32_t n = 0;
    while (pith_rd_left(&r) >= ZIP_CENTRAL_SIZE && n < max) {
        if (pith_rd_u32le(&r) != ZIP_SIG_CENTRAL) {
            *bad = true;
            break;
        }
        pith_rd_skip(&r, 4);
        uint16_t flags = pith_rd_u16le(&r);
        uint16_t method = pith_rd_u16le(&r);
        pith_rd_skip(&r, 4);
        uint32_t crc = pith_rd_u32le(&r);
        uint64_t csize = pith_rd_u32le(&r);
        uint64_t usize = pith_rd_u32le(&r);
        uint16_t nlen = pith_rd_u16le(&r);
        uint16_t xlen = pith_rd_u16le(&r);
        uint16_t clen = pith_rd_u16le(&r);
        pith_rd_skip(&r, 8);
        uint64_t local = pith_rd_u32le(&r);
        const uint8_t *name = pith_rd_span(&r, nlen);
        const uint8_t *extra = pith_rd_span(&r, xlen);
        pith_rd_skip(&r, clen);
        if (r.bad) {
            *bad = true;
            break;
        }
        if (entries) {
            pith_zip_entry *e = &entries[n];
            bool z64 = read_zip64(extra, xlen, &usize, &csize, &local);
            entry_set(e, name, nlen, crc, method, flags, n, csize, usize, local);
            if (!z64) e->status = PITH_E_FORMAT;
            e->data_off = local;
        }
        n++;
    }
    return n;
}

/* A stored entry whose sizes are in a data descriptor: find the descriptor whose compressed
 * size is its distance from the data (a signature alone could be in the data). Forward scan,
 * bounded by the input. */
static bool find_stored_descriptor(const pith_rd *all, uint64_t data_off, uint64_t *size,
                                   uint32_t *crc)
{
    size_t len = pith_rd_size(all);
    for (uint64_t p = data_off; p + 16 <= len; p++) {
        const uint8_t *s = all->base + p;
        if (s[0] != 'P' || s[1] != 'K' || s[2] != 7 || s[3] != 8) continue;
        if (pith_le32(s + 8) == p - data_off && pith_le32(s + 12) == p - data_off) {
            *size = p - data_off;
            *crc = pith_le32(s + 4);
            return true;
        }
    }
    return false;
}

/* No usable directory: take the entries from the local headers, front to back. Counts them
 * (entries == NULL) or fills them. A header whose size is known is skipped whole; otherwise the
 * scan goes on right after it, so it only ever moves forward. */
static uint32_t scan_locals(const pith_rd *all, pith_zip_entry *entries, uint32_t max)
{
    const uint8_t *data = all->base;
    size_t len = pith_rd_size(all), pos = 0;
    uint32_t n = 0;
    while (len - pos >= ZIP_LOCAL_SIZE && n < max) {
        const uint8_t *p = data + pos;
        if (p[0] != 'P' || p[1] != 'K' || p[2] != 3 || p[3] != 4) {
            const uint8_t *q = memchr(p + 1, 'P', len - pos - 1);
            pos = q ? (size_t)(q - data) : len;
            continue;
        }
        pith_rd r = pith_rd_at(all, pos + 6, len - pos - 6);
        uint16_t flags = pith_rd_u16le(&r);
        uint16_t method = pith_rd_u16le(&r);
        pith_rd_skip(&r, 4);
        uint32_t crc = pith_rd_u32le(&r);
        uint64_t csize = pith_rd_u32le(&r);
        uint64_t usize = pith_rd_u32le(&r);
        uint16_t nlen = pith_rd_u16le(&r);
        uint16_t xlen = pith_rd_u16le(&r);
        const uint8_t *name = pith_rd_span(&r, nlen);
        const uint8_t *extra = pith_rd_span(&r, xlen);
        if (r.bad) break; /* the last header is cut: nothing more to find */
        size_t data_off = pith_rd_pos(&r);
        pith_status st = read_zip64(extra, xlen, &usize, &csize, NULL) ? PITH_OK : PITH_E_FORMAT;
        size_t next = data_off;
        if (flags & FLAG_DESCRIPTOR) {
            if (method == METHOD_STORED) {
                uint64_t sz;
                uint32_t c;
                if (find_stored_descriptor(all, data_off, &sz, &c)) {
                    csize = usize = sz;
                    crc = c;
                    next = data_off + (size_t)sz;
                } else {
                    st = PITH_E_FORMAT;
                }
            } else {
                csize = len - data_off;
                usize = SIZE_UNKNOWN;
            }
        } else if (csize <= len - data_off) {
            next = data_off + (size_t)csize;
        } else {
            st = PITH_E_TRUNCATED;
        }
        if (entries) {
            pith_zip_entry *e = &entries[n];
            entry_set(e, name, nlen, crc, method, flags, n, csize, usize, pos);
            e->data_off = data_off;
            e->status = st != PITH_OK ? st : method_status(method, flags);
        }
        n++;
        pos = next > pos ? next : pos + 1;
    }
    return n;
}

/* MARK: - Open */

static pith_status alloc_fail(pith_arena *a, pith_decode_error *err)
{
    pith_status why = a->budget && a->budget->last_fail == PITH_E_LIMIT ? PITH_E_LIMIT : PITH_E_NOMEM;
    return pith_decode_set(err, why, 0, "zip: no memory for the entry table");
}

pith_status pith_zip_open(pith_zip *z, pith_arena *a, const uint8_t *data, size_t len,
                          const pith_zip_limits *lim, pith_decode_error *err)
{
    pith_decode_clear(err);
    if (!z) return pith_decode_set(err, PITH_E_ARG, 0, "zip: NULL archive");
    memset(z, 0, sizeof *z);
    if (!a || (!data && len)) return pith_decode_set(err, PITH_E_ARG, 0, "zip: NULL argument");
    static const uint8_t none[1] = {0};
    z->data = data ? data : none;
    z->len = len;
    if (lim) z->limits = *lim;
    if (!z->limits.max_entries) z->limits.max_entries = DEFAULT_MAX_ENTRIES;
    if (!z->limits.max_ratio) z->limits.max_ratio = DEFAULT_MAX_RATIO;
    if (!z->limits.max_total) z->limits.max_total = DEFAULT_MAX_TOTAL;
    uint32_t max = z->limits.max_entries;

    pith_rd all = pith_rd_make(z->data, len);
    pith_status st = PITH_OK;
    const char *why = "";
    uint64_t why_off = 0;
    size_t eocd;
    zipfmt_cd cd;
    uint64_t cd_off;
    if (!zipfmt_find_eocd(z->data, len, &eocd)) {
        st = PITH_E_TRUNCATED;
        why = "zip: no end of central directory record (truncated archive?)";
        why_off = len;
    } else if (!zipfmt_locate_cd(&all, eocd, &cd) || !zipfmt_cd_start(&all, &cd, &cd_off)) {
        st = PITH_E_FORMAT;
        why = "zip: central directory not found where the end record says";
        why_off = eocd;
    } else {
        bool bad;
        /* Count first (bounded by size / 46), one past the limit to see it passed. */
        uint32_t n = walk_cd(&all, cd_off, cd.size, NULL, max == UINT32_MAX ? max : max + 1, &bad);
        if (n > max)
            return pith_decode_set(err, PITH_E_LIMIT, cd_off, msg_too_many);
        if (bad || (n == 0 && cd.size > 0)) {
            st = PITH_E_FORMAT;
            why = "zip: damaged central directory";
            why_off = cd_off;
        } else {
            size_t bytes;
            if (!pith_size_mul(n, sizeof *z->entries, &bytes)) return alloc_fail(a, err);
            z->entries = pith_arena_alloc(a, bytes);
            if (!z->entries) return alloc_fail(a, err);
            z->count = walk_cd(&all, cd_off, cd.size, z->entries, n, &bad);
            /* Data prepended to the archive (a self-extractor's stub) moved the directory by
             * `shift`; offsets in it count from the archive's own start, so they move too. */
            uint64_t shift = cd_off > cd.off ? cd_off - cd.off : 0;
            for (uint32_t i = 0; i < z->count; i++) {
                pith_zip_entry *e = &z->entries[i];
                if (e->status != PITH_OK) continue;
                if (shift && !zipfmt_sig_at(&all, e->local_off, ZIP_SIG_LOCAL) &&
                    e->local_off <= UINT64_MAX - shift)
                    e->local_off += shift;
                check_local(&all, e);
            }
        }
    }
    if (st != PITH_OK) {
        z->recovered = true;
        uint32_t n = scan_locals(&all, NULL, max == UINT32_MAX ? max : max + 1);
        if (n > max)
            return pith_decode_set(err, PITH_E_LIMIT, 0, msg_too_many);
        size_t bytes;
        if (!pith_size_mul(n, sizeof *z->entries, &bytes)) return alloc_fail(a, err);
        z->entries = pith_arena_alloc(a, bytes);
        if (!z->entries) return alloc_fail(a, err);
        z->count = scan_locals(&all, z->entries, n);
        if (n == 0 && st == PITH_E_TRUNCATED) {
            st = PITH_E_FORMAT;
            why = "zip: not a zip archive (no end record, no local header)";
            why_off = 0;
        }
    }

    /* Sorted by local header offset, no entry's span [local header, end of data) may reach
     * into the next one's. */
    size_t ibytes;
    if (!pith_size_mul(z->count, sizeof *z->by_name, &ibytes)) return alloc_fail(a, err);
    z->by_name = pith_arena_alloc(a, ibytes);
    if (!z->by_name) return alloc_fail(a, err);
    uint32_t m = 0;
    for (uint32_t i = 0; i < z->count; i++)
        if (z->entries[i].status != PITH_E_FORMAT && z->entries[i].status != PITH_E_TRUNCATED &&
            z->entries[i].usize != SIZE_UNKNOWN)
            z->by_name[m++] = i;
    heapsort_idx(z, z->by_name, m, by_offset);
    for (uint32_t k = 1; k < m; k++) {
        const pith_zip_entry *p = &z->entries[z->by_name[k - 1]], *q = &z->entries[z->by_name[k]];
        if (q->local_off < p->data_off + p->csize)
            return pith_decode_set(err, PITH_E_LIMIT, q->local_off,
                                   "zip: entries overlap (an overlapping-entry bomb)");
    }

    for (uint32_t i = 0; i < z->count; i++) z->by_name[i] = i;
    heapsort_idx(z, z->by_name, z->count, by_name);
    return st == PITH_OK ? PITH_OK : pith_decode_set(err, st, why_off, why);
}

/* MARK: - Lookup */

/* First position in by_name whose name is not below key (folded order; then exact order when
 * `exact`). Binary search: log2(count) steps. */
static uint32_t lower_bound(const pith_zip *z, const uint8_t *key, size_t n, bool exact)
{
    uint32_t lo = 0, hi = z->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const pith_str *s = &z->entries[z->by_name[mid]].name;
        int c = cmp_folded((const uint8_t *)s->p, s->n, key, n);
        if (!c && exact) c = cmp_exact((const uint8_t *)s->p, s->n, key, n);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void strip_slash(const char **name, size_t *n)
{
    if (*n > 0 && (*name)[0] == '/') {
        (*name)++;
        (*n)--;
    }
}

/* The entry named key[0..n), exactly or ASCII-folded, or NULL. */
static const pith_zip_entry *find(const pith_zip *z, const char *name, size_t n, bool exact)
{
    const uint8_t *key = (const uint8_t *)name;
    uint32_t i = lower_bound(z, key, n, exact);
    if (i == z->count) return NULL;
    const pith_zip_entry *e = &z->entries[z->by_name[i]];
    const uint8_t *en = (const uint8_t *)e->name.p;
    return (exact ? cmp_exact(en, e->name.n, key, n) : cmp_folded(en, e->name.n, key, n)) == 0 ? e
                                                                                            : NULL;
}

/* As given first (a ZIP may hold a name that starts with '/'), then without its leading '/'
 * (OPC part names have one, ZIP names usually do not). */
static const pith_zip_entry *find_either(const pith_zip *z, const char *name, size_t n, bool exact)
{
    const pith_zip_entry *e = find(z, name, n, exact);
    if (e) return e;
    size_t m = n;
    strip_slash(&name, &m);
    return m != n ? find(z, name, m, exact) : NULL;
}

const pith_zip_entry *pith_zip_find_entry(const pith_zip *z, const char *name, size_t n)
{
    if (!z || !name || !z->count) return NULL;
    return find_either(z, name, n, true);
}

const pith_zip_entry *pith_zip_find_entry_icase(const pith_zip *z, const char *name, size_t n)
{
    if (!z || !name || !z->count) return NULL;
    const pith_zip_entry *e = find_either(z, name, n, true);
    return e ? e : find_either(z, name, n, false);
}

/* MARK: - Extract */

static const char *status_message(pith_status st)
{
    switch (st) {
    case PITH_E_ENCRYPTED: return "zip: entry is encrypted";
    case PITH_E_UNSUPPORTED: return "zip: entry uses an unsupported compression method";
    case PITH_E_TRUNCATED: return "zip: entry data runs past the end of the archive";
    default: return "zip: entry header does not match the central directory";
    }
}

/* Which limit stopped an extraction (for the doc wrapper's message). */
typedef enum stop_kind { STOP_NONE, STOP_RATIO, STOP_BUDGET } stop_kind;

static pith_status extract(pith_zip *z, pith_arena *a, const pith_zip_entry *e, uint64_t budget,
                           const uint8_t **out, size_t *out_len, pith_decode_error *err,
                           stop_kind *stop)
{
    *out = NULL;
    *out_len = 0;
    *stop = STOP_NONE;
    pith_decode_clear(err);
    if (!z || !e || !a) return pith_decode_set(err, PITH_E_ARG, 0, "zip: NULL argument");
    if (e->status != PITH_OK) return pith_decode_set(err, e->status, e->local_off, status_message(e->status));
    const uint8_t *src = z->data + e->data_off;
    size_t csize = (size_t)e->csize; /* checked against the input at open */
    uint32_t crc = e->crc;

    if (e->method == METHOD_STORED) {
        *out = src;
        *out_len = csize;
        if (e->usize != e->csize)
            return pith_decode_set(err, PITH_E_FORMAT, e->local_off,
                                   "zip: stored entry sizes differ");
    } else if (e->usize != SIZE_UNKNOWN) {
        /* Refuse before allocating: the declared size must be plausible and affordable. */
        uint64_t by_ratio = e->csize > UINT64_MAX / z->limits.max_ratio
                                ? UINT64_MAX
                                : e->csize * z->limits.max_ratio;
        if (e->usize > by_ratio) {
            *stop = STOP_RATIO;
            return pith_decode_set(err, PITH_E_LIMIT, e->local_off,
                                   "zip: entry's declared size passes max_ratio");
        }
        if (e->usize > budget || e->usize > SIZE_MAX) {
            *stop = STOP_BUDGET;
            return pith_decode_set(err, PITH_E_LIMIT, e->local_off,
                                   "zip: entry's declared size passes the output budget");
        }
        uint8_t *buf = pith_arena_alloc(a, (size_t)e->usize);
        if (!buf) {
            pith_status why = a->budget && a->budget->last_fail == PITH_E_LIMIT ? PITH_E_LIMIT : PITH_E_NOMEM;
            return pith_decode_set(err, why, e->local_off, "zip: no memory for the entry");
        }
        pith_inflate_result r;
        pith_decode_error ie;
        pith_status st = pith_inflate_buf(src, csize, PITH_INFLATE_RAW, buf, (size_t)e->usize, &r, &ie);
        *out = buf;
        *out_len = r.out_len;
        z->extracted += r.out_len;
        if (st == PITH_E_LIMIT)
            return pith_decode_set(err, PITH_E_FORMAT, e->data_off + ie.offset,
                                   "zip: entry inflates past its declared size");
        if (st != PITH_OK) return pith_decode_set(err, st, e->data_off + ie.offset, ie.message);
        if (r.out_len != e->usize)
            return pith_decode_set(err, PITH_E_FORMAT, e->data_off + r.in_used,
                                   "zip: entry inflates to less than its declared size");
    } else {
        /* Recovered entry with a data descriptor: the stream's end tells its size, the
         * descriptor after it the CRC. */
        uint64_t by_ratio = e->csize > UINT64_MAX / z->limits.max_ratio
                                ? UINT64_MAX
                                : e->csize * z->limits.max_ratio;
        uint64_t max = by_ratio < budget ? by_ratio : budget;
        if (max > SIZE_MAX) max = SIZE_MAX;
        uint8_t *buf;
        pith_inflate_result r;
        pith_decode_error ie;
        pith_status st = pith_inflate_alloc(a, src, csize, PITH_INFLATE_RAW, 0, (size_t)max, &buf, &r, &ie);
        *out = buf;
        *out_len = r.out_len;
        z->extracted += r.out_len;
        if (st == PITH_E_LIMIT && buf) {
            *stop = by_ratio < budget ? STOP_RATIO : STOP_BUDGET;
            return pith_decode_set(err, st, e->local_off, "zip: entry inflates past its limit");
        }
        if (st != PITH_OK) return pith_decode_set(err, st, e->data_off + ie.offset, ie.message);
        pith_rd all = pith_rd_make(z->data, z->len);
        pith_rd d = pith_rd_at(&all, e->data_off + r.in_used, 16);
        uint32_t w = pith_rd_u32le(&d);
        if (w == ZIP_SIG_DESC) w = pith_rd_u32le(&d);
        if (d.bad)
            return pith_decode_set(err, PITH_E_TRUNCATED, e->data_off + r.in_used,
                                   "zip: entry's data descriptor is missing");
        crc = w;
    }
    if (pith_crc32_update(0, *out, *out_len) != crc)
        return pith_decode_set(err, PITH_E_FORMAT, e->local_off, "zip: entry crc-32 mismatch");
    return PITH_OK;
}

pith_status pith_zip_extract(pith_zip *z, pith_arena *a, const pith_zip_entry *e,
                             const uint8_t **out, size_t *out_len, pith_decode_error *err)
{
    stop_kind stop;
    uint64_t budget = z && z->limits.max_total > z->extracted ? z->limits.max_total - z->extracted : 0;
    return extract(z, a, e, budget, out, out_len, err, &stop);
}

/* MARK: - Document wrappers */

pith_status pith_zip_open_doc(pith_doc *doc, pith_zip *z, const uint8_t *data, size_t len)
{
    const pith_limits *l = &pith_doc_options(doc)->limits;
    pith_zip_limits lim = {l->max_objects, l->max_ratio, UINT64_MAX};
    pith_decode_error e;
    pith_status st = pith_zip_open(z, pith_doc_arena(doc), data, len, &lim, &e);
    z->doc = doc;
    pith_status w = pith_work(doc, (uint64_t)z->count * 64u + 1u);
    if (w != PITH_OK) return w;
    if (st == PITH_OK) return PITH_OK;
    if ((st == PITH_E_TRUNCATED || st == PITH_E_FORMAT) && z->recovered && z->count > 0) {
        pith_warn(doc, st, e.offset, "%s: read %u entries from their local headers", e.message,
                  z->count);
        return pith_doc_status(doc) == PITH_OK ? PITH_OK : pith_doc_status(doc);
    }
    if (st == PITH_E_LIMIT && e.message == msg_too_many)
        return pith_fail(doc, st, e.offset, "zip: more than %u entries (limit max_objects)",
                         lim.max_entries);
    return pith_fail(doc, st, e.offset, "%s", e.message);
}

pith_status pith_zip_extract_doc(pith_zip *z, pith_arena *a, const pith_zip_entry *e,
                                 const uint8_t **out, size_t *out_len)
{
    pith_doc *doc = z->doc;
    if (!a) a = pith_scratch_arena(doc);
    stop_kind stop;
    pith_decode_error err;
    uint64_t left = pith_decompressed_left(doc);
    pith_status st = extract(z, a, e, left, out, out_len, &err, &stop);
    uint64_t made = e && e->method == METHOD_DEFLATE ? *out_len : 0;
    pith_status ch = pith_decompressed(doc, made);
    if (ch == PITH_OK) ch = pith_work(doc, (e ? e->csize : 0) + *out_len);
    if (ch != PITH_OK) return ch;
    if (st == PITH_OK) return PITH_OK;
    const char *name = e ? e->name.p : "";
    int nlen = e ? (int)(e->name.n > 200 ? 200 : e->name.n) : 0;
    if (stop == STOP_RATIO)
        return pith_fail(doc, st, err.offset,
                         "zip: entry %.*s: %llu bytes from %llu passes limit max_ratio (%u)", nlen,
                         name, (unsigned long long)e->usize, (unsigned long long)e->csize,
                         z->limits.max_ratio);
    if (stop == STOP_BUDGET)
        return pith_fail(doc, st, err.offset,
                         "zip: entry %.*s: %llu bytes pass the %llu left of limit "
                         "max_decompressed_bytes",
                         nlen, name, (unsigned long long)e->usize, (unsigned long long)left);
    if (st == PITH_E_LIMIT || st == PITH_E_NOMEM || st == PITH_E_ARG)
        return pith_fail(doc, st, err.offset, "%s (entry %.*s)", err.message, nlen, name);
    pith_warn(doc, st, err.offset, "%s (entry %.*s)", err.message, nlen, name);
    return st;
}
