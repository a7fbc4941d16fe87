/*
 * client_book.c — message classification, exact number parsing and book checksum
 * verification for the mock-exchange tests (see client_book.h).
 */
#include "client_book.h"

#include "kraken_book.h"
#include "kraken_decimal.h"
#include "kraken_json.h"
#include "kraken_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cb_init(struct cb_state *s, int depth)
{
	memset(s, 0, sizeof(*s));
	s->depth = depth;
}

void cb_free(struct cb_state *s)
{
	for (int i = 0; i < s->nsym; i++)
		kb_free(s->sym[i].book);
	s->nsym = 0;
}

const char *cb_str(const cJSON *obj, const char *key)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(j) ? j->valuestring : NULL;
}

int cb_i64(const cJSON *obj, const char *key, int64_t *out)
{
	const char *t = cb_str(obj, key);

	return t ? kd_parse(t, strlen(t), 0, out) : -1;
}

int cb_find(const struct cb_state *s, const char *name)
{
	for (int i = 0; i < s->nsym; i++)
		if (!strcmp(s->sym[i].name, name))
			return i;
	return -1;
}

int cb_learn_instrument(struct cb_state *s, const cJSON *root)
{
	const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(root, "data"), "pairs");
	const cJSON *p;
	int n = 0;

	cJSON_ArrayForEach(p, pairs) {
		const char *name = cb_str(p, "symbol");
		int64_t pp, qp;
		int idx;

		if (!name || strlen(name) >= sizeof(s->sym[0].name) ||
		    cb_i64(p, "price_precision", &pp) || cb_i64(p, "qty_precision", &qp))
			continue;
		idx = cb_find(s, name);
		if (idx < 0) {
			if (s->nsym == CB_MAX_SYMBOLS)
				continue;
			idx = s->nsym++;
			snprintf(s->sym[idx].name, sizeof(s->sym[idx].name), "%s", name);
		}
		s->sym[idx].price_prec = (int)pp;
		s->sym[idx].qty_prec = (int)qp;
		n++;
	}
	return n;
}

static int invalid(struct cb_state *s, struct cb_result *out, const char *why)
{
	snprintf(s->err, sizeof(s->err), "%s", why);
	out->kind = CB_INVALID;
	return -1;
}

/* Applies one side's levels in message order; -1 if a number does not parse. */
static int apply_side(struct cb_symbol *y, const cJSON *levels, int side)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, levels) {
		const char *pt = cb_str(l, "price"), *qt = cb_str(l, "qty");
		int64_t price, qty;

		if (!pt || !qt || kd_parse(pt, strlen(pt), y->price_prec, &price) ||
		    kd_parse(qt, strlen(qt), y->qty_prec, &qty) || kb_apply(y->book, side, price, qty))
			return -1;
	}
	return 0;
}

/* Every data entry's "timestamp" is RFC 3339 UTC with microseconds, as Kraken sends it. */
static int timestamps_ok(const cJSON *root)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(root, "data")) {
		const char *t = cb_str(d, "timestamp");
		int64_t ns;

		if (t && (strlen(t) != 27 || kt_parse_rfc3339(t, strlen(t), &ns)))
			return 0;
	}
	return 1;
}

static void process_book(struct cb_state *s, const cJSON *root, int snapshot,
			 struct cb_result *out)
{
	const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "data"), 0);
	const char *name = cb_str(d, "symbol"), *ct = cb_str(d, "checksum");
	struct cb_symbol *y;
	uint64_t want;
	int idx;

	if (!snapshot)
		s->book_updates++;
	if (!name || (idx = cb_find(s, name)) < 0) {
		invalid(s, out, "book message for a symbol without instrument precisions");
		return;
	}
	out->sym = idx;
	y = &s->sym[idx];
	if (!y->book) {
		y->book = kb_new(s->depth, y->price_prec, y->qty_prec);
		if (!y->book) {
			invalid(s, out, "kb_new failed");
			return;
		}
	}
	if (snapshot) {
		kb_clear(y->book);
		y->have_snapshot = 1;
		s->snapshots++;
	} else if (!y->have_snapshot) {
		invalid(s, out, "book update before its snapshot");
		return;
	}
	if (apply_side(y, cJSON_GetObjectItemCaseSensitive(d, "bids"), KB_BID) ||
	    apply_side(y, cJSON_GetObjectItemCaseSensitive(d, "asks"), KB_ASK)) {
		invalid(s, out, "book level with an unparsable price or qty");
		return;
	}
	kb_truncate(y->book);
	if (!ct || kd_parse_u64(ct, strlen(ct), &want) || want > UINT32_MAX) {
		invalid(s, out, "book message without a valid checksum");
		return;
	}
	out->checksum_checked = 1;
	out->checksum_ok = kb_checksum(y->book) == (uint32_t)want;
	if (out->checksum_ok)
		s->checksum_ok++;
	else
		s->checksum_bad++;
}

/* Every price/qty-like field of a trade or ticker entry must parse at its precision. */
static void check_values(struct cb_state *s, const cJSON *root, struct cb_result *out)
{
	static const char *const price_keys[] = { "price", "bid", "ask", "last", "low", "high",
						  "open", "close", NULL };
	static const char *const qty_keys[] = { "qty", "bid_qty", "ask_qty", "volume", NULL };
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(root, "data")) {
		const char *name = cb_str(d, "symbol");
		int idx = name ? cb_find(s, name) : -1;

		if (idx < 0) {
			invalid(s, out, "data for a symbol without instrument precisions");
			return;
		}
		out->sym = idx;
		for (int k = 0; price_keys[k]; k++) {
			const char *t = cb_str(d, price_keys[k]);
			int64_t v;

			if (t && (kd_parse(t, strlen(t), s->sym[idx].price_prec, &v) || v < 0)) {
				invalid(s, out, "price-like field does not parse at price_precision");
				return;
			}
		}
		for (int k = 0; qty_keys[k]; k++) {
			const char *t = cb_str(d, qty_keys[k]);
			int64_t v;

			if (t && (kd_parse(t, strlen(t), s->sym[idx].qty_prec, &v) || v < 0)) {
				invalid(s, out, "qty-like field does not parse at qty_precision");
				return;
			}
		}
	}
}

void cb_process(struct cb_state *s, const char *msg, size_t len, struct cb_result *out)
{
	char *quoted = malloc(2 * len + 1);
	const char *channel, *type;
	size_t qlen;

	memset(out, 0, sizeof(*out));
	out->sym = -1;
	out->kind = CB_NONJSON;
	if (!quoted)
		return;
	if (kj_parse(msg, len, NULL, 0) < 0 ||
	    kj_quote_numbers(msg, len, quoted, 2 * len + 1, &qlen) < 0) {
		free(quoted);
		return;
	}
	out->root = cJSON_ParseWithLength(quoted, qlen);
	free(quoted);
	if (!cJSON_IsObject(out->root))
		return;
	/* Responses carry "method"; an error for an unparsable request may only have
	 * "error" and "success". */
	if (cJSON_GetObjectItemCaseSensitive(out->root, "method") ||
	    cJSON_GetObjectItemCaseSensitive(out->root, "success")) {
		out->kind = CB_METHOD;
		return;
	}
	channel = cb_str(out->root, "channel");
	type = cb_str(out->root, "type");
	if (!channel) {
		out->kind = CB_UNKNOWN_CHANNEL;
	} else if (!strcmp(channel, "status")) {
		out->kind = CB_STATUS;
	} else if (!strcmp(channel, "heartbeat")) {
		out->kind = CB_HEARTBEAT;
	} else if (!strcmp(channel, "instrument")) {
		out->kind = CB_INSTRUMENT;
		if (type && !strcmp(type, "snapshot"))
			cb_learn_instrument(s, out->root);
	} else if (!strcmp(channel, "book")) {
		int snapshot = type && !strcmp(type, "snapshot");

		out->kind = snapshot ? CB_BOOK_SNAPSHOT : CB_BOOK_UPDATE;
		process_book(s, out->root, snapshot, out);
		if (out->kind != CB_INVALID && !timestamps_ok(out->root))
			invalid(s, out, "timestamp is not RFC 3339 with microseconds");
	} else if (!strcmp(channel, "trade") || !strcmp(channel, "ticker")) {
		out->kind = !strcmp(channel, "trade") ? CB_TRADE : CB_TICKER;
		check_values(s, out->root, out);
		if (out->kind != CB_INVALID && !timestamps_ok(out->root))
			invalid(s, out, "timestamp is not RFC 3339 with microseconds");
	} else if (!strcmp(channel, "ohlc")) {
		out->kind = CB_OHLC;
		check_values(s, out->root, out);
	} else {
		out->kind = CB_UNKNOWN_CHANNEL;
	}
}
