/*
 * feed_open.c — open a feed for inspection and explain, in one line, why not.
 *
 * Every failure a user can meet (no such feed, a segment still being created, a
 * corrupt or truncated one, another layout version, no permission) gets one line on
 * stderr saying what failed and what to do; a missing feed lists the feeds that exist.
 * The caller exits with DUMP_EXIT_FEED.
 */
#include "dump.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t dump_stop;

static void on_stop(int sig)
{
	(void)sig;
	dump_stop = 1;
}

void dump_install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;            /* no SA_RESTART: a sleeping wait returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void dump_clean(char *dst, size_t n, const char *src, size_t srcmax)
{
	size_t i;

	if (n == 0)
		return;
	for (i = 0; i + 1 < n && i < srcmax && src[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	dst[i] = '\0';
}

/* "feeds present: a, b" or "no feeds present in /dev/shm" */
static void print_missing(const char *feed)
{
	enum { MAXF = 64 };
	char (*names)[MDBUS_FEED_NAME_MAX + 1] = calloc(MAXF, sizeof *names);
	int n = names ? mdbus_feed_list(names, MAXF) : -ENOMEM;
	int i;

	fprintf(stderr, "%s: no feed \"%s\" in /dev/shm (is mdbus-publisher running with --feed %s?); ",
		DUMP_PROG, feed, feed);
	if (n < 0) {
		fprintf(stderr, "cannot list feeds: %s\n", mdbus_strerror(n));
	} else if (n == 0) {
		fprintf(stderr, "no feeds present\n");
	} else {
		fprintf(stderr, "feeds present:");
		for (i = 0; i < n && i < MAXF; i++) {
			char clean[MDBUS_FEED_NAME_MAX + 1];

			dump_clean(clean, sizeof clean, names[i], sizeof names[i]);
			fprintf(stderr, "%s %s", i ? "," : "", clean);
		}
		if (n > MAXF)
			fprintf(stderr, " (and %d more)", n - MAXF);
		fprintf(stderr, "\n");
	}
	free(names);
}

/* What to do about an error, for the one-line message; NULL if nothing specific.
 * *rm is set when removing the segment is the cure. */
static const char *advice(int err, int *rm)
{
	*rm = 0;
	switch (err) {
	case MDBUS_E_NOTREADY:
		*rm = 1;
		return "still so after half a second: if no publisher is starting it is a leftover; remove it";
	case MDBUS_E_VERSION:
		*rm = 1;
		return "use the mdbus-dump that matches its publisher, or remove the segment and "
		       "restart the publisher";
	case MDBUS_E_BADMAGIC:
	case MDBUS_E_TRUNCATED:
	case MDBUS_E_GEOMETRY:
	case MDBUS_E_BOUNDS:
	case MDBUS_E_CORRUPT:
		*rm = 1;
		return "the segment is unusable: remove it and restart the publisher, which "
		       "re-creates it";
	case MDBUS_E_OWNER:
		return "it belongs to another user";
	case -EACCES:
	case -EPERM:
		return "ask for read access (feeds are group-readable by choice)";
	default:
		return NULL;
	}
}

/* " (layout 2.0; this mdbus-dump reads 1.x)" from the header itself, read with pread:
 * the library refuses to map another major, so it cannot tell us. */
static void found_version(const char *feed, char *buf, size_t n)
{
	struct mdbus_shm_header h;
	char path[128];
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof path, "/dev/shm/mdbus.%s", feed);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h)
		snprintf(buf, n, " (layout %u.%u; this mdbus-dump reads %d.x)",
			 (unsigned)h.layout_major, (unsigned)h.layout_minor, MDBUS_LAYOUT_MAJOR);
	close(fd);
}

mdbus_sub *dump_open_feed(const char *feed, int flags)
{
	/* A segment being created has a zero magic for a moment; give it that moment. */
	const int64_t deadline = now_mono_ns() + 500000000;
	mdbus_sub *s = NULL;
	const char *what;
	char version[96] = "";
	int rc, rm;

	for (;;) {
		rc = mdbus_sub_open(&s, feed, flags);
		if (rc != MDBUS_E_NOTREADY || now_mono_ns() >= deadline)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
	if (rc == 0)
		return s;
	if (rc == MDBUS_E_NOFEED) {
		print_missing(feed);
		return NULL;
	}
	if (rc == MDBUS_E_VERSION)
		found_version(feed, version, sizeof version);
	what = advice(rc, &rm);
	fprintf(stderr, "%s: feed \"%s\": %s%s", DUMP_PROG, feed, mdbus_strerror(rc), version);
	if (what)
		fprintf(stderr, "; %s", what);
	if (rm)
		fprintf(stderr, ": rm /dev/shm/mdbus.%s /dev/shm/mdbus.%s.readers", feed, feed);
	fputc('\n', stderr);
	return NULL;
}

int dump_fail(const char *feed, const char *what, int err)
{
	int rm;
	const char *why = advice(err, &rm);

	fprintf(stderr, "%s: feed \"%s\": %s: %s%s%s\n", DUMP_PROG, feed, what,
		mdbus_strerror(err), why ? "; " : "", why ? why : "");
	return DUMP_EXIT_FEED;
}

/* mdbus_sub_book retries internally; MDBUS_E_BUSY means a very busy book: try again. */
int dump_read_book(mdbus_sub *s, uint32_t id, struct mdbus_book *b)
{
	int rc = MDBUS_E_BUSY;
	int i;

	for (i = 0; i < 100 && rc == MDBUS_E_BUSY; i++)
		rc = mdbus_sub_book(s, id, b);
	return rc;
}
