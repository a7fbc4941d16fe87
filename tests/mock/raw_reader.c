/*
 * raw_reader.c — the throughput scenario's reader: a bare TCP socket speaking just enough
 * RFC 6455 (client handshake, one masked subscribe, unmasked server frames) to count
 * frames as fast as the kernel delivers them.
 *
 * It exists because a libwebsockets 4.1 client tops out near 120k small messages/s on the
 * test machine, below what the mock must be shown to send; this reader costs a few
 * nanoseconds per frame, so the number it prints is the mock's.
 */
#include "raw_reader.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double mono_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A masked client text frame (mask 0, which RFC 6455 allows: it must only be present). */
static int send_text(int fd, const char *text)
{
	unsigned char b[1024];
	size_t n = strlen(text), h;

	if (n > sizeof(b) - 8)
		return -1;
	b[0] = 0x81;
	if (n < 126) {
		b[1] = (unsigned char)(0x80 | n);
		h = 2;
	} else {
		b[1] = 0x80 | 126;
		b[2] = (unsigned char)(n >> 8);
		b[3] = (unsigned char)n;
		h = 4;
	}
	memset(b + h, 0, 4);
	memcpy(b + h + 4, text, n);
	return write_all(fd, b, h + 4 + n);
}

/* Reads until deadline; -1 on timeout or EOF. */
static ssize_t read_some(int fd, unsigned char *p, size_t cap, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ms = (int)((deadline - mono_s()) * 1000);

	if (ms <= 0 || poll(&pfd, 1, ms) <= 0)
		return -1;
	return read(fd, p, cap);
}

int raw_throughput(int port, const char *subscribe, double seconds, double timeout_s,
		   uint64_t *frames_out, double *secs_out)
{
	static unsigned char buf[1 << 20];
	static const char req[] =
		"GET /v2 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
		"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		"Sec-WebSocket-Version: 13\r\n\r\n";
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	double deadline = mono_s() + timeout_s, t0 = 0;
	uint64_t frames = 0, data = 0;
	size_t have = 0;
	int fd, rc = -1;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) || write_all(fd, req, sizeof(req) - 1))
		goto out;
	for (;;) { /* the 101 response */
		ssize_t n = read_some(fd, buf + have, sizeof(buf) - have - 1, deadline);
		char *e;

		if (n <= 0)
			goto out;
		have += (size_t)n;
		buf[have] = '\0';
		e = strstr((char *)buf, "\r\n\r\n");
		if (e) {
			size_t hl = (size_t)(e + 4 - (char *)buf);

			if (strncmp((char *)buf, "HTTP/1.1 101", 12))
				goto out;
			memmove(buf, buf + hl, have - hl);
			have -= hl;
			break;
		}
	}
	if (send_text(fd, subscribe))
		goto out;
	for (;;) {
		ssize_t n = read_some(fd, buf + have, sizeof(buf) - have, deadline);
		size_t off = 0;

		if (n <= 0)
			goto out;
		have += (size_t)n;
		while (have - off >= 2) {
			size_t len = buf[off + 1] & 0x7f, hl = 2;

			if (len == 126) {
				if (have - off < 4)
					break;
				len = (size_t)buf[off + 2] << 8 | buf[off + 3];
				hl = 4;
			} else if (len == 127) {
				if (have - off < 10)
					break;
				len = 0;
				for (int i = 0; i < 8; i++)
					len = len << 8 | buf[off + 2 + i];
				hl = 10;
			}
			if (have - off < hl + len)
				break;
			/* data frames start {"channel":"book" / "trade" */
			if (len > 16 && !memcmp(buf + off + hl, "{\"channel\":\"", 12) &&
			    (!memcmp(buf + off + hl + 12, "book", 4) ||
			     !memcmp(buf + off + hl + 12, "trad", 4))) {
				if (!data++)
					t0 = mono_s(); /* the clock starts at the first data frame */
				else
					frames++;
			}
			off += hl + len;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (t0 && mono_s() - t0 >= seconds)
			break;
	}
	*frames_out = frames;
	*secs_out = mono_s() - t0;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
