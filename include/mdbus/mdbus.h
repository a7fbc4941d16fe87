/*
 * mdbus/mdbus.h — the subscriber API (libmdbus).
 *
 * A strategy opens a feed by name, reads records in sequence order, asks for the
 * connection state, waits for the connection generation to change and copies a symbol's
 * current book.  The library maps the data segment read-only, never allocates on the
 * read path, never prints, never aborts, and validates everything it reads from shared
 * memory before trusting it.  It links libc only.
 *
 * Threads: a handle is thread-compatible — use one handle per thread (or serialise
 * calls on a handle).  Different handles are independent.
 *
 * Errors: functions return >= 0 on success and a negative number on failure: -errno for
 * system failures, or one of the MDBUS_E_* codes below; mdbus_strerror() names both.
 */
#ifndef MDBUS_MDBUS_H
#define MDBUS_MDBUS_H

#include <stdint.h>
#include <mdbus/layout.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MDBUS_BUILDING)
#define MDBUS_API __attribute__((visibility("default")))
#else
#define MDBUS_API
#endif

#define MDBUS_VERSION_STRING "0.1.0"

/* Library error codes: a reserved negative band below any errno. */
#define MDBUS_E_BASE       (-10000)
#define MDBUS_E_NOTREADY   (-10001) /* segment exists, magic still zero: retry */
#define MDBUS_E_BADMAGIC   (-10002) /* not an mdbus segment (or other byte order) */
#define MDBUS_E_VERSION    (-10003) /* layout major version differs */
#define MDBUS_E_TRUNCATED  (-10004) /* object smaller than its header says */
#define MDBUS_E_GEOMETRY   (-10005) /* slot size/count, capacity or depth out of bounds */
#define MDBUS_E_BOUNDS     (-10006) /* an area offset or size lies outside the segment */
#define MDBUS_E_CORRUPT    (-10007) /* a slot, symbol or book holds impossible values */
#define MDBUS_E_FEEDNAME   (-10008) /* feed name not [A-Za-z0-9_.-]{1,64} */
#define MDBUS_E_NOFEED     (-10009) /* no such feed in /dev/shm */
#define MDBUS_E_LOCKED     (-10010) /* another live publisher holds the feed */
#define MDBUS_E_OWNER      (-10011) /* segment owned by another user */
#define MDBUS_E_TOOBIG     (-10012) /* record payload does not fit the slot */
#define MDBUS_E_NOSYM      (-10013) /* no such symbol */
#define MDBUS_E_BUSY       (-10014) /* book kept changing under the reader; retry */
#define MDBUS_E_FOREIGN    (-10015) /* existing object is not an mdbus segment of ours */
#define MDBUS_E_INVAL      (-10016) /* bad argument */
#define MDBUS_E_NOSPACE    (-10017) /* /dev/shm refused the segment size */
#define MDBUS_E_FULL       (-10018) /* symbol table or reader registry full */

/* mdbus_sub_open() flags. */
#define MDBUS_SUB_FROM_OLDEST   0x01 /* start at the oldest record still in the ring
                                        (default: only records written after the open) */
#define MDBUS_SUB_WAIT_SPIN     0x02 /* mdbus_sub_next waits by busy-polling only */
#define MDBUS_SUB_WAIT_SLEEP    0x04 /* mdbus_sub_next sleeps in the kernel at once */
#define MDBUS_SUB_NO_REGISTRY   0x08 /* do not enter the reader registry (inspectors) */
#define MDBUS_SUB_REQUIRE_OWNER 0x10 /* refuse a segment not owned by this euid (or root) */

typedef struct mdbus_sub mdbus_sub;

/* One record as delivered to a reader. */
struct mdbus_record {
	uint64_t seq;         /* sequence number in the feed, never reused */
	uint64_t lost;        /* records lost to lapping immediately before this one */
	uint64_t gen;         /* connection generation the record was produced under */
	int64_t  exch_ts_ns;  /* exchange timestamp, CLOCK_REALTIME ns (0 if none) */
	int64_t  recv_ts_ns;  /* publisher receive time, CLOCK_REALTIME ns */
	uint16_t type;        /* MDBUS_REC_* */
	uint16_t flags;       /* MDBUS_F_* */
	uint32_t symbol;      /* symbol id or MDBUS_SYMBOL_NONE */
	union {
		struct mdbus_rec_raw raw;
		struct mdbus_rec_status status;
		struct mdbus_rec_book book;
		struct mdbus_rec_trade trade;
		struct mdbus_rec_ticker ticker;
		struct mdbus_rec_ohlc ohlc;
		struct mdbus_rec_instrument instrument;
		uint8_t bytes[MDBUS_PAYLOAD_MAX];
	} u;
};

/* mdbus_status.publisher_state */
#define MDBUS_PUBLISHER_NONE    0u /* no publisher ever ran on this segment */
#define MDBUS_PUBLISHER_ALIVE   1u /* running, process exists, heartbeat fresh */
#define MDBUS_PUBLISHER_STALE   2u /* process exists but its heartbeat is too old (hung?) */
#define MDBUS_PUBLISHER_STOPPED 3u /* closed cleanly */
#define MDBUS_PUBLISHER_DEAD    4u /* gone without closing (crashed or killed) */

struct mdbus_status {
	int      connected;         /* 1 when the generation is odd */
	int      publisher_alive;   /* 1: running, pid exists, heartbeat fresh */
	int      publisher_stopped; /* 1: the last publisher closed cleanly */
	int      retired;           /* the handle's segment was superseded (transient) */
	uint64_t generation;        /* conn_gen */
	uint64_t epoch;             /* publisher process starts on this feed */
	uint32_t publisher_pid;
	uint32_t publisher_state;   /* MDBUS_PUBLISHER_* */
	int64_t  heartbeat_age_ns;  /* now - last heartbeat, CLOCK_MONOTONIC */
	uint64_t write_seq;         /* next sequence the publisher will write */
	uint64_t next_seq;          /* next sequence this reader will read */
	uint64_t lag;               /* write_seq - next_seq (0 if ahead) */
	uint64_t lost;              /* records this handle lost to lapping since open */
	uint64_t records;           /* records this handle delivered since open */
};

struct mdbus_level {
	int64_t price;              /* mantissa at price_precision */
	int64_t qty;                /* mantissa at qty_precision */
};

struct mdbus_book {
	uint32_t symbol;
	uint32_t state;             /* MDBUS_BOOK_EMPTY / VALID / INVALID */
	uint64_t gen;               /* generation the book belongs to */
	uint64_t seq;               /* ring sequence of the last record that changed it */
	int64_t  exch_ts_ns;
	uint64_t updates;
	uint32_t checksum;          /* the exchange's CRC-32 for the last message */
	int32_t  price_precision;
	int32_t  qty_precision;
	uint32_t n_bids, n_asks;
	struct mdbus_level bids[MDBUS_BOOK_DEPTH_MAX]; /* best first */
	struct mdbus_level asks[MDBUS_BOOK_DEPTH_MAX]; /* best first */
};

struct mdbus_symbol {
	uint32_t id;
	uint32_t status;            /* MDBUS_SYM_* */
	int32_t  price_precision;
	int32_t  qty_precision;
	uint32_t book_depth;
	char     name[MDBUS_SYMBOL_NAME_MAX];
};

/* Counters kept by the publisher; see struct mdbus_shm_stats for each meaning. */
struct mdbus_stats {
	uint64_t frames, bytes, parse_errors, checksum_ok, checksum_failed, resyncs,
		 reconnects, drops, nonjson, unknown_channel, oversized, rejected_subs,
		 heartbeats, watchdog, handshake_fail, put_errors;
};

/* Header facts of the mapped segment. */
struct mdbus_info {
	char     feed[MDBUS_FEED_NAME_MAX + 1];
	uint16_t layout_major, layout_minor;
	uint32_t slot_size, slot_count, symbol_capacity, book_depth, stale_after_ms;
	uint64_t segment_size;
	uint64_t created_ns;        /* CLOCK_REALTIME */
	uint32_t creator_uid;
	uint32_t reserved;
	int64_t  gen_changed_ns;    /* CLOCK_REALTIME of the last generation change */
	struct mdbus_stats stats;
};

/*
 * Open feed `feed` (the name after "/mdbus.") read-only.  flags: MDBUS_SUB_*.
 * Returns 0 and *out, or MDBUS_E_FEEDNAME, MDBUS_E_NOFEED, MDBUS_E_NOTREADY (being
 * created: retry), MDBUS_E_BADMAGIC, MDBUS_E_VERSION, MDBUS_E_TRUNCATED,
 * MDBUS_E_GEOMETRY, MDBUS_E_BOUNDS, MDBUS_E_OWNER, MDBUS_E_INVAL, -errno.
 * The reader registers itself in /mdbus.<feed>.readers when it can (named after the
 * program; see mdbus_sub_set_name); failure to do so is not an error.
 */
MDBUS_API int mdbus_sub_open(mdbus_sub **out, const char *feed, int flags);

/*
 * Copy the next record into *r.  timeout_ms: 0 polls, -1 waits forever, > 0 waits at
 * most that long (spin briefly, then yield, then sleep in the kernel, unless the handle
 * was opened with MDBUS_SUB_WAIT_SPIN or MDBUS_SUB_WAIT_SLEEP).
 * Returns 1 (record copied; r->lost > 0 if records were lost to lapping just before it),
 * 0 (timeout), MDBUS_E_CORRUPT (the slot held impossible values: the record is
 * skipped and counted in r->lost of the next one), or another negative error.
 * If the publisher re-creates the segment the handle follows it by name.
 */
MDBUS_API int mdbus_sub_next(mdbus_sub *s, struct mdbus_record *r, int timeout_ms);

/* Fill *st.  Returns 0 or a negative error.  Never blocks. */
MDBUS_API int mdbus_sub_status(mdbus_sub *s, struct mdbus_status *st);

/*
 * Wait until the connection generation differs from `seen` (returns at once if it
 * already does).  Sleeps in the kernel.  Returns 1 (changed), 0 (timeout), < 0 error;
 * *now (may be NULL) receives the generation observed last.
 */
MDBUS_API int mdbus_sub_wait_gen(mdbus_sub *s, uint64_t seen, int timeout_ms, uint64_t *now);

/* Look up a symbol id by exact name ("BTC/USD").  Returns 0, MDBUS_E_NOSYM, < 0. */
MDBUS_API int mdbus_sub_symbol(mdbus_sub *s, const char *name, uint32_t *id);

/* Copy symbol `id`'s table entry.  Returns 0, MDBUS_E_NOSYM (unused or out of range). */
MDBUS_API int mdbus_sub_symbol_info(mdbus_sub *s, uint32_t id, struct mdbus_symbol *out);

/*
 * Copy one consistent snapshot of symbol `id`'s book (an empty book is returned until
 * the publisher fills it).  Returns 0, MDBUS_E_NOSYM, MDBUS_E_BUSY (the book changed
 * under every retry: try again), MDBUS_E_CORRUPT, < 0.
 */
MDBUS_API int mdbus_sub_book(mdbus_sub *s, uint32_t id, struct mdbus_book *b);

/* Geometry, version and statistics of the mapped segment.  Returns 0 or < 0. */
MDBUS_API int mdbus_sub_info(mdbus_sub *s, struct mdbus_info *info);

/*
 * Position the handle so that the next record read is `seq` (clamped to what the ring
 * can still hold is left to mdbus_sub_next, which reports the gap as lost).
 * Returns 0 or MDBUS_E_INVAL (seq beyond the write cursor).
 */
MDBUS_API int mdbus_sub_seek(mdbus_sub *s, uint64_t seq);

/* Name shown for this reader in the registry (truncated to 31 bytes).  Returns 0 or < 0. */
MDBUS_API int mdbus_sub_set_name(mdbus_sub *s, const char *name);

/* Unmap, leave the registry, free.  NULL is fine. */
MDBUS_API void mdbus_sub_close(mdbus_sub *s);

/* A static string for any value returned by this library (or -errno). */
MDBUS_API const char *mdbus_strerror(int err);

/* ---------------------------------------------------------- feed helpers */

/* 1 if `feed` is a valid feed name ([A-Za-z0-9_.-]{1,64}, not "." or ".."), else 0. */
MDBUS_API int mdbus_feed_name_valid(const char *feed);

/*
 * List the feeds present in /dev/shm into names[max][MDBUS_FEED_NAME_MAX + 1].
 * Returns how many exist (may exceed max; only max are written) or < 0.
 */
MDBUS_API int mdbus_feed_list(char (*names)[MDBUS_FEED_NAME_MAX + 1], int max);

/* One entry of the reader registry. */
struct mdbus_reader_info {
	uint32_t slot;
	uint32_t pid;
	int      alive;             /* holds its registry lock */
	int      sleeping;
	uint64_t position;          /* next sequence it will read */
	uint64_t lost;
	uint64_t records;
	uint64_t last_active_ns;    /* CLOCK_MONOTONIC */
	uint64_t opened_ns;         /* CLOCK_REALTIME */
	char     name[MDBUS_READER_NAME_MAX];
};

/*
 * Read the reader registry of `feed`: fills at most `max` entries of claimed slots
 * (alive, or dead but not yet reclaimed) and returns how many there are, or < 0
 * (MDBUS_E_NOFEED if the registry does not exist).  Does not register the caller.
 */
MDBUS_API int mdbus_readers_list(const char *feed, struct mdbus_reader_info *out, int max);

#ifdef __cplusplus
}
#endif
#endif /* MDBUS_MDBUS_H */
