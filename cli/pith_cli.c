/* pith_cli.c: the native command line tool.
 *
 *   pith FILE... [--text|--markdown|--json|--html] [--chunk-size N] [--password P]
 *                [--hint H] [--pages FIRST[-LAST]] [--packs DIR] [--meta] [--warnings]
 *                [--positions] [--json-keys] [--email-html] [--quiet]
 *
 * Prints each document's output to stdout as it streams (chunk by chunk, never the whole text
 * at once); errors go to stderr with the status name, and the exit code is 1 when any file
 * failed, 2 for a usage error. Warnings (damaged units) go to stderr with --warnings.
 * Data packs (dist/data/<name>.bin, e.g. the East Asian encodings) are read from --packs DIR
 * when a document asks for one (PITH_E_NEED_PACK), then the document is opened again; the
 * default DIR is dist/data of the source tree the executable was built in (build/<dir>/pith,
 * so ../../dist/data beside it), when it exists. A pack is read once and kept for every file.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pith.h"

#define PACKS_MAX 8

/* The data packs read so far (kept until exit: documents opened with them may still use them
 * when the next file opens). */
typedef struct packs {
    const char *dir;
    pith_pack list[PACKS_MAX];
    size_t count;
} packs;

static void usage(FILE *f)
{
    fputs("usage: pith FILE... [--text|--markdown|--json|--html] [--chunk-size N]\n"
          "                    [--password P] [--hint MIME-OR-NAME] [--pages FIRST[-LAST]]\n"
          "                    [--packs DIR] [--meta] [--warnings] [--quiet]\n"
          "                    [--positions] [--json-keys] [--email-html]\n"
          "Extracts the text of each FILE to stdout ('-' reads stdin).\n"
          "  --positions   JSON output gives page and bounding box where known\n"
          "  --json-keys   JSON input: object keys too, as \"key: value\" lines\n"
          "  --email-html  email: the HTML alternative over the plain text one\n",
          f);
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        unsigned char *nb = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    if (f != stdin) fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > UINT32_MAX) return 0;
    *out = (uint32_t)v;
    return 1;
}

/* "--pages 3" or "--pages 2-5" (1-based, inclusive) into first_unit/unit_count. */
static int parse_pages(const char *s, pith_options *o)
{
    char buf[64];
    if (strlen(s) >= sizeof buf) return 0;
    strcpy(buf, s);
    char *dash = strchr(buf, '-');
    uint32_t a, b;
    if (dash) *dash = '\0';
    if (!parse_u32(buf, &a) || a == 0) return 0;
    b = a;
    if (dash && !parse_u32(dash + 1, &b)) return 0;
    if (b < a) return 0;
    o->first_unit = a - 1;
    o->unit_count = b - a + 1;
    return 1;
}

/* The pack an error message names ("... needs data pack cjk-encodings"), read from the packs
 * directory into the list. 1 when it was added. */
static int load_pack(packs *pk, const char *msg)
{
    const char *at = strstr(msg, "data pack ");
    if (!at || !pk->dir || pk->count == PACKS_MAX) return 0;
    at += 10;
    size_t n = 0;
    while (at[n] && (at[n] == '-' || at[n] == '_' || (at[n] >= 'a' && at[n] <= 'z') ||
                     (at[n] >= '0' && at[n] <= '9')))
        n++;
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < pk->count; i++)
        if (strlen(pk->list[i].name) == n && memcmp(pk->list[i].name, at, n) == 0) return 0;
    char path[4096], *name = malloc(n + 1);
    if (!name) return 0;
    memcpy(name, at, n);
    name[n] = '\0';
    if ((size_t)snprintf(path, sizeof path, "%s/%s.bin", pk->dir, name) >= sizeof path) {
        free(name);
        return 0;
    }
    size_t len = 0;
    unsigned char *data = read_all(path, &len);
    if (!data) {
        fprintf(stderr, "pith: cannot read data pack %s: %s\n", path, strerror(errno ? errno : EIO));
        free(name);
        return 0;
    }
    pk->list[pk->count].name = name;
    pk->list[pk->count].data = data;
    pk->list[pk->count].len = len;
    pk->count++;
    return 1;
}

/* dist/data of the source tree: the executable is build/<dir>/pith. */
static const char *default_packs_dir(const char *argv0)
{
    static char dir[4096];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
    } else if (strlen(argv0) < sizeof exe) {
        strcpy(exe, argv0);
    } else {
        return NULL;
    }
    char *slash = strrchr(exe, '/');
    if (!slash) return NULL;
    *slash = '\0';
    if ((size_t)snprintf(dir, sizeof dir, "%s/../../dist/data", exe) >= sizeof dir) return NULL;
    struct stat sb;
    return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) ? dir : NULL;
}

static int extract(pith_ctx *ctx, const char *path, const pith_options *base, packs *pk,
                   int show_meta, int show_warnings, int quiet)
{
    size_t len = 0;
    unsigned char *data = read_all(path, &len);
    if (!data) {
        fprintf(stderr, "pith: %s: %s\n", path, strerror(errno ? errno : EIO));
        return 1;
    }
    pith_options o = *base;
    if (!o.hint && strcmp(path, "-") != 0) {
        o.hint = path;
        o.hint_len = strlen(path);
    }
    pith_doc *doc;
    pith_status st;
    for (;;) {
        o.packs = pk->list;
        o.pack_count = pk->count;
        st = pith_open(ctx, data, len, &o, &doc);
        if (st != PITH_E_NEED_PACK || !load_pack(pk, pith_ctx_error(ctx).message)) break;
    }
    if (st == PITH_OK) {
        if (show_meta) {
            fprintf(stderr, "%s: format %s, %u units\n", path,
                    pith_format_name(pith_doc_format(doc)), pith_doc_units(doc));
        }
        pith_chunk c;
        while ((st = pith_next(doc, &c)) == PITH_OK && !(c.flags & PITH_CHUNK_END))
            if (!quiet) fwrite(c.data, 1, c.len, stdout);
        if (show_meta) {
            for (uint32_t i = 0; i < pith_doc_meta_count(doc); i++) {
                pith_str k, v;
                pith_doc_meta(doc, i, &k, &v);
                fprintf(stderr, "%s: meta %.*s = %.*s\n", path, (int)k.n, k.p, (int)v.n, v.p);
            }
        }
        if (show_warnings) {
            for (uint32_t i = 0; i < pith_doc_warning_count(doc); i++) {
                pith_warning w;
                pith_doc_warning(doc, i, &w);
                fprintf(stderr, "%s: warning: unit %u: %s: %s\n", path, w.unit,
                        pith_status_name(w.code), w.message);
            }
        }
    }
    int rc = 0;
    if (st != PITH_OK) {
        pith_error e = pith_ctx_error(ctx);
        fprintf(stderr, "pith: %s: %s: %s (offset %llu)\n", path, pith_status_name(st),
                e.message, (unsigned long long)e.offset);
        rc = 1;
    }
    pith_close(doc);
    free(data);
    return rc;
}

int main(int argc, char **argv)
{
    pith_options o = pith_options_default();
    const char *files[4096];
    int nfiles = 0, show_meta = 0, show_warnings = 0, quiet = 0;
    packs pk;
    memset(&pk, 0, sizeof pk);
    pk.dir = default_packs_dir(argv[0]);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--text") == 0) o.output = PITH_OUT_TEXT;
        else if (strcmp(a, "--markdown") == 0 || strcmp(a, "--md") == 0) o.output = PITH_OUT_MARKDOWN;
        else if (strcmp(a, "--json") == 0) o.output = PITH_OUT_JSONL;
        else if (strcmp(a, "--html") == 0) o.output = PITH_OUT_HTML;
        else if (strcmp(a, "--meta") == 0) show_meta = 1;
        else if (strcmp(a, "--warnings") == 0) show_warnings = 1;
        else if (strcmp(a, "--quiet") == 0) quiet = 1;
        else if (strcmp(a, "--positions") == 0) o.flags |= PITH_OPT_POSITIONS;
        else if (strcmp(a, "--json-keys") == 0) o.flags |= PITH_OPT_JSON_KEYS;
        else if (strcmp(a, "--email-html") == 0) o.flags |= PITH_OPT_EMAIL_HTML;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--chunk-size") == 0 && i + 1 < argc) {
            if (!parse_u32(argv[++i], &o.chunk_size)) {
                fprintf(stderr, "pith: --chunk-size wants a number, not '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--password") == 0 && i + 1 < argc) {
            o.password = argv[++i];
            o.password_len = strlen(o.password);
        } else if (strcmp(a, "--packs") == 0 && i + 1 < argc) {
            pk.dir = argv[++i];
        } else if (strcmp(a, "--hint") == 0 && i + 1 < argc) {
            o.hint = argv[++i];
            o.hint_len = strlen(o.hint);
        } else if (strcmp(a, "--pages") == 0 && i + 1 < argc) {
            if (!parse_pages(argv[++i], &o)) {
                fprintf(stderr, "pith: --pages wants FIRST or FIRST-LAST (from 1), not '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "pith: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else if (nfiles < (int)(sizeof files / sizeof files[0])) {
            files[nfiles++] = a;
        } else {
            fprintf(stderr, "pith: too many files (at most 4096)\n");
            return 2;
        }
    }
    if (nfiles == 0) {
        usage(stderr);
        return 2;
    }
    pith_ctx *ctx = pith_ctx_create(NULL);
    if (!ctx) {
        fprintf(stderr, "pith: PITH_E_NOMEM: cannot create a context\n");
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < nfiles; i++)
        rc |= extract(ctx, files[i], &o, &pk, show_meta, show_warnings, quiet);
    pith_ctx_destroy(ctx);
    for (size_t i = 0; i < pk.count; i++) {
        free((void *)pk.list[i].name);
        free((void *)pk.list[i].data);
    }
    if (fflush(stdout) != 0) rc = 1;
    return rc;
}
