/* rtf_field.c: the target of a HYPERLINK field instruction; see rtf_field.h.
 *
 * The instruction is the decoded text of \fldinst (the RTF escapes already undone, so a
 * switch reads "\l"). Arguments are bare words or "quoted", where a backslash takes the next
 * character as it is (Word writes C:\\path inside quotes). Switches \l (a bookmark: the href
 * gets "#name"), \o and \t take an argument; the others none. Bounded: one pass over inst.
 */
#include "rtf_field.h"

#include <stdbool.h>
#include <string.h>

typedef struct fld_rd { const char *p; size_t n, i; } fld_rd;

static void skip_space(fld_rd *r)
{
    while (r->i < r->n && (r->p[r->i] == ' ' || r->p[r->i] == '\t')) r->i++;
}

/* The next argument, appended to out[*k..cap) when out is not NULL. */
static void arg(fld_rd *r, char *out, size_t *k, size_t cap)
{
    skip_space(r);
    bool quoted = r->i < r->n && r->p[r->i] == '"';
    if (quoted) r->i++;
    while (r->i < r->n) {
        char c = r->p[r->i];
        if (quoted ? c == '"' : (c == ' ' || c == '\t')) break;
        if (quoted && c == '\\' && r->i + 1 < r->n) c = r->p[++r->i];
        if (out && *k < cap) out[(*k)++] = c;
        r->i++;
    }
    if (quoted && r->i < r->n) r->i++;
}

size_t rtf_field_href(const char *inst, size_t n, char *out, size_t cap)
{
    static const char kw[] = "HYPERLINK";
    fld_rd r = {inst, n, 0};
    skip_space(&r);
    if (n - r.i < sizeof kw - 1) return 0;
    for (size_t j = 0; j < sizeof kw - 1; j++)
        if ((inst[r.i + j] & ~0x20) != kw[j]) return 0;
    r.i += sizeof kw - 1;
    if (r.i < n && inst[r.i] != ' ' && inst[r.i] != '\t' && inst[r.i] != '"') return 0;
    char anchor[256];
    size_t k = 0, na = 0;
    bool have_url = false;
    for (;;) {
        skip_space(&r);
        if (r.i >= n) break;
        if (inst[r.i] == '\\' && r.i + 1 < n) {
            char sw = inst[r.i + 1];
            r.i += 2;
            if (sw == 'l') {
                na = 0;
                arg(&r, anchor, &na, sizeof anchor);
            } else if (sw == 'o' || sw == 't') {
                arg(&r, NULL, NULL, 0);
            }
            continue;
        }
        if (have_url) {
            arg(&r, NULL, NULL, 0);
        } else {
            arg(&r, out, &k, cap);
            have_url = true;
        }
    }
    if (na > 0 && k < cap) {
        out[k++] = '#';
        for (size_t j = 0; j < na && k < cap; j++) out[k++] = anchor[j];
    }
    return k;
}
