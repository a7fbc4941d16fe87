/*
 * main.c — mdbus-mock-exchange: a local stand-in for Kraken Spot WebSocket v2.
 *
 * Start-up order is part of the contract with tests: flags are checked, the replay file
 * is loaded, the certificate is made and written to --cert-out, the listener is bound,
 * and only then is the port printed — alone, on the first line of stdout, flushed. So a
 * test that has read the port can connect at once and the --cert-out file is complete.
 * Everything else goes to stderr.
 *
 * SIGTERM/SIGINT set a flag and wake the lws loop (the handler does nothing else); the
 * loop then closes every connection, prints the stats line and exits 0. The process is
 * single-threaded.
 */
#include "log.h"
#include "options.h"
#include "replay.h"
#include "server.h"
#include "stats.h"
#include "tls_cert.h"
#include "world.h"

#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t g_stop;
static struct mx_server *volatile g_srv; /* set before the handlers are installed */

static void on_signal(int sig)
{
	struct mx_server *srv = g_srv;

	(void)sig;
	g_stop = 1;
	if (srv)
		mx_server_wake(srv);
}

static void lws_log_emit(int level, const char *line)
{
	(void)level;
	fprintf(stderr, "mdbus-mock-exchange: lws: %s", line);
}

/*
 * lws is kept quiet below our "info": its notices are start-up chatter. LLL_INFO is never
 * enabled, which also keeps lws_cancel_service() (it logs at info) safe in the handler.
 */
static int lws_levels_for(int level)
{
	switch (level) {
	case MX_LOG_ERROR: return LLL_ERR;
	case MX_LOG_WARN:
	case MX_LOG_NOTICE: return LLL_ERR | LLL_WARN;
	default: return LLL_ERR | LLL_WARN | LLL_NOTICE;
	}
}

static int setup_symbols(struct mx_world *w, const struct mx_opts *o)
{
	char err[256];

	if (o->replay) {
		if (mx_replay_load(&w->replay, o->replay, &w->symtab, err, sizeof(err))) {
			fprintf(stderr, "mdbus-mock-exchange: %s\n", err);
			return -1;
		}
		if (!o->symbols_given)
			return 0;
	}
	if (mx_symtab_add_list(&w->symtab, o->symbols, err, sizeof(err))) {
		fprintf(stderr, "mdbus-mock-exchange: --symbols: %s\n", err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mx_opts o;
	struct mx_world w;
	struct mx_tls_files tls;
	struct sigaction sa;
	struct mx_server *srv = NULL;
	const char *cert = NULL, *key = NULL;
	char err[512], line[1024];
	int rc = 1;

	switch (mx_opts_parse(&o, argc, argv)) {
	case MX_OPTS_EXIT_OK:
		return 0;
	case MX_OPTS_EXIT_USAGE:
		return 2;
	default:
		break;
	}
	mx_log_threshold = o.log_level;
	lws_set_log_level(lws_levels_for(o.log_level), lws_log_emit);
	signal(SIGPIPE, SIG_IGN);
	memset(&w, 0, sizeof(w));
	memset(&tls, 0, sizeof(tls));
	w.opts = &o;

	if (setup_symbols(&w, &o))
		goto err_world;
	if (!w.symtab.count)
		mx_warn("no symbol is served: every subscribe will be rejected");

	if (o.tls) {
		if (o.cert_file) {
			cert = o.cert_file;
			key = o.key_file;
		} else {
			if (mx_tls_generate(&tls, err, sizeof(err))) {
				fprintf(stderr, "mdbus-mock-exchange: %s\n", err);
				goto err_world;
			}
			cert = tls.cert;
			key = tls.key;
		}
		if (o.cert_out && mx_tls_copy_cert(cert, o.cert_out, err, sizeof(err))) {
			fprintf(stderr, "mdbus-mock-exchange: %s\n", err);
			goto err_tls;
		}
	}

	if (mx_server_start(&srv, &w, cert, key, err, sizeof(err))) {
		fprintf(stderr, "mdbus-mock-exchange: %s\n", err);
		goto err_tls;
	}
	g_srv = srv;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	printf("%d\n", mx_server_port(srv));
	fflush(stdout);
	mx_notice("listening on %s://127.0.0.1:%d/v2 (%s, %d symbol(s), rate %llu/s)",
		  o.tls ? "wss" : "ws", mx_server_port(srv),
		  o.replay ? "replay" : "synthetic", w.symtab.count, (unsigned long long)o.rate);

	rc = 0;
	while (!g_stop && !mx_server_finished(srv)) {
		if (mx_server_service(srv) < 0) {
			mx_err("libwebsockets service loop failed");
			rc = 1;
			break;
		}
	}
	if (g_stop)
		mx_notice("signal received, shutting down");
	g_srv = NULL; /* before the free: a late signal must not touch it */
	mx_server_destroy(srv);

	mx_stats_format(line, sizeof(line));
	fprintf(stderr, "%s\n", line);
	if (o.stats_file && mx_stats_write_file(o.stats_file))
		mx_warn("cannot write --stats-file %s", o.stats_file);
err_tls:
	mx_tls_cleanup(&tls);
err_world:
	mx_replay_free(w.replay);
	return rc;
}
