/*
 * test_pub_units.c — the publisher's pure modules: command line and reconnect
 * schedule.  (The frame decoder, books and checksums are tested in tests/kraken.)
 */
#include "pub_backoff.h"
#include "pub_config.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

static int parse(struct pub_config *c, char *err, const char *a1, const char *a2, const char *a3,
		 const char *a4, const char *a5)
{
	char *argv[8] = { "mdbus-publisher" };
	int n = 1;
	const char *in[] = { a1, a2, a3, a4, a5 };
	for (int i = 0; i < 5 && in[i]; i++)
		argv[n++] = (char *)in[i];
	return pub_config_parse(c, n, argv, err, 256, NULL);
}

static void should_apply_documented_defaults(void)
{
	struct pub_config c;
	char err[256];
	CU_ASSERT_EQUAL(parse(&c, err, "--symbols", "BTC/USD,ETH/USD", NULL, NULL, NULL), PUB_CONFIG_OK);
	CU_ASSERT_STRING_EQUAL(c.feed, "kraken");
	CU_ASSERT_STRING_EQUAL(c.host, "ws.kraken.com");
	CU_ASSERT_EQUAL(c.port, 443);
	CU_ASSERT_STRING_EQUAL(c.path, "/v2");
	CU_ASSERT_TRUE(c.tls);
	CU_ASSERT_EQUAL(c.channels, PUB_CH_BOOK | PUB_CH_TRADE | PUB_CH_TICKER);
	CU_ASSERT_EQUAL(c.nsymbols, 2);
	CU_ASSERT_STRING_EQUAL(c.symbols[1], "ETH/USD");
	CU_ASSERT_EQUAL(c.depth, 10);
	CU_ASSERT_EQUAL(c.budget_attempts, 150);
	CU_ASSERT_EQUAL(c.budget_window_s, 600);
}

static void should_parse_every_flag(void)
{
	struct pub_config c;
	char err[256];
	char *argv[] = { "p", "--symbols=BTC/USD", "--feed", "f1", "--url", "ws://127.0.0.1:9000/x",
			 "--channels", "book,ohlc", "--depth", "25", "--ohlc-interval", "15", "--slots", "1024",
			 "--stale-after", "2.5", "--log-level", "debug", "--max-frame", "65536", NULL };
	CU_ASSERT_EQUAL(pub_config_parse(&c, 20, argv, err, sizeof err, NULL), PUB_CONFIG_OK);
	CU_ASSERT_STRING_EQUAL(c.feed, "f1");
	CU_ASSERT_FALSE(c.tls);
	CU_ASSERT_EQUAL(c.port, 9000);
	CU_ASSERT_STRING_EQUAL(c.path, "/x");
	CU_ASSERT_EQUAL(c.channels, PUB_CH_BOOK | PUB_CH_OHLC);
	CU_ASSERT_EQUAL(c.depth, 25);
	CU_ASSERT_EQUAL(c.ohlc_interval, 15);
	CU_ASSERT_EQUAL(c.slots, 1024);
	CU_ASSERT_EQUAL(c.stale_after_ms, 2500);
	CU_ASSERT_EQUAL(c.log_level, PUB_LOG_DEBUG);
	CU_ASSERT_EQUAL(c.max_frame, 65536);
}

static void should_refuse_bad_values_with_one_message(void)
{
	struct pub_config c;
	char err[256];
	static const char *const bad[][4] = {
		{ "--symbols", "BTC/USD", "--depth", "26" },
		{ "--symbols", "BTC/USD", "--slots", "15" },
		{ "--symbols", "BTC/USD", "--slots", "99999999999" },
		{ "--symbols", "BTC/USD", "--stale-after", "0.01" },
		{ "--symbols", "BTC/USD", "--stale-after", "1.2345" },
		{ "--symbols", "BTC/USD", "--url", "wss://" },
		{ "--symbols", "BTC/USD", "--url", "wss://h:0/" },
		{ "--symbols", "BTC/USD", "--url", "wss://h:70000/" },
		{ "--symbols", "BTC/USD", "--url", "wss://a b/" },
		{ "--symbols", "BTC/USD", "--feed", "a/b" },
		{ "--symbols", "BTC/USD", "--mode", "0044" },
		{ "--symbols", "BTC/USD", "--backoff-min", "0" },
		{ "--symbols", "", NULL, NULL },
		{ "--symbols", "A,,B", NULL, NULL },
		{ "--symbols", "BTC/USD", "--channels", "" },
		{ "--symbols", "BTC/USD", "extra", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		int rc = parse(&c, err, bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL);
		CU_ASSERT_EQUAL(rc, PUB_CONFIG_USAGE);
		CU_ASSERT_TRUE(err[0] != '\0' && strchr(err, '\n') == NULL);
		if (rc != PUB_CONFIG_USAGE)
			fprintf(stderr, "case %zu accepted\n", i);
	}
}

static void should_allow_insecure_only_on_loopback(void)
{
	struct pub_config c;
	char err[256];
	CU_ASSERT_EQUAL(parse(&c, err, "--symbols", "X/Y", "--url", "wss://127.0.0.1:9/v2", "--insecure"), PUB_CONFIG_OK);
	CU_ASSERT_EQUAL(parse(&c, err, "--symbols", "X/Y", "--url", "wss://localhost:9/v2", "--insecure"), PUB_CONFIG_OK);
	CU_ASSERT_EQUAL(parse(&c, err, "--symbols", "X/Y", "--url", "wss://10.0.0.1:9/v2", "--insecure"), PUB_CONFIG_USAGE);
	CU_ASSERT_EQUAL(parse(&c, err, "--symbols", "X/Y", "--insecure", NULL, NULL), PUB_CONFIG_USAGE);
	CU_ASSERT_EQUAL(parse(&c, err, "--symbols", "X/Y", "--url", "wss://127.evil.com/v2", "--insecure"), PUB_CONFIG_USAGE);
}

static void should_grow_backoff_to_the_cap_with_jitter(void)
{
	struct pub_backoff b;
	pub_backoff_init(&b, 100, 1600, 30000, 150, 600, 42);
	CU_ASSERT_EQUAL(pub_backoff_delay(&b, 0), 0); /* first attempt at once */
	uint64_t t = 0;
	uint64_t nominal = 100;
	for (int i = 0; i < 10; i++) {
		pub_backoff_attempt(&b, t);
		pub_backoff_ended(&b, 0, t);
		uint64_t d = pub_backoff_delay(&b, t);
		CU_ASSERT_TRUE(d >= nominal / 2 && d <= nominal);
		if (nominal < 1600)
			nominal *= 2;
		t += d;
	}
}

static void should_reset_backoff_only_after_a_healthy_connection(void)
{
	struct pub_backoff b;
	pub_backoff_init(&b, 100, 100000, 30000, 150, 600, 7);
	uint64_t t = 1000;
	for (int i = 0; i < 6; i++) {
		pub_backoff_attempt(&b, t);
		pub_backoff_ended(&b, 0, t);
		t += 10;
	}
	CU_ASSERT_TRUE(pub_backoff_delay(&b, t) >= 1600);
	pub_backoff_attempt(&b, t);
	pub_backoff_ended(&b, t, t + 5000); /* connected only 5 s: still unhealthy */
	CU_ASSERT_TRUE(pub_backoff_delay(&b, t + 5000) >= 3200);
	pub_backoff_attempt(&b, t + 6000);
	pub_backoff_ended(&b, t + 6000, t + 40000); /* 34 s healthy */
	CU_ASSERT_TRUE(pub_backoff_delay(&b, t + 40000) <= 100);
}

/* Everything fails at once, for simulated hours: no 10-minute window may ever hold
 * more than 150 attempts, and the publisher must keep trying. */
static void should_never_exceed_the_attempt_budget(void)
{
	struct pub_backoff b;
	pub_backoff_init(&b, 1, 2, 1000, 150, 600, 99);
	static uint64_t at[20000];
	int n = 0;
	uint64_t t = 0;
	while (t < 4ull * 3600 * 1000 && n < 20000) {
		t += pub_backoff_delay(&b, t);
		pub_backoff_attempt(&b, t);
		at[n++] = t;
		pub_backoff_ended(&b, 0, t);
	}
	int worst = 0;
	for (int i = 0, j = 0; i < n; i++) {
		while (at[i] - at[j] >= 600000)
			j++;
		if (i - j + 1 > worst)
			worst = i - j + 1;
	}
	CU_ASSERT_EQUAL(worst, 150);
	CU_ASSERT_TRUE(n >= 150 * 23); /* four hours of retrying at the full budget */
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("publisher units", NULL, NULL);
	CU_add_test(s, "should_apply_documented_defaults", should_apply_documented_defaults);
	CU_add_test(s, "should_parse_every_flag", should_parse_every_flag);
	CU_add_test(s, "should_refuse_bad_values_with_one_message", should_refuse_bad_values_with_one_message);
	CU_add_test(s, "should_allow_insecure_only_on_loopback", should_allow_insecure_only_on_loopback);
	CU_add_test(s, "should_grow_backoff_to_the_cap_with_jitter", should_grow_backoff_to_the_cap_with_jitter);
	CU_add_test(s, "should_reset_backoff_only_after_a_healthy_connection",
		    should_reset_backoff_only_after_a_healthy_connection);
	CU_add_test(s, "should_never_exceed_the_attempt_budget", should_never_exceed_the_attempt_budget);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
