/*
 * tp_mdbus.c — the bus itself as a bench transport: a real feed segment per channel
 * (mdbus_writer_open on a feed name unique to this run, removed afterwards) and the
 * subscriber library in the requested wait mode.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NEXT_TIMEOUT_MS 100

struct mw {
	mdbus_writer *w;
	struct mdbus_record rec;
};

struct mr {
	mdbus_sub *s;
	struct mdbus_record rec;
};

static unsigned g_run_seq;

static int setup(struct tp_run *run, int channels)
{
	unsigned k = g_run_seq++;
	for (int c = 0; c < channels; c++) {
		snprintf(run->name[c], sizeof run->name[c], "mdbus-bench.%d.%u.%d", (int)getpid(), k, c);
		mdbus_feed_remove(run->name[c]); /* a leftover of a killed run with our pid */
	}
	return 0;
}

static void teardown(struct tp_run *run)
{
	for (int c = 0; c < 2; c++)
		if (run->name[c][0])
			mdbus_feed_remove(run->name[c]);
}

/* The same feed with no reader registry: a directory where the registry object
 * would be makes the writer run without one, so put() has no sleeper check at all
 * (the A/B for "no cost when nobody sleeps").  Readers then cannot sleep. */
static void registry_path(const struct tp_run *run, int c, char *path, size_t cap)
{
	snprintf(path, cap, "/dev/shm/mdbus.%s.readers", run->name[c]);
}

static int setup_noreg(struct tp_run *run, int channels)
{
	int rc = setup(run, channels);
	for (int c = 0; c < channels && rc == 0; c++) {
		char path[160];
		registry_path(run, c, path, sizeof path);
		if (mkdir(path, 0700) < 0)
			rc = -1;
	}
	return rc;
}

static void teardown_noreg(struct tp_run *run)
{
	for (int c = 0; c < 2; c++)
		if (run->name[c][0]) {
			char path[160];
			registry_path(run, c, path, sizeof path);
			rmdir(path);
		}
	teardown(run);
}

static int w_open(const struct tp_run *run, int chan, void **out)
{
	struct mw *m = calloc(1, sizeof *m);
	if (!m)
		return -1;
	struct mdbus_writer_opts o;
	memset(&o, 0, sizeof o);
	o.slot_size = run->slot_size;
	o.slot_count = run->slot_count;
	o.symbol_capacity = 16;
	o.book_depth = 10;
	o.mode = 0600;
	int rc = mdbus_writer_open(&m->w, run->name[chan], &o);
	if (rc < 0) {
		fprintf(stderr, BENCH_PROG ": mdbus_writer_open %s: %s\n", run->name[chan], mdbus_strerror(rc));
		free(m);
		return rc;
	}
	m->rec.type = MDBUS_REC_RAW;
	m->rec.symbol = MDBUS_SYMBOL_NONE;
	*out = m;
	return 0;
}

static uint8_t *w_loan(void *w, uint32_t len)
{
	(void)len;
	return ((struct mw *)w)->rec.u.raw.data;
}

static int w_put(void *w, uint32_t len)
{
	struct mw *m = w;
	m->rec.u.raw.len = len;
	return mdbus_writer_put(m->w, &m->rec);
}

static void w_close(void *w)
{
	struct mw *m = w;
	mdbus_writer_close(m->w);
	free(m);
}

static int r_open(const struct tp_run *run, int chan, int wait, void **out)
{
	struct mr *m = calloc(1, sizeof *m);
	if (!m)
		return -1;
	int flags = wait == WAIT_SPIN ? MDBUS_SUB_WAIT_SPIN : wait == WAIT_SLEEP ? MDBUS_SUB_WAIT_SLEEP : 0;
	int rc = -1;
	for (int tries = 0; tries < 500; tries++) {
		rc = mdbus_sub_open(&m->s, run->name[chan], flags);
		if (rc != MDBUS_E_NOFEED && rc != MDBUS_E_NOTREADY)
			break;
		usleep(10000);
	}
	if (rc < 0) {
		fprintf(stderr, BENCH_PROG ": mdbus_sub_open %s: %s\n", run->name[chan], mdbus_strerror(rc));
		free(m);
		return rc;
	}
	mdbus_sub_set_name(m->s, "mdbus-bench");
	*out = m;
	return 0;
}

static int r_next(void *r, const uint8_t **data, uint32_t *len, uint64_t *lost)
{
	struct mr *m = r;
	int rc = mdbus_sub_next(m->s, &m->rec, NEXT_TIMEOUT_MS);
	if (rc == 1) {
		*lost = m->rec.lost;
		if (m->rec.type != MDBUS_REC_RAW)
			return -2;
		*data = m->rec.u.raw.data;
		*len = m->rec.u.raw.len;
		return 1;
	}
	if (rc == MDBUS_E_CORRUPT)
		return -2;
	return rc;
}

static uint64_t r_seq(void *r)
{
	return ((struct mr *)r)->rec.seq;
}

static void r_close(void *r)
{
	struct mr *m = r;
	mdbus_sub_close(m->s);
	free(m);
}

const struct transport tp_mdbus = {
	.name = "mdbus",
	.waits = 1u << WAIT_SPIN | 1u << WAIT_DEFAULT | 1u << WAIT_SLEEP,
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
	.r_seq = r_seq,
};

const struct transport tp_mdbus_noreg = {
	.name = "mdbus-without-registry",
	.waits = 1u << WAIT_SPIN,
	.reports_lost = 1,
	.setup = setup_noreg,
	.teardown = teardown_noreg,
	.w_open = w_open,
	.w_loan = w_loan,
	.w_put = w_put,
	.w_close = w_close,
	.r_open = r_open,
	.r_next = r_next,
	.r_close = r_close,
	.r_seq = r_seq,
};
