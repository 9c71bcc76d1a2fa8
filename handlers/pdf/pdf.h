/* pdf.h: what the parts of the PDF handler share (internal).
 *
 * The handler is split by job, each file behind this header:
 *   pdf_lex.c      lexer and object parser (all object types, depth-bounded, no recursion on
 *                  input depth beyond PDF_MAX_NEST)
 *   pdf_xref.c     cross-reference tables and streams, /Prev chains, /XRefStm, object streams,
 *                  repair by scanning for "N G obj"
 *   pdf_obj.c      lazy resolution of indirect objects with a cache in the document arena,
 *                  cycle detection, dictionary/array accessors, stream decoding (decrypt then
 *                  src/pdf_filters.c)
 *   pdf_crypt.c    the standard security handler (RC4 R2-R4, AESV2, AESV3 R5/R6) on src/crypt
 *   pdf_pages.c    page tree with inherited attributes, page labels
 *   pdf_meta.c     Info dictionary and XMP metadata, dates to ISO 8601, text strings
 *   pdf_font*.c    fonts: simple encodings + Differences + glyph list, ToUnicode and predefined
 *                  CMaps, CID fonts, embedded font programs' tables, widths
 *   pdf_content.c  content stream interpreter (graphics and text state, XObjects, marked content)
 *   pdf_layout.c   glyphs → words → lines → blocks in reading order → events
 *   pdf.c          the pith_handler: open (xref, crypt, pages, metadata), one unit per page
 *
 * Memory: objects parsed from the file live in the document arena (the cache); what one page
 * needs (content bytes, glyphs, layout) lives in the scratch arena and is gone after the page.
 * Every loop over file data draws work (pith_work); every object kept counts (pith_objects).
 */
#ifndef PITH_PDF_H
#define PITH_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* √v, 0 for v <= 0 (or NaN). The builtin is one f64.sqrt in wasm (no import) and sqrtsd
 * natively, where the compiler may keep a libm call for errno on a negative argument (never
 * taken: v > 0 here; native builds link libm). Correctly rounded on both, so wasm and native
 * lay out alike; the Newton loop it replaced was 7-12% of a page's wasm time in the layout and
 * 1 ulp off in a quarter of cases. */
static inline double pdf_sqrt(double v)
{
    return v > 0 ? __builtin_sqrt(v) : 0;
}

/* Nesting of arrays/dictionaries in one object, Form XObjects, page tree levels. */
#define PDF_MAX_NEST 64u

/* MARK: - Objects */

typedef enum pdf_kind {
    PDF_NULL = 0, PDF_BOOL, PDF_INT, PDF_REAL, PDF_NAME, PDF_STRING, PDF_ARRAY, PDF_DICT,
    PDF_REF, PDF_STREAM,
    PDF_OP  /* content streams only: an operator keyword (name holds its bytes) */
} pdf_kind;

typedef struct pdf_obj pdf_obj;
typedef struct pdf_pair pdf_pair;

/* One object. Strings are raw bytes after escapes (and after decryption for strings of an
 * encrypted file); names are without the slash with #xx decoded. Arrays and dictionaries hold
 * their items inline; a dictionary's keys are names. A stream is its dictionary plus where its
 * data is in the file (decoded on demand with pdf_stream_decode). */
struct pdf_obj {
    uint8_t kind;    /* pdf_kind */
    uint8_t hex;     /* PDF_STRING written as <hex> */
    uint32_t n;      /* items (array), pairs (dict), bytes (string, name, op) */
    union {
        bool b;
        int64_t i;
        double r;
        const uint8_t *s;  /* string, name, op: n bytes (not NUL-terminated) */
        pdf_obj *items;    /* array */
        pdf_pair *pairs;   /* dict */
        struct { uint32_t num, gen; } ref;
        struct {
            pdf_obj *dict;   /* a PDF_DICT */
            uint64_t off;    /* data offset in the file (after "stream" and its EOL) */
            uint64_t len;    /* data length (/Length checked against "endstream"; repaired) */
            uint32_t num, gen;  /* the object it is (decryption key) */
        } stream;
    } u;
};

struct pdf_pair {
    const uint8_t *key;  /* name bytes */
    uint32_t klen;
    pdf_obj val;
};

/* Static objects for "absent". Never written. */
extern const pdf_obj pdf_null;

/* MARK: - Lexer and parser (pdf_lex.c) */

typedef struct pdf_lex {
    const uint8_t *base, *p, *end;
    pith_doc *doc;
    pith_arena *arena;   /* where parsed objects go */
    uint32_t depth;
    /* pdfcore additions: objects created by the parses so far (pdf_obj.c counts the cached
     * ones against limits.max_objects), and whether the nesting warning was given. */
    uint64_t made;
    bool warned_depth;
} pdf_lex;

void pdf_lex_init(pdf_lex *lx, pith_doc *doc, pith_arena *a, const uint8_t *data, size_t len,
                  size_t pos);
/* Skip whitespace and comments. */
void pdf_lex_skip_ws(pdf_lex *lx);
/* Parse one object at the position (numbers followed by "G R" become references; in content
 * streams (ops true) a bare keyword is returned as PDF_OP, and "true", "false", "null" are
 * objects). Returns PITH_OK, PITH_E_FORMAT (garbage: the caller resyncs), PITH_E_TRUNCATED
 * (input ended inside an object), or LIMIT/NOMEM (recorded). At the end of input: PITH_OK with
 * *out PDF_NULL and lx->p == lx->end. */
pith_status pdf_parse(pdf_lex *lx, pdf_obj *out, bool ops);
/* pdfcore additions to pdf_parse's contract:
 * - with ops false a bare keyword at the top level ("obj", "endobj", "stream", "trailer",
 *   "xref", garbage) is returned as PDF_OP too, so structure readers can test for it; inside
 *   an array or dictionary the structure keywords (obj endobj stream endstream xref trailer
 *   startxref) end every open container (the object is closed where it broke, p stays at the
 *   keyword) and other keywords are skipped.
 * - with ops true a keyword inside an array is kept as a PDF_OP item (pdf.js does the same:
 *   "[(a) Tj (b)] TJ" keeps its strings).
 * - nesting deeper than PDF_MAX_NEST: the deeper containers are skipped as a whole (they read
 *   as null), one PITH_E_FORMAT warning per lexer; the rest of the object is kept.
 * - PITH_E_TRUNCATED leaves in *out what was read, open containers closed.
 * - Literal strings without escapes and names without #xx point into the input. */
/* A TJ array read flat (pdf_lex_tj): the content interpreter's fast path for "[...] TJ". */
typedef struct pdf_tj_item {
    const uint8_t *s;   /* the string's bytes (in the input or pdf_tj.bytes); NULL: a number */
    uint32_t n;         /* bytes of s */
    double num;         /* the number, as pdf_num gives it (s NULL) */
} pdf_tj_item;

typedef struct pdf_tj {
    pdf_tj_item *items; /* the caller's room: cap items, cap_bytes bytes of decoded strings */
    uint32_t cap, n;
    uint8_t *bytes;
    size_t cap_bytes;
    uint64_t work;      /* what the general path's lexing would have charged: for the caller */
} pdf_tj;

/* At a '[' (lx->p there): "[...] TJ" whose items are numbers and strings only, read into tj
 * without allocating, lx moved past the TJ; true if so. false leaves lx as it was and nothing
 * charged (anything else, or more than tj holds: pdf_parse reads it). Work is not charged:
 * the caller charges tj->work, as pdf_parse would have for the array and the operator. */
bool pdf_lex_tj(pdf_lex *lx, pdf_tj *tj);
/* Skip whitespace/comments, then match keyword kw followed by a delimiter; consumed if so. */
bool pdf_lex_keyword(pdf_lex *lx, const char *kw);
/* Skip whitespace/comments, then read an unsigned decimal integer (digits only); consumed if
 * so. Values past 2^63 saturate. */
bool pdf_lex_uint(pdf_lex *lx, uint64_t *v);
bool pdf_is_ws(uint8_t c);
bool pdf_is_delim(uint8_t c);

/* MARK: - The document */

typedef struct pdf_xref_entry {
    uint64_t off;     /* type 1: file offset; type 2: object stream number */
    uint32_t gen;     /* type 1: generation; type 2: index in the object stream */
    uint8_t type;     /* 0 free/absent, 1 in file, 2 in object stream */
    uint8_t state;    /* resolution state (pdf_obj.c): unseen, resolving (cycle), done, bad */
    pdf_obj *obj;     /* the cached object once resolved */
} pdf_xref_entry;

typedef struct pdf_crypt pdf_crypt;
typedef struct pdf_font pdf_font;
typedef struct pdf_font_cache pdf_font_cache;

typedef struct pdf_page {
    pdf_obj *dict;        /* the /Page dictionary */
    pdf_obj *resources;   /* inherited /Resources (a dict or NULL) */
    double box[4];        /* /CropBox within /MediaBox (inherited), normalised x0<x1, y0<y1 */
    double media[4];      /* /MediaBox (inherited), normalised: nothing outside is ever shown */
    int rotate;           /* 0, 90, 180, 270 (inherited) */
    pith_str label;       /* page label (UTF-8), empty when the document has none */
} pdf_page;

typedef struct pdf_ctx {
    pith_doc *doc;
    const uint8_t *data;
    size_t len;
    int version;              /* 10 * major + minor from the header (or the catalog) */
    pdf_xref_entry *xref;
    uint32_t nxref;
    pdf_obj *trailer;         /* merged trailer dictionary */
    pdf_obj *catalog;         /* /Root */
    bool repaired;            /* the xref was rebuilt by scanning */
    pdf_crypt *crypt;         /* NULL when not encrypted */
    pdf_page *pages;
    uint32_t npages;
    pdf_font_cache *fonts;    /* pdf_font.c's cache, by object number */
    /* pdfcore additions */
    size_t header_off;        /* bytes before "%PDF-" in the input; data/len start there, as
                                 xref offsets count from the header */
    uint32_t encrypt_num;     /* object number of the /Encrypt dictionary (its strings are not
                                 encrypted), 0 if direct or none */
    uint32_t warned_cycles;   /* reference cycle warnings given (capped) */
    uint32_t nrepairs;        /* objects not found where the xref said (then repaired) */
    struct pdf_objstm **objstm; /* decoded object streams by object number (pdf_obj.c) */
    uint32_t nobjstm;         /* size of objstm[] */
    uint32_t resolve_depth;   /* nested resolutions in progress (a /Length that is a stream's) */
    pdf_obj *info;            /* the trailer's /Info, resolved (pdf_meta.c) */
    /* Set by pdf_content_page: characters of text the page emitted (pdf.c sets UINT32_MAX
     * before the call; left so, the "no text layer" flag cannot be decided and is not raised). */
    uint32_t page_chars;
} pdf_ctx;

/* pdfcore addition: open the document structure over data[0..len) (header, xref or repair,
 * /Encrypt, catalog, pages, metadata) into a pdf_ctx in the document arena. The handler's open
 * is this plus pith_doc_set_units; tests call it directly. PITH_E_FORMAT/TRUNCATED only when no
 * page can be found; ENCRYPTED as pdf_crypt_open. */
pith_status pdf_ctx_open(pith_doc *doc, const uint8_t *data, size_t len, pdf_ctx **out);
/* pdfcore addition (pdf_obj.c): read indirect object num from file offset off ("num gen obj"
 * expected there, checked); *out is the object or a stream. PITH_E_FORMAT when it is not
 * there. Used by resolution and by repair. */
pith_status pdf_obj_read_at(pdf_ctx *ctx, uint64_t off, uint32_t num, uint32_t gen,
                            pdf_obj **out);
/* pdfcore addition (pdf_obj.c): decrypt every string inside o (object num gen) in place in
 * the document arena; no-op when the file is not encrypted. */
pith_status pdf_obj_decrypt(pdf_ctx *ctx, pdf_obj *o, uint32_t num, uint32_t gen);
/* pdfcore addition (pdf_xref.c): rebuild the xref by scanning the file for "N G obj" and
 * trailers (repair), merging over what was read. */
pith_status pdf_xref_repair(pdf_ctx *ctx);
/* pdfcore addition (pdf_obj.c): the object numbers object stream snum holds (decoded once,
 * cached). PITH_E_FORMAT when it is not a usable object stream. */
pith_status pdf_objstm_nums(pdf_ctx *ctx, uint32_t snum, const uint32_t **nums, uint32_t *n);

/* pdf_xref.c: read the xref (tables, streams, hybrid, /Prev), or rebuild it; fills xref,
 * nxref, trailer, repaired. */
pith_status pdf_xref_load(pdf_ctx *ctx);

/* pdf_obj.c: resolution and accessors. Every accessor takes possibly-NULL or wrong-kind
 * objects and answers "absent" for them, so callers chain without checks. */
/* The object a reference points to (o itself if not a reference); &pdf_null when missing,
 * free, damaged or part of a reference cycle (a warning once). Never NULL. */
const pdf_obj *pdf_resolve(pdf_ctx *ctx, const pdf_obj *o);
/* Object number num, resolved; &pdf_null when absent. */
const pdf_obj *pdf_get_obj(pdf_ctx *ctx, uint32_t num);
/* Dictionary value for key (a stream's dictionary is looked in), resolved; &pdf_null. */
const pdf_obj *pdf_dict_get(pdf_ctx *ctx, const pdf_obj *dict, const char *key);
/* Same, unresolved (a reference stays a reference: for identity, e.g. font cache keys). */
const pdf_obj *pdf_dict_get_raw(const pdf_obj *dict, const char *key);
/* Array item i, resolved; &pdf_null out of range. */
const pdf_obj *pdf_array_get(pdf_ctx *ctx, const pdf_obj *arr, uint32_t i);
uint32_t pdf_array_len(const pdf_obj *o);  /* 0 for a non-array */
bool pdf_is_name(const pdf_obj *o, const char *name);
bool pdf_is_dict(const pdf_obj *o);        /* a dict, or a stream (its dict) */
const pdf_obj *pdf_dict_of(const pdf_obj *o);  /* the dict of a dict or stream, else NULL */
double pdf_num(const pdf_obj *o, double dflt);   /* INT or REAL, else dflt */
int64_t pdf_int(const pdf_obj *o, int64_t dflt); /* INT (REAL truncated), else dflt */
/* Name bytes (n in *n), or NULL. */
const uint8_t *pdf_name(const pdf_obj *o, uint32_t *n);
/* A stream's decoded data (decrypted, /Filter chain applied) in `a` (NULL = scratch). An image
 * filter gives PITH_E_UNSUPPORTED; damaged data gives what was decoded with a warning (PITH_OK).
 * LIMIT/NOMEM are recorded (the document stops). */
pith_status pdf_stream_decode(pdf_ctx *ctx, const pdf_obj *stream, pith_arena *a,
                              const uint8_t **out, size_t *out_len);

/* pdf_crypt.c: set up decryption from the trailer's /Encrypt (password from the options: the
 * empty user password first). PITH_E_ENCRYPTED when no password opens it, with a message that
 * says whether a password was given. */
pith_status pdf_crypt_open(pdf_ctx *ctx);
/* Decrypt a string or stream of object num/gen into `a` (in place is not allowed: the input is
 * the caller's file). kind: 's' string, 'S' stream (stream filters /Crypt /Identity honoured by
 * the caller passing ident=true). */
/* Streams the file's encryption leaves alone: none at all when not encrypted, cross-reference
 * streams, and /Metadata streams when /EncryptMetadata is false (§7.6.2). The caller also
 * skips a stream whose /Filter has a /Crypt step named /Identity. */
bool pdf_crypt_skips(const pdf_ctx *ctx, const pdf_obj *dict);
pith_status pdf_crypt_data(pdf_ctx *ctx, char kind, uint32_t num, uint32_t gen,
                           const uint8_t *in, size_t n, pith_arena *a, const uint8_t **out,
                           size_t *out_n);

/* pdf_pages.c: walk the page tree (cycles and absurd counts refused: the /Count of the root
 * is not trusted, only the leaves found, within limits.max_objects), inherited attributes,
 * /PageLabels. */
pith_status pdf_pages_load(pdf_ctx *ctx);

/* pdf_meta.c: Info and XMP metadata into pith_doc_add_meta (title, author, subject, keywords,
 * creator, producer, created, modified as ISO 8601, pages, pdf_version, encrypted). */
pith_status pdf_meta_load(pdf_ctx *ctx);
/* A PDF text string (PDFDocEncoding, UTF-16BE/LE with BOM, UTF-8 with BOM) to UTF-8 in `a`. */
pith_str pdf_text_string(pith_arena *a, const uint8_t *s, size_t n);

/* MARK: - Fonts (pdf_font*.c) */

/* One character code of a shown string, decoded. */
typedef struct pdf_glyph {
    uint32_t code;      /* the character code */
    uint32_t nbytes;    /* bytes of the string it used (1..4) */
    uint32_t uni[8];    /* its Unicode text (a ligature gives several); nuni 0 = unknown */
    uint32_t nuni;
    double w0;          /* horizontal displacement in text space units (glyph width/1000, or
                           the Type3 font matrix applied) */
    double w1;          /* vertical displacement (vertical writing mode), negative downwards */
    bool space;         /* a single-byte code 32: word spacing (Tw) applies */
} pdf_glyph;
/* pdffont addition: nuni 0 means no source gave text for the code (ToUnicode, encoding and
 * glyph names, the embedded program): the layout keeps the glyph's advance (so word gaps stay
 * right) and drops its text, no U+FFFD. The font's own files share pdf_font_int.h. A Type0
 * font with a Uni*-UCS2/UTF16 CMap whose pack was not given is read from its codes (with a
 * PITH_E_NEED_PACK warning, not a failure); other predefined CMaps and the CID → Unicode of
 * Adobe-Japan1/GB1/CNS1/Korea1 without ToUnicode need their pack (pdf_cjk.h). */

/* The font a /Font resource names (o: the font dictionary or a reference to it), cached by
 * object number for the document. Never NULL unless LIMIT/NOMEM was recorded: a broken font
 * gives a fallback that decodes bytes as WinAnsi/standard widths, with a warning. A font that
 * needs a data pack that was not given records PITH_E_NEED_PACK and returns NULL. */
pdf_font *pdf_font_get(pdf_ctx *ctx, const pdf_obj *o);
/* Call before decoding s[0..n) with f: a simple font reads its embedded program only when a
 * code shown needs it (most fonts with a /ToUnicode never do), and that happens here. PITH_OK,
 * or LIMIT/NOMEM recorded. */
pith_status pdf_font_prepare(pdf_ctx *ctx, const pdf_font *f, const uint8_t *s, size_t n);
/* Decode the code at s[0..n) (n > 0) into *g; returns the bytes used (>= 1). */
size_t pdf_font_next(const pdf_font *f, const uint8_t *s, size_t n, pdf_glyph *g);
bool pdf_font_vertical(const pdf_font *f);
/* Type3 /FontMatrix (identity/1000 scale for other fonts: {0.001,0,0,0.001,0,0}). */
void pdf_font_matrix(const pdf_font *f, double m[6]);
/* Ascent and descent in text space units (per 1 unit of font size), from the descriptor or
 * defaults (0.75, -0.25), for glyph boxes. */
void pdf_font_extent(const pdf_font *f, double *ascent, double *descent);
/* The font's BaseFont (for "bold" heuristics and debugging); may be empty. */
pith_str pdf_font_name(const pdf_font *f);

/* MARK: - Layout (pdf_layout.c) */

/* A glyph placed on the page, in the page's upright user space (rotation applied, y up). */
typedef struct pdf_placed {
    double x0, y0, x1, y1;  /* box: origin to origin+advance horizontally, descent..ascent */
    double size;            /* font size in user space (scaling applied) */
    uint32_t uni[8];        /* as pdf_glyph */
    uint32_t nuni;
    uint16_t dir;           /* 0 left-to-right baseline, 1 up (90°), 2 right-to-left, 3 down */
    uint16_t font;          /* a small per-page font id (bold / size grouping) */
    uint32_t seq;           /* order shown in the content stream */
    bool space_before;      /* the stream put a space glyph or a TJ gap before it */
    /* Added by pdftext (pdf_content.c/pdf_layout.c): the glyph in its writing frame, which
     * the layout groups in (the box above is for positions only). */
    double ox, oy;          /* origin on the baseline, page space (vertical writing: the top
                               centre of the glyph) */
    double adv;             /* advance along the writing direction, >= 0 */
    double ux, uy;          /* unit vector of the writing direction (1,0 for dir 0) */
    bool flip;              /* the glyph's up points right of the writing direction
                               (a mirrored text matrix) */
} pdf_placed;

typedef struct pdf_layout pdf_layout;

pdf_layout *pdf_layout_new(pith_doc *doc, double page_w, double page_h);
/* Glyphs wholly outside this rectangle (the media box in the page's upright space) are left
 * out of the page's text, as nothing there can be displayed. */
void pdf_layout_clip(pdf_layout *l, double x0, double y0, double x1, double y1);
pith_status pdf_layout_add(pdf_layout *l, const pdf_placed *g);
/* Group the page's glyphs into words, lines, blocks and emit them (paragraphs, headings by
 * size where clear; PITH_EV_POSITION before each block when the options ask for positions). */
pith_status pdf_layout_emit(pdf_layout *l, uint32_t page_index);
/* pdftext addition: characters (code points, spaces and breaks not counted) the last
 * pdf_layout_emit wrote; pdf_content_page reports it in ctx->page_chars. */
uint32_t pdf_layout_chars(const pdf_layout *l);

/* MARK: - Content (pdf_content.c) */

/* Interpret page `index`'s content streams (Form XObjects, marked content, ActualText) into a
 * layout in the scratch arena and emit it. Sets *has_images when the page draws images
 * (for the "no text layer" flag). */
pith_status pdf_content_page(pdf_ctx *ctx, uint32_t index, bool *has_images);

#endif
