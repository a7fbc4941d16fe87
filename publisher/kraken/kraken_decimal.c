/*
 * kraken_decimal.c — exact decimal text <-> scaled int64 (see kraken_decimal.h).
 *
 * A number is seen as its significant digits d (integer and fraction digits
 * concatenated, leading zeros dropped) and a power of ten. Scaling by
 * 10^precision only moves that power, so conversion is integer work on the
 * digits that survive: no floating point anywhere, so no double rounding.
 * Only digits that survive are accumulated (in a uint64 with overflow
 * checks); dropped digits are only inspected, which is why
 * "0.100000000000000000000" at 8 decimals is fine and 1e-08 is exact.
 */
#include "kraken_decimal.h"

#include <errno.h>
#include <string.h>

/* Exponents saturate here: beyond it any non-zero value overflows or loses
 * every digit anyway, and int64 arithmetic on it stays far from overflow
 * (inputs are < 2^32 bytes). */
#define EXP_SATURATE 1000000000LL

const int64_t kd__pow10[KD_MAX_PRECISION + 1] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
    100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
    1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL,
};

struct num {
    const char *s;
    size_t ib, nint;  /* integer digits: s[ib .. ib+nint) */
    size_t fb, nfrac; /* fraction digits: s[fb .. fb+nfrac) */
    int64_t exp;      /* the e/E exponent, saturated */
    int neg;
};

static inline int is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static int scan(const char *s, size_t len, struct num *n)
{
    size_t i = 0;

    if (s == NULL)
        return -EINVAL;
    n->s = s;
    n->neg = 0;
    n->exp = 0;
    n->nfrac = 0;
    if (i < len && s[i] == '-') {
        n->neg = 1;
        i++;
    }
    n->ib = i;
    while (i < len && is_digit(s[i]))
        i++;
    n->nint = i - n->ib;
    if (n->nint == 0)
        return -EINVAL;
    n->fb = i;
    if (i < len && s[i] == '.') {
        n->fb = ++i;
        while (i < len && is_digit(s[i]))
            i++;
        n->nfrac = i - n->fb;
        if (n->nfrac == 0)
            return -EINVAL;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        size_t eb;

        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        eb = i;
        while (i < len && is_digit(s[i])) {
            if (n->exp < EXP_SATURATE)
                n->exp = n->exp * 10 + (s[i] - '0');
            i++;
        }
        if (i == eb)
            return -EINVAL;
        if (eneg)
            n->exp = -n->exp;
    }
    return i == len ? 0 : -EINVAL;
}

static inline int digit_at(const struct num *n, size_t k)
{
    return (k < n->nint ? n->s[n->ib + k] : n->s[n->fb + (k - n->nint)]) - '0';
}

/*
 * Magnitude of value * 10^prec into *mag (<= limit). With round == 0 any
 * non-zero dropped digit is -EDOM; otherwise the result is rounded
 * half-to-even and *inexact tells whether anything was dropped.
 */
static int convert(const struct num *n, int prec, uint64_t limit, int round,
                   uint64_t *mag, int *inexact)
{
    size_t total = n->nint + n->nfrac, z = 0, nd, kc, k;
    int64_t e, keep;
    uint64_t acc = 0;
    int dropped = 0;

    *inexact = 0;
    while (z < total && digit_at(n, z) == 0)
        z++;
    if (z == total) {
        *mag = 0;
        return 0;
    }
    nd = total - z;
    e = n->exp - (int64_t)n->nfrac + prec;
    /* keep = number of digits left of the point once scaled; the leading
     * digit is non-zero, so the value is >= 10^(keep-1). */
    keep = (int64_t)nd + e;
    if (keep > 20)
        return -ERANGE;
    kc = keep <= 0 ? 0 : ((size_t)keep < nd ? (size_t)keep : nd);
    for (k = 0; k < kc; k++) {
        if (__builtin_mul_overflow(acc, 10u, &acc) ||
            __builtin_add_overflow(acc, (uint64_t)digit_at(n, z + k), &acc))
            return -ERANGE;
    }
    for (; e > 0; e--) {
        if (__builtin_mul_overflow(acc, 10u, &acc))
            return -ERANGE;
    }
    for (k = z + kc; k < total; k++) {
        if (digit_at(n, k) != 0) {
            dropped = 1;
            break;
        }
    }
    if (dropped && round && keep >= 0) {
        /* keep >= 0: the first dropped digit is a real digit; when keep < 0
         * the value is below 0.1 ulp and rounds to zero. */
        int r = digit_at(n, z + kc);
        int sticky = 0;

        for (k = z + kc + 1; k < total && !sticky; k++)
            sticky = digit_at(n, k) != 0;
        if (r > 5 || (r == 5 && (sticky || (acc & 1)))) {
            if (__builtin_add_overflow(acc, 1u, &acc))
                return -ERANGE;
        }
    }
    if (acc > limit)
        return -ERANGE;
    if (dropped && !round)
        return -EDOM;
    *inexact = dropped;
    *mag = acc;
    return 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight ASCII digits at p (all checked) -> their value; little-endian loads.
 * Three multiply-shift steps combine digit pairs, then quads, then halves. */
static inline int eight_digits(const char *p, uint64_t *out)
{
    uint64_t v;

    memcpy(&v, p, 8);
    if ((((v & 0xF0F0F0F0F0F0F0F0ull) |
          (((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4)) !=
         0x3333333333333333ull))
        return 0;
    v = ((v & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;
    v = ((v & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
    *out = ((v & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
    return 1;
}
#else
static inline int eight_digits(const char *p, uint64_t *out)
{
    (void)p;
    (void)out;
    return 0;
}
#endif

/*
 * The shape of almost every price and quantity: no exponent, and integer
 * digits plus `prec` fraction digits fit in 18 digits, so the mantissa is
 * built in one pass with no overflow possible. Anything else — exponents,
 * long integers, non-zero digits beyond prec, bad syntax — returns 0 and
 * the general path decides. Returns 1 when *out is set.
 */
static inline int parse_plain(const char *s, size_t len, int prec, int64_t *out)
{
    size_t i = 0, ib;
    uint64_t acc = 0;
    int nf = 0;

    if (len && s[0] == '-')
        i = 1;
    ib = i;
    while (i < len && is_digit(s[i]))
        acc = acc * 10 + (uint64_t)(s[i++] - '0');
    if (i == ib || (i - ib) + (size_t)prec > 18)
        return 0;
    if (i < len && s[i] == '.') {
        size_t fb = ++i;
        uint64_t e8;

        while (len - i >= 8 && prec - nf >= 8 && eight_digits(s + i, &e8)) {
            acc = acc * 100000000u + e8;
            i += 8;
            nf += 8;
        }
        while (i < len && nf < prec && is_digit(s[i])) {
            acc = acc * 10 + (uint64_t)(s[i++] - '0');
            nf++;
        }
        while (i < len && s[i] == '0')
            i++;
        if (i == fb || (i < len && is_digit(s[i])))
            return 0;
    }
    if (i != len)
        return 0;
    acc *= (uint64_t)kd__pow10[prec - nf];
    *out = s[0] == '-' ? -(int64_t)acc : (int64_t)acc;
    return 1;
}

static int parse_signed(const char *s, size_t len, int prec, int64_t *out,
                        int round, int *inexact)
{
    struct num n;
    uint64_t mag;
    int rc, inx = 0;

    if (prec < 0 || prec > KD_MAX_PRECISION || out == NULL || s == NULL)
        return -EINVAL;
    if (parse_plain(s, len, prec, out)) {
        if (inexact)
            *inexact = 0;
        return 0;
    }
    rc = scan(s, len, &n);
    if (rc < 0)
        return rc;
    rc = convert(&n, prec, n.neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX,
                 round, &mag, &inx);
    if (rc < 0)
        return rc;
    if (n.neg && mag != 0)
        *out = -(int64_t)(mag - 1) - 1; /* reaches INT64_MIN without UB */
    else
        *out = (int64_t)mag;
    if (inexact)
        *inexact = inx;
    return 0;
}

int kd_parse(const char *s, size_t len, int precision, int64_t *out)
{
    return parse_signed(s, len, precision, out, 0, NULL);
}

int kd_parse_round(const char *s, size_t len, int precision, int64_t *out, int *inexact)
{
    return parse_signed(s, len, precision, out, 1, inexact);
}

int kd_parse_u64(const char *s, size_t len, uint64_t *out)
{
    struct num n;
    uint64_t mag;
    int rc, inx;

    if (out == NULL)
        return -EINVAL;
    rc = scan(s, len, &n);
    if (rc < 0)
        return rc;
    rc = convert(&n, 0, n.neg ? 0 : UINT64_MAX, 0, &mag, &inx);
    if (rc < 0)
        return rc;
    *out = mag;
    return 0;
}

int kd_format(int64_t v, int precision, char *buf, size_t cap)
{
    char digits[KD_FORMAT_MAX], tmp[KD_FORMAT_MAX];
    uint64_t mag = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    int nd = 0, i;
    size_t len = 0;

    if (precision < 0 || precision > KD_MAX_PRECISION || (buf == NULL && cap))
        return -EINVAL;
    do {
        digits[nd++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    while (nd < precision + 1)
        digits[nd++] = '0';
    if (v < 0)
        tmp[len++] = '-';
    for (i = nd - 1; i >= precision; i--)
        tmp[len++] = digits[i];
    if (precision > 0) {
        tmp[len++] = '.';
        for (i = precision - 1; i >= 0; i--)
            tmp[len++] = digits[i];
    }
    if (len + 1 > cap) {
        if (cap)
            buf[0] = '\0';
        return -ENOSPC;
    }
    memcpy(buf, tmp, len);
    buf[len] = '\0';
    return (int)len;
}

int64_t kd_pow10(int n)
{
    if (n < 0 || n > KD_MAX_PRECISION)
        return 0;
    return kd__pow10[n];
}
