/* feed_lock.c — see feed_lock.h. */
#define _GNU_SOURCE
#include "feed_lock.h"
#include "segment.h"

#include <mdbus/writer.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int pub_feed_lock_take(const char *feed, mode_t mode)
{
	char name[MDBUS__SHM_NAME_MAX], path[MDBUS__SHM_NAME_MAX + 16];
	int rc = mdbus__shm_name(name, feed, MDBUS__OBJ_LOCK);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof path, "/dev/shm%s", name);
	/* The lock object may be unlinked by a holder (mdbus_feed_remove, a failed
	 * mdbus_writer_open: pub_feed_lock_abandon).  A flock on an object that is no
	 * longer behind the name protects nothing — a third publisher could lock a new
	 * object under it — so retry until the object we lock is the one named. */
	for (int tries = 0;; tries++) {
		int created = 1;
		int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0600);
		if (fd < 0 && errno == EEXIST) {
			created = 0;
			fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
			if (fd < 0 && errno == ENOENT && tries < 100)
				continue;
		}
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			rc = errno == EWOULDBLOCK ? MDBUS_E_LOCKED : -errno;
			close(fd);
			return rc;
		}
		struct stat held, named;
		if (fstat(fd, &held) < 0 || stat(path, &named) < 0 || held.st_dev != named.st_dev ||
		    held.st_ino != named.st_ino) {
			close(fd);
			if (tries < 100)
				continue;
			return MDBUS_E_LOCKED;
		}
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
			/* e.g. /dev/shm full: leave nothing behind that we created. */
			rc = errno ? -errno : -EIO;
			if (created)
				shm_unlink(name);
			close(fd);
			return rc;
		}
		return fd;
	}
}

void pub_feed_lock_abandon(int fd, const char *feed)
{
	char name[MDBUS__SHM_NAME_MAX], lock[MDBUS__SHM_NAME_MAX];
	if (fd < 0)
		return;
	/* A failed open of a feed that has no data segment must not leave the lock
	 * object behind (nothing half-created).  Unlinking it while we still hold it is
	 * safe: pub_feed_lock_take only trusts a lock on the object the name refers to.
	 * When a segment exists (foreign, another user's), the lock belongs with it. */
	if (mdbus__shm_name(name, feed, MDBUS__OBJ_DATA) == 0 && mdbus__shm_name(lock, feed, MDBUS__OBJ_LOCK) == 0) {
		int dfd = shm_open(name, O_RDONLY | O_CLOEXEC, 0);
		if (dfd >= 0)
			close(dfd);
		else if (errno == ENOENT)
			shm_unlink(lock);
	}
	close(fd);
}

void pub_feed_lock_release(int fd)
{
	if (fd >= 0)
		close(fd); /* dropping the last descriptor drops the flock */
}

int mdbus_writer_lock_holder(const char *feed, pid_t *pid)
{
	char name[MDBUS__SHM_NAME_MAX];
	int rc = mdbus__shm_name(name, feed, MDBUS__OBJ_LOCK);
	if (rc < 0)
		return rc;
	if (!pid)
		return MDBUS_E_INVAL;
	int fd = shm_open(name, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return errno == ENOENT ? MDBUS_E_NOFEED : -errno;
	char buf[32] = { 0 };
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	if (n <= 0)
		return MDBUS_E_NOFEED;
	char *end;
	long v = strtol(buf, &end, 10);
	if (v <= 0 || (*end != '\n' && *end != '\0'))
		return MDBUS_E_CORRUPT;
	*pid = (pid_t)v;
	return 0;
}
