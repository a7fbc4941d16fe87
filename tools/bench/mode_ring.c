/*
 * mode_ring.c — the bus itself: writer -> N reader processes through real feed
 * segments, in every wait mode, plus the headline paced latency, a ping-pong through
 * two feeds, the sleep-mode wake-up, and the same runs over the bare reference ring
 * (tp_ref.c) to show what the bus's features cost.
 *
 * Metric keys (one value per repetition; see bench.h):
 *   ring.thr.<wait>.n<N>.*    unpaced, 64-byte slots: write_rps, read_rps_min, lost
 *   ring.lat.<wait>.n<N>.*    paced at --matrix-rate: p50/p99/p999/max_ns, lost, late
 *   ring.paced.<slot>.<wait>  paced at --rate with one reader (the headline)
 *   ring.thr128.spin.n1       unpaced, 128-byte slots
 *   ring.alone.<slot>         the writer with no reader at all
 *   ring.wake.<wait>          one reader at --wake-rate: it is asleep for each record
 *   ring.pingpong             round trip through two feeds, spinning readers
 *   ref.*                     the same over the reference ring
 *   ring.ratio.*              per-repetition ratios (8 vs 1 readers, vs reference,
 *                             vs the floor of the same repetition)
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <math.h>
#include <string.h>

static const char *const wkey[WAIT_COUNT] = { "spin", "default", "sleep" };

static int stream(const struct transport *tp, uint32_t slot, int n, int wait, uint64_t rate,
		  const char *key)
{
	struct stream_cfg c = {
		.tp = tp, .slot_size = slot, .slot_count = g_opt.slots, .nreaders = n,
		.wait = wait, .rate = rate, .seconds = g_opt.seconds,
	};
	struct stream_out o;
	int rc = stream_run(&c, &o);
	stream_metrics(key, &o, rate != 0);
	if (rc < 0)
		fprintf(stderr, BENCH_PROG ": %s: %s\n", key, o.err);
	else if (g_opt.verbose)
		fprintf(stderr, "  %-28s written %.2f M/s, slowest reader %.2f M/s, lost %llu, corrupt %llu, p50 %.0f ns\n",
			key, o.write_rps / 1e6, o.read_rps_min / 1e6, (unsigned long long)o.lost,
			(unsigned long long)o.corrupt, hist_quantile(&o.h, 0.5));
	stream_free(&o);
	return rc;
}

/* One spinning reader, the writer paced in batches at `rate`, nothing stamped. */
static int sustained(const struct transport *tp, uint32_t slot, uint32_t slots, uint64_t rate, double seconds,
		     const char *key, struct stream_out *out)
{
	struct stream_cfg c = {
		.tp = tp, .slot_size = slot, .slot_count = slots, .nreaders = 1,
		.wait = WAIT_SPIN, .rate = rate, .unstamped = 1, .seconds = seconds,
	};
	int rc = stream_run(&c, out);
	if (rc < 0)
		fprintf(stderr, BENCH_PROG ": %s: %s\n", key, out->err);
	else if (g_opt.verbose)
		fprintf(stderr, "  %-28s at %.0f M/s: written %.2f M/s, read %.2f M/s, lost %llu\n", key,
			(double)rate / 1e6, out->write_rps / 1e6, out->read_rps_min / 1e6,
			(unsigned long long)out->lost);
	return rc;
}

/* Highest rate of a ramp at which one reader loses nothing and the writer keeps the
 * pace: the throughput a broadcast ring without back-pressure sustains.  `rates` ends
 * with 0; NULL = the bus's ramp. */
int sustained_ramp(const struct transport *tp, uint32_t slot, uint32_t slots, int wait, const double *rates,
		   const char *prefix)
{
	static const double ring_rates[] = { 5e6, 10e6, 15e6, 20e6, 25e6, 30e6, 35e6, 40e6, 50e6, 60e6, 80e6, 0 };
	if (!rates)
		rates = ring_rates;
	double best = 0;
	char key[96];
	for (size_t i = 0; rates[i] > 0; i++) {
		struct stream_out o;
		struct stream_cfg c = {
			.tp = tp, .slot_size = slot, .slot_count = slots, .nreaders = 1,
			.wait = wait, .rate = (uint64_t)rates[i], .unstamped = 1, .seconds = g_opt.seconds / 2,
		};
		snprintf(key, sizeof key, "%s.r%gM", prefix, rates[i] / 1e6);
		int rc = stream_run(&c, &o);
		if (g_opt.verbose && rc == 0)
			fprintf(stderr, "  %-28s at %g M/s: written %.2f M/s, read %.2f M/s, lost %llu\n", key,
				rates[i] / 1e6, o.write_rps / 1e6, o.read_rps_min / 1e6, (unsigned long long)o.lost);
		if (rc < 0) {
			fprintf(stderr, BENCH_PROG ": %s: %s\n", key, o.err);
			check_note_failure(key, o.err);
			stream_free(&o);
			return -1;
		}
		check_add(key, o.written, o.n, o.r);
		int kept = o.lost == 0 && o.write_rps >= 0.95 * rates[i];
		stream_free(&o);
		if (!kept)
			break;
		best = rates[i];
	}
	m_put(best, "%s.max_rps", prefix);
	return 0;
}

static int ramp(const struct transport *tp, uint32_t slot, uint32_t slots, const char *prefix)
{
	return sustained_ramp(tp, slot, slots, WAIT_SPIN, NULL, prefix);
}

static int pingpong(const struct transport *tp, int wait, const char *key)
{
	struct pingpong_out o;
	int rounds = g_opt.pp_rounds;
	/* The floor right before (the machine drifts between states within a repetition). */
	m_put(floor_rtt_now(), "%s.floor_p50_ns", key);
	int rc = pingpong_run(tp, 64, wait, rounds, &o);
	if (rc < 0) {
		fprintf(stderr, BENCH_PROG ": %s: %s\n", key, o.err);
		check_note_failure(key, o.err);
		return rc;
	}
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
	m_put((double)o.rounds, "%s.rounds", key);
	if (g_opt.verbose)
		fprintf(stderr, "  %-28s p50 %.0f ns p99 %.0f ns (%llu rounds)\n", key, hist_quantile(&o.h, 0.5),
			hist_quantile(&o.h, 0.99), (unsigned long long)o.rounds);
	return 0;
}

static void ratio(double num, double den, const char *key)
{
	if (!isnan(num) && !isnan(den) && den > 0)
		m_put(num / den, "%s", key);
}

/* The mdbus runs the comparators are measured against, when `ring` did not run in
 * this repetition. */
int ring_run_counterpart(const char *what)
{
	if (strcmp(what, "thr.default.n1") == 0 && isnan(m_cur("ring.thr.default.n1.write_rps")))
		return stream(&tp_mdbus, 64, 1, WAIT_DEFAULT, 0, "ring.thr.default.n1");
	if (strcmp(what, "thr.default.n8") == 0 && isnan(m_cur("ring.thr.default.n8.write_rps")))
		return stream(&tp_mdbus, 64, 8, WAIT_DEFAULT, 0, "ring.thr.default.n8");
	if (strcmp(what, "lat.default.n1") == 0 && isnan(m_cur("ring.lat.default.n1.p50_ns")))
		return stream(&tp_mdbus, 64, 1, WAIT_DEFAULT, g_opt.matrix_rate, "ring.lat.default.n1");
	if (strcmp(what, "lat.spin.n1") == 0 && isnan(m_cur("ring.lat.spin.n1.p50_ns")))
		return stream(&tp_mdbus, 64, 1, WAIT_SPIN, g_opt.matrix_rate, "ring.lat.spin.n1");
	if (strcmp(what, "paced.64.spin") == 0 && isnan(m_cur("ring.paced.64.spin.p50_ns")))
		return stream(&tp_mdbus, 64, 1, WAIT_SPIN, g_opt.rate, "ring.paced.64.spin");
	if (strcmp(what, "pingpong") == 0 && isnan(m_cur("ring.pingpong.p50_ns")))
		return pingpong(&tp_mdbus, WAIT_SPIN, "ring.pingpong");
	if (strcmp(what, "ramp.64") == 0 && isnan(m_cur("ring.ramp.64.max_rps")))
		return ramp(&tp_mdbus, 64, g_opt.thr_slots, "ring.ramp.64");
	return 0;
}

int mode_ring(void)
{
	const struct transport *tp = &tp_mdbus;
	char key[96];
	int fails = 0;

	/* Headline first: paced one-way latency, one spinning reader. */
	fails += stream(tp, 64, 1, WAIT_SPIN, g_opt.rate, "ring.paced.64.spin") < 0;
	fails += stream(tp, 128, 1, WAIT_SPIN, g_opt.rate, "ring.paced.128.spin") < 0;
	fails += stream(tp, 64, 1, WAIT_DEFAULT, g_opt.rate, "ring.paced.64.default") < 0;
	fails += stream(&tp_ref, 64, 1, WAIT_SPIN, g_opt.rate, "ref.paced.64.spin") < 0;

	/* Reader-count matrix: throughput, then paced latency, for each wait mode. */
	for (int w = 0; w < WAIT_COUNT; w++)
		for (int i = 0; i < g_opt.nreaders; i++) {
			int n = g_opt.readers[i];
			snprintf(key, sizeof key, "ring.thr.%s.n%d", wkey[w], n);
			fails += stream(tp, 64, n, w, 0, key) < 0;
			snprintf(key, sizeof key, "ring.lat.%s.n%d", wkey[w], n);
			fails += stream(tp, 64, n, w, g_opt.matrix_rate, key) < 0;
		}

	/* Sustained throughput: the writer paced at --thr-rate, one spinning reader. */
	{
		struct stream_out o;
		if (sustained(tp, 64, g_opt.thr_slots, g_opt.thr_rate, g_opt.seconds, "ring.sust.64", &o) == 0) {
			stream_metrics("ring.sust.64", &o, 0);
		} else {
			check_note_failure("ring.sust.64", o.err);
			fails++;
		}
		stream_free(&o);
	}
	fails += ramp(tp, 64, g_opt.thr_slots, "ring.ramp.64") < 0;
	fails += ramp(tp, 128, g_opt.thr_slots, "ring.ramp.128") < 0;
	fails += ramp(&tp_ref, 64, g_opt.thr_slots, "ref.ramp.64") < 0;
	fails += ramp(&tp_ref, 128, g_opt.thr_slots, "ref.ramp.128") < 0;

	/* Slot sizes, the writer alone, and the reference ring. */
	fails += stream(tp, 128, 1, WAIT_SPIN, 0, "ring.thr128.spin.n1") < 0;
	fails += stream(tp, 64, 0, WAIT_SPIN, 0, "ring.alone.64") < 0;
	fails += stream(&tp_mdbus_noreg, 64, 0, WAIT_SPIN, 0, "ring.alone_noreg.64") < 0;
	fails += stream(tp, 128, 0, WAIT_SPIN, 0, "ring.alone.128") < 0;
	fails += stream(&tp_ref, 64, 1, WAIT_SPIN, 0, "ref.thr.64.n1") < 0;
	fails += stream(&tp_ref, 128, 1, WAIT_SPIN, 0, "ref.thr.128.n1") < 0;
	fails += stream(&tp_ref, 64, 0, WAIT_SPIN, 0, "ref.alone.64") < 0;

	/* Wake-up: at this rate a sleeping reader is asleep when each record comes. */
	fails += stream(tp, 64, 1, WAIT_SLEEP, g_opt.wake_rate, "ring.wake.sleep") < 0;
	fails += stream(tp, 64, 1, WAIT_DEFAULT, g_opt.wake_rate, "ring.wake.default") < 0;

	/* Round trips. */
	fails += pingpong(tp, WAIT_SPIN, "ring.pingpong") < 0;
	fails += pingpong(&tp_ref, WAIT_SPIN, "ref.pingpong") < 0;

	for (int w = 0; w < WAIT_COUNT; w++) {
		snprintf(key, sizeof key, "ring.ratio.w8v1.%s", wkey[w]);
		ratio(m_cur("ring.thr.%s.n8.write_rps", wkey[w]), m_cur("ring.thr.%s.n1.write_rps", wkey[w]), key);
	}
	ratio(m_cur("ring.alone.64.write_rps"), m_cur("ref.alone.64.write_rps"), "ring.ratio.alone_vs_ref");
	ratio(m_cur("ring.alone.64.write_rps"), m_cur("ring.alone_noreg.64.write_rps"), "ring.ratio.sleepcheck");
	ratio(m_cur("ring.thr.spin.n1.read_rps_min"), m_cur("ref.thr.64.n1.read_rps_min"), "ring.ratio.thr_vs_ref");
	ratio(m_cur("ring.thr.sleep.n1.write_rps"), m_cur("ring.thr.spin.n1.write_rps"), "ring.ratio.sleeper_vs_spin");
	ratio(m_cur("ring.alone.64.write_rps"), m_cur("ring.thr.spin.n1.write_rps"), "ring.ratio.alone_vs_n1");
	ratio(m_cur("ring.pingpong.p50_ns"), m_cur("ring.pingpong.floor_p50_ns"), "ring.ratio.pingpong_floor_p50");
	ratio(m_cur("ring.paced.64.spin.p50_ns"), m_cur("floor.rtt.p50_ns") / 2, "ring.ratio.paced_halfrtt");
	ratio(m_cur("ring.pingpong.p50_ns"), m_cur("ref.pingpong.p50_ns"), "ring.ratio.pingpong_ref_p50");
	return fails ? -1 : 0;
}

/* Spinning processes in a run (writer included) against the CPUs we may use. */
static int oversubscribed(int wait, int n, int paced)
{
	int spinning = 1 + (wait == WAIT_SLEEP || (paced && wait == WAIT_DEFAULT) ? 0 : n);
	return spinning > g_opt.ncpus;
}

void report_ring(FILE *o)
{
	char a[64], b[64], c[64], d[64], e[64], f[64], g[64];
	int over = 0;

	fprintf(o, "\n== ring: mdbus feed segments, writer pinned to CPU %d, readers on CPU%s %d%s (median [min..max] of %d reps)\n",
		cpu_writer(), g_opt.ncpus > 2 ? "s" : "", cpu_reader(0), g_opt.ncpus > 2 ? ".." : "", g_opt.reps);
	fprintf(o, "   floor of this run: cache-line round trip p50 %s\n", fmt_ns(a, sizeof a, "floor.rtt.p50_ns"));

	fprintf(o, "\n-- headline: paced one-way latency at %.2f M records/s, one reader\n", (double)g_opt.rate / 1e6);
	fprintf(o, "   %-30s %-18s %-18s %-18s %-18s %s\n", "run", "p50", "p99", "p99.9", "max", "writer late >10us");
	static const struct { const char *key, *label; } paced[] = {
		{ "ring.paced.64.spin", "mdbus 64 B slots, spin" },
		{ "ring.paced.128.spin", "mdbus 128 B slots, spin" },
		{ "ring.paced.64.default", "mdbus 64 B, spin-then-sleep" },
		{ "ref.paced.64.spin", "reference ring 64 B, spin" },
	};
	for (size_t i = 0; i < sizeof paced / sizeof paced[0]; i++) {
		char k[5][96];
		snprintf(k[0], 96, "%s.p50_ns", paced[i].key);
		snprintf(k[1], 96, "%s.p99_ns", paced[i].key);
		snprintf(k[2], 96, "%s.p999_ns", paced[i].key);
		snprintf(k[3], 96, "%s.max_ns", paced[i].key);
		snprintf(k[4], 96, "%s.late", paced[i].key);
		fprintf(o, "   %-30s %-18s %-18s %-18s %-18s %s\n", paced[i].label, fmt_ns(a, sizeof a, k[0]),
			fmt_ns(b, sizeof b, k[1]), fmt_ns(c, sizeof c, k[2]), fmt_ns(d, sizeof d, k[3]),
			fmt_num(e, sizeof e, k[4], "", 1, 0));
	}

	fprintf(o, "   one-way p50 / half the cache-line round trip of the repetition: %s\n",
		fmt_ratio(a, sizeof a, "ring.ratio.paced_halfrtt"));

	fprintf(o, "\n-- writer -> N readers, 64 B slots, %u slots: throughput unpaced; latency paced at %.0f k/s\n",
		g_opt.slots, (double)g_opt.matrix_rate / 1e3);
	fprintf(o, "   %-17s %3s %-14s %-14s %-10s | %-10s %-10s %-10s %-10s %-8s\n", "wait", "N", "written/s",
		"read/s (min)", "lost", "p50", "p99", "p99.9", "max", "lost");
	for (int w = 0; w < WAIT_COUNT; w++)
		for (int i = 0; i < g_opt.nreaders; i++) {
			int n = g_opt.readers[i];
			char t[96], l[96];
			snprintf(t, sizeof t, "ring.thr.%s.n%d", wkey[w], n);
			snprintf(l, sizeof l, "ring.lat.%s.n%d", wkey[w], n);
			char k[9][112];
			snprintf(k[0], 112, "%s.write_rps", t);
			snprintf(k[1], 112, "%s.read_rps_min", t);
			snprintf(k[2], 112, "%s.lost", t);
			snprintf(k[3], 112, "%s.p50_ns", l);
			snprintf(k[4], 112, "%s.p99_ns", l);
			snprintf(k[5], 112, "%s.p999_ns", l);
			snprintf(k[6], 112, "%s.max_ns", l);
			snprintf(k[7], 112, "%s.lost", l);
			int os = oversubscribed(w, n, 0);
			over |= os;
			double ml = m_med("%s", k[2]), mll = m_med("%s", k[7]);
			fprintf(o, "   %-17s %3d %-14.14s %-14.14s %-10.0f | %-10.10s %-10.10s %-10.10s %-10.10s %-8.0f%s\n",
				wait_name[w], n, fmt_rate(a, sizeof a, k[0]), fmt_rate(b, sizeof b, k[1]),
				isnan(ml) ? -1 : ml, fmt_ns(c, sizeof c, k[3]), fmt_ns(d, sizeof d, k[4]),
				fmt_ns(e, sizeof e, k[5]), fmt_ns(f, sizeof f, k[6]), isnan(mll) ? -1 : mll,
				os ? "  (*)" : "");
		}
	if (over)
		fprintf(o, "   (*) more spinning processes (writer + readers) than the %d CPUs: the readers time-share\n"
			   "       a core, so each one is off-CPU for whole scheduler slices; loss and millisecond\n"
			   "       latencies there are the scheduler's, and they are what such a setup gets.\n",
			g_opt.ncpus);
	fprintf(o, "   lost = records that readers never saw (summed over readers); -1 = not measured\n");

	fprintf(o, "\n-- sustained throughput: writer paced in batches, one spinning reader, %u slots\n", g_opt.thr_slots);
	fprintf(o, "   %-50s %s written, %s read, %s lost\n", "mdbus 64 B at --thr-rate",
		fmt_rate(a, sizeof a, "ring.sust.64.write_rps"), fmt_rate(b, sizeof b, "ring.sust.64.read_rps_min"),
		fmt_num(c, sizeof c, "ring.sust.64.lost", "", 1, 0));
	fprintf(o, "   %-50s mdbus %s, reference ring %s\n", "highest rate with 0 lost, 64 B slots",
		fmt_rate(a, sizeof a, "ring.ramp.64.max_rps"), fmt_rate(b, sizeof b, "ref.ramp.64.max_rps"));
	fprintf(o, "   %-50s mdbus %s, reference ring %s\n", "highest rate with 0 lost, 128 B slots",
		fmt_rate(a, sizeof a, "ring.ramp.128.max_rps"), fmt_rate(b, sizeof b, "ref.ramp.128.max_rps"));
	fprintf(o, "   (ramp: 5, 10, 15, 20, 25, 30, 35, 40, 50, 60, 80 M/s, %.2f s each, up to the first rate with loss;\n"
		   "    a reader off its CPU for longer than slots / rate is lapped, however fast it reads)\n",
		g_opt.seconds / 2);

	fprintf(o, "\n-- unpaced: the writer as fast as it goes (a reader that cannot keep up is lapped)\n");
	fprintf(o, "   %-50s %s\n", "writer alone, 64 B slots (no reader)", fmt_rate(a, sizeof a, "ring.alone.64.write_rps"));
	fprintf(o, "   %-50s %s\n", "writer alone, 64 B, no registry (no sleeper check)",
		fmt_rate(a, sizeof a, "ring.alone_noreg.64.write_rps"));
	fprintf(o, "   %-50s %s\n", "writer alone, 128 B slots", fmt_rate(a, sizeof a, "ring.alone.128.write_rps"));
	fprintf(o, "   %-50s %s written, %s read\n", "1 spinning reader, 64 B slots",
		fmt_rate(a, sizeof a, "ring.thr.spin.n1.write_rps"), fmt_rate(b, sizeof b, "ring.thr.spin.n1.read_rps_min"));
	fprintf(o, "   %-50s %s written, %s read\n", "1 spinning reader, 128 B slots",
		fmt_rate(a, sizeof a, "ring.thr128.spin.n1.write_rps"), fmt_rate(b, sizeof b, "ring.thr128.spin.n1.read_rps_min"));
	fprintf(o, "   %-50s %s written, %s read\n", "1 sleep-mode reader, 64 B slots",
		fmt_rate(a, sizeof a, "ring.thr.sleep.n1.write_rps"), fmt_rate(b, sizeof b, "ring.thr.sleep.n1.read_rps_min"));
	fprintf(o, "   %-50s %s\n", "reference ring writer alone, 64 B", fmt_rate(a, sizeof a, "ref.alone.64.write_rps"));
	fprintf(o, "   %-50s %s written, %s read\n", "reference ring, 1 reader, 64 B",
		fmt_rate(a, sizeof a, "ref.thr.64.n1.write_rps"), fmt_rate(b, sizeof b, "ref.thr.64.n1.read_rps_min"));
	fprintf(o, "   %-50s %s written, %s read\n", "reference ring, 1 reader, 128 B",
		fmt_rate(a, sizeof a, "ref.thr.128.n1.write_rps"), fmt_rate(b, sizeof b, "ref.thr.128.n1.read_rps_min"));
	fprintf(o, "   %-50s spin %s, spin-then-sleep %s, sleep %s\n", "writer rate, 8 readers / 1 reader",
		fmt_ratio(a, sizeof a, "ring.ratio.w8v1.spin"), fmt_ratio(b, sizeof b, "ring.ratio.w8v1.default"),
		fmt_ratio(c, sizeof c, "ring.ratio.w8v1.sleep"));
	fprintf(o, "   %-50s %s\n", "writer alone: mdbus / reference ring", fmt_ratio(a, sizeof a, "ring.ratio.alone_vs_ref"));
	fprintf(o, "   %-50s %s\n", "writer alone: with / without sleeper support", fmt_ratio(a, sizeof a, "ring.ratio.sleepcheck"));
	fprintf(o, "   %-50s %s\n", "1 reader delivered: mdbus / reference ring", fmt_ratio(a, sizeof a, "ring.ratio.thr_vs_ref"));
	fprintf(o, "   %-50s %s\n", "writer rate: sleep-mode reader / spinning one", fmt_ratio(a, sizeof a, "ring.ratio.sleeper_vs_spin"));

	fprintf(o, "\n-- sleep-mode wake-up: one reader, records at %.0f/s (asleep for each)\n", (double)g_opt.wake_rate);
	fprintf(o, "   %-30s %-18s %-18s %-18s %s\n", "reader", "p50", "p99", "p99.9", "max");
	fprintf(o, "   %-30s %-18s %-18s %-18s %s\n", "sleep", fmt_ns(a, sizeof a, "ring.wake.sleep.p50_ns"),
		fmt_ns(b, sizeof b, "ring.wake.sleep.p99_ns"), fmt_ns(c, sizeof c, "ring.wake.sleep.p999_ns"),
		fmt_ns(d, sizeof d, "ring.wake.sleep.max_ns"));
	fprintf(o, "   %-30s %-18s %-18s %-18s %s\n", "spin-then-sleep", fmt_ns(a, sizeof a, "ring.wake.default.p50_ns"),
		fmt_ns(b, sizeof b, "ring.wake.default.p99_ns"), fmt_ns(c, sizeof c, "ring.wake.default.p999_ns"),
		fmt_ns(d, sizeof d, "ring.wake.default.max_ns"));

	fprintf(o, "\n-- ping-pong round trip through two feeds (spinning readers, 64 B)\n");
	fprintf(o, "   %-30s %-18s %-18s %-18s %-18s %s\n", "path", "p50", "p99", "p99.9", "max", "mean");
	fprintf(o, "   %-30s %-18s %-18s %-18s %-18s %s\n", "mdbus", fmt_ns(a, sizeof a, "ring.pingpong.p50_ns"),
		fmt_ns(b, sizeof b, "ring.pingpong.p99_ns"), fmt_ns(c, sizeof c, "ring.pingpong.p999_ns"),
		fmt_ns(d, sizeof d, "ring.pingpong.max_ns"), fmt_ns(e, sizeof e, "ring.pingpong.mean_ns"));
	fprintf(o, "   %-30s %-18s %-18s %-18s %-18s %s\n", "reference ring", fmt_ns(a, sizeof a, "ref.pingpong.p50_ns"),
		fmt_ns(b, sizeof b, "ref.pingpong.p99_ns"), fmt_ns(c, sizeof c, "ref.pingpong.p999_ns"),
		fmt_ns(d, sizeof d, "ref.pingpong.max_ns"), fmt_ns(e, sizeof e, "ref.pingpong.mean_ns"));
	fprintf(o, "   %-30s %-18s %-18s %-18s %-18s %s\n", "cache line (floor)", fmt_ns(a, sizeof a, "floor.rtt.p50_ns"),
		fmt_ns(b, sizeof b, "floor.rtt.p99_ns"), fmt_ns(c, sizeof c, "floor.rtt.p999_ns"), "-",
		fmt_ns(e, sizeof e, "floor.rtt.mean_ns"));
	fprintf(o, "   %-30s %s (bare loop, measured right before the mdbus ping-pong)\n", "cache line, adjacent",
		fmt_ns(a, sizeof a, "ring.pingpong.floor_p50_ns"));
	fprintf(o, "   mdbus p50 / adjacent floor p50, per repetition: %s; mdbus / reference ring: %s\n",
		fmt_ratio(f, sizeof f, "ring.ratio.pingpong_floor_p50"), fmt_ratio(g, sizeof g, "ring.ratio.pingpong_ref_p50"));
}
