/* detect.c: pith_detect, pith_format_name and pith_format_mime.
 *
 * Signatures decide first: PDF (ISO 32000-1 §7.5.2, within 1 KiB as Annex H allows), ZIP and
 * OLE2 (handed to sniff_zip.c, sniff_ole2.c), RTF, images, archives. Text is decoded from its
 * BOM or a BOM-less UTF-16 zero pattern and sniffed: WHATWG MIME Sniffing §7.1 HTML patterns,
 * an XML prolog and its root element, an RFC 5322 header block, a bounded JSON check, a
 * conservative Markdown guess; a hint settles the rest. Not done: charsets (handlers do it),
 * UTF-32, telling source code from prose (both are text).
 * Bounds: signatures read fixed offsets or the first 1 KiB, text sniffing 4 KiB of decoded
 * text and 8 KiB of raw bytes, the container sniffers O(len). No allocation, no recursion.
 */
#include "pith.h"

#include <stdbool.h>
#include <string.h>

#include "detect_int.h"
#include "swar.h"
#include "utf.h"

/* Decoded text the structural sniffers look at, and raw bytes the binary check looks at. */
#define WINDOW 4096u
#define RAW_CHECK 8192u
#define PDF_SLACK 1024u

/* MARK: - Names (Public) */

static const char *const format_names[PITH_FMT_COUNT] = {
    [PITH_FMT_UNKNOWN] = "unknown", [PITH_FMT_TEXT] = "text", [PITH_FMT_HTML] = "html",
    [PITH_FMT_MARKDOWN] = "markdown", [PITH_FMT_PDF] = "pdf", [PITH_FMT_DOCX] = "docx",
    [PITH_FMT_XLSX] = "xlsx", [PITH_FMT_PPTX] = "pptx", [PITH_FMT_ODT] = "odt",
    [PITH_FMT_ODS] = "ods", [PITH_FMT_ODP] = "odp", [PITH_FMT_EPUB] = "epub",
    [PITH_FMT_RTF] = "rtf", [PITH_FMT_EML] = "eml", [PITH_FMT_CSV] = "csv",
    [PITH_FMT_XML] = "xml", [PITH_FMT_JSON] = "json", [PITH_FMT_DOC] = "doc",
    [PITH_FMT_XLS] = "xls", [PITH_FMT_PPT] = "ppt", [PITH_FMT_MSG] = "msg",
    [PITH_FMT_OOXML_ENCRYPTED] = "ooxml-encrypted", [PITH_FMT_OLE2] = "ole2",
    [PITH_FMT_ZIP] = "zip", [PITH_FMT_IMAGE] = "image", [PITH_FMT_BINARY] = "binary",
};

static const char *const format_mimes[PITH_FMT_COUNT] = {
    [PITH_FMT_UNKNOWN] = "application/octet-stream",
    [PITH_FMT_TEXT] = "text/plain",
    [PITH_FMT_HTML] = "text/html",
    [PITH_FMT_MARKDOWN] = "text/markdown",
    [PITH_FMT_PDF] = "application/pdf",
    [PITH_FMT_DOCX] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    [PITH_FMT_XLSX] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    [PITH_FMT_PPTX] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    [PITH_FMT_ODT] = "application/vnd.oasis.opendocument.text",
    [PITH_FMT_ODS] = "application/vnd.oasis.opendocument.spreadsheet",
    [PITH_FMT_ODP] = "application/vnd.oasis.opendocument.presentation",
    [PITH_FMT_EPUB] = "application/epub+zip",
    [PITH_FMT_RTF] = "application/rtf",
    [PITH_FMT_EML] = "message/rfc822",
    [PITH_FMT_CSV] = "text/csv",
    [PITH_FMT_XML] = "application/xml",
    [PITH_FMT_JSON] = "application/json",
    [PITH_FMT_DOC] = "application/msword",
    [PITH_FMT_XLS] = "application/vnd.ms-excel",
    [PITH_FMT_PPT] = "application/vnd.ms-powerpoint",
    [PITH_FMT_MSG] = "application/vnd.ms-outlook",
    /* No registered type says "encrypted OOXML" or "some compound file"; an image's type
     * would need its kind, which detection does not keep. */
    [PITH_FMT_OOXML_ENCRYPTED] = "application/octet-stream",
    [PITH_FMT_OLE2] = "application/octet-stream",
    [PITH_FMT_ZIP] = "application/zip",
    [PITH_FMT_IMAGE] = "application/octet-stream",
    [PITH_FMT_BINARY] = "application/octet-stream",
};

const char *pith_format_name(pith_format f)
{
    if ((unsigned)f >= PITH_FMT_COUNT) return format_names[PITH_FMT_UNKNOWN];
    return format_names[f];
}

const char *pith_format_mime(pith_format f)
{
    if ((unsigned)f >= PITH_FMT_COUNT) return format_mimes[PITH_FMT_UNKNOWN];
    return format_mimes[f];
}

/* MARK: - Small helpers (Private) */

static uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c; }

/* s[0..n) equals lit, ASCII case-insensitively. */
static bool ieq(const uint8_t *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != lower((uint8_t)lit[i])) return false;
    return true;
}

/* s[0..n) starts with lit, ASCII case-insensitively. */
static bool istarts(const uint8_t *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n >= m && ieq(s, m, lit);
}

static bool starts(const uint8_t *s, size_t n, const void *lit, size_t m)
{
    return n >= m && memcmp(s, lit, m) == 0;
}

/* WHATWG whitespace bytes: HT LF FF CR SP (and VT, which real files use as a line break). */
static bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static size_t skip_ws(const uint8_t *s, size_t n, size_t i)
{
    while (i < n && is_ws(s[i])) i++;
    return i;
}

/* Position of lit in s[from..n), or n. */
static size_t find(const uint8_t *s, size_t n, size_t from, const char *lit)
{
    size_t m = strlen(lit);
    /* memchr for the first byte: detection runs on every call, and most windows hold few
     * candidates, so this is a handful of word-wide scans instead of a memcmp per byte. */
    while (from < n && n - from >= m) {
        const uint8_t *c = memchr(s + from, (unsigned char)lit[0], n - from - m + 1);
        if (!c) return n;
        size_t i = (size_t)(c - s);
        if (memcmp(c, lit, m) == 0) return i;
        from = i + 1;
    }
    return n;
}

/* MARK: - Hint (Private) */

/* Hint words that name a format: the MIME types other than the one format_mimes gives it,
 * then the file extensions, '|' between words. One string per format instead of a pointer per
 * word; MIME types are first looked up in format_mimes, whose strings are kept anyway. */
typedef struct hint_words {
    const char *words;
    pith_format f;
} hint_words;

static const hint_words hint_mimes[] = {
    {"application/xhtml+xml", PITH_FMT_HTML},
    {"text/x-markdown", PITH_FMT_MARKDOWN},
    {"application/csv|text/tab-separated-values", PITH_FMT_CSV},
    {"text/json", PITH_FMT_JSON},
    {"text/xml", PITH_FMT_XML},
    {"text/rtf", PITH_FMT_RTF},
};

static const hint_words hint_exts[] = {
    {"txt|text", PITH_FMT_TEXT},
    {"html|htm|xhtml|xht|shtml", PITH_FMT_HTML},
    {"md|markdown|mdown|mkd|mkdn|mdwn", PITH_FMT_MARKDOWN},
    {"csv|tsv|tab", PITH_FMT_CSV},
    {"json|geojson", PITH_FMT_JSON},
    {"xml|xsd|xsl|xslt|rss|atom|svg", PITH_FMT_XML},
    {"eml", PITH_FMT_EML},
    {"rtf", PITH_FMT_RTF},
    {"pdf", PITH_FMT_PDF},
    {"docx|docm|dotx|dotm", PITH_FMT_DOCX},
    {"xlsx|xlsm|xltx|xltm|xlsb", PITH_FMT_XLSX},
    {"pptx|pptm|potx|ppsx", PITH_FMT_PPTX},
    {"odt|ott", PITH_FMT_ODT},
    {"ods|ots", PITH_FMT_ODS},
    {"odp|otp", PITH_FMT_ODP},
    {"epub", PITH_FMT_EPUB},
    {"doc|dot", PITH_FMT_DOC},
    {"xls|xlt", PITH_FMT_XLS},
    {"ppt|pps|pot", PITH_FMT_PPT},
    {"msg", PITH_FMT_MSG},
    {"zip", PITH_FMT_ZIP},
};

/* Index of the word of `words` ('|' between words) that s[0..n) equals, ASCII
 * case-insensitively; -1 if none does. One pass: i is how much of s the current word has
 * matched so far, SIZE_MAX once it cannot match. */
static int word_index(const char *words, const uint8_t *s, size_t n)
{
    size_t i = 0;
    for (int k = 0;; words++) {
        uint8_t c = (uint8_t)*words;
        if (c == '|' || c == 0) {
            if (i == n) return k;
            if (c == 0) return -1;
            k++;
            i = 0;
        } else if (i < n && lower(s[i]) == lower(c)) {
            i++;
        } else {
            i = SIZE_MAX;
        }
    }
}

static pith_format lookup(const hint_words *t, size_t count, const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < count; i++)
        if (word_index(t[i].words, s, len) >= 0) return t[i].f;
    return PITH_FMT_UNKNOWN;
}

/* What the hint names: a MIME type (parameters ignored), a file name or path, or a bare
 * extension with or without its dot. PITH_FMT_UNKNOWN when it names nothing we know. */
static pith_format hint_format(const char *hint, size_t n)
{
    if (!hint || n == 0) return PITH_FMT_UNKNOWN;
    const uint8_t *s = (const uint8_t *)hint;
    while (n > 0 && is_ws(s[0])) s++, n--;
    while (n > 0 && is_ws(s[n - 1])) n--;

    size_t mlen = 0; /* the MIME type without ";charset=..." */
    while (mlen < n && s[mlen] != ';') mlen++;
    while (mlen > 0 && is_ws(s[mlen - 1])) mlen--;
    /* Every MIME type below has a '/'; a file name ("page.html") usually has none and skips
     * the thirty-odd compares. */
    if (memchr(s, '/', mlen)) {
        /* format_mimes names "application/octet-stream" first for PITH_FMT_UNKNOWN: no format */
        for (int f = 0; f < PITH_FMT_COUNT; f++)
            if (ieq(s, mlen, format_mimes[f])) return (pith_format)f;
        pith_format f = lookup(hint_mimes, sizeof hint_mimes / sizeof hint_mimes[0], s, mlen);
        if (f != PITH_FMT_UNKNOWN) return f;
        /* RFC 6839 structured syntax suffixes: application/ld+json, image/svg+xml, ... */
        static const char *const tops[] = {"text/", "application/", "image/", "message/"};
        for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
            if (!istarts(s, mlen, tops[i])) continue;
            if (mlen >= 5 && ieq(s + mlen - 5, 5, "+json")) return PITH_FMT_JSON;
            if (mlen >= 4 && ieq(s + mlen - 4, 4, "+xml")) return PITH_FMT_XML;
        }
    }

    /* A file name: the extension of the last path component; a bare word is an extension. */
    size_t base = n;
    while (base > 0 && s[base - 1] != '/' && s[base - 1] != '\\') base--;
    size_t dot = n;
    while (dot > base && s[dot - 1] != '.') dot--;
    size_t from = dot > base ? dot : base;
    return lookup(hint_exts, sizeof hint_exts / sizeof hint_exts[0], s + from, n - from);
}

static bool is_text_format(pith_format f)
{
    return f == PITH_FMT_TEXT || f == PITH_FMT_MARKDOWN || f == PITH_FMT_CSV ||
           f == PITH_FMT_JSON || f == PITH_FMT_XML || f == PITH_FMT_HTML || f == PITH_FMT_EML ||
           f == PITH_FMT_RTF;
}

/* MARK: - Signatures (Private) */

/* Does d[0..n) start with one of the signatures of `list` (each a length byte and the bytes,
 * the list ended by a zero length)? */
static bool sig_list(const char *list, const uint8_t *d, size_t n)
{
    /* the first byte before the call: text (every call) matches none of them */
    for (size_t m; (m = (uint8_t)*list) != 0; list += 1 + m)
        if (n >= m && d[0] == (uint8_t)list[1] && memcmp(d, list + 1, m) == 0) return true;
    return false;
}

/* Formats told by their first bytes; PITH_FMT_UNKNOWN when none matches. */
static pith_format sniff_magic(const uint8_t *d, size_t n, pith_format hint)
{
    static const uint8_t ole2[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
    static const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /* Signatures of one length byte (octal) and the bytes: one string instead of a
     * pointer, a length and a format per entry. */
    static const char images[] =
        "\3\xff\xd8\xff"              /* JPEG SOI + marker */
        "\6GIF87a"
        "\6GIF89a"
        "\4II*\0"                     /* TIFF little-endian */
        "\4MM\0*";                    /* TIFF big-endian */
    static const char binaries[] =
        "\2\x1f\x8b"                  /* gzip */
        "\2\x1f\x9d"                  /* compress */
        "\6" "7z\xbc\xaf\x27\x1c"
        "\6Rar!\x1a\x07"
        "\6\xfd" "7zXZ\0"             /* xz */
        "\4\x28\xb5\x2f\xfd"          /* zstd */
        "\10MSCF\0\0\0\0"             /* cabinet */
        "\4\x7f" "ELF"
        "\4\0asm"                     /* WebAssembly */
        "\4\xca\xfe\xba\xbe"          /* Java class / Mach-O fat */
        "\4\xcf\xfa\xed\xfe"          /* Mach-O 64 */
        "\4\xce\xfa\xed\xfe"          /* Mach-O 32 */
        "\20SQLite format 3\0"
        "\5OggS\0"
        "\4fLaC"
        "\4wOFF"
        "\4wOF2";

    if (n >= 4 && d[0] == 'P' && d[1] == 'K' &&
        ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6)))
        return pith_sniff_zip_format(d, n, hint);
    if (starts(d, n, ole2, 8)) return pith_sniff_ole2_format(d, n);
    if (starts(d, n, png, 8)) return PITH_FMT_IMAGE;
    if (starts(d, n, "%PDF-", 5)) return PITH_FMT_PDF;
    if (starts(d, n, "{\\rtf", 5)) return PITH_FMT_RTF;
    if (sig_list(images, d, n)) return PITH_FMT_IMAGE;
    if (sig_list(binaries, d, n)) return PITH_FMT_BINARY;
    /* Signatures too short or too common to stand alone get a second check. */
    if (n >= 26 && d[0] == 'B' && d[1] == 'M' && !d[6] && !d[7] && !d[8] && !d[9])
        return PITH_FMT_IMAGE; /* BMP: "BM", size, four reserved zero bytes */
    if (n >= 12 && starts(d, n, "RIFF", 4))
        return starts(d + 8, n - 8, "WEBP", 4) ? PITH_FMT_IMAGE : PITH_FMT_BINARY;
    if (n >= 12 && starts(d + 4, n - 4, "ftyp", 4)) {
        /* ISO BMFF: HEIF/AVIF stills are images, the rest (MP4, MOV) media */
        const uint8_t *b = d + 8;
        bool still = starts(b, 4, "heic", 4) || starts(b, 4, "heix", 4) ||
                     starts(b, 4, "mif1", 4) || starts(b, 4, "avif", 4);
        return still ? PITH_FMT_IMAGE : PITH_FMT_BINARY;
    }
    if (n >= 10 && starts(d, n, "BZh", 3) && d[3] >= '1' && d[3] <= '9' &&
        starts(d + 4, n - 4, "1AY&SY", 6))
        return PITH_FMT_BINARY;
    if (n >= 10 && starts(d, n, "ID3", 3) && d[3] < 0x10) return PITH_FMT_BINARY; /* MP3 */
    if (n >= 263 && starts(d + 257, n - 257, "ustar", 5)) return PITH_FMT_BINARY; /* tar */

    /* A PDF header may follow up to 1 KiB of junk (Acrobat accepts it: ISO 32000-1 Annex H
     * notes readers search for it). Away from offset 0 it needs its version digit, so prose
     * that merely mentions "%PDF-" is not taken for a PDF. */
    size_t lim = n < PDF_SLACK ? n : PDF_SLACK;
    for (size_t i = 1; i + 6 <= lim;) {
        const uint8_t *c = memchr(d + i, '%', lim - 6 - i + 1);
        if (!c) break;
        i = (size_t)(c - d);
        if (memcmp(c, "%PDF-", 5) == 0 && c[5] >= '1' && c[5] <= '9') return PITH_FMT_PDF;
        i++;
    }
    return PITH_FMT_UNKNOWN;
}

/* MARK: - Text decoding (Private) */

/* The start of the text as ASCII-compatible bytes: UTF-8 and 8-bit text are viewed in place;
 * UTF-16 is narrowed into buf, each code unit >= 0x80 becoming 0x80 (which no pattern
 * matches). `bad` counts NULs and C0 controls other than HT LF VT FF CR ESC (ISO-2022 uses
 * ESC), over 8 KiB raw or the narrowed window. Raw bytes are counted only when looks_text
 * asks (`raw` is then set, `bad` unused): a markup opening settles detection without the
 * count, which was most of the time detection took on an HTML page. */
typedef struct text_view {
    const uint8_t *p;
    const uint8_t *raw;
    size_t n;
    size_t checked, bad;
    bool whole; /* the window holds all of the text */
    uint8_t buf[WINDOW];
} text_view;

/* A C0 control other than TAB, LF, VT, FF, CR and ESC (bits 9-13 and 27 of the mask). */
static inline bool bad_byte(uint32_t c)
{
    return c < 0x20 && !((0x08003E00u >> c) & 1u);
}

/* Bad bytes in d[0..n). Detection runs on every call, so words with no byte below 0x20 (the
 * usual case: text) are skipped eight bytes at a time (swar.h). */
static size_t count_bad(const uint8_t *d, size_t n)
{
    size_t bad = 0, i = 0;
    for (; n - i >= 8; i += 8) {
        if (!pith_has_less(pith_load8(d + i), 0x20)) continue;
        for (size_t k = 0; k < 8; k++) bad += bad_byte(d[i + k]);
    }
    for (; i < n; i++) bad += bad_byte(d[i]);
    return bad;
}

static void narrow_utf16(text_view *v, const uint8_t *d, size_t n, bool be)
{
    size_t units = n / 2;
    if (units > WINDOW) units = WINDOW;
    for (size_t i = 0; i < units; i++) {
        uint32_t u = be ? (uint32_t)d[2 * i] << 8 | d[2 * i + 1] : (uint32_t)d[2 * i + 1] << 8 | d[2 * i];
        v->buf[i] = u < 0x80 ? (uint8_t)u : 0x80;
        if (bad_byte(u)) v->bad++;
    }
    v->p = v->buf;
    v->n = units;
    v->checked = units;
    v->whole = units == n / 2;
}

static void decode_text(text_view *v, const uint8_t *d, size_t n)
{
    v->bad = 0;
    v->raw = NULL;
    if (starts(d, n, "\xef\xbb\xbf", 3)) {
        d += 3;
        n -= 3;
    } else if (starts(d, n, "\xff\xfe", 2)) {
        narrow_utf16(v, d + 2, n - 2, false);
        return;
    } else if (starts(d, n, "\xfe\xff", 2)) {
        narrow_utf16(v, d + 2, n - 2, true);
        return;
    } else {
        int u = pith_utf16_sniff(d, n);
        if (u) {
            narrow_utf16(v, d, n, u == 2);
            return;
        }
    }
    v->p = d;
    v->raw = d;
    v->n = n < WINDOW ? n : WINDOW;
    v->whole = v->n == n;
    v->checked = n < RAW_CHECK ? n : RAW_CHECK;
}

/* Text unless more than one byte, and more than 1 in 32, is a NUL or a stray control: random
 * bytes run at ~10%, real text in any 8-bit or multibyte charset at ~0 (a DOS EOF mark). */
static bool looks_text(const text_view *v)
{
    size_t bad = v->raw ? count_bad(v->raw, v->checked) : v->bad;
    return bad <= 1 + v->checked / 32;
}

/* MARK: - Markup (Private) */

/* WHATWG MIME Sniffing §7.1, "HTML" rows: a case-insensitive pattern followed by a
 * tag-terminating byte. The standard's terminators are SP and '>'; any whitespace is taken
 * here because real files break the line right after "<!--" or "<html". */
static bool html_pattern(const uint8_t *s, size_t n)
{
    static const char *const pats[] = {
        "<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font",
        "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--",
    };
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        size_t m = strlen(pats[i]);
        if (n > m && ieq(s, m, pats[i]) && (is_ws(s[m]) || s[m] == '>')) return true;
    }
    return false;
}

/* From "<?xml": skip the prolog (PIs, comments, the DOCTYPE with its internal subset) and
 * tell whether the root element is html (XHTML). Missing root within the window: not HTML. */
static bool xml_root_is_html(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        i = skip_ws(s, n, i);
        if (i >= n || s[i] != '<') return false;
        if (starts(s + i, n - i, "<?", 2)) {
            size_t e = find(s, n, i + 2, "?>");
            if (e >= n) return false;
            i = e + 2;
        } else if (starts(s + i, n - i, "<!--", 4)) {
            size_t e = find(s, n, i + 4, "-->");
            if (e >= n) return false;
            i = e + 3;
        } else if (starts(s + i, n - i, "<!", 2)) {
            /* <!DOCTYPE ... [ internal subset ] >: '>' inside quotes or the subset does not
             * end it. */
            int depth = 0;
            uint8_t quote = 0;
            i += 2;
            while (i < n) {
                uint8_t c = s[i++];
                if (quote) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '[') {
                    depth++;
                } else if (c == ']') {
                    if (depth > 0) depth--;
                } else if (c == '>' && depth == 0) {
                    break;
                }
            }
        } else {
            /* The root element; a prefix (<x:html>) does not change what it is. */
            size_t local = ++i;
            while (i < n && !is_ws(s[i]) && s[i] != '>' && s[i] != '/') {
                if (s[i] == ':') local = i + 1;
                i++;
            }
            return ieq(s + local, i - local, "html");
        }
    }
    return false;
}

/* MARK: - Mail (Private) */

/* An RFC 5322 header block at the start (after an optional mbox "From " line): every line up
 * to the blank line (or the end of the window) is a field "name: value" with a printable
 * name, or a folded continuation. It is mail if there are at least 3 fields (2 after an mbox
 * line), at least 2 distinct well-known mail fields, one of them From, Date, Subject,
 * MIME-Version or Received. X-* fields count only as fields. */
static bool looks_mail(const uint8_t *s, size_t n)
{
    /* the first five are the core fields */
    static const char known[] = "from|date|subject|mime-version|received|"
                                "to|cc|bcc|message-id|return-path|delivered-to|reply-to|"
                                "in-reply-to|references|sender|content-type|"
                                "content-transfer-encoding|user-agent|x-mailer";
    size_t i = 0;
    size_t need = 3;
    if (starts(s, n, "From ", 5)) {
        i = find(s, n, 0, "\n");
        if (i >= n) return false;
        i++;
        need = 2;
    }
    size_t fields = 0;
    uint32_t seen = 0;
    bool core = false;
    while (i < n) {
        size_t eol = find(s, n, i, "\n");
        size_t end = eol;
        if (end > i && s[end - 1] == '\r') end--;
        if (end == i) break; /* the blank line ending the block, or the window's end */
        if (s[i] == ' ' || s[i] == '\t') {
            if (fields == 0) return false;
        } else {
            size_t k = i;
            while (k < end && s[k] > 32 && s[k] < 127 && s[k] != ':') k++;
            size_t name_end = k;
            while (k < end && (s[k] == ' ' || s[k] == '\t')) k++; /* obsolete "Name :" */
            if (name_end == i || k >= end || s[k] != ':') {
                /* Not a field. A line cut by the window end is not evidence either way. */
                if (eol >= n) break;
                return false;
            }
            fields++;
            int j = word_index(known, s + i, name_end - i);
            if (j >= 0) {
                seen |= 1u << j;
                if (j < 5) core = true;
            }
        }
        if (eol >= n) break;
        i = eol + 1;
    }
    size_t distinct = 0;
    for (uint32_t b = seen; b; b &= b - 1) distinct++;
    return fields >= need && distinct >= 2 && core;
}

/* MARK: - JSON (Private) */

/* A bounded check of RFC 8259 grammar over the window, starting at s[i] ('{' or '['): a
 * container stack of 512 levels in a bit array, strings with escapes and no raw controls,
 * numbers by their characters, the three literals. A window that ends inside the value is
 * fine (the rest is unseen); one that holds the whole input must end the value, with only
 * whitespace after it. Nesting past 512 levels stops the check with a yes. */
static bool looks_json(const uint8_t *s, size_t n, size_t i, bool whole)
{
    enum { VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE, COLON, AFTER } st = VALUE;
    uint8_t stack[64] = {0}; /* bit set: that level is an object (zeroed: a bit is read only
                                after it is written, but the analyzer cannot see that) */
    size_t depth = 0;
    bool done = false; /* the top-level value ended */
    while (i < n) {
        uint8_t c = s[i];
        if (is_ws(c) && c != '\v' && c != '\f') {
            i++;
            continue;
        }
        if (done) return false;
        if (st == COLON) {
            if (c != ':') return false;
            st = VALUE;
            i++;
            continue;
        }
        if (st == AFTER) {
            bool obj = depth > 0 && (stack[(depth - 1) / 8] >> ((depth - 1) % 8) & 1);
            if (c == ',') {
                st = obj ? KEY : VALUE;
            } else if (c == (obj ? '}' : ']') && depth > 0) {
                depth--;
                if (depth == 0) done = true;
            } else {
                return false;
            }
            i++;
            continue;
        }
        /* VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE */
        if ((st == VALUE_OR_CLOSE && c == ']') || (st == KEY_OR_CLOSE && c == '}')) {
            depth--;
            if (depth == 0) done = true;
            st = AFTER;
            i++;
            continue;
        }
        if ((st == KEY || st == KEY_OR_CLOSE) && c != '"') return false;
        if (c == '{' || c == '[') {
            if (depth == sizeof stack * 8) return true;
            uint8_t bit = (uint8_t)(1u << (depth % 8));
            if (c == '{') stack[depth / 8] |= bit;
            else stack[depth / 8] &= (uint8_t)~bit;
            depth++;
            st = c == '{' ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
            i++;
            continue;
        }
        if (c == '"') {
            bool key = st == KEY || st == KEY_OR_CLOSE;
            i++;
            while (i < n && s[i] != '"') {
                if (s[i] < 0x20) return false;
                i += s[i] == '\\' ? 2 : 1;
            }
            if (i >= n) return !whole;
            i++;
            st = key ? COLON : AFTER;
            if (!key && depth == 0) done = true;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '+' ||
                             s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
                i++;
            st = AFTER;
            if (depth == 0) done = true;
            continue;
        }
        static const char *const lits[] = {"true", "false", "null"};
        bool lit = false;
        for (size_t k = 0; k < 3 && !lit; k++) {
            size_t m = strlen(lits[k]);
            size_t have = n - i < m ? n - i : m;
            if (memcmp(s + i, lits[k], have) == 0) {
                if (have < m) return !whole; /* cut by the window */
                i += m;
                lit = true;
            }
        }
        if (!lit) return false;
        st = AFTER;
        if (depth == 0) done = true;
    }
    return whole ? done : true;
}

/* MARK: - Markdown (Private) */

static bool is_word(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           c >= 0x80;
}

static bool blank_line(const uint8_t *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!is_ws(s[i])) return false;
    return true;
}

/* "# include <x>": C preprocessor lines may put a space after the '#'. */
static bool cpp_directive(const uint8_t *s, size_t n)
{
    static const char words[] = "include|define|undef|if|ifdef|ifndef|elif|else|endif|pragma|"
                                "error|line";
    size_t w = 0;
    while (w < n && s[w] >= 'a' && s[w] <= 'z') w++;
    if (w < n && s[w] != ' ' && s[w] != '\t' && s[w] != '\r' && s[w] != '(') return false;
    return word_index(words, s, w) >= 0;
}

/* Conservative: plain text that is not obviously Markdown stays text (a hint can still say
 * Markdown). Over the window, it is Markdown when it has a standalone ATX heading ("# Title":
 * 1-6 '#', a space, then text, at most 3 spaces in, with a blank line or the edge of the
 * window on both sides) AND one construct that plain text and code rarely have: a fenced code
 * block, an inline link "[x](y)" whose '[' does not follow a word (a[i](j) is code),
 * "**strong**" with no space inside either end and no word right after, or at least two list
 * items next to at least two headings. The blank lines around the heading are what set it
 * apart from "# comment" lines in scripts, C preprocessor lines and config files, which sit
 * right on top of code; a file starting with "#!" is a script anyway. */
static bool looks_markdown(const uint8_t *s, size_t n)
{
    /* Every verdict needs a '#' heading: text without a '#' (most of it) ends here. */
    if (!memchr(s, '#', n)) return false;
    if (starts(s, n, "#!", 2)) return false;
    size_t headings = 0, lists = 0, stacked = 0;
    bool prev_hash = false; /* the line before starts with '#' */
    bool fence = false, link = false, strong = false;
    bool prev_blank = true;  /* the line before the current one (the start counts as blank) */
    bool pending = false;    /* the previous line was a heading waiting for a blank line */
    size_t i = 0;
    while (i < n) {
        size_t eol = find(s, n, i, "\n");
        bool blank = blank_line(s, i, eol);
        if (pending && blank) headings++;
        pending = false;
        size_t k = i;
        while (k < eol && k - i < 3 && s[k] == ' ') k++;
        const uint8_t *l = s + k;
        size_t ln = eol - k;
        size_t h = 0;
        while (h < ln && h < 7 && l[h] == '#') h++;
        if (h > 0 && prev_hash) stacked++;
        if (prev_blank && h >= 1 && h <= 6 && h + 1 < ln && l[h] == ' ' && !is_ws(l[h + 1]) &&
            !cpp_directive(l + h + 1, ln - h - 1)) {
            if (eol >= n) headings++; /* last line of the window */
            else pending = true;
        }
        /* A '~' run right under a line of text is an RST underline, not a fence. */
        if (starts(l, ln, "```", 3) || (prev_blank && starts(l, ln, "~~~", 3))) fence = true;
        if (ln >= 2 && (l[0] == '-' || l[0] == '*' || l[0] == '+') && l[1] == ' ') lists++;
        size_t dg = 0;
        while (dg < ln && dg < 9 && l[dg] >= '0' && l[dg] <= '9') dg++;
        if (dg > 0 && dg + 1 < ln && (l[dg] == '.' || l[dg] == ')') && l[dg + 1] == ' ') lists++;
        /* inline constructs on this line */
        for (size_t j = k; j + 1 < eol; j++) {
            if (!link && s[j] == ']' && s[j + 1] == '(') {
                size_t o = j;
                while (o > k && s[o - 1] != '[' && s[o - 1] != ']') o--;
                size_t c = find(s, eol, j + 2, ")");
                bool open_ok = o > k && s[o - 1] == '[' && (o - 1 == k || !is_word(s[o - 2]));
                if (open_ok && o < j && c < eol && c > j + 2 && !is_ws(s[j + 2])) link = true;
            }
            if (!strong && s[j] == '*' && s[j + 1] == '*' && j + 2 < eol && !is_ws(s[j + 2]) &&
                s[j + 2] != '*' && (j == k || !is_word(s[j - 1]))) {
                size_t c = find(s, eol, j + 2, "**");
                if (c < eol && !is_ws(s[c - 1]) && (c + 2 >= eol || !is_word(s[c + 2])))
                    strong = true;
            }
        }
        prev_blank = blank;
        prev_hash = h > 0;
        i = eol + 1;
    }
    if (stacked > headings) return false;
    return headings >= 1 && (fence || link || strong || (lists >= 2 && headings >= 2));
}

/* MARK: - Markup (Private) */

static bool xml_prolog(const uint8_t *s, size_t n)
{
    return istarts(s, n, "<?xml") && n > 5 && (is_ws(s[5]) || s[5] == '?');
}

static bool svg_root(const uint8_t *s, size_t n)
{
    return istarts(s, n, "<svg") && n > 4 && (is_ws(s[4]) || s[4] == '>');
}

/* RTF, XML, HTML (or Markdown behind a comment) by how the text opens; PITH_FMT_UNKNOWN if
 * it opens otherwise. */
static pith_format sniff_markup(const uint8_t *s, size_t n)
{
    if (starts(s, n, "{\\rtf", 5)) return PITH_FMT_RTF;
    if (xml_prolog(s, n)) return xml_root_is_html(s, n) ? PITH_FMT_HTML : PITH_FMT_XML;
    if (svg_root(s, n)) return PITH_FMT_XML;
    if (!html_pattern(s, n)) return PITH_FMT_UNKNOWN;
    if (!starts(s, n, "<!--", 4)) return PITH_FMT_HTML;
    /* WHATWG takes a leading comment for HTML, but licence comments also open SVG, XML and
     * Markdown files (node's API docs). Look past the comments: an XML prolog, an <svg> root
     * or a Markdown body decides; anything else stays HTML. Each turn consumes a comment. */
    size_t i = 0;
    while (starts(s + i, n - i, "<!--", 4)) {
        size_t e = find(s, n, i + 4, "-->");
        if (e >= n) return PITH_FMT_HTML;
        i = skip_ws(s, n, e + 3);
    }
    const uint8_t *r = s + i;
    size_t m = n - i;
    if (xml_prolog(r, m)) return xml_root_is_html(r, m) ? PITH_FMT_HTML : PITH_FMT_XML;
    if (svg_root(r, m)) return PITH_FMT_XML;
    if (m > 0 && r[0] != '<' && looks_markdown(r, m)) return PITH_FMT_MARKDOWN;
    return PITH_FMT_HTML;
}

/* MARK: - Detection (Public) */

pith_format pith_detect(const void *data, size_t len, const char *hint, size_t hint_len)
{
    pith_format want = hint_format(hint, hint_len);
    if (!data) {
        if (len > 0) return PITH_FMT_UNKNOWN;
        data = "";
    }
    const uint8_t *d = (const uint8_t *)data;

    pith_format f = sniff_magic(d, len, want);
    if (f != PITH_FMT_UNKNOWN) return f;

    text_view v;
    decode_text(&v, d, len);
    size_t i = skip_ws(v.p, v.n, 0);
    const uint8_t *s = v.p + i;
    size_t n = v.n - i;

    /* Markup openings are strong enough to stand against stray controls (an MHTML dump saved
     * as .html with NULs in it, tika__test_ignore_IBM420.html). */
    pith_format strong = sniff_markup(s, n);
    if (strong == PITH_FMT_UNKNOWN && !looks_text(&v)) return PITH_FMT_BINARY;

    /* Text it is. A hint naming a specific text format decides: content cannot tell CSV or
     * Markdown from plain text, and Markdown may well open with HTML. A plain-text hint
     * (.txt, text/plain: what servers say of anything) does not overrule markup, mail or
     * JSON openings, but keeps Markdown-looking text plain. A binary hint is ignored: the
     * content has just said it is text. */
    if (is_text_format(want) && want != PITH_FMT_TEXT) return want;
    if (strong == PITH_FMT_MARKDOWN && want == PITH_FMT_TEXT) return PITH_FMT_TEXT;
    if (strong != PITH_FMT_UNKNOWN) return strong;
    if (looks_mail(s, n)) return PITH_FMT_EML;
    if (n > 0 && (s[0] == '{' || s[0] == '[') && looks_json(s, n, 0, v.whole))
        return PITH_FMT_JSON;
    if (want == PITH_FMT_TEXT) return PITH_FMT_TEXT;
    if (looks_markdown(s, n)) return PITH_FMT_MARKDOWN;
    return PITH_FMT_TEXT;
}
