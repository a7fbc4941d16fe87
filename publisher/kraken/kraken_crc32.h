/*
 * kraken_crc32.h — CRC-32 as zlib's crc32() computes it (IEEE 802.3
 * polynomial, reflected, 0xEDB88320, init and final xor 0xFFFFFFFF).
 *
 * Kraken's book checksum is this CRC over a digit string. It lives here, not
 * in zlib, so the subscriber side and the mock exchange need no extra library.
 * Pure function: no state, any thread.
 */
#ifndef MDBUS_KRAKEN_CRC32_H
#define MDBUS_KRAKEN_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Continue a CRC-32 over p[0..n): start with crc = 0, feed the previous
 * result to append more bytes (kc_crc32(kc_crc32(0, a, na), b, nb) equals the
 * CRC of a followed by b), exactly like zlib's crc32(crc, buf, len).
 * kc_crc32(0, "123456789", 9) == 0xCBF43926. p may be NULL when n == 0.
 */
uint32_t kc_crc32(uint32_t crc, const void *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MDBUS_KRAKEN_CRC32_H */
