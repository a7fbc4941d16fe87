/*
 * test_kraken_parse_fast.c — kp_parse's schema-directed fast path
 * (kraken_parse_fast.c) changes no result.
 *
 * Every input goes through three decoders: kp__parse_generic (the token
 * path alone), kp_parse (fast path, generic on bail) and kp__parse_fast
 * alone. kp_parse must equal the generic path in return code and in the
 * decoded message (kp_msg_dump text, plus the raw book entries and levels);
 * whenever kp__parse_fast accepts a frame, the generic path must accept it
 * too and decode the same. Inputs: every fixture as sent and compacted
 * (the fixtures are pretty-printed; Kraken sends compact frames, the only
 * shape the fast path takes), a 25-level update like the bench's, crafted
 * near-misses, and every truncation, single-byte substitution, insertion
 * and deletion of the compact hot frames.
 */
#include "kraken_parse.h"
#include "kraken_parse_impl.h"
#include "kraken_test.h"

#include <string.h>

static const struct {
    const char *name;
    struct kp_symbol_info info;
} syms[] = {
    {"BTC/USD", {1, 1, 8}},
    {"ALGO/USD", {2, 5, 8}},
    {"MATIC/USD", {3, 4, 8}},
    {"ETH/USD", {4, 2, 8}},
    {"FINE/USD", {5, 18, 18}},
    {"ZERO/USD", {6, 0, 0}},
};

static int lookup(void *ctx, const char *s, size_t len, struct kp_symbol_info *out)
{
    (void)ctx;
    CU_ASSERT_EQUAL(strlen(s), len);
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        if (strlen(syms[i].name) == len && memcmp(syms[i].name, s, len) == 0) {
            *out = syms[i].info;
            return 0;
        }
    }
    return -1;
}

#define DUMP_CAP (1u << 20)

static struct kp_msg *gen_msg, *full_msg, *fast_msg;
static char *gen_dump, *other_dump;
static int fast_hits; /* inputs kp__parse_fast accepted */

/* The book's entries and levels, byte for byte (neither struct has padding). */
static int same_book(const struct kp_msg *a, const struct kp_msg *b)
{
    const struct kp_book_msg *x = &a->u.book, *y = &b->u.book;

    return x->nentries == y->nentries && x->nlevels == y->nlevels &&
           memcmp(x->entries, y->entries, x->nentries * sizeof(x->entries[0])) == 0 &&
           memcmp(x->levels, y->levels, x->nlevels * sizeof(x->levels[0])) == 0;
}

static void report(const char *what, const char *s, size_t n, int rg, int ro)
{
    fprintf(stderr, "\n%s on %zu bytes: '%.*s'\ngeneric rc %d (%s)\n%s\nother rc %d (%s)\n%s\n",
            what, n, (int)(n > 400 ? 400 : n), s, rg, kp_strerror(rg), gen_dump, ro,
            kp_strerror(ro), other_dump);
    CU_FAIL(what);
}

/* Same decoding as the generic path: rc, dump and (books) raw arrays. */
static void expect_same(const char *what, const struct kp_msg *m, int rg, int ro, const char *s,
                        size_t n)
{
    int dg = kp_msg_dump(gen_msg, gen_dump, DUMP_CAP);
    int dm = kp_msg_dump(m, other_dump, DUMP_CAP);

    if (rg != ro || dg != dm || strcmp(gen_dump, other_dump) != 0 ||
        (rg == 0 && gen_msg->kind == KP_BOOK && !same_book(gen_msg, m)))
        report(what, s, n, rg, ro);
}

/* Run all three decoders on s[0..n); returns what kp__parse_fast returned. */
static int check_ctx(const char *s, size_t n, kp_lookup_fn fn)
{
    int rg = kp__parse_generic(gen_msg, s, n, fn, NULL);
    int rk = kp_parse(full_msg, s, n, fn, NULL);
    int rf = kp__parse_fast(fast_msg, s, n, fn, NULL);

    expect_same("kp_parse differs from the generic path", full_msg, rg, rk, s, n);
    if (rf == 0) {
        fast_hits++;
        expect_same("the fast path accepted what the generic path decodes otherwise", fast_msg,
                    rg, rf, s, n);
    } else {
        CU_ASSERT_EQUAL(rf, KP__BAIL); /* no error codes of its own */
    }
    return rf;
}

static int check(const char *s, size_t n)
{
    int rf = check_ctx(s, n, lookup);

    check_ctx(s, n, NULL); /* every symbol unknown: must bail, never half-decode */
    return rf;
}

static int check_str(const char *s)
{
    return check(s, strlen(s));
}

/* JSON whitespace outside strings removed: the wire form of a fixture. */
static size_t compact(const char *in, size_t n, char *out)
{
    size_t o = 0;
    int in_str = 0;

    for (size_t i = 0; i < n; i++) {
        char c = in[i];

        if (in_str) {
            out[o++] = c;
            if (c == '\\' && i + 1 < n)
                out[o++] = in[++i];
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
            out[o++] = c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out[o++] = c;
        }
    }
    return o;
}

/* ---- inputs ---- */

static const char *const all_fixtures[] = {
    "v2_book_checksum_example_BTC_USD_docstrings.json",
    "v2_book_checksum_example_BTC_USD_wire.json",
    "v2_book_subscribe_ack_ALGO_USD.json",
    "v2_book_subscribe_request.json",
    "v2_book_update_BTC_USD_derived.json",
    "v2_error_subscribe_depth_not_supported_3rdparty.json",
    "v2_heartbeat.json",
    "v2_instrument_snapshot.json",
    "v2_instrument_update.json",
    "v2_nonjson_text_frame_cloudflare_3rdparty.txt",
    "v2_ohlc_snapshot.json",
    "v2_ohlc_update_live_capture_3rdparty.json",
    "v2_pong_response.json",
    "v2_status_update_live_capture_3rdparty.json",
    "v2_ticker_snapshot.json",
    "v2_ticker_update.json",
    "v2_trade_snapshot.json",
    "v2_trade_update.json",
};
#define NFIX (sizeof(all_fixtures) / sizeof(all_fixtures[0]))

/* The channels the fast path covers: compacted, each must take it. */
static const char *const hot_fixtures[] = {
    "v2_book_checksum_example_BTC_USD_docstrings.json",
    "v2_book_checksum_example_BTC_USD_wire.json",
    "v2_book_update_BTC_USD_derived.json",
    "v2_ticker_snapshot.json",
    "v2_ticker_update.json",
    "v2_trade_snapshot.json",
    "v2_trade_update.json",
};
#define NHOT (sizeof(hot_fixtures) / sizeof(hot_fixtures[0]))

/* A compact 25-level book update like the bench's (tools/bench/e2e_frames.c). */
static size_t bench_like_frame(char *f, size_t cap)
{
    size_t o = (size_t)snprintf(f, cap, "{\"channel\":\"book\",\"type\":\"update\",\"data\":"
                                        "[{\"symbol\":\"BTC/USD\",\"bids\":[");

    for (int side = 0; side < 2; side++) {
        for (int i = 0; i < (side ? 12 : 13); i++)
            o += (size_t)snprintf(f + o, cap - o, "%s{\"price\":%d.%d,\"qty\":%d.%08d}",
                                  i ? "," : "", side ? 45285 + i : 45283 - i, (7 * i) % 10,
                                  i % 3, 12345678 * (i + 1) % 100000000);
        o += (size_t)snprintf(f + o, cap - o, "%s", side ? "]" : "],\"asks\":[");
    }
    o += (size_t)snprintf(f + o, cap - o, ",\"checksum\":3310070434,"
                                          "\"timestamp\":\"2023-10-06T17:35:55.440295Z\"}]}");
    return o;
}

/* Compact hot frames, built once: the fixtures plus the bench-like frame. */
static char *hot[NHOT + 1];
static size_t hot_len[NHOT + 1];

static int load_hot(void)
{
    for (size_t i = 0; i < NHOT; i++) {
        size_t n;
        char *s = ktest_fixture(hot_fixtures[i], &n);

        hot[i] = s ? malloc(n) : NULL;
        if (hot[i] == NULL) {
            fprintf(stderr, "cannot load %s\n", hot_fixtures[i]);
            free(s);
            return -1;
        }
        hot_len[i] = compact(s, n, hot[i]);
        free(s);
    }
    hot[NHOT] = malloc(8192);
    if (hot[NHOT] == NULL)
        return -1;
    hot_len[NHOT] = bench_like_frame(hot[NHOT], 8192);
    return 0;
}

/* ---- tests ---- */

static void should_take_the_fast_path_for_every_compact_hot_frame(void)
{
    for (size_t i = 0; i <= NHOT; i++) {
        int rf = check(hot[i], hot_len[i]);

        if (rf != 0)
            fprintf(stderr, "\nfast path refused %s\n", i < NHOT ? hot_fixtures[i] : "bench");
        CU_ASSERT_EQUAL(rf, 0);
        CU_ASSERT_EQUAL(kp_parse(full_msg, hot[i], hot_len[i], lookup, NULL), 0);
    }
    CU_ASSERT_EQUAL(full_msg->u.book.nlevels, 25); /* the bench-like frame came last */
}

static void should_agree_with_the_generic_path_on_every_fixture(void)
{
    for (size_t i = 0; i < NFIX; i++) {
        size_t n;
        char *s = ktest_fixture(all_fixtures[i], &n), *c;

        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        c = malloc(n + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        check(s, n);
        check(c, compact(s, n, c));
        free(c);
        free(s);
    }
}

/* Frames one step away from the fast path's shape: each must give what the
 * generic path gives, whichever path ends up decoding it. */
static const char *const near_misses[] = {
    /* accepted shapes with unusual values */
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":0}]}",
    "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"FINE/USD\",\"bids\":"
    "[{\"price\":1e-08,\"qty\":0.100000000000000000}],\"asks\":[{\"price\":\"1.5\",\"qty\":"
    "0.000000000000000001}],\"checksum\":\"42\"}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
    "[{\"price\":-0,\"qty\":0.10}],\"asks\":[{\"price\":1.00,\"qty\":1E+2}],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"ZERO/USD\",\"bids\":"
    "[{\"price\":1.0,\"qty\":2}],\"asks\":[],\"checksum\":4294967295,\"timestamp\":\"x\"}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
    "[{\"price\":1.25,\"qty\":2}],\"asks\":[],\"checksum\":4294967296}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
    "[{\"price\":-1,\"qty\":2}],\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"NOPE/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":7,\"bids\":[],"
    "\"asks\":[],\"checksum\":1}]}",
    /* shapes the walk must refuse */
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"asks\":[],"
    "\"bids\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1,\"checksum\":2}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1,\"extra\":2}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC\\/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
    "[{\"qty\":1,\"price\":2}],\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
    "[{\"price\":1,\"qty\":2,\"qty\":3}],\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
    "[{\"price\":01,\"qty\":2}],\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
    "[{\"price\":true,\"qty\":2}],\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
    "[{\"price\":1,\"qty\":2},],\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}]} ",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}]}\n",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}]}{}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}],\"type\":\"snapshot\"}",
    "{\"channel\":\"book\",\"type\":\"Update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"timestamp\":\"2023-10-06T17:35:55.440295Z\","
    "\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1}, {\"symbol\":\"ETH/USD\",\"bids\":[],\"asks\":[],"
    "\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
    "\"asks\":[],\"checksum\":1},{\"symbol\":\"ETH/USD\",\"bids\":[],\"asks\":[],"
    "\"checksum\":1}]}",
    "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"B\xc3\xa9/USD\","
    "\"bids\":[],\"asks\":[],\"checksum\":1}]}",
    "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"MATIC/USD\",\"side\":"
    "\"buy\",\"price\":0.5117,\"qty\":40.0,\"trade_id\":4665906,\"timestamp\":"
    "\"2023-09-25T07:49:37.708706Z\"}]}",
    "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"MATIC/USD\",\"side\":"
    "\"buy\",\"price\":0.5117,\"qty\":40.0,\"ord_type\":\"iceberg\",\"trade_id\":1,"
    "\"timestamp\":\"2023-09-25T07:49:37.708706Z\"}]}",
    "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"MATIC/USD\",\"side\":"
    "\"buy\",\"price\":0.5117,\"qty\":40.0,\"ord_type\":\"limit\",\"trade_id\":1}]}",
    "{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[{\"symbol\":\"ALGO/USD\",\"bid\":1,"
    "\"bid_qty\":1,\"ask\":1,\"ask_qty\":1,\"last\":1,\"volume\":1,\"vwap\":1.123456789,"
    "\"low\":1,\"high\":1,\"change\":1,\"change_pct\":-0.175}]}",
    "{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[{\"symbol\":\"ALGO/USD\",\"bid\":1,"
    "\"bid_qty\":1,\"ask\":1,\"ask_qty\":1,\"last\":1,\"volume\":1,\"vwap\":1,"
    "\"low\":1,\"high\":1,\"change_pct\":1,\"change\":1}]}",
    "{\"channel\":\"ohlc\",\"type\":\"update\",\"data\":[]}",
    "{\"channel\":\"heartbeat\"}",
};

static void should_agree_on_near_misses_of_the_fast_shape(void)
{
    int before = fast_hits;

    for (size_t i = 0; i < sizeof(near_misses) / sizeof(near_misses[0]); i++)
        check_str(near_misses[i]);
    CU_ASSERT(fast_hits - before >= 6); /* the accepted shapes did take the fast path */
}

/* A book frame of n entries, each with `lv` bid levels: the capacity edges. */
static void should_agree_at_the_capacity_bounds(void)
{
    static const int shapes[][2] = {{64, 1}, {65, 1}, {1, 4096}, {1, 4097}, {2, 2048}, {2, 2049}};
    size_t cap = 200000;
    char *f = malloc(cap);

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        size_t o = (size_t)snprintf(f, cap, "{\"channel\":\"book\",\"type\":\"update\",\"data\":[");

        for (int e = 0; e < shapes[s][0]; e++) {
            o += (size_t)snprintf(f + o, cap - o, "%s{\"symbol\":\"BTC/USD\",\"bids\":[",
                                  e ? "," : "");
            for (int l = 0; l < shapes[s][1]; l++)
                o += (size_t)snprintf(f + o, cap - o, "%s{\"price\":%d.5,\"qty\":1}",
                                      l ? "," : "", l + 1);
            o += (size_t)snprintf(f + o, cap - o, "],\"asks\":[],\"checksum\":1}");
        }
        o += (size_t)snprintf(f + o, cap - o, "]}");
        check(f, o);
    }
    /* 1024 trades fit the fast path, 1025 do not */
    for (int n = 1024; n <= 1025; n++) {
        size_t o = (size_t)snprintf(f, cap, "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[");

        for (int k = 0; k < n; k++)
            o += (size_t)snprintf(f + o, cap - o,
                                  "%s{\"symbol\":\"MATIC/USD\",\"side\":\"sell\",\"price\":0.5,"
                                  "\"qty\":1,\"trade_id\":%d,\"timestamp\":"
                                  "\"2023-09-25T07:49:37.708706Z\"}", k ? "," : "", k);
        o += (size_t)snprintf(f + o, cap - o, "]}");
        CU_ASSERT_EQUAL(check(f, o), n <= KP_MAX_TRADES ? 0 : KP__BAIL);
    }
    free(f);
}

static void should_agree_on_every_truncation(void)
{
    for (size_t i = 0; i <= NHOT; i++) {
        for (size_t n = 0; n <= hot_len[i]; n++) {
            /* a copy of exactly n bytes, so ASan sees any read past the end */
            char *b = malloc(n ? n : 1);

            CU_ASSERT_PTR_NOT_NULL_FATAL(b);
            memcpy(b, hot[i], n);
            check_ctx(b, n, lookup);
            free(b);
        }
    }
}

static const unsigned char subst[] = {
    '"', '\\', ',', ':', '{', '}', '[', ']', ' ', '\t', '\n', '0', '1', '9', '-', '+', '.',
    'e', 'E', 'x', 'n', 't', '/', '\0', 0x01, 0x7f, 0x80, 0xc3, 0xff,
};

static void should_agree_on_every_single_byte_substitution(void)
{
    int before = fast_hits;

    for (size_t i = 0; i <= NHOT; i++) {
        size_t n = hot_len[i];
        char *b = malloc(n);

        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        for (size_t at = 0; at < n; at++) {
            for (size_t k = 0; k < sizeof(subst); k++) {
                if ((unsigned char)hot[i][at] == subst[k])
                    continue;
                memcpy(b, hot[i], n);
                b[at] = (char)subst[k];
                check_ctx(b, n, lookup);
            }
            if (CU_get_number_of_failures() > 0)
                break;
        }
        free(b);
    }
    /* many substitutions keep the shape (a digit for a digit, '-' for a
     * digit ...): the fast path decided those itself */
    CU_ASSERT(fast_hits - before > 1000);
}

/* The string lexer takes eight bytes at a time while eight remain and byte
 * by byte after that, so the last string of a frame ends in either, by its
 * alignment: timestamps of 1..9 fraction digits cover all eight. */
static void should_agree_on_substitutions_near_the_end_at_every_alignment(void)
{
    char f[512], b[512];

    for (int nd = 1; nd <= 9; nd++) {
        for (int trade = 0; trade < 2; trade++) {
            int n = snprintf(f, sizeof(f),
                             trade ? "{\"channel\":\"trade\",\"type\":\"update\",\"data\":"
                                     "[{\"symbol\":\"MATIC/USD\",\"side\":\"buy\",\"price\":"
                                     "0.5,\"qty\":1,\"trade_id\":7,\"timestamp\":"
                                     "\"2023-09-25T07:49:37.%.*sZ\"}]}"
                                   : "{\"channel\":\"book\",\"type\":\"update\",\"data\":"
                                     "[{\"symbol\":\"BTC/USD\",\"bids\":[],\"asks\":[],"
                                     "\"checksum\":1,\"timestamp\":"
                                     "\"2023-10-06T17:35:55.%.*sZ\"}]}",
                             nd, "123456789");

            CU_ASSERT_EQUAL(check(f, (size_t)n), 0);
            for (int at = n > 24 ? n - 24 : 0; at < n; at++) {
                for (size_t k = 0; k < sizeof(subst); k++) {
                    memcpy(b, f, (size_t)n);
                    b[at] = (char)subst[k];
                    check_ctx(b, (size_t)n, lookup);
                }
            }
        }
    }
}

static void should_agree_on_every_single_byte_insertion_and_deletion(void)
{
    for (size_t i = 0; i <= NHOT; i++) {
        size_t n = hot_len[i];
        char *b = malloc(n + 1);

        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        for (size_t at = 0; at <= n; at++) {
            for (size_t k = 0; k < sizeof(subst); k++) {
                memcpy(b, hot[i], at);
                b[at] = (char)subst[k];
                memcpy(b + at + 1, hot[i] + at, n - at);
                check_ctx(b, n + 1, lookup);
            }
            if (at < n) {
                memcpy(b, hot[i], at);
                memcpy(b + at, hot[i] + at + 1, n - at - 1);
                check_ctx(b, n - 1, lookup);
            }
            if (CU_get_number_of_failures() > 0)
                break;
        }
        free(b);
    }
}

int main(void)
{
    static const struct ktest_case cases[] = {
        KTEST(should_take_the_fast_path_for_every_compact_hot_frame),
        KTEST(should_agree_with_the_generic_path_on_every_fixture),
        KTEST(should_agree_on_near_misses_of_the_fast_shape),
        KTEST(should_agree_at_the_capacity_bounds),
        KTEST(should_agree_on_every_truncation),
        KTEST(should_agree_on_every_single_byte_substitution),
        KTEST(should_agree_on_substitutions_near_the_end_at_every_alignment),
        KTEST(should_agree_on_every_single_byte_insertion_and_deletion),
    };
    int rc;

    ktest_require_fixtures();
    gen_msg = kp_msg_new();
    full_msg = kp_msg_new();
    fast_msg = kp_msg_new();
    gen_dump = malloc(DUMP_CAP);
    other_dump = malloc(DUMP_CAP);
    if (!gen_msg || !full_msg || !fast_msg || !gen_dump || !other_dump)
        return 1;
    if (load_hot() < 0)
        return 1;
    rc = ktest_run("kraken_parse_fast", cases, sizeof(cases) / sizeof(cases[0]));
    for (size_t i = 0; i <= NHOT; i++)
        free(hot[i]);
    kp_msg_free(gen_msg);
    kp_msg_free(full_msg);
    kp_msg_free(fast_msg);
    free(gen_dump);
    free(other_dump);
    return rc;
}
