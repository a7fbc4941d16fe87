/*
 * writer_tables.c — the symbol table and book area of a feed (writer side).
 *
 * Each entry is a seqlock written only by the publisher: stamp to odd, release fence,
 * relaxed stores of the body, stamp to even with release.  Readers (reader.c
 * read_symbol / mdbus_sub_book) retry until they see the same even stamp around
 * their copy.
 */
#include "atomics.h"
#include "writer_internal.h"

#include <string.h>

static struct mdbus_shm_symbol *sym_at(mdbus_writer *w, uint32_t id)
{
	return (struct mdbus_shm_symbol *)(w->base + w->g.symtab_off) + id;
}

static struct mdbus_shm_book *book_at(mdbus_writer *w, uint32_t id)
{
	return (struct mdbus_shm_book *)(w->base + w->g.book_off + (uint64_t)id * w->g.book_entry_size);
}

/* Open a seqlock write section; returns the stamp to close it with. */
static uint64_t seq_begin(uint64_t *stamp)
{
	uint64_t s = ld_relaxed(stamp) | 1; /* odd even if a predecessor died mid-write */
	st_relaxed(stamp, s);
	/* Pairs with the reader's acquire fence after its copy (reader.c). */
	fence_release();
	return s + 1;
}

static void seq_end(uint64_t *stamp, uint64_t s)
{
	/* Pairs with the reader's acquire load of the stamp before its copy. */
	st_release(stamp, s);
}

int mdbus_writer_symbol_set(mdbus_writer *w, uint32_t id, const char *name,
			    int price_precision, int qty_precision, uint32_t status,
			    uint32_t book_depth)
{
	if (!w || !name || id >= w->g.symbol_capacity || price_precision < 0 || price_precision > 18 ||
	    qty_precision < 0 || qty_precision > 18 || book_depth > w->g.book_depth ||
	    status == MDBUS_SYM_UNUSED || status > MDBUS_SYM_PENDING)
		return MDBUS_E_INVAL;
	size_t n = strlen(name);
	if (n == 0 || n >= MDBUS_SYMBOL_NAME_MAX)
		return MDBUS_E_INVAL;
	struct mdbus_shm_symbol e;
	memset(&e, 0, sizeof e);
	e.id = id;
	e.status = status;
	e.price_precision = price_precision;
	e.qty_precision = qty_precision;
	e.book_depth = book_depth;
	memcpy(e.name, name, n);
	struct mdbus_shm_symbol *d = sym_at(w, id);
	uint64_t s = seq_begin(&d->stamp);
	copy_to_shared((uint8_t *)d + 8, (uint8_t *)&e + 8, sizeof e - 8);
	seq_end(&d->stamp, s);
	return 0;
}

int mdbus_writer_symbol_add(mdbus_writer *w, const char *name)
{
	if (!w || !name)
		return MDBUS_E_INVAL;
	size_t n = strlen(name);
	if (n == 0 || n >= MDBUS_SYMBOL_NAME_MAX)
		return MDBUS_E_INVAL;
	int free_id = -1;
	for (uint32_t i = 0; i < w->g.symbol_capacity; i++) {
		const struct mdbus_shm_symbol *e = sym_at(w, i);
		if (e->status == MDBUS_SYM_UNUSED) {
			if (free_id < 0)
				free_id = (int)i;
			continue;
		}
		if (strncmp(e->name, name, MDBUS_SYMBOL_NAME_MAX) == 0)
			return (int)i; /* ids survive publisher restarts on the same segment */
	}
	if (free_id < 0)
		return MDBUS_E_FULL;
	int rc = mdbus_writer_symbol_set(w, (uint32_t)free_id, name, 0, 0, MDBUS_SYM_PENDING, 0);
	return rc < 0 ? rc : free_id;
}

int mdbus_writer_book_publish(mdbus_writer *w, uint32_t id, const struct mdbus_book *b)
{
	if (!w || !b || id >= w->g.symbol_capacity)
		return MDBUS_E_INVAL;
	uint32_t depth = w->g.book_depth;
	uint32_t nb = b->n_bids < depth ? b->n_bids : depth;
	uint32_t na = b->n_asks < depth ? b->n_asks : depth;
	struct mdbus_shm_book *d = book_at(w, id);
	struct mdbus_shm_book h;
	memset(&h, 0, sizeof h);
	h.gen = b->gen;
	h.seq = b->seq;
	h.exch_ts_ns = b->exch_ts_ns;
	h.checksum = b->checksum;
	h.state = b->state;
	h.n_bids = nb;
	h.n_asks = na;
	h.price_precision = b->price_precision;
	h.qty_precision = b->qty_precision;
	h.updates = b->updates;
	struct mdbus_shm_level *lv = (struct mdbus_shm_level *)(d + 1);
	uint64_t s = seq_begin(&d->stamp);
	copy_to_shared((uint8_t *)d + 8, (uint8_t *)&h + 8, sizeof h - 8);
	copy_to_shared(lv, b->bids, nb * sizeof *lv);
	copy_to_shared(lv + depth, b->asks, na * sizeof *lv);
	seq_end(&d->stamp, s);
	return 0;
}

int mdbus_writer_book_set_state(mdbus_writer *w, uint32_t id, uint32_t state)
{
	if (!w || id >= w->g.symbol_capacity || state > MDBUS_BOOK_INVALID)
		return MDBUS_E_INVAL;
	struct mdbus_shm_book *d = book_at(w, id);
	uint64_t s = seq_begin(&d->stamp);
	st_relaxed(&d->state, state);
	if (state == MDBUS_BOOK_EMPTY) {
		st_relaxed(&d->n_bids, 0);
		st_relaxed(&d->n_asks, 0);
		st_relaxed(&d->updates, 0);
	}
	seq_end(&d->stamp, s);
	return 0;
}
