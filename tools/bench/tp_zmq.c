/*
 * tp_zmq.c — ZeroMQ PUB/SUB over ipc:// as a bench transport: what a team would use
 * instead of a shared-memory bus.
 *
 * One context per process (its I/O thread is created before the process pins itself,
 * so it floats).  High-water marks equal the mdbus ring's slot count: both sides
 * buffer as many messages before dropping.  Waiting: spin = zmq_recv(ZMQ_DONTWAIT)
 * in a loop; spin-then-sleep and sleep = a blocking zmq_recv (ZeroMQ has no
 * in-between).  PUB drops at the high-water mark; the harness counts it as lost.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define RECV_TIMEOUT_MS 100

static void *g_ctx;
static unsigned g_run_seq;

struct zw {
	void *sock;
	uint8_t buf[256];
};

struct zr {
	void *sock;
	int spin;
	uint8_t buf[256];
};

static int setup(struct tp_run *run, int channels)
{
	unsigned k = g_run_seq++;
	for (int c = 0; c < channels; c++) {
		snprintf(run->name[c], sizeof run->name[c], "ipc:///tmp/mdbus-bench-%d-%u-%d.ipc",
			 (int)getpid(), k, c);
		unlink(run->name[c] + 6);
	}
	return 0;
}

static void teardown(struct tp_run *run)
{
	for (int c = 0; c < 2; c++)
		if (run->name[c][0])
			unlink(run->name[c] + 6);
}

static void proc_init(const char *role)
{
	(void)role;
	g_ctx = zmq_ctx_new();
}

static void proc_fini(int code)
{
	(void)code;
	if (g_ctx)
		zmq_ctx_term(g_ctx);
	g_ctx = NULL;
}

static int w_open(const struct tp_run *run, int chan, void **out)
{
	if (!g_ctx)
		return -1;
	struct zw *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	w->sock = zmq_socket(g_ctx, ZMQ_PUB);
	int hwm = (int)run->slot_count, linger = 0;
	zmq_setsockopt(w->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(w->sock, ZMQ_LINGER, &linger, sizeof linger);
	if (!w->sock || zmq_bind(w->sock, run->name[chan]) != 0) {
		fprintf(stderr, BENCH_PROG ": zmq bind %s: %s\n", run->name[chan], zmq_strerror(zmq_errno()));
		if (w->sock)
			zmq_close(w->sock);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

static uint8_t *w_loan(void *p, uint32_t len)
{
	(void)len;
	return ((struct zw *)p)->buf;
}

static int w_put(void *p, uint32_t len)
{
	struct zw *w = p;
	return zmq_send(w->sock, w->buf, len, 0) == (int)len ? 0 : -1;
}

static void w_close(void *p)
{
	struct zw *w = p;
	zmq_close(w->sock);
	free(w);
}

static int r_open(const struct tp_run *run, int chan, int wait, void **out)
{
	if (!g_ctx)
		return -1;
	struct zr *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	r->spin = wait == WAIT_SPIN;
	r->sock = zmq_socket(g_ctx, ZMQ_SUB);
	int hwm = (int)run->slot_count, tmo = RECV_TIMEOUT_MS, linger = 0;
	zmq_setsockopt(r->sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(r->sock, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
	zmq_setsockopt(r->sock, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(r->sock, ZMQ_SUBSCRIBE, "", 0);
	if (zmq_connect(r->sock, run->name[chan]) != 0) {
		fprintf(stderr, BENCH_PROG ": zmq connect %s: %s\n", run->name[chan], zmq_strerror(zmq_errno()));
		zmq_close(r->sock);
		free(r);
		return -1;
	}
	*out = r;
	return 0;
}

static int r_next(void *p, const uint8_t **data, uint32_t *len, uint64_t *lost)
{
	struct zr *r = p;
	*lost = 0;
	int n;
	if (r->spin) {
		uint64_t limit = 0;
		for (unsigned polls = 1;; polls++) {
			n = zmq_recv(r->sock, r->buf, sizeof r->buf, ZMQ_DONTWAIT);
			if (n >= 0 || zmq_errno() != EAGAIN)
				break;
			if ((polls & 1023) == 0) {
				uint64_t now = mono_now_ns();
				if (!limit)
					limit = now + RECV_TIMEOUT_MS * 1000000ull;
				else if (now > limit)
					return 0;
			}
		}
	} else {
		n = zmq_recv(r->sock, r->buf, sizeof r->buf, 0);
	}
	if (n < 0)
		return zmq_errno() == EAGAIN || zmq_errno() == EINTR ? 0 : -1;
	if ((size_t)n > sizeof r->buf)
		return -2; /* truncated */
	*data = r->buf;
	*len = (uint32_t)n;
	return 1;
}

static void r_close(void *p)
{
	struct zr *r = p;
	zmq_close(r->sock);
	free(r);
}

const struct transport tp_zmq = {
	.name = "zeromq",
	.waits = 1u << WAIT_SPIN | 1u << WAIT_DEFAULT | 1u << WAIT_SLEEP,
	.reports_lost = 0,
	.setup = setup,
	.teardown = teardown,
	.proc_init = proc_init,
	.proc_fini = proc_fini,
	.w_open = w_open,
	.w_loan = w_loan,
	.w_put = w_put,
	.w_close = w_close,
	.r_open = r_open,
	.r_next = r_next,
	.r_close = r_close,
};
