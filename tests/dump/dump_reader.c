/*
 * dump_reader.c — a reader that registers and sits, for the `readers` test.
 *
 *   dump_reader FEED NAME
 *
 * Opens FEED with mdbus_sub_open (entering the reader registry), names itself NAME,
 * prints "ready <next_seq>" and then blocks reading stdin until EOF, reading nothing
 * from the ring (so its lag grows with every record written).  Exit 0 on EOF.
 */
#include <mdbus/mdbus.h>

#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct mdbus_status st;
	mdbus_sub *s;
	char buf[64];
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: dump_reader FEED NAME\n");
		return 2;
	}
	rc = mdbus_sub_open(&s, argv[1], 0);
	if (rc == 0)
		rc = mdbus_sub_set_name(s, argv[2]);
	if (rc == 0)
		rc = mdbus_sub_status(s, &st);
	if (rc < 0) {
		fprintf(stderr, "dump_reader: %s: %s\n", argv[1], mdbus_strerror(rc));
		return 1;
	}
	printf("ready %llu\n", (unsigned long long)st.next_seq);
	fflush(stdout);
	while (read(0, buf, sizeof buf) > 0)
		;
	mdbus_sub_close(s);
	return 0;
}
