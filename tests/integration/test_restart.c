/*
 * test_restart.c — publisher restart is invisible but a gap (issue 2).
 *
 * Reader processes open the feed once and read self-checking records for the whole
 * test while four writer processes follow each other:
 *
 *   writer 1  connects, streams; SIGKILLed mid-stream
 *   writer 2  reattaches (epoch 2, generation odd -> even + STATUS), connects,
 *             streams; then dies *inside* a put: it maps the segment read-write
 *             itself, stamps the next slot 2n+1, scribbles half a payload and
 *             raise(SIGKILL)s
 *   writer 3  reattaches (epoch 3, even + STATUS, reuses the never-completed
 *             sequence n), connects, streams; SIGKILLed mid-stream
 *   writer 4  another ring size: retires the old segment and creates a new one
 *             (epoch 4, even + STATUS); readers follow by name without reopening;
 *             it writes a last batch and an END record and closes cleanly
 *
 * Must hold for every reader: no torn or corrupt record, sequence numbers never go
 * backwards or repeat (seq == previous + 1 + lost), generations never go backwards,
 * each restart shows up as a PUBLISHER_START STATUS record moving an odd generation
 * to the next even one, the epoch seen grows to 4, and the handle ends on the new
 * ring (slot_count of writer 4).  Before each new writer starts streaming, the test
 * waits (registry positions, with a deadline) until every reader has consumed the
 * restart's STATUS record, so no reader can lose it to lapping.
 */
#define _GNU_SOURCE
#include <mdbus/layout.h>
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define N_READERS 3
#define END_SYMBOL 0xE1Du
#define STREAM_STEP 100000 /* records written per streaming phase before the kill */

enum { EV_OPENED = 1, EV_ACK, EV_READY, EV_REPORT };

struct msg {
	int kind;
	int who;            /* reader index; -1 for writers */
	int32_t pid;
	int32_t err;
	uint64_t cursor, epoch, gen;
	/* reader report */
	struct tu_stream t;
	uint64_t corrupt, errors, gen_backwards, epoch_backwards, starts_ok, starts_bad;
	uint64_t max_epoch, final_epoch, final_gen, slot_count, statuses, end_seen;
	char note[160];
};

static char feed[MDBUS_FEED_NAME_MAX + 1];

static void send_msg(int fd, struct msg *m)
{
	if (tu_write_full(fd, m, sizeof *m) < 0)
		_exit(3);
}

/* ------------------------------------------------------------ writers */

/* Die inside put(n): what a publisher killed between its odd and even stamp
 * stores leaves behind. */
static void die_half_written(mdbus_writer *w)
{
	char path[160];
	snprintf(path, sizeof path, "/dev/shm/mdbus.%s", feed);
	int fd = open(path, O_RDWR);
	if (fd < 0)
		_exit(20);
	struct stat st;
	fstat(fd, &st);
	uint8_t *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		_exit(21);
	const struct mdbus_shm_header *h = (const struct mdbus_shm_header *)p;
	uint64_t n = mdbus_writer_cursor(w);
	struct mdbus_shm_slot *sl =
		(struct mdbus_shm_slot *)(p + h->ring_off + (n & (h->slot_count - 1)) * h->slot_size);
	__atomic_store_n(&sl->stamp, 2 * n + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	sl->type = MDBUS_REC_RAW;
	sl->recv_ts_ns = (int64_t)n;
	memset(sl + 1, 0xee, (h->slot_size - sizeof *sl) / 2);
	raise(SIGKILL);
	_exit(22);
}

static void writer_main(uint32_t slots, int ctl, int ev)
{
	struct mdbus_writer_opts o = { .slot_count = slots, .slot_size = 128 };
	mdbus_writer *w;
	struct msg m = { .kind = EV_OPENED, .who = -1, .pid = getpid() };
	int rc = mdbus_writer_open(&w, feed, &o);
	if (rc < 0) {
		m.err = rc;
		send_msg(ev, &m);
		_exit(2);
	}
	m.cursor = mdbus_writer_cursor(w);
	m.epoch = mdbus_writer_epoch(w);
	m.gen = mdbus_writer_generation(w);
	send_msg(ev, &m);
	struct mdbus_record r;
	for (;;) {
		char c;
		if (tu_read_full(ctl, &c, 1, -1) < 0)
			_exit(4);
		switch (c) {
		case 'C':
			m.err = mdbus_writer_set_connected(w, 1);
			break;
		case 'W': {
			uint64_t n;
			if (tu_read_full(ctl, &n, sizeof n, -1) < 0)
				_exit(4);
			for (uint64_t i = 0; i < n; i++) {
				tu_raw_fill(&r, mdbus_writer_cursor(w), MDBUS_RAW_MAX);
				if (mdbus_writer_put(w, &r) < 0)
					_exit(5);
			}
			break;
		}
		case 'S': /* stream until killed, or told to die mid-put */
			for (uint64_t i = 1;; i++) {
				tu_raw_fill(&r, mdbus_writer_cursor(w), MDBUS_RAW_MAX);
				if (mdbus_writer_put(w, &r) < 0)
					_exit(5);
				if ((i & 4095) == 0) {
					mdbus_writer_heartbeat(w);
					struct pollfd pfd = { .fd = ctl, .events = POLLIN };
					if (poll(&pfd, 1, 0) == 1 && read(ctl, &c, 1) == 1 && c == 'H')
						die_half_written(w);
				}
			}
		case 'E':
			memset(&r, 0, sizeof r);
			r.type = MDBUS_REC_TRADE;
			r.symbol = END_SYMBOL;
			if (mdbus_writer_put(w, &r) < 0)
				_exit(5);
			m.kind = EV_ACK;
			m.cursor = mdbus_writer_cursor(w);
			mdbus_writer_close(w);
			send_msg(ev, &m);
			_exit(0);
		default:
			_exit(6);
		}
		m.kind = EV_ACK;
		m.cursor = mdbus_writer_cursor(w);
		m.gen = mdbus_writer_generation(w);
		send_msg(ev, &m);
	}
}

/* ------------------------------------------------------------ readers */

static void reader_main(int idx, int ev)
{
	mdbus_sub *s;
	struct msg m = { .kind = EV_READY, .who = idx, .pid = getpid() };
	int rc = mdbus_sub_open(&s, feed, 0);
	if (rc < 0) {
		m.err = rc;
		send_msg(ev, &m);
		_exit(2);
	}
	struct mdbus_status st;
	mdbus_sub_status(s, &st);
	m.cursor = st.next_seq;
	m.epoch = st.epoch;
	send_msg(ev, &m);

	struct tu_stream *t = &m.t;
	t->expected = st.next_seq;
	uint64_t prev_gen = st.generation, epoch = st.epoch;
	m.max_epoch = st.epoch;
	struct mdbus_record r;
	for (;;) {
		rc = mdbus_sub_next(s, &r, 1000);
		if (rc == 0)
			continue; /* the parent's deadline decides about hangs */
		if (rc == MDBUS_E_CORRUPT) {
			m.corrupt++;
			continue;
		}
		if (rc < 0) {
			m.err = rc;
			if (++m.errors > 100)
				break;
			continue;
		}
		tu_stream_feed(t, &r, MDBUS_RAW_MAX);
		if (r.gen < prev_gen && !m.gen_backwards++)
			snprintf(m.note, sizeof m.note, "gen %llu after %llu at seq %llu",
				 (unsigned long long)r.gen, (unsigned long long)prev_gen,
				 (unsigned long long)r.seq);
		if (r.type == MDBUS_REC_STATUS) {
			m.statuses++;
			if (r.u.status.gen != r.gen || r.u.status.connected != (r.gen & 1))
				m.starts_bad++;
			if (r.u.status.epoch < epoch)
				m.epoch_backwards++;
			epoch = r.u.status.epoch;
			if (r.u.status.reason == MDBUS_STATUS_PUBLISHER_START) {
				/* an odd (connected) generation left by a dead publisher, moved to
				 * the next even one */
				if ((prev_gen & 1) && r.gen == prev_gen + 1 && !(r.gen & 1))
					m.starts_ok++;
				else {
					m.starts_bad++;
					snprintf(m.note, sizeof m.note, "PUBLISHER_START gen %llu after %llu",
						 (unsigned long long)r.gen, (unsigned long long)prev_gen);
				}
			}
		}
		prev_gen = r.gen;
		if (r.type == MDBUS_REC_STATUS || (t->read & 4095) == 0) {
			mdbus_sub_status(s, &st);
			if (st.epoch < m.max_epoch)
				m.epoch_backwards++;
			if (st.epoch > m.max_epoch)
				m.max_epoch = st.epoch;
		}
		if (r.type == MDBUS_REC_TRADE && r.symbol == END_SYMBOL) {
			m.end_seen = 1;
			break;
		}
	}
	mdbus_sub_status(s, &st);
	m.final_epoch = st.epoch;
	m.final_gen = st.generation;
	struct mdbus_info info;
	mdbus_sub_info(s, &info);
	m.slot_count = info.slot_count;
	m.kind = EV_REPORT;
	mdbus_sub_close(s);
	send_msg(ev, &m);
	_exit(0);
}

/* ------------------------------------------------------------- parent */

static int ev_rd, ev_wr;
static pid_t readers[N_READERS];

static int next_msg(struct msg *m, int kind, int timeout_ms)
{
	if (tu_read_full(ev_rd, m, sizeof *m, timeout_ms) < 0) {
		TU_CHECK(0, "no message %d from a child within %d ms", kind, timeout_ms);
		return -1;
	}
	TU_CHECK(m->kind == kind, "message %d from %d, want %d (err %s, %s %s; end %d read %llu next %llu)",
		 m->kind, m->who, kind, mdbus_strerror(m->err), m->note, m->t.first_error,
		 (int)m->end_seen, (unsigned long long)m->t.read, (unsigned long long)m->t.expected);
	return m->kind == kind ? 0 : -1;
}

struct writer_proc {
	pid_t pid;
	int ctl;
	struct msg opened;
};

static int start_writer(struct writer_proc *wp, uint32_t slots)
{
	int ctl[2];
	if (pipe(ctl) < 0)
		return -1;
	wp->pid = fork();
	if (wp->pid == 0) {
		close(ctl[1]);
		close(ev_rd);
		writer_main(slots, ctl[0], ev_wr);
	}
	tu_child_add(wp->pid);
	close(ctl[0]);
	wp->ctl = ctl[1];
	if (next_msg(&wp->opened, EV_OPENED, 30000) < 0)
		return -1;
	TU_CHECK(wp->opened.err == 0, "writer open: %s", mdbus_strerror(wp->opened.err));
	return wp->opened.err == 0 ? 0 : -1;
}

static int command(struct writer_proc *wp, char c, uint64_t arg, struct msg *ack)
{
	if (tu_write_full(wp->ctl, &c, 1) < 0)
		return -1;
	if (c == 'W' && tu_write_full(wp->ctl, &arg, sizeof arg) < 0)
		return -1;
	if (c == 'S' || c == 'H')
		return 0;
	struct msg m;
	if (next_msg(&m, EV_ACK, 60000) < 0)
		return -1;
	if (ack)
		*ack = m;
	return 0;
}

/* Wait until the write cursor (seen through `mon`) reaches `target`. */
static int wait_cursor(mdbus_sub *mon, uint64_t target)
{
	uint64_t deadline = tu_mono_ns() + 120ull * 1000000000u;
	struct mdbus_status st;
	for (;;) {
		mdbus_sub_status(mon, &st);
		if (st.write_seq >= target)
			return 0;
		if (tu_mono_ns() > deadline) {
			TU_CHECK(0, "writer stuck at %llu, want %llu", (unsigned long long)st.write_seq,
				 (unsigned long long)target);
			return -1;
		}
		struct timespec ts = { 0, 1000000 }; /* polling interval */
		nanosleep(&ts, NULL);
	}
}

/* Wait until every reader's registry position is >= seq. */
static int wait_readers(uint64_t seq)
{
	uint64_t deadline = tu_mono_ns() + 60ull * 1000000000u;
	struct mdbus_reader_info ri[64];
	for (;;) {
		int n = mdbus_readers_list(feed, ri, 64), ok = 0;
		for (int i = 0; i < n && i < 64; i++)
			for (int k = 0; k < N_READERS; k++)
				if (ri[i].alive && ri[i].pid == (uint32_t)readers[k] && ri[i].position >= seq)
					ok++;
		if (ok == N_READERS)
			return 0;
		if (tu_mono_ns() > deadline) {
			TU_CHECK(0, "readers did not reach %llu (%d of %d)", (unsigned long long)seq, ok,
				 N_READERS);
			return -1;
		}
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
}

static void expect_killed(pid_t pid, const char *what)
{
	int status = 0;
	char sb[64];
	TU_CHECK(tu_reap_child(pid, 30000, &status) == 0 && WIFSIGNALED(status) &&
		 WTERMSIG(status) == SIGKILL, "%s: %s", what, tu_status_str(status, sb, sizeof sb));
}

int main(void)
{
	tu_guard(TU_TSAN ? 900 : 300, "publisher restart");
	tu_feed_name(feed, "restart");
	int ev[2];
	if (pipe(ev) < 0)
		return 1;
	ev_rd = ev[0];
	ev_wr = ev[1];
	struct msg m;
	mdbus_sub *mon = NULL;
	const uint32_t small = 1024, big = 2048;

	/* writer 1 and the readers */
	struct writer_proc w1, w2, w3, w4;
	if (start_writer(&w1, small) < 0)
		goto out;
	TU_CHECK(w1.opened.epoch == 1 && w1.opened.gen == 0, "writer 1: epoch %llu gen %llu",
		 (unsigned long long)w1.opened.epoch, (unsigned long long)w1.opened.gen);
	for (int i = 0; i < N_READERS; i++) {
		readers[i] = fork();
		if (readers[i] == 0) {
			close(ev_rd);
			reader_main(i, ev_wr);
		}
		tu_child_add(readers[i]);
	}
	for (int i = 0; i < N_READERS; i++)
		if (next_msg(&m, EV_READY, 30000) < 0 || m.err)
			goto out;
	int rc = mdbus_sub_open(&mon, feed, MDBUS_SUB_NO_REGISTRY);
	TU_CHECK(rc == 0, "monitor open: %s", mdbus_strerror(rc));
	if (rc < 0)
		goto out;

	struct msg ack;
	if (command(&w1, 'C', 0, &ack) < 0 || command(&w1, 'S', 0, NULL) < 0)
		goto out;
	if (wait_cursor(mon, ack.cursor + STREAM_STEP) < 0)
		goto out;
	kill(w1.pid, SIGKILL);
	expect_killed(w1.pid, "writer 1");

	/* writer 2: reattach after a crash while connected */
	if (start_writer(&w2, small) < 0)
		goto out;
	TU_CHECK(w2.opened.epoch == 2, "writer 2 epoch %llu", (unsigned long long)w2.opened.epoch);
	TU_CHECK(w2.opened.gen == 2, "writer 2 gen %llu (want odd 1 moved to 2)",
		 (unsigned long long)w2.opened.gen);
	if (wait_readers(w2.opened.cursor) < 0)
		goto out;
	if (command(&w2, 'C', 0, &ack) < 0 || command(&w2, 'S', 0, NULL) < 0)
		goto out;
	if (wait_cursor(mon, ack.cursor + STREAM_STEP) < 0)
		goto out;
	command(&w2, 'H', 0, NULL); /* die inside a put */
	expect_killed(w2.pid, "writer 2 (half-written slot)");
	struct mdbus_status st;
	mdbus_sub_status(mon, &st);
	uint64_t torn_seq = st.write_seq;

	/* writer 3: repairs; the never-completed sequence is written again, whole */
	if (start_writer(&w3, small) < 0)
		goto out;
	TU_CHECK(w3.opened.epoch == 3 && w3.opened.gen == 4, "writer 3: epoch %llu gen %llu",
		 (unsigned long long)w3.opened.epoch, (unsigned long long)w3.opened.gen);
	TU_CHECK(w3.opened.cursor == torn_seq + 1,
		 "writer 3 cursor %llu: its STATUS record should have reused seq %llu",
		 (unsigned long long)w3.opened.cursor, (unsigned long long)torn_seq);
	if (wait_readers(w3.opened.cursor) < 0)
		goto out;
	if (command(&w3, 'C', 0, &ack) < 0 || command(&w3, 'S', 0, NULL) < 0)
		goto out;
	if (wait_cursor(mon, ack.cursor + STREAM_STEP) < 0)
		goto out;
	kill(w3.pid, SIGKILL);
	expect_killed(w3.pid, "writer 3");

	/* writer 4: another ring size -> a new segment, followed by name */
	if (start_writer(&w4, big) < 0)
		goto out;
	TU_CHECK(w4.opened.epoch == 4 && w4.opened.gen == 6, "writer 4: epoch %llu gen %llu",
		 (unsigned long long)w4.opened.epoch, (unsigned long long)w4.opened.gen);
	mdbus_sub_status(mon, &st);
	TU_CHECK(st.retired == 1, "old segment not marked retired");
	TU_CHECK(w4.opened.cursor >= st.write_seq, "writer 4 cursor %llu went back from %llu",
		 (unsigned long long)w4.opened.cursor, (unsigned long long)st.write_seq);
	if (wait_readers(w4.opened.cursor) < 0)
		goto out;
	if (command(&w4, 'C', 0, &ack) < 0 || command(&w4, 'W', 50000, &ack) < 0 ||
	    tu_write_full(w4.ctl, "E", 1) < 0)
		goto out;
	/* the writer's last ack and the readers' reports, in any order */
	struct msg reports[N_READERS];
	int nrep = 0, acked = 0;
	while (nrep < N_READERS || !acked) {
		if (tu_read_full(ev_rd, &m, sizeof m, 60000) < 0) {
			TU_CHECK(0, "missing reports (%d of %d, writer ack %d)", nrep, N_READERS, acked);
			goto out;
		}
		if (m.kind == EV_ACK && !acked) {
			ack = m;
			acked = 1;
		} else if (m.kind == EV_REPORT && nrep < N_READERS) {
			reports[nrep++] = m;
		} else {
			TU_CHECK(0, "unexpected message %d from %d", m.kind, m.who);
			goto out;
		}
	}
	int status;
	char sb[64];
	TU_CHECK(tu_reap_child(w4.pid, 30000, &status) == 0 && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 0, "writer 4: %s", tu_status_str(status, sb, sizeof sb));

	for (int i = 0; i < N_READERS; i++) {
		m = reports[i];
		struct tu_stream *t = &m.t;
		printf("reader %d: read %llu lost %llu (laps %llu) statuses %llu restarts seen %llu "
		       "epoch %llu gen %llu slots %llu\n",
		       m.who, (unsigned long long)t->read, (unsigned long long)t->lost,
		       (unsigned long long)t->laps, (unsigned long long)m.statuses,
		       (unsigned long long)m.starts_ok, (unsigned long long)m.final_epoch,
		       (unsigned long long)m.final_gen, (unsigned long long)m.slot_count);
		if (t->first_error[0])
			printf("reader %d: %s\n", m.who, t->first_error);
		if (m.note[0])
			printf("reader %d: %s\n", m.who, m.note);
		TU_CHECK(m.end_seen, "reader %d did not reach the END record", m.who);
		TU_CHECK(t->bad == 0 && m.corrupt == 0, "reader %d: torn %llu corrupt %llu", m.who,
			 (unsigned long long)t->bad, (unsigned long long)m.corrupt);
		TU_CHECK(t->order == 0, "reader %d: %llu records out of order", m.who,
			 (unsigned long long)t->order);
		TU_CHECK(m.errors == 0, "reader %d: %llu errors, last %s", m.who,
			 (unsigned long long)m.errors, mdbus_strerror(m.err));
		TU_CHECK(m.gen_backwards == 0, "reader %d: generation went backwards", m.who);
		TU_CHECK(m.epoch_backwards == 0, "reader %d: epoch went backwards", m.who);
		TU_CHECK(m.starts_ok == 3 && m.starts_bad == 0,
			 "reader %d: %llu restarts seen as STATUS odd->even, %llu wrong (want 3)", m.who,
			 (unsigned long long)m.starts_ok, (unsigned long long)m.starts_bad);
		TU_CHECK(m.final_epoch == 4 && m.max_epoch == 4, "reader %d: epoch %llu (max %llu)",
			 m.who, (unsigned long long)m.final_epoch, (unsigned long long)m.max_epoch);
		TU_CHECK(m.slot_count == big, "reader %d: still on a %llu-slot ring", m.who,
			 (unsigned long long)m.slot_count);
		TU_CHECK(t->expected == ack.cursor, "reader %d ended at %llu, writer at %llu", m.who,
			 (unsigned long long)t->expected, (unsigned long long)ack.cursor);
	}
	for (int i = 0; i < N_READERS; i++)
		TU_CHECK(tu_reap_child(readers[i], 30000, &status) == 0 && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 0, "reader %d: %s", i, tu_status_str(status, sb, sizeof sb));
out:
	tu_kill_children();
	if (mon)
		mdbus_sub_close(mon);
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}
