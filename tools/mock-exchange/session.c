/*
 * session.c — Kraken v2 request handling and control messages (see session.h).
 *
 * Client requests are parsed with cJSON: they are few and small, unlike the data path.
 * Responses mirror the shapes in tests/fixtures/kraken/: one ack per symbol, a rejected
 * symbol gets its own error carrying "symbol" and no "result", a bad depth rejects the
 * whole request. Strings echoed from the client are length-limited and JSON-escaped.
 */
#include "session.h"

#include "log.h"
#include "replay.h"
#include "wbuf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_MAX 64 /* longest client string echoed back in an error */

static const char *const channel_names[MX_CH_COUNT] = { "book", "trade", "ticker", "ohlc" };

int mx_channel_parse(const char *s, size_t len)
{
	for (int i = 0; i < MX_CH_COUNT; i++)
		if (strlen(channel_names[i]) == len && !memcmp(channel_names[i], s, len))
			return i;
	return -1;
}

void mx_session_init(struct mx_session *s, const struct mx_world *w, uint64_t connection_id)
{
	memset(s, 0, sizeof(*s));
	s->world = w;
	s->connection_id = connection_id;
}

void mx_session_free(struct mx_session *s)
{
	struct mx_msg *m;

	while ((m = mx_session_pop(s)))
		free(m);
}

struct mx_msg *mx_session_pop(struct mx_session *s)
{
	struct mx_msg *m = s->q_head;

	if (!m)
		return NULL;
	s->q_head = m->next;
	if (!s->q_head)
		s->q_tail = NULL;
	s->q_bytes -= m->len;
	m->next = NULL;
	return m;
}

static int enqueue(struct mx_session *s, const char *data, size_t len)
{
	struct mx_msg *m;

	if (s->q_bytes + len > MX_SESSION_QUEUE_MAX)
		return -ENOBUFS;
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = len;
	memcpy(m->data, data, len);
	if (s->q_tail)
		s->q_tail->next = m;
	else
		s->q_head = m;
	s->q_tail = m;
	s->q_bytes += len;
	return 0;
}

static int enqueue_wbuf(struct mx_session *s, const struct wbuf *w)
{
	if (w->overflow) {
		/* Every control message fits its buffer by construction; say so if one does not. */
		mx_err("internal: control message did not fit its buffer");
		return 0;
	}
	return enqueue(s, w->start, wb_len(w));
}

int mx_session_queue_status(struct mx_session *s)
{
	char buf[256];
	struct wbuf w;

	wb_init(&w, buf, sizeof(buf));
	WB_LIT(&w, "{\"channel\":\"status\",\"data\":[{\"api_version\":\"v2\",\"connection_id\":");
	wb_u64(&w, s->connection_id);
	WB_LIT(&w, ",\"system\":\"online\",\"version\":\"2.0.0\"}],\"type\":\"update\"}");
	return enqueue_wbuf(s, &w);
}

/* Request context shared by every response to one message. */
struct req {
	struct mx_session *s;
	const char *method; /* NULL when the message had none */
	int has_req_id;
	int64_t req_id;
	int64_t time_in_ns;
};

static void put_echo(struct wbuf *w, const char *str)
{
	size_t n = strlen(str);

	wb_jstr(w, str, n > ECHO_MAX ? ECHO_MAX : n);
}

static void put_tail(struct wbuf *w, const struct req *r)
{
	WB_LIT(w, ",\"time_in\":");
	wb_ts(w, r->time_in_ns, 6);
	WB_LIT(w, ",\"time_out\":");
	wb_ts(w, mx_now_ns(), 6);
	if (r->has_req_id) {
		WB_LIT(w, ",\"req_id\":");
		wb_i64(w, r->req_id);
	}
	WB_LIT(w, "}");
}

/* {"error":"<text><detail>","method":..,"success":false,"symbol":..,"time_in":..} */
static int send_error(const struct req *r, const char *text, const char *detail,
		      const char *symbol)
{
	char buf[512], msg[200];
	struct wbuf w;
	size_t tl = strlen(text), dl = detail ? strlen(detail) : 0;

	if (dl > ECHO_MAX)
		dl = ECHO_MAX;
	if (tl + dl >= sizeof(msg))
		tl = sizeof(msg) - 1 - dl;
	memcpy(msg, text, tl);
	if (dl)
		memcpy(msg + tl, detail, dl);
	msg[tl + dl] = '\0';

	r->s->requests_bad++;
	wb_init(&w, buf, sizeof(buf));
	WB_LIT(&w, "{\"error\":");
	wb_jstr(&w, msg, tl + dl);
	if (r->method) {
		WB_LIT(&w, ",\"method\":");
		put_echo(&w, r->method);
	}
	WB_LIT(&w, ",\"success\":false");
	if (symbol) {
		WB_LIT(&w, ",\"symbol\":");
		put_echo(&w, symbol);
	}
	put_tail(&w, r);
	return enqueue_wbuf(r->s, &w);
}

static int depth_ok(double d)
{
	static const int allowed[] = { 10, 25, 100, 500, 1000 };

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (d == allowed[i])
			return 1;
	return 0;
}

static int interval_ok(double d)
{
	static const int allowed[] = { 1, 5, 15, 30, 60, 240, 1440, 10080, 21600 };

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (d == allowed[i])
			return 1;
	return 0;
}

/* {"method":"subscribe","result":{...},"success":true,...} for one symbol (or none). */
static int send_ack(const struct req *r, const char *channel, int ch, const char *symbol,
		    int depth, int interval, int snapshot, int unsubscribe)
{
	char buf[512];
	struct wbuf w;

	wb_init(&w, buf, sizeof(buf));
	WB_LIT(&w, "{\"method\":");
	wb_cstr(&w, unsubscribe ? "\"unsubscribe\"" : "\"subscribe\"");
	WB_LIT(&w, ",\"result\":{\"channel\":");
	put_echo(&w, channel);
	if (ch == MX_CH_BOOK) {
		WB_LIT(&w, ",\"depth\":");
		wb_i64(&w, depth);
	}
	if (ch == MX_CH_TICKER && unsubscribe)
		WB_LIT(&w, ",\"event_trigger\":\"trades\"");
	if (ch == MX_CH_OHLC) {
		WB_LIT(&w, ",\"interval\":");
		wb_i64(&w, interval);
	}
	if (snapshot >= 0) {
		WB_LIT(&w, ",\"snapshot\":");
		wb_cstr(&w, snapshot ? "true" : "false");
	}
	if (symbol) {
		WB_LIT(&w, ",\"symbol\":");
		put_echo(&w, symbol);
	}
	WB_LIT(&w, "},\"success\":true");
	put_tail(&w, r);
	return enqueue_wbuf(r->s, &w);
}

/* The instrument snapshot: the recorded one when replaying one, else built from symtab. */
static int send_instrument_snapshot(struct mx_session *s)
{
	const struct mx_symtab *t = &s->world->symtab;
	const char *assets[2 * MX_MAX_SYMBOLS];
	size_t asset_lens[2 * MX_MAX_SYMBOLS];
	int n_assets = 0, rc;
	size_t cap;
	char *buf;
	struct wbuf w;

	if (s->world->replay) {
		const char *text;
		size_t len;

		if (mx_replay_instrument_snapshot(s->world->replay, &text, &len))
			return enqueue(s, text, len);
	}

	cap = 1024 + (size_t)t->count * 1024;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	wb_init(&w, buf, cap);
	WB_LIT(&w, "{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"assets\":[");
	for (int i = 0; i < t->count; i++) {
		const char *name = t->sym[i].name, *slash = strchr(name, '/');
		const char *parts[2] = { name, slash + 1 };
		size_t lens[2] = { (size_t)(slash - name), strlen(slash + 1) };

		for (int k = 0; k < 2; k++) {
			int seen = 0;

			for (int a = 0; a < n_assets && !seen; a++)
				seen = asset_lens[a] == lens[k] && !memcmp(assets[a], parts[k], lens[k]);
			if (seen)
				continue;
			asset_lens[n_assets] = lens[k];
			assets[n_assets++] = parts[k];
			if (n_assets > 1)
				WB_LIT(&w, ",");
			WB_LIT(&w, "{\"id\":");
			wb_jstr(&w, parts[k], lens[k]);
			WB_LIT(&w, ",\"status\":\"enabled\",\"precision\":");
			wb_i64(&w, k == 0 ? 10 : 4);
			WB_LIT(&w, ",\"precision_display\":");
			wb_i64(&w, k == 0 ? 5 : 2);
			WB_LIT(&w, ",\"borrowable\":false,\"collateral_value\":0.0,\"margin_rate\":0.02}");
		}
	}
	WB_LIT(&w, "],\"pairs\":[");
	for (int i = 0; i < t->count; i++) {
		const struct mx_symbol *sym = &t->sym[i];
		const char *slash = strchr(sym->name, '/');

		if (i)
			WB_LIT(&w, ",");
		WB_LIT(&w, "{\"symbol\":");
		wb_jstr(&w, sym->name, strlen(sym->name));
		WB_LIT(&w, ",\"base\":");
		wb_jstr(&w, sym->name, (size_t)(slash - sym->name));
		WB_LIT(&w, ",\"quote\":");
		wb_jstr(&w, slash + 1, strlen(slash + 1));
		WB_LIT(&w, ",\"status\":\"online\",\"qty_precision\":");
		wb_i64(&w, sym->qty_prec);
		WB_LIT(&w, ",\"qty_increment\":");
		wb_num(&w, 1, sym->qty_prec);
		WB_LIT(&w, ",\"price_precision\":");
		wb_i64(&w, sym->price_prec);
		WB_LIT(&w, ",\"cost_precision\":");
		wb_i64(&w, sym->price_prec + 4);
		WB_LIT(&w, ",\"marginable\":false,\"has_index\":true,\"cost_min\":0.5,\"tick_size\":");
		wb_num(&w, 1, sym->price_prec);
		WB_LIT(&w, ",\"price_increment\":");
		wb_num(&w, 1, sym->price_prec);
		WB_LIT(&w, ",\"qty_min\":");
		wb_num(&w, 1, sym->qty_prec > 4 ? 4 : sym->qty_prec);
		WB_LIT(&w, "}");
	}
	WB_LIT(&w, "]}}");
	rc = enqueue_wbuf(s, &w);
	free(buf);
	return rc;
}

/* Parses snapshot (default true). */
static int get_snapshot(const cJSON *params)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(params, "snapshot");

	return cJSON_IsFalse(j) ? 0 : 1;
}

static int handle_instrument(const struct req *r, const cJSON *params, int unsubscribe)
{
	struct mx_session *s = r->s;
	int snapshot = get_snapshot(params), rc;

	if (unsubscribe) {
		if (!s->instrument)
			return send_error(r, "Subscription Not Found", NULL, NULL);
		s->instrument = 0;
		s->sub_gen++;
		return send_ack(r, "instrument", -1, NULL, 0, 0, snapshot, 1);
	}
	s->instrument = 1;
	s->sub_gen++;
	rc = send_ack(r, "instrument", -1, NULL, 0, 0, snapshot, 0);
	if (!rc && snapshot)
		rc = send_instrument_snapshot(s);
	return rc;
}

/* (Un)subscribes one symbol of a data-channel request and queues its ack or error. */
static int one_symbol(const struct req *r, const char *channel, int ch, const cJSON *e,
		      int depth, int interval, int snapshot, int unsubscribe)
{
	struct mx_session *s = r->s;
	const char *name = cJSON_IsString(e) ? e->valuestring : NULL;
	struct mx_sub *sub;
	int idx;

	if (!name)
		return send_error(r, "Invalid symbol", NULL, NULL);
	idx = mx_symtab_find(&s->world->symtab, name, strlen(name));
	if (idx < 0)
		return send_error(r, "Currency pair not supported ", name, name);
	sub = &s->sub[idx];
	s->sub_gen++;
	if (unsubscribe) {
		if (!(sub->subscribed & MX_CH_BIT(ch)))
			return send_error(r, "Subscription Not Found", NULL, name);
		sub->subscribed &= (uint8_t)~MX_CH_BIT(ch);
		sub->snap_pending &= (uint8_t)~MX_CH_BIT(ch);
		return send_ack(r, channel, ch, name, sub->depth, sub->interval, snapshot, 1);
	}
	/*
	 * A repeated subscribe is answered like a fresh one (ack + new snapshot) rather than
	 * with Kraken's "Already subscribed": it lets a publisher resync a book by subscribing
	 * again, and keeps the mock easy to drive.
	 */
	sub->subscribed |= MX_CH_BIT(ch);
	if (snapshot)
		sub->snap_pending |= MX_CH_BIT(ch);
	if (ch == MX_CH_BOOK) {
		sub->depth = (uint16_t)depth;
		sub->book_reset = 1;
	}
	if (ch == MX_CH_OHLC)
		sub->interval = (uint16_t)interval;
	s->channels_any |= MX_CH_BIT(ch);
	if (!s->first_data_sub_us)
		s->first_data_sub_us = mx_mono_us();
	return send_ack(r, channel, ch, name, depth, interval, snapshot, 0);
}

static int handle_data_channel(const struct req *r, const cJSON *params, const char *channel,
			       int ch, int unsubscribe)
{
	const cJSON *symbols = cJSON_GetObjectItemCaseSensitive(params, "symbol");
	const cJSON *jd = cJSON_GetObjectItemCaseSensitive(params, "depth");
	const cJSON *ji = cJSON_GetObjectItemCaseSensitive(params, "interval");
	const cJSON *e;
	int depth = MX_DEFAULT_BOOK_DEPTH, interval = MX_DEFAULT_OHLC_INTERVAL;
	int snapshot = get_snapshot(params);

	if (!cJSON_IsArray(symbols) || cJSON_GetArraySize(symbols) == 0)
		return send_error(r, "Missing field: symbol", NULL, NULL);
	/* A bad depth or interval rejects the whole request, with no per-symbol answers. */
	if (ch == MX_CH_BOOK && jd) {
		if (!cJSON_IsNumber(jd) || !depth_ok(jd->valuedouble))
			return send_error(r, "Subscription depth not supported", NULL, NULL);
		depth = (int)jd->valuedouble;
	}
	if (ch == MX_CH_OHLC && ji) {
		if (!cJSON_IsNumber(ji) || !interval_ok(ji->valuedouble))
			return send_error(r, "Subscription ohlc interval not supported", NULL, NULL);
		interval = (int)ji->valuedouble;
	}
	cJSON_ArrayForEach(e, symbols) {
		int rc = one_symbol(r, channel, ch, e, depth, interval, snapshot, unsubscribe);

		if (rc)
			return rc;
	}
	return 0;
}

static int handle_subscribe(const struct req *r, const cJSON *root, int unsubscribe)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
	const cJSON *jc = cJSON_GetObjectItemCaseSensitive(params, "channel");
	const char *channel;
	int ch;

	if (!cJSON_IsObject(params))
		return send_error(r, "Missing field: params", NULL, NULL);
	if (!cJSON_IsString(jc))
		return send_error(r, "Missing field: channel", NULL, NULL);
	channel = jc->valuestring;
	if (!strcmp(channel, "instrument"))
		return handle_instrument(r, params, unsubscribe);
	if (!strcmp(channel, "heartbeat") || !strcmp(channel, "status"))
		return send_ack(r, channel, -1, NULL, 0, 0, -1, unsubscribe);
	if (!strcmp(channel, "executions") || !strcmp(channel, "balances") ||
	    !strcmp(channel, "level3"))
		return send_error(r, "Private data and trading are unavailable on this endpoint. "
				  "Try ws-auth.kraken.com", NULL, NULL);
	ch = mx_channel_parse(channel, strlen(channel));
	if (ch < 0)
		return send_error(r, "Channel not supported: ", channel, NULL);
	return handle_data_channel(r, params, channel, ch, unsubscribe);
}

static int handle_ping(const struct req *r, const cJSON *root)
{
	char buf[256];
	struct wbuf w;

	if (cJSON_GetObjectItemCaseSensitive(root, "params"))
		return send_error(r, "Unsupported field: 'params' for the given msg type: ping",
				  NULL, NULL);
	wb_init(&w, buf, sizeof(buf));
	WB_LIT(&w, "{\"method\":\"pong\"");
	if (r->has_req_id) {
		WB_LIT(&w, ",\"req_id\":");
		wb_i64(&w, r->req_id);
	}
	WB_LIT(&w, ",\"time_in\":");
	wb_ts(&w, r->time_in_ns, 6);
	WB_LIT(&w, ",\"time_out\":");
	wb_ts(&w, mx_now_ns(), 6);
	WB_LIT(&w, "}");
	return enqueue_wbuf(r->s, &w);
}

int mx_session_handle(struct mx_session *s, const char *msg, size_t len)
{
	struct req r = { .s = s, .time_in_ns = mx_now_ns() };
	const cJSON *jm, *jr;
	cJSON *root;
	int rc;

	root = cJSON_ParseWithLength(msg, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return send_error(&r, "Malformed request: not a JSON object", NULL, NULL);
	}
	jr = cJSON_GetObjectItemCaseSensitive(root, "req_id");
	if (cJSON_IsNumber(jr) && jr->valuedouble >= -9e15 && jr->valuedouble <= 9e15) {
		r.has_req_id = 1;
		r.req_id = (int64_t)jr->valuedouble;
	}
	jm = cJSON_GetObjectItemCaseSensitive(root, "method");
	if (!cJSON_IsString(jm)) {
		rc = send_error(&r, "Missing field: method", NULL, NULL);
	} else {
		r.method = jm->valuestring;
		if (!strcmp(r.method, "ping"))
			rc = handle_ping(&r, root);
		else if (!strcmp(r.method, "subscribe"))
			rc = handle_subscribe(&r, root, 0);
		else if (!strcmp(r.method, "unsubscribe"))
			rc = handle_subscribe(&r, root, 1);
		else
			rc = send_error(&r, "Method not supported: ", r.method, NULL);
	}
	cJSON_Delete(root);
	return rc;
}
