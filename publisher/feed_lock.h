/*
 * feed_lock.h — one publisher per feed (private to libmdbus_writer).
 *
 * The lock is flock(LOCK_EX) on /dev/shm/mdbus.<feed>.lock, never a semaphore or a
 * pid file alone: the kernel drops a flock when its holder dies, even by SIGKILL, so a
 * crashed publisher never wedges the feed.  The file holds the holder's pid as text,
 * only so that a refused second publisher can name it.
 */
#ifndef MDBUS_FEED_LOCK_H
#define MDBUS_FEED_LOCK_H

#include <sys/types.h>

/* Take the feed's lock.  Returns the lock fd (>= 0), MDBUS_E_LOCKED, or < 0. */
int pub_feed_lock_take(const char *feed, mode_t mode);

/* Release a lock taken by pub_feed_lock_take. */
void pub_feed_lock_release(int fd);

/* Release after a failed open: also removes the lock object when the feed has no
 * data segment, so that a failed open leaves nothing behind. */
void pub_feed_lock_abandon(int fd, const char *feed);

#endif
