/* e2e_frames.h — Kraken v2 frames for the parse+normalize measurement (private). */
#ifndef BENCH_E2E_FRAMES_H
#define BENCH_E2E_FRAMES_H

#include <stddef.h>

#include "kraken_book.h"

#define FRAME_SYMBOL "BTC/USD"
#define FRAME_PRICE_PREC 1
#define FRAME_QTY_PREC 8
#define FRAME_DEPTH 25

/* Instrument snapshot listing FRAME_SYMBOL at its precisions. */
size_t frame_instrument(char *f, size_t cap);

/* A 25-deep book snapshot of a random-walk BTC/USD book; fills *b with it. */
size_t frame_book_snapshot(char *f, size_t cap, struct kb_book *b);

/* A typical update against *b: 12 bid and 13 ask levels (changes, inserts, deletes)
 * with the checksum of the book it produces.  Applying it twice gives the same book,
 * so it can be replayed in a loop and stays valid. */
size_t frame_book_update(char *f, size_t cap, const struct kb_book *b);

#endif
