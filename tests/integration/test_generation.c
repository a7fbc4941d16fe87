/*
 * test_generation.c — generation semantics across processes (issue 2).
 *
 * 1000 rapid connect/disconnect toggles while 8 reader processes sit in
 * mdbus_sub_wait_gen loops (half wait forever, half with a short timeout): no hang
 * (a generous deadline fails it), no crash, every waiter sees the generation only
 * grow and ends on the final value.  A waiter arriving after a change returns at
 * once: its first call returns 1, even with timeout 0.  The ring holds one STATUS
 * record per move, in order.
 */
#define _GNU_SOURCE
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define N_WAITERS 8
#define TOGGLES 1000

struct report {
	int who, kind;
	uint64_t seen_at_open, final_gen, status_gen, wakes, timeouts, errors, backwards;
	int first_rc, err;
};

static char feed[MDBUS_FEED_NAME_MAX + 1];

static void send_report(int fd, struct report *r)
{
	if (tu_write_full(fd, r, sizeof *r) < 0)
		_exit(3);
}

/* Wait until the generation reaches `target`, from wherever it is. */
static void waiter_main(int idx, int ev, uint64_t target)
{
	struct report rep = { .who = idx, .kind = 1 };
	mdbus_sub *s;
	rep.err = mdbus_sub_open(&s, feed, 0);
	if (rep.err < 0) {
		send_report(ev, &rep);
		_exit(2);
	}
	struct mdbus_status st;
	mdbus_sub_status(s, &st);
	uint64_t seen = st.generation;
	rep.seen_at_open = seen;
	send_report(ev, &rep);
	int timeout = (idx & 1) ? 20 : -1;
	while (seen != target) {
		uint64_t now = 0;
		int rc = mdbus_sub_wait_gen(s, seen, timeout, &now);
		if (rc == 1) {
			rep.wakes++;
			if (now <= seen)
				rep.backwards++;
			seen = now;
		} else if (rc == 0) {
			rep.timeouts++;
			if (now != seen)
				rep.backwards++; /* 0 must mean "still the same" */
		} else {
			rep.err = rc;
			if (++rep.errors > 100)
				break;
		}
	}
	rep.final_gen = seen;
	mdbus_sub_status(s, &st);
	rep.status_gen = st.generation;
	rep.kind = 2;
	mdbus_sub_close(s);
	send_report(ev, &rep);
	_exit(0);
}

/* Opens, notes the generation, waits for the parent to move it, then asks once. */
static void late_waiter_main(int ev, int go, uint64_t seen_hint)
{
	struct report rep = { .who = 100, .kind = 1 };
	mdbus_sub *s;
	rep.err = mdbus_sub_open(&s, feed, 0);
	if (rep.err < 0) {
		send_report(ev, &rep);
		_exit(2);
	}
	struct mdbus_status st;
	mdbus_sub_status(s, &st);
	rep.seen_at_open = st.generation;
	send_report(ev, &rep);
	char c;
	if (tu_read_full(go, &c, 1, -1) < 0)
		_exit(4);
	uint64_t now = 0;
	uint64_t seen = seen_hint == UINT64_MAX ? rep.seen_at_open : seen_hint;
	rep.first_rc = mdbus_sub_wait_gen(s, seen, 0, &now);
	rep.final_gen = now;
	/* and a blocking call returns at once too (the parent's deadline fails a hang) */
	rep.wakes = (uint64_t)mdbus_sub_wait_gen(s, seen, -1, &now);
	rep.kind = 2;
	mdbus_sub_close(s);
	send_report(ev, &rep);
	_exit(0);
}

int main(void)
{
	tu_guard(TU_TSAN ? 600 : 180, "generation semantics");
	tu_feed_name(feed, "gen");
	mdbus_writer *w;
	int rc = mdbus_writer_open(&w, feed, NULL);
	TU_CHECK(rc == 0, "writer_open: %s", mdbus_strerror(rc));
	if (rc < 0)
		return 1;
	mdbus_sub *log = NULL;
	rc = mdbus_sub_open(&log, feed, MDBUS_SUB_NO_REGISTRY);
	TU_CHECK(rc == 0, "log reader: %s", mdbus_strerror(rc));
	int ev[2];
	if (pipe(ev) < 0)
		return 1;
	const uint64_t target = TOGGLES;
	pid_t pids[N_WAITERS];
	for (int i = 0; i < N_WAITERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(ev[0]);
			waiter_main(i, ev[1], target);
		}
		tu_child_add(pids[i]);
	}
	struct report rep;
	for (int i = 0; i < N_WAITERS; i++) {
		TU_CHECK(tu_read_full(ev[0], &rep, sizeof rep, 30000) == 0 && rep.kind == 1 && rep.err == 0,
			 "waiter did not open");
		if (tu_failures)
			goto out;
	}
	/* toggles, as fast as the writer can make them */
	int moved = 0;
	for (int i = 0; i < TOGGLES; i++)
		moved += mdbus_writer_set_connected(w, (i & 1) == 0) == 1;
	TU_CHECK(moved == TOGGLES, "%d of %d toggles moved the generation", moved, TOGGLES);
	TU_CHECK(mdbus_writer_generation(w) == target, "generation %llu",
		 (unsigned long long)mdbus_writer_generation(w));

	/* every waiter ends, on the final value; the deadline is generous */
	uint64_t deadline = tu_mono_ns() + 60ull * 1000000000u;
	int done = 0;
	while (done < N_WAITERS) {
		uint64_t now = tu_mono_ns();
		int left = now >= deadline ? 0 : (int)((deadline - now) / 1000000u);
		if (tu_read_full(ev[0], &rep, sizeof rep, left) < 0) {
			TU_CHECK(0, "%d of %d waiters still waiting after the deadline: hang", N_WAITERS - done,
				 N_WAITERS);
			goto out;
		}
		done++;
		printf("waiter %d (%s): woke %llu times, %llu timeouts, ended on %llu\n", rep.who,
		       (rep.who & 1) ? "20 ms timeout" : "no timeout", (unsigned long long)rep.wakes,
		       (unsigned long long)rep.timeouts, (unsigned long long)rep.final_gen);
		TU_CHECK(rep.kind == 2, "report kind %d", rep.kind);
		TU_CHECK(rep.final_gen == target && rep.status_gen == target,
			 "waiter %d ended on %llu (status %llu)", rep.who, (unsigned long long)rep.final_gen,
			 (unsigned long long)rep.status_gen);
		TU_CHECK(rep.errors == 0, "waiter %d: %s", rep.who, mdbus_strerror(rep.err));
		TU_CHECK(rep.backwards == 0, "waiter %d saw the generation not grow", rep.who);
		TU_CHECK(rep.wakes >= 1 && rep.wakes <= target, "waiter %d woke %llu times", rep.who,
			 (unsigned long long)rep.wakes);
	}
	int status;
	char sb[64];
	for (int i = 0; i < N_WAITERS; i++)
		TU_CHECK(tu_reap_child(pids[i], 10000, &status) == 0 && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 0, "waiter %d: %s", i, tu_status_str(status, sb, sizeof sb));

	/* a waiter arriving after the change: its old value differs -> 1 at once */
	for (int variant = 0; variant < 2; variant++) {
		int go[2];
		if (pipe(go) < 0)
			goto out;
		pid_t p = fork();
		if (p == 0) {
			close(ev[0]);
			close(go[1]);
			late_waiter_main(ev[1], go[0], variant == 0 ? 0 : UINT64_MAX);
		}
		tu_child_add(p);
		close(go[0]);
		TU_CHECK(tu_read_full(ev[0], &rep, sizeof rep, 30000) == 0 && rep.kind == 1 && rep.err == 0,
			 "late waiter did not open");
		uint64_t before = mdbus_writer_generation(w);
		if (variant == 1) /* it saw `before`; move it after it looked */
			TU_CHECK(mdbus_writer_set_connected(w, !(before & 1)) == 1, "move");
		TU_CHECK(tu_write_full(go[1], "g", 1) == 0, "go");
		TU_CHECK(tu_read_full(ev[0], &rep, sizeof rep, 30000) == 0 && rep.kind == 2,
			 "late waiter %d: no answer (hang?)", variant);
		uint64_t g = mdbus_writer_generation(w);
		TU_CHECK(rep.first_rc == 1 && rep.final_gen == g,
			 "late waiter %d: first call returned %d with gen %llu (want 1, %llu)", variant,
			 rep.first_rc, (unsigned long long)rep.final_gen, (unsigned long long)g);
		TU_CHECK(rep.wakes == 1, "late waiter %d: blocking call returned %d", variant, (int)rep.wakes);
		TU_CHECK(tu_reap_child(p, 10000, &status) == 0 && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 0, "late waiter: %s", tu_status_str(status, sb, sizeof sb));
		close(go[1]);
	}

	/* the ring tells the same story, one STATUS record per move, in order */
	if (log) {
		struct mdbus_record r;
		uint64_t g = 0, n = 0, bad = 0;
		while (mdbus_sub_next(log, &r, 0) == 1) {
			n++;
			if (r.type != MDBUS_REC_STATUS || r.gen != g + 1 || r.u.status.gen != r.gen ||
			    r.u.status.connected != (r.gen & 1))
				bad++;
			g = r.gen;
		}
		TU_CHECK(n == TOGGLES + 1 && bad == 0, "ring: %llu STATUS records, %llu wrong",
			 (unsigned long long)n, (unsigned long long)bad);
	}
out:
	tu_kill_children();
	if (log)
		mdbus_sub_close(log);
	mdbus_writer_close(w);
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}
