/*
 * reader.c — libmdbus: open a feed read-only and read its ring, state and books.
 *
 * Who writes what: the publisher writes the data segment; this file only loads from it
 * (the mapping is PROT_READ) and stores into this reader's own registry slot.
 *
 * Invariants:
 *  - every address derived from shared memory is bounded by the geometry copied out of
 *    the header at open (mdbus__geom_validate), never by live header fields;
 *  - a record is delivered only if its slot stamp read 2n+2 both before and after the
 *    copy (seqlock), so a torn record is never delivered, including a slot left
 *    half-written by a publisher killed mid-write (its stamp stays odd);
 *  - next_seq only grows; records skipped because the writer lapped us are counted and
 *    reported in `lost` on the next delivered record.
 */
#define _GNU_SOURCE
#include <mdbus/mdbus.h>

#include "atomics.h"
#include "clock.h"
#include "futex.h"
#include "registry.h"
#include "segment.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Default wait: poll this many times, then yield-poll for YIELD_NS, then sleep. */
#define SPIN_POLLS 256
#define YIELD_NS   (100 * 1000)
/* Without a registry (no sleeper count to announce in) sleep in slices this long. */
#define BLIND_SLEEP_NS (1000 * 1000)
/* How often an idle reader checks that its segment is still the one behind the name. */
#define RECHECK_NS (100 * 1000 * 1000)
#define BOOK_RETRIES 1000

extern char *program_invocation_short_name;

struct mdbus_sub {
	int flags;
	int fd;
	const uint8_t *base;
	struct mdbus__geom g;
	const struct mdbus_shm_control *ctl;
	const uint8_t *ring;
	uint64_t mask;
	uint32_t payload;        /* payload bytes per slot */
	dev_t dev;
	ino_t ino;

	uint64_t next_seq;
	uint64_t pending_lost;   /* lost since the last delivered record */
	uint64_t lost_total;
	uint64_t records;
	uint64_t unnoted;        /* records delivered since the registry was last told */
	uint64_t last_recheck_ns;

	struct mdbus__registry reg;
	int reg_idx;             /* -1 when not registered */
	char feed[MDBUS_FEED_NAME_MAX + 1];
	_Alignas(8) char name[MDBUS_READER_NAME_MAX]; /* copied to shm in 8-byte words */
};

static const struct mdbus_shm_slot *slot_at(const mdbus_sub *s, uint64_t seq)
{
	return (const struct mdbus_shm_slot *)(s->ring + (seq & s->mask) * s->g.slot_size);
}

static void unmap_segment(mdbus_sub *s)
{
	if (s->base)
		munmap((void *)s->base, s->g.segment_size);
	if (s->fd >= 0)
		close(s->fd);
	s->base = NULL;
	s->fd = -1;
}

/* Map and validate the data segment currently behind the feed name. */
static int map_segment(mdbus_sub *s)
{
	char name[MDBUS__SHM_NAME_MAX];
	int rc = mdbus__shm_name(name, s->feed, MDBUS__OBJ_DATA);
	if (rc < 0)
		return rc;
	int fd = shm_open(name, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return errno == ENOENT ? MDBUS_E_NOFEED : -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto err_close;
	}
	if ((s->flags & MDBUS_SUB_REQUIRE_OWNER) && st.st_uid != geteuid() && st.st_uid != 0) {
		rc = MDBUS_E_OWNER;
		goto err_close;
	}
	if ((uint64_t)st.st_size < sizeof(struct mdbus_shm_header)) {
		rc = st.st_size == 0 ? MDBUS_E_NOTREADY : MDBUS_E_TRUNCATED;
		goto err_close;
	}
	/* Map the header alone first: the segment size is not trusted yet. */
	void *hp = mmap(NULL, sizeof(struct mdbus_shm_header), PROT_READ, MAP_SHARED, fd, 0);
	if (hp == MAP_FAILED) {
		rc = -errno;
		goto err_close;
	}
	struct mdbus__geom g;
	rc = mdbus__geom_validate(hp, (uint64_t)st.st_size, &g);
	munmap(hp, sizeof(struct mdbus_shm_header));
	if (rc < 0)
		goto err_close;
	/* MAP_POPULATE: first-lap page faults otherwise dominate the latency tail. */
	void *p = mmap(NULL, g.segment_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto err_close;
	}
	/* Re-validate through the full mapping: the object could have been re-created
	 * between the two maps. */
	struct mdbus__geom g2;
	rc = mdbus__geom_validate(p, (uint64_t)st.st_size, &g2);
	if (rc < 0 || memcmp(&g, &g2, sizeof g) != 0) {
		munmap(p, g.segment_size);
		rc = rc < 0 ? rc : MDBUS_E_NOTREADY;
		goto err_close;
	}
	s->fd = fd;
	s->base = p;
	s->g = g;
	s->ctl = (const struct mdbus_shm_control *)(s->base + g.control_off);
	s->ring = s->base + g.ring_off;
	s->mask = (uint64_t)g.slot_count - 1;
	s->payload = g.slot_size - (uint32_t)sizeof(struct mdbus_shm_slot);
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;

err_close:
	close(fd);
	return rc;
}

static void registry_note(mdbus_sub *s)
{
	s->unnoted = 0;
	if (s->reg_idx < 0)
		return;
	struct mdbus_shm_reader *me = &s->reg.slots[s->reg_idx];
	st_relaxed(&me->position, s->next_seq);
	st_relaxed(&me->lost, s->lost_total);
	st_relaxed(&me->records, s->records);
}

static void registry_join(mdbus_sub *s)
{
	if (s->flags & MDBUS_SUB_NO_REGISTRY)
		return;
	if (mdbus__registry_open(&s->reg, s->feed, 1) < 0)
		return; /* reading works without it; sleeping falls back to timed slices */
	int idx = mdbus__registry_claim(&s->reg, s->name);
	if (idx < 0) {
		mdbus__registry_close(&s->reg);
		return;
	}
	s->reg_idx = idx;
	registry_note(s);
}

static void registry_leave(mdbus_sub *s)
{
	if (s->reg_idx >= 0)
		mdbus__registry_release(&s->reg, (uint32_t)s->reg_idx);
	if (s->reg.hdr)
		mdbus__registry_close(&s->reg);
	s->reg_idx = -1;
}

int mdbus_sub_open(mdbus_sub **out, const char *feed, int flags)
{
	if (!out)
		return MDBUS_E_INVAL;
	*out = NULL;
	if (!mdbus_feed_name_valid(feed))
		return MDBUS_E_FEEDNAME;
	if (flags & ~(MDBUS_SUB_FROM_OLDEST | MDBUS_SUB_WAIT_SPIN | MDBUS_SUB_WAIT_SLEEP |
		      MDBUS_SUB_NO_REGISTRY | MDBUS_SUB_REQUIRE_OWNER) ||
	    ((flags & MDBUS_SUB_WAIT_SPIN) && (flags & MDBUS_SUB_WAIT_SLEEP)))
		return MDBUS_E_INVAL;
	mdbus_sub *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->reg.fd = -1;
	s->reg_idx = -1;
	s->flags = flags;
	strcpy(s->feed, feed);
	strncpy(s->name, program_invocation_short_name ? program_invocation_short_name : "reader",
		sizeof s->name - 1);
	int rc = map_segment(s);
	if (rc < 0) {
		free(s);
		return rc;
	}
	/* Pairs with the writer's release store of write_seq after completing a slot. */
	uint64_t w = ld_acquire(&s->ctl->write_seq);
	if (flags & MDBUS_SUB_FROM_OLDEST)
		s->next_seq = w > s->g.slot_count ? w - s->g.slot_count : 0;
	else
		s->next_seq = w;
	s->last_recheck_ns = mono_ns();
	registry_join(s);
	*out = s;
	return 0;
}

void mdbus_sub_close(mdbus_sub *s)
{
	if (!s)
		return;
	registry_leave(s);
	unmap_segment(s);
	free(s);
}

int mdbus_sub_set_name(mdbus_sub *s, const char *name)
{
	if (!s || !name)
		return MDBUS_E_INVAL;
	memset(s->name, 0, sizeof s->name);
	strncpy(s->name, name, sizeof s->name - 1);
	if (s->reg_idx >= 0)
		copy_to_shared(s->reg.slots[s->reg_idx].name, s->name, sizeof s->name);
	return 0;
}

/*
 * Follow the feed name to a new segment (the publisher retired ours, or the name now
 * points at another object).  The writer carries the cursor over, so next_seq stays
 * meaningful; a segment whose cursor is behind us was created from scratch, and we
 * restart at its cursor.  Returns 1 if we switched, 0 if there is nothing new (yet).
 */
static int follow_name(mdbus_sub *s)
{
	mdbus_sub tmp = *s;
	tmp.fd = -1;
	tmp.base = NULL;
	if (map_segment(&tmp) < 0)
		return 0;
	if (tmp.dev == s->dev && tmp.ino == s->ino) {
		unmap_segment(&tmp);
		return 0;
	}
	unmap_segment(s);
	s->fd = tmp.fd;
	s->base = tmp.base;
	s->g = tmp.g;
	s->ctl = tmp.ctl;
	s->ring = tmp.ring;
	s->mask = tmp.mask;
	s->payload = tmp.payload;
	s->dev = tmp.dev;
	s->ino = tmp.ino;
	/* Our registry slot belongs to the old feed's registry if the feed was removed
	 * and re-created: join the one the new publisher watches, or it would never wake
	 * us from a sleep. */
	if (!(s->flags & MDBUS_SUB_NO_REGISTRY)) {
		registry_leave(s);
		registry_join(s);
	}
	uint64_t w = ld_acquire(&s->ctl->write_seq);
	if (w < s->next_seq) {
		s->next_seq = w;
	} else if (s->next_seq < w) {
		/* We are behind the successor's cursor (e.g. mdbus_sub_wait_gen followed
		 * the name before we drained the old segment).  Sequences below the
		 * successor's first record were never written into it: their slots stay
		 * below 2q+2 and try_read would wait on them until the writer happens to
		 * lap the slot.  Skip them as lost.  The scan stops at the first slot
		 * holding q or a later lap (try_read handles that); every q in
		 * [first, w) qualifies, so it is bounded by slot_count steps. */
		uint64_t q = w > s->g.slot_count ? w - s->g.slot_count : 0;
		if (q < s->next_seq)
			q = s->next_seq;
		while (q < w && ld_acquire(&slot_at(s, q)->stamp) < 2 * q + 2)
			q++;
		s->pending_lost += q - s->next_seq;
		s->lost_total += q - s->next_seq;
		s->next_seq = q;
	}
	registry_note(s);
	return 1;
}

/* Decide, when idle, whether our segment has been superseded. */
static int maybe_follow(mdbus_sub *s, int force)
{
	if (ld_acquire(&s->ctl->retired))
		return follow_name(s);
	uint64_t now = mono_ns();
	if (!force && now - s->last_recheck_ns < RECHECK_NS)
		return 0;
	s->last_recheck_ns = now;
	/* A live publisher never replaces its segment without retiring it; only look at
	 * the name when nobody is running (e.g. the feed was removed and re-created). */
	if (ld_acquire(&s->ctl->pub_state) == MDBUS_PUB_RUNNING) {
		pid_t pid = (pid_t)ld_relaxed(&s->ctl->publisher_pid);
		if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM))
			return 0;
	}
	return follow_name(s);
}

static int validate_payload(const struct mdbus_record *r, uint32_t payload)
{
	if (r->type == MDBUS_REC_RAW && r->u.raw.len > payload - 4)
		return MDBUS_E_CORRUPT;
	return 0;
}

/*
 * Try to read next_seq once.  Returns 1 (delivered), 0 (not written yet), or
 * MDBUS_E_CORRUPT (the record was skipped).
 */
static int try_read(mdbus_sub *s, struct mdbus_record *r)
{
	for (;;) {
		uint64_t n = s->next_seq;
		const struct mdbus_shm_slot *sl = slot_at(s, n);
		uint64_t want = 2 * n + 2;
		/* Pairs with the writer's release store of the complete stamp (ring_writer.c,
		 * "publish slot"): if we see 2n+2, the payload stores before it are visible. */
		uint64_t s1 = ld_acquire(&sl->stamp);
		if (s1 < want) {
			if (s->unnoted)
				registry_note(s);
			return 0;
		}
		if (s1 == want) {
			r->gen = ld_relaxed(&sl->gen);
			r->exch_ts_ns = ld_relaxed(&sl->exch_ts_ns);
			r->recv_ts_ns = ld_relaxed(&sl->recv_ts_ns);
			uint64_t tfs;
			copy_from_shared(&tfs, &sl->type, 8);
			copy_from_shared(r->u.bytes, sl + 1, s->payload);
			/* Bytes past the slot's payload read as zero.  Word stores the
			 * compiler cannot turn into memset: a `rep stos` for these few
			 * bytes was a quarter of a spinning reader's time per record. */
			uint64_t *tail = (uint64_t *)r->u.bytes;
			for (uint32_t i = s->payload / 8; i < MDBUS_PAYLOAD_MAX / 8; i++)
				st_relaxed(&tail[i], 0);
			/* Pairs with the writer's release fence after its odd stamp store
			 * ("mark slot busy"): if any byte we copied is from a later write, the
			 * stamp load below sees that write's odd stamp or later. */
			fence_acquire();
			uint64_t s2 = ld_relaxed(&sl->stamp);
			if (s2 == want) {
				memcpy(&r->type, &tfs, 8); /* type, flags, symbol */
				r->seq = n;
				s->next_seq = n + 1;
				int rc = validate_payload(r, s->payload);
				if (rc < 0) {
					s->pending_lost++;
					s->lost_total++;
					registry_note(s);
					return rc;
				}
				r->lost = s->pending_lost;
				s->pending_lost = 0;
				s->records++;
				/* The registry is for inspection: told every 64 records while
				 * a backlog is read, and exactly whenever the reader runs dry
				 * (below), so an idle reader's position is always exact. */
				if (++s->unnoted >= 64)
					registry_note(s);
				return 1;
			}
		}
		/* The slot holds (or is taking) a later sequence m = n + k * count.  Re-load
		 * the stamp with acquire: it pairs with the writer's release store of that
		 * stamp ("mark slot busy"), which follows its store of write_seq = m, so the
		 * cursor loaded after it is >= m.  (The relaxed s2 above gives no such
		 * guarantee on weakly ordered CPUs.) */
		uint64_t st = ld_acquire(&sl->stamp);
		uint64_t w = ld_acquire(&s->ctl->write_seq);
		if (st < want)
			return 0; /* stamps only grow; a hostile writer moved it back */
		if (st == want)
			continue; /* likewise: look again */
		if (n + s->g.slot_count <= w) {
			/* Lapped.  The ring holds w - count .. w - 1, but the writer may be
			 * overwriting w - count's slot right now (for w): go to the oldest
			 * record present; if it is being overwritten, the next turn of this
			 * loop sees its stamp move and steps past it the same way. */
			uint64_t oldest = w - s->g.slot_count;
			if (oldest <= n)
				oldest = n + 1; /* n itself is the one being overwritten */
			s->pending_lost += oldest - n;
			s->lost_total += oldest - n;
			s->next_seq = oldest;
			continue;
		}
		/* A stamp no writer can have stored yet (m >= n + count > w): the slot is
		 * corrupt.  Skip it and count it, so the reader goes on after it. */
		s->next_seq = n + 1;
		s->pending_lost++;
		s->lost_total++;
		registry_note(s);
		return MDBUS_E_CORRUPT;
	}
}

static int64_t remaining_ns(uint64_t deadline)
{
	if (deadline == UINT64_MAX)
		return -1;
	uint64_t now = mono_ns();
	return now >= deadline ? 0 : (int64_t)(deadline - now);
}

static int record_ready(const mdbus_sub *s)
{
	return ld_acquire(&slot_at(s, s->next_seq)->stamp) >= 2 * s->next_seq + 2;
}

/*
 * Sleep until the writer wakes data_futex, the deadline passes, or (when we cannot
 * announce ourselves) a short slice passes.  The announcement is a Dekker pair with
 * the writer (ring_writer.c, wake_sleepers): we bump sleep_epoch then re-check the
 * slot; the writer publishes the slot then loads sleep_epoch.  The StoreLoad barrier on
 * the writer's side is its own fence while it says writer_fenced, else the membarrier
 * issued here.  The writer wakes once per epoch value, so the futex value is loaded
 * before the bump: whatever wake-up our bump earns comes after it and cannot be missed.
 */
static void sleep_for_data(mdbus_sub *s, uint64_t deadline)
{
	int64_t left = remaining_ns(deadline);
	if (left == 0)
		return;
	const uint32_t *word = &s->ctl->data_futex;
	int64_t blind = left < 0 || left > BLIND_SLEEP_NS ? BLIND_SLEEP_NS : left;
	if (s->reg_idx < 0) {
		uint32_t v = ld_acquire(word);
		if (record_ready(s))
			return;
		mdbus__futex_wait(word, v, blind);
		return;
	}
	struct mdbus_shm_registry *rh = s->reg.hdr;
	struct mdbus_shm_reader *me = &s->reg.slots[s->reg_idx];
	st_relaxed(&me->last_active_ns, mono_ns());
	/* Acquire, and before the bump: pairs with the writer's acquire load of the epoch
	 * that precedes its futex bump. */
	uint32_t v = ld_acquire(word);
	__atomic_store_n(&me->sleeping, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&rh->sleepers, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&rh->sleep_epoch, 1, __ATOMIC_SEQ_CST);
	/* Pairs with the writer's fence before its epoch load (while fenced) and with the
	 * fence after it clears writer_fenced: reading 1 here means it fences for us. */
	fence_seq_cst();
	if (!ld_acquire(&rh->writer_fenced) && (ld_relaxed(&s->ctl->ctl_flags) & MDBUS_CTL_ASYM_FENCE)) {
		/* Forces a full barrier on the writer's CPU between its slot store and its
		 * epoch load (ring_writer.c, wake_sleepers), so either it sees our bump or we
		 * see its slot. */
		if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0) < 0) {
			mdbus__registry_unsleep(&s->reg, (uint32_t)s->reg_idx);
			if (!record_ready(s))
				mdbus__futex_wait(word, v, blind);
			return;
		}
	}
	if (!record_ready(s) && !ld_acquire(&s->ctl->retired))
		mdbus__futex_wait(word, v, left);
	mdbus__registry_unsleep(&s->reg, (uint32_t)s->reg_idx);
}

int mdbus_sub_next(mdbus_sub *s, struct mdbus_record *r, int timeout_ms)
{
	if (!s || !r)
		return MDBUS_E_INVAL;
	/* Fast path first: no clock read while records are waiting. */
	int rc = try_read(s, r);
	if (rc != 0)
		return rc;
	if (timeout_ms == 0)
		return maybe_follow(s, 0) ? try_read(s, r) : 0;
	/* The clock is first read when a wait is decided, not on entry: a spinning reader
	 * whose record lands within its first polls never pays for it (~25 ns here, on
	 * the latency path).  The timeout counts from then, at most 64 polls late. */
	uint64_t deadline = 0, yield_until = 0;
	for (uint64_t polls = 1;; polls++) {
		rc = try_read(s, r);
		if (rc != 0)
			return rc;
		int spin = (s->flags & MDBUS_SUB_WAIT_SPIN) ||
			   (!(s->flags & MDBUS_SUB_WAIT_SLEEP) && polls < SPIN_POLLS);
		/* Clock and name checks cost a syscall-free but non-trivial read each; do
		 * them every 64 polls, or at once when the segment was retired. */
		int check = (polls & 63) == 0 || ld_relaxed(&s->ctl->retired);
		if (!deadline && (check || !spin)) {
			uint64_t start = mono_ns();
			deadline = timeout_ms < 0 ? UINT64_MAX : start + (uint64_t)timeout_ms * 1000000u;
			yield_until = start + YIELD_NS;
		}
		if (check) {
			if (maybe_follow(s, 0))
				continue;
			if (remaining_ns(deadline) == 0)
				return 0;
		}
		if (spin) {
			cpu_relax();
			continue;
		}
		/* Yield between polls: readers usually outnumber cores, and spinning readers
		 * sharing a core starve each other for whole time slices. */
		if (!(s->flags & MDBUS_SUB_WAIT_SLEEP) && mono_ns() < yield_until) {
			sched_yield();
			continue;
		}
		if (remaining_ns(deadline) == 0)
			return 0;
		sleep_for_data(s, deadline);
	}
}

int mdbus_sub_seek(mdbus_sub *s, uint64_t seq)
{
	if (!s)
		return MDBUS_E_INVAL;
	if (seq > ld_acquire(&s->ctl->write_seq))
		return MDBUS_E_INVAL;
	s->next_seq = seq;
	s->pending_lost = 0;
	registry_note(s);
	return 0;
}

/* MDBUS_PUBLISHER_* for the publisher behind this segment. */
static uint32_t publisher_state(const mdbus_sub *s, uint64_t *age_out)
{
	uint64_t beat = ld_acquire(&s->ctl->heartbeat_ns);
	uint64_t now = mono_ns();
	*age_out = now > beat ? now - beat : 0;
	uint32_t state = ld_acquire(&s->ctl->pub_state);
	if (state == MDBUS_PUB_STOPPED)
		return MDBUS_PUBLISHER_STOPPED;
	if (state != MDBUS_PUB_RUNNING)
		return MDBUS_PUBLISHER_NONE;
	pid_t pid = (pid_t)ld_relaxed(&s->ctl->publisher_pid);
	if (pid <= 0 || (kill(pid, 0) < 0 && errno != EPERM))
		return MDBUS_PUBLISHER_DEAD;
	return *age_out <= (uint64_t)s->g.stale_after_ms * 1000000u ? MDBUS_PUBLISHER_ALIVE : MDBUS_PUBLISHER_STALE;
}

int mdbus_sub_status(mdbus_sub *s, struct mdbus_status *st)
{
	if (!s || !st)
		return MDBUS_E_INVAL;
	memset(st, 0, sizeof *st);
	st->generation = ld_acquire(&s->ctl->conn_gen);
	st->connected = (int)(st->generation & 1);
	st->epoch = ld_relaxed(&s->ctl->epoch);
	st->publisher_pid = ld_relaxed(&s->ctl->publisher_pid);
	st->publisher_stopped = ld_relaxed(&s->ctl->pub_state) == MDBUS_PUB_STOPPED;
	st->retired = ld_relaxed(&s->ctl->retired) != 0;
	uint64_t age;
	st->publisher_state = publisher_state(s, &age);
	st->publisher_alive = st->publisher_state == MDBUS_PUBLISHER_ALIVE;
	st->heartbeat_age_ns = (int64_t)age;
	st->write_seq = ld_acquire(&s->ctl->write_seq);
	st->next_seq = s->next_seq;
	st->lag = st->write_seq > s->next_seq ? st->write_seq - s->next_seq : 0;
	st->lost = s->lost_total;
	st->records = s->records;
	return 0;
}

int mdbus_sub_wait_gen(mdbus_sub *s, uint64_t seen, int timeout_ms, uint64_t *now)
{
	if (!s)
		return MDBUS_E_INVAL;
	uint64_t deadline = timeout_ms < 0 ? UINT64_MAX : mono_ns() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		/* Pairs with the writer's release store of gen_futex, which follows its store
		 * of conn_gen (ring_writer.c, "move generation"): a new futex value implies
		 * the new generation is visible to the load after it. */
		uint32_t v = ld_acquire(&s->ctl->gen_futex);
		uint64_t g = ld_acquire(&s->ctl->conn_gen);
		if (now)
			*now = g;
		if (g != seen)
			return 1;
		if (maybe_follow(s, 0))
			continue;
		int64_t left = remaining_ns(deadline);
		if (left == 0)
			return 0;
		/* A retired segment's futex is woken once and never again: bound the sleep
		 * so we notice the successor segment. */
		if (ld_relaxed(&s->ctl->retired) && (left < 0 || left > BLIND_SLEEP_NS))
			left = BLIND_SLEEP_NS;
		int rc = mdbus__futex_wait(&s->ctl->gen_futex, v, left);
		if (rc < 0 && rc != -ETIMEDOUT && rc != -EINTR)
			return rc;
	}
}

int mdbus_sub_info(mdbus_sub *s, struct mdbus_info *info)
{
	if (!s || !info)
		return MDBUS_E_INVAL;
	memset(info, 0, sizeof *info);
	const struct mdbus_shm_header *h = (const struct mdbus_shm_header *)s->base;
	copy_from_shared(info->feed, h->feed, 64);
	info->feed[MDBUS_FEED_NAME_MAX] = '\0';
	info->layout_major = ld_relaxed(&h->layout_major);
	info->layout_minor = ld_relaxed(&h->layout_minor);
	info->slot_size = s->g.slot_size;
	info->slot_count = s->g.slot_count;
	info->symbol_capacity = s->g.symbol_capacity;
	info->book_depth = s->g.book_depth;
	info->stale_after_ms = s->g.stale_after_ms;
	info->segment_size = s->g.segment_size;
	info->created_ns = ld_relaxed(&h->created_ns);
	info->creator_uid = ld_relaxed(&h->creator_uid);
	info->gen_changed_ns = (int64_t)ld_relaxed(&s->ctl->gen_changed_ns);
	const struct mdbus_shm_stats *x = &s->ctl->stats;
	struct mdbus_stats *o = &info->stats;
	o->frames = ld_relaxed(&x->frames_seq);
	o->bytes = ld_relaxed(&x->bytes_seq);
	o->parse_errors = ld_relaxed(&x->parse_errors_seq);
	o->checksum_ok = ld_relaxed(&x->checksum_ok_seq);
	o->checksum_failed = ld_relaxed(&x->checksum_failed_seq);
	o->resyncs = ld_relaxed(&x->resyncs_seq);
	o->reconnects = ld_relaxed(&x->reconnects_seq);
	o->drops = ld_relaxed(&x->drops_seq);
	o->nonjson = ld_relaxed(&x->nonjson_seq);
	o->unknown_channel = ld_relaxed(&x->unknown_channel_seq);
	o->oversized = ld_relaxed(&x->oversized_seq);
	o->rejected_subs = ld_relaxed(&x->rejected_subs_seq);
	o->heartbeats = ld_relaxed(&x->heartbeats_seq);
	o->watchdog = ld_relaxed(&x->watchdog_seq);
	o->handshake_fail = ld_relaxed(&x->handshake_fail_seq);
	o->put_errors = ld_relaxed(&x->put_errors_seq);
	return 0;
}

/* ------------------------------------------------------ symbols and books */

static const struct mdbus_shm_symbol *sym_at(const mdbus_sub *s, uint32_t id)
{
	return (const struct mdbus_shm_symbol *)(s->base + s->g.symtab_off) + id;
}

/* Seqlock-read one symbol entry.  Returns 0, MDBUS_E_NOSYM (unused), MDBUS_E_BUSY. */
static int read_symbol(const mdbus_sub *s, uint32_t id, struct mdbus_shm_symbol *out)
{
	const struct mdbus_shm_symbol *e = sym_at(s, id);
	for (int i = 0; i < BOOK_RETRIES; i++) {
		/* Pairs with the release store ending the writer's symbol update. */
		uint64_t s1 = ld_acquire(&e->stamp);
		if (s1 & 1) {
			cpu_relax();
			continue;
		}
		copy_from_shared(out, e, sizeof *out);
		/* Pairs with the writer's release fence after marking the entry busy. */
		fence_acquire();
		if (ld_relaxed(&e->stamp) != s1)
			continue;
		out->name[MDBUS_SYMBOL_NAME_MAX - 1] = '\0';
		return out->status == MDBUS_SYM_UNUSED ? MDBUS_E_NOSYM : 0;
	}
	return MDBUS_E_BUSY;
}

int mdbus_sub_symbol_info(mdbus_sub *s, uint32_t id, struct mdbus_symbol *out)
{
	if (!s || !out)
		return MDBUS_E_INVAL;
	if (id >= s->g.symbol_capacity)
		return MDBUS_E_NOSYM;
	struct mdbus_shm_symbol e;
	int rc = read_symbol(s, id, &e);
	if (rc < 0)
		return rc;
	if (e.price_precision < 0 || e.price_precision > 18 || e.qty_precision < 0 ||
	    e.qty_precision > 18 || e.book_depth > s->g.book_depth)
		return MDBUS_E_CORRUPT;
	out->id = id;
	out->status = e.status;
	out->price_precision = e.price_precision;
	out->qty_precision = e.qty_precision;
	out->book_depth = e.book_depth;
	memcpy(out->name, e.name, sizeof out->name);
	return 0;
}

int mdbus_sub_symbol(mdbus_sub *s, const char *name, uint32_t *id)
{
	if (!s || !name || !id)
		return MDBUS_E_INVAL;
	for (uint32_t i = 0; i < s->g.symbol_capacity; i++) {
		struct mdbus_shm_symbol e;
		if (read_symbol(s, i, &e) == 0 && strcmp(e.name, name) == 0) {
			*id = i;
			return 0;
		}
	}
	return MDBUS_E_NOSYM;
}

int mdbus_sub_book(mdbus_sub *s, uint32_t id, struct mdbus_book *b)
{
	if (!s || !b)
		return MDBUS_E_INVAL;
	if (id >= s->g.symbol_capacity)
		return MDBUS_E_NOSYM;
	const struct mdbus_shm_book *e =
		(const struct mdbus_shm_book *)(s->base + s->g.book_off + (uint64_t)id * s->g.book_entry_size);
	const struct mdbus_shm_level *lv = (const struct mdbus_shm_level *)(e + 1);
	uint32_t depth = s->g.book_depth;
	for (int i = 0; i < BOOK_RETRIES; i++) {
		/* Pairs with the release store ending the writer's book publish. */
		uint64_t s1 = ld_acquire(&e->stamp);
		if (s1 & 1) {
			if (i > 16)
				sched_yield();
			else
				cpu_relax();
			continue;
		}
		struct mdbus_shm_book hdr;
		copy_from_shared(&hdr, e, sizeof hdr);
		uint32_t nb = hdr.n_bids, na = hdr.n_asks;
		if (nb > depth || na > depth) {
			fence_acquire();
			if (ld_relaxed(&e->stamp) != s1)
				continue;
			return MDBUS_E_CORRUPT;
		}
		copy_from_shared(b->bids, lv, nb * sizeof(struct mdbus_shm_level));
		copy_from_shared(b->asks, lv + depth, na * sizeof(struct mdbus_shm_level));
		/* Pairs with the writer's release fence after marking the book busy. */
		fence_acquire();
		if (ld_relaxed(&e->stamp) != s1)
			continue;
		b->symbol = id;
		b->state = hdr.state;
		b->gen = hdr.gen;
		b->seq = hdr.seq;
		b->exch_ts_ns = hdr.exch_ts_ns;
		b->updates = hdr.updates;
		b->checksum = hdr.checksum;
		b->price_precision = hdr.price_precision;
		b->qty_precision = hdr.qty_precision;
		b->n_bids = nb;
		b->n_asks = na;
		return 0;
	}
	return MDBUS_E_BUSY;
}

/* ------------------------------------------------------------- feed list */

#include <dirent.h>

int mdbus_feed_list(char (*names)[MDBUS_FEED_NAME_MAX + 1], int max)
{
	DIR *d = opendir("/dev/shm");
	if (!d)
		return -errno;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "mdbus.", 6) != 0)
			continue;
		const char *feed = de->d_name + 6;
		if (!mdbus_feed_name_valid(feed))
			continue; /* companion objects (.readers, .lock) and strays */
		if (names && n < max) {
			strncpy(names[n], feed, MDBUS_FEED_NAME_MAX);
			names[n][MDBUS_FEED_NAME_MAX] = '\0';
		}
		n++;
	}
	closedir(d);
	return n;
}
