/*
 * pub_session.h — the Kraken v2 conversation, independent of the socket (private).
 *
 * The transport (pub_ws.c) reports "connected", each complete frame, "disconnected"
 * and the passing of time; the session decides what to send, tracks acks, moves the
 * generation, and turns frames into records (through pub_feed.c).
 */
#ifndef PUB_SESSION_H
#define PUB_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "pub_state.h"

/* Bind to the writer and register every configured symbol.  Returns 0 or < 0. */
int pub_session_init(struct pub_state *st, const struct pub_config *cfg, mdbus_writer *w);
void pub_session_free(struct pub_state *st);

/* The WebSocket is up: reset per-connection state, queue the instrument request. */
void pub_session_on_connected(struct pub_state *st, uint64_t now_ms);

/* One complete text frame. */
void pub_session_on_frame(struct pub_state *st, const char *buf, size_t len, int64_t recv_ns);

/* The WebSocket is gone: generation to even, books cleared. */
void pub_session_on_disconnected(struct pub_state *st);

/* Periodic check (subscription deadline).  Sets st->want_close on a stuck session. */
void pub_session_tick(struct pub_state *st, uint64_t now_ms);

/* Next queued request to send (caller frees), or NULL. */
char *pub_session_pop_request(struct pub_state *st);

/* Queue a book resubscription for symbol index i (pub_feed.c, after a mismatch). */
void pub_session_resync_book(struct pub_state *st, int i);

#endif
