/*
 * render_text.c — the human-readable output of every command.
 *
 * Formats (volatile values in <>; tests mask exactly those):
 *   status   aligned "label  value" lines, then one line per statistic
 *   symbols  a table: id name price_prec qty_prec status depth book
 *   book     two header lines, then a ladder: bid qty, bid price | ask price, ask qty
 *   tail / follow  one logfmt line per record:
 *            seq=N gen=G type=T [symbol=S] <field=value ...> [flags=a,b] [exch_ts=T] recv_ts=T
 *            and "gap: N records lost before seq S" where the library reported a gap;
 *            follow's notices on stderr: "mdbus-dump: following feed F from seq N
 *            (Ctrl-C to stop)" and "mdbus-dump: stopped at seq N: R records, L lost"
 *   readers  a summary line, then a table: slot pid name state position lag lost
 *            records last_active
 * Input is a view filled by a cmd_*.c file; strings in it are already cleaned.
 */
#include "dump.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- a small table */

#define CELL_MAX 64

struct table {
	int         ncols, nrows;
	const char *const *hdr;
	const char *align;          /* per column: 'l' or 'r' */
	char      (*cells)[CELL_MAX];
};

static int table_init(struct table *t, int ncols, int maxrows, const char *const *hdr,
		      const char *align)
{
	t->ncols = ncols;
	t->nrows = 0;
	t->hdr = hdr;
	t->align = align;
	t->cells = calloc((size_t)(maxrows > 0 ? maxrows : 1) * (size_t)ncols, CELL_MAX);
	return t->cells ? 0 : -1;
}

static char *cell(struct table *t, int row, int col)
{
	return t->cells[row * t->ncols + col];
}

static void table_print(FILE *o, struct table *t, const char *sep_after, int sep_col)
{
	int w[16] = { 0 };
	int r, c;

	for (c = 0; c < t->ncols && c < 16; c++) {
		w[c] = t->hdr ? (int)strlen(t->hdr[c]) : 0;
		for (r = 0; r < t->nrows; r++) {
			int l = (int)strlen(cell(t, r, c));

			if (l > w[c])
				w[c] = l;
		}
	}
	for (r = t->hdr ? -1 : 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols && c < 16; c++) {
			const char *s = r < 0 ? t->hdr[c] : cell(t, r, c);
			int last = c == t->ncols - 1;

			if (t->align[c] == 'r')
				fprintf(o, "%*s", w[c], s);
			else if (last)
				fprintf(o, "%s", s);
			else
				fprintf(o, "%-*s", w[c], s);
			if (!last)
				fputs(c == sep_col ? sep_after : "  ", o);
		}
		fputc('\n', o);
	}
	free(t->cells);
	t->cells = NULL;
}

/* ------------------------------------------------------------------ status */

void text_status(FILE *o, const struct status_view *v)
{
	struct counter c[DUMP_N_COUNTERS];
	char created[DUMP_TIME_MAX], changed[DUMP_TIME_MAX];
	char age[32], num[24];
	int64_t age_ms = v->st.heartbeat_age_ns / 1000000;
	const char *state = v->pub == PUB_STOPPED ? "stopped cleanly" : pub_state_name(v->pub);
	size_t i, kw = 0;

	fmt_time_ns(created, sizeof created, (int64_t)v->info.created_ns);
	fmt_time_ns(changed, sizeof changed, v->info.gen_changed_ns);
	fmt_i64(age, sizeof age, age_ms);

	fprintf(o, "feed        %s\n", v->feed);
	fmt_u64(num, sizeof num, v->info.segment_size);
	fprintf(o, "layout      %u.%u, segment %s bytes, created %s by uid %u\n",
		(unsigned)v->info.layout_major, (unsigned)v->info.layout_minor, num, created,
		(unsigned)v->info.creator_uid);
	fprintf(o, "geometry    %u slots x %u bytes, %u symbols, book depth %u\n",
		(unsigned)v->info.slot_count, (unsigned)v->info.slot_size,
		(unsigned)v->info.symbol_capacity, (unsigned)v->info.book_depth);
	fmt_u64(num, sizeof num, v->st.write_seq);
	fprintf(o, "write_seq   %s (next sequence; records ever written)\n", num);
	fmt_u64(num, sizeof num, v->st.generation);
	if (v->info.gen_changed_ns != 0)
		fprintf(o, "generation  %s: %s (since %s)\n", num, v->meaning, changed);
	else
		fprintf(o, "generation  %s: %s\n", num, v->meaning);
	if (v->st.connected && v->pub != PUB_ALIVE)
		fprintf(o, "            as last written: the publisher is %s, nothing is being received\n",
			pub_state_name(v->pub));
	fmt_u64(num, sizeof num, v->st.epoch);
	fprintf(o, "publisher   pid %u, epoch %s, %s, heartbeat %s ms ago (stale after %u ms)\n",
		(unsigned)v->st.publisher_pid, num, state, age,
		(unsigned)v->info.stale_after_ms);
	if (v->st.retired)
		fprintf(o, "segment     retired: superseded by a new segment of the same feed\n");
	if (v->have_rates)
		fprintf(o, "rates       %.1f records/s, %.1f frames/s\n", v->records_per_s,
			v->frames_per_s);
	fprintf(o, "statistics\n");
	status_counters(v, c);
	for (i = 0; i < DUMP_N_COUNTERS; i++)
		if (strlen(c[i].key) > kw)
			kw = strlen(c[i].key);
	for (i = 0; i < DUMP_N_COUNTERS; i++) {
		fmt_u64(num, sizeof num, c[i].value);
		fprintf(o, "  %-*s %20s  %s\n", (int)kw, c[i].key, num, c[i].what);
	}
}

/* ----------------------------------------------------------------- symbols */

void text_symbols(FILE *o, const struct symbols_view *v)
{
	static const char *const hdr[] = { "id", "name", "price_prec", "qty_prec", "status",
					   "depth", "book" };
	struct table t;
	int i;

	if (v->n == 0) {
		fprintf(o, "no symbols on feed %s\n", v->feed);
		return;
	}
	if (table_init(&t, 7, v->n, hdr, "rlrrlrl") < 0)
		return;
	for (i = 0; i < v->n; i++) {
		const struct symbol_row *s = &v->rows[i];

		snprintf(cell(&t, i, 0), CELL_MAX, "%u", (unsigned)s->sym.id);
		snprintf(cell(&t, i, 1), CELL_MAX, "%s", s->name);
		snprintf(cell(&t, i, 2), CELL_MAX, "%d", (int)s->sym.price_precision);
		snprintf(cell(&t, i, 3), CELL_MAX, "%d", (int)s->sym.qty_precision);
		snprintf(cell(&t, i, 4), CELL_MAX, "%s", sym_status_name(s->sym.status));
		snprintf(cell(&t, i, 5), CELL_MAX, "%u", (unsigned)s->sym.book_depth);
		if (s->book_rc < 0)
			snprintf(cell(&t, i, 6), CELL_MAX, "unreadable: %s", mdbus_strerror(s->book_rc));
		else if (s->book_state == MDBUS_BOOK_VALID)
			snprintf(cell(&t, i, 6), CELL_MAX, "verified (%u bids, %u asks)",
				 (unsigned)s->n_bids, (unsigned)s->n_asks);
		else if (s->book_state == MDBUS_BOOK_INVALID)
			snprintf(cell(&t, i, 6), CELL_MAX, "NOT verified: checksum mismatch (%u bids, %u asks)",
				 (unsigned)s->n_bids, (unsigned)s->n_asks);
		else
			snprintf(cell(&t, i, 6), CELL_MAX, "%s", book_state_name(s->book_state));
		t.nrows++;
	}
	table_print(o, &t, "  ", -1);
}

/* -------------------------------------------------------------------- book */

void text_book(FILE *o, const struct book_view *v)
{
	static const char *const hdr[] = { "bid qty", "bid price", "ask price", "ask qty" };
	const struct mdbus_book *b = v->b;
	char ts[DUMP_TIME_MAX], gen[24], seq[24], upd[24];
	uint32_t rows = v->show_bids > v->show_asks ? v->show_bids : v->show_asks;
	struct table t;
	uint32_t i;

	fmt_time_ns(ts, sizeof ts, b->exch_ts_ns);
	fmt_u64(gen, sizeof gen, b->gen);
	fmt_u64(seq, sizeof seq, b->seq);
	fmt_u64(upd, sizeof upd, b->updates);
	if (b->state == MDBUS_BOOK_VALID)
		fprintf(o, "%s on feed %s: verified, checksum %u matched (recomputed %u)\n",
			v->name, v->feed, (unsigned)b->checksum, (unsigned)v->computed);
	else if (b->state == MDBUS_BOOK_INVALID)
		fprintf(o, "%s on feed %s: NOT verified, checksum %u did not match (recomputed %u)\n",
			v->name, v->feed, (unsigned)b->checksum, (unsigned)v->computed);
	else
		fprintf(o, "%s on feed %s: %s, no checksummed message in this generation\n",
			v->name, v->feed, book_state_name(b->state));
	fprintf(o, "generation %s, seq %s, updates %s, exchange time %s, precision price %d qty %d, "
		"%u bids, %u asks\n", gen, seq, upd, ts, (int)b->price_precision,
		(int)b->qty_precision, (unsigned)b->n_bids, (unsigned)b->n_asks);
	if (rows == 0)
		return;
	if (table_init(&t, 4, (int)rows, hdr, "rrrr") < 0)
		return;
	for (i = 0; i < rows; i++) {
		if (i < v->show_bids) {
			dec_format(cell(&t, (int)i, 0), CELL_MAX, b->bids[i].qty, b->qty_precision);
			dec_format(cell(&t, (int)i, 1), CELL_MAX, b->bids[i].price, b->price_precision);
		}
		if (i < v->show_asks) {
			dec_format(cell(&t, (int)i, 2), CELL_MAX, b->asks[i].price, b->price_precision);
			dec_format(cell(&t, (int)i, 3), CELL_MAX, b->asks[i].qty, b->qty_precision);
		}
		t.nrows++;
	}
	table_print(o, &t, " | ", 1);
}

/* ----------------------------------------------------------------- records */

/* Quote a value that would break a logfmt line. */
static void put_value(FILE *o, const char *v)
{
	if (v[0] != '\0' && strpbrk(v, " =\"") == NULL) {
		fputs(v, o);
		return;
	}
	fputc('"', o);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', o);
		fputc(*v, o);
	}
	fputc('"', o);
}

void text_record(FILE *o, const struct decoded *d)
{
	const struct mdbus_record *r = d->r;
	char ts[DUMP_TIME_MAX], num[24];
	int i;

	fmt_u64(num, sizeof num, r->seq);
	fprintf(o, "seq=%s", num);
	fmt_u64(num, sizeof num, r->gen);
	fprintf(o, " gen=%s type=%s", num, d->type_name);
	if (d->has_symbol) {
		fputs(" symbol=", o);
		put_value(o, d->symbol);
		if (!d->symbol_known)
			fputs(" prec=unknown", o);
	}
	for (i = 0; i < d->nfields; i++) {
		const struct dfield *f = &d->f[i];

		fprintf(o, " %s=", f->key);
		if (f->kind == DF_TIME) {
			fmt_time_ns(ts, sizeof ts, strtoll(f->val, NULL, 10));
			fputs(ts, o);
		} else {
			put_value(o, f->val);
		}
	}
	if (d->flags[0])
		fprintf(o, " flags=%s", d->flags);
	if (r->exch_ts_ns != 0) {
		fmt_time_ns(ts, sizeof ts, r->exch_ts_ns);
		fprintf(o, " exch_ts=%s", ts);
	}
	fmt_time_ns(ts, sizeof ts, r->recv_ts_ns);
	fprintf(o, " recv_ts=%s\n", ts);
}

void text_gap(FILE *o, uint64_t lost, uint64_t next_seq)
{
	char l[24], n[24];

	fmt_u64(l, sizeof l, lost);
	fmt_u64(n, sizeof n, next_seq);
	fprintf(o, "gap: %s records lost before seq %s\n", l, n);
}

void text_follow_start(FILE *o, const char *feed, uint64_t from_seq)
{
	char n[24];

	fmt_u64(n, sizeof n, from_seq);
	fprintf(o, "%s: following feed %s from seq %s (Ctrl-C to stop)\n", DUMP_PROG, feed, n);
}

void text_follow_end(FILE *o, uint64_t next_seq, uint64_t records, uint64_t lost)
{
	char n[24], r[24], l[24];

	fmt_u64(n, sizeof n, next_seq);
	fmt_u64(r, sizeof r, records);
	fmt_u64(l, sizeof l, lost);
	fprintf(o, "%s: stopped at seq %s: %s records, %s lost\n", DUMP_PROG, n, r, l);
}

/* ----------------------------------------------------------------- readers */

void text_readers(FILE *o, const struct readers_view *v)
{
	static const char *const hdr[] = { "slot", "pid", "name", "state", "position", "lag",
					   "lost", "records", "last_active" };
	char ws[24];
	struct table t;
	int i;

	fmt_u64(ws, sizeof ws, v->write_seq);
	if (!v->registry) {
		fprintf(o, "feed %s: write_seq %s, no reader registry (no reader has opened it)\n",
			v->feed, ws);
		return;
	}
	fprintf(o, "feed %s: write_seq %s, %d readers, %d alive\n", v->feed, ws, v->n, v->n_alive);
	if (v->n == 0)
		return;
	if (table_init(&t, 9, v->n, hdr, "rrllrrrrl") < 0)
		return;
	for (i = 0; i < v->n; i++) {
		const struct mdbus_reader_info *r = &v->r[i];
		uint64_t lag = v->write_seq > r->position ? v->write_seq - r->position : 0;

		snprintf(cell(&t, i, 0), CELL_MAX, "%u", (unsigned)r->slot);
		snprintf(cell(&t, i, 1), CELL_MAX, "%u", (unsigned)r->pid);
		snprintf(cell(&t, i, 2), CELL_MAX, "%s", r->name[0] ? r->name : "-");
		snprintf(cell(&t, i, 3), CELL_MAX, "%s", r->alive ? "alive" : "dead");
		fmt_u64(cell(&t, i, 4), CELL_MAX, r->position);
		fmt_u64(cell(&t, i, 5), CELL_MAX, lag);
		fmt_u64(cell(&t, i, 6), CELL_MAX, r->lost);
		fmt_u64(cell(&t, i, 7), CELL_MAX, r->records);
		if (r->last_active_ns == 0)
			snprintf(cell(&t, i, 8), CELL_MAX, "never");
		else
			snprintf(cell(&t, i, 8), CELL_MAX, "%lld ms ago",
				 (long long)((v->now_mono_ns - (int64_t)r->last_active_ns) / 1000000));
		t.nrows++;
	}
	table_print(o, &t, "  ", -1);
}
