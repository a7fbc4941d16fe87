/*
 * cmd_symbols.c — `symbols`: every used entry of the symbol table with its precisions,
 * status, subscribed book depth and the state of its book (verified by checksum or not).
 */
#include "dump.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cmd_symbols(const struct dump_opts *o)
{
	struct symbols_view v;
	struct mdbus_info info;
	struct mdbus_book *b = NULL;
	mdbus_sub *s;
	uint32_t id;
	int rc, ret = DUMP_EXIT_FEED;

	memset(&v, 0, sizeof v);
	s = dump_open_feed(o->feed, MDBUS_SUB_NO_REGISTRY);
	if (!s)
		return DUMP_EXIT_FEED;
	rc = mdbus_sub_info(s, &info);
	if (rc < 0) {
		ret = dump_fail(o->feed, "reading the header", rc);
		goto out_close;
	}
	b = malloc(sizeof *b);
	v.rows = calloc(info.symbol_capacity ? info.symbol_capacity : 1, sizeof *v.rows);
	if (!b || !v.rows) {
		ret = dump_fail(o->feed, "symbols", -ENOMEM);
		goto out_free;
	}
	dump_clean(v.feed, sizeof v.feed, o->feed, sizeof v.feed);
	for (id = 0; id < info.symbol_capacity; id++) {
		struct symbol_row *row = &v.rows[v.n];

		rc = mdbus_sub_symbol_info(s, id, &row->sym);
		if (rc == MDBUS_E_NOSYM)
			continue;
		if (rc < 0) {
			ret = dump_fail(o->feed, "reading the symbol table", rc);
			goto out_free;
		}
		dump_clean(row->name, sizeof row->name, row->sym.name, sizeof row->sym.name);
		row->book_rc = dump_read_book(s, id, b);
		if (row->book_rc == 0) {
			row->book_state = b->state;
			row->n_bids = b->n_bids;
			row->n_asks = b->n_asks;
		}
		v.n++;
	}
	if (o->json) {
		if (json_symbols(stdout, &v) < 0) {
			ret = dump_fail(o->feed, "symbols", -ENOMEM);
			goto out_free;
		}
	} else {
		text_symbols(stdout, &v);
	}
	ret = DUMP_EXIT_OK;
out_free:
	free(v.rows);
	free(b);
out_close:
	mdbus_sub_close(s);
	return ret;
}
