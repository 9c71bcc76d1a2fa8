/* office_util.h: building OPC/ODF packages in test code (test code only): a STORED ZIP writer
 * (APPNOTE.TXT 6.3.10 §4.3: local headers, central directory, end record) with a bit-by-bit
 * CRC-32, and the minimal parts a WordprocessingML package needs. Independent of pith's zip.c. */
#ifndef PITH_OFFICE_UTIL_H
#define PITH_OFFICE_UTIL_H

#include <stdint.h>
#include <string.h>

#include "test_util.h"

typedef struct oz_entry {
    const char *name;
    const char *data; /* NUL-terminated text, or bytes with len */
    size_t len;       /* 0 = strlen(data) */
    uint16_t method;  /* 0 STORED; 8: data is raw DEFLATE, declared to inflate to usize */
    uint32_t usize;
} oz_entry;

static inline uint32_t oz_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static inline void oz_u16(buf *b, uint32_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    buf_put(b, x, 2);
}
static inline void oz_u32(buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    buf_put(b, x, 4);
}

/* A STORED zip of the n entries into *out (caller frees out->p). */
static inline void oz_build(buf *out, const oz_entry *es, size_t n)
{
    buf cd = {0};
    memset(out, 0, sizeof *out);
    buf_put(out, "", 0);
    buf_put(&cd, "", 0);
    for (size_t i = 0; i < n; i++) {
        size_t len = es[i].len ? es[i].len : strlen(es[i].data);
        size_t nl = strlen(es[i].name);
        uint32_t crc = es[i].method ? 0 : oz_crc32((const uint8_t *)es[i].data, len);
        uint32_t us = es[i].method ? es[i].usize : (uint32_t)len;
        uint32_t off = (uint32_t)out->n;
        oz_u32(out, 0x04034b50u);
        oz_u16(out, 20); oz_u16(out, 0); oz_u16(out, es[i].method); oz_u16(out, 0); oz_u16(out, 0);
        oz_u32(out, crc); oz_u32(out, (uint32_t)len); oz_u32(out, us);
        oz_u16(out, (uint32_t)nl); oz_u16(out, 0);
        buf_put(out, es[i].name, nl);
        buf_put(out, es[i].data, len);
        oz_u32(&cd, 0x02014b50u);
        oz_u16(&cd, 20); oz_u16(&cd, 20); oz_u16(&cd, 0); oz_u16(&cd, es[i].method);
        oz_u16(&cd, 0); oz_u16(&cd, 0);
        oz_u32(&cd, crc); oz_u32(&cd, (uint32_t)len); oz_u32(&cd, us);
        oz_u16(&cd, (uint32_t)nl); oz_u16(&cd, 0); oz_u16(&cd, 0); oz_u16(&cd, 0); oz_u16(&cd, 0);
        oz_u32(&cd, 0); oz_u32(&cd, off);
        buf_put(&cd, es[i].name, nl);
    }
    uint32_t cd_off = (uint32_t)out->n;
    buf_put(out, cd.p, cd.n);
    oz_u32(out, 0x06054b50u);
    oz_u16(out, 0); oz_u16(out, 0);
    oz_u16(out, (uint32_t)n); oz_u16(out, (uint32_t)n);
    oz_u32(out, (uint32_t)cd.n); oz_u32(out, cd_off);
    oz_u16(out, 0);
    free(cd.p);
}

/* MARK: - WordprocessingML parts */

#define OZ_W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define OZ_R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char oz_docx_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "</Types>";

static const char oz_docx_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "</Relationships>";

/* A document.xml whose body is `body` (WordprocessingML with w: and r: prefixes bound). */
static inline void oz_docx_document(buf *b, const char *body)
{
    memset(b, 0, sizeof *b);
    buf_str(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
               "<w:document xmlns:w=\"" OZ_W_NS "\" xmlns:r=\"" OZ_R_NS "\""
               " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\""
               " xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\""
               " xmlns:v=\"urn:schemas-microsoft-com:vml\"><w:body>");
    buf_str(b, body);
    buf_str(b, "</w:body></w:document>");
}

#endif
