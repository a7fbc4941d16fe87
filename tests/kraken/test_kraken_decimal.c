/*
 * test_kraken_decimal.c — exact decimal conversion (kraken_decimal.h):
 * exponent forms, tiny and huge values, precision violations, overflow,
 * half-to-even rounding, u64 ids above 2^53, formatting and round trips.
 */
#include "kraken_decimal.h"
#include "kraken_test.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

static int P(const char *s, int prec, int64_t *out)
{
    return kd_parse(s, strlen(s), prec, out);
}

#define EXPECT(s, prec, want)                                            \
    do {                                                                 \
        int64_t v_ = -12345;                                             \
        int rc_ = P(s, prec, &v_);                                       \
        CU_ASSERT_EQUAL_FATAL(rc_, 0);                                   \
        if (v_ != (int64_t)(want))                                       \
            fprintf(stderr, "%s @%d -> %" PRId64 "\n", s, prec, v_);     \
        CU_ASSERT_EQUAL(v_, (int64_t)(want));                            \
    } while (0)

#define EXPECT_ERR(s, prec, err)                                         \
    do {                                                                 \
        int64_t v_ = 777;                                                \
        int rc_ = P(s, prec, &v_);                                       \
        if (rc_ != (err))                                                \
            fprintf(stderr, "'%s' @%d -> rc %d\n", s, prec, rc_);        \
        CU_ASSERT_EQUAL(rc_, err);                                       \
        CU_ASSERT_EQUAL(v_, 777); /* untouched on failure */             \
    } while (0)

static void should_parse_plain_decimals_exactly(void)
{
    EXPECT("45285.2", 1, 452852);
    EXPECT("45281.0", 1, 452810);
    EXPECT("0", 0, 0);
    EXPECT("7", 3, 7000);
    EXPECT("740.0", 8, 74000000000LL);
    /* above 1e8 with 8 decimals: a double would already be off */
    EXPECT("123456789.12345678", 8, 12345678912345678LL);
    EXPECT("997038.98383185", 8, 99703898383185LL);
    EXPECT("92233720368.54775807", 8, INT64_MAX);
}

static void should_parse_exponent_forms(void)
{
    EXPECT("1e-08", 8, 1);
    EXPECT("1E-08", 8, 1);
    EXPECT("1.5E+3", 0, 1500);
    EXPECT("1.5e3", 2, 150000);
    EXPECT("0.5e1", 0, 5);
    EXPECT("12345e-4", 4, 12345);
    EXPECT("1e0", 0, 1);
    EXPECT("2.5e-1", 2, 25);
    EXPECT("0e999999999999999999999", 8, 0);
    EXPECT("1000e-3", 0, 1);
}

static void should_keep_tiny_prices_exact(void)
{
    EXPECT("0.00000001", 8, 1);
    EXPECT("0.0000001234", 10, 1234);
    EXPECT("0.000000000000000001", 18, 1);
    EXPECT("0.09875", 5, 9875);
}

static void should_accept_trailing_zeros_beyond_precision(void)
{
    EXPECT("0.100000000000000000000", 8, 10000000);
    EXPECT("1.0000000000000000000000000000000000000000", 0, 1);
    EXPECT("45285.20000000000000000000000000000", 1, 452852);
    EXPECT("100000000000000000000000e-20", 8, 1000LL * 100000000LL);
}

static void should_accept_redundant_leading_zeros(void)
{
    EXPECT("007.5", 1, 75);
    EXPECT("0000.00100000", 8, 100000);
    EXPECT("-000", 0, 0);
    EXPECT("00000000000000000000000000000001", 0, 1);
}

static void should_treat_negative_zero_as_zero(void)
{
    EXPECT("-0", 8, 0);
    EXPECT("-0.0e5", 2, 0);
    EXPECT("-0.000000000000", 2, 0);
}

static void should_parse_negatives_down_to_int64_min(void)
{
    EXPECT("-0.00017", 5, -17);
    EXPECT("-0.17", 2, -17);
    EXPECT("-9223372036854775808", 0, INT64_MIN);
    EXPECT("-922337203.6854775808", 10, INT64_MIN);
    EXPECT("-9223372036854775807", 0, -INT64_MAX);
}

static void should_report_overflow_as_erange(void)
{
    EXPECT_ERR("9223372036854775808", 0, -ERANGE);
    EXPECT_ERR("-9223372036854775809", 0, -ERANGE);
    EXPECT_ERR("1e19", 0, -ERANGE);
    EXPECT_ERR("1e300", 0, -ERANGE);
    EXPECT_ERR("100000000000", 8, -ERANGE);
    EXPECT_ERR("92233720368.54775808", 8, -ERANGE);
    EXPECT_ERR("1e999999999999999999999", 8, -ERANGE);
    EXPECT_ERR("123456789012345678901234567890", 0, -ERANGE);
}

static void should_refuse_digits_beyond_precision(void)
{
    EXPECT_ERR("0.123456789", 8, -EDOM);
    EXPECT_ERR("1e-9", 8, -EDOM);
    EXPECT_ERR("45285.25", 1, -EDOM);
    EXPECT_ERR("1e-999999999999", 8, -EDOM);
    EXPECT_ERR("0.5", 0, -EDOM);
    EXPECT_ERR("-0.000000001", 8, -EDOM);
    EXPECT_ERR("0.1000000000000000000001", 8, -EDOM);
}

static void should_reject_bad_syntax(void)
{
    static const char *const bad[] = {
        "", "-", "+1", ".5", "5.", "1e", "1e+", "1e-", "1.2.3", "0x10", " 1", "1 ", "1a",
        "--1", "1e1.5", "NaN", "inf", "1,5", "1..2", "e5", "-.5", "1_000",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        EXPECT_ERR(bad[i], 2, -EINVAL);
    EXPECT_ERR("1", -1, -EINVAL);
    EXPECT_ERR("1", KD_MAX_PRECISION + 1, -EINVAL);
    {
        int64_t v;

        CU_ASSERT_EQUAL(kd_parse("12", 1, 0, &v), 0); /* length, not NUL, ends the text */
        CU_ASSERT_EQUAL(v, 1);
        CU_ASSERT_EQUAL(kd_parse(NULL, 0, 0, &v), -EINVAL);
    }
}

static void R(const char *s, int prec, int64_t want, int want_inexact)
{
    int64_t v = 0;
    int inexact = -1;
    int rc = kd_parse_round(s, strlen(s), prec, &v, &inexact);

    CU_ASSERT_EQUAL(rc, 0);
    if (v != want || inexact != want_inexact)
        fprintf(stderr, "round %s @%d -> %" PRId64 " inexact %d\n", s, prec, v, inexact);
    CU_ASSERT_EQUAL(v, want);
    CU_ASSERT_EQUAL(inexact, want_inexact);
}

static void should_round_half_to_even_beyond_precision(void)
{
    R("0.125", 2, 12, 1);
    R("0.135", 2, 14, 1);
    R("0.1251", 2, 13, 1);
    R("0.12500000000000000000001", 2, 13, 1);
    R("-0.125", 2, -12, 1);
    R("-0.135", 2, -14, 1);
    R("2.5", 0, 2, 1);
    R("3.5", 0, 4, 1);
    R("0.5", 0, 0, 1);
    R("0.51", 0, 1, 1);
    R("0.05", 1, 0, 1);
    R("0.15", 1, 2, 1);
    R("0.004", 2, 0, 1);
    R("0.005", 2, 0, 1);
    R("0.0051", 2, 1, 1);
    R("1e-30", 2, 0, 1);
    R("9.995", 2, 1000, 1);
    R("0.10148", 5, 10148, 0);
    R("0.10148", 4, 1015, 1);
    R("-0.17", 2, -17, 0);
    R("0.100000000000000000000", 8, 10000000, 0);
    {
        int64_t v;

        CU_ASSERT_EQUAL(kd_parse_round("9223372036854775807.5", 21, 0, &v, NULL), -ERANGE);
        CU_ASSERT_EQUAL(kd_parse_round("9223372036854775807.4", 21, 0, &v, NULL), 0);
        CU_ASSERT_EQUAL(v, INT64_MAX);
        CU_ASSERT_EQUAL(kd_parse_round("x", 1, 0, &v, NULL), -EINVAL);
    }
}

static void should_parse_u64_ids_above_2_pow_53(void)
{
    uint64_t v = 0;

    CU_ASSERT_EQUAL(kd_parse_u64("13834774380200032777", 20, &v), 0);
    CU_ASSERT_EQUAL(v, 13834774380200032777ull);
    CU_ASSERT_EQUAL(kd_parse_u64("18446744073709551615", 20, &v), 0);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    CU_ASSERT_EQUAL(kd_parse_u64("9007199254740993", 16, &v), 0); /* 2^53 + 1 */
    CU_ASSERT_EQUAL(v, 9007199254740993ull);
    CU_ASSERT_EQUAL(kd_parse_u64("1e3", 3, &v), 0);
    CU_ASSERT_EQUAL(v, 1000);
    CU_ASSERT_EQUAL(kd_parse_u64("5.0", 3, &v), 0);
    CU_ASSERT_EQUAL(v, 5);
    CU_ASSERT_EQUAL(kd_parse_u64("-0", 2, &v), 0);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(kd_parse_u64("18446744073709551616", 20, &v), -ERANGE);
    CU_ASSERT_EQUAL(kd_parse_u64("-1", 2, &v), -ERANGE);
    CU_ASSERT_EQUAL(kd_parse_u64("1.5", 3, &v), -EDOM);
    CU_ASSERT_EQUAL(kd_parse_u64("1x", 2, &v), -EINVAL);
}

static void F(int64_t v, int prec, const char *want)
{
    char buf[KD_FORMAT_MAX];
    int n = kd_format(v, prec, buf, sizeof(buf));

    CU_ASSERT_EQUAL(n, (int)strlen(want));
    CU_ASSERT_STRING_EQUAL(buf, want);
}

static void should_format_with_trailing_zeros_kept(void)
{
    char small[4];

    F(452852, 1, "45285.2");
    F(10000000, 8, "0.10000000");
    F(100000, 8, "0.00100000");
    F(-17, 5, "-0.00017");
    F(0, 8, "0.00000000");
    F(5, 0, "5");
    F(-5, 0, "-5");
    F(1, 18, "0.000000000000000001");
    F(INT64_MIN, 0, "-9223372036854775808");
    F(INT64_MIN, 18, "-9.223372036854775808");
    F(INT64_MAX, 18, "9.223372036854775807");
    CU_ASSERT_EQUAL(kd_format(452852, 1, small, sizeof(small)), -ENOSPC);
    CU_ASSERT_STRING_EQUAL(small, "");
    CU_ASSERT_EQUAL(kd_format(123, 2, small, sizeof(small)), -ENOSPC); /* "1.23" + NUL */
    CU_ASSERT_EQUAL(kd_format(12, 1, small, sizeof(small)), 3);
    CU_ASSERT_EQUAL(kd_format(1, 19, small, sizeof(small)), -EINVAL);
}

static void should_round_trip_format_and_parse(void)
{
    uint64_t st = 42;

    for (int i = 0; i < 20000; i++) {
        int64_t v = (int64_t)ktest_rand(&st), back = 0;
        int prec = (int)(ktest_rand(&st) % (KD_MAX_PRECISION + 1));
        char buf[KD_FORMAT_MAX];
        int n;

        if (i % 3 == 0)
            v %= 1000000000; /* also plenty of small values */
        n = kd_format(v, prec, buf, sizeof(buf));
        CU_ASSERT_FATAL(n > 0);
        CU_ASSERT_EQUAL_FATAL(kd_parse(buf, (size_t)n, prec, &back), 0);
        CU_ASSERT_EQUAL_FATAL(back, v);
    }
}

static void should_give_powers_of_ten(void)
{
    CU_ASSERT_EQUAL(kd_pow10(0), 1);
    CU_ASSERT_EQUAL(kd_pow10(8), 100000000);
    CU_ASSERT_EQUAL(kd_pow10(18), 1000000000000000000LL);
    CU_ASSERT_EQUAL(kd_pow10(19), 0);
}

int main(void)
{
    static const struct ktest_case cases[] = {
        KTEST(should_parse_plain_decimals_exactly),
        KTEST(should_parse_exponent_forms),
        KTEST(should_keep_tiny_prices_exact),
        KTEST(should_accept_trailing_zeros_beyond_precision),
        KTEST(should_accept_redundant_leading_zeros),
        KTEST(should_treat_negative_zero_as_zero),
        KTEST(should_parse_negatives_down_to_int64_min),
        KTEST(should_report_overflow_as_erange),
        KTEST(should_refuse_digits_beyond_precision),
        KTEST(should_reject_bad_syntax),
        KTEST(should_round_half_to_even_beyond_precision),
        KTEST(should_parse_u64_ids_above_2_pow_53),
        KTEST(should_format_with_trailing_zeros_kept),
        KTEST(should_round_trip_format_and_parse),
        KTEST(should_give_powers_of_ten),
    };

    return ktest_run("kraken_decimal", cases, sizeof(cases) / sizeof(cases[0]));
}
