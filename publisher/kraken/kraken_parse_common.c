/*
 * kraken_parse_common.c — the schema tables and text-level conversions shared
 * by the token decoder (kraken_parse.c) and the cJSON reference decoder
 * (kraken_parse_ref.c); also error strings and kp_msg allocation.
 *
 * Every function here maps its failure to exactly one KP_E_* code, so both
 * decoders report the same error for the same bad field by construction.
 */
#include "kraken_parse_impl.h"
#include "kraken_decimal.h"
#include "kraken_time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct kp__name kp__top_f[T_N] = {
    KP__NAME("channel"), KP__NAME("type"),    KP__NAME("timestamp"), KP__NAME("data"),
    KP__NAME("method"),  KP__NAME("success"), KP__NAME("req_id"),    KP__NAME("time_in"),
    KP__NAME("time_out"), KP__NAME("result"), KP__NAME("params"),    KP__NAME("error"),
    KP__NAME("symbol"),
};

const struct kp__name kp__status_f[ST_N] = {
    KP__NAME("system"), KP__NAME("api_version"), KP__NAME("connection_id"), KP__NAME("version"),
};

const struct kp__name kp__book_f[B_N] = {
    KP__NAME("symbol"), KP__NAME("bids"), KP__NAME("asks"), KP__NAME("checksum"),
    KP__NAME("timestamp"),
};

const struct kp__name kp__level_f[L_N] = {KP__NAME("price"), KP__NAME("qty")};

const struct kp__name kp__trade_f[TR_N] = {
    KP__NAME("symbol"),   KP__NAME("side"),     KP__NAME("price"),     KP__NAME("qty"),
    KP__NAME("ord_type"), KP__NAME("trade_id"), KP__NAME("timestamp"),
};

const struct kp__name kp__ticker_f[TK_N] = {
    KP__NAME("symbol"), KP__NAME("bid"),  KP__NAME("bid_qty"), KP__NAME("ask"),
    KP__NAME("ask_qty"), KP__NAME("last"), KP__NAME("volume"), KP__NAME("vwap"),
    KP__NAME("low"),    KP__NAME("high"), KP__NAME("change"),  KP__NAME("change_pct"),
    KP__NAME("timestamp"),
};

const struct kp__name kp__ohlc_f[OH_N] = {
    KP__NAME("symbol"), KP__NAME("open"),   KP__NAME("high"),   KP__NAME("low"),
    KP__NAME("close"),  KP__NAME("vwap"),   KP__NAME("volume"), KP__NAME("trades"),
    KP__NAME("interval_begin"), KP__NAME("interval"), KP__NAME("timestamp"),
};

const struct kp__name kp__instrument_f[IN_N] = {KP__NAME("pairs")};

const struct kp__name kp__pair_f[P_N] = {
    KP__NAME("symbol"),          KP__NAME("base"),           KP__NAME("quote"),
    KP__NAME("status"),          KP__NAME("price_precision"), KP__NAME("qty_precision"),
    KP__NAME("price_increment"), KP__NAME("qty_increment"),  KP__NAME("qty_min"),
};

const struct kp__name kp__result_f[R_N] = {
    KP__NAME("channel"),  KP__NAME("symbol"),        KP__NAME("depth"), KP__NAME("interval"),
    KP__NAME("snapshot"), KP__NAME("event_trigger"), KP__NAME("warnings"),
};

const struct kp__name kp__params_f[Q_N] = {
    KP__NAME("channel"), KP__NAME("symbol"), KP__NAME("depth"), KP__NAME("interval"),
    KP__NAME("snapshot"),
};

const struct kp__numfield kp__ticker_nums[] = {
    {TK_BID, KP__PRICE, offsetof(struct kp_ticker, bid)},
    {TK_BID_QTY, KP__QTY, offsetof(struct kp_ticker, bid_qty)},
    {TK_ASK, KP__PRICE, offsetof(struct kp_ticker, ask)},
    {TK_ASK_QTY, KP__QTY, offsetof(struct kp_ticker, ask_qty)},
    {TK_LAST, KP__PRICE, offsetof(struct kp_ticker, last)},
    {TK_VOLUME, KP__QTY, offsetof(struct kp_ticker, volume)},
    {TK_VWAP, KP__PRICE, offsetof(struct kp_ticker, vwap)},
    {TK_LOW, KP__PRICE, offsetof(struct kp_ticker, low)},
    {TK_HIGH, KP__PRICE, offsetof(struct kp_ticker, high)},
    {TK_CHANGE, KP__PRICE, offsetof(struct kp_ticker, change)},
    {TK_CHANGE_PCT, KP__PCT, offsetof(struct kp_ticker, change_pct)},
};
const int kp__nticker_nums = (int)(sizeof(kp__ticker_nums) / sizeof(kp__ticker_nums[0]));

const struct kp__numfield kp__ohlc_nums[] = {
    {OH_OPEN, KP__PRICE, offsetof(struct kp_candle, open)},
    {OH_HIGH, KP__PRICE, offsetof(struct kp_candle, high)},
    {OH_LOW, KP__PRICE, offsetof(struct kp_candle, low)},
    {OH_CLOSE, KP__PRICE, offsetof(struct kp_candle, close)},
    {OH_VWAP, KP__PRICE, offsetof(struct kp_candle, vwap)},
    {OH_VOLUME, KP__QTY, offsetof(struct kp_candle, volume)},
};
const int kp__nohlc_nums = (int)(sizeof(kp__ohlc_nums) / sizeof(kp__ohlc_nums[0]));

const char *const kp__channels[CH_N] = {
    "heartbeat", "status", "book", "trade", "ticker", "ohlc", "instrument",
};
const int kp__channel_kind[CH_N] = {
    KP_HEARTBEAT, KP_STATUS, KP_BOOK, KP_TRADE, KP_TICKER, KP_OHLC, KP_INSTRUMENT,
};
const char *const kp__types[2] = {"snapshot", "update"};
const char *const kp__sides[2] = {"buy", "sell"};
const char *const kp__ord_types[2] = {"limit", "market"};

int kp__precheck(const char *buf, size_t len)
{
    size_t i = 0;

    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
        i++;
    if (i == len || !strchr("{[\"-0123456789tfn", buf[i]) || buf[i] == '\0')
        return KP_E_NOT_JSON;
    if (len > KP_MAX_FRAME)
        return KP_E_CAPACITY;
    return 0;
}

void kp__begin(struct kp_msg *m)
{
    m->kind = KP_NONE;
    m->snapshot = -1;
    m->ts_ns = 0;
}

void kp__fail(struct kp_msg *m)
{
    kp__begin(m);
    /* Every union member starts with its count or a short string: clearing
     * the head leaves no count that points at half-written data. */
    memset(&m->u, 0, 64);
}

int kp__word(const char *s, size_t n, const char *const *words, int nwords)
{
    for (int k = 0; k < nwords; k++) {
        if (strlen(words[k]) == n && memcmp(words[k], s, n) == 0)
            return k;
    }
    return -1;
}

int kp__num(const char *s, size_t n, int prec, int64_t *out)
{
    if (n >= KP_NUM_TEXT_MAX || kd_parse(s, n, prec, out) < 0)
        return KP_E_NUMBER;
    return 0;
}

int kp__num_round(const char *s, size_t n, int prec, int64_t *out, int *inexact)
{
    int inx = 0;

    if (n >= KP_NUM_TEXT_MAX || kd_parse_round(s, n, prec, out, &inx) < 0)
        return KP_E_NUMBER;
    *inexact |= inx;
    return 0;
}

int kp__u64(const char *s, size_t n, uint64_t *out)
{
    if (n >= KP_NUM_TEXT_MAX || kd_parse_u64(s, n, out) < 0)
        return KP_E_NUMBER;
    return 0;
}

int kp__u32(const char *s, size_t n, uint32_t *out)
{
    uint64_t v;

    if (kp__u64(s, n, &v) < 0 || v > UINT32_MAX)
        return KP_E_NUMBER;
    *out = (uint32_t)v;
    return 0;
}

int kp__i64(const char *s, size_t n, int64_t *out)
{
    return kp__num(s, n, 0, out);
}

int kp__int_range(const char *s, size_t n, int lo, int hi, int *out)
{
    int64_t v;
    int rc = kp__i64(s, n, &v);

    if (rc < 0)
        return rc;
    if (v < lo || v > hi)
        return KP_E_VALUE;
    *out = (int)v;
    return 0;
}

int kp__time(const char *s, size_t n, int64_t *out)
{
    if (n >= KP__TIME_MAX || kt_parse_rfc3339(s, n, out) < 0)
        return KP_E_VALUE;
    return 0;
}

int kp__copy(const char *s, size_t n, char *dst, size_t cap)
{
    if (n >= cap)
        return KP_E_TOO_LONG;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

int kp__lookup(kp_lookup_fn lookup, void *ctx, const char *s, size_t n,
               struct kp_symbol_info *si)
{
    char sym[KP_SYMBOL_MAX];
    int rc = kp__copy(s, n, sym, sizeof(sym));

    if (rc < 0)
        return rc;
    if (lookup == NULL || lookup(ctx, sym, n, si) < 0)
        return KP_E_SYMBOL;
    if (si->price_prec < 0 || si->price_prec > KD_MAX_PRECISION || si->qty_prec < 0 ||
        si->qty_prec > KD_MAX_PRECISION)
        return KP_E_SYMBOL;
    return 0;
}

int kp__response_kind(const char *method, int success)
{
    if (success == 0)
        return KP_ERROR_RESPONSE;
    if (strcmp(method, "pong") == 0)
        return KP_PONG;
    if (success == 1) {
        if (strcmp(method, "subscribe") == 0)
            return KP_SUBSCRIBE_ACK;
        if (strcmp(method, "unsubscribe") == 0)
            return KP_UNSUBSCRIBE_ACK;
        return KP_E_CHANNEL;
    }
    if (strcmp(method, "subscribe") == 0 || strcmp(method, "unsubscribe") == 0 ||
        strcmp(method, "ping") == 0)
        return KP_REQUEST;
    return KP_E_CHANNEL;
}

int kp__prec_of(const struct kp_symbol_info *si, int which)
{
    return which == KP__PRICE ? si->price_prec : which == KP__QTY ? si->qty_prec : KP_PCT_PREC;
}

struct kp_msg *kp_msg_new(void)
{
    struct kp_msg *m = calloc(1, sizeof(*m));

    if (m)
        kp__begin(m);
    return m;
}

void kp_msg_free(struct kp_msg *m)
{
    free(m);
}

const char *kp_strerror(int err)
{
    switch (err) {
    case 0: return "success";
    case KP_E_NOT_JSON: return "frame is not JSON";
    case KP_E_MALFORMED: return "malformed JSON";
    case KP_E_CHANNEL: return "unknown channel or method";
    case KP_E_SYMBOL: return "unknown symbol";
    case KP_E_NUMBER: return "bad number or digits beyond the instrument precision";
    case KP_E_FIELD: return "required field missing or of the wrong type";
    case KP_E_VALUE: return "field value out of its domain";
    case KP_E_TOO_LONG: return "text field too long";
    case KP_E_CAPACITY: return "frame exceeds a fixed capacity";
    case -EINVAL: return "invalid argument";
    case -ENOMEM: return "out of memory";
    default: return "unknown error";
    }
}

const char *kp_kind_name(int kind)
{
    switch (kind) {
    case KP_NONE: return "none";
    case KP_HEARTBEAT: return "heartbeat";
    case KP_STATUS: return "status";
    case KP_BOOK: return "book";
    case KP_TRADE: return "trade";
    case KP_TICKER: return "ticker";
    case KP_OHLC: return "ohlc";
    case KP_INSTRUMENT: return "instrument";
    case KP_SUBSCRIBE_ACK: return "subscribe_ack";
    case KP_UNSUBSCRIBE_ACK: return "unsubscribe_ack";
    case KP_PONG: return "pong";
    case KP_ERROR_RESPONSE: return "error_response";
    case KP_REQUEST: return "request";
    default: return "?";
    }
}
