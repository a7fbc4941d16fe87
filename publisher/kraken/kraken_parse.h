/*
 * kraken_parse.h — Kraken Spot WebSocket v2 frame decoder.
 *
 * One text frame in, one struct kp_msg out: the kind of message and its data
 * with every price and quantity as an exact int64 mantissa at the symbol's
 * precision. Two implementations with identical results:
 *   kp_parse            the hot path, on the kraken_json tokenizer: no
 *                       allocation, no snprintf, one pass over the bytes
 *                       plus a walk over the tokens (compact book, trade
 *                       and ticker frames take a schema-directed shortcut
 *                       with the same results, kraken_parse_fast.c);
 *   kp_parse_reference  kj_quote_numbers + cJSON, slower and allocating; the
 *                       tests run both over every fixture and thousands of
 *                       mutated frames and require equal kp_msg_dump output
 *                       and equal return codes.
 *
 * Invariants:
 *   - A frame that fails produces no output: the return code is negative and
 *     *out is reset to kind KP_NONE with zero counts. No partial book.
 *   - Everything is bounded (KP_MAX_*): exceeding a bound is KP_E_CAPACITY
 *     or KP_E_TOO_LONG, never truncation.
 *   - Numbers are never doubles: book levels and trades are exact (a digit
 *     beyond the symbol's precision is KP_E_NUMBER); ticker, OHLC and the
 *     instrument increments round half-to-even and set `inexact`.
 *
 * Decoding rules (both paths; the first failing rule in this order wins):
 *   - Not JSON (empty, or the first non-blank byte cannot start a JSON
 *     value, e.g. "CloudFlare WebSocket proxy restarting"): KP_E_NOT_JSON.
 *     Longer than KP_MAX_FRAME: KP_E_CAPACITY. Any JSON syntax error
 *     (kraken_json.h rules, nesting > KJ_MAX_DEPTH): KP_E_MALFORMED. Valid
 *     JSON needing more than KP_MAX_TOKENS tokens: KP_E_CAPACITY.
 *   - The root must be an object (KP_E_FIELD). Unknown members are ignored
 *     everywhere; when a key repeats, its first occurrence counts. Fields
 *     are read in the order documented with each struct, not document order.
 *   - Scalars: a text field accepts a JSON string or number (its text); a
 *     numeric field accepts a number or a string holding one (the docs print
 *     book levels as strings). Numeric text longer than KP_NUM_TEXT_MAX - 1
 *     bytes, or that kd_parse refuses, is KP_E_NUMBER. Wrong JSON type or a
 *     required field missing: KP_E_FIELD. Text that is not one of the
 *     allowed words, a bad timestamp, a negative book or trade value, or an
 *     integer outside its field's range: KP_E_VALUE. Text longer than its
 *     array: KP_E_TOO_LONG.
 *   - "channel" present -> a channel message (heartbeat, status, book,
 *     trade, ticker, ohlc, instrument; any other: KP_E_CHANNEL). Otherwise
 *     "method" or "success" present -> a response or request (below).
 *     Neither: KP_E_FIELD.
 *   - Channel messages read: "type" ("snapshot"/"update"; required except
 *     for status), "timestamp" (optional, frame level: OHLC has one), then
 *     "data" (an array; an object for instrument; required). Heartbeat reads
 *     nothing but the channel.
 *   - Responses: "method" (optional, copied), "success" (optional bool),
 *     then the kind: success false -> KP_ERROR_RESPONSE (any method);
 *     method "pong" -> KP_PONG; success true with "subscribe" /
 *     "unsubscribe" -> KP_SUBSCRIBE_ACK / KP_UNSUBSCRIBE_ACK; no "success"
 *     with "subscribe" / "unsubscribe" / "ping" -> KP_REQUEST; anything else
 *     KP_E_CHANNEL. Then "req_id", "time_in", "time_out" (all optional).
 *   - Client -> server requests are not server frames; they decode as
 *     KP_REQUEST (method, params) so the mock exchange can use this decoder;
 *     the publisher should count one from the server as unexpected.
 *
 * Thread safety: no global state; one kp_msg per thread.
 */
#ifndef MDBUS_KRAKEN_PARSE_H
#define MDBUS_KRAKEN_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "kraken_book.h" /* struct kb_level: book levels feed kb_apply as they are */
#include "kraken_json.h" /* struct kj_token: kp_parse's scratch */

#ifdef __cplusplus
extern "C" {
#endif

/* Text bounds, in bytes including the NUL. */
#define KP_SYMBOL_MAX 32    /* "BTC/USD" */
#define KP_NAME_MAX 32      /* method, channel, status words, versions, assets */
#define KP_TEXT_MAX 256     /* error text, first ack warning */
#define KP_NUM_TEXT_MAX 128 /* longest numeric text accepted, plus one */

/* Per-frame bounds. */
#define KP_MAX_ENTRIES 64        /* book entries (symbols), tickers */
#define KP_MAX_LEVELS 4096       /* book levels, all entries and sides together */
#define KP_MAX_TRADES 1024
#define KP_MAX_CANDLES 1024
#define KP_MAX_PAIRS 4096        /* instrument pairs (Kraken lists ~1,500) */
#define KP_MAX_REQ_SYMBOLS 256   /* symbols in one subscribe request */
#define KP_MAX_TOKENS (1u << 18) /* JSON tokens (a full instrument snapshot ~60k) */
#define KP_MAX_FRAME (16u << 20) /* bytes */

#define KP_PCT_PREC 2 /* decimals of ticker change_pct */

/* Errors: a reserved negative band, plus -EINVAL (bad arguments) and
 * -ENOMEM (reference path only). */
#define KP_E_NOT_JSON (-3001)  /* frame is not JSON text at all */
#define KP_E_MALFORMED (-3002) /* JSON syntax error */
#define KP_E_CHANNEL (-3003)   /* unknown channel or method */
#define KP_E_SYMBOL (-3004)    /* symbol unknown to the lookup (or bad precision from it) */
#define KP_E_NUMBER (-3005)    /* bad number: syntax, overflow, digits beyond precision */
#define KP_E_FIELD (-3006)     /* required field missing or of the wrong JSON type */
#define KP_E_VALUE (-3007)     /* field has a value outside its domain */
#define KP_E_TOO_LONG (-3008)  /* text longer than its bounded array */
#define KP_E_CAPACITY (-3009)  /* frame exceeds a KP_MAX_* bound */

enum kp_kind {
    KP_NONE = 0,        /* nothing decoded (after an error) */
    KP_HEARTBEAT,       /* no data */
    KP_STATUS,          /* u.status */
    KP_BOOK,            /* u.book */
    KP_TRADE,           /* u.trade */
    KP_TICKER,          /* u.ticker */
    KP_OHLC,            /* u.ohlc */
    KP_INSTRUMENT,      /* u.instrument */
    KP_SUBSCRIBE_ACK,   /* u.resp */
    KP_UNSUBSCRIBE_ACK, /* u.resp */
    KP_PONG,            /* u.resp (method, req_id, time_in/out) */
    KP_ERROR_RESPONSE,  /* u.resp (success 0, error, symbol) */
    KP_REQUEST,         /* u.req: a client request (subscribe, unsubscribe, ping) */
};

enum kp_side { KP_SIDE_BUY = 1, KP_SIDE_SELL = 2 };
enum kp_ord_type { KP_ORD_OTHER = 0, KP_ORD_LIMIT = 1, KP_ORD_MARKET = 2 };

/* What the caller knows about a symbol (from the instrument channel). */
struct kp_symbol_info {
    uint32_t id;    /* caller's symbol id, copied into the output */
    int price_prec; /* 0..KD_MAX_PRECISION, else the frame fails with KP_E_SYMBOL */
    int qty_prec;
};

/* sym is NUL-terminated (len excludes the NUL). Return 0 and fill *out if the
 * symbol is known, < 0 if not. Called once per entry, on the parsing thread
 * (a frame that fails may see an entry's lookup twice: once from the fast
 * path, which then gives up, once from the generic path). Must be pure. */
typedef int (*kp_lookup_fn)(void *ctx, const char *sym, size_t len, struct kp_symbol_info *out);

/* Book entry; fields read in this order: symbol (required, looked up), bids,
 * asks (optional arrays of {price, qty}, exact), checksum (required, u32),
 * timestamp (optional). */
struct kp_book_entry {
    uint32_t symbol_id;
    int price_prec, qty_prec; /* scale of this entry's mantissas */
    uint32_t bid_first, nbids; /* u.book.levels[bid_first .. +nbids), message order */
    uint32_t ask_first, nasks; /* u.book.levels[ask_first .. +nasks), message order */
    uint32_t checksum;         /* the exchange's CRC32 after applying this entry */
    int64_t ts_ns;             /* 0 when absent */
};

struct kp_book_msg {
    uint32_t nentries; /* entries[0..nentries) */
    uint32_t nlevels;  /* levels in use, all entries */
    struct kp_book_entry entries[KP_MAX_ENTRIES];
    struct kb_level levels[KP_MAX_LEVELS];
};

/* Trade; read order: symbol, side ("buy"/"sell"), price, qty (exact, >= 0),
 * ord_type (optional; unknown words -> KP_ORD_OTHER), trade_id (u64),
 * timestamp (required). */
struct kp_trade {
    uint32_t symbol_id;
    int price_prec, qty_prec;
    int side;     /* enum kp_side */
    int ord_type; /* enum kp_ord_type */
    int64_t price, qty;
    uint64_t trade_id;
    int64_t ts_ns;
};

struct kp_trade_msg {
    uint32_t ntrades;
    struct kp_trade trades[KP_MAX_TRADES];
};

/* Ticker; all required and rounded, read in field order; timestamp optional. */
struct kp_ticker {
    uint32_t symbol_id;
    int price_prec, qty_prec;
    int64_t bid, bid_qty, ask, ask_qty, last, volume, vwap, low, high, change;
    int64_t change_pct; /* at KP_PCT_PREC decimals: -0.17 % -> -17 */
    int64_t ts_ns;      /* 0 when absent */
    int inexact;        /* 1 if any field had digits beyond its precision */
};

struct kp_ticker_msg {
    uint32_t ntickers;
    struct kp_ticker tickers[KP_MAX_ENTRIES];
};

/* OHLC candle; read order: symbol, open, high, low, close, vwap (price
 * precision), volume (qty precision) — all rounded — trades (u64),
 * interval_begin (required), interval (minutes, >= 1), timestamp (optional,
 * deprecated by Kraken). */
struct kp_candle {
    uint32_t symbol_id;
    int price_prec, qty_prec;
    int64_t open, high, low, close, vwap, volume;
    uint64_t trades;
    int64_t interval_begin_ns;
    int interval_min;
    int64_t ts_ns; /* 0 when absent */
    int inexact;
};

struct kp_ohlc_msg {
    uint32_t ncandles;
    struct kp_candle candles[KP_MAX_CANDLES];
};

/* Instrument pair (no lookup: pairs define precision). Read order: symbol
 * (required), base, quote (optional), status (required), price_precision,
 * qty_precision (required, 0..18), price_increment, qty_increment, qty_min
 * (optional, rounded at the pair's precision; 0 when absent). "assets" and
 * other pair fields are ignored. "pairs" itself is optional. */
struct kp_pair {
    char symbol[KP_SYMBOL_MAX];
    char base[KP_NAME_MAX];   /* "" when absent */
    char quote[KP_NAME_MAX];  /* "" when absent */
    char status[KP_NAME_MAX]; /* "online", "cancel_only", ... as sent */
    int price_prec, qty_prec;
    int64_t price_increment; /* at price_prec */
    int64_t qty_increment;   /* at qty_prec: 1e-08 at 8 -> 1 */
    int64_t qty_min;         /* at qty_prec */
    int inexact;
};

struct kp_instrument_msg {
    uint32_t npairs;
    struct kp_pair pairs[KP_MAX_PAIRS];
};

/* Status: data[0] only (Kraken sends one; later elements are ignored). Read
 * order: system (required), api_version, connection_id (u64), version. */
struct kp_status {
    char system[KP_NAME_MAX]; /* "online", "maintenance", ... */
    char api_version[KP_NAME_MAX];
    char version[KP_NAME_MAX];
    uint64_t connection_id; /* exact: exceeds 2^53 */
    int has_connection_id;
};

/* Acks, pong and error responses. Ack "result" (required for acks, not read
 * for errors): channel (required), symbol, depth, interval, snapshot,
 * event_trigger, warnings (all optional). Errors read "error" then the
 * top-level "symbol" (both optional). */
struct kp_response {
    char method[KP_NAME_MAX];        /* "" when absent */
    int success;                     /* 1, 0, or -1 when absent */
    int has_req_id;
    int64_t req_id;
    int64_t time_in_ns, time_out_ns; /* 0 when absent */
    char channel[KP_NAME_MAX];       /* acks: result.channel */
    char symbol[KP_SYMBOL_MAX];      /* acks: result.symbol; errors: top-level symbol */
    char error[KP_TEXT_MAX];         /* errors */
    char event_trigger[KP_NAME_MAX];
    int depth;                       /* 0 when absent */
    int interval;                    /* 0 when absent */
    int snapshot;                    /* 1, 0, or -1 when absent */
    int nwarnings;
    char warning[KP_TEXT_MAX];       /* the first warning, "" if none */
};

/* A client request; "params" is required for subscribe/unsubscribe and read
 * in this order: channel (required), symbol (array), depth, interval,
 * snapshot (optional). */
struct kp_request {
    char method[KP_NAME_MAX];
    int has_req_id;
    int64_t req_id;
    char channel[KP_NAME_MAX]; /* "" for ping */
    int depth, interval;       /* 0 when absent */
    int snapshot;              /* 1, 0, or -1 when absent */
    uint32_t nsymbols;
    char symbols[KP_MAX_REQ_SYMBOLS][KP_SYMBOL_MAX];
};

/*
 * Caller-owned, fixed size (several MB because of the token scratch):
 * allocate once with kp_msg_new (or statically), reuse for every frame.
 */
struct kp_msg {
    int kind;      /* enum kp_kind */
    int snapshot;  /* 1 snapshot, 0 update, -1 when the frame has no "type" */
    int64_t ts_ns; /* frame-level "timestamp" (OHLC), 0 when absent */
    union {
        struct kp_book_msg book;
        struct kp_trade_msg trade;
        struct kp_ticker_msg ticker;
        struct kp_ohlc_msg ohlc;
        struct kp_instrument_msg instrument;
        struct kp_status status;
        struct kp_response resp;
        struct kp_request req;
    } u;
    struct kj_token tok[KP_MAX_TOKENS]; /* kp_parse's scratch, not output */
};

/*
 * Decode one frame (buf need not be NUL-terminated). lookup maps symbols to
 * id and precision; it may be NULL when no symbol-carrying frames are
 * expected (they then fail with KP_E_SYMBOL).
 * Returns 0 with out->kind set, or a KP_E_* code (out reset, kind KP_NONE),
 * or -EINVAL if out is NULL or buf is NULL with len > 0.
 */
int kp_parse(struct kp_msg *out, const char *buf, size_t len, kp_lookup_fn lookup, void *ctx);

/* Same contract and results as kp_parse, via kj_quote_numbers + cJSON;
 * allocates, so for tests and cross-checks only. Also -ENOMEM. */
int kp_parse_reference(struct kp_msg *out, const char *buf, size_t len,
                       kp_lookup_fn lookup, void *ctx);

/* A zeroed kp_msg from calloc (NULL if out of memory); kp_msg_free(NULL) is fine. */
struct kp_msg *kp_msg_new(void);
void kp_msg_free(struct kp_msg *m);

/* Static text for a KP_E_* code, -EINVAL or -ENOMEM; "unknown error" otherwise. */
const char *kp_strerror(int err);

/* Lower-case name of a kind ("book", "subscribe_ack", ...). */
const char *kp_kind_name(int kind);

/*
 * Canonical multi-line text of everything decoded (prices rendered at their
 * precision), for logs and for comparing two decodings. NUL-terminated;
 * returns the length, or -ENOSPC if cap was too small (buf then holds a
 * truncated prefix). Uses snprintf: not for the hot path.
 */
int kp_msg_dump(const struct kp_msg *m, char *buf, size_t cap);

/* Book levels of entry e of message m. */
static inline const struct kb_level *kp_book_bids(const struct kp_msg *m,
                                                  const struct kp_book_entry *e)
{
    return &m->u.book.levels[e->bid_first];
}

static inline const struct kb_level *kp_book_asks(const struct kp_msg *m,
                                                  const struct kp_book_entry *e)
{
    return &m->u.book.levels[e->ask_first];
}

#ifdef __cplusplus
}
#endif

#endif /* MDBUS_KRAKEN_PARSE_H */
