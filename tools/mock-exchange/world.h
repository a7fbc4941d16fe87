/*
 * world.h — what every connection of the mock shares: the options, the served symbols
 * and (with --replay) the loaded recording.
 *
 * Built once by main() before the server starts listening and read-only afterwards; the
 * process is single-threaded (one lws service loop), so no locking anywhere.
 */
#ifndef MX_WORLD_H
#define MX_WORLD_H

#include "options.h"
#include "symbols.h"

struct mx_replay;

struct mx_world {
	const struct mx_opts *opts;
	struct mx_symtab symtab;
	struct mx_replay *replay; /* NULL for the synthetic market */
};

/* Data channels a client can subscribe per symbol. */
enum mx_channel {
	MX_CH_BOOK = 0,
	MX_CH_TRADE,
	MX_CH_TICKER,
	MX_CH_OHLC,
	MX_CH_COUNT,
};

#define MX_CH_BIT(c) ((uint8_t)(1u << (c)))

/* "book", "trade", ... -> MX_CH_*, or -1. */
int mx_channel_parse(const char *s, size_t len);

#endif
