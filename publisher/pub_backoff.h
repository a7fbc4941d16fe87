/*
 * pub_backoff.h — when to try the next connection (private, pure: time is passed in).
 *
 * Capped exponential backoff with jitter, reset only after a connection stayed healthy
 * for a while, and a hard budget of attempts per sliding window: Kraken bans an IP
 * that connects more than about 150 times in 10 minutes, so no schedule — however
 * the failures line up — may exceed the budget.
 */
#ifndef PUB_BACKOFF_H
#define PUB_BACKOFF_H

#include <stdint.h>

#define PUB_BUDGET_MAX 150

struct pub_backoff {
	uint32_t min_ms, max_ms, healthy_ms, budget;
	uint64_t window_ms;
	uint32_t failures;                 /* consecutive unhealthy connections/attempts */
	uint64_t attempts[PUB_BUDGET_MAX]; /* ring of attempt times, ms */
	uint32_t head, count;
	uint64_t rng;
};

void pub_backoff_init(struct pub_backoff *b, uint32_t min_ms, uint32_t max_ms, uint32_t healthy_ms,
		      uint32_t budget, uint32_t window_s, uint64_t seed);

/* Milliseconds to wait from now_ms before the next attempt (0 = go now). */
uint64_t pub_backoff_delay(struct pub_backoff *b, uint64_t now_ms);

/* An attempt starts now. */
void pub_backoff_attempt(struct pub_backoff *b, uint64_t now_ms);

/* The connection that started at connected_ms ended at now_ms (connected_ms == 0:
 * it never came up). */
void pub_backoff_ended(struct pub_backoff *b, uint64_t connected_ms, uint64_t now_ms);

/* Attempts inside the window ending at now_ms. */
uint32_t pub_backoff_in_window(const struct pub_backoff *b, uint64_t now_ms);

#endif
