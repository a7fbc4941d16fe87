/*
 * synth.h — the synthetic market: one per connection, deterministic for a given seed.
 *
 * For every symbol a client subscribes to it keeps a real L2 book (kraken_book, the
 * publisher's own code) at the subscribed depth, a last price, 24h ticker statistics and
 * the current OHLC candle. Each call writes one complete frame: first any snapshot owed to
 * a fresh subscription, then a random event for a random subscribed symbol — a book update
 * (levels changed, deleted, inserted, the spread moving; checksum computed with
 * kb_checksum after applying the update and truncating to depth), a trade, a ticker or an
 * OHLC update. Same seed and same requests give the same frames (timestamps aside).
 *
 * Frames are written straight into the caller's buffer with wbuf: no allocation and no
 * JSON library per frame. Allocation happens only when a symbol is first subscribed or
 * its book depth changes.
 */
#ifndef MX_SYNTH_H
#define MX_SYNTH_H

#include "frame.h"
#include "session.h"
#include "wbuf.h"

#include <stdint.h>

/* Largest frame the generator writes (a depth-1000 book snapshot), bytes. */
#define MX_SYNTH_MAX_FRAME (2048u + 2u * 1000u * 96u)

struct mx_synth;

/*
 * The seed of connection number `ordinal` (1-based) under --seed `seed`: connections get
 * different but reproducible markets (and connection ids, see server.c).
 */
uint64_t mx_synth_conn_seed(uint64_t seed, uint64_t ordinal);

struct mx_synth *mx_synth_new(const struct mx_world *w, uint64_t seed);
void mx_synth_free(struct mx_synth *g);

/* 1 if a snapshot is owed to s (sent even when --rate pacing has no credit). */
int mx_synth_snapshot_due(const struct mx_session *s);

/* 1 if s has any subscription the generator can produce updates for. */
int mx_synth_has_live(const struct mx_session *s);

/*
 * Writes the next frame for session s into w. If allow_update is 0 only an owed snapshot
 * may be written. corrupt_checksum asks for a wrong checksum should the frame be a book
 * update (reported in info->bad_checksum; the generator's own book stays correct).
 * Returns 1 when a frame was written, 0 when there is nothing to send, -ENOMEM.
 * w must have room for MX_SYNTH_MAX_FRAME bytes.
 */
int mx_synth_next(struct mx_synth *g, struct mx_session *s, struct wbuf *w, int allow_update,
		  int corrupt_checksum, struct mx_frame_info *info);

#endif
