/*
 * test_consumer_writer.c — the test writer the external consumer reads:
 *   test_consumer_writer FEED N      write N RAW records (pattern in consumer.c), close
 *   test_consumer_writer --remove FEED
 */
#include <mdbus/writer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--remove")) {
		int rc = mdbus_feed_remove(argv[2]);
		if (rc < 0)
			fprintf(stderr, "remove %s: %s\n", argv[2], mdbus_strerror(rc));
		return rc < 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s FEED N | --remove FEED\n", argv[0]);
		return 2;
	}
	mdbus_writer *w;
	int rc = mdbus_writer_open(&w, argv[1], NULL);
	if (rc < 0) {
		fprintf(stderr, "writer %s: %s\n", argv[1], mdbus_strerror(rc));
		return 1;
	}
	unsigned long n = strtoul(argv[2], NULL, 10);
	for (unsigned long k = 0; k < n; k++) {
		struct mdbus_record r;
		memset(&r, 0, sizeof r);
		uint64_t seq = mdbus_writer_cursor(w);
		r.type = MDBUS_REC_RAW;
		r.u.raw.len = 1 + (uint32_t)(seq % 84);
		for (uint32_t i = 0; i < r.u.raw.len; i++)
			r.u.raw.data[i] = (uint8_t)(seq * 7 + i);
		if (mdbus_writer_put(w, &r) < 0)
			return 1;
	}
	mdbus_writer_close(w);
	return 0;
}
