/*
 * server.c — libwebsockets glue: listening, per-connection state, the write pump, timers
 * and the connection-level faults (refuse, drop, stall, fragment).
 *
 * lws 4.1 rules this file lives by:
 *   - data is written only from LWS_CALLBACK_SERVER_WRITEABLE, one lws_write per callback,
 *     from a buffer with LWS_PRE bytes of headroom before the payload; anything else is
 *     requested with lws_callback_on_writable();
 *   - a message sent in K fragments is K writeable callbacks, the first with
 *     LWS_WRITE_TEXT|LWS_WRITE_NO_FIN, then LWS_WRITE_CONTINUATION(|NO_FIN); each
 *     fragment's LWS_PRE headroom is the already-sent part of the same buffer;
 *   - timers are lws_sul entries embedded in the connection; they are cancelled in
 *     LWS_CALLBACK_CLOSED because lws frees the per-session memory right after it;
 *   - lws_write() may send part of a buffer and keep the rest (it copies it); it then
 *     flushes that before calling SERVER_WRITEABLE again, so our buffer is reusable as
 *     soon as lws_write returns.
 *
 * Per connection, messages are produced in this order: (a drop or stall once its
 * data-frame count is reached) → queued control messages → a due heartbeat → injected
 * garbage / oversize before the data frame they precede → the next data frame, if the
 * source has one and --rate pacing has credit (owed snapshots skip pacing). A message is
 * counted when it is produced; the socket gets it in the same callback.
 *
 * Two ways out of the buffer:
 *   - --fragment K > 1: one message at a time, K lws_write calls with lws's own framing;
 *   - otherwise: batching. One writeable callback frames as many ready messages as fit in
 *     BATCH_BYTES (RFC 6455 server frames: FIN + text opcode, unmasked, 7/16/64-bit
 *     length) and hands them to a single lws_write(LWS_WRITE_RAW). One poll + one write
 *     per frame cannot reach 200k frames/s; per batch it is far beyond. Only complete
 *     frames are ever batched, so lws's own control frames (pong, close) can only fall
 *     between our frames, never inside one.
 */
#include "server.h"

#include "faults.h"
#include "frame.h"
#include "log.h"
#include "replay.h"
#include "session.h"
#include "stats.h"
#include "synth.h"
#include "wbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define RX_MAX (64u * 1024u)         /* largest client request we reassemble, bytes */
#define BATCH_BYTES (16u * 1024u)    /* stop adding frames to a batch past this, bytes */
#define BATCH_FRAMES 256             /* ... or past this many frames */
#define WS_HDR_MAX 10                /* largest server frame header, bytes */
#define CONTROL_MAX (128u * 1024u)   /* room kept for any control message, bytes */
#define TX_PACKET (64u * 1024u)      /* lws sends at most this per socket write */
#define HEARTBEAT_US 1000000         /* Kraken: about once a second when idle */
#define PACE_MIN_PERIOD_US 1000      /* pacing timer granularity */

enum out_kind { OUT_CONTROL, OUT_HEARTBEAT, OUT_GARBAGE, OUT_OVERSIZE, OUT_DATA };

enum next_result { NEXT_NONE = 0, NEXT_FRAME = 1, NEXT_DROP = 2, NEXT_STALL = 3 };

struct mx_server {
	const struct mx_world *world;
	struct lws_context *ctx;
	struct lws_vhost *vhost;
	int port;
	uint64_t ordinal;      /* connections accepted so far */
	uint64_t refused;      /* handshakes refused so far */
	int finished;          /* --max-connections reached */
};

struct mx_conn {
	struct mx_server *srv;
	struct lws *wsi;
	int established;
	uint64_t ordinal;
	struct mx_session sess;
	struct mx_synth *synth;          /* synthetic source, or NULL with --replay */
	struct mx_replay_cursor rc;      /* replay source position */

	char *rx;                        /* client message being reassembled */
	size_t rx_len, rx_cap;
	int rx_too_big;

	unsigned char *out;              /* LWS_PRE + out_cap bytes, allocated once */
	size_t out_cap;                  /* >= BATCH_BYTES + any one message + headers */
	size_t out_len, out_off;         /* fragmented message in flight (--fragment) */
	int out_busy, out_frag;

	uint64_t data_frames, book_updates, garbage_done_at, oversize_done_at;
	uint64_t frames, bad_checksums, garbage, oversize, heartbeats;
	int hb_pending, stalled;
	int64_t last_send_us;
	uint64_t credit;                 /* data frames --rate allows now */
	uint64_t credit_acc;             /* fractional credit, frames * 1e6 */
	int64_t pace_last_us;

	lws_sorted_usec_list_t sul_pace, sul_heartbeat, sul_gate;
};

/* ---- helpers ------------------------------------------------------------------- */

static const struct mx_opts *opts_of(const struct mx_conn *c)
{
	return c->srv->world->opts;
}

/* The largest single message this connection can produce, bytes. */
static size_t frame_max(const struct mx_conn *c)
{
	const struct mx_world *w = c->srv->world;
	size_t m = CONTROL_MAX;

	if (w->replay && mx_replay_max_frame(w->replay) > m)
		m = mx_replay_max_frame(w->replay);
	if (!w->replay && MX_SYNTH_MAX_FRAME > m)
		m = MX_SYNTH_MAX_FRAME;
	if (w->opts->oversize_every && MX_OVERSIZE_BYTES + 256 > m)
		m = MX_OVERSIZE_BYTES + 256;
	return m;
}

/*
 * The payload was written at hdr + 4 (room for the common 16-bit length form); put the
 * RFC 6455 header in front of it, moving the payload when the header is 2 or 10 bytes.
 * Returns the header length.
 */
static size_t put_ws_header(unsigned char *hdr, size_t plen)
{
	hdr[0] = 0x81; /* FIN, text */
	if (plen < 126) {
		memmove(hdr + 2, hdr + 4, plen);
		hdr[1] = (unsigned char)plen;
		return 2;
	}
	if (plen <= 0xffff) {
		hdr[1] = 126;
		hdr[2] = (unsigned char)(plen >> 8);
		hdr[3] = (unsigned char)plen;
		return 4;
	}
	memmove(hdr + 10, hdr + 4, plen);
	hdr[1] = 127;
	for (int i = 0; i < 8; i++)
		hdr[2 + i] = (unsigned char)((uint64_t)plen >> (56 - 8 * i));
	return 10;
}

static int rate_limited(const struct mx_conn *c)
{
	return opts_of(c)->rate != 0 && c->credit == 0;
}

/* 1 if the data source has a frame to send right now (pacing included). */
static int data_ready(struct mx_conn *c)
{
	const struct mx_world *w = c->srv->world;

	if (w->replay)
		return mx_replay_gate(w->replay, &c->rc, &c->sess, mx_mono_us()) &&
		       mx_replay_has_work(w->replay, &c->rc, &c->sess) && !rate_limited(c);
	return mx_synth_snapshot_due(&c->sess) ||
	       (mx_synth_has_live(&c->sess) && !rate_limited(c));
}

static int drop_due(const struct mx_conn *c)
{
	uint64_t n = opts_of(c)->drop_after;

	return n && c->data_frames >= n;
}

static int stall_due(const struct mx_conn *c)
{
	uint64_t n = opts_of(c)->stall_after;

	return n && c->data_frames >= n;
}

static int wants_write(struct mx_conn *c)
{
	if (c->stalled)
		return 0;
	return c->out_busy || c->sess.q_head || c->hb_pending || drop_due(c) || stall_due(c) ||
	       data_ready(c);
}

static void kick(struct mx_conn *c)
{
	if (c->established && wants_write(c))
		lws_callback_on_writable(c->wsi);
}

/* ---- timers -------------------------------------------------------------------- */

static void heartbeat_cb(lws_sorted_usec_list_t *sul)
{
	struct mx_conn *c = lws_container_of(sul, struct mx_conn, sul_heartbeat);
	int64_t now = mx_mono_us(), due = c->last_send_us + HEARTBEAT_US;

	if (c->stalled)
		return; /* a stalled connection sends nothing, heartbeats included */
	if (now >= due - 1000) {
		c->hb_pending = 1;
		kick(c);
		due = now + HEARTBEAT_US;
	}
	lws_sul_schedule(lws_get_context(c->wsi), 0, &c->sul_heartbeat, heartbeat_cb, due - now);
}

static void pace_cb(lws_sorted_usec_list_t *sul)
{
	struct mx_conn *c = lws_container_of(sul, struct mx_conn, sul_pace);
	uint64_t rate = opts_of(c)->rate;
	uint64_t burst = rate / 10 > 1 ? rate / 10 : 1; /* at most 100 ms worth at once */
	int64_t now = mx_mono_us();
	int64_t period = (int64_t)(1000000 / rate);

	if (c->stalled)
		return;
	c->credit_acc += (uint64_t)(now - c->pace_last_us) * rate;
	c->pace_last_us = now;
	c->credit += c->credit_acc / 1000000;
	c->credit_acc %= 1000000;
	if (c->credit > burst)
		c->credit = burst;
	if (c->credit)
		kick(c);
	if (period < PACE_MIN_PERIOD_US)
		period = PACE_MIN_PERIOD_US;
	lws_sul_schedule(lws_get_context(c->wsi), 0, &c->sul_pace, pace_cb, period);
}

static void gate_cb(lws_sorted_usec_list_t *sul)
{
	struct mx_conn *c = lws_container_of(sul, struct mx_conn, sul_gate);

	kick(c);
}

/* ---- producing frames ---------------------------------------------------------- */

static const char *first_symbol(const struct mx_conn *c)
{
	const struct mx_symtab *t = &c->srv->world->symtab;

	return t->count ? t->sym[0].name : "BTC/USD";
}

/* Counts a produced message. */
static void account(struct mx_conn *c, int kind, const struct mx_frame_info *info, size_t len)
{
	c->frames++;
	c->last_send_us = mx_mono_us();
	mx_stats.frames_sent++;
	mx_stats.bytes_sent += len;
	switch (kind) {
	case OUT_HEARTBEAT:
		c->heartbeats++;
		mx_stats.heartbeats++;
		break;
	case OUT_GARBAGE:
		c->garbage++;
		mx_stats.garbage++;
		break;
	case OUT_OVERSIZE:
		c->oversize++;
		mx_stats.oversize++;
		break;
	case OUT_DATA:
		c->data_frames++;
		mx_stats.data_frames++;
		if (info->is_book_update) {
			c->book_updates++;
			mx_stats.book_updates++;
		}
		if (info->bad_checksum) {
			c->bad_checksums++;
			mx_stats.bad_checksums++;
			mx_info("conn #%" PRIu64 ": book update %" PRIu64 " sent with a wrong checksum",
				c->ordinal, c->book_updates);
		}
		break;
	default:
		break;
	}
}

/* Writes an injected message or the next data frame into w; NEXT_* or -errno. */
static int produce_data(struct mx_conn *c, struct wbuf *w)
{
	const struct mx_opts *o = opts_of(c);
	const struct mx_world *world = c->srv->world;
	uint64_t k = c->data_frames + 1; /* the data frame about to be sent, 1-based */
	int corrupt = mx_fault_due(o->bad_checksum_every, c->book_updates + 1);
	struct mx_frame_info info;
	int rc;

	if (mx_fault_due(o->garbage_every, k) && c->garbage_done_at != k) {
		const char *kind = mx_fault_garbage(w, c->garbage, first_symbol(c));

		c->garbage_done_at = k;
		mx_info("conn #%" PRIu64 ": garbage (%s) before data frame %" PRIu64, c->ordinal,
			kind, k);
		account(c, OUT_GARBAGE, NULL, wb_len(w));
		return NEXT_FRAME;
	}
	if (mx_fault_due(o->oversize_every, k) && c->oversize_done_at != k) {
		mx_fault_oversize(w, first_symbol(c));
		c->oversize_done_at = k;
		mx_info("conn #%" PRIu64 ": oversize message (%zu bytes) before data frame %" PRIu64,
			c->ordinal, wb_len(w), k);
		account(c, OUT_OVERSIZE, NULL, wb_len(w));
		return NEXT_FRAME;
	}
	if (world->replay) {
		rc = mx_replay_next(world->replay, &c->rc, &c->sess, w, corrupt, &info);
		if (rc == 1 && o->rate)
			c->credit--;
	} else {
		rc = mx_synth_next(c->synth, &c->sess, w, !rate_limited(c), corrupt, &info);
		if (rc == 1 && o->rate && !info.is_snapshot)
			c->credit--;
	}
	if (rc <= 0)
		return rc;
	account(c, OUT_DATA, &info, wb_len(w));
	return NEXT_FRAME;
}

/* Writes the next message due on this connection into w; NEXT_* or -errno. */
static int produce(struct mx_conn *c, struct wbuf *w)
{
	static const char hb[] = "{\"channel\":\"heartbeat\"}";
	struct mx_msg *m;
	int rc;

	if (drop_due(c))
		return NEXT_DROP;
	if (stall_due(c))
		return NEXT_STALL;
	m = mx_session_pop(&c->sess);
	if (m) {
		wb_put(w, m->data, m->len);
		account(c, OUT_CONTROL, NULL, m->len);
		free(m);
		rc = NEXT_FRAME;
	} else if (c->hb_pending) {
		c->hb_pending = 0;
		WB_LIT(w, hb);
		account(c, OUT_HEARTBEAT, NULL, sizeof(hb) - 1);
		rc = NEXT_FRAME;
	} else if (!data_ready(c)) {
		return NEXT_NONE;
	} else {
		rc = produce_data(c, w);
	}
	/* Buffers are sized for the largest message by construction (frame_max). */
	if (rc == NEXT_FRAME && w->overflow)
		return -ENOSPC;
	return rc;
}

/* ---- sending ------------------------------------------------------------------- */

static int send_fragment(struct mx_conn *c)
{
	int nfrag = opts_of(c)->fragment;
	int last = c->out_frag == nfrag - 1;
	size_t chunk = last ? c->out_len - c->out_off : c->out_len / (size_t)nfrag;
	int flags = lws_write_ws_flags(LWS_WRITE_TEXT, c->out_frag == 0, last);
	int n;

	/* The bytes before out_off were sent already: they are this fragment's LWS_PRE. */
	n = lws_write(c->wsi, c->out + LWS_PRE + c->out_off, chunk, (enum lws_write_protocol)flags);
	if (n < (int)chunk) {
		mx_notice("conn #%" PRIu64 ": write failed (%d of %zu bytes): peer gone", c->ordinal,
			  n, chunk);
		return -1;
	}
	c->out_off += chunk;
	c->out_frag++;
	if (c->out_frag == nfrag)
		c->out_busy = 0;
	return 0;
}

static int drop_now(struct mx_conn *c)
{
	int fd = lws_get_socket_fd(c->wsi);

	mx_stats.drops++;
	mx_notice("conn #%" PRIu64 ": dropping the connection after %" PRIu64
		  " data frames (--drop-after)", c->ordinal, c->data_frames);
	/*
	 * Half-close first: the peer gets everything sent so far, then EOF with no WebSocket
	 * close frame, which is what a dropped connection looks like. Returning -1 then makes
	 * lws tear the connection down.
	 */
	if (fd >= 0)
		shutdown(fd, SHUT_WR);
	return -1;
}

static void stall_now(struct mx_conn *c)
{
	c->stalled = 1;
	mx_stats.stalls++;
	mx_notice("conn #%" PRIu64 ": stalling after %" PRIu64
		  " data frames (--stall-after): sending and reading nothing more",
		  c->ordinal, c->data_frames);
	lws_sul_cancel(&c->sul_heartbeat);
	lws_sul_cancel(&c->sul_pace);
	/* Stop reading too, so the client's pings go unanswered like on a dead path. */
	lws_rx_flow_control(c->wsi, 0);
}

/* Acts on what produce() said when it made no message; -1 closes the connection. */
static int settle(struct mx_conn *c, int r, int wrote)
{
	if (r < 0) {
		mx_err("conn #%" PRIu64 ": cannot build a frame: %s", c->ordinal, strerror(-r));
		return -1;
	}
	/* A drop or stall waits until what was just written has gone out (next callback). */
	if (r == NEXT_DROP && !wrote)
		return drop_now(c);
	if (r == NEXT_STALL && !wrote) {
		stall_now(c);
		return 0;
	}
	kick(c);
	return 0;
}

/* --fragment K: one message per K callbacks, framed by lws. */
static int write_fragmented(struct mx_conn *c)
{
	struct wbuf w;
	int r;

	if (!c->out_busy) {
		wb_init(&w, (char *)c->out + LWS_PRE, c->out_cap);
		r = produce(c, &w);
		if (r != NEXT_FRAME)
			return settle(c, r, 0);
		c->out_len = wb_len(&w);
		c->out_off = 0;
		c->out_frag = 0;
		c->out_busy = 1;
	}
	if (send_fragment(c))
		return -1;
	kick(c);
	return 0;
}

/* Whole messages: as many as fit in one batch, one lws_write. */
static int write_batch(struct mx_conn *c)
{
	unsigned char *base = c->out + LWS_PRE;
	size_t len = 0;
	int n = 0, r = NEXT_NONE;

	while (n < BATCH_FRAMES && len < BATCH_BYTES) {
		struct wbuf w;
		size_t plen;

		wb_init(&w, (char *)base + len + 4, c->out_cap - len - WS_HDR_MAX);
		r = produce(c, &w);
		if (r != NEXT_FRAME)
			break;
		plen = wb_len(&w);
		len += put_ws_header(base + len, plen) + plen;
		n++;
	}
	if (n) {
		int m = lws_write(c->wsi, base, len, LWS_WRITE_RAW);

		if (m < (int)len) {
			mx_notice("conn #%" PRIu64 ": write failed (%d of %zu bytes): peer gone",
				  c->ordinal, m, len);
			return -1;
		}
	}
	return settle(c, r == NEXT_FRAME ? NEXT_NONE : r, n > 0);
}

static int on_writeable(struct mx_conn *c)
{
	if (!c->established || c->stalled)
		return 0;
	return opts_of(c)->fragment > 1 ? write_fragmented(c) : write_batch(c);
}

/* ---- connection lifecycle ----------------------------------------------------- */

static int on_established(struct mx_conn *c, struct lws *wsi, struct mx_server *srv)
{
	const struct mx_opts *o = srv->world->opts;
	char peer[64] = "?";
	uint64_t conn_seed;

	memset(c, 0, sizeof(*c));
	c->srv = srv;
	c->wsi = wsi;
	c->ordinal = ++srv->ordinal;
	conn_seed = mx_synth_conn_seed(o->seed, c->ordinal);
	/* Above 2^53 and odd, so a client that reads it into a double gets it wrong. */
	mx_session_init(&c->sess, srv->world, conn_seed | (1ULL << 63) | 1);
	if (!srv->world->replay) {
		c->synth = mx_synth_new(srv->world, conn_seed);
		if (!c->synth)
			return -1;
	}
	c->out_cap = BATCH_BYTES + frame_max(c) + 2 * WS_HDR_MAX;
	c->out = malloc(LWS_PRE + c->out_cap);
	if (!c->out || mx_session_queue_status(&c->sess)) {
		mx_synth_free(c->synth);
		mx_session_free(&c->sess);
		free(c->out);
		return -1;
	}
	c->established = 1;
	c->last_send_us = c->pace_last_us = mx_mono_us();
	mx_stats.connections++;
	lws_get_peer_simple(wsi, peer, sizeof(peer));
	mx_notice("conn #%" PRIu64 ": WebSocket connection from %s", c->ordinal, peer);

	lws_sul_schedule(lws_get_context(wsi), 0, &c->sul_heartbeat, heartbeat_cb, HEARTBEAT_US);
	if (o->rate)
		lws_sul_schedule(lws_get_context(wsi), 0, &c->sul_pace, pace_cb, PACE_MIN_PERIOD_US);
	lws_callback_on_writable(wsi);
	return 0;
}

static void on_closed(struct mx_conn *c)
{
	struct mx_server *srv = c->srv;
	const struct mx_opts *o;

	if (!c->established)
		return;
	o = srv->world->opts;
	c->established = 0;
	lws_sul_cancel(&c->sul_heartbeat);
	lws_sul_cancel(&c->sul_pace);
	lws_sul_cancel(&c->sul_gate);
	mx_stats.connections_closed++;
	mx_notice("conn #%" PRIu64 ": closed after %" PRIu64 " frames (%" PRIu64 " data, %" PRIu64
		  " book updates, %" PRIu64 " bad checksums, %" PRIu64 " garbage, %" PRIu64
		  " oversize, %" PRIu64 " heartbeats, %" PRIu64 " bad requests)",
		  c->ordinal, c->frames, c->data_frames, c->book_updates, c->bad_checksums,
		  c->garbage, c->oversize, c->heartbeats, c->sess.requests_bad);
	mx_synth_free(c->synth);
	c->synth = NULL;
	mx_session_free(&c->sess);
	free(c->rx);
	free(c->out);
	c->rx = NULL;
	c->out = NULL;
	if (o->stats_file)
		mx_stats_write_file(o->stats_file);
	if (o->max_connections && mx_stats.connections_closed >= o->max_connections &&
	    !srv->finished) {
		srv->finished = 1;
		mx_notice("%" PRIu64 " connection(s) closed: --max-connections reached, exiting",
			  mx_stats.connections_closed);
		lws_cancel_service(srv->ctx);
	}
}

static int on_receive(struct mx_conn *c, const char *in, size_t len)
{
	int rc;

	if (!c->established || c->stalled)
		return 0;
	if (!c->rx_too_big) {
		if (c->rx_len + len > RX_MAX) {
			c->rx_too_big = 1;
		} else {
			if (c->rx_len + len > c->rx_cap) {
				size_t cap = c->rx_cap ? c->rx_cap : 1024;
				char *nb;

				while (cap < c->rx_len + len)
					cap *= 2;
				nb = realloc(c->rx, cap);
				if (!nb)
					return -1;
				c->rx = nb;
				c->rx_cap = cap;
			}
			memcpy(c->rx + c->rx_len, in, len);
			c->rx_len += len;
		}
	}
	if (!lws_is_final_fragment(c->wsi) || lws_remaining_packet_payload(c->wsi))
		return 0;
	if (c->rx_too_big)
		rc = mx_session_handle(&c->sess, "request too large", 17);
	else
		rc = mx_session_handle(&c->sess, c->rx, c->rx_len);
	c->rx_len = 0;
	c->rx_too_big = 0;
	if (rc) {
		mx_warn("conn #%" PRIu64 ": closing: %s (the client is not reading its responses)",
			c->ordinal, strerror(-rc));
		return -1;
	}
	if (c->srv->world->replay && !c->rc.gate_open && c->sess.first_data_sub_us) {
		int64_t wait = c->sess.first_data_sub_us + MX_REPLAY_GATE_US - mx_mono_us();

		lws_sul_schedule(lws_get_context(c->wsi), 0, &c->sul_gate, gate_cb,
				 wait > 0 ? wait : 1);
	}
	kick(c);
	return 0;
}

static int refuse_or_allow(struct mx_server *srv, struct lws *wsi, const char *upgrade)
{
	if (!upgrade || strcasecmp(upgrade, "websocket")) {
		/* lws would otherwise accept an h2c upgrade; Kraken speaks WebSocket only. */
		if (lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "WebSocket only"))
			return -1;
		return 1;
	}
	if (srv->refused < srv->world->opts->refuse) {
		srv->refused++;
		mx_stats.handshakes_refused++;
		mx_notice("refusing WebSocket handshake %" PRIu64 " of %" PRIu64
			  " with HTTP 503 (--refuse)", srv->refused, srv->world->opts->refuse);
		if (lws_return_http_status(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE,
					   "refused by mdbus-mock-exchange --refuse"))
			return -1;
		return 1; /* we answered; lws completes the HTTP transaction */
	}
	return 0;
}

static int callback_kraken(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			   void *in, size_t len)
{
	struct mx_conn *c = user;
	struct mx_server *srv = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return refuse_or_allow(srv, wsi, in);
	case LWS_CALLBACK_ESTABLISHED:
		return on_established(c, wsi, srv);
	case LWS_CALLBACK_RECEIVE:
		return on_receive(c, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writeable(c);
	case LWS_CALLBACK_CLOSED:
		on_closed(c);
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

/*
 * protocols[0] is also the vhost's default protocol: a client that sends no
 * Sec-WebSocket-Protocol header (Kraken clients do not) is bound to it, and plain HTTP
 * requests and the upgrade confirmation arrive on it too.
 */
static const struct lws_protocols protocols[] = {
	{ "mdbus-kraken-v2", callback_kraken, sizeof(struct mx_conn), 4096, 0, NULL, TX_PACKET },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

int mx_server_start(struct mx_server **out, const struct mx_world *w, const char *cert_file,
		    const char *key_file, char *err, size_t errcap)
{
	struct lws_context_creation_info info;
	struct mx_server *srv = calloc(1, sizeof(*srv));

	if (!srv) {
		snprintf(err, errcap, "out of memory");
		return -ENOMEM;
	}
	srv->world = w;

	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DISABLE_IPV6;
	if (cert_file)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.user = srv;
	info.pt_serv_buf_size = 64 * 1024;
	srv->ctx = lws_create_context(&info);
	if (!srv->ctx) {
		snprintf(err, errcap, "cannot create the libwebsockets context");
		free(srv);
		return -ENOMEM;
	}

	memset(&info, 0, sizeof(info));
	info.vhost_name = "mdbus-mock-exchange";
	info.port = w->opts->port;
	/* An IP literal: lws 4.1 tries it as an interface name first, then inet_pton. */
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	if (cert_file) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cert_file;
		info.ssl_private_key_filepath = key_file;
		/* TLS 1.2+ only; ALPN offers http/1.1 alone (lws would offer h2 too). */
		info.ssl_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
		info.alpn = "http/1.1";
	}
	srv->vhost = lws_create_vhost(srv->ctx, &info);
	if (!srv->vhost) {
		snprintf(err, errcap, "cannot listen on 127.0.0.1:%d%s (port in use, or bad "
			 "certificate/key)", w->opts->port, cert_file ? " with TLS" : "");
		lws_context_destroy(srv->ctx);
		free(srv);
		return -EADDRINUSE;
	}
	srv->port = lws_get_vhost_listen_port(srv->vhost);
	if (srv->port <= 0) {
		snprintf(err, errcap, "listening socket on 127.0.0.1 did not come up");
		lws_context_destroy(srv->ctx);
		free(srv);
		return -EADDRNOTAVAIL;
	}
	*out = srv;
	return 0;
}

int mx_server_port(const struct mx_server *s)
{
	return s->port;
}

int mx_server_service(struct mx_server *s)
{
	return lws_service(s->ctx, 0);
}

int mx_server_finished(const struct mx_server *s)
{
	return s->finished;
}

void mx_server_wake(struct mx_server *s)
{
	lws_cancel_service(s->ctx);
}

void mx_server_destroy(struct mx_server *s)
{
	if (!s)
		return;
	lws_context_destroy(s->ctx);
	free(s);
}
