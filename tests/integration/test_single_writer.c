/*
 * test_single_writer.c — one writer per feed (issue 2).
 *
 * A writer process holds the feed.  A second writer in another process gets
 * MDBUS_E_LOCKED and mdbus_writer_lock_holder names the holder's pid; removing the
 * feed is refused too.  Once the holder is SIGKILLed the kernel drops its lock and a
 * new writer takes the feed at once (no stale-lock cleanup), reattaching to the
 * segment (epoch + 1, cursor kept).
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

struct answer {
	int32_t rc, holder_rc;
	int32_t pid, holder;
	uint64_t epoch, cursor;
};

static char feed[MDBUS_FEED_NAME_MAX + 1];

/* Hold the feed until killed; first put 3 records. */
static void holder_main(int ev, int block)
{
	mdbus_writer *w;
	struct answer a = { .pid = getpid() };
	a.rc = mdbus_writer_open(&w, feed, NULL);
	if (a.rc == 0) {
		a.epoch = mdbus_writer_epoch(w);
		for (int i = 0; i < 3; i++) {
			struct mdbus_record r;
			tu_raw_fill(&r, mdbus_writer_cursor(w), MDBUS_RAW_MAX);
			mdbus_writer_put(w, &r);
		}
		a.cursor = mdbus_writer_cursor(w);
	}
	if (tu_write_full(ev, &a, sizeof a) < 0)
		_exit(3);
	char c;
	(void)tu_read_full(block, &c, 1, -1); /* until SIGKILL */
	_exit(0);
}

/* Try to take the feed; report what happened and who holds it. */
static void contender_main(int ev)
{
	mdbus_writer *w = NULL;
	struct answer a = { .pid = getpid() };
	a.rc = mdbus_writer_open(&w, feed, NULL);
	pid_t h = 0;
	a.holder_rc = mdbus_writer_lock_holder(feed, &h);
	a.holder = h;
	if (a.rc == 0) {
		a.epoch = mdbus_writer_epoch(w);
		a.cursor = mdbus_writer_cursor(w);
		mdbus_writer_close(w);
	}
	if (tu_write_full(ev, &a, sizeof a) < 0)
		_exit(3);
	_exit(0);
}

static int run_contender(int ev_rd, int ev_wr, struct answer *a)
{
	pid_t p = fork();
	if (p == 0)
		contender_main(ev_wr);
	tu_child_add(p);
	int status;
	char sb[64];
	int ok = tu_read_full(ev_rd, a, sizeof *a, 30000) == 0;
	TU_CHECK(ok, "contender did not answer");
	TU_CHECK(tu_reap_child(p, 10000, &status) == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "contender: %s", tu_status_str(status, sb, sizeof sb));
	return ok ? 0 : -1;
}

int main(void)
{
	tu_guard(120, "one writer per feed");
	tu_feed_name(feed, "lock");
	int ev[2], block[2];
	if (pipe(ev) < 0 || pipe(block) < 0)
		return 1;
	struct answer a;

	pid_t holder = fork();
	if (holder == 0) {
		close(block[1]);
		holder_main(ev[1], block[0]);
	}
	tu_child_add(holder);
	close(block[0]);
	TU_CHECK(tu_read_full(ev[0], &a, sizeof a, 30000) == 0 && a.rc == 0, "holder could not open: %s",
		 mdbus_strerror(a.rc));
	if (tu_failures)
		goto out;
	TU_CHECK(a.epoch == 1 && a.cursor == 3, "holder epoch %llu cursor %llu",
		 (unsigned long long)a.epoch, (unsigned long long)a.cursor);

	/* a second writer, in another process */
	if (run_contender(ev[0], ev[1], &a) < 0)
		goto out;
	TU_CHECK(a.rc == MDBUS_E_LOCKED, "second writer got %d (%s), want MDBUS_E_LOCKED", a.rc,
		 mdbus_strerror(a.rc));
	TU_CHECK(a.holder_rc == 0 && a.holder == holder, "lock holder %d (rc %d), want %d", a.holder,
		 a.holder_rc, (int)holder);
	printf("second writer refused: %s; holder pid %d\n", mdbus_strerror(a.rc), a.holder);

	/* nor can this process write or remove the feed */
	mdbus_writer *w = NULL;
	int rc = mdbus_writer_open(&w, feed, NULL);
	TU_CHECK(rc == MDBUS_E_LOCKED && w == NULL, "writer_open here: %s", mdbus_strerror(rc));
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == MDBUS_E_LOCKED, "feed_remove while held: %s", mdbus_strerror(rc));
	mdbus_sub *s = NULL;
	rc = mdbus_sub_open(&s, feed, MDBUS_SUB_FROM_OLDEST);
	TU_CHECK(rc == 0, "reader: %s", mdbus_strerror(rc)); /* readers are never locked out */

	/* SIGKILL the holder: the kernel drops the flock, a new writer takes over */
	kill(holder, SIGKILL);
	int status;
	char sb[64];
	TU_CHECK(tu_reap_child(holder, 10000, &status) == 0 && WIFSIGNALED(status) &&
		 WTERMSIG(status) == SIGKILL, "holder: %s", tu_status_str(status, sb, sizeof sb));
	if (run_contender(ev[0], ev[1], &a) < 0)
		goto out;
	TU_CHECK(a.rc == 0, "writer after the holder died: %s", mdbus_strerror(a.rc));
	TU_CHECK(a.holder_rc == 0 && a.holder == a.pid, "lock holder %d, want the new writer %d",
		 a.holder, a.pid);
	TU_CHECK(a.epoch == 2 && a.cursor == 3, "new writer epoch %llu cursor %llu",
		 (unsigned long long)a.epoch, (unsigned long long)a.cursor);

	/* a clean close releases it as well */
	rc = mdbus_writer_open(&w, feed, NULL);
	TU_CHECK(rc == 0, "writer after a clean close: %s", mdbus_strerror(rc));
	if (rc == 0) {
		pid_t h = 0;
		TU_CHECK(mdbus_writer_lock_holder(feed, &h) == 0 && h == getpid(), "holder %d", (int)h);
		TU_CHECK(mdbus_writer_epoch(w) == 3, "epoch %llu", (unsigned long long)mdbus_writer_epoch(w));
		mdbus_writer_close(w);
	}
	if (s) {
		struct mdbus_record r;
		int n = 0;
		while (mdbus_sub_next(s, &r, 0) == 1)
			n++;
		TU_CHECK(n == 3, "reader saw %d records", n);
		struct mdbus_status st;
		mdbus_sub_status(s, &st);
		TU_CHECK(st.epoch == 3 && st.publisher_stopped, "status epoch %llu stopped %d",
			 (unsigned long long)st.epoch, st.publisher_stopped);
		mdbus_sub_close(s);
	}
out:
	tu_kill_children();
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	pid_t h;
	TU_CHECK(mdbus_writer_lock_holder(feed, &h) == MDBUS_E_NOFEED, "lock file left behind");
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}
