/*
 * targets.c — issue 5's targets against this run's medians, as a Markdown table
 * (pasteable into the README), with the floor of the same run and a verdict.
 */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *verdict(int known, int met)
{
	return !known ? "not measured" : met ? "met" : "MISSED";
}

static const char *ns(char *b, size_t cap, double v)
{
	if (isnan(v))
		snprintf(b, cap, "-");
	else if (v >= 10000)
		snprintf(b, cap, "%.1f µs", v / 1000);
	else
		snprintf(b, cap, "%.0f ns", v);
	return b;
}

static const char *rate(char *b, size_t cap, double v)
{
	if (isnan(v))
		snprintf(b, cap, "-");
	else if (v >= 1e6)
		snprintf(b, cap, "%.1f M/s", v / 1e6);
	else
		snprintf(b, cap, "%.0f k/s", v / 1e3);
	return b;
}

static const char *x(char *b, size_t cap, double v)
{
	if (isnan(v))
		snprintf(b, cap, "-");
	else
		snprintf(b, cap, v >= 100 ? "%.0f×" : "%.2f×", v);
	return b;
}

void report_targets(FILE *o, const char *mode)
{
	if (strcmp(mode, "all") != 0)
		return;
	char a[48], b[48], c[48], d[48], f2[48], m[400];
	char fr[64], ff[64], fs[64];
	/* The floor that bounds each row, from the same run. */
	snprintf(fr, sizeof fr, "RTT %s", ns(a, sizeof a, m_med("floor.rtt.p50_ns")));
	snprintf(ff, sizeof ff, "futex wake %s", ns(a, sizeof a, m_med("floor.futex.p50_ns")));
	snprintf(fs, sizeof fs, "stream %s", rate(a, sizeof a, m_med("floor.stream64.max_rps")));
	fprintf(o, "\n== targets of issue 5 (medians of %d repetitions; floor: the hardware bound of the row, same run:\n"
		   "   RTT = cache-line round trip p50, futex wake = FUTEX_WAKE to the sleeper running p50,\n"
		   "   stream = 64 B slots moved from core to core per second)\n\n", g_opt.reps);
	fprintf(o, "| measure | target | measured (median) | floor | verdict |\n|---|---|---|---|---|\n");

	double r1 = m_med("ring.sust.64.read_rps_min"), w1 = m_med("ring.sust.64.write_rps");
	double l1 = m_med("ring.sust.64.lost"), mx = m_med("ring.ramp.64.max_rps");
	snprintf(m, sizeof m, "%s written, %s read, %.0f lost at %.0f M/s; highest rate with 0 lost %s (reference ring %s)",
		 rate(a, sizeof a, w1), rate(b, sizeof b, r1), l1, (double)g_opt.thr_rate / 1e6, rate(c, sizeof c, mx),
		 rate(d, sizeof d, m_med("ref.ramp.64.max_rps")));
	fprintf(o, "| 1 writer → 1 spinning reader, 64-byte records | ≥ 25 M records/s, 0 lost | %s | %s | %s |\n", m, fs,
		verdict(!isnan(r1), (r1 >= 0.95 * 25e6 && w1 >= 0.95 * 25e6 && l1 == 0) || mx >= 25e6));

	double pr = m_med("ring.ratio.pingpong_floor_p50"), p99 = m_med("ring.pingpong.p99_ns");
	snprintf(m, sizeof m, "%s (%s floor) / %s (floor's own p99 %s)", ns(a, sizeof a, m_med("ring.pingpong.p50_ns")),
		 x(b, sizeof b, pr), ns(c, sizeof c, p99), ns(d, sizeof d, m_med("floor.rtt.p99_ns")));
	char fa[64];
	snprintf(fa, sizeof fa, "RTT %s (adjacent)", ns(a, sizeof a, m_med("ring.pingpong.floor_p50_ns")));
	fprintf(o, "| ping-pong round trip through the bus, p50 / p99 | ≤ 2.5× the cache-line round trip / ≤ 400 ns | %s | %s | %s |\n",
		m, fa, verdict(!isnan(pr) && !isnan(p99), pr <= 2.5 && p99 <= 400));

	double h50 = m_med("ring.paced.64.spin.p50_ns"), h99 = m_med("ring.paced.64.spin.p99_ns");
	snprintf(m, sizeof m, "%s / %s (p50 = %s half the round trip)", ns(a, sizeof a, h50), ns(b, sizeof b, h99),
		 x(c, sizeof c, m_med("ring.ratio.paced_halfrtt")));
	fprintf(o, "| paced one-way latency at %.0f M records/s, p50 / p99 | ≤ 100 ns / ≤ 5 µs | %s | %s | %s |\n",
		(double)g_opt.rate / 1e6, m, fr, verdict(!isnan(h50), h50 <= 100 && h99 <= 5000));

	double zt = m_med("ratio.zmq.sustained"), zl = m_med("ratio.zmq.lat_best_p50"), zs = m_med("ratio.zmq.lat_default_p50");
	snprintf(m, sizeof m, "%s throughput (highest rate with 0 lost; unpaced delivered %s); p50 %s lower (each at its best "
		 "wait style), %s (both blocking / spin-then-sleep)", x(a, sizeof a, zt),
		 x(d, sizeof d, m_med("ratio.zmq.thr_read")), x(b, sizeof b, zl), x(c, sizeof c, zs));
	fprintf(o, "| vs ZeroMQ ipc PUB/SUB, same run | ≥ 10× throughput, ≥ 100× lower p50 latency | %s | %s | %s |\n", m, fr,
		m_skipped("zmq") ? "skipped" : verdict(!isnan(zt) && !isnan(zl), zt >= 10 && zl >= 100));

	double wk = m_med("ring.wake.sleep.p50_ns"), av = m_med("ring.ratio.sleepcheck");
	snprintf(m, sizeof m, "p50 %s; writer with the sleeper check / without it %s", ns(a, sizeof a, wk), x(b, sizeof b, av));
	fprintf(o, "| sleep-mode wake-up latency p50; writer throughput with no sleeper | ≤ 25 µs; unchanged | %s | %s | %s |\n",
		m, ff, verdict(!isnan(wk) && !isnan(av), wk <= 25000 && av >= 0.95));

	double it = m_med("ratio.iox.sustained"), i50 = m_med("ratio.iox.lat_spin_p50"), i99 = m_med("ratio.iox.lat_spin_p99");
	snprintf(m, sizeof m, "%s throughput (highest rate with 0 lost; unpaced delivered %s); p50 %s lower, p99 %s lower "
		 "(spinning readers)", x(a, sizeof a, it), x(d, sizeof d, m_med("ratio.iox.thr_read")), x(b, sizeof b, i50),
		 x(c, sizeof c, i99));
	fprintf(o, "| vs iceoryx, same run | lower p50 and p99 latency, higher throughput | %s | %s | %s |\n", m, fr,
		m_skipped("iceoryx") ? "skipped" : verdict(!isnan(it) && !isnan(i50), it > 1 && i50 > 1 && i99 > 1));

	double sl = m_med("ring.lat.sleep.n32.lost"), s99 = m_med("ring.lat.sleep.n32.p99_ns");
	snprintf(m, sizeof m, "%.0f lost, p50 %s, p99 %s", sl, ns(a, sizeof a, m_med("ring.lat.sleep.n32.p50_ns")),
		 ns(b, sizeof b, s99));
	char fh[160];
	snprintf(fh, sizeof fh, "%.0f bare futex sleepers: p50 %s, p99 %s", m_med("floor.herd.n"),
		 ns(a, sizeof a, m_med("floor.herd.p50_ns")), ns(b, sizeof b, m_med("floor.herd.p99_ns")));
	fprintf(o, "| 32 sleeping readers at %.0f k records/s | 0 lost, p99 ≤ 200 µs | %s | %s | %s |\n",
		(double)g_opt.matrix_rate / 1e3, m, fh, verdict(!isnan(s99), sl == 0 && s99 <= 200000));

	double w8 = m_med("ring.ratio.w8v1.spin"), w8d = m_med("ring.ratio.w8v1.default");
	snprintf(m, sizeof m, "%s (spin), %s (spin-then-sleep), %s (sleep)", x(a, sizeof a, w8), x(b, sizeof b, w8d),
		 x(c, sizeof c, m_med("ring.ratio.w8v1.sleep")));
	fprintf(o, "| writer throughput with 8 readers vs 1 | ≥ 0.8× | %s | %s | %s |\n", m, fs,
		verdict(!isnan(w8), w8 >= 0.8));

	double cf = m_med("e2e.ceiling.ws.fps"), cc = m_med("e2e.ceiling.ws.cores_at_200k");
	double e50 = m_med("e2e.ws.spin.p50_ns"), e50d = m_med("e2e.ws.default.p50_ns");
	snprintf(m, sizeof m, "ceiling %s; 200 k/s takes %.2f cores; e2e p50 (ws) %s with a spinning reader, %s spin-then-sleep; wss %s / %s",
		 rate(a, sizeof a, cf), cc, ns(b, sizeof b, e50), ns(c, sizeof c, e50d),
		 ns(d, sizeof d, m_med("e2e.wss.spin.p50_ns")), ns(f2, sizeof f2, m_med("e2e.wss.default.p50_ns")));
	fprintf(o, "| publisher, synthetic frames over loopback | ≥ 200 k frames/s on < 1 core; e2e p50 ≤ 50 µs (ws) | %s | %s | %s |\n",
		m, ff, m_skipped("e2e") ? "skipped" : verdict(!isnan(cf) && !isnan(e50), cf >= 200000 && cc < 1 && e50 <= 50000));

	double pn = m_med("e2e.parse.normalize_ns");
	double pr2 = m_med("e2e.parse.ratio_cjson");
	snprintf(m, sizeof m, "%s, %s faster than cJSON (%s)", ns(a, sizeof a, pn), x(b, sizeof b, pr2),
		 ns(c, sizeof c, m_med("e2e.parse.cjson_ns")));
	fprintf(o, "| parse + normalize a typical book update | ≤ 2 µs, ≥ 3× faster than plain cJSON | %s | %s | %s |\n", m, "-",
		verdict(!isnan(pn), pn <= 2000 && pr2 >= 3));
}
