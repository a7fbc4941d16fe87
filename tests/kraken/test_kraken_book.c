/*
 * test_kraken_book.c — Kraken v2 book semantics (kraken_book.h): ordering,
 * deletes, repeated prices within a message, truncation, overflow beyond
 * depth, the checksum rendering rules, a randomized comparison with a naive
 * model, and the documented example end to end: the wire snapshot frame
 * decoded by kp_parse and applied gives 3310070434, then the derived update
 * frame gives 38355977.
 */
#include "kraken_book.h"
#include "kraken_crc32.h"
#include "kraken_decimal.h"
#include "kraken_parse.h"
#include "kraken_test.h"

#include <errno.h>
#include <string.h>

static int sorted(const struct kb_book *b)
{
    for (int i = 1; i < b->nbids; i++)
        if (!(b->bids[i - 1].price > b->bids[i].price))
            return 0;
    for (int i = 1; i < b->nasks; i++)
        if (!(b->asks[i - 1].price < b->asks[i].price))
            return 0;
    return 1;
}

static void should_refuse_invalid_construction(void)
{
    struct kb_book *b;

    CU_ASSERT_PTR_NULL(kb_new(0, 1, 8));
    CU_ASSERT_PTR_NULL(kb_new(KB_MAX_DEPTH + 1, 1, 8));
    CU_ASSERT_PTR_NULL(kb_new(10, -1, 8));
    CU_ASSERT_PTR_NULL(kb_new(10, 1, 19));
    b = kb_new(KB_MAX_DEPTH, 18, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->depth, KB_MAX_DEPTH);
    CU_ASSERT(b->cap > b->depth);
    CU_ASSERT_EQUAL(b->nbids + b->nasks, 0);
    kb_free(b);
    kb_free(NULL);
}

static void should_keep_bids_descending_and_asks_ascending(void)
{
    struct kb_book *b = kb_new(100, 1, 8);
    static const int64_t prices[] = {50, 10, 30, 20, 40, 60, 5};

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    for (size_t i = 0; i < sizeof(prices) / sizeof(prices[0]); i++) {
        CU_ASSERT_EQUAL(kb_apply(b, KB_BID, prices[i], 1), 0);
        CU_ASSERT_EQUAL(kb_apply(b, KB_ASK, prices[i] + 100, 1), 0);
    }
    CU_ASSERT_EQUAL(b->nbids, 7);
    CU_ASSERT_EQUAL(b->nasks, 7);
    CU_ASSERT(sorted(b));
    CU_ASSERT_EQUAL(b->bids[0].price, 60);
    CU_ASSERT_EQUAL(b->asks[0].price, 105);
    CU_ASSERT_EQUAL(b->bids[6].price, 5);
    CU_ASSERT_EQUAL(b->asks[6].price, 160);
    kb_free(b);
}

static void should_ignore_delete_of_unknown_price(void)
{
    struct kb_book *b = kb_new(10, 1, 8);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    kb_apply(b, KB_BID, 100, 5);
    CU_ASSERT_EQUAL(kb_apply(b, KB_BID, 99, 0), 0);
    CU_ASSERT_EQUAL(kb_apply(b, KB_ASK, 100, 0), 0);
    CU_ASSERT_EQUAL(b->nbids, 1);
    CU_ASSERT_EQUAL(b->nasks, 0);
    CU_ASSERT_EQUAL(b->bids[0].qty, 5);
    CU_ASSERT_EQUAL(kb_apply(b, KB_BID, 100, 0), 0);
    CU_ASSERT_EQUAL(b->nbids, 0);
    kb_free(b);
}

static void should_apply_repeated_price_of_one_message_in_order(void)
{
    struct kb_book *b = kb_new(10, 1, 8);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    kb_apply(b, KB_ASK, 200, 1);
    kb_apply(b, KB_ASK, 200, 2); /* replace */
    CU_ASSERT_EQUAL(b->nasks, 1);
    CU_ASSERT_EQUAL(b->asks[0].qty, 2);
    kb_apply(b, KB_ASK, 200, 0); /* delete */
    CU_ASSERT_EQUAL(b->nasks, 0);
    kb_apply(b, KB_ASK, 200, 3); /* re-insert */
    CU_ASSERT_EQUAL(b->nasks, 1);
    CU_ASSERT_EQUAL(b->asks[0].qty, 3);
    kb_free(b);
}

static void should_truncate_each_side_to_depth(void)
{
    struct kb_book *b = kb_new(3, 0, 0);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    for (int p = 1; p <= 6; p++) {
        kb_apply(b, KB_BID, p, 1);
        kb_apply(b, KB_ASK, 100 + p, 1);
    }
    CU_ASSERT_EQUAL(b->nbids, 6); /* beyond depth until the message ends */
    kb_truncate(b);
    CU_ASSERT_EQUAL(b->nbids, 3);
    CU_ASSERT_EQUAL(b->nasks, 3);
    CU_ASSERT_EQUAL(b->bids[2].price, 4);
    CU_ASSERT_EQUAL(b->asks[2].price, 103);
    kb_free(b);
}

static void should_expose_level_beyond_depth_after_delete_in_same_message(void)
{
    struct kb_book *b = kb_new(2, 0, 0);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    kb_apply(b, KB_ASK, 10, 1);
    kb_apply(b, KB_ASK, 11, 1);
    kb_truncate(b);
    /* one message: insert a third-best level, then delete the best */
    kb_apply(b, KB_ASK, 12, 7);
    kb_apply(b, KB_ASK, 10, 0);
    kb_truncate(b);
    CU_ASSERT_EQUAL(b->nasks, 2);
    CU_ASSERT_EQUAL(b->asks[1].price, 12);
    CU_ASSERT_EQUAL(b->asks[1].qty, 7);
    kb_free(b);
}

static void should_evict_worst_level_when_a_side_is_full(void)
{
    struct kb_book *b = kb_new(1, 0, 0);
    int cap;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    cap = b->cap;
    for (int p = 1; p <= cap + 5; p++)
        CU_ASSERT_EQUAL(kb_apply(b, KB_ASK, 1000 - p, 1), 0); /* each one better */
    CU_ASSERT_EQUAL(b->nasks, cap);
    CU_ASSERT_EQUAL(b->evicted, 5);
    CU_ASSERT_EQUAL(b->asks[0].price, 1000 - (cap + 5));
    CU_ASSERT(sorted(b));
    CU_ASSERT_EQUAL(kb_apply(b, KB_ASK, 5000, 1), 0); /* worse than all: dropped */
    CU_ASSERT_EQUAL(b->evicted, 6);
    CU_ASSERT_EQUAL(b->asks[cap - 1].price, 1000 - 6);
    kb_free(b);
}

static void should_refuse_bad_side_and_negative_values(void)
{
    struct kb_book *b = kb_new(10, 1, 8);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(kb_apply(b, 2, 1, 1), -EINVAL);
    CU_ASSERT_EQUAL(kb_apply(b, -1, 1, 1), -EINVAL);
    CU_ASSERT_EQUAL(kb_apply(b, KB_BID, -1, 1), -EINVAL);
    CU_ASSERT_EQUAL(kb_apply(b, KB_BID, 1, -1), -EINVAL);
    CU_ASSERT_EQUAL(b->nbids + b->nasks, 0);
    kb_free(b);
}

static void should_clear_on_precision_change(void)
{
    struct kb_book *b = kb_new(10, 1, 8);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    kb_apply(b, KB_BID, 1, 1);
    kb_set_precision(b, 2, 6);
    CU_ASSERT_EQUAL(b->nbids, 0);
    CU_ASSERT_EQUAL(b->price_prec, 2);
    CU_ASSERT_EQUAL(b->qty_prec, 6);
    kb_apply(b, KB_BID, 1, 1);
    kb_set_precision(b, 99, 6); /* ignored */
    CU_ASSERT_EQUAL(b->nbids, 1);
    CU_ASSERT_EQUAL(b->price_prec, 2);
    kb_free(b);
}

static void should_strip_leading_zeros_in_checksum(void)
{
    /* price 0.5 at 1 decimal -> "05" -> "5"; qty 0.00100000 -> "100000" */
    struct kb_level ask = {5, 100000};

    CU_ASSERT_EQUAL(kb_checksum_levels(&ask, 1, NULL, 0), kc_crc32(0, "5100000", 7));
}

/* The digits behind the checksum, against snprintf: every value below 10^6,
 * each power of ten and its neighbours up to INT64_MAX, and random values of
 * every length, alone and as price-qty pairs. */
static uint32_t crc_of_pair(int64_t price, int64_t qty)
{
    char txt[48];
    int n = 0;

    if (price)
        n += snprintf(txt + n, sizeof(txt) - (size_t)n, "%lld", (long long)price);
    if (qty)
        n += snprintf(txt + n, sizeof(txt) - (size_t)n, "%lld", (long long)qty);
    return kc_crc32(0, txt, (size_t)n);
}

static void check_pair(int64_t price, int64_t qty)
{
    struct kb_level lv = {price, qty};

    if (kb_checksum_levels(&lv, 1, NULL, 0) != crc_of_pair(price, qty)) {
        fprintf(stderr, "checksum digits wrong for %lld %lld\n", (long long)price, (long long)qty);
        CU_FAIL("checksum digits");
    }
}

static void should_render_checksum_digits_of_every_length(void)
{
    uint64_t st = 7;

    for (int64_t v = 0; v < 1000000; v++)
        check_pair(v, 0);
    for (int k = 0; k <= KD_MAX_PRECISION; k++) {
        int64_t p10 = kd_pow10(k);

        check_pair(p10 - 1, p10);
        check_pair(p10, p10 + 1);
        check_pair(0, p10 - 1);
    }
    check_pair(INT64_MAX, INT64_MAX);
    for (int c = 0; c < 200000; c++) {
        int64_t a = (int64_t)(ktest_rand(&st) >> (1 + ktest_rand(&st) % 63));
        int64_t b = (int64_t)(ktest_rand(&st) >> (1 + ktest_rand(&st) % 63));

        check_pair(a, b);
    }
}

/* kb_checksum reuses the text of levels it rendered before; that text must
 * follow the levels through shifts, a clear and a precision change. */
static void should_checksum_like_the_levels_after_shifts_and_clears(void)
{
    struct kb_book *b = kb_new(10, 1, 8);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 12; i++) {
            kb_apply(b, KB_BID, 1000 - i, 5 + i);
            kb_apply(b, KB_ASK, 1001 + i, 7 + i);
        }
        kb_truncate(b);
        CU_ASSERT_EQUAL(kb_checksum(b), kb_checksum_levels(b->asks, b->nasks, b->bids, b->nbids));
        kb_apply(b, KB_BID, 1000, 0);            /* every bid moves up one place */
        kb_apply(b, KB_ASK, 1000 + round, 3);    /* every ask moves down one place */
        kb_apply(b, KB_ASK, 1003, 99);           /* same price, new qty */
        kb_truncate(b);
        CU_ASSERT_EQUAL(kb_checksum(b), kb_checksum_levels(b->asks, b->nasks, b->bids, b->nbids));
        if (round == 0)
            kb_clear(b);
        else
            kb_set_precision(b, 2, 6);
        CU_ASSERT_EQUAL(kb_checksum(b), kb_checksum_levels(NULL, 0, NULL, 0));
    }
    kb_free(b);
}

static void should_checksum_what_it_has_with_fewer_than_ten_levels(void)
{
    struct kb_book *b = kb_new(10, 1, 8);

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(kb_checksum(b), kc_crc32(0, "", 0));
    kb_apply(b, KB_ASK, 452852, 100000);
    kb_apply(b, KB_BID, 452835, 10000000);
    kb_apply(b, KB_BID, 452834, 154582015);
    {
        /* asks first, then bids: price digits then qty digits per level */
        static const char want[] = "452852" "100000" "452835" "10000000" "452834" "154582015";

        CU_ASSERT_EQUAL(kb_checksum(b), kc_crc32(0, want, sizeof(want) - 1));
    }
    kb_free(b);
}

static void should_checksum_only_the_top_ten_levels(void)
{
    struct kb_book *b = kb_new(25, 2, 4);
    uint32_t c10;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    for (int i = 0; i < 10; i++) {
        kb_apply(b, KB_BID, 1000 - i, 5 + i);
        kb_apply(b, KB_ASK, 2000 + i, 7 + i);
    }
    c10 = kb_checksum(b);
    kb_apply(b, KB_BID, 500, 1);  /* 11th bid, worse */
    kb_apply(b, KB_ASK, 2500, 1); /* 11th ask, worse */
    CU_ASSERT_EQUAL(kb_checksum(b), c10);
    kb_apply(b, KB_BID, 1001, 1); /* a better bid changes it */
    CU_ASSERT_NOT_EQUAL(kb_checksum(b), c10);
    kb_free(b);
}

/* Naive model: unsorted array with linear search, sorted on demand. */
struct model {
    struct kb_level lv[2][4096];
    int n[2];
};

static void model_apply(struct model *m, int side, int64_t price, int64_t qty)
{
    for (int i = 0; i < m->n[side]; i++) {
        if (m->lv[side][i].price == price) {
            if (qty == 0)
                m->lv[side][i] = m->lv[side][--m->n[side]];
            else
                m->lv[side][i].qty = qty;
            return;
        }
    }
    if (qty)
        m->lv[side][m->n[side]++] = (struct kb_level){price, qty};
}

static int cmp_desc(const void *a, const void *b)
{
    int64_t x = ((const struct kb_level *)a)->price, y = ((const struct kb_level *)b)->price;

    return (x < y) - (x > y);
}

static int cmp_asc(const void *a, const void *b)
{
    return -cmp_desc(a, b);
}

static void model_truncate(struct model *m, int depth)
{
    qsort(m->lv[0], (size_t)m->n[0], sizeof(struct kb_level), cmp_desc);
    qsort(m->lv[1], (size_t)m->n[1], sizeof(struct kb_level), cmp_asc);
    for (int s = 0; s < 2; s++)
        if (m->n[s] > depth)
            m->n[s] = depth;
}

static void should_match_a_naive_model_under_random_messages(void)
{
    static struct model m;
    struct kb_book *b = kb_new(25, 1, 8);
    uint64_t st = 99;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    memset(&m, 0, sizeof(m));
    for (int msg = 0; msg < 3000; msg++) {
        int nlev = 1 + (int)(ktest_rand(&st) % 12);

        for (int k = 0; k < nlev; k++) {
            int side = (int)(ktest_rand(&st) & 1);
            int64_t price = side == KB_BID ? 1000 - (int64_t)(ktest_rand(&st) % 60)
                                           : 1001 + (int64_t)(ktest_rand(&st) % 60);
            int64_t qty = ktest_rand(&st) % 3 == 0 ? 0 : 1 + (int64_t)(ktest_rand(&st) % 1000);

            CU_ASSERT_EQUAL_FATAL(kb_apply(b, side, price, qty), 0);
            model_apply(&m, side, price, qty);
        }
        kb_truncate(b);
        model_truncate(&m, 25);
        CU_ASSERT_EQUAL_FATAL(b->nbids, m.n[0]);
        CU_ASSERT_EQUAL_FATAL(b->nasks, m.n[1]);
        CU_ASSERT_FATAL(memcmp(b->bids, m.lv[0], (size_t)m.n[0] * sizeof(struct kb_level)) == 0);
        CU_ASSERT_FATAL(memcmp(b->asks, m.lv[1], (size_t)m.n[1] * sizeof(struct kb_level)) == 0);
        CU_ASSERT_EQUAL_FATAL(kb_checksum(b), kb_checksum_levels(m.lv[1], m.n[1], m.lv[0], m.n[0]));
    }
    kb_free(b);
}

static int btc_lookup(void *ctx, const char *sym, size_t len, struct kp_symbol_info *out)
{
    (void)ctx;
    if (len == 7 && memcmp(sym, "BTC/USD", 7) == 0) {
        out->id = 1;
        out->price_prec = 1;
        out->qty_prec = 8;
        return 0;
    }
    return -1;
}

static void apply_frame(struct kb_book *b, struct kp_msg *m, const char *fixture)
{
    size_t len;
    char *text = ktest_fixture(fixture, &len);

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL_FATAL(kp_parse(m, text, len, btc_lookup, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(m->kind, KP_BOOK);
    CU_ASSERT_EQUAL_FATAL(m->u.book.nentries, 1);
    {
        const struct kp_book_entry *e = &m->u.book.entries[0];
        const struct kb_level *bids = kp_book_bids(m, e), *asks = kp_book_asks(m, e);

        if (m->snapshot)
            kb_clear(b);
        for (uint32_t i = 0; i < e->nbids; i++)
            CU_ASSERT_EQUAL(kb_apply(b, KB_BID, bids[i].price, bids[i].qty), 0);
        for (uint32_t i = 0; i < e->nasks; i++)
            CU_ASSERT_EQUAL(kb_apply(b, KB_ASK, asks[i].price, asks[i].qty), 0);
        kb_truncate(b);
    }
    free(text);
}

static void should_reproduce_documented_checksums_from_wire_frames(void)
{
    struct kb_book *b = kb_new(10, 1, 8);
    struct kp_msg *m = kp_msg_new();

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    apply_frame(b, m, "v2_book_checksum_example_BTC_USD_wire.json");
    CU_ASSERT_EQUAL(m->snapshot, 1);
    CU_ASSERT_EQUAL(kb_checksum(b), 3310070434u);
    CU_ASSERT_EQUAL(kb_checksum(b), m->u.book.entries[0].checksum);
    apply_frame(b, m, "v2_book_update_BTC_USD_derived.json");
    CU_ASSERT_EQUAL(m->snapshot, 0);
    CU_ASSERT_EQUAL(b->bids[0].qty, 20000000);
    CU_ASSERT_EQUAL(kb_checksum(b), 38355977u);
    CU_ASSERT_EQUAL(kb_checksum(b), m->u.book.entries[0].checksum);
    /* the documentation's string-valued copy of the snapshot agrees */
    apply_frame(b, m, "v2_book_checksum_example_BTC_USD_docstrings.json");
    CU_ASSERT_EQUAL(kb_checksum(b), 3310070434u);
    kp_msg_free(m);
    kb_free(b);
}

int main(void)
{
    static const struct ktest_case cases[] = {
        KTEST(should_refuse_invalid_construction),
        KTEST(should_keep_bids_descending_and_asks_ascending),
        KTEST(should_ignore_delete_of_unknown_price),
        KTEST(should_apply_repeated_price_of_one_message_in_order),
        KTEST(should_truncate_each_side_to_depth),
        KTEST(should_expose_level_beyond_depth_after_delete_in_same_message),
        KTEST(should_evict_worst_level_when_a_side_is_full),
        KTEST(should_refuse_bad_side_and_negative_values),
        KTEST(should_clear_on_precision_change),
        KTEST(should_strip_leading_zeros_in_checksum),
        KTEST(should_render_checksum_digits_of_every_length),
        KTEST(should_checksum_what_it_has_with_fewer_than_ten_levels),
        KTEST(should_checksum_only_the_top_ten_levels),
        KTEST(should_match_a_naive_model_under_random_messages),
        KTEST(should_checksum_like_the_levels_after_shifts_and_clears),
        KTEST(should_reproduce_documented_checksums_from_wire_frames),
    };

    ktest_require_fixtures();
    return ktest_run("kraken_book", cases, sizeof(cases) / sizeof(cases[0]));
}
