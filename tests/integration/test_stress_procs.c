/*
 * test_stress_procs.c — no torn reads, ever, across processes (issue 2).
 *
 * One writer process and more reader processes than cores share a small ring, so
 * the readers are lapped constantly.  The writer puts N self-checking RAW records
 * (every byte of header and payload derived from the sequence number, the length
 * varying with it).  Readers are opened before the writer writes its first record
 * (a pipe barrier), so "written since open" is exactly N.  Readers use the default
 * wait mode (spin, yield, sleep): more readers than cores must not livelock.
 *
 * Must hold, for every reader: zero corrupt or torn records; every record's seq is
 * the previous one + 1 + r->lost; records read + records reported lost == N; the
 * library's own counters (mdbus_sub_status) agree.
 *
 * Usage: test_stress_procs [--records N] [--readers R] [--slots S]
 * Defaults: 10,000,000 records (issue 2's minimum, also under ASan), 5 readers, 256
 * slots; under TSan 300,000 records.
 */
#define _GNU_SOURCE
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

struct report {
	int who;             /* reader index, or -1 for the writer */
	int kind;            /* MSG_* */
	uint64_t a, b;       /* READY: start seq; DONE (writer): records, ns */
	struct tu_stream t;  /* DONE (reader) */
	uint64_t st_lost, st_records, corrupt, errors, timeouts;
	int last_error;
};

enum { MSG_READY = 1, MSG_DONE = 2 };

static char feed[MDBUS_FEED_NAME_MAX + 1];
static uint64_t n_records = 10000000;
static int n_readers = 5;
static uint32_t n_slots = 256;

static void send_report(int fd, const struct report *r)
{
	if (tu_write_full(fd, r, sizeof *r) < 0)
		_exit(3);
}

static void writer_main(int ev, int go)
{
	struct mdbus_writer_opts o = { .slot_count = n_slots, .slot_size = 128 };
	mdbus_writer *w;
	int rc = mdbus_writer_open(&w, feed, &o);
	if (rc < 0) {
		fprintf(stderr, "writer: open: %s\n", mdbus_strerror(rc));
		_exit(2);
	}
	struct report rep = { .who = -1, .kind = MSG_READY, .a = mdbus_writer_cursor(w) };
	send_report(ev, &rep);
	char c;
	if (tu_read_full(go, &c, 1, -1) < 0)
		_exit(4);
	uint64_t start = mdbus_writer_cursor(w);
	uint64_t t0 = tu_mono_ns();
	struct mdbus_record r;
	for (uint64_t i = 0; i < n_records; i++) {
		tu_raw_fill(&r, start + i, MDBUS_RAW_MAX);
		if (mdbus_writer_put(w, &r) != 0)
			_exit(5);
		if ((i & 0xffff) == 0)
			mdbus_writer_heartbeat(w);
	}
	uint64_t ns = tu_mono_ns() - t0;
	rep.kind = MSG_DONE;
	rep.a = mdbus_writer_cursor(w) - start;
	rep.b = ns;
	mdbus_writer_close(w);
	send_report(ev, &rep);
	_exit(0);
}

static void reader_main(int idx, int ev)
{
	mdbus_sub *s;
	int rc = mdbus_sub_open(&s, feed, 0);
	if (rc < 0) {
		fprintf(stderr, "reader %d: open: %s\n", idx, mdbus_strerror(rc));
		_exit(2);
	}
	char name[32];
	snprintf(name, sizeof name, "stress-reader-%d", idx);
	mdbus_sub_set_name(s, name);
	struct mdbus_status st;
	mdbus_sub_status(s, &st);
	struct report rep = { .who = idx, .kind = MSG_READY, .a = st.next_seq };
	send_report(ev, &rep);

	struct tu_stream *t = &rep.t;
	memset(t, 0, sizeof *t);
	t->expected = st.next_seq;
	uint64_t last = st.next_seq + n_records - 1;
	struct mdbus_record r;
	for (;;) {
		rc = mdbus_sub_next(s, &r, 1000);
		if (rc == 1) {
			tu_stream_feed(t, &r, MDBUS_RAW_MAX);
			if (r.seq >= last)
				break;
		} else if (rc == 0) {
			rep.timeouts++; /* the parent's deadline decides about hangs */
		} else if (rc == MDBUS_E_CORRUPT) {
			rep.corrupt++;
		} else {
			rep.errors++;
			rep.last_error = rc;
			if (rep.errors > 100)
				break;
		}
	}
	mdbus_sub_status(s, &st);
	rep.st_lost = st.lost;
	rep.st_records = st.records;
	rep.kind = MSG_DONE;
	mdbus_sub_close(s);
	send_report(ev, &rep);
	_exit(0);
}

int main(int argc, char **argv)
{
	if (TU_TSAN)
		n_records = 300000; /* TSan runs ~20x slower; the thread test is its real target */
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
	if (n_readers < 1 || n_readers > 60 || n_records < 1)
		return 2;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	printf("stress: %llu records, %d reader processes (%ld cores), %u slots\n",
	       (unsigned long long)n_records, n_readers, cores, n_slots);
	if (n_readers <= cores)
		printf("note: readers do not outnumber cores here\n");
	fflush(stdout);
	/* generous: 10M records take seconds; a livelock or lost wake-up takes forever */
	unsigned budget = 120 + (unsigned)(n_records / 20000);
	tu_guard(budget, "stress across processes");
	tu_feed_name(feed, "stress");

	int ev[2], go[2];
	if (pipe(ev) < 0 || pipe(go) < 0)
		return 1;
	pid_t wpid = fork();
	if (wpid == 0) {
		close(ev[0]);
		close(go[1]);
		writer_main(ev[1], go[0]);
	}
	tu_child_add(wpid);
	struct report rep;
	TU_CHECK(tu_read_full(ev[0], &rep, sizeof rep, 30000) == 0 && rep.who == -1 &&
		 rep.kind == MSG_READY, "writer did not start");
	if (tu_failures)
		goto out;
	uint64_t wstart = rep.a;

	pid_t rpid[64];
	for (int i = 0; i < n_readers; i++) {
		rpid[i] = fork();
		if (rpid[i] == 0) {
			close(ev[0]);
			close(go[1]);
			close(go[0]);
			reader_main(i, ev[1]);
		}
		tu_child_add(rpid[i]);
	}
	for (int i = 0; i < n_readers; i++) {
		TU_CHECK(tu_read_full(ev[0], &rep, sizeof rep, 30000) == 0 && rep.kind == MSG_READY,
			 "reader did not open");
		if (tu_failures)
			goto out;
		TU_CHECK(rep.a == wstart, "reader %d opened at %llu, writer cursor %llu", rep.who,
			 (unsigned long long)rep.a, (unsigned long long)wstart);
	}
	uint64_t t0 = tu_mono_ns();
	TU_CHECK(tu_write_full(go[1], "g", 1) == 0, "go");

	struct report done[65];
	int got_writer = 0, got_readers = 0;
	while (got_writer + got_readers < 1 + n_readers) {
		if (tu_read_full(ev[0], &rep, sizeof rep, -1) < 0) {
			TU_CHECK(0, "a child died before reporting");
			goto out;
		}
		if (rep.who == -1) {
			done[64] = rep;
			got_writer = 1;
		} else if (rep.who >= 0 && rep.who < n_readers) {
			done[rep.who] = rep;
			got_readers++;
		}
	}
	uint64_t all_ns = tu_mono_ns() - t0;
	int status;
	char sb[64];
	TU_CHECK(tu_reap_child(wpid, 30000, &status) == 0 && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 0, "writer: %s", tu_status_str(status, sb, sizeof sb));
	for (int i = 0; i < n_readers; i++)
		TU_CHECK(tu_reap_child(rpid[i], 30000, &status) == 0 && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 0, "reader %d: %s", i, tu_status_str(status, sb, sizeof sb));

	struct report *wr = &done[64];
	TU_CHECK(wr->a == n_records, "writer wrote %llu", (unsigned long long)wr->a);
	printf("writer: %llu records in %.3f s = %.2f M records/s (all readers done after %.3f s)\n",
	       (unsigned long long)wr->a, (double)wr->b / 1e9, (double)wr->a / ((double)wr->b / 1e3),
	       (double)all_ns / 1e9);
	uint64_t total_lost = 0;
	for (int i = 0; i < n_readers; i++) {
		struct report *d = &done[i];
		struct tu_stream *t = &d->t;
		printf("reader %d: read %llu lost %llu (in %llu laps) torn %llu order %llu corrupt %llu "
		       "errors %llu timeouts %llu\n",
		       i, (unsigned long long)t->read, (unsigned long long)t->lost,
		       (unsigned long long)t->laps, (unsigned long long)t->bad,
		       (unsigned long long)t->order, (unsigned long long)d->corrupt,
		       (unsigned long long)d->errors, (unsigned long long)d->timeouts);
		if (t->first_error[0])
			printf("reader %d: first error: %s\n", i, t->first_error);
		TU_CHECK(t->bad == 0, "reader %d saw %llu torn records", i, (unsigned long long)t->bad);
		TU_CHECK(d->corrupt == 0, "reader %d saw %llu corrupt", i, (unsigned long long)d->corrupt);
		TU_CHECK(t->order == 0, "reader %d: %llu out of order", i, (unsigned long long)t->order);
		TU_CHECK(t->other == 0, "reader %d: %llu non-RAW records", i, (unsigned long long)t->other);
		TU_CHECK(d->errors == 0, "reader %d: %llu errors, last %s", i,
			 (unsigned long long)d->errors, mdbus_strerror(d->last_error));
		TU_CHECK(t->read + t->lost == n_records, "reader %d: read %llu + lost %llu != %llu", i,
			 (unsigned long long)t->read, (unsigned long long)t->lost,
			 (unsigned long long)n_records);
		TU_CHECK(d->st_lost == t->lost && d->st_records == t->read,
			 "reader %d: status says records %llu lost %llu", i,
			 (unsigned long long)d->st_records, (unsigned long long)d->st_lost);
		total_lost += t->lost;
	}
	printf("lost in total %llu of %llu delivered (%.1f%%)\n", (unsigned long long)total_lost,
	       (unsigned long long)(n_records * (uint64_t)n_readers),
	       100.0 * (double)total_lost / (double)(n_records * (uint64_t)n_readers));
out:
	tu_kill_children();
	int rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}
