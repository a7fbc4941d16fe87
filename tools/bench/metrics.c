/*
 * metrics.c — per-repetition values, their medians, the readers' checks, and the
 * JSON document (see bench.h).
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#ifndef MDBUS_VERSION
#define MDBUS_VERSION "0.0.0"
#endif

struct metric {
	char key[96];
	double v[BENCH_MAX_REPS];  /* indexed by repetition; NAN = not measured */
	int nrep;                  /* highest repetition + 1 */
};

static struct metric *g_m;
static int g_nm, g_capm;

struct skip {
	char mode[16];
	char why[256];
};
static struct skip g_skips[8];
static int g_nskips;

struct check {
	char run[64];
	int rep;
	uint64_t written;
	int n;
	uint64_t *read, *lost, *corrupt;
	int timeouts;
	char failure[160];
};
static struct check *g_c;
static int g_nc, g_capc;

static struct metric *find(const char *key, int create)
{
	for (int i = 0; i < g_nm; i++)
		if (strcmp(g_m[i].key, key) == 0)
			return &g_m[i];
	if (!create)
		return NULL;
	if (g_nm == g_capm) {
		g_capm = g_capm ? 2 * g_capm : 256;
		g_m = realloc(g_m, (size_t)g_capm * sizeof *g_m);
		if (!g_m) {
			fprintf(stderr, BENCH_PROG ": out of memory\n");
			exit(1);
		}
	}
	struct metric *m = &g_m[g_nm++];
	memset(m, 0, sizeof *m);
	snprintf(m->key, sizeof m->key, "%s", key);
	for (int i = 0; i < BENCH_MAX_REPS; i++)
		m->v[i] = NAN;
	return m;
}

void m_put(double v, const char *fmt, ...)
{
	char key[96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(key, sizeof key, fmt, ap);
	va_end(ap);
	struct metric *m = find(key, 1);
	if (g_rep < 0 || g_rep >= BENCH_MAX_REPS)
		return;
	m->v[g_rep] = v;
	if (g_rep + 1 > m->nrep)
		m->nrep = g_rep + 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorted finite values of m; returns how many. */
static int values(const struct metric *m, double *out)
{
	int n = 0;
	for (int i = 0; i < m->nrep; i++)
		if (!isnan(m->v[i]))
			out[n++] = m->v[i];
	qsort(out, (size_t)n, sizeof *out, cmp_double);
	return n;
}

enum { AGG_MED, AGG_MIN, AGG_MAX, AGG_CUR };

static double agg(int how, const char *fmt, va_list ap)
{
	char key[96];
	vsnprintf(key, sizeof key, fmt, ap);
	const struct metric *m = find(key, 0);
	if (!m)
		return NAN;
	if (how == AGG_CUR)
		return g_rep >= 0 && g_rep < m->nrep ? m->v[g_rep] : NAN;
	double v[BENCH_MAX_REPS];
	int n = values(m, v);
	if (!n)
		return NAN;
	switch (how) {
	case AGG_MIN: return v[0];
	case AGG_MAX: return v[n - 1];
	default: return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
}

#define AGG_FN(fn, how)                              \
	double fn(const char *fmt, ...)              \
	{                                            \
		va_list ap;                          \
		va_start(ap, fmt);                   \
		double r = agg(how, fmt, ap);        \
		va_end(ap);                          \
		return r;                            \
	}
AGG_FN(m_med, AGG_MED)
AGG_FN(m_min, AGG_MIN)
AGG_FN(m_max, AGG_MAX)
AGG_FN(m_cur, AGG_CUR)

void m_skip(const char *mode, const char *fmt, ...)
{
	if (m_skipped(mode) || g_nskips == (int)(sizeof g_skips / sizeof g_skips[0]))
		return;
	struct skip *s = &g_skips[g_nskips++];
	snprintf(s->mode, sizeof s->mode, "%s", mode);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof s->why, fmt, ap);
	va_end(ap);
	fprintf(stderr, BENCH_PROG ": %s skipped: %s\n", mode, s->why);
}

const char *m_skipped(const char *mode)
{
	for (int i = 0; i < g_nskips; i++)
		if (strcmp(g_skips[i].mode, mode) == 0)
			return g_skips[i].why;
	return NULL;
}

/* --------------------------------------------------------------- checks */

static struct check *new_check(const char *run)
{
	if (g_nc == g_capc) {
		g_capc = g_capc ? 2 * g_capc : 128;
		g_c = realloc(g_c, (size_t)g_capc * sizeof *g_c);
		if (!g_c) {
			fprintf(stderr, BENCH_PROG ": out of memory\n");
			exit(1);
		}
	}
	struct check *c = &g_c[g_nc++];
	memset(c, 0, sizeof *c);
	snprintf(c->run, sizeof c->run, "%s", run);
	c->rep = g_rep;
	return c;
}

void check_add(const char *run, uint64_t written, int n, const struct reader_res *r)
{
	struct check *c = new_check(run);
	c->written = written;
	c->n = n;
	c->read = calloc((size_t)(n ? n : 1), sizeof(uint64_t));
	c->lost = calloc((size_t)(n ? n : 1), sizeof(uint64_t));
	c->corrupt = calloc((size_t)(n ? n : 1), sizeof(uint64_t));
	if (!c->read || !c->lost || !c->corrupt) {
		fprintf(stderr, BENCH_PROG ": out of memory\n");
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		c->read[i] = r[i].read;
		c->lost[i] = r[i].lost;
		c->corrupt[i] = r[i].corrupt;
		c->timeouts += r[i].timed_out != 0;
	}
}

void check_note_failure(const char *run, const char *why)
{
	struct check *c = new_check(run);
	snprintf(c->failure, sizeof c->failure, "%s", why);
}

uint64_t checks_corrupt_total(void)
{
	uint64_t t = 0;
	for (int i = 0; i < g_nc; i++)
		for (int k = 0; k < g_c[i].n; k++)
			t += g_c[i].corrupt[k];
	return t;
}

int checks_failures(void)
{
	int f = 0;
	for (int i = 0; i < g_nc; i++) {
		const struct check *c = &g_c[i];
		f += c->failure[0] != '\0' || c->timeouts;
		for (int k = 0; k < c->n; k++)
			f += c->read[k] + c->lost[k] != c->written;
	}
	return f;
}

void metrics_free(void)
{
	for (int i = 0; i < g_nc; i++) {
		free(g_c[i].read);
		free(g_c[i].lost);
		free(g_c[i].corrupt);
	}
	free(g_c);
	free(g_m);
	g_c = NULL;
	g_m = NULL;
	g_nc = g_capc = g_nm = g_capm = 0;
}

/* ------------------------------------------------------------ formatting */

FILE *out_stream(void)
{
	return g_opt.json ? stderr : stdout;
}

static const char *fmt_generic(char *buf, size_t cap, const char *key, double scale,
			       const char *unit, int prec)
{
	double med = m_med("%s", key), lo = m_min("%s", key), hi = m_max("%s", key);
	if (isnan(med)) {
		snprintf(buf, cap, "-");
		return buf;
	}
	if (lo == hi || g_opt.reps < 2)
		snprintf(buf, cap, "%.*f%s", prec, med / scale, unit);
	else
		snprintf(buf, cap, "%.*f%s [%.*f..%.*f]", prec, med / scale, unit, prec, lo / scale,
			 prec, hi / scale);
	return buf;
}

const char *fmt_ns(char *buf, size_t cap, const char *key)
{
	double med = m_med("%s", key);
	if (!isnan(med) && med >= 100000)
		return fmt_generic(buf, cap, key, 1000, " us", 0);
	if (!isnan(med) && med >= 10000)
		return fmt_generic(buf, cap, key, 1000, " us", 1);
	return fmt_generic(buf, cap, key, 1, " ns", 0);
}

const char *fmt_rate(char *buf, size_t cap, const char *key)
{
	double med = m_med("%s", key);
	if (!isnan(med) && med < 1e6)
		return fmt_generic(buf, cap, key, 1e3, " k/s", 1);
	return fmt_generic(buf, cap, key, 1e6, " M/s", 2);
}

const char *fmt_num(char *buf, size_t cap, const char *key, const char *unit, double scale, int prec)
{
	return fmt_generic(buf, cap, key, scale, unit, prec);
}

const char *fmt_ratio(char *buf, size_t cap, const char *key)
{
	double med = m_med("%s", key);
	return fmt_generic(buf, cap, key, 1, "x", !isnan(med) && med >= 100 ? 0 : 2);
}

/* ------------------------------------------------------------------ JSON */

static cJSON *num_or_null(double v)
{
	return isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

static cJSON *u64_array(const uint64_t *v, int n)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i]));
	return a;
}

void json_emit(FILE *o, const char *mode, double lb[3], double la[3], double seconds)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "tool", BENCH_PROG);
	cJSON_AddStringToObject(root, "version", MDBUS_VERSION);
	cJSON_AddStringToObject(root, "mode", mode);
	cJSON_AddBoolToObject(root, "quick", g_opt.quick);
	cJSON_AddNumberToObject(root, "reps", g_opt.reps);
	cJSON_AddNumberToObject(root, "elapsed_s", seconds);

	cJSON *mach = cJSON_AddObjectToObject(root, "machine");
	struct utsname u;
	if (uname(&u) == 0) {
		cJSON_AddStringToObject(mach, "kernel", u.release);
		cJSON_AddStringToObject(mach, "arch", u.machine);
	}
	cJSON_AddNumberToObject(mach, "cpus", g_opt.ncpus);
	cJSON_AddStringToObject(mach, "stamp", g_tsc_ok ? "rdtsc" : "CLOCK_MONOTONIC");
	cJSON_AddItemToObject(mach, "tsc_ghz", num_or_null(g_tsc_ok ? g_ticks_per_ns : NAN));
	cJSON *lbj = cJSON_AddArrayToObject(mach, "load_before");
	cJSON *laj = cJSON_AddArrayToObject(mach, "load_after");
	for (int i = 0; i < 3; i++) {
		cJSON_AddItemToArray(lbj, cJSON_CreateNumber(lb[i]));
		cJSON_AddItemToArray(laj, cJSON_CreateNumber(la[i]));
	}

	cJSON *par = cJSON_AddObjectToObject(root, "parameters");
	cJSON_AddNumberToObject(par, "phase_seconds", g_opt.seconds);
	cJSON_AddNumberToObject(par, "rate", (double)g_opt.rate);
	cJSON_AddNumberToObject(par, "matrix_rate", (double)g_opt.matrix_rate);
	cJSON_AddNumberToObject(par, "wake_rate", (double)g_opt.wake_rate);
	cJSON_AddNumberToObject(par, "thr_rate", (double)g_opt.thr_rate);
	cJSON_AddNumberToObject(par, "slots", g_opt.slots);
	cJSON_AddNumberToObject(par, "thr_slots", g_opt.thr_slots);
	cJSON_AddNumberToObject(par, "e2e_rate", (double)g_opt.e2e_rate);
	cJSON_AddNumberToObject(par, "e2e_seconds", g_opt.e2e_seconds);
	cJSON *rd = cJSON_AddArrayToObject(par, "readers");
	for (int i = 0; i < g_opt.nreaders; i++)
		cJSON_AddItemToArray(rd, cJSON_CreateNumber(g_opt.readers[i]));

	cJSON *sk = cJSON_AddObjectToObject(root, "skipped");
	for (int i = 0; i < g_nskips; i++)
		cJSON_AddStringToObject(sk, g_skips[i].mode, g_skips[i].why);

	cJSON *mj = cJSON_AddObjectToObject(root, "metrics");
	for (int i = 0; i < g_nm; i++) {
		const struct metric *m = &g_m[i];
		cJSON *e = cJSON_AddObjectToObject(mj, m->key);
		double v[BENCH_MAX_REPS];
		int n = values(m, v);
		cJSON_AddItemToObject(e, "median", num_or_null(m_med("%s", m->key)));
		cJSON_AddItemToObject(e, "min", num_or_null(n ? v[0] : NAN));
		cJSON_AddItemToObject(e, "max", num_or_null(n ? v[n - 1] : NAN));
		cJSON *reps = cJSON_AddArrayToObject(e, "reps");
		for (int k = 0; k < m->nrep; k++)
			cJSON_AddItemToArray(reps, num_or_null(m->v[k]));
	}

	cJSON *cj = cJSON_AddArrayToObject(root, "checks");
	for (int i = 0; i < g_nc; i++) {
		const struct check *c = &g_c[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "run", c->run);
		cJSON_AddNumberToObject(e, "rep", c->rep);
		if (c->failure[0]) {
			cJSON_AddStringToObject(e, "failure", c->failure);
		} else {
			cJSON_AddNumberToObject(e, "written", (double)c->written);
			cJSON_AddItemToObject(e, "read", u64_array(c->read, c->n));
			cJSON_AddItemToObject(e, "lost", u64_array(c->lost, c->n));
			cJSON_AddItemToObject(e, "corrupt", u64_array(c->corrupt, c->n));
			cJSON_AddNumberToObject(e, "timeouts", c->timeouts);
		}
		cJSON_AddItemToArray(cj, e);
	}
	cJSON_AddNumberToObject(root, "corrupt_total", (double)checks_corrupt_total());
	cJSON_AddNumberToObject(root, "check_failures", checks_failures());
	cJSON_AddBoolToObject(root, "completed", 1);

	char *text = cJSON_Print(root);
	if (text) {
		fputs(text, o);
		fputc('\n', o);
		free(text);
	}
	cJSON_Delete(root);
}
