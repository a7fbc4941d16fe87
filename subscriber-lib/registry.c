/*
 * registry.c — see registry.h.
 *
 * Invariant: registry.sleepers == number of slots whose `sleeping` word is 1.  Both
 * change together, in the order "set sleeping, then count" and "clear sleeping (xchg),
 * then uncount", so a reclaimer that finds a dead reader's `sleeping` set can take its
 * count back exactly once.
 */
#define _GNU_SOURCE
#include "registry.h"
#include "atomics.h"
#include "clock.h"
#include "segment.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static off_t slot_off(uint32_t idx)
{
	return (off_t)sizeof(struct mdbus_shm_registry) + (off_t)idx * (off_t)sizeof(struct mdbus_shm_reader);
}

static int map_registry(struct mdbus__registry *r, int fd, int rw)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((size_t)st.st_size < sizeof(struct mdbus_shm_registry))
		return MDBUS_E_CORRUPT;
	void *p = mmap(NULL, (size_t)st.st_size, rw ? PROT_READ | PROT_WRITE : PROT_READ,
		       MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	struct mdbus_shm_registry *h = p;
	/* Pairs with the release store of the magic in mdbus__registry_create. */
	uint32_t n = 0;
	if (ld_acquire(&h->magic) != MDBUS_REG_MAGIC || ld_relaxed(&h->layout_major) != MDBUS_REG_LAYOUT_MAJOR ||
	    ld_relaxed(&h->header_size) != sizeof *h || ld_relaxed(&h->reader_size) != sizeof(struct mdbus_shm_reader) ||
	    (n = ld_relaxed(&h->reader_slots)) == 0 || n > MDBUS_REG_SLOTS_MAX ||
	    (size_t)st.st_size < sizeof *h + (size_t)n * sizeof(struct mdbus_shm_reader)) {
		munmap(p, (size_t)st.st_size);
		return MDBUS_E_CORRUPT;
	}
	r->fd = fd;
	r->size = (size_t)st.st_size;
	r->hdr = h;
	r->slots = (struct mdbus_shm_reader *)(h + 1);
	r->nslots = n;
	return 0;
}

int mdbus__registry_open(struct mdbus__registry *r, const char *feed, int rw)
{
	char name[MDBUS__SHM_NAME_MAX];
	int rc = mdbus__shm_name(name, feed, MDBUS__OBJ_READERS);
	if (rc < 0)
		return rc;
	memset(r, 0, sizeof *r);
	r->fd = -1;
	int fd = shm_open(name, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
	if (fd < 0)
		return errno == ENOENT ? MDBUS_E_NOFEED : -errno;
	rc = map_registry(r, fd, rw);
	if (rc < 0)
		close(fd);
	return rc;
}

int mdbus__registry_create(struct mdbus__registry *r, const char *feed, mode_t mode,
			   uint32_t slots)
{
	char name[MDBUS__SHM_NAME_MAX];
	int rc = mdbus__shm_name(name, feed, MDBUS__OBJ_READERS);
	if (rc < 0)
		return rc;
	if (slots == 0 || slots > MDBUS_REG_SLOTS_MAX)
		return MDBUS_E_INVAL;
	if (mdbus__registry_open(r, feed, 1) == 0) {
		/* Adopt only our own registry (another user's could keep `sleepers` high
		 * or fake readers), and give it the mode asked for now. */
		struct stat st;
		if (fstat(r->fd, &st) == 0 && st.st_uid == geteuid()) {
			if ((st.st_mode & 07777) != mode)
				fchmod(r->fd, mode);
			return 0;
		}
		mdbus__registry_close(r);
	}
	/* Absent, not a valid registry, or another user's (replaced if we may unlink
	 * it, else we run without one).  The caller holds the feed lock, so no other
	 * publisher races us; readers never create it. */
	shm_unlink(name);
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	size_t size = sizeof(struct mdbus_shm_registry) + (size_t)slots * sizeof(struct mdbus_shm_reader);
	if (fchmod(fd, mode) < 0 || posix_fallocate(fd, 0, (off_t)size) != 0) {
		rc = errno ? -errno : MDBUS_E_NOSPACE;
		goto err_unlink;
	}
	struct mdbus_shm_registry *h = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		rc = -errno;
		goto err_unlink;
	}
	h->layout_major = MDBUS_REG_LAYOUT_MAJOR;
	h->layout_minor = MDBUS_REG_LAYOUT_MINOR;
	h->header_size = sizeof *h;
	h->reader_slots = slots;
	h->reader_size = sizeof(struct mdbus_shm_reader);
	h->created_ns = (uint64_t)real_ns();
	/* Pairs with the acquire load of the magic in map_registry. */
	st_release(&h->magic, MDBUS_REG_MAGIC);
	munmap(h, size);
	rc = map_registry(r, fd, 1);
	if (rc < 0)
		goto err_unlink;
	return 0;

err_unlink:
	close(fd);
	shm_unlink(name);
	return rc;
}

void mdbus__registry_close(struct mdbus__registry *r)
{
	if (r->hdr)
		munmap(r->hdr, r->size);
	if (r->fd >= 0)
		close(r->fd);
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

static int slot_lock(int fd, uint32_t idx, int cmd, short type, struct flock *out)
{
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = slot_off(idx);
	fl.l_len = (off_t)sizeof(struct mdbus_shm_reader);
	if (fcntl(fd, cmd, &fl) < 0)
		return -errno;
	if (out)
		*out = fl;
	return 0;
}

void mdbus__registry_unsleep(struct mdbus__registry *r, uint32_t idx)
{
	struct mdbus_shm_reader *s = &r->slots[idx];
	if (__atomic_exchange_n(&s->sleeping, 0, __ATOMIC_SEQ_CST))
		__atomic_fetch_sub(&r->hdr->sleepers, 1, __ATOMIC_SEQ_CST);
}

int mdbus__registry_claim(struct mdbus__registry *r, const char *name)
{
	for (uint32_t i = 0; i < r->nslots; i++) {
		int rc = slot_lock(r->fd, i, F_OFD_SETLK, F_WRLCK, NULL);
		if (rc == -EAGAIN || rc == -EACCES)
			continue; /* a live reader owns it */
		if (rc < 0)
			return rc;
		struct mdbus_shm_reader *s = &r->slots[i];
		/* A dead owner may have died asleep: give its sleeper count back. */
		mdbus__registry_unsleep(r, i);
		st_relaxed(&s->pid, (uint32_t)getpid());
		st_relaxed(&s->position, 0);
		st_relaxed(&s->lost, 0);
		st_relaxed(&s->records, 0);
		st_relaxed(&s->last_active_ns, mono_ns());
		st_relaxed(&s->opened_ns, (uint64_t)real_ns());
		char buf[MDBUS_READER_NAME_MAX] = { 0 };
		if (name)
			strncpy(buf, name, sizeof buf - 1);
		memcpy(s->name, buf, sizeof buf);
		st_release(&s->in_use, 1);
		return (int)i;
	}
	return MDBUS_E_FULL;
}

void mdbus__registry_release(struct mdbus__registry *r, uint32_t idx)
{
	mdbus__registry_unsleep(r, idx);
	st_release(&r->slots[idx].in_use, 0);
	slot_lock(r->fd, idx, F_OFD_SETLK, F_UNLCK, NULL);
}

int mdbus__registry_slot_locked(const struct mdbus__registry *r, uint32_t idx)
{
	struct flock fl = { .l_type = F_UNLCK };
	int rc = slot_lock(r->fd, idx, F_OFD_GETLK, F_WRLCK, &fl);
	if (rc < 0)
		return rc;
	return fl.l_type != F_UNLCK;
}

int mdbus__registry_reap_sleepers(struct mdbus__registry *r)
{
	int n = 0;
	for (uint32_t i = 0; i < r->nslots; i++) {
		if (!ld_relaxed(&r->slots[i].sleeping))
			continue;
		if (mdbus__registry_slot_locked(r, i) == 0) {
			mdbus__registry_unsleep(r, i);
			n++;
		}
	}
	return n;
}

int mdbus_readers_list(const char *feed, struct mdbus_reader_info *out, int max)
{
	struct mdbus__registry r;
	int rc = mdbus__registry_open(&r, feed, 0);
	if (rc < 0)
		return rc;
	int n = 0;
	for (uint32_t i = 0; i < r.nslots; i++) {
		const struct mdbus_shm_reader *s = &r.slots[i];
		int locked = mdbus__registry_slot_locked(&r, i);
		if (!ld_acquire(&s->in_use) && locked <= 0)
			continue;
		if (out && n < max) {
			struct mdbus_reader_info *o = &out[n];
			memset(o, 0, sizeof *o);
			o->slot = i;
			o->pid = ld_relaxed(&s->pid);
			o->alive = locked > 0;
			o->sleeping = ld_relaxed(&s->sleeping) != 0;
			o->position = ld_relaxed(&s->position);
			o->lost = ld_relaxed(&s->lost);
			o->records = ld_relaxed(&s->records);
			o->last_active_ns = ld_relaxed(&s->last_active_ns);
			o->opened_ns = ld_relaxed(&s->opened_ns);
			copy_from_shared(o->name, s->name, sizeof o->name);
			o->name[sizeof o->name - 1] = '\0';
		}
		n++;
	}
	mdbus__registry_close(&r);
	return n;
}
