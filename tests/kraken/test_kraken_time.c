/*
 * test_kraken_time.c — RFC 3339 parsing (kraken_time.h): Kraken's micro- and
 * nanosecond stamps, fraction lengths, offsets, calendar validity, leap
 * seconds, the int64 range, and agreement with the C library's gmtime over
 * random instants (the library itself never calls it).
 */
#include "kraken_test.h"
#include "kraken_time.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

static int T(const char *s, int64_t *ns)
{
    return kt_parse_rfc3339(s, strlen(s), ns);
}

#define EXPECT_NS(s, want)                                    \
    do {                                                      \
        int64_t ns_ = 0;                                      \
        CU_ASSERT_EQUAL_FATAL(T(s, &ns_), 0);                 \
        if (ns_ != (int64_t)(want))                           \
            fprintf(stderr, "%s -> %" PRId64 "\n", s, ns_);   \
        CU_ASSERT_EQUAL(ns_, (int64_t)(want));                \
    } while (0)

#define EXPECT_FAIL(s, err)                                   \
    do {                                                      \
        int64_t ns_ = 5;                                      \
        int rc_ = T(s, &ns_);                                 \
        if (rc_ != (err))                                     \
            fprintf(stderr, "'%s' -> rc %d\n", s, rc_);       \
        CU_ASSERT_EQUAL(rc_, err);                            \
        CU_ASSERT_EQUAL(ns_, 5);                              \
    } while (0)

static void should_parse_kraken_microsecond_stamps(void)
{
    EXPECT_NS("2023-10-06T17:35:55.440295Z", 1696613755440295000LL);
    EXPECT_NS("2023-09-25T07:48:36.925533Z", 1695628116925533000LL);
    EXPECT_NS("2024-05-19T19:58:40.170724Z", 1716148720170724000LL);
}

static void should_parse_nanosecond_stamps(void)
{
    EXPECT_NS("2023-10-04T15:25:00.000000000Z", 1696433100000000000LL);
    EXPECT_NS("2023-10-04T16:26:01.806315597Z", 1696436761806315597LL);
}

static void should_accept_zero_to_nine_fraction_digits(void)
{
    EXPECT_NS("1970-01-01T00:00:01Z", 1000000000LL);
    EXPECT_NS("1970-01-01T00:00:00.1Z", 100000000LL);
    EXPECT_NS("1970-01-01T00:00:00.12Z", 120000000LL);
    EXPECT_NS("1970-01-01T00:00:00.000000001Z", 1LL);
    EXPECT_FAIL("1970-01-01T00:00:00.0000000001Z", -EINVAL);
    EXPECT_FAIL("1970-01-01T00:00:00.Z", -EINVAL);
}

static void should_apply_numeric_offsets(void)
{
    int64_t z, a, b;

    CU_ASSERT_EQUAL(T("2023-10-06T17:35:55Z", &z), 0);
    CU_ASSERT_EQUAL(T("2023-10-06T19:35:55+02:00", &a), 0);
    CU_ASSERT_EQUAL(T("2023-10-06T12:05:55-05:30", &b), 0);
    CU_ASSERT_EQUAL(a, z);
    CU_ASSERT_EQUAL(b, z);
    EXPECT_NS("1970-01-01T00:00:00+00:01", -60000000000LL);
    EXPECT_NS("1970-01-01T00:00:00.5-00:00", 500000000LL);
}

static void should_accept_lower_case_t_and_z(void)
{
    EXPECT_NS("2023-10-06t17:35:55.440295z", 1696613755440295000LL);
}

static void should_check_the_calendar(void)
{
    EXPECT_NS("2024-02-29T00:00:00Z", 1709164800000000000LL);
    EXPECT_NS("2000-02-29T00:00:00Z", 951782400000000000LL);
    EXPECT_FAIL("2023-02-29T00:00:00Z", -EINVAL);
    EXPECT_FAIL("1900-02-29T00:00:00Z", -EINVAL);
    EXPECT_FAIL("2023-04-31T00:00:00Z", -EINVAL);
    EXPECT_FAIL("2023-13-01T00:00:00Z", -EINVAL);
    EXPECT_FAIL("2023-00-01T00:00:00Z", -EINVAL);
    EXPECT_FAIL("2023-01-00T00:00:00Z", -EINVAL);
    EXPECT_FAIL("2023-01-01T24:00:00Z", -EINVAL);
    EXPECT_FAIL("2023-01-01T00:60:00Z", -EINVAL);
    EXPECT_FAIL("2023-01-01T00:00:61Z", -EINVAL);
}

static void should_count_a_leap_second_as_the_next_minute(void)
{
    int64_t a, b;

    CU_ASSERT_EQUAL(T("2016-12-31T23:59:60Z", &a), 0);
    CU_ASSERT_EQUAL(T("2017-01-01T00:00:00Z", &b), 0);
    CU_ASSERT_EQUAL(a, b);
}

static void should_handle_instants_before_the_epoch(void)
{
    EXPECT_NS("1970-01-01T00:00:00Z", 0);
    EXPECT_NS("1969-12-31T23:59:59.5Z", -500000000LL);
    EXPECT_NS("1900-01-01T00:00:00Z", -2208988800000000000LL);
}

static void should_report_instants_outside_int64_ns_as_erange(void)
{
    EXPECT_NS("2262-04-11T23:47:16.854775807Z", INT64_MAX);
    EXPECT_FAIL("2262-04-11T23:47:16.854775808Z", -ERANGE);
    EXPECT_FAIL("9999-12-31T23:59:59Z", -ERANGE);
    EXPECT_FAIL("1600-01-01T00:00:00Z", -ERANGE);
}

static void should_refuse_malformed_stamps(void)
{
    static const char *const bad[] = {
        "", "2023-10-06", "2023-10-06T17:35:55", "2023-10-06 17:35:55Z",
        "2023-10-06T17:35:55.440295", "2023-10-06T17:35:55ZZ", "2023-10-06T17:35:55+0200",
        "2023-10-06T17:35:55+02", "2023-10-06T17:35:55+24:00", "2023-10-06T17:35:55+02:60",
        "2023/10/06T17:35:55Z", "2023-1-06T17:35:55Z", "23-10-06T17:35:55Z",
        "2023-10-06T17:35:5Z", "2023-10-06T17:35:55.44a295Z", " 2023-10-06T17:35:55Z",
        "2023-10-06T17:35:55Z ", "+2023-10-06T17:35:55Z", "2023-10-06T17:35:55.-1Z",
        "2023-10-06T1:35:55.0Z", "2023-10-06X17:35:55Z", "2023-1a-06T17:35:55Z",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        EXPECT_FAIL(bad[i], -EINVAL);
    {
        int64_t ns;

        CU_ASSERT_EQUAL(kt_parse_rfc3339(NULL, 0, &ns), -EINVAL);
        /* the length bounds the text: a valid prefix is not enough */
        CU_ASSERT_EQUAL(kt_parse_rfc3339("2023-10-06T17:35:55Z", 19, &ns), -EINVAL);
    }
}

static void should_agree_with_gmtime_on_random_instants(void)
{
    uint64_t st = 3;

    for (int i = 0; i < 20000; i++) {
        time_t t = (time_t)(ktest_rand(&st) % (4102444800ull * 2)) - (time_t)4102444800ll / 2;
        unsigned frac = (unsigned)(ktest_rand(&st) % 1000000000u);
        struct tm tm;
        char buf[64];
        int64_t ns;

        CU_ASSERT_PTR_NOT_NULL_FATAL(gmtime_r(&t, &tm));
        snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
        CU_ASSERT_EQUAL_FATAL(T(buf, &ns), 0);
        CU_ASSERT_EQUAL_FATAL(ns, (int64_t)t * 1000000000LL + frac);
    }
}

int main(void)
{
    static const struct ktest_case cases[] = {
        KTEST(should_parse_kraken_microsecond_stamps),
        KTEST(should_parse_nanosecond_stamps),
        KTEST(should_accept_zero_to_nine_fraction_digits),
        KTEST(should_apply_numeric_offsets),
        KTEST(should_accept_lower_case_t_and_z),
        KTEST(should_check_the_calendar),
        KTEST(should_count_a_leap_second_as_the_next_minute),
        KTEST(should_handle_instants_before_the_epoch),
        KTEST(should_report_instants_outside_int64_ns_as_erange),
        KTEST(should_refuse_malformed_stamps),
        KTEST(should_agree_with_gmtime_on_random_instants),
    };

    return ktest_run("kraken_time", cases, sizeof(cases) / sizeof(cases[0]));
}
