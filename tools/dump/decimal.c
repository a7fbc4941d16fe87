/*
 * decimal.c — exact text for the numbers mdbus-dump prints.
 *
 * Prices and quantities travel as int64 mantissas scaled by the symbol's precision;
 * they are rendered here with integer arithmetic only (a double cannot hold a 64-bit
 * mantissa, nor most decimal fractions).  Timestamps are CLOCK_REALTIME nanoseconds
 * rendered as UTC ISO-8601 with all nine fractional digits.
 */
#include "dump.h"
#include "kraken_book.h"

#include <string.h>
#include <time.h>

/* Digits of v, least significant first; returns how many (at least one). */
static int digits_rev(char *d, uint64_t v)
{
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v != 0);
	return n;
}

int dec_format(char *buf, size_t n, int64_t m, int32_t prec)
{
	char rev[24];
	char out[DUMP_DEC_MAX];
	/* Negate in unsigned arithmetic: -INT64_MIN does not exist as an int64. */
	uint64_t u = m < 0 ? 0u - (uint64_t)m : (uint64_t)m;
	int nd = digits_rev(rev, u);
	size_t k = 0;
	int i;

	if (prec > 64 || prec < -64) {
		char mant[24];

		fmt_i64(mant, sizeof mant, m);
		snprintf(buf, n, "%se%ld", mant, -(long)prec);
		return -1;
	}
	if (m < 0)
		out[k++] = '-';
	if (prec <= 0) {
		for (i = nd - 1; i >= 0; i--)
			out[k++] = rev[i];
		if (u != 0)
			for (i = 0; i < -prec; i++)
				out[k++] = '0';
	} else {
		/* at least one digit before the point: pad with leading zeros */
		int total = nd > prec ? nd : prec + 1;

		for (i = total - 1; i >= 0; i--) {
			out[k++] = i < nd ? rev[i] : '0';
			if (i == prec)
				out[k++] = '.';
		}
	}
	out[k] = '\0';
	snprintf(buf, n, "%s", out);
	return (int)k;
}

void fmt_u64(char *buf, size_t n, uint64_t v)
{
	char rev[24];
	char out[24];
	int nd = digits_rev(rev, v);
	int i;

	for (i = 0; i < nd; i++)
		out[i] = rev[nd - 1 - i];
	out[nd] = '\0';
	snprintf(buf, n, "%s", out);
}

void fmt_i64(char *buf, size_t n, int64_t v)
{
	char tmp[24];

	fmt_u64(tmp, sizeof tmp, v < 0 ? 0u - (uint64_t)v : (uint64_t)v);
	if (n == 0)
		return;
	/* Copied by hand: gcc's -Wformat-truncation cannot see that n always fits. */
	size_t k = 0;
	if (v < 0 && k + 1 < n)
		buf[k++] = '-';
	for (const char *p = tmp; *p && k + 1 < n; p++)
		buf[k++] = *p;
	buf[k] = '\0';
}

void fmt_time_ns(char *buf, size_t n, int64_t ns)
{
	int64_t sec = ns / 1000000000;
	int64_t frac = ns % 1000000000;
	struct tm tm;
	time_t t;

	if (ns == 0) {
		snprintf(buf, n, "-");
		return;
	}
	if (frac < 0) {             /* floor, so times before 1970 still read right */
		frac += 1000000000;
		sec -= 1;
	}
	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL) {
		char raw[24];

		fmt_i64(raw, sizeof raw, ns);
		snprintf(buf, n, "%sns", raw);
		return;
	}
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)frac);
}

void fmt_ordinal(char *buf, size_t n, uint64_t v)
{
	const char *suf = "th";
	char num[24];

	if (v % 100u < 11u || v % 100u > 13u) {
		switch (v % 10u) {
		case 1: suf = "st"; break;
		case 2: suf = "nd"; break;
		case 3: suf = "rd"; break;
		default: break;
		}
	}
	fmt_u64(num, sizeof num, v);
	snprintf(buf, n, "%s%s", num, suf);
}

int64_t now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The checksum the exchange would send for this book: the publisher's own Kraken
 * code, so the dump cannot disagree with what the publisher verified. */
uint32_t book_checksum_kraken(const struct mdbus_book *b)
{
	MDBUS_STATIC_ASSERT(sizeof(struct kb_level) == sizeof(struct mdbus_level), "level layouts differ");
	int na = b->n_asks < MDBUS_BOOK_DEPTH_MAX ? (int)b->n_asks : (int)MDBUS_BOOK_DEPTH_MAX;
	int nb = b->n_bids < MDBUS_BOOK_DEPTH_MAX ? (int)b->n_bids : (int)MDBUS_BOOK_DEPTH_MAX;
	return kb_checksum_levels((const struct kb_level *)b->asks, na, (const struct kb_level *)b->bids, nb);
}
