/* pub_record.c — see pub_record.h. */
#include "pub_record.h"
#include "pub_log.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

int pub_record_open(struct pub_record *r, const char *path)
{
	memset(r, 0, sizeof *r);
	r->f = fopen(path, "ae");
	if (!r->f)
		return -errno;
	setvbuf(r->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

void pub_record_frame(struct pub_record *r, int64_t recv_ns, const char *buf, size_t len)
{
	if (!r->f || r->failed)
		return;
	fprintf(r->f, "%" PRId64 "\t", recv_ns);
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n' || buf[i] == '\r') {
			fwrite(buf + start, 1, i - start, r->f);
			fputc(' ', r->f);
			start = i + 1;
		}
	}
	fwrite(buf + start, 1, len - start, r->f);
	if (fputc('\n', r->f) == EOF) {
		r->failed = 1;
		LOGE("--record: write failed (%s); recording stopped", strerror(errno));
	}
	r->lines++;
}

void pub_record_flush(struct pub_record *r)
{
	if (r->f && !r->failed && fflush(r->f) != 0) {
		r->failed = 1;
		LOGE("--record: flush failed (%s); recording stopped", strerror(errno));
	}
}

void pub_record_close(struct pub_record *r)
{
	if (r->f) {
		pub_record_flush(r);
		fclose(r->f);
	}
	memset(r, 0, sizeof *r);
}
