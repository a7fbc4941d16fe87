/*
 * mode_floor.c — the hardware floor: one cache line bounced between two processes
 * pinned to two different CPUs.  A writes an odd value, B waits for it and writes the
 * next even value, A waits for that: one round trip moves the line there and back,
 * which is the least any shared-memory message round trip can cost on this machine.
 *
 * Two variants: a bare load loop (the floor quoted everywhere) and the same loop with
 * a pause instruction per poll, which is how every polite spinner (mdbus readers
 * included) waits.  Per-sample times carry one stamp pair each; the mean comes from
 * an unstamped batch.
 *
 * The floor of a sleeping reader's wake-up is measured the same way: B sleeps in
 * FUTEX_WAIT on a shared word, A (which sleeps between rounds, like a paced writer at
 * --wake-rate) stamps, bumps the word and calls FUTEX_WAKE; B stamps when it runs.
 *
 * The floor of tails: on each CPU a process spins reading the clock for a while and
 * counts the gaps over 10 us (interrupts, the hypervisor descheduling the vCPU, other
 * processes): no paced stream's p99 is better than the stalls of the CPUs it runs on.
 *
 * The floor of throughput: A fills a buffer of --slots slots (64 or 128 bytes, the
 * ring's footprint) the way a writer fills slots, then B reads it back slot by slot
 * with the seqlock's loads (stamp, payload, fence, stamp again) and nothing else.
 * The time per slot is what moving a freshly written slot from one core to the other
 * costs; no reader on another core can consume records faster than that.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <linux/futex.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct floor_shm {
	_Alignas(64) uint64_t line;
	uint8_t pad0[56];
	_Alignas(64) uint32_t b_ready;
	uint32_t stop;
	uint8_t pad1[56];
	_Alignas(64) uint32_t fword;      /* futex word */
	uint32_t fsleeping;               /* B is about to wait */
	uint64_t fstamp;                  /* A's stamp before the wake */
	_Alignas(64) double j_stalls[2];  /* jitter: gaps > 10 us per second, per CPU */
	double j_max_us[2];               /* longest gap */
	double j_lost[2];                 /* share of the time in such gaps */
	_Alignas(64) uint32_t s_turn;     /* stream: 1 = A filled, B's turn; 0 = A's */
	uint32_t s_pass;
	double s_ns[2][8];                /* stream: ns per slot, per slot size and pass */
	struct hist h[2];
	struct hist hf;
	double mean_ns[2];
};

#define STREAM_PASSES 5   /* measured passes; s_ns holds 8 */

#define FLOOR_STOP UINT64_MAX

static inline void wait_for(const uint64_t *p, uint64_t v, int pause)
{
	if (pause) {
		while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != v)
			relax();
	} else {
		while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != v)
			;
	}
}

/* B: answer every odd value v with v + 1 until told to stop. */
static void side_b(struct floor_shm *f)
{
	pin_to_cpu(cpu_reader(0));
	__atomic_store_n(&f->b_ready, 1, __ATOMIC_RELEASE);
	uint64_t last = 0;
	for (;;) {
		uint64_t v;
		while ((v = __atomic_load_n(&f->line, __ATOMIC_ACQUIRE)) == last)
			;
		if (v == FLOOR_STOP)
			_exit(0);
		if (v & 1) {
			__atomic_store_n(&f->line, v + 1, __ATOMIC_RELEASE);
			last = v + 1;
		} else {
			last = v;
		}
	}
}

static void side_a_variants(struct floor_shm *f, int rounds, int variants);

static void side_a(struct floor_shm *f, int rounds)
{
	side_a_variants(f, rounds, 2);
}

/* Just the bare loop: the floor taken right next to a measurement. */
static void side_a_short(struct floor_shm *f, int rounds)
{
	side_a_variants(f, rounds, 1);
}

static void side_b_pair(struct floor_shm *f, int rounds)
{
	(void)rounds;
	side_b(f);
}

static void side_a_variants(struct floor_shm *f, int rounds, int variants)
{
	pin_to_cpu(cpu_writer());
	while (!__atomic_load_n(&f->b_ready, __ATOMIC_ACQUIRE))
		relax();
	uint64_t v = 0;
	for (int pause = 0; pause < variants; pause++) {
		/* Warm-up, then stamped samples, then an unstamped batch for the mean. */
		for (int i = 0; i < rounds / 10; i++) {
			__atomic_store_n(&f->line, v + 1, __ATOMIC_RELEASE);
			wait_for(&f->line, v + 2, pause);
			v += 2;
		}
		for (int i = 0; i < rounds; i++) {
			uint64_t t0 = stamp_now();
			__atomic_store_n(&f->line, v + 1, __ATOMIC_RELEASE);
			wait_for(&f->line, v + 2, pause);
			uint64_t t1 = stamp_now();
			v += 2;
			hist_add(&f->h[pause], ticks_to_ns(t1 - t0));
		}
		uint64_t t0 = stamp_now();
		for (int i = 0; i < rounds; i++) {
			__atomic_store_n(&f->line, v + 1, __ATOMIC_RELEASE);
			wait_for(&f->line, v + 2, pause);
			v += 2;
		}
		f->mean_ns[pause] = (double)ticks_to_ns(stamp_now() - t0) / rounds;
	}
	__atomic_store_n(&f->line, FLOOR_STOP, __ATOMIC_RELEASE);
	_exit(0);
}

static long futex(uint32_t *w, int op, uint32_t v)
{
	return syscall(SYS_futex, w, op, v, NULL, NULL, 0);
}

/* B: sleep until the word moves, record how long after A's stamp we ran. */
static void futex_b(struct floor_shm *f, int rounds)
{
	pin_to_cpu(cpu_reader(0));
	for (int i = 0; i < rounds; i++) {
		uint32_t v = __atomic_load_n(&f->fword, __ATOMIC_ACQUIRE);
		__atomic_store_n(&f->fsleeping, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&f->fword, __ATOMIC_ACQUIRE) == v)
			futex(&f->fword, FUTEX_WAIT, v);
		uint64_t t = stamp_now();
		hist_add(&f->hf, ticks_to_ns(t - __atomic_load_n(&f->fstamp, __ATOMIC_ACQUIRE)));
	}
	_exit(0);
}

static void futex_a(struct floor_shm *f, int rounds)
{
	pin_to_cpu(cpu_writer());
	uint64_t gap = 1000000000u / (g_opt.wake_rate ? g_opt.wake_rate : 2000);
	for (int i = 0; i < rounds; i++) {
		while (!__atomic_load_n(&f->fsleeping, __ATOMIC_ACQUIRE))
			relax();
		__atomic_store_n(&f->fsleeping, 0, __ATOMIC_RELAXED);
		/* Paced as the bus writer is (sleep, then spin the last ~50 us): a waker
		 * fresh out of its own halt wakes a halted sleeper differently. */
		stamp_wait_until(stamp_now() + ns_to_ticks(gap));
		__atomic_store_n(&f->fstamp, stamp_now(), __ATOMIC_RELEASE);
		__atomic_fetch_add(&f->fword, 1, __ATOMIC_RELEASE);
		futex(&f->fword, FUTEX_WAKE, 1);
	}
	_exit(0);
}

/* ------------------------------------------------ herd: N bare futex sleepers */

#define HERD_MAX   32
#define HERD_RING  4096u

/* The floor of N sleeping readers on the reader CPUs at --matrix-rate: no bus, just
 * a counter, a stamp per event and FUTEX_WAKE(all) while anyone waits.  Each sleeper
 * handles every event it missed when it runs (as a sleep-mode reader reads its
 * backlog), so this is what N wake-ups plus N context switches per batch cost here. */
struct herd_shm {
	_Alignas(64) uint32_t word;          /* events published (low 32 bits) */
	_Alignas(64) uint32_t waiters;       /* sleepers inside FUTEX_WAIT or about to be */
	_Alignas(64) uint32_t ready, stop;
	uint64_t stamp[HERD_RING];           /* stamp of event i at [i % HERD_RING] */
	uint64_t lost[HERD_MAX];             /* events overwritten before a sleeper ran */
	struct hist h[HERD_MAX];
};

static void herd_sleeper(struct herd_shm *hs, int k)
{
	pin_to_cpu(cpu_reader(k));
	uint32_t seen = __atomic_load_n(&hs->word, __ATOMIC_ACQUIRE);
	__atomic_fetch_add(&hs->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&hs->stop, __ATOMIC_ACQUIRE)) {
		uint32_t cur = __atomic_load_n(&hs->word, __ATOMIC_ACQUIRE);
		if (cur != seen) {
			uint64_t now = stamp_now();
			for (; seen != cur; seen++) {
				uint64_t t = __atomic_load_n(&hs->stamp[seen % HERD_RING], __ATOMIC_RELAXED);
				if (cur - seen >= HERD_RING / 2)
					hs->lost[k]++;
				else
					hist_add(&hs->h[k], now > t ? ticks_to_ns(now - t) : 0);
			}
			continue;
		}
		/* Dekker with the waker: count ourselves, then re-check the word; it bumps
		 * the word, then loads the count (both sides seq_cst). */
		__atomic_fetch_add(&hs->waiters, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&hs->word, __ATOMIC_SEQ_CST) == cur)
			futex(&hs->word, FUTEX_WAIT, cur);
		__atomic_fetch_sub(&hs->waiters, 1, __ATOMIC_SEQ_CST);
	}
	_exit(0);
}

static void herd_waker(struct herd_shm *hs, int n)
{
	pin_to_cpu(cpu_writer());
	uint64_t limit = mono_now_ns() + 10000000000ull;
	while (__atomic_load_n(&hs->ready, __ATOMIC_ACQUIRE) < (uint32_t)n && mono_now_ns() < limit)
		usleep(1000);
	usleep(20000); /* let every sleeper reach its first wait */
	uint64_t t0 = stamp_now(), end = t0 + ns_to_ticks((uint64_t)(g_opt.seconds * 1e9));
	struct pacer pc;
	pacer_init(&pc, g_opt.matrix_rate ? g_opt.matrix_rate : 100000, t0);
	uint64_t now;
	for (uint64_t i = 0; pacer_wait(&pc, i, end, &now); i++) {
		uint32_t w = (uint32_t)i;
		__atomic_store_n(&hs->stamp[w % HERD_RING], now, __ATOMIC_RELAXED);
		__atomic_store_n(&hs->word, w + 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&hs->waiters, __ATOMIC_SEQ_CST))
			futex(&hs->word, FUTEX_WAKE, INT32_MAX);
	}
	__atomic_store_n(&hs->stop, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&hs->word, 1, __ATOMIC_SEQ_CST);
	futex(&hs->word, FUTEX_WAKE, INT32_MAX);
	_exit(0);
}

/* Returns 0, or -1 if a process failed or hung. */
static int herd_run(int n)
{
	struct herd_shm *hs = mmap(NULL, sizeof *hs, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (hs == MAP_FAILED)
		return -1;
	memset(hs, 0, sizeof *hs);
	for (int k = 0; k < n; k++)
		hist_reset(&hs->h[k]);
	pid_t pid[HERD_MAX + 1];
	int started = 0, ok = 1;
	fflush(NULL);
	for (int k = 0; k <= n && ok; k++) {
		pid_t p = fork();
		if (p == 0) {
			bench_child_start();
			if (k < n)
				herd_sleeper(hs, k);
			herd_waker(hs, n);
		}
		ok = p > 0;
		if (ok)
			pid[started++] = p;
	}
	uint64_t limit = mono_now_ns() + 60000000000ull;
	for (int k = 0; k < started; k++) {
		int st = 0;
		while (ok && waitpid(pid[k], &st, WNOHANG) == 0) {
			if (mono_now_ns() > limit || g_stop) {
				ok = 0;
				break;
			}
			usleep(2000);
		}
		if (!ok)
			break;
		ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	if (!ok)
		for (int k = 0; k < started; k++) {
			kill(pid[k], SIGKILL);
			waitpid(pid[k], NULL, 0);
		}
	if (ok) {
		struct hist all;
		hist_reset(&all);
		uint64_t lost = 0;
		for (int k = 0; k < n; k++) {
			hist_merge(&all, &hs->h[k]);
			lost += hs->lost[k];
		}
		ok = all.count > 0;
		if (ok) {
			m_put(hist_quantile(&all, 0.5), "floor.herd.p50_ns");
			m_put(hist_quantile(&all, 0.99), "floor.herd.p99_ns");
			m_put((double)lost, "floor.herd.lost");
			m_put((double)n, "floor.herd.n");
		}
	}
	munmap(hs, sizeof *hs);
	return ok ? 0 : -1;
}

static int run_pair(void (*fa)(struct floor_shm *, int), void (*fb)(struct floor_shm *, int),
		    struct floor_shm *f, int rounds)
{
	fflush(NULL);
	pid_t b = fork();
	if (b == 0) {
		bench_child_start();
		fb(f, rounds);
	}
	pid_t a = b > 0 ? fork() : -1;
	if (a == 0) {
		bench_child_start();
		fa(f, rounds);
	}
	int ok = a > 0 && b > 0, sa = 0, sb = 0;
	uint64_t limit = mono_now_ns() + 60000000000ull;
	while (ok && (waitpid(a, &sa, WNOHANG) == 0 || waitpid(b, &sb, WNOHANG) == 0)) {
		if (mono_now_ns() > limit || g_stop) {
			ok = 0;
			break;
		}
		usleep(5000);
	}
	if (!ok) {
		if (a > 0) {
			kill(a, SIGKILL);
			waitpid(a, NULL, 0);
		}
		if (b > 0) {
			kill(b, SIGKILL);
			waitpid(b, NULL, 0);
		}
	}
	return ok ? 0 : -1;
}

static void jitter_side(struct floor_shm *f, int which)
{
	pin_to_cpu(which ? cpu_reader(0) : cpu_writer());
	uint64_t gap = ns_to_ticks(10000), t0 = stamp_now(), prev = t0;
	uint64_t end = t0 + ns_to_ticks((uint64_t)(g_opt.seconds * 1e9)), n = 0, lost = 0, mx = 0;
	for (;;) {
		uint64_t t = stamp_now();
		uint64_t d = t - prev;
		if (d > gap) {
			n++;
			lost += d;
			if (d > mx)
				mx = d;
		}
		prev = t;
		if (t >= end)
			break;
	}
	double secs = (double)ticks_to_ns(prev - t0) / 1e9;
	f->j_stalls[which] = secs > 0 ? (double)n / secs : 0;
	f->j_max_us[which] = (double)ticks_to_ns(mx) / 1e3;
	f->j_lost[which] = secs > 0 ? (double)ticks_to_ns(lost) / 1e9 / secs : 0;
	_exit(0);
}

static void jitter_a(struct floor_shm *f, int unused)
{
	(void)unused;
	jitter_side(f, 0);
}

static void jitter_b(struct floor_shm *f, int unused)
{
	(void)unused;
	jitter_side(f, 1);
}

static uint8_t *g_stream;             /* MAP_SHARED, slots x 128 bytes */

static void stream_a(struct floor_shm *f, int passes)
{
	pin_to_cpu(cpu_writer());
	for (int size = 64, si = 0; si < 2; size *= 2, si++)
		for (int p = 0; p < passes; p++) {
			while (__atomic_load_n(&f->s_turn, __ATOMIC_ACQUIRE))
				relax();
			for (uint64_t i = 0; i < g_opt.slots; i++) {
				uint64_t *sl = (uint64_t *)(g_stream + i * (uint64_t)size);
				__atomic_store_n(&sl[0], 2 * i + 1, __ATOMIC_RELAXED);
				__atomic_thread_fence(__ATOMIC_RELEASE);
				for (int k = 1; k < size / 8; k++)
					__atomic_store_n(&sl[k], i ^ (uint64_t)k, __ATOMIC_RELAXED);
				__atomic_store_n(&sl[0], 2 * i + 2, __ATOMIC_RELEASE);
			}
			__atomic_store_n(&f->s_turn, 1, __ATOMIC_RELEASE);
		}
	_exit(0);
}

static void stream_b(struct floor_shm *f, int passes)
{
	pin_to_cpu(cpu_reader(0));
	uint64_t sink = 0;
	for (int size = 64, si = 0; si < 2; size *= 2, si++)
		for (int p = 0; p < passes; p++) {
			while (!__atomic_load_n(&f->s_turn, __ATOMIC_ACQUIRE))
				relax();
			uint64_t t0 = stamp_now();
			for (uint64_t i = 0; i < g_opt.slots; i++) {
				const uint64_t *sl = (const uint64_t *)(g_stream + i * (uint64_t)size);
				uint64_t buf[16];
				uint64_t s1 = __atomic_load_n(&sl[0], __ATOMIC_ACQUIRE);
				for (int k = 1; k < size / 8; k++)
					buf[k] = __atomic_load_n(&sl[k], __ATOMIC_RELAXED);
				__atomic_thread_fence(__ATOMIC_ACQUIRE);
				sink += (s1 == __atomic_load_n(&sl[0], __ATOMIC_RELAXED)) + buf[1];
			}
			f->s_ns[si][p] = (double)ticks_to_ns(stamp_now() - t0) / (double)g_opt.slots;
			__atomic_store_n(&f->s_turn, 0, __ATOMIC_RELEASE);
		}
	_exit(sink == 42 ? 1 : 0);
}

static double median_of(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double floor_rtt_now(void)
{
	struct floor_shm *f = mmap(NULL, sizeof *f, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (f == MAP_FAILED || g_opt.ncpus < 2)
		return NAN;
	memset(f, 0, sizeof *f);
	hist_reset(&f->h[0]);
	hist_reset(&f->h[1]);
	double v = NAN;
	if (run_pair(side_a_short, side_b_pair, f, 20000) == 0 && f->h[0].count)
		v = hist_quantile(&f->h[0], 0.5);
	munmap(f, sizeof *f);
	return v;
}

int mode_floor(void)
{
	if (g_opt.ncpus < 2) {
		m_skip("floor", "needs two CPUs, this process may use %d", g_opt.ncpus);
		return -1;
	}
	struct floor_shm *f = mmap(NULL, sizeof *f, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (f == MAP_FAILED)
		return -1;
	memset(f, 0, sizeof *f);
	hist_reset(&f->h[0]);
	hist_reset(&f->h[1]);
	int rounds = g_opt.quick ? 20000 : 200000;
	fflush(NULL);
	pid_t b = fork();
	if (b == 0) {
		bench_child_start();
		side_b(f);
	}
	pid_t a = b > 0 ? fork() : -1;
	if (a == 0) {
		bench_child_start();
		side_a(f, rounds);
	}
	int ok = a > 0 && b > 0;
	uint64_t limit = mono_now_ns() + 60000000000ull;
	int sa = 0;
	while (ok && waitpid(a, &sa, WNOHANG) == 0) {
		if (mono_now_ns() > limit) {
			kill(a, SIGKILL);
			waitpid(a, &sa, 0);
			ok = 0;
			break;
		}
		usleep(5000);
	}
	if (b > 0) {
		__atomic_store_n(&f->line, FLOOR_STOP, __ATOMIC_RELEASE);
		usleep(1000);
		kill(b, SIGKILL);
		waitpid(b, NULL, 0);
	}
	ok = ok && WIFEXITED(sa) && WEXITSTATUS(sa) == 0 && f->h[0].count;
	if (ok) {
		m_put(hist_quantile(&f->h[0], 0.5), "floor.rtt.p50_ns");
		m_put(hist_quantile(&f->h[0], 0.99), "floor.rtt.p99_ns");
		m_put(hist_quantile(&f->h[0], 0.999), "floor.rtt.p999_ns");
		m_put(f->mean_ns[0], "floor.rtt.mean_ns");
		m_put(hist_quantile(&f->h[1], 0.5), "floor.rtt_pause.p50_ns");
		m_put(hist_quantile(&f->h[1], 0.99), "floor.rtt_pause.p99_ns");
		m_put(f->mean_ns[1], "floor.rtt_pause.mean_ns");
	} else {
		check_note_failure("floor", "cache-line ping-pong did not complete");
	}
	int frounds = (int)(g_opt.seconds * (double)(g_opt.wake_rate ? g_opt.wake_rate : 2000));
	if (frounds < 20)
		frounds = 20;
	hist_reset(&f->hf);
	if (run_pair(futex_a, futex_b, f, frounds) == 0 && f->hf.count) {
		m_put(hist_quantile(&f->hf, 0.5), "floor.futex.p50_ns");
		m_put(hist_quantile(&f->hf, 0.99), "floor.futex.p99_ns");
	} else {
		check_note_failure("floor.futex", "futex wake-up measurement did not complete");
		ok = 0;
	}
	/* the largest reader count of the matrix, as sleepers */
	int hn = 0;
	for (int i = 0; i < g_opt.nreaders; i++)
		hn = g_opt.readers[i] > hn ? g_opt.readers[i] : hn;
	hn = hn > HERD_MAX ? HERD_MAX : hn;
	if (hn > 0 && herd_run(hn) < 0) {
		check_note_failure("floor.herd", "futex herd measurement did not complete");
		ok = 0;
	}
	if (run_pair(jitter_a, jitter_b, f, 0) == 0) {
		m_put(f->j_stalls[0] + f->j_stalls[1], "floor.jitter.stalls_per_s");
		m_put(fmax(f->j_max_us[0], f->j_max_us[1]), "floor.jitter.max_us");
		m_put(100 * (f->j_lost[0] + f->j_lost[1]) / 2, "floor.jitter.lost_pct");
	}
	size_t ssize = (size_t)g_opt.slots * 128;
	g_stream = mmap(NULL, ssize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (g_stream != MAP_FAILED) {
		/* The first pass faults the pages in: a warm-up, left out. */
		int passes = (g_opt.quick ? 2 : STREAM_PASSES) + 1;
		f->s_turn = 0;
		if (run_pair(stream_a, stream_b, f, passes) == 0) {
			for (int si = 0; si < 2; si++) {
				double ns = median_of(f->s_ns[si] + 1, passes - 1);
				m_put(ns, "floor.stream%d.ns_per_slot", si ? 128 : 64);
				m_put(ns > 0 ? 1e9 / ns : NAN, "floor.stream%d.max_rps", si ? 128 : 64);
			}
		} else {
			check_note_failure("floor.stream", "cross-core streaming measurement did not complete");
			ok = 0;
		}
		munmap(g_stream, ssize);
	}
	munmap(f, sizeof *f);
	return ok ? 0 : -1;
}

void report_floor(FILE *o)
{
	char a[64], b[64], c[64], d[64];
	fprintf(o, "\n== floor: cache-line round trip, CPU %d <-> CPU %d (median [min..max] of %d reps)\n",
		cpu_writer(), cpu_reader(0), g_opt.reps);
	if (m_skipped("floor")) {
		fprintf(o, "   skipped: %s\n", m_skipped("floor"));
		return;
	}
	fprintf(o, "   %-26s %-24s %-24s %-24s %s\n", "variant", "p50", "p99", "p99.9", "mean (unstamped)");
	fprintf(o, "   %-26s %-24s %-24s %-24s %s\n", "bare load loop (floor)", fmt_ns(a, sizeof a, "floor.rtt.p50_ns"),
		fmt_ns(b, sizeof b, "floor.rtt.p99_ns"), fmt_ns(c, sizeof c, "floor.rtt.p999_ns"),
		fmt_ns(d, sizeof d, "floor.rtt.mean_ns"));
	fprintf(o, "   %-26s %-24s %-24s %-24s %s\n", "with pause per poll", fmt_ns(a, sizeof a, "floor.rtt_pause.p50_ns"),
		fmt_ns(b, sizeof b, "floor.rtt_pause.p99_ns"), "-", fmt_ns(d, sizeof d, "floor.rtt_pause.mean_ns"));
	fprintf(o, "   per-sample times include one stamp pair (%s)\n", g_tsc_ok ? "rdtsc" : "clock_gettime");
	fprintf(o, "   cross-core streaming of %u freshly written slots (the throughput floor): 64 B %s (%s),\n"
		   "   128 B %s (%s)\n", g_opt.slots, fmt_ns(a, sizeof a, "floor.stream64.ns_per_slot"),
		fmt_rate(b, sizeof b, "floor.stream64.max_rps"), fmt_ns(c, sizeof c, "floor.stream128.ns_per_slot"),
		fmt_rate(d, sizeof d, "floor.stream128.max_rps"));
	fprintf(o, "   CPU stalls over 10 us while spinning on both CPUs (the floor of tails): %s per second,\n"
		   "   longest %s, %s of the time\n",
		fmt_num(a, sizeof a, "floor.jitter.stalls_per_s", "", 1, 0), fmt_num(b, sizeof b, "floor.jitter.max_us", " us", 1, 0),
		fmt_num(c, sizeof c, "floor.jitter.lost_pct", " %", 1, 2));
	fprintf(o, "   futex wake-up (the floor of a sleeping reader), one sleeper, %.0f wakes/s: p50 %s, p99 %s\n",
		(double)g_opt.wake_rate, fmt_ns(a, sizeof a, "floor.futex.p50_ns"), fmt_ns(b, sizeof b, "floor.futex.p99_ns"));
	fprintf(o, "   %s bare futex sleepers on the reader CPU(s), %.0f events/s, FUTEX_WAKE(all) per event\n"
		   "   (the floor of that many sleep-mode readers): p50 %s, p99 %s, %s events lost\n",
		fmt_num(d, sizeof d, "floor.herd.n", "", 1, 0), (double)g_opt.matrix_rate,
		fmt_ns(a, sizeof a, "floor.herd.p50_ns"), fmt_ns(b, sizeof b, "floor.herd.p99_ns"),
		fmt_num(c, sizeof c, "floor.herd.lost", "", 1, 0));
}
