/*
 * test_reader_readonly.c — readers cannot write the bus (issue 2).
 *
 * In a child process: open a reader, find the mapping of /dev/shm/mdbus.<feed> in
 * /proc/self/maps — it must be "r--s" (shared, read-only) — and store a byte into
 * it: the child must die with SIGSEGV, and the segment must be unchanged.  Also: the
 * segment is created with the restrictive default mode 0640.
 */
#define _GNU_SOURCE
#include <mdbus/layout.h>
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

struct found {
	int mappings;           /* lines naming the data segment */
	char perms[8];
	uintptr_t start, end;
	int open_rc;
};

static char feed[MDBUS_FEED_NAME_MAX + 1];

static void child_main(int ev)
{
	struct found f = { 0 };
	mdbus_sub *s;
	f.open_rc = mdbus_sub_open(&s, feed, 0);
	char want[128];
	snprintf(want, sizeof want, "/dev/shm/mdbus.%s", feed);
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[512];
	while (maps && fgets(line, sizeof line, maps)) {
		char *path = strchr(line, '/');
		if (!path)
			continue;
		path[strcspn(path, "\n")] = '\0';
		/* exactly the data segment, not .readers (which readers may write) */
		if (strcmp(path, want) != 0)
			continue;
		unsigned long a, b;
		char perms[8] = "";
		if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3) {
			f.mappings++;
			f.start = a;
			f.end = b;
			memcpy(f.perms, perms, sizeof f.perms);
		}
	}
	if (maps)
		fclose(maps);
	if (tu_write_full(ev, &f, sizeof f) < 0)
		_exit(3);
	if (f.mappings != 1)
		_exit(4);
	/* Die of the fault itself: sanitizers install their own SEGV handler, which
	 * would turn the signal into an exit code. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	volatile uint8_t *p = (volatile uint8_t *)(f.start + sizeof(struct mdbus_shm_header) + 1);
	*p = 0x42; /* the control block: the write cursor's neighbour */
	_exit(5); /* the store went through */
}

int main(void)
{
	tu_guard(60, "readers cannot write");
	tu_feed_name(feed, "ro");
	mdbus_writer *w;
	int rc = mdbus_writer_open(&w, feed, NULL);
	TU_CHECK(rc == 0, "writer_open: %s", mdbus_strerror(rc));
	if (rc < 0)
		return 1;
	struct mdbus_record r;
	tu_raw_fill(&r, 0, MDBUS_RAW_MAX);
	mdbus_writer_put(w, &r);

	char path[128];
	snprintf(path, sizeof path, "/dev/shm/mdbus.%s", feed);
	struct stat st;
	TU_CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640, "segment mode %o",
		 st.st_mode & 0777);

	/* the child must inherit no mapping of ours: close the writer (the segment
	 * stays) and reopen it afterwards */
	mdbus_writer_close(w);
	int ev[2];
	if (pipe(ev) < 0)
		return 1;
	pid_t p = fork();
	if (p == 0) {
		close(ev[0]);
		child_main(ev[1]);
	}
	tu_child_add(p);
	struct found f;
	TU_CHECK(tu_read_full(ev[0], &f, sizeof f, 30000) == 0, "child did not report");
	int status = 0;
	char sb[64];
	TU_CHECK(tu_reap_child(p, 30000, &status) == 0, "child hung");
	TU_CHECK(f.open_rc == 0, "reader open: %s", mdbus_strerror(f.open_rc));
	TU_CHECK(f.mappings == 1, "%d mappings of %s in the reader", f.mappings, path);
	printf("reader maps %s as %s (%lu bytes); store -> %s\n", path, f.perms,
	       (unsigned long)(f.end - f.start), tu_status_str(status, sb, sizeof sb));
	TU_CHECK(strcmp(f.perms, "r--s") == 0, "mapped %s, want r--s", f.perms);
	TU_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "the store did not fault: %s",
		 tu_status_str(status, sb, sizeof sb));

	/* and nothing changed: a reader in this process still reads the record */
	rc = mdbus_writer_open(&w, feed, NULL);
	TU_CHECK(rc == 0, "writer reopen: %s", mdbus_strerror(rc));
	mdbus_sub *s;
	rc = mdbus_sub_open(&s, feed, MDBUS_SUB_FROM_OLDEST);
	TU_CHECK(rc == 0, "reader: %s", mdbus_strerror(rc));
	if (rc == 0) {
		struct mdbus_record o;
		TU_CHECK(mdbus_sub_next(s, &o, 0) == 1 && tu_raw_check(&o, MDBUS_RAW_MAX, NULL, 0) == 0,
			 "record damaged");
		struct mdbus_status ss;
		mdbus_sub_status(s, &ss);
		TU_CHECK(ss.write_seq == 1, "write cursor %llu", (unsigned long long)ss.write_seq);
		mdbus_sub_close(s);
	}
	if (w)
		mdbus_writer_close(w);
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}
