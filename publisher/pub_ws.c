/*
 * pub_ws.c — the exchange connection: libwebsockets client over OpenSSL, message
 * reassembly, liveness and reconnection (private to mdbus-publisher).
 *
 * Everything runs on the lws service thread.  Timers are lws_sul entries, never
 * signals.  At most one connection exists at a time; when it ends for any reason
 * the session is told (generation to even, books cleared) before the next attempt
 * is scheduled through the backoff, which also enforces the attempt budget.
 *
 * libwebsockets 4.1 notes: a write is allowed only from the WRITEABLE callback and
 * needs LWS_PRE bytes of headroom; one message arrives in as many RECEIVE callbacks
 * as the rx buffer and the sender's fragmentation dictate, complete only when the
 * final fragment has no remaining payload.
 */
#include "pub_ws.h"
#include "pub_log.h"
#include "pub_session.h"

#include <libwebsockets.h>
#include <openssl/ssl.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TICK_US (100 * 1000)

struct pub_ws {
	const struct pub_config *cfg;
	struct pub_state *st;
	struct pub_record *rec;
	struct lws_context *ctx;
	struct lws *wsi;
	int established;
	char *rx;
	size_t rx_len;
	int rx_overflow;
	uint64_t connected_ms;     /* 0 while not established */
	uint64_t last_rx_ms;
	uint64_t last_flush_ms;
	uint64_t last_beat_ms;
	struct pub_backoff bo;
	lws_sorted_usec_list_t sul_connect;
	lws_sorted_usec_list_t sul_tick;
	int connect_pending;
	volatile sig_atomic_t *stop;
	lws_retry_bo_t idle_policy;
	unsigned char txbuf[LWS_PRE + 65536];
};

static struct pub_ws *g_ws; /* the lws protocol callback has no user pointer before connect */

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void schedule_connect(struct pub_ws *ws);

static void connection_ended(struct pub_ws *ws, const char *why)
{
	uint64_t now = mono_ms();
	if (ws->established) {
		LOGW("connection closed: %s", why);
		pub_session_on_disconnected(ws->st);
	} else {
		MDBUS_STAT_ADD(ws->st->stats, handshake_fail_seq, 1);
		LOGW("connection attempt failed: %s", why);
	}
	pub_backoff_ended(&ws->bo, ws->connected_ms, now);
	ws->wsi = NULL;
	ws->established = 0;
	ws->connected_ms = 0;
	if (!*ws->stop)
		schedule_connect(ws);
}

static void do_connect(lws_sorted_usec_list_t *sul)
{
	struct pub_ws *ws = lws_container_of(sul, struct pub_ws, sul_connect);
	ws->connect_pending = 0;
	if (*ws->stop || ws->wsi)
		return;
	uint64_t now = mono_ms();
	/* Never exceed the attempt budget, whatever scheduled us. */
	if (pub_backoff_in_window(&ws->bo, now) >= ws->bo.budget) {
		uint64_t wait = pub_backoff_delay(&ws->bo, now);
		ws->connect_pending = 1;
		LOGW("connection attempt budget (%u per %u s) spent; waiting %llu ms", ws->bo.budget,
		     ws->cfg->budget_window_s, (unsigned long long)wait);
		lws_sul_schedule(ws->ctx, 0, &ws->sul_connect, do_connect, (lws_usec_t)(wait ? wait : 1) * 1000);
		return;
	}
	pub_backoff_attempt(&ws->bo, now);
	if (ws->bo.count > 1)
		MDBUS_STAT_ADD(ws->st->stats, reconnects_seq, 1);
	const struct pub_config *c = ws->cfg;
	struct lws_client_connect_info i;
	memset(&i, 0, sizeof i);
	i.context = ws->ctx;
	i.address = c->host;
	i.port = c->port;
	i.path = c->path;
	i.host = c->host;
	i.origin = c->host;
	i.ssl_connection = 0;
	if (c->tls) {
		i.ssl_connection = LCCSCF_USE_SSL;
		if (c->insecure)
			i.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
					    LCCSCF_ALLOW_EXPIRED;
	}
	i.protocol = NULL;              /* Kraken negotiates no subprotocol */
	i.local_protocol_name = "kraken-v2";
	i.alpn = "http/1.1";
	i.retry_and_idle_policy = &ws->idle_policy;
	i.pwsi = &ws->wsi;
	LOGI("connecting to %s (attempt %u in the last %u s)", c->url, pub_backoff_in_window(&ws->bo, now),
	     c->budget_window_s);
	if (!lws_client_connect_via_info(&i)) {
		/* lws may already have reported CONNECTION_ERROR (which reschedules);
		 * otherwise reschedule here. */
		if (!ws->connect_pending && !ws->wsi)
			connection_ended(ws, "could not start the connection");
	}
}

static void schedule_connect(struct pub_ws *ws)
{
	if (ws->connect_pending)
		return;
	uint64_t d = pub_backoff_delay(&ws->bo, mono_ms());
	ws->connect_pending = 1;
	if (d)
		LOGI("reconnecting in %llu ms", (unsigned long long)d);
	lws_sul_schedule(ws->ctx, 0, &ws->sul_connect, do_connect, (lws_usec_t)d * 1000);
}

static void tick(lws_sorted_usec_list_t *sul)
{
	struct pub_ws *ws = lws_container_of(sul, struct pub_ws, sul_tick);
	uint64_t now = mono_ms();
	if (now - ws->last_beat_ms >= 100) {
		mdbus_writer_heartbeat(ws->st->w);
		ws->last_beat_ms = now;
	}
	if (ws->rec && now - ws->last_flush_ms >= 1000) {
		pub_record_flush(ws->rec);
		ws->last_flush_ms = now;
	}
	if (ws->wsi && ws->established) {
		pub_session_tick(ws->st, now);
		if (now - ws->last_rx_ms >= ws->cfg->stale_after_ms) {
			MDBUS_STAT_ADD(ws->st->stats, watchdog_seq, 1);
			LOGW("no frame for %llu ms (--stale-after %u ms): closing and reconnecting",
			     (unsigned long long)(now - ws->last_rx_ms), ws->cfg->stale_after_ms);
			ws->st->want_close = 1;
		}
		if (ws->st->want_close) {
			ws->st->want_close = 0;
			lws_set_timeout(ws->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		}
	}
	if (*ws->stop) {
		lws_cancel_service(ws->ctx);
		return;
	}
	lws_sul_schedule(ws->ctx, 0, &ws->sul_tick, tick, TICK_US);
}

static void frame_complete(struct pub_ws *ws)
{
	struct mdbus_shm_stats *stx = ws->st->stats;
	int64_t recv_ns = real_ns();
	MDBUS_STAT_ADD(stx, frames_seq, 1);
	MDBUS_STAT_ADD(stx, bytes_seq, ws->rx_len);
	if (ws->rx_overflow) {
		MDBUS_STAT_ADD(stx, oversized_seq, 1);
		MDBUS_STAT_ADD(stx, drops_seq, 1);
		LOGW("dropped a message over --max-frame (%u bytes)", ws->cfg->max_frame);
		return;
	}
	if (ws->rec)
		pub_record_frame(ws->rec, recv_ns, ws->rx, ws->rx_len);
	pub_session_on_frame(ws->st, ws->rx, ws->rx_len, recv_ns);
	if (ws->st->outq_len && ws->wsi)
		lws_callback_on_writable(ws->wsi);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct pub_ws *ws = g_ws;
	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS:
		/* Added to the system store lws loaded, not instead of it. */
		if (ws && ws->cfg->ca_file[0] &&
		    SSL_CTX_load_verify_locations((SSL_CTX *)user, ws->cfg->ca_file, NULL) != 1) {
			LOGE("--ca-file %s: cannot load certificates", ws->cfg->ca_file);
			return 1;
		}
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		ws->established = 1;
		ws->connected_ms = mono_ms();
		ws->last_rx_ms = ws->connected_ms;
		ws->rx_len = 0;
		ws->rx_overflow = 0;
		LOGI("connected to %s", ws->cfg->url);
		pub_session_on_connected(ws->st, ws->connected_ms);
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (wsi != ws->wsi)
			break;
		ws->last_rx_ms = mono_ms();
		if (lws_is_first_fragment(wsi)) {
			ws->rx_len = 0;
			ws->rx_overflow = 0;
		}
		if (!ws->rx_overflow) {
			if (len > ws->cfg->max_frame - ws->rx_len) {
				ws->rx_overflow = 1;
			} else {
				memcpy(ws->rx + ws->rx_len, in, len);
				ws->rx_len += len;
			}
		} else {
			ws->rx_len += len; /* counted in bytes, not kept */
		}
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			if (lws_frame_is_binary(wsi)) {
				MDBUS_STAT_ADD(ws->st->stats, frames_seq, 1);
				MDBUS_STAT_ADD(ws->st->stats, nonjson_seq, 1);
			} else {
				frame_complete(ws);
			}
			ws->rx_len = 0;
			ws->rx_overflow = 0;
		}
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE: {
		if (wsi != ws->wsi)
			break;
		char *req = pub_session_pop_request(ws->st);
		if (!req)
			break;
		size_t n = strlen(req);
		if (n > sizeof ws->txbuf - LWS_PRE) {
			LOGE("request too large to send (%zu bytes)", n);
			free(req);
			return -1;
		}
		memcpy(ws->txbuf + LWS_PRE, req, n);
		LOGD("sent: %s", req);
		free(req);
		if (lws_write(wsi, ws->txbuf + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n)
			return -1;
		if (ws->st->outq_len)
			lws_callback_on_writable(wsi);
		break;
	}
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (ws && (wsi == ws->wsi || !ws->wsi || !ws->established)) {
			ws->wsi = wsi; /* may not be set yet */
			connection_ended(ws, in ? (const char *)in : "connection error");
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (ws && wsi == ws->wsi)
			connection_ended(ws, "closed");
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "kraken-v2", callback, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void lws_to_log(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	pub_log(level == LLL_ERR ? PUB_LOG_WARN : PUB_LOG_DEBUG, "lws: %.*s", (int)n, line);
}

int pub_ws_run(const struct pub_config *cfg, struct pub_state *st, struct pub_record *rec,
	       volatile sig_atomic_t *stop)
{
	struct pub_ws *ws = calloc(1, sizeof *ws);
	if (!ws)
		return -ENOMEM;
	ws->cfg = cfg;
	ws->st = st;
	ws->rec = rec;
	ws->stop = stop;
	ws->rx = malloc(cfg->max_frame);
	if (!ws->rx) {
		free(ws);
		return -ENOMEM;
	}
	g_ws = ws;
	pub_backoff_init(&ws->bo, cfg->backoff_min_ms, cfg->backoff_max_ms, cfg->healthy_ms,
			 cfg->budget_attempts, cfg->budget_window_s, (uint64_t)real_ns() ^ (uint64_t)getpid());
	/* Protocol-level liveness: lws pings after a quiet half of the stale period and
	 * hangs up if nothing (not even a pong) came back; the application watchdog in
	 * tick() covers a server that answers pings but sends no data. */
	uint32_t stale_s = cfg->stale_after_ms / 1000;
	ws->idle_policy.secs_since_valid_ping = (uint16_t)(stale_s / 2 ? stale_s / 2 : 1);
	ws->idle_policy.secs_since_valid_hangup = (uint16_t)(stale_s + 5);

	lws_set_log_level(pub_log_enabled(PUB_LOG_DEBUG) ? (LLL_ERR | LLL_WARN) : LLL_ERR, lws_to_log);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.fd_limit_per_thread = 16;
	/* lws reads at most this much per poll (4 KiB by default): at hundreds of
	 * thousands of frames a second that is a read syscall per few frames. */
	info.pt_serv_buf_size = 256 * 1024;
	ws->ctx = lws_create_context(&info);
	if (!ws->ctx) {
		LOGE("libwebsockets context creation failed");
		free(ws->rx);
		free(ws);
		return -EIO;
	}
	lws_sul_schedule(ws->ctx, 0, &ws->sul_tick, tick, TICK_US);
	schedule_connect(ws);
	while (!*stop) {
		if (lws_service(ws->ctx, 0) < 0)
			break;
	}
	LOGI("stopping");
	lws_context_destroy(ws->ctx); /* closes the connection: CLIENT_CLOSED may run */
	g_ws = NULL;
	free(ws->rx);
	free(ws);
	return 0;
}
