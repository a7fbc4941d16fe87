/*
 * fuzz_decimal.c — decimal text -> fixed point (kraken_decimal).
 *
 * Input: byte 0 picks the precision (-1 .. 19, so both invalid ends are hit),
 * byte 1 picks a kd_format buffer size, the rest is the number text.
 *
 * Every input is checked against ref_convert below, an independent model written
 * from the contract in kraken_decimal.h (digit strings and a 128-bit integer, no
 * shared code): kd_parse, kd_parse_round (value and *inexact) and kd_parse_u64
 * must agree with it on the return code and the value.  Then kd_format must render
 * what ref_format renders, honour its buffer size, and parse back to the same
 * mantissa (round trip) — for the parsed value and for 8 raw input bytes taken as
 * an int64.
 */
#include "fuzz_common.h"

#include "kraken_decimal.h"

#include <errno.h>
#include <string.h>

typedef unsigned __int128 u128;

enum ref_mode { REF_EXACT, REF_ROUND, REF_U64 };

/*
 * The contract as a model: the value of the text times 10^prec, as the integer part
 * I of a digit string, with the digits that fall below the point examined for
 * "non-zero dropped" (exact: -EDOM) or rounded half to even (round).  A magnitude
 * above the limit (INT64_MAX, 2^63 for negatives, UINT64_MAX or 0 for u64) is
 * -ERANGE, checked before -EDOM.
 */
static int ref_convert(const char *s, size_t len, int prec, enum ref_mode mode, int64_t *val,
		       uint64_t *uval, int *inexact)
{
	if (mode != REF_U64 && (prec < 0 || prec > 18))
		return -EINVAL;
	if (mode == REF_U64)
		prec = 0;
	/* Syntax: -? D+ (. D+)? ([eE] [+-]? D+)? over the whole text. */
	size_t i = 0;
	int neg = 0;
	if (i < len && s[i] == '-') {
		neg = 1;
		i++;
	}
	char digits[8192];
	size_t nd = 0, nint = 0, nfrac = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (nd < sizeof digits)
			digits[nd++] = s[i];
		nint++;
		i++;
	}
	if (nint == 0)
		return -EINVAL;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (nd < sizeof digits)
				digits[nd++] = s[i];
			nfrac++;
			i++;
		}
		if (nfrac == 0)
			return -EINVAL;
	}
	long long exp = 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		int eneg = 0;
		if (i < len && (s[i] == '+' || s[i] == '-')) {
			eneg = s[i] == '-';
			i++;
		}
		size_t ne = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (exp < 1000000000000LL)
				exp = exp * 10 + (s[i] - '0');
			ne++;
			i++;
		}
		if (ne == 0)
			return -EINVAL;
		if (eneg)
			exp = -exp;
	}
	if (i != len)
		return -EINVAL;
	if (nd != nint + nfrac)
		abort(); /* inputs are far smaller than the buffer */

	/* Skip leading zeros; all zeros is zero whatever the exponent. */
	size_t z = 0;
	while (z < nd && digits[z] == '0')
		z++;
	u128 mag = 0;
	int dropped = 0;
	if (z < nd) {
		const char *d = digits + z;
		long long n = (long long)(nd - z);
		long long point = (long long)nint - (long long)z + exp + prec; /* digits left of the point */
		if (point > 21)
			return -ERANGE; /* >= 10^21: above every limit */
		for (long long k = 0; k < point; k++)
			mag = mag * 10 + (u128)(k < n ? d[k] - '0' : 0);
		long long first = point < 0 ? 0 : point;
		for (long long k = first; k < n; k++)
			dropped |= d[k] != '0';
		if (mode == REF_ROUND && dropped) {
			int r = point >= 0 && point < n ? d[point] - '0' : 0;
			int sticky = 0;
			for (long long k = (point < 0 ? 0 : point + 1); k < n; k++)
				sticky |= d[k] != '0';
			if (point < 0)
				sticky = 1; /* every digit lies below the rounding digit */
			if (r > 5 || (r == 5 && (sticky || (mag & 1))))
				mag++;
		}
	}
	u128 limit;
	if (mode == REF_U64)
		limit = neg ? 0 : (u128)UINT64_MAX;
	else
		limit = neg ? (u128)1 << 63 : ((u128)1 << 63) - 1;
	if (mag > limit)
		return -ERANGE;
	if (dropped && mode != REF_ROUND)
		return -EDOM;
	if (mode == REF_U64) {
		*uval = (uint64_t)mag;
	} else if (neg && mag) {
		*val = (int64_t)(0 - (uint64_t)mag);
	} else {
		*val = (int64_t)mag;
	}
	if (inexact)
		*inexact = dropped;
	return 0;
}

/* v / 10^prec with exactly prec decimals, from printf's digits. */
static size_t ref_format(int64_t v, int prec, char *out)
{
	char mag[32];
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = snprintf(mag, sizeof mag, "%llu", (unsigned long long)m);
	char padded[64];
	int pad = prec + 1 > n ? prec + 1 - n : 0;
	memset(padded, '0', (size_t)pad);
	memcpy(padded + pad, mag, (size_t)n + 1);
	int total = pad + n;
	size_t o = 0;
	if (v < 0)
		out[o++] = '-';
	memcpy(out + o, padded, (size_t)(total - prec));
	o += (size_t)(total - prec);
	if (prec > 0) {
		out[o++] = '.';
		memcpy(out + o, padded + total - prec, (size_t)prec);
		o += (size_t)prec;
	}
	out[o] = '\0';
	return o;
}

static void check_format(int64_t v, int prec, size_t cap_sel)
{
	char want[64], buf[KD_FORMAT_MAX + 8];
	if (prec < 0 || prec > KD_MAX_PRECISION) {
		FZ_CHECK(kd_format(v, prec, buf, sizeof buf) == -EINVAL, "kd_format accepted precision %d", prec);
		return;
	}
	size_t n = ref_format(v, prec, want);
	FZ_CHECK(n < KD_FORMAT_MAX, "KD_FORMAT_MAX %d too small for %zu bytes", KD_FORMAT_MAX, n);
	int rc = kd_format(v, prec, buf, sizeof buf);
	FZ_CHECK(rc == (int)n && strcmp(buf, want) == 0, "kd_format(%lld, %d) = %d '%s', want '%s'", (long long)v,
		 prec, rc, rc >= 0 ? buf : "", want);
	int64_t back = 0;
	rc = kd_parse(buf, n, prec, &back);
	FZ_CHECK(rc == 0 && back == v, "round trip of %lld at %d: '%s' -> rc %d value %lld", (long long)v, prec, buf,
		 rc, (long long)back);
	/* A buffer of cap bytes: fits exactly when cap > n, else -ENOSPC and "". */
	size_t cap = cap_sel % (n + 3);
	memset(buf, 'Z', sizeof buf);
	rc = kd_format(v, prec, cap ? buf : NULL, cap);
	size_t written;
	if (cap > n) {
		FZ_CHECK(rc == (int)n && strcmp(buf, want) == 0, "cap %zu: rc %d", cap, rc);
		written = n + 1;
	} else {
		FZ_CHECK(rc == -ENOSPC && (cap == 0 || buf[0] == '\0'), "cap %zu for %zu bytes: rc %d", cap, n, rc);
		written = cap ? 1 : 0;
	}
	for (size_t k = written; k < sizeof buf; k++)
		FZ_CHECK(buf[k] == 'Z', "kd_format(cap %zu) wrote byte %zu", cap, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int prec = (int)(data[0] % 21) - 1;
	size_t cap_sel = data[1];
	const char *s = (const char *)data + 2;
	size_t len = size - 2;
	if (len > 4096)
		return 0;

	int64_t got = 0, want = 0;
	int rc = kd_parse(s, len, prec, &got);
	int rw = ref_convert(s, len, prec, REF_EXACT, &want, NULL, NULL);
	FZ_CHECK(rc == rw && (rc < 0 || got == want), "kd_parse('%.*s', %d) = %d/%lld, reference %d/%lld", (int)len, s,
		 prec, rc, (long long)got, rw, (long long)want);

	int64_t rgot = 0, rwant = 0;
	int ix_got = -1, ix_want = -1;
	int rrc = kd_parse_round(s, len, prec, &rgot, &ix_got);
	int rrw = ref_convert(s, len, prec, REF_ROUND, &rwant, NULL, &ix_want);
	FZ_CHECK(rrc == rrw && (rrc < 0 || (rgot == rwant && ix_got == ix_want)),
		 "kd_parse_round('%.*s', %d) = %d/%lld inexact %d, reference %d/%lld inexact %d", (int)len, s, prec, rrc,
		 (long long)rgot, ix_got, rrw, (long long)rwant, ix_want);
	if (rc == 0)
		FZ_CHECK(rrc == 0 && rgot == got && ix_got == 0, "exact value changed by rounding");

	uint64_t ugot = 0, uwant = 0;
	int urc = kd_parse_u64(s, len, &ugot);
	int urw = ref_convert(s, len, 0, REF_U64, NULL, &uwant, NULL);
	FZ_CHECK(urc == urw && (urc < 0 || ugot == uwant), "kd_parse_u64('%.*s') = %d/%llu, reference %d/%llu", (int)len,
		 s, urc, (unsigned long long)ugot, urw, (unsigned long long)uwant);

	if (rc == 0)
		check_format(got, prec, cap_sel);
	if (len >= 8) {
		int64_t raw;
		memcpy(&raw, s, 8);
		check_format(raw, prec, cap_sel);
		check_format(raw, (int)(cap_sel % 19), cap_sel >> 3);
	}
	return 0;
}
