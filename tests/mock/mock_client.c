/*
 * mock_client.c — a scripted Kraken v2 WebSocket client for the mock-exchange tests.
 *
 * It connects to a running mdbus-mock-exchange (ws, or wss with certificate and host
 * verification on), subscribes the way the publisher does (instrument first, then the
 * data channels), checks what comes back for one scenario, and exits 0 (pass) or 1
 * (fail, with one "FAIL:" line saying why). The scenario names are the test names of
 * mock_tests.sh. Every wait is bounded by --timeout.
 *
 * libwebsockets 4.1 client rules followed here: requests are written only from
 * LWS_CALLBACK_CLIENT_WRITEABLE, one lws_write per callback, with LWS_PRE headroom;
 * timers are lws_sul; a message ends when lws_is_final_fragment() and no payload of the
 * current frame remains.
 */
#include "client_book.h"
#include "raw_reader.h"

#include "kraken_decimal.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libwebsockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MSG (8u * 1024u * 1024u)   /* largest message reassembled (oversize is ~4 MiB) */
#define OVERSIZE_MIN (4u * 1024u * 1024u)
#define TICK_US 50000
#define MAX_TX 32
#define MAX_RESP 64

struct resp {
	int64_t req_id;  /* -1 when absent */
	char method[32];
	int success;     /* 1, 0, or -1 when absent */
	char error[160];
	char symbol[32];
	char channel[32];
	int64_t depth, interval; /* -1 when absent */
};

static struct {
	/* options */
	int port, tls;
	const char *ca, *host, *scenario, *expect_file;
	char symbols[256];
	int depth, fragments, allow_more;
	uint64_t min_updates, bad_every, garbage_every, oversize_every, frames, refusals;
	double seconds, min_rate, timeout_s;

	/* connection */
	struct lws_context *ctx;
	struct lws *wsi;
	lws_sorted_usec_list_t sul_tick, sul_connect;
	int established, attempts;
	int64_t start_us, deadline_us;
	int finished, result;

	/* receive */
	char *msg;
	size_t msg_len;
	int msg_frames;
	uint64_t messages;

	/* send */
	char *tx[MAX_TX];
	int tx_head, tx_tail;

	/* scenario state */
	struct cb_state cb;
	uint64_t data_frames, garbage, oversize, trades, tickers, ohlcs;
	FILE *out;
	uint64_t conn_errors;
	int subscribed_data;
	struct resp resp[MAX_RESP];
	int nresp;
	int first_was_status, got_first;
	int64_t mark_us;
	char **expect;
	size_t nexpect, matched;
} C;

static void finish(int result, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void finish(int result, const char *fmt, ...)
{
	va_list ap;

	if (C.finished)
		return;
	C.finished = 1;
	C.result = result;
	fprintf(stderr, "mock-client: %s: %s: ", C.scenario, result ? "FAIL" : "PASS");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	lws_cancel_service(C.ctx);
}

static int64_t now_us(void)
{
	return lws_now_usecs();
}

/* ---- sending ------------------------------------------------------------------ */

static void send_text(const char *text)
{
	size_t n = strlen(text);
	char *b;

	if ((C.tx_tail + 1) % MAX_TX == C.tx_head) {
		finish(1, "internal: send queue full");
		return;
	}
	b = malloc(LWS_PRE + n + 1);
	if (!b) {
		finish(1, "out of memory");
		return;
	}
	memcpy(b + LWS_PRE, text, n + 1);
	C.tx[C.tx_tail] = b;
	C.tx_tail = (C.tx_tail + 1) % MAX_TX;
	if (C.wsi)
		lws_callback_on_writable(C.wsi);
}

static void sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sendf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	send_text(buf);
}

/* ["BTC/USD","ETH/USD"] from the comma list */
static const char *symbols_json(void)
{
	static char out[512];
	char *o = out;
	const char *p = C.symbols;

	*o++ = '[';
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (o != out + 1)
			*o++ = ',';
		o += snprintf(o, sizeof(out) - (size_t)(o - out) - 2, "\"%.*s\"", (int)n, p);
		if (!e)
			break;
		p = e + 1;
	}
	*o++ = ']';
	*o = '\0';
	return out;
}

static void subscribe_instrument(void)
{
	send_text("{\"method\":\"subscribe\",\"params\":{\"channel\":\"instrument\"},\"req_id\":1}");
}

/* What the publisher subscribes after the instrument snapshot. */
static void subscribe_data(int trade, int ticker, int ohlc)
{
	if (C.subscribed_data)
		return;
	C.subscribed_data = 1;
	sendf("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":%s,"
	      "\"depth\":%d,\"snapshot\":true},\"req_id\":2}", symbols_json(), C.depth);
	if (trade)
		sendf("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":%s,"
		      "\"snapshot\":true},\"req_id\":3}", symbols_json());
	if (ticker)
		sendf("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":%s},"
		      "\"req_id\":4}", symbols_json());
	if (ohlc)
		sendf("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ohlc\",\"symbol\":%s,"
		      "\"interval\":5},\"req_id\":5}", symbols_json());
}

/* ---- scenarios ----------------------------------------------------------------- */

static int is_data(int kind)
{
	return kind == CB_BOOK_SNAPSHOT || kind == CB_BOOK_UPDATE || kind == CB_TRADE ||
	       kind == CB_TICKER || kind == CB_OHLC;
}

static void record_resp(const cJSON *root)
{
	struct resp *r;
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "result");
	const cJSON *js = cJSON_GetObjectItemCaseSensitive(root, "success");
	const char *t;

	if (C.nresp == MAX_RESP)
		return;
	r = &C.resp[C.nresp++];
	memset(r, 0, sizeof(*r));
	if (cb_i64(root, "req_id", &r->req_id))
		r->req_id = -1;
	snprintf(r->method, sizeof(r->method), "%s", (t = cb_str(root, "method")) ? t : "");
	r->success = cJSON_IsTrue(js) ? 1 : cJSON_IsFalse(js) ? 0 : -1;
	snprintf(r->error, sizeof(r->error), "%s", (t = cb_str(root, "error")) ? t : "");
	t = cb_str(root, "symbol");
	if (!t)
		t = cb_str(res, "symbol");
	snprintf(r->symbol, sizeof(r->symbol), "%s", t ? t : "");
	snprintf(r->channel, sizeof(r->channel), "%s", (t = cb_str(res, "channel")) ? t : "");
	if (cb_i64(res, "depth", &r->depth))
		r->depth = -1;
	if (cb_i64(res, "interval", &r->interval))
		r->interval = -1;
}

static const struct resp *find_resp(int64_t req_id, int nth)
{
	for (int i = 0; i < C.nresp; i++)
		if (C.resp[i].req_id == req_id && nth-- == 0)
			return &C.resp[i];
	return NULL;
}

static int count_resp(int64_t req_id)
{
	int n = 0;

	for (int i = 0; i < C.nresp; i++)
		n += C.resp[i].req_id == req_id;
	return n;
}

#define CHECK(cond, ...)                       \
	do {                                   \
		if (!(cond)) {                 \
			finish(1, __VA_ARGS__); \
			return;                \
		}                              \
	} while (0)

static void handshake_verdict(void)
{
	const struct resp *r;
	int ok_btc = 0, ok_eth = 0, rej = 0;

	CHECK(C.first_was_status, "the first message was not a status update");
	r = find_resp(1, 0);
	CHECK(r && r->success == 1 && !strcmp(r->channel, "instrument"), "no instrument ack");
	CHECK(C.cb.nsym >= 2, "instrument snapshot missing or without pairs");
	{
		int b = cb_find(&C.cb, "BTC/USD"), e = cb_find(&C.cb, "ETH/USD");

		CHECK(b >= 0 && C.cb.sym[b].price_prec == 1 && C.cb.sym[b].qty_prec == 8,
		      "BTC/USD precisions are not 1/8");
		CHECK(e >= 0 && C.cb.sym[e].price_prec == 2 && C.cb.sym[e].qty_prec == 8,
		      "ETH/USD precisions are not 2/8");
	}
	CHECK(count_resp(2) == 3, "book subscribe for 3 symbols got %d responses, want 3",
	      count_resp(2));
	for (int i = 0; i < 3; i++) {
		r = find_resp(2, i);
		if (r->success == 1 && !strcmp(r->symbol, "BTC/USD") && r->depth == 10)
			ok_btc = 1;
		if (r->success == 1 && !strcmp(r->symbol, "ETH/USD") && r->depth == 10)
			ok_eth = 1;
		if (r->success == 0 && !strcmp(r->symbol, "XBT/USD") &&
		    !strcmp(r->error, "Currency pair not supported XBT/USD"))
			rej = 1;
	}
	CHECK(ok_btc && ok_eth, "missing a per-symbol book ack with depth 10");
	CHECK(rej, "XBT/USD was not rejected with 'Currency pair not supported XBT/USD'");
	r = find_resp(3, 0);
	CHECK(r && r->success == 0 && !strcmp(r->error, "Subscription depth not supported"),
	      "depth 27 was not rejected");
	CHECK(count_resp(3) == 1, "a rejected depth must be one response");
	r = find_resp(4, 0);
	CHECK(r && !strcmp(r->method, "pong"), "no pong for req_id 4");
	r = find_resp(-1, 0);
	CHECK(r && r->success == 0, "malformed request got no error response");
	r = find_resp(6, 0);
	CHECK(r && r->success == 0 && strstr(r->error, "Unsupported field"),
	      "ping with params was not refused");
	r = find_resp(7, 0);
	CHECK(r && r->success == 0, "unknown method was not refused");
	r = find_resp(8, 0);
	CHECK(r && r->success == 1 && !strcmp(r->channel, "ohlc") && r->interval == 5,
	      "ohlc ack without interval 5");
	r = find_resp(9, 0);
	CHECK(r && r->success == 1 && !strcmp(r->channel, "trade"), "no trade ack");
	r = find_resp(10, 0);
	CHECK(r && r->success == 1 && !strcmp(r->method, "unsubscribe"), "no unsubscribe ack");
	r = find_resp(11, 0);
	CHECK(r && r->success == 0, "private channel was not refused");
	CHECK(C.cb.snapshots >= 2, "book snapshots missing (%" PRIu64 ")", C.cb.snapshots);
	CHECK(C.cb.checksum_bad == 0, "%" PRIu64 " book checksums failed", C.cb.checksum_bad);
	finish(0, "status, acks, rejects, errors, pong and instrument snapshot as expected "
		  "(%d responses)", C.nresp);
}

static void handshake_open(void)
{
	subscribe_instrument();
	send_text("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":"
		  "[\"BTC/USD\",\"ETH/USD\",\"XBT/USD\"],\"depth\":10},\"req_id\":2}");
	send_text("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":"
		  "[\"BTC/USD\"],\"depth\":27},\"req_id\":3}");
	send_text("{\"method\":\"ping\",\"req_id\":4}");
	send_text("hello{");
	send_text("{\"method\":\"ping\",\"params\":{},\"req_id\":6}");
	send_text("{\"method\":\"frobnicate\",\"req_id\":7}");
	send_text("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ohlc\",\"symbol\":"
		  "[\"BTC/USD\"],\"interval\":5},\"req_id\":8}");
	send_text("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":"
		  "[\"ETH/USD\"]},\"req_id\":9}");
	send_text("{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":"
		  "[\"ETH/USD\"]},\"req_id\":10}");
	send_text("{\"method\":\"subscribe\",\"params\":{\"channel\":\"executions\"},\"req_id\":11}");
	send_text("{\"method\":\"ping\",\"req_id\":99}");
}

static void handshake_msg(const struct cb_result *r, const char *raw, size_t len)
{
	if (!C.got_first) {
		const char *id = NULL;
		uint64_t v = 0;

		C.got_first = 1;
		if (r->kind == CB_STATUS) {
			const cJSON *d = cJSON_GetArrayItem(
				cJSON_GetObjectItemCaseSensitive(r->root, "data"), 0);

			id = cb_str(d, "connection_id");
		}
		/* connection_id must be above 2^53: a double cannot hold it */
		C.first_was_status = id && !kd_parse_u64(id, strlen(id), &v) &&
				     v > 9007199254740992ULL;
	}
	if (r->kind == CB_INSTRUMENT) {
		const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(r->root, "data"), "pairs"), 0);
		const char *inc = cb_str(p, "qty_increment");

		CHECK(inc && !strcmp(inc, "1e-08"), "qty_increment is not in exponent form: %s",
		      inc ? inc : "(missing)");
	}
	if (r->kind == CB_METHOD) {
		record_resp(r->root);
		if (!strcmp(C.resp[C.nresp - 1].method, "pong") && C.resp[C.nresp - 1].req_id == 99)
			C.mark_us = now_us();
	}
	/* Responses come before data, so the book snapshots follow the last pong. */
	if (C.mark_us && C.cb.snapshots >= 2)
		handshake_verdict();
	(void)raw;
	(void)len;
}

static void book_open(void)
{
	subscribe_instrument();
}

static void book_done_check(void)
{
	uint64_t want_bad = C.bad_every ? C.cb.book_updates / C.bad_every : 0;

	if (C.cb.book_updates < C.min_updates)
		return;
	for (int i = 0; i < C.cb.nsym; i++)
		if (strstr(C.symbols, C.cb.sym[i].name) && !C.cb.sym[i].have_snapshot)
			return;
	if (!C.trades || !C.tickers || !C.ohlcs)
		return;
	CHECK(C.cb.checksum_bad == want_bad,
	      "%" PRIu64 " checksum mismatches in %" PRIu64 " updates, want %" PRIu64,
	      C.cb.checksum_bad, C.cb.book_updates, want_bad);
	CHECK(!C.garbage_every || C.garbage >= 1, "no garbage seen");
	CHECK(!C.oversize_every || C.oversize >= 1, "no oversize message seen");
	finish(0, "%" PRIu64 " book updates, %" PRIu64 " checksums verified, %" PRIu64
		  " wrong as injected, %" PRIu64 " snapshots, %" PRIu64 " trades, %" PRIu64
		  " tickers, %" PRIu64 " ohlc, %" PRIu64 " garbage, %" PRIu64 " oversize, %" PRIu64
		  " messages", C.cb.book_updates, C.cb.checksum_ok, C.cb.checksum_bad,
	       C.cb.snapshots, C.trades, C.tickers, C.ohlcs, C.garbage, C.oversize, C.messages);
}

static void book_msg(const struct cb_result *r, const char *raw, size_t len)
{
	if (len >= OVERSIZE_MIN) {
		C.oversize++;
		CHECK(C.oversize_every && (C.data_frames + 1) % C.oversize_every == 0,
		      "unexpected %zu-byte message before data frame %" PRIu64, len,
		      C.data_frames + 1);
		return;
	}
	if (C.fragments)
		CHECK(C.msg_frames == C.fragments, "message %" PRIu64 " came in %d fragments, want %d",
		      C.messages, C.msg_frames, C.fragments);
	if (r->kind == CB_NONJSON || r->kind == CB_UNKNOWN_CHANNEL ||
	    (r->kind == CB_INVALID && r->sym < 0) || (r->kind == CB_INVALID && r->root &&
	    cb_str(r->root, "channel") && !strcmp(cb_str(r->root, "channel"), "trade"))) {
		C.garbage++;
		CHECK(C.garbage_every && (C.data_frames + 1) % C.garbage_every == 0,
		      "unexpected garbage before data frame %" PRIu64 ": %.80s (%s)",
		      C.data_frames + 1, raw, C.cb.err);
		return;
	}
	CHECK(r->kind != CB_INVALID, "invalid %.60s: %s", raw, C.cb.err);
	if (r->kind == CB_INSTRUMENT) {
		subscribe_data(1, 1, 1);
		return;
	}
	if (!is_data(r->kind))
		return;
	C.data_frames++;
	C.trades += r->kind == CB_TRADE;
	C.tickers += r->kind == CB_TICKER;
	C.ohlcs += r->kind == CB_OHLC;
	if (r->kind == CB_BOOK_UPDATE || r->kind == CB_BOOK_SNAPSHOT) {
		int want_bad = r->kind == CB_BOOK_UPDATE && C.bad_every &&
			       C.cb.book_updates % C.bad_every == 0;

		CHECK(r->checksum_checked, "book message without a checkable checksum");
		CHECK(r->checksum_ok == !want_bad,
		      "book %s %" PRIu64 " (%s): checksum %s, expected %s",
		      r->kind == CB_BOOK_UPDATE ? "update" : "snapshot", C.cb.book_updates,
		      C.cb.sym[r->sym].name, r->checksum_ok ? "matches" : "does not match",
		      want_bad ? "a deliberate mismatch" : "a match");
	}
	book_done_check();
}

static void count_open(void)
{
	subscribe_instrument();
}

/* drop: exactly --frames data frames, then the connection closes. */
static void drop_msg(const struct cb_result *r, const char *raw, size_t len)
{
	(void)raw;
	(void)len;
	if (r->kind == CB_INSTRUMENT)
		subscribe_data(1, 1, 0);
	if (is_data(r->kind))
		C.data_frames++;
	CHECK(C.data_frames <= C.frames, "more than %" PRIu64 " data frames before the drop",
	      C.frames);
}

static void drop_close(void)
{
	CHECK(C.data_frames == C.frames, "connection closed after %" PRIu64
	      " data frames, want %" PRIu64, C.data_frames, C.frames);
	finish(0, "connection dropped after exactly %" PRIu64 " data frames", C.data_frames);
}

/* stall: exactly --frames data frames, then 2.5 s of nothing on an open connection. */
static void stall_msg(const struct cb_result *r, const char *raw, size_t len)
{
	drop_msg(r, raw, len);
	if (C.finished)
		return;
	if (C.data_frames == C.frames && !C.mark_us)
		C.mark_us = now_us();
	else
		CHECK(!C.mark_us, "message after the stall: %.80s", raw);
}

static void stall_tick(void)
{
	if (C.mark_us && now_us() - C.mark_us > 2500000)
		finish(0, "silent for 2.5 s after %" PRIu64 " data frames, socket still open",
		       C.data_frames);
}

static void stall_close(void)
{
	finish(1, "connection closed during the stall (after %" PRIu64 " data frames)",
	       C.data_frames);
}

/* refuse: the first --refusals attempts fail the handshake, the next one works. */
static void refuse_msg(const struct cb_result *r, const char *raw, size_t len)
{
	(void)raw;
	(void)len;
	if (r->kind == CB_STATUS) {
		CHECK(C.conn_errors == C.refusals, "connected after %" PRIu64
		      " refused handshakes, want %" PRIu64, C.conn_errors, C.refusals);
		finish(0, "%" PRIu64 " handshakes refused, then connected", C.conn_errors);
	}
}

/* replay: the recorded data lines arrive exactly and in order, and nothing else. */
static void replay_msg(const struct cb_result *r, const char *raw, size_t len)
{
	if (r->kind == CB_INSTRUMENT) {
		subscribe_data(1, 1, 0);
		return;
	}
	if (r->kind == CB_METHOD || r->kind == CB_STATUS || r->kind == CB_HEARTBEAT)
		return;
	CHECK(C.matched < C.nexpect, "unexpected extra frame: %.80s", raw);
	CHECK(strlen(C.expect[C.matched]) == len && !memcmp(C.expect[C.matched], raw, len),
	      "frame %zu differs:\n  got  %.120s\n  want %.120s", C.matched + 1, raw,
	      C.expect[C.matched]);
	C.matched++;
	if (C.matched == C.nexpect && C.allow_more)
		finish(0, "all %zu expected frames arrived in order", C.matched);
	else if (C.matched == C.nexpect)
		C.mark_us = now_us();
}

static void replay_tick(void)
{
	/* nothing more may follow within 300 ms of the last expected frame */
	if (C.mark_us && now_us() - C.mark_us > 300000)
		finish(0, "all %zu recorded frames arrived in order", C.matched);
}

/*
 * dump: book only, in one request (so the mock's output does not depend on when later
 * requests arrive); the first --frames data messages go to --out, one per line.
 */
static void dump_msg(const struct cb_result *r, const char *raw, size_t len)
{
	if (r->kind == CB_INSTRUMENT) {
		subscribe_data(0, 0, 0);
		return;
	}
	if (!is_data(r->kind))
		return;
	CHECK(r->kind != CB_INVALID && (!r->checksum_checked || r->checksum_ok),
	      "bad data message: %.80s", raw);
	fprintf(C.out, "%.*s\n", (int)len, raw);
	if (++C.data_frames == C.frames) {
		CHECK(fflush(C.out) == 0, "cannot write --out");
		finish(0, "%" PRIu64 " data messages written", C.data_frames);
	}
}

static void heartbeat_msg(const struct cb_result *r, const char *raw, size_t len)
{
	(void)raw;
	(void)len;
	if (r->kind == CB_HEARTBEAT)
		finish(0, "heartbeat %.1f s after connecting",
		       (double)(now_us() - C.start_us) / 1e6);
}

/*
 * throughput: book + trade for the symbols, counted by raw_reader for --seconds; at least
 * --min-rate frames/s. Runs without lws (see raw_reader.c), so ws only.
 */
static int run_throughput(void)
{
	char sub[768];
	uint64_t frames;
	double secs, rate;

	snprintf(sub, sizeof(sub), "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\","
		 "\"symbol\":%s,\"depth\":%d},\"req_id\":2}", symbols_json(), C.depth);
	if (raw_throughput(C.port, sub, C.seconds, C.timeout_s, &frames, &secs)) {
		fprintf(stderr, "mock-client: throughput: FAIL: no data within %.0f s\n", C.timeout_s);
		return 1;
	}
	rate = (double)frames / secs;
	printf("throughput: %" PRIu64 " frames in %.2f s = %.0f frames/s\n", frames, secs, rate);
	if (rate < C.min_rate) {
		fprintf(stderr, "mock-client: throughput: FAIL: %.0f frames/s is below --min-rate %.0f\n",
			rate, C.min_rate);
		return 1;
	}
	fprintf(stderr, "mock-client: throughput: PASS: %.0f frames/s\n", rate);
	return 0;
}

static void tls_fail_established(void)
{
	finish(1, "TLS connection established although the CA was not given");
}

struct scenario {
	const char *name;
	void (*open)(void);
	void (*msg)(const struct cb_result *r, const char *raw, size_t len);
	void (*closed)(void);
	void (*tick)(void);
};

static const struct scenario scenarios[] = {
	{ "handshake", handshake_open, handshake_msg, NULL, NULL },
	{ "book", book_open, book_msg, NULL, NULL },
	{ "drop", count_open, drop_msg, drop_close, NULL },
	{ "stall", count_open, stall_msg, stall_close, stall_tick },
	{ "refuse", NULL, refuse_msg, NULL, NULL },
	{ "replay", count_open, replay_msg, NULL, replay_tick },
	{ "heartbeat", NULL, heartbeat_msg, NULL, NULL },
	{ "dump", count_open, dump_msg, NULL, NULL },
	{ "throughput", NULL, NULL, NULL, NULL },
	{ "tls-fail", tls_fail_established, NULL, NULL, NULL },
};

static const struct scenario *S;

/* ---- connection --------------------------------------------------------------- */

static void on_message(const char *raw, size_t len)
{
	struct cb_result r;

	C.messages++;
	cb_process(&C.cb, raw, len, &r);
	if (S->msg)
		S->msg(&r, raw, len);
	cJSON_Delete(r.root);
}

static void connect_cb(lws_sorted_usec_list_t *sul);

static void schedule_connect(int64_t delay_us)
{
	lws_sul_schedule(C.ctx, 0, &C.sul_connect, connect_cb, delay_us);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		    size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		C.wsi = NULL;
		C.conn_errors++;
		fprintf(stderr, "mock-client: connection attempt %d failed: %s\n", C.attempts,
			in ? (const char *)in : "(no reason)");
		if (!strcmp(S->name, "tls-fail"))
			finish(0, "TLS verification refused the self-signed certificate");
		else if (!strcmp(S->name, "refuse") && C.conn_errors <= C.refusals + 2)
			schedule_connect(1000);
		else
			finish(1, "connection failed: %s", in ? (const char *)in : "?");
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		C.established = 1;
		if (S->open)
			S->open();
		if (C.tx_head != C.tx_tail)
			lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (C.finished)
			break;
		if (C.msg_len + len > MAX_MSG) {
			finish(1, "message larger than %u bytes", MAX_MSG);
			return -1;
		}
		memcpy(C.msg + C.msg_len, in, len);
		C.msg_len += len;
		if (!lws_remaining_packet_payload(wsi))
			C.msg_frames++;
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			on_message(C.msg, C.msg_len);
			C.msg_len = 0;
			C.msg_frames = 0;
		}
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (C.tx_head != C.tx_tail) {
			char *b = C.tx[C.tx_head];
			size_t n = strlen(b + LWS_PRE);

			C.tx_head = (C.tx_head + 1) % MAX_TX;
			if (lws_write(wsi, (unsigned char *)b + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n) {
				free(b);
				return -1;
			}
			free(b);
			if (C.tx_head != C.tx_tail)
				lws_callback_on_writable(wsi);
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		C.wsi = NULL;
		C.established = 0;
		if (C.finished)
			break;
		if (S->closed)
			S->closed();
		else
			finish(1, "the mock closed the connection");
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
	{ "mock-client", callback, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void connect_cb(lws_sorted_usec_list_t *sul)
{
	struct lws_client_connect_info i;

	(void)sul;
	memset(&i, 0, sizeof(i));
	i.context = C.ctx;
	i.address = "127.0.0.1";
	i.port = C.port;
	i.path = "/v2";
	i.host = C.host;
	i.origin = C.host;
	i.ssl_connection = C.tls ? LCCSCF_USE_SSL : 0; /* verification stays on */
	i.local_protocol_name = "mock-client";
	i.pwsi = &C.wsi;
	C.attempts++;
	if (!lws_client_connect_via_info(&i) && !C.finished)
		finish(1, "lws_client_connect_via_info failed");
}

static void tick_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (C.finished)
		return;
	if (now_us() > C.deadline_us) {
		finish(1, "timeout after %.0f s (%" PRIu64 " messages, %" PRIu64 " data frames, %"
			  PRIu64 " book updates)", C.timeout_s, C.messages, C.data_frames,
		       C.cb.book_updates);
		return;
	}
	if (S->tick)
		S->tick();
	lws_sul_schedule(C.ctx, 0, &C.sul_tick, tick_cb, TICK_US);
}

static int load_expect(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char **ne;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		ne = realloc(C.expect, (C.nexpect + 1) * sizeof(*C.expect));
		if (!ne)
			break;
		C.expect = ne;
		C.expect[C.nexpect++] = strdup(line);
	}
	free(line);
	fclose(f);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mock-client --port N --scenario NAME [--tls [--ca FILE]] [--host H]\n"
		"  [--symbols A,B] [--depth N] [--min-updates N] [--bad-every N] [--fragments K]\n"
		"  [--garbage-every N] [--oversize-every N] [--frames N] [--refusals N]\n"
		"  [--expect FILE [--allow-more]] [--out FILE] [--seconds S] [--min-rate R]\n"
		"  [--timeout S]\n"
		"scenarios: handshake book drop stall refuse replay heartbeat dump throughput\n"
		"           tls-fail\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "port", 1, NULL, 'p' }, { "tls", 0, NULL, 't' }, { "ca", 1, NULL, 'c' },
		{ "host", 1, NULL, 'H' }, { "scenario", 1, NULL, 's' }, { "symbols", 1, NULL, 'y' },
		{ "depth", 1, NULL, 'd' }, { "min-updates", 1, NULL, 'u' },
		{ "bad-every", 1, NULL, 'b' }, { "fragments", 1, NULL, 'f' },
		{ "garbage-every", 1, NULL, 'g' }, { "oversize-every", 1, NULL, 'o' },
		{ "frames", 1, NULL, 'n' }, { "refusals", 1, NULL, 'r' }, { "expect", 1, NULL, 'e' },
		{ "allow-more", 0, NULL, 'A' }, { "out", 1, NULL, 'O' }, { "seconds", 1, NULL, 'S' }, { "min-rate", 1, NULL, 'R' }, { "timeout", 1, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct lws_context_creation_info info;
	int c;

	C.host = "127.0.0.1";
	C.depth = 10;
	C.timeout_s = 20;
	C.seconds = 2;
	snprintf(C.symbols, sizeof(C.symbols), "BTC/USD,ETH/USD");
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'p': C.port = atoi(optarg); break;
		case 't': C.tls = 1; break;
		case 'c': C.ca = optarg; break;
		case 'H': C.host = optarg; break;
		case 's': C.scenario = optarg; break;
		case 'y': snprintf(C.symbols, sizeof(C.symbols), "%s", optarg); break;
		case 'd': C.depth = atoi(optarg); break;
		case 'u': C.min_updates = strtoull(optarg, NULL, 10); break;
		case 'b': C.bad_every = strtoull(optarg, NULL, 10); break;
		case 'f': C.fragments = atoi(optarg); break;
		case 'g': C.garbage_every = strtoull(optarg, NULL, 10); break;
		case 'o': C.oversize_every = strtoull(optarg, NULL, 10); break;
		case 'n': C.frames = strtoull(optarg, NULL, 10); break;
		case 'r': C.refusals = strtoull(optarg, NULL, 10); break;
		case 'e': C.expect_file = optarg; break;
		case 'A': C.allow_more = 1; break;
		case 'O':
			C.out = fopen(optarg, "w");
			if (!C.out) {
				fprintf(stderr, "mock-client: cannot write %s\n", optarg);
				return 2;
			}
			break;
		case 'S': C.seconds = atof(optarg); break;
		case 'R': C.min_rate = atof(optarg); break;
		case 'T': C.timeout_s = atof(optarg); break;
		default: usage(); return 2;
		}
	}
	for (size_t k = 0; k < sizeof(scenarios) / sizeof(scenarios[0]); k++)
		if (C.scenario && !strcmp(C.scenario, scenarios[k].name))
			S = &scenarios[k];
	if (!S || C.port <= 0) {
		usage();
		return 2;
	}
	if (!strcmp(S->name, "throughput"))
		return run_throughput();
	if (!strcmp(S->name, "dump") && (!C.out || !C.frames)) {
		usage();
		return 2;
	}
	if (C.expect_file && load_expect(C.expect_file)) {
		fprintf(stderr, "mock-client: cannot read %s\n", C.expect_file);
		return 2;
	}
	C.msg = malloc(MAX_MSG);
	if (!C.msg)
		return 1;
	cb_init(&C.cb, C.depth);

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	/* lws 4.1 reads at most this much per POLLIN (default 4096): too little for a feed. */
	info.pt_serv_buf_size = 256 * 1024;
	/* With a CA file only that CA is trusted; without one, the system store is used. */
	info.client_ssl_ca_filepath = C.ca;
	C.ctx = lws_create_context(&info);
	if (!C.ctx) {
		fprintf(stderr, "mock-client: lws_create_context failed\n");
		return 1;
	}
	C.start_us = now_us();
	C.deadline_us = C.start_us + (int64_t)(C.timeout_s * 1e6);
	schedule_connect(1);
	lws_sul_schedule(C.ctx, 0, &C.sul_tick, tick_cb, TICK_US);
	while (!C.finished)
		if (lws_service(C.ctx, 0) < 0)
			break;
	lws_context_destroy(C.ctx);
	cb_free(&C.cb);
	free(C.msg);
	while (C.tx_head != C.tx_tail) {
		free(C.tx[C.tx_head]);
		C.tx_head = (C.tx_head + 1) % MAX_TX;
	}
	for (size_t k = 0; k < C.nexpect; k++)
		free(C.expect[k]);
	free(C.expect);
	if (C.out)
		fclose(C.out);
	if (!C.finished) {
		fprintf(stderr, "mock-client: %s: FAIL: service loop ended early\n", C.scenario);
		return 1;
	}
	return C.result;
}
