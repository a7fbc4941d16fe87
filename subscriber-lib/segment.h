/*
 * segment.h — names, geometry and validation of a feed's shared-memory objects
 * (private; shared by libmdbus and libmdbus_writer so that the writer computes a
 * layout with exactly the rules the readers check).
 */
#ifndef MDBUS_SEGMENT_H
#define MDBUS_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include <mdbus/layout.h>
#include <mdbus/mdbus.h>

/* Longest object name: "/mdbus." + feed + ".readers" + NUL. */
#define MDBUS__SHM_NAME_MAX (7 + MDBUS_FEED_NAME_MAX + 8 + 1)

enum mdbus__obj { MDBUS__OBJ_DATA, MDBUS__OBJ_READERS, MDBUS__OBJ_LOCK };

/* Write the shm_open name of one of a feed's objects.  Returns 0 or MDBUS_E_FEEDNAME. */
int mdbus__shm_name(char out[MDBUS__SHM_NAME_MAX], const char *feed, enum mdbus__obj obj);

/* Geometry copied out of a validated header: readers use only these copies for
 * bounds, never the live header, so a hostile rewrite after open cannot move them. */
struct mdbus__geom {
	uint64_t segment_size;
	uint64_t control_off, symtab_off, book_off, ring_off;
	uint32_t slot_size, slot_count, symbol_capacity, book_depth;
	uint32_t book_entry_size, stale_after_ms;
};

/* Lay out a segment for the given parameters (writer side).  Returns 0 or
 * MDBUS_E_INVAL when a parameter is out of the bounds readers enforce. */
int mdbus__geom_compute(struct mdbus__geom *g, uint32_t slot_size, uint32_t slot_count,
			uint32_t symbol_capacity, uint32_t book_depth);

/* Validate the header at base (a mapping of file_size bytes) and fill *g.  Returns 0,
 * MDBUS_E_TRUNCATED, MDBUS_E_NOTREADY, MDBUS_E_BADMAGIC, MDBUS_E_VERSION,
 * MDBUS_E_GEOMETRY or MDBUS_E_BOUNDS. */
int mdbus__geom_validate(const void *base, uint64_t file_size, struct mdbus__geom *g);

static inline uint32_t mdbus__book_entry_size(uint32_t depth)
{
	uint64_t n = sizeof(struct mdbus_shm_book) + 2ull * depth * sizeof(struct mdbus_shm_level);
	return (uint32_t)((n + MDBUS_CACHELINE - 1) & ~(uint64_t)(MDBUS_CACHELINE - 1));
}

#endif
