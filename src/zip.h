/* zip.h: ZIP archive reading (APPNOTE.TXT 6.3.10) for the Office, ODF and EPUB handlers.
 *
 * pith_zip_open reads the central directory once into an entry table (names point into the
 * input, nothing is copied), cross-checks every entry against its local header, and sorts a
 * name index; entries are then found by name in O(log n) and extracted one at a time: STORED
 * entries as a slice of the input, DEFLATE ones inflated into the arena into exactly their
 * declared size. CRC-32 is verified on extraction.
 *
 * Hostile archives: the entry count is capped (max_entries); an entry whose declared size
 * passes max_ratio times its compressed size, or what is left of the output budget, is refused
 * before anything is allocated (a 42.zip level costs nothing); an entry never inflates past its
 * declared size; entries whose data overlap (the overlapping-entry bomb, where one compressed
 * kernel is referenced by thousands of headers) make the open fail with PITH_E_LIMIT.
 * Encrypted entries give PITH_E_ENCRYPTED, methods other than STORED and DEFLATE
 * PITH_E_UNSUPPORTED, for that entry only. An archive without an end record (cut short) is
 * recovered by scanning its local headers. Thread-safe on distinct pith_zip values.
 */
#ifndef PITH_ZIP_H
#define PITH_ZIP_H

#include "arena.h"
#include "core.h"
#include "decode.h"

typedef struct pith_zip_entry {
    pith_str name;        /* as stored (UTF-8 when flags bit 11, else usually ASCII/CP437);
                             points into the input */
    uint64_t csize;       /* compressed size (from the central directory, ZIP64 applied) */
    uint64_t usize;       /* declared uncompressed size */
    uint64_t local_off;   /* offset of the local header in the input */
    uint64_t data_off;    /* offset of the data (after the local header's name and extra) */
    uint32_t crc;         /* declared CRC-32 */
    uint16_t method;      /* 0 stored, 8 deflate, others unsupported */
    uint16_t flags;       /* general purpose bits: 1 encrypted, 8 data descriptor */
    uint32_t index;       /* position in the central directory */
    pith_status status;   /* PITH_OK, or why the entry cannot be extracted, found at open
                             (FORMAT: local header mismatch, TRUNCATED: data past the end,
                             ENCRYPTED, UNSUPPORTED method) */
} pith_zip_entry;

typedef struct pith_zip_limits {
    uint32_t max_entries;   /* entries in the directory; 0 = 65535 * 16 */
    uint32_t max_ratio;     /* usize / csize of one entry; 0 = 2000 (limits.max_ratio) */
    uint64_t max_total;     /* bytes all extractions may produce together; 0 = 1 GiB */
} pith_zip_limits;

typedef struct pith_zip {
    const uint8_t *data;
    size_t len;
    pith_zip_entry *entries;  /* count entries in central directory order */
    uint32_t count;
    uint32_t *by_name;        /* entry indices sorted by ASCII-folded name, then exact name,
                                 then index (internal) */
    pith_zip_limits limits;   /* resolved */
    uint64_t extracted;       /* bytes produced by extractions so far (against max_total) */
    bool recovered;           /* no usable central directory: entries come from a scan of
                                 local headers */
    pith_doc *doc;            /* set by pith_zip_open_doc: extractions charge the document */
} pith_zip;

/* Read the directory of data[0..len) (owned by the caller, unchanged while *z is used) into
 * *z, allocating from `a` (entry table and name index: about 100 bytes per entry). `lim` NULL =
 * defaults. `err` may be NULL.
 * Returns PITH_OK; PITH_E_TRUNCATED or PITH_E_FORMAT when there is no usable end record or
 * directory, in which case *z still holds the entries a scan of local headers found
 * (z->recovered, possibly count 0: a caller that wants what survives goes on); PITH_E_LIMIT
 * (too many entries, overlapping entries); PITH_E_NOMEM/PITH_E_LIMIT when `a` refuses;
 * PITH_E_ARG on NULL arguments. */
pith_status pith_zip_open(pith_zip *z, pith_arena *a, const uint8_t *data, size_t len,
                          const pith_zip_limits *lim, pith_decode_error *err);

/* The entry named name[0..n) exactly, or NULL. With several of the same name, the first in the
 * directory. A name not found as given is looked up again without its leading '/' (OPC part
 * names start with one, ZIP names usually do not; a ZIP may still hold one that starts with
 * '/'). pith_zip_find_entry_icase compares ASCII letters case-insensitively (Office producers
 * disagree on "[Content_Types].xml" and part name case); an exact match is preferred. */
const pith_zip_entry *pith_zip_find_entry(const pith_zip *z, const char *name, size_t n);
const pith_zip_entry *pith_zip_find_entry_icase(const pith_zip *z, const char *name, size_t n);

/* Extract entry e: *out and *out_len are its bytes, in the input itself for a STORED entry, else
 * in a buffer from `a` of exactly e->usize bytes. Refused before allocating with PITH_E_LIMIT
 * when usize passes max_ratio * csize or what is left of max_total. Returns PITH_OK; the
 * entry's own status if it has one; PITH_E_FORMAT (bad deflate data, a size other than
 * declared, CRC-32 mismatch), PITH_E_TRUNCATED: then *out and *out_len hold what was decoded (a
 * CRC mismatch keeps the whole data). */
pith_status pith_zip_extract(pith_zip *z, pith_arena *a, const pith_zip_entry *e,
                             const uint8_t **out, size_t *out_len, pith_decode_error *err);

/* For handlers. pith_zip_open_doc opens with limits from the document (max_entries =
 * limits.max_objects, max_ratio, output charged to max_decompressed_bytes) in the document
 * arena, and records failures with pith_fail; a recovered archive is a warning and PITH_OK.
 * pith_zip_extract_doc extracts into `a` (NULL = scratch), charges the document and draws
 * work; LIMIT/NOMEM are recorded with pith_fail, the entry's other failures with pith_warn. */
pith_status pith_zip_open_doc(pith_doc *doc, pith_zip *z, const uint8_t *data, size_t len);
pith_status pith_zip_extract_doc(pith_zip *z, pith_arena *a, const pith_zip_entry *e,
                                 const uint8_t **out, size_t *out_len);

#endif
