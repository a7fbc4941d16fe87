/*
 * render_json.c — the --json output of every command: one JSON document per command on
 * one line (one object per line for `follow`), with stable keys.
 *
 * 64-bit counters, sequence numbers, generations and timestamps are emitted as raw
 * integer text (cJSON_CreateRaw), never through cJSON's double, so values above 2^53
 * stay exact.  Prices and quantities are exact decimal strings.  Key reference:
 *
 * status  {feed, layout:{major,minor}, segment_size, slots, slot_size, symbol_capacity,
 *          book_depth, stale_after_ms, created_ns, creator_uid, write_seq, generation,
 *          generation_meaning, connected, connection, gen_changed_ns, retired,
 *          publisher:{pid, epoch, alive, state, stopped, heartbeat_age_ms},
 *          stats:{records, frames, bytes, parse_errors, checksum_ok, checksum_failed,
 *                 resyncs, reconnects, drops, nonjson, unknown_channel, oversized,
 *                 rejected_subs, heartbeats, watchdog, handshake_fail, put_errors},
 *          [rates:{records_per_s, frames_per_s}]}
 * symbols {feed, symbols:[{id, name, price_precision, qty_precision, status, book_depth,
 *          book_state, book_verified, bids, asks}]}
 * book    {feed, symbol, symbol_id, state, checksum, checksum_ok, checksum_computed,
 *          gen, seq, updates, exch_ts_ns, price_precision, qty_precision, n_bids, n_asks,
 *          bids:[[price,qty]...], asks:[[price,qty]...]}
 * record  {type, seq, gen, symbol, symbol_id, [symbol_known], flags:[...], exch_ts_ns,
 *          recv_ts_ns, exch_time, recv_time, <type fields>}
 * gap     {type:"gap", lost, next_seq}
 * tail    {feed, write_seq, gaps:[gap...], records:[record...], from_seq, lost}
 * follow  one record or gap object per line (notices go to stderr as text)
 * readers {feed, write_seq, registry, count, alive_count, readers:[{slot, pid, name,
 *          alive, sleeping, position, lag, lost, records, last_active_ms_ago,
 *          opened_ns}]}
 */
#include "dump.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* Set when any cJSON allocation failed while building the current document. */
static int oom;

static cJSON *chk(cJSON *item)
{
	if (!item)
		oom = 1;
	return item;
}

static void j_raw(cJSON *o, const char *key, const char *text)
{
	chk(cJSON_AddRawToObject(o, key, text));
}

static void j_u64(cJSON *o, const char *key, uint64_t v)
{
	char buf[24];

	fmt_u64(buf, sizeof buf, v);
	j_raw(o, key, buf);
}

static void j_i64(cJSON *o, const char *key, int64_t v)
{
	char buf[24];

	fmt_i64(buf, sizeof buf, v);
	j_raw(o, key, buf);
}

static void j_str(cJSON *o, const char *key, const char *s)
{
	chk(cJSON_AddStringToObject(o, key, s));
}

static void j_bool(cJSON *o, const char *key, int v)
{
	chk(cJSON_AddBoolToObject(o, key, v != 0));
}

static cJSON *j_obj(cJSON *parent, const char *key)
{
	return chk(cJSON_AddObjectToObject(parent, key));
}

static cJSON *j_arr(cJSON *parent, const char *key)
{
	return chk(cJSON_AddArrayToObject(parent, key));
}

static void j_time(cJSON *o, const char *key, int64_t ns)
{
	char buf[DUMP_TIME_MAX];

	fmt_time_ns(buf, sizeof buf, ns);
	if (ns == 0)
		chk(cJSON_AddNullToObject(o, key));
	else
		j_str(o, key, buf);
}

static cJSON *new_doc(void)
{
	oom = 0;
	return chk(cJSON_CreateObject());
}

/* Print `doc` on one line and free it; -1 if building or printing failed. */
static int emit(FILE *o, cJSON *doc)
{
	char *text;

	if (!doc)
		return -1;
	text = oom ? NULL : cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!text)
		return -1;
	if (o)
		fprintf(o, "%s\n", text);
	cJSON_free(text);
	return 0;
}

/* ------------------------------------------------------------------ status */

int json_status(FILE *o, const struct status_view *v)
{
	struct counter c[DUMP_N_COUNTERS];
	cJSON *doc = new_doc(), *x;
	size_t i;

	if (!doc)
		return -1;
	j_str(doc, "feed", v->feed);
	if ((x = j_obj(doc, "layout")) != NULL) {
		j_u64(x, "major", v->info.layout_major);
		j_u64(x, "minor", v->info.layout_minor);
	}
	j_u64(doc, "segment_size", v->info.segment_size);
	j_u64(doc, "slots", v->info.slot_count);
	j_u64(doc, "slot_size", v->info.slot_size);
	j_u64(doc, "symbol_capacity", v->info.symbol_capacity);
	j_u64(doc, "book_depth", v->info.book_depth);
	j_u64(doc, "stale_after_ms", v->info.stale_after_ms);
	j_u64(doc, "created_ns", v->info.created_ns);
	j_u64(doc, "creator_uid", v->info.creator_uid);
	j_u64(doc, "write_seq", v->st.write_seq);
	j_u64(doc, "generation", v->st.generation);
	j_str(doc, "generation_meaning", v->meaning);
	j_bool(doc, "connected", v->st.connected);
	/* which connection this is (connected) or how many there were (disconnected) */
	j_u64(doc, "connection", v->st.generation / 2 + (v->st.generation & 1u));
	j_i64(doc, "gen_changed_ns", v->info.gen_changed_ns);
	j_bool(doc, "retired", v->st.retired);
	if ((x = j_obj(doc, "publisher")) != NULL) {
		j_u64(x, "pid", v->st.publisher_pid);
		j_u64(x, "epoch", v->st.epoch);
		j_bool(x, "alive", v->pub == PUB_ALIVE);
		j_str(x, "state", pub_state_name(v->pub));
		j_bool(x, "stopped", v->pub == PUB_STOPPED);
		j_i64(x, "heartbeat_age_ms", v->st.heartbeat_age_ns / 1000000);
	}
	status_counters(v, c);
	if ((x = j_obj(doc, "stats")) != NULL)
		for (i = 0; i < DUMP_N_COUNTERS; i++)
			j_u64(x, c[i].key, c[i].value);
	if (v->have_rates && (x = j_obj(doc, "rates")) != NULL) {
		chk(cJSON_AddNumberToObject(x, "records_per_s", v->records_per_s));
		chk(cJSON_AddNumberToObject(x, "frames_per_s", v->frames_per_s));
	}
	return emit(o, doc);
}

/* ----------------------------------------------------------------- symbols */

int json_symbols(FILE *o, const struct symbols_view *v)
{
	cJSON *doc = new_doc(), *arr;
	int i;

	if (!doc)
		return -1;
	j_str(doc, "feed", v->feed);
	arr = j_arr(doc, "symbols");
	for (i = 0; arr && i < v->n; i++) {
		const struct symbol_row *s = &v->rows[i];
		cJSON *e = chk(cJSON_CreateObject());

		if (!e || !cJSON_AddItemToArray(arr, e)) {
			oom = 1;
			cJSON_Delete(e);
			break;
		}
		j_u64(e, "id", s->sym.id);
		j_str(e, "name", s->name);
		j_i64(e, "price_precision", s->sym.price_precision);
		j_i64(e, "qty_precision", s->sym.qty_precision);
		j_str(e, "status", sym_status_name(s->sym.status));
		j_u64(e, "book_depth", s->sym.book_depth);
		if (s->book_rc < 0) {
			j_str(e, "book_state", "unreadable");
			j_str(e, "book_error", mdbus_strerror(s->book_rc));
		} else {
			j_str(e, "book_state", book_state_name(s->book_state));
		}
		j_bool(e, "book_verified", s->book_rc == 0 && s->book_state == MDBUS_BOOK_VALID);
		j_u64(e, "bids", s->n_bids);
		j_u64(e, "asks", s->n_asks);
	}
	return emit(o, doc);
}

/* -------------------------------------------------------------------- book */

static void levels(cJSON *doc, const char *key, const struct mdbus_level *lv, uint32_t n,
		   int32_t pp, int32_t qp)
{
	cJSON *arr = j_arr(doc, key);
	char p[DUMP_DEC_MAX], q[DUMP_DEC_MAX];
	uint32_t i;

	for (i = 0; arr && i < n; i++) {
		const char *pair[2] = { p, q };
		cJSON *e;

		dec_format(p, sizeof p, lv[i].price, pp);
		dec_format(q, sizeof q, lv[i].qty, qp);
		e = chk(cJSON_CreateStringArray(pair, 2));
		if (!e || !cJSON_AddItemToArray(arr, e)) {
			oom = 1;
			cJSON_Delete(e);
			return;
		}
	}
}

int json_book(FILE *o, const struct book_view *v)
{
	const struct mdbus_book *b = v->b;
	cJSON *doc = new_doc();

	if (!doc)
		return -1;
	j_str(doc, "feed", v->feed);
	j_str(doc, "symbol", v->name);
	j_u64(doc, "symbol_id", v->sym.id);
	j_str(doc, "state", book_state_name(b->state));
	j_u64(doc, "checksum", b->checksum);
	j_bool(doc, "checksum_ok", b->state == MDBUS_BOOK_VALID);
	j_u64(doc, "checksum_computed", v->computed);
	j_u64(doc, "gen", b->gen);
	j_u64(doc, "seq", b->seq);
	j_u64(doc, "updates", b->updates);
	j_i64(doc, "exch_ts_ns", b->exch_ts_ns);
	j_i64(doc, "price_precision", b->price_precision);
	j_i64(doc, "qty_precision", b->qty_precision);
	j_u64(doc, "n_bids", b->n_bids);
	j_u64(doc, "n_asks", b->n_asks);
	levels(doc, "bids", b->bids, v->show_bids, b->price_precision, b->qty_precision);
	levels(doc, "asks", b->asks, v->show_asks, b->price_precision, b->qty_precision);
	return emit(o, doc);
}

/* ----------------------------------------------------------------- records */

static cJSON *record_object(const struct decoded *d)
{
	const struct mdbus_record *r = d->r;
	cJSON *e = chk(cJSON_CreateObject()), *fl;
	char buf[sizeof d->flags];
	char *tok, *save = NULL;
	int i;

	if (!e)
		return NULL;
	j_str(e, "type", d->type_name);
	j_u64(e, "seq", r->seq);
	j_u64(e, "gen", r->gen);
	if (d->has_symbol) {
		j_u64(e, "symbol_id", r->symbol);
		if (d->symbol_known)
			j_str(e, "symbol", d->symbol);
		else
			chk(cJSON_AddNullToObject(e, "symbol"));
		j_bool(e, "symbol_known", d->symbol_known);
	} else {
		chk(cJSON_AddNullToObject(e, "symbol_id"));
		chk(cJSON_AddNullToObject(e, "symbol"));
	}
	fl = j_arr(e, "flags");
	memcpy(buf, d->flags, sizeof buf);
	for (tok = strtok_r(buf, ",", &save); fl && tok; tok = strtok_r(NULL, ",", &save))
		if (!cJSON_AddItemToArray(fl, chk(cJSON_CreateString(tok))))
			oom = 1;
	j_i64(e, "exch_ts_ns", r->exch_ts_ns);
	j_i64(e, "recv_ts_ns", r->recv_ts_ns);
	j_time(e, "exch_time", r->exch_ts_ns);
	j_time(e, "recv_time", r->recv_ts_ns);
	for (i = 0; i < d->nfields; i++) {
		const struct dfield *f = &d->f[i];
		char key[64];

		switch (f->kind) {
		case DF_STR:
		case DF_DEC:
			j_str(e, f->key, f->val);
			break;
		case DF_INT:
		case DF_BOOL:
			j_raw(e, f->key, f->val);
			break;
		case DF_TIME:
			snprintf(key, sizeof key, "%s_ns", f->key);
			j_raw(e, key, f->val);
			j_time(e, f->key, strtoll(f->val, NULL, 10));
			break;
		}
	}
	return e;
}

static cJSON *gap_object(uint64_t lost, uint64_t next_seq)
{
	cJSON *g = chk(cJSON_CreateObject());

	if (g) {
		j_str(g, "type", "gap");
		j_u64(g, "lost", lost);
		j_u64(g, "next_seq", next_seq);
	}
	return g;
}

int json_record_line(FILE *o, const struct decoded *d)
{
	oom = 0;
	return emit(o, record_object(d));
}

int json_gap_line(FILE *o, uint64_t lost, uint64_t next_seq)
{
	oom = 0;
	return emit(o, gap_object(lost, next_seq));
}

/* -------------------------------------------------------------------- tail */

struct json_tail {
	cJSON   *doc, *gaps, *records;
	uint64_t lost;
	int      oom;
};

struct json_tail *json_tail_begin(const char *feed, uint64_t write_seq)
{
	struct json_tail *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->doc = new_doc();
	if (t->doc) {
		j_str(t->doc, "feed", feed);
		j_u64(t->doc, "write_seq", write_seq);
		t->gaps = j_arr(t->doc, "gaps");
		t->records = j_arr(t->doc, "records");
	}
	t->oom = oom;
	if (t->oom) {
		cJSON_Delete(t->doc);
		free(t);
		return NULL;
	}
	return t;
}

static int tail_add(struct json_tail *t, cJSON *arr, cJSON *item)
{
	if (!item || !cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		t->oom = 1;
	}
	return t->oom ? -1 : 0;
}

int json_tail_record(struct json_tail *t, const struct decoded *d)
{
	cJSON *e;

	oom = 0;
	e = record_object(d);
	t->oom |= oom;
	return tail_add(t, t->records, e);
}

int json_tail_gap(struct json_tail *t, uint64_t lost, uint64_t next_seq)
{
	cJSON *g;

	oom = 0;
	g = gap_object(lost, next_seq);
	t->oom |= oom;
	t->lost += lost;
	return tail_add(t, t->gaps, g);
}

int json_tail_end(FILE *o, struct json_tail *t, uint64_t from_seq)
{
	cJSON *doc = t->doc;
	int bad = t->oom;

	oom = 0;
	j_u64(doc, "from_seq", from_seq);
	j_u64(doc, "lost", t->lost);
	oom |= bad;
	free(t);
	return emit(o, doc);
}

/* ----------------------------------------------------------------- readers */

int json_readers(FILE *o, const struct readers_view *v)
{
	cJSON *doc = new_doc(), *arr;
	int i;

	if (!doc)
		return -1;
	j_str(doc, "feed", v->feed);
	j_u64(doc, "write_seq", v->write_seq);
	j_bool(doc, "registry", v->registry);
	j_u64(doc, "count", (uint64_t)v->n);
	j_u64(doc, "alive_count", (uint64_t)v->n_alive);
	arr = j_arr(doc, "readers");
	for (i = 0; arr && i < v->n; i++) {
		const struct mdbus_reader_info *r = &v->r[i];
		cJSON *e = chk(cJSON_CreateObject());

		if (!e || !cJSON_AddItemToArray(arr, e)) {
			oom = 1;
			cJSON_Delete(e);
			break;
		}
		j_u64(e, "slot", r->slot);
		j_u64(e, "pid", r->pid);
		j_str(e, "name", r->name);
		j_bool(e, "alive", r->alive);
		j_bool(e, "sleeping", r->sleeping);
		j_u64(e, "position", r->position);
		j_u64(e, "lag", v->write_seq > r->position ? v->write_seq - r->position : 0);
		j_u64(e, "lost", r->lost);
		j_u64(e, "records", r->records);
		if (r->last_active_ns == 0)
			chk(cJSON_AddNullToObject(e, "last_active_ms_ago"));
		else
			j_i64(e, "last_active_ms_ago",
			      (v->now_mono_ns - (int64_t)r->last_active_ns) / 1000000);
		j_u64(e, "opened_ns", r->opened_ns);
	}
	return emit(o, doc);
}
