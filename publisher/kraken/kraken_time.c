/*
 * kraken_time.c — RFC 3339 to epoch nanoseconds (see kraken_time.h).
 *
 * Fixed-position parsing: every field has a fixed width, so the grammar is
 * checked by position rather than by a general scanner. Days are counted
 * with Howard Hinnant's days_from_civil, exact for the proleptic Gregorian
 * calendar with no table and no library call.
 */
#include "kraken_time.h"

#include <errno.h>

static int num(const char *s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        unsigned d = (unsigned char)s[i] - (unsigned)'0';

        if (d > 9)
            return -1;
        v = v * 10 + (int)d;
    }
    *out = v;
    return 0;
}

int64_t kt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 29;
    return dim[m - 1];
}

int kt_parse_rfc3339(const char *s, size_t len, int64_t *ns_out)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0, nf = 0;
    int64_t frac = 0, secs, ns, off = 0;
    size_t i;

    if (s == NULL || ns_out == NULL || len < 20)
        return -EINVAL;
    if (num(s, 4, &y) || s[4] != '-' || num(s + 5, 2, &mo) || s[7] != '-' ||
        num(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || num(s + 11, 2, &h) ||
        s[13] != ':' || num(s + 14, 2, &mi) || s[16] != ':' || num(s + 17, 2, &sec))
        return -EINVAL;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        sec > 60)
        return -EINVAL;
    i = 19;
    if (s[i] == '.') {
        i++;
        while (i < len && (unsigned char)s[i] - (unsigned)'0' <= 9) {
            if (++nf > 9)
                return -EINVAL;
            frac = frac * 10 + (s[i] - '0');
            i++;
        }
        if (nf == 0)
            return -EINVAL;
        for (; nf < 9; nf++)
            frac *= 10;
    }
    if (i >= len)
        return -EINVAL;
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        if (len - i < 6 || num(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
            num(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return -EINVAL;
        off = (int64_t)oh * 3600 + om * 60;
        if (s[i] == '-')
            off = -off;
        i += 6;
    } else {
        return -EINVAL;
    }
    if (i != len)
        return -EINVAL;
    /* local time minus its offset from UTC gives UTC */
    secs = kt_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 +
           sec - off;
    if (__builtin_mul_overflow(secs, (int64_t)1000000000, &ns) ||
        __builtin_add_overflow(ns, frac, &ns))
        return -ERANGE;
    *ns_out = ns;
    return 0;
}
