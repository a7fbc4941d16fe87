/*
 * readme_feed.c — writes a tiny feed for the README example test: waits until a reader
 * has registered, then connects (generation 1), publishes one trade and exits.
 */
#include <mdbus/writer.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	mdbus_writer *w;
	int rc = mdbus_writer_open(&w, argv[1], NULL);
	if (rc < 0) {
		fprintf(stderr, "writer: %s\n", mdbus_strerror(rc));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	struct mdbus_reader_info ri[4];
	for (int i = 0; i < 1000 && mdbus_readers_list(argv[1], ri, 4) < 1; i++)
		usleep(10000);
	int id = mdbus_writer_symbol_add(w, "BTC/USD");
	mdbus_writer_set_connected(w, 1);
	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_TRADE;
	r.symbol = (uint32_t)id;
	r.u.trade.price = 452835;
	r.u.trade.qty = 10000000;
	mdbus_writer_put(w, &r);
	mdbus_writer_close(w); /* moves the generation to 2: a second STATUS line */
	return 0;
}
