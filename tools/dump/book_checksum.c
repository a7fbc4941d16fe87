/*
 * book_checksum.c — recompute Kraken's v2 book checksum from a book copied out of the
 * book area, so `mdbus-dump book` can show the stored CRC next to one it computed.
 *
 * Rule (docs.kraken.com, spot-ws-book-v2): top 10 asks ascending, then top 10 bids
 * descending; for each level the price then the quantity rendered at the instrument's
 * precision, '.' removed, leading zeros removed; CRC-32 (zlib/IEEE) of the
 * concatenation.  Rendering goes through dec_format(), so it is exact.
 */
#include "dump.h"

#include <string.h>

uint32_t dump_crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;
	int k;

	crc = ~crc;
	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static uint32_t crc_value(uint32_t crc, int64_t m, int32_t prec)
{
	char txt[DUMP_DEC_MAX];
	char out[DUMP_DEC_MAX];
	size_t i, k = 0;
	int leading = 1;

	dec_format(txt, sizeof txt, m, prec);
	for (i = 0; txt[i] != '\0'; i++) {
		if (txt[i] == '.')
			continue;
		if (leading && txt[i] == '0')
			continue;
		leading = 0;
		out[k++] = txt[i];
	}
	return dump_crc32(crc, out, k);
}

uint32_t book_checksum_kraken(const struct mdbus_book *b)
{
	uint32_t crc = 0;
	uint32_t i;

	for (i = 0; i < b->n_asks && i < 10 && i < MDBUS_BOOK_DEPTH_MAX; i++) {
		crc = crc_value(crc, b->asks[i].price, b->price_precision);
		crc = crc_value(crc, b->asks[i].qty, b->qty_precision);
	}
	for (i = 0; i < b->n_bids && i < 10 && i < MDBUS_BOOK_DEPTH_MAX; i++) {
		crc = crc_value(crc, b->bids[i].price, b->price_precision);
		crc = crc_value(crc, b->bids[i].qty, b->qty_precision);
	}
	return crc;
}
