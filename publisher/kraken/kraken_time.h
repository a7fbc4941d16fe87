/*
 * kraken_time.h — RFC 3339 timestamps to nanoseconds since the Unix epoch.
 *
 * Kraken stamps frames like "2023-10-06T17:35:55.440295Z" (6 or 9 fraction
 * digits). The conversion is pure integer arithmetic (days-from-civil), with
 * no timegm, no TZ and no locale, so it is exact, thread-safe and cheap.
 */
#ifndef MDBUS_KRAKEN_TIME_H
#define MDBUS_KRAKEN_TIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Parse s[0..len) = YYYY-MM-DD "T" hh:mm:ss [ "." 1-9 digits ] ( "Z" | +hh:mm | -hh:mm )
 * ("t" and "z" also accepted, as RFC 3339 allows) into *ns_out, nanoseconds
 * since 1970-01-01T00:00:00Z, negative before it. The date must exist
 * (leap years checked); second 60 (a leap second) is accepted and counts as
 * the first second of the next minute, as timegm would.
 * Returns 0; -EINVAL for anything else (spaces, missing zone, 10+ fraction
 * digits, trailing bytes); -ERANGE if the instant is outside the int64
 * nanosecond range (years before 1677 or after 2262).
 * *ns_out is written only on success.
 */
int kt_parse_rfc3339(const char *s, size_t len, int64_t *ns_out);

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m 1..12). */
int64_t kt_days_from_civil(int64_t y, unsigned m, unsigned d);

#ifdef __cplusplus
}
#endif

#endif /* MDBUS_KRAKEN_TIME_H */
