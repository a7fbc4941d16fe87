/*
 * raw_reader.h — counting the mock's frames over a bare socket (see raw_reader.c).
 */
#ifndef MOCK_RAW_READER_H
#define MOCK_RAW_READER_H

#include <stdint.h>

/*
 * Connects to ws://127.0.0.1:port/v2, sends `subscribe`, and counts book/trade frames
 * for `seconds` after the first one. 0 with the count and elapsed time, -1 on a
 * connection failure or when timeout_s passes first.
 */
int raw_throughput(int port, const char *subscribe, double seconds, double timeout_s,
		   uint64_t *frames_out, double *secs_out);

#endif
