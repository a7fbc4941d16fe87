/*
 * test_stress_threads.c — the torn-read stress of test_stress_procs with threads in
 * one process: one writer thread, several reader threads (one handle each), a small
 * ring, self-checking RAW records.  Same assertions: nothing torn or corrupt, order
 * exact, read + lost == written since open.
 *
 * Under ThreadSanitizer (the tsan preset / -DMDBUS_SANITIZE=thread) it runs fewer
 * records, and it makes TSan actually see the writer/reader interplay: the writer
 * and each reader map the feed's objects separately, and TSan keys its shadow memory
 * by virtual address, so two mappings of one page look like unrelated memory and no
 * race between them could ever be reported.  This program therefore interposes
 * mmap/munmap (TSan's own interceptors are weak aliases and stay reachable as
 * __interceptor_mmap/munmap) and hands every later MAP_SHARED mapping of the same
 * object and length the address of the first one.  The writer maps first, read-write;
 * readers then read through that same address, so a non-atomic access to a slot, a
 * stamp or the registry on either side is a data race TSan reports.
 *
 * Usage: test_stress_threads [--records N] [--readers R] [--slots S]
 */
#define _GNU_SOURCE
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* ------------------------------------------------- TSan: one address per object */
#if TU_TSAN
void *__interceptor_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __interceptor_munmap(void *addr, size_t len);

struct alias {
	dev_t dev;
	ino_t ino;
	size_t len;
	int prot;
	void *addr;
	int refs;
};
static struct alias aliases[32];
static pthread_mutex_t alias_mu = PTHREAD_MUTEX_INITIALIZER;
static int aliased_maps;

/* Default visibility: the project builds with hidden visibility, and the libraries
 * must resolve their mmap calls to these. */
#define EXPORT __attribute__((visibility("default")))
EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
EXPORT int munmap(void *addr, size_t len);

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct stat st;
	if (fd < 0 || addr || off != 0 || !(flags & MAP_SHARED) || fstat(fd, &st) != 0)
		return __interceptor_mmap(addr, len, prot, flags, fd, off);
	pthread_mutex_lock(&alias_mu);
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		struct alias *a = &aliases[i];
		if (a->refs && a->dev == st.st_dev && a->ino == st.st_ino && a->len == len &&
		    (a->prot & prot) == prot) {
			a->refs++;
			aliased_maps++;
			pthread_mutex_unlock(&alias_mu);
			return a->addr;
		}
	}
	void *p = __interceptor_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED)
		for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
			if (!aliases[i].refs) {
				aliases[i] = (struct alias){ st.st_dev, st.st_ino, len, prot, p, 1 };
				break;
			}
	pthread_mutex_unlock(&alias_mu);
	return p;
}

EXPORT int munmap(void *addr, size_t len)
{
	pthread_mutex_lock(&alias_mu);
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		struct alias *a = &aliases[i];
		if (a->refs && a->addr == addr && a->len == len) {
			if (--a->refs > 0) {
				pthread_mutex_unlock(&alias_mu);
				return 0;
			}
			break;
		}
	}
	pthread_mutex_unlock(&alias_mu);
	return __interceptor_munmap(addr, len);
}
#endif

static char feed[MDBUS_FEED_NAME_MAX + 1];
static uint64_t n_records = 2000000;
static int n_readers = 4;
static uint32_t n_slots = 64;
static pthread_barrier_t opened;

struct reader {
	pthread_t th;
	int idx;
	uint64_t start;
	struct tu_stream t;
	uint64_t corrupt, errors, st_lost, st_records;
	int open_rc, last_error;
};

static void *reader_thread(void *arg)
{
	struct reader *rd = arg;
	mdbus_sub *s = NULL;
	rd->open_rc = mdbus_sub_open(&s, feed, 0);
	struct mdbus_status st;
	if (s) {
		mdbus_sub_status(s, &st);
		rd->start = st.next_seq;
	}
	pthread_barrier_wait(&opened);
	if (!s)
		return NULL;
	rd->t.expected = rd->start;
	uint64_t last = rd->start + n_records - 1;
	struct mdbus_record r;
	for (;;) {
		int rc = mdbus_sub_next(s, &r, 1000);
		if (rc == 1) {
			tu_stream_feed(&rd->t, &r, MDBUS_RAW_MAX);
			if (r.seq >= last)
				break;
		} else if (rc == MDBUS_E_CORRUPT) {
			rd->corrupt++;
		} else if (rc < 0) {
			rd->last_error = rc;
			if (++rd->errors > 100)
				break;
		}
	}
	mdbus_sub_status(s, &st);
	rd->st_lost = st.lost;
	rd->st_records = st.records;
	mdbus_sub_close(s);
	return NULL;
}

struct writer {
	pthread_t th;
	mdbus_writer *w;
	uint64_t written, ns;
	int put_errors;
};

static void *writer_thread(void *arg)
{
	struct writer *wr = arg;
	pthread_barrier_wait(&opened);
	uint64_t start = mdbus_writer_cursor(wr->w);
	uint64_t t0 = tu_mono_ns();
	struct mdbus_record r;
	for (uint64_t i = 0; i < n_records; i++) {
		tu_raw_fill(&r, start + i, MDBUS_RAW_MAX);
		if (mdbus_writer_put(wr->w, &r) != 0)
			wr->put_errors++;
	}
	wr->ns = tu_mono_ns() - t0;
	wr->written = mdbus_writer_cursor(wr->w) - start;
	return NULL;
}

int main(int argc, char **argv)
{
	if (TU_TSAN)
		n_records = 500000;
	else if (TU_ASAN)
		n_records = 1000000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--records") && i + 1 < argc)
			n_records = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--readers") && i + 1 < argc)
			n_readers = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--slots") && i + 1 < argc)
			n_slots = (uint32_t)strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: %s [--records N] [--readers R] [--slots S]\n", argv[0]);
			return 2;
		}
	}
	if (n_readers < 1 || n_readers > 32 || n_records < 1)
		return 2;
	printf("thread stress: %llu records, %d reader threads, %u slots%s\n",
	       (unsigned long long)n_records, n_readers, n_slots,
	       TU_TSAN ? " (ThreadSanitizer: shared objects aliased to one address)" : "");
	fflush(stdout);
	tu_guard(120 + (unsigned)(n_records / (TU_TSAN ? 1000 : 20000)), "stress with threads");
	tu_feed_name(feed, "tstress");

	struct writer wr = { 0 };
	struct mdbus_writer_opts o = { .slot_count = n_slots, .slot_size = 128 };
	int rc = mdbus_writer_open(&wr.w, feed, &o);
	TU_CHECK(rc == 0, "writer_open: %s", mdbus_strerror(rc));
	if (rc < 0)
		return 1;
	uint64_t wstart = mdbus_writer_cursor(wr.w);
	pthread_barrier_init(&opened, NULL, (unsigned)n_readers + 1);
	struct reader *rd = calloc((size_t)n_readers, sizeof *rd);
	for (int i = 0; i < n_readers; i++) {
		rd[i].idx = i;
		pthread_create(&rd[i].th, NULL, reader_thread, &rd[i]);
	}
	pthread_create(&wr.th, NULL, writer_thread, &wr);
	pthread_join(wr.th, NULL);
	for (int i = 0; i < n_readers; i++)
		pthread_join(rd[i].th, NULL);
	mdbus_writer_close(wr.w);

	TU_CHECK(wr.written == n_records && wr.put_errors == 0, "writer wrote %llu, %d errors",
		 (unsigned long long)wr.written, wr.put_errors);
	printf("writer: %llu records in %.3f s = %.2f M records/s\n", (unsigned long long)wr.written,
	       (double)wr.ns / 1e9, (double)wr.written / ((double)wr.ns / 1e3));
	for (int i = 0; i < n_readers; i++) {
		struct reader *d = &rd[i];
		struct tu_stream *t = &d->t;
		TU_CHECK(d->open_rc == 0, "reader %d open: %s", i, mdbus_strerror(d->open_rc));
		TU_CHECK(d->start == wstart, "reader %d opened at %llu", i, (unsigned long long)d->start);
		printf("reader %d: read %llu lost %llu (in %llu laps) torn %llu order %llu corrupt %llu\n",
		       i, (unsigned long long)t->read, (unsigned long long)t->lost,
		       (unsigned long long)t->laps, (unsigned long long)t->bad,
		       (unsigned long long)t->order, (unsigned long long)d->corrupt);
		if (t->first_error[0])
			printf("reader %d: first error: %s\n", i, t->first_error);
		TU_CHECK(t->bad == 0 && d->corrupt == 0 && t->order == 0 && t->other == 0,
			 "reader %d: torn %llu corrupt %llu order %llu other %llu", i,
			 (unsigned long long)t->bad, (unsigned long long)d->corrupt,
			 (unsigned long long)t->order, (unsigned long long)t->other);
		TU_CHECK(d->errors == 0, "reader %d: errors, last %s", i, mdbus_strerror(d->last_error));
		TU_CHECK(t->read + t->lost == n_records, "reader %d: read %llu + lost %llu != %llu", i,
			 (unsigned long long)t->read, (unsigned long long)t->lost,
			 (unsigned long long)n_records);
		TU_CHECK(d->st_lost == t->lost && d->st_records == t->read,
			 "reader %d: status disagrees", i);
	}
#if TU_TSAN
	printf("aliased mappings: %d\n", aliased_maps);
	/* the writer's segment and registry, seen again by every reader */
	TU_CHECK(aliased_maps >= 2 * n_readers, "TSan aliasing did not take (%d)", aliased_maps);
#endif
	free(rd);
	pthread_barrier_destroy(&opened);
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}
