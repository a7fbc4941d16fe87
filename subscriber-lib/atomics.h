/*
 * atomics.h — the few ordering helpers every shared-memory access in mdbus goes
 * through (private; used by libmdbus and libmdbus_writer).
 *
 * All cross-process data is accessed with __atomic builtins, never volatile.  Payload
 * bytes of a seqlocked area are copied with relaxed 8-byte atomics (the Boehm recipe:
 * "Can seqlocks get along with programming language memory models?", 2012), so the
 * deliberate race between a writer and a reader is defined behaviour and invisible to
 * ThreadSanitizer except through the fences named here.
 */
#ifndef MDBUS_ATOMICS_H
#define MDBUS_ATOMICS_H

#include <stddef.h>
#include <stdint.h>

#define ld_relaxed(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
#define ld_acquire(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define st_relaxed(p, v)  __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define st_release(p, v)  __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define fence_acquire()   __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define fence_release()   __atomic_thread_fence(__ATOMIC_RELEASE)
#define fence_seq_cst()   __atomic_thread_fence(__ATOMIC_SEQ_CST)

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
/* Zero n bytes (a multiple of 8, 8-aligned) of a seqlocked area. */
static inline void zero_shared(void *dst, size_t n)
{
	uint64_t *d = (uint64_t *)dst;
	for (size_t i = 0; i < n / 8; i++)
		__atomic_store_n(&d[i], 0, __ATOMIC_RELAXED);
}

#endif
}

/* Copy n bytes (a multiple of 8, both sides 8-aligned) out of a seqlocked area. */
static inline void copy_from_shared(void *dst, const void *src, size_t n)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;
	for (size_t i = 0; i < n / 8; i++)
		d[i] = __atomic_load_n(&s[i], __ATOMIC_RELAXED);
}

/* Copy n bytes (a multiple of 8, both sides 8-aligned) into a seqlocked area. */
static inline void copy_to_shared(void *dst, const void *src, size_t n)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;
	for (size_t i = 0; i < n / 8; i++)
		__atomic_store_n(&d[i], s[i], __ATOMIC_RELAXED);
}

/* Zero n bytes (a multiple of 8, 8-aligned) of a seqlocked area. */
static inline void zero_shared(void *dst, size_t n)
{
	uint64_t *d = (uint64_t *)dst;
	for (size_t i = 0; i < n / 8; i++)
		__atomic_store_n(&d[i], 0, __ATOMIC_RELAXED);
}

#endif
