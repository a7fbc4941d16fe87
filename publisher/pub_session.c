/*
 * pub_session.c — subscriptions, acks and connection state for Kraken v2.
 *
 * Order of a connection: instrument first (it carries each pair's precision, without
 * which no price can be stored exactly), then one subscribe per configured channel
 * for every symbol.  Acks come one per symbol; when every (channel, symbol) pair is
 * acknowledged or refused, the generation moves to odd.  A refused pair is
 * remembered and never requested again: retrying a symbol the exchange does not
 * know only spends the connection budget.
 */
#include "pub_session.h"
#include "pub_feed.h"
#include "pub_log.h"

#include "kraken_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const unsigned all_channels[] = { PUB_CH_BOOK, PUB_CH_TRADE, PUB_CH_TICKER, PUB_CH_OHLC };

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int pub_session_init(struct pub_state *st, const struct pub_config *cfg, mdbus_writer *w)
{
	memset(st, 0, sizeof *st);
	st->cfg = cfg;
	st->w = w;
	st->stats = mdbus_writer_stats(w);
	st->next_req_id = 1;
	st->msg = kp_msg_new();
	st->pubbook = calloc(1, sizeof *st->pubbook);
	if (!st->msg || !st->pubbook)
		return -ENOMEM;
	for (int i = 0; i < cfg->nsymbols; i++) {
		struct pub_symbol *s = &st->syms[i];
		snprintf(s->name, sizeof s->name, "%s", cfg->symbols[i]);
		int id = mdbus_writer_symbol_add(w, s->name);
		if (id < 0)
			return id;
		s->id = (uint32_t)id;
		/* Precision is unknown until the instrument snapshot; 0/0 is a placeholder
		 * that kb_set_precision replaces. */
		s->book = kb_new(cfg->depth, 0, 0);
		if (!s->book)
			return -ENOMEM;
		mdbus_writer_book_set_state(w, s->id, MDBUS_BOOK_EMPTY);
	}
	st->nsyms = cfg->nsymbols;
	return 0;
}

void pub_session_free(struct pub_state *st)
{
	for (int i = 0; i < st->nsyms; i++)
		kb_free(st->syms[i].book);
	while (st->outq_len)
		free(pub_session_pop_request(st));
	kp_msg_free(st->msg);
	free(st->pubbook);
}

/* ------------------------------------------------------------ requests */

static void queue(struct pub_state *st, char *text)
{
	if (!text)
		return;
	if (st->outq_len == PUB_OUTQ) {
		LOGE("outbound queue full; dropping a request and reconnecting");
		free(text);
		st->want_close = 1;
		return;
	}
	st->outq[(st->outq_head + st->outq_len) % PUB_OUTQ] = text;
	st->outq_len++;
}

char *pub_session_pop_request(struct pub_state *st)
{
	if (!st->outq_len)
		return NULL;
	char *t = st->outq[st->outq_head];
	st->outq_head = (st->outq_head + 1) % PUB_OUTQ;
	st->outq_len--;
	return t;
}

static int64_t remember(struct pub_state *st, unsigned channel, int sym, int unsubscribe)
{
	int64_t id = st->next_req_id++;
	if (st->npending == PUB_PENDING_REQS) {
		/* Oldest first out: an answer that never came is not worth a slot. */
		memmove(st->pending, st->pending + 1, sizeof st->pending[0] * (PUB_PENDING_REQS - 1));
		st->npending--;
	}
	st->pending[st->npending++] = (struct pub_req){ id, channel, sym, unsubscribe };
	return id;
}

static const struct pub_req *find_req(const struct pub_state *st, int64_t id)
{
	for (int i = 0; i < st->npending; i++)
		if (st->pending[i].req_id == id)
			return &st->pending[i];
	return NULL;
}

/* Build {"method":M,"params":{"channel":C,"symbol":[...],...},"req_id":N}. */
static char *build_request(struct pub_state *st, const char *method, unsigned ch, int only, int64_t req_id)
{
	size_t cap = 256 + (size_t)st->nsyms * (MDBUS_SYMBOL_NAME_MAX + 4);
	char *b = malloc(cap);
	if (!b)
		return NULL;
	size_t n = (size_t)snprintf(b, cap, "{\"method\":\"%s\",\"params\":{\"channel\":\"%s\",\"symbol\":[",
				    method, pub_channel_name(ch));
	int first = 1;
	for (int i = 0; i < st->nsyms; i++) {
		if ((only >= 0 && i != only) || (st->syms[i].rejected & ch))
			continue;
		n += (size_t)snprintf(b + n, cap - n, "%s\"%s\"", first ? "" : ",", st->syms[i].name);
		first = 0;
	}
	if (first) {
		free(b);
		return NULL; /* nothing left to ask for on this channel */
	}
	n += (size_t)snprintf(b + n, cap - n, "]");
	if (strcmp(method, "subscribe") == 0) {
		if (ch == PUB_CH_BOOK)
			n += (size_t)snprintf(b + n, cap - n, ",\"depth\":%d,\"snapshot\":true", st->cfg->depth);
		else if (ch == PUB_CH_OHLC)
			n += (size_t)snprintf(b + n, cap - n, ",\"interval\":%d,\"snapshot\":true", st->cfg->ohlc_interval);
		else
			n += (size_t)snprintf(b + n, cap - n, ",\"snapshot\":true");
	} else if (ch == PUB_CH_BOOK) {
		n += (size_t)snprintf(b + n, cap - n, ",\"depth\":%d", st->cfg->depth);
	} else if (ch == PUB_CH_OHLC) {
		n += (size_t)snprintf(b + n, cap - n, ",\"interval\":%d", st->cfg->ohlc_interval);
	}
	snprintf(b + n, cap - n, "},\"req_id\":%lld}", (long long)req_id);
	return b;
}

static void subscribe_channels(struct pub_state *st)
{
	for (size_t c = 0; c < 4; c++) {
		unsigned ch = all_channels[c];
		if (!(st->cfg->channels & ch))
			continue;
		int64_t id = st->next_req_id;
		char *req = build_request(st, "subscribe", ch, -1, id);
		if (req) {
			remember(st, ch, -1, 0);
			LOGD("-> %s", req);
			queue(st, req);
		}
	}
}

void pub_session_resync_book(struct pub_state *st, int i)
{
	int64_t id = st->next_req_id;
	char *un = build_request(st, "unsubscribe", PUB_CH_BOOK, i, id);
	if (un) {
		remember(st, PUB_CH_BOOK, i, 1);
		queue(st, un);
	}
	id = st->next_req_id;
	char *sub = build_request(st, "subscribe", PUB_CH_BOOK, i, id);
	if (sub) {
		remember(st, PUB_CH_BOOK, i, 0);
		queue(st, sub);
	}
	st->syms[i].acked &= ~PUB_CH_BOOK;
	st->syms[i].awaiting_snapshot = 1;
}

/* ------------------------------------------------------------ lifecycle */

void pub_session_on_connected(struct pub_state *st, uint64_t now)
{
	while (st->outq_len)
		free(pub_session_pop_request(st));
	st->npending = 0;
	st->want_close = 0;
	for (int i = 0; i < st->nsyms; i++) {
		struct pub_symbol *s = &st->syms[i];
		s->acked = 0;
		s->resyncs = 0;
		s->updates = 0;
		s->awaiting_snapshot = 1;
	}
	int64_t id = st->next_req_id;
	char *req = malloc(96);
	if (req) {
		snprintf(req, 96, "{\"method\":\"subscribe\",\"params\":{\"channel\":\"instrument\",\"snapshot\":true},\"req_id\":%lld}",
			 (long long)id);
		remember(st, 0, -1, 0);
		queue(st, req);
	}
	st->phase = PUB_WAIT_INSTRUMENT;
	st->phase_deadline_ms = now + st->cfg->subscribe_timeout_ms;
}

void pub_session_on_disconnected(struct pub_state *st)
{
	/* Generation to even first: a reader that sees the new generation knows its
	 * book is gone before it sees any book of the next connection. */
	mdbus_writer_set_connected(st->w, 0);
	for (int i = 0; i < st->nsyms; i++) {
		struct pub_symbol *s = &st->syms[i];
		kb_clear(s->book);
		s->book_state = MDBUS_BOOK_EMPTY;
		s->acked = 0;
		mdbus_writer_book_set_state(st->w, s->id, MDBUS_BOOK_EMPTY);
	}
	st->phase = PUB_IDLE;
	st->npending = 0;
}

/* Every wanted (channel, symbol) acknowledged or refused: the feed is live. */
static void check_live(struct pub_state *st)
{
	if (st->phase != PUB_SUBSCRIBING)
		return;
	for (int i = 0; i < st->nsyms; i++) {
		const struct pub_symbol *s = &st->syms[i];
		unsigned want = st->cfg->channels & ~s->rejected;
		if ((s->acked & want) != want)
			return;
	}
	st->phase = PUB_LIVE;
	mdbus_writer_set_connected(st->w, 1);
	LOGI("subscribed: feed live, generation %llu", (unsigned long long)mdbus_writer_generation(st->w));
}

void pub_session_tick(struct pub_state *st, uint64_t now)
{
	if ((st->phase == PUB_WAIT_INSTRUMENT || st->phase == PUB_SUBSCRIBING) && now >= st->phase_deadline_ms) {
		for (int i = 0; i < st->nsyms; i++) {
			const struct pub_symbol *s = &st->syms[i];
			unsigned missing = st->cfg->channels & ~s->rejected & ~s->acked;
			if (missing)
				LOGW("no answer to the subscription of %s (channels mask 0x%x)", s->name, missing);
		}
		LOGE("subscriptions not answered within %u ms; reconnecting", st->cfg->subscribe_timeout_ms);
		st->want_close = 1;
		st->phase_deadline_ms = UINT64_MAX;
	}
}

/* ------------------------------------------------------------ frames */

static int find_symbol(const struct pub_state *st, const char *name)
{
	for (int i = 0; i < st->nsyms; i++)
		if (strcmp(st->syms[i].name, name) == 0)
			return i;
	return -1;
}

static unsigned channel_bit(const char *name)
{
	for (size_t c = 0; c < 4; c++)
		if (strcmp(name, pub_channel_name(all_channels[c])) == 0)
			return all_channels[c];
	return 0;
}

static void on_instrument(struct pub_state *st, int64_t recv_ns)
{
	const struct kp_instrument_msg *m = &st->msg->u.instrument;
	for (uint32_t k = 0; k < m->npairs; k++) {
		const struct kp_pair *p = &m->pairs[k];
		int i = find_symbol(st, p->symbol);
		if (i < 0)
			continue;
		struct pub_symbol *s = &st->syms[i];
		uint32_t status = strcmp(p->status, "online") == 0 ? MDBUS_SYM_ONLINE : MDBUS_SYM_HALTED;
		if (!s->known || s->price_prec != p->price_prec || s->qty_prec != p->qty_prec) {
			s->known = 1;
			s->price_prec = p->price_prec;
			s->qty_prec = p->qty_prec;
			kb_set_precision(s->book, p->price_prec, p->qty_prec);
			s->awaiting_snapshot = 1;
		}
		mdbus_writer_symbol_set(st->w, s->id, s->name, s->price_prec, s->qty_prec, status,
					(uint32_t)st->cfg->depth);
		struct mdbus_record r;
		memset(&r, 0, sizeof r);
		r.type = MDBUS_REC_INSTRUMENT;
		r.symbol = s->id;
		r.recv_ts_ns = recv_ns;
		r.u.instrument.price_precision = s->price_prec;
		r.u.instrument.qty_precision = s->qty_prec;
		r.u.instrument.status = status;
		snprintf(r.u.instrument.name, sizeof r.u.instrument.name, "%s", s->name);
		if (mdbus_writer_put(st->w, &r) < 0)
			MDBUS_STAT_ADD(st->stats, put_errors_seq, 1);
	}
	if (st->phase == PUB_WAIT_INSTRUMENT && st->msg->snapshot == 1) {
		for (int i = 0; i < st->nsyms; i++)
			if (!st->syms[i].known)
				LOGW("%s is not listed by the exchange's instrument channel", st->syms[i].name);
		st->phase = PUB_SUBSCRIBING;
		st->phase_deadline_ms = now_ms() + st->cfg->subscribe_timeout_ms;
		subscribe_channels(st);
		check_live(st);
	}
}

static void reject(struct pub_state *st, int i, unsigned channels, const char *why)
{
	struct pub_symbol *s = &st->syms[i];
	unsigned fresh = channels & st->cfg->channels & ~s->rejected;
	if (!fresh)
		return;
	s->rejected |= fresh;
	MDBUS_STAT_ADD(st->stats, rejected_subs_seq, 1);
	LOGE("exchange refused %s (channels mask 0x%x): %s; not retrying", s->name, fresh, why);
	if ((s->rejected & st->cfg->channels) == st->cfg->channels)
		mdbus_writer_symbol_set(st->w, s->id, s->name, s->price_prec, s->qty_prec, MDBUS_SYM_REJECTED,
					(uint32_t)st->cfg->depth);
}

static void on_ack(struct pub_state *st)
{
	const struct kp_response *a = &st->msg->u.resp;
	unsigned ch = channel_bit(a->channel);
	if (!ch)
		return; /* instrument ack: the snapshot that follows is what matters */
	int i = find_symbol(st, a->symbol);
	if (i < 0) {
		LOGW("ack for a symbol we did not ask for: %s %s", a->channel, a->symbol);
		return;
	}
	st->syms[i].acked |= ch;
	check_live(st);
}

static void on_error_response(struct pub_state *st)
{
	const struct kp_response *e = &st->msg->u.resp;
	const struct pub_req *rq = e->has_req_id ? find_req(st, e->req_id) : NULL;
	if (strcmp(e->method, "subscribe") != 0) {
		LOGW("exchange error for %s: %s", e->method[0] ? e->method : "request", e->error);
		return;
	}
	int i = e->symbol[0] ? find_symbol(st, e->symbol) : -1;
	unsigned chans = rq ? (rq->channel ? rq->channel : st->cfg->channels) : st->cfg->channels;
	if (i >= 0) {
		reject(st, i, chans, e->error);
	} else if (rq && rq->sym >= 0) {
		reject(st, rq->sym, chans, e->error);
	} else if (rq && rq->channel) {
		for (int k = 0; k < st->nsyms; k++)
			reject(st, k, rq->channel, e->error);
	} else {
		LOGE("exchange refused a subscription: %s", e->error);
		MDBUS_STAT_ADD(st->stats, rejected_subs_seq, 1);
	}
	check_live(st);
}

static int lookup(void *ctx, const char *sym, size_t len, struct kp_symbol_info *out)
{
	const struct pub_state *st = ctx;
	for (int i = 0; i < st->nsyms; i++) {
		const struct pub_symbol *s = &st->syms[i];
		if (s->known && strncmp(s->name, sym, len) == 0 && s->name[len] == '\0') {
			out->id = (uint32_t)i; /* our index; pub_feed maps it to the shm id */
			out->price_prec = s->price_prec;
			out->qty_prec = s->qty_prec;
			return 0;
		}
	}
	return -1;
}

void pub_session_on_frame(struct pub_state *st, const char *buf, size_t len, int64_t recv_ns)
{
	struct kp_msg *m = st->msg;
	int rc = kp_parse(m, buf, len, lookup, st);
	if (rc < 0) {
		switch (rc) {
		case KP_E_NOT_JSON:
			MDBUS_STAT_ADD(st->stats, nonjson_seq, 1);
			break;
		case KP_E_CHANNEL:
			MDBUS_STAT_ADD(st->stats, unknown_channel_seq, 1);
			break;
		case KP_E_SYMBOL:
			MDBUS_STAT_ADD(st->stats, drops_seq, 1);
			break;
		default:
			MDBUS_STAT_ADD(st->stats, parse_errors_seq, 1);
			break;
		}
		LOGD("frame skipped (%s): %.120s", kp_strerror(rc), buf);
		return;
	}
	switch (m->kind) {
	case KP_HEARTBEAT:
		MDBUS_STAT_ADD(st->stats, heartbeats_seq, 1);
		break;
	case KP_STATUS:
		LOGI("exchange status: system %s, api %s, version %s, connection_id %llu", m->u.status.system,
		     m->u.status.api_version, m->u.status.version, (unsigned long long)m->u.status.connection_id);
		break;
	case KP_INSTRUMENT:
		on_instrument(st, recv_ns);
		break;
	case KP_SUBSCRIBE_ACK:
		on_ack(st);
		break;
	case KP_UNSUBSCRIBE_ACK:
	case KP_PONG:
		break;
	case KP_ERROR_RESPONSE:
		on_error_response(st);
		break;
	case KP_BOOK:
	case KP_TRADE:
	case KP_TICKER:
	case KP_OHLC:
		pub_feed_market(st, recv_ns);
		break;
	default:
		MDBUS_STAT_ADD(st->stats, unknown_channel_seq, 1);
		break;
	}
}
