/*
 * mode_compare.c — ZeroMQ and iceoryx against mdbus, same payload, same pattern,
 * same repetition (see tp_zmq.c and tp_iceoryx.c for how each is driven).
 *
 * Per repetition and comparator (<p> = zmq or iox):
 *   <p>.thr.n1 / <p>.thr.n8   unpaced, one and eight readers (spin-then-sleep wait for
 *                             mdbus, blocking receive or WaitSet for the peers)
 *   <p>.lat.default / .spin   paced at --matrix-rate, one reader, each wait style
 *   <p>.paced.spin            paced at --rate, one spinning reader
 *   <p>.pingpong              round trip, spinning readers
 *   ratio.<p>.*               mdbus advantage: throughput mdbus/peer, latency peer/mdbus
 * The mdbus side of each ratio is this repetition's ring measurement (run here if the
 * ring mode did not run).
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <math.h>
#include <string.h>

static int stream(const struct transport *tp, int n, int wait, uint64_t rate, const char *key)
{
	struct stream_cfg c = {
		.tp = tp, .slot_size = 64, .slot_count = g_opt.slots, .nreaders = n,
		.wait = wait, .rate = rate, .seconds = g_opt.seconds,
	};
	struct stream_out o;
	int rc = stream_run(&c, &o);
	stream_metrics(key, &o, rate != 0);
	if (rc < 0)
		fprintf(stderr, BENCH_PROG ": %s: %s\n", key, o.err);
	else if (g_opt.verbose)
		fprintf(stderr, "  %-28s written %.2f M/s, slowest reader %.2f M/s, lost %llu, p50 %.0f ns\n", key,
			o.write_rps / 1e6, o.read_rps_min / 1e6, (unsigned long long)o.lost, hist_quantile(&o.h, 0.5));
	stream_free(&o);
	return rc;
}

static void ratio(double num, double den, const char *fmt, const char *p)
{
	if (!isnan(num) && !isnan(den) && den > 0)
		m_put(num / den, fmt, p);
}

int compare_run(const struct transport *tp, const char *p)
{
	char key[96];
	int fails = 0;

	snprintf(key, sizeof key, "%s.thr.n1", p);
	fails += stream(tp, 1, WAIT_DEFAULT, 0, key) < 0;
	snprintf(key, sizeof key, "%s.thr.n8", p);
	fails += stream(tp, 8, WAIT_DEFAULT, 0, key) < 0;
	/* Sustained: the highest rate one reader (each at its best wait) gets without loss. */
	static const double peer_rates[] = { 0.25e6, 0.5e6, 1e6, 1.5e6, 2e6, 3e6, 4e6, 5e6, 7.5e6, 10e6, 15e6, 20e6, 0 };
	snprintf(key, sizeof key, "%s.ramp", p);
	fails += sustained_ramp(tp, 64, g_opt.thr_slots, strcmp(p, "zmq") == 0 ? WAIT_DEFAULT : WAIT_SPIN, peer_rates, key) < 0;
	snprintf(key, sizeof key, "%s.lat.default", p);
	fails += stream(tp, 1, WAIT_DEFAULT, g_opt.matrix_rate, key) < 0;
	snprintf(key, sizeof key, "%s.lat.spin", p);
	fails += stream(tp, 1, WAIT_SPIN, g_opt.matrix_rate, key) < 0;
	snprintf(key, sizeof key, "%s.paced.spin", p);
	fails += stream(tp, 1, WAIT_SPIN, g_opt.rate, key) < 0;

	struct pingpong_out o;
	snprintf(key, sizeof key, "%s.pingpong", p);
	m_put(floor_rtt_now(), "%s.floor_p50_ns", key);
	if (pingpong_run(tp, 64, WAIT_SPIN, g_opt.pp_rounds, &o) == 0) {
		struct reader_res r;
		memset(&r, 0, sizeof r);
		r.read = o.rounds;
		r.corrupt = o.corrupt;
		check_add(key, o.rounds, 1, &r);
		m_put(hist_quantile(&o.h, 0.5), "%s.p50_ns", key);
		m_put(hist_quantile(&o.h, 0.99), "%s.p99_ns", key);
		m_put(hist_quantile(&o.h, 0.999), "%s.p999_ns", key);
		m_put((double)o.h.max_ns, "%s.max_ns", key);
		m_put(o.mean_ns, "%s.mean_ns", key);
	} else {
		fprintf(stderr, BENCH_PROG ": %s: %s\n", key, o.err);
		check_note_failure(key, o.err);
		fails++;
	}

	/* The mdbus counterparts of this repetition. */
	fails += ring_run_counterpart("thr.default.n1") < 0;
	fails += ring_run_counterpart("thr.default.n8") < 0;
	fails += ring_run_counterpart("lat.default.n1") < 0;
	fails += ring_run_counterpart("lat.spin.n1") < 0;
	fails += ring_run_counterpart("paced.64.spin") < 0;
	fails += ring_run_counterpart("pingpong") < 0;
	fails += ring_run_counterpart("ramp.64") < 0;

	ratio(m_cur("ring.thr.default.n1.read_rps_min"), m_cur("%s.thr.n1.read_rps_min", p), "ratio.%s.thr_read", p);
	ratio(m_cur("ring.ramp.64.max_rps"), m_cur("%s.ramp.max_rps", p), "ratio.%s.sustained", p);
	ratio(m_cur("ring.thr.default.n1.write_rps"), m_cur("%s.thr.n1.write_rps", p), "ratio.%s.thr_write", p);
	ratio(m_cur("ring.thr.default.n8.read_rps_min"), m_cur("%s.thr.n8.read_rps_min", p), "ratio.%s.thr8_read", p);
	ratio(m_cur("%s.lat.default.p50_ns", p), m_cur("ring.lat.default.n1.p50_ns"), "ratio.%s.lat_default_p50", p);
	ratio(m_cur("%s.lat.default.p99_ns", p), m_cur("ring.lat.default.n1.p99_ns"), "ratio.%s.lat_default_p99", p);
	ratio(m_cur("%s.lat.spin.p50_ns", p), m_cur("ring.lat.spin.n1.p50_ns"), "ratio.%s.lat_spin_p50", p);
	ratio(m_cur("%s.lat.spin.p99_ns", p), m_cur("ring.lat.spin.n1.p99_ns"), "ratio.%s.lat_spin_p99", p);
	ratio(m_cur("%s.paced.spin.p50_ns", p), m_cur("ring.paced.64.spin.p50_ns"), "ratio.%s.paced_p50", p);
	ratio(m_cur("%s.paced.spin.p99_ns", p), m_cur("ring.paced.64.spin.p99_ns"), "ratio.%s.paced_p99", p);
	ratio(m_cur("%s.pingpong.p50_ns", p), m_cur("ring.pingpong.p50_ns"), "ratio.%s.pingpong_p50", p);
	ratio(m_cur("%s.pingpong.p99_ns", p), m_cur("ring.pingpong.p99_ns"), "ratio.%s.pingpong_p99", p);
	ratio(m_cur("%s.thr.n8.write_rps", p), m_cur("%s.thr.n1.write_rps", p), "%s.ratio.w8v1", p);
	/* Each side at its best wait style (ZeroMQ's busy-polling receiver starves its own
	 * I/O thread on two CPUs; iceoryx polls best): best p50 against best p50. */
	double pb = fmin(m_cur("%s.lat.default.p50_ns", p), m_cur("%s.lat.spin.p50_ns", p));
	double mb = fmin(m_cur("ring.lat.default.n1.p50_ns"), m_cur("ring.lat.spin.n1.p50_ns"));
	ratio(pb, mb, "ratio.%s.lat_best_p50", p);
	pb = fmin(m_cur("%s.lat.default.p99_ns", p), m_cur("%s.lat.spin.p99_ns", p));
	mb = fmin(m_cur("ring.lat.default.n1.p99_ns"), m_cur("ring.lat.spin.n1.p99_ns"));
	ratio(pb, mb, "ratio.%s.lat_best_p99", p);
	return fails ? -1 : 0;
}

static void row3(FILE *o, const char *label, const char *km, const char *kp, const char *kr, int rate)
{
	char a[64], b[64], c[64];
	if (rate)
		fprintf(o, "   %-40s %-24s %-24s %s\n", label, fmt_rate(a, sizeof a, km), fmt_rate(b, sizeof b, kp),
			fmt_ratio(c, sizeof c, kr));
	else
		fprintf(o, "   %-40s %-24s %-24s %s\n", label, fmt_ns(a, sizeof a, km), fmt_ns(b, sizeof b, kp),
			fmt_ratio(c, sizeof c, kr));
}

void compare_report(FILE *o, const char *p, const char *title)
{
	char kp[96], kr[96], a[64];
	fprintf(o, "\n== %s: the same 20-byte payload, 64 B-slot mdbus runs of the same repetitions (median [min..max])\n",
		title);
	const char *mode = strcmp(p, "zmq") == 0 ? "zmq" : "iceoryx";
	if (m_skipped(mode)) {
		fprintf(o, "   skipped: %s\n", m_skipped(mode));
		return;
	}
	fprintf(o, "   floor of this run: cache-line round trip p50 %s; queue depth %u (ramps: %u; iceoryx: its fixed 256)\n",
		fmt_ns(a, sizeof a, "floor.rtt.p50_ns"), g_opt.slots, g_opt.thr_slots);
	fprintf(o, "   %-40s %-24s %-24s %s\n", "measure", "mdbus", title, "mdbus advantage");
#define ROW(label, mkey, psuffix, rsuffix, rate)                         \
	do {                                                             \
		snprintf(kp, sizeof kp, "%s." psuffix, p);               \
		snprintf(kr, sizeof kr, "ratio.%s." rsuffix, p);         \
		row3(o, label, mkey, kp, kr, rate);                      \
	} while (0)
	ROW("highest rate with 0 lost, 1 reader", "ring.ramp.64.max_rps", "ramp.max_rps", "sustained", 1);
	ROW("delivered/s, 1 reader (unpaced)", "ring.thr.default.n1.read_rps_min", "thr.n1.read_rps_min", "thr_read", 1);
	ROW("written/s, 1 reader", "ring.thr.default.n1.write_rps", "thr.n1.write_rps", "thr_write", 1);
	ROW("delivered/s, slowest of 8 readers", "ring.thr.default.n8.read_rps_min", "thr.n8.read_rps_min", "thr8_read", 1);
	ROW("one-way p50, blocking wait, paced", "ring.lat.default.n1.p50_ns", "lat.default.p50_ns", "lat_default_p50", 0);
	ROW("one-way p99, blocking wait, paced", "ring.lat.default.n1.p99_ns", "lat.default.p99_ns", "lat_default_p99", 0);
	ROW("one-way p50, spinning reader, paced", "ring.lat.spin.n1.p50_ns", "lat.spin.p50_ns", "lat_spin_p50", 0);
	ROW("one-way p99, spinning reader, paced", "ring.lat.spin.n1.p99_ns", "lat.spin.p99_ns", "lat_spin_p99", 0);
	ROW("one-way p50 at headline rate, spin", "ring.paced.64.spin.p50_ns", "paced.spin.p50_ns", "paced_p50", 0);
	ROW("one-way p99 at headline rate, spin", "ring.paced.64.spin.p99_ns", "paced.spin.p99_ns", "paced_p99", 0);
	ROW("one-way p50, each at its best wait, paced", "ring.lat.spin.n1.p50_ns", "lat.spin.p50_ns", "lat_best_p50", 0);
	ROW("ping-pong round trip p50", "ring.pingpong.p50_ns", "pingpong.p50_ns", "pingpong_p50", 0);
	ROW("ping-pong round trip p99", "ring.pingpong.p99_ns", "pingpong.p99_ns", "pingpong_p99", 0);
#undef ROW
	char b[64];
	snprintf(kp, sizeof kp, "%s.ratio.w8v1", p);
	fprintf(o, "   %-40s %-24s %s\n", "writer rate, 8 readers / 1 reader", fmt_ratio(a, sizeof a, "ring.ratio.w8v1.default"),
		fmt_ratio(b, sizeof b, kp));
	snprintf(kp, sizeof kp, "%s.thr.n1.lost", p);
	snprintf(kr, sizeof kr, "%s.paced.spin.late", p);
	fprintf(o, "   paced at %.0f k/s (latency rows) and %.2f M/s (headline rows); 'lost' of the unpaced peer run: %s\n",
		(double)g_opt.matrix_rate / 1e3, (double)g_opt.rate / 1e6, fmt_num(a, sizeof a, kp, "", 1, 0));
}

#ifdef MDBUS_BENCH_HAVE_ZMQ
int mode_zmq(void)
{
	return compare_run(&tp_zmq, "zmq");
}
#else
int mode_zmq(void)
{
	m_skip("zmq", "built without ZeroMQ (libzmq3-dev / pkg-config libzmq not found at configure time)");
	return 0;
}
#endif

void report_zmq(FILE *o)
{
	compare_report(o, "zmq", "ZeroMQ PUB/SUB ipc://");
}

#ifdef MDBUS_BENCH_HAVE_ICEORYX
static int g_roudi_failed;

int mode_iceoryx(void)
{
	if (g_roudi_failed)
		return 0;
	char why[256];
	if (iox_roudi_start(why, sizeof why) < 0) {
		g_roudi_failed = 1;
		m_skip("iceoryx", "%s", why);
		return 0;
	}
	int rc = compare_run(&tp_iox, "iox");
	/* RouDi runs for the whole benchmark (iceoryx_cleanup stops it): restarting it
	 * per repetition would cost seconds and measure nothing. */
	return rc;
}

void iceoryx_cleanup(void)
{
	iox_roudi_stop();
}
#else
int mode_iceoryx(void)
{
	m_skip("iceoryx", "built without iceoryx (CMake package iceoryx_binding_c not found at configure time)");
	return 0;
}

void iceoryx_cleanup(void)
{
}
#endif

void report_iceoryx(FILE *o)
{
	compare_report(o, "iox", "iceoryx");
}
