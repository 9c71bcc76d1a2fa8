/* zipfmt.h: the ZIP end records, shared by detection (sniff_zip.c, always built) and the
 * archive reader (zip.c, built only with the decoders).
 *
 * APPNOTE.TXT 6.3.10 §4.3.16 (end of central directory record), §4.3.14-15 (ZIP64 end record
 * and its locator). Static inline so detection pulls no zip.c code into the minimal bundle.
 * Bounds: the EOCD search reads the last 22 + 65535 bytes at most, backwards, once.
 */
#ifndef PITH_ZIPFMT_H
#define PITH_ZIPFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rd.h"

#define ZIP_SIG_LOCAL 0x04034b50u   /* PK\3\4 */
#define ZIP_SIG_CENTRAL 0x02014b50u /* PK\1\2 */
#define ZIP_SIG_EOCD 0x06054b50u    /* PK\5\6 */
#define ZIP_SIG_EOCD64 0x06064b50u  /* PK\6\6 */
#define ZIP_SIG_LOC64 0x07064b50u   /* PK\6\7 */
#define ZIP_SIG_DESC 0x08074b50u    /* PK\7\8, optional before a data descriptor */

#define ZIP_EOCD_SIZE 22u
#define ZIP_EOCD64_SIZE 56u
#define ZIP_LOC64_SIZE 20u
#define ZIP_CENTRAL_SIZE 46u
#define ZIP_LOCAL_SIZE 30u
#define ZIP_MAX_COMMENT 0xffffu

/* Find the end of central directory record: the last "PK\5\6" whose comment length reaches
 * exactly the end of the input; failing that, the last one whose comment fits (trailing junk
 * after the archive). Returns false if none. */
static inline bool zipfmt_find_eocd(const uint8_t *data, size_t len, size_t *at)
{
    if (len < ZIP_EOCD_SIZE) return false;
    size_t last = len - ZIP_EOCD_SIZE;
    size_t first = last > ZIP_MAX_COMMENT ? last - ZIP_MAX_COMMENT : 0;
    bool have_fit = false;
    size_t fit = 0;
    for (size_t i = last + 1; i-- > first;) {
        const uint8_t *p = data + i;
        if (p[0] != 'P' || p[1] != 'K' || p[2] != 5 || p[3] != 6) continue;
        size_t clen = pith_le16(p + 20);
        size_t room = len - i - ZIP_EOCD_SIZE;
        if (clen == room) {
            *at = i;
            return true;
        }
        if (clen < room && !have_fit) {
            have_fit = true;
            fit = i;
        }
    }
    *at = fit;
    return have_fit;
}

/* Where the central directory is, how big, how many entries it claims, from the EOCD (and the
 * ZIP64 record when a locator sits right before the EOCD). */
typedef struct zipfmt_cd {
    uint64_t off, size, entries;
    uint64_t end;  /* offset of the record that follows the directory (EOCD or ZIP64 EOCD) */
    bool zip64;    /* a ZIP64 end record was found and read */
} zipfmt_cd;

static inline bool zipfmt_locate_cd(const pith_rd *all, size_t eocd, zipfmt_cd *cd)
{
    pith_rd r = pith_rd_at(all, eocd, ZIP_EOCD_SIZE);
    pith_rd_skip(&r, 10);
    uint16_t entries = pith_rd_u16le(&r);
    uint32_t size = pith_rd_u32le(&r);
    uint32_t off = pith_rd_u32le(&r);
    if (r.bad) return false;
    cd->off = off;
    cd->size = size;
    cd->entries = entries;
    cd->end = eocd;
    cd->zip64 = false;

    if (eocd < ZIP_LOC64_SIZE) return true;
    pith_rd loc = pith_rd_at(all, eocd - ZIP_LOC64_SIZE, ZIP_LOC64_SIZE);
    if (pith_rd_u32le(&loc) != ZIP_SIG_LOC64) {
        /* No locator: fine unless the fields say ZIP64; then we still try the plain values. */
        return true;
    }
    pith_rd_skip(&loc, 4);
    uint64_t rec = pith_rd_u64le(&loc);
    if (loc.bad) return true;
    /* The record normally sits right before its locator; with data prepended to the archive
     * the stored offset is short by the prefix, so fall back to that position. */
    uint64_t tries[2] = {rec, (uint64_t)(eocd - ZIP_LOC64_SIZE)};
    for (int t = 0; t < 2; t++) {
        uint64_t at = tries[t];
        if (t == 1) {
            if (at < ZIP_EOCD64_SIZE) break;
            at -= ZIP_EOCD64_SIZE;
        }
        pith_rd z = pith_rd_at(all, at, ZIP_EOCD64_SIZE);
        if (pith_rd_u32le(&z) != ZIP_SIG_EOCD64) continue;
        pith_rd_skip(&z, 8 + 2 + 2 + 4 + 4 + 8);
        uint64_t entries64 = pith_rd_u64le(&z);
        uint64_t size64 = pith_rd_u64le(&z);
        uint64_t off64 = pith_rd_u64le(&z);
        if (z.bad) continue;
        /* Only the fields the EOCD marks as overflowed come from the record. */
        if (size == 0xffffffffu || entries == 0xffffu || off == 0xffffffffu) {
            cd->size = size64;
            cd->off = off64;
            cd->entries = entries64;
        }
        cd->end = at;
        cd->zip64 = true;
        return true;
    }
    return true;
}

static inline bool zipfmt_sig_at(const pith_rd *all, uint64_t off, uint32_t sig)
{
    pith_rd r = pith_rd_at(all, off, 4);
    return pith_rd_u32le(&r) == sig && !r.bad;
}

/* The directory's real offset: the stored one, or, when data was prepended to the archive (a
 * self-extractor) and nothing directory-like is there, right before the record that ends it.
 * Returns false when neither holds a central header (and the directory is not empty). */
static inline bool zipfmt_cd_start(const pith_rd *all, const zipfmt_cd *cd, uint64_t *off)
{
    if (zipfmt_sig_at(all, cd->off, ZIP_SIG_CENTRAL)) {
        *off = cd->off;
        return true;
    }
    if (cd->size <= cd->end && zipfmt_sig_at(all, cd->end - cd->size, ZIP_SIG_CENTRAL)) {
        *off = cd->end - cd->size;
        return true;
    }
    if (cd->size == 0 && cd->off <= pith_rd_size(all)) {
        *off = cd->off; /* an empty archive */
        return true;
    }
    return false;
}

#endif
