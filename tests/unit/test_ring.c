/*
 * test_ring.c — unit tests of the ring writer and the subscriber library in one
 * process: record round trips, start positions, lapping and lost counts, polling,
 * size limits, feed names, symbols and books, the generation counter, reattach,
 * geometry change and error strings.
 *
 * Every test makes its own feed ("t_ring_<pid>_<n>") and removes it; feeds left by
 * a failed assertion are removed at exit.
 */
#define _GNU_SOURCE
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <CUnit/Basic.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static mdbus_writer *open_writer(const char *feed, uint32_t slots, uint32_t slot_size)
{
	struct mdbus_writer_opts o = { .slot_count = slots, .slot_size = slot_size,
				       .symbol_capacity = 8, .book_depth = 25 };
	mdbus_writer *w = NULL;
	int rc = mdbus_writer_open(&w, feed, &o);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc < 0)
		fprintf(stderr, "mdbus_writer_open(%s): %s\n", feed, mdbus_strerror(rc));
	return w;
}

static mdbus_sub *open_reader(const char *feed, int flags)
{
	mdbus_sub *s = NULL;
	int rc = mdbus_sub_open(&s, feed, flags);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc < 0)
		fprintf(stderr, "mdbus_sub_open(%s): %s\n", feed, mdbus_strerror(rc));
	return s;
}

static void put_raw(mdbus_writer *w, uint32_t raw_max)
{
	struct mdbus_record r;
	tu_raw_fill(&r, mdbus_writer_cursor(w), raw_max);
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &r), 0);
}

static void put_raws(mdbus_writer *w, int n)
{
	for (int i = 0; i < n; i++)
		put_raw(w, MDBUS_RAW_MAX);
}

/* Read one record with timeout 0 and check it is seq's self-checking RAW record. */
static void expect_raw(mdbus_sub *s, uint64_t seq, uint64_t lost)
{
	struct mdbus_record r;
	memset(&r, 0xa5, sizeof r);
	int rc = mdbus_sub_next(s, &r, 0);
	CU_ASSERT_EQUAL(rc, 1);
	if (rc != 1)
		return;
	CU_ASSERT_EQUAL(r.seq, seq);
	CU_ASSERT_EQUAL(r.lost, lost);
	if (r.seq != seq || r.lost != lost)
		fprintf(stderr, "  got seq %llu lost %llu, want seq %llu lost %llu\n",
			(unsigned long long)r.seq, (unsigned long long)r.lost,
			(unsigned long long)seq, (unsigned long long)lost);
	char why[128];
	int ok = tu_raw_check(&r, MDBUS_RAW_MAX, why, sizeof why) == 0;
	CU_ASSERT(ok);
	if (!ok)
		fprintf(stderr, "  %s\n", why);
}

static void expect_nothing(mdbus_sub *s)
{
	struct mdbus_record r;
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 0);
}

/* ------------------------------------------------------------ records */

static void fill_all_types(struct mdbus_record rec[7])
{
	memset(rec, 0, 7 * sizeof rec[0]);
	tu_raw_fill(&rec[0], 12345, MDBUS_RAW_MAX);
	rec[0].u.raw.len = MDBUS_RAW_MAX;
	for (uint32_t i = 0; i < MDBUS_RAW_MAX; i++)
		rec[0].u.raw.data[i] = (uint8_t)(0xff - i);

	rec[1].type = MDBUS_REC_STATUS;
	rec[1].u.status.gen = 7;
	rec[1].u.status.epoch = 9;
	rec[1].u.status.connected = 1;
	rec[1].u.status.reason = MDBUS_STATUS_PUBLISHER_START;

	rec[2].type = MDBUS_REC_BOOK;
	rec[2].flags = MDBUS_F_SNAPSHOT | MDBUS_F_SNAP_BEGIN | MDBUS_F_MSG_END | MDBUS_F_CHECKSUM_OK;
	rec[2].u.book.price = -123456789012345;
	rec[2].u.book.qty = 42;
	rec[2].u.book.side = MDBUS_SIDE_ASK;
	rec[2].u.book.checksum = 0xdeadbeefu;

	rec[3].type = MDBUS_REC_TRADE;
	rec[3].u.trade.price = INT64_MAX;
	rec[3].u.trade.qty = INT64_MIN;
	rec[3].u.trade.trade_id = (UINT64_C(1) << 60) + 5;
	rec[3].u.trade.side = MDBUS_SIDE_BID;
	rec[3].u.trade.ord_type = 2;

	rec[4].type = MDBUS_REC_TICKER;
	rec[4].u.ticker.bid = 1;
	rec[4].u.ticker.bid_qty = 2;
	rec[4].u.ticker.ask = 3;
	rec[4].u.ticker.ask_qty = 4;
	rec[4].u.ticker.last = 5;
	rec[4].u.ticker.volume = 6;
	rec[4].u.ticker.vwap = 7;
	rec[4].u.ticker.low = 8;
	rec[4].u.ticker.high = 9;
	rec[4].u.ticker.change = -10;
	rec[4].u.ticker.change_pct_e2 = -1234;

	rec[5].type = MDBUS_REC_OHLC;
	rec[5].u.ohlc.open = 11;
	rec[5].u.ohlc.high = 12;
	rec[5].u.ohlc.low = 13;
	rec[5].u.ohlc.close = 14;
	rec[5].u.ohlc.vwap = 15;
	rec[5].u.ohlc.volume = 16;
	rec[5].u.ohlc.interval_begin_ns = 1700000000000000000;
	rec[5].u.ohlc.trades = 17;
	rec[5].u.ohlc.interval_min = 15;

	rec[6].type = MDBUS_REC_INSTRUMENT;
	rec[6].u.instrument.price_precision = 5;
	rec[6].u.instrument.qty_precision = 8;
	rec[6].u.instrument.status = MDBUS_SYM_ONLINE;
	strcpy(rec[6].u.instrument.name, "BTC/USD");

	for (int i = 0; i < 7; i++) {
		rec[i].exch_ts_ns = 1000 + i;
		rec[i].recv_ts_ns = 2000 + i;
		if (i)
			rec[i].symbol = (uint32_t)i;
		rec[i].flags |= (uint16_t)(0x100 * i);
	}
}

static void should_roundtrip_every_record_type(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 64, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	struct mdbus_record rec[7];
	fill_all_types(rec);
	for (int i = 0; i < 7; i++) {
		struct mdbus_record in = rec[i];
		in.seq = 999; /* assigned by the writer */
		in.gen = 999;
		in.lost = 999;
		CU_ASSERT_EQUAL(mdbus_writer_put(w, &in), 0);
		CU_ASSERT_EQUAL(in.seq, (uint64_t)i);
		CU_ASSERT_EQUAL(in.gen, 0);
	}
	for (int i = 0; i < 7; i++) {
		struct mdbus_record r;
		memset(&r, 0x5a, sizeof r);
		CU_ASSERT_EQUAL_FATAL(mdbus_sub_next(s, &r, 0), 1);
		CU_ASSERT_EQUAL(r.seq, (uint64_t)i);
		CU_ASSERT_EQUAL(r.lost, 0);
		CU_ASSERT_EQUAL(r.gen, 0);
		CU_ASSERT_EQUAL(r.type, rec[i].type);
		CU_ASSERT_EQUAL(r.flags, rec[i].flags);
		CU_ASSERT_EQUAL(r.symbol, rec[i].symbol);
		CU_ASSERT_EQUAL(r.exch_ts_ns, rec[i].exch_ts_ns);
		CU_ASSERT_EQUAL(r.recv_ts_ns, rec[i].recv_ts_ns);
		CU_ASSERT(memcmp(r.u.bytes, rec[i].u.bytes, sizeof r.u.bytes) == 0);
	}
	expect_nothing(s);
	struct mdbus_status st;
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.records, 7);
	CU_ASSERT_EQUAL(st.lost, 0);
	CU_ASSERT_EQUAL(st.write_seq, 7);
	CU_ASSERT_EQUAL(st.next_seq, 7);
	CU_ASSERT_EQUAL(st.lag, 0);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_roundtrip_records_in_64_byte_slots(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 64);
	CU_ASSERT_FATAL(w != NULL);
	uint32_t raw_max = mdbus_writer_raw_max(w);
	CU_ASSERT_EQUAL(raw_max, 64 - 40 - 4);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	struct mdbus_record r;
	for (int i = 0; i < 40; i++) {
		tu_raw_fill(&r, mdbus_writer_cursor(w), raw_max);
		CU_ASSERT_EQUAL(mdbus_writer_put(w, &r), 0);
		struct mdbus_record o;
		memset(&o, 0x77, sizeof o);
		CU_ASSERT_EQUAL_FATAL(mdbus_sub_next(s, &o, 0), 1);
		/* the bytes past a 64-byte slot's payload read as zero */
		CU_ASSERT_EQUAL(tu_raw_check(&o, raw_max, NULL, 0), 0);
	}
	struct mdbus_record rec[7];
	fill_all_types(rec);
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &rec[1]), 0); /* STATUS fits */
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &rec[2]), 0); /* BOOK fits */
	for (int i = 1; i <= 2; i++) {
		CU_ASSERT_EQUAL_FATAL(mdbus_sub_next(s, &r, 0), 1);
		CU_ASSERT(memcmp(r.u.bytes, rec[i].u.bytes, sizeof r.u.bytes) == 0);
	}
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_refuse_records_larger_than_the_slot(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_writer_raw_max(w), MDBUS_RAW_MAX);
	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_RAW;
	r.u.raw.len = MDBUS_RAW_MAX + 1;
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &r), MDBUS_E_TOOBIG);
	r.u.raw.len = UINT32_MAX;
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &r), MDBUS_E_TOOBIG);
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 0); /* a refused record takes no sequence */
	r.u.raw.len = MDBUS_RAW_MAX;
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &r), 0);
	r.type = 0;
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &r), MDBUS_E_INVAL);
	CU_ASSERT_EQUAL(mdbus_writer_put(w, NULL), MDBUS_E_INVAL);
	mdbus_writer_close(w);

	/* 64-byte slots: 24 payload bytes */
	char feed64[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed64, "ring");
	w = open_writer(feed64, 16, 64);
	CU_ASSERT_FATAL(w != NULL);
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_RAW;
	r.u.raw.len = 21;
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &r), MDBUS_E_TOOBIG);
	r.u.raw.len = 20;
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &r), 0);
	struct mdbus_record rec[7];
	fill_all_types(rec);
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &rec[3]), MDBUS_E_TOOBIG); /* TRADE 32 */
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &rec[4]), MDBUS_E_TOOBIG); /* TICKER 88 */
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &rec[5]), MDBUS_E_TOOBIG); /* OHLC 72 */
	CU_ASSERT_EQUAL(mdbus_writer_put(w, &rec[6]), MDBUS_E_TOOBIG); /* INSTRUMENT 64 */
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 1);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed64), 0);
}

/* ------------------------------------------------------- positions, laps */

static void should_start_after_the_newest_record_by_default(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	put_raws(w, 10);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	expect_nothing(s); /* only records written after the open */
	put_raws(w, 2);
	expect_raw(s, 10, 0);
	expect_raw(s, 11, 0);
	expect_nothing(s);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_start_at_the_oldest_present_record_with_from_oldest(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	put_raws(w, 10);
	mdbus_sub *s = open_reader(feed, MDBUS_SUB_FROM_OLDEST);
	CU_ASSERT_FATAL(s != NULL);
	for (uint64_t i = 0; i < 10; i++)
		expect_raw(s, i, 0);
	expect_nothing(s);
	mdbus_sub_close(s);

	/* ring wrapped: 40 written into 16 slots, 24..39 are present */
	put_raws(w, 30);
	s = open_reader(feed, MDBUS_SUB_FROM_OLDEST);
	CU_ASSERT_FATAL(s != NULL);
	for (uint64_t i = 24; i < 40; i++)
		expect_raw(s, i, 0);
	expect_nothing(s);
	struct mdbus_status st;
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.lost, 0);
	CU_ASSERT_EQUAL(st.records, 16);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_report_lost_records_after_lap(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	put_raws(w, 100);
	/* 84..99 are in the ring: the reader gets the oldest of them, and is told it
	 * missed exactly 0..83 */
	expect_raw(s, 84, 84);
	for (uint64_t i = 85; i < 90; i++)
		expect_raw(s, i, 0);
	/* lapped again in the middle: at 90, writer moves to 140 -> 124..139 present */
	put_raws(w, 40);
	expect_raw(s, 124, 124 - 90);
	for (uint64_t i = 125; i < 140; i++)
		expect_raw(s, i, 0);
	expect_nothing(s);
	struct mdbus_status st;
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.lost, 84 + 34);
	CU_ASSERT_EQUAL(st.records + st.lost, 140); /* read + lost = written since open */
	CU_ASSERT_EQUAL(st.next_seq, 140);
	/* the registry shows the same numbers */
	struct mdbus_reader_info ri[4];
	int n = mdbus_readers_list(feed, ri, 4);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_EQUAL(ri[0].pid, (uint32_t)getpid());
		CU_ASSERT_EQUAL(ri[0].lost, 84 + 34);
		CU_ASSERT_EQUAL(ri[0].records, st.records);
		CU_ASSERT_EQUAL(ri[0].position, 140);
		CU_ASSERT(ri[0].alive);
	}
	mdbus_sub_close(s);
	CU_ASSERT_EQUAL(mdbus_readers_list(feed, ri, 4), 0); /* left on close */
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_return_0_when_polling_an_empty_ring(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, MDBUS_SUB_FROM_OLDEST);
	CU_ASSERT_FATAL(s != NULL);
	struct mdbus_record r;
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 0);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 20), 0); /* a short wait times out too */
	mdbus_sub *sp = open_reader(feed, MDBUS_SUB_WAIT_SPIN | MDBUS_SUB_NO_REGISTRY);
	mdbus_sub *ss = open_reader(feed, MDBUS_SUB_WAIT_SLEEP);
	CU_ASSERT_FATAL(sp && ss);
	CU_ASSERT_EQUAL(mdbus_sub_next(sp, &r, 10), 0);
	CU_ASSERT_EQUAL(mdbus_sub_next(ss, &r, 10), 0);
	put_raws(w, 1);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 1);
	CU_ASSERT_EQUAL(mdbus_sub_next(sp, &r, 0), 1);
	CU_ASSERT_EQUAL(mdbus_sub_next(ss, &r, -1), 1);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 0);
	CU_ASSERT_EQUAL(mdbus_sub_next(NULL, &r, 0), MDBUS_E_INVAL);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, NULL, 0), MDBUS_E_INVAL);
	mdbus_sub_close(sp);
	mdbus_sub_close(ss);
	mdbus_sub_close(s);
	mdbus_sub_close(NULL);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_refuse_bad_open_arguments(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_sub *s = (mdbus_sub *)1;
	CU_ASSERT_EQUAL(mdbus_sub_open(&s, feed, 0), MDBUS_E_NOFEED);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(mdbus_sub_open(NULL, feed, 0), MDBUS_E_INVAL);
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_sub_open(&s, feed, MDBUS_SUB_WAIT_SPIN | MDBUS_SUB_WAIT_SLEEP), MDBUS_E_INVAL);
	CU_ASSERT_EQUAL(mdbus_sub_open(&s, feed, 0x4000), MDBUS_E_INVAL);
	struct mdbus_writer_opts bad[] = {
		{ .slot_count = 1000 }, { .slot_count = 8 }, { .slot_size = 96 },
		{ .slot_size = 256 }, { .book_depth = 1001 }, { .symbol_capacity = 5000 },
		{ .mode = 0444 }, { .mode = 01777 },
	};
	char other[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(other, "ring");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mdbus_writer *x = NULL;
		CU_ASSERT_EQUAL(mdbus_writer_open(&x, other, &bad[i]), MDBUS_E_INVAL);
		CU_ASSERT_PTR_NULL(x);
	}
	CU_ASSERT_EQUAL(mdbus_feed_remove(other), MDBUS_E_NOFEED);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), MDBUS_E_NOFEED);
}

static void should_reject_bad_feed_names(void)
{
	char longname[80];
	memset(longname, 'a', 65);
	longname[65] = '\0';
	const char *bad[] = { "", "../x", "a/b", "/x", "x/", longname, "x.readers", "y.lock",
			      ".", "..", "sp ace", "tab\t", "star*", "nl\n", "\xc3\xa9" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mdbus_sub *s = NULL;
		mdbus_writer *w = NULL;
		CU_ASSERT_EQUAL(mdbus_feed_name_valid(bad[i]), 0);
		CU_ASSERT_EQUAL(mdbus_sub_open(&s, bad[i], 0), MDBUS_E_FEEDNAME);
		CU_ASSERT_EQUAL(mdbus_writer_open(&w, bad[i], NULL), MDBUS_E_FEEDNAME);
		CU_ASSERT_EQUAL(mdbus_feed_remove(bad[i]), MDBUS_E_FEEDNAME);
		pid_t pid;
		CU_ASSERT_EQUAL(mdbus_writer_lock_holder(bad[i], &pid), MDBUS_E_FEEDNAME);
		CU_ASSERT_PTR_NULL(s);
		CU_ASSERT_PTR_NULL(w);
	}
	CU_ASSERT_EQUAL(mdbus_feed_name_valid(NULL), 0);
	mdbus_sub *s = NULL;
	CU_ASSERT_EQUAL(mdbus_sub_open(&s, NULL, 0), MDBUS_E_FEEDNAME);

	/* the longest valid name works end to end */
	char name64[MDBUS_FEED_NAME_MAX + 1];
	int n = snprintf(name64, sizeof name64, "t_ring_%ld_", (long)getpid());
	memset(name64 + n, 'z', (size_t)(MDBUS_FEED_NAME_MAX - n));
	name64[MDBUS_FEED_NAME_MAX] = '\0';
	CU_ASSERT_EQUAL(mdbus_feed_name_valid(name64), 1);
	CU_ASSERT_EQUAL(mdbus_feed_name_valid("A-z_0.9"), 1);
	mdbus_writer *w = open_writer(name64, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	s = open_reader(name64, 0);
	CU_ASSERT_FATAL(s != NULL);
	struct mdbus_info info;
	CU_ASSERT_EQUAL(mdbus_sub_info(s, &info), 0);
	CU_ASSERT_STRING_EQUAL(info.feed, name64);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(name64), 0);
}

/* ---------------------------------------------------- symbols and books */

static void should_keep_symbol_ids_stable(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	uint32_t id;
	CU_ASSERT_EQUAL(mdbus_sub_symbol(s, "BTC/USD", &id), MDBUS_E_NOSYM);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_add(w, "BTC/USD"), 0);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_add(w, "ETH/USD"), 1);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_add(w, "BTC/USD"), 0);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_add(w, ""), MDBUS_E_INVAL);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_set(w, 1, "ETH/USD", 2, 8, MDBUS_SYM_ONLINE, 10), 0);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_set(w, 8, "X", 2, 8, MDBUS_SYM_ONLINE, 10), MDBUS_E_INVAL);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_set(w, 2, "X", 19, 8, MDBUS_SYM_ONLINE, 10), MDBUS_E_INVAL);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_set(w, 2, "X", 2, 8, MDBUS_SYM_ONLINE, 26), MDBUS_E_INVAL);
	CU_ASSERT_EQUAL(mdbus_sub_symbol(s, "BTC/USD", &id), 0);
	CU_ASSERT_EQUAL(id, 0);
	CU_ASSERT_EQUAL(mdbus_sub_symbol(s, "ETH/USD", &id), 0);
	CU_ASSERT_EQUAL(id, 1);
	CU_ASSERT_EQUAL(mdbus_sub_symbol(s, "ETH/US", &id), MDBUS_E_NOSYM);
	struct mdbus_symbol si;
	CU_ASSERT_EQUAL(mdbus_sub_symbol_info(s, 1, &si), 0);
	CU_ASSERT_EQUAL(si.id, 1);
	CU_ASSERT_EQUAL(si.status, MDBUS_SYM_ONLINE);
	CU_ASSERT_EQUAL(si.price_precision, 2);
	CU_ASSERT_EQUAL(si.qty_precision, 8);
	CU_ASSERT_EQUAL(si.book_depth, 10);
	CU_ASSERT_STRING_EQUAL(si.name, "ETH/USD");
	CU_ASSERT_EQUAL(mdbus_sub_symbol_info(s, 0, &si), 0);
	CU_ASSERT_EQUAL(si.status, MDBUS_SYM_PENDING);
	CU_ASSERT_EQUAL(mdbus_sub_symbol_info(s, 2, &si), MDBUS_E_NOSYM);
	CU_ASSERT_EQUAL(mdbus_sub_symbol_info(s, 8, &si), MDBUS_E_NOSYM);
	CU_ASSERT_EQUAL(mdbus_sub_symbol_info(s, UINT32_MAX, &si), MDBUS_E_NOSYM);
	mdbus_writer_close(w);

	/* ids survive a publisher restart on the same segment */
	w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_add(w, "ETH/USD"), 1);
	CU_ASSERT_EQUAL(mdbus_writer_symbol_add(w, "SOL/USD"), 2);
	CU_ASSERT_EQUAL(mdbus_sub_symbol(s, "SOL/USD", &id), 0);
	CU_ASSERT_EQUAL(id, 2);
	/* the table fills up */
	char nm[16];
	for (int i = 3; i < 8; i++) {
		snprintf(nm, sizeof nm, "S%d/USD", i);
		CU_ASSERT_EQUAL(mdbus_writer_symbol_add(w, nm), i);
	}
	CU_ASSERT_EQUAL(mdbus_writer_symbol_add(w, "ONE/MORE"), MDBUS_E_FULL);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void make_book(struct mdbus_book *b, uint64_t v, uint32_t depth)
{
	b->state = MDBUS_BOOK_VALID;
	b->gen = v;
	b->seq = v;
	b->exch_ts_ns = (int64_t)v * 3;
	b->updates = v * 5;
	b->checksum = (uint32_t)(v * 7);
	b->price_precision = (int32_t)(v % 9);
	b->qty_precision = (int32_t)(v % 7);
	b->n_bids = 1 + (uint32_t)(v % depth);
	b->n_asks = 1 + (uint32_t)((v / 3) % depth);
	for (uint32_t i = 0; i < b->n_bids; i++) {
		b->bids[i].price = (int64_t)(v * 1000 - i);
		b->bids[i].qty = (int64_t)v;
	}
	for (uint32_t i = 0; i < b->n_asks; i++) {
		b->asks[i].price = (int64_t)(v * 1000 + 1 + i);
		b->asks[i].qty = (int64_t)v;
	}
}

/* 0 if b is exactly make_book(b->seq). */
static int book_consistent(const struct mdbus_book *b, uint32_t depth)
{
	static struct mdbus_book e;
	memset(&e, 0, sizeof e);
	make_book(&e, b->seq, depth);
	if (b->state != e.state || b->gen != e.gen || b->exch_ts_ns != e.exch_ts_ns ||
	    b->updates != e.updates || b->checksum != e.checksum ||
	    b->price_precision != e.price_precision || b->qty_precision != e.qty_precision ||
	    b->n_bids != e.n_bids || b->n_asks != e.n_asks)
		return -1;
	if (memcmp(b->bids, e.bids, e.n_bids * sizeof e.bids[0]) != 0 ||
	    memcmp(b->asks, e.asks, e.n_asks * sizeof e.asks[0]) != 0)
		return -1;
	return 0;
}

static struct mdbus_book book_in, book_out;

static void should_publish_and_read_books(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	int id = mdbus_writer_symbol_add(w, "BTC/USD");
	CU_ASSERT_EQUAL_FATAL(id, 0);
	/* empty until published */
	memset(&book_out, 0x55, sizeof book_out);
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 0, &book_out), 0);
	CU_ASSERT_EQUAL(book_out.symbol, 0);
	CU_ASSERT_EQUAL(book_out.state, MDBUS_BOOK_EMPTY);
	CU_ASSERT_EQUAL(book_out.n_bids, 0);
	CU_ASSERT_EQUAL(book_out.n_asks, 0);
	CU_ASSERT_EQUAL(book_out.updates, 0);
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 8, &book_out), MDBUS_E_NOSYM);

	memset(&book_in, 0, sizeof book_in);
	make_book(&book_in, 24, 25); /* 25 bids, 9 asks */
	book_in.symbol = 77;          /* ignored */
	CU_ASSERT_EQUAL(mdbus_writer_book_publish(w, 0, &book_in), 0);
	memset(&book_out, 0x55, sizeof book_out);
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 0, &book_out), 0);
	CU_ASSERT_EQUAL(book_out.symbol, 0);
	CU_ASSERT_EQUAL(book_out.n_bids, 25);
	CU_ASSERT_EQUAL(book_consistent(&book_out, 25), 0);

	/* deeper than the segment: truncated to book_depth */
	book_in.n_bids = 40;
	for (uint32_t i = 0; i < 40; i++)
		book_in.bids[i].price = 9000 - i;
	CU_ASSERT_EQUAL(mdbus_writer_book_publish(w, 1, &book_in), 0);
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 1, &book_out), 0);
	CU_ASSERT_EQUAL(book_out.n_bids, 25);
	CU_ASSERT_EQUAL(book_out.bids[24].price, 9000 - 24);

	CU_ASSERT_EQUAL(mdbus_writer_book_set_state(w, 0, MDBUS_BOOK_INVALID), 0);
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 0, &book_out), 0);
	CU_ASSERT_EQUAL(book_out.state, MDBUS_BOOK_INVALID);
	CU_ASSERT_EQUAL(book_out.n_bids, 25);
	CU_ASSERT_EQUAL(mdbus_writer_book_set_state(w, 0, MDBUS_BOOK_EMPTY), 0);
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 0, &book_out), 0);
	CU_ASSERT_EQUAL(book_out.state, MDBUS_BOOK_EMPTY);
	CU_ASSERT_EQUAL(book_out.n_bids, 0);
	CU_ASSERT_EQUAL(book_out.n_asks, 0);
	CU_ASSERT_EQUAL(mdbus_writer_book_set_state(w, 0, 3), MDBUS_E_INVAL);
	CU_ASSERT_EQUAL(mdbus_writer_book_publish(w, 8, &book_in), MDBUS_E_INVAL);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

struct book_pub {
	mdbus_writer *w;
	uint64_t rounds;
	int done;
};

static void *book_publisher(void *arg)
{
	struct book_pub *p = arg;
	static struct mdbus_book b;
	for (uint64_t v = 1; v <= p->rounds; v++) {
		memset(&b, 0, offsetof(struct mdbus_book, bids));
		make_book(&b, v, 25);
		mdbus_writer_book_publish(p->w, 0, &b);
	}
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void should_read_books_consistently_while_they_change(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL_FATAL(mdbus_writer_symbol_add(w, "BTC/USD"), 0);
	struct book_pub p = { .w = w, .rounds = TU_TSAN ? 2000 : 200000 };
	pthread_t t;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, book_publisher, &p), 0);
	uint64_t reads = 0, busy = 0, bad = 0, last = 0, backwards = 0;
	while (!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE)) {
		int rc = mdbus_sub_book(s, 0, &book_out);
		if (rc == MDBUS_E_BUSY) {
			busy++;
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		reads++;
		if (book_out.state == MDBUS_BOOK_EMPTY)
			continue;
		if (book_consistent(&book_out, 25) != 0)
			bad++;
		if (book_out.seq < last)
			backwards++;
		last = book_out.seq;
	}
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 0, &book_out), 0);
	CU_ASSERT_EQUAL(book_out.seq, p.rounds);
	CU_ASSERT_EQUAL(book_consistent(&book_out, 25), 0);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(backwards, 0);
	printf("\n    book reads %llu (busy %llu) during %llu publishes ", (unsigned long long)reads,
	       (unsigned long long)busy, (unsigned long long)p.rounds);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

/* ---------------------------------------------------------- generation */

static void expect_status_record(mdbus_sub *s, uint64_t gen, uint32_t reason, uint64_t epoch)
{
	struct mdbus_record r;
	CU_ASSERT_EQUAL_FATAL(mdbus_sub_next(s, &r, 0), 1);
	CU_ASSERT_EQUAL(r.type, MDBUS_REC_STATUS);
	CU_ASSERT_EQUAL(r.gen, gen);
	CU_ASSERT_EQUAL(r.symbol, MDBUS_SYMBOL_NONE);
	CU_ASSERT_EQUAL(r.u.status.gen, gen);
	CU_ASSERT_EQUAL(r.u.status.connected, (uint32_t)(gen & 1));
	CU_ASSERT_EQUAL(r.u.status.reason, reason);
	CU_ASSERT_EQUAL(r.u.status.epoch, epoch);
}

static void should_move_generation_only_on_a_real_change(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	struct mdbus_status st;
	CU_ASSERT_EQUAL(mdbus_writer_generation(w), 0);
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.generation, 0);
	CU_ASSERT_EQUAL(st.connected, 0);

	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 0), 0); /* no change */
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 0);
	expect_nothing(s);

	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 1), 1);
	CU_ASSERT_EQUAL(mdbus_writer_generation(w), 1);
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 1);
	expect_status_record(s, 1, MDBUS_STATUS_CONNECTED, 1);
	expect_nothing(s);

	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 1), 0);
	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 7), 0); /* any true value */
	CU_ASSERT_EQUAL(mdbus_writer_generation(w), 1);
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 1);
	expect_nothing(s);

	put_raws(w, 1);
	struct mdbus_record r;
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 1);
	CU_ASSERT_EQUAL(r.gen, 1); /* records carry their generation */

	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 0), 1);
	CU_ASSERT_EQUAL(mdbus_writer_generation(w), 2);
	expect_status_record(s, 2, MDBUS_STATUS_DISCONNECTED, 1);
	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 0), 0);
	expect_nothing(s);

	for (int i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, (i & 1) == 0), 1);
	CU_ASSERT_EQUAL(mdbus_writer_generation(w), 12);
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 3 + 10);
	for (int i = 0; i < 10; i++)
		expect_status_record(s, 3 + (uint64_t)i,
				     (i & 1) == 0 ? MDBUS_STATUS_CONNECTED : MDBUS_STATUS_DISCONNECTED, 1);
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.generation, 12);
	CU_ASSERT_EQUAL(st.connected, 0);
	struct mdbus_info info;
	CU_ASSERT_EQUAL(mdbus_sub_info(s, &info), 0);
	CU_ASSERT(info.gen_changed_ns > 0);

	/* a clean close while connected is a disconnect, in the ring too */
	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 1), 1);
	expect_status_record(s, 13, MDBUS_STATUS_CONNECTED, 1);
	mdbus_writer_close(w);
	expect_status_record(s, 14, MDBUS_STATUS_PUBLISHER_STOP, 1);
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.generation, 14);
	CU_ASSERT_EQUAL(st.publisher_stopped, 1);
	CU_ASSERT_EQUAL(st.publisher_alive, 0);
	mdbus_sub_close(s);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_return_at_once_when_the_generation_already_differs(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	uint64_t now = 99;
	CU_ASSERT_EQUAL(mdbus_sub_wait_gen(s, 5, 0, &now), 1); /* differs: at once */
	CU_ASSERT_EQUAL(now, 0);
	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 1), 1);
	now = 99;
	/* timeout 0 proves "at once": a wait would return 0 */
	CU_ASSERT_EQUAL(mdbus_sub_wait_gen(s, 0, 0, &now), 1);
	CU_ASSERT_EQUAL(now, 1);
	/* and an unbounded wait returns too (the guard alarm fails a hang) */
	CU_ASSERT_EQUAL(mdbus_sub_wait_gen(s, 0, -1, &now), 1);
	CU_ASSERT_EQUAL(now, 1);
	CU_ASSERT_EQUAL(mdbus_sub_wait_gen(s, 0, 10000, NULL), 1);
	CU_ASSERT_EQUAL(mdbus_sub_wait_gen(NULL, 0, 0, NULL), MDBUS_E_INVAL);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_return_0_when_wait_gen_times_out(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 1), 1);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	uint64_t now = 99;
	CU_ASSERT_EQUAL(mdbus_sub_wait_gen(s, 1, 0, &now), 0);
	CU_ASSERT_EQUAL(now, 1);
	now = 99;
	uint64_t t0 = tu_mono_ns();
	CU_ASSERT_EQUAL(mdbus_sub_wait_gen(s, 1, 30, &now), 0);
	/* lower bound only: a timeout never ends early */
	CU_ASSERT(tu_mono_ns() - t0 >= 29 * 1000000ull);
	CU_ASSERT_EQUAL(now, 1);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

/* ------------------------------------------------- restart, re-creation */

static void should_keep_cursor_and_bump_epoch_on_reattach(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_writer_epoch(w), 1);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	put_raws(w, 5);
	struct mdbus_status st;
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.epoch, 1);
	CU_ASSERT_EQUAL(st.publisher_alive, 1);
	CU_ASSERT_EQUAL(st.publisher_pid, (uint32_t)getpid());
	CU_ASSERT_EQUAL(st.lag, 5);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.publisher_stopped, 1);
	CU_ASSERT_EQUAL(st.publisher_alive, 0);

	w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 5);
	CU_ASSERT_EQUAL(mdbus_writer_epoch(w), 2);
	put_raws(w, 3);
	for (uint64_t i = 0; i < 8; i++)
		expect_raw(s, i, 0); /* the same handle, one continuous sequence */
	expect_nothing(s);
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.epoch, 2);
	CU_ASSERT_EQUAL(st.publisher_alive, 1);
	CU_ASSERT_EQUAL(st.publisher_stopped, 0);
	CU_ASSERT_EQUAL(st.retired, 0);
	mdbus_writer_close(w);
	mdbus_sub_close(s);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_follow_a_geometry_change_by_name(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *behind = open_reader(feed, 0);   /* reads nothing before the change */
	mdbus_sub *current = open_reader(feed, 0);  /* caught up before the change */
	mdbus_sub *waiter = open_reader(feed, MDBUS_SUB_WAIT_SLEEP);
	CU_ASSERT_FATAL(behind && current && waiter);
	put_raws(w, 10);
	for (uint64_t i = 0; i < 10; i++) {
		expect_raw(current, i, 0);
		expect_raw(waiter, i, 0);
	}
	mdbus_writer_close(w);

	w = open_writer(feed, 64, 128); /* another ring size: a new segment */
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 10);
	CU_ASSERT_EQUAL(mdbus_writer_epoch(w), 2);
	put_raws(w, 5);
	for (uint64_t i = 0; i < 15; i++)
		expect_raw(behind, i, 0);
	expect_nothing(behind);
	for (uint64_t i = 10; i < 15; i++)
		expect_raw(current, i, 0);
	expect_nothing(current);
	struct mdbus_record r;
	for (uint64_t i = 10; i < 15; i++) {
		CU_ASSERT_EQUAL_FATAL(mdbus_sub_next(waiter, &r, 5000), 1);
		CU_ASSERT_EQUAL(r.seq, i);
	}
	struct mdbus_info info;
	CU_ASSERT_EQUAL(mdbus_sub_info(behind, &info), 0);
	CU_ASSERT_EQUAL(info.slot_count, 64);
	struct mdbus_status st;
	CU_ASSERT_EQUAL(mdbus_sub_status(current, &st), 0);
	CU_ASSERT_EQUAL(st.epoch, 2);
	CU_ASSERT_EQUAL(st.retired, 0);
	CU_ASSERT_EQUAL(st.lost, 0);
	/* and back to a smaller ring, while connected */
	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 1), 1);
	expect_status_record(current, 1, MDBUS_STATUS_CONNECTED, 2);
	mdbus_writer_close(w);
	expect_status_record(current, 2, MDBUS_STATUS_PUBLISHER_STOP, 2);
	w = open_writer(feed, 32, 128);
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_writer_cursor(w), 17);
	put_raws(w, 1);
	expect_raw(current, 17, 0);
	CU_ASSERT_EQUAL(mdbus_sub_info(current, &info), 0);
	CU_ASSERT_EQUAL(info.slot_count, 32);
	CU_ASSERT_EQUAL(mdbus_sub_status(current, &st), 0);
	CU_ASSERT_EQUAL(st.epoch, 3);
	CU_ASSERT_EQUAL(st.generation, 2);
	mdbus_sub_close(behind);
	mdbus_sub_close(current);
	mdbus_sub_close(waiter);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_skip_what_a_new_segment_never_held_after_following_in_wait_gen(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	put_raws(w, 10); /* the reader does not read these */
	mdbus_writer_close(w);
	w = open_writer(feed, 32, 128); /* new segment, cursor 10 */
	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_EQUAL(mdbus_writer_set_connected(w, 1), 1); /* STATUS at 10 */
	put_raws(w, 5);                                      /* 11..15 */
	/* waiting for the generation follows the name before next() drained the old
	 * segment: 0..9 exist only there now */
	uint64_t now = 0;
	CU_ASSERT_EQUAL(mdbus_sub_wait_gen(s, 0, 1000, &now), 1);
	CU_ASSERT_EQUAL(now, 1);
	struct mdbus_record r;
	CU_ASSERT_EQUAL_FATAL(mdbus_sub_next(s, &r, 0), 1);
	CU_ASSERT_EQUAL(r.seq, 10);
	CU_ASSERT_EQUAL(r.lost, 10);
	CU_ASSERT_EQUAL(r.type, MDBUS_REC_STATUS);
	for (uint64_t i = 11; i < 16; i++)
		expect_raw(s, i, 0);
	expect_nothing(s);
	mdbus_sub_close(s);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

static void should_see_a_removed_feed_as_retired(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "ring");
	mdbus_writer *w = open_writer(feed, 16, 128);
	CU_ASSERT_FATAL(w != NULL);
	mdbus_sub *s = open_reader(feed, 0);
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), MDBUS_E_LOCKED); /* a writer holds it */
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
	struct mdbus_status st;
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.retired, 1);
	struct mdbus_record r;
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 0); /* nothing to follow: no crash */
	mdbus_sub *s2 = NULL;
	CU_ASSERT_EQUAL(mdbus_sub_open(&s2, feed, 0), MDBUS_E_NOFEED);
	mdbus_sub_close(s);
}

/* ------------------------------------------------------------- errors */

static void should_name_every_error_code(void)
{
	const int codes[] = { MDBUS_E_NOTREADY, MDBUS_E_BADMAGIC, MDBUS_E_VERSION, MDBUS_E_TRUNCATED,
			      MDBUS_E_GEOMETRY, MDBUS_E_BOUNDS, MDBUS_E_CORRUPT, MDBUS_E_FEEDNAME,
			      MDBUS_E_NOFEED, MDBUS_E_LOCKED, MDBUS_E_OWNER, MDBUS_E_TOOBIG,
			      MDBUS_E_NOSYM, MDBUS_E_BUSY, MDBUS_E_FOREIGN, MDBUS_E_INVAL,
			      MDBUS_E_NOSPACE, MDBUS_E_FULL };
	const size_t n = sizeof codes / sizeof codes[0];
	const char *unknown = mdbus_strerror(MDBUS_E_BASE - 9999);
	CU_ASSERT_PTR_NOT_NULL_FATAL(unknown);
	for (size_t i = 0; i < n; i++) {
		const char *m = mdbus_strerror(codes[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT(strlen(m) > 5);
		CU_ASSERT(strcmp(m, unknown) != 0);
		for (size_t k = 0; k < i; k++)
			CU_ASSERT(strcmp(m, mdbus_strerror(codes[k])) != 0);
	}
	/* the band is dense: every code from NOTREADY down to the last one has a message */
	int last = MDBUS_E_NOTREADY;
	while (strcmp(mdbus_strerror(last - 1), unknown) != 0)
		last--;
	CU_ASSERT(last <= MDBUS_E_FULL);
	for (int c = MDBUS_E_NOTREADY; c >= last; c--)
		CU_ASSERT(strcmp(mdbus_strerror(c), unknown) != 0);
	CU_ASSERT_STRING_EQUAL(mdbus_strerror(0), "success");
	CU_ASSERT_STRING_EQUAL(mdbus_strerror(-ENOENT), strerror(ENOENT));
	CU_ASSERT_STRING_EQUAL(mdbus_strerror(-EACCES), strerror(EACCES));
	CU_ASSERT_PTR_NOT_NULL(mdbus_strerror(INT_MIN));
	CU_ASSERT_PTR_NOT_NULL(mdbus_strerror(INT_MAX));
	CU_ASSERT_PTR_NOT_NULL(mdbus_strerror(MDBUS_E_BASE));
}

int main(void)
{
	tu_guard(TU_TSAN ? 600 : 120, "test_ring");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("ring", NULL, NULL);
#define T(f) CU_add_test(s, #f, f)
	T(should_roundtrip_every_record_type);
	T(should_roundtrip_records_in_64_byte_slots);
	T(should_refuse_records_larger_than_the_slot);
	T(should_start_after_the_newest_record_by_default);
	T(should_start_at_the_oldest_present_record_with_from_oldest);
	T(should_report_lost_records_after_lap);
	T(should_return_0_when_polling_an_empty_ring);
	T(should_refuse_bad_open_arguments);
	T(should_reject_bad_feed_names);
	T(should_keep_symbol_ids_stable);
	T(should_publish_and_read_books);
	T(should_read_books_consistently_while_they_change);
	T(should_move_generation_only_on_a_real_change);
	T(should_return_at_once_when_the_generation_already_differs);
	T(should_return_0_when_wait_gen_times_out);
	T(should_keep_cursor_and_bump_epoch_on_reattach);
	T(should_follow_a_geometry_change_by_name);
	T(should_skip_what_a_new_segment_never_held_after_following_in_wait_gen);
	T(should_see_a_removed_feed_as_retired);
	T(should_name_every_error_code);
#undef T
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
