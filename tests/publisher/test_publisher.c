/*
 * test_publisher.c — mdbus-publisher end to end: the real mock exchange (ws and wss on
 * loopback), the real publisher, and readers on the real shm segment.
 *
 * Usage: test_publisher TEST   (one ctest entry per TEST; see the table at the end)
 * Binaries come from $MDBUS_PUBLISHER and $MDBUS_MOCK.  Exit 0 pass, 1 fail, 77 skip.
 *
 * Every wait is a poll with a deadline on an observable state (generation, counters,
 * book state); the deadlines are generous because the machines are shared, and no
 * assertion depends on how fast anything ran.
 */
#define _GNU_SOURCE
#include "proc.h"

#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEADLINE_MS 30000

static const char *g_pub, *g_mock;
static int g_failed;

#define CHECK(cond, ...)                                                           \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                              \
			fputc('\n', stderr);                                       \
			g_failed = 1;                                              \
			goto out;                                                  \
		}                                                                  \
	} while (0)

/* ------------------------------------------------------------------ rig */

struct args {
	char *v[64];
	int n;
	char store[64][256];
};

static void arg(struct args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->store[a->n], sizeof a->store[0], fmt, ap);
	va_end(ap);
	a->v[a->n] = a->store[a->n];
	a->n++;
	a->v[a->n] = NULL;
}

struct rig {
	struct proc mock, pub;
	int port;
	int tls;
	char feed[64];
	char cert[256];
	mdbus_sub *sub;
};

/* Start the mock with extra flags (NULL-terminated list). */
static int mock_start(struct rig *r, int tls, ...)
{
	struct args a = { .n = 0 };
	arg(&a, "%s", g_mock);
	arg(&a, "--port");
	arg(&a, "0");
	r->tls = tls;
	if (tls) {
		snprintf(r->cert, sizeof r->cert, "/tmp/mdbus-test-cert-%d.pem", (int)getpid());
		arg(&a, "--tls");
		arg(&a, "--cert-out");
		arg(&a, "%s", r->cert);
	}
	va_list ap;
	va_start(ap, tls);
	const char *s;
	while ((s = va_arg(ap, const char *)) != NULL)
		arg(&a, "%s", s);
	va_end(ap);
	if (proc_start(&r->mock, a.v, 1) < 0)
		return -1;
	char line[64];
	if (proc_read_line(&r->mock, line, sizeof line, 10000) <= 0) {
		proc_dump_log(&r->mock, "mock");
		return -1;
	}
	r->port = atoi(line);
	return r->port > 0 ? 0 : -1;
}

/* Start a publisher on r->feed against the mock with extra flags. */
static int pub_start_on(struct rig *r, struct proc *p, const char *feed, ...)
{
	struct args a = { .n = 0 };
	arg(&a, "%s", g_pub);
	arg(&a, "--feed");
	arg(&a, "%s", feed);
	arg(&a, "--url");
	arg(&a, "%s://%s:%d/v2", r->tls ? "wss" : "ws", r->tls ? "localhost" : "127.0.0.1", r->port);
	arg(&a, "--log-level");
	arg(&a, "debug");
	va_list ap;
	va_start(ap, feed);
	const char *s;
	int have_symbols = 0, have_backoff = 0;
	while ((s = va_arg(ap, const char *)) != NULL) {
		have_symbols |= strcmp(s, "--symbols") == 0;
		have_backoff |= strcmp(s, "--backoff-min") == 0;
		arg(&a, "%s", s);
	}
	va_end(ap);
	if (!have_symbols) {
		arg(&a, "--symbols");
		arg(&a, "BTC/USD,ETH/USD");
	}
	if (!have_backoff) {
		arg(&a, "--backoff-min");
		arg(&a, "20");
		arg(&a, "--backoff-max");
		arg(&a, "200");
	}
	return proc_start(p, a.v, 0);
}

static void rig_init(struct rig *r, const char *name)
{
	memset(r, 0, sizeof *r);
	snprintf(r->feed, sizeof r->feed, "t-%s-%d", name, (int)getpid());
	mdbus_feed_remove(r->feed);
}

static void rig_stop(struct rig *r)
{
	if (r->sub)
		mdbus_sub_close(r->sub);
	r->sub = NULL;
	if (r->pub.pid)
		proc_stop(&r->pub, SIGTERM, 5000);
	if (r->mock.pid)
		proc_stop(&r->mock, SIGTERM, 5000);
	if (g_failed) {
		proc_dump_log(&r->pub, "publisher");
		proc_dump_log(&r->mock, "mock exchange");
	}
	if (r->pub.log[0])
		unlink(r->pub.log);
	if (r->mock.log[0])
		unlink(r->mock.log);
	if (r->cert[0])
		unlink(r->cert);
	mdbus_feed_remove(r->feed);
}

static int open_sub(struct rig *r, const char *feed, int flags, mdbus_sub **out)
{
	uint64_t end = now_ms() + DEADLINE_MS;
	for (;;) {
		int rc = mdbus_sub_open(out, feed, flags);
		if (rc == 0)
			return 0;
		if (now_ms() > end || (r->pub.pid && proc_wait(&r->pub, 0)))
			return rc;
		usleep(10000);
	}
}

static struct mdbus_stats stats_of(mdbus_sub *s)
{
	struct mdbus_info info;
	mdbus_sub_info(s, &info);
	return info.stats;
}

static uint64_t gen_of(mdbus_sub *s)
{
	struct mdbus_status st;
	mdbus_sub_status(s, &st);
	return st.generation;
}

struct gen_at_least {
	mdbus_sub *s;
	uint64_t g;
};

static int cond_gen(void *p)
{
	struct gen_at_least *c = p;
	return gen_of(c->s) >= c->g;
}

static int wait_gen_at_least(mdbus_sub *s, uint64_t g)
{
	struct gen_at_least c = { s, g };
	return wait_until(cond_gen, &c, DEADLINE_MS);
}

/* Wait until the publisher is connected and subscribed (generation odd). */
static int wait_live(mdbus_sub *s)
{
	uint64_t end = now_ms() + DEADLINE_MS;
	while (now_ms() < end) {
		if (gen_of(s) & 1)
			return 1;
		usleep(10000);
	}
	return 0;
}

static int book_state(mdbus_sub *s, const char *sym, struct mdbus_book *b)
{
	uint32_t id;
	if (mdbus_sub_symbol(s, sym, &id) < 0)
		return -1;
	if (mdbus_sub_book(s, id, b) < 0)
		return -1;
	return (int)b->state;
}

/* ------------------------------------------------------------------ tests */

/*
 * Rebuild every book from the ring's BOOK records the way a strategy would and check
 * it against the verified copy the publisher keeps in the book area.
 */
struct mini_book {
	struct mdbus_level bids[1000], asks[1000];
	uint32_t nb, na;
};

static void mini_apply(struct mini_book *b, uint32_t side, int64_t price, int64_t qty)
{
	struct mdbus_level *lv = side == MDBUS_SIDE_BID ? b->bids : b->asks;
	uint32_t *n = side == MDBUS_SIDE_BID ? &b->nb : &b->na;
	uint32_t i = 0;
	while (i < *n && (side == MDBUS_SIDE_BID ? lv[i].price > price : lv[i].price < price))
		i++;
	if (i < *n && lv[i].price == price) {
		if (qty == 0) {
			memmove(&lv[i], &lv[i + 1], (*n - i - 1) * sizeof *lv);
			(*n)--;
		} else {
			lv[i].qty = qty;
		}
	} else if (qty != 0 && *n < 1000) {
		memmove(&lv[i + 1], &lv[i], (*n - i) * sizeof *lv);
		lv[i].price = price;
		lv[i].qty = qty;
		(*n)++;
	}
}

static int live_common(int tls, int fragment)
{
	struct rig r;
	rig_init(&r, tls ? "wss" : fragment ? "frag" : "ws");
	static struct mini_book mb[2];
	static struct mdbus_book shm;
	memset(mb, 0, sizeof mb);
	if (fragment)
		CHECK(mock_start(&r, tls, "--synthetic", "--symbols", "BTC/USD,ETH/USD", "--rate", "400", "--seed", "3",
				 "--fragment", "3", NULL) == 0, "mock start");
	else
		CHECK(mock_start(&r, tls, "--synthetic", "--symbols", "BTC/USD,ETH/USD", "--rate", "400", "--seed", "3",
				 NULL) == 0, "mock start");
	char caflag[300];
	snprintf(caflag, sizeof caflag, "--ca-file=%s", r.cert);
	if (tls)
		CHECK(pub_start_on(&r, &r.pub, r.feed, caflag, "--depth", "10", NULL) == 0, "publisher start");
	else
		CHECK(pub_start_on(&r, &r.pub, r.feed, "--depth", "10", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, MDBUS_SUB_FROM_OLDEST, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "publisher never became live");

	uint32_t ids[2];
	CHECK(mdbus_sub_symbol(r.sub, "BTC/USD", &ids[0]) == 0, "BTC/USD in the symbol table");
	CHECK(mdbus_sub_symbol(r.sub, "ETH/USD", &ids[1]) == 0, "ETH/USD in the symbol table");
	struct mdbus_symbol si;
	CHECK(mdbus_sub_symbol_info(r.sub, ids[0], &si) == 0 && si.status == MDBUS_SYM_ONLINE, "BTC/USD online");

	/* Read until both books have been verified at least 50 times. */
	struct mdbus_record rec;
	uint64_t verified[2] = { 0, 0 }, trades = 0, tickers = 0, statuses = 0, end = now_ms() + DEADLINE_MS;
	uint64_t last_seq = 0;
	int have_seq = 0;
	while ((verified[0] < 50 || verified[1] < 50 || trades == 0 || tickers == 0) && now_ms() < end) {
		int rc = mdbus_sub_next(r.sub, &rec, 200);
		CHECK(rc >= 0, "next: %s", mdbus_strerror(rc));
		if (rc == 0)
			continue;
		CHECK(rec.lost == 0, "lost %llu records in a ring of 65536", (unsigned long long)rec.lost);
		CHECK(!have_seq || rec.seq == last_seq + 1, "sequence gap %llu -> %llu", (unsigned long long)last_seq,
		      (unsigned long long)rec.seq);
		last_seq = rec.seq;
		have_seq = 1;
		CHECK(rec.recv_ts_ns > 0, "receive timestamp missing");
		int k = rec.symbol == ids[0] ? 0 : rec.symbol == ids[1] ? 1 : -1;
		switch (rec.type) {
		case MDBUS_REC_STATUS:
			statuses++;
			break;
		case MDBUS_REC_TRADE:
			CHECK(rec.exch_ts_ns > 0, "trade without exchange timestamp");
			trades++;
			break;
		case MDBUS_REC_TICKER:
			tickers++;
			break;
		case MDBUS_REC_BOOK:
			CHECK(k >= 0, "book record for unknown symbol %u", rec.symbol);
			CHECK(!(rec.flags & MDBUS_F_CHECKSUM_BAD), "checksum mismatch without fault injection");
			if (rec.flags & MDBUS_F_SNAP_BEGIN)
				memset(&mb[k], 0, sizeof mb[k]);
			if (!((rec.flags & MDBUS_F_SNAPSHOT) && rec.u.book.qty == 0 && rec.u.book.price == 0))
				mini_apply(&mb[k], rec.u.book.side, rec.u.book.price, rec.u.book.qty);
			if (rec.flags & MDBUS_F_MSG_END) {
				/* Kraken semantics: apply all, then truncate to depth. */
				if (mb[k].nb > 10)
					mb[k].nb = 10;
				if (mb[k].na > 10)
					mb[k].na = 10;
				CHECK(rec.flags & MDBUS_F_CHECKSUM_OK, "message end without verification flag");
				verified[k]++;
				/* The book area may already hold a later message; compare only when
				 * it is exactly at this record. */
				if (book_state(r.sub, k ? "ETH/USD" : "BTC/USD", &shm) == (int)MDBUS_BOOK_VALID &&
				    shm.seq == rec.seq) {
					CHECK(shm.checksum == rec.u.book.checksum, "book area checksum differs");
					CHECK(shm.n_bids == mb[k].nb && shm.n_asks == mb[k].na,
					      "book area depth %u/%u, rebuilt %u/%u", shm.n_bids, shm.n_asks, mb[k].nb, mb[k].na);
					CHECK(memcmp(shm.bids, mb[k].bids, mb[k].nb * sizeof *shm.bids) == 0 &&
					      memcmp(shm.asks, mb[k].asks, mb[k].na * sizeof *shm.asks) == 0,
					      "book rebuilt from records differs from the book area");
				}
			}
			break;
		default:
			break;
		}
	}
	CHECK(verified[0] >= 50 && verified[1] >= 50, "verified books: %llu %llu", (unsigned long long)verified[0],
	      (unsigned long long)verified[1]);
	CHECK(trades > 0 && tickers > 0, "trades %llu tickers %llu", (unsigned long long)trades, (unsigned long long)tickers);
	CHECK(statuses >= 1, "no STATUS record for the connection");
	struct mdbus_stats x = stats_of(r.sub);
	CHECK(x.checksum_failed == 0 && x.parse_errors == 0, "failed %llu parse errors %llu",
	      (unsigned long long)x.checksum_failed, (unsigned long long)x.parse_errors);
	CHECK(book_state(r.sub, "BTC/USD", &shm) == (int)MDBUS_BOOK_VALID && shm.price_precision == 1 &&
	      shm.qty_precision == 8 && shm.n_bids > 0 && shm.n_asks > 0, "BTC/USD book valid at 1/8 precision");
out:
	rig_stop(&r);
	return g_failed;
}

static int t_live_ws(void) { return live_common(0, 0); }
static int t_live_wss(void) { return live_common(1, 0); }
static int t_fragmented(void) { return live_common(0, 1); }

static int t_tls_strict(void)
{
	struct rig r;
	rig_init(&r, "tls");
	struct proc good;
	memset(&good, 0, sizeof good);
	char good_feed[80];
	snprintf(good_feed, sizeof good_feed, "%s-ca", r.feed);
	mdbus_sub *gs = NULL;
	CHECK(mock_start(&r, 1, "--synthetic", "--symbols", "BTC/USD", "--rate", "50", NULL) == 0, "mock start");
	/* No --ca-file: the self-signed mock must be refused, repeatedly, never live. */
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	uint64_t end = now_ms() + DEADLINE_MS;
	while (stats_of(r.sub).handshake_fail < 3 && now_ms() < end)
		usleep(20000);
	CHECK(stats_of(r.sub).handshake_fail >= 3, "verification failures not counted");
	CHECK(gen_of(r.sub) == 0, "connected to an unverified server (gen %llu)", (unsigned long long)gen_of(r.sub));
	/* The same server with its certificate as CA: verified, live. */
	char caflag[300];
	snprintf(caflag, sizeof caflag, "--ca-file=%s", r.cert);
	CHECK(pub_start_on(&r, &good, good_feed, "--symbols", "BTC/USD", caflag, NULL) == 0, "publisher start");
	CHECK(open_sub(&r, good_feed, 0, &gs) == 0, "reader open");
	CHECK(wait_live(gs), "publisher with --ca-file never became live");
	CHECK(gen_of(r.sub) == 0, "strict publisher connected meanwhile");
out:
	if (gs)
		mdbus_sub_close(gs);
	if (good.pid)
		proc_stop(&good, SIGTERM, 5000);
	if (g_failed && good.pid)
		proc_dump_log(&good, "publisher with --ca-file");
	if (good.log[0])
		unlink(good.log);
	mdbus_feed_remove(good_feed);
	rig_stop(&r);
	return g_failed;
}

/* Drops: generation advances by exactly 2 per cycle and readers see every STATUS. */
static int t_reconnect_drops(void)
{
	struct rig r;
	rig_init(&r, "drops");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD,ETH/USD", "--rate", "2000", "--drop-after", "40",
			 NULL) == 0, "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, MDBUS_SUB_FROM_OLDEST, &r.sub) == 0, "reader open");
	const uint64_t cycles = 10;
	CHECK(wait_gen_at_least(r.sub, 2 * cycles + 1), "only reached gen %llu", (unsigned long long)gen_of(r.sub));
	/* Every transition 1..2*cycles+1 appears once, in order, as a STATUS record. */
	struct mdbus_record rec;
	uint64_t expect = 1, end = now_ms() + DEADLINE_MS;
	while (expect <= 2 * cycles + 1 && now_ms() < end) {
		int rc = mdbus_sub_next(r.sub, &rec, 200);
		CHECK(rc >= 0, "next: %s", mdbus_strerror(rc));
		if (rc == 0)
			continue;
		CHECK(rec.lost == 0, "lost %llu records", (unsigned long long)rec.lost);
		if (rec.type != MDBUS_REC_STATUS)
			continue;
		CHECK(rec.u.status.gen == expect, "STATUS gen %llu, expected %llu", (unsigned long long)rec.u.status.gen,
		      (unsigned long long)expect);
		CHECK(rec.u.status.connected == (expect & 1), "STATUS connected flag wrong at gen %llu",
		      (unsigned long long)expect);
		expect++;
	}
	CHECK(expect == 2 * cycles + 2, "saw STATUS up to gen %llu", (unsigned long long)expect - 1);
	struct mdbus_stats x = stats_of(r.sub);
	CHECK(x.reconnects >= cycles, "reconnects %llu", (unsigned long long)x.reconnects);
out:
	rig_stop(&r);
	return g_failed;
}

static int t_stall_watchdog(void)
{
	struct rig r;
	rig_init(&r, "stall");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "200", "--stall-after", "30", NULL) == 0,
	      "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", "--stale-after", "1", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "never live");
	/* Stalled socket stays open: only the watchdog can notice and reconnect. */
	CHECK(wait_gen_at_least(r.sub, 3), "no reconnect after the stall (gen %llu)", (unsigned long long)gen_of(r.sub));
	CHECK(stats_of(r.sub).watchdog >= 1, "watchdog not counted");
out:
	rig_stop(&r);
	return g_failed;
}

static int t_refused_backoff(void)
{
	struct rig r;
	rig_init(&r, "refuse");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "100", "--refuse", "4", NULL) == 0,
	      "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "never live after refusals");
	struct mdbus_stats x = stats_of(r.sub);
	CHECK(x.handshake_fail == 4, "handshake failures %llu, expected exactly 4", (unsigned long long)x.handshake_fail);
	CHECK(x.reconnects == 4, "reconnects %llu, expected 4", (unsigned long long)x.reconnects);
out:
	rig_stop(&r);
	return g_failed;
}

/* The attempt budget holds on a compressed schedule: 5 attempts per 3 s window. */
static int t_attempt_budget(void)
{
	struct rig r;
	rig_init(&r, "budget");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "100", "--refuse", "12", NULL) == 0,
	      "mock start");
	uint64_t t0 = now_ms();
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", "--backoff-min", "1", "--backoff-max", "5",
			   "--attempt-budget", "5", "--attempt-window", "3", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	/* However fast the failures come, no more than 5 attempts may start within the
	 * first window.  (A slow machine only makes fewer.) */
	while (now_ms() - t0 < 2500) {
		struct mdbus_stats x = stats_of(r.sub);
		CHECK(x.handshake_fail + (gen_of(r.sub) ? 1 : 0) <= 5, "%llu attempts inside one 3 s window",
		      (unsigned long long)x.handshake_fail);
		usleep(20000);
	}
	/* It keeps trying and recovers once the mock accepts (after 12 refusals). */
	uint64_t end = now_ms() + 60000;
	while (!(gen_of(r.sub) & 1) && now_ms() < end)
		usleep(50000);
	CHECK(gen_of(r.sub) & 1, "did not recover (failures %llu)", (unsigned long long)stats_of(r.sub).handshake_fail);
	CHECK(stats_of(r.sub).handshake_fail == 12, "failures %llu", (unsigned long long)stats_of(r.sub).handshake_fail);
	/* 13 attempts at <= 5 per 3 s take at least two full windows. */
	CHECK(now_ms() - t0 >= 6000, "13 attempts in %llu ms break the budget", (unsigned long long)(now_ms() - t0));
out:
	rig_stop(&r);
	return g_failed;
}

struct resync_done {
	mdbus_sub *s;
};

static int cond_resynced(void *p)
{
	mdbus_sub *s = p;
	struct mdbus_stats x = stats_of(s);
	static struct mdbus_book b;
	return x.checksum_failed >= 3 && book_state(s, "BTC/USD", &b) == (int)MDBUS_BOOK_VALID &&
	       b.updates > 5;
}

static int t_bad_checksum(void)
{
	struct rig r;
	rig_init(&r, "crc");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "500", "--bad-checksum-every", "40", NULL) == 0,
	      "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", "--resync-cap", "100", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "never live");
	CHECK(wait_until(cond_resynced, r.sub, DEADLINE_MS), "no valid book after mismatches (failed %llu)",
	      (unsigned long long)stats_of(r.sub).checksum_failed);
	struct mdbus_stats x = stats_of(r.sub);
	/* Exactly one resync per mismatch (the mock corrupts the checksum, not the book). */
	CHECK(x.resyncs == x.checksum_failed, "resyncs %llu for %llu mismatches", (unsigned long long)x.resyncs,
	      (unsigned long long)x.checksum_failed);
	CHECK(x.checksum_ok > x.checksum_failed, "ok %llu", (unsigned long long)x.checksum_ok);
	CHECK(gen_of(r.sub) == 1, "a checksum mismatch must not reconnect (gen %llu)", (unsigned long long)gen_of(r.sub));
out:
	rig_stop(&r);
	return g_failed;
}

static int cond_garbage(void *p)
{
	struct mdbus_stats x = stats_of(p);
	return x.nonjson >= 2 && x.parse_errors >= 2 && x.unknown_channel >= 1 && x.checksum_ok > 50;
}

static int t_garbage(void)
{
	struct rig r;
	rig_init(&r, "garbage");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "1000", "--garbage-every", "10", NULL) == 0,
	      "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "never live");
	CHECK(wait_until(cond_garbage, r.sub, DEADLINE_MS), "garbage not counted: nonjson %llu parse %llu unknown %llu",
	      (unsigned long long)stats_of(r.sub).nonjson, (unsigned long long)stats_of(r.sub).parse_errors,
	      (unsigned long long)stats_of(r.sub).unknown_channel);
	CHECK(!proc_wait(&r.pub, 0), "publisher died");
	CHECK(gen_of(r.sub) == 1, "garbage caused a reconnect");
out:
	rig_stop(&r);
	return g_failed;
}

static int cond_oversized(void *p)
{
	return stats_of(p).oversized >= 2;
}

static int t_oversize(void)
{
	struct rig r;
	rig_init(&r, "oversize");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "500", "--oversize-every", "50", NULL) == 0,
	      "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", "--max-frame", "1048576", NULL) == 0,
	      "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "never live");
	CHECK(wait_until(cond_oversized, r.sub, DEADLINE_MS), "oversized frames not counted");
	CHECK(!proc_wait(&r.pub, 0), "publisher died");
	struct mdbus_book b;
	CHECK(book_state(r.sub, "BTC/USD", &b) == (int)MDBUS_BOOK_VALID, "book not valid");
out:
	rig_stop(&r);
	return g_failed;
}

static int t_rejected_symbol(void)
{
	struct rig r;
	rig_init(&r, "reject");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "100", NULL) == 0, "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD,XBT/USD", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "a rejected symbol must not keep the feed from going live");
	uint32_t id;
	struct mdbus_symbol si;
	CHECK(mdbus_sub_symbol(r.sub, "XBT/USD", &id) == 0, "XBT/USD not in the table");
	CHECK(mdbus_sub_symbol_info(r.sub, id, &si) == 0 && si.status == MDBUS_SYM_REJECTED, "status %u", si.status);
	CHECK(stats_of(r.sub).rejected_subs >= 1, "rejection not counted");
	/* Not retried in a loop: the count stays put while the feed runs. */
	uint64_t before = stats_of(r.sub).rejected_subs;
	struct mdbus_book b;
	uint64_t end = now_ms() + DEADLINE_MS;
	while (book_state(r.sub, "BTC/USD", &b) != (int)MDBUS_BOOK_VALID && now_ms() < end)
		usleep(20000);
	CHECK(stats_of(r.sub).rejected_subs == before, "rejected symbol retried");
out:
	rig_stop(&r);
	return g_failed;
}

static int t_second_publisher(void)
{
	struct rig r;
	rig_init(&r, "second");
	struct proc two;
	memset(&two, 0, sizeof two);
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "100", NULL) == 0, "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "never live");
	CHECK(pub_start_on(&r, &two, r.feed, "--symbols", "BTC/USD", NULL) == 0, "second start");
	CHECK(proc_wait(&two, 10000), "second publisher did not exit");
	CHECK(WIFEXITED(two.status) && WEXITSTATUS(two.status) == 1, "exit status %d", two.status);
	char want[32];
	snprintf(want, sizeof want, "pid %d", (int)r.pub.pid);
	FILE *f = fopen(two.log, "r");
	char text[2048] = { 0 };
	if (f) {
		size_t n = fread(text, 1, sizeof text - 1, f);
		text[n] = '\0';
		fclose(f);
	}
	CHECK(strstr(text, want) != NULL, "message does not name the holder (%s): %s", want, text);
	CHECK(gen_of(r.sub) == 1, "the first publisher was disturbed");
out:
	if (two.log[0])
		unlink(two.log);
	rig_stop(&r);
	return g_failed;
}

static int t_sigterm(void)
{
	struct rig r;
	rig_init(&r, "term");
	CHECK(mock_start(&r, 0, "--synthetic", "--symbols", "BTC/USD", "--rate", "200", NULL) == 0, "mock start");
	CHECK(pub_start_on(&r, &r.pub, r.feed, "--symbols", "BTC/USD", NULL) == 0, "publisher start");
	CHECK(open_sub(&r, r.feed, 0, &r.sub) == 0, "reader open");
	CHECK(wait_live(r.sub), "never live");
	kill(r.pub.pid, SIGTERM);
	CHECK(proc_wait(&r.pub, 10000), "publisher ignored SIGTERM");
	CHECK(WIFEXITED(r.pub.status) && WEXITSTATUS(r.pub.status) == 0, "exit status %d", r.pub.status);
	struct mdbus_status st;
	CHECK(mdbus_sub_status(r.sub, &st) == 0, "status");
	CHECK(st.generation == 2 && !st.connected, "generation %llu after SIGTERM", (unsigned long long)st.generation);
	CHECK(st.publisher_stopped && !st.publisher_alive, "stopped %d alive %d", st.publisher_stopped, st.publisher_alive);
	/* The segment stays for readers (and for the next publisher). */
	mdbus_sub *again = NULL;
	CHECK(mdbus_sub_open(&again, r.feed, MDBUS_SUB_NO_REGISTRY) == 0, "segment gone after SIGTERM");
	mdbus_sub_close(again);
out:
	rig_stop(&r);
	return g_failed;
}

/* ---------------------------------------------------------- record/replay */

struct rec_key {
	uint16_t type, flags;
	uint32_t symbol;
	int64_t exch_ts_ns;
	uint8_t payload[MDBUS_PAYLOAD_MAX];
};

static int collect(mdbus_sub *s, struct rec_key *out, int max)
{
	struct mdbus_record r;
	int n = 0;
	while (n < max && mdbus_sub_next(s, &r, 500) == 1) {
		if (r.type == MDBUS_REC_STATUS)
			continue; /* generation history differs between the two runs */
		memset(&out[n], 0, sizeof out[n]);
		out[n].type = r.type;
		out[n].flags = r.flags;
		out[n].symbol = r.symbol;
		out[n].exch_ts_ns = r.exch_ts_ns;
		memcpy(out[n].payload, r.u.bytes, sizeof out[n].payload);
		n++;
	}
	return n;
}

static int cond_frames(void *p)
{
	return stats_of(p).frames >= 400;
}

static int t_record_replay(void)
{
	struct rig a, b;
	rig_init(&a, "recA");
	rig_init(&b, "recB");
	char path[128];
	snprintf(path, sizeof path, "/tmp/mdbus-test-record-%d.txt", (int)getpid());
	unlink(path);
	static struct rec_key ka[20000], kb[20000];
	char recflag[160];
	snprintf(recflag, sizeof recflag, "--record=%s", path);
	CHECK(mock_start(&a, 0, "--synthetic", "--symbols", "BTC/USD,ETH/USD", "--rate", "400", "--seed", "11", NULL) == 0,
	      "mock start");
	CHECK(pub_start_on(&a, &a.pub, a.feed, recflag, "--channels", "book,trade,ticker,ohlc", NULL) == 0, "publisher start");
	CHECK(open_sub(&a, a.feed, 0, &a.sub) == 0, "reader open");
	CHECK(wait_until(cond_frames, a.sub, DEADLINE_MS), "recording run too short");
	proc_stop(&a.pub, SIGTERM, 5000);
	mdbus_sub_close(a.sub);
	a.sub = NULL;
	CHECK(open_sub(&a, a.feed, MDBUS_SUB_FROM_OLDEST, &a.sub) == 0, "reopen A");
	int na = collect(a.sub, ka, 20000);

	char replay[160];
	snprintf(replay, sizeof replay, "--replay=%s", path);
	CHECK(mock_start(&b, 0, replay, "--rate", "0", NULL) == 0, "replay mock start");
	CHECK(pub_start_on(&b, &b.pub, b.feed, "--channels", "book,trade,ticker,ohlc", NULL) == 0, "publisher start");
	CHECK(open_sub(&b, b.feed, MDBUS_SUB_FROM_OLDEST, &b.sub) == 0, "reader open");
	CHECK(wait_live(b.sub), "replay run never live");
	int nb = collect(b.sub, kb, 20000);
	CHECK(na > 100, "only %d records recorded", na);
	CHECK(nb == na, "replay produced %d records, the recording run %d", nb, na);
	for (int i = 0; i < na; i++)
		CHECK(memcmp(&ka[i], &kb[i], sizeof ka[i]) == 0, "record %d differs (type %u vs %u)", i, ka[i].type, kb[i].type);
out:
	rig_stop(&a);
	rig_stop(&b);
	unlink(path);
	return g_failed;
}

/* ---------------------------------------------------------------- flags */

static int run_flags(const char *const *extra, int n_extra, int want_status, const char *want_text)
{
	struct args a = { .n = 0 };
	arg(&a, "%s", g_pub);
	for (int i = 0; i < n_extra; i++)
		arg(&a, "%s", extra[i]);
	struct proc p;
	int ok = 0;
	if (proc_start(&p, a.v, 0) < 0)
		return 0;
	if (proc_wait(&p, 10000)) {
		FILE *f = fopen(p.log, "r");
		char text[1024] = { 0 };
		int lines = 0;
		if (f) {
			size_t n = fread(text, 1, sizeof text - 1, f);
			text[n] = '\0';
			fclose(f);
			for (size_t i = 0; i < n; i++)
				lines += text[i] == '\n';
		}
		ok = WIFEXITED(p.status) && WEXITSTATUS(p.status) == want_status &&
		     (!want_text || (strstr(text, want_text) && lines == 1));
		if (!ok)
			fprintf(stderr, "flags [%s ...]: status %d, stderr: %s\n", extra[0], p.status, text);
	} else {
		proc_stop(&p, SIGKILL, 1000);
	}
	unlink(p.log);
	return ok;
}

static int t_bad_flags(void)
{
	static const char *const cases[][4] = {
		{ "--feed", "kraken", NULL, NULL },                      /* no --symbols */
		{ "--symbols", "BTC/USD", "--depth", "11" },
		{ "--symbols", "BTC/USD", "--depth", "-10" },
		{ "--symbols", "BTC/USD", "--channels", "book,level3" },
		{ "--symbols", "BTC/USD", "--slots", "1000" },
		{ "--symbols", "BTC/USD", "--ohlc-interval", "7" },
		{ "--symbols", "BTC/USD", "--stale-after", "abc" },
		{ "--symbols", "BTC/USD", "--url", "http://x/" },
		{ "--symbols", "BTC/USD", "--feed", "../etc" },
		{ "--symbols", "BTC USD", NULL, NULL },
		{ "--symbols", "BTC/USD,BTC/USD", NULL, NULL },
		{ "--symbols", "BTC/USD", "--log-level", "loud" },
		{ "--symbols", "BTC/USD", "--insecure", NULL },          /* not loopback: refused */
		{ "--symbols", "BTC/USD", "--attempt-budget", "151" },
		{ "--symbols", "BTC/USD", "--bogus", NULL },
		{ "--symbols", NULL, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = 0;
		while (n < 4 && cases[i][n])
			n++;
		CHECK(run_flags(cases[i], n, 2, "mdbus-publisher: "), "case %zu not refused with exit 2", i);
	}
	static const char *const help[] = { "--help" }, *const version[] = { "--version" };
	CHECK(run_flags(help, 1, 0, NULL), "--help");
	CHECK(run_flags(version, 1, 0, NULL), "--version");
out:
	return g_failed;
}

/* ---------------------------------------------------------------- main */

static const struct {
	const char *name;
	int (*fn)(void);
} tests[] = {
	{ "live_ws", t_live_ws },
	{ "live_wss", t_live_wss },
	{ "fragmented", t_fragmented },
	{ "tls_strict", t_tls_strict },
	{ "reconnect_drops", t_reconnect_drops },
	{ "stall_watchdog", t_stall_watchdog },
	{ "refused_backoff", t_refused_backoff },
	{ "attempt_budget", t_attempt_budget },
	{ "bad_checksum", t_bad_checksum },
	{ "garbage", t_garbage },
	{ "oversize", t_oversize },
	{ "rejected_symbol", t_rejected_symbol },
	{ "second_publisher", t_second_publisher },
	{ "sigterm", t_sigterm },
	{ "record_replay", t_record_replay },
	{ "bad_flags", t_bad_flags },
};

int main(int argc, char **argv)
{
	g_pub = getenv("MDBUS_PUBLISHER");
	g_mock = getenv("MDBUS_MOCK");
	if (argc != 2) {
		fprintf(stderr, "usage: %s TEST\n", argv[0]);
		return 2;
	}
	if (!g_pub || !g_mock || access(g_pub, X_OK) || access(g_mock, X_OK)) {
		fprintf(stderr, "MDBUS_PUBLISHER / MDBUS_MOCK must name the built binaries\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		if (strcmp(argv[1], tests[i].name) == 0) {
			int rc = tests[i].fn();
			printf("%s: %s\n", tests[i].name, rc ? "FAILED" : "passed");
			return rc ? 1 : 0;
		}
	}
	fprintf(stderr, "unknown test %s\n", argv[1]);
	return 2;
}
