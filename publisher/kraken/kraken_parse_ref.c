/*
 * kraken_parse_ref.c — the reference frame decoder (kp_parse_reference):
 * kj_quote_numbers turns every number into a string so cJSON keeps its
 * text, cJSON builds the tree, and this file walks it with the same schema
 * and the same read order as kraken_parse.c walks tokens.
 *
 * It exists to be obviously right rather than fast: tests run it next to
 * kp_parse on every fixture and on thousands of mutated frames and demand
 * identical results. Keep the two files parallel function by function.
 * Since numbers arrive as strings here, "a text field accepts a number and
 * a numeric field accepts a string" (kraken_parse.h) is not a leniency of
 * one path but what both paths must do to agree.
 */
#include "kraken_parse.h"
#include "kraken_parse_impl.h"
#include "kraken_decimal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TRY(e)                  \
    do {                        \
        int rc_ = (e);          \
        if (rc_ < 0)            \
            return rc_;         \
    } while (0)

struct rp {
    struct kp_msg *m;
    kp_lookup_fn lookup;
    void *ctx;
};

static void fields(const cJSON *obj, const struct kp__name *f, int nf, const cJSON **slot)
{
    for (int k = 0; k < nf; k++)
        slot[k] = cJSON_GetObjectItemCaseSensitive(obj, f[k].s);
}

static inline int req(const cJSON *it)
{
    return it == NULL ? KP_E_FIELD : 0;
}

static int text(const cJSON *it, size_t cap, const char **s, size_t *n)
{
    if (!cJSON_IsString(it))
        return KP_E_FIELD;
    *s = it->valuestring;
    *n = strlen(*s);
    return *n >= cap ? KP_E_TOO_LONG : 0;
}

static int get_copy(const cJSON *it, char *dst, size_t cap)
{
    const char *s;
    size_t n;

    TRY(text(it, cap, &s, &n));
    return kp__copy(s, n, dst, cap);
}

static int get_word(const cJSON *it, const char *const *words, int nw, int *w)
{
    const char *s;
    size_t n;
    int rc = text(it, KP__WORD_MAX, &s, &n);

    if (rc == KP_E_TOO_LONG) {
        *w = -1;
        return 0;
    }
    if (rc < 0)
        return rc;
    *w = kp__word(s, n, words, nw);
    return 0;
}

#define NUMTEXT(it)                                        \
    const char *s;                                         \
    size_t n;                                              \
    int rc = text(it, KP_NUM_TEXT_MAX, &s, &n);            \
    if (rc < 0)                                            \
        return rc == KP_E_TOO_LONG ? KP_E_NUMBER : rc

static int get_num(const cJSON *it, int prec, int64_t *out)
{
    NUMTEXT(it);
    return kp__num(s, n, prec, out);
}

static int get_num_round(const cJSON *it, int prec, int64_t *out, int *inexact)
{
    NUMTEXT(it);
    return kp__num_round(s, n, prec, out, inexact);
}

static int get_u64(const cJSON *it, uint64_t *out)
{
    NUMTEXT(it);
    return kp__u64(s, n, out);
}

static int get_u32(const cJSON *it, uint32_t *out)
{
    NUMTEXT(it);
    return kp__u32(s, n, out);
}

static int get_i64(const cJSON *it, int64_t *out)
{
    NUMTEXT(it);
    return kp__i64(s, n, out);
}

static int get_int(const cJSON *it, int lo, int hi, int *out)
{
    NUMTEXT(it);
    return kp__int_range(s, n, lo, hi, out);
}

static int get_time(const cJSON *it, int64_t *out)
{
    const char *s;
    size_t n;
    int rc = text(it, KP__TIME_MAX, &s, &n);

    if (rc < 0)
        return rc == KP_E_TOO_LONG ? KP_E_VALUE : rc;
    return kp__time(s, n, out);
}

static int get_bool(const cJSON *it, int *out)
{
    if (!cJSON_IsBool(it))
        return KP_E_FIELD;
    *out = cJSON_IsTrue(it) ? 1 : 0;
    return 0;
}

static int get_symbol(const struct rp *p, const cJSON *it, struct kp_symbol_info *si)
{
    const char *s;
    size_t n;

    TRY(req(it));
    TRY(text(it, KP_SYMBOL_MAX, &s, &n));
    return kp__lookup(p->lookup, p->ctx, s, n, si);
}

/* ---- channel messages ---- */

static int status(const struct rp *p, const cJSON *data)
{
    struct kp_status *st = &p->m->u.status;
    const cJSON *f[ST_N], *e = data->child;

    memset(st, 0, sizeof(*st));
    if (e == NULL || !cJSON_IsObject(e))
        return KP_E_FIELD;
    fields(e, kp__status_f, ST_N, f);
    TRY(req(f[ST_SYSTEM]));
    TRY(get_copy(f[ST_SYSTEM], st->system, sizeof(st->system)));
    if (f[ST_API_VERSION])
        TRY(get_copy(f[ST_API_VERSION], st->api_version, sizeof(st->api_version)));
    if (f[ST_CONNECTION_ID]) {
        TRY(get_u64(f[ST_CONNECTION_ID], &st->connection_id));
        st->has_connection_id = 1;
    }
    if (f[ST_VERSION])
        TRY(get_copy(f[ST_VERSION], st->version, sizeof(st->version)));
    return 0;
}

static int levels(const struct rp *p, const cJSON *arr, const struct kp_symbol_info *si,
                  uint32_t *first, uint32_t *count)
{
    struct kp_book_msg *b = &p->m->u.book;
    const cJSON *el;

    *first = b->nlevels;
    *count = 0;
    if (arr == NULL)
        return 0;
    if (!cJSON_IsArray(arr))
        return KP_E_FIELD;
    cJSON_ArrayForEach(el, arr) {
        struct kb_level *lv = &b->levels[b->nlevels];
        const cJSON *f[L_N];

        if (b->nlevels == KP_MAX_LEVELS)
            return KP_E_CAPACITY;
        if (!cJSON_IsObject(el))
            return KP_E_FIELD;
        fields(el, kp__level_f, L_N, f);
        TRY(req(f[L_PRICE]));
        TRY(get_num(f[L_PRICE], si->price_prec, &lv->price));
        TRY(req(f[L_QTY]));
        TRY(get_num(f[L_QTY], si->qty_prec, &lv->qty));
        if (lv->price < 0 || lv->qty < 0)
            return KP_E_VALUE;
        b->nlevels++;
        (*count)++;
    }
    return 0;
}

static int book(const struct rp *p, const cJSON *data)
{
    struct kp_book_msg *b = &p->m->u.book;
    const cJSON *el;

    b->nentries = 0;
    b->nlevels = 0;
    cJSON_ArrayForEach(el, data) {
        struct kp_book_entry *e = &b->entries[b->nentries];
        struct kp_symbol_info si;
        const cJSON *f[B_N];

        if (b->nentries == KP_MAX_ENTRIES)
            return KP_E_CAPACITY;
        if (!cJSON_IsObject(el))
            return KP_E_FIELD;
        fields(el, kp__book_f, B_N, f);
        TRY(get_symbol(p, f[B_SYMBOL], &si));
        e->symbol_id = si.id;
        e->price_prec = si.price_prec;
        e->qty_prec = si.qty_prec;
        TRY(levels(p, f[B_BIDS], &si, &e->bid_first, &e->nbids));
        TRY(levels(p, f[B_ASKS], &si, &e->ask_first, &e->nasks));
        TRY(req(f[B_CHECKSUM]));
        TRY(get_u32(f[B_CHECKSUM], &e->checksum));
        e->ts_ns = 0;
        if (f[B_TIMESTAMP])
            TRY(get_time(f[B_TIMESTAMP], &e->ts_ns));
        b->nentries++;
    }
    return 0;
}

static int trade(const struct rp *p, const cJSON *data)
{
    struct kp_trade_msg *tm = &p->m->u.trade;
    const cJSON *el;

    tm->ntrades = 0;
    cJSON_ArrayForEach(el, data) {
        struct kp_trade *tr = &tm->trades[tm->ntrades];
        struct kp_symbol_info si;
        const cJSON *f[TR_N];
        int w;

        if (tm->ntrades == KP_MAX_TRADES)
            return KP_E_CAPACITY;
        if (!cJSON_IsObject(el))
            return KP_E_FIELD;
        fields(el, kp__trade_f, TR_N, f);
        TRY(get_symbol(p, f[TR_SYMBOL], &si));
        tr->symbol_id = si.id;
        tr->price_prec = si.price_prec;
        tr->qty_prec = si.qty_prec;
        TRY(req(f[TR_SIDE]));
        TRY(get_word(f[TR_SIDE], kp__sides, 2, &w));
        if (w < 0)
            return KP_E_VALUE;
        tr->side = w == 0 ? KP_SIDE_BUY : KP_SIDE_SELL;
        TRY(req(f[TR_PRICE]));
        TRY(get_num(f[TR_PRICE], si.price_prec, &tr->price));
        TRY(req(f[TR_QTY]));
        TRY(get_num(f[TR_QTY], si.qty_prec, &tr->qty));
        if (tr->price < 0 || tr->qty < 0)
            return KP_E_VALUE;
        tr->ord_type = KP_ORD_OTHER;
        if (f[TR_ORD_TYPE]) {
            TRY(get_word(f[TR_ORD_TYPE], kp__ord_types, 2, &w));
            tr->ord_type = w == 0 ? KP_ORD_LIMIT : w == 1 ? KP_ORD_MARKET : KP_ORD_OTHER;
        }
        TRY(req(f[TR_TRADE_ID]));
        TRY(get_u64(f[TR_TRADE_ID], &tr->trade_id));
        TRY(req(f[TR_TIMESTAMP]));
        TRY(get_time(f[TR_TIMESTAMP], &tr->ts_ns));
        tm->ntrades++;
    }
    return 0;
}

static int ticker(const struct rp *p, const cJSON *data)
{
    struct kp_ticker_msg *tm = &p->m->u.ticker;
    const cJSON *el;

    tm->ntickers = 0;
    cJSON_ArrayForEach(el, data) {
        struct kp_ticker *tk = &tm->tickers[tm->ntickers];
        struct kp_symbol_info si;
        const cJSON *f[TK_N];

        if (tm->ntickers == KP_MAX_ENTRIES)
            return KP_E_CAPACITY;
        if (!cJSON_IsObject(el))
            return KP_E_FIELD;
        fields(el, kp__ticker_f, TK_N, f);
        TRY(get_symbol(p, f[TK_SYMBOL], &si));
        tk->symbol_id = si.id;
        tk->price_prec = si.price_prec;
        tk->qty_prec = si.qty_prec;
        tk->inexact = 0;
        for (int j = 0; j < kp__nticker_nums; j++) {
            const struct kp__numfield *nf = &kp__ticker_nums[j];

            TRY(req(f[nf->field]));
            TRY(get_num_round(f[nf->field], kp__prec_of(&si, nf->prec),
                              (int64_t *)(void *)((char *)tk + nf->off), &tk->inexact));
        }
        tk->ts_ns = 0;
        if (f[TK_TIMESTAMP])
            TRY(get_time(f[TK_TIMESTAMP], &tk->ts_ns));
        tm->ntickers++;
    }
    return 0;
}

static int ohlc(const struct rp *p, const cJSON *data)
{
    struct kp_ohlc_msg *om = &p->m->u.ohlc;
    const cJSON *el;

    om->ncandles = 0;
    cJSON_ArrayForEach(el, data) {
        struct kp_candle *c = &om->candles[om->ncandles];
        struct kp_symbol_info si;
        const cJSON *f[OH_N];

        if (om->ncandles == KP_MAX_CANDLES)
            return KP_E_CAPACITY;
        if (!cJSON_IsObject(el))
            return KP_E_FIELD;
        fields(el, kp__ohlc_f, OH_N, f);
        TRY(get_symbol(p, f[OH_SYMBOL], &si));
        c->symbol_id = si.id;
        c->price_prec = si.price_prec;
        c->qty_prec = si.qty_prec;
        c->inexact = 0;
        for (int j = 0; j < kp__nohlc_nums; j++) {
            const struct kp__numfield *nf = &kp__ohlc_nums[j];

            TRY(req(f[nf->field]));
            TRY(get_num_round(f[nf->field], kp__prec_of(&si, nf->prec),
                              (int64_t *)(void *)((char *)c + nf->off), &c->inexact));
        }
        TRY(req(f[OH_TRADES]));
        TRY(get_u64(f[OH_TRADES], &c->trades));
        TRY(req(f[OH_INTERVAL_BEGIN]));
        TRY(get_time(f[OH_INTERVAL_BEGIN], &c->interval_begin_ns));
        TRY(req(f[OH_INTERVAL]));
        TRY(get_int(f[OH_INTERVAL], 1, INT32_MAX, &c->interval_min));
        c->ts_ns = 0;
        if (f[OH_TIMESTAMP])
            TRY(get_time(f[OH_TIMESTAMP], &c->ts_ns));
        om->ncandles++;
    }
    return 0;
}

static int instrument(const struct rp *p, const cJSON *data)
{
    struct kp_instrument_msg *im = &p->m->u.instrument;
    const cJSON *f[IN_N], *arr, *el;

    im->npairs = 0;
    fields(data, kp__instrument_f, IN_N, f);
    arr = f[IN_PAIRS];
    if (arr == NULL)
        return 0;
    if (!cJSON_IsArray(arr))
        return KP_E_FIELD;
    cJSON_ArrayForEach(el, arr) {
        struct kp_pair *pr = &im->pairs[im->npairs];
        const cJSON *g[P_N];

        if (im->npairs == KP_MAX_PAIRS)
            return KP_E_CAPACITY;
        if (!cJSON_IsObject(el))
            return KP_E_FIELD;
        fields(el, kp__pair_f, P_N, g);
        memset(pr, 0, sizeof(*pr));
        TRY(req(g[P_SYMBOL]));
        TRY(get_copy(g[P_SYMBOL], pr->symbol, sizeof(pr->symbol)));
        if (g[P_BASE])
            TRY(get_copy(g[P_BASE], pr->base, sizeof(pr->base)));
        if (g[P_QUOTE])
            TRY(get_copy(g[P_QUOTE], pr->quote, sizeof(pr->quote)));
        TRY(req(g[P_STATUS]));
        TRY(get_copy(g[P_STATUS], pr->status, sizeof(pr->status)));
        TRY(req(g[P_PRICE_PRECISION]));
        TRY(get_int(g[P_PRICE_PRECISION], 0, KD_MAX_PRECISION, &pr->price_prec));
        TRY(req(g[P_QTY_PRECISION]));
        TRY(get_int(g[P_QTY_PRECISION], 0, KD_MAX_PRECISION, &pr->qty_prec));
        if (g[P_PRICE_INCREMENT])
            TRY(get_num_round(g[P_PRICE_INCREMENT], pr->price_prec, &pr->price_increment,
                              &pr->inexact));
        if (g[P_QTY_INCREMENT])
            TRY(get_num_round(g[P_QTY_INCREMENT], pr->qty_prec, &pr->qty_increment,
                              &pr->inexact));
        if (g[P_QTY_MIN])
            TRY(get_num_round(g[P_QTY_MIN], pr->qty_prec, &pr->qty_min, &pr->inexact));
        im->npairs++;
    }
    return 0;
}

static int channel_msg(const struct rp *p, const cJSON **f)
{
    struct kp_msg *m = p->m;
    const cJSON *data;
    int ch, kind, w, snap = -1;

    TRY(get_word(f[T_CHANNEL], kp__channels, CH_N, &ch));
    if (ch < 0)
        return KP_E_CHANNEL;
    kind = kp__channel_kind[ch];
    if (kind == KP_HEARTBEAT) {
        m->kind = kind;
        return 0;
    }
    if (f[T_TYPE]) {
        TRY(get_word(f[T_TYPE], kp__types, 2, &w));
        if (w < 0)
            return KP_E_VALUE;
        snap = w == 0;
    } else if (kind != KP_STATUS) {
        return KP_E_FIELD;
    }
    if (f[T_TIMESTAMP])
        TRY(get_time(f[T_TIMESTAMP], &m->ts_ns));
    data = f[T_DATA];
    TRY(req(data));
    if (kind == KP_INSTRUMENT ? !cJSON_IsObject(data) : !cJSON_IsArray(data))
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

static int ack_result(const cJSON *res, struct kp_response *r)
{
    const cJSON *f[R_N];

    TRY(req(res));
    if (!cJSON_IsObject(res))
        return KP_E_FIELD;
    fields(res, kp__result_f, R_N, f);
    TRY(req(f[R_CHANNEL]));
    TRY(get_copy(f[R_CHANNEL], r->channel, sizeof(r->channel)));
    if (f[R_SYMBOL])
        TRY(get_copy(f[R_SYMBOL], r->symbol, sizeof(r->symbol)));
    if (f[R_DEPTH])
        TRY(get_int(f[R_DEPTH], 0, INT32_MAX, &r->depth));
    if (f[R_INTERVAL])
        TRY(get_int(f[R_INTERVAL], 0, INT32_MAX, &r->interval));
    if (f[R_SNAPSHOT])
        TRY(get_bool(f[R_SNAPSHOT], &r->snapshot));
    if (f[R_EVENT_TRIGGER])
        TRY(get_copy(f[R_EVENT_TRIGGER], r->event_trigger, sizeof(r->event_trigger)));
    if (f[R_WARNINGS]) {
        const cJSON *el;
        int k = 0;

        if (!cJSON_IsArray(f[R_WARNINGS]))
            return KP_E_FIELD;
        cJSON_ArrayForEach(el, f[R_WARNINGS]) {
            if (k == 0)
                TRY(get_copy(el, r->warning, sizeof(r->warning)));
            else if (!cJSON_IsString(el))
                return KP_E_FIELD;
            k++;
        }
        r->nwarnings = k;
    }
    return 0;
}

static int request(const struct rp *p, const cJSON **f, const char *method)
{
    struct kp_request *q = &p->m->u.req;
    const cJSON *g[Q_N], *par = f[T_PARAMS];

    memset(q, 0, offsetof(struct kp_request, symbols));
    q->snapshot = -1;
    TRY(kp__copy(method, strlen(method), q->method, sizeof(q->method)));
    if (f[T_REQ_ID]) {
        TRY(get_i64(f[T_REQ_ID], &q->req_id));
        q->has_req_id = 1;
    }
    if (par == NULL)
        return strcmp(method, "ping") == 0 ? 0 : KP_E_FIELD;
    if (!cJSON_IsObject(par))
        return KP_E_FIELD;
    fields(par, kp__params_f, Q_N, g);
    TRY(req(g[Q_CHANNEL]));
    TRY(get_copy(g[Q_CHANNEL], q->channel, sizeof(q->channel)));
    if (g[Q_SYMBOL]) {
        const cJSON *el;

        if (!cJSON_IsArray(g[Q_SYMBOL]))
            return KP_E_FIELD;
        cJSON_ArrayForEach(el, g[Q_SYMBOL]) {
            if (q->nsymbols == KP_MAX_REQ_SYMBOLS)
                return KP_E_CAPACITY;
            TRY(get_copy(el, q->symbols[q->nsymbols], KP_SYMBOL_MAX));
            q->nsymbols++;
        }
    }
    if (g[Q_DEPTH])
        TRY(get_int(g[Q_DEPTH], 0, INT32_MAX, &q->depth));
    if (g[Q_INTERVAL])
        TRY(get_int(g[Q_INTERVAL], 0, INT32_MAX, &q->interval));
    if (g[Q_SNAPSHOT])
        TRY(get_bool(g[Q_SNAPSHOT], &q->snapshot));
    return 0;
}

static int response(const struct rp *p, const cJSON **f)
{
    struct kp_response *r = &p->m->u.resp;
    char method[KP_NAME_MAX] = "";
    int success = -1, kind;

    if (f[T_METHOD])
        TRY(get_copy(f[T_METHOD], method, sizeof(method)));
    if (f[T_SUCCESS])
        TRY(get_bool(f[T_SUCCESS], &success));
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
    if (f[T_REQ_ID]) {
        TRY(get_i64(f[T_REQ_ID], &r->req_id));
        r->has_req_id = 1;
    }
    if (f[T_TIME_IN])
        TRY(get_time(f[T_TIME_IN], &r->time_in_ns));
    if (f[T_TIME_OUT])
        TRY(get_time(f[T_TIME_OUT], &r->time_out_ns));
    if (kind == KP_ERROR_RESPONSE) {
        if (f[T_ERROR])
            TRY(get_copy(f[T_ERROR], r->error, sizeof(r->error)));
        if (f[T_SYMBOL])
            TRY(get_copy(f[T_SYMBOL], r->symbol, sizeof(r->symbol)));
    } else if (kind != KP_PONG) {
        TRY(ack_result(f[T_RESULT], r));
    }
    p->m->kind = kind;
    return 0;
}

/* Tokens kj_parse would produce for this tree: one per value plus one per
 * object key. Must agree so both paths hit KP_MAX_TOKENS together. */
static size_t count_tokens(const cJSON *it, int is_member)
{
    size_t n = 1 + (is_member ? 1 : 0);

    for (const cJSON *c = it->child; c != NULL; c = c->next)
        n += count_tokens(c, cJSON_IsObject(it));
    return n;
}

int kp_parse_reference(struct kp_msg *out, const char *buf, size_t len,
                       kp_lookup_fn lookup, void *ctx)
{
    struct rp p = {out, lookup, ctx};
    const cJSON *f[T_N];
    cJSON *root = NULL;
    char *q = NULL;
    size_t qlen;
    int rc;

    if (out == NULL || (buf == NULL && len))
        return -EINVAL;
    kp__begin(out);
    rc = kp__precheck(buf, len);
    if (rc < 0)
        goto fail;
    q = malloc(KJ_QUOTE_CAP(len));
    if (q == NULL) {
        rc = -ENOMEM;
        goto fail;
    }
    if (kj_quote_numbers(buf, len, q, KJ_QUOTE_CAP(len), &qlen) < 0) {
        rc = KP_E_MALFORMED;
        goto fail;
    }
    /* Length includes the NUL: with require_null_terminated cJSON insists
     * on finding it right after the value (and whitespace). */
    root = cJSON_ParseWithLengthOpts(q, qlen + 1, NULL, 1);
    if (root == NULL) {
        rc = KP_E_MALFORMED;
        goto fail;
    }
    if (count_tokens(root, 0) > KP_MAX_TOKENS) {
        rc = KP_E_CAPACITY;
        goto fail;
    }
    if (!cJSON_IsObject(root)) {
        rc = KP_E_FIELD;
        goto fail;
    }
    fields(root, kp__top_f, T_N, f);
    if (f[T_CHANNEL])
        rc = channel_msg(&p, f);
    else if (f[T_METHOD] || f[T_SUCCESS])
        rc = response(&p, f);
    else
        rc = KP_E_FIELD;
    if (rc < 0)
        goto fail;
    cJSON_Delete(root);
    free(q);
    return 0;

fail:
    cJSON_Delete(root);
    free(q);
    kp__fail(out);
    return rc;
}
