/*
 * test_dump_decimal.c — unit tests of mdbus-dump's exact number and time rendering
 * (tools/dump/decimal.c) and its Kraken checksum (tools/dump/book_checksum.c).
 * No shared memory; exit 0 pass, 1 fail.
 */
#include "dump.h"

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

static int dec_is(int64_t m, int32_t prec, const char *want)
{
	char buf[DUMP_DEC_MAX];

	dec_format(buf, sizeof buf, m, prec);
	if (strcmp(buf, want) != 0) {
		fprintf(stderr, "dec_format(%lld, %d) = %s, want %s\n", (long long)m, (int)prec, buf, want);
		return 0;
	}
	return 1;
}

static void should_render_mantissas_exactly(void)
{
	CU_ASSERT(dec_is(452852, 1, "45285.2"));
	CU_ASSERT(dec_is(100000, 8, "0.00100000"));
	CU_ASSERT(dec_is(0, 8, "0.00000000"));
	CU_ASSERT(dec_is(0, 0, "0"));
	CU_ASSERT(dec_is(7, 0, "7"));
	CU_ASSERT(dec_is(-125, 1, "-12.5"));
	CU_ASSERT(dec_is(-3, 2, "-0.03"));
	CU_ASSERT(dec_is(1, 8, "0.00000001"));
	CU_ASSERT(dec_is(INT64_C(123456789012345678), 8, "1234567890.12345678"));
	CU_ASSERT(dec_is(INT64_MAX, 18, "9.223372036854775807"));
	CU_ASSERT(dec_is(INT64_MAX, 19, "0.9223372036854775807"));
	CU_ASSERT(dec_is(INT64_MAX, 0, "9223372036854775807"));
	CU_ASSERT(dec_is(INT64_MIN, 0, "-9223372036854775808"));
	CU_ASSERT(dec_is(INT64_MIN, 8, "-92233720368.54775808"));
	CU_ASSERT(dec_is(INT64_MIN, 30, "-0.000000000009223372036854775808"));
	CU_ASSERT(dec_is(5, -3, "5000"));
	CU_ASSERT(dec_is(0, -3, "0"));
	CU_ASSERT(dec_is(-5, -2, "-500"));
}

static void should_flag_absurd_precision(void)
{
	char buf[DUMP_DEC_MAX];

	CU_ASSERT(dec_format(buf, sizeof buf, 12, 65) == -1);
	CU_ASSERT(strcmp(buf, "12e-65") == 0);
	CU_ASSERT(dec_format(buf, sizeof buf, -12, -100) == -1);
	CU_ASSERT(strcmp(buf, "-12e100") == 0);
	CU_ASSERT(dec_format(buf, sizeof buf, INT64_MIN, 64) > 0);
	CU_ASSERT(dec_format(buf, sizeof buf, INT64_MIN, -64) > 0);
	CU_ASSERT(strlen(buf) == 20 + 64);
}

static void should_render_integers_and_times(void)
{
	char buf[64];

	fmt_u64(buf, sizeof buf, UINT64_MAX);
	CU_ASSERT(strcmp(buf, "18446744073709551615") == 0);
	fmt_u64(buf, sizeof buf, 0);
	CU_ASSERT(strcmp(buf, "0") == 0);
	fmt_i64(buf, sizeof buf, INT64_MIN);
	CU_ASSERT(strcmp(buf, "-9223372036854775808") == 0);
	fmt_time_ns(buf, sizeof buf, INT64_C(1700000000123456789));
	CU_ASSERT(strcmp(buf, "2023-11-14T22:13:20.123456789Z") == 0);
	fmt_time_ns(buf, sizeof buf, 0);
	CU_ASSERT(strcmp(buf, "-") == 0);
	fmt_time_ns(buf, sizeof buf, -1);
	CU_ASSERT(strcmp(buf, "1969-12-31T23:59:59.999999999Z") == 0);
}

static void should_name_ordinals(void)
{
	static const struct { uint64_t v; const char *s; } cases[] = {
		{ 1, "1st" }, { 2, "2nd" }, { 3, "3rd" }, { 4, "4th" }, { 11, "11th" },
		{ 12, "12th" }, { 13, "13th" }, { 21, "21st" }, { 22, "22nd" }, { 23, "23rd" },
		{ 101, "101st" }, { 111, "111th" }, { 112, "112th" }, { 1000, "1000th" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fmt_ordinal(buf, sizeof buf, cases[i].v);
		CU_ASSERT(strcmp(buf, cases[i].s) == 0);
	}
}

static void should_compute_kraken_doc_checksum(void)
{
	/* docs.kraken.com spot-ws-book-v2 example (tests/fixtures/kraken/checksum_vectors.json) */
	static const int64_t asks[10][2] = {
		{ 452852, 100000 }, { 452864, 154571953 }, { 452866, 154571109 },
		{ 452896, 154560911 }, { 452902, 15890660 }, { 452918, 154553491 },
		{ 452947, 4454749 }, { 452961, 35380000 }, { 452975, 9945542 },
		{ 452995, 18772827 },
	};
	static const int64_t bids[10][2] = {
		{ 452835, 10000000 }, { 452834, 154582015 }, { 452821, 10000000 },
		{ 452810, 10000000 }, { 452803, 154592586 }, { 452790, 7990000 },
		{ 452776, 3310103 }, { 452775, 30000000 }, { 452773, 154602737 },
		{ 452766, 15445238 },
	};
	struct mdbus_book *b = calloc(1, sizeof *b);
	int i;

	CU_ASSERT_FATAL(b != NULL);
	b->price_precision = 1;
	b->qty_precision = 8;
	b->n_asks = b->n_bids = 10;
	for (i = 0; i < 10; i++) {
		b->asks[i] = (struct mdbus_level){ asks[i][0], asks[i][1] };
		b->bids[i] = (struct mdbus_level){ bids[i][0], bids[i][1] };
	}
	CU_ASSERT(book_checksum_kraken(b) == 3310070434u);
	b->bids[0].qty = 20000000;             /* the derived update vector */
	CU_ASSERT(book_checksum_kraken(b) == 38355977u);
	free(b);
}

int main(void)
{
	CU_pSuite s;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("dump_decimal", NULL, NULL);
	CU_add_test(s, "should_render_mantissas_exactly", should_render_mantissas_exactly);
	CU_add_test(s, "should_flag_absurd_precision", should_flag_absurd_precision);
	CU_add_test(s, "should_render_integers_and_times", should_render_integers_and_times);
	CU_add_test(s, "should_name_ordinals", should_name_ordinals);
	CU_add_test(s, "should_compute_kraken_doc_checksum", should_compute_kraken_doc_checksum);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
