/*
 * e2e_frames.c — a typical Kraken book update (as the exchange prints it: shortest
 * decimal text, 25 levels, checksum) and the instrument and snapshot frames that
 * must precede it.  Adapted from tests/kraken/kp_speed.c, which measures the decoder
 * alone; here the frame goes through the publisher's own frame handler.
 */
#include "e2e_frames.h"

#include "kraken_decimal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t g_rng = 12345;

static uint64_t rnd(void)
{
	g_rng ^= g_rng << 13;
	g_rng ^= g_rng >> 7;
	g_rng ^= g_rng << 17;
	return g_rng;
}

/* Shortest JSON text of a mantissa at prec decimals, as the server prints it. */
static int number(char *p, int64_t v, int prec)
{
	char buf[KD_FORMAT_MAX];
	int n = kd_format(v, prec, buf, sizeof buf);
	while (prec > 0 && n > 0 && buf[n - 1] == '0')
		n--;
	if (n > 0 && buf[n - 1] == '.')
		n--;
	memcpy(p, buf, (size_t)n);
	return n;
}

size_t frame_instrument(char *f, size_t cap)
{
	int n = snprintf(f, cap,
		"{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"assets\":[],\"pairs\":[{"
		"\"symbol\":\"%s\",\"base\":\"BTC\",\"quote\":\"USD\",\"status\":\"online\","
		"\"qty_precision\":%d,\"qty_increment\":1e-08,\"price_precision\":%d,\"cost_precision\":5,"
		"\"marginable\":true,\"has_index\":true,\"cost_min\":0.5,\"price_increment\":0.1,"
		"\"qty_min\":0.0001}]}}",
		FRAME_SYMBOL, FRAME_QTY_PREC, FRAME_PRICE_PREC);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static size_t levels(char *f, size_t cap, size_t o, const struct kb_level *lv, int n)
{
	for (int i = 0; i < n && o + 64 < cap; i++) {
		o += (size_t)snprintf(f + o, cap - o, "%s{\"price\":", i ? "," : "");
		o += (size_t)number(f + o, lv[i].price, FRAME_PRICE_PREC);
		o += (size_t)snprintf(f + o, cap - o, ",\"qty\":");
		o += (size_t)number(f + o, lv[i].qty, FRAME_QTY_PREC);
		f[o++] = '}';
	}
	return o;
}

static size_t book_frame(char *f, size_t cap, const char *type, const struct kb_level *bids, int nb,
			 const struct kb_level *asks, int na, uint32_t crc)
{
	size_t o = (size_t)snprintf(f, cap, "{\"channel\":\"book\",\"type\":\"%s\",\"data\":[{\"symbol\":\"%s\","
				    "\"bids\":[", type, FRAME_SYMBOL);
	o = levels(f, cap, o, bids, nb);
	o += (size_t)snprintf(f + o, cap - o, "],\"asks\":[");
	o = levels(f, cap, o, asks, na);
	o += (size_t)snprintf(f + o, cap - o,
			      "],\"checksum\":%u,\"timestamp\":\"2023-10-06T17:35:55.440295Z\"}]}", crc);
	return o < cap ? o : 0;
}

size_t frame_book_snapshot(char *f, size_t cap, struct kb_book *b)
{
	kb_clear(b);
	for (int i = 0; i < FRAME_DEPTH; i++) {
		kb_apply(b, KB_BID, 452835 - 3 * i, 1000000 + (int64_t)(rnd() % 300000000));
		kb_apply(b, KB_ASK, 452852 + 3 * i, 1000000 + (int64_t)(rnd() % 300000000));
	}
	kb_truncate(b);
	return book_frame(f, cap, "snapshot", b->bids, b->nbids, b->asks, b->nasks, kb_checksum(b));
}

size_t frame_book_update(char *f, size_t cap, const struct kb_book *b)
{
	struct kb_level bid[12], ask[13];
	for (int i = 0; i < 12; i++) {
		bid[i].price = 452835 - 2 * i;
		bid[i].qty = i % 5 == 4 ? 0 : 100000 + (int64_t)(rnd() % 2000000000);
	}
	for (int i = 0; i < 13; i++) {
		ask[i].price = 452852 + 2 * i;
		ask[i].qty = i % 6 == 5 ? 0 : 100000 + (int64_t)(rnd() % 2000000000);
	}
	struct kb_book *after = kb_new(FRAME_DEPTH, FRAME_PRICE_PREC, FRAME_QTY_PREC);
	if (!after)
		return 0;
	for (int i = 0; i < b->nbids; i++)
		kb_apply(after, KB_BID, b->bids[i].price, b->bids[i].qty);
	for (int i = 0; i < b->nasks; i++)
		kb_apply(after, KB_ASK, b->asks[i].price, b->asks[i].qty);
	for (int i = 0; i < 12; i++)
		kb_apply(after, KB_BID, bid[i].price, bid[i].qty);
	for (int i = 0; i < 13; i++)
		kb_apply(after, KB_ASK, ask[i].price, ask[i].qty);
	kb_truncate(after);
	uint32_t crc = kb_checksum(after);
	kb_free(after);
	return book_frame(f, cap, "update", bid, 12, ask, 13, crc);
}
