/*
 * options.h — the command line of mdbus-mock-exchange.
 *
 * The flags are a contract: tests, the offline demo and the benchmarks use exactly these
 * names. Parsed once by main(); read-only afterwards. Every counter-like option uses 0
 * for "off".
 */
#ifndef MX_OPTIONS_H
#define MX_OPTIONS_H

#include <stdint.h>

#define MX_DEFAULT_SYMBOLS "BTC/USD,ETH/USD"
#define MX_OVERSIZE_BYTES (4u * 1024u * 1024u + 1024u) /* "far larger than a sane limit" */
#define MX_MAX_FRAGMENTS 64

struct mx_opts {
	int port;               /* --port, 0 = ephemeral */
	int tls;                /* --tls */
	const char *cert_file;  /* --cert (PEM), with --key */
	const char *key_file;   /* --key (PEM) */
	const char *cert_out;   /* --cert-out: copy of the serving certificate */
	int synthetic;          /* --synthetic (the default source) */
	const char *symbols;    /* --symbols, comma-separated */
	int symbols_given;
	uint64_t rate;          /* --rate, data frames per second per connection, 0 = max */
	int rate_given;
	uint64_t seed;          /* --seed */
	const char *replay;     /* --replay FILE */
	int loop;               /* --loop */
	uint64_t drop_after;    /* --drop-after N data frames */
	uint64_t stall_after;   /* --stall-after N data frames */
	uint64_t refuse;        /* --refuse N handshakes */
	uint64_t bad_checksum_every; /* --bad-checksum-every N book updates */
	uint64_t garbage_every; /* --garbage-every N data frames */
	uint64_t oversize_every; /* --oversize-every N data frames */
	int fragment;           /* --fragment K (1 = whole frames) */
	uint64_t max_connections; /* --max-connections N: exit 0 after the Nth closes */
	const char *stats_file; /* --stats-file */
	int log_level;          /* --log-level */
};

enum mx_opts_result {
	MX_OPTS_RUN = 0,
	MX_OPTS_EXIT_OK = 1,  /* --help or --version was printed */
	MX_OPTS_EXIT_USAGE = 2,
};

/* Parses argv into o; prints help/version to stdout or one error line to stderr. */
int mx_opts_parse(struct mx_opts *o, int argc, char **argv);

#endif
