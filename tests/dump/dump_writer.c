/*
 * dump_writer.c — deterministic publisher for the mdbus-dump tests (libmdbus_writer).
 *
 *   dump_writer FEED [--slots N]
 *
 * Creates FEED (N slots, default 64, of 128 bytes; 16 symbols; book depth 10), adds
 * BTC/USD (price 1, qty 8) and ETH/USD (price 2, qty 8), goes connected (generation 1),
 * writes a fixed sequence of 28 records covering every record type, publishes the
 * Kraken documentation book for BTC/USD (checksum 3310070434, VALID; levels read from
 * $MDBUS_FIXTURES_DIR/checksum_vectors.json) and a small INVALID book for ETH/USD, sets
 * known statistics, prints "ready <write_seq> <pid>" and then obeys stdin, one command
 * per line, answering each on stdout:
 *   put N     N more RAW records             -> "ok <write_seq>"
 *   hb        heartbeat                      -> "ok <write_seq>"
 *   crash     exit at once, no clean close (the publisher looks dead)
 *   close     mdbus_writer_close and exit 0 (the publisher "stopped cleanly")
 * EOF on stdin = close.  It heartbeats while idle, so it stays "alive".  Exit 77 when
 * shared memory is not usable here (the test is skipped), 1 on any other failure.
 *
 * Record sequence (seq: what): 0 STATUS connected (written by set_connected);
 * 1-2 INSTRUMENT BTC/USD, ETH/USD; 3-22 BOOK snapshot BTC/USD, 10 bids then 10 asks;
 * 23 TRADE BTC/USD; 24 TICKER BTC/USD; 25 OHLC ETH/USD; 26 BOOK update ETH/USD
 * (checksum mismatch); 27 RAW.  Timestamps are fixed, except in the STATUS record.
 */
#define _GNU_SOURCE
#include <mdbus/writer.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0_NS INT64_C(1700000000123456789)   /* 2023-11-14T22:13:20.123456789Z */

static mdbus_writer *w;
static int64_t recv_ns = T0_NS + 1000;

static void die(const char *what, int rc)
{
	fprintf(stderr, "dump_writer: %s: %s\n", what, mdbus_strerror(rc));
	exit(1);
}

/* "45285.2" at precision 1 -> 452852; exact, no double. */
static int parse_dec(const char *s, int prec, int64_t *out)
{
	int64_t v = 0;
	int frac = -1, neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		if (frac >= 0 && ++frac > prec)
			return -1;
		v = v * 10 + (*s - '0');
	}
	for (frac = frac < 0 ? 0 : frac; frac < prec; frac++)
		v *= 10;
	*out = neg ? -v : v;
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The documented Kraken example: asks ascending, bids descending. */
static void load_vector(struct mdbus_book *b)
{
	const char *dir = getenv("MDBUS_FIXTURES_DIR");
	char path[4096];
	char *text;
	cJSON *doc, *vec, *side;
	int i, k;

	snprintf(path, sizeof path, "%s/checksum_vectors.json", dir ? dir : MDBUS_FIXTURES_FALLBACK);
	text = slurp(path);
	if (!text) {
		fprintf(stderr, "dump_writer: cannot read %s\n", path);
		exit(1);
	}
	doc = cJSON_Parse(text);
	free(text);
	vec = doc ? cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "vectors"), 0) : NULL;
	if (!vec) {
		fprintf(stderr, "dump_writer: bad %s\n", path);
		exit(1);
	}
	for (k = 0; k < 2; k++) {
		side = cJSON_GetObjectItem(vec, k ? "bids_high_to_low" : "asks_low_to_high");
		for (i = 0; i < cJSON_GetArraySize(side) && i < 10; i++) {
			cJSON *lv = cJSON_GetArrayItem(side, i);
			struct mdbus_level *l = k ? &b->bids[i] : &b->asks[i];

			if (parse_dec(cJSON_GetArrayItem(lv, 0)->valuestring, 1, &l->price) < 0 ||
			    parse_dec(cJSON_GetArrayItem(lv, 1)->valuestring, 8, &l->qty) < 0) {
				fprintf(stderr, "dump_writer: bad level in %s\n", path);
				exit(1);
			}
		}
		if (k)
			b->n_bids = (uint32_t)i;
		else
			b->n_asks = (uint32_t)i;
	}
	cJSON_Delete(doc);
}

static void put(struct mdbus_record *r)
{
	int rc;

	r->recv_ts_ns = recv_ns++;
	rc = mdbus_writer_put(w, r);
	if (rc < 0)
		die("put", rc);
}

static void rec_init(struct mdbus_record *r, uint16_t type, uint32_t symbol, uint16_t flags)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	r->symbol = symbol;
	r->flags = flags;
	r->exch_ts_ns = type == MDBUS_REC_RAW ? 0 : T0_NS;
}

static void put_instrument(uint32_t id, const char *name, int pp, int qp)
{
	struct mdbus_record r;

	rec_init(&r, MDBUS_REC_INSTRUMENT, id, 0);
	r.u.instrument.price_precision = pp;
	r.u.instrument.qty_precision = qp;
	r.u.instrument.status = MDBUS_SYM_ONLINE;
	snprintf(r.u.instrument.name, sizeof r.u.instrument.name, "%s", name);
	put(&r);
}

static void populate(void)
{
	static struct mdbus_book b, eth;
	struct mdbus_shm_stats *st;
	struct mdbus_record r;
	int btc, ethid, rc;
	uint32_t i;

	btc = mdbus_writer_symbol_add(w, "BTC/USD");
	ethid = mdbus_writer_symbol_add(w, "ETH/USD");
	if (btc < 0 || ethid < 0)
		die("symbol_add", btc < 0 ? btc : ethid);
	rc = mdbus_writer_symbol_set(w, (uint32_t)btc, "BTC/USD", 1, 8, MDBUS_SYM_ONLINE, 10);
	if (rc == 0)
		rc = mdbus_writer_symbol_set(w, (uint32_t)ethid, "ETH/USD", 2, 8, MDBUS_SYM_ONLINE, 10);
	if (rc < 0)
		die("symbol_set", rc);
	rc = mdbus_writer_set_connected(w, 1);
	if (rc < 0)
		die("set_connected", rc);

	put_instrument((uint32_t)btc, "BTC/USD", 1, 8);
	put_instrument((uint32_t)ethid, "ETH/USD", 2, 8);

	load_vector(&b);
	for (i = 0; i < b.n_bids + b.n_asks; i++) {
		int bid = i < b.n_bids;
		const struct mdbus_level *l = bid ? &b.bids[i] : &b.asks[i - b.n_bids];
		uint16_t fl = MDBUS_F_SNAPSHOT;

		if (i == 0)
			fl |= MDBUS_F_SNAP_BEGIN;
		if (i + 1 == b.n_bids + b.n_asks)
			fl |= MDBUS_F_SNAP_END | MDBUS_F_MSG_END | MDBUS_F_CHECKSUM_OK;
		rec_init(&r, MDBUS_REC_BOOK, (uint32_t)btc, fl);
		r.u.book.side = bid ? MDBUS_SIDE_BID : MDBUS_SIDE_ASK;
		r.u.book.price = l->price;
		r.u.book.qty = l->qty;
		if (fl & MDBUS_F_MSG_END)
			r.u.book.checksum = 3310070434u;
		put(&r);
	}
	b.state = MDBUS_BOOK_VALID;
	b.gen = mdbus_writer_generation(w);
	b.seq = mdbus_writer_cursor(w) - 1;
	b.exch_ts_ns = T0_NS;
	b.updates = 1;
	b.checksum = 3310070434u;
	b.price_precision = 1;
	b.qty_precision = 8;
	rc = mdbus_writer_book_publish(w, (uint32_t)btc, &b);
	if (rc < 0)
		die("book_publish", rc);

	rec_init(&r, MDBUS_REC_TRADE, (uint32_t)btc, 0);
	r.u.trade.price = 452852;                       /* 45285.2 */
	r.u.trade.qty = 100000;                         /* 0.00100000 */
	r.u.trade.trade_id = UINT64_C(9007199254740993); /* 2^53 + 1: exact in JSON? */
	r.u.trade.side = MDBUS_SIDE_BID;
	r.u.trade.ord_type = 1;
	put(&r);

	rec_init(&r, MDBUS_REC_TICKER, (uint32_t)btc, 0);
	r.u.ticker.bid = 452835;
	r.u.ticker.bid_qty = 10000000;
	r.u.ticker.ask = 452852;
	r.u.ticker.ask_qty = 100000;
	r.u.ticker.last = 452840;
	r.u.ticker.volume = INT64_C(123456789012345678); /* 1234567890.12345678 */
	r.u.ticker.vwap = 452001;
	r.u.ticker.low = 449990;
	r.u.ticker.high = 455000;
	r.u.ticker.change = -125;                       /* -12.5 */
	r.u.ticker.change_pct_e2 = -3;                  /* -0.03 % */
	put(&r);

	rec_init(&r, MDBUS_REC_OHLC, (uint32_t)ethid, 0);
	r.u.ohlc.open = 200050;                         /* 2000.50 */
	r.u.ohlc.high = 201000;
	r.u.ohlc.low = 199999;
	r.u.ohlc.close = 200007;
	r.u.ohlc.vwap = 200100;
	r.u.ohlc.volume = 1;                            /* 0.00000001 */
	r.u.ohlc.interval_begin_ns = INT64_C(1700000000000000000);
	r.u.ohlc.trades = 42;
	r.u.ohlc.interval_min = 1;
	put(&r);

	rec_init(&r, MDBUS_REC_BOOK, (uint32_t)ethid, MDBUS_F_MSG_END | MDBUS_F_CHECKSUM_BAD);
	r.u.book.side = MDBUS_SIDE_ASK;
	r.u.book.price = 200050;
	r.u.book.qty = 0;
	r.u.book.checksum = 12345;
	put(&r);

	eth.state = MDBUS_BOOK_INVALID;
	eth.gen = mdbus_writer_generation(w);
	eth.seq = mdbus_writer_cursor(w) - 1;
	eth.exch_ts_ns = T0_NS;
	eth.updates = 2;
	eth.checksum = 12345;
	eth.price_precision = 2;
	eth.qty_precision = 8;
	eth.n_bids = 1;
	eth.n_asks = 1;
	eth.bids[0] = (struct mdbus_level){ 199990, 150000000 };   /* 1999.90 x 1.5 */
	eth.asks[0] = (struct mdbus_level){ 200100, 25000000 };    /* 2001.00 x 0.25 */
	rc = mdbus_writer_book_publish(w, (uint32_t)ethid, &eth);
	if (rc < 0)
		die("book_publish", rc);

	rec_init(&r, MDBUS_REC_RAW, MDBUS_SYMBOL_NONE, 0);
	memcpy(r.u.raw.data, "hello\0\xff", 7);
	r.u.raw.len = 7;
	put(&r);

	st = mdbus_writer_stats(w);
	MDBUS_STAT_ADD(st, frames_seq, 1000);
	MDBUS_STAT_ADD(st, bytes_seq, UINT64_C(9007199254740993));   /* 2^53 + 1 */
	MDBUS_STAT_ADD(st, parse_errors_seq, 3);
	MDBUS_STAT_ADD(st, checksum_ok_seq, 5);
	MDBUS_STAT_ADD(st, checksum_failed_seq, 1);
	MDBUS_STAT_ADD(st, resyncs_seq, 1);
	MDBUS_STAT_ADD(st, reconnects_seq, 2);
	MDBUS_STAT_ADD(st, drops_seq, 4);
	MDBUS_STAT_ADD(st, nonjson_seq, 6);
	MDBUS_STAT_ADD(st, unknown_channel_seq, 7);
	MDBUS_STAT_ADD(st, oversized_seq, 8);
	MDBUS_STAT_ADD(st, rejected_subs_seq, 9);
	MDBUS_STAT_ADD(st, heartbeats_seq, 30);
	MDBUS_STAT_ADD(st, watchdog_seq, 10);
	MDBUS_STAT_ADD(st, handshake_fail_seq, 11);
	MDBUS_STAT_ADD(st, put_errors_seq, 12);
}

static void put_raw(unsigned long n)
{
	struct mdbus_record r;
	unsigned long i;

	for (i = 0; i < n; i++) {
		rec_init(&r, MDBUS_REC_RAW, MDBUS_SYMBOL_NONE, 0);
		r.u.raw.len = (uint32_t)snprintf((char *)r.u.raw.data, sizeof r.u.raw.data, "n=%lu", i);
		put(&r);
	}
}

int main(int argc, char **argv)
{
	struct mdbus_writer_opts o = {
		.slot_count = 64, .slot_size = 128, .symbol_capacity = 16, .book_depth = 10,
		.stale_after_ms = 5000,
	};
	char line[256];
	int rc;

	if (argc == 4 && strcmp(argv[2], "--slots") == 0)
		o.slot_count = (uint32_t)strtoul(argv[3], NULL, 10);
	else if (argc != 2) {
		fprintf(stderr, "usage: dump_writer FEED [--slots N]\n");
		return 2;
	}
	rc = mdbus_writer_open(&w, argv[1], &o);
	if (rc == -EACCES || rc == -ENOSYS || rc == -ENOENT || rc == MDBUS_E_NOSPACE) {
		fprintf(stderr, "dump_writer: shared memory unusable here: %s\n", mdbus_strerror(rc));
		return 77;
	}
	if (rc < 0)
		die("open", rc);
	populate();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %llu %ld\n", (unsigned long long)mdbus_writer_cursor(w), (long)getpid());

	for (;;) {
		struct pollfd pf = { 0, POLLIN, 0 };
		unsigned long n;

		mdbus_writer_heartbeat(w);
		if (poll(&pf, 1, 500) <= 0)
			continue;
		if (!fgets(line, sizeof line, stdin))
			break;
		if (sscanf(line, "put %lu", &n) == 1) {
			put_raw(n);
		} else if (strncmp(line, "hb", 2) == 0) {
			/* heartbeat above */
		} else if (strncmp(line, "crash", 5) == 0) {
			_exit(0);
		} else if (strncmp(line, "close", 5) == 0) {
			break;
		} else {
			fprintf(stderr, "dump_writer: unknown command: %s", line);
			continue;
		}
		printf("ok %llu\n", (unsigned long long)mdbus_writer_cursor(w));
	}
	mdbus_writer_close(w);
	printf("closed\n");
	return 0;
}
