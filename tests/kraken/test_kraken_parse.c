/*
 * test_kraken_parse.c — the frame decoder (kraken_parse.h).
 *
 * Every check runs both implementations, kp_parse (tokens) and
 * kp_parse_reference (quote pass + cJSON), and requires the same return code
 * and the same kp_msg_dump text; the expectations then inspect the fast
 * path's output. Covered: every fixture frame, the values the fixtures
 * carry (exact levels, connection_id above 2^53, error texts), a table of
 * crafted bad frames with their error codes, capacity bounds, "no partial
 * output", and a differential test over thousands of deterministic
 * mutations of the fixtures.
 */
#include "kraken_parse.h"
#include "kraken_test.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* ---- symbols the fixtures use ---- */

struct sym {
    const char *name;
    struct kp_symbol_info info;
};

static const struct sym default_syms[] = {
    {"BTC/USD", {1, 1, 8}},
    {"ALGO/USD", {2, 5, 8}},
    {"MATIC/USD", {3, 4, 8}},
    {"ETH/USD", {4, 2, 8}},
    {NULL, {0, 0, 0}},
};

static int lookup(void *ctx, const char *s, size_t len, struct kp_symbol_info *out)
{
    const struct sym *t = ctx ? ctx : default_syms;

    CU_ASSERT_EQUAL(strlen(s), len); /* NUL-terminated, as promised */
    for (; t->name; t++) {
        if (strlen(t->name) == len && memcmp(t->name, s, len) == 0) {
            *out = t->info;
            return 0;
        }
    }
    return -1;
}

/* ---- run both paths ---- */

#define DUMP_CAP (1u << 20)

static struct kp_msg *fast_msg, *ref_msg;
static char *fast_dump, *ref_dump;

/* Parse with both paths; they must agree. Returns the (shared) rc. */
static int both_ctx(const char *s, size_t n, void *ctx)
{
    int rf = kp_parse(fast_msg, s, n, lookup, ctx);
    int rr = kp_parse_reference(ref_msg, s, n, lookup, ctx);
    int df = kp_msg_dump(fast_msg, fast_dump, DUMP_CAP);
    int dr = kp_msg_dump(ref_msg, ref_dump, DUMP_CAP);

    if (rf != rr || df != dr || strcmp(fast_dump, ref_dump) != 0) {
        fprintf(stderr, "\nPATHS DISAGREE on %zu bytes: '%.*s'\nfast rc %d (%s)\n%s\nref rc %d (%s)\n%s\n",
                n, (int)(n > 400 ? 400 : n), s, rf, kp_strerror(rf), fast_dump, rr,
                kp_strerror(rr), ref_dump);
        CU_FAIL("fast and reference decoders disagree");
    }
    if (rf < 0) {
        CU_ASSERT_EQUAL(fast_msg->kind, KP_NONE);
        CU_ASSERT_EQUAL(ref_msg->kind, KP_NONE);
    }
    return rf;
}

static int both(const char *s, size_t n)
{
    return both_ctx(s, n, NULL);
}

static int both_str(const char *s)
{
    return both(s, strlen(s));
}

static int both_fixture(const char *name)
{
    size_t n;
    char *s = ktest_fixture(name, &n);
    int rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    rc = both(s, n);
    free(s);
    return rc;
}

/* ---- every fixture ---- */

struct expect {
    const char *file;
    int rc;   /* 0 or KP_E_* */
    int kind; /* when rc == 0 */
};

static const struct expect fixtures[] = {
    {"v2_book_checksum_example_BTC_USD_docstrings.json", 0, KP_BOOK},
    {"v2_book_checksum_example_BTC_USD_wire.json", 0, KP_BOOK},
    {"v2_book_subscribe_ack_ALGO_USD.json", 0, KP_SUBSCRIBE_ACK},
    {"v2_book_subscribe_ack_MATIC_USD.json", 0, KP_SUBSCRIBE_ACK},
    {"v2_book_subscribe_request.json", 0, KP_REQUEST},
    {"v2_book_unsubscribe_ack_ALGO_USD.json", 0, KP_UNSUBSCRIBE_ACK},
    {"v2_book_unsubscribe_request.json", 0, KP_REQUEST},
    {"v2_book_update_BTC_USD_derived.json", 0, KP_BOOK},
    {"v2_error_ping_unsupported_field_3rdparty.json", 0, KP_ERROR_RESPONSE},
    {"v2_error_private_on_public_endpoint_3rdparty.json", 0, KP_ERROR_RESPONSE},
    {"v2_error_subscribe_currency_pair_not_supported_3rdparty.json", 0, KP_ERROR_RESPONSE},
    {"v2_error_subscribe_depth_not_supported_3rdparty.json", 0, KP_ERROR_RESPONSE},
    {"v2_heartbeat.json", 0, KP_HEARTBEAT},
    {"v2_instrument_snapshot.json", 0, KP_INSTRUMENT},
    {"v2_instrument_subscribe_ack.json", 0, KP_SUBSCRIBE_ACK},
    {"v2_instrument_subscribe_request.json", 0, KP_REQUEST},
    {"v2_instrument_update.json", 0, KP_INSTRUMENT},
    {"v2_nonjson_text_frame_cloudflare_3rdparty.txt", KP_E_NOT_JSON, 0},
    {"v2_ohlc_snapshot.json", 0, KP_OHLC},
    {"v2_ohlc_subscribe_ack_with_warning_live_capture_3rdparty.json", 0, KP_SUBSCRIBE_ACK},
    {"v2_ohlc_subscribe_request.json", 0, KP_REQUEST},
    {"v2_ohlc_update_live_capture_3rdparty.json", 0, KP_OHLC},
    {"v2_ping_request.json", 0, KP_REQUEST},
    {"v2_pong_response.json", 0, KP_PONG},
    {"v2_status_update_doc.json", 0, KP_STATUS},
    {"v2_status_update_live_capture_3rdparty.json", 0, KP_STATUS},
    {"v2_ticker_snapshot.json", 0, KP_TICKER},
    {"v2_ticker_subscribe_ack.json", 0, KP_SUBSCRIBE_ACK},
    {"v2_ticker_subscribe_request.json", 0, KP_REQUEST},
    {"v2_ticker_unsubscribe_ack.json", 0, KP_UNSUBSCRIBE_ACK},
    {"v2_ticker_update.json", 0, KP_TICKER},
    {"v2_trade_snapshot.json", 0, KP_TRADE},
    {"v2_trade_subscribe_ack.json", 0, KP_SUBSCRIBE_ACK},
    {"v2_trade_subscribe_request.json", 0, KP_REQUEST},
    {"v2_trade_update.json", 0, KP_TRADE},
    /* not a frame: a document of test vectors (no channel, no method) */
    {"checksum_vectors.json", KP_E_FIELD, 0},
};
#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

static int is_frame_file(const char *name)
{
    size_t n = strlen(name);

    return (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".txt") == 0);
}

static void should_decode_every_fixture_identically_by_both_paths(void)
{
    DIR *d = opendir(ktest_fixture_dir());
    struct dirent *e;
    size_t seen = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    while ((e = readdir(d)) != NULL) {
        const struct expect *x = NULL;
        int rc;

        if (!is_frame_file(e->d_name))
            continue;
        for (size_t i = 0; i < NFIXTURES; i++)
            if (strcmp(fixtures[i].file, e->d_name) == 0)
                x = &fixtures[i];
        if (x == NULL) {
            fprintf(stderr, "fixture %s has no expectation in this test\n", e->d_name);
            CU_FAIL("fixture without expectation");
            continue;
        }
        seen++;
        rc = both_fixture(e->d_name);
        if (rc != x->rc || (rc == 0 && fast_msg->kind != x->kind))
            fprintf(stderr, "%s: rc %d kind %s\n", e->d_name, rc, kp_kind_name(fast_msg->kind));
        CU_ASSERT_EQUAL(rc, x->rc);
        if (rc == 0)
            CU_ASSERT_EQUAL(fast_msg->kind, x->kind);
    }
    closedir(d);
    CU_ASSERT_EQUAL(seen, NFIXTURES);
}

/* ---- what the fixtures carry ---- */

static void should_decode_book_snapshot_levels_exactly(void)
{
    const struct kp_book_entry *e;
    const struct kb_level *bids, *asks;

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_book_checksum_example_BTC_USD_wire.json"), 0);
    CU_ASSERT_EQUAL(fast_msg->snapshot, 1);
    CU_ASSERT_EQUAL_FATAL(fast_msg->u.book.nentries, 1);
    e = &fast_msg->u.book.entries[0];
    bids = kp_book_bids(fast_msg, e);
    asks = kp_book_asks(fast_msg, e);
    CU_ASSERT_EQUAL(e->symbol_id, 1);
    CU_ASSERT_EQUAL(e->price_prec, 1);
    CU_ASSERT_EQUAL(e->qty_prec, 8);
    CU_ASSERT_EQUAL_FATAL(e->nbids, 10);
    CU_ASSERT_EQUAL_FATAL(e->nasks, 10);
    CU_ASSERT_EQUAL(bids[0].price, 452835);
    CU_ASSERT_EQUAL(bids[0].qty, 10000000);
    CU_ASSERT_EQUAL(bids[3].price, 452810); /* 45281.0 */
    CU_ASSERT_EQUAL(asks[0].qty, 100000);   /* 0.00100000 */
    CU_ASSERT_EQUAL(asks[9].price, 452995);
    CU_ASSERT_EQUAL(asks[9].qty, 18772827);
    CU_ASSERT_EQUAL(e->checksum, 3310070434u);
    CU_ASSERT_EQUAL(e->ts_ns, 1696613755440295000LL);
}

static void should_decode_documented_string_levels_like_wire_numbers(void)
{
    static struct kb_level wire[32];
    uint32_t n;

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_book_checksum_example_BTC_USD_wire.json"), 0);
    n = fast_msg->u.book.nlevels;
    CU_ASSERT_EQUAL_FATAL(n, 20);
    memcpy(wire, fast_msg->u.book.levels, n * sizeof(wire[0]));
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_book_checksum_example_BTC_USD_docstrings.json"), 0);
    CU_ASSERT_EQUAL_FATAL(fast_msg->u.book.nlevels, 20);
    CU_ASSERT(memcmp(wire, fast_msg->u.book.levels, n * sizeof(wire[0])) == 0);
    CU_ASSERT_EQUAL(fast_msg->u.book.entries[0].checksum, 3310070434u);
    CU_ASSERT_EQUAL(fast_msg->u.book.entries[0].ts_ns, 0); /* absent */
}

static void should_report_not_json_for_the_cloudflare_frame(void)
{
    CU_ASSERT_EQUAL(both_fixture("v2_nonjson_text_frame_cloudflare_3rdparty.txt"), KP_E_NOT_JSON);
    CU_ASSERT_STRING_EQUAL(kp_strerror(KP_E_NOT_JSON), "frame is not JSON");
    CU_ASSERT_EQUAL(both("", 0), KP_E_NOT_JSON);
    CU_ASSERT_EQUAL(both_str(" \r\n"), KP_E_NOT_JSON);
    CU_ASSERT_EQUAL(both_str("nonsense"), KP_E_MALFORMED); /* starts like null */
    CU_ASSERT_EQUAL(both_str("{\"channel\":"), KP_E_MALFORMED);
}

static void should_decode_error_frames_with_symbol_and_text(void)
{
    const struct kp_response *r = &fast_msg->u.resp;

    CU_ASSERT_EQUAL_FATAL(
        both_fixture("v2_error_subscribe_currency_pair_not_supported_3rdparty.json"), 0);
    CU_ASSERT_EQUAL(fast_msg->kind, KP_ERROR_RESPONSE);
    CU_ASSERT_EQUAL(r->success, 0);
    CU_ASSERT_STRING_EQUAL(r->method, "subscribe");
    CU_ASSERT_STRING_EQUAL(r->symbol, "XBT/USD");
    CU_ASSERT_STRING_EQUAL(r->error, "Currency pair not supported XBT/USD");
    CU_ASSERT(r->time_in_ns > 0 && r->time_out_ns > r->time_in_ns);

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_error_subscribe_depth_not_supported_3rdparty.json"), 0);
    CU_ASSERT_STRING_EQUAL(r->error, "Subscription depth not supported");
    CU_ASSERT_STRING_EQUAL(r->symbol, "");

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_error_ping_unsupported_field_3rdparty.json"), 0);
    CU_ASSERT_STRING_EQUAL(r->method, "ping");
    CU_ASSERT_EQUAL(r->has_req_id, 1);
    CU_ASSERT_EQUAL(r->req_id, 0);
    CU_ASSERT_STRING_EQUAL(r->error, "Unsupported field: 'params' for the given msg type: ping");
    CU_ASSERT_EQUAL(r->time_in_ns, 1716148720170724000LL);

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_error_private_on_public_endpoint_3rdparty.json"), 0);
    CU_ASSERT_EQUAL(r->has_req_id, 0);
}

static void should_keep_status_connection_id_exact(void)
{
    const struct kp_status *st = &fast_msg->u.status;

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_status_update_doc.json"), 0);
    CU_ASSERT_EQUAL(st->has_connection_id, 1);
    CU_ASSERT_EQUAL(st->connection_id, 13834774380200032777ull);
    CU_ASSERT_STRING_EQUAL(st->system, "online");
    CU_ASSERT_STRING_EQUAL(st->api_version, "v2");
    CU_ASSERT_STRING_EQUAL(st->version, "2.0.0");
    CU_ASSERT_EQUAL(fast_msg->snapshot, 0);
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_status_update_live_capture_3rdparty.json"), 0);
    CU_ASSERT_EQUAL(st->connection_id, 7734965360043499011ull);
    CU_ASSERT_STRING_EQUAL(st->version, "2.0.10");
}

static void should_decode_instrument_pairs_without_lookup(void)
{
    const struct kp_instrument_msg *im = &fast_msg->u.instrument;
    size_t n;
    char *s = ktest_fixture("v2_instrument_snapshot.json", &n);

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL_FATAL(kp_parse(fast_msg, s, n, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(kp_parse_reference(ref_msg, s, n, NULL, NULL), 0);
    free(s);
    CU_ASSERT_EQUAL(fast_msg->kind, KP_INSTRUMENT);
    CU_ASSERT_EQUAL(fast_msg->snapshot, 1);
    CU_ASSERT_EQUAL_FATAL(im->npairs, 2);
    CU_ASSERT_STRING_EQUAL(im->pairs[0].symbol, "BTC/USD");
    CU_ASSERT_STRING_EQUAL(im->pairs[0].base, "BTC");
    CU_ASSERT_STRING_EQUAL(im->pairs[0].quote, "USD");
    CU_ASSERT_STRING_EQUAL(im->pairs[0].status, "online");
    CU_ASSERT_EQUAL(im->pairs[0].price_prec, 1);
    CU_ASSERT_EQUAL(im->pairs[0].qty_prec, 8);
    CU_ASSERT_EQUAL(im->pairs[0].qty_increment, 1); /* 1e-08 at 8 decimals */
    CU_ASSERT_EQUAL(im->pairs[0].price_increment, 1);
    CU_ASSERT_EQUAL(im->pairs[0].qty_min, 10000);
    CU_ASSERT_EQUAL(im->pairs[0].inexact, 0);
    CU_ASSERT_STRING_EQUAL(im->pairs[1].symbol, "MATIC/GBP");
    CU_ASSERT_EQUAL(im->pairs[1].price_prec, 4);
    CU_ASSERT_EQUAL(im->pairs[1].qty_min, 400000000);
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_instrument_update.json"), 0);
    CU_ASSERT_EQUAL(im->npairs, 0);
    CU_ASSERT_EQUAL(fast_msg->snapshot, 0);
}

static void should_round_ticker_fields_and_flag_inexact(void)
{
    static const struct sym coarse[] = {{"ALGO/USD", {2, 4, 8}}, {NULL, {0, 0, 0}}};
    const struct kp_ticker *t = &fast_msg->u.ticker.tickers[0];
    size_t n;
    char *s = ktest_fixture("v2_ticker_snapshot.json", &n);

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL_FATAL(both(s, n), 0);
    CU_ASSERT_EQUAL_FATAL(fast_msg->u.ticker.ntickers, 1);
    CU_ASSERT_EQUAL(t->symbol_id, 2);
    CU_ASSERT_EQUAL(t->bid, 10025);
    CU_ASSERT_EQUAL(t->bid_qty, 74000000000LL);
    CU_ASSERT_EQUAL(t->ask_qty, 136144813783LL);
    CU_ASSERT_EQUAL(t->volume, 99703898383185LL);
    CU_ASSERT_EQUAL(t->vwap, 10148);
    CU_ASSERT_EQUAL(t->change, -17);
    CU_ASSERT_EQUAL(t->change_pct, -17);
    CU_ASSERT_EQUAL(t->ts_ns, 1695632671742648000LL);
    CU_ASSERT_EQUAL(t->inexact, 0);
    /* at 4 price decimals the 5-decimal fields round, half to even */
    CU_ASSERT_EQUAL_FATAL(both_ctx(s, n, (void *)coarse), 0);
    CU_ASSERT_EQUAL(t->bid, 1002);  /* 0.10025 -> 0.1002 */
    CU_ASSERT_EQUAL(t->ask, 1004);  /* 0.10036 -> 0.1004 */
    CU_ASSERT_EQUAL(t->vwap, 1015); /* 0.10148 -> 0.1015 */
    CU_ASSERT_EQUAL(t->change, -2); /* -0.00017 -> -0.0002 */
    CU_ASSERT_EQUAL(t->inexact, 1);
    free(s);
}

static void should_decode_trades_exactly(void)
{
    const struct kp_trade *t = fast_msg->u.trade.trades;

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_trade_snapshot.json"), 0);
    CU_ASSERT_EQUAL_FATAL(fast_msg->u.trade.ntrades, 2);
    CU_ASSERT_EQUAL(t[0].symbol_id, 3);
    CU_ASSERT_EQUAL(t[0].side, KP_SIDE_BUY);
    CU_ASSERT_EQUAL(t[0].ord_type, KP_ORD_LIMIT);
    CU_ASSERT_EQUAL(t[0].price, 5147);
    CU_ASSERT_EQUAL(t[0].qty, 642346326000LL);
    CU_ASSERT_EQUAL(t[0].trade_id, 4665846);
    CU_ASSERT_EQUAL(t[0].ts_ns, 1695628116925533000LL);
    CU_ASSERT_EQUAL(t[1].qty, 113619677815LL);
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_trade_update.json"), 0);
    CU_ASSERT_EQUAL(t[0].side, KP_SIDE_SELL);
    CU_ASSERT_EQUAL(t[0].ord_type, KP_ORD_MARKET);
    CU_ASSERT_EQUAL(t[0].qty, 4000000000LL);
}

static void should_decode_ohlc_candles_and_frame_timestamp(void)
{
    const struct kp_candle *c = fast_msg->u.ohlc.candles;

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_ohlc_snapshot.json"), 0);
    CU_ASSERT_EQUAL(fast_msg->ts_ns, 1696436761806315597LL);
    CU_ASSERT_EQUAL_FATAL(fast_msg->u.ohlc.ncandles, 2);
    CU_ASSERT_EQUAL(c[0].interval_min, 5);
    CU_ASSERT_EQUAL(c[0].trades, 1);
    CU_ASSERT_EQUAL(c[0].interval_begin_ns, 1696433100000000000LL);
    CU_ASSERT_EQUAL(c[0].volume, 20186015000LL);
    CU_ASSERT_EQUAL(c[1].high, 9880);
    CU_ASSERT_EQUAL(c[1].trades, 13);
    CU_ASSERT_EQUAL(c[1].inexact, 0);
}

static void should_decode_acks_one_per_symbol(void)
{
    const struct kp_response *r = &fast_msg->u.resp;

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_book_subscribe_ack_MATIC_USD.json"), 0);
    CU_ASSERT_EQUAL(fast_msg->kind, KP_SUBSCRIBE_ACK);
    CU_ASSERT_EQUAL(r->success, 1);
    CU_ASSERT_STRING_EQUAL(r->channel, "book");
    CU_ASSERT_STRING_EQUAL(r->symbol, "MATIC/USD");
    CU_ASSERT_EQUAL(r->depth, 10);
    CU_ASSERT_EQUAL(r->snapshot, 1);
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_instrument_subscribe_ack.json"), 0);
    CU_ASSERT_EQUAL(r->req_id, 79);
    CU_ASSERT_EQUAL(r->nwarnings, 1);
    CU_ASSERT_STRING_EQUAL(r->warning, "tick_size is deprecated, use price_increment");
    CU_ASSERT_STRING_EQUAL(r->symbol, "");
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_ticker_unsubscribe_ack.json"), 0);
    CU_ASSERT_EQUAL(fast_msg->kind, KP_UNSUBSCRIBE_ACK);
    CU_ASSERT_STRING_EQUAL(r->event_trigger, "trades");
    CU_ASSERT_EQUAL_FATAL(
        both_fixture("v2_ohlc_subscribe_ack_with_warning_live_capture_3rdparty.json"), 0);
    CU_ASSERT_EQUAL(r->interval, 1);
}

static void should_decode_pong_with_its_req_id(void)
{
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_pong_response.json"), 0);
    CU_ASSERT_EQUAL(fast_msg->kind, KP_PONG);
    CU_ASSERT_EQUAL(fast_msg->u.resp.req_id, 101);
    CU_ASSERT_EQUAL(fast_msg->u.resp.time_in_ns, 1695564623799685000LL);
    CU_ASSERT_EQUAL(fast_msg->u.resp.success, -1);
}

static void should_decode_client_requests_as_request_kind(void)
{
    const struct kp_request *q = &fast_msg->u.req;

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_book_subscribe_request.json"), 0);
    CU_ASSERT_EQUAL(fast_msg->kind, KP_REQUEST);
    CU_ASSERT_STRING_EQUAL(q->method, "subscribe");
    CU_ASSERT_STRING_EQUAL(q->channel, "book");
    CU_ASSERT_EQUAL_FATAL(q->nsymbols, 2);
    CU_ASSERT_STRING_EQUAL(q->symbols[0], "ALGO/USD");
    CU_ASSERT_STRING_EQUAL(q->symbols[1], "MATIC/USD");
    CU_ASSERT_EQUAL(q->snapshot, -1);
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_ohlc_subscribe_request.json"), 0);
    CU_ASSERT_EQUAL(q->interval, 5);
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_trade_subscribe_request.json"), 0);
    CU_ASSERT_EQUAL(q->snapshot, 1);
    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_ping_request.json"), 0);
    CU_ASSERT_STRING_EQUAL(q->method, "ping");
    CU_ASSERT_EQUAL(q->req_id, 101);
    CU_ASSERT_EQUAL(q->nsymbols, 0);
}

/* ---- crafted frames ---- */

struct crafted {
    const char *frame;
    int rc;
};

static const struct crafted crafted[] = {
    {"[1,2]", KP_E_FIELD},
    {"{}", KP_E_FIELD},
    {"\"book\"", KP_E_FIELD},
    {"{\"channel\":5}", KP_E_CHANNEL},
    {"{\"channel\":{}}", KP_E_FIELD},
    {"{\"channel\":\"level3\",\"type\":\"update\",\"data\":[]}", KP_E_CHANNEL},
    {"{\"channel\":\"a_very_long_channel_name_beyond_thirty_two_bytes\"}", KP_E_CHANNEL},
    {"{\"channel\":\"book\",\"data\":[]}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"delta\",\"data\":[]}", KP_E_VALUE},
    {"{\"channel\":\"book\",\"type\":\"update\"}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":{}}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[]}", 0},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[5]}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"bids\":[],\"checksum\":1}]}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"DOGE/USD\",\"checksum\":1}]}",
     KP_E_SYMBOL},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":{},"
     "\"checksum\":1}]}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\"}]}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"checksum\":"
     "4294967296}]}", KP_E_NUMBER},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"checksum\":-1}]}",
     KP_E_NUMBER},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"checksum\":"
     "4294967295}]}", 0},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":1.5}],\"checksum\":1}]}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":-1.5,\"qty\":1}],\"checksum\":1}]}", KP_E_VALUE},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":\"abc\",\"qty\":1}],\"checksum\":1}]}", KP_E_NUMBER},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":true,\"qty\":1}],\"checksum\":1}]}", KP_E_FIELD},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":45283.55,\"qty\":1}],\"checksum\":1}]}", KP_E_NUMBER},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":45283.5,\"qty\":0.000000001}],\"checksum\":1}]}", KP_E_NUMBER},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":45283.50000,\"qty\":1e-8}],\"checksum\":1}]}", 0},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"checksum\":1,"
     "\"timestamp\":\"yesterday\"}]}", KP_E_VALUE},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":\"1.5\",\"qty\":\"2\"}],\"checksum\":\"7\"}]}", 0},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":\"1.5 \",\"qty\":\"2\"}],\"checksum\":\"7\"}]}", KP_E_NUMBER},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC\\/USD\",\"bids\":"
     "[{\"pr\\u0069ce\":\"\\u0031.5\",\"qty\":2}],\"checksum\":7}]}", 0},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
     "[{\"price\":1,\"qty\":2,\"price\":3}],\"checksum\":7}]}", 0},
    {"{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\"hold\","
     "\"price\":1,\"qty\":1,\"trade_id\":1,\"timestamp\":\"2023-09-25T07:49:37.708706Z\"}]}",
     KP_E_VALUE},
    {"{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\"buy\","
     "\"price\":1,\"qty\":1,\"trade_id\":1}]}", KP_E_FIELD},
    {"{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\"buy\","
     "\"price\":1,\"qty\":1,\"ord_type\":\"iceberg\",\"trade_id\":18446744073709551615,"
     "\"timestamp\":\"2023-09-25T07:49:37.708706Z\"}]}", 0},
    {"{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":\"buy\","
     "\"price\":1,\"qty\":1,\"trade_id\":18446744073709551616,"
     "\"timestamp\":\"2023-09-25T07:49:37.708706Z\"}]}", KP_E_NUMBER},
    {"{\"channel\":\"status\",\"data\":[]}", KP_E_FIELD},
    {"{\"channel\":\"status\",\"data\":[{\"system\":\"online\",\"connection_id\":1.5}]}",
     KP_E_NUMBER},
    {"{\"channel\":\"status\",\"data\":[{\"api_version\":\"v2\"}]}", KP_E_FIELD},
    {"{\"channel\":\"status\",\"type\":\"update\",\"data\":[{\"system\":\"maintenance\"},7]}", 0},
    {"{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[{\"symbol\":\"ETH/USD\",\"bid\":1}]}",
     KP_E_FIELD},
    {"{\"channel\":\"ohlc\",\"type\":\"update\",\"data\":[{\"symbol\":\"ETH/USD\",\"open\":1,"
     "\"high\":1,\"low\":1,\"close\":1,\"vwap\":1.005,\"volume\":1,\"trades\":1,"
     "\"interval_begin\":\"2023-10-04T15:25:00Z\",\"interval\":0}]}", KP_E_VALUE},
    {"{\"channel\":\"ohlc\",\"type\":\"update\",\"data\":[{\"symbol\":\"ETH/USD\",\"open\":1,"
     "\"high\":1,\"low\":1,\"close\":1,\"vwap\":1.005,\"volume\":1,\"trades\":1,"
     "\"interval_begin\":\"2023-10-04T15:25:00Z\",\"interval\":60}]}", 0},
    {"{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"pairs\":[{\"symbol\":\"X/Y\","
     "\"status\":\"online\",\"price_precision\":19,\"qty_precision\":8}]}}", KP_E_VALUE},
    {"{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"pairs\":[{\"symbol\":\"X/Y\","
     "\"status\":\"online\",\"price_precision\":2,\"qty_precision\":8,\"qty_min\":1e-9}]}}", 0},
    {"{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"pairs\":{}}}", KP_E_FIELD},
    {"{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":[]}", KP_E_FIELD},
    {"{\"method\":\"subscribe\",\"success\":true}", KP_E_FIELD},
    {"{\"method\":\"subscribe\",\"success\":\"yes\"}", KP_E_FIELD},
    {"{\"method\":\"subscribe\"}", KP_E_FIELD},
    {"{\"method\":\"subscribe\",\"params\":[]}", KP_E_FIELD},
    {"{\"method\":\"add_order\",\"success\":true}", KP_E_CHANNEL},
    {"{\"method\":\"add_order\"}", KP_E_CHANNEL},
    {"{\"success\":false}", 0},
    {"{\"success\":true}", KP_E_CHANNEL},
    {"{\"method\":\"pong\"}", 0},
    {"{\"method\":\"subscribe\",\"success\":true,\"result\":{\"channel\":\"book\",\"depth\":-1}}",
     KP_E_VALUE},
    {"{\"method\":\"subscribe\",\"success\":true,\"result\":{\"channel\":\"book\","
     "\"warnings\":[\"a\",{}]}}", KP_E_FIELD},
    {"{\"method\":\"subscribe\",\"success\":true,\"result\":{\"channel\":\"book\","
     "\"warnings\":[\"a\",\"b\"]},\"req_id\":-5}", 0},
    {"{\"method\":\"subscribe\",\"success\":true,\"result\":{\"channel\":\"book\"},\"req_id\":1.5}",
     KP_E_NUMBER},
    {"{\"method\":\"subscribe\",\"success\":false,\"error\":\"x\",\"time_in\":\"never\"}", KP_E_VALUE},
    {"{\"method\":\"ping\",\"params\":{\"channel\":\"book\",\"symbol\":[\"A\",7]}}", 0},
    {"{\"method\":\"ping\",\"params\":{\"channel\":\"book\",\"symbol\":[\"A\",[]]}}", KP_E_FIELD},
    /* right at the text bounds (31 bytes): seeds for the mutation test */
    {"{\"method\":\"0123456789012345678901234567890\",\"success\":false}", 0},
    {"{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":"
     "\"ABCDEFGHIJKLMNOPQRSTUVWXYZ/1234\",\"checksum\":1}]}", KP_E_SYMBOL},
    {"{\"chan\\u006eel\":\"heartbeat\"}", 0},
    {"{\"channel\":\"heartbeat\",\"channel\":\"book\"}", 0},
    {"{\"Channel\":\"heartbeat\"}", KP_E_FIELD},
    {"{\"channel\":\"heartbeat\"} x", KP_E_MALFORMED},
    {"{\"channel\":\"heartbeat\",}", KP_E_MALFORMED},
    {"{\"channel\":\"heartbeat\",\"x\":01}", KP_E_MALFORMED},
    {"{\"channel\":\"heartbeat\",\"x\":\"\\u0000\"}", KP_E_MALFORMED},
};

static void should_return_the_documented_error_for_crafted_frames(void)
{
    for (size_t i = 0; i < sizeof(crafted) / sizeof(crafted[0]); i++) {
        int rc = both_str(crafted[i].frame);

        if (rc != crafted[i].rc)
            fprintf(stderr, "crafted #%zu %s: rc %d (%s), want %d\n", i, crafted[i].frame, rc,
                    kp_strerror(rc), crafted[i].rc);
        CU_ASSERT_EQUAL(rc, crafted[i].rc);
    }
}

static void should_report_over_long_text_as_too_long(void)
{
    CU_ASSERT_EQUAL(both_str("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":"
                             "\"ABCDEFGHIJKLMNOPQRSTUVWXYZ/ABCDEFG\",\"checksum\":1}]}"),
                    KP_E_TOO_LONG);
    /* 31 bytes fits, 32 does not */
    CU_ASSERT_EQUAL(both_str("{\"method\":\"0123456789012345678901234567890\",\"success\":false}"),
                    0);
    CU_ASSERT_EQUAL(both_str("{\"method\":\"01234567890123456789012345678901\",\"success\":false}"),
                    KP_E_TOO_LONG);
    {
        char frame[600];
        char err[301];

        memset(err, 'e', 300);
        err[300] = '\0';
        snprintf(frame, sizeof(frame), "{\"success\":false,\"error\":\"%s\"}", err);
        CU_ASSERT_EQUAL(both_str(frame), KP_E_TOO_LONG);
    }
}

static void should_leave_no_partial_output_on_failure(void)
{
    size_t n;
    char *s = ktest_fixture("v2_book_checksum_example_BTC_USD_wire.json", &n);
    char *bad, *at;

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL_FATAL(both(s, n), 0);
    CU_ASSERT_EQUAL(fast_msg->u.book.nlevels, 20);
    /* the very last level gets a ninth decimal: everything before it was fine */
    at = strstr(s, "0.18772827");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    bad = malloc(n + 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    memcpy(bad, s, (size_t)(at - s) + 10);
    bad[at - s + 10] = '1';
    memcpy(bad + (at - s) + 11, at + 10, n - (size_t)(at - s) - 10);
    CU_ASSERT_EQUAL(both(bad, n + 1), KP_E_NUMBER);
    CU_ASSERT_EQUAL(fast_msg->kind, KP_NONE);
    CU_ASSERT_EQUAL(fast_msg->snapshot, -1);
    CU_ASSERT_EQUAL(fast_msg->u.book.nentries, 0);
    CU_ASSERT_EQUAL(fast_msg->u.book.nlevels, 0);
    CU_ASSERT_EQUAL(ref_msg->u.book.nentries, 0);
    kp_msg_dump(fast_msg, fast_dump, DUMP_CAP);
    CU_ASSERT_STRING_EQUAL(fast_dump, "kind=none snapshot=-1 ts=0\n");
    free(bad);
    free(s);
}

/* {"channel":"book",...} with nlev bid levels spread over nent entries */
static char *book_frame(int nent, int nlev, size_t *len)
{
    size_t cap = 128 + (size_t)nent * 128 + (size_t)nlev * 40;
    char *f = malloc(cap);
    size_t o = 0;

    o += (size_t)snprintf(f + o, cap - o, "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[");
    for (int e = 0; e < nent; e++) {
        int per = nlev / nent + (e < nlev % nent);

        o += (size_t)snprintf(f + o, cap - o, "%s{\"symbol\":\"ETH/USD\",\"bids\":[", e ? "," : "");
        for (int k = 0; k < per; k++)
            o += (size_t)snprintf(f + o, cap - o, "%s{\"price\":%d.25,\"qty\":0.5}", k ? "," : "",
                                  100000 - k);
        o += (size_t)snprintf(f + o, cap - o, "],\"checksum\":1}");
    }
    o += (size_t)snprintf(f + o, cap - o, "]}");
    *len = o;
    return f;
}

static void should_report_capacity_bounds_in_both_paths(void)
{
    size_t n;
    char *f;

    f = book_frame(1, KP_MAX_LEVELS, &n);
    CU_ASSERT_EQUAL(both(f, n), 0);
    CU_ASSERT_EQUAL(fast_msg->u.book.nlevels, KP_MAX_LEVELS);
    free(f);
    f = book_frame(2, KP_MAX_LEVELS + 1, &n);
    CU_ASSERT_EQUAL(both(f, n), KP_E_CAPACITY);
    free(f);
    f = book_frame(KP_MAX_ENTRIES, KP_MAX_ENTRIES, &n);
    CU_ASSERT_EQUAL(both(f, n), 0);
    free(f);
    f = book_frame(KP_MAX_ENTRIES + 1, KP_MAX_ENTRIES + 1, &n);
    CU_ASSERT_EQUAL(both(f, n), KP_E_CAPACITY);
    free(f);
    {
        /* a subscribe request naming one symbol too many */
        size_t cap = 64 + (KP_MAX_REQ_SYMBOLS + 1) * 8, o = 0;

        f = malloc(cap);
        o += (size_t)snprintf(f, cap, "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[");
        for (int k = 0; k <= KP_MAX_REQ_SYMBOLS; k++)
            o += (size_t)snprintf(f + o, cap - o, "%s\"S%d\"", k ? "," : "", k);
        o += (size_t)snprintf(f + o, cap - o, "]}}");
        CU_ASSERT_EQUAL(both(f, o), KP_E_CAPACITY);
        free(f);
    }
}

/* {"channel":"heartbeat","x":[0,0,...]}: 5 tokens plus one per zero. */
static char *token_frame(size_t zeros, size_t *len)
{
    static const char head[] = "{\"channel\":\"heartbeat\",\"x\":[";
    size_t cap = sizeof(head) + 2 * zeros + 4, o = sizeof(head) - 1;
    char *f = malloc(cap);

    memcpy(f, head, o);
    for (size_t k = 0; k < zeros; k++) {
        f[o++] = '0';
        f[o++] = ',';
    }
    o--; /* no trailing comma */
    memcpy(f + o, "]}", 2);
    *len = o + 2;
    return f;
}

static void should_hit_the_token_limit_at_the_same_frame_in_both_paths(void)
{
    size_t n;
    char *f = token_frame(KP_MAX_TOKENS - 5, &n);

    CU_ASSERT_EQUAL(both(f, n), 0);
    CU_ASSERT_EQUAL(fast_msg->kind, KP_HEARTBEAT);
    free(f);
    f = token_frame(KP_MAX_TOKENS - 4, &n);
    CU_ASSERT_EQUAL(both(f, n), KP_E_CAPACITY);
    /* a syntax error after the limit is still a syntax error */
    f[n - 1] = ']';
    CU_ASSERT_EQUAL(both(f, n), KP_E_MALFORMED);
    free(f);
}

static void should_refuse_bad_arguments(void)
{
    CU_ASSERT_EQUAL(kp_parse(NULL, "{}", 2, lookup, NULL), -EINVAL);
    CU_ASSERT_EQUAL(kp_parse(fast_msg, NULL, 2, lookup, NULL), -EINVAL);
    CU_ASSERT_EQUAL(kp_parse_reference(NULL, "{}", 2, lookup, NULL), -EINVAL);
    CU_ASSERT_EQUAL(both_str("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":"
                             "\"BTC/USD\",\"checksum\":1}]}"),
                    0);
    {
        /* no lookup: symbol frames fail, others do not */
        static const char sym[] = "{\"channel\":\"book\",\"type\":\"update\",\"data\":"
                                  "[{\"symbol\":\"BTC/USD\",\"checksum\":1}]}";
        static const char hb[] = "{\"channel\":\"heartbeat\"}";

        CU_ASSERT_EQUAL(kp_parse(fast_msg, sym, sizeof(sym) - 1, NULL, NULL), KP_E_SYMBOL);
        CU_ASSERT_EQUAL(kp_parse_reference(ref_msg, sym, sizeof(sym) - 1, NULL, NULL),
                        KP_E_SYMBOL);
        CU_ASSERT_EQUAL(kp_parse(fast_msg, hb, sizeof(hb) - 1, NULL, NULL), 0);
    }
    CU_ASSERT_STRING_EQUAL(kp_strerror(12345), "unknown error");
    CU_ASSERT_STRING_EQUAL(kp_kind_name(KP_ERROR_RESPONSE), "error_response");
}

static void should_report_enospc_when_the_dump_buffer_is_small(void)
{
    char small[16];

    CU_ASSERT_EQUAL_FATAL(both_fixture("v2_book_checksum_example_BTC_USD_wire.json"), 0);
    CU_ASSERT_EQUAL(kp_msg_dump(fast_msg, small, sizeof(small)), -ENOSPC);
    CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
    CU_ASSERT(kp_msg_dump(fast_msg, fast_dump, DUMP_CAP) > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(fast_dump, "  bid 45283.5 0.10000000\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fast_dump, "checksum=3310070434"));
}

/* ---- differential test over mutated fixtures ---- */

static const unsigned char interesting[] = {
    '"', '\\', '{', '}', '[', ']', ',', ':', '0', '1', '9', '-', '+', '.', 'e', 'E', ' ',
    '\n', 't', 'f', 'n', 'u', 0x00, 0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xed, 0xf4, 0xff,
};

static int is_num_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Index of the first byte at or after `at` satisfying pred, or n. */
static size_t seek(const unsigned char *b, size_t n, size_t at, int (*pred)(unsigned char))
{
    while (at < n && !pred(b[at]))
        at++;
    return at;
}

static int is_digit_byte(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static size_t insert_at(unsigned char *b, size_t n, size_t cap, size_t at, unsigned char c)
{
    if (n >= cap || at > n)
        return n;
    memmove(b + at + 1, b + at, n - at);
    b[at] = c;
    return n + 1;
}

/*
 * One to three edits. Half of them keep the JSON well-formed most of the
 * time (digit and letter swaps, longer numbers, numbers turned into
 * strings) so the semantic rules get exercised, not only the tokenizer.
 */
static size_t mutate(unsigned char *b, size_t n, size_t cap, uint64_t *st)
{
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789_/";
    int rounds = 1 + (int)(ktest_rand(st) % 3);

    for (int r = 0; r < rounds && n > 0; r++) {
        size_t at = (size_t)(ktest_rand(st) % n), k;

        switch (ktest_rand(st) % 12) {
        case 0: /* flip one bit */
            b[at] ^= (unsigned char)(1u << (ktest_rand(st) % 8));
            break;
        case 1: /* replace with a structurally interesting byte */
            b[at] = interesting[ktest_rand(st) % sizeof(interesting)];
            break;
        case 2: /* delete a byte */
            memmove(b + at, b + at + 1, n - at - 1);
            n--;
            break;
        case 3: /* truncate */
            n = at;
            break;
        case 4: /* insert an interesting byte */
            n = insert_at(b, n, cap, at, interesting[ktest_rand(st) % sizeof(interesting)]);
            break;
        case 5: { /* duplicate a short slice right after itself */
            size_t len = 1 + (size_t)(ktest_rand(st) % 16);

            if (at + len <= n && n + len <= cap) {
                memmove(b + at + 2 * len, b + at + len, n - at - len);
                memmove(b + at + len, b + at, len);
                n += len;
            }
            break;
        }
        case 6: /* swap two bytes */
            k = (size_t)(ktest_rand(st) % n);
            {
                unsigned char c = b[at];

                b[at] = b[k];
                b[k] = c;
            }
            break;
        case 7: /* perturb a digit: other values, other precision */
        case 8:
            k = seek(b, n, at, is_digit_byte);
            if (k < n)
                b[k] = (unsigned char)('0' + ktest_rand(st) % 10);
            break;
        case 9: /* change a letter or digit: keys, words, symbols, numbers */
            k = seek(b, n, at, is_alnum);
            if (k < n)
                b[k] = (unsigned char)alnum[ktest_rand(st) % (sizeof(alnum) - 1)];
            break;
        case 10: /* lengthen a number: an extra digit, maybe past the precision */
            k = seek(b, n, at, is_digit_byte);
            if (k < n)
                n = insert_at(b, n, cap, k + 1, (unsigned char)('0' + ktest_rand(st) % 10));
            break;
        default: { /* turn a number (or any run of number bytes) into a string */
            size_t e;

            k = seek(b, n, at, is_digit_byte);
            while (k > 0 && is_num_char(b[k - 1]))
                k--;
            e = k;
            while (e < n && is_num_char(b[e]))
                e++;
            if (k < n && n + 2 <= cap) {
                n = insert_at(b, n, cap, e, '"');
                n = insert_at(b, n, cap, k, '"');
            }
            break;
        }
        }
    }
    return n;
}

static void mutate_many(const char *orig, size_t n0, int cases, uint64_t *st, int *total,
                        int *ok, int *counts)
{
    size_t cap = n0 + 256;
    unsigned char *b = malloc(cap);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    for (int k = 0; k < cases; k++) {
        size_t n;
        int rc;

        memcpy(b, orig, n0);
        n = mutate(b, n0, cap, st);
        rc = both((const char *)b, n);
        (*total)++;
        if (rc == 0)
            (*ok)++;
        else if (rc <= KP_E_NOT_JSON && rc >= KP_E_CAPACITY)
            counts[KP_E_NOT_JSON - rc]++;
        if (CU_get_number_of_failures() > 0)
            break;
    }
    free(b);
}

static void should_agree_on_thousands_of_mutated_frames(void)
{
    int counts[16] = {0};
    int total = 0, ok = 0;
    uint64_t st = 20231006;
    /* MDBUS_MUTATION_SCALE=N runs N times as many cases (soak runs) */
    const char *scale_env = getenv("MDBUS_MUTATION_SCALE");
    int scale = scale_env && atoi(scale_env) > 0 ? atoi(scale_env) : 1;

    if (scale_env && getenv("MDBUS_MUTATION_SEED"))
        st = strtoull(getenv("MDBUS_MUTATION_SEED"), NULL, 0);
    for (size_t i = 0; i < NFIXTURES; i++) {
        size_t n0;
        char *orig = ktest_fixture(fixtures[i].file, &n0);

        CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
        mutate_many(orig, n0, 200 * scale, &st, &total, &ok, counts);
        free(orig);
    }
    for (size_t i = 0; i < sizeof(crafted) / sizeof(crafted[0]); i++)
        mutate_many(crafted[i].frame, strlen(crafted[i].frame), 40 * scale, &st, &total, &ok,
                    counts);
    fprintf(stderr, "\n  mutated frames: %d, decoded %d; errors:", total, ok);
    for (int e = 0; e < 9; e++)
        fprintf(stderr, " %s=%d", kp_strerror(KP_E_NOT_JSON - e), counts[e]);
    fprintf(stderr, "\n");
    CU_ASSERT(total >= 5000);
    CU_ASSERT(ok > total / 10); /* the mutations must not only produce garbage */
    for (int e = 0; e < 8; e++) /* every error but capacity shows up */
        CU_ASSERT(counts[e] > 0);
}

int main(void)
{
    static const struct ktest_case cases[] = {
        KTEST(should_decode_every_fixture_identically_by_both_paths),
        KTEST(should_decode_book_snapshot_levels_exactly),
        KTEST(should_decode_documented_string_levels_like_wire_numbers),
        KTEST(should_report_not_json_for_the_cloudflare_frame),
        KTEST(should_decode_error_frames_with_symbol_and_text),
        KTEST(should_keep_status_connection_id_exact),
        KTEST(should_decode_instrument_pairs_without_lookup),
        KTEST(should_round_ticker_fields_and_flag_inexact),
        KTEST(should_decode_trades_exactly),
        KTEST(should_decode_ohlc_candles_and_frame_timestamp),
        KTEST(should_decode_acks_one_per_symbol),
        KTEST(should_decode_pong_with_its_req_id),
        KTEST(should_decode_client_requests_as_request_kind),
        KTEST(should_return_the_documented_error_for_crafted_frames),
        KTEST(should_report_over_long_text_as_too_long),
        KTEST(should_leave_no_partial_output_on_failure),
        KTEST(should_report_capacity_bounds_in_both_paths),
        KTEST(should_hit_the_token_limit_at_the_same_frame_in_both_paths),
        KTEST(should_refuse_bad_arguments),
        KTEST(should_report_enospc_when_the_dump_buffer_is_small),
        KTEST(should_agree_on_thousands_of_mutated_frames),
    };
    int rc;

    ktest_require_fixtures();
    fast_msg = kp_msg_new();
    ref_msg = kp_msg_new();
    fast_dump = malloc(DUMP_CAP);
    ref_dump = malloc(DUMP_CAP);
    if (!fast_msg || !ref_msg || !fast_dump || !ref_dump)
        return 1;
    rc = ktest_run("kraken_parse", cases, sizeof(cases) / sizeof(cases[0]));
    kp_msg_free(fast_msg);
    kp_msg_free(ref_msg);
    free(fast_dump);
    free(ref_dump);
    return rc;
}
