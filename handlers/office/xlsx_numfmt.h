/* xlsx_numfmt.h: how a SpreadsheetML cell value is shown (ECMA-376 Part 1 §18.8.30-31).
 *
 * A number format is reduced to the kind of value it shows (general number, percentage, date,
 * time, date and time); the value is then printed the way LibreOffice writes a cell in its
 * CSV export (the reference of the corpus): numbers in General with 15 significant digits,
 * percentages as value × 100 with "%", dates and times in ISO 8601 ("2024-03-05",
 * "13:45:00", "2024-03-05 13:45:00"). Other formatting (thousands separators, fixed
 * decimals, currency, fractions) is left out, as in that export.
 * Numbers are handled as the decimal text the file carries, never converted to binary, so
 * nothing adds float noise: "0.1" stays 0.1 and "12345.678900000001" (Excel writes 17
 * digits) rounds to 12345.6789.
 */
#ifndef PITH_XLSX_NUMFMT_H
#define PITH_XLSX_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum xlsx_kind {
    XLSX_KIND_GENERAL = 0, /* a number as General shows it (also 0.00, #,##0, currency, @) */
    XLSX_KIND_PERCENT,     /* value × 100 and "%" */
    XLSX_KIND_DATE,        /* a date; the time of day too when the value has one */
    XLSX_KIND_TIME,        /* a time of day, or a duration in hours past one day */
    XLSX_KIND_DATETIME,    /* date and time */
} xlsx_kind;

/* The kind of built-in format `id` (§18.8.30: 9-10 percent, 14-22 and 45-47 dates and times,
 * 27-36 and 50-58 the East Asian locale dates); GENERAL for the others. */
xlsx_kind xlsx_numfmt_builtin(uint32_t id);

/* The kind of a format code (n bytes). Its first section decides: y, d (and m without h or s)
 * outside quotes, escapes and brackets make a date; h, s and [h]/[m]/[s] a time; "%" a
 * percentage. */
xlsx_kind xlsx_numfmt_classify(const char *code, size_t n);

/* Longest text xlsx_numfmt_value writes. */
#define XLSX_NUM_CAP 48

/* Display text of a numeric cell value (its <v> text, v[0..n)) shown as `kind`, into out
 * (XLSX_NUM_CAP bytes). Returns the length; 0 when v is not a number (the caller shows v as
 * written). A date outside years 1..9999 is shown as a General number. */
size_t xlsx_numfmt_value(char *out, const char *v, size_t n, xlsx_kind kind, bool date1904);

/* A t="d" cell (an ISO 8601 text, "2014-02-14T08:27:48.765Z") shown as date, or date and
 * time to the second, into out (XLSX_NUM_CAP bytes). Returns the length; 0 when v is not in
 * that form. */
size_t xlsx_numfmt_iso(char *out, const char *v, size_t n);

#endif
