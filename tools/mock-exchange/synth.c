/*
 * synth.c — the synthetic random-walk market (see synth.h).
 *
 * Book invariants kept by the generator, on top of kraken_book's own:
 *   - the message it sends is exactly the sequence of kb_apply calls it made, in order,
 *     followed by kb_truncate; so a client applying the message the Kraken way reaches
 *     the same book and the same kb_checksum;
 *   - bids stay strictly below asks after every message (inserts and spread moves check
 *     the opposite best level), and every price stays > 0;
 *   - each side keeps at least MIN_LEVELS levels: a delete is always followed by a refill
 *     beyond the worst level, as Kraken sends the level that comes into view.
 * Prices and quantities are int64 mantissas at the symbol's precisions throughout.
 */
#include "synth.h"

#include "faults.h"
#include "kraken_book.h"
#include "kraken_decimal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MIN_LEVELS 2
#define MAX_CHANGES 12 /* level changes per side in one update message */

struct change {
	int64_t price, qty;
};

struct synth_sym {
	struct kb_book *book; /* NULL until the symbol is first subscribed */
	int64_t last;         /* last trade price */
	uint64_t trade_id;
	/* 24h ticker statistics */
	int64_t day_open, day_high, day_low, day_volume;
	double day_pq; /* sum of price*qty (mantissas), for vwap; precision is not promised */
	/* current OHLC candle */
	int64_t c_begin_s, c_open, c_high, c_low, c_close, c_trades, c_volume;
	double c_pq;
};

struct mx_synth {
	const struct mx_world *world;
	uint64_t rng;
	struct synth_sym sym[MX_MAX_SYMBOLS];
};

#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ULL

/* splitmix64's output function: a good 64-bit mix for seeds and the generator. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* splitmix64: tiny, fast, and good enough for a market that only has to look random. */
static uint64_t rnd(struct mx_synth *g)
{
	return mix64(g->rng += GOLDEN_GAMMA);
}

uint64_t mx_synth_conn_seed(uint64_t seed, uint64_t ordinal)
{
	return mix64(seed + ordinal * GOLDEN_GAMMA);
}

static uint64_t rnd_below(struct mx_synth *g, uint64_t n)
{
	return n ? rnd(g) % n : 0;
}

struct mx_synth *mx_synth_new(const struct mx_world *w, uint64_t seed)
{
	struct mx_synth *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->world = w;
	g->rng = seed;
	return g;
}

void mx_synth_free(struct mx_synth *g)
{
	if (!g)
		return;
	for (int i = 0; i < MX_MAX_SYMBOLS; i++)
		kb_free(g->sym[i].book);
	free(g);
}

int mx_synth_snapshot_due(const struct mx_session *s)
{
	for (int i = 0; i < s->world->symtab.count; i++)
		if (s->sub[i].snap_pending)
			return 1;
	return 0;
}

int mx_synth_has_live(const struct mx_session *s)
{
	for (int i = 0; i < s->world->symtab.count; i++)
		if (s->sub[i].subscribed & (uint8_t)~s->sub[i].snap_pending)
			return 1;
	return 0;
}

/* ---- quantities and prices ------------------------------------------------------ */

static int64_t rand_qty(struct mx_synth *g, int qp)
{
	uint64_t r = rnd_below(g, 100);
	int64_t unit = kd_pow10(qp);

	/* Above 1e7 with 8 decimals a double no longer holds the value: exercise that. */
	if (r < 2 && qp <= 10)
		return (10000000 + (int64_t)rnd_below(g, 9999999)) * unit +
		       (int64_t)rnd_below(g, (uint64_t)unit);
	/* Below 1e-4 the wire switches to exponent form ("1.234e-05"). */
	if (r < 4 && qp >= 5)
		return 1 + (int64_t)rnd_below(g, (uint64_t)kd_pow10(qp - 4) - 1);
	/* Round lots, so trailing-zero trimming shows ("0.37"). */
	if (r < 25 && qp >= 2)
		return (1 + (int64_t)rnd_below(g, 500)) * kd_pow10(qp - 2);
	return 1 + (int64_t)rnd_below(g, 5 * (uint64_t)unit);
}

static struct kb_level *side_levels(struct kb_book *b, int side, int *n)
{
	*n = side == KB_BID ? b->nbids : b->nasks;
	return side == KB_BID ? b->bids : b->asks;
}

/* One step further from the touch: lower for bids, higher for asks. */
static int64_t away(int side, int64_t price, int64_t ticks)
{
	return side == KB_BID ? price - ticks : price + ticks;
}

static void fill_book(struct mx_synth *g, struct synth_sym *ss, int64_t mid)
{
	struct kb_book *b = ss->book;
	int64_t bid = mid - 1 - (int64_t)rnd_below(g, 2);
	int64_t ask = mid + 1 + (int64_t)rnd_below(g, 2);

	kb_clear(b);
	for (int i = 0; i < b->depth; i++) {
		if (bid > 0)
			kb_apply(b, KB_BID, bid, rand_qty(g, b->qty_prec));
		kb_apply(b, KB_ASK, ask, rand_qty(g, b->qty_prec));
		bid -= 1 + (int64_t)rnd_below(g, 3);
		ask += 1 + (int64_t)rnd_below(g, 3);
	}
	kb_truncate(b);
}

static int64_t book_mid(const struct synth_sym *ss)
{
	const struct kb_book *b = ss->book;

	if (b && b->nbids && b->nasks)
		return (b->bids[0].price + b->asks[0].price) / 2;
	return ss->last;
}

/* Sets up a symbol's state on its first subscription, or rebuilds its book. */
static int ensure_symbol(struct mx_synth *g, struct mx_session *s, int idx)
{
	const struct mx_symbol *sym = &g->world->symtab.sym[idx];
	struct synth_sym *ss = &g->sym[idx];
	struct mx_sub *sub = &s->sub[idx];
	int depth = sub->depth ? sub->depth : MX_DEFAULT_BOOK_DEPTH;

	if (!ss->book) {
		int64_t p = sym->start_price;

		ss->last = p;
		ss->trade_id = 1000000 + rnd_below(g, 9000000);
		ss->day_open = p;
		ss->day_high = p + p / 100;
		ss->day_low = p - p / 100;
		ss->day_volume = (int64_t)rnd_below(g, 1000) * kd_pow10(sym->qty_prec) + 1;
		ss->day_pq = (double)ss->day_volume * (double)p;
	}
	if (!ss->book || ss->book->depth != depth) {
		struct kb_book *nb = kb_new(depth, sym->price_prec, sym->qty_prec);
		int64_t mid = book_mid(ss);

		if (!nb)
			return -ENOMEM;
		kb_free(ss->book);
		ss->book = nb;
		fill_book(g, ss, mid);
	} else if (sub->book_reset && ss->book->nbids < MIN_LEVELS) {
		fill_book(g, ss, book_mid(ss));
	}
	sub->book_reset = 0;
	return 0;
}

/* ---- book updates ------------------------------------------------------------- */

struct side_changes {
	struct change ch[MAX_CHANGES];
	int n;
};

static void emit(struct kb_book *b, int side, struct side_changes *out, int64_t price,
		 int64_t qty)
{
	if (out->n >= MAX_CHANGES || price <= 0)
		return;
	kb_apply(b, side, price, qty);
	out->ch[out->n].price = price;
	out->ch[out->n].qty = qty;
	out->n++;
}

/* A new level beyond the worst one, as the exchange sends when a level leaves the top. */
static void refill(struct mx_synth *g, struct kb_book *b, int side, struct side_changes *out)
{
	int n;
	struct kb_level *lv = side_levels(b, side, &n);
	int64_t p;

	if (n >= b->depth)
		return;
	if (n == 0) {
		int on;
		struct kb_level *opp = side_levels(b, !side, &on);

		if (!on)
			return;
		p = away(side, opp[0].price, 1 + (int64_t)rnd_below(g, 3));
	} else {
		p = away(side, lv[n - 1].price, 1 + (int64_t)rnd_below(g, 3));
	}
	emit(b, side, out, p, rand_qty(g, b->qty_prec));
}

static void one_op(struct mx_synth *g, struct synth_sym *ss, int side, struct side_changes sc[2])
{
	struct side_changes *out = &sc[side];
	struct kb_book *b = ss->book;
	int n, on;
	struct kb_level *lv = side_levels(b, side, &n);
	struct kb_level *opp = side_levels(b, !side, &on);
	uint64_t r = rnd_below(g, 100);
	int i;

	if (n < MIN_LEVELS) {
		refill(g, b, side, out);
		return;
	}
	/* Favour the top of the book, where real activity is. */
	i = (int)rnd_below(g, 1 + rnd_below(g, (uint64_t)n));
	if (r < 45) {                              /* change a level's quantity */
		emit(b, side, out, lv[i].price, rand_qty(g, b->qty_prec));
	} else if (r < 65) {                       /* delete a level, refill beyond the worst */
		emit(b, side, out, lv[i].price, 0);
		refill(g, b, side, out);
	} else if (r < 80) {                       /* insert into a gap between two levels */
		if (i + 1 < n) {
			int64_t gap = side == KB_BID ? lv[i].price - lv[i + 1].price
						     : lv[i + 1].price - lv[i].price;

			if (gap > 1) {
				emit(b, side, out, away(side, lv[i].price, 1 + (int64_t)rnd_below(g, (uint64_t)gap - 1)),
				     rand_qty(g, b->qty_prec));
				return;
			}
		}
		emit(b, side, out, lv[i].price, rand_qty(g, b->qty_prec));
	} else if (r < 90) {                       /* improve the best price: the spread narrows */
		int64_t spread = on ? (side == KB_BID ? opp[0].price - lv[0].price
						     : lv[0].price - opp[0].price) : 0;

		if (spread > 2) {
			int64_t step = 1 + (int64_t)rnd_below(g, (uint64_t)spread - 2);

			emit(b, side, out, side == KB_BID ? lv[0].price + step : lv[0].price - step,
			     rand_qty(g, b->qty_prec));
		} else {
			emit(b, side, out, lv[0].price, rand_qty(g, b->qty_prec));
		}
	} else if (r < 97) {                       /* the best level is taken: the mid moves */
		/* Lean back towards the start price so a long run cannot walk prices to zero. */
		const struct mx_symbol *sym = &g->world->symtab.sym[ss - g->sym];

		if (side == KB_BID && lv[0].price < sym->start_price / 2 && on > MIN_LEVELS) {
			side = KB_ASK;
			lv = opp;
			out = &sc[KB_ASK];
		}
		emit(b, side, out, lv[0].price, 0);
		refill(g, b, side, out);
	} else {                                   /* the same price twice in one message */
		emit(b, side, out, lv[i].price, rand_qty(g, b->qty_prec));
		emit(b, side, out, lv[i].price, rand_qty(g, b->qty_prec));
	}
}

/* ---- frame writers ------------------------------------------------------------- */

static void put_levels(struct wbuf *w, const struct change *ch, int n, int pp, int qp)
{
	WB_LIT(w, "[");
	for (int i = 0; i < n; i++) {
		if (i)
			WB_LIT(w, ",");
		WB_LIT(w, "{\"price\":");
		wb_num(w, ch[i].price, pp);
		WB_LIT(w, ",\"qty\":");
		wb_num(w, ch[i].qty, qp);
		WB_LIT(w, "}");
	}
	WB_LIT(w, "]");
}

static void put_book_levels(struct wbuf *w, const struct kb_level *lv, int n, int pp, int qp)
{
	WB_LIT(w, "[");
	for (int i = 0; i < n; i++) {
		if (i)
			WB_LIT(w, ",");
		WB_LIT(w, "{\"price\":");
		wb_num(w, lv[i].price, pp);
		WB_LIT(w, ",\"qty\":");
		wb_num(w, lv[i].qty, qp);
		WB_LIT(w, "}");
	}
	WB_LIT(w, "]");
}

static void put_symbol(struct wbuf *w, const struct mx_symbol *sym)
{
	WB_LIT(w, "{\"symbol\":");
	wb_jstr(w, sym->name, strlen(sym->name));
}

static void book_snapshot(struct synth_sym *ss, const struct mx_symbol *sym, struct wbuf *w,
			  int64_t now_ns)
{
	const struct kb_book *b = ss->book;

	wb_cstr(w, "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[");
	put_symbol(w, sym);
	WB_LIT(w, ",\"bids\":");
	put_book_levels(w, b->bids, b->nbids, b->price_prec, b->qty_prec);
	WB_LIT(w, ",\"asks\":");
	put_book_levels(w, b->asks, b->nasks, b->price_prec, b->qty_prec);
	WB_LIT(w, ",\"checksum\":");
	wb_u64(w, kb_checksum(b));
	WB_LIT(w, ",\"timestamp\":");
	wb_ts(w, now_ns, 6);
	WB_LIT(w, "}]}");
}

static void book_update(struct mx_synth *g, struct synth_sym *ss, const struct mx_symbol *sym,
			struct wbuf *w, int64_t now_ns, int corrupt)
{
	struct side_changes sc[2] = { { .n = 0 }, { .n = 0 } };
	int ops = 1 + (int)rnd_below(g, 3);
	uint32_t sum;

	for (int k = 0; k < ops; k++) {
		int side = (int)rnd_below(g, 2);

		one_op(g, ss, side, sc);
	}
	if (sc[0].n + sc[1].n == 0)
		refill(g, ss->book, KB_ASK, &sc[KB_ASK]);
	kb_truncate(ss->book);
	sum = kb_checksum(ss->book);
	if (corrupt)
		sum = mx_fault_wrong_checksum(sum);

	wb_cstr(w, "{\"channel\":\"book\",\"type\":\"update\",\"data\":[");
	put_symbol(w, sym);
	WB_LIT(w, ",\"bids\":");
	put_levels(w, sc[KB_BID].ch, sc[KB_BID].n, sym->price_prec, sym->qty_prec);
	WB_LIT(w, ",\"asks\":");
	put_levels(w, sc[KB_ASK].ch, sc[KB_ASK].n, sym->price_prec, sym->qty_prec);
	WB_LIT(w, ",\"checksum\":");
	wb_u64(w, sum);
	WB_LIT(w, ",\"timestamp\":");
	wb_ts(w, now_ns, 6);
	WB_LIT(w, "}]}");
}

static int64_t candle_begin_s(int64_t now_ns, int interval_min)
{
	int64_t len = (int64_t)(interval_min > 0 ? interval_min : 1) * 60;
	int64_t now_s = now_ns / 1000000000;

	return now_s - now_s % len;
}

/* Moves the candle to the current interval if it has ended. */
static void roll_candle(struct synth_sym *ss, int64_t now_ns, int interval_min)
{
	int64_t begin = candle_begin_s(now_ns, interval_min);

	if (begin == ss->c_begin_s)
		return;
	ss->c_begin_s = begin;
	ss->c_open = ss->c_high = ss->c_low = ss->c_close = ss->last;
	ss->c_trades = 0;
	ss->c_volume = 0;
	ss->c_pq = 0;
}

/* One simulated trade: updates last price, ticker statistics and the candle. */
static void simulate_trade(struct mx_synth *g, struct synth_sym *ss, int interval_min,
			   int64_t now_ns, int *side_buy, int64_t *price, int64_t *qty)
{
	const struct kb_book *b = ss->book;
	int buy = (int)rnd_below(g, 2);
	int64_t p = ss->last;

	if (buy && b->nasks)
		p = b->asks[0].price;
	else if (!buy && b->nbids)
		p = b->bids[0].price;
	*qty = 1 + (int64_t)rnd_below(g, (uint64_t)kd_pow10(b->qty_prec));
	*price = p;
	*side_buy = buy;
	ss->last = p;
	ss->trade_id++;
	ss->day_volume += *qty;
	ss->day_pq += (double)p * (double)*qty;
	if (p > ss->day_high)
		ss->day_high = p;
	if (p < ss->day_low)
		ss->day_low = p;
	roll_candle(ss, now_ns, interval_min);
	ss->c_close = p;
	if (p > ss->c_high)
		ss->c_high = p;
	if (p < ss->c_low)
		ss->c_low = p;
	ss->c_trades++;
	ss->c_volume += *qty;
	ss->c_pq += (double)p * (double)*qty;
}

static void put_trade(struct wbuf *w, const struct synth_sym *ss, const struct mx_symbol *sym,
		      int buy, int64_t price, int64_t qty, int64_t now_ns)
{
	put_symbol(w, sym);
	wb_cstr(w, buy ? ",\"side\":\"buy\",\"price\":" : ",\"side\":\"sell\",\"price\":");
	wb_num(w, price, sym->price_prec);
	WB_LIT(w, ",\"qty\":");
	wb_num(w, qty, sym->qty_prec);
	wb_cstr(w, buy ? ",\"ord_type\":\"market\",\"trade_id\":" : ",\"ord_type\":\"limit\",\"trade_id\":");
	wb_u64(w, ss->trade_id);
	WB_LIT(w, ",\"timestamp\":");
	wb_ts(w, now_ns, 6);
	WB_LIT(w, "}");
}

static void trade_frame(struct mx_synth *g, struct synth_sym *ss, const struct mx_symbol *sym,
			int interval_min, struct wbuf *w, int64_t now_ns, int snapshot)
{
	int count = snapshot ? 3 : 1 + (rnd_below(g, 4) == 0);

	wb_cstr(w, snapshot ? "{\"channel\":\"trade\",\"type\":\"snapshot\",\"data\":["
			       : "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[");
	for (int k = 0; k < count; k++) {
		int buy;
		int64_t price, qty;

		simulate_trade(g, ss, interval_min, now_ns, &buy, &price, &qty);
		if (k)
			WB_LIT(w, ",");
		put_trade(w, ss, sym, buy, price, qty, now_ns);
	}
	WB_LIT(w, "]}");
}

static int64_t vwap_of(double pq, int64_t volume, int64_t fallback)
{
	return volume > 0 ? (int64_t)(pq / (double)volume + 0.5) : fallback;
}

static void ticker_frame(struct synth_sym *ss, const struct mx_symbol *sym, struct wbuf *w,
			 int64_t now_ns, int snapshot)
{
	const struct kb_book *b = ss->book;
	int pp = sym->price_prec, qp = sym->qty_prec;
	int64_t change = ss->last - ss->day_open;
	/* percent with two decimals, as a mantissa at precision 2 */
	int64_t pct = ss->day_open ? change * 10000 / ss->day_open : 0;

	wb_cstr(w, snapshot ? "{\"channel\":\"ticker\",\"type\":\"snapshot\",\"data\":["
			       : "{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[");
	put_symbol(w, sym);
	WB_LIT(w, ",\"bid\":");
	wb_num(w, b->nbids ? b->bids[0].price : ss->last, pp);
	WB_LIT(w, ",\"bid_qty\":");
	wb_num(w, b->nbids ? b->bids[0].qty : 0, qp);
	WB_LIT(w, ",\"ask\":");
	wb_num(w, b->nasks ? b->asks[0].price : ss->last, pp);
	WB_LIT(w, ",\"ask_qty\":");
	wb_num(w, b->nasks ? b->asks[0].qty : 0, qp);
	WB_LIT(w, ",\"last\":");
	wb_num(w, ss->last, pp);
	WB_LIT(w, ",\"volume\":");
	wb_num(w, ss->day_volume, qp);
	WB_LIT(w, ",\"vwap\":");
	wb_num(w, vwap_of(ss->day_pq, ss->day_volume, ss->last), pp);
	WB_LIT(w, ",\"low\":");
	wb_num(w, ss->day_low, pp);
	WB_LIT(w, ",\"high\":");
	wb_num(w, ss->day_high, pp);
	WB_LIT(w, ",\"change\":");
	wb_num(w, change, pp);
	WB_LIT(w, ",\"change_pct\":");
	wb_num(w, pct, 2);
	WB_LIT(w, ",\"timestamp\":");
	wb_ts(w, now_ns, 6);
	WB_LIT(w, "}]}");
}

static void ohlc_frame(struct synth_sym *ss, const struct mx_symbol *sym, int interval_min,
		       struct wbuf *w, int64_t now_ns, int snapshot)
{
	int pp = sym->price_prec;

	roll_candle(ss, now_ns, interval_min);
	wb_cstr(w, snapshot ? "{\"channel\":\"ohlc\",\"type\":\"snapshot\",\"timestamp\":"
			       : "{\"channel\":\"ohlc\",\"type\":\"update\",\"timestamp\":");
	wb_ts(w, now_ns, 9);
	WB_LIT(w, ",\"data\":[");
	put_symbol(w, sym);
	WB_LIT(w, ",\"open\":");
	wb_num(w, ss->c_open, pp);
	WB_LIT(w, ",\"high\":");
	wb_num(w, ss->c_high, pp);
	WB_LIT(w, ",\"low\":");
	wb_num(w, ss->c_low, pp);
	WB_LIT(w, ",\"close\":");
	wb_num(w, ss->c_close, pp);
	WB_LIT(w, ",\"trades\":");
	wb_i64(w, ss->c_trades);
	WB_LIT(w, ",\"volume\":");
	wb_num(w, ss->c_volume, sym->qty_prec);
	WB_LIT(w, ",\"vwap\":");
	wb_num(w, vwap_of(ss->c_pq, ss->c_volume, ss->c_close), pp);
	WB_LIT(w, ",\"interval_begin\":");
	wb_ts(w, ss->c_begin_s * 1000000000, 9);
	WB_LIT(w, ",\"interval\":");
	wb_i64(w, interval_min);
	WB_LIT(w, ",\"timestamp\":");
	wb_ts(w, (ss->c_begin_s + (int64_t)interval_min * 60) * 1000000000, 6);
	WB_LIT(w, "}]}");
}

/* ---- scheduling ----------------------------------------------------------------- */

static void write_channel(struct mx_synth *g, struct mx_session *s, int idx, int ch,
			  struct wbuf *w, int snapshot, int corrupt, struct mx_frame_info *info)
{
	const struct mx_symbol *sym = &g->world->symtab.sym[idx];
	struct synth_sym *ss = &g->sym[idx];
	int interval = s->sub[idx].interval ? s->sub[idx].interval : MX_DEFAULT_OHLC_INTERVAL;
	int64_t now_ns = mx_now_ns();

	info->symbol = idx;
	info->is_snapshot = snapshot;
	switch (ch) {
	case MX_CH_BOOK:
		if (snapshot) {
			book_snapshot(ss, sym, w, now_ns);
		} else {
			book_update(g, ss, sym, w, now_ns, corrupt);
			info->is_book_update = 1;
			info->bad_checksum = corrupt;
		}
		break;
	case MX_CH_TRADE:
		trade_frame(g, ss, sym, interval, w, now_ns, snapshot);
		break;
	case MX_CH_TICKER:
		ticker_frame(ss, sym, w, now_ns, snapshot);
		break;
	default:
		ohlc_frame(ss, sym, interval, w, now_ns, snapshot);
		break;
	}
}

/* Relative weights of update kinds, per channel: mostly book traffic, as on Kraken. */
static const unsigned channel_weight[MX_CH_COUNT] = { 70, 15, 10, 5 };

int mx_synth_next(struct mx_synth *g, struct mx_session *s, struct wbuf *w, int allow_update,
		  int corrupt_checksum, struct mx_frame_info *info)
{
	int count = g->world->symtab.count;
	int live[MX_MAX_SYMBOLS], n_live = 0, idx, rc;
	unsigned total = 0, pick;
	uint8_t mask;

	memset(info, 0, sizeof(*info));
	info->symbol = -1;

	/* Owed snapshots first, lowest symbol and channel first: acks went out in that order. */
	for (int i = 0; i < count; i++) {
		struct mx_sub *sub = &s->sub[i];

		if (!sub->snap_pending && !sub->book_reset)
			continue;
		rc = ensure_symbol(g, s, i);
		if (rc)
			return rc;
		for (int ch = 0; ch < MX_CH_COUNT; ch++) {
			if (!(sub->snap_pending & MX_CH_BIT(ch)))
				continue;
			sub->snap_pending &= (uint8_t)~MX_CH_BIT(ch);
			write_channel(g, s, i, ch, w, 1, 0, info);
			return 1;
		}
	}
	if (!allow_update)
		return 0;

	for (int i = 0; i < count; i++)
		if (s->sub[i].subscribed & (uint8_t)~s->sub[i].snap_pending)
			live[n_live++] = i;
	if (!n_live)
		return 0;
	idx = live[rnd_below(g, (uint64_t)n_live)];
	rc = ensure_symbol(g, s, idx);
	if (rc)
		return rc;
	mask = s->sub[idx].subscribed & (uint8_t)~s->sub[idx].snap_pending;
	for (int ch = 0; ch < MX_CH_COUNT; ch++)
		if (mask & MX_CH_BIT(ch))
			total += channel_weight[ch];
	pick = (unsigned)rnd_below(g, total);
	for (int ch = 0; ch < MX_CH_COUNT; ch++) {
		if (!(mask & MX_CH_BIT(ch)))
			continue;
		if (pick < channel_weight[ch]) {
			write_channel(g, s, idx, ch, w, 0, corrupt_checksum, info);
			return 1;
		}
		pick -= channel_weight[ch];
	}
	return 0;
}
