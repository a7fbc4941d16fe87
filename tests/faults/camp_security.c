/*
 * camp_security.c — who may create, adopt and read a feed, and the resource
 * bounds on every input.
 *
 * segment_modes:   segments are created exclusively (an object planted or held
 *                  open beforehand is never written into) with mode 0640 by
 *                  default whatever the umask, and --mode is applied;
 * foreign_objects: a publisher never adopts an object owned by another user, of a
 *                  foreign layout, or behind a symlink, and leaves it untouched;
 *                  MDBUS_SUB_REQUIRE_OWNER refuses a foreign-owned segment;
 * feed_names:      every entry point refuses a bad feed name before any path is
 *                  built from it;
 * bounds:          the frame reassembly cap, the symbol count cap, the book depth
 *                  cap and the record length cap, each exceeded, each a clear and
 *                  counted outcome.
 */
#define _GNU_SOURCE
#include "faults.h"

#include "kraken_parse.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

static void shm_path(char *out, size_t cap, const char *feed, const char *suffix)
{
	snprintf(out, cap, "/dev/shm/mdbus.%s%s", feed, suffix);
}

static int mode_of(const char *feed, const char *suffix)
{
	char p[160];
	shm_path(p, sizeof p, feed, suffix);
	struct stat st;
	return lstat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static long owner_of(const char *feed, const char *suffix)
{
	char p[160];
	shm_path(p, sizeof p, feed, suffix);
	struct stat st;
	return lstat(p, &st) == 0 ? (long)st.st_uid : -1;
}

/* A publisher that only opens the feed: its exchange URL leads nowhere, so it
 * creates the segment and then keeps retrying the connection. */
static int idle_pub_start(struct proc *p, const char *feed, const char *const *extra)
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
	ft_arg(&a, "1024");
	ft_arg(&a, "--log-level");
	ft_arg(&a, "warn");
	for (; extra && *extra; extra++)
		ft_arg(&a, "%s", *extra);
	return proc_start(p, a.v, 0);
}

/* Start an idle publisher, wait until the feed opens, stop it cleanly. */
static int run_idle_pub(const char *feed, const char *const *extra)
{
	struct proc p;
	if (idle_pub_start(&p, feed, extra) < 0)
		return -1;
	mdbus_sub *s = NULL;
	int rc = ft_open_sub(feed, MDBUS_SUB_NO_REGISTRY, &s, FT_DEADLINE_MS, &p);
	/* The feed may exist from an earlier run: wait for this publisher to hold it
	 * (it has installed its signal handlers by then). */
	uint64_t end = now_ms() + FT_DEADLINE_MS;
	struct mdbus_status st = { 0 };
	while (rc == 0 && now_ms() < end && !proc_wait(&p, 0) &&
	       !(mdbus_sub_status(s, &st) == 0 && st.publisher_pid == (uint32_t)p.pid && st.publisher_alive))
		usleep(5000);
	if (rc == 0 && st.publisher_pid != (uint32_t)p.pid)
		rc = -1;
	mdbus_sub_close(s);
	proc_stop(&p, SIGTERM, 10000);
	int ok = rc == 0 && WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0;
	if (!ok)
		proc_dump_log(&p, "publisher");
	unlink(p.log);
	return ok ? 0 : -1;
}

/* The publisher must refuse: exit 1 within 20 s with `want` in its message. */
static int pub_refused(const char *feed, const char *want, char *text, size_t cap)
{
	struct proc p;
	if (idle_pub_start(&p, feed, NULL) < 0)
		return 0;
	int exited = proc_wait(&p, 20000);
	if (!exited)
		proc_stop(&p, SIGKILL, 1000);
	char *log = ft_slurp(p.log, NULL);
	snprintf(text, cap, "%s", log ? log : "");
	free(log);
	unlink(p.log);
	return exited && WIFEXITED(p.status) && WEXITSTATUS(p.status) == 1 && strstr(text, want) != NULL;
}

static char *read_path(const char *path, size_t *n)
{
	return ft_slurp(path, n);
}

/* ---------------------------------------------------------- segment_modes */

int camp_segment_modes(long size)
{
	(void)size;
	char feed[MDBUS_FEED_NAME_MAX + 1];
	int cases = 0;
	snprintf(feed, sizeof feed, "ft-mode-%d", (int)getpid());
	mdbus_feed_remove(feed);
	static const mode_t umasks[] = { 022, 077, 0 };
	for (size_t i = 0; i < sizeof umasks / sizeof umasks[0]; i++) {
		cases++;
		mode_t old = umask(umasks[i]);
		FT_CHECK(run_idle_pub(feed, NULL) == 0, "publisher (umask %03o)", umasks[i]);
		umask(old);
		FT_CHECK(mode_of(feed, "") == 0640, "default segment mode %04o under umask %03o", mode_of(feed, ""), umasks[i]);
		FT_CHECK(mode_of(feed, ".readers") == 0660, "registry mode %04o", mode_of(feed, ".readers"));
		FT_CHECK((mode_of(feed, ".lock") & 0077) == 0, "lock object mode %04o", mode_of(feed, ".lock"));
		mdbus_feed_remove(feed);
	}
	static const struct {
		const char *flag;
		int data, reg;
	} modes[] = { { "0600", 0600, 0600 }, { "0660", 0660, 0660 }, { "0644", 0644, 0666 } };
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		cases++;
		const char *const extra[] = { "--mode", modes[i].flag, NULL };
		FT_CHECK(run_idle_pub(feed, extra) == 0, "publisher --mode %s", modes[i].flag);
		FT_CHECK(mode_of(feed, "") == modes[i].data && mode_of(feed, ".readers") == modes[i].reg,
			 "--mode %s: segment %04o, registry %04o", modes[i].flag, mode_of(feed, ""), mode_of(feed, ".readers"));
		if (i + 1 < sizeof modes / sizeof modes[0])
			mdbus_feed_remove(feed);
	}
	/* A restart applies the mode it is given, also to a segment it reattaches. */
	cases++;
	const char *const tight[] = { "--mode", "0600", NULL };
	FT_CHECK(run_idle_pub(feed, tight) == 0, "publisher restart with --mode 0600");
	FT_CHECK(mode_of(feed, "") == 0600 && mode_of(feed, ".readers") == 0600,
		 "reattached with --mode 0600: segment %04o, registry %04o", mode_of(feed, ""), mode_of(feed, ".readers"));
	mdbus_feed_remove(feed);

	/* Exclusive creation: an empty object planted (and held open) under the name
	 * is never written into; the publisher creates its own. */
	cases++;
	char path[160];
	shm_path(path, sizeof path, feed, "");
	int held = open(path, O_RDWR | O_CREAT | O_EXCL, 0666);
	FT_CHECK(held >= 0, "plant %s: %s", path, strerror(errno));
	struct stat planted, now;
	fstat(held, &planted);
	FT_CHECK(run_idle_pub(feed, NULL) == 0, "publisher over a planted empty object");
	FT_CHECK(stat(path, &now) == 0 && now.st_ino != planted.st_ino, "the planted object was adopted");
	struct stat after;
	fstat(held, &after);
	FT_CHECK(after.st_size == 0, "the planted object received %lld bytes", (long long)after.st_size);
	close(held);
	mdbus_feed_remove(feed);
	return ft_result("segment_modes",
			 "segment 0640 / registry 0660 / lock 0600 by default under umask 022, 077 and 000; --mode 0600, "
			 "0660, 0644 applied, also on reattach; a planted or held-open object is never written into",
			 "%d cases", cases);
}

/* --------------------------------------------------------- foreign_objects */

static int same_bytes(const char *path, const char *want, size_t n)
{
	size_t m = 0;
	char *got = read_path(path, &m);
	int same = got && m == n && memcmp(got, want, n) == 0;
	free(got);
	return same;
}

static int reader_as(uid_t uid, const char *feed, int flags)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
			_exit(100);
		mdbus_sub *s = NULL;
		int rc = mdbus_sub_open(&s, feed, flags | MDBUS_SUB_NO_REGISTRY);
		mdbus_sub_close(s);
		_exit(rc == 0 ? 0 : rc == MDBUS_E_OWNER ? 1 : 2);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int camp_foreign_objects(long size)
{
	(void)size;
	if (geteuid() != 0)
		return ft_skip("foreign_objects", "needs root to give objects to another user");
	char feed[MDBUS_FEED_NAME_MAX + 1], path[160], reg[160], lock[160], text[4096], target[128];
	int cases = 0;
	snprintf(feed, sizeof feed, "ft-foreign-%d", (int)getpid());
	snprintf(target, sizeof target, "/tmp/mdbus-ft-target-%d", (int)getpid());
	shm_path(path, sizeof path, feed, "");
	shm_path(reg, sizeof reg, feed, ".readers");
	shm_path(lock, sizeof lock, feed, ".lock");
	mdbus_feed_remove(feed);

	/* 1. A segment owned by another user: refused, untouched. */
	cases++;
	FT_CHECK(run_idle_pub(feed, NULL) == 0, "first publisher");
	size_t n = 0;
	char *bytes = read_path(path, &n);
	FT_CHECK(bytes && chown(path, NOBODY, NOBODY) == 0, "chown segment");
	FT_CHECK(pub_refused(feed, "owned by another user", text, sizeof text), "foreign-owned segment adopted: %s", text);
	FT_CHECK(bytes && same_bytes(path, bytes, n) && owner_of(feed, "") == NOBODY, "foreign segment modified");
	mdbus_writer *w = NULL;
	int rc = mdbus_writer_open(&w, feed, NULL);
	FT_CHECK(rc == MDBUS_E_OWNER, "mdbus_writer_open on a foreign segment: %s", mdbus_strerror(rc));
	if (rc == 0)
		mdbus_writer_close(w);

	/* 2. MDBUS_SUB_REQUIRE_OWNER refuses it; a plain reader may still read. */
	cases++;
	mdbus_sub *s = NULL;
	rc = mdbus_sub_open(&s, feed, MDBUS_SUB_REQUIRE_OWNER | MDBUS_SUB_NO_REGISTRY);
	FT_CHECK(rc == MDBUS_E_OWNER, "REQUIRE_OWNER opened a foreign segment: %s", mdbus_strerror(rc));
	mdbus_sub_close(s);
	s = NULL;
	rc = mdbus_sub_open(&s, feed, MDBUS_SUB_NO_REGISTRY);
	FT_CHECK(rc == 0, "plain open: %s", mdbus_strerror(rc));
	mdbus_sub_close(s);
	/* As an unprivileged reader: a root-owned segment is trusted, another user's
	 * is not. */
	chmod(path, 0644);
	FT_CHECK(chown(path, 0, 0) == 0, "chown back");
	FT_CHECK(reader_as(NOBODY, feed, MDBUS_SUB_REQUIRE_OWNER) == 0, "uid %d with REQUIRE_OWNER refused root's segment",
		 NOBODY);
	FT_CHECK(chown(path, 1234, 1234) == 0, "chown 1234");
	FT_CHECK(reader_as(NOBODY, feed, MDBUS_SUB_REQUIRE_OWNER) == 1, "uid %d with REQUIRE_OWNER accepted uid 1234's",
		 NOBODY);
	FT_CHECK(reader_as(NOBODY, feed, 0) == 0, "uid %d without REQUIRE_OWNER refused a readable segment", NOBODY);
	FT_CHECK(chown(path, 0, 0) == 0 && chmod(path, 0640) == 0, "restore");
	free(bytes);

	/* 3. A reader registry owned by another user is not adopted. */
	cases++;
	FT_CHECK(chown(reg, NOBODY, NOBODY) == 0, "chown registry");
	FT_CHECK(run_idle_pub(feed, NULL) == 0, "publisher with a foreign registry");
	FT_CHECK(owner_of(feed, ".readers") == (long)geteuid(), "publisher adopted a registry owned by uid %ld",
		 owner_of(feed, ".readers"));

	/* 4. Same owner, foreign layout (another major): refused, untouched. */
	cases++;
	bytes = read_path(path, &n);
	if (bytes) {
		struct mdbus_shm_header *h = (struct mdbus_shm_header *)bytes;
		h->layout_major = MDBUS_LAYOUT_MAJOR + 1;
		int fd = open(path, O_WRONLY);
		FT_CHECK(fd >= 0 && pwrite(fd, bytes, n, 0) == (ssize_t)n, "rewrite header");
		close(fd);
	}
	FT_CHECK(pub_refused(feed, "not an mdbus segment of this layout", text, sizeof text),
		 "foreign layout adopted: %s", text);
	FT_CHECK(bytes && same_bytes(path, bytes, n), "foreign-layout segment modified");
	free(bytes);

	/* 5. Not an mdbus segment at all. */
	cases++;
	mdbus_feed_remove(feed);
	static char junk[4096];
	memset(junk, 'x', sizeof junk);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	FT_CHECK(fd >= 0 && write(fd, junk, sizeof junk) == (ssize_t)sizeof junk, "write junk");
	close(fd);
	FT_CHECK(pub_refused(feed, "not an mdbus segment", text, sizeof text), "junk adopted: %s", text);
	FT_CHECK(same_bytes(path, junk, sizeof junk), "junk modified");
	unlink(path);

	/* 6. Symlinks planted under the segment's or the lock's name are not followed. */
	static const char precious[] = "precious contents\n";
	const char *const names[] = { path, lock };
	for (int k = 0; k < 2; k++) {
		cases++;
		mdbus_feed_remove(feed);
		unlink(lock);
		fd = open(target, O_RDWR | O_CREAT | O_TRUNC, 0600);
		FT_CHECK(fd >= 0 && write(fd, precious, sizeof precious - 1) > 0, "target");
		close(fd);
		FT_CHECK(symlink(target, names[k]) == 0, "symlink %s: %s", names[k], strerror(errno));
		FT_CHECK(pub_refused(feed, "cannot open feed", text, sizeof text), "symlink %s followed: %s", names[k], text);
		FT_CHECK(same_bytes(target, precious, sizeof precious - 1), "the symlink target was written through %s",
			 names[k]);
		struct stat st;
		FT_CHECK(lstat(names[k], &st) == 0 && S_ISLNK(st.st_mode), "symlink %s replaced", names[k]);
		unlink(names[k]);
	}
	unlink(target);
	unlink(lock);
	mdbus_feed_remove(feed);
	return ft_result("foreign_objects",
			 "publisher exits 1 and leaves untouched: a segment of another user, of another layout major, "
			 "junk, a symlink (segment or lock name); a foreign-owned registry is replaced, not adopted; "
			 "REQUIRE_OWNER refuses another user's segment (root's is trusted)",
			 "%d cases", cases);
}

/* ------------------------------------------------------------- feed_names */

int camp_feed_names(long size)
{
	(void)size;
	char long65[66], long64[65];
	memset(long65, 'a', 65);
	long65[65] = '\0';
	memset(long64, 'b', 64);
	long64[64] = '\0';
	const char *const bad[] = { "../x", "a/b", long65, "", ".", "..", "x.readers", "x.lock", "a b", "a\nb",
				    "caf\xc3\xa9", "/abs", "x\\y", "*" };
	int cases = 0;
	const size_t nbad = sizeof bad / sizeof bad[0];
	for (size_t i = 0; i < nbad; i++) {
		const char *f = bad[i];
		cases++;
		FT_CHECK(!mdbus_feed_name_valid(f), "'%s' valid", f);
		mdbus_sub *s = NULL;
		FT_CHECK(mdbus_sub_open(&s, f, 0) == MDBUS_E_FEEDNAME && !s, "mdbus_sub_open('%s')", f);
		mdbus_writer *w = NULL;
		FT_CHECK(mdbus_writer_open(&w, f, NULL) == MDBUS_E_FEEDNAME && !w, "mdbus_writer_open('%s')", f);
		struct mdbus_reader_info ri;
		FT_CHECK(mdbus_readers_list(f, &ri, 1) == MDBUS_E_FEEDNAME, "mdbus_readers_list('%s')", f);
		FT_CHECK(mdbus_feed_remove(f) == MDBUS_E_FEEDNAME, "mdbus_feed_remove('%s')", f);
		pid_t pid;
		FT_CHECK(mdbus_writer_lock_holder(f, &pid) == MDBUS_E_FEEDNAME, "mdbus_writer_lock_holder('%s')", f);
		/* The publisher's own check, before anything else: exit 2, one line. */
		struct ft_args a = { .n = 0 };
		ft_arg(&a, "%s", ft_pub_bin);
		ft_arg(&a, "--symbols");
		ft_arg(&a, "BTC/USD");
		ft_arg(&a, "--feed");
		ft_arg(&a, "%s", f);
		struct proc p;
		FT_CHECK(proc_start(&p, a.v, 0) == 0 && proc_wait(&p, 10000), "publisher --feed '%s'", f);
		char *text = ft_slurp(p.log, NULL);
		FT_CHECK(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 2 && text && strstr(text, "--feed: invalid name"),
			 "publisher --feed '%s': status %d, %s", f, p.status, text ? text : "");
		free(text);
		unlink(p.log);
		const char *dump = getenv("MDBUS_DUMP");
		if (dump && !access(dump, X_OK)) {
			struct ft_args d = { .n = 0 };
			ft_arg(&d, "%s", dump);
			ft_arg(&d, "--feed");
			ft_arg(&d, "%s", f);
			ft_arg(&d, "status");
			FT_CHECK(proc_start(&p, d.v, 0) == 0 && proc_wait(&p, 10000), "mdbus-dump --feed '%s'", f);
			FT_CHECK(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 2, "mdbus-dump --feed '%s': status %d", f,
				 p.status);
			unlink(p.log);
		}
	}
	/* Nothing was created from any of them. */
	const char *const never[] = { "/dev/shm/mdbus..", "/dev/shm/mdbus.", "/dev/shm/x", "/dev/x", "/dev/shm/mdbus.x.readers",
				      "/dev/shm/mdbus.x.lock", "/dev/shm/mdbus.x.readers.lock", "/dev/shm/mdbus.*" };
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
		struct stat st;
		FT_CHECK(lstat(never[i], &st) < 0, "%s exists", never[i]);
	}
	char p65[160];
	shm_path(p65, sizeof p65, long65, "");
	struct stat st;
	FT_CHECK(lstat(p65, &st) < 0, "65-character feed created");
	/* The longest valid name works end to end. */
	cases++;
	mdbus_writer *w = NULL;
	int rc = mdbus_writer_open(&w, long64, NULL);
	FT_CHECK(rc == 0, "64-character feed: %s", mdbus_strerror(rc));
	mdbus_sub *s = NULL;
	if (rc == 0) {
		FT_CHECK(mdbus_sub_open(&s, long64, 0) == 0, "open 64-character feed");
		mdbus_sub_close(s);
		mdbus_writer_close(w);
	}
	mdbus_feed_remove(long64);
	return ft_result("feed_names",
			 "../x, a/b, 65 chars, empty, ., .., *.readers, *.lock, spaces, newline, UTF-8, /abs, backslash, '*': "
			 "refused by mdbus_sub_open, mdbus_writer_open, mdbus_readers_list, mdbus_feed_remove, "
			 "mdbus_writer_lock_holder, publisher --feed (exit 2) and mdbus-dump; nothing created; 64 chars work",
			 "%d names x 7 entry points", cases);
}

/* ---------------------------------------------------------------- bounds */

static int frame_cap(void)
{
	struct ft_rig r;
	struct proc pub;
	memset(&pub, 0, sizeof pub);
	ft_rig_init(&r, "maxframe");
	mdbus_sub *s = NULL;
	int64_t sent = -1, frames = -1;
	uint64_t got = 0;
	/* One connection of 300 data frames with a ~4 MiB message before every 25th;
	 * the mock closes after the last one and exits, so the counts are final. */
	static const char *const mflags[] = { "--synthetic", "--symbols", "BTC/USD", "--rate", "1000",
					      "--oversize-every", "25", "--drop-after", "300", "--max-connections", "1",
					      NULL };
	FT_CHECK(ft_mock_start(&r, mflags) == 0, "mock start");
	static const char *const pflags[] = { "--symbols", "BTC/USD", "--max-frame", "1048576", "--log-level", "warn",
					      NULL };
	FT_CHECK(!ft_failed && ft_pub_start(&r, &pub, pflags) == 0, "publisher start");
	FT_CHECK(!ft_failed && ft_open_sub(r.feed, MDBUS_SUB_NO_REGISTRY, &s, FT_DEADLINE_MS, &pub) == 0, "open");
	if (ft_failed)
		goto out;
	FT_CHECK(ft_wait_gen(s, 2, FT_DEADLINE_MS * 2), "the mock's connection never ended (gen %llu)",
		 (unsigned long long)ft_gen(s));
	FT_CHECK(proc_wait(&r.mock, 20000), "mock did not exit after its connection");
	sent = ft_mock_stat(&r, "oversize");
	frames = ft_mock_stat(&r, "frames_sent");
	struct mdbus_stats x = ft_stats(s);
	got = x.oversized;
	printf("bounds: max-frame 1 MiB: mock sent %lld oversized of %lld messages; publisher counted %llu oversized of %llu frames\n",
	       (long long)sent, (long long)frames, (unsigned long long)x.oversized, (unsigned long long)x.frames);
	FT_CHECK(sent >= 10 && x.oversized == (uint64_t)sent, "oversized: mock %lld, publisher %llu", (long long)sent,
		 (unsigned long long)x.oversized);
	FT_CHECK(x.frames == (uint64_t)frames, "frames: mock %lld, publisher %llu", (long long)frames,
		 (unsigned long long)x.frames);
	FT_CHECK(x.parse_errors == 0 && x.checksum_failed == 0, "parse errors %llu, checksum failures %llu",
		 (unsigned long long)x.parse_errors, (unsigned long long)x.checksum_failed);
	FT_CHECK(x.drops >= x.oversized, "drops %llu < oversized", (unsigned long long)x.drops);
	FT_CHECK(!proc_wait(&pub, 0), "publisher died");
out:
	mdbus_sub_close(s);
	ft_rig_stop(&r, &pub);
	return (int)got;
}

static int run_pub_status(const char *const *argv_extra, char *text, size_t cap)
{
	struct ft_args a = { .n = 0 };
	ft_arg(&a, "%s", ft_pub_bin);
	for (; *argv_extra; argv_extra++)
		ft_arg(&a, "%s", *argv_extra);
	struct proc p;
	if (proc_start(&p, a.v, 0) < 0)
		return -1;
	if (!proc_wait(&p, 10000)) {
		proc_stop(&p, SIGKILL, 1000);
		unlink(p.log);
		return -1;
	}
	char *t = ft_slurp(p.log, NULL);
	snprintf(text, cap, "%s", t ? t : "");
	free(t);
	unlink(p.log);
	return WIFEXITED(p.status) ? WEXITSTATUS(p.status) : -1;
}

static int symbol_cap(void)
{
	static char list[257 * 12];
	char feed[MDBUS_FEED_NAME_MAX + 1], text[2048];
	snprintf(feed, sizeof feed, "ft-syms-%d", (int)getpid());
	size_t n = 0;
	for (int i = 0; i < 257; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%sS%d/USD", i ? "," : "", i);
	const char *const too_many[] = { "--feed", feed, "--symbols", list, NULL };
	int st = run_pub_status(too_many, text, sizeof text);
	FT_CHECK(st == 2 && strstr(text, "more than 256 symbols"), "257 symbols: status %d, %s", st, text);
	/* 256 fill the table exactly. */
	*strrchr(list, ',') = '\0';
	const char *const full[] = { "--symbols", list, NULL };
	struct proc p;
	mdbus_feed_remove(feed);
	FT_CHECK(idle_pub_start(&p, feed, full) == 0, "publisher with 256 symbols");
	mdbus_sub *s = NULL;
	int listed = 0;
	if (ft_open_sub(feed, MDBUS_SUB_NO_REGISTRY, &s, FT_DEADLINE_MS, &p) == 0) {
		uint64_t end = now_ms() + FT_DEADLINE_MS;
		do {
			listed = 0;
			for (uint32_t id = 0; id < 256; id++) {
				struct mdbus_symbol si;
				listed += mdbus_sub_symbol_info(s, id, &si) == 0;
			}
		} while (listed < 256 && now_ms() < end && !usleep(10000));
		mdbus_sub_close(s);
	}
	FT_CHECK(listed == 256, "%d of 256 symbols in the table", listed);
	proc_stop(&p, SIGTERM, 10000);
	unlink(p.log);
	mdbus_feed_remove(feed);
	/* The writer API: the 257th distinct name does not fit a 256-entry table. */
	mdbus_writer *w = NULL;
	int added = 0, rc = mdbus_writer_open(&w, feed, &(struct mdbus_writer_opts){ .slot_count = 16, .book_depth = 10 });
	FT_CHECK(rc == 0, "writer open: %s", mdbus_strerror(rc));
	if (rc == 0) {
		char name[32];
		for (int i = 0; i < 257; i++) {
			snprintf(name, sizeof name, "S%d/USD", i);
			rc = mdbus_writer_symbol_add(w, name);
			if (rc >= 0)
				added++;
		}
		FT_CHECK(added == 256 && rc == MDBUS_E_FULL, "%d symbols added, 257th: %s", added, mdbus_strerror(rc));
		mdbus_writer_close(w);
	}
	mdbus_feed_remove(feed);
	return added;
}

static int depth_cap(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1], text[2048];
	int refused = 0;
	snprintf(feed, sizeof feed, "ft-depth-%d", (int)getpid());
	mdbus_feed_remove(feed);
	static const char *const depths[] = { "1001", "2000", "1024", "0" };
	for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
		const char *const argv_extra[] = { "--feed", feed, "--symbols", "BTC/USD", "--depth", depths[i], NULL };
		int st = run_pub_status(argv_extra, text, sizeof text);
		FT_CHECK(st == 2 && strstr(text, "--depth"), "--depth %s: status %d, %s", depths[i], st, text);
		refused += st == 2;
	}
	mdbus_writer *w = NULL;
	struct mdbus_writer_opts o = { .slot_count = 16, .book_depth = MDBUS_BOOK_DEPTH_MAX + 1 };
	int rc = mdbus_writer_open(&w, feed, &o);
	FT_CHECK(rc == MDBUS_E_INVAL && !w, "writer with depth 1001: %s", mdbus_strerror(rc));
	refused += rc == MDBUS_E_INVAL;
	char path[160];
	shm_path(path, sizeof path, feed, "");
	struct stat st;
	FT_CHECK(lstat(path, &st) < 0, "a refused writer left %s", path);
	FT_CHECK(kb_new(KB_MAX_DEPTH + 1, 1, 8) == NULL, "kb_new(1001)");
	/* depth 1000 is the maximum and works; a book published deeper than the
	 * segment's depth is cut to it. */
	o.book_depth = MDBUS_BOOK_DEPTH_MAX;
	rc = mdbus_writer_open(&w, feed, &o);
	FT_CHECK(rc == 0, "writer with depth 1000: %s", mdbus_strerror(rc));
	if (rc == 0) {
		mdbus_writer_close(w);
		mdbus_feed_remove(feed);
	}
	o.book_depth = 10;
	rc = mdbus_writer_open(&w, feed, &o);
	if (rc == 0) {
		static struct mdbus_book b, got;
		memset(&b, 0, sizeof b);
		b.state = MDBUS_BOOK_VALID;
		b.n_bids = b.n_asks = 50;
		for (int i = 0; i < 50; i++) {
			b.bids[i] = (struct mdbus_level){ 1000 - i, 1 };
			b.asks[i] = (struct mdbus_level){ 1001 + i, 1 };
		}
		int id = mdbus_writer_symbol_add(w, "BTC/USD");
		mdbus_writer_book_publish(w, (uint32_t)id, &b);
		mdbus_sub *s = NULL;
		FT_CHECK(mdbus_sub_open(&s, feed, MDBUS_SUB_NO_REGISTRY) == 0 && mdbus_sub_book(s, (uint32_t)id, &got) == 0 &&
			 got.n_bids == 10 && got.n_asks == 10 && got.bids[9].price == 991,
			 "a 50-level book in a depth-10 segment reads %u/%u levels", got.n_bids, got.n_asks);
		mdbus_sub_close(s);
		mdbus_writer_close(w);
	}
	mdbus_feed_remove(feed);
	return refused;
}

static int record_cap(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	int refused = 0;
	snprintf(feed, sizeof feed, "ft-reclen-%d", (int)getpid());
	static const uint32_t slot_sizes[] = { 128, 64 };
	for (size_t k = 0; k < 2; k++) {
		mdbus_feed_remove(feed);
		mdbus_writer *w = NULL;
		struct mdbus_writer_opts o = { .slot_count = 16, .slot_size = slot_sizes[k], .book_depth = 10 };
		int rc = mdbus_writer_open(&w, feed, &o);
		FT_CHECK(rc == 0, "writer (slot %u): %s", slot_sizes[k], mdbus_strerror(rc));
		if (rc)
			continue;
		mdbus_sub *s = NULL;
		mdbus_sub_open(&s, feed, MDBUS_SUB_NO_REGISTRY);
		uint32_t max = mdbus_writer_raw_max(w);
		FT_CHECK(max == slot_sizes[k] - 44, "raw max %u in a %u-byte slot", max, slot_sizes[k]);
		uint64_t c0 = mdbus_writer_cursor(w);
		struct mdbus_record r;
		memset(&r, 0, sizeof r);
		r.type = MDBUS_REC_RAW;
		r.symbol = MDBUS_SYMBOL_NONE;
		const uint32_t lens[] = { max + 1, MDBUS_RAW_MAX + 1, UINT32_MAX, 0, max };
		int want[] = { MDBUS_E_TOOBIG, MDBUS_E_TOOBIG, MDBUS_E_TOOBIG, 0, 0 };
		for (size_t i = 0; i < 5; i++) {
			r.u.raw.len = lens[i];
			rc = mdbus_writer_put(w, &r);
			FT_CHECK(rc == want[i], "RAW len %u in a %u-byte slot: %s", lens[i], slot_sizes[k], mdbus_strerror(rc));
			refused += rc == MDBUS_E_TOOBIG;
		}
		if (slot_sizes[k] == 64) {
			memset(&r, 0, sizeof r);
			r.type = MDBUS_REC_TICKER; /* 88 payload bytes: does not fit 24 */
			rc = mdbus_writer_put(w, &r);
			FT_CHECK(rc == MDBUS_E_TOOBIG, "TICKER in a 64-byte slot: %s", mdbus_strerror(rc));
			refused += rc == MDBUS_E_TOOBIG;
		}
		/* Refused records take no sequence number and reach no reader. */
		FT_CHECK(mdbus_writer_cursor(w) == c0 + 2, "cursor moved by %llu for 2 accepted records",
			 (unsigned long long)(mdbus_writer_cursor(w) - c0));
		int delivered = 0;
		while (s && mdbus_sub_next(s, &r, 0) == 1)
			delivered++;
		FT_CHECK(delivered == 2, "%d records delivered, 2 accepted", delivered);
		mdbus_sub_close(s);
		mdbus_writer_close(w);
	}
	mdbus_feed_remove(feed);
	return refused;
}

static int btc_lookup(void *ctx, const char *sym, size_t len, struct kp_symbol_info *out)
{
	(void)ctx;
	if (len != 7 || memcmp(sym, "BTC/USD", 7) != 0)
		return -1;
	*out = (struct kp_symbol_info){ 0, 1, 8 };
	return 0;
}

static int parser_caps(void)
{
	struct kp_msg *m = kp_msg_new();
	if (!m)
		return 0;
	int refused = 0;
	size_t cap = (size_t)KP_MAX_FRAME + 4096;
	char *buf = malloc(cap);
	/* More book entries than KP_MAX_ENTRIES, more levels than KP_MAX_LEVELS, a
	 * frame longer than KP_MAX_FRAME, nesting deeper than KJ_MAX_DEPTH. */
	size_t n = (size_t)snprintf(buf, cap, "{\"channel\":\"book\",\"type\":\"update\",\"data\":[");
	for (int i = 0; i <= KP_MAX_ENTRIES; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s{\"symbol\":\"BTC/USD\",\"bids\":[],\"asks\":[],\"checksum\":1}",
				      i ? "," : "");
	n += (size_t)snprintf(buf + n, cap - n, "]}");
	int rc = kp_parse(m, buf, n, btc_lookup, NULL);
	FT_CHECK(rc == KP_E_CAPACITY, "65 book entries: %s", kp_strerror(rc));
	refused += rc == KP_E_CAPACITY;
	n = (size_t)snprintf(buf, cap, "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[");
	for (int i = 0; i <= (int)KP_MAX_LEVELS; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s{\"price\":%d,\"qty\":1}", i ? "," : "", i + 1);
	n += (size_t)snprintf(buf + n, cap - n, "],\"asks\":[],\"checksum\":1}]}");
	rc = kp_parse(m, buf, n, btc_lookup, NULL);
	FT_CHECK(rc == KP_E_CAPACITY, "4097 levels: %s", kp_strerror(rc));
	refused += rc == KP_E_CAPACITY;
	memset(buf, ' ', cap);
	memcpy(buf, "{\"channel\":\"heartbeat\"}", 23);
	rc = kp_parse(m, buf, (size_t)KP_MAX_FRAME + 1, NULL, NULL);
	FT_CHECK(rc == KP_E_CAPACITY, "frame of KP_MAX_FRAME + 1 bytes: %s", kp_strerror(rc));
	refused += rc == KP_E_CAPACITY;
	n = 0;
	for (int i = 0; i < 40; i++)
		buf[n++] = '[';
	for (int i = 0; i < 40; i++)
		buf[n++] = ']';
	rc = kp_parse(m, buf, n, NULL, NULL);
	FT_CHECK(rc == KP_E_MALFORMED, "nesting 40 deep: %s", kp_strerror(rc));
	refused += rc == KP_E_MALFORMED;
	free(buf);
	kp_msg_free(m);
	return refused;
}

int camp_bounds(long size)
{
	(void)size;
	int oversized = frame_cap();
	int symbols = symbol_cap();
	int depths = depth_cap();
	int records = record_cap();
	int frames = parser_caps();
	return ft_result("bounds",
			 "frame over --max-frame dropped and counted exactly (mock vs publisher), feed stays up; 257 "
			 "symbols exit 2, 256 fill the table, the 257th add is MDBUS_E_FULL; depth > 1000 exit 2 / "
			 "MDBUS_E_INVAL with nothing created, deeper books cut to depth; RAW over the slot MDBUS_E_TOOBIG, "
			 "no sequence used; decoder caps KP_E_CAPACITY",
			 "%d oversized frames, %d symbols, %d depth refusals, %d records refused, %d frames refused", oversized,
			 symbols, depths, records, frames);
}
