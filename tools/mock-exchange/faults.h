/*
 * faults.h — the deliberate misbehaviour of the mock (--bad-checksum-every,
 * --garbage-every, --oversize-every; drop, stall, refuse and fragment are mechanics of
 * the server loop and live in server.c).
 *
 * Every injection is decided from per-connection counters only, so a client can predict
 * exactly what it will see: with --bad-checksum-every N the book updates numbered N, 2N,
 * ... (1-based, per connection) carry a wrong checksum; with --garbage-every N a garbage
 * message goes out just before data frames N, 2N, ... Garbage never replaces a data frame,
 * so a client's book stays correct through it.
 */
#ifndef MX_FAULTS_H
#define MX_FAULTS_H

#include "wbuf.h"

#include <stdint.h>

/* 1 if the `count`-th event (1-based) is a multiple of `every` (0 = never). */
static inline int mx_fault_due(uint64_t every, uint64_t count)
{
	return every != 0 && count != 0 && count % every == 0;
}

/* A checksum that is certainly not `good`. */
static inline uint32_t mx_fault_wrong_checksum(uint32_t good)
{
	return good ^ 0x5A5A0001u;
}

/*
 * Writes the nth (0-based) garbage message; kinds cycle: non-JSON text, truncated JSON,
 * an unknown channel, a trade with absurd numbers for `symbol`. Returns the kind's name
 * for the log. Needs 512 bytes of room.
 */
const char *mx_fault_garbage(struct wbuf *w, uint64_t nth, const char *symbol);

/* Writes a syntactically valid ~MX_OVERSIZE_BYTES trade message (needs that much room). */
void mx_fault_oversize(struct wbuf *w, const char *symbol);

#endif
