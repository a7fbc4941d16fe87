/*
 * camp_shm.c — the segment cannot be created: /dev/shm is full, or the size is
 * refused.  The publisher must exit non-zero with one clear line, and leave
 * nothing behind: no data segment, no registry, no lock object.
 *
 * shm_full runs in a private mount namespace with a 1 MiB tmpfs over /dev/shm
 * (needs CAP_SYS_ADMIN; skipped with the reason otherwise), so the machine's
 * /dev/shm is never filled.  size_refused lowers RLIMIT_FSIZE for the publisher:
 * the kernel refuses to extend the object past the limit.
 */
#define _GNU_SOURCE
#include "faults.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Names in /dev/shm that start with "mdbus.<feed>" (the feed and its companions). */
static int leftovers(const char *feed, char *list, size_t cap)
{
	DIR *d = opendir("/dev/shm");
	if (!d)
		return -1;
	char prefix[MDBUS_FEED_NAME_MAX + 8];
	snprintf(prefix, sizeof prefix, "mdbus.%s", feed);
	size_t plen = strlen(prefix);
	int n = 0;
	list[0] = '\0';
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, plen) != 0 || (e->d_name[plen] != '\0' && e->d_name[plen] != '.'))
			continue;
		n++;
		size_t used = strlen(list);
		snprintf(list + used, cap - used, "%s%s", used ? " " : "", e->d_name);
	}
	closedir(d);
	return n;
}

/* Run the publisher for `feed` (no exchange needed: it fails before connecting);
 * expect exit 1 and a line containing `want`.  Returns 1 if so. */
static int publisher_refuses(const char *feed, const char *slots, const char *want, char *text, size_t cap)
{
	struct ft_args a = { .n = 0 };
	ft_arg(&a, "%s", ft_pub_bin);
	ft_arg(&a, "--feed");
	ft_arg(&a, "%s", feed);
	ft_arg(&a, "--symbols");
	ft_arg(&a, "BTC/USD");
	ft_arg(&a, "--url");
	ft_arg(&a, "ws://127.0.0.1:1/v2");
	ft_arg(&a, "--slots");
	ft_arg(&a, "%s", slots);
	struct proc p;
	if (proc_start(&p, a.v, 0) < 0)
		return 0;
	int exited = proc_wait(&p, 20000);
	if (!exited)
		proc_stop(&p, SIGKILL, 1000);
	char *log = ft_slurp(p.log, NULL);
	snprintf(text, cap, "%s", log ? log : "");
	free(log);
	unlink(p.log);
	if (!exited) {
		ft_fail(__FILE__, __LINE__, "exit", "publisher still running after 20 s");
		return 0;
	}
	if (!WIFEXITED(p.status) || WEXITSTATUS(p.status) != 1) {
		ft_fail(__FILE__, __LINE__, "exit status", "publisher ended with status %d (signal %d), stderr: %s",
			p.status, WIFSIGNALED(p.status) ? WTERMSIG(p.status) : 0, text);
		return 0;
	}
	if (!strstr(text, want)) {
		ft_fail(__FILE__, __LINE__, "message", "stderr lacks '%s': %s", want, text);
		return 0;
	}
	return 1;
}

int camp_shm_full(long size)
{
	(void)size;
	if (geteuid() != 0)
		return ft_skip("shm_full", "needs root for a private tmpfs on /dev/shm");
	if (unshare(CLONE_NEWNS) < 0)
		return ft_skip("shm_full", "unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return ft_skip("shm_full", "cannot make mounts private: %s", strerror(errno));
	if (mount("mdbus-ft", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=1777") < 0)
		return ft_skip("shm_full", "cannot mount a tmpfs on /dev/shm: %s", strerror(errno));
	/* From here on /dev/shm is a private, empty 1 MiB tmpfs. */
	char feed[MDBUS_FEED_NAME_MAX + 1], text[4096], left[1024];
	int cases = 0;
	snprintf(feed, sizeof feed, "ft-full-%d", (int)getpid());

	/* 1. The default 8 MiB ring does not fit. */
	cases++;
	if (publisher_refuses(feed, "65536", "no space", text, sizeof text))
		printf("shm_full: segment larger than /dev/shm: %s", text);
	FT_CHECK(leftovers(feed, left, sizeof left) == 0, "left behind: %s", left);

	/* 2. The library says so too, with nothing created. */
	cases++;
	mdbus_writer *w = NULL;
	struct mdbus_writer_opts o = { .slot_count = 65536 };
	int rc = mdbus_writer_open(&w, feed, &o);
	FT_CHECK(rc == MDBUS_E_NOSPACE, "mdbus_writer_open: %d (%s)", rc, mdbus_strerror(rc));
	if (rc == 0)
		mdbus_writer_close(w);
	FT_CHECK(leftovers(feed, left, sizeof left) == 0, "left behind by mdbus_writer_open: %s", left);

	/* 3. /dev/shm completely full: not even the lock object can be written. */
	cases++;
	int fd = open("/dev/shm/filler", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	static char block[65536];
	memset(block, 'f', sizeof block);
	while (fd >= 0 && write(fd, block, sizeof block) > 0)
		;
	while (fd >= 0 && write(fd, block, 1) > 0)
		;
	if (fd >= 0)
		close(fd);
	if (publisher_refuses(feed, "16", "cannot open feed", text, sizeof text))
		printf("shm_full: /dev/shm full: %s", text);
	FT_CHECK(leftovers(feed, left, sizeof left) == 0, "left behind on a full /dev/shm: %s", left);
	unlink("/dev/shm/filler");

	/* Control: a segment that fits is created, so the failures above were the
	 * size and nothing else. */
	cases++;
	o.slot_count = 16;
	o.symbol_capacity = 16;
	o.book_depth = 10;
	rc = mdbus_writer_open(&w, feed, &o);
	FT_CHECK(rc == 0, "a small segment does not fit either: %s", mdbus_strerror(rc));
	if (rc == 0) {
		mdbus_writer_close(w);
		FT_CHECK(leftovers(feed, left, sizeof left) >= 1, "no segment after a successful open");
		mdbus_feed_remove(feed);
	}
	return ft_result("shm_full",
			 "publisher exits 1 with 'no space' / 'cannot open feed' on a 1 MiB tmpfs, and when /dev/shm is "
			 "completely full; mdbus_writer_open returns MDBUS_E_NOSPACE; no segment, registry or lock object left",
			 "%d cases (private 1 MiB tmpfs)", cases);
}

int camp_size_refused(long size)
{
	(void)size;
	char feed[MDBUS_FEED_NAME_MAX + 1], text[4096], left[1024];
	snprintf(feed, sizeof feed, "ft-fsize-%d", (int)getpid());
	mdbus_feed_remove(feed);
	int cases = 0;

	/* The kernel refuses to grow a file past RLIMIT_FSIZE (and, unless the signal
	 * is ignored, kills the process with SIGXFSZ). */
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 1 << 20;
	/* The publisher gets the default disposition of SIGXFSZ (an ignored signal
	 * would stay ignored across exec and hide its handling). */
	signal(SIGXFSZ, SIG_DFL);
	cases++;
	setrlimit(RLIMIT_FSIZE, &lim);
	int ok = publisher_refuses(feed, "65536", "no space", text, sizeof text);
	setrlimit(RLIMIT_FSIZE, &old);
	if (ok)
		printf("size_refused: publisher under a 1 MiB file size limit: %s", text);
	FT_CHECK(leftovers(feed, left, sizeof left) == 0, "left behind: %s", left);

	cases++;
	pid_t pid = fork();
	if (pid == 0) {
		/* A library cannot choose the process's signal dispositions: a program
		 * that wants an error instead of SIGXFSZ ignores it, as the publisher does. */
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &lim);
		mdbus_writer *w = NULL;
		struct mdbus_writer_opts o = { .slot_count = 65536 };
		int rc = mdbus_writer_open(&w, feed, &o);
		_exit(rc == MDBUS_E_NOSPACE ? 0 : 1);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	FT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mdbus_writer_open under RLIMIT_FSIZE: status %d", st);
	FT_CHECK(leftovers(feed, left, sizeof left) == 0, "left behind by mdbus_writer_open: %s", left);
	mdbus_feed_remove(feed);
	return ft_result("size_refused",
			 "segment size refused by the kernel (RLIMIT_FSIZE 1 MiB): publisher exits 1 with 'no space', "
			 "mdbus_writer_open returns MDBUS_E_NOSPACE, nothing left in /dev/shm",
			 "%d cases", cases);
}
