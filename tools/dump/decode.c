/*
 * decode.c — turn one struct mdbus_record into named, already-rendered fields for the
 * text and JSON renderers (tail and follow).
 *
 * Prices and quantities are rendered at the precision of the record's symbol as known
 * at that point of the stream: a symbol cache is filled from the symbol table on first
 * use and overwritten by INSTRUMENT records as they pass, so a precision change in the
 * stream applies to the records after it.  A record whose symbol is not known gets its
 * bare mantissas and symbol_known = 0; the record is still shown.
 */
#include "dump.h"

#include <stdlib.h>
#include <string.h>

int symcache_init(struct symcache *c, mdbus_sub *s, uint32_t capacity)
{
	c->s = s;
	c->cap = capacity;
	c->e = calloc(capacity ? capacity : 1, sizeof *c->e);
	return c->e ? 0 : -1;
}

void symcache_free(struct symcache *c)
{
	free(c->e);
	c->e = NULL;
}

static const struct mdbus_symbol *symcache_get(struct symcache *c, uint32_t id)
{
	struct symcache_entry *e;

	if (id >= c->cap)
		return NULL;
	e = &c->e[id];
	if (e->loaded == 0)
		e->loaded = mdbus_sub_symbol_info(c->s, id, &e->sym) == 0 ? 1 : -1;
	return e->loaded == 1 ? &e->sym : NULL;
}

static void symcache_learn(struct symcache *c, uint32_t id, const struct mdbus_rec_instrument *in)
{
	struct symcache_entry *e;

	if (id >= c->cap)
		return;
	e = &c->e[id];
	if (e->loaded != 1) {
		memset(&e->sym, 0, sizeof e->sym);
		e->sym.id = id;
	}
	e->loaded = 1;
	e->sym.price_precision = in->price_precision;
	e->sym.qty_precision = in->qty_precision;
	e->sym.status = in->status;
	memcpy(e->sym.name, in->name, sizeof e->sym.name);
	e->sym.name[sizeof e->sym.name - 1] = '\0';
}

const char *sym_status_name(uint32_t status)
{
	switch (status) {
	case MDBUS_SYM_UNUSED:   return "unused";
	case MDBUS_SYM_ONLINE:   return "online";
	case MDBUS_SYM_HALTED:   return "halted";
	case MDBUS_SYM_REJECTED: return "rejected";
	case MDBUS_SYM_PENDING:  return "pending";
	default:                 return "unknown";
	}
}

const char *book_state_name(uint32_t state)
{
	switch (state) {
	case MDBUS_BOOK_EMPTY:   return "empty";
	case MDBUS_BOOK_VALID:   return "valid";
	case MDBUS_BOOK_INVALID: return "invalid";
	default:                 return "unknown";
	}
}

static const char *status_reason_name(uint32_t reason)
{
	switch (reason) {
	case MDBUS_STATUS_CONNECTED:       return "connected";
	case MDBUS_STATUS_DISCONNECTED:    return "disconnected";
	case MDBUS_STATUS_PUBLISHER_START: return "publisher_start";
	case MDBUS_STATUS_PUBLISHER_STOP:  return "publisher_stop";
	default:                           return "unknown";
	}
}

void decode_flags(char *buf, size_t n, uint16_t flags)
{
	static const struct { uint16_t bit; const char *name; } names[] = {
		{ MDBUS_F_SNAPSHOT, "snapshot" },
		{ MDBUS_F_SNAP_BEGIN, "snap_begin" },
		{ MDBUS_F_SNAP_END, "snap_end" },
		{ MDBUS_F_MSG_END, "msg_end" },
		{ MDBUS_F_CHECKSUM_OK, "checksum_ok" },
		{ MDBUS_F_CHECKSUM_BAD, "checksum_bad" },
		{ MDBUS_F_INEXACT, "inexact" },
	};
	uint16_t rest = flags;
	size_t k = 0;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(flags & names[i].bit))
			continue;
		rest &= (uint16_t)~names[i].bit;
		k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s", k ? "," : "", names[i].name);
	}
	if (rest)
		snprintf(buf + k, k < n ? n - k : 0, "%s0x%04x", k ? "," : "", (unsigned)rest);
}

/* ------------------------------------------------------------- fields */

static struct dfield *add(struct decoded *d, const char *key, enum dfield_kind kind)
{
	struct dfield *f;

	if (d->nfields >= DUMP_MAX_FIELDS) /* NEVER: no record type has that many */
		return NULL;
	f = &d->f[d->nfields++];
	f->key = key;
	f->kind = kind;
	f->val[0] = '\0';
	return f;
}

static void add_str(struct decoded *d, const char *key, const char *v)
{
	struct dfield *f = add(d, key, DF_STR);

	if (f)
		snprintf(f->val, sizeof f->val, "%s", v);
}

static void add_u64(struct decoded *d, const char *key, uint64_t v)
{
	struct dfield *f = add(d, key, DF_INT);

	if (f)
		fmt_u64(f->val, sizeof f->val, v);
}

static void add_i64(struct decoded *d, const char *key, int64_t v)
{
	struct dfield *f = add(d, key, DF_INT);

	if (f)
		fmt_i64(f->val, sizeof f->val, v);
}

static void add_bool(struct decoded *d, const char *key, int v)
{
	struct dfield *f = add(d, key, DF_BOOL);

	if (f)
		snprintf(f->val, sizeof f->val, "%s", v ? "true" : "false");
}

static void add_time(struct decoded *d, const char *key, int64_t ns)
{
	struct dfield *f = add(d, key, DF_TIME);

	if (f)
		fmt_i64(f->val, sizeof f->val, ns);
}

/* A mantissa at precision prec, or the bare mantissa when the symbol is unknown. */
static void add_dec(struct decoded *d, const char *key, int64_t m, int prec_known, int32_t prec)
{
	struct dfield *f = add(d, key, prec_known ? DF_DEC : DF_INT);

	if (!f)
		return;
	if (prec_known)
		dec_format(f->val, sizeof f->val, m, prec);
	else
		fmt_i64(f->val, sizeof f->val, m);
}

static void decode_raw(struct decoded *d, const struct mdbus_rec_raw *raw)
{
	struct dfield *f;
	uint32_t len = raw->len;
	uint32_t i;

	add_u64(d, "len", len);
	if (len > MDBUS_RAW_MAX) /* the library validates; a bad length is still shown */
		len = MDBUS_RAW_MAX;
	f = add(d, "data", DF_STR);
	if (!f)
		return;
	for (i = 0; i < len; i++)
		snprintf(f->val + 2 * i, sizeof f->val - 2 * i, "%02x", raw->data[i]);
}

void decode_record(struct symcache *c, const struct mdbus_record *r, struct decoded *d)
{
	const struct mdbus_symbol *sym = NULL;
	int known;
	int32_t pp = 0, qp = 0;

	memset(d, 0, sizeof *d);
	d->r = r;
	d->has_symbol = r->symbol != MDBUS_SYMBOL_NONE;
	if (r->type == MDBUS_REC_INSTRUMENT && d->has_symbol)
		symcache_learn(c, r->symbol, &r->u.instrument);
	if (d->has_symbol)
		sym = symcache_get(c, r->symbol);
	known = sym != NULL;
	d->symbol_known = known;
	if (sym) {
		pp = sym->price_precision;
		qp = sym->qty_precision;
		dump_clean(d->symbol, sizeof d->symbol, sym->name, sizeof sym->name);
	} else if (d->has_symbol) {
		snprintf(d->symbol, sizeof d->symbol, "#%lu", (unsigned long)r->symbol);
	}
	decode_flags(d->flags, sizeof d->flags, r->flags);

	switch (r->type) {
	case MDBUS_REC_RAW:
		d->type_name = "raw";
		decode_raw(d, &r->u.raw);
		break;
	case MDBUS_REC_STATUS:
		d->type_name = "status";
		add_u64(d, "new_gen", r->u.status.gen);
		add_u64(d, "epoch", r->u.status.epoch);
		add_bool(d, "connected", r->u.status.connected != 0);
		add_str(d, "reason", status_reason_name(r->u.status.reason));
		break;
	case MDBUS_REC_BOOK:
		d->type_name = "book";
		add_str(d, "side", r->u.book.side == MDBUS_SIDE_BID ? "bid"
				 : r->u.book.side == MDBUS_SIDE_ASK ? "ask" : "unknown");
		add_dec(d, "price", r->u.book.price, known, pp);
		add_dec(d, "qty", r->u.book.qty, known, qp);
		if (r->flags & MDBUS_F_MSG_END)
			add_u64(d, "checksum", r->u.book.checksum);
		break;
	case MDBUS_REC_TRADE:
		d->type_name = "trade";
		add_str(d, "side", r->u.trade.side == MDBUS_SIDE_BID ? "buy"
				 : r->u.trade.side == MDBUS_SIDE_ASK ? "sell" : "unknown");
		add_dec(d, "price", r->u.trade.price, known, pp);
		add_dec(d, "qty", r->u.trade.qty, known, qp);
		add_u64(d, "trade_id", r->u.trade.trade_id);
		add_str(d, "ord_type", r->u.trade.ord_type == 1 ? "limit"
				     : r->u.trade.ord_type == 2 ? "market" : "unknown");
		break;
	case MDBUS_REC_TICKER: {
		const struct mdbus_rec_ticker *t = &r->u.ticker;
		struct dfield *f;

		d->type_name = "ticker";
		add_dec(d, "bid", t->bid, known, pp);
		add_dec(d, "bid_qty", t->bid_qty, known, qp);
		add_dec(d, "ask", t->ask, known, pp);
		add_dec(d, "ask_qty", t->ask_qty, known, qp);
		add_dec(d, "last", t->last, known, pp);
		add_dec(d, "volume", t->volume, known, qp);
		add_dec(d, "vwap", t->vwap, known, pp);
		add_dec(d, "low", t->low, known, pp);
		add_dec(d, "high", t->high, known, pp);
		add_dec(d, "change", t->change, known, pp);
		f = add(d, "change_pct", DF_DEC);
		if (f)
			dec_format(f->val, sizeof f->val, t->change_pct_e2, 2);
		break;
	}
	case MDBUS_REC_OHLC: {
		const struct mdbus_rec_ohlc *k = &r->u.ohlc;

		d->type_name = "ohlc";
		add_u64(d, "interval_min", k->interval_min);
		add_time(d, "interval_begin", k->interval_begin_ns);
		add_dec(d, "open", k->open, known, pp);
		add_dec(d, "high", k->high, known, pp);
		add_dec(d, "low", k->low, known, pp);
		add_dec(d, "close", k->close, known, pp);
		add_dec(d, "vwap", k->vwap, known, pp);
		add_dec(d, "volume", k->volume, known, qp);
		add_u64(d, "trades", k->trades);
		break;
	}
	case MDBUS_REC_INSTRUMENT: {
		char name[MDBUS_SYMBOL_NAME_MAX];

		d->type_name = "instrument";
		dump_clean(name, sizeof name, r->u.instrument.name, sizeof r->u.instrument.name);
		add_str(d, "name", name);
		add_i64(d, "price_precision", r->u.instrument.price_precision);
		add_i64(d, "qty_precision", r->u.instrument.qty_precision);
		add_str(d, "status", sym_status_name(r->u.instrument.status));
		break;
	}
	default:
		snprintf(d->type_buf, sizeof d->type_buf, "type_%u", (unsigned)r->type);
		d->type_name = d->type_buf;
		break;
	}
}
