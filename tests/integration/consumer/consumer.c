/*
 * consumer.c — an external program built against the installed mdbus (CMake package
 * and pkg-config).  Reads N records from the oldest one and checks the pattern
 * written by test_consumer_writer: RAW, len 1 + seq % 84, data[i] = seq * 7 + i.
 */
#include <mdbus/mdbus.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: consumer FEED N\n");
		return 2;
	}
	mdbus_sub *s;
	int rc = mdbus_sub_open(&s, argv[1], MDBUS_SUB_FROM_OLDEST);
	if (rc < 0) {
		fprintf(stderr, "consumer: %s: %s\n", argv[1], mdbus_strerror(rc));
		return 1;
	}
	unsigned long want = strtoul(argv[2], NULL, 10), got = 0, bad = 0;
	struct mdbus_record r;
	while (got < want && (rc = mdbus_sub_next(s, &r, 5000)) == 1) {
		uint32_t len = 1 + (uint32_t)(r.seq % 84);
		if (r.type != MDBUS_REC_RAW || r.seq != got || r.lost || r.u.raw.len != len)
			bad++;
		else
			for (uint32_t i = 0; i < len; i++)
				if (r.u.raw.data[i] != (uint8_t)(r.seq * 7 + i)) {
					bad++;
					break;
				}
		got++;
	}
	struct mdbus_status st;
	mdbus_sub_status(s, &st);
	printf("consumer: %lu of %lu records, %lu bad, epoch %llu (%s)\n", got, want, bad,
	       (unsigned long long)st.epoch, mdbus_strerror(rc < 0 ? rc : 0));
	mdbus_sub_close(s);
	return got == want && bad == 0 ? 0 : 1;
}
