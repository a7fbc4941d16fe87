/*
 * ring_writer.c — libmdbus_writer: own a feed, fill its ring, move its generation.
 *
 * Single writer: everything in the data segment is written from here by the one
 * process holding the feed lock (feed_lock.c).  Readers only load.
 *
 * Invariants:
 *  - write_seq only grows, across publisher restarts (reattach keeps it) and segment
 *    re-creation (the successor starts at the predecessor's cursor): a sequence number
 *    is never assigned twice;
 *  - a slot's stamp is odd exactly while its payload is being replaced; readers accept
 *    a payload only if the stamp read 2n+2 before and after copying it;
 *  - conn_gen is odd exactly while the exchange connection is up and subscribed; every
 *    change is also a STATUS record in the ring, and wakes gen_futex;
 *  - put() makes no system call unless a reader announced a sleep (sleep_epoch moved)
 *    since the last wake-up, and no fence unless one did within FENCE_LINGER_PUTS.
 */
#define _GNU_SOURCE
#include <mdbus/writer.h>

#include "atomics.h"
#include "clock.h"
#include "feed_lock.h"
#include "futex.h"
#include "registry.h"
#include "segment.h"
#include "writer_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_SLOTS        65536u
#define DEFAULT_SLOT_SIZE    128u
#define DEFAULT_SYMBOLS      256u
#define DEFAULT_DEPTH        100u
#define DEFAULT_MODE         0640u
#define DEFAULT_STALE_MS     5000u
/* Puts without a new sleeper after which put() drops its fence again (and sleepers go
 * back to paying with membarrier).  In puts, not time: at a high rate the writer's
 * fast path comes back within milliseconds, at a low one a fence costs nothing. */
#define FENCE_LINGER_PUTS    65536u

MDBUS_STATIC_ASSERT(offsetof(struct mdbus_record, flags) == offsetof(struct mdbus_record, type) + 2 &&
		    offsetof(struct mdbus_record, symbol) == offsetof(struct mdbus_record, type) + 4,
		    "type/flags/symbol are copied as one 8-byte word");

/* What survives from a predecessor segment. */
struct carry {
	uint64_t write_seq;
	uint64_t conn_gen;
	uint64_t epoch;
};

static struct mdbus_shm_slot *slot_at(const mdbus_writer *w, uint64_t seq)
{
	return (struct mdbus_shm_slot *)(w->ring + (seq & w->mask) * w->g.slot_size);
}

static void bind_areas(mdbus_writer *w)
{
	w->hdr = (struct mdbus_shm_header *)w->base;
	w->ctl = (struct mdbus_shm_control *)(w->base + w->g.control_off);
	w->ring = w->base + w->g.ring_off;
	w->mask = (uint64_t)w->g.slot_count - 1;
	w->payload = w->g.slot_size - (uint32_t)sizeof(struct mdbus_shm_slot);
}

/* Mark an old segment superseded and wake everyone sleeping on it, so that readers
 * re-open the name and find the successor. */
static void retire(struct mdbus_shm_control *ctl)
{
	st_release(&ctl->retired, 1);
	__atomic_fetch_add(&ctl->gen_futex, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&ctl->data_futex, 1, __ATOMIC_SEQ_CST);
	mdbus__futex_wake_all(&ctl->gen_futex);
	mdbus__futex_wake_all(&ctl->data_futex);
}

static int create_segment(mdbus_writer *w, const char *name, const struct carry *c)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, w->mode);
	if (fd < 0)
		return -errno;
	int rc;
	/* fchmod: the umask must not decide who may read the feed. */
	if (fchmod(fd, w->mode) < 0) {
		rc = -errno;
		goto err_unlink;
	}
	/* Reserve the pages now: on a full tmpfs a plain ftruncate succeeds and the first
	 * touch of a missing page kills us with SIGBUS instead of returning an error. */
	rc = posix_fallocate(fd, 0, (off_t)w->g.segment_size);
	if (rc != 0) {
		rc = (rc == ENOSPC || rc == EFBIG || rc == ENOMEM) ? MDBUS_E_NOSPACE : -rc;
		goto err_unlink;
	}
	void *p = mmap(NULL, w->g.segment_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		rc = errno == ENOMEM ? MDBUS_E_NOSPACE : -errno;
		goto err_unlink;
	}
	w->fd = fd;
	w->base = p;
	bind_areas(w);

	struct mdbus_shm_header *h = w->hdr;
	h->layout_major = MDBUS_LAYOUT_MAJOR;
	h->layout_minor = MDBUS_LAYOUT_MINOR;
	h->header_size = sizeof *h;
	h->segment_size = w->g.segment_size;
	h->slot_size = w->g.slot_size;
	h->slot_count = w->g.slot_count;
	h->symbol_capacity = w->g.symbol_capacity;
	h->book_depth = w->g.book_depth;
	h->control_off = w->g.control_off;
	h->symtab_off = w->g.symtab_off;
	h->symtab_entry_size = sizeof(struct mdbus_shm_symbol);
	h->book_entry_size = w->g.book_entry_size;
	h->book_off = w->g.book_off;
	h->ring_off = w->g.ring_off;
	h->created_ns = (uint64_t)real_ns();
	h->creator_uid = (uint32_t)geteuid();
	h->stale_after_ms = w->g.stale_after_ms;
	strncpy(h->feed, w->feed, sizeof h->feed - 1);
	w->ctl->write_seq = c->write_seq;
	w->ctl->conn_gen = c->conn_gen;
	w->ctl->gen_futex = (uint32_t)c->conn_gen;
	w->ctl->epoch = c->epoch;
	/* Pairs with the readers' acquire load of the magic (segment.c): the header and
	 * control block above are visible to anyone who sees the magic. */
	st_release(&h->magic, MDBUS_MAGIC);
	return 0;

err_unlink:
	close(fd);
	shm_unlink(name);
	return rc;
}

/*
 * A predecessor may have died (a) after completing slot n but before storing
 * write_seq = n + 1 — then readers may already have consumed n, so the cursor must
 * move past it; or (b) in the middle of slot n — its stamp stays odd, readers wait,
 * and the next put() overwrites it as sequence n.
 */
static void repair_cursor(mdbus_writer *w)
{
	uint64_t c = w->ctl->write_seq;
	for (uint64_t i = 0; i < w->g.slot_count; i++) {
		if (ld_relaxed(&slot_at(w, c)->stamp) != 2 * c + 2)
			break;
		c++;
	}
	st_release(&w->ctl->write_seq, c);
}

/* Open an existing segment read-write if it is ours and usable.  Returns 1 (attached),
 * 0 (absent or a leftover of a crashed creation: removed), or < 0. */
static int attach_existing(mdbus_writer *w, const char *name, struct carry *c, int *same_geometry)
{
	int fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	struct stat st;
	int rc;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto err_close;
	}
	if (st.st_uid != geteuid()) {
		rc = MDBUS_E_OWNER;
		goto err_close;
	}
	if (st.st_size == 0) {
		/* A creator died between shm_open and posix_fallocate; we hold the lock. */
		close(fd);
		shm_unlink(name);
		return 0;
	}
	if ((uint64_t)st.st_size < sizeof(struct mdbus_shm_header)) {
		rc = MDBUS_E_FOREIGN;
		goto err_close;
	}
	void *hp = mmap(NULL, sizeof(struct mdbus_shm_header), PROT_READ, MAP_SHARED, fd, 0);
	if (hp == MAP_FAILED) {
		rc = -errno;
		goto err_close;
	}
	struct mdbus__geom g;
	rc = mdbus__geom_validate(hp, (uint64_t)st.st_size, &g);
	munmap(hp, sizeof(struct mdbus_shm_header));
	if (rc == MDBUS_E_NOTREADY) {
		close(fd);
		shm_unlink(name);
		return 0;
	}
	if (rc < 0) {
		rc = MDBUS_E_FOREIGN;
		goto err_close;
	}
	void *p = mmap(NULL, g.segment_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto err_close;
	}
	const struct mdbus_shm_control *ctl = (const struct mdbus_shm_control *)((uint8_t *)p + g.control_off);
	c->write_seq = ctl->write_seq;
	c->conn_gen = ctl->conn_gen;
	c->epoch = ctl->epoch;
	*same_geometry = g.slot_size == w->g.slot_size && g.slot_count == w->g.slot_count &&
			 g.symbol_capacity == w->g.symbol_capacity && g.book_depth == w->g.book_depth;
	if (!*same_geometry) {
		/* Highest sequence any reader could have seen: a completed but uncounted
		 * slot counts too (see repair_cursor). */
		const uint8_t *ring = (const uint8_t *)p + g.ring_off;
		uint64_t s = c->write_seq;
		const struct mdbus_shm_slot *sl = (const struct mdbus_shm_slot *)(ring + (s & (g.slot_count - 1)) * g.slot_size);
		if (ld_relaxed(&sl->stamp) == 2 * s + 2)
			c->write_seq = s + 1;
		retire((struct mdbus_shm_control *)ctl);
		munmap(p, g.segment_size);
		close(fd);
		shm_unlink(name);
		return 0;
	}
	/* The mode asked for applies to a reattached segment too: a restart with a
	 * tighter --mode must not leave the feed open to whoever an earlier run let in. */
	if ((st.st_mode & 07777) != w->mode && fchmod(fd, w->mode) < 0) {
		rc = -errno;
		munmap(p, g.segment_size);
		goto err_close;
	}
	w->fd = fd;
	w->base = p;
	w->g.stale_after_ms = g.stale_after_ms; /* the header is written once */
	bind_areas(w);
	repair_cursor(w);
	return 1;

err_close:
	close(fd);
	return rc;
}

static mode_t registry_mode(mode_t m)
{
	/* Whoever may read the feed may register as its reader. */
	return m | ((m & 0444) >> 1);
}

int mdbus_writer_open(mdbus_writer **out, const char *feed, const struct mdbus_writer_opts *o)
{
	if (!out)
		return MDBUS_E_INVAL;
	*out = NULL;
	if (!mdbus_feed_name_valid(feed))
		return MDBUS_E_FEEDNAME;
	struct mdbus_writer_opts d = { 0 };
	if (o)
		d = *o;
	if (!d.slot_count) d.slot_count = DEFAULT_SLOTS;
	if (!d.slot_size) d.slot_size = DEFAULT_SLOT_SIZE;
	if (!d.symbol_capacity) d.symbol_capacity = DEFAULT_SYMBOLS;
	if (!d.book_depth) d.book_depth = DEFAULT_DEPTH;
	if (!d.mode) d.mode = DEFAULT_MODE;
	if (!d.stale_after_ms) d.stale_after_ms = DEFAULT_STALE_MS;
	if (!d.reader_slots) d.reader_slots = MDBUS_REG_SLOTS_DEFAULT;
	if ((d.mode & ~0777u) || (d.mode & 0600) != 0600 || d.reader_slots > MDBUS_REG_SLOTS_MAX)
		return MDBUS_E_INVAL;

	mdbus_writer *w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	w->fd = -1;
	w->lock_fd = -1;
	w->reg.fd = -1;
	w->mode = d.mode;
	strcpy(w->feed, feed);
	int rc = mdbus__geom_compute(&w->g, d.slot_size, d.slot_count, d.symbol_capacity, d.book_depth);
	if (rc < 0)
		goto err_free;
	w->g.stale_after_ms = d.stale_after_ms;

	rc = pub_feed_lock_take(feed, d.mode);
	if (rc < 0)
		goto err_free;
	w->lock_fd = rc;

	char name[MDBUS__SHM_NAME_MAX];
	mdbus__shm_name(name, feed, MDBUS__OBJ_DATA);
	struct carry c = { 0, 0, 0 };
	int same = 0;
	rc = attach_existing(w, name, &c, &same);
	if (rc < 0)
		goto err_unlock;
	if (rc == 0) {
		/* An odd generation carried over from a predecessor segment stays odd here:
		 * the "crash while connected is a disconnect" move below applies to both
		 * paths, so readers that follow the name also get its STATUS record. */
		rc = create_segment(w, name, &c);
		if (rc < 0)
			goto err_unlock;
	}
	w->seq = ld_relaxed(&w->ctl->write_seq);
	w->gen = ld_relaxed(&w->ctl->conn_gen);
	w->epoch = c.epoch + 1;
	st_relaxed(&w->ctl->epoch, w->epoch);
	st_relaxed(&w->ctl->publisher_pid, (uint32_t)getpid());
	st_relaxed(&w->ctl->retired, 0);

	/* With the kernel's help (membarrier) a sleeping reader can pay for the StoreLoad
	 * barrier the sleeper handshake needs, so put() carries no fence while nobody
	 * sleeps.  Without it put() always fences. */
	uint32_t flags = 0;
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0) == 0) {
		w->asym = 1;
		flags |= MDBUS_CTL_ASYM_FENCE;
	}
	st_relaxed(&w->ctl->ctl_flags, flags);
	if (mdbus__registry_create(&w->reg, feed, registry_mode(d.mode), d.reader_slots) == 0) {
		w->rh = w->reg.hdr;
		mdbus__registry_reap_sleepers(&w->reg);
		/* Readers may have gone to sleep under a predecessor: the first put wakes. */
		w->woken_epoch = ld_relaxed(&w->rh->sleep_epoch) - 1;
		w->fenced = !w->asym;
		st_release(&w->rh->writer_fenced, (uint32_t)w->fenced);
	}
	mdbus_writer_heartbeat(w);
	st_release(&w->ctl->pub_state, MDBUS_PUB_RUNNING);

	if (w->gen & 1)
		pub_move_generation(w, MDBUS_STATUS_PUBLISHER_START);
	*out = w;
	return 0;

err_unlock:
	if (w->base)
		munmap(w->base, w->g.segment_size);
	if (w->fd >= 0)
		close(w->fd);
	pub_feed_lock_abandon(w->lock_fd, feed);
err_free:
	free(w);
	return rc;
}

/*
 * The writer's half of the sleeper handshake (the reader's is sleep_for_data in
 * reader.c): published slot, then StoreLoad barrier, then load sleep_epoch.  The
 * barrier is the fence below while `fenced`, else the membarrier the sleeping reader
 * issued.  A wake-up is owed only for an epoch value not yet woken for: a reader that
 * bumped it is either seen here, or sees our slot.
 */
static void wake_sleepers(mdbus_writer *w)
{
	struct mdbus_shm_registry *rh = w->rh;
	if (w->fenced)
		fence_seq_cst(); /* pairs with the fence after the reader's epoch bump */
	/* Acquire: the futex bump below must follow the load in every order, so that a
	 * reader whose bump we saw loaded its futex value before our bump (reader.c). */
	uint32_t e = ld_acquire(&rh->sleep_epoch);
	if (e != w->woken_epoch) {
		w->woken_epoch = e;
		w->calm_puts = 0;
		if (!w->fenced) {
			/* Release: a reader that sees 1 and skips membarrier also sees every
			 * slot published before it, and fences are ours from the next put. */
			w->fenced = 1;
			st_release(&rh->writer_fenced, 1);
		}
		__atomic_fetch_add(&w->ctl->data_futex, 1, __ATOMIC_SEQ_CST);
		mdbus__futex_wake_all(&w->ctl->data_futex);
	} else if (w->fenced && w->asym && ++w->calm_puts >= FENCE_LINGER_PUTS) {
		w->fenced = 0;
		st_relaxed(&rh->writer_fenced, 0);
		/* Pairs with the fence after the reader's epoch bump: a reader that still
		 * read 1 (and skipped membarrier) bumped before our later epoch loads. */
		fence_seq_cst();
	}
}

/* Payload bytes each record type needs; RAW is checked by its length. */
static uint32_t payload_need(const struct mdbus_record *r)
{
	switch (r->type) {
	case MDBUS_REC_RAW: return 4 + r->u.raw.len;
	case MDBUS_REC_STATUS: return sizeof(struct mdbus_rec_status);
	case MDBUS_REC_BOOK: return sizeof(struct mdbus_rec_book);
	case MDBUS_REC_TRADE: return sizeof(struct mdbus_rec_trade);
	case MDBUS_REC_TICKER: return sizeof(struct mdbus_rec_ticker);
	case MDBUS_REC_OHLC: return sizeof(struct mdbus_rec_ohlc);
	case MDBUS_REC_INSTRUMENT: return sizeof(struct mdbus_rec_instrument);
	default: return 0;
	}
}

int mdbus_writer_put(mdbus_writer *w, struct mdbus_record *r)
{
	if (!w || !r || r->type == 0)
		return MDBUS_E_INVAL;
	if (payload_need(r) > w->payload || (r->type == MDBUS_REC_RAW && r->u.raw.len > MDBUS_RAW_MAX))
		return MDBUS_E_TOOBIG;
	uint64_t n = w->seq;
	struct mdbus_shm_slot *sl = slot_at(w, n);
	r->seq = n;
	r->gen = w->gen;

	/* Mark slot busy.  Release: a reader whose acquire load sees this odd stamp also
	 * sees write_seq >= n (reader.c, lap check). */
	st_release(&sl->stamp, 2 * n + 1);
	/* Pairs with the reader's acquire fence after its payload copy (reader.c,
	 * try_read): a reader that copied any byte stored below re-reads a stamp that is
	 * no longer 2n' + 2 for the sequence it wanted. */
	fence_release();
	st_relaxed(&sl->gen, r->gen);
	st_relaxed(&sl->exch_ts_ns, r->exch_ts_ns);
	st_relaxed(&sl->recv_ts_ns, r->recv_ts_ns);
	copy_to_shared(&sl->type, &r->type, 8);
	/* Only the bytes the type uses come from the caller; the rest of the slot is
	 * zeroed, so an unzeroed record never leaks publisher memory to readers. */
	uint32_t used = payload_need(r);
	used = used ? (used + 7) & ~7u : w->payload;
	copy_to_shared(sl + 1, r->u.bytes, used);
	zero_shared((uint8_t *)(sl + 1) + used, w->payload - used);
	/* Publish slot.  Pairs with the reader's acquire load of the stamp. */
	st_release(&sl->stamp, 2 * n + 2);
	w->seq = n + 1;
	/* Pairs with readers' acquire loads of write_seq (open position, lap check). */
	st_release(&w->ctl->write_seq, n + 1);

	if (w->rh)
		wake_sleepers(w);
	return 0;
}

uint32_t mdbus_writer_raw_max(const mdbus_writer *w)
{
	uint32_t m = w->payload - 4;
	return m > MDBUS_RAW_MAX ? MDBUS_RAW_MAX : m;
}

/* Move the generation by one and tell everyone: the state word, a STATUS record in
 * the ring (in order with the data), and a wake-up of every gen_futex sleeper. */
int pub_move_generation(mdbus_writer *w, uint32_t reason)
{
	uint64_t g = w->gen + 1;
	w->gen = g;
	/* Move generation: conn_gen first, then gen_futex (release).  Pairs with the
	 * acquire load of gen_futex before conn_gen in mdbus_sub_wait_gen. */
	st_release(&w->ctl->conn_gen, g);
	st_relaxed(&w->ctl->gen_changed_ns, (uint64_t)real_ns());
	st_release(&w->ctl->gen_futex, (uint32_t)g);
	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_STATUS;
	r.symbol = MDBUS_SYMBOL_NONE;
	r.recv_ts_ns = real_ns();
	r.u.status.gen = g;
	r.u.status.epoch = w->epoch;
	r.u.status.connected = (uint32_t)(g & 1);
	r.u.status.reason = reason;
	int rc = mdbus_writer_put(w, &r);
	mdbus__futex_wake_all(&w->ctl->gen_futex);
	mdbus_writer_heartbeat(w);
	return rc;
}

int mdbus_writer_set_connected(mdbus_writer *w, int connected)
{
	if (!w)
		return MDBUS_E_INVAL;
	uint64_t want = connected ? 1 : 0;
	if ((w->gen & 1) == want)
		return 0;
	int rc = pub_move_generation(w, connected ? MDBUS_STATUS_CONNECTED : MDBUS_STATUS_DISCONNECTED);
	return rc < 0 ? rc : 1;
}

uint64_t mdbus_writer_generation(const mdbus_writer *w)
{
	return w->gen;
}

uint64_t mdbus_writer_cursor(const mdbus_writer *w)
{
	return w->seq;
}

uint64_t mdbus_writer_epoch(const mdbus_writer *w)
{
	return w->epoch;
}

void mdbus_writer_heartbeat(mdbus_writer *w)
{
	uint64_t now = mono_ns();
	/* Pairs with the readers' acquire load in publisher_alive (reader.c). */
	st_release(&w->ctl->heartbeat_ns, now);
	/* A reader killed while asleep leaves its sleeper count behind; reclaim it now and
	 * then (one lock probe per sleeping slot, only while the count is non-zero). */
	if (w->rh && ld_relaxed(&w->rh->sleepers) && now - w->last_reap_ns >= 1000000000u) {
		w->last_reap_ns = now;
		mdbus__registry_reap_sleepers(&w->reg);
	}
}

struct mdbus_shm_stats *mdbus_writer_stats(mdbus_writer *w)
{
	return &w->ctl->stats;
}

void mdbus_writer_close(mdbus_writer *w)
{
	if (!w)
		return;
	if (w->gen & 1)
		pub_move_generation(w, MDBUS_STATUS_PUBLISHER_STOP);
	mdbus_writer_heartbeat(w);
	st_release(&w->ctl->pub_state, MDBUS_PUB_STOPPED);
	/* Sleeping readers re-check and see the stopped publisher at once. */
	__atomic_fetch_add(&w->ctl->data_futex, 1, __ATOMIC_SEQ_CST);
	mdbus__futex_wake_all(&w->ctl->data_futex);
	if (w->reg.hdr)
		mdbus__registry_close(&w->reg);
	munmap(w->base, w->g.segment_size);
	close(w->fd);
	pub_feed_lock_release(w->lock_fd);
	free(w);
}

int mdbus_feed_remove(const char *feed)
{
	char name[MDBUS__SHM_NAME_MAX], reg[MDBUS__SHM_NAME_MAX], lock[MDBUS__SHM_NAME_MAX];
	int rc = mdbus__shm_name(name, feed, MDBUS__OBJ_DATA);
	if (rc < 0)
		return rc;
	mdbus__shm_name(reg, feed, MDBUS__OBJ_READERS);
	mdbus__shm_name(lock, feed, MDBUS__OBJ_LOCK);
	int lfd = pub_feed_lock_take(feed, 0600);
	if (lfd < 0)
		return lfd;
	int found = 0;
	int fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
	if (fd >= 0) {
		found = 1;
		struct stat st;
		struct mdbus__geom g;
		if (fstat(fd, &st) == 0 && (uint64_t)st.st_size >= sizeof(struct mdbus_shm_header)) {
			void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (p != MAP_FAILED) {
				if (mdbus__geom_validate(p, (uint64_t)st.st_size, &g) == 0)
					retire((struct mdbus_shm_control *)((uint8_t *)p + g.control_off));
				munmap(p, (size_t)st.st_size);
			}
		}
		close(fd);
		shm_unlink(name);
	}
	if (shm_unlink(reg) == 0)
		found = 1;
	shm_unlink(lock);
	pub_feed_lock_release(lfd);
	return found ? 0 : MDBUS_E_NOFEED;
}
