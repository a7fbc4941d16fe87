/* timing.c — see timing.h. */
#define _GNU_SOURCE
#include "timing.h"

#include <errno.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int g_tsc_ok;
double g_ns_per_tick = 1.0;
double g_ticks_per_ns = 1.0;

/* The TSC is usable across cores and processes only when invariant. */
static int tsc_invariant(void)
{
#if defined(__x86_64__) || defined(__i386__)
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return 0;
	char line[4096];
	int constant = 0, nonstop = 0;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
	return constant && nonstop;
#else
	return 0;
#endif
}

void timing_init(int ms)
{
	g_tsc_ok = 0;
	g_ns_per_tick = g_ticks_per_ns = 1.0;
	if (!tsc_invariant())
		return;
	g_tsc_ok = 1;
	/* Two calibrations; keep the second (the first warms the clock paths). */
	for (int k = 0; k < 2; k++) {
		uint64_t n0 = mono_now_ns(), t0 = stamp_now();
		struct timespec d = { 0, (long)ms * 500000L };
		nanosleep(&d, NULL);
		uint64_t n1 = mono_now_ns(), t1 = stamp_now();
		if (t1 <= t0 || n1 <= n0) {
			g_tsc_ok = 0;
			g_ns_per_tick = g_ticks_per_ns = 1.0;
			return;
		}
		g_ns_per_tick = (double)(n1 - n0) / (double)(t1 - t0);
		g_ticks_per_ns = 1.0 / g_ns_per_tick;
	}
}

void stamp_wait_until(uint64_t until)
{
	uint64_t now = stamp_now();
	if (now >= until)
		return;
	uint64_t left_ns = ticks_to_ns(until - now);
	if (left_ns > 80000) {
		/* Wake ~50 us early: timer slack and the wake-up itself. */
		struct timespec d = { (time_t)((left_ns - 50000) / 1000000000u),
				      (long)((left_ns - 50000) % 1000000000u) };
		nanosleep(&d, NULL);
	}
	while (stamp_now() < until)
		relax();
}

void pacer_init(struct pacer *p, uint64_t rate, uint64_t t0)
{
	p->period = 1e9 * g_ticks_per_ns / (double)rate;
	p->base = t0;
	p->k0 = 0;
	p->late_ticks = ns_to_ticks(10000);
	p->reset_ticks = ns_to_ticks(1000000);
	p->late = 0;
}

int pacer_wait(struct pacer *p, uint64_t i, uint64_t end, uint64_t *now)
{
	uint64_t due = p->base + (uint64_t)((double)(i - p->k0) * p->period);
	stamp_wait_until(due);
	uint64_t t = stamp_now();
	if (t >= end)
		return 0;
	if (t - due > p->late_ticks) {
		p->late++;
		if (t - due > p->reset_ticks) {
			p->base = t;
			p->k0 = i;
		}
	}
	*now = t;
	return 1;
}

int cpus_allowed(int *cpus, int max)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set) < 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		int k = 0;
		for (long i = 0; i < n && k < max; i++)
			cpus[k++] = (int)i;
		return k;
	}
	int k = 0;
	for (int i = 0; i < CPU_SETSIZE && k < max; i++)
		if (CPU_ISSET(i, &set))
			cpus[k++] = i;
	return k;
}

int pin_to_cpu(int cpu)
{
	if (cpu < 0)
		return 0;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof set, &set) < 0 ? -errno : 0;
}

int pin_pid_to_cpu(int pid, int cpu)
{
	if (cpu < 0)
		return 0;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(pid, sizeof set, &set) < 0 ? -errno : 0;
}

void unpin(const int *cpus, int n)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	for (int i = 0; i < n; i++)
		CPU_SET(cpus[i], &set);
	sched_setaffinity(0, sizeof set, &set);
}

void cpu_sample_take(struct cpu_sample *s)
{
	memset(s, 0, sizeof *s);
	FILE *f = fopen("/proc/stat", "r");
	if (f) {
		unsigned long long v[10] = { 0 };
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
			   &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 8) {
			long hz = sysconf(_SC_CLK_TCK);
			uint64_t tick = 1000000000ull / (uint64_t)(hz > 0 ? hz : 100);
			/* user nice system idle iowait irq softirq steal guest guest_nice */
			s->busy_ns = (v[0] + v[1] + v[2] + v[5] + v[6]) * tick;
			s->steal_ns = v[7] * tick;
			s->total_ns = (v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7]) * tick;
		}
		fclose(f);
	}
	struct rusage a, b;
	if (getrusage(RUSAGE_SELF, &a) == 0 && getrusage(RUSAGE_CHILDREN, &b) == 0) {
		uint64_t us = (uint64_t)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec + b.ru_stime.tv_sec) *
				      1000000u +
			      (uint64_t)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec);
		s->ours_ns = us * 1000u;
	}
}

void load_avg(double out[3])
{
	out[0] = out[1] = out[2] = 0;
	FILE *f = fopen("/proc/loadavg", "r");
	if (!f)
		return;
	if (fscanf(f, "%lf %lf %lf", &out[0], &out[1], &out[2]) != 3)
		out[0] = out[1] = out[2] = 0;
	fclose(f);
}

int proc_cpu_ns(int pid, uint64_t *sched_ns, uint64_t *stat_ns)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
	FILE *f = fopen(path, "r");
	unsigned long long v = 0;
	int ok = 0;
	if (f) {
		ok = fscanf(f, "%llu", &v) == 1;
		fclose(f);
	}
	if (sched_ns)
		*sched_ns = ok ? v : 0;
	if (stat_ns) {
		*stat_ns = 0;
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (f) {
			size_t n = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
			buf[n] = '\0';
			/* Fields after the command name, which may hold spaces: from the last ')'. */
			char *p = strrchr(buf, ')');
			unsigned long long ut = 0, st = 0;
			if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
					&ut, &st) == 2) {
				long hz = sysconf(_SC_CLK_TCK);
				*stat_ns = (ut + st) * (1000000000ull / (unsigned long long)(hz > 0 ? hz : 100));
				ok = 1;
			}
		}
	}
	return ok ? 0 : -1;
}
