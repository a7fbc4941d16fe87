/*
 * segment.c — feed names, segment geometry and header validation.
 *
 * The validator is the one gate between bytes any process could have written and the
 * reader's pointer arithmetic: everything later derived from the header (slot
 * addresses, book addresses, symbol entries) is bounded by what is checked here.
 */
#include "segment.h"
#include "atomics.h"

#include <stdio.h>
#include <string.h>

int mdbus_feed_name_valid(const char *feed)
{
	if (!feed)
		return 0;
	size_t n = strnlen(feed, MDBUS_FEED_NAME_MAX + 1);
	if (n == 0 || n > MDBUS_FEED_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = feed[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	if (strcmp(feed, ".") == 0 || strcmp(feed, "..") == 0)
		return 0;
	/* A feed must not alias another feed's companion objects. */
	static const char *const reserved_suffix[] = { ".readers", ".lock" };
	for (size_t i = 0; i < sizeof reserved_suffix / sizeof *reserved_suffix; i++) {
		size_t k = strlen(reserved_suffix[i]);
		if (n >= k && strcmp(feed + n - k, reserved_suffix[i]) == 0)
			return 0;
	}
	return 1;
}

int mdbus__shm_name(char out[MDBUS__SHM_NAME_MAX], const char *feed, enum mdbus__obj obj)
{
	if (!mdbus_feed_name_valid(feed))
		return MDBUS_E_FEEDNAME;
	static const char *const suffix[] = { "", ".readers", ".lock" };
	snprintf(out, MDBUS__SHM_NAME_MAX, "/mdbus.%s%s", feed, suffix[obj]);
	return 0;
}

static int is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int mdbus__geom_compute(struct mdbus__geom *g, uint32_t slot_size, uint32_t slot_count,
			uint32_t symbol_capacity, uint32_t book_depth)
{
	if ((slot_size != 64 && slot_size != 128) || !is_pow2(slot_count) ||
	    slot_count < MDBUS_SLOT_COUNT_MIN || slot_count > MDBUS_SLOT_COUNT_MAX ||
	    symbol_capacity == 0 || symbol_capacity > MDBUS_SYMBOL_CAPACITY_MAX ||
	    book_depth == 0 || book_depth > MDBUS_BOOK_DEPTH_MAX)
		return MDBUS_E_INVAL;
	memset(g, 0, sizeof *g);
	g->slot_size = slot_size;
	g->slot_count = slot_count;
	g->symbol_capacity = symbol_capacity;
	g->book_depth = book_depth;
	g->book_entry_size = mdbus__book_entry_size(book_depth);
	g->control_off = MDBUS_CONTROL_OFF;
	g->symtab_off = MDBUS_SYMTAB_OFF;
	g->book_off = align_up(g->symtab_off + (uint64_t)symbol_capacity * sizeof(struct mdbus_shm_symbol), 4096);
	g->ring_off = align_up(g->book_off + (uint64_t)symbol_capacity * g->book_entry_size, 4096);
	g->segment_size = align_up(g->ring_off + (uint64_t)slot_count * slot_size, 4096);
	return 0;
}

/* a + n <= limit without overflow, and a aligned to `align`. */
static int area_ok(uint64_t a, uint64_t n, uint64_t limit, uint64_t align)
{
	return (a % align) == 0 && a <= limit && n <= limit - a;
}

int mdbus__geom_validate(const void *base, uint64_t file_size, struct mdbus__geom *g)
{
	const struct mdbus_shm_header *h = base;
	if (file_size < sizeof *h)
		return MDBUS_E_TRUNCATED;
	/* Pairs with the writer's release store of the magic after filling the header. */
	uint64_t magic = ld_acquire(&h->magic);
	if (magic == 0)
		return MDBUS_E_NOTREADY;
	if (magic != MDBUS_MAGIC)
		return MDBUS_E_BADMAGIC;
	if (ld_relaxed(&h->layout_major) != MDBUS_LAYOUT_MAJOR)
		return MDBUS_E_VERSION;
	if (ld_relaxed(&h->header_size) != sizeof *h)
		return MDBUS_E_GEOMETRY;

	struct mdbus__geom v;
	v.segment_size = ld_relaxed(&h->segment_size);
	v.slot_size = ld_relaxed(&h->slot_size);
	v.slot_count = ld_relaxed(&h->slot_count);
	v.symbol_capacity = ld_relaxed(&h->symbol_capacity);
	v.book_depth = ld_relaxed(&h->book_depth);
	v.book_entry_size = ld_relaxed(&h->book_entry_size);
	v.stale_after_ms = ld_relaxed(&h->stale_after_ms);
	v.control_off = ld_relaxed(&h->control_off);
	v.symtab_off = ld_relaxed(&h->symtab_off);
	v.book_off = ld_relaxed(&h->book_off);
	v.ring_off = ld_relaxed(&h->ring_off);

	if (v.segment_size > file_size)
		return MDBUS_E_TRUNCATED;
	if (v.segment_size != file_size)
		return MDBUS_E_BOUNDS;
	if ((v.slot_size != 64 && v.slot_size != 128) || !is_pow2(v.slot_count) ||
	    v.slot_count < MDBUS_SLOT_COUNT_MIN || v.slot_count > MDBUS_SLOT_COUNT_MAX ||
	    v.symbol_capacity == 0 || v.symbol_capacity > MDBUS_SYMBOL_CAPACITY_MAX ||
	    v.book_depth == 0 || v.book_depth > MDBUS_BOOK_DEPTH_MAX ||
	    ld_relaxed(&h->symtab_entry_size) != sizeof(struct mdbus_shm_symbol) ||
	    v.book_entry_size != mdbus__book_entry_size(v.book_depth))
		return MDBUS_E_GEOMETRY;

	uint64_t lim = v.segment_size;
	uint64_t symtab_n = (uint64_t)v.symbol_capacity * sizeof(struct mdbus_shm_symbol);
	uint64_t book_n = (uint64_t)v.symbol_capacity * v.book_entry_size;
	uint64_t ring_n = (uint64_t)v.slot_count * v.slot_size;
	if (v.control_off != MDBUS_CONTROL_OFF ||
	    !area_ok(v.symtab_off, symtab_n, lim, 64) || v.symtab_off < MDBUS_SYMTAB_OFF ||
	    !area_ok(v.book_off, book_n, lim, 64) || v.book_off < v.symtab_off + symtab_n ||
	    !area_ok(v.ring_off, ring_n, lim, 64) || v.ring_off < v.book_off + book_n)
		return MDBUS_E_BOUNDS;
	*g = v;
	return 0;
}
