/*
 * tp_ref.c — a bare seqlock ring, the yardstick for the bus's own overhead.
 *
 * The same slot protocol as mdbus (stamp 2n+1 while writing, 2n+2 when complete,
 * relaxed 8-byte payload copies, the reader re-checks the stamp after an acquire
 * fence) and the same slot sizes, but nothing else: no record header fields, no
 * registry, no sleeper check, no validation, no clock reads while waiting, and an
 * anonymous shared mapping instead of a named segment.  Readers only busy-poll.
 * What mdbus costs above this is the price of its features; a gap much larger than
 * a few nanoseconds per record is a design problem worth finding.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NEXT_POLLS (1u << 20) /* polls before reporting "nothing for a while" */

struct ref_ring {
	uint64_t write_seq;
	uint8_t pad[56];
	/* slots follow, 64-aligned */
};

struct ref_slot {
	uint64_t stamp;
	uint32_t len;
	uint32_t pad;
	/* payload */
};

struct rw {
	struct ref_ring *ring;
	uint8_t *slots;
	uint64_t mask, seq;
	uint32_t slot_size, copy;
	uint64_t buf[16];
};

struct rr {
	struct ref_ring *ring;
	const uint8_t *slots;
	uint64_t mask, next;
	uint32_t slot_size, copy;
	uint64_t buf[16];
	uint64_t lost;
};

static size_t chan_size(const struct tp_run *run)
{
	return sizeof(struct ref_ring) + (size_t)run->slot_count * run->slot_size;
}

static int setup(struct tp_run *run, int channels)
{
	run->shared_size = chan_size(run) * (size_t)channels;
	run->shared = mmap(NULL, run->shared_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (run->shared == MAP_FAILED) {
		run->shared = NULL;
		return -1;
	}
	return 0;
}

static void teardown(struct tp_run *run)
{
	if (run->shared)
		munmap(run->shared, run->shared_size);
	run->shared = NULL;
}

static struct ref_ring *ring_of(const struct tp_run *run, int chan)
{
	return (struct ref_ring *)((uint8_t *)run->shared + chan_size(run) * (size_t)chan);
}

static int w_open(const struct tp_run *run, int chan, void **out)
{
	struct rw *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	w->ring = ring_of(run, chan);
	w->slots = (uint8_t *)(w->ring + 1);
	w->mask = run->slot_count - 1;
	w->slot_size = run->slot_size;
	w->copy = run->slot_size - (uint32_t)sizeof(struct ref_slot);
	w->seq = __atomic_load_n(&w->ring->write_seq, __ATOMIC_RELAXED);
	*out = w;
	return 0;
}

static uint8_t *w_loan(void *p, uint32_t len)
{
	(void)len;
	return (uint8_t *)((struct rw *)p)->buf;
}

static int w_put(void *p, uint32_t len)
{
	struct rw *w = p;
	uint64_t n = w->seq;
	struct ref_slot *s = (struct ref_slot *)(w->slots + (n & w->mask) * w->slot_size);
	__atomic_store_n(&s->stamp, 2 * n + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&s->len, len, __ATOMIC_RELAXED);
	uint64_t *d = (uint64_t *)(s + 1);
	for (uint32_t i = 0; i < w->copy / 8; i++)
		__atomic_store_n(&d[i], w->buf[i], __ATOMIC_RELAXED);
	__atomic_store_n(&s->stamp, 2 * n + 2, __ATOMIC_RELEASE);
	w->seq = n + 1;
	__atomic_store_n(&w->ring->write_seq, n + 1, __ATOMIC_RELEASE);
	return 0;
}

static void w_close(void *p)
{
	free(p);
}

static int r_open(const struct tp_run *run, int chan, int wait, void **out)
{
	(void)wait; /* busy-poll only */
	struct rr *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	r->ring = ring_of(run, chan);
	r->slots = (const uint8_t *)(r->ring + 1);
	r->mask = run->slot_count - 1;
	r->slot_size = run->slot_size;
	r->copy = run->slot_size - (uint32_t)sizeof(struct ref_slot);
	r->next = __atomic_load_n(&r->ring->write_seq, __ATOMIC_ACQUIRE);
	*out = r;
	return 0;
}

static int r_next(void *p, const uint8_t **data, uint32_t *len, uint64_t *lost)
{
	struct rr *r = p;
	for (uint32_t polls = 0; polls < NEXT_POLLS;) {
		uint64_t n = r->next;
		const struct ref_slot *s = (const struct ref_slot *)(r->slots + (n & r->mask) * r->slot_size);
		uint64_t want = 2 * n + 2;
		uint64_t s1 = __atomic_load_n(&s->stamp, __ATOMIC_ACQUIRE);
		if (s1 < want) {
			polls++;
			relax();
			continue;
		}
		if (s1 == want) {
			uint32_t l = __atomic_load_n(&s->len, __ATOMIC_RELAXED);
			const uint64_t *src = (const uint64_t *)(s + 1);
			for (uint32_t i = 0; i < r->copy / 8; i++)
				r->buf[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&s->stamp, __ATOMIC_RELAXED) == want) {
				r->next = n + 1;
				*data = (const uint8_t *)r->buf;
				*len = l;
				*lost = r->lost;
				r->lost = 0;
				return 1;
			}
		}
		/* Lapped: go to the oldest slot that cannot be under rewrite. */
		uint64_t w = __atomic_load_n(&r->ring->write_seq, __ATOMIC_ACQUIRE);
		uint64_t oldest = w > r->mask ? w - r->mask : 0;
		if (oldest <= n)
			oldest = n + 1;
		r->lost += oldest - n;
		r->next = oldest;
	}
	return 0;
}

static void r_close(void *p)
{
	free(p);
}

const struct transport tp_ref = {
	.name = "ref-ring",
	.waits = 1u << WAIT_SPIN,
	.reports_lost = 1,
	.setup = setup,
	.teardown = teardown,
	.w_open = w_open,
	.w_loan = w_loan,
	.w_put = w_put,
	.w_close = w_close,
	.r_open = r_open,
	.r_next = r_next,
	.r_close = r_close,
};
