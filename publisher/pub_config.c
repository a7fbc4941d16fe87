/*
 * pub_config.c — flags of mdbus-publisher.  See pub_config.h.
 *
 * Every value is checked here, before anything touches the network or /dev/shm:
 * a bad value is one line on stderr and exit code 2.
 */
#include "pub_config.h"

#include <mdbus/mdbus.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_URL "wss://ws.kraken.com/v2"

static const char usage_text[] =
"usage: mdbus-publisher --symbols SYM[,SYM...] [options]\n"
"\n"
"Holds the Kraken Spot WebSocket v2 feed and publishes it into the shared-memory\n"
"bus /dev/shm/mdbus.<feed>.\n"
"\n"
"  --symbols LIST         comma-separated pairs, e.g. BTC/USD,ETH/USD (required)\n"
"  --feed NAME            feed name [kraken]\n"
"  --url URL              exchange endpoint [" DEFAULT_URL "]; ws:// for tests\n"
"  --channels LIST        any of book,trade,ticker,ohlc [book,trade,ticker]\n"
"  --depth N              book depth: 10, 25, 100, 500 or 1000 [10]\n"
"  --ohlc-interval MIN    1, 5, 15, 30, 60, 240, 1440, 10080 or 21600 [1]\n"
"  --slots N              ring slots, a power of two >= 16 [65536]\n"
"  --stale-after SEC      reconnect when no frame arrived for SEC seconds [10]\n"
"  --record FILE          append every received frame, one per line:\n"
"                         <receive time ns><TAB><frame>\n"
"  --log-level LEVEL      error, warn, info or debug [info]\n"
"  --ca-file FILE         trust this CA (PEM) in addition to the system store\n"
"  --insecure             do not verify the server certificate (loopback only)\n"
"  --max-frame BYTES      largest message reassembled [4194304]\n"
"  --backoff-min MS       first reconnect delay [500]\n"
"  --backoff-max MS       reconnect delay cap [30000]\n"
"  --healthy-after MS     connected this long resets the backoff [30000]\n"
"  --attempt-budget N     at most N connection attempts per window [150]\n"
"  --attempt-window SEC   the window of the attempt budget [600]\n"
"  --resync-cap N         book resubscriptions per symbol per connection [3]\n"
"  --subscribe-timeout MS subscriptions must be answered within MS [10000]\n"
"  --mode OCTAL           permissions of the segment [0640]\n"
"  --help, --version\n";

void pub_config_defaults(struct pub_config *c)
{
	memset(c, 0, sizeof *c);
	strcpy(c->feed, "kraken");
	strcpy(c->url, DEFAULT_URL);
	c->channels = PUB_CH_BOOK | PUB_CH_TRADE | PUB_CH_TICKER;
	c->depth = 10;
	c->ohlc_interval = 1;
	c->slots = 65536;
	c->stale_after_ms = 10000;
	c->log_level = PUB_LOG_INFO;
	c->max_frame = 4u << 20;
	c->backoff_min_ms = 500;
	c->backoff_max_ms = 30000;
	c->healthy_ms = 30000;
	c->budget_attempts = 150;
	c->budget_window_s = 600;
	c->resync_cap = 3;
	c->subscribe_timeout_ms = 10000;
	c->mode = 0640;
}

const char *pub_channel_name(unsigned ch)
{
	switch (ch) {
	case PUB_CH_BOOK: return "book";
	case PUB_CH_TRADE: return "trade";
	case PUB_CH_TICKER: return "ticker";
	case PUB_CH_OHLC: return "ohlc";
	default: return "?";
	}
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return PUB_CONFIG_USAGE;
}

/* Whole-string unsigned decimal in [lo, hi]. */
static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Seconds with up to 3 decimals ("2.5") into milliseconds. */
static int parse_seconds_ms(const char *s, uint32_t *ms)
{
	if (!s || !*s)
		return -1;
	uint64_t whole = 0, frac = 0;
	int nfrac = 0, digits = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 86400)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, nfrac++) {
			if (nfrac >= 3)
				return -1;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
	}
	if (*p || (digits == 0 && nfrac == 0))
		return -1;
	while (nfrac++ < 3)
		frac *= 10;
	uint64_t v = whole * 1000 + frac;
	if (v < 100)
		return -1; /* a watchdog under 100 ms would fight the event loop */
	*ms = (uint32_t)v;
	return 0;
}

int pub_host_is_loopback(const char *host)
{
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0)
		return 1;
	unsigned a, b, c, d;
	char tail;
	if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4)
		return a == 127 && b < 256 && c < 256 && d < 256;
	return 0;
}

int pub_url_parse(const char *url, int *tls, char *host, size_t hostlen, int *port,
		  char *path, size_t pathlen)
{
	const char *p;
	if (strncmp(url, "wss://", 6) == 0) {
		*tls = 1;
		p = url + 6;
	} else if (strncmp(url, "ws://", 5) == 0) {
		*tls = 0;
		p = url + 5;
	} else {
		return -1;
	}
	const char *slash = strchr(p, '/');
	size_t hp_len = slash ? (size_t)(slash - p) : strlen(p);
	if (hp_len == 0 || hp_len >= hostlen)
		return -1;
	char hp[256];
	memcpy(hp, p, hp_len);
	hp[hp_len] = '\0';
	*port = *tls ? 443 : 80;
	char *colon = NULL;
	if (hp[0] == '[') {
		char *rb = strchr(hp, ']');
		if (!rb)
			return -1;
		if (rb[1] == ':')
			colon = rb + 1;
		else if (rb[1])
			return -1;
	} else {
		colon = strchr(hp, ':');
	}
	if (colon) {
		uint32_t v;
		if (parse_u32(colon + 1, 1, 65535, &v) < 0)
			return -1;
		*port = (int)v;
		*colon = '\0';
	}
	if (!hp[0])
		return -1;
	for (const char *q = hp; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
		      *q == '.' || *q == '-' || *q == ':' || *q == '[' || *q == ']'))
			return -1;
	snprintf(host, hostlen, "%s", hp);
	const char *pa = slash ? slash : "/";
	if (strlen(pa) >= pathlen)
		return -1;
	for (const char *q = pa; *q; q++)
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f)
			return -1;
	snprintf(path, pathlen, "%s", pa);
	return 0;
}

static int symbol_valid(const char *s, size_t n)
{
	if (n == 0 || n >= MDBUS_SYMBOL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int parse_symbols(struct pub_config *c, const char *v, char *err, size_t errlen)
{
	c->nsymbols = 0;
	const char *p = v;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (!symbol_valid(p, n))
			return fail(err, errlen, "--symbols: bad symbol '%.*s' (want e.g. BTC/USD)", (int)(n > 60 ? 60 : n), p);
		if (c->nsymbols == PUB_MAX_SYMBOLS)
			return fail(err, errlen, "--symbols: more than %d symbols", PUB_MAX_SYMBOLS);
		for (int i = 0; i < c->nsymbols; i++)
			if (strlen(c->symbols[i]) == n && memcmp(c->symbols[i], p, n) == 0)
				return fail(err, errlen, "--symbols: '%.*s' given twice", (int)n, p);
		memcpy(c->symbols[c->nsymbols], p, n);
		c->symbols[c->nsymbols][n] = '\0';
		c->nsymbols++;
		if (!comma)
			return PUB_CONFIG_OK;
		p = comma + 1;
	}
}

static int parse_channels(struct pub_config *c, const char *v, char *err, size_t errlen)
{
	c->channels = 0;
	const char *p = v;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		unsigned ch = 0;
		static const unsigned all[] = { PUB_CH_BOOK, PUB_CH_TRADE, PUB_CH_TICKER, PUB_CH_OHLC };
		for (size_t i = 0; i < 4; i++)
			if (strlen(pub_channel_name(all[i])) == n && memcmp(pub_channel_name(all[i]), p, n) == 0)
				ch = all[i];
		if (!ch)
			return fail(err, errlen, "--channels: unknown channel '%.*s' (book, trade, ticker, ohlc)",
				    (int)(n > 40 ? 40 : n), p);
		c->channels |= ch;
		if (!comma)
			return PUB_CONFIG_OK;
		p = comma + 1;
	}
}

int pub_config_parse(struct pub_config *c, int argc, char *const argv[], char *err, size_t errlen,
		     void *out)
{
	FILE *o = out;
	pub_config_defaults(c);
	err[0] = '\0';
	int have_symbols = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!a)
			return fail(err, errlen, "missing argument");
		char name[40];
		const char *val = NULL;
		const char *eq = strchr(a, '=');
		if (strncmp(a, "--", 2) != 0)
			return fail(err, errlen, "unexpected argument '%.60s' (see --help)", a);
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		if (nlen >= sizeof name)
			return fail(err, errlen, "unknown option '%.40s' (see --help)", a);
		memcpy(name, a, nlen);
		name[nlen] = '\0';
		if (strcmp(name, "--help") == 0 || strcmp(name, "--version") == 0) {
			if (eq)
				return fail(err, errlen, "%s takes no value", name);
			if (o)
				fputs(name[2] == 'h' ? usage_text : "mdbus-publisher " MDBUS_VERSION_STRING "\n", o);
			return PUB_CONFIG_EXIT;
		}
		if (strcmp(name, "--insecure") == 0) {
			if (eq)
				return fail(err, errlen, "--insecure takes no value");
			c->insecure = 1;
			continue;
		}
		static const char *const with_value[] = {
			"--symbols", "--feed", "--url", "--channels", "--depth", "--ohlc-interval", "--slots",
			"--stale-after", "--record", "--log-level", "--ca-file", "--max-frame", "--backoff-min",
			"--backoff-max", "--healthy-after", "--attempt-budget", "--attempt-window",
			"--resync-cap", "--subscribe-timeout", "--mode",
		};
		int known = 0;
		for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
			known |= strcmp(name, with_value[k]) == 0;
		if (!known)
			return fail(err, errlen, "unknown option '%s' (see --help)", name);
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc || !argv[i + 1])
				return fail(err, errlen, "%s needs a value", name);
			val = argv[++i];
		}
		uint32_t u;
		int rc = PUB_CONFIG_OK;
		if (strcmp(name, "--symbols") == 0) {
			rc = parse_symbols(c, val, err, errlen);
			have_symbols = 1;
		} else if (strcmp(name, "--feed") == 0) {
			if (!mdbus_feed_name_valid(val))
				return fail(err, errlen, "--feed: invalid name '%.70s' (want [A-Za-z0-9_.-]{1,64})", val);
			snprintf(c->feed, sizeof c->feed, "%s", val);
		} else if (strcmp(name, "--url") == 0) {
			if (strlen(val) >= sizeof c->url ||
			    pub_url_parse(val, &c->tls, c->host, sizeof c->host, &c->port, c->path, sizeof c->path) < 0)
				return fail(err, errlen, "--url: want ws://HOST[:PORT]/PATH or wss://..., got '%.80s'", val);
			snprintf(c->url, sizeof c->url, "%s", val);
		} else if (strcmp(name, "--channels") == 0) {
			rc = parse_channels(c, val, err, errlen);
		} else if (strcmp(name, "--depth") == 0) {
			if (parse_u32(val, 10, 1000, &u) < 0 || (u != 10 && u != 25 && u != 100 && u != 500 && u != 1000))
				return fail(err, errlen, "--depth: want 10, 25, 100, 500 or 1000, got '%.40s'", val);
			c->depth = (int)u;
		} else if (strcmp(name, "--ohlc-interval") == 0) {
			static const uint32_t ok[] = { 1, 5, 15, 30, 60, 240, 1440, 10080, 21600 };
			int good = parse_u32(val, 1, 21600, &u) == 0;
			int listed = 0;
			for (size_t k = 0; good && k < sizeof ok / sizeof *ok; k++)
				listed |= ok[k] == u;
			if (!listed)
				return fail(err, errlen, "--ohlc-interval: want 1, 5, 15, 30, 60, 240, 1440, 10080 or 21600, got '%.40s'", val);
			c->ohlc_interval = (int)u;
		} else if (strcmp(name, "--slots") == 0) {
			if (parse_u32(val, MDBUS_SLOT_COUNT_MIN, MDBUS_SLOT_COUNT_MAX, &u) < 0 || (u & (u - 1)))
				return fail(err, errlen, "--slots: want a power of two between %u and %u, got '%.40s'",
					    MDBUS_SLOT_COUNT_MIN, MDBUS_SLOT_COUNT_MAX, val);
			c->slots = u;
		} else if (strcmp(name, "--stale-after") == 0) {
			if (parse_seconds_ms(val, &c->stale_after_ms) < 0)
				return fail(err, errlen, "--stale-after: want seconds between 0.1 and 86400, got '%.40s'", val);
		} else if (strcmp(name, "--record") == 0) {
			if (!*val || strlen(val) >= sizeof c->record_path)
				return fail(err, errlen, "--record: want a file path");
			snprintf(c->record_path, sizeof c->record_path, "%s", val);
		} else if (strcmp(name, "--log-level") == 0) {
			static const char *const lv[] = { "error", "warn", "info", "debug" };
			int found = -1;
			for (int k = 0; k < 4; k++)
				if (strcmp(val, lv[k]) == 0)
					found = k;
			if (found < 0)
				return fail(err, errlen, "--log-level: want error, warn, info or debug, got '%.40s'", val);
			c->log_level = found;
		} else if (strcmp(name, "--ca-file") == 0) {
			if (!*val || strlen(val) >= sizeof c->ca_file)
				return fail(err, errlen, "--ca-file: want a file path");
			snprintf(c->ca_file, sizeof c->ca_file, "%s", val);
		} else if (strcmp(name, "--max-frame") == 0) {
			if (parse_u32(val, 4096, 64u << 20, &c->max_frame) < 0)
				return fail(err, errlen, "--max-frame: want bytes between 4096 and 67108864, got '%.40s'", val);
		} else if (strcmp(name, "--backoff-min") == 0) {
			if (parse_u32(val, 1, 600000, &c->backoff_min_ms) < 0)
				return fail(err, errlen, "--backoff-min: want 1..600000 ms, got '%.40s'", val);
		} else if (strcmp(name, "--backoff-max") == 0) {
			if (parse_u32(val, 1, 3600000, &c->backoff_max_ms) < 0)
				return fail(err, errlen, "--backoff-max: want 1..3600000 ms, got '%.40s'", val);
		} else if (strcmp(name, "--healthy-after") == 0) {
			if (parse_u32(val, 1, 3600000, &c->healthy_ms) < 0)
				return fail(err, errlen, "--healthy-after: want 1..3600000 ms, got '%.40s'", val);
		} else if (strcmp(name, "--attempt-budget") == 0) {
			if (parse_u32(val, 1, 150, &c->budget_attempts) < 0)
				return fail(err, errlen, "--attempt-budget: want 1..150 (the exchange bans above ~150 per 10 minutes), got '%.40s'", val);
		} else if (strcmp(name, "--attempt-window") == 0) {
			if (parse_u32(val, 1, 86400, &c->budget_window_s) < 0)
				return fail(err, errlen, "--attempt-window: want 1..86400 s, got '%.40s'", val);
		} else if (strcmp(name, "--resync-cap") == 0) {
			if (parse_u32(val, 0, 100, &c->resync_cap) < 0)
				return fail(err, errlen, "--resync-cap: want 0..100, got '%.40s'", val);
		} else if (strcmp(name, "--subscribe-timeout") == 0) {
			if (parse_u32(val, 100, 600000, &c->subscribe_timeout_ms) < 0)
				return fail(err, errlen, "--subscribe-timeout: want 100..600000 ms, got '%.40s'", val);
		} else if (strcmp(name, "--mode") == 0) {
			char *end;
			errno = 0;
			unsigned long m = strtoul(val, &end, 8);
			if (errno || !*val || *end || m > 0777 || (m & 0600) != 0600)
				return fail(err, errlen, "--mode: want octal permissions with owner rw (e.g. 0640), got '%.40s'", val);
			c->mode = (uint32_t)m;
		}
		if (rc != PUB_CONFIG_OK)
			return rc;
	}
	if (!have_symbols)
		return fail(err, errlen, "--symbols is required (e.g. --symbols BTC/USD,ETH/USD)");
	if (c->channels == 0)
		return fail(err, errlen, "--channels: at least one channel");
	if (c->backoff_min_ms > c->backoff_max_ms)
		return fail(err, errlen, "--backoff-min (%u) is above --backoff-max (%u)", c->backoff_min_ms, c->backoff_max_ms);
	if (!c->host[0] &&
	    pub_url_parse(c->url, &c->tls, c->host, sizeof c->host, &c->port, c->path, sizeof c->path) < 0)
		return fail(err, errlen, "--url: cannot parse '%s'", c->url);
	if (c->insecure && !pub_host_is_loopback(c->host))
		return fail(err, errlen, "--insecure is only allowed for loopback hosts (got '%s'): it disables TLS verification", c->host);
	if (c->insecure && !c->tls)
		return fail(err, errlen, "--insecure only makes sense with wss://");
	return PUB_CONFIG_OK;
}
