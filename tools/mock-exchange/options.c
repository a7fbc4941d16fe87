/*
 * options.c — parsing and validation of the command line (see options.h).
 *
 * Bad input gets one line on stderr naming the flag and what is wrong, and exit code 2;
 * getopt's own messages are silenced so there is exactly one line.
 */
#include "options.h"

#include "log.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MDBUS_VERSION
#define MDBUS_VERSION "0.0.0"
#endif

static const char usage[] =
"usage: mdbus-mock-exchange [options]\n"
"A local stand-in for the Kraken Spot WebSocket v2 API, bound to 127.0.0.1 only.\n"
"Prints the bound port alone on the first line of stdout once listening; logs go to stderr.\n"
"\n"
"Server:\n"
"  --port N               TCP port on 127.0.0.1 (0 = ephemeral, the default)\n"
"  --tls                  serve wss://; without --cert/--key a self-signed certificate\n"
"                         (EC P-256, CN localhost, SAN IP:127.0.0.1 + DNS:localhost,\n"
"                         valid 1 day) is generated at start\n"
"  --cert FILE --key FILE serve this PEM certificate and key instead\n"
"  --cert-out FILE        write the serving certificate (PEM) to FILE before the port line\n"
"  --max-connections N    exit 0 after the Nth WebSocket connection has closed\n"
"  --stats-file FILE      write the counters line there on every close and at exit\n"
"  --log-level L          error|warn|notice|info|debug (default notice)\n"
"\n"
"Data (per connection; each connection gets its own market):\n"
"  --synthetic            random-walk market with correct book checksums (default)\n"
"  --symbols A,B,...      pairs served (default " MX_DEFAULT_SYMBOLS "); XBT/..., BAD/...\n"
"                         and names without '/' are always rejected like XBT/USD\n"
"  --seed S               generator seed (default 1); same seed, same market\n"
"  --rate N               data frames per second per connection, 0 = as fast as the\n"
"                         socket takes (default 100 synthetic, 0 replay)\n"
"  --replay FILE          send FILE's frames (one per line, optional '<ns>\\t' prefix)\n"
"  --loop                 repeat the replay file forever\n"
"\n"
"Faults (0 = off; 'data frames' are book/trade/ticker/ohlc messages):\n"
"  --drop-after N         close each connection abruptly after N data frames\n"
"  --stall-after N        after N data frames send nothing more (no heartbeats, stop\n"
"                         reading) but keep the socket open\n"
"  --refuse N             answer the first N WebSocket upgrades with HTTP 503\n"
"  --bad-checksum-every N every Nth book update carries a wrong checksum\n"
"  --garbage-every N      a garbage message before every Nth data frame (cycles: non-JSON\n"
"                         text, truncated JSON, unknown channel, absurd numbers)\n"
"  --oversize-every N     a ~4 MiB message before every Nth data frame\n"
"  --fragment K           send every message as K WebSocket fragments\n"
"\n"
"  --help, --version\n"
"\n"
"On exit (SIGTERM/SIGINT: exit 0) prints one line to stderr:\n"
"  stats: connections=N handshakes_refused=N frames_sent=N book_updates=N\n"
"         bad_checksums=N garbage=N drops=N stalls=N oversize=N data_frames=N ...\n";

enum {
	OPT_PORT = 1000, OPT_TLS, OPT_CERT, OPT_KEY, OPT_CERT_OUT, OPT_SYNTHETIC, OPT_SYMBOLS,
	OPT_RATE, OPT_SEED, OPT_REPLAY, OPT_LOOP, OPT_DROP_AFTER, OPT_STALL_AFTER,
	OPT_REFUSE, OPT_BAD_CHECKSUM, OPT_GARBAGE, OPT_OVERSIZE, OPT_FRAGMENT, OPT_MAX_CONN,
	OPT_STATS_FILE, OPT_LOG_LEVEL, OPT_HELP, OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "tls", no_argument, NULL, OPT_TLS },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "cert-out", required_argument, NULL, OPT_CERT_OUT },
	{ "synthetic", no_argument, NULL, OPT_SYNTHETIC },
	{ "symbols", required_argument, NULL, OPT_SYMBOLS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "loop", no_argument, NULL, OPT_LOOP },
	{ "drop-after", required_argument, NULL, OPT_DROP_AFTER },
	{ "stall-after", required_argument, NULL, OPT_STALL_AFTER },
	{ "refuse", required_argument, NULL, OPT_REFUSE },
	{ "bad-checksum-every", required_argument, NULL, OPT_BAD_CHECKSUM },
	{ "garbage-every", required_argument, NULL, OPT_GARBAGE },
	{ "oversize-every", required_argument, NULL, OPT_OVERSIZE },
	{ "fragment", required_argument, NULL, OPT_FRAGMENT },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONN },
	{ "stats-file", required_argument, NULL, OPT_STATS_FILE },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "mdbus-mock-exchange: %s (see --help)\n", msg);
	return MX_OPTS_EXIT_USAGE;
}

/* Strict unsigned decimal: digits only, no sign, no overflow, at most max. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int mx_opts_parse(struct mx_opts *o, int argc, char **argv)
{
	uint64_t v;
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->symbols = MX_DEFAULT_SYMBOLS;
	o->seed = 1;
	o->fragment = 1;
	o->log_level = MX_LOG_NOTICE;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", long_opts, &idx)) != -1) {
		const char *name = (optind > 0 && optind <= argc) ? argv[optind - 1] : "?";
		uint64_t *slot = NULL;
		uint64_t max = UINT64_MAX / 2;

		switch (c) {
		case OPT_PORT:
			if (parse_u64(optarg, 65535, &v))
				return bad("--port wants 0..65535, got '%s'", optarg);
			o->port = (int)v;
			break;
		case OPT_TLS: o->tls = 1; break;
		case OPT_CERT: o->cert_file = optarg; break;
		case OPT_KEY: o->key_file = optarg; break;
		case OPT_CERT_OUT: o->cert_out = optarg; break;
		case OPT_SYNTHETIC: o->synthetic = 1; break;
		case OPT_SYMBOLS:
			o->symbols = optarg;
			o->symbols_given = 1;
			break;
		case OPT_RATE:
			if (parse_u64(optarg, 100000000, &o->rate))
				return bad("--rate wants frames per second 0..100000000, got '%s'",
					   optarg);
			o->rate_given = 1;
			break;
		case OPT_SEED:
			if (parse_u64(optarg, UINT64_MAX, &o->seed))
				return bad("--seed wants an unsigned integer, got '%s'", optarg);
			break;
		case OPT_REPLAY: o->replay = optarg; break;
		case OPT_LOOP: o->loop = 1; break;
		case OPT_DROP_AFTER: slot = &o->drop_after; break;
		case OPT_STALL_AFTER: slot = &o->stall_after; break;
		case OPT_REFUSE: slot = &o->refuse; break;
		case OPT_BAD_CHECKSUM: slot = &o->bad_checksum_every; break;
		case OPT_GARBAGE: slot = &o->garbage_every; break;
		case OPT_OVERSIZE: slot = &o->oversize_every; break;
		case OPT_MAX_CONN: slot = &o->max_connections; break;
		case OPT_FRAGMENT:
			if (parse_u64(optarg, MX_MAX_FRAGMENTS, &v) || v == 0)
				return bad("--fragment wants 1..64 fragments per message, got '%s'",
					   optarg);
			o->fragment = (int)v;
			break;
		case OPT_STATS_FILE: o->stats_file = optarg; break;
		case OPT_LOG_LEVEL:
			o->log_level = mx_log_parse_level(optarg);
			if (o->log_level < 0)
				return bad("--log-level wants error|warn|notice|info|debug, got '%s'",
					   optarg);
			break;
		case OPT_HELP:
			fputs(usage, stdout);
			return MX_OPTS_EXIT_OK;
		case OPT_VERSION:
			printf("mdbus-mock-exchange %s\n", MDBUS_VERSION);
			return MX_OPTS_EXIT_OK;
		case ':':
			return bad("option '%s' needs a value", name);
		default:
			return bad("unknown option '%s'", name);
		}
		if (slot && parse_u64(optarg, max, slot))
			return bad("--%s wants an unsigned integer, got '%s'", long_opts[idx].name,
				   optarg);
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (o->replay && o->synthetic)
		return bad("--replay and --synthetic are exclusive");
	if (!o->replay)
		o->synthetic = 1;
	if (o->loop && !o->replay)
		return bad("--loop needs --replay");
	if ((o->cert_file != NULL) != (o->key_file != NULL))
		return bad("--cert and --key go together");
	if ((o->cert_file || o->cert_out) && !o->tls)
		return bad("--cert/--key/--cert-out need --tls");
	if (!o->rate_given)
		o->rate = o->replay ? 0 : 100;
	return MX_OPTS_RUN;
}
