/*
 * registry.h — the reader registry /mdbus.<feed>.readers (private).
 *
 * Readers write it, the publisher creates it and reads `sleep_epoch`, inspectors list it.
 * A slot belongs to the reader holding an open-file-description write lock on the
 * slot's bytes (F_OFD_SETLK): the kernel drops the lock when that reader dies, so a
 * dead reader is detected, and its slot reclaimed, without any cooperation from it.
 * OFD locks, not classic POSIX locks, because closing any other descriptor of the same
 * file in the process would silently drop a classic lock.
 */
#ifndef MDBUS_REGISTRY_H
#define MDBUS_REGISTRY_H

#include <stdint.h>
#include <sys/types.h>

#include <mdbus/layout.h>

struct mdbus__registry {
	int fd;
	size_t size;
	struct mdbus_shm_registry *hdr;
	struct mdbus_shm_reader *slots;
	uint32_t nslots;
};

/* Publisher: open the feed's registry, creating (or re-creating, when it is not a
 * valid registry) it with `mode`.  Returns 0 or < 0. */
int mdbus__registry_create(struct mdbus__registry *r, const char *feed, mode_t mode,
			   uint32_t slots);

/* Reader or inspector: open an existing registry read-write (rw=1) or read-only.
 * Returns 0, MDBUS_E_NOFEED, MDBUS_E_CORRUPT, -errno. */
int mdbus__registry_open(struct mdbus__registry *r, const char *feed, int rw);

void mdbus__registry_close(struct mdbus__registry *r);

/* Claim a free or dead slot for the calling reader.  Returns the slot index (>= 0)
 * or MDBUS_E_FULL / -errno. */
int mdbus__registry_claim(struct mdbus__registry *r, const char *name);

/* Give up a claimed slot. */
void mdbus__registry_release(struct mdbus__registry *r, uint32_t idx);

/* Take this reader out of the sleeper count if it is in it (idempotent). */
void mdbus__registry_unsleep(struct mdbus__registry *r, uint32_t idx);

/* Take dead readers out of the sleeper count (they died inside a futex wait and would
 * otherwise show as sleeping forever).  Returns how many. */
int mdbus__registry_reap_sleepers(struct mdbus__registry *r);

/* 1 if some process holds slot idx's lock, 0 if not, < 0 on error. */
int mdbus__registry_slot_locked(const struct mdbus__registry *r, uint32_t idx);

#endif
