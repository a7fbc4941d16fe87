/*
 * mdbus-publisher — holds the Kraken Spot WebSocket v2 feed and publishes it into
 * the shared-memory bus.  See --help and README.md.
 *
 * Exit codes: 0 after SIGTERM/SIGINT (generation left even, segment kept),
 * 1 on a runtime failure (feed held by another publisher, /dev/shm full, ...),
 * 2 on a bad command line.
 */
#include "pub_config.h"
#include "pub_log.h"
#include "pub_record.h"
#include "pub_session.h"
#include "pub_ws.h"

#include <mdbus/writer.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1; /* the service loop's 100 ms tick notices and cancels the wait */
}

int main(int argc, char **argv)
{
	static struct pub_config cfg;
	char err[256];
	int rc = pub_config_parse(&cfg, argc, argv, err, sizeof err, stdout);
	if (rc == PUB_CONFIG_EXIT)
		return 0;
	if (rc != PUB_CONFIG_OK) {
		fprintf(stderr, "mdbus-publisher: %s\n", err);
		return 2;
	}
	pub_log_set_level(cfg.log_level);
	if (cfg.insecure)
		LOGW("*** --insecure: the server certificate is NOT verified (allowed for loopback tests only) ***");

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Under a file size limit the kernel would kill us with SIGXFSZ while sizing the
	 * segment, leaving an empty object behind; ignored, the call fails with EFBIG
	 * and the writer reports MDBUS_E_NOSPACE and removes what it created. */
	signal(SIGXFSZ, SIG_IGN);

	struct mdbus_writer_opts o;
	memset(&o, 0, sizeof o);
	o.slot_count = cfg.slots;
	o.book_depth = (uint32_t)cfg.depth;
	o.symbol_capacity = 256;
	o.mode = cfg.mode;
	o.stale_after_ms = 3000; /* heartbeat every 100 ms: three seconds of silence is death */
	mdbus_writer *w;
	rc = mdbus_writer_open(&w, cfg.feed, &o);
	if (rc == MDBUS_E_LOCKED) {
		pid_t holder = 0;
		mdbus_writer_lock_holder(cfg.feed, &holder);
		fprintf(stderr, "mdbus-publisher: feed '%s' is already published by pid %ld; stop that publisher first\n",
			cfg.feed, (long)holder);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "mdbus-publisher: cannot open feed '%s': %s\n", cfg.feed, mdbus_strerror(rc));
		return 1;
	}
	LOGI("feed '%s' open: epoch %llu, cursor %llu, %d symbols, channels 0x%x, depth %d", cfg.feed,
	     (unsigned long long)mdbus_writer_epoch(w), (unsigned long long)mdbus_writer_cursor(w), cfg.nsymbols,
	     cfg.channels, cfg.depth);

	struct pub_record rec;
	struct pub_record *recp = NULL;
	if (cfg.record_path[0]) {
		rc = pub_record_open(&rec, cfg.record_path);
		if (rc < 0) {
			fprintf(stderr, "mdbus-publisher: --record %s: %s\n", cfg.record_path, strerror(-rc));
			mdbus_writer_close(w);
			return 1;
		}
		recp = &rec;
	}

	static struct pub_state st;
	rc = pub_session_init(&st, &cfg, w);
	if (rc < 0) {
		fprintf(stderr, "mdbus-publisher: setup failed: %s\n", mdbus_strerror(rc));
		mdbus_writer_close(w);
		return 1;
	}
	rc = pub_ws_run(&cfg, &st, recp, &g_stop);
	/* Generation to even before anything else: readers waiting on it learn at once
	 * that the feed is down, and the segment stays for them. */
	mdbus_writer_set_connected(w, 0);
	if (recp)
		pub_record_close(recp);
	pub_session_free(&st);
	mdbus_writer_close(w);
	LOGI("stopped");
	return rc < 0 ? 1 : 0;
}
