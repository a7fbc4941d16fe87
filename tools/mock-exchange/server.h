/*
 * server.h — the libwebsockets side of the mock: one vhost on 127.0.0.1, one protocol,
 * one connection object per WebSocket client.
 *
 * Everything runs on the thread that calls mx_server_service(); the only thing another
 * context (a signal handler) may call is mx_server_wake().
 */
#ifndef MX_SERVER_H
#define MX_SERVER_H

#include "world.h"

#include <stddef.h>

struct mx_server;

/*
 * Creates the lws context and listens on 127.0.0.1:port (0 = ephemeral). With
 * cert_file/key_file non-NULL the listener speaks TLS (1.2+, ALPN http/1.1 only).
 * Returns 0, or a negative errno with a one-line reason in err.
 */
int mx_server_start(struct mx_server **out, const struct mx_world *w, const char *cert_file,
		    const char *key_file, char *err, size_t errcap);

/* The bound TCP port. */
int mx_server_port(const struct mx_server *s);

/* Services events once (blocks until something happens). < 0 on a fatal lws error. */
int mx_server_service(struct mx_server *s);

/* 1 once --max-connections connections have closed. */
int mx_server_finished(const struct mx_server *s);

/* Makes a blocked mx_server_service() return; safe from a signal handler. */
void mx_server_wake(struct mx_server *s);

/* Closes every connection (their close accounting runs) and frees everything. */
void mx_server_destroy(struct mx_server *s);

#endif
