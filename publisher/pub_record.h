/* pub_record.h — --record FILE: every received frame, one per line, with its receive
 * time, in the format mdbus-mock-exchange --replay reads back (private). */
#ifndef PUB_RECORD_H
#define PUB_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pub_record {
	FILE *f;
	uint64_t lines;
	int failed;
};

/* Open for appending.  Returns 0 or -errno. */
int pub_record_open(struct pub_record *r, const char *path);

/* "<recv_ns>\t<frame>\n"; CR and LF inside the frame become spaces (JSON allows it
 * between tokens; raw newlines cannot occur inside JSON strings). */
void pub_record_frame(struct pub_record *r, int64_t recv_ns, const char *buf, size_t len);

void pub_record_flush(struct pub_record *r);
void pub_record_close(struct pub_record *r);

#endif
