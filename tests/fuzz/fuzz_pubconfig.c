/*
 * fuzz_pubconfig.c — mdbus-publisher's flag parser, pub_config_parse.
 *
 * Input: the arguments, separated by NUL bytes (argv[0] is supplied).  Up to 64
 * arguments; an argument may be empty.
 *
 * Properties: no crash or out-of-bounds access; the result is one of the three
 * documented outcomes; a refusal leaves one NUL-terminated, non-empty line in err
 * (it is printed as is); an accepted configuration satisfies every bound the
 * publisher relies on later (feed name valid, 1..256 symbols of the allowed
 * characters, no duplicates, depth in {10,25,100,500,1000}, slots a power of two in
 * range, max-frame in range, backoff-min <= backoff-max, budget 1..150, mode with
 * owner rw and no bits above 0777, a parsed host and port, --insecure only for
 * wss:// on loopback).
 */
#include "fuzz_common.h"

#include "pub_config.h"

#include <mdbus/mdbus.h>

#include <string.h>

static FILE *g_null;

static int symbol_chars_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= MDBUS_SYMBOL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static void check_accepted(const struct pub_config *c)
{
	FZ_CHECK(mdbus_feed_name_valid(c->feed), "accepted feed '%s'", c->feed);
	FZ_CHECK(c->nsymbols >= 1 && c->nsymbols <= PUB_MAX_SYMBOLS, "%d symbols", c->nsymbols);
	for (int i = 0; i < c->nsymbols; i++) {
		FZ_CHECK(symbol_chars_ok(c->symbols[i]), "accepted symbol '%s'", c->symbols[i]);
		for (int k = 0; k < i; k++)
			FZ_CHECK(strcmp(c->symbols[i], c->symbols[k]) != 0, "duplicate symbol '%s'", c->symbols[i]);
	}
	FZ_CHECK(c->channels != 0 && (c->channels & ~0xFu) == 0, "channels 0x%x", c->channels);
	FZ_CHECK(c->depth == 10 || c->depth == 25 || c->depth == 100 || c->depth == 500 || c->depth == 1000,
		 "depth %d", c->depth);
	FZ_CHECK(c->slots >= MDBUS_SLOT_COUNT_MIN && c->slots <= MDBUS_SLOT_COUNT_MAX && !(c->slots & (c->slots - 1)),
		 "slots %u", c->slots);
	FZ_CHECK(c->max_frame >= 4096 && c->max_frame <= (64u << 20), "max_frame %u", c->max_frame);
	FZ_CHECK(c->backoff_min_ms >= 1 && c->backoff_min_ms <= c->backoff_max_ms, "backoff %u..%u",
		 c->backoff_min_ms, c->backoff_max_ms);
	FZ_CHECK(c->budget_attempts >= 1 && c->budget_attempts <= 150 && c->budget_window_s >= 1, "budget %u/%u",
		 c->budget_attempts, c->budget_window_s);
	FZ_CHECK(c->stale_after_ms >= 100, "stale_after %u", c->stale_after_ms);
	FZ_CHECK((c->mode & ~0777u) == 0 && (c->mode & 0600) == 0600, "mode %o", c->mode);
	FZ_CHECK(c->host[0] && memchr(c->host, 0, sizeof c->host) && c->port >= 1 && c->port <= 65535, "host '%s' port %d",
		 c->host, c->port);
	FZ_CHECK(c->path[0] == '/', "path '%s'", c->path);
	FZ_CHECK(!c->insecure || (c->tls && pub_host_is_loopback(c->host)), "--insecure for %s (tls %d)", c->host,
		 c->tls);
	FZ_CHECK(c->log_level >= PUB_LOG_ERROR && c->log_level <= PUB_LOG_DEBUG, "log level %d", c->log_level);
	FZ_CHECK(memchr(c->url, 0, sizeof c->url) && memchr(c->record_path, 0, sizeof c->record_path) &&
		 memchr(c->ca_file, 0, sizeof c->ca_file), "unterminated path");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!g_null)
		g_null = fopen("/dev/null", "w");
	if (size > 65536)
		return 0;
	/* argv from NUL-separated pieces; a terminating NUL is added. */
	char *buf = malloc(size + 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[66];
	int argc = 0;
	argv[argc++] = "mdbus-publisher";
	for (size_t i = 0; i <= size && argc < 65;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;

	static struct pub_config c;
	char err[256];
	memset(err, 'X', sizeof err);
	int rc = pub_config_parse(&c, argc, argv, err, sizeof err, size & 1 ? NULL : g_null);
	FZ_CHECK(rc == PUB_CONFIG_OK || rc == PUB_CONFIG_EXIT || rc == PUB_CONFIG_USAGE, "result %d", rc);
	FZ_CHECK(memchr(err, 0, sizeof err) != NULL, "err not terminated");
	if (rc == PUB_CONFIG_USAGE) {
		/* One line — unless the offending argument itself holds a newline, which
		 * the message quotes. */
		int nl_in_args = memchr(data, '\n', size) != NULL;
		FZ_CHECK(err[0] != '\0' && (nl_in_args || strchr(err, '\n') == NULL),
			 "refusal without one line of text: '%s'", err);
	}
	if (rc == PUB_CONFIG_OK)
		check_accepted(&c);
	free(buf);
	return 0;
}
