/* hist.c — see hist.h. */
#include "hist.h"

#include <string.h>

void hist_reset(struct hist *h)
{
	memset(h, 0, sizeof *h);
	h->min_ns = UINT64_MAX;
}

static uint32_t bucket_of(uint64_t v)
{
	if (v < HIST_EXACT)
		return (uint32_t)v;
	uint32_t k = 63u - (uint32_t)__builtin_clzll(v); /* 2^k <= v < 2^(k+1), k >= 7 */
	if (k > HIST_TOP_LOG)
		return HIST_BUCKETS - 1;
	uint32_t sub = (uint32_t)(v >> (k - 6)) & (HIST_SUB - 1);
	return HIST_EXACT + (k - 7) * HIST_SUB + sub;
}

/* Middle of bucket i. */
static double bucket_value(uint32_t i)
{
	if (i < HIST_EXACT)
		return (double)i;
	uint32_t k = (i - HIST_EXACT) / HIST_SUB + 7;
	uint32_t sub = (i - HIST_EXACT) % HIST_SUB;
	double width = (double)(1ull << (k - 6));
	return (double)(HIST_SUB + sub) * width + width / 2;
}

void hist_add(struct hist *h, uint64_t ns)
{
	h->b[bucket_of(ns)]++;
	h->count++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	if (ns < h->min_ns)
		h->min_ns = ns;
}

void hist_merge(struct hist *into, const struct hist *from)
{
	if (!from->count)
		return;
	for (uint32_t i = 0; i < HIST_BUCKETS; i++)
		into->b[i] += from->b[i];
	into->count += from->count;
	into->sum_ns += from->sum_ns;
	if (from->max_ns > into->max_ns)
		into->max_ns = from->max_ns;
	if (from->min_ns < into->min_ns)
		into->min_ns = from->min_ns;
}

double hist_quantile(const struct hist *h, double q)
{
	if (!h->count)
		return 0;
	if (q >= 1.0)
		return (double)h->max_ns;
	uint64_t want = (uint64_t)(q * (double)h->count);
	if (want < 1)
		want = 1;
	uint64_t seen = 0;
	for (uint32_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			double v = bucket_value(i);
			return v > (double)h->max_ns ? (double)h->max_ns : v;
		}
	}
	return (double)h->max_ns;
}

double hist_mean(const struct hist *h)
{
	return h->count ? (double)h->sum_ns / (double)h->count : 0;
}
