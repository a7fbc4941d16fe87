/*
 * payload.h — the self-checking record every transport in mdbus-bench carries.
 *
 * Layout (little-endian host order, len bytes, len >= 20 and len % 4 == 0):
 *   0  u64 index   data records count 0, 1, 2, ... within one run;
 *                  PL_PROBE / PL_END mark the control messages
 *   8  u64 stamp   send time (stamp_now() ticks), 0 = not stamped; in an END
 *                  message: how many data records were written
 *  16  u32 check   hash of index, stamp and len
 *  20  u32 fill[]  words derived from index: any torn or mixed record fails
 *
 * The same bytes travel over mdbus (RAW records: 20 bytes in a 64-byte slot,
 * 84 in a 128-byte slot), ZeroMQ and iceoryx, so every reader verifies every
 * record it receives and the benchmark reports the failures as corrupt.
 */
#ifndef BENCH_PAYLOAD_H
#define BENCH_PAYLOAD_H

#include <stdint.h>
#include <string.h>

#define PL_HDR   20u
#define PL_MAX   128u
#define PL_PROBE UINT64_C(0xfffffffffffffffe)
#define PL_END   UINT64_C(0xffffffffffffffff)

static inline uint32_t pl_mix(uint64_t a, uint64_t b, uint32_t len)
{
	uint64_t x = a * UINT64_C(0x9e3779b97f4a7c15) ^ (b + len) * UINT64_C(0xc2b2ae3d27d4eb4f);
	x ^= x >> 31;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	return (uint32_t)(x ^ (x >> 29));
}

static inline uint32_t pl_word(uint64_t index, uint32_t k)
{
	return (uint32_t)(index >> 7) ^ (uint32_t)index * 0x85ebca6bu ^ k * 0x9e3779b9u;
}

static inline void pl_fill(uint8_t *d, uint32_t len, uint64_t index, uint64_t stamp)
{
	uint32_t c = pl_mix(index, stamp, len);
	memcpy(d, &index, 8);
	memcpy(d + 8, &stamp, 8);
	memcpy(d + 16, &c, 4);
	for (uint32_t o = PL_HDR, k = 0; o + 4 <= len; o += 4, k++) {
		uint32_t w = pl_word(index, k);
		memcpy(d + o, &w, 4);
	}
}

/* 0 if d holds a well-formed message (index and stamp returned), -1 if not. */
static inline int pl_check(const uint8_t *d, uint32_t len, uint64_t *index, uint64_t *stamp)
{
	if (len < PL_HDR || len > PL_MAX || len % 4)
		return -1;
	uint64_t i, s;
	uint32_t c;
	memcpy(&i, d, 8);
	memcpy(&s, d + 8, 8);
	memcpy(&c, d + 16, 4);
	if (c != pl_mix(i, s, len))
		return -1;
	for (uint32_t o = PL_HDR, k = 0; o + 4 <= len; o += 4, k++) {
		uint32_t w;
		memcpy(&w, d + o, 4);
		if (w != pl_word(i, k))
			return -1;
	}
	*index = i;
	*stamp = s;
	return 0;
}

#endif
