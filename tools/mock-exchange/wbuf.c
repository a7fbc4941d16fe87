/*
 * wbuf.c — number, string and timestamp rendering for frames (see wbuf.h).
 *
 * Fixed-point text comes from kd_format (publisher/kraken/kraken_decimal.h), the same
 * routine the publisher uses for checksums, so the mock and the publisher agree on what
 * a value at a given precision looks like; this file only reshapes that text into the
 * wire's JSON-number form.
 */
#include "wbuf.h"

#include "kraken_decimal.h"

#include <time.h>

static const uint64_t pow10_u64[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
	10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};

static int u64_digits(uint64_t v, char *out)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

void wb_u64(struct wbuf *w, uint64_t v)
{
	char d[24];

	wb_put(w, d, (size_t)u64_digits(v, d));
}

void wb_i64(struct wbuf *w, int64_t v)
{
	if (v < 0) {
		WB_LIT(w, "-");
		wb_u64(w, (uint64_t)0 - (uint64_t)v);
	} else {
		wb_u64(w, (uint64_t)v);
	}
}

/* d.ddde-XX from the significant digits of u, whose decimal exponent is exp10. */
static void put_exponent_form(struct wbuf *w, uint64_t u, int prec)
{
	char d[24];
	int nd = u64_digits(u, d);
	int exp10 = nd - 1 - prec;
	int sig = nd;

	while (sig > 1 && d[sig - 1] == '0')
		sig--;
	wb_put(w, d, 1);
	if (sig > 1) {
		WB_LIT(w, ".");
		wb_put(w, d + 1, (size_t)sig - 1);
	}
	if (exp10 < 0) {
		WB_LIT(w, "e-");
		exp10 = -exp10;
	} else {
		WB_LIT(w, "e+");
	}
	if (exp10 < 10)
		WB_LIT(w, "0");
	wb_u64(w, (uint64_t)exp10);
}

void wb_num(struct wbuf *w, int64_t v, int prec)
{
	char buf[48];
	uint64_t u;
	int n;

	if (v == 0) {
		WB_LIT(w, "0.0");
		return;
	}
	u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (prec < 0 || prec > 18) {
		w->overflow = 1; /* no instrument has such a precision; refuse to guess */
		return;
	}
	/* Python's repr switches to exponent form below 1e-4 and from 1e16 up. */
	if ((prec >= 5 && u < pow10_u64[prec - 4]) ||
	    (prec + 16 <= 19 && u >= pow10_u64[prec + 16])) {
		if (v < 0)
			WB_LIT(w, "-");
		put_exponent_form(w, u, prec);
		return;
	}
	n = kd_format(v, prec, buf, sizeof(buf));
	if (n <= 0 || n >= (int)sizeof(buf)) {
		w->overflow = 1;
		return;
	}
	if (prec == 0) {
		wb_put(w, buf, (size_t)n);
		WB_LIT(w, ".0");
		return;
	}
	/* Trim trailing zeros but keep one digit after the point: "45281.0", "0.1". */
	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		n--;
	wb_put(w, buf, (size_t)n);
}

void wb_jstr(struct wbuf *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	WB_LIT(w, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			wb_put(w, e, 2);
		} else if (c < 0x20) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			wb_put(w, e, 6);
		} else {
			wb_put(w, &s[i], 1);
		}
	}
	WB_LIT(w, "\"");
}

void wb_ts(struct wbuf *w, int64_t ns, int frac_digits)
{
	/* gmtime_r per frame is the expensive part; the date only changes once a second. */
	static int64_t cached_sec = -1;
	static char cached[20];
	int64_t sec = ns / 1000000000;
	int64_t frac = ns % 1000000000;
	char f[10];

	if (ns < 0) {
		sec = 0;
		frac = 0;
	}
	if (sec != cached_sec) {
		time_t t = (time_t)sec;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = sec;
	}
	if (frac_digits < 0)
		frac_digits = 0;
	if (frac_digits > 9)
		frac_digits = 9;
	frac /= (int64_t)pow10_u64[9 - frac_digits];
	for (int i = frac_digits - 1; i >= 0; i--) {
		f[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	WB_LIT(w, "\"");
	wb_put(w, cached, 19);
	if (frac_digits) {
		WB_LIT(w, ".");
		wb_put(w, f, (size_t)frac_digits);
	}
	WB_LIT(w, "Z\"");
}

int64_t mx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mx_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
