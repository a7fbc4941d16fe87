/*
 * stats.h — process-wide counters of what the mock did, for tests to assert on.
 *
 * Written only by the lws service thread (the process is single-threaded), read at exit
 * and whenever a connection closes. The line format is a contract with tests:
 *
 *   stats: connections=N handshakes_refused=N frames_sent=N book_updates=N bad_checksums=N
 *          garbage=N drops=N stalls=N oversize=N data_frames=N heartbeats=N
 *          connections_closed=N bytes_sent=N          (all on one line)
 *
 * Keys are never renamed or removed; new keys are appended.
 */
#ifndef MX_STATS_H
#define MX_STATS_H

#include <stddef.h>
#include <stdint.h>

struct mx_stats {
	uint64_t connections;        /* WebSocket handshakes completed */
	uint64_t handshakes_refused; /* upgrades answered with HTTP 503 (--refuse) */
	uint64_t frames_sent;        /* complete WebSocket messages of any kind */
	uint64_t book_updates;       /* book "update" messages (not snapshots) */
	uint64_t bad_checksums;      /* book updates sent with a deliberately wrong checksum */
	uint64_t garbage;            /* garbage messages injected (--garbage-every) */
	uint64_t drops;              /* connections dropped on purpose (--drop-after) */
	uint64_t stalls;             /* connections stalled on purpose (--stall-after) */
	uint64_t oversize;           /* oversized messages injected (--oversize-every) */
	uint64_t data_frames;        /* book/trade/ticker/ohlc messages, snapshots included */
	uint64_t heartbeats;         /* heartbeat messages */
	uint64_t connections_closed; /* established connections that have closed */
	uint64_t bytes_sent;         /* WebSocket payload bytes of complete messages */
};

extern struct mx_stats mx_stats;

/* Formats the one-line "stats: key=value ..." summary (no newline) into buf. */
int mx_stats_format(char *buf, size_t cap);

/*
 * Writes the summary line to path atomically (temp file + rename), so a test polling
 * the file never reads half a line. Returns 0 or -errno.
 */
int mx_stats_write_file(const char *path);

#endif
