/*
 * kraken_parse.c — the hot-path frame decoder (kp_parse), on kraken_json
 * tokens. Rules and output are specified in kraken_parse.h; the cJSON twin
 * in kraken_parse_ref.c must stay step-for-step parallel to this file.
 *
 * Cost model: one tokenizer pass over the bytes, then per object one pass
 * over its keys to find the known fields (first occurrence wins), then the
 * fields are read in schema order. Text is used in place unless it carries
 * escapes, so a typical book update allocates nothing and copies nothing
 * but the results.
 *
 * Fast path: kp_parse first tries kp__parse_fast, which lets
 * kraken_parse_fast.c match the exact compact text Kraken sends for book,
 * trade and ticker frames (no token tree, no key search) and decodes its
 * tokens with the helpers below, in the generic order. Any other text, and
 * any frame that fails, is decoded again from scratch by the generic path
 * (kp__parse_generic), so errors and every other result are the generic
 * path's by construction; tests/kraken/test_kraken_parse_fast.c and
 * tests/fuzz/fuzz_frame.c check that the two agree.
 */
#include "kraken_parse.h"
#include "kraken_parse_impl.h"
#include "kraken_decimal.h"

#include <errno.h>
#include <string.h>

#define NONE UINT32_MAX

#define TRY(e)                  \
    do {                        \
        int rc_ = (e);          \
        if (rc_ < 0)            \
            return rc_;         \
    } while (0)

struct fp {
    const char *js;
    const struct kj_token *t;
    struct kp_msg *m;
    kp_lookup_fn lookup;
    void *ctx;
};

static inline uint16_t load16(const char *p)
{
    uint16_t v;

    memcpy(&v, p, 2); /* alignment-safe */
    return v;
}

static inline uint32_t load32(const char *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t load64(const char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

/* a[0..n) == b[0..n) for short n: two overlapping loads, never past n,
 * instead of a byte loop or a call to memcmp. */
static inline int short_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16)
        return load64(a) == load64(b) && load64(a + n - 8) == load64(b + n - 8);
    if (n >= 4 && n < 8)
        return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
    if (n >= 2 && n < 4)
        return load16(a) == load16(b) && load16(a + n - 2) == load16(b + n - 2);
    if (n < 2)
        return n == 0 || a[0] == b[0];
    return memcmp(a, b, n) == 0;
}

static inline int key_eq(const struct fp *p, const struct kj_token *k, const struct kp__name *f)
{
    if (!(k->flags & KJ_F_ESCAPED))
        return k->end - k->start == f->n && short_eq(p->js + k->start, f->s, f->n);
    return kj_streq(p->js, k, f->s, f->n);
}

/* slot[k] = token index of the value of the first member named f[k], or NONE. */
static void fields(const struct fp *p, uint32_t obj, const struct kp__name *f, int nf,
                   uint32_t *slot)
{
    const struct kj_token *t = p->t;
    uint32_t i = obj + 1;

    for (int k = 0; k < nf; k++)
        slot[k] = NONE;
    for (uint32_t m = 0; m < t[obj].size; m++) {
        uint32_t v = i + 1;

        /* Kraken sends the members of a book level or entry in schema order:
         * try the name at the member's own position first. Names in f are
         * distinct, so this finds what the scan below would. */
        if (m < (uint32_t)nf && slot[m] == NONE && key_eq(p, &t[i], &f[m])) {
            slot[m] = v;
        } else {
            for (int k = 0; k < nf; k++) {
                if (slot[k] == NONE && key_eq(p, &t[i], &f[k])) {
                    slot[k] = v;
                    break;
                }
            }
        }
        i = t[v].next;
    }
}

static inline int req(uint32_t i)
{
    return i == NONE ? KP_E_FIELD : 0;
}

static inline int is_type(const struct fp *p, uint32_t i, int type)
{
    return p->t[i].type == type;
}

/* Text of a string (decoded) or number (verbatim) token; buf is used only
 * for escaped strings. KP_E_TOO_LONG if the text needs cap bytes or more. */
static int text(const struct fp *p, uint32_t i, char *buf, size_t cap, const char **s, size_t *n)
{
    const struct kj_token *t = &p->t[i];

    if (t->type != KJ_STRING && t->type != KJ_NUMBER)
        return KP_E_FIELD;
    if (t->flags & KJ_F_ESCAPED) {
        int rc = kj_unescape(p->js + t->start, t->end - t->start, buf, cap, n);

        if (rc < 0)
            return rc == -ENOSPC ? KP_E_TOO_LONG : KP_E_MALFORMED;
        *s = buf;
        return 0;
    }
    *n = t->end - t->start;
    if (*n >= cap)
        return KP_E_TOO_LONG;
    *s = p->js + t->start;
    return 0;
}

static int get_copy(const struct fp *p, uint32_t i, char *dst, size_t cap)
{
    const char *s;
    size_t n;

    TRY(text(p, i, dst, cap, &s, &n));
    if (s != dst)
        return kp__copy(s, n, dst, cap);
    return 0;
}

/* Index of the text in words, -1 if it is none of them. */
static int get_word(const struct fp *p, uint32_t i, const char *const *words, int nw, int *w)
{
    char buf[KP__WORD_MAX];
    const char *s;
    size_t n;
    int rc = text(p, i, buf, sizeof(buf), &s, &n);

    if (rc == KP_E_TOO_LONG) {
        *w = -1;
        return 0;
    }
    if (rc < 0)
        return rc;
    *w = kp__word(s, n, words, nw);
    return 0;
}

#define NUMTEXT(p, i)                                          \
    char buf[KP_NUM_TEXT_MAX];                                 \
    const char *s;                                             \
    size_t n;                                                  \
    int rc = text(p, i, buf, sizeof(buf), &s, &n);             \
    if (rc < 0)                                                \
        return rc == KP_E_TOO_LONG ? KP_E_NUMBER : rc

static int get_num_text(const struct fp *p, uint32_t i, int prec, int64_t *out)
{
    NUMTEXT(p, i);
    return kp__num(s, n, prec, out);
}

/* Numbers the tokenizer already converted skip the text. */
static inline int get_num(const struct fp *p, uint32_t i, int prec, int64_t *out)
{
    const struct kj_token *t = &p->t[i];

    if ((t->flags & KJ_F_DIGITS) &&
        kd_scale_digits(t->digits, t->nfrac, p->js[t->start] == '-', prec, out))
        return 0;
    return get_num_text(p, i, prec, out);
}

static int get_num_round(const struct fp *p, uint32_t i, int prec, int64_t *out, int *inexact)
{
    NUMTEXT(p, i);
    return kp__num_round(s, n, prec, out, inexact);
}

static int get_u64(const struct fp *p, uint32_t i, uint64_t *out)
{
    NUMTEXT(p, i);
    return kp__u64(s, n, out);
}

static int get_u32(const struct fp *p, uint32_t i, uint32_t *out)
{
    NUMTEXT(p, i);
    return kp__u32(s, n, out);
}

static int get_i64(const struct fp *p, uint32_t i, int64_t *out)
{
    NUMTEXT(p, i);
    return kp__i64(s, n, out);
}

static int get_int(const struct fp *p, uint32_t i, int lo, int hi, int *out)
{
    NUMTEXT(p, i);
    return kp__int_range(s, n, lo, hi, out);
}

static int get_time(const struct fp *p, uint32_t i, int64_t *out)
{
    char buf[KP__TIME_MAX];
    const char *s;
    size_t n;
    int rc = text(p, i, buf, sizeof(buf), &s, &n);

    if (rc < 0)
        return rc == KP_E_TOO_LONG ? KP_E_VALUE : rc;
    return kp__time(s, n, out);
}

static int get_bool(const struct fp *p, uint32_t i, int *out)
{
    if (p->t[i].type == KJ_TRUE)
        *out = 1;
    else if (p->t[i].type == KJ_FALSE)
        *out = 0;
    else
        return KP_E_FIELD;
    return 0;
}

static int get_symbol(const struct fp *p, uint32_t i, struct kp_symbol_info *si)
{
    char buf[KP_SYMBOL_MAX];
    const char *s;
    size_t n;

    TRY(req(i));
    TRY(text(p, i, buf, sizeof(buf), &s, &n));
    return kp__lookup(p->lookup, p->ctx, s, n, si);
}

/* ---- channel messages ---- */

static int status(const struct fp *p, uint32_t data)
{
    struct kp_status *st = &p->m->u.status;
    uint32_t f[ST_N], e = data + 1;

    memset(st, 0, sizeof(*st));
    if (p->t[data].size == 0 || !is_type(p, e, KJ_OBJECT))
        return KP_E_FIELD;
    fields(p, e, kp__status_f, ST_N, f);
    TRY(req(f[ST_SYSTEM]));
    TRY(get_copy(p, f[ST_SYSTEM], st->system, sizeof(st->system)));
    if (f[ST_API_VERSION] != NONE)
        TRY(get_copy(p, f[ST_API_VERSION], st->api_version, sizeof(st->api_version)));
    if (f[ST_CONNECTION_ID] != NONE) {
        TRY(get_u64(p, f[ST_CONNECTION_ID], &st->connection_id));
        st->has_connection_id = 1;
    }
    if (f[ST_VERSION] != NONE)
        TRY(get_copy(p, f[ST_VERSION], st->version, sizeof(st->version)));
    return 0;
}

/* fields() for a book level, with a shortcut for the shape Kraken sends:
 * {"price":<scalar>,"qty":<scalar>}, in that order and nothing else. */
static inline void level_fields(const struct fp *p, uint32_t obj, uint32_t *f)
{
    const struct kj_token *t = p->t;

    if (t[obj].size == 2 && t[obj + 2].next == obj + 3 &&
        key_eq(p, &t[obj + 1], &kp__level_f[L_PRICE]) &&
        key_eq(p, &t[obj + 3], &kp__level_f[L_QTY])) {
        f[L_PRICE] = obj + 2;
        f[L_QTY] = obj + 4;
        return;
    }
    fields(p, obj, kp__level_f, L_N, f);
}

/* Append the level whose price and qty are tokens price, qty (the caller
 * checked the capacity). */
static inline int put_level(const struct fp *p, uint32_t price, uint32_t qty,
                            const struct kp_symbol_info *si)
{
    struct kp_book_msg *b = &p->m->u.book;
    struct kb_level *lv = &b->levels[b->nlevels];

    TRY(req(price));
    TRY(get_num(p, price, si->price_prec, &lv->price));
    TRY(req(qty));
    TRY(get_num(p, qty, si->qty_prec, &lv->qty));
    if (lv->price < 0 || lv->qty < 0)
        return KP_E_VALUE;
    b->nlevels++;
    return 0;
}

static int levels(const struct fp *p, uint32_t arr, const struct kp_symbol_info *si,
                  uint32_t *first, uint32_t *count)
{
    struct kp_book_msg *b = &p->m->u.book;
    const struct kj_token *t = p->t;
    uint32_t i;

    *first = b->nlevels;
    *count = 0;
    if (arr == NONE)
        return 0;
    if (t[arr].type != KJ_ARRAY)
        return KP_E_FIELD;
    i = arr + 1;
    for (uint32_t k = 0; k < t[arr].size; k++, i = t[i].next) {
        uint32_t f[L_N];

        if (b->nlevels == KP_MAX_LEVELS)
            return KP_E_CAPACITY;
        if (t[i].type != KJ_OBJECT)
            return KP_E_FIELD;
        level_fields(p, i, f);
        TRY(put_level(p, f[L_PRICE], f[L_QTY], si));
        (*count)++;
    }
    return 0;
}

/* A book entry's symbol, looked up (its first step). */
static int entry_symbol(const struct fp *p, uint32_t sym, struct kp_book_entry *e,
                        struct kp_symbol_info *si)
{
    TRY(get_symbol(p, sym, si));
    e->symbol_id = si->id;
    e->price_prec = si->price_prec;
    e->qty_prec = si->qty_prec;
    return 0;
}

/* A book entry's checksum and timestamp (its last steps). */
static int entry_tail(const struct fp *p, uint32_t checksum, uint32_t ts,
                      struct kp_book_entry *e)
{
    TRY(req(checksum));
    TRY(get_u32(p, checksum, &e->checksum));
    e->ts_ns = 0;
    if (ts != NONE)
        TRY(get_time(p, ts, &e->ts_ns));
    return 0;
}

static int book(const struct fp *p, uint32_t data)
{
    struct kp_book_msg *b = &p->m->u.book;
    const struct kj_token *t = p->t;
    uint32_t i = data + 1;

    b->nentries = 0;
    b->nlevels = 0;
    for (uint32_t k = 0; k < t[data].size; k++, i = t[i].next) {
        struct kp_book_entry *e = &b->entries[b->nentries];
        struct kp_symbol_info si;
        uint32_t f[B_N];

        if (b->nentries == KP_MAX_ENTRIES)
            return KP_E_CAPACITY;
        if (t[i].type != KJ_OBJECT)
            return KP_E_FIELD;
        fields(p, i, kp__book_f, B_N, f);
        TRY(entry_symbol(p, f[B_SYMBOL], e, &si));
        TRY(levels(p, f[B_BIDS], &si, &e->bid_first, &e->nbids));
        TRY(levels(p, f[B_ASKS], &si, &e->ask_first, &e->nasks));
        TRY(entry_tail(p, f[B_CHECKSUM], f[B_TIMESTAMP], e));
        b->nentries++;
    }
    return 0;
}

/* One trade from its field slots (f[TR_*], NONE when absent). */
static int trade_fields(const struct fp *p, const uint32_t *f, struct kp_trade *tr)
{
    struct kp_symbol_info si;
    int w;

    TRY(get_symbol(p, f[TR_SYMBOL], &si));
    tr->symbol_id = si.id;
    tr->price_prec = si.price_prec;
    tr->qty_prec = si.qty_prec;
    TRY(req(f[TR_SIDE]));
    TRY(get_word(p, f[TR_SIDE], kp__sides, 2, &w));
    if (w < 0)
        return KP_E_VALUE;
    tr->side = w == 0 ? KP_SIDE_BUY : KP_SIDE_SELL;
    TRY(req(f[TR_PRICE]));
    TRY(get_num(p, f[TR_PRICE], si.price_prec, &tr->price));
    TRY(req(f[TR_QTY]));
    TRY(get_num(p, f[TR_QTY], si.qty_prec, &tr->qty));
    if (tr->price < 0 || tr->qty < 0)
        return KP_E_VALUE;
    tr->ord_type = KP_ORD_OTHER;
    if (f[TR_ORD_TYPE] != NONE) {
        TRY(get_word(p, f[TR_ORD_TYPE], kp__ord_types, 2, &w));
        tr->ord_type = w == 0 ? KP_ORD_LIMIT : w == 1 ? KP_ORD_MARKET : KP_ORD_OTHER;
    }
    TRY(req(f[TR_TRADE_ID]));
    TRY(get_u64(p, f[TR_TRADE_ID], &tr->trade_id));
    TRY(req(f[TR_TIMESTAMP]));
    TRY(get_time(p, f[TR_TIMESTAMP], &tr->ts_ns));
    return 0;
}

static int trade(const struct fp *p, uint32_t data)
{
    struct kp_trade_msg *tm = &p->m->u.trade;
    const struct kj_token *t = p->t;
    uint32_t i = data + 1;

    tm->ntrades = 0;
    for (uint32_t k = 0; k < t[data].size; k++, i = t[i].next) {
        uint32_t f[TR_N];

        if (tm->ntrades == KP_MAX_TRADES)
            return KP_E_CAPACITY;
        if (t[i].type != KJ_OBJECT)
            return KP_E_FIELD;
        fields(p, i, kp__trade_f, TR_N, f);
        TRY(trade_fields(p, f, &tm->trades[tm->ntrades]));
        tm->ntrades++;
    }
    return 0;
}

/* One ticker from its field slots (f[TK_*], NONE when absent). */
static int ticker_fields(const struct fp *p, const uint32_t *f, struct kp_ticker *tk)
{
    struct kp_symbol_info si;

    TRY(get_symbol(p, f[TK_SYMBOL], &si));
    tk->symbol_id = si.id;
    tk->price_prec = si.price_prec;
    tk->qty_prec = si.qty_prec;
    tk->inexact = 0;
    for (int j = 0; j < kp__nticker_nums; j++) {
        const struct kp__numfield *nf = &kp__ticker_nums[j];

        TRY(req(f[nf->field]));
        TRY(get_num_round(p, f[nf->field], kp__prec_of(&si, nf->prec),
                          (int64_t *)(void *)((char *)tk + nf->off), &tk->inexact));
    }
    tk->ts_ns = 0;
    if (f[TK_TIMESTAMP] != NONE)
        TRY(get_time(p, f[TK_TIMESTAMP], &tk->ts_ns));
    return 0;
}

static int ticker(const struct fp *p, uint32_t data)
{
    struct kp_ticker_msg *tm = &p->m->u.ticker;
    const struct kj_token *t = p->t;
    uint32_t i = data + 1;

    tm->ntickers = 0;
    for (uint32_t k = 0; k < t[data].size; k++, i = t[i].next) {
        uint32_t f[TK_N];

        if (tm->ntickers == KP_MAX_ENTRIES)
            return KP_E_CAPACITY;
        if (t[i].type != KJ_OBJECT)
            return KP_E_FIELD;
        fields(p, i, kp__ticker_f, TK_N, f);
        TRY(ticker_fields(p, f, &tm->tickers[tm->ntickers]));
        tm->ntickers++;
    }
    return 0;
}

static int ohlc(const struct fp *p, uint32_t data)
{
    struct kp_ohlc_msg *om = &p->m->u.ohlc;
    const struct kj_token *t = p->t;
    uint32_t i = data + 1;

    om->ncandles = 0;
    for (uint32_t k = 0; k < t[data].size; k++, i = t[i].next) {
        struct kp_candle *c = &om->candles[om->ncandles];
        struct kp_symbol_info si;
        uint32_t f[OH_N];

        if (om->ncandles == KP_MAX_CANDLES)
            return KP_E_CAPACITY;
        if (t[i].type != KJ_OBJECT)
            return KP_E_FIELD;
        fields(p, i, kp__ohlc_f, OH_N, f);
        TRY(get_symbol(p, f[OH_SYMBOL], &si));
        c->symbol_id = si.id;
        c->price_prec = si.price_prec;
        c->qty_prec = si.qty_prec;
        c->inexact = 0;
        for (int j = 0; j < kp__nohlc_nums; j++) {
            const struct kp__numfield *nf = &kp__ohlc_nums[j];

            TRY(req(f[nf->field]));
            TRY(get_num_round(p, f[nf->field], kp__prec_of(&si, nf->prec),
                              (int64_t *)(void *)((char *)c + nf->off), &c->inexact));
        }
        TRY(req(f[OH_TRADES]));
        TRY(get_u64(p, f[OH_TRADES], &c->trades));
        TRY(req(f[OH_INTERVAL_BEGIN]));
        TRY(get_time(p, f[OH_INTERVAL_BEGIN], &c->interval_begin_ns));
        TRY(req(f[OH_INTERVAL]));
        TRY(get_int(p, f[OH_INTERVAL], 1, INT32_MAX, &c->interval_min));
        c->ts_ns = 0;
        if (f[OH_TIMESTAMP] != NONE)
            TRY(get_time(p, f[OH_TIMESTAMP], &c->ts_ns));
        om->ncandles++;
    }
    return 0;
}

static int instrument(const struct fp *p, uint32_t data)
{
    struct kp_instrument_msg *im = &p->m->u.instrument;
    const struct kj_token *t = p->t;
    uint32_t f[IN_N], arr, i;

    im->npairs = 0;
    fields(p, data, kp__instrument_f, IN_N, f);
    arr = f[IN_PAIRS];
    if (arr == NONE)
        return 0;
    if (t[arr].type != KJ_ARRAY)
        return KP_E_FIELD;
    i = arr + 1;
    for (uint32_t k = 0; k < t[arr].size; k++, i = t[i].next) {
        struct kp_pair *pr = &im->pairs[im->npairs];
        uint32_t g[P_N];

        if (im->npairs == KP_MAX_PAIRS)
            return KP_E_CAPACITY;
        if (t[i].type != KJ_OBJECT)
            return KP_E_FIELD;
        fields(p, i, kp__pair_f, P_N, g);
        memset(pr, 0, sizeof(*pr));
        TRY(req(g[P_SYMBOL]));
        TRY(get_copy(p, g[P_SYMBOL], pr->symbol, sizeof(pr->symbol)));
        if (g[P_BASE] != NONE)
            TRY(get_copy(p, g[P_BASE], pr->base, sizeof(pr->base)));
        if (g[P_QUOTE] != NONE)
            TRY(get_copy(p, g[P_QUOTE], pr->quote, sizeof(pr->quote)));
        TRY(req(g[P_STATUS]));
        TRY(get_copy(p, g[P_STATUS], pr->status, sizeof(pr->status)));
        TRY(req(g[P_PRICE_PRECISION]));
        TRY(get_int(p, g[P_PRICE_PRECISION], 0, KD_MAX_PRECISION, &pr->price_prec));
        TRY(req(g[P_QTY_PRECISION]));
        TRY(get_int(p, g[P_QTY_PRECISION], 0, KD_MAX_PRECISION, &pr->qty_prec));
        if (g[P_PRICE_INCREMENT] != NONE)
            TRY(get_num_round(p, g[P_PRICE_INCREMENT], pr->price_prec, &pr->price_increment,
                              &pr->inexact));
        if (g[P_QTY_INCREMENT] != NONE)
            TRY(get_num_round(p, g[P_QTY_INCREMENT], pr->qty_prec, &pr->qty_increment,
                              &pr->inexact));
        if (g[P_QTY_MIN] != NONE)
            TRY(get_num_round(p, g[P_QTY_MIN], pr->qty_prec, &pr->qty_min, &pr->inexact));
        im->npairs++;
    }
    return 0;
}

static int channel_msg(const struct fp *p, const uint32_t *f)
{
    struct kp_msg *m = p->m;
    uint32_t data;
    int ch, kind, w, snap = -1;

    TRY(get_word(p, f[T_CHANNEL], kp__channels, CH_N, &ch));
    if (ch < 0)
        return KP_E_CHANNEL;
    kind = kp__channel_kind[ch];
    if (kind == KP_HEARTBEAT) {
        m->kind = kind;
        return 0;
    }
    if (f[T_TYPE] != NONE) {
        TRY(get_word(p, f[T_TYPE], kp__types, 2, &w));
        if (w < 0)
            return KP_E_VALUE;
        snap = w == 0;
    } else if (kind != KP_STATUS) {
        return KP_E_FIELD;
    }
    if (f[T_TIMESTAMP] != NONE)
        TRY(get_time(p, f[T_TIMESTAMP], &m->ts_ns));
    data = f[T_DATA];
    TRY(req(data));
    if (!is_type(p, data, kind == KP_INSTRUMENT ? KJ_OBJECT : KJ_ARRAY))
        return KP_E_FIELD;
    switch (kind) {
    case KP_STATUS: TRY(status(p, data)); break;
    case KP_BOOK: TRY(book(p, data)); break;
    case KP_TRADE: TRY(trade(p, data)); break;
    case KP_TICKER: TRY(ticker(p, data)); break;
    case KP_OHLC: TRY(ohlc(p, data)); break;
    default: TRY(instrument(p, data)); break;
    }
    m->snapshot = snap;
    m->kind = kind;
    return 0;
}

/* ---- responses and requests ---- */

static int ack_result(const struct fp *p, uint32_t res, struct kp_response *r)
{
    const struct kj_token *t = p->t;
    uint32_t f[R_N];

    TRY(req(res));
    if (t[res].type != KJ_OBJECT)
        return KP_E_FIELD;
    fields(p, res, kp__result_f, R_N, f);
    TRY(req(f[R_CHANNEL]));
    TRY(get_copy(p, f[R_CHANNEL], r->channel, sizeof(r->channel)));
    if (f[R_SYMBOL] != NONE)
        TRY(get_copy(p, f[R_SYMBOL], r->symbol, sizeof(r->symbol)));
    if (f[R_DEPTH] != NONE)
        TRY(get_int(p, f[R_DEPTH], 0, INT32_MAX, &r->depth));
    if (f[R_INTERVAL] != NONE)
        TRY(get_int(p, f[R_INTERVAL], 0, INT32_MAX, &r->interval));
    if (f[R_SNAPSHOT] != NONE)
        TRY(get_bool(p, f[R_SNAPSHOT], &r->snapshot));
    if (f[R_EVENT_TRIGGER] != NONE)
        TRY(get_copy(p, f[R_EVENT_TRIGGER], r->event_trigger, sizeof(r->event_trigger)));
    if (f[R_WARNINGS] != NONE) {
        uint32_t arr = f[R_WARNINGS], i = arr + 1;

        if (t[arr].type != KJ_ARRAY)
            return KP_E_FIELD;
        for (uint32_t k = 0; k < t[arr].size; k++, i = t[i].next) {
            if (k == 0)
                TRY(get_copy(p, i, r->warning, sizeof(r->warning)));
            else if (t[i].type != KJ_STRING && t[i].type != KJ_NUMBER)
                return KP_E_FIELD;
        }
        r->nwarnings = (int)t[arr].size;
    }
    return 0;
}

static int request(const struct fp *p, const uint32_t *f, const char *method)
{
    struct kp_request *q = &p->m->u.req;
    const struct kj_token *t = p->t;
    uint32_t g[Q_N], par = f[T_PARAMS];

    memset(q, 0, offsetof(struct kp_request, symbols));
    q->snapshot = -1;
    TRY(kp__copy(method, strlen(method), q->method, sizeof(q->method)));
    if (f[T_REQ_ID] != NONE) {
        TRY(get_i64(p, f[T_REQ_ID], &q->req_id));
        q->has_req_id = 1;
    }
    if (par == NONE)
        return strcmp(method, "ping") == 0 ? 0 : KP_E_FIELD;
    if (t[par].type != KJ_OBJECT)
        return KP_E_FIELD;
    fields(p, par, kp__params_f, Q_N, g);
    TRY(req(g[Q_CHANNEL]));
    TRY(get_copy(p, g[Q_CHANNEL], q->channel, sizeof(q->channel)));
    if (g[Q_SYMBOL] != NONE) {
        uint32_t arr = g[Q_SYMBOL], i = arr + 1;

        if (t[arr].type != KJ_ARRAY)
            return KP_E_FIELD;
        for (uint32_t k = 0; k < t[arr].size; k++, i = t[i].next) {
            if (q->nsymbols == KP_MAX_REQ_SYMBOLS)
                return KP_E_CAPACITY;
            TRY(get_copy(p, i, q->symbols[q->nsymbols], KP_SYMBOL_MAX));
            q->nsymbols++;
        }
    }
    if (g[Q_DEPTH] != NONE)
        TRY(get_int(p, g[Q_DEPTH], 0, INT32_MAX, &q->depth));
    if (g[Q_INTERVAL] != NONE)
        TRY(get_int(p, g[Q_INTERVAL], 0, INT32_MAX, &q->interval));
    if (g[Q_SNAPSHOT] != NONE)
        TRY(get_bool(p, g[Q_SNAPSHOT], &q->snapshot));
    return 0;
}

static int response(const struct fp *p, const uint32_t *f)
{
    struct kp_response *r = &p->m->u.resp;
    char method[KP_NAME_MAX] = "";
    int success = -1, kind;

    if (f[T_METHOD] != NONE)
        TRY(get_copy(p, f[T_METHOD], method, sizeof(method)));
    if (f[T_SUCCESS] != NONE)
        TRY(get_bool(p, f[T_SUCCESS], &success));
    kind = kp__response_kind(method, success);
    if (kind < 0)
        return kind;
    if (kind == KP_REQUEST) {
        TRY(request(p, f, method));
        p->m->kind = kind;
        return 0;
    }
    memset(r, 0, sizeof(*r));
    r->success = success;
    r->snapshot = -1;
    memcpy(r->method, method, sizeof(method));
    if (f[T_REQ_ID] != NONE) {
        TRY(get_i64(p, f[T_REQ_ID], &r->req_id));
        r->has_req_id = 1;
    }
    if (f[T_TIME_IN] != NONE)
        TRY(get_time(p, f[T_TIME_IN], &r->time_in_ns));
    if (f[T_TIME_OUT] != NONE)
        TRY(get_time(p, f[T_TIME_OUT], &r->time_out_ns));
    if (kind == KP_ERROR_RESPONSE) {
        if (f[T_ERROR] != NONE)
            TRY(get_copy(p, f[T_ERROR], r->error, sizeof(r->error)));
        if (f[T_SYMBOL] != NONE)
            TRY(get_copy(p, f[T_SYMBOL], r->symbol, sizeof(r->symbol)));
    } else if (kind != KP_PONG) {
        TRY(ack_result(p, f[T_RESULT], r));
    }
    p->m->kind = kind;
    return 0;
}

/* ---- the fast path: decode the tokens of kp__walk (kraken_parse_fast.c) ----
 *
 * The same steps in the same order as book() / trade() / ticker() above,
 * through the same helpers, on tokens the walk laid out at known places
 * instead of tokens found by fields(). */

/* The levels of one side: a KJ_ARRAY token at *i whose size levels follow
 * as (price, qty) token pairs; *i ends past them. */
static int fast_levels(const struct fp *p, uint32_t *i, const struct kp_symbol_info *si,
                       uint32_t *first, uint32_t *count)
{
    uint32_t v = *i + 1, n = p->t[*i].size;

    *first = p->m->u.book.nlevels;
    *count = n;
    for (uint32_t k = 0; k < n; k++, v += 2)
        TRY(put_level(p, v, v + 1, si));
    *i = v;
    return 0;
}

static inline uint32_t present(const struct fp *p, uint32_t i)
{
    return p->t[i].type == KJ_UNDEFINED ? NONE : i;
}

static int fast_book(const struct fp *p, uint32_t nitems)
{
    struct kp_book_msg *b = &p->m->u.book;
    uint32_t i = 0;

    b->nentries = 0;
    b->nlevels = 0;
    for (uint32_t k = 0; k < nitems; k++) {
        struct kp_book_entry *e = &b->entries[b->nentries];
        struct kp_symbol_info si;

        TRY(entry_symbol(p, i++, e, &si));
        TRY(fast_levels(p, &i, &si, &e->bid_first, &e->nbids));
        TRY(fast_levels(p, &i, &si, &e->ask_first, &e->nasks));
        TRY(entry_tail(p, i, present(p, i + 1), e));
        i += 2;
        b->nentries++;
    }
    return 0;
}

/* Trades and tickers: nf value tokens per item, one per field in table order. */
static void flat_slots(const struct fp *p, uint32_t base, int nf, uint32_t *f)
{
    for (int k = 0; k < nf; k++)
        f[k] = present(p, base + (uint32_t)k);
}

static int fast_trades(const struct fp *p, uint32_t nitems)
{
    struct kp_trade_msg *tm = &p->m->u.trade;
    uint32_t f[TR_N];

    tm->ntrades = 0;
    for (uint32_t k = 0; k < nitems; k++) {
        flat_slots(p, k * TR_N, TR_N, f);
        TRY(trade_fields(p, f, &tm->trades[tm->ntrades]));
        tm->ntrades++;
    }
    return 0;
}

static int fast_tickers(const struct fp *p, uint32_t nitems)
{
    struct kp_ticker_msg *tm = &p->m->u.ticker;
    uint32_t f[TK_N];

    tm->ntickers = 0;
    for (uint32_t k = 0; k < nitems; k++) {
        flat_slots(p, k * TK_N, TK_N, f);
        TRY(ticker_fields(p, f, &tm->tickers[tm->ntickers]));
        tm->ntickers++;
    }
    return 0;
}

int kp__parse_fast(struct kp_msg *out, const char *buf, size_t len, kp_lookup_fn lookup,
                   void *ctx)
{
    struct kp__walk_out w;
    struct fp p = {buf, out->tok, out, lookup, ctx};
    int rc;

    if (kp__walk(buf, len, out->tok, KP_MAX_TOKENS, &w) < 0)
        return KP__BAIL;
    kp__begin(out);
    switch (w.kind) {
    case KP_BOOK: rc = fast_book(&p, w.nitems); break;
    case KP_TRADE: rc = fast_trades(&p, w.nitems); break;
    default: rc = fast_tickers(&p, w.nitems); break;
    }
    /* A frame that fails goes the generic way, which alone decides which
     * error comes first. */
    if (rc < 0)
        return KP__BAIL;
    out->snapshot = w.snapshot;
    out->kind = w.kind;
    return 0;
}

int kp__parse_generic(struct kp_msg *out, const char *buf, size_t len, kp_lookup_fn lookup,
                      void *ctx)
{
    struct fp p;
    uint32_t f[T_N];
    int n, rc;

    if (out == NULL || (buf == NULL && len))
        return -EINVAL;
    kp__begin(out);
    rc = kp__precheck(buf, len);
    if (rc < 0)
        goto fail;
    n = kj_parse(buf, len, out->tok, KP_MAX_TOKENS);
    if (n < 0) {
        rc = n == -ENOSPC ? KP_E_CAPACITY : KP_E_MALFORMED;
        goto fail;
    }
    p.js = buf;
    p.t = out->tok;
    p.m = out;
    p.lookup = lookup;
    p.ctx = ctx;
    if (out->tok[0].type != KJ_OBJECT) {
        rc = KP_E_FIELD;
        goto fail;
    }
    fields(&p, 0, kp__top_f, T_N, f);
    if (f[T_CHANNEL] != NONE)
        rc = channel_msg(&p, f);
    else if (f[T_METHOD] != NONE || f[T_SUCCESS] != NONE)
        rc = response(&p, f);
    else
        rc = KP_E_FIELD;
    if (rc < 0)
        goto fail;
    return 0;

fail:
    kp__fail(out);
    return rc;
}

int kp_parse(struct kp_msg *out, const char *buf, size_t len, kp_lookup_fn lookup, void *ctx)
{
    if (out == NULL || (buf == NULL && len))
        return -EINVAL;
    if (kp__parse_fast(out, buf, len, lookup, ctx) == 0)
        return 0;
    return kp__parse_generic(out, buf, len, lookup, ctx);
}
