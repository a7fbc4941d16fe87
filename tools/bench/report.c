/*
 * report.c — `mdbus-bench report FILE.json...`: the tables again, from saved --json
 * output, with the repetitions of several runs pooled (optionally only those during
 * which other processes used at most --max-others CPUs).  This is how the README's
 * table is made from several runs on a shared machine.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

static double num(const cJSON *o, const char *key, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static void take_parameters(const cJSON *root)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "parameters");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "machine");
	g_opt.seconds = num(p, "phase_seconds", g_opt.seconds);
	g_opt.rate = (uint64_t)num(p, "rate", (double)g_opt.rate);
	g_opt.thr_rate = (uint64_t)num(p, "thr_rate", (double)g_opt.thr_rate);
	g_opt.matrix_rate = (uint64_t)num(p, "matrix_rate", (double)g_opt.matrix_rate);
	g_opt.wake_rate = (uint64_t)num(p, "wake_rate", (double)g_opt.wake_rate);
	g_opt.slots = (uint32_t)num(p, "slots", g_opt.slots);
	/* runs saved before thr_slots existed used the matrix's ring */
	g_opt.thr_slots = (uint32_t)num(p, "thr_slots", g_opt.slots);
	g_opt.e2e_rate = (uint64_t)num(p, "e2e_rate", (double)g_opt.e2e_rate);
	g_opt.e2e_seconds = num(p, "e2e_seconds", 2.0);
	const cJSON *rd = cJSON_GetObjectItemCaseSensitive(p, "readers"), *x;
	if (cJSON_IsArray(rd)) {
		g_opt.nreaders = 0;
		cJSON_ArrayForEach(x, rd)
			if (cJSON_IsNumber(x) && g_opt.nreaders < 8)
				g_opt.readers[g_opt.nreaders++] = x->valueint;
	}
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(m, "stamp");
	g_tsc_ok = cJSON_IsString(st) && strcmp(st->valuestring, "rdtsc") == 0;
	int cpus = (int)num(m, "cpus", g_opt.ncpus);
	if (cpus > 0 && cpus <= BENCH_MAX_CPUS) {
		g_opt.ncpus = cpus;
		for (int i = 0; i < cpus; i++)
			g_opt.cpus[i] = i;
	}
}

int report_load(int nfiles, char **files, double max_others, char *mode, size_t mode_cap)
{
	int kept = 0, total = 0;
	for (int f = 0; f < nfiles; f++) {
		char *text = slurp(files[f]);
		cJSON *root = text ? cJSON_Parse(text) : NULL;
		free(text);
		if (!root) {
			fprintf(stderr, BENCH_PROG ": %s: not a mdbus-bench JSON document\n", files[f]);
			return -1;
		}
		if (f == 0) {
			take_parameters(root);
			const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "mode");
			snprintf(mode, mode_cap, "%s", cJSON_IsString(md) ? md->valuestring : "all");
		}
		const cJSON *sk = cJSON_GetObjectItemCaseSensitive(root, "skipped"), *s;
		cJSON_ArrayForEach(s, sk)
			if (cJSON_IsString(s))
				m_skip(s->string, "%s", s->valuestring);
		const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(root, "metrics");
		const cJSON *oth = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(metrics, "machine.others_cpus"), "reps");
		int reps = (int)num(root, "reps", 0);
		for (int r = 0; r < reps; r++) {
			total++;
			const cJSON *o = cJSON_IsArray(oth) ? cJSON_GetArrayItem(oth, r) : NULL;
			if (max_others >= 0 && (!cJSON_IsNumber(o) || o->valuedouble > max_others))
				continue;
			if (kept >= BENCH_MAX_REPS)
				break;
			g_rep = kept++;
			const cJSON *m;
			cJSON_ArrayForEach(m, metrics)
			{
				const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "reps"), r);
				if (cJSON_IsNumber(v))
					m_put(v->valuedouble, "%s", m->string);
			}
		}
		cJSON_Delete(root);
	}
	g_opt.reps = kept;
	g_rep = kept ? kept - 1 : 0;
	fprintf(out_stream(), BENCH_PROG " report: %d of %d repetitions from %d file%s%s\n", kept, total, nfiles,
		nfiles == 1 ? "" : "s", max_others >= 0 ? " (only those with other processes under --max-others)" : "");
	if (max_others >= 0)
		fprintf(out_stream(), "   kept repetitions: other processes used at most %.2f CPUs\n", max_others);
	return kept ? 0 : -1;
}
