/*
 * replay.h — a recorded session (--replay FILE) and each connection's position in it.
 *
 * The file holds one server frame per line, optionally prefixed by a receive timestamp
 * and a TAB ("<ns>\t<frame>", what the publisher's --record writes). It is read and
 * classified once at start-up; afterwards it is read-only and shared by all connections.
 *
 * Classification: method responses (acks, pong, errors), status and heartbeat frames are
 * skipped, because the mock answers the handshake itself and a client must see each of
 * those once; the first instrument snapshot is kept aside and served on an instrument
 * subscribe; every other line is streamed in file order. Symbols seen in the file are
 * served; their precisions come from the recorded instrument snapshot when there is one,
 * else from the most decimals seen in the recorded prices and quantities.
 *
 * Streaming to a connection starts once the client has subscribed to every data channel
 * present in the file, or MX_REPLAY_GATE_US after its first data-channel subscribe,
 * whichever comes first. Lines for channels/symbols the client did not subscribe to are
 * skipped for that client.
 */
#ifndef MX_REPLAY_H
#define MX_REPLAY_H

#include "frame.h"
#include "session.h"
#include "wbuf.h"

#include <stddef.h>
#include <stdint.h>

#define MX_REPLAY_GATE_US 200000

struct mx_replay;

struct mx_replay_cursor {
	size_t next;          /* index of the next line to consider */
	uint64_t loops;       /* times the file wrapped (--loop) */
	int gate_open;
	int finished;         /* end of file reached without --loop */
	uint64_t starved_gen; /* sub_gen at which a full pass found nothing to send, +1 */
};

/*
 * Loads and classifies path; adds the symbols it finds to symtab. On failure returns a
 * negative errno and writes a one-line reason to err.
 */
int mx_replay_load(struct mx_replay **out, const char *path, struct mx_symtab *symtab,
		   char *err, size_t errcap);
void mx_replay_free(struct mx_replay *r);

/* Largest frame the replay can write, bytes. */
size_t mx_replay_max_frame(const struct mx_replay *r);

/* The recorded instrument snapshot; 1 and sets text/len when the file has one, else 0. */
int mx_replay_instrument_snapshot(const struct mx_replay *r, const char **text, size_t *len);

/* 1 if the gate is open (or opens now) for session s at monotonic time now_us. */
int mx_replay_gate(const struct mx_replay *r, struct mx_replay_cursor *c,
		   const struct mx_session *s, int64_t now_us);

/* 1 if a call to mx_replay_next could write something now. */
int mx_replay_has_work(const struct mx_replay *r, const struct mx_replay_cursor *c,
		       const struct mx_session *s);

/*
 * Writes the next line due to s into w (the gate must be open). corrupt_checksum makes
 * the checksum wrong if the line is a book update. Returns 1 when written, 0 when there
 * is nothing (end of file, or no line matches the subscriptions), -ENOSPC if w is small.
 */
int mx_replay_next(const struct mx_replay *r, struct mx_replay_cursor *c,
		   const struct mx_session *s, struct wbuf *w, int corrupt_checksum,
		   struct mx_frame_info *info);

#endif
