/* md_front.c: YAML front matter of a Markdown file (the Jekyll/Hugo/pandoc convention).
 *
 * A block that opens the file with a line "---" and ends with a line "---" or "...", whose
 * first entry looks like a YAML mapping key ("title: ..."), is metadata, not text. Of YAML
 * (1.2) it reads what front matter uses: top-level "key: value" lines with plain, single- or
 * double-quoted scalars, flow sequences "[a, b]", block sequences ("- a" lines, or "- name: x"
 * mappings, of which the name is taken), and block scalars ("|", ">"). Kept: title,
 * author (or authors), date, tags (or keywords); sequences are joined with ", ". Anchors,
 * tags (!!str), nested mappings other than "name:" and multi-document streams are not read.
 * Bounded: one pass over the block's lines, no recursion.
 */
#include <stdbool.h>
#include <string.h>

#include "md_front.h"

#define FRONT_VALUE_MAX 4096u

static bool is_sp(char c) { return c == ' ' || c == '\t'; }

/* The next line of s[*i..n): its bounds without the line ending; *i moves past it. */
static bool next_line(const char *s, size_t n, size_t *i, size_t *b, size_t *e)
{
    if (*i >= n) return false;
    size_t k = *i;
    while (k < n && s[k] != '\n' && s[k] != '\r') k++;
    *b = *i;
    *e = k;
    if (k < n && s[k] == '\r' && k + 1 < n && s[k + 1] == '\n') k++;
    *i = k < n ? k + 1 : k;
    return true;
}

static bool line_is(const char *s, size_t b, size_t e, const char *mark)
{
    while (e > b && is_sp(s[e - 1])) e--;
    return e - b == 3 && memcmp(s + b, mark, 3) == 0;
}

/* A mapping key at s[b..e): "key:" followed by a space or the line end. */
static bool key_at(const char *s, size_t b, size_t e, size_t *ke, size_t *vb)
{
    size_t k = b;
    while (k < e && (((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z') || (s[k] >= '0' && s[k] <= '9') ||
                     s[k] == '_' || s[k] == '-'))
        k++;
    if (k == b || k >= e || s[k] != ':') return false;
    if (k + 1 < e && !is_sp(s[k + 1])) return false;
    *ke = k;
    *vb = k + 1;
    return true;
}

typedef struct fvalue {
    char buf[FRONT_VALUE_MAX];
    size_t n;
} fvalue;

static void val_put(fvalue *v, const char *s, size_t n)
{
    if (n > FRONT_VALUE_MAX - v->n) n = FRONT_VALUE_MAX - v->n;
    memcpy(v->buf + v->n, s, n);
    v->n += n;
}

/* A scalar at s[b..e): quotes removed (with their escapes), a trailing comment dropped. */
static void scalar(fvalue *v, const char *s, size_t b, size_t e)
{
    while (b < e && is_sp(s[b])) b++;
    while (e > b && is_sp(s[e - 1])) e--;
    if (b < e && (s[b] == '"' || s[b] == '\'')) {
        char q = s[b];
        for (size_t i = b + 1; i < e; i++) {
            if (s[i] == q) {
                if (q == '\'' && i + 1 < e && s[i + 1] == '\'') {
                    val_put(v, "'", 1);
                    i++;
                    continue;
                }
                return;
            }
            if (q == '"' && s[i] == '\\' && i + 1 < e) {
                char c = s[++i];
                val_put(v, c == 'n' ? "\n" : c == 't' ? "\t" : &s[i], 1);
                continue;
            }
            val_put(v, s + i, 1);
        }
        return;
    }
    for (size_t i = b; i + 1 < e; i++) {
        if (is_sp(s[i]) && s[i + 1] == '#') {
            e = i;
            break;
        }
    }
    while (e > b && is_sp(s[e - 1])) e--;
    val_put(v, s + b, e - b);
}

/* A flow sequence "[a, b]" at s[b..e) (no nesting). */
static void flow_seq(fvalue *v, const char *s, size_t b, size_t e)
{
    size_t i = b + 1, end = e;
    while (end > i && s[end - 1] != ']') end--;
    if (end > i) end--;
    while (i < end) {
        size_t j = i;
        char q = 0;
        while (j < end && (q || s[j] != ',')) {
            if (!q && (s[j] == '"' || s[j] == '\'')) q = s[j];
            else if (q && s[j] == q) q = 0;
            j++;
        }
        size_t before = v->n;
        if (v->n) val_put(v, ", ", 2);
        size_t mark = v->n;
        scalar(v, s, i, j);
        if (v->n == mark) v->n = before;
        i = j + 1;
    }
}

static pith_status store(pith_doc *doc, const char *key, fvalue *v)
{
    while (v->n && (v->buf[v->n - 1] == '\n' || is_sp(v->buf[v->n - 1]))) v->n--;
    if (!v->n) return PITH_OK;
    return pith_doc_add_meta(doc, key, v->buf, v->n);
}

/* Which metadata key a front matter key gives, or NULL. */
static const char *meta_key(const char *s, size_t n)
{
    static const struct { const char *k, *meta; } keys[] = {
        {"title", "title"}, {"author", "author"}, {"authors", "author"}, {"date", "date"},
        {"tags", "tags"},   {"keywords", "tags"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].k) == n && memcmp(keys[i].k, s, n) == 0) return keys[i].meta;
    return NULL;
}

pith_status md_front_parse(pith_doc *doc, const char *s, size_t n, size_t *skip)
{
    size_t i = 0, b, e;
    *skip = 0;
    if (!next_line(s, n, &i, &b, &e) || !line_is(s, b, e, "---")) return PITH_OK;
    /* find the end and check that it opens like a mapping */
    size_t body = i, end = 0, after = 0, k = i;
    bool first = true, mapping = false;
    while (next_line(s, n, &k, &b, &e)) {
        if (line_is(s, b, e, "---") || line_is(s, b, e, "...")) {
            end = b;
            after = k;
            break;
        }
        size_t q = b;
        while (q < e && is_sp(s[q])) q++;
        if (first && q < e && s[q] != '#') {
            size_t ke, vb;
            mapping = q == b && key_at(s, b, e, &ke, &vb);
            first = false;
        }
    }
    if (!after || !mapping) return PITH_OK;
    *skip = after;

    /* one pass over the block: the current top-level key collects what follows it */
    fvalue *v = pith_scratch_alloc(doc, sizeof *v);
    if (!v) return pith_doc_status(doc);
    const char *cur = NULL;
    int block = 0;  /* 0: none, '|' or '>': block scalar lines follow */
    pith_status st = PITH_OK;
    k = body;
    while (st == PITH_OK && k < end && next_line(s, end, &k, &b, &e)) {
        size_t q = b;
        while (q < e && is_sp(s[q])) q++;
        size_t ke, vb;
        if (q == b && q < e && key_at(s, b, e, &ke, &vb)) {
            if (cur) st = store(doc, cur, v);
            v->n = 0;
            block = 0;
            cur = meta_key(s + b, ke - b);
            if (!cur) continue;
            size_t a = vb;
            while (a < e && is_sp(s[a])) a++;
            if (a < e && (s[a] == '|' || s[a] == '>')) block = s[a];
            else if (a < e && s[a] == '[') flow_seq(v, s, a, e);
            else scalar(v, s, a, e);
            continue;
        }
        if (!cur || q >= e || s[q] == '#') continue;
        if (block) {
            if (v->n) val_put(v, block == '|' ? "\n" : " ", 1);
            val_put(v, s + q, e - q);
        } else if (s[q] == '-' && (q + 1 >= e || is_sp(s[q + 1]))) {
            size_t a = q + 1, ke2, vb2;
            while (a < e && is_sp(s[a])) a++;
            if (v->n) val_put(v, ", ", 2);
            if (key_at(s, a, e, &ke2, &vb2)) {
                if (ke2 - a == 4 && memcmp(s + a, "name", 4) == 0) scalar(v, s, vb2, e);
                else if (v->n >= 2) v->n -= 2;
            } else {
                scalar(v, s, a, e);
            }
        } else if (key_at(s, q, e, &ke, &vb) && ke - q == 4 && memcmp(s + q, "name", 4) == 0) {
            if (v->n) val_put(v, ", ", 2);
            scalar(v, s, vb, e);
        }
    }
    if (st == PITH_OK && cur) st = store(doc, cur, v);
    return st;
}
