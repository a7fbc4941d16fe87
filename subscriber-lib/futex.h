/*
 * futex.h — process-shared futex wait/wake on 32-bit words inside the feed mappings
 * (private).  Shared (not FUTEX_PRIVATE_FLAG) because waiter and waker are different
 * processes; FUTEX_WAIT works on a PROT_READ mapping, which is how readers sleep on
 * words only the publisher writes.
 */
#ifndef MDBUS_FUTEX_H
#define MDBUS_FUTEX_H

#include <stdint.h>

/* Sleep while *addr == val, at most timeout_ns (< 0: forever).
 * Returns 0 (woken or value changed), -ETIMEDOUT, -EINTR, or another -errno. */
int mdbus__futex_wait(const uint32_t *addr, uint32_t val, int64_t timeout_ns);

/* Wake every waiter on addr.  Returns the number woken or -errno. */
int mdbus__futex_wake_all(uint32_t *addr);

#endif
