/*
 * pub_config.h — mdbus-publisher's command line (private).
 *
 * Parsing is a pure function of argv (no globals, no getopt state) so the fuzz
 * harness can drive it and every bad value gets one precise message.
 */
#ifndef PUB_CONFIG_H
#define PUB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <mdbus/layout.h>

#define PUB_MAX_SYMBOLS 256
#define PUB_URL_MAX     512

#define PUB_CH_BOOK   0x1u
#define PUB_CH_TRADE  0x2u
#define PUB_CH_TICKER 0x4u
#define PUB_CH_OHLC   0x8u

enum pub_log_level { PUB_LOG_ERROR, PUB_LOG_WARN, PUB_LOG_INFO, PUB_LOG_DEBUG };

struct pub_config {
	char feed[MDBUS_FEED_NAME_MAX + 1];
	char url[PUB_URL_MAX];
	int tls;                    /* wss:// */
	char host[256];
	int port;
	char path[256];
	char symbols[PUB_MAX_SYMBOLS][MDBUS_SYMBOL_NAME_MAX];
	int nsymbols;
	unsigned channels;          /* PUB_CH_* */
	int depth;                  /* 10, 25, 100, 500, 1000 */
	int ohlc_interval;          /* minutes */
	uint32_t slots;
	uint32_t stale_after_ms;    /* application watchdog */
	char record_path[1024];
	int log_level;
	char ca_file[1024];
	int insecure;
	uint32_t max_frame;         /* reassembly bound, bytes */
	uint32_t backoff_min_ms, backoff_max_ms;
	uint32_t healthy_ms;        /* connected this long resets the backoff */
	uint32_t budget_attempts, budget_window_s;
	uint32_t resync_cap;        /* book resyncs per symbol per connection */
	uint32_t subscribe_timeout_ms;
	uint32_t mode;              /* segment permission bits */
};

/* Outcomes of pub_config_parse. */
#define PUB_CONFIG_OK    0
#define PUB_CONFIG_EXIT  1    /* --help / --version printed: exit 0 */
#define PUB_CONFIG_USAGE 2    /* err holds one line: exit 2 */

void pub_config_defaults(struct pub_config *c);

/* Parse argv (argv[0] is the program).  Output of --help/--version goes to `out`
 * (may be NULL).  Returns PUB_CONFIG_*. */
int pub_config_parse(struct pub_config *c, int argc, char *const argv[], char *err, size_t errlen,
		     void *out /* FILE * */);

/* Split a ws:// or wss:// URL into tls/host/port/path.  Returns 0 or -1. */
int pub_url_parse(const char *url, int *tls, char *host, size_t hostlen, int *port,
		  char *path, size_t pathlen);

/* 1 if host names the loopback interface (127.0.0.0/8, ::1, localhost). */
int pub_host_is_loopback(const char *host);

const char *pub_channel_name(unsigned ch);

#endif
