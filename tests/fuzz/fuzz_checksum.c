/*
 * fuzz_checksum.c — the L2 book and its Kraken v2 checksum (kraken_book).
 *
 * Input: byte 0 picks the depth, bytes 1-2 the price and qty precision, then
 * 4-byte operations: apply a level (side, price, qty; qty 0 deletes; a flag makes
 * the price negative, which must be refused), end a message (truncate, checksum),
 * clear, change precision.
 *
 * A naive model runs beside the real book: unsorted arrays, linear search, a sort
 * only when compared, the same documented capacity rule (a side holds at most
 * depth + KB_SLACK(depth) levels mid-message; a new level that does not fit
 * displaces the worst one, or is dropped if it is the worst) — and a checksum
 * built the way Kraken's guide describes it: each value printed at the instrument
 * precision with printf, '.' removed, leading zeros removed, concatenated, and a
 * bit-by-bit CRC-32.  After every message both books must hold the same levels,
 * the same eviction count and give the same checksum, through kb_checksum and
 * kb_checksum_levels.
 */
#include "fuzz_common.h"

#include "kraken_book.h"

#include <errno.h>
#include <string.h>

#define MAX_CAP (KB_MAX_DEPTH + KB_SLACK(KB_MAX_DEPTH))

struct model {
	int depth, cap, pp, qp;
	struct kb_level side[2][MAX_CAP];
	int n[2];
	uint64_t evicted;
};

static int better(int side, int64_t a, int64_t b)
{
	return side == KB_BID ? a > b : a < b;
}

static void model_apply(struct model *m, int side, int64_t price, int64_t qty)
{
	struct kb_level *lv = m->side[side];
	int *n = &m->n[side];
	for (int i = 0; i < *n; i++) {
		if (lv[i].price != price)
			continue;
		if (qty == 0)
			lv[i] = lv[--*n];
		else
			lv[i].qty = qty;
		return;
	}
	if (qty == 0)
		return;
	if (*n == m->cap) {
		m->evicted++;
		int worst = 0;
		for (int i = 1; i < *n; i++)
			if (better(side, lv[worst].price, lv[i].price))
				worst = i;
		if (better(side, lv[worst].price, price))
			return; /* the new level is the worst of all */
		lv[worst] = lv[--*n];
	}
	lv[*n].price = price;
	lv[*n].qty = qty;
	(*n)++;
}

static void model_sort(struct model *m)
{
	for (int s = 0; s < 2; s++) {
		struct kb_level *lv = m->side[s];
		for (int i = 1; i < m->n[s]; i++) /* insertion sort: naive on purpose */
			for (int j = i; j > 0 && better(s, lv[j].price, lv[j - 1].price); j--) {
				struct kb_level t = lv[j];
				lv[j] = lv[j - 1];
				lv[j - 1] = t;
			}
	}
}

static uint32_t crc32_bitwise(const char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= (uint8_t)p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* Render v at prec decimals, drop '.', drop leading zeros, append. */
static size_t render(char *out, int64_t v, int prec)
{
	char txt[64], frac[32], digits[64];
	int64_t scale = 1;
	for (int i = 0; i < prec; i++)
		scale *= 10;
	int n_int = snprintf(txt, sizeof txt, "%lld", (long long)(v / scale));
	if (prec > 0) {
		int nf = snprintf(frac, sizeof frac, "%lld", (long long)(v % scale));
		txt[n_int++] = '.';
		for (int i = nf; i < prec; i++) /* zero-pad the fraction to prec digits */
			txt[n_int++] = '0';
		memcpy(txt + n_int, frac, (size_t)nf + 1);
	}
	size_t n = 0;
	for (const char *p = txt; *p; p++)
		if (*p != '.')
			digits[n++] = *p;
	size_t z = 0;
	while (z < n && digits[z] == '0')
		z++;
	memcpy(out, digits + z, n - z);
	return n - z;
}

static uint32_t model_checksum(const struct model *m)
{
	char buf[4096];
	size_t n = 0;
	for (int i = 0; i < m->n[KB_ASK] && i < 10; i++) {
		n += render(buf + n, m->side[KB_ASK][i].price, m->pp);
		n += render(buf + n, m->side[KB_ASK][i].qty, m->qp);
	}
	for (int i = 0; i < m->n[KB_BID] && i < 10; i++) {
		n += render(buf + n, m->side[KB_BID][i].price, m->pp);
		n += render(buf + n, m->side[KB_BID][i].qty, m->qp);
	}
	return crc32_bitwise(buf, n);
}

static void compare(const struct kb_book *b, struct model *m)
{
	model_sort(m);
	FZ_CHECK(b->nbids == m->n[KB_BID] && b->nasks == m->n[KB_ASK], "levels %d/%d, model %d/%d", b->nbids,
		 b->nasks, m->n[KB_BID], m->n[KB_ASK]);
	FZ_CHECK(memcmp(b->bids, m->side[KB_BID], (size_t)b->nbids * sizeof *b->bids) == 0, "bids differ");
	FZ_CHECK(memcmp(b->asks, m->side[KB_ASK], (size_t)b->nasks * sizeof *b->asks) == 0, "asks differ");
	FZ_CHECK(b->evicted == m->evicted, "evicted %llu, model %llu", (unsigned long long)b->evicted,
		 (unsigned long long)m->evicted);
	for (int i = 1; i < b->nbids; i++)
		FZ_CHECK(b->bids[i - 1].price > b->bids[i].price, "bids not strictly descending");
	for (int i = 1; i < b->nasks; i++)
		FZ_CHECK(b->asks[i - 1].price < b->asks[i].price, "asks not strictly ascending");
	uint32_t want = model_checksum(m);
	uint32_t got = kb_checksum(b);
	FZ_CHECK(got == want, "kb_checksum %u, model %u", got, want);
	got = kb_checksum_levels(m->side[KB_ASK], m->n[KB_ASK], m->side[KB_BID], m->n[KB_BID]);
	FZ_CHECK(got == want, "kb_checksum_levels %u, model %u", got, want);
}

static const int64_t pow10s[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
				  1000000000, 10000000000LL, 100000000000LL, 1000000000000LL,
				  10000000000000LL, 100000000000000LL, 1000000000000000LL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int depths[] = { 1, 2, 3, 10, 25, 100, 1000, 10 };
	static struct model m;
	if (size < 3)
		return 0;
	memset(&m, 0, sizeof m);
	m.depth = depths[data[0] & 7];
	m.cap = m.depth + KB_SLACK(m.depth);
	m.pp = data[1] % 19;
	m.qp = data[2] % 19;
	FZ_CHECK(m.cap <= MAX_CAP, "cap %d", m.cap);
	FZ_CHECK(kb_new(0, 0, 0) == NULL && kb_new(KB_MAX_DEPTH + 1, 0, 0) == NULL && kb_new(10, 19, 0) == NULL &&
		 kb_new(10, 0, -1) == NULL, "kb_new accepted a bad argument");
	struct kb_book *b = kb_new(m.depth, m.pp, m.qp);
	FZ_CHECK(b != NULL, "kb_new(%d, %d, %d)", m.depth, m.pp, m.qp);
	FZ_CHECK(b->cap == m.cap, "cap %d, documented %d", b->cap, m.cap);

	for (size_t i = 3; i + 4 <= size; i += 4) {
		uint8_t op = data[i];
		if ((op & 0xF0) == 0xF0) {
			switch (op & 0x0F) {
			case 0: /* kb_clear */
				kb_clear(b);
				m.n[0] = m.n[1] = 0;
				break;
			case 1: { /* precision change clears the book; bad values are ignored */
				int pp = (int)(data[i + 1] % 21) - 1, qp = (int)(data[i + 2] % 21) - 1;
				kb_set_precision(b, pp, qp);
				if (pp >= 0 && pp <= 18 && qp >= 0 && qp <= 18) {
					m.pp = pp;
					m.qp = qp;
					m.n[0] = m.n[1] = 0;
				}
				break;
			}
			default: /* end of an exchange message */
				kb_truncate(b);
				model_sort(&m);
				for (int s = 0; s < 2; s++)
					if (m.n[s] > m.depth)
						m.n[s] = m.depth;
				compare(b, &m);
				break;
			}
			continue;
		}
		int side = op & 1;
		uint64_t p = (uint64_t)data[i + 1] << 8 | data[i + 2];
		unsigned k = (op >> 1) & 15;
		int64_t price = (int64_t)p * pow10s[k > 14 ? 14 : k]; /* < 2^63 */
		int64_t qty = (int64_t)(data[i + 3] & 0x3F) * pow10s[(data[i + 3] >> 6) * 5];
		if (op & 0x20 && (op & 0x40)) {
			/* Negative values are refused and change nothing. */
			FZ_CHECK(kb_apply(b, side, -price - 1, qty) == -EINVAL, "negative price accepted");
			FZ_CHECK(kb_apply(b, side, price, -qty - 1) == -EINVAL, "negative qty accepted");
			FZ_CHECK(kb_apply(b, 2 + side, price, qty) == -EINVAL, "bad side accepted");
			continue;
		}
		FZ_CHECK(kb_apply(b, side, price, qty) == 0, "kb_apply(%d, %lld, %lld)", side, (long long)price,
			 (long long)qty);
		model_apply(&m, side, price, qty);
		FZ_CHECK(b->nbids <= b->cap && b->nasks <= b->cap, "over capacity");
	}
	kb_truncate(b);
	model_sort(&m);
	for (int s = 0; s < 2; s++)
		if (m.n[s] > m.depth)
			m.n[s] = m.depth;
	compare(b, &m);
	kb_free(b);
	return 0;
}
