/* test_fmt.c: the printf subset used for messages (library code has no printf). */
#include <criterion/criterion.h>
#include <stdint.h>

#include "fmt.h"

Test(fmt, formats_each_conversion)
{
    char b[128];
    pith_fmt(b, sizeof b, "%s|%.*s|%c|%d|%u|%x|%zu|%llu|%llx|%lld|%%", "ab", 2, "xyz", 'q', -42,
             7u, 255u, (size_t)12, 18446744073709551615ull, 0xdeadbeefull, -9000000000ll);
    cr_assert_str_eq(b, "ab|xy|q|-42|7|ff|12|18446744073709551615|deadbeef|-9000000000|%");
}

Test(fmt, truncates_and_terminates)
{
    char b[6];
    size_t n = pith_fmt(b, sizeof b, "abcdefgh %u", 1234u);
    cr_assert_eq(n, 5);
    cr_assert_str_eq(b, "abcde");
}

Test(fmt, unknown_conversion_is_printed_literally)
{
    char b[32];
    pith_fmt(b, sizeof b, "a%qb");
    cr_assert_str_eq(b, "a%qb");
}

Test(fmt, u64_and_f2)
{
    char b[40];
    b[pith_fmt_u64(b, 0)] = 0;
    cr_assert_str_eq(b, "0");
    b[pith_fmt_f2(b, 12.5)] = 0;
    cr_assert_str_eq(b, "12.5");
    b[pith_fmt_f2(b, -3.0)] = 0;
    cr_assert_str_eq(b, "-3");
    b[pith_fmt_f2(b, 0.004)] = 0;
    cr_assert_str_eq(b, "0");
    b[pith_fmt_f2(b, 1.239)] = 0;
    cr_assert_str_eq(b, "1.24");
    b[pith_fmt_f2(b, 0.0 / 0.0)] = 0;
    cr_assert_str_eq(b, "0");
}
