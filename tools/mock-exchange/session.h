/*
 * session.h — one client's view of the Kraken v2 protocol: what it subscribed to and the
 * control messages (status, acks, errors, pong, instrument snapshot) owed to it; heartbeats
 * are the server's (they depend on what was sent, not on requests).
 *
 * Pure protocol state: no libwebsockets here. server.c owns a session per WebSocket
 * connection, feeds it the client's complete text messages and drains its queue when the
 * socket is writeable. Control messages are rare, so they are heap-allocated; the queue
 * is bounded (MX_SESSION_QUEUE_MAX bytes) so a client that never reads cannot grow it
 * without limit — exceeding it is reported and the connection is closed.
 *
 * Invariants: `sub[i]` refers to served symbol i of world->symtab; a channel bit is set
 * in `snap_pending` only while it is set in `subscribed`.
 */
#ifndef MX_SESSION_H
#define MX_SESSION_H

#include "world.h"

#include <stddef.h>
#include <stdint.h>

#define MX_SESSION_QUEUE_MAX (16u * 1024u * 1024u)
#define MX_DEFAULT_BOOK_DEPTH 10
#define MX_DEFAULT_OHLC_INTERVAL 1

struct mx_sub {
	uint8_t subscribed;   /* MX_CH_BIT mask */
	uint8_t snap_pending; /* channels whose snapshot is still owed */
	uint8_t book_reset;   /* book (re)subscribed: the generator rebuilds it at `depth` */
	uint16_t depth;       /* book depth, one of 10/25/100/500/1000 */
	uint16_t interval;    /* ohlc interval, minutes */
};

struct mx_msg {
	struct mx_msg *next;
	size_t len;
	char data[];
};

struct mx_session {
	const struct mx_world *world;
	struct mx_sub sub[MX_MAX_SYMBOLS];
	uint8_t channels_any;        /* union of channels ever subscribed (replay gate) */
	int instrument;              /* instrument channel subscribed */
	int64_t first_data_sub_us;   /* mono time of the first data-channel subscribe, 0 = none */
	uint64_t connection_id;
	struct mx_msg *q_head, *q_tail;
	size_t q_bytes;
	uint64_t requests_bad;       /* malformed or refused requests, for the close log */
	uint64_t sub_gen;            /* bumped on every (un)subscribe: sources re-evaluate */
};

void mx_session_init(struct mx_session *s, const struct mx_world *w, uint64_t connection_id);
void mx_session_free(struct mx_session *s);

/* Queues the on-connect status frame. 0, or -ENOMEM / -ENOBUFS. */
int mx_session_queue_status(struct mx_session *s);

/*
 * Handles one complete client text message and queues every response. Never fails on bad
 * input (that gets an error response); returns -ENOMEM or -ENOBUFS (queue full) when the
 * connection should be closed, else 0.
 */
int mx_session_handle(struct mx_session *s, const char *msg, size_t len);

/* Detaches the oldest queued message (caller frees it with free()), or NULL. */
struct mx_msg *mx_session_pop(struct mx_session *s);

#endif
