/* xlsx_numfmt.c: number format kinds and the display text of cell values (see xlsx_numfmt.h).
 *
 * The value is the decimal text of <v>, parsed into digits and a decimal exponent and rounded
 * there: converting it to a double and back could only add error, and rounding decimal digits
 * is exact. General follows what LibreOffice's CSV export writes: an integer of up to 16
 * digits as it is, anything else rounded to 15 significant digits with trailing zeros dropped,
 * in scientific notation ("8.88178419700125E-016", three exponent digits as LibreOffice
 * writes them) when the decimal exponent is below -4 or 15 and over, as C's %G picks.
 * Dates count days from 1899-12-30 (1900 system; serials 1-60 keep Lotus 1-2-3's leap day
 * 1900-02-29, as Excel does) or from 1904-01-01 (date1904); the time of day is rounded to the
 * millisecond and then cut to the second, which is what LibreOffice shows (12345.6789 is
 * 16:17:36, where Excel rounds to :37).
 */
#include "xlsx_numfmt.h"

#include <string.h>

/* Significant digits kept from the text: more can only matter for exact ties at digit 16. */
#define DEC_MAX 40
/* Decimal exponents past this are no number a spreadsheet holds (doubles stop at 1.8e308). */
#define DEC_EXP_MAX 400

/* value = (neg ? -1 : 1) × 0.d[0]d[1]…d[nd-1] × 10^exp, d[0] != 0, no trailing zeros;
 * nd == 0 is zero. */
typedef struct dec {
    bool neg;
    int nd;
    int exp;
    uint8_t d[DEC_MAX];
} dec;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void dec_trim(dec *x)
{
    while (x->nd > 0 && x->d[x->nd - 1] == 0) x->nd--;
    if (x->nd == 0) x->exp = 0;
}

/* Parse [+-]digits[.digits][(e|E)[+-]digits], surrounding blanks allowed. */
static bool dec_parse(dec *x, const char *s, size_t n)
{
    size_t i = 0;
    x->neg = false;
    x->nd = 0;
    x->exp = 0;
    while (n > 0 && is_space(s[n - 1])) n--;
    while (i < n && is_space(s[i])) i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) x->neg = s[i++] == '-';
    bool any = false, point = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (!is_digit(c)) break;
        any = true;
        if (x->nd == 0 && c == '0') {
            if (point && x->exp > -DEC_EXP_MAX) x->exp--;  /* 0.00x: leading zeros */
            continue;
        }
        if (x->nd < DEC_MAX) x->d[x->nd++] = (uint8_t)(c - '0');
        if (!point && x->exp < DEC_EXP_MAX) x->exp++;
    }
    if (!any) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        long e = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= n || !is_digit(s[i])) return false;
        for (; i < n && is_digit(s[i]); i++)
            if (e < 100000) e = e * 10 + (s[i] - '0');
        x->exp += (int)(eneg ? -e : e);
    }
    if (i != n) return false;
    dec_trim(x);
    if (x->nd == 0) {
        x->neg = false;
        return true;
    }
    if (x->exp > DEC_EXP_MAX) return false;
    if (x->exp < -DEC_EXP_MAX) x->nd = 0, x->exp = 0, x->neg = false;
    return true;
}

/* Round half up to p significant digits. */
static void dec_round(dec *x, int p)
{
    if (x->nd <= p) return;
    bool up = x->d[p] >= 5;
    x->nd = p;
    if (up) {
        int i = p - 1;
        while (i >= 0 && x->d[i] == 9) i--;
        if (i < 0) {
            x->d[0] = 1;
            x->nd = 1;
            x->exp++;
        } else {
            x->d[i]++;
            x->nd = i + 1;
        }
    }
    dec_trim(x);
}

/* MARK: - Shortest digits
 *
 * LibreOffice prints a double's shortest round-trip digits rounded to 15 (so -0.95892427466313845,
 * whose shortest form is -0.9589242746631385, shows as -0.958924274663139, where rounding the
 * 17 digits Excel wrote gives ...138). A value of 15 digits or fewer is its own shortest form
 * (two such decimals cannot share a double); a longer one is converted to the double it names
 * (correctly rounded: a first guess in floating point, then corrected ulp by ulp against exact
 * big-integer comparisons, Clinger's AlgorithmR) and rounded to 15 and then 16 digits to find
 * the shortest that gives the same double. */

#define BIG_W 64  /* 2048 bits: M × 10^340 or M × 2^1076 fit */

typedef struct big {
    uint32_t w[BIG_W];
    int n;
} big;

static void big_set(big *b, uint64_t v)
{
    b->n = 0;
    while (v) {
        b->w[b->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static bool big_mul(big *b, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->w[i] * m + carry;
        b->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) {
        if (b->n == BIG_W) return false;
        b->w[b->n++] = (uint32_t)carry;
    }
    return true;
}

static bool big_pow10(big *b, int e)
{
    static const uint32_t p10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                     100000000, 1000000000};
    for (; e >= 9; e -= 9)
        if (!big_mul(b, p10[9])) return false;
    return big_mul(b, p10[e]);
}

static bool big_shl(big *b, int bits)
{
    if (b->n == 0) return true;
    int words = bits / 32, r = bits % 32;
    if (b->n + words + 1 > BIG_W) return false;
    if (r) {
        b->w[b->n] = 0;
        for (int i = b->n; i > 0; i--) b->w[i] = b->w[i] << r | b->w[i - 1] >> (32 - r);
        b->w[0] <<= r;
        b->n++;
    }
    if (words) {
        for (int i = b->n - 1; i >= 0; i--) b->w[i + words] = b->w[i];
        for (int i = 0; i < words; i++) b->w[i] = 0;
        b->n += words;
    }
    while (b->n > 0 && b->w[b->n - 1] == 0) b->n--;
    return true;
}

static int big_cmp(const big *a, const big *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* Sign of M × 10^E − k × 2^s. */
static int cmp_exact(uint64_t m, int e, uint64_t k, int s)
{
    big a, b;
    big_set(&a, m);
    big_set(&b, k);
    bool ok = e >= 0 ? big_pow10(&a, e) : big_pow10(&b, -e);
    ok = ok && (s >= 0 ? big_shl(&b, s) : big_shl(&a, -s));
    return ok ? big_cmp(&a, &b) : 0;
}

static uint64_t dbl_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* The double nearest to |x| (x has at most 19 digits and a decimal exponent within ±340),
 * as bits. */
static uint64_t dec_to_bits(const dec *x)
{
    static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t m = 0;
    for (int i = 0; i < x->nd; i++) m = m * 10 + x->d[i];
    if (m == 0) return 0;
    int e = x->exp - x->nd;  /* |x| = m × 10^e */
    double d = (double)m;
    for (int k = e; k > 0; k -= 22) d *= p10[k > 22 ? 22 : k];
    for (int k = -e; k > 0; k -= 22) d /= p10[k > 22 ? 22 : k];
    uint64_t u = dbl_bits(d);
    if ((u >> 52) >= 0x7FF) u = 0x7FEFFFFFFFFFFFFFull;
    /* the guess is a few ulps off at worst; each round moves one ulp toward x */
    for (int round = 0; round < 64; round++) {
        uint64_t frac = u & 0xFFFFFFFFFFFFFull;
        int bexp = (int)(u >> 52);
        uint64_t mm = bexp ? frac | (1ull << 52) : frac;
        int ee = bexp ? bexp - 1075 : -1074;  /* value = mm × 2^ee */
        int up = cmp_exact(m, e, 2 * mm + 1, ee - 1);
        if (up > 0 || (up == 0 && (mm & 1))) {
            if (u >= 0x7FEFFFFFFFFFFFFFull) return u;
            u++;
            continue;
        }
        if (u == 0) return u;
        /* the lower neighbour is half as far when mm is the first of its binade */
        int dn = (frac == 0 && bexp > 1) ? cmp_exact(m, e, 4 * mm - 1, ee - 2)
                                         : cmp_exact(m, e, 2 * mm - 1, ee - 1);
        if (dn < 0 || (dn == 0 && (mm & 1))) {
            u--;
            continue;
        }
        return u;
    }
    return u;
}

/* x truncated to k digits (k <= x->nd), plus one unit in the last place when `up`. */
static dec dec_cut(const dec *x, int k, bool up)
{
    dec y = *x;
    y.nd = k;
    if (up) {
        int i = k - 1;
        while (i >= 0 && y.d[i] == 9) y.d[i--] = 0;
        if (i < 0) {
            y.d[0] = 1;
            y.nd = 1;
            y.exp++;
        } else {
            y.d[i]++;
        }
    }
    dec_trim(&y);
    return y;
}

/* x becomes the shortest digits of the double it names (at most 17). */
static void dec_shortest(dec *x)
{
    if (x->nd <= 15 || x->exp > 309 || x->exp < -340) return;
    dec_round(x, 19);
    if (x->nd <= 15) return;
    uint64_t want = dec_to_bits(x);
    /* 15 digits: at most one such decimal lies within a double's rounding interval */
    dec y = *x;
    dec_round(&y, 15);
    if (dec_to_bits(&y) == want) {
        *x = y;
        return;
    }
    if (x->nd > 16) {
        /* 16 digits: two neighbours may both give the double; the nearer to it wins */
        dec lo = dec_cut(x, 16, false), hi = dec_cut(x, 16, true);
        bool lo_ok = dec_to_bits(&lo) == want, hi_ok = dec_to_bits(&hi) == want;
        if (lo_ok && hi_ok) {
            dec mid = *x;  /* lo with a 17th digit 5 */
            mid.nd = 17;
            for (int i = 0; i < 16; i++) mid.d[i] = lo.nd > i ? lo.d[i] : 0;
            mid.d[16] = 5;
            mid.exp = lo.exp;
            uint64_t mmid = 0;
            for (int i = 0; i < 17; i++) mmid = mmid * 10 + mid.d[i];
            uint64_t frac = want & 0xFFFFFFFFFFFFFull;
            int bexp = (int)(want >> 52);
            uint64_t mm = bexp ? frac | (1ull << 52) : frac;
            int ee = bexp ? bexp - 1075 : -1074;
            *x = cmp_exact(mmid, mid.exp - 17, mm, ee) > 0 ? lo : hi;
            return;
        }
        if (lo_ok || hi_ok) {
            *x = lo_ok ? lo : hi;
            return;
        }
    } else if (x->nd == 16) {
        return;
    }
    dec_round(x, 17);
}

/* MARK: - Writing */

typedef struct out {
    char *p;
    size_t n;
} out;

static void put_c(out *o, char c)
{
    if (o->n < XLSX_NUM_CAP) o->p[o->n++] = c;
}
static void put_s(out *o, const char *s)
{
    while (*s) put_c(o, *s++);
}
/* v in decimal, at least `w` digits */
static void put_u(out *o, uint64_t v, int w)
{
    char t[24];
    int k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && k < 24);
    while (k < w && k < 24) t[k++] = '0';
    while (k) put_c(o, t[--k]);
}

static void put_general(out *o, dec *x)
{
    if (x->nd == 0) {
        put_c(o, '0');
        return;
    }
    bool integer = x->exp >= x->nd;
    if (!(integer && x->exp <= 16)) {
        dec_shortest(x);
        dec_round(x, 15);
    }
    int e10 = x->exp - 1;  /* scientific exponent */
    if (x->neg) put_c(o, '-');
    if (!(integer && x->exp <= 16) && (e10 < -4 || e10 >= 15)) {
        put_c(o, (char)('0' + x->d[0]));
        if (x->nd > 1) put_c(o, '.');
        for (int i = 1; i < x->nd; i++) put_c(o, (char)('0' + x->d[i]));
        put_c(o, 'E');
        put_c(o, e10 < 0 ? '-' : '+');
        put_u(o, (uint64_t)(e10 < 0 ? -e10 : e10), 3);
        return;
    }
    if (x->exp <= 0) {
        put_s(o, "0.");
        for (int i = 0; i < -x->exp; i++) put_c(o, '0');
        for (int i = 0; i < x->nd; i++) put_c(o, (char)('0' + x->d[i]));
        return;
    }
    for (int i = 0; i < x->exp; i++) put_c(o, (char)('0' + (i < x->nd ? x->d[i] : 0)));
    if (x->nd > x->exp) {
        put_c(o, '.');
        for (int i = x->exp; i < x->nd; i++) put_c(o, (char)('0' + x->d[i]));
    }
}

/* MARK: - Dates */

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Serial x split into whole days (floor) and milliseconds of the day; false when it is too
 * large to be a date. `mag_ms` gets |x| in milliseconds (durations). */
static bool serial_split(const dec *x, int64_t *days, int64_t *ms, int64_t *mag_ms)
{
    if (x->exp > 9) return false;
    int64_t ip = 0;
    for (int i = 0; i < x->exp; i++) ip = ip * 10 + (i < x->nd ? x->d[i] : 0);
    /* 11 fraction digits: 1e-11 day is 1 µs, and F × 86,400,000 stays below 2^63 */
    uint64_t f = 0;
    for (int k = 0; k < 11; k++) {
        int i = x->exp + k;
        f = f * 10 + (uint64_t)(i >= 0 && i < x->nd ? x->d[i] : 0);
    }
    int64_t fms = (int64_t)((f * 86400000u + 50000000000u) / 100000000000u);
    *mag_ms = ip * 86400000 + fms;
    if (!x->neg) {
        *days = ip;
        *ms = fms;
    } else if (fms == 0) {
        *days = -ip;
        *ms = 0;
    } else {
        *days = -ip - 1;
        *ms = 86400000 - fms;
    }
    if (*ms >= 86400000) {
        (*days)++;
        *ms -= 86400000;
    }
    return true;
}

static bool put_date(out *o, int64_t serial, bool date1904)
{
    int64_t y;
    unsigned m, d;
    if (date1904) {
        civil_from_days(days_from_civil(1904, 1, 1) + serial, &y, &m, &d);
    } else if (serial == 60) {
        y = 1900, m = 2, d = 29;  /* the day Lotus 1-2-3 and Excel believe in */
    } else {
        civil_from_days(days_from_civil(1899, 12, 30) + serial + (serial >= 1 && serial < 60),
                        &y, &m, &d);
    }
    if (y < 1 || y > 9999) return false;
    put_u(o, (uint64_t)y, 4);
    put_c(o, '-');
    put_u(o, m, 2);
    put_c(o, '-');
    put_u(o, d, 2);
    return true;
}

/* hh:mm:ss from seconds; hours past 24 as they are (durations) */
static void put_time(out *o, int64_t secs)
{
    put_u(o, (uint64_t)(secs / 3600), 2);
    put_c(o, ':');
    put_u(o, (uint64_t)(secs / 60 % 60), 2);
    put_c(o, ':');
    put_u(o, (uint64_t)(secs % 60), 2);
}

/* Durations shown in hours: LibreOffice shows a 1.5 under h:mm as 36:00:00 but 12345.6789
 * under [h]:mm:ss as a date and time, and 1234.5678 still as 29629:36:28; 10,000 days is
 * where we draw that line. */
#define DURATION_DAYS_MAX 10000

static bool put_datetime(out *o, const dec *x, xlsx_kind kind, bool date1904)
{
    int64_t days, ms, mag;
    if (!serial_split(x, &days, &ms, &mag)) return false;
    if (kind == XLSX_KIND_TIME) {
        if (!x->neg && days == 0) {
            put_time(o, ms / 1000);
            return true;
        }
        if (mag < (int64_t)DURATION_DAYS_MAX * 86400000) {
            if (x->neg) put_c(o, '-');
            put_time(o, mag / 1000);
            return true;
        }
        kind = XLSX_KIND_DATETIME;
    }
    if (!put_date(o, days, date1904)) return false;
    if (kind == XLSX_KIND_DATETIME || ms / 1000 != 0) {
        put_c(o, ' ');
        put_time(o, ms / 1000);
    }
    return true;
}

/* v is text General shows unchanged, so put_general need not run (most cells): an integer of
 * up to 16 digits, or a decimal of up to 15 significant digits, no trailing zero in its
 * fraction and at most three zeros after "0." (below 0.0001 is scientific); no leading zero
 * or blank, no "+", no "-0". */
static bool general_as_written(const char *v, size_t n)
{
    size_t i = 0;
    if (i < n && v[i] == '-') i++;
    size_t int0 = i;
    while (i < n && is_digit(v[i])) i++;
    size_t ni = i - int0;
    if (ni == 0 || (v[int0] == '0' && ni > 1)) return false;
    if (i == n) return ni <= 16 && !(int0 == 1 && v[int0] == '0');
    if (v[i] != '.') return false;
    size_t f0 = ++i;
    while (i < n && is_digit(v[i])) i++;
    size_t nf = i - f0;
    if (i != n || nf == 0 || v[n - 1] == '0') return false;
    if (v[int0] != '0') return ni + nf <= 15;
    size_t z = 0;
    while (z < nf && v[f0 + z] == '0') z++;
    return z <= 3 && nf - z <= 15;
}

size_t xlsx_numfmt_value(char *buf, const char *v, size_t n, xlsx_kind kind, bool date1904)
{
    dec x;
    out o = {buf, 0};
    if (kind != XLSX_KIND_PERCENT && kind != XLSX_KIND_DATE && kind != XLSX_KIND_TIME &&
        kind != XLSX_KIND_DATETIME && n <= XLSX_NUM_CAP && general_as_written(v, n)) {
        memcpy(buf, v, n);
        return n;
    }
    if (!dec_parse(&x, v, n)) return 0;
    switch (kind) {
    case XLSX_KIND_PERCENT:
        if (x.nd) x.exp += 2;
        put_general(&o, &x);
        put_c(&o, '%');
        return o.n;
    case XLSX_KIND_DATE:
    case XLSX_KIND_TIME:
    case XLSX_KIND_DATETIME:
        if (put_datetime(&o, &x, kind, date1904)) return o.n;
        o.n = 0;
        put_general(&o, &x);
        return o.n;
    default:
        put_general(&o, &x);
        return o.n;
    }
}

/* MARK: - ISO 8601 cells */

static bool digits_at(const char *v, size_t n, size_t at, size_t k)
{
    if (at > n || k > n - at) return false;
    for (size_t i = 0; i < k; i++)
        if (!is_digit(v[at + i])) return false;
    return true;
}

size_t xlsx_numfmt_iso(char *buf, const char *v, size_t n)
{
    out o = {buf, 0};
    while (n > 0 && is_space(v[n - 1])) n--;
    while (n > 0 && is_space(*v)) v++, n--;
    bool date = digits_at(v, n, 0, 4) && n >= 10 && v[4] == '-' && digits_at(v, n, 5, 2) &&
                v[7] == '-' && digits_at(v, n, 8, 2);
    size_t t = date ? 10 : 0;
    if (date) {
        for (size_t i = 0; i < 10; i++) put_c(&o, v[i]);
        if (n == 10) return o.n;
    }
    if (t < n && (v[t] == 'T' || v[t] == ' ')) t++;
    else if (date) return 0;
    if (!(digits_at(v, n, t, 2) && t + 5 <= n && v[t + 2] == ':' && digits_at(v, n, t + 3, 2)))
        return 0;
    if (date) put_c(&o, ' ');
    for (size_t i = 0; i < 5; i++) put_c(&o, v[t + i]);
    put_c(&o, ':');
    if (t + 8 <= n && v[t + 5] == ':' && digits_at(v, n, t + 6, 2)) {
        put_c(&o, v[t + 6]);
        put_c(&o, v[t + 7]);
    } else {
        put_s(&o, "00");
    }
    return o.n;
}

/* MARK: - Format kinds */

xlsx_kind xlsx_numfmt_builtin(uint32_t id)
{
    if (id == 9 || id == 10) return XLSX_KIND_PERCENT;
    if (id == 14 || id == 15 || id == 16 || id == 17) return XLSX_KIND_DATE;
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return XLSX_KIND_TIME;
    if (id == 22) return XLSX_KIND_DATETIME;
    /* East Asian locales: 32 and 33 are h"時"mm"分"(ss"秒") in ja, zh and ko alike */
    if (id == 32 || id == 33) return XLSX_KIND_TIME;
    if ((id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return XLSX_KIND_DATE;
    return XLSX_KIND_GENERAL;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

xlsx_kind xlsx_numfmt_classify(const char *s, size_t n)
{
    bool y = false, d = false, m = false, h = false, sec = false, pct = false;
    for (size_t i = 0; i < n; i++) {
        char c = lower(s[i]);
        if (c == ';') break;  /* the first section decides */
        switch (c) {
        case '"':
            i++;
            while (i < n && s[i] != '"') i++;
            break;
        case '\\':
        case '_':
        case '*':
            i++;  /* an escaped character, a space as wide as one, a fill character */
            break;
        case '[': {
            /* [h], [mm], [ss]: elapsed time; [Red], [$-409], [>100]: no date letters */
            size_t j = i + 1;
            char e = j < n ? lower(s[j]) : 0;
            bool elapsed = e == 'h' || e == 'm' || e == 's';
            while (j < n && s[j] != ']') {
                if (lower(s[j]) != e) elapsed = false;
                j++;
            }
            if (elapsed) {
                if (e == 'h') h = true;
                else if (e == 's') sec = true;
                else m = h = true;  /* [mm] counts minutes */
            }
            i = j;
            break;
        }
        case 'a':
            /* AM/PM and A/P say nothing the h before them has not */
            if (i + 4 < n && lower(s[i + 1]) == 'm' && s[i + 2] == '/') i += 4;
            else if (i + 2 < n && s[i + 1] == '/') i += 2;
            break;
        case 'y':
        case 'e':
            /* e is the era year only next to other date letters; "0.00E+00" is an exponent */
            if (c == 'y') y = true;
            break;
        case 'd': d = true; break;
        case 'm': m = true; break;
        case 'h': h = true; break;
        case 's': sec = true; break;
        case '%': pct = true; break;
        default: break;
        }
    }
    bool date = y || d || (m && !h && !sec);
    bool time = h || sec;
    if (date && time) return XLSX_KIND_DATETIME;
    if (date) return XLSX_KIND_DATE;
    if (time) return XLSX_KIND_TIME;
    if (pct) return XLSX_KIND_PERCENT;
    return XLSX_KIND_GENERAL;
}
