/*
 * camp_kill.c — processes killed at random moments.
 *
 * kill_publisher: the real publisher is SIGKILLed at random moments (during start,
 *   handshake, subscription or live data) while 8 reader processes read; the
 *   campaign acts as the supervisor and restarts it each time.
 * kill_writer:    the same with a ring writer that writes self-checking RAW records
 *   as fast as it can, so that kills land in the middle of slot writes: any torn
 *   record a reader accepted would fail its byte-for-byte check.
 * kill_readers:   reader processes are SIGKILLed at random (some while asleep in
 *   the kernel, some while opening); the publisher must not notice, and their
 *   registry slots must be reclaimed.
 */
#define _GNU_SOURCE
#include "faults.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NREADERS 8

/* ------------------------------------------------- self-checking records */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Every byte of the record is a function of its sequence number. */
static void raw_fill(struct mdbus_record *r, uint64_t seq, uint32_t raw_max)
{
	memset(r, 0, sizeof *r);
	uint64_t k = mix(seq + 1);
	r->type = MDBUS_REC_RAW;
	r->flags = (uint16_t)k;
	r->symbol = (uint32_t)(k >> 16);
	r->exch_ts_ns = (int64_t)(k >> 1);
	r->recv_ts_ns = (int64_t)seq;
	r->u.raw.len = (uint32_t)((k >> 48) % (raw_max + 1));
	for (uint32_t i = 0; i < r->u.raw.len; i++)
		r->u.raw.data[i] = (uint8_t)(mix(k + i) >> 56);
}

static int raw_ok(const struct mdbus_record *r, uint32_t raw_max)
{
	struct mdbus_record e;
	raw_fill(&e, r->seq, raw_max);
	return r->type == e.type && r->flags == e.flags && r->symbol == e.symbol && r->exch_ts_ns == e.exch_ts_ns &&
	       r->recv_ts_ns == e.recv_ts_ns && memcmp(r->u.bytes, e.u.bytes, sizeof e.u.bytes) == 0;
}

/* --------------------------------------------------------------- readers */

enum rmode { R_PUBLISHER, R_RAW };

struct reader_sum {
	uint64_t records, lost, statuses, bad, order, corrupt, next_seq, write_seq;
	int opened;
	char err[200];
};

static volatile sig_atomic_t g_stop;

static void on_term(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* Consistency of a publisher record: fields that a torn copy (bytes of two writes)
 * or a misdelivered slot would break.  Returns NULL or what is wrong. */
static const char *pub_record_problem(const struct mdbus_record *r, uint64_t *last_status_gen, uint64_t *last_epoch)
{
	if (r->flags & ~0x7Fu)
		return "unknown flag bits";
	switch (r->type) {
	case MDBUS_REC_STATUS: {
		const struct mdbus_rec_status *x = &r->u.status;
		if (x->gen != r->gen || x->connected != (x->gen & 1) || x->reason < 1 || x->reason > 4)
			return "STATUS fields disagree";
		if (x->gen <= *last_status_gen && *last_status_gen)
			return "STATUS generation repeated or went back";
		if (x->epoch < *last_epoch)
			return "publisher epoch went back";
		*last_status_gen = x->gen;
		*last_epoch = x->epoch;
		return r->symbol == MDBUS_SYMBOL_NONE ? NULL : "STATUS with a symbol";
	}
	case MDBUS_REC_BOOK:
		if (r->u.book.side > 1 || r->u.book.price < 0 || r->u.book.qty < 0 || r->symbol >= 256)
			return "BOOK level out of range";
		return NULL;
	case MDBUS_REC_TRADE:
		if (r->u.trade.side > 1 || r->u.trade.price <= 0 || r->u.trade.qty <= 0 || r->u.trade.ord_type > 2 ||
		    r->symbol >= 256 || r->exch_ts_ns <= 0)
			return "TRADE out of range";
		return NULL;
	case MDBUS_REC_TICKER:
	case MDBUS_REC_OHLC:
		return r->symbol < 256 ? NULL : "symbol out of range";
	case MDBUS_REC_INSTRUMENT: {
		const struct mdbus_rec_instrument *x = &r->u.instrument;
		if (!memchr(x->name, 0, sizeof x->name) || !x->name[0] || x->price_precision < 0 ||
		    x->price_precision > 18 || x->qty_precision < 0 || x->qty_precision > 18 || x->status < 1 ||
		    x->status > 4)
			return "INSTRUMENT out of range";
		return NULL;
	}
	default:
		return "unknown record type";
	}
}

static void reader_child(const char *feed, enum rmode mode, int flags, int out_fd)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	struct reader_sum sum;
	memset(&sum, 0, sizeof sum);
	mdbus_sub *s = NULL;
	uint64_t end = now_ms() + 60000;
	while (mdbus_sub_open(&s, feed, flags) < 0) {
		if (g_stop || now_ms() > end)
			goto done;
		usleep(2000);
	}
	sum.opened = 1;
	struct mdbus_info info;
	mdbus_sub_info(s, &info);
	uint32_t raw_max = info.slot_size - 44 < MDBUS_RAW_MAX ? info.slot_size - 44 : MDBUS_RAW_MAX;
	uint64_t prev = 0, prev_gen = 0, last_status_gen = 0, last_epoch = 0;
	int have = 0;
	struct mdbus_record r;
	for (;;) {
		int rc = mdbus_sub_next(s, &r, 100);
		if (rc == MDBUS_E_CORRUPT) {
			sum.corrupt++;
			continue;
		}
		if (rc < 0) {
			if (!sum.bad++)
				snprintf(sum.err, sizeof sum.err, "mdbus_sub_next: %s", mdbus_strerror(rc));
			continue;
		}
		if (rc == 0) {
			if (g_stop) {
				struct mdbus_status st;
				mdbus_sub_status(s, &st);
				if (st.next_seq >= st.write_seq && !st.publisher_alive)
					break;
			}
			continue;
		}
		sum.records++;
		sum.lost += r.lost;
		if (have && (r.seq != prev + 1 + r.lost || r.gen < prev_gen)) {
			if (!sum.order++)
				snprintf(sum.err, sizeof sum.err, "seq %llu (gen %llu) after %llu (gen %llu), lost %llu",
					 (unsigned long long)r.seq, (unsigned long long)r.gen, (unsigned long long)prev,
					 (unsigned long long)prev_gen, (unsigned long long)r.lost);
		}
		prev = r.seq;
		prev_gen = r.gen;
		have = 1;
		const char *why = NULL;
		if (mode == R_RAW) {
			if (!raw_ok(&r, raw_max))
				why = "RAW record differs from its sequence's content (torn)";
		} else {
			why = pub_record_problem(&r, &last_status_gen, &last_epoch);
			sum.statuses += r.type == MDBUS_REC_STATUS;
		}
		if (why && !sum.bad++)
			snprintf(sum.err, sizeof sum.err, "seq %llu type %u: %s", (unsigned long long)r.seq, r.type, why);
	}
	struct mdbus_status st;
	mdbus_sub_status(s, &st);
	sum.next_seq = st.next_seq;
	sum.write_seq = st.write_seq;
	mdbus_sub_close(s);
done:
	if (write(out_fd, &sum, sizeof sum) != (ssize_t)sizeof sum)
		_exit(3);
	_exit(0);
}

struct reader_proc {
	pid_t pid;
	int fd;
	int status;
	struct reader_sum sum;
	int got;
};

static int spawn_reader(struct reader_proc *p, const char *feed, enum rmode mode, int flags)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(pfd[0]);
		reader_child(feed, mode, flags, pfd[1]);
	}
	close(pfd[1]);
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->fd = pfd[0];
	return 0;
}

/* Stop the readers and collect what each saw; a reader that does not finish
 * within the deadline is a hang. */
static void collect_readers(struct reader_proc *rp, int n, const char *what, uint64_t *records, uint64_t *lost)
{
	for (int i = 0; i < n; i++)
		kill(rp[i].pid, SIGTERM);
	uint64_t end = now_ms() + 30000;
	for (int i = 0; i < n; i++) {
		struct pollfd pf = { rp[i].fd, POLLIN, 0 };
		uint64_t now = now_ms();
		int left = now < end ? (int)(end - now) : 0;
		if (poll(&pf, 1, left) == 1 && read(rp[i].fd, &rp[i].sum, sizeof rp[i].sum) == (ssize_t)sizeof rp[i].sum)
			rp[i].got = 1;
		close(rp[i].fd);
		if (!rp[i].got)
			kill(rp[i].pid, SIGKILL);
		waitpid(rp[i].pid, &rp[i].status, 0);
		const struct reader_sum *s = &rp[i].sum;
		FT_CHECK(rp[i].got, "%s reader %d hung (no summary within 30 s)", what, i);
		FT_CHECK(WIFEXITED(rp[i].status) && WEXITSTATUS(rp[i].status) == 0, "%s reader %d ended with status %d",
			 what, i, rp[i].status);
		if (!rp[i].got)
			continue;
		FT_CHECK(s->opened && s->records > 0, "%s reader %d read nothing", what, i);
		FT_CHECK(s->bad == 0, "%s reader %d: %llu bad records: %s", what, i, (unsigned long long)s->bad, s->err);
		FT_CHECK(s->order == 0, "%s reader %d: %llu order errors: %s", what, i, (unsigned long long)s->order, s->err);
		FT_CHECK(s->corrupt == 0, "%s reader %d: %llu slots reported corrupt", what, i, (unsigned long long)s->corrupt);
		FT_CHECK(s->next_seq == s->write_seq, "%s reader %d stopped at %llu of %llu", what, i,
			 (unsigned long long)s->next_seq, (unsigned long long)s->write_seq);
		*records += s->records;
		*lost += s->lost;
	}
}

static uint64_t seed_from_env(void)
{
	const char *e = getenv("MDBUS_FAULT_SEED");
	uint64_t seed = e ? strtoull(e, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	printf("random seed %llu (set MDBUS_FAULT_SEED to repeat)\n", (unsigned long long)seed);
	return seed ? seed : 1;
}

/* --------------------------------------------------------- kill_publisher */

int camp_kill_publisher(long kills)
{
	struct ft_rig r;
	struct proc pub;
	memset(&pub, 0, sizeof pub);
	ft_rig_init(&r, "killpub");
	struct reader_proc rp[NREADERS];
	int nr = 0;
	long done = 0, live_kills = 0;
	uint64_t records = 0, lost = 0, epoch = 0, rnd = seed_from_env();
	mdbus_sub *s = NULL;

	static const char *const mflags[] = { "--synthetic", "--symbols", "BTC/USD,ETH/USD", "--rate", "1000", "--seed",
					      "9", NULL };
	FT_CHECK(ft_mock_start(&r, mflags) == 0, "mock start");
	if (ft_failed)
		goto out;
	for (nr = 0; nr < NREADERS; nr++) {
		int fl = (nr & 1 ? MDBUS_SUB_WAIT_SLEEP : 0) | (nr & 2 ? MDBUS_SUB_FROM_OLDEST : 0);
		if (spawn_reader(&rp[nr], r.feed, R_PUBLISHER, fl) < 0)
			break;
	}
	FT_CHECK(nr == NREADERS, "only %d readers started", nr);
	static const char *const pflags[] = { "--symbols", "BTC/USD,ETH/USD", "--channels", "book,trade,ticker",
					      "--backoff-min", "10", "--backoff-max", "50", "--log-level", "warn", NULL };
	for (; done < kills && !ft_failed; done++) {
		FT_CHECK(ft_pub_start(&r, &pub, pflags) == 0, "publisher start");
		/* Anywhere from exec through open, handshake, subscription and live data. */
		uint64_t delay = ft_rand(&rnd) % 3 == 0 ? ft_rand(&rnd) % 100 : ft_rand(&rnd) % 800;
		uint64_t until = now_ms() + delay;
		while (now_ms() < until && !proc_wait(&pub, 0))
			usleep(1000);
		FT_CHECK(!proc_wait(&pub, 0), "publisher exited by itself (status %d)", pub.status);
		if (!s)
			mdbus_sub_open(&s, r.feed, MDBUS_SUB_NO_REGISTRY);
		live_kills += s && (ft_gen(s) & 1);
		kill(pub.pid, SIGKILL);
		proc_wait(&pub, 10000);
		unlink(pub.log);
	}
	/* One last run to the end: live, then a clean stop. */
	FT_CHECK(ft_pub_start(&r, &pub, pflags) == 0, "publisher start");
	if (!s)
		ft_open_sub(r.feed, MDBUS_SUB_NO_REGISTRY, &s, FT_DEADLINE_MS, &pub);
	FT_CHECK(s && ft_wait_gen(s, ft_gen(s) | 1, FT_DEADLINE_MS) && (ft_gen(s) & 1), "not live after the kills");
	usleep(300000);
	kill(pub.pid, SIGTERM);
	FT_CHECK(proc_wait(&pub, 10000) && WIFEXITED(pub.status) && WEXITSTATUS(pub.status) == 0, "final stop: status %d",
		 pub.status);
	if (s) {
		struct mdbus_status st;
		mdbus_sub_status(s, &st);
		epoch = st.epoch;
		/* One epoch per publisher that got as far as opening the feed. */
		FT_CHECK(st.epoch >= 1 && st.epoch <= (uint64_t)kills + 1, "epoch %llu after %ld kills",
			 (unsigned long long)st.epoch, kills);
	}
out:
	collect_readers(rp, nr, "publisher-kill", &records, &lost);
	mdbus_sub_close(s);
	ft_rig_stop(&r, &pub);
	printf("kill_publisher: %ld kills (%ld while live), epoch %llu, %d readers read %llu records, lost %llu\n", done,
	       live_kills, (unsigned long long)epoch, nr, (unsigned long long)records, (unsigned long long)lost);
	return ft_result("kill_publisher",
			 "8 reader processes: no crash, no hang (each drained to the cursor and exited), no inconsistent "
			 "record, sequence numbers and generations never repeat; the restarted publisher always goes live",
			 "%ld SIGKILLs (%ld while live), %llu records read", done, live_kills, (unsigned long long)records);
}

/* ----------------------------------------------------------- kill_writer */

static void raw_writer_child(const char *feed, uint64_t limit)
{
	struct mdbus_writer_opts o = { .slot_count = 1024 };
	mdbus_writer *w = NULL;
	int rc;
	uint64_t end = now_ms() + 10000;
	while ((rc = mdbus_writer_open(&w, feed, &o)) == MDBUS_E_LOCKED && now_ms() < end)
		usleep(1000);
	if (rc < 0) {
		fprintf(stderr, "raw writer: %s\n", mdbus_strerror(rc));
		_exit(2);
	}
	uint32_t raw_max = mdbus_writer_raw_max(w);
	struct mdbus_record r;
	for (uint64_t i = 0; !limit || i < limit; i++) {
		raw_fill(&r, mdbus_writer_cursor(w), raw_max);
		if (mdbus_writer_put(w, &r) < 0)
			_exit(3);
		if ((i & 255) == 255) {
			mdbus_writer_heartbeat(w);
			usleep(500); /* about 250k records/s: readers both keep up and get lapped */
		}
	}
	mdbus_writer_close(w);
	_exit(0);
}

int camp_kill_writer(long kills)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	snprintf(feed, sizeof feed, "ft-killw-%d", (int)getpid());
	mdbus_feed_remove(feed);
	struct reader_proc rp[NREADERS];
	int nr = 0;
	long done = 0;
	uint64_t records = 0, lost = 0, rnd = seed_from_env();
	for (nr = 0; nr < NREADERS; nr++) {
		int fl = (nr & 1 ? MDBUS_SUB_WAIT_SLEEP : 0) | MDBUS_SUB_FROM_OLDEST;
		if (spawn_reader(&rp[nr], feed, R_RAW, fl) < 0)
			break;
	}
	FT_CHECK(nr == NREADERS, "only %d readers started", nr);
	for (; done <= kills; done++) {
		pid_t pid = fork();
		if (pid == 0)
			raw_writer_child(feed, done == kills ? 50000 : 0);
		FT_CHECK(pid > 0, "fork");
		if (pid < 0)
			break;
		int st = 0;
		if (done == kills) {
			/* The last writer finishes and closes cleanly. */
			FT_CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
				 "last writer status %d", st);
			break;
		}
		/* Small delays land in the open (creation, reattach, repair), larger
		 * ones in the middle of puts. */
		uint64_t us = ft_rand(&rnd) % 4 == 0 ? ft_rand(&rnd) % 2000 : ft_rand(&rnd) % 100000;
		usleep((useconds_t)us);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		FT_CHECK(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) == 0), "writer failed by itself: status %d", st);
	}
	collect_readers(rp, nr, "writer-kill", &records, &lost);
	mdbus_feed_remove(feed);
	printf("kill_writer: %ld kills, %d readers read %llu records (each checked byte for byte), lost to laps %llu\n",
	       done, nr, (unsigned long long)records, (unsigned long long)lost);
	return ft_result("kill_writer",
			 "8 reader processes on a self-checking RAW stream: zero torn records (every byte checked against "
			 "its sequence number), sequence numbers never repeat, laps reported as lost, no hang",
			 "%ld SIGKILLs, %llu records checked", done, (unsigned long long)records);
}

/* ---------------------------------------------------------- kill_readers */

static void idle_reader_child(const char *feed, int flags)
{
	mdbus_sub *s = NULL;
	while (mdbus_sub_open(&s, feed, flags) < 0)
		usleep(1000);
	mdbus_sub_set_name(s, "ft-victim");
	struct mdbus_record r;
	for (;;)
		mdbus_sub_next(s, &r, 50);
}

static pid_t spawn_victim(const char *feed, int sleepy)
{
	pid_t pid = fork();
	if (pid == 0)
		idle_reader_child(feed, sleepy ? MDBUS_SUB_WAIT_SLEEP : 0);
	return pid;
}

/* Slot of pid in the registry if it is listed alive, else -1; *max_slot tracks the
 * highest slot index in use. */
static int registry_slot(const char *feed, pid_t pid, uint32_t *max_slot, int *alive, int *listed)
{
	struct mdbus_reader_info ri[MDBUS_REG_SLOTS_DEFAULT];
	int n = mdbus_readers_list(feed, ri, MDBUS_REG_SLOTS_DEFAULT);
	int slot = -1;
	if (alive)
		*alive = 0;
	if (listed)
		*listed = n;
	for (int i = 0; i < n && i < (int)MDBUS_REG_SLOTS_DEFAULT; i++) {
		if (ri[i].alive && max_slot && ri[i].slot > *max_slot)
			*max_slot = ri[i].slot;
		if (ri[i].alive && alive)
			(*alive)++;
		if (ri[i].alive && ri[i].pid == (uint32_t)pid)
			slot = (int)ri[i].slot;
	}
	return slot;
}

static int wait_registered(const char *feed, pid_t pid, uint32_t *max_slot)
{
	uint64_t end = now_ms() + 10000;
	while (now_ms() < end) {
		if (registry_slot(feed, pid, max_slot, NULL, NULL) >= 0)
			return 1;
		usleep(2000);
	}
	return 0;
}

/* registry.sleepers must equal the number of slots whose `sleeping` word is set. */
static int sleepers_consistent(const char *feed, uint32_t *sleepers, uint32_t *flagged)
{
	char name[128];
	snprintf(name, sizeof name, "/mdbus.%s.readers", feed);
	int fd = shm_open(name, O_RDONLY, 0);
	if (fd < 0)
		return 0;
	size_t size = sizeof(struct mdbus_shm_registry) + MDBUS_REG_SLOTS_DEFAULT * sizeof(struct mdbus_shm_reader);
	const struct mdbus_shm_registry *h = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (h == MAP_FAILED)
		return 0;
	const struct mdbus_shm_reader *sl = (const struct mdbus_shm_reader *)(h + 1);
	*sleepers = __atomic_load_n(&h->sleepers, __ATOMIC_ACQUIRE);
	*flagged = 0;
	for (uint32_t i = 0; i < h->reader_slots && i < MDBUS_REG_SLOTS_DEFAULT; i++)
		*flagged += __atomic_load_n(&sl[i].sleeping, __ATOMIC_ACQUIRE) != 0;
	munmap((void *)h, size);
	return *sleepers == *flagged;
}

int camp_kill_readers(long kills)
{
	enum { C = 4 };
	struct ft_rig r;
	struct proc pub;
	memset(&pub, 0, sizeof pub);
	ft_rig_init(&r, "killrd");
	pid_t victims[C] = { 0 };
	mdbus_sub *s = NULL;
	long done = 0, in_open = 0, asleep = 0, spawned = 0;
	uint32_t max_slot = 0;
	uint64_t rnd = seed_from_env();

	static const char *const mflags[] = { "--synthetic", "--symbols", "BTC/USD", "--rate", "50", NULL };
	FT_CHECK(ft_mock_start(&r, mflags) == 0, "mock start");
	static const char *const pflags[] = { "--symbols", "BTC/USD", "--log-level", "warn", NULL };
	FT_CHECK(!ft_failed && ft_pub_start(&r, &pub, pflags) == 0, "publisher start");
	FT_CHECK(!ft_failed && ft_open_sub(r.feed, MDBUS_SUB_NO_REGISTRY, &s, FT_DEADLINE_MS, &pub) == 0, "reader open");
	FT_CHECK(!ft_failed && ft_wait_gen(s, 1, FT_DEADLINE_MS), "never live");
	if (ft_failed)
		goto out;
	struct mdbus_stats before = ft_stats(s);
	for (int i = 0; i < C; i++) {
		victims[i] = spawn_victim(r.feed, i & 1);
		spawned++;
		FT_CHECK(wait_registered(r.feed, victims[i], &max_slot), "reader %d never registered", i);
	}
	for (; done < kills && !ft_failed; done++) {
		int i = (int)(ft_rand(&rnd) % C);
		int during_open = ft_rand(&rnd) % 5 == 0;
		if (during_open) {
			/* Kill a fresh reader within its first milliseconds: in mdbus_sub_open,
			 * possibly half-way through claiming a registry slot. */
			kill(victims[i], SIGKILL);
			waitpid(victims[i], NULL, 0);
			victims[i] = spawn_victim(r.feed, i & 1);
			spawned++;
			usleep((useconds_t)(ft_rand(&rnd) % 3000));
			in_open++;
		} else {
			usleep((useconds_t)(ft_rand(&rnd) % 100000));
			/* A sleepy reader between records is most likely inside its futex wait. */
			asleep += i & 1;
		}
		kill(victims[i], SIGKILL);
		waitpid(victims[i], NULL, 0);
		victims[i] = spawn_victim(r.feed, i & 1);
		spawned++;
		FT_CHECK(wait_registered(r.feed, victims[i], &max_slot),
			 "replacement reader %ld found no registry slot (dead slots not reclaimed?)", done);
		FT_CHECK(max_slot <= C + 1, "registry slot %u in use with %d live readers: slots are not reused", max_slot, C);
	}
	/* The publisher did not notice: same connection, nothing refused, still going. */
	uint64_t f0 = ft_stats(s).frames;
	usleep(500000);
	struct mdbus_stats after = ft_stats(s);
	FT_CHECK(!proc_wait(&pub, 0), "publisher died");
	FT_CHECK(ft_gen(s) == 1, "publisher reconnected (gen %llu)", (unsigned long long)ft_gen(s));
	FT_CHECK(after.frames > f0, "publisher stopped receiving (%llu frames)", (unsigned long long)after.frames);
	FT_CHECK(after.put_errors == before.put_errors && after.reconnects == before.reconnects,
		 "put errors %llu, reconnects %llu", (unsigned long long)after.put_errors,
		 (unsigned long long)after.reconnects);
	/* Everyone dead, then a fresh set: they take the lowest slots again, and the
	 * sleeper count matches the slots that say they sleep. */
	for (int i = 0; i < C; i++) {
		kill(victims[i], SIGKILL);
		waitpid(victims[i], NULL, 0);
		victims[i] = 0;
	}
	for (int i = 0; i < C; i++) {
		victims[i] = spawn_victim(r.feed, 0);
		FT_CHECK(wait_registered(r.feed, victims[i], NULL), "fresh reader %d not registered", i);
	}
	int alive = 0, listed = 0;
	uint32_t top = 0;
	registry_slot(r.feed, 0, &top, &alive, &listed);
	FT_CHECK(alive == C && top < C + 2, "%d alive readers, highest slot %u, %d listed", alive, top, listed);
	for (int i = 0; i < C; i++) {
		kill(victims[i], SIGKILL);
		waitpid(victims[i], NULL, 0);
		victims[i] = 0;
	}
	/* Claim every slot once more with a clean close, so that nothing is left from
	 * the dead; then the sleeper count must be exactly zero. */
	mdbus_sub *tmp[C + 2] = { NULL };
	for (int i = 0; i < C + 2; i++)
		mdbus_sub_open(&tmp[i], r.feed, 0);
	for (int i = 0; i < C + 2; i++)
		mdbus_sub_close(tmp[i]);
	uint32_t sleepers = 0, flagged = 0;
	FT_CHECK(sleepers_consistent(r.feed, &sleepers, &flagged) && sleepers == 0,
		 "registry says %u sleepers, %u slots flagged asleep", sleepers, flagged);
	printf("kill_readers: %ld kills (%ld while opening, %ld sleepy), %ld readers started, highest slot %u\n", done,
	       in_open, asleep, spawned, max_slot);
out:
	for (int i = 0; i < C; i++)
		if (victims[i] > 0) {
			kill(victims[i], SIGKILL);
			waitpid(victims[i], NULL, 0);
		}
	mdbus_sub_close(s);
	ft_rig_stop(&r, &pub);
	return ft_result("kill_readers",
			 "publisher unaffected (same connection, still receiving, no put errors); every replacement reader "
			 "got a registry slot, slots reused (highest index <= readers + 1), sleeper count exact afterwards",
			 "%ld reader SIGKILLs (%ld during open)", done, in_open);
}
