/*
 * stats.c — formatting and atomic file output of the process counters (see stats.h).
 */
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct mx_stats mx_stats;

int mx_stats_format(char *buf, size_t cap)
{
	const struct mx_stats *s = &mx_stats;

	return snprintf(buf, cap,
			"stats: connections=%" PRIu64 " handshakes_refused=%" PRIu64
			" frames_sent=%" PRIu64 " book_updates=%" PRIu64 " bad_checksums=%" PRIu64
			" garbage=%" PRIu64 " drops=%" PRIu64 " stalls=%" PRIu64
			" oversize=%" PRIu64 " data_frames=%" PRIu64 " heartbeats=%" PRIu64
			" connections_closed=%" PRIu64 " bytes_sent=%" PRIu64,
			s->connections, s->handshakes_refused, s->frames_sent, s->book_updates,
			s->bad_checksums, s->garbage, s->drops, s->stalls, s->oversize,
			s->data_frames, s->heartbeats, s->connections_closed, s->bytes_sent);
}

int mx_stats_write_file(const char *path)
{
	char line[1024], tmp[4096];
	FILE *f;
	int n, rc = 0;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	mx_stats_format(line, sizeof(line));
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%s\n", line) < 0)
		rc = -EIO;
	if (fclose(f) != 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) != 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}
