/*
 * main.c — mdbus-dump: flags, usage and dispatch to one command.
 *
 *   mdbus-dump [--feed NAME] [--json] COMMAND [ARGS]
 *
 * Flags may appear anywhere on the line.  Exit codes: 0 ok; 1 feed missing or
 * unreadable, unknown symbol; 2 usage (bad flag, unknown command, bad argument).
 */
#include "dump.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *o)
{
	fprintf(o,
"usage: " DUMP_PROG " [--feed NAME] [--json] COMMAND [ARGS]\n"
"Inspect an mdbus feed (/dev/shm/mdbus.NAME) read-only; works on a dead publisher's feed.\n"
"\n"
"commands:\n"
"  status [--watch SEC]     layout, geometry, write cursor, generation and what it means,\n"
"                           publisher liveness, every statistic (default command);\n"
"                           --watch redraws every SEC seconds until Ctrl-C\n"
"  symbols                  symbol table: id, name, precisions, status, depth, book state\n"
"  book SYMBOL [--levels N] current book of SYMBOL (e.g. BTC/USD), exact decimals,\n"
"                           its checksum and whether it matched\n"
"  tail [N]                 the last N records, decoded (default %u)\n"
"  follow                   records as they arrive, and any gap, until Ctrl-C\n"
"  readers                  the reader registry: pid, name, position, lag, lost, alive\n"
"\n"
"options:\n"
"  -f, --feed NAME    feed to inspect (default \"" DUMP_DEFAULT_FEED "\")\n"
"  -j, --json         one JSON document per command (one object per line for follow)\n"
"  -n, --levels N     book: show at most N levels per side\n"
"  -w, --watch SEC    status: refresh every SEC seconds (fractions allowed); with\n"
"                     --json, one document per refresh instead of a redrawn screen\n"
"  -h, --help         this text\n"
"  -V, --version      version and shared-memory layout version\n"
"\n"
"exit status: 0 ok, 1 feed missing or unreadable (or unknown symbol), 2 usage error\n",
		DUMP_DEFAULT_TAIL);
}

static int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", DUMP_PROG);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (try '%s --help')\n", DUMP_PROG);
	return DUMP_EXIT_USAGE;
}

/* A decimal count 0..max with nothing after it. */
static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static const struct {
	const char   *name;
	enum dump_cmd cmd;
	int         (*run)(const struct dump_opts *);
} commands[] = {
	{ "status", CMD_STATUS, cmd_status },
	{ "symbols", CMD_SYMBOLS, cmd_symbols },
	{ "book", CMD_BOOK, cmd_book },
	{ "tail", CMD_TAIL, cmd_tail },
	{ "follow", CMD_FOLLOW, cmd_follow },
	{ "readers", CMD_READERS, cmd_readers },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "feed", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "levels", required_argument, NULL, 'n' },
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct dump_opts o = {
		.feed = DUMP_DEFAULT_FEED, .cmd = CMD_STATUS, .levels = -1,
		.tail_n = DUMP_DEFAULT_TAIL,
	};
	int (*run)(const struct dump_opts *) = cmd_status;
	const char *cmd_name = "status";
	unsigned long long n;
	int c, nargs, ret;
	size_t i;
	char *end;

	opterr = 0;                 /* we print our own one-line message */
	while ((c = getopt_long(argc, argv, ":f:jn:w:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.feed = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'n':
			if (parse_count(optarg, MDBUS_BOOK_DEPTH_MAX * 1000ull, &n) < 0)
				return bad_usage("--levels wants a count, not \"%s\"", optarg);
			o.levels = (long)n;
			break;
		case 'w':
			errno = 0;
			o.watch_sec = strtod(optarg, &end);
			if (errno || end == optarg || *end != '\0' || !(o.watch_sec > 0) ||
			    o.watch_sec > 86400)
				return bad_usage("--watch wants seconds > 0, not \"%s\"", optarg);
			break;
		case 'h':
			usage(stdout);
			return DUMP_EXIT_OK;
		case 'V':
			printf("%s %s (shared-memory layout %d.%d)\n", DUMP_PROG, MDBUS_VERSION_STRING,
			       MDBUS_LAYOUT_MAJOR, MDBUS_LAYOUT_MINOR);
			return DUMP_EXIT_OK;
		case ':':
			if (optopt) {
				char opt[3] = { '-', (char)optopt, '\0' };

				return bad_usage("option %s needs a value", opt);
			}
			return bad_usage("option %s needs a value", argv[optind - 1]);
		default:
			if (optopt) {
				char opt[3] = { '-', (char)optopt, '\0' };

				return bad_usage("unknown option \"%s\"", opt);
			}
			return bad_usage("unknown option \"%s\"", argv[optind - 1]);
		}
	}

	nargs = argc - optind;
	if (nargs > 0) {
		cmd_name = argv[optind];
		run = NULL;
		for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
			if (strcmp(cmd_name, commands[i].name) == 0) {
				o.cmd = commands[i].cmd;
				run = commands[i].run;
			}
		}
		if (!run)
			return bad_usage("unknown command \"%s\"", cmd_name);
		optind++;
		nargs--;
	}
	switch (o.cmd) {
	case CMD_BOOK:
		if (nargs != 1)
			return bad_usage("%s", nargs ? "book takes one SYMBOL" : "book needs a SYMBOL, e.g. BTC/USD");
		o.symbol = argv[optind];
		break;
	case CMD_TAIL:
		if (nargs > 1)
			return bad_usage("%s", "tail takes at most one count");
		if (nargs == 1) {
			if (parse_count(argv[optind], UINT64_MAX, &n) < 0)
				return bad_usage("tail wants a count, not \"%s\"", argv[optind]);
			o.tail_n = n;
		}
		break;
	default:
		if (nargs > 0)
			return bad_usage("unexpected argument \"%s\"", argv[optind]);
		break;
	}
	if (o.levels >= 0 && o.cmd != CMD_BOOK)
		return bad_usage("%s", "--levels applies to book only");
	if (o.watch_sec > 0 && o.cmd != CMD_STATUS)
		return bad_usage("%s", "--watch applies to status only");
	if (!mdbus_feed_name_valid(o.feed))
		return bad_usage("bad feed name \"%s\" (want [A-Za-z0-9_.-]{1,64})", o.feed);

	ret = run(&o);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: writing the output failed: %s\n", DUMP_PROG, strerror(errno));
		return DUMP_EXIT_FEED;
	}
	return ret;
}
