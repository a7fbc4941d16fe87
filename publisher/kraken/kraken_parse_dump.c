/*
 * kraken_parse_dump.c — kp_msg_dump: a canonical text rendering of a decoded
 * frame, for debug logs and for comparing the two decoders.
 *
 * Canonical means: every field that carries meaning for the message kind is
 * printed, in a fixed order, and nothing else (no padding bytes, no stale
 * data past the counts), so equal dumps mean equal decodings.
 */
#include "kraken_parse.h"
#include "kraken_decimal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

struct out {
    char *buf;
    size_t cap, len; /* len may exceed cap: then the output was truncated */
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(o->len < o->cap ? o->buf + o->len : NULL,
                  o->len < o->cap ? o->cap - o->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

/* Fixed-point value as decimal text (kd_format cannot fail with this buffer). */
static const char *dec(char *b, int64_t v, int prec)
{
    if (kd_format(v, prec, b, KD_FORMAT_MAX) < 0)
        snprintf(b, KD_FORMAT_MAX, "%" PRId64 "e-%d", v, prec);
    return b;
}

static void dump_book(struct out *o, const struct kp_msg *m)
{
    const struct kp_book_msg *b = &m->u.book;
    char x[KD_FORMAT_MAX], y[KD_FORMAT_MAX];

    put(o, "entries=%" PRIu32 " levels=%" PRIu32 "\n", b->nentries, b->nlevels);
    for (uint32_t k = 0; k < b->nentries && k < KP_MAX_ENTRIES; k++) {
        const struct kp_book_entry *e = &b->entries[k];

        put(o, "entry symbol_id=%" PRIu32 " prec=%d/%d checksum=%" PRIu32 " ts=%" PRId64
               " bids=%" PRIu32 " asks=%" PRIu32 "\n",
            e->symbol_id, e->price_prec, e->qty_prec, e->checksum, e->ts_ns, e->nbids, e->nasks);
        for (uint32_t i = 0; i < e->nbids && e->bid_first + i < KP_MAX_LEVELS; i++) {
            const struct kb_level *l = &b->levels[e->bid_first + i];

            put(o, "  bid %s %s\n", dec(x, l->price, e->price_prec), dec(y, l->qty, e->qty_prec));
        }
        for (uint32_t i = 0; i < e->nasks && e->ask_first + i < KP_MAX_LEVELS; i++) {
            const struct kb_level *l = &b->levels[e->ask_first + i];

            put(o, "  ask %s %s\n", dec(x, l->price, e->price_prec), dec(y, l->qty, e->qty_prec));
        }
    }
}

static void dump_trade(struct out *o, const struct kp_msg *m)
{
    const struct kp_trade_msg *tm = &m->u.trade;
    char x[KD_FORMAT_MAX], y[KD_FORMAT_MAX];

    put(o, "trades=%" PRIu32 "\n", tm->ntrades);
    for (uint32_t k = 0; k < tm->ntrades && k < KP_MAX_TRADES; k++) {
        const struct kp_trade *t = &tm->trades[k];

        put(o, "trade symbol_id=%" PRIu32 " side=%s ord_type=%d price=%s qty=%s id=%" PRIu64
               " ts=%" PRId64 "\n",
            t->symbol_id, t->side == KP_SIDE_BUY ? "buy" : "sell", t->ord_type,
            dec(x, t->price, t->price_prec), dec(y, t->qty, t->qty_prec), t->trade_id, t->ts_ns);
    }
}

static void dump_ticker(struct out *o, const struct kp_msg *m)
{
    const struct kp_ticker_msg *tm = &m->u.ticker;
    char a[KD_FORMAT_MAX], b[KD_FORMAT_MAX], c[KD_FORMAT_MAX], d[KD_FORMAT_MAX];

    put(o, "tickers=%" PRIu32 "\n", tm->ntickers);
    for (uint32_t k = 0; k < tm->ntickers && k < KP_MAX_ENTRIES; k++) {
        const struct kp_ticker *t = &tm->tickers[k];
        int pp = t->price_prec, qp = t->qty_prec;

        put(o, "ticker symbol_id=%" PRIu32 " bid=%s/%s ask=%s/%s", t->symbol_id,
            dec(a, t->bid, pp), dec(b, t->bid_qty, qp), dec(c, t->ask, pp), dec(d, t->ask_qty, qp));
        put(o, " last=%s volume=%s vwap=%s", dec(a, t->last, pp), dec(b, t->volume, qp),
            dec(c, t->vwap, pp));
        put(o, " low=%s high=%s change=%s", dec(a, t->low, pp), dec(b, t->high, pp),
            dec(c, t->change, pp));
        put(o, " change_pct=%s ts=%" PRId64 " inexact=%d\n", dec(a, t->change_pct, KP_PCT_PREC),
            t->ts_ns, t->inexact);
    }
}

static void dump_ohlc(struct out *o, const struct kp_msg *m)
{
    const struct kp_ohlc_msg *om = &m->u.ohlc;
    char a[KD_FORMAT_MAX], b[KD_FORMAT_MAX], c[KD_FORMAT_MAX], d[KD_FORMAT_MAX];

    put(o, "candles=%" PRIu32 "\n", om->ncandles);
    for (uint32_t k = 0; k < om->ncandles && k < KP_MAX_CANDLES; k++) {
        const struct kp_candle *t = &om->candles[k];
        int pp = t->price_prec, qp = t->qty_prec;

        put(o, "candle symbol_id=%" PRIu32 " o=%s h=%s l=%s c=%s", t->symbol_id,
            dec(a, t->open, pp), dec(b, t->high, pp), dec(c, t->low, pp), dec(d, t->close, pp));
        put(o, " vwap=%s volume=%s trades=%" PRIu64 " begin=%" PRId64 " interval=%d ts=%" PRId64
               " inexact=%d\n",
            dec(a, t->vwap, pp), dec(b, t->volume, qp), t->trades, t->interval_begin_ns,
            t->interval_min, t->ts_ns, t->inexact);
    }
}

static void dump_instrument(struct out *o, const struct kp_msg *m)
{
    const struct kp_instrument_msg *im = &m->u.instrument;
    char a[KD_FORMAT_MAX], b[KD_FORMAT_MAX], c[KD_FORMAT_MAX];

    put(o, "pairs=%" PRIu32 "\n", im->npairs);
    for (uint32_t k = 0; k < im->npairs && k < KP_MAX_PAIRS; k++) {
        const struct kp_pair *p = &im->pairs[k];

        put(o, "pair %s base=%s quote=%s status=%s prec=%d/%d", p->symbol, p->base, p->quote,
            p->status, p->price_prec, p->qty_prec);
        put(o, " price_increment=%s qty_increment=%s qty_min=%s inexact=%d\n",
            dec(a, p->price_increment, p->price_prec), dec(b, p->qty_increment, p->qty_prec),
            dec(c, p->qty_min, p->qty_prec), p->inexact);
    }
}

static void dump_resp(struct out *o, const struct kp_msg *m)
{
    const struct kp_response *r = &m->u.resp;

    put(o, "method=%s success=%d req_id=%s%" PRId64 " time_in=%" PRId64 " time_out=%" PRId64 "\n",
        r->method, r->success, r->has_req_id ? "" : "none/", r->req_id, r->time_in_ns,
        r->time_out_ns);
    put(o, "channel=%s symbol=%s depth=%d interval=%d snapshot=%d event_trigger=%s\n", r->channel,
        r->symbol, r->depth, r->interval, r->snapshot, r->event_trigger);
    put(o, "error=%s\nwarnings=%d first=%s\n", r->error, r->nwarnings, r->warning);
}

static void dump_req(struct out *o, const struct kp_msg *m)
{
    const struct kp_request *q = &m->u.req;

    put(o, "method=%s req_id=%s%" PRId64 " channel=%s depth=%d interval=%d snapshot=%d symbols=%" PRIu32
           "\n",
        q->method, q->has_req_id ? "" : "none/", q->req_id, q->channel, q->depth, q->interval,
        q->snapshot, q->nsymbols);
    for (uint32_t k = 0; k < q->nsymbols && k < KP_MAX_REQ_SYMBOLS; k++)
        put(o, "  symbol %s\n", q->symbols[k]);
}

int kp_msg_dump(const struct kp_msg *m, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};

    if (m == NULL || (buf == NULL && cap))
        return -EINVAL;
    if (cap)
        buf[0] = '\0';
    put(&o, "kind=%s snapshot=%d ts=%" PRId64 "\n", kp_kind_name(m->kind), m->snapshot, m->ts_ns);
    switch (m->kind) {
    case KP_BOOK: dump_book(&o, m); break;
    case KP_TRADE: dump_trade(&o, m); break;
    case KP_TICKER: dump_ticker(&o, m); break;
    case KP_OHLC: dump_ohlc(&o, m); break;
    case KP_INSTRUMENT: dump_instrument(&o, m); break;
    case KP_STATUS:
        put(&o, "system=%s api_version=%s version=%s connection_id=%s%" PRIu64 "\n",
            m->u.status.system, m->u.status.api_version, m->u.status.version,
            m->u.status.has_connection_id ? "" : "none/", m->u.status.connection_id);
        break;
    case KP_SUBSCRIBE_ACK:
    case KP_UNSUBSCRIBE_ACK:
    case KP_PONG:
    case KP_ERROR_RESPONSE: dump_resp(&o, m); break;
    case KP_REQUEST: dump_req(&o, m); break;
    default: break;
    }
    if (o.len >= cap)
        return -ENOSPC;
    return (int)o.len;
}
