/* fmt.c: a printf subset for messages and serializers (see fmt.h for the conversions).
 *
 * Library code never calls printf: in a standalone wasm it would import WASI's fd_write. This
 * covers what error messages need; anything else is printed literally so a wrong format string
 * shows up in tests instead of reading a wrong argument.
 */
#include "fmt.h"

size_t pith_fmt_u64(char *buf, uint64_t v)
{
    char tmp[21];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

size_t pith_fmt_f2(char *buf, double v)
{
    size_t n = 0;
    if (v != v) { /* NaN: JSON has no such number */
        buf[0] = '0';
        return 1;
    }
    if (v < 0) {
        buf[n++] = '-';
        v = -v;
    }
    if (v > 1e15) v = 1e15; /* keep it an integer we can print; positions never get here */
    uint64_t cents = (uint64_t)(v * 100.0 + 0.5);
    n += pith_fmt_u64(buf + n, cents / 100);
    unsigned frac = (unsigned)(cents % 100);
    if (frac) {
        buf[n++] = '.';
        buf[n++] = (char)('0' + frac / 10);
        if (frac % 10) buf[n++] = (char)('0' + frac % 10);
    }
    if (n == 2 && buf[0] == '-' && buf[1] == '0') { /* -0 */
        buf[0] = '0';
        n = 1;
    }
    return n;
}

typedef struct out {
    char *buf;
    size_t cap; /* usable bytes, excluding the NUL */
    size_t n;
} out;

static void put(out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && o->n < o->cap; i++) o->buf[o->n++] = s[i];
}

static void put_hex(out *o, uint64_t v)
{
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while (n) put(o, &tmp[--n], 1);
}

static void put_signed(out *o, int64_t v)
{
    char tmp[21];
    uint64_t u = (uint64_t)v;
    if (v < 0) {
        put(o, "-", 1);
        u = 0 - u;
    }
    put(o, tmp, pith_fmt_u64(tmp, u));
}

size_t pith_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
{
    out o = {buf, cap ? cap - 1 : 0, 0};
    char tmp[21];
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, f, 1);
            continue;
        }
        const char *start = f++;
        if (*f == '%') {
            put(&o, "%", 1);
        } else if (*f == 's') {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            size_t n = 0;
            while (s[n]) n++;
            put(&o, s, n);
        } else if (f[0] == '.' && f[1] == '*' && f[2] == 's') {
            int n = va_arg(ap, int);
            const char *s = va_arg(ap, const char *);
            put(&o, s, n > 0 && s ? (size_t)n : 0);
            f += 2;
        } else if (*f == 'c') {
            char c = (char)va_arg(ap, int);
            put(&o, &c, 1);
        } else if (*f == 'd' || *f == 'i') {
            put_signed(&o, va_arg(ap, int));
        } else if (*f == 'u') {
            put(&o, tmp, pith_fmt_u64(tmp, va_arg(ap, unsigned)));
        } else if (*f == 'x') {
            put_hex(&o, va_arg(ap, unsigned));
        } else if (*f == 'z' && f[1] == 'u') {
            put(&o, tmp, pith_fmt_u64(tmp, va_arg(ap, size_t)));
            f++;
        } else if (*f == 'l' && f[1] == 'l' && (f[2] == 'u' || f[2] == 'x' || f[2] == 'd')) {
            if (f[2] == 'd')
                put_signed(&o, va_arg(ap, long long));
            else if (f[2] == 'u')
                put(&o, tmp, pith_fmt_u64(tmp, va_arg(ap, unsigned long long)));
            else
                put_hex(&o, va_arg(ap, unsigned long long));
            f += 2;
        } else if (*f == 'l' && (f[1] == 'u' || f[1] == 'd')) {
            if (f[1] == 'd')
                put_signed(&o, va_arg(ap, long));
            else
                put(&o, tmp, pith_fmt_u64(tmp, va_arg(ap, unsigned long)));
            f++;
        } else {
            /* Unknown conversion: print it as written and stop consuming arguments. */
            put(&o, start, (size_t)(f - start) + (*f ? 1 : 0));
            if (!*f) break;
        }
    }
    if (cap) buf[o.n] = '\0';
    return o.n;
}

size_t pith_fmt(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = pith_vfmt(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
