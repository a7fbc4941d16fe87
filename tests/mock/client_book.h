/*
 * client_book.h — the test client's Kraken v2 decoder: classifies each message the mock
 * sends, keeps one L2 book per symbol with the publisher's own kraken_book, and checks
 * every book checksum.
 *
 * Numbers are read exactly: the message is passed through kj_quote_numbers (every JSON
 * number becomes a string holding its original text) before cJSON, and values are then
 * converted with kd_parse at the precisions the instrument snapshot announced.
 * Single-threaded; one state per connection.
 */
#ifndef MOCK_CLIENT_BOOK_H
#define MOCK_CLIENT_BOOK_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define CB_MAX_SYMBOLS 16

enum cb_kind {
	CB_NONJSON,        /* not JSON at all, or truncated JSON */
	CB_METHOD,         /* a response to a request (ack, error, pong): has method or success */
	CB_STATUS,
	CB_HEARTBEAT,
	CB_INSTRUMENT,
	CB_BOOK_SNAPSHOT,
	CB_BOOK_UPDATE,
	CB_TRADE,
	CB_TICKER,
	CB_OHLC,
	CB_UNKNOWN_CHANNEL,
	CB_INVALID,        /* JSON, known channel, but values that do not parse */
};

struct cb_symbol {
	char name[32];
	int price_prec, qty_prec;
	struct kb_book *book;
	int have_snapshot;
};

struct cb_state {
	struct cb_symbol sym[CB_MAX_SYMBOLS];
	int nsym;
	int depth;                 /* book depth subscribed */
	uint64_t book_updates;     /* book update messages seen (1-based numbering) */
	uint64_t checksum_ok, checksum_bad;
	uint64_t snapshots;
	char err[256];             /* last reason for CB_INVALID */
};

struct cb_result {
	int kind;
	cJSON *root;               /* parsed message (numbers as strings), caller frees; may be NULL */
	int checksum_checked;      /* book message whose checksum was compared */
	int checksum_ok;
	int sym;                   /* symbol index, or -1 */
};

void cb_init(struct cb_state *s, int depth);
void cb_free(struct cb_state *s);

/* Registers precisions from an instrument snapshot (root as returned in cb_result). */
int cb_learn_instrument(struct cb_state *s, const cJSON *root);

/* Index of name or -1. */
int cb_find(const struct cb_state *s, const char *name);

/* Decodes one complete message. Always fills out; out->root must be cJSON_Delete'd. */
void cb_process(struct cb_state *s, const char *msg, size_t len, struct cb_result *out);

/* Convenience accessors over a quoted-numbers cJSON tree. */
const char *cb_str(const cJSON *obj, const char *key);
int cb_i64(const cJSON *obj, const char *key, int64_t *out);

#endif
