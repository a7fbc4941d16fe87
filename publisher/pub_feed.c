/*
 * pub_feed.c — Kraken market data (book, trade, ticker, ohlc) into ring records and
 * the shared book area.
 *
 * Books: every level of a message is applied in order, the book is cut to the
 * subscribed depth, and the exchange's CRC-32 is checked before anything about the
 * message is published.  The shm book area only ever receives a book whose checksum
 * matched; a mismatch publishes the INVALID state instead (the last verified levels
 * stay, labelled invalid) and asks the session for one resubscription, at most
 * resync_cap times per symbol and connection.
 */
#include "pub_feed.h"
#include "pub_log.h"
#include "pub_session.h"

#include <string.h>

static void put(struct pub_state *st, struct mdbus_record *r)
{
	if (mdbus_writer_put(st->w, r) < 0)
		MDBUS_STAT_ADD(st->stats, put_errors_seq, 1);
}

static void publish_book(struct pub_state *st, struct pub_symbol *s, const struct kp_book_entry *e)
{
	const struct kb_book *b = s->book;
	struct mdbus_book *o = st->pubbook;
	o->state = MDBUS_BOOK_VALID;
	o->gen = mdbus_writer_generation(st->w);
	o->seq = mdbus_writer_cursor(st->w) - 1;
	o->exch_ts_ns = e->ts_ns;
	o->updates = s->updates;
	o->checksum = e->checksum;
	o->price_precision = b->price_prec;
	o->qty_precision = b->qty_prec;
	o->n_bids = (uint32_t)b->nbids;
	o->n_asks = (uint32_t)b->nasks;
	/* struct kb_level and struct mdbus_level are both {int64 price, qty}. */
	memcpy(o->bids, b->bids, (size_t)b->nbids * sizeof *o->bids);
	memcpy(o->asks, b->asks, (size_t)b->nasks * sizeof *o->asks);
	mdbus_writer_book_publish(st->w, s->id, o);
	s->book_state = MDBUS_BOOK_VALID;
}

static void book_entry(struct pub_state *st, const struct kp_msg *m, const struct kp_book_entry *e,
		       int64_t recv_ns)
{
	struct pub_symbol *s = &st->syms[e->symbol_id];
	int snapshot = m->snapshot == 1;
	if (!snapshot && s->awaiting_snapshot) {
		MDBUS_STAT_ADD(st->stats, drops_seq, 1);
		return; /* an update for a book we do not hold (yet) cannot be applied */
	}
	if (snapshot) {
		kb_clear(s->book);
		s->awaiting_snapshot = 0;
	}
	const struct kb_level *bids = kp_book_bids(m, e), *asks = kp_book_asks(m, e);
	for (uint32_t i = 0; i < e->nbids; i++)
		kb_apply(s->book, KB_BID, bids[i].price, bids[i].qty);
	for (uint32_t i = 0; i < e->nasks; i++)
		kb_apply(s->book, KB_ASK, asks[i].price, asks[i].qty);
	kb_truncate(s->book);
	uint32_t crc = kb_checksum(s->book);
	int ok = crc == e->checksum;
	s->updates++;

	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_BOOK;
	r.symbol = s->id;
	r.exch_ts_ns = e->ts_ns;
	r.recv_ts_ns = recv_ns;
	uint32_t total = e->nbids + e->nasks;
	for (uint32_t i = 0; i < total || (i == 0 && total == 0); i++) {
		const struct kb_level *lv = NULL;
		uint32_t side = MDBUS_SIDE_BID;
		if (i < e->nbids) {
			lv = &bids[i];
		} else if (i < total) {
			lv = &asks[i - e->nbids];
			side = MDBUS_SIDE_ASK;
		}
		uint16_t f = snapshot ? MDBUS_F_SNAPSHOT : 0;
		if (snapshot && i == 0)
			f |= MDBUS_F_SNAP_BEGIN;
		if (i + 1 >= total) {
			f |= MDBUS_F_MSG_END | (ok ? MDBUS_F_CHECKSUM_OK : MDBUS_F_CHECKSUM_BAD);
			if (snapshot)
				f |= MDBUS_F_SNAP_END;
			r.u.book.checksum = e->checksum;
		}
		r.flags = f;
		r.u.book.side = side;
		r.u.book.price = lv ? lv->price : 0;
		r.u.book.qty = lv ? lv->qty : 0;
		put(st, &r);
	}

	if (ok) {
		MDBUS_STAT_ADD(st->stats, checksum_ok_seq, 1);
		publish_book(st, s, e);
		return;
	}
	MDBUS_STAT_ADD(st->stats, checksum_failed_seq, 1);
	s->book_state = MDBUS_BOOK_INVALID;
	mdbus_writer_book_set_state(st->w, s->id, MDBUS_BOOK_INVALID);
	s->awaiting_snapshot = 1;
	if (s->resyncs < st->cfg->resync_cap) {
		s->resyncs++;
		MDBUS_STAT_ADD(st->stats, resyncs_seq, 1);
		LOGW("%s: book checksum mismatch (ours %u, exchange %u); resubscribing (%u/%u)", s->name, crc,
		     e->checksum, s->resyncs, st->cfg->resync_cap);
		pub_session_resync_book(st, (int)e->symbol_id);
	} else {
		LOGE("%s: book checksum mismatch again (ours %u, exchange %u); resync cap %u reached, book left invalid until reconnect",
		     s->name, crc, e->checksum, st->cfg->resync_cap);
	}
}

static void trades(struct pub_state *st, const struct kp_msg *m, int64_t recv_ns)
{
	const struct kp_trade_msg *t = &m->u.trade;
	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_TRADE;
	r.recv_ts_ns = recv_ns;
	for (uint32_t i = 0; i < t->ntrades; i++) {
		const struct kp_trade *x = &t->trades[i];
		r.symbol = st->syms[x->symbol_id].id;
		r.exch_ts_ns = x->ts_ns;
		r.flags = (uint16_t)((m->snapshot == 1 ? MDBUS_F_SNAPSHOT : 0) | (i + 1 == t->ntrades ? MDBUS_F_MSG_END : 0));
		r.u.trade.price = x->price;
		r.u.trade.qty = x->qty;
		r.u.trade.trade_id = x->trade_id;
		r.u.trade.side = x->side == KP_SIDE_BUY ? MDBUS_SIDE_BID : MDBUS_SIDE_ASK;
		r.u.trade.ord_type = x->ord_type == KP_ORD_LIMIT ? 1u : x->ord_type == KP_ORD_MARKET ? 2u : 0u;
		put(st, &r);
	}
}

static void tickers(struct pub_state *st, const struct kp_msg *m, int64_t recv_ns)
{
	const struct kp_ticker_msg *t = &m->u.ticker;
	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_TICKER;
	r.recv_ts_ns = recv_ns;
	for (uint32_t i = 0; i < t->ntickers; i++) {
		const struct kp_ticker *x = &t->tickers[i];
		r.symbol = st->syms[x->symbol_id].id;
		r.exch_ts_ns = x->ts_ns;
		r.flags = (uint16_t)((m->snapshot == 1 ? MDBUS_F_SNAPSHOT : 0) | MDBUS_F_MSG_END |
				     (x->inexact ? MDBUS_F_INEXACT : 0));
		struct mdbus_rec_ticker *o = &r.u.ticker;
		o->bid = x->bid;
		o->bid_qty = x->bid_qty;
		o->ask = x->ask;
		o->ask_qty = x->ask_qty;
		o->last = x->last;
		o->volume = x->volume;
		o->vwap = x->vwap;
		o->low = x->low;
		o->high = x->high;
		o->change = x->change;
		o->change_pct_e2 = x->change_pct > INT32_MAX ? INT32_MAX
				 : x->change_pct < INT32_MIN ? INT32_MIN : (int32_t)x->change_pct;
		put(st, &r);
	}
}

static void candles(struct pub_state *st, const struct kp_msg *m, int64_t recv_ns)
{
	const struct kp_ohlc_msg *c = &m->u.ohlc;
	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_OHLC;
	r.recv_ts_ns = recv_ns;
	for (uint32_t i = 0; i < c->ncandles; i++) {
		const struct kp_candle *x = &c->candles[i];
		r.symbol = st->syms[x->symbol_id].id;
		r.exch_ts_ns = x->ts_ns ? x->ts_ns : m->ts_ns;
		r.flags = (uint16_t)((m->snapshot == 1 ? MDBUS_F_SNAPSHOT : 0) |
				     (i + 1 == c->ncandles ? MDBUS_F_MSG_END : 0) | (x->inexact ? MDBUS_F_INEXACT : 0));
		struct mdbus_rec_ohlc *o = &r.u.ohlc;
		o->open = x->open;
		o->high = x->high;
		o->low = x->low;
		o->close = x->close;
		o->vwap = x->vwap;
		o->volume = x->volume;
		o->interval_begin_ns = x->interval_begin_ns;
		o->trades = x->trades;
		o->interval_min = (uint32_t)x->interval_min;
		put(st, &r);
	}
}

void pub_feed_market(struct pub_state *st, int64_t recv_ns)
{
	const struct kp_msg *m = st->msg;
	switch (m->kind) {
	case KP_BOOK:
		for (uint32_t i = 0; i < m->u.book.nentries; i++)
			book_entry(st, m, &m->u.book.entries[i], recv_ns);
		break;
	case KP_TRADE:
		trades(st, m, recv_ns);
		break;
	case KP_TICKER:
		tickers(st, m, recv_ns);
		break;
	case KP_OHLC:
		candles(st, m, recv_ns);
		break;
	default:
		break;
	}
}
