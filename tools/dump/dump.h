/*
 * dump.h — private interface between the parts of mdbus-dump.
 *
 * mdbus-dump is a read-only inspector: it maps a feed through libmdbus (never the
 * writer library), gathers what a command asks for into a plain "view" struct and
 * hands that view to one of two renderers (render_text.c, render_json.c).  Nothing
 * here writes to the data segment; `follow` is the only command that enters the
 * reader registry.
 *
 * Every string that comes from shared memory (feed, symbol and reader names) is
 * copied through dump_clean() before it reaches a renderer, so a hostile segment
 * cannot put terminal escapes or invalid UTF-8 on the user's screen.
 */
#ifndef MDBUS_DUMP_H
#define MDBUS_DUMP_H

#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <mdbus/mdbus.h>

/* Exit codes (the contract with scripts). */
#define DUMP_EXIT_OK    0
#define DUMP_EXIT_FEED  1   /* feed missing or unreadable, unknown symbol, I/O error */
#define DUMP_EXIT_USAGE 2   /* bad flag, unknown command, bad argument */

#define DUMP_PROG "mdbus-dump"
#define DUMP_DEFAULT_FEED "kraken"
#define DUMP_DEFAULT_TAIL 20u

/* Longest text dec_format() produces, NUL included. */
#define DUMP_DEC_MAX 96
/* Longest text fmt_time_ns() produces, NUL included. */
#define DUMP_TIME_MAX 48

enum dump_cmd { CMD_STATUS, CMD_SYMBOLS, CMD_BOOK, CMD_TAIL, CMD_FOLLOW, CMD_READERS };

struct dump_opts {
	const char   *feed;
	int           json;
	enum dump_cmd cmd;
	const char   *symbol;     /* book */
	long          levels;     /* book: -1 = all */
	uint64_t      tail_n;     /* tail */
	double        watch_sec;  /* status: 0 = once */
};

/* Set by the SIGINT/SIGTERM handler that follow and --watch install. */
extern volatile sig_atomic_t dump_stop;
void dump_install_stop_handlers(void);

/* ------------------------------------------------------------ feed_open.c */

/* Open `feed` read-only (flags: MDBUS_SUB_*).  On failure prints one line to stderr
 * (what failed and what to do) and returns NULL. */
mdbus_sub *dump_open_feed(const char *feed, int flags);
/* Print "mdbus-dump: feed "F": <what>: <strerror>[; advice]" for an error met after the
 * open; returns the exit code to use. */
int dump_fail(const char *feed, const char *what, int err);
/* mdbus_sub_book, retried while it reports MDBUS_E_BUSY (a book changing very fast). */
int dump_read_book(mdbus_sub *s, uint32_t id, struct mdbus_book *b);
/* Copy at most n-1 bytes of src (bounded by srcmax) replacing anything but printable
 * ASCII with '?'. */
void dump_clean(char *dst, size_t n, const char *src, size_t srcmax);

/* -------------------------------------------------------------- decimal.c */

/* Render mantissa m scaled by 10^-prec exactly ("-12.50" for -1250 at 2).  Integer
 * arithmetic only.  Returns the length, or -1 if |prec| is absurd (> 64): then buf
 * holds the bare mantissa followed by "e" and -prec. */
int dec_format(char *buf, size_t n, int64_t m, int32_t prec);
/* Decimal text of an unsigned / signed 64-bit integer. */
void fmt_u64(char *buf, size_t n, uint64_t v);
void fmt_i64(char *buf, size_t n, int64_t v);
/* CLOCK_REALTIME ns as "2024-05-01T12:00:00.123456789Z"; 0 gives "-". */
void fmt_time_ns(char *buf, size_t n, int64_t ns);
/* "1st", "2nd", "3rd", "4th", "11th", "21st" ... */
void fmt_ordinal(char *buf, size_t n, uint64_t v);
/* Nanoseconds of CLOCK_MONOTONIC now. */
int64_t now_mono_ns(void);

/* -------------------------------------------------------- book_checksum.c */

/* Kraken v2 book checksum over the top 10 asks then top 10 bids of b, rendered at the
 * book's precisions ('.' removed, leading zeros removed), CRC-32 (zlib polynomial). */
uint32_t book_checksum_kraken(const struct mdbus_book *b);

/* --------------------------------------------------------------- decode.c */

enum dfield_kind {
	DF_STR,     /* text: JSON string */
	DF_DEC,     /* exact decimal: JSON string */
	DF_INT,     /* integer text: JSON number, printed digit for digit */
	DF_BOOL,    /* "true"/"false" */
	DF_TIME     /* integer ns in val, rendered as time in text, number + _time in JSON */
};

struct dfield {
	const char      *key;
	enum dfield_kind kind;
	char             val[2 * MDBUS_RAW_MAX + 8];  /* RAW data as hex is the longest */
};

#define DUMP_MAX_FIELDS 16

/* One record, decoded for display. */
struct decoded {
	const struct mdbus_record *r;
	const char   *type_name;      /* "book", "trade", ... or "type_N" */
	char          type_buf[16];
	int           has_symbol;     /* r->symbol != MDBUS_SYMBOL_NONE */
	int           symbol_known;   /* precision and name known */
	char          symbol[MDBUS_SYMBOL_NAME_MAX];
	char          flags[128];     /* "snapshot,snap_begin" or "" */
	int           nfields;
	struct dfield f[DUMP_MAX_FIELDS];
};

/* Symbols seen by a record-reading command: read from the table on first use and
 * updated from INSTRUMENT records, so records decode at the precision in force. */
struct symcache {
	mdbus_sub *s;
	uint32_t   cap;
	struct symcache_entry {
		int loaded;             /* 0 not asked, 1 known, -1 not in the table */
		struct mdbus_symbol sym;
	} *e;
};

int  symcache_init(struct symcache *c, mdbus_sub *s, uint32_t capacity);
void symcache_free(struct symcache *c);
void decode_record(struct symcache *c, const struct mdbus_record *r, struct decoded *d);
/* Flag names joined by ','; "" for none. */
void decode_flags(char *buf, size_t n, uint16_t flags);
const char *sym_status_name(uint32_t status);
const char *book_state_name(uint32_t state);

/* ---------------------------------------------------------------- views */

enum pub_state { PUB_ALIVE, PUB_STALE, PUB_STOPPED, PUB_DEAD };

struct status_view {
	char               feed[MDBUS_FEED_NAME_MAX + 1];
	struct mdbus_info  info;
	struct mdbus_status st;
	enum pub_state     pub;
	char               meaning[64];   /* "connected, 3rd connection" */
	int                have_rates;    /* --watch: rates since the last refresh */
	double             records_per_s, frames_per_s;
};

const char *pub_state_name(enum pub_state p);

/* The statistics of a status view in display order (records = write_seq first). */
struct counter {
	const char *key;            /* JSON key under "stats" */
	const char *what;           /* one-line meaning for the text view */
	uint64_t    value;
};
#define DUMP_N_COUNTERS 17
void status_counters(const struct status_view *v, struct counter out[DUMP_N_COUNTERS]);

struct symbol_row {
	struct mdbus_symbol sym;
	char     name[MDBUS_SYMBOL_NAME_MAX];
	int      book_rc;                /* 0 or the error mdbus_sub_book returned */
	uint32_t book_state, n_bids, n_asks;
};

struct symbols_view {
	char               feed[MDBUS_FEED_NAME_MAX + 1];
	int                n;
	struct symbol_row *rows;
};

struct book_view {
	char                feed[MDBUS_FEED_NAME_MAX + 1];
	char                name[MDBUS_SYMBOL_NAME_MAX];
	struct mdbus_symbol sym;
	const struct mdbus_book *b;
	uint32_t            show_bids, show_asks;  /* levels to print per side */
	uint32_t            computed;              /* book_checksum_kraken(b) */
};

struct readers_view {
	char     feed[MDBUS_FEED_NAME_MAX + 1];
	uint64_t write_seq;
	int      registry;                         /* 0: the feed has no registry */
	int      n, n_alive;
	int64_t  now_mono_ns;
	struct mdbus_reader_info *r;
};

/* ---------------------------------------------------------- renderers */

void text_status(FILE *o, const struct status_view *v);
void text_symbols(FILE *o, const struct symbols_view *v);
void text_book(FILE *o, const struct book_view *v);
void text_record(FILE *o, const struct decoded *d);
void text_gap(FILE *o, uint64_t lost, uint64_t next_seq);
/* follow's start and stop notices (written to stderr in both modes) */
void text_follow_start(FILE *o, const char *feed, uint64_t from_seq);
void text_follow_end(FILE *o, uint64_t next_seq, uint64_t records, uint64_t lost);
void text_readers(FILE *o, const struct readers_view *v);

/* Each prints one JSON document on one line; returns 0 or -1 (out of memory). */
int json_status(FILE *o, const struct status_view *v);
int json_symbols(FILE *o, const struct symbols_view *v);
int json_book(FILE *o, const struct book_view *v);
int json_readers(FILE *o, const struct readers_view *v);
/* tail: { feed, write_seq, from_seq, lost, gaps[], records[] } built incrementally;
 * from_seq (the first record shown) is known at the end.  json_tail_end(NULL, ...)
 * frees without printing. */
struct json_tail;
struct json_tail *json_tail_begin(const char *feed, uint64_t write_seq);
int  json_tail_record(struct json_tail *t, const struct decoded *d);
int  json_tail_gap(struct json_tail *t, uint64_t lost, uint64_t next_seq);
int  json_tail_end(FILE *o, struct json_tail *t, uint64_t from_seq);
/* follow: one object per line. */
int json_record_line(FILE *o, const struct decoded *d);
int json_gap_line(FILE *o, uint64_t lost, uint64_t next_seq);

/* ------------------------------------------------------------ commands */

/* Each returns the process exit code. */
int cmd_status(const struct dump_opts *o);
int cmd_symbols(const struct dump_opts *o);
int cmd_book(const struct dump_opts *o);
int cmd_tail(const struct dump_opts *o);
int cmd_follow(const struct dump_opts *o);
int cmd_readers(const struct dump_opts *o);

#endif /* MDBUS_DUMP_H */
