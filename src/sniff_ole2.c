/* sniff_ole2.c: tell Word, Excel, PowerPoint, Outlook and encrypted OOXML files apart in an
 * OLE2 / Compound File Binary container by the names of the root storage's children.
 *
 * Follows [MS-CFB] §2.2 (header), §2.3-2.5 (FAT, DIFAT), §2.6 (directory entries; siblings
 * form a red-black tree). Only the directory stream is read, no stream content.
 * Bounds: a sector is used only if it starts inside the input; chains stop after len/ssz
 * steps, so cycles end; FAT and DIFAT reads draw on one budget proportional to the sector
 * count; at most DIR_SECTORS_MAX directory sectors are kept and the tree walk has a fixed
 * stack and visits at most as many entries as were kept. A damaged file is plain
 * PITH_FMT_OLE2 with whatever was learnt before the damage.
 */
#include "detect_int.h"

#include <stdbool.h>
#include <string.h>

#include "rd.h"

#define HEADER_SIZE 512u
#define DIFAT_IN_HEADER 109u
#define DIR_ENTRY_SIZE 128u
#define MAXREGSECT 0xfffffffau
#define NOSTREAM 0xffffffffu
#define TYPE_ROOT 5u
/* 1024 sectors = 4096 entries at 512-byte sectors, 32768 at 4096: far more than the root of
 * any real document has before the names we look for. */
#define DIR_SECTORS_MAX 1024u
/* A red-black tree of n nodes is at most 2*log2(n+1) deep; 64 covers any tree that fits the
 * kept sectors. A deeper (degenerate, hostile) tree just loses the overflowing branches. */
#define STACK_MAX 64u

typedef struct cfb {
    pith_rd all;
    uint32_t shift;    /* sector size = 1 << shift: 9 (v3) or 12 (v4) */
    uint32_t ssz;
    uint64_t nsect;    /* sectors that start inside the input: the longest possible chain */
    uint32_t first_difat;
    uint32_t n_difat;
    uint64_t work;     /* FAT/DIFAT reads left */
    bool broken;       /* a lookup failed or the budget ran out */
} cfb;

/* Byte offset of sector s, if it starts inside the input. */
static bool sector_off(const cfb *c, uint32_t s, uint64_t *off)
{
    if (s > MAXREGSECT || (uint64_t)s >= c->nsect) return false;
    *off = ((uint64_t)s + 1) << c->shift;
    return true;
}

/* The uint32 at slot i of sector s (sectors are read as arrays of little-endian uint32). */
static uint32_t sector_u32(cfb *c, uint32_t s, uint32_t i)
{
    uint64_t off;
    if (c->work == 0 || !sector_off(c, s, &off)) {
        c->broken = true;
        return NOSTREAM;
    }
    c->work--;
    pith_rd r = pith_rd_at(&c->all, off + (uint64_t)i * 4, 4);
    uint32_t v = pith_rd_u32le(&r);
    if (r.bad) {
        c->broken = true;
        return NOSTREAM;
    }
    return v;
}

/* Sector number of the k-th FAT sector ([MS-CFB] §2.5: 109 in the header, then DIFAT sectors
 * each holding ssz/4 - 1 entries and the next DIFAT sector's number in the last slot). */
static uint32_t fat_sector(cfb *c, uint32_t k)
{
    if (k < DIFAT_IN_HEADER) {
        pith_rd r = pith_rd_at(&c->all, 76 + (uint64_t)k * 4, 4);
        return pith_rd_u32le(&r);
    }
    uint32_t per = c->ssz / 4 - 1;
    uint32_t j = k - DIFAT_IN_HEADER;
    uint32_t hops = j / per;
    if (hops >= c->n_difat) {
        c->broken = true;
        return NOSTREAM;
    }
    uint32_t d = c->first_difat;
    for (uint32_t h = 0; h < hops && !c->broken; h++) d = sector_u32(c, d, per);
    if (c->broken) return NOSTREAM;
    return sector_u32(c, d, j % per);
}

/* FAT[s]: the sector after s in its chain. */
static uint32_t fat_next(cfb *c, uint32_t s)
{
    uint32_t per = c->ssz / 4;
    uint32_t fs = fat_sector(c, s / per);
    if (c->broken) return NOSTREAM;
    return sector_u32(c, fs, s % per);
}

/* Names that decide the format. */
typedef struct seen {
    bool word, book, ppt, msg, enc_info, enc_pkg;
} seen;

static bool name_is(const char *name, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++) {
        char a = name[i], b = lit[i];
        if (a >= 'a' && a <= 'z') a = (char)(a - 32);
        if (b >= 'a' && b <= 'z') b = (char)(b - 32);
        if (a != b) return false;
    }
    return true;
}

static bool name_starts(const char *name, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && name_is(name, m, lit);
}

static void see_entry(seen *z, const char *name, size_t n)
{
    if (name_is(name, n, "WordDocument")) z->word = true;
    else if (name_is(name, n, "Workbook") || name_is(name, n, "Book")) z->book = true;
    else if (name_is(name, n, "PowerPoint Document")) z->ppt = true;
    else if (name_is(name, n, "EncryptionInfo")) z->enc_info = true;
    else if (name_is(name, n, "EncryptedPackage")) z->enc_pkg = true;
    /* [MS-OXMSG] §2.1: property streams, the property stream, the named-property map,
     * recipient and attachment storages. */
    else if (name_starts(name, n, "__substg1.0_") || name_is(name, n, "__properties_version1.0") ||
             name_is(name, n, "__nameid_version1.0") || name_starts(name, n, "__recip_version1.0_") ||
             name_starts(name, n, "__attach_version1.0_"))
        z->msg = true;
}

/* The kept directory: sector numbers of the directory stream in chain order. */
typedef struct dir {
    uint32_t sec[DIR_SECTORS_MAX];
    uint32_t n;
    uint32_t per; /* entries per sector */
} dir;

/* Read directory entry `did`: its name (UTF-16LE, ASCII kept, anything else as 0x80 so it
 * matches nothing), and its left, right and child ids. */
static bool read_entry(cfb *c, const dir *d, uint32_t did, char name[32], size_t *nlen,
                       uint32_t *type, uint32_t *left, uint32_t *right, uint32_t *child)
{
    if (did / d->per >= d->n) return false;
    uint64_t off;
    if (!sector_off(c, d->sec[did / d->per], &off)) return false;
    pith_rd r = pith_rd_at(&c->all, off + (uint64_t)(did % d->per) * DIR_ENTRY_SIZE,
                           DIR_ENTRY_SIZE);
    const uint8_t *raw = pith_rd_span(&r, 64);
    uint16_t bytes = pith_rd_u16le(&r);
    *type = pith_rd_u8(&r);
    pith_rd_skip(&r, 1);
    *left = pith_rd_u32le(&r);
    *right = pith_rd_u32le(&r);
    *child = pith_rd_u32le(&r);
    if (r.bad || !raw) return false;
    /* The length counts the terminating NUL; 64 bytes hold at most 31 characters. */
    size_t chars = bytes >= 2 ? (size_t)bytes / 2 - 1 : 0;
    if (chars > 31) chars = 31;
    for (size_t i = 0; i < chars; i++) {
        uint16_t u = pith_le16(raw + 2 * i);
        name[i] = u > 0 && u < 0x80 ? (char)u : (char)0x80;
    }
    *nlen = chars;
    return true;
}

pith_format pith_sniff_ole2_format(const uint8_t *data, size_t len)
{
    static const uint8_t magic[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
    cfb c;
    memset(&c, 0, sizeof c);
    c.all = pith_rd_make(data, len);

    pith_rd h = pith_rd_at(&c.all, 0, HEADER_SIZE);
    const uint8_t *m = pith_rd_span(&h, 8);
    if (!m || memcmp(m, magic, 8) != 0) return PITH_FMT_OLE2;
    pith_rd_skip(&h, 16 + 2);               /* CLSID, minor version */
    uint16_t major = pith_rd_u16le(&h);
    uint16_t order = pith_rd_u16le(&h);
    uint16_t shift = pith_rd_u16le(&h);
    pith_rd_skip(&h, 2 + 6 + 4 + 4);        /* mini shift, reserved, dir count, FAT count */
    uint32_t first_dir = pith_rd_u32le(&h);
    pith_rd_skip(&h, 4 + 4 + 4 + 4);        /* transaction, mini cutoff, mini FAT, count */
    c.first_difat = pith_rd_u32le(&h);
    c.n_difat = pith_rd_u32le(&h);
    if (h.bad || order != 0xfffe || (major != 3 && major != 4) || (shift != 9 && shift != 12))
        return PITH_FMT_OLE2;
    c.shift = shift;
    c.ssz = 1u << shift;
    if (len <= c.ssz) return PITH_FMT_OLE2;
    c.nsect = (len - c.ssz + c.ssz - 1) / c.ssz; /* a last partial sector still starts inside */
    /* Each chain step costs one FAT read plus DIFAT hops; 4 reads per sector in the file is
     * plenty for any real layout and caps a hostile one at O(sectors). */
    c.work = c.nsect * 4 + 256;

    /* Keep the directory chain. A cycle repeats sectors until the step cap ends it, which is
     * harmless: entries are looked up by id, and the tree walk is bounded separately. */
    dir d; /* only sec[0..n) is ever read */
    d.n = 0;
    d.per = c.ssz / DIR_ENTRY_SIZE;
    uint32_t s = first_dir;
    for (uint64_t steps = 0; steps < c.nsect && d.n < DIR_SECTORS_MAX; steps++) {
        uint64_t off;
        if (!sector_off(&c, s, &off)) break;
        d.sec[d.n++] = s;
        s = fat_next(&c, s);
        if (c.broken) break;
    }
    if (d.n == 0) return PITH_FMT_OLE2;

    char name[32];
    size_t nlen;
    uint32_t type, left, right, child;
    if (!read_entry(&c, &d, 0, name, &nlen, &type, &left, &right, &child) || type != TYPE_ROOT)
        return PITH_FMT_OLE2;

    /* Walk the root's children: the sibling tree under root.child. Sub-storages are not
     * entered, so an embedded Word file inside a mail or a workbook does not count. */
    seen z;
    memset(&z, 0, sizeof z);
    uint32_t stack[STACK_MAX];
    uint32_t sp = 0;
    stack[sp++] = child;
    uint64_t visits = (uint64_t)d.n * d.per;
    while (sp > 0 && visits > 0) {
        uint32_t did = stack[--sp];
        if (did > MAXREGSECT) continue; /* NOSTREAM: no sibling there */
        visits--;
        if (!read_entry(&c, &d, did, name, &nlen, &type, &left, &right, &child)) continue;
        if (type == 1 || type == 2) see_entry(&z, name, nlen);
        if (sp < STACK_MAX && left <= MAXREGSECT) stack[sp++] = left;
        if (sp < STACK_MAX && right <= MAXREGSECT) stack[sp++] = right;
    }

    if (z.enc_info && z.enc_pkg) return PITH_FMT_OOXML_ENCRYPTED;
    if (z.word) return PITH_FMT_DOC;
    if (z.book) return PITH_FMT_XLS;
    if (z.ppt) return PITH_FMT_PPT;
    if (z.msg) return PITH_FMT_MSG;
    return PITH_FMT_OLE2;
}
