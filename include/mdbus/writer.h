/*
 * mdbus/writer.h — the writer API (libmdbus_writer): everything a publisher for any
 * venue needs to own a feed.
 *
 * One writer per feed, enforced with flock(2) on /dev/shm/mdbus.<feed>.lock, which the
 * kernel releases when the holder dies.  A writer that finds a segment of the same
 * geometry reattaches (keeps the cursor, bumps the epoch, repairs what a crashed
 * predecessor left); a different geometry retires the old segment, which readers then
 * follow by name.  Sequence numbers never go backwards or repeat across either.
 *
 * Cost of mdbus_writer_put: O(1), independent of the number of readers, no system call
 * unless a reader sleeps in the kernel.
 *
 * Threads: a writer handle belongs to one thread at a time.
 */
#ifndef MDBUS_WRITER_H
#define MDBUS_WRITER_H

#include <stdint.h>
#include <sys/types.h>
#include <mdbus/mdbus.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mdbus_writer mdbus_writer;

struct mdbus_writer_opts {
	uint32_t slot_count;      /* power of two, >= 16; 0 = 65536 */
	uint32_t slot_size;       /* 64 or 128; 0 = 128 */
	uint32_t symbol_capacity; /* 0 = 256 */
	uint32_t book_depth;      /* levels per side, <= 1000; 0 = 100 */
	uint32_t mode;            /* permission bits of the segment; 0 = 0640.  The reader
	                             registry gets the same bits plus write for each class
	                             that may read. */
	uint32_t stale_after_ms;  /* readers call the publisher stale after this without a
	                             heartbeat; 0 = 5000 */
	uint32_t reader_slots;    /* registry capacity; 0 = 256 */
	uint32_t reserved;
};

/*
 * Take feed `feed` and open or create its segment.  `o` may be NULL (defaults).
 * Returns 0 and *out, or MDBUS_E_FEEDNAME, MDBUS_E_LOCKED (another live writer: see
 * mdbus_writer_lock_holder), MDBUS_E_OWNER (segment of another user), MDBUS_E_FOREIGN
 * (an object that is not an mdbus segment of this major: remove it explicitly),
 * MDBUS_E_NOSPACE (/dev/shm full or size refused; nothing is left behind),
 * MDBUS_E_INVAL (bad options), -errno.
 */
MDBUS_API int mdbus_writer_open(mdbus_writer **out, const char *feed,
				const struct mdbus_writer_opts *o);

/* The pid written by the writer that holds (or last held) `feed`.  Returns 0 or < 0. */
MDBUS_API int mdbus_writer_lock_holder(const char *feed, pid_t *pid);

/*
 * Append one record.  Assigns r->seq and r->gen (written back into *r); r->lost is
 * ignored.  Returns 0, MDBUS_E_TOOBIG (payload larger than the slot: RAW len over the
 * slot's capacity), MDBUS_E_INVAL.
 */
MDBUS_API int mdbus_writer_put(mdbus_writer *w, struct mdbus_record *r);

/* Largest RAW data length this writer's slots hold. */
MDBUS_API uint32_t mdbus_writer_raw_max(const mdbus_writer *w);

/*
 * Record a connection transition.  Moves the generation by one only on a real change
 * (odd = connected, even = disconnected), writes a STATUS record, wakes every
 * mdbus_sub_wait_gen sleeper.  Returns 1 if the generation moved, 0 if it already
 * matched, < 0 on error.
 */
MDBUS_API int mdbus_writer_set_connected(mdbus_writer *w, int connected);

/* Current generation. */
MDBUS_API uint64_t mdbus_writer_generation(const mdbus_writer *w);

/* Refresh the liveness heartbeat (call at least every stale_after_ms / 3). */
MDBUS_API void mdbus_writer_heartbeat(mdbus_writer *w);

/*
 * Define or update symbol `id` (< symbol_capacity) in the symbol table.  Use
 * mdbus_writer_symbol_add to allocate ids by name.  Returns 0 or MDBUS_E_INVAL.
 */
MDBUS_API int mdbus_writer_symbol_set(mdbus_writer *w, uint32_t id, const char *name,
				      int price_precision, int qty_precision,
				      uint32_t status, uint32_t book_depth);

/* Find `name` or allocate the next free id for it.  Returns the id (>= 0),
 * MDBUS_E_FULL, MDBUS_E_INVAL. */
MDBUS_API int mdbus_writer_symbol_add(mdbus_writer *w, const char *name);

/*
 * Publish symbol `id`'s book atomically for readers (seqlock).  `b->symbol` is ignored;
 * n_bids/n_asks beyond the segment's book_depth are truncated.  Returns 0 or < 0.
 */
MDBUS_API int mdbus_writer_book_publish(mdbus_writer *w, uint32_t id, const struct mdbus_book *b);

/* Publish only the state word of a book (e.g. mark it invalid or empty).  0 or < 0. */
MDBUS_API int mdbus_writer_book_set_state(mdbus_writer *w, uint32_t id, uint32_t state);

/* The statistics block in the segment, for the publisher to bump with
 * MDBUS_STAT_ADD.  Single writer: plain relaxed stores suffice. */
MDBUS_API struct mdbus_shm_stats *mdbus_writer_stats(mdbus_writer *w);
#define MDBUS_STAT_ADD(stats, field, n) \
	__atomic_store_n(&(stats)->field, \
			 __atomic_load_n(&(stats)->field, __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)

/* Next sequence number the writer will assign. */
MDBUS_API uint64_t mdbus_writer_cursor(const mdbus_writer *w);

/* Epoch of this writer (publisher starts on this feed, this one included). */
MDBUS_API uint64_t mdbus_writer_epoch(const mdbus_writer *w);

/*
 * Stop publishing: generation to even if connected (a STATUS record says why), a
 * final heartbeat, state "stopped", unmap, release the lock.  The segment stays for
 * readers and for the next writer.  NULL is fine.
 */
MDBUS_API void mdbus_writer_close(mdbus_writer *w);

/*
 * Remove a feed: its data segment and reader registry.  Fails with MDBUS_E_LOCKED
 * while a writer holds it.  Readers still mapping it see it retired.  Returns 0,
 * MDBUS_E_NOFEED, < 0.
 */
MDBUS_API int mdbus_feed_remove(const char *feed);

#ifdef __cplusplus
}
#endif
#endif /* MDBUS_WRITER_H */
