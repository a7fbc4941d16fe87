/*
 * hist.h — a fixed-size latency histogram (private to mdbus-bench).
 *
 * Exact below 128 ns; above, 64 sub-buckets per power of two (error below 1.6 %),
 * up to 2^40 ns.  Fixed size and no pointers, so a reader process fills one in a
 * shared mapping and the parent merges them.  The maximum is kept exactly.
 */
#ifndef BENCH_HIST_H
#define BENCH_HIST_H

#include <stdint.h>

#define HIST_EXACT   128u
#define HIST_SUB     64u
#define HIST_TOP_LOG 40u
#define HIST_BUCKETS (HIST_EXACT + (HIST_TOP_LOG - 7u + 1u) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t max_ns;
	uint64_t min_ns;
	uint64_t sum_ns;
	uint64_t b[HIST_BUCKETS];
};

void hist_reset(struct hist *h);
void hist_add(struct hist *h, uint64_t ns);
void hist_merge(struct hist *into, const struct hist *from);

/* Value at quantile q (0..1), in ns; 0 if empty.  q = 1 gives the exact maximum. */
double hist_quantile(const struct hist *h, double q);
double hist_mean(const struct hist *h);

#endif
