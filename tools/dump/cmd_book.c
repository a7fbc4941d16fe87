/*
 * cmd_book.c — `book SYMBOL [--levels N]`: one consistent copy of a symbol's current
 * book from the book area, with the exchange checksum stored beside it, whether it
 * matched, and the checksum recomputed here from the levels shown.
 */
#include "dump.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* "BTC/USD, ETH/USD" for the unknown-symbol message. */
static void list_symbols(mdbus_sub *s, char *buf, size_t n)
{
	struct mdbus_info info;
	struct mdbus_symbol sym;
	size_t k = 0;
	uint32_t id;

	buf[0] = '\0';
	if (mdbus_sub_info(s, &info) < 0)
		return;
	for (id = 0; id < info.symbol_capacity && k + 1 < n; id++) {
		char clean[MDBUS_SYMBOL_NAME_MAX];
		int w;

		if (mdbus_sub_symbol_info(s, id, &sym) != 0)
			continue;
		dump_clean(clean, sizeof clean, sym.name, sizeof sym.name);
		w = snprintf(buf + k, n - k, "%s%s", k ? ", " : "", clean);
		if (w < 0 || (size_t)w >= n - k) {
			buf[k] = '\0';
			snprintf(buf + k, n - k, "%s", k && n - k > 5 ? ", ..." : "");
			break;
		}
		k += (size_t)w;
	}
}

int cmd_book(const struct dump_opts *o)
{
	struct book_view v;
	struct mdbus_book *b;
	mdbus_sub *s;
	uint32_t id;
	int rc, ret = DUMP_EXIT_FEED;

	memset(&v, 0, sizeof v);
	s = dump_open_feed(o->feed, MDBUS_SUB_NO_REGISTRY);
	if (!s)
		return DUMP_EXIT_FEED;
	b = malloc(sizeof *b);
	if (!b) {
		ret = dump_fail(o->feed, "book", -ENOMEM);
		goto out_close;
	}
	rc = mdbus_sub_symbol(s, o->symbol, &id);
	if (rc == MDBUS_E_NOSYM || rc == MDBUS_E_INVAL) {
		char known[1024];

		list_symbols(s, known, sizeof known);
		fprintf(stderr, "%s: no symbol \"%s\" on feed \"%s\"; symbols: %s\n", DUMP_PROG,
			o->symbol, o->feed, known[0] ? known : "(none)");
		goto out_free;
	}
	if (rc == 0)
		rc = mdbus_sub_symbol_info(s, id, &v.sym);
	if (rc == 0)
		rc = dump_read_book(s, id, b);
	if (rc < 0) {
		ret = dump_fail(o->feed, "reading the book", rc);
		goto out_free;
	}
	dump_clean(v.feed, sizeof v.feed, o->feed, sizeof v.feed);
	dump_clean(v.name, sizeof v.name, v.sym.name, sizeof v.sym.name);
	/* the library bounds these by the segment's depth; bound them by the arrays too */
	if (b->n_bids > MDBUS_BOOK_DEPTH_MAX)
		b->n_bids = MDBUS_BOOK_DEPTH_MAX;
	if (b->n_asks > MDBUS_BOOK_DEPTH_MAX)
		b->n_asks = MDBUS_BOOK_DEPTH_MAX;
	v.b = b;
	v.show_bids = b->n_bids;
	v.show_asks = b->n_asks;
	if (o->levels >= 0) {
		if ((unsigned long)o->levels < v.show_bids)
			v.show_bids = (uint32_t)o->levels;
		if ((unsigned long)o->levels < v.show_asks)
			v.show_asks = (uint32_t)o->levels;
	}
	v.computed = book_checksum_kraken(b);
	if (o->json) {
		if (json_book(stdout, &v) < 0) {
			ret = dump_fail(o->feed, "book", -ENOMEM);
			goto out_free;
		}
	} else {
		text_book(stdout, &v);
	}
	ret = DUMP_EXIT_OK;
out_free:
	free(b);
out_close:
	mdbus_sub_close(s);
	return ret;
}
