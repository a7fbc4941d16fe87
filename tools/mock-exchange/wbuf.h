/*
 * wbuf.h — append-only formatting of JSON frames into a caller's preallocated buffer.
 *
 * This is the mock's hot path: every data frame is written with these helpers, never with
 * a JSON library and never with malloc. A wbuf never writes past its end; running out of
 * room sets `overflow` and further appends are ignored, so callers check once at the end.
 *
 * Numbers are rendered the way Kraken's v2 feed renders them on the wire (it behaves like
 * a Python float repr): trailing zeros trimmed but at least one decimal ("45281.0",
 * "0.1"), and exponent form below 1e-4 ("1e-08", "1.234e-05"). The value is an exact
 * fixed-point mantissa at the instrument precision; the text is exact too.
 */
#ifndef MX_WBUF_H
#define MX_WBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wbuf {
	char *start;
	char *p;
	char *end;
	int overflow;
};

static inline void wb_init(struct wbuf *w, char *buf, size_t cap)
{
	w->start = w->p = buf;
	w->end = buf + cap;
	w->overflow = 0;
}

static inline size_t wb_len(const struct wbuf *w)
{
	return (size_t)(w->p - w->start);
}

static inline void wb_put(struct wbuf *w, const void *s, size_t n)
{
	if ((size_t)(w->end - w->p) < n) {
		w->overflow = 1;
		w->p = w->end;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
}

/* Appends a string literal without strlen. */
#define WB_LIT(w, lit) wb_put((w), (lit), sizeof(lit) - 1)

static inline void wb_cstr(struct wbuf *w, const char *s)
{
	wb_put(w, s, strlen(s));
}

void wb_u64(struct wbuf *w, uint64_t v);
void wb_i64(struct wbuf *w, int64_t v);

/* A JSON number for the fixed-point value v * 10^-prec, Kraken wire style (see above). */
void wb_num(struct wbuf *w, int64_t v, int prec);

/* A quoted JSON string; control characters, quotes and backslashes are escaped. */
void wb_jstr(struct wbuf *w, const char *s, size_t n);

/*
 * A quoted RFC 3339 UTC timestamp for ns nanoseconds since the epoch with frac_digits
 * fractional digits (6 for Kraken's "timestamp", 9 for "interval_begin").
 */
void wb_ts(struct wbuf *w, int64_t ns, int frac_digits);

/* Wall-clock nanoseconds since the epoch (CLOCK_REALTIME). */
int64_t mx_now_ns(void);

/* Monotonic microseconds, for pacing and timers. */
int64_t mx_mono_us(void);

#endif
