/*
 * pub_state.h — what the Kraken publisher knows between frames (private).
 *
 * One thread owns all of it: the libwebsockets service loop.  The desired state
 * (configured symbols and channels) never changes after start; everything per
 * connection (acks, books, resync counts) is reset by pub_session_on_connected.
 */
#ifndef PUB_STATE_H
#define PUB_STATE_H

#include <stdint.h>

#include <mdbus/writer.h>

#include "kraken_book.h"
#include "kraken_parse.h"
#include "pub_config.h"

#define PUB_OUTQ 256          /* queued outbound requests */
#define PUB_PENDING_REQS 64   /* requests awaiting an answer */

struct pub_symbol {
	char name[MDBUS_SYMBOL_NAME_MAX];
	uint32_t id;              /* shm symbol id */
	int known;                /* precision learned from the instrument channel */
	int price_prec, qty_prec;
	unsigned rejected;        /* PUB_CH_* the exchange refused: never re-requested */
	unsigned acked;           /* PUB_CH_* acknowledged on this connection */
	struct kb_book *book;
	uint32_t book_state;      /* MDBUS_BOOK_* as last published */
	int awaiting_snapshot;    /* updates are dropped until a snapshot arrives */
	uint32_t resyncs;         /* on this connection */
	uint64_t updates;         /* book messages applied on this connection */
};

struct pub_req {
	int64_t req_id;
	unsigned channel;         /* PUB_CH_*, 0 for instrument */
	int sym;                  /* index in syms, or -1 for the whole list */
	int unsubscribe;
};

enum pub_phase { PUB_IDLE, PUB_WAIT_INSTRUMENT, PUB_SUBSCRIBING, PUB_LIVE };

struct pub_state {
	const struct pub_config *cfg;
	mdbus_writer *w;
	struct mdbus_shm_stats *stats;
	struct pub_symbol syms[PUB_MAX_SYMBOLS];
	int nsyms;
	struct kp_msg *msg;       /* decoder output, reused for every frame */
	struct mdbus_book *pubbook; /* scratch for mdbus_writer_book_publish */

	int phase;
	uint64_t phase_deadline_ms;
	int64_t next_req_id;
	struct pub_req pending[PUB_PENDING_REQS];
	int npending;
	char *outq[PUB_OUTQ];
	int outq_head, outq_len;
	int want_close;           /* the session asks the transport to reconnect */
};

#endif
