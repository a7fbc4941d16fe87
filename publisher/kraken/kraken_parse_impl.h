/*
 * kraken_parse_impl.h — what the two frame decoders share (private to
 * publisher/kraken; not for other code).
 *
 * kraken_parse.c (tokens) and kraken_parse_ref.c (cJSON) walk the document
 * independently, but everything after "here is the text of this field" is
 * shared: the schema (field names and their read order), number and time
 * conversion, bounded copies, symbol lookup and message reset. So a
 * difference between the two paths can only come from the walking — which
 * is what the differential test is there to catch.
 */
#ifndef MDBUS_KRAKEN_PARSE_IMPL_H
#define MDBUS_KRAKEN_PARSE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "kraken_parse.h"

/* ---- schema: field names in read order (index = the enum) ---- */

struct kp__name {
    const char *s;
    size_t n;
};
#define KP__NAME(x) { x, sizeof(x) - 1 }

enum { T_CHANNEL, T_TYPE, T_TIMESTAMP, T_DATA, T_METHOD, T_SUCCESS, T_REQ_ID, T_TIME_IN,
       T_TIME_OUT, T_RESULT, T_PARAMS, T_ERROR, T_SYMBOL, T_N };
extern const struct kp__name kp__top_f[T_N];

enum { ST_SYSTEM, ST_API_VERSION, ST_CONNECTION_ID, ST_VERSION, ST_N };
extern const struct kp__name kp__status_f[ST_N];

enum { B_SYMBOL, B_BIDS, B_ASKS, B_CHECKSUM, B_TIMESTAMP, B_N };
extern const struct kp__name kp__book_f[B_N];

enum { L_PRICE, L_QTY, L_N };
extern const struct kp__name kp__level_f[L_N];

enum { TR_SYMBOL, TR_SIDE, TR_PRICE, TR_QTY, TR_ORD_TYPE, TR_TRADE_ID, TR_TIMESTAMP, TR_N };
extern const struct kp__name kp__trade_f[TR_N];

enum { TK_SYMBOL, TK_BID, TK_BID_QTY, TK_ASK, TK_ASK_QTY, TK_LAST, TK_VOLUME, TK_VWAP, TK_LOW,
       TK_HIGH, TK_CHANGE, TK_CHANGE_PCT, TK_TIMESTAMP, TK_N };
extern const struct kp__name kp__ticker_f[TK_N];

enum { OH_SYMBOL, OH_OPEN, OH_HIGH, OH_LOW, OH_CLOSE, OH_VWAP, OH_VOLUME, OH_TRADES,
       OH_INTERVAL_BEGIN, OH_INTERVAL, OH_TIMESTAMP, OH_N };
extern const struct kp__name kp__ohlc_f[OH_N];

enum { IN_PAIRS, IN_N };
extern const struct kp__name kp__instrument_f[IN_N];

enum { P_SYMBOL, P_BASE, P_QUOTE, P_STATUS, P_PRICE_PRECISION, P_QTY_PRECISION,
       P_PRICE_INCREMENT, P_QTY_INCREMENT, P_QTY_MIN, P_N };
extern const struct kp__name kp__pair_f[P_N];

enum { R_CHANNEL, R_SYMBOL, R_DEPTH, R_INTERVAL, R_SNAPSHOT, R_EVENT_TRIGGER, R_WARNINGS, R_N };
extern const struct kp__name kp__result_f[R_N];

enum { Q_CHANNEL, Q_SYMBOL, Q_DEPTH, Q_INTERVAL, Q_SNAPSHOT, Q_N };
extern const struct kp__name kp__params_f[Q_N];

/* Which precision a rounded field uses, for the ticker and OHLC tables. */
enum { KP__PRICE, KP__QTY, KP__PCT };

/* Numeric fields of a ticker (TK_BID .. TK_CHANGE_PCT) and of a candle
 * (OH_OPEN .. OH_VOLUME), in read order: precision kind and where it goes. */
struct kp__numfield {
    int field; /* TK_* or OH_* */
    int prec;  /* KP__PRICE, KP__QTY, KP__PCT */
    size_t off; /* offsetof the int64_t in struct kp_ticker / kp_candle */
};
extern const struct kp__numfield kp__ticker_nums[];
extern const int kp__nticker_nums;
extern const struct kp__numfield kp__ohlc_nums[];
extern const int kp__nohlc_nums;

/* Word lists: index in the list is the result of kp__word. */
enum { CH_HEARTBEAT, CH_STATUS, CH_BOOK, CH_TRADE, CH_TICKER, CH_OHLC, CH_INSTRUMENT, CH_N };
extern const char *const kp__channels[CH_N];
extern const int kp__channel_kind[CH_N];
extern const char *const kp__types[2];    /* "snapshot", "update" */
extern const char *const kp__sides[2];    /* "buy", "sell" */
extern const char *const kp__ord_types[2]; /* "limit", "market" */

/* Longest text compared against a word list; longer text matches nothing. */
#define KP__WORD_MAX 32
/* Longest timestamp text looked at; longer text is KP_E_VALUE. */
#define KP__TIME_MAX 64

/* ---- text-level conversion: (s, n) need not be NUL-terminated ---- */

int kp__precheck(const char *buf, size_t len);
void kp__begin(struct kp_msg *m);
void kp__fail(struct kp_msg *m);

int kp__word(const char *s, size_t n, const char *const *words, int nwords); /* index or -1 */
int kp__num(const char *s, size_t n, int prec, int64_t *out);
int kp__num_round(const char *s, size_t n, int prec, int64_t *out, int *inexact);
int kp__u64(const char *s, size_t n, uint64_t *out);
int kp__u32(const char *s, size_t n, uint32_t *out);
int kp__i64(const char *s, size_t n, int64_t *out);
int kp__int_range(const char *s, size_t n, int lo, int hi, int *out);
int kp__time(const char *s, size_t n, int64_t *out);
int kp__copy(const char *s, size_t n, char *dst, size_t cap);
int kp__lookup(kp_lookup_fn lookup, void *ctx, const char *s, size_t n,
               struct kp_symbol_info *si);
int kp__response_kind(const char *method, int success);
int kp__prec_of(const struct kp_symbol_info *si, int which);

/* ---- the fast path (kraken_parse_fast.c walks, kraken_parse.c decodes) ---- */

/* What kp__walk recognised; its tokens are laid out as kraken_parse_fast.c says. */
struct kp__walk_out {
    int kind;        /* KP_BOOK, KP_TRADE or KP_TICKER */
    int snapshot;    /* 1 snapshot, 0 update */
    uint32_t nitems; /* entries, trades or tickers: 1 .. their KP_MAX_* */
};

/* 0 if buf[0..len) has exactly the shape the fast path knows (tokens in
 * tok[0..ntok)), -1 if not: then nothing is known and tok is scratch. */
int kp__walk(const char *buf, size_t len, struct kj_token *tok, size_t ntok,
             struct kp__walk_out *out);

/* kp_parse is kp__parse_fast, and where that returns KP__BAIL,
 * kp__parse_generic from scratch. Both are exposed for the tests that
 * prove the fast path changes no result. kp__parse_fast returns 0 (out as
 * the generic path would fill it) or KP__BAIL (out is scratch); it never
 * returns an error of its own: frames that fail go the generic way. Its
 * lookups have no effect unless it returns 0, but a frame it abandons after
 * its decode began sees the lookup again from the generic path. */
#define KP__BAIL 1
int kp__parse_fast(struct kp_msg *out, const char *buf, size_t len, kp_lookup_fn lookup,
                   void *ctx);
int kp__parse_generic(struct kp_msg *out, const char *buf, size_t len, kp_lookup_fn lookup,
                      void *ctx);

#endif /* MDBUS_KRAKEN_PARSE_IMPL_H */
