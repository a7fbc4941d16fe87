/*
 * kraken_decimal.h — exact decimal text <-> scaled int64 conversion.
 *
 * Kraken sends prices and quantities as JSON numbers; a double cannot hold
 * them (quantities above 1e7 with 8 decimals already round wrongly), so every
 * number is kept as text and converted here to a mantissa scaled by
 * 10^precision, where precision is the instrument's price or qty precision.
 *
 * Invariants:
 *   - 0 <= precision <= KD_MAX_PRECISION; 10^18 still fits an int64.
 *   - kd_parse never rounds: digits beyond the precision are an error unless
 *     they are zeros. kd_parse_round is the only place that rounds, and it
 *     says so through *inexact.
 *   - No allocation, no locale, no libc number parsing: safe on the hot path
 *     and in any thread (all functions are pure).
 *
 * Used by the frame decoder, the book, the publisher and the mock exchange;
 * depends on nothing but libc.
 */
#ifndef MDBUS_KRAKEN_DECIMAL_H
#define MDBUS_KRAKEN_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KD_MAX_PRECISION 18

/* Longest text kd_format can produce: sign, 19 digits, '.', a leading "0"
 * and the NUL. Buffers of this size never get -ENOSPC. */
#define KD_FORMAT_MAX 24

/*
 * Convert the number text s[0..len) to round(value * 10^precision) exactly.
 * Accepted text: '-'? digits ('.' digits)? ([eE] [+-]? digits)? — the JSON
 * number grammar, except that redundant leading zeros ("007.5", as found in
 * quoted decimals) are tolerated; the JSON tokenizer already refuses them in
 * real JSON numbers. "-0" is 0.
 *
 * Returns 0 and sets *out; -EINVAL for bad syntax or a precision outside
 * [0, KD_MAX_PRECISION]; -ERANGE if the scaled value does not fit an int64;
 * -EDOM if a non-zero digit lies beyond `precision` decimals (never rounds).
 * *out is written only on success.
 */
int kd_parse(const char *s, size_t len, int precision, int64_t *out);

/*
 * As kd_parse, but digits beyond `precision` are rounded half-to-even (on the
 * magnitude, so the result is symmetric in sign) and *inexact is set to 1 if
 * anything non-zero was dropped, else 0 (inexact may be NULL). Meant for
 * derived fields (ticker vwap, change_pct, OHLC) where exactness is not
 * promised by the exchange. Returns 0, -EINVAL or -ERANGE.
 */
int kd_parse_round(const char *s, size_t len, int precision, int64_t *out, int *inexact);

/*
 * Exact unsigned integer: the value of s must be a whole number in
 * [0, UINT64_MAX] ("13834774380200032777", "1e3" and "5.0" are fine, "-0" is
 * 0). Returns 0, -EINVAL (syntax), -ERANGE (negative or too large) or -EDOM
 * (a fractional part). For ids above 2^53 (status connection_id, trade_id).
 */
int kd_parse_u64(const char *s, size_t len, uint64_t *out);

/*
 * Render v / 10^precision with exactly `precision` decimals, trailing zeros
 * kept and no '.' when precision is 0: (452852, 1) -> "45285.2",
 * (10000000, 8) -> "0.10000000", (-17, 5) -> "-0.00017".
 * Writes a NUL-terminated string; returns its length, -ENOSPC if it does not
 * fit `cap` bytes including the NUL (buf is then left as ""), -EINVAL for a
 * bad precision.
 */
int kd_format(int64_t v, int precision, char *buf, size_t cap);

/* 10^n for 0 <= n <= KD_MAX_PRECISION. */
int64_t kd_pow10(int n);

extern const int64_t kd__pow10[KD_MAX_PRECISION + 1]; /* for the inline below */

/*
 * kd_parse for a number whose digits are already known as an integer:
 * value = (neg ? -1 : 1) * digits / 10^nfrac (the JSON tokenizer computes
 * them while it lexes). Returns 1 with *out set when the result is what
 * kd_parse gives and lies below 10^18 in magnitude (the usual price or qty);
 * 0 when the caller must use kd_parse on the text instead (more fraction
 * digits than precision, a larger value, a bad precision).
 */
static inline int kd_scale_digits(uint64_t digits, int nfrac, int neg, int precision,
                                  int64_t *out)
{
    int up = precision - nfrac;

    if (nfrac < 0 || up < 0 || precision > KD_MAX_PRECISION ||
        digits >= (uint64_t)kd__pow10[KD_MAX_PRECISION - up])
        return 0;
    *out = (int64_t)digits * kd__pow10[up];
    if (neg)
        *out = -*out;
    return 1;
}

#ifdef __cplusplus
}
#endif

#endif /* MDBUS_KRAKEN_DECIMAL_H */
