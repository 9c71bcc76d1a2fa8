/* fmt.h: the little formatting pith needs, without printf.
 *
 * Library code must not pull WASI imports (printf drags in fd_write), so messages and
 * serializers format numbers here. Conversions: %s %.*s %c %d %i %u %x %ld %lu %lld %llu %llx
 * %zu %% — and nothing else (an unknown one prints itself). Output is always NUL-terminated
 * and truncated to fit.
 */
#ifndef PITH_FMT_H
#define PITH_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Returns the length written (without the NUL), at most cap - 1; cap must be >= 1. */
size_t pith_vfmt(char *buf, size_t cap, const char *fmt, va_list ap);
size_t pith_fmt(char *buf, size_t cap, const char *fmt, ...);

/* Decimal digits of v into buf (at least 21 bytes); returns the length, no NUL. */
size_t pith_fmt_u64(char *buf, uint64_t v);
/* Decimal of a finite float with up to 2 decimals, trailing zeros dropped ("12.5", "-3");
 * buf at least 32 bytes. Returns the length, no NUL. */
size_t pith_fmt_f2(char *buf, double v);

#endif
