/*
 * test_sleeping_readers.c — sleeping readers sleep; the writer's fast path makes no
 * system call (issue 2).
 *
 * --cpu (default): for the default wait mode and for MDBUS_SUB_WAIT_SLEEP, a reader
 *   process blocked in mdbus_sub_next(.., 1000) twice with no traffic (~2 s) must use
 *   under 5% of a core: its own getrusage CPU time (user + system) below 100 ms.
 *   Each call must really have waited (returned 0 no earlier than its timeout: a
 *   lower bound, which noise cannot break).  Then, once the registry shows it asleep,
 *   one record is written: it must wake and return 1 with that record.
 *
 * --syscalls: a writer program puts 100,000 records under `strace -f -c` while a
 *   reader is registered but not sleeping; the writer's whole run (start-up included)
 *   must make far fewer system calls than records (< 2% of them).  Exit 77 if strace
 *   is missing or cannot trace here.
 *
 * --handshake: the sleeper handshake under races.  1 or HS_READERS sleep-mode reader
 *   processes follow a writer that puts records with random gaps around the time a
 *   reader needs to fall asleep, and in bursts long enough for the writer to drop its
 *   StoreLoad fence (FENCE_LINGER_PUTS) while readers are registered.  A lost wake-up
 *   shows as a next() call that lasts HS_STALL_MS (far above any gap) or times out
 *   while the record it waited for had been published: every such call fails, as does
 *   read + lost != written for any reader.  The writer's fence flag must be seen set
 *   while readers sleep and cleared after a burst with no reader (where membarrier
 *   exists), so each round's first sleeps take the membarrier path.
 *
 * --writer-child FEED N: the traced writer program.
 */
#define _GNU_SOURCE
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define IDLE_CALLS 2
#define IDLE_MS 1000

struct report {
	int kind;               /* 1 ready, 2 idle done, 3 woke */
	int32_t pid;
	int rc[IDLE_CALLS];
	uint64_t waited_ns[IDLE_CALLS];
	uint64_t cpu_ns;
	int wake_rc;
	uint64_t wake_seq;
	int wake_ok;
	int open_rc;
};

static char feed[MDBUS_FEED_NAME_MAX + 1];

static void send_report(int fd, struct report *r)
{
	if (tu_write_full(fd, r, sizeof *r) < 0)
		_exit(3);
}

static void sleeper_main(int flags, int ev)
{
	struct report rep = { .kind = 1, .pid = getpid() };
	mdbus_sub *s;
	rep.open_rc = mdbus_sub_open(&s, feed, flags);
	send_report(ev, &rep);
	if (rep.open_rc < 0)
		_exit(2);
	struct mdbus_record r;
	uint64_t cpu0 = tu_cpu_ns();
	for (int i = 0; i < IDLE_CALLS; i++) {
		uint64_t t0 = tu_mono_ns();
		rep.rc[i] = mdbus_sub_next(s, &r, IDLE_MS);
		rep.waited_ns[i] = tu_mono_ns() - t0;
	}
	rep.cpu_ns = tu_cpu_ns() - cpu0;
	rep.kind = 2;
	send_report(ev, &rep);
	/* now wait for the parent's record */
	do
		rep.wake_rc = mdbus_sub_next(s, &r, 30000);
	while (rep.wake_rc == 0);
	rep.wake_seq = r.seq;
	rep.wake_ok = rep.wake_rc == 1 && tu_raw_check(&r, MDBUS_RAW_MAX, NULL, 0) == 0;
	rep.kind = 3;
	mdbus_sub_close(s);
	send_report(ev, &rep);
	_exit(0);
}

/* Poll the registry until `pid` is asleep in the kernel. */
static int wait_asleep(pid_t pid)
{
	uint64_t deadline = tu_mono_ns() + 20ull * 1000000000u;
	struct mdbus_reader_info ri[16];
	while (tu_mono_ns() < deadline) {
		int n = mdbus_readers_list(feed, ri, 16);
		for (int i = 0; i < n && i < 16; i++)
			if (ri[i].pid == (uint32_t)pid && ri[i].sleeping)
				return 0;
		struct timespec ts = { 0, 200000 }; /* polling interval */
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void cpu_case(mdbus_writer *w, int flags, const char *label)
{
	int ev[2];
	if (pipe(ev) < 0)
		return;
	pid_t p = fork();
	if (p == 0) {
		close(ev[0]);
		sleeper_main(flags, ev[1]);
	}
	tu_child_add(p);
	close(ev[1]);
	struct report rep;
	if (tu_read_full(ev[0], &rep, sizeof rep, 30000) < 0 || rep.open_rc != 0) {
		TU_CHECK(0, "%s: reader did not open", label);
		goto out;
	}
	if (tu_read_full(ev[0], &rep, sizeof rep, 60000) < 0 || rep.kind != 2) {
		TU_CHECK(0, "%s: no idle report (hang?)", label);
		goto out;
	}
	uint64_t nominal_ns = (uint64_t)IDLE_CALLS * IDLE_MS * 1000000u;
	printf("%s: %d x next(%d ms) with no traffic: %.2f ms CPU (%.2f%% of a core over %.1f s)\n",
	       label, IDLE_CALLS, IDLE_MS, (double)rep.cpu_ns / 1e6,
	       100.0 * (double)rep.cpu_ns / (double)nominal_ns, (double)nominal_ns / 1e9);
	for (int i = 0; i < IDLE_CALLS; i++) {
		TU_CHECK(rep.rc[i] == 0, "%s: idle call %d returned %d", label, i, rep.rc[i]);
		/* lower bound only: a timeout never ends early */
		TU_CHECK(rep.waited_ns[i] >= (uint64_t)(IDLE_MS - 10) * 1000000u,
			 "%s: next(%d) returned after %.1f ms", label, IDLE_MS, (double)rep.waited_ns[i] / 1e6);
	}
	TU_CHECK(rep.cpu_ns * 20 < nominal_ns, "%s: %.1f ms CPU in %.1f s: not sleeping", label,
		 (double)rep.cpu_ns / 1e6, (double)nominal_ns / 1e9);

	/* it sleeps in the kernel now; one record must wake it */
	TU_CHECK(wait_asleep(p) == 0, "%s: registry never showed the reader asleep", label);
	struct mdbus_record r;
	uint64_t seq = mdbus_writer_cursor(w);
	tu_raw_fill(&r, seq, MDBUS_RAW_MAX);
	TU_CHECK(mdbus_writer_put(w, &r) == 0, "put");
	if (tu_read_full(ev[0], &rep, sizeof rep, 30000) < 0 || rep.kind != 3) {
		TU_CHECK(0, "%s: the reader did not wake for the record", label);
		goto out;
	}
	TU_CHECK(rep.wake_rc == 1 && rep.wake_ok && rep.wake_seq == seq,
		 "%s: woke with rc %d seq %llu ok %d (want 1, %llu)", label, rep.wake_rc,
		 (unsigned long long)rep.wake_seq, rep.wake_ok, (unsigned long long)seq);
	int status;
	char sb[64];
	TU_CHECK(tu_reap_child(p, 10000, &status) == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "%s: reader %s", label, tu_status_str(status, sb, sizeof sb));
out:
	tu_kill_children();
	close(ev[0]);
}

static int run_cpu(void)
{
	tu_guard(120, "sleeping readers");
	tu_feed_name(feed, "sleep");
	mdbus_writer *w;
	int rc = mdbus_writer_open(&w, feed, NULL);
	TU_CHECK(rc == 0, "writer_open: %s", mdbus_strerror(rc));
	if (rc < 0)
		return 1;
	cpu_case(w, 0, "default wait");
	cpu_case(w, MDBUS_SUB_WAIT_SLEEP, "MDBUS_SUB_WAIT_SLEEP");
	mdbus_writer_close(w);
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}

/* ------------------------------------------------------------ syscalls */

static int writer_child(const char *f, uint64_t n)
{
	mdbus_writer *w;
	struct mdbus_writer_opts o = { .slot_count = 1024 };
	int rc = mdbus_writer_open(&w, f, &o);
	if (rc < 0) {
		fprintf(stderr, "writer child: %s\n", mdbus_strerror(rc));
		return 2;
	}
	struct mdbus_record r;
	for (uint64_t i = 0; i < n; i++) {
		tu_raw_fill(&r, mdbus_writer_cursor(w), MDBUS_RAW_MAX);
		if (mdbus_writer_put(w, &r) < 0)
			return 3;
	}
	mdbus_writer_close(w);
	return 0;
}

/* Run argv, stdout+stderr to `out`; return the wait status or -1. */
static int run(char *const argv[], const char *out)
{
	pid_t p = fork();
	if (p == 0) {
		/* LeakSanitizer refuses to run under ptrace: keep ASan builds traceable */
		const char *old = getenv("ASAN_OPTIONS");
		char opts[512];
		snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", old ? old : "", old && *old ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	tu_child_add(p);
	int status;
	if (tu_reap_child(p, 120000, &status) < 0)
		return -1;
	return status;
}

static int run_syscalls(const char *self)
{
	tu_guard(300, "writer syscalls");
	const uint64_t records = 100000;
	char tmp[] = "/tmp/mdbus-strace-XXXXXX";
	int tfd = mkstemp(tmp);
	if (tfd < 0)
		return 1;
	close(tfd);
	char *probe[] = { "strace", "-f", "-qq", "-o", "/dev/null", "true", NULL };
	int st = run(probe, tmp);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		FILE *f = fopen(tmp, "r");
		char why[256] = "";
		if (f) {
			if (!fgets(why, sizeof why, f))
				why[0] = '\0';
			fclose(f);
		}
		unlink(tmp);
		tu_skip("strace is missing or cannot trace here (%s)", why[0] ? why : "exit status");
	}

	tu_feed_name(feed, "sysc");
	/* create the feed, then register a reader that will not sleep during the run */
	mdbus_writer *w;
	struct mdbus_writer_opts o = { .slot_count = 1024 };
	int rc = mdbus_writer_open(&w, feed, &o);
	TU_CHECK(rc == 0, "writer_open: %s", mdbus_strerror(rc));
	if (rc < 0)
		return 1;
	mdbus_writer_close(w);
	mdbus_sub *s;
	rc = mdbus_sub_open(&s, feed, 0);
	TU_CHECK(rc == 0, "reader: %s", mdbus_strerror(rc));
	if (rc < 0)
		return 1;
	struct mdbus_reader_info ri[4];
	TU_CHECK(mdbus_readers_list(feed, ri, 4) == 1 && ri[0].alive && !ri[0].sleeping,
		 "the reader is not registered");

	char nbuf[32];
	snprintf(nbuf, sizeof nbuf, "%llu", (unsigned long long)records);
	char *argv[] = { "strace", "-f", "-c", "-o", tmp, (char *)self, "--writer-child", feed, nbuf, NULL };
	char outf[] = "/tmp/mdbus-strace-out-XXXXXX";
	tfd = mkstemp(outf);
	if (tfd >= 0)
		close(tfd);
	st = run(argv, outf);
	char sb[64];
	TU_CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "traced writer: %s",
		 st < 0 ? "hung" : tu_status_str(st, sb, sizeof sb));
	if (tu_failures) {
		FILE *of = fopen(outf, "r");
		char l[256];
		while (of && fgets(l, sizeof l, of))
			fputs(l, stdout);
		if (of)
			fclose(of);
	}
	unlink(outf);

	/* strace -c summary: "100.00 0.001 1 123 4 total" -> the calls column */
	long calls = -1;
	FILE *f = fopen(tmp, "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		if (!strstr(line, " total"))
			continue;
		double pct, secs;
		long usecs, n;
		if (sscanf(line, "%lf %lf %ld %ld", &pct, &secs, &usecs, &n) == 4)
			calls = n;
	}
	if (f)
		fclose(f);
	if (calls < 0) {
		/* print the summary to help whoever reads the log */
		f = fopen(tmp, "r");
		while (f && fgets(line, sizeof line, f))
			fputs(line, stdout);
		if (f)
			fclose(f);
	}
	unlink(tmp);
	TU_CHECK(calls > 0, "no strace summary");

	/* the records really went through, past a registered reader */
	struct mdbus_status ss;
	mdbus_sub_status(s, &ss);
	TU_CHECK(ss.write_seq - ss.next_seq == records, "writer wrote %llu records",
		 (unsigned long long)(ss.write_seq - ss.next_seq));
	struct mdbus_record r;
	uint64_t got = 0, lost = 0;
	while (mdbus_sub_next(s, &r, 0) == 1) {
		got++;
		lost += r.lost;
	}
	TU_CHECK(got + lost == records, "reader: %llu + %llu lost", (unsigned long long)got,
		 (unsigned long long)lost);
	mdbus_sub_close(s);
	printf("writer process: %ld system calls for %llu records (start-up and close included)\n",
	       calls, (unsigned long long)records);
	TU_CHECK(calls >= 0 && (uint64_t)calls * 50 < records,
		 "%ld system calls for %llu records: a syscall on the put path?", calls,
		 (unsigned long long)records);
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}

/* ----------------------------------------------------------- handshake */

#define HS_READERS 4
#define HS_TIMEOUT_MS 10000
#define HS_STALL_MS 2000 /* no gap is longer: a call this long slept through a record */
#define HS_BURST 70000 /* > FENCE_LINGER_PUTS in ring_writer.c */

struct hs_report {
	int open_rc;
	uint64_t got, lost, timeouts, stalls, bad, calls;
	uint64_t longest_ns;
	uint64_t last_seq;
};

/* Read until record `last` (inclusive) has been read or lost, sleeping in between. */
static void hs_reader(uint64_t last, int ev)
{
	struct hs_report rep = { 0 };
	mdbus_sub *s;
	rep.open_rc = mdbus_sub_open(&s, feed, MDBUS_SUB_WAIT_SLEEP);
	if (tu_write_full(ev, &rep, sizeof rep) < 0 || rep.open_rc < 0)
		_exit(2);
	struct mdbus_record r;
	uint64_t next = UINT64_MAX;
	for (;;) {
		uint64_t t0 = tu_mono_ns();
		int rc = mdbus_sub_next(s, &r, HS_TIMEOUT_MS);
		uint64_t took = tu_mono_ns() - t0;
		rep.calls++;
		rep.longest_ns = took > rep.longest_ns ? took : rep.longest_ns;
		rep.stalls += took >= (uint64_t)HS_STALL_MS * 1000000u;
		if (rc == 0) {
			rep.timeouts++;
			if (rep.timeouts > 3)
				break;
			continue;
		}
		if (rc < 0) {
			rep.bad++;
			break;
		}
		rep.lost += r.lost;
		if ((next != UINT64_MAX && r.seq != next + r.lost) || tu_raw_check(&r, MDBUS_RAW_MAX, NULL, 0) < 0)
			rep.bad++;
		next = r.seq + 1;
		rep.got++;
		rep.last_seq = r.seq;
		if (r.seq >= last)
			break;
	}
	mdbus_sub_close(s);
	if (tu_write_full(ev, &rep, sizeof rep) < 0)
		_exit(3);
	_exit(0);
}

static const struct mdbus_shm_registry *hs_map_registry(size_t *size)
{
	char name[128];
	snprintf(name, sizeof name, "/mdbus.%s.readers", feed);
	int fd = shm_open(name, O_RDONLY, 0);
	if (fd < 0)
		return NULL;
	*size = sizeof(struct mdbus_shm_registry) + MDBUS_REG_SLOTS_DEFAULT * sizeof(struct mdbus_shm_reader);
	void *p = mmap(NULL, *size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static uint64_t hs_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void hs_pause_ns(uint64_t ns)
{
	uint64_t until = tu_mono_ns() + ns;
	while (tu_mono_ns() < until)
		;
}

static int hs_put(mdbus_writer *w)
{
	struct mdbus_record r;
	tu_raw_fill(&r, mdbus_writer_cursor(w), MDBUS_RAW_MAX);
	return mdbus_writer_put(w, &r);
}

/* One round: readers start, records with gaps and bursts, readers report. */
static void hs_round(mdbus_writer *w, const struct mdbus_shm_registry *rh, int round,
		     int nreaders, uint64_t singles, int *saw_fenced, int *saw_unfenced,
		     uint64_t *calls)
{
	uint64_t first = mdbus_writer_cursor(w);
	uint64_t total = singles + 2 * HS_BURST;
	uint64_t last = first + total - 1;
	int ev[HS_READERS][2];
	pid_t pid[HS_READERS];
	for (int i = 0; i < nreaders; i++) {
		if (pipe(ev[i]) < 0)
			return;
		pid[i] = fork();
		if (pid[i] == 0) {
			close(ev[i][0]);
			hs_reader(last, ev[i][1]);
		}
		tu_child_add(pid[i]);
		close(ev[i][1]);
	}
	struct hs_report rep;
	for (int i = 0; i < nreaders; i++)
		if (tu_read_full(ev[i][0], &rep, sizeof rep, 30000) < 0 || rep.open_rc != 0) {
			TU_CHECK(0, "round %d: reader %d did not open", round, i);
			goto out;
		}
	uint64_t x = 0x9e3779b97f4a7c15ull ^ (uint64_t)round;
	uint64_t put = 0;
	for (int phase = 0; phase < 4; phase++) {
		if (phase == 1 || phase == 3) {
			/* a burst: no reader announces a sleep for most of it, so the writer
			 * drops its fence while they are registered */
			for (uint32_t i = 0; i < HS_BURST; i++, put++)
				TU_CHECK(hs_put(w) == 0, "put");
			*saw_unfenced += !__atomic_load_n(&rh->writer_fenced, __ATOMIC_ACQUIRE);
			continue;
		}
		for (uint64_t i = 0; i < singles / 2; i++, put++) {
			/* gaps of 0..~150 us: around a wake-up and a reader's way into sleep */
			hs_pause_ns(hs_rand(&x) % 150000);
			TU_CHECK(hs_put(w) == 0, "put");
			*saw_fenced += __atomic_load_n(&rh->writer_fenced, __ATOMIC_ACQUIRE) != 0;
		}
	}
	TU_CHECK(put == total, "round %d: put %llu of %llu", round, (unsigned long long)put,
		 (unsigned long long)total);
	for (int i = 0; i < nreaders; i++) {
		if (tu_read_full(ev[i][0], &rep, sizeof rep, 4 * HS_TIMEOUT_MS + 30000) < 0) {
			TU_CHECK(0, "round %d: reader %d did not report", round, i);
			continue;
		}
		TU_CHECK(rep.timeouts == 0 && rep.stalls == 0, "round %d: reader %d: %llu next() calls "
			 "timed out, %llu took over %d ms (lost wake-up: records were published), "
			 "longest %.1f ms, last read %llu of %llu", round, i,
			 (unsigned long long)rep.timeouts, (unsigned long long)rep.stalls, HS_STALL_MS,
			 (double)rep.longest_ns / 1e6, (unsigned long long)rep.last_seq, (unsigned long long)last);
		*calls += rep.calls;
		TU_CHECK(rep.bad == 0, "round %d: reader %d: %llu bad records", round, i,
			 (unsigned long long)rep.bad);
		TU_CHECK(rep.got + rep.lost == total, "round %d: reader %d: read %llu + lost %llu != %llu",
			 round, i, (unsigned long long)rep.got, (unsigned long long)rep.lost,
			 (unsigned long long)total);
		int status;
		char sb[64];
		TU_CHECK(tu_reap_child(pid[i], 10000, &status) == 0 && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 0, "round %d: reader %d %s", round, i,
			 tu_status_str(status, sb, sizeof sb));
	}
out:
	tu_kill_children();
	for (int i = 0; i < nreaders; i++)
		close(ev[i][0]);
}

static int run_handshake(void)
{
	tu_guard(600, "sleeper handshake");
	tu_feed_name(feed, "hand");
	mdbus_writer *w;
	struct mdbus_writer_opts o = { .slot_count = 4096 };
	int rc = mdbus_writer_open(&w, feed, &o);
	TU_CHECK(rc == 0, "writer_open: %s", mdbus_strerror(rc));
	if (rc < 0)
		return 1;
	size_t size = 0;
	const struct mdbus_shm_registry *rh = hs_map_registry(&size);
	TU_CHECK(rh != NULL, "cannot map the registry");
	if (!rh)
		return 1;
	int rounds = TU_TSAN || TU_ASAN ? 2 : 4;
	uint64_t singles = TU_TSAN ? 2000 : 6000;
	int fenced = 0, unfenced = 0;
	uint64_t calls = 0;
	/* Whether the writer may drop its fence at all: only with membarrier to fall back on. */
	long mb = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	int asym = mb > 0 && (mb & MEMBARRIER_CMD_GLOBAL_EXPEDITED);
	int dropped = 0;
	for (int i = 0; i < rounds && !tu_failures; i++) {
		/* Nobody sleeps during this burst: the writer must drop its fence, so every
		 * round starts with readers that pay membarrier for their first sleep. */
		for (uint32_t k = 0; k < HS_BURST; k++)
			TU_CHECK(hs_put(w) == 0, "put");
		dropped += !__atomic_load_n(&rh->writer_fenced, __ATOMIC_ACQUIRE);
		/* one reader alone has nobody else's sleep to wake it by accident */
		hs_round(w, rh, i, i & 1 ? HS_READERS : 1, singles, &fenced, &unfenced, &calls);
	}
	printf("handshake: %d rounds of 1 or %d sleep-mode readers, %llu gapped records and 2 bursts "
	       "of %d each; %llu waiting next() calls; fence seen on %d gapped puts, off after %d of %d "
	       "bursts with readers, %d of %d without\n", rounds, HS_READERS, (unsigned long long)singles,
	       HS_BURST, (unsigned long long)calls, fenced, unfenced, 2 * rounds, dropped, rounds);
	TU_CHECK(fenced > 0, "the writer never fenced for its sleeping readers");
	if (asym)
		TU_CHECK(dropped == rounds, "the writer kept its fence through %d puts without a sleeper "
			 "(%d of %d times)", HS_BURST, rounds - dropped, rounds);
	else
		printf("membarrier(GLOBAL_EXPEDITED) unavailable: the writer fences every put\n");
	munmap((void *)rh, size);
	mdbus_writer_close(w);
	rc = mdbus_feed_remove(feed);
	TU_CHECK(rc == 0, "feed_remove: %s", mdbus_strerror(rc));
	printf("%s\n", tu_failures ? "FAILED" : "PASSED");
	return tu_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--writer-child"))
		return writer_child(argv[2], strtoull(argv[3], NULL, 0));
	if (argc == 2 && !strcmp(argv[1], "--syscalls")) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n <= 0)
			return 1;
		self[n] = '\0';
		return run_syscalls(self);
	}
	if (argc == 2 && !strcmp(argv[1], "--handshake"))
		return run_handshake();
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "--cpu")))
		return run_cpu();
	fprintf(stderr, "usage: %s [--cpu | --syscalls | --handshake | --writer-child FEED N]\n", argv[0]);
	return 2;
}
