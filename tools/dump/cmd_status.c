/*
 * cmd_status.c — `status`: header, geometry, cursor, generation and what it means,
 * publisher liveness, every statistic; and `status --watch SEC`, the same view redrawn
 * like top(1) until SIGINT/SIGTERM.
 *
 * Liveness comes from mdbus_sub_status (running + pid exists + heartbeat fresh); when
 * that says "not alive" the dump tells a stale publisher (its pid still exists) from a
 * dead one (it does not) and from one that stopped cleanly.
 */
#include "dump.h"

#include <errno.h>
#include <string.h>
#include <time.h>

const char *pub_state_name(enum pub_state p)
{
	switch (p) {
	case PUB_ALIVE:   return "alive";
	case PUB_STALE:   return "stale";
	case PUB_STOPPED: return "stopped";
	case PUB_DEAD:    return "dead";
	}
	return "dead";
}

void status_counters(const struct status_view *v, struct counter out[DUMP_N_COUNTERS])
{
	const struct mdbus_stats *x = &v->info.stats;
	const struct counter c[DUMP_N_COUNTERS] = {
		{ "records", "records ever written on this feed (write_seq)", v->st.write_seq },
		{ "frames", "WebSocket messages received", x->frames },
		{ "bytes", "payload bytes received", x->bytes },
		{ "parse_errors", "malformed JSON or ill-typed fields", x->parse_errors },
		{ "checksum_ok", "book messages whose checksum matched", x->checksum_ok },
		{ "checksum_failed", "book messages whose checksum did not match", x->checksum_failed },
		{ "resyncs", "book resubscriptions after a mismatch", x->resyncs },
		{ "reconnects", "connection attempts after the first", x->reconnects },
		{ "drops", "frames dropped (oversized, unknown symbol)", x->drops },
		{ "nonjson", "frames that were not JSON", x->nonjson },
		{ "unknown_channel", "frames for channels not handled", x->unknown_channel },
		{ "oversized", "frames over the reassembly bound", x->oversized },
		{ "rejected_subs", "subscriptions the exchange refused", x->rejected_subs },
		{ "heartbeats", "exchange heartbeat frames", x->heartbeats },
		{ "watchdog", "reconnects forced by the stale watchdog", x->watchdog },
		{ "handshake_fail", "connection attempts that failed", x->handshake_fail },
		{ "put_errors", "records refused by the writer", x->put_errors },
	};

	memcpy(out, c, sizeof c);
}

static enum pub_state pub_state_of(const struct mdbus_status *st)
{
	if (st->publisher_alive)
		return PUB_ALIVE;
	if (st->publisher_stopped)
		return PUB_STOPPED;
	if (st->publisher_pid != 0 &&
	    (kill((pid_t)st->publisher_pid, 0) == 0 || errno == EPERM))
		return PUB_STALE;
	return PUB_DEAD;
}

static void gen_meaning(char *buf, size_t n, uint64_t gen)
{
	char ord[32];

	if (gen == 0) {
		snprintf(buf, n, "never connected");
	} else if (gen & 1u) {
		fmt_ordinal(ord, sizeof ord, gen / 2 + 1);  /* (gen + 1) / 2 without overflow */
		snprintf(buf, n, "connected, %s connection", ord);
	} else {
		fmt_u64(ord, sizeof ord, gen / 2);
		snprintf(buf, n, "disconnected, after %s connection%s", ord, gen == 2 ? "" : "s");
	}
}

static int gather(mdbus_sub *s, const char *feed, struct status_view *v)
{
	int rc;

	memset(v, 0, sizeof *v);
	rc = mdbus_sub_info(s, &v->info);
	if (rc < 0)
		return rc;
	rc = mdbus_sub_status(s, &v->st);
	if (rc < 0)
		return rc;
	dump_clean(v->feed, sizeof v->feed, feed, sizeof v->feed);
	v->pub = pub_state_of(&v->st);
	gen_meaning(v->meaning, sizeof v->meaning, v->st.generation);
	return 0;
}

static int render(const struct dump_opts *o, const struct status_view *v)
{
	if (o->json)
		return json_status(stdout, v) == 0 ? 0 : -ENOMEM;
	text_status(stdout, v);
	return 0;
}

/* Per-second rate of a counter; a re-created segment restarts its counters at 0. */
static double rate(uint64_t now, uint64_t before, double dt)
{
	return now >= before ? (double)(now - before) / dt : 0.0;
}

/* Sleep `sec` seconds or until a stop signal. */
static void nap(double sec)
{
	struct timespec ts;
	int64_t until = now_mono_ns() + (int64_t)(sec * 1e9);
	int64_t left;

	while (!dump_stop && (left = until - now_mono_ns()) > 0) {
		ts.tv_sec = (time_t)(left / 1000000000);
		ts.tv_nsec = (long)(left % 1000000000);
		nanosleep(&ts, NULL);   /* EINTR on SIGINT: the loop re-checks dump_stop */
	}
}

int cmd_status(const struct dump_opts *o)
{
	struct status_view v, prev;
	int64_t t_prev = 0;
	int have_prev = 0;
	mdbus_sub *s;
	int rc;

	memset(&prev, 0, sizeof prev);
	s = dump_open_feed(o->feed, MDBUS_SUB_NO_REGISTRY);
	if (!s)
		return DUMP_EXIT_FEED;
	if (o->watch_sec > 0)
		dump_install_stop_handlers();
	for (;;) {
		int64_t t = now_mono_ns();

		rc = gather(s, o->feed, &v);
		if (rc < 0)
			break;
		if (have_prev && t > t_prev) {
			double dt = (double)(t - t_prev) / 1e9;

			v.have_rates = 1;
			v.records_per_s = rate(v.st.write_seq, prev.st.write_seq, dt);
			v.frames_per_s = rate(v.info.stats.frames, prev.info.stats.frames, dt);
		}
		if (o->watch_sec > 0 && !o->json)
			fputs("\033[H\033[2J", stdout);    /* home + clear: redraw like top */
		rc = render(o, &v);
		fflush(stdout);
		if (rc < 0 || o->watch_sec <= 0)
			break;
		prev = v;
		t_prev = t;
		have_prev = 1;
		nap(o->watch_sec);
		if (dump_stop)
			break;
	}
	mdbus_sub_close(s);
	if (rc < 0)
		return dump_fail(o->feed, "status", rc);
	return DUMP_EXIT_OK;
}
