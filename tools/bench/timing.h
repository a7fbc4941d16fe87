/*
 * timing.h — clocks, CPU pinning and machine facts for mdbus-bench (private).
 *
 * Latency stamps are TSC ticks where the TSC is invariant (constant_tsc and
 * nonstop_tsc, so one tick means the same on every core and in every process),
 * converted to nanoseconds with a rate calibrated against CLOCK_MONOTONIC at start.
 * Elsewhere the stamps fall back to CLOCK_MONOTONIC nanoseconds (1 tick = 1 ns).
 * A stamp costs ~20-60 ns here (lfence + rdtsc) against ~100 ns for clock_gettime on
 * kvm-clock, which is why throughput runs stamp nothing and paced runs stamp every
 * record.
 */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

extern int g_tsc_ok;           /* 1: stamps are rdtsc ticks */
extern double g_ns_per_tick;   /* ns per stamp tick */
extern double g_ticks_per_ns;

static inline uint64_t mono_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int64_t real_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + (int64_t)ts.tv_nsec;
}

/* A latency stamp: TSC ticks or monotonic ns (see g_tsc_ok).  The lfence keeps rdtsc
 * from executing before the loads that precede it (a reader's stamp must come after
 * it has the record), at ~25 ns. */
static inline uint64_t stamp_now(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (g_tsc_ok) {
		_mm_lfence();
		return __rdtsc();
	}
#endif
	return mono_now_ns();
}

/* Ticks to ns; a difference that came out negative (stamps of two CPUs can differ by
 * a few ticks) arrives here as a huge unsigned value and counts as 0. */
static inline uint64_t ticks_to_ns(uint64_t ticks)
{
	if (ticks > (UINT64_C(1) << 62))
		return 0;
	return (uint64_t)((double)ticks * g_ns_per_tick);
}

static inline uint64_t ns_to_ticks(uint64_t ns)
{
	return (uint64_t)((double)ns * g_ticks_per_ns);
}

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/* Decide the stamp source and calibrate it over about `ms` milliseconds. */
void timing_init(int ms);

/* Sleep until stamp `until` is near, then spin to it (keeps a paced writer's core
 * free at low rates without making it late at high ones). */
void stamp_wait_until(uint64_t until);

/* A fixed-rate schedule of events 0, 1, 2, ... from stamp t0.  pacer_wait(p, i, end,
 * &now) waits until event i is due and returns 1 with the stamp it woke at, or 0 once
 * that is at or past `end`; an event over 10 us late counts in p->late, and one over
 * 1 ms late (preempted) restarts the schedule from now instead of sending the backlog
 * as one burst. */
struct pacer {
	double period;             /* ticks between events */
	uint64_t base, k0;         /* event k0 is due at base */
	uint64_t late_ticks, reset_ticks;
	uint64_t late;
};

void pacer_init(struct pacer *p, uint64_t rate, uint64_t t0);
int pacer_wait(struct pacer *p, uint64_t i, uint64_t end, uint64_t *now);

/* CPUs this process may run on, ascending; returns how many (at most max). */
int cpus_allowed(int *cpus, int max);

/* Pin the calling thread to one CPU (-1: leave as is).  Returns 0 or -errno. */
int pin_to_cpu(int cpu);

/* Pin process pid to one CPU (-1: leave as is).  Returns 0 or -errno. */
int pin_pid_to_cpu(int pid, int cpu);

/* Let the calling thread run on every CPU in cpus[0..n) again. */
void unpin(const int *cpus, int n);

/* CPU accounting of the whole machine and of this process tree, in ns, to tell how
 * much of the CPUs others used during a repetition (and how much the hypervisor stole). */
struct cpu_sample {
	uint64_t busy_ns;    /* all CPUs: user+nice+system+irq+softirq (/proc/stat) */
	uint64_t steal_ns;   /* all CPUs: steal */
	uint64_t total_ns;   /* all CPUs: everything, idle included */
	uint64_t ours_ns;    /* this process and its waited-for children (getrusage) */
};
void cpu_sample_take(struct cpu_sample *s);

/* 1-, 5- and 15-minute load averages from /proc/loadavg (zeros if unreadable). */
void load_avg(double out[3]);

/* CPU time of process pid in ns: /proc/pid/schedstat (ns) when present.  *stat_ns
 * (may be NULL) receives utime+stime from /proc/pid/stat (clock-tick resolution).
 * Returns 0 or -1. */
int proc_cpu_ns(int pid, uint64_t *sched_ns, uint64_t *stat_ns);

#endif
