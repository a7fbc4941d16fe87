/* pub_backoff.c — see pub_backoff.h. */
#include "pub_backoff.h"

#include <string.h>

void pub_backoff_init(struct pub_backoff *b, uint32_t min_ms, uint32_t max_ms, uint32_t healthy_ms,
		      uint32_t budget, uint32_t window_s, uint64_t seed)
{
	memset(b, 0, sizeof *b);
	b->min_ms = min_ms ? min_ms : 1;
	b->max_ms = max_ms < b->min_ms ? b->min_ms : max_ms;
	b->healthy_ms = healthy_ms;
	b->budget = budget == 0 || budget > PUB_BUDGET_MAX ? PUB_BUDGET_MAX : budget;
	b->window_ms = (uint64_t)window_s * 1000u;
	b->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static uint64_t next_rand(struct pub_backoff *b)
{
	uint64_t x = b->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	b->rng = x;
	return x;
}

uint32_t pub_backoff_in_window(const struct pub_backoff *b, uint64_t now_ms)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < b->count; i++) {
		uint64_t t = b->attempts[(b->head + PUB_BUDGET_MAX - 1 - i) % PUB_BUDGET_MAX];
		if (now_ms - t < b->window_ms)
			n++;
	}
	return n;
}

uint64_t pub_backoff_delay(struct pub_backoff *b, uint64_t now_ms)
{
	uint64_t d = 0;
	if (b->failures) {
		d = b->min_ms;
		for (uint32_t i = 1; i < b->failures && d < b->max_ms; i++)
			d *= 2;
		if (d > b->max_ms)
			d = b->max_ms;
		/* Equal jitter: half fixed, half random, so a fleet restarting together
		 * spreads out but nobody retries sooner than half the nominal delay. */
		d = d / 2 + next_rand(b) % (d / 2 + 1);
	}
	if (b->count >= b->budget) {
		/* The ring holds the last `budget` attempts (budget <= ring size): the
		 * oldest of them must leave the window before we may try again. */
		uint64_t t = b->attempts[(b->head + PUB_BUDGET_MAX - b->budget) % PUB_BUDGET_MAX];
		uint64_t allowed = t + b->window_ms;
		if (allowed > now_ms && allowed - now_ms > d)
			d = allowed - now_ms;
	}
	return d;
}

void pub_backoff_attempt(struct pub_backoff *b, uint64_t now_ms)
{
	b->attempts[b->head] = now_ms;
	b->head = (b->head + 1) % PUB_BUDGET_MAX;
	if (b->count < PUB_BUDGET_MAX)
		b->count++;
}

void pub_backoff_ended(struct pub_backoff *b, uint64_t connected_ms, uint64_t now_ms)
{
	if (connected_ms && now_ms - connected_ms >= b->healthy_ms)
		b->failures = 1; /* healthy: start again from the smallest delay */
	else if (b->failures < 64)
		b->failures++;
}
