/* testutil.c — see testutil.h. */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int tu_failures;

#define MAX_FEEDS 256
#define MAX_CHILDREN 64

static pid_t owner_pid;
static int nfeeds;
static char feeds[MAX_FEEDS][MDBUS_FEED_NAME_MAX + 1];
/* Paths of each feed's three objects, prepared for the async-signal-safe guard. */
static char paths[MAX_FEEDS][3][128];
static pid_t children[MAX_CHILDREN];
static const char *guard_what = "";

void tu_feeds_cleanup(void)
{
	if (getpid() != owner_pid)
		return; /* a forked child never removes its parent's feeds */
	for (int i = 0; i < nfeeds; i++) {
		if (!feeds[i][0])
			continue;
		if (mdbus_feed_remove(feeds[i]) < 0)
			for (int k = 0; k < 3; k++)
				unlink(paths[i][k]);
	}
}

char *tu_feed_name(char buf[MDBUS_FEED_NAME_MAX + 1], const char *tag)
{
	static int calls;
	if (!owner_pid || owner_pid != getpid()) {
		owner_pid = getpid();
		nfeeds = 0;
		atexit(tu_feeds_cleanup);
	}
	snprintf(buf, MDBUS_FEED_NAME_MAX + 1, "t_%s_%ld_%d", tag, (long)getpid(), calls++);
	if (nfeeds < MAX_FEEDS) {
		strcpy(feeds[nfeeds], buf);
		snprintf(paths[nfeeds][0], sizeof paths[0][0], "/dev/shm/mdbus.%s", buf);
		snprintf(paths[nfeeds][1], sizeof paths[0][1], "/dev/shm/mdbus.%s.readers", buf);
		snprintf(paths[nfeeds][2], sizeof paths[0][2], "/dev/shm/mdbus.%s.lock", buf);
		nfeeds++;
	}
	return buf;
}

void tu_child_add(pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] == 0) {
			children[i] = pid;
			return;
		}
}

void tu_child_forget(pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] == pid)
			children[i] = 0;
}

void tu_kill_children(void)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
			children[i] = 0;
		}
}

static void guard_fired(int sig)
{
	(void)sig;
	char msg[256];
	int n = snprintf(msg, sizeof msg, "%s: TIMEOUT (%s): the test hung; failing\n",
			 program_invocation_short_name, guard_what);
	if (n > 0)
		(void)!write(2, msg, (size_t)n);
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] > 0)
			kill(children[i], SIGKILL);
	if (getpid() == owner_pid)
		for (int i = 0; i < nfeeds; i++)
			for (int k = 0; k < 3; k++)
				unlink(paths[i][k]);
	_exit(1);
}

void tu_guard(unsigned seconds, const char *what)
{
	guard_what = what ? what : "";
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = guard_fired;
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

void tu_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("SKIP: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(TU_SKIP);
}

uint64_t tu_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t tu_cpu_ns(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

/* ------------------------------------------------ self-checking records */

static uint64_t mix64(uint64_t x)
{
	/* splitmix64 finaliser: every input bit moves every output bit */
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

void tu_raw_fill(struct mdbus_record *r, uint64_t seq, uint32_t raw_max)
{
	memset(r, 0, sizeof *r);
	uint64_t k = mix64(seq);
	r->type = MDBUS_REC_RAW;
	r->flags = (uint16_t)(k >> 16);
	r->symbol = (uint32_t)(k >> 32);
	r->exch_ts_ns = (int64_t)(k >> 8);
	r->recv_ts_ns = (int64_t)seq;
	r->u.raw.len = (uint32_t)(k % (raw_max + 1));
	uint64_t x = k | 1;
	for (uint32_t i = 0; i < r->u.raw.len; i += 8) {
		/* xorshift64 stream seeded by the sequence */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint32_t n = r->u.raw.len - i < 8 ? r->u.raw.len - i : 8;
		memcpy(r->u.raw.data + i, &x, n);
	}
}

int tu_raw_check(const struct mdbus_record *r, uint32_t raw_max, char *why, size_t whylen)
{
	struct mdbus_record e;
	tu_raw_fill(&e, r->seq, raw_max);
	const char *what = NULL;
	if (r->type != e.type)
		what = "type";
	else if (r->flags != e.flags)
		what = "flags";
	else if (r->symbol != e.symbol)
		what = "symbol";
	else if (r->exch_ts_ns != e.exch_ts_ns)
		what = "exch_ts_ns";
	else if (r->recv_ts_ns != e.recv_ts_ns)
		what = "recv_ts_ns";
	else if (r->u.raw.len != e.u.raw.len)
		what = "raw.len";
	else if (memcmp(r->u.bytes, e.u.bytes, sizeof e.u.bytes) != 0)
		what = "payload bytes";
	if (!what)
		return 0;
	if (why)
		snprintf(why, whylen, "seq %llu: %s differs (type %u len %u)",
			 (unsigned long long)r->seq, what, r->type, r->u.raw.len);
	return -1;
}


int tu_stream_feed(struct tu_stream *t, const struct mdbus_record *r, uint32_t raw_max)
{
	int rc = 0;
	t->read++;
	t->lost += r->lost;
	if (r->lost)
		t->laps++;
	if (r->seq != t->expected + r->lost) {
		if (!t->order++)
			snprintf(t->first_error, sizeof t->first_error,
				 "order: got seq %llu lost %llu, expected seq %llu + lost",
				 (unsigned long long)r->seq, (unsigned long long)r->lost,
				 (unsigned long long)t->expected);
		rc = -1;
	}
	if (r->seq >= t->expected)
		t->expected = r->seq + 1;
	if (r->type != MDBUS_REC_RAW) {
		t->other++;
		return rc;
	}
	char why[128];
	if (tu_raw_check(r, raw_max, why, sizeof why) != 0) {
		if (!t->bad++ && !t->order)
			snprintf(t->first_error, sizeof t->first_error, "torn/wrong record: %s", why);
		rc = -1;
	}
	return rc;
}

/* ------------------------------------------------------------ processes */

int tu_write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int tu_read_full(int fd, void *buf, size_t n, int timeout_ms)
{
	char *p = buf;
	uint64_t deadline = timeout_ms < 0 ? 0 : tu_mono_ns() + (uint64_t)timeout_ms * 1000000u;
	while (n) {
		int left = -1;
		if (timeout_ms >= 0) {
			uint64_t now = tu_mono_ns();
			if (now >= deadline)
				return -1;
			left = (int)((deadline - now) / 1000000u) + 1;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		ssize_t k = read(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int tu_wait_child(pid_t pid, int timeout_ms, int *status)
{
	uint64_t deadline = tu_mono_ns() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			if (status)
				*status = st;
			tu_child_forget(pid);
			return 0;
		}
		if (r < 0 && errno != EINTR)
			return -1;
		if (tu_mono_ns() >= deadline)
			return -1;
		/* polling interval, not synchronisation: the deadline decides */
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int tu_reap_child(pid_t pid, int timeout_ms, int *status)
{
	if (tu_wait_child(pid, timeout_ms, status) == 0)
		return 0;
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	tu_child_forget(pid);
	return -1;
}

const char *tu_status_str(int status, char *buf, size_t n)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, n, "status 0x%x", status);
	return buf;
}

void tu_fail_report(const char *file, int line, const char *cond, const char *fmt, ...)
{
	/* stdout, like the programs' progress lines, so the order survives */
	printf("FAIL %s:%d: %s: ", file, line, cond);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}
