/*
 * kraken_json_lex.h — the number lexer and the eight-bytes-at-a-time (SWAR)
 * byte tests, shared by the tokenizer (kraken_json.c) and the schema-directed
 * fast path (kraken_parse_fast.c). Private to publisher/kraken.
 *
 * One lexer for both is what makes them agree: the fast path accepts a
 * number exactly where kj_parse does, ends it at the same byte and computes
 * the same digits / nfrac / exponent, so the decoder sees the same token.
 * Everything is static inline: both users are per-byte hot loops.
 */
#ifndef MDBUS_KRAKEN_JSON_LEX_H
#define MDBUS_KRAKEN_JSON_LEX_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kraken_json.h" /* KJ_DIGITS_MAX, KJ_F_DIGITS */

/* The lexers run once per token on the hot path: inline them into every user. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

/*
 * Eight bytes at a time (SWAR) for the two runs that make up most of a
 * frame: string bodies and digit strings. Each test yields a mask whose
 * lowest set bit marks the first byte that ends the run (borrows and carries
 * only travel upwards, so the lowest flag is exact), so even a 3-byte key
 * costs one step. Little-endian only (the first byte is the lowest); other
 * byte orders take the byte loops that follow, which are always correct.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KJ_SWAR 1
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;

    memcpy(&v, p, 8); /* alignment-safe */
    return v;
}

/* Flags bytes equal to '"' or '\\', below 0x20, or from 0x80 up. */
static inline uint64_t string_stops(uint64_t v)
{
    uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');

    return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v) | v) & HIGHS;
}

/* Flags bytes that are not '0'..'9'. */
static inline uint64_t digit_stops(uint64_t v)
{
    uint64_t x = v ^ (ONES * '0'); /* digits become 0..9 */

    return ((x + ONES * (127 - 9)) | x) & HIGHS;
}

#endif

static inline int is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline int is_digit(unsigned char c)
{
    return (unsigned char)(c - '0') < 10;
}

/* A number's digits as they are lexed: KJ_F_DIGITS when n <= KJ_DIGITS_MAX
 * and there was no exponent. */
struct digits {
    uint64_t v;   /* the digits so far, exact while n <= KJ_DIGITS_MAX */
    size_t n;     /* digits seen, leading zeros included */
    size_t nfrac; /* of which after the '.' */
    int exp;      /* an exponent followed */
};

static const uint64_t pow10_8[9] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
};

/* v is exact while n <= KJ_DIGITS_MAX (10^19 < 2^64); past that it wraps
 * (unsigned, so defined) and is not used. */
static inline void add_digits(struct digits *d, uint64_t value, unsigned k)
{
    d->v = d->v * pow10_8[k] + value;
    d->n += k;
}

#ifdef KJ_SWAR
/* Value of the k (1..8) ASCII digits in the low bytes of v. Shifted to the
 * top, the bytes below become leading zeros; then three multiply-shift steps
 * combine digit pairs, then quads, then halves. */
static inline uint64_t swar_value(uint64_t v, unsigned k)
{
    v <<= 8 * (8 - k);
    v = ((v & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;
    v = ((v & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
    return ((v & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
}
#endif

/* A run of digits at s[*pi] (possibly empty), added to d; returns its length. */
static ALWAYS_INLINE size_t lex_digits(const unsigned char *s, size_t len, size_t *pi,
                                       struct digits *d)
{
    size_t i = *pi, b = i;

#ifdef KJ_SWAR
    while (len - i >= 8) {
        uint64_t v = load64(s + i), m = digit_stops(v);
        unsigned k = m ? (unsigned)__builtin_ctzll(m) >> 3 : 8;

        if (k)
            add_digits(d, swar_value(v, k), k);
        i += k;
        if (k < 8)
            goto out;
    }
#endif
    while (i < len && is_digit(s[i])) {
        add_digits(d, (uint64_t)(s[i] - '0'), 1);
        i++;
    }
out:
    *pi = i;
    return i - b;
}

/* Number at s[*pi] ('-' or digit) per RFC 8259; *pi ends just past it. */
static ALWAYS_INLINE int lex_number(const unsigned char *s, size_t len, size_t *pi,
                                    struct digits *d)
{
    size_t i = *pi;

    d->v = 0;
    d->n = 0;
    d->nfrac = 0;
    d->exp = 0;
    if (s[i] == '-')
        i++;
    if (i >= len)
        return -EINVAL;
    if (s[i] == '0') {
        i++;
        d->n = 1;
    } else if (s[i] >= '1' && s[i] <= '9') {
        lex_digits(s, len, &i, d);
    } else {
        return -EINVAL;
    }
    if (i < len && s[i] == '.') {
        i++;
        d->nfrac = lex_digits(s, len, &i, d);
        if (d->nfrac == 0)
            return -EINVAL;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t e;

        d->exp = 1;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        e = i;
        while (i < len && is_digit(s[i]))
            i++;
        if (i == e)
            return -EINVAL;
    }
    *pi = i;
    return 0;
}

/* The kj_token flags a number lexed into d gets: KJ_F_DIGITS when its
 * digits and nfrac are its exact value. */
static inline uint8_t number_flags(const struct digits *d)
{
    return d->n <= KJ_DIGITS_MAX && !d->exp ? KJ_F_DIGITS : 0;
}

#endif /* MDBUS_KRAKEN_JSON_LEX_H */
