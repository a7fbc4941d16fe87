/*
 * camp_net.c — connection fault campaigns: reconnect storm, stall, refused
 * handshakes.  The mock exchange injects the fault; the real publisher must ride
 * it out; readers on the real segment check what the publisher tells them.
 */
#define _GNU_SOURCE
#include "faults.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ storm */

/* A reader thread that checks the STATUS stream: every generation, in order. */
struct status_reader {
	mdbus_sub *s;
	pthread_t th;
	int stop;                 /* __atomic: the publisher has exited; drain and end */
	uint64_t records, lost, statuses, up, down;
	uint64_t expect;          /* next generation a STATUS must carry */
	int bad;
	char err[200];
};

static void *status_reader_main(void *arg)
{
	struct status_reader *t = arg;
	struct mdbus_record r;
	t->expect = 1;
	for (;;) {
		int rc = mdbus_sub_next(t->s, &r, 50);
		if (rc < 0) {
			if (!t->bad++)
				snprintf(t->err, sizeof t->err, "mdbus_sub_next: %s", mdbus_strerror(rc));
			continue;
		}
		if (rc == 0) {
			struct mdbus_status st;
			mdbus_sub_status(t->s, &st);
			if (__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE) && st.next_seq >= st.write_seq)
				break;
			continue;
		}
		t->records++;
		t->lost += r.lost;
		if (r.type != MDBUS_REC_STATUS)
			continue;
		t->statuses++;
		const struct mdbus_rec_status *x = &r.u.status;
		if ((x->gen != t->expect || r.gen != x->gen || x->connected != (x->gen & 1)) && !t->bad++)
			snprintf(t->err, sizeof t->err, "STATUS #%llu: gen %llu (record gen %llu, connected %u), expected %llu",
				 (unsigned long long)t->statuses, (unsigned long long)x->gen, (unsigned long long)r.gen,
				 x->connected, (unsigned long long)t->expect);
		t->expect = x->gen + 1;
		if (x->connected)
			t->up++;
		else
			t->down++;
	}
	return NULL;
}

int camp_storm(long cycles)
{
	struct ft_rig r;
	struct proc pub;
	memset(&pub, 0, sizeof pub);
	ft_rig_init(&r, "storm");
	mdbus_sub *s = NULL;
	struct status_reader rd[2];
	memset(rd, 0, sizeof rd);
	int nthreads = 0;
	long warm = cycles / 10 > 3 ? cycles / 10 : 3;
	long rss_warm = -1, rss_max = -1, rss_last = -1;
	int fd_warm = -1, fd_max = -1, fd_min = 1 << 30;
	uint64_t cycles_done = 0;

	static const char *const mflags[] = { "--synthetic", "--symbols", "BTC/USD,ETH/USD", "--rate", "2000",
					      "--drop-after", "8", "--seed", "5", NULL };
	FT_CHECK(ft_mock_start(&r, mflags) == 0, "mock start");
	if (ft_failed)
		goto out;
	/* The storm must not be slowed by the attempt budget (its own campaign):
	 * 150 attempts per 1 s window; backoff capped at 10 ms. */
	static const char *const pflags[] = { "--symbols", "BTC/USD,ETH/USD", "--channels", "book,trade", "--slots",
					      "262144", "--backoff-min", "1", "--backoff-max", "10", "--attempt-budget",
					      "150", "--attempt-window", "1", "--log-level", "warn", NULL };
	FT_CHECK(ft_pub_start(&r, &pub, pflags) == 0, "publisher start");
	FT_CHECK(ft_open_sub(r.feed, MDBUS_SUB_NO_REGISTRY, &s, FT_DEADLINE_MS, &pub) == 0, "reader open");
	if (ft_failed)
		goto out;
	for (int i = 0; i < 2; i++) {
		int fl = MDBUS_SUB_FROM_OLDEST | (i ? MDBUS_SUB_WAIT_SLEEP : 0);
		FT_CHECK(mdbus_sub_open(&rd[i].s, r.feed, fl) == 0, "reader thread %d open", i);
		if (ft_failed)
			goto out;
		pthread_create(&rd[i].th, NULL, status_reader_main, &rd[i]);
		nthreads++;
	}

	uint64_t deadline = now_ms() + (uint64_t)cycles * 1000u + FT_DEADLINE_MS;
	uint64_t last = 0;
	while (cycles_done < (uint64_t)cycles && now_ms() < deadline) {
		uint64_t g = ft_gen(s);
		if (g != last && g && !(g & 1)) {
			/* Between two connections: sample the publisher. */
			cycles_done = g / 2;
			long rss = ft_vmrss_kb(pub.pid);
			int fds = ft_fd_count(pub.pid);
			if ((long)cycles_done == warm) {
				rss_warm = rss;
				fd_warm = fds;
			}
			if ((long)cycles_done >= warm) {
				rss_max = rss > rss_max ? rss : rss_max;
				fd_max = fds > fd_max ? fds : fd_max;
				fd_min = fds < fd_min ? fds : fd_min;
				rss_last = rss;
			}
		}
		last = g;
		if (proc_wait(&pub, 0))
			break;
		mdbus_sub_wait_gen(s, g, 200, NULL);
	}
	FT_CHECK(!proc_wait(&pub, 0), "publisher died during the storm (status %d)", pub.status);
	FT_CHECK(cycles_done >= (uint64_t)cycles, "only %llu of %ld cycles within the deadline",
		 (unsigned long long)cycles_done, cycles);
	kill(pub.pid, SIGTERM);
	FT_CHECK(proc_wait(&pub, 10000), "publisher ignored SIGTERM");
	FT_CHECK(WIFEXITED(pub.status) && WEXITSTATUS(pub.status) == 0, "publisher exit status %d", pub.status);
	proc_stop(&r.mock, SIGTERM, 10000);

	uint64_t gen_final = ft_gen(s);
	for (int i = 0; i < nthreads; i++) {
		__atomic_store_n(&rd[i].stop, 1, __ATOMIC_RELEASE);
		pthread_join(rd[i].th, NULL);
	}
	nthreads = 0;
	/* Every live lifetime is +1 up, +1 down: the generation is twice the cycles. */
	FT_CHECK(!(gen_final & 1), "generation %llu after a clean stop", (unsigned long long)gen_final);
	for (int i = 0; i < 2; i++) {
		struct status_reader *t = &rd[i];
		FT_CHECK(!t->bad, "reader %d: %s", i, t->err);
		FT_CHECK(t->lost == 0, "reader %d lost %llu records", i, (unsigned long long)t->lost);
		FT_CHECK(t->expect == gen_final + 1, "reader %d saw STATUS up to gen %llu, final gen %llu", i,
			 (unsigned long long)t->expect - 1, (unsigned long long)gen_final);
		FT_CHECK(t->up == t->down && 2 * t->up == gen_final, "reader %d: %llu up, %llu down, gen %llu", i,
			 (unsigned long long)t->up, (unsigned long long)t->down, (unsigned long long)gen_final);
	}
	int64_t conns = ft_mock_stat(&r, "connections");
	FT_CHECK(conns >= (int64_t)(gen_final / 2), "mock saw %lld connections for %llu live cycles", (long long)conns,
		 (unsigned long long)gen_final / 2);
	/* Flat after warm-up: descriptors, and memory within a small allowance for
	 * allocator noise. */
	printf("storm: %llu live cycles (%lld connections), VmRSS %ld KiB at cycle %ld, max %ld, last %ld; fds %d..%d (warm %d)\n",
	       (unsigned long long)gen_final / 2, (long long)conns, rss_warm, warm, rss_max, rss_last, fd_min, fd_max,
	       fd_warm);
	/* +2: the next attempt's socket may already be open when we sample. */
	FT_CHECK(fd_warm > 0 && fd_max <= fd_warm + 2, "open fds grew from %d to %d", fd_warm, fd_max);
	long rss_allow = FT_SANITIZED ? 1L << 20 : 1024; /* KiB; sanitizer quarantines grow on their own */
	FT_CHECK(rss_warm > 0 && rss_max - rss_warm <= rss_allow, "VmRSS grew from %ld KiB to %ld KiB", rss_warm, rss_max);
out:
	for (int i = 0; i < nthreads; i++) {
		__atomic_store_n(&rd[i].stop, 1, __ATOMIC_RELEASE);
		pthread_join(rd[i].th, NULL);
	}
	for (int i = 0; i < 2; i++)
		mdbus_sub_close(rd[i].s);
	mdbus_sub_close(s);
	ft_rig_stop(&r, &pub);
	return ft_result("storm",
			 "no crash; generation +1 per transition and 2 per cycle; both readers saw every STATUS in order, "
			 "nothing lost; publisher fds and VmRSS flat after warm-up",
			 "%llu reconnect cycles", (unsigned long long)cycles_done);
}

/* ------------------------------------------------------------------ stall */

int camp_stall(long stalls)
{
	struct ft_rig r;
	struct proc pub;
	memset(&pub, 0, sizeof pub);
	ft_rig_init(&r, "stall");
	mdbus_sub *s = NULL;
	long handled = 0;
	uint64_t worst_ms = 0;
	const uint64_t stale_ms = 1000, backoff_max = 200, slack = 20000;

	static const char *const mflags[] = { "--synthetic", "--symbols", "BTC/USD", "--rate", "200", "--stall-after",
					      "20", NULL };
	FT_CHECK(ft_mock_start(&r, mflags) == 0, "mock start");
	if (ft_failed)
		goto out;
	static const char *const pflags[] = { "--symbols", "BTC/USD", "--stale-after", "1", "--backoff-min", "20",
					      "--backoff-max", "200", NULL };
	FT_CHECK(ft_pub_start(&r, &pub, pflags) == 0, "publisher start");
	FT_CHECK(ft_open_sub(r.feed, MDBUS_SUB_FROM_OLDEST, &s, FT_DEADLINE_MS, &pub) == 0, "reader open");
	if (ft_failed)
		goto out;

	/* From the last data record before a disconnect to the next CONNECTED status:
	 * the stall detection (--stale-after) plus the backoff plus the handshake. */
	int64_t last_data_ns = 0, stalled_at_ns = 0;
	uint64_t deadline = now_ms() + (uint64_t)stalls * (stale_ms + backoff_max + 2000) + FT_DEADLINE_MS;
	struct mdbus_record rec;
	while (handled < stalls && now_ms() < deadline) {
		int rc = mdbus_sub_next(s, &rec, 200);
		FT_CHECK(rc >= 0, "next: %s", mdbus_strerror(rc));
		if (rc <= 0)
			continue;
		FT_CHECK(rec.lost == 0, "lost %llu records", (unsigned long long)rec.lost);
		if (rec.type != MDBUS_REC_STATUS) {
			last_data_ns = rec.recv_ts_ns;
			continue;
		}
		if (!rec.u.status.connected) {
			stalled_at_ns = last_data_ns;
		} else if (stalled_at_ns) {
			uint64_t ms = (uint64_t)(rec.recv_ts_ns - stalled_at_ns) / 1000000u;
			printf("stall %ld: last data -> connected again in %llu ms\n", handled + 1, (unsigned long long)ms);
			worst_ms = ms > worst_ms ? ms : worst_ms;
			FT_CHECK(ms <= stale_ms + backoff_max + slack, "stall %ld took %llu ms", handled + 1,
				 (unsigned long long)ms);
			handled++;
			stalled_at_ns = 0;
		}
	}
	FT_CHECK(handled >= stalls, "only %ld of %ld stalls recovered", handled, stalls);
	struct mdbus_stats x = ft_stats(s);
	FT_CHECK(x.watchdog >= (uint64_t)handled, "watchdog fired %llu times for %ld stalls",
		 (unsigned long long)x.watchdog, handled);
	FT_CHECK(!proc_wait(&pub, 0), "publisher died");
	proc_stop(&pub, SIGTERM, 10000);
	proc_stop(&r.mock, SIGTERM, 10000);
	FT_CHECK(ft_mock_stat(&r, "stalls") >= handled, "mock stalls %lld", (long long)ft_mock_stat(&r, "stalls"));
out:
	mdbus_sub_close(s);
	ft_rig_stop(&r, &pub);
	return ft_result("stall",
			 "silent open socket detected by the watchdog (--stale-after 1 s, counted) and reconnected each time "
			 "within stale-after + backoff + 20 s slack; nothing lost",
			 "%ld stalls, worst %llu ms to reconnect", handled, (unsigned long long)worst_ms);
}

/* ------------------------------------------------------------------ refuse */

/* Milliseconds of the day of each "connecting to" line in the publisher's log. */
static int attempt_times(const char *log, uint64_t *t, int max)
{
	char *text = ft_slurp(log, NULL);
	if (!text)
		return -1;
	int n = 0;
	uint64_t prev = 0, wrap = 0;
	for (char *line = strtok(text, "\n"); line && n < max; line = strtok(NULL, "\n")) {
		if (!strstr(line, " info: connecting to "))
			continue;
		unsigned h, m, sec, ms;
		if (sscanf(line, "%u:%u:%u.%u", &h, &m, &sec, &ms) != 4)
			continue;
		uint64_t v = ((uint64_t)h * 3600 + m * 60 + sec) * 1000 + ms + wrap;
		if (n && v + 43200000u < prev) { /* midnight */
			wrap += 86400000u;
			v += 86400000u;
		}
		t[n++] = v;
		prev = v;
	}
	free(text);
	return n;
}

int camp_refuse(long windows)
{
	/* Kraken allows about 150 attempts per 10 minutes.  The schedule is compressed
	 * 200x for the long form (150 per 3 s), and to 30 per 2 s for the short one. */
	const int budget = windows >= 10 ? 150 : 30;
	const int window_s = windows >= 10 ? 3 : 2;
	const long refusals = budget * windows;
	struct ft_rig r;
	struct proc pub;
	memset(&pub, 0, sizeof pub);
	ft_rig_init(&r, "refuse");
	mdbus_sub *s = NULL;
	static uint64_t t[20000];
	int n = 0, worst_window = 0;
	uint64_t span_ms = 0, max_gap = 0;

	char refuse[32], budget_s[16], window[16];
	snprintf(refuse, sizeof refuse, "%ld", refusals);
	snprintf(budget_s, sizeof budget_s, "%d", budget);
	snprintf(window, sizeof window, "%d", window_s);
	const char *const mflags[] = { "--synthetic", "--symbols", "BTC/USD", "--rate", "100", "--refuse", refuse, NULL };
	FT_CHECK(ft_mock_start(&r, mflags) == 0, "mock start");
	if (ft_failed)
		goto out;
	const char *const pflags[] = { "--symbols", "BTC/USD", "--backoff-min", "1", "--backoff-max", "5",
				       "--attempt-budget", budget_s, "--attempt-window", window, NULL };
	FT_CHECK(ft_pub_start(&r, &pub, pflags) == 0, "publisher start");
	FT_CHECK(ft_open_sub(r.feed, MDBUS_SUB_NO_REGISTRY, &s, FT_DEADLINE_MS, &pub) == 0, "reader open");
	if (ft_failed)
		goto out;
	uint64_t deadline = now_ms() + (uint64_t)(windows + 2) * (uint64_t)window_s * 1000u * (FT_SANITIZED ? 3 : 1) +
			    FT_DEADLINE_MS;
	while (!(ft_gen(s) & 1) && now_ms() < deadline && !proc_wait(&pub, 0))
		mdbus_sub_wait_gen(s, ft_gen(s), 200, NULL);
	FT_CHECK(ft_gen(s) == 1, "not live after %ld refusals (gen %llu, failures %llu)", refusals,
		 (unsigned long long)ft_gen(s), (unsigned long long)ft_stats(s).handshake_fail);
	struct mdbus_stats x = ft_stats(s);
	FT_CHECK(x.handshake_fail == (uint64_t)refusals, "%llu failed attempts counted, %ld refused",
		 (unsigned long long)x.handshake_fail, refusals);
	proc_stop(&pub, SIGTERM, 10000);
	proc_stop(&r.mock, SIGTERM, 10000);
	FT_CHECK(ft_mock_stat(&r, "handshakes_refused") == refusals, "mock refused %lld",
		 (long long)ft_mock_stat(&r, "handshakes_refused"));

	n = attempt_times(pub.log, t, (int)(sizeof t / sizeof t[0]));
	FT_CHECK(n == refusals + 1, "%d attempts logged, expected %ld", n, refusals + 1);
	/* The budget: any `budget` + 1 consecutive attempts span at least the window
	 * (2 ms for the log's millisecond truncation on both ends). */
	for (int i = 0; i + budget < n; i++) {
		uint64_t d = t[i + budget] - t[i];
		if (d + 2 < (uint64_t)window_s * 1000u) {
			worst_window++;
			if (worst_window == 1)
				ft_fail(__FILE__, __LINE__, "budget", "attempts %d and %d are %llu ms apart: more than %d in %d s",
					i + 1, i + budget + 1, (unsigned long long)d, budget, window_s);
		}
	}
	for (int i = 1; i < n; i++)
		max_gap = t[i] - t[i - 1] > max_gap ? t[i] - t[i - 1] : max_gap;
	span_ms = n > 1 ? t[n - 1] - t[0] : 0;
	/* It kept trying: never a pause longer than a window plus the backoff cap. */
	FT_CHECK(max_gap <= (uint64_t)window_s * 1000u + 5 + 2000, "a pause of %llu ms between attempts",
		 (unsigned long long)max_gap);
	FT_CHECK(span_ms + 2 >= (uint64_t)windows * (uint64_t)window_s * 1000u, "%d attempts in %llu ms", n,
		 (unsigned long long)span_ms);
	printf("refuse: %d attempts over %llu ms, budget %d per %d s, longest pause %llu ms\n", n,
	       (unsigned long long)span_ms, budget, window_s, (unsigned long long)max_gap);
out:
	mdbus_sub_close(s);
	ft_rig_stop(&r, &pub);
	return ft_result("refuse",
			 "every handshake refused (HTTP 503) until the mock relents: attempts never exceed the budget in "
			 "any window, no pause longer than a window, every failure counted, live at the first accepted one",
			 "%ld refusals over %llu s (budget %d per %d s = 150 per 10 min compressed %dx)", refusals,
			 (unsigned long long)span_ms / 1000, budget, window_s, 600 * budget / 150 / window_s);
}
