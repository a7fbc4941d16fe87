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
#include <unistd.h>

int pub_feed_lock_take(const char *feed, mode_t mode)
{
	char name[MDBUS__SHM_NAME_MAX];
	int rc = mdbus__shm_name(name, feed, MDBUS__OBJ_LOCK);
	if (rc < 0)
		return rc;
	int fd = shm_open(name, O_RDWR | O_CREAT | O_CLOEXEC, mode & 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? MDBUS_E_LOCKED : -errno;
		close(fd);
		return rc;
	}
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
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
