/*
 * harness.c — one writer process and N reader processes over any transport, and a
 * ping-pong between two processes (see bench.h).
 *
 * Processes: the parent forks the writer, waits until its channel exists, then forks
 * the readers; each child opens its side first and pins itself afterwards (so helper
 * threads a transport starts, such as ZeroMQ's I/O thread, are not pinned with it).
 * Control and results live in one MAP_SHARED anonymous mapping made before the forks.
 *
 * Start: the writer sends PROBE messages every millisecond until every reader has
 * received one (this also covers ZeroMQ's slow joiners), then the measured stream,
 * then END messages (carrying the number of data records written) until every reader
 * has finished.  A reader accounts every data record by its index: delivered, lost
 * (index gaps, including the tail before END), or corrupt (payload check failed, an
 * index going backwards, or a transport whose own lost count disagrees).
 *
 * Timing: the writer stamps a record just before handing it to the transport; the
 * reader stamps just after the transport returned it.  Unpaced (throughput) runs
 * stamp nothing: a stamp costs about as much as a record.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "payload.h"
#include "timing.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define LD(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ST(p, v)  __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_ACQ_REL)

#define START_TIMEOUT_NS (30ull * 1000000000u)
#define END_TIMEOUT_NS   (20ull * 1000000000u)
#define IDLE_TIMEOUT_NS  (30ull * 1000000000u)

const char *const wait_name[WAIT_COUNT] = { "spin", "spin-then-sleep", "sleep" };

uint32_t payload_len_for_slot(uint32_t slot_size)
{
	/* mdbus: 40-byte slot header, then the RAW record's 4-byte length. */
	return slot_size - 40u - 4u;
}

int cpu_writer(void)
{
	return g_opt.ncpus > 0 ? g_opt.cpus[0] : -1;
}

int cpu_reader(int i)
{
	if (g_opt.ncpus <= 0)
		return -1;
	if (g_opt.ncpus == 1)
		return g_opt.cpus[0];
	return g_opt.cpus[1 + i % (g_opt.ncpus - 1)];
}

/* Each benchmark process in a session of its own, as separately started publishers
 * and strategies are: with autogroup scheduling (the default) one session shares one
 * CPU weight, so a writer forked into the same session as 32 readers would get 1/33 of
 * it on a CPU that anything else on the machine also wants. */
void bench_child_start(void)
{
	setsid();
}

static void child_exit(const struct transport *tp, int code) __attribute__((noreturn));

static void child_exit(const struct transport *tp, int code)
{
	if (tp->proc_fini)
		tp->proc_fini(code);
	_exit(code);
}

static int send_msg(const struct transport *tp, void *w, uint32_t len, uint64_t index, uint64_t stamp)
{
	uint8_t *b;
	for (long tries = 0; !(b = tp->w_loan(w, len)); tries++) {
		if (tries > 100000000L)
			return -1;
		relax();
	}
	pl_fill(b, len, index, stamp);
	return tp->w_put(w, len);
}

static void *shared_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Wait for pid with a deadline (mono ns).  1 exited, 0 still running. */
static int reap(pid_t pid, int *status)
{
	int st;
	pid_t r = waitpid(pid, &st, WNOHANG);
	if (r == pid) {
		if (status)
			*status = st;
		return 1;
	}
	return r < 0 && errno == ECHILD;
}

static void kill_and_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* --------------------------------------------------------------- stream */

struct ctl {
	uint32_t writer_ready, writer_failed, readers_ready, readers_done, abort, pad;
	uint64_t written, late, t_start, t_end;
	char err[160];
	struct reader_res r[];
};

static void writer_main(const struct stream_cfg *c, const struct tp_run *run, struct ctl *k)
{
	const struct transport *tp = c->tp;
	bench_child_start();
	if (tp->proc_init)
		tp->proc_init("writer");
	void *w;
	int rc = tp->w_open(run, 0, &w);
	if (rc < 0) {
		snprintf(k->err, sizeof k->err, "%s writer: open failed (%d)", tp->name, rc);
		ST(&k->writer_failed, 1);
		child_exit(tp, 1);
	}
	pin_to_cpu(cpu_writer());
	ST(&k->writer_ready, 1);
	uint32_t len = run->len;
	uint64_t t_limit = mono_now_ns() + START_TIMEOUT_NS;
	while (LD(&k->readers_ready) < (uint32_t)c->nreaders) {
		if (LD(&k->abort) || mono_now_ns() > t_limit) {
			snprintf(k->err, sizeof k->err, "%s: readers did not become ready", tp->name);
			ST(&k->writer_failed, 1);
			tp->w_close(w);
			child_exit(tp, 1);
		}
		send_msg(tp, w, len, PL_PROBE, 0);
		usleep(1000);
	}

	uint64_t i = 0, late = 0;
	uint64_t t0 = stamp_now();
	uint64_t end = t0 + ns_to_ticks((uint64_t)(c->seconds * 1e9));
	ST(&k->t_start, t0);
	if (c->rate == 0) {
		for (;;) {
			for (int b = 0; b < 256; b++, i++) {
				uint8_t *p;
				while (!(p = tp->w_loan(w, len)))
					relax();
				pl_fill(p, len, i, 0);
				tp->w_put(w, len);
			}
			if (stamp_now() >= end)
				break;
		}
	} else if (c->unstamped) {
		/* A preempted writer catches up at full speed (the average rate is the
		 * point here); only a backlog over 10 ms is written off. */
		double period = 1e9 * g_ticks_per_ns / (double)c->rate;
		uint64_t reset_ticks = ns_to_ticks(10000000);
		uint64_t base = t0, k0 = 0;
		for (;;) {
			uint64_t due = base + (uint64_t)((double)(i - k0) * period);
			uint64_t now;
			while ((now = stamp_now()) < due)
				relax();
			if (now >= end)
				break;
			if (now - due > reset_ticks) {
				late++;
				base = now;
				k0 = i;
			}
			for (int b = 0; b < 64; b++, i++) {
				uint8_t *p;
				while (!(p = tp->w_loan(w, len)))
					relax();
				pl_fill(p, len, i, 0);
				tp->w_put(w, len);
			}
		}
	} else {
		struct pacer pc;
		pacer_init(&pc, c->rate, t0);
		uint64_t now;
		for (; pacer_wait(&pc, i, end, &now); i++) {
			uint8_t *p;
			while (!(p = tp->w_loan(w, len)))
				relax();
			pl_fill(p, len, i, now);
			tp->w_put(w, len);
		}
		late = pc.late;
	}
	uint64_t t1 = stamp_now();
	ST(&k->t_end, t1);
	ST(&k->written, i);
	ST(&k->late, late);

	t_limit = mono_now_ns() + END_TIMEOUT_NS;
	do {
		send_msg(tp, w, len, PL_END, i);
		usleep(1000);
	} while (LD(&k->readers_done) < (uint32_t)c->nreaders && !LD(&k->abort) &&
		 mono_now_ns() < t_limit);
	tp->w_close(w);
	child_exit(tp, 0);
}

static void reader_main(const struct stream_cfg *c, const struct tp_run *run, struct ctl *k, int idx)
{
	const struct transport *tp = c->tp;
	struct reader_res *me = &k->r[idx];
	bench_child_start();
	if (tp->proc_init)
		tp->proc_init("reader");
	me->pid = (int32_t)getpid();
	void *r;
	if (tp->r_open(run, 0, c->wait, &r) < 0) {
		me->errors++;
		ADD(&k->readers_done, 1);
		ST(&me->done, 1);
		child_exit(tp, 1);
	}
	pin_to_cpu(cpu_reader(idx));
	uint64_t expect = 0, idle_since = 0, base = 0, prev_seq = 0;
	int have_base = 0, reported = 0;
	/* Paced runs stamp every record (latency); a stamp costs 20-60 ns here, more than
	 * the bus's own read, so unstamped throughput runs take one every 64 records. */
	const int stamped = c->rate && !c->unstamped;
	for (;;) {
		const uint8_t *d;
		uint32_t len;
		uint64_t lost = 0;
		int rc = tp->r_next(r, &d, &len, &lost);
		if (rc == 1) {
			/* first thing after the transport returned, before any checking */
			uint64_t now = stamped ? stamp_now() : 0;
			uint64_t index, stamp, seq = tp->r_seq ? tp->r_seq(r) : 0;
			idle_since = 0;
			me->lost_lib += lost;
			int bad = len != run->len || pl_check(d, len, &index, &stamp) < 0;
			if (!bad && index != PL_PROBE && index != PL_END) {
				/* The transport's own account must agree with the payload's index:
				 * the sequence moves in step, and the lost count equals the gap
				 * (before the first data record it may also cover start-up probes
				 * the reader was lapped past). */
				int odd = tp->reports_lost &&
					  (have_base ? lost != index - expect : lost < index - expect);
				if (tp->r_seq && have_base)
					odd |= seq - index != base || seq - prev_seq != index - expect + 1;
				if (tp->r_seq && !have_base)
					base = seq - index;
				have_base = 1;
				uint64_t before = prev_seq;
				prev_seq = seq;
				if (odd) {
					me->order_err++;
					if (reported++ < 3)
						fprintf(stderr, BENCH_PROG ": %s reader %d: record seq %llu index %llu "
							"(base %llu, previous seq %llu, expected index %llu, lost %llu)\n",
							tp->name, idx, (unsigned long long)seq, (unsigned long long)index,
							(unsigned long long)base, (unsigned long long)before,
							(unsigned long long)expect, (unsigned long long)lost);
				}
			}
			if (!bad && index == PL_END && tp->reports_lost && stamp >= expect && lost != stamp - expect)
				me->order_err++;
			if (tp->r_release)
				tp->r_release(r);
			if (bad) {
				me->corrupt++;
				continue;
			}
			if (index == PL_PROBE) {
				if (!me->ready) {
					me->ready = 1;
					ADD(&k->readers_ready, 1);
				}
				continue;
			}
			if (index == PL_END) {
				if (stamp < expect)
					me->order_err++;
				else
					me->lost += stamp - expect;
				break;
			}
			if (index < expect) {
				me->order_err++;
				continue;
			}
			me->lost += index - expect;
			expect = index + 1;
			me->read++;
			if (stamped || !me->t_first || (me->read & 63) == 0) {
				if (!stamped)
					now = stamp_now();
				if (!me->t_first)
					me->t_first = now;
				me->t_last = now;
				me->read_at_last = me->read;
				if (stamp)
					hist_add(&me->h, ticks_to_ns(now - stamp));
			}
		} else if (rc == 0) {
			if (LD(&k->abort))
				break;
			uint64_t now = mono_now_ns();
			if (!idle_since) {
				idle_since = now;
			} else if (now - idle_since > IDLE_TIMEOUT_NS) {
				me->timed_out = 1;
				break;
			}
		} else if (rc == -2) {
			me->corrupt++;
		} else if (++me->errors > 1000) {
			break;
		}
	}
	me->corrupt += me->order_err;
	tp->r_close(r);
	ST(&me->done, 1);
	ADD(&k->readers_done, 1);
	child_exit(tp, 0);
}

int stream_run(const struct stream_cfg *c, struct stream_out *o)
{
	memset(o, 0, sizeof *o);
	hist_reset(&o->h);
	const struct transport *tp = c->tp;
	int n = c->nreaders;
	if (n > BENCH_MAX_READERS) {
		snprintf(o->err, sizeof o->err, "at most %d readers", BENCH_MAX_READERS);
		return -1;
	}
	struct tp_run run;
	memset(&run, 0, sizeof run);
	run.slot_size = c->slot_size;
	run.slot_count = c->slot_count;
	run.len = payload_len_for_slot(c->slot_size);
	if (tp->setup(&run, 1) < 0) {
		snprintf(o->err, sizeof o->err, "%s: setup failed", tp->name);
		return -1;
	}
	size_t size = sizeof(struct ctl) + (size_t)n * sizeof(struct reader_res);
	struct ctl *k = shared_map(size);
	if (!k) {
		snprintf(o->err, sizeof o->err, "mmap: %s", strerror(errno));
		tp->teardown(&run);
		return -1;
	}
	for (int i = 0; i < n; i++)
		hist_reset(&k->r[i].h);

	pid_t pids[BENCH_MAX_READERS + 1];
	memset(pids, 0, sizeof pids);
	fflush(NULL);
	pid_t wpid = fork();
	if (wpid == 0)
		writer_main(c, &run, k);
	int rc = -1;
	if (wpid < 0) {
		snprintf(o->err, sizeof o->err, "fork: %s", strerror(errno));
		goto out;
	}
	uint64_t limit = mono_now_ns() + START_TIMEOUT_NS;
	while (!LD(&k->writer_ready) && !LD(&k->writer_failed) && mono_now_ns() < limit &&
	       !reap(wpid, NULL))
		usleep(1000);
	if (!LD(&k->writer_ready)) {
		snprintf(o->err, sizeof o->err, "%s", k->err[0] ? k->err : "writer did not start");
		ST(&k->abort, 1);
		kill_and_reap(wpid);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			reader_main(c, &run, k, i);
		if (pids[i] < 0) {
			snprintf(o->err, sizeof o->err, "fork: %s", strerror(errno));
			ST(&k->abort, 1);
			break;
		}
	}
	pids[n] = wpid;
	/* Wait for everyone; a reader that died before it was ready stalls the writer. */
	limit = mono_now_ns() + START_TIMEOUT_NS + END_TIMEOUT_NS + (uint64_t)(c->seconds * 2e9);
	int left = n + 1, killed = 0;
	int exited[BENCH_MAX_READERS + 1] = { 0 };
	while (left > 0) {
		for (int i = 0; i <= n; i++) {
			if (exited[i] || pids[i] <= 0) {
				if (!exited[i] && pids[i] <= 0) {
					exited[i] = 1;
					left--;
				}
				continue;
			}
			int st = 0;
			if (reap(pids[i], &st)) {
				exited[i] = 1;
				left--;
				if (i < n && !k->r[i].ready)
					ST(&k->abort, 1);
				if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
					if (!o->err[0])
						snprintf(o->err, sizeof o->err, "%s %s %d exited abnormally (status 0x%x)",
							 tp->name, i < n ? "reader" : "writer", i, st);
				}
			}
		}
		if (left == 0)
			break;
		if (g_stop)
			ST(&k->abort, 1);
		if (mono_now_ns() > limit) {
			if (!killed) {
				ST(&k->abort, 1);
				limit = mono_now_ns() + 3000000000ull;
				killed = 1;
				snprintf(o->err, sizeof o->err, "%s: run did not finish in time", tp->name);
			} else {
				for (int i = 0; i <= n; i++)
					if (!exited[i] && pids[i] > 0) {
						kill_and_reap(pids[i]);
						exited[i] = 1;
						left--;
					}
			}
		}
		usleep(2000);
	}
	if (LD(&k->writer_failed) && !o->err[0])
		snprintf(o->err, sizeof o->err, "%s", k->err);

	o->written = k->written;
	o->late = k->late;
	double secs = (double)ticks_to_ns(k->t_end - k->t_start) / 1e9;
	o->write_rps = secs > 0 ? (double)k->written / secs : 0;
	o->n = n;
	o->r = calloc((size_t)(n ? n : 1), sizeof *o->r);
	if (!o->r)
		goto out;
	memcpy(o->r, k->r, (size_t)n * sizeof *o->r);
	o->read_rps_min = n ? 1e300 : 0;
	for (int i = 0; i < n; i++) {
		const struct reader_res *x = &k->r[i];
		double rs = (double)ticks_to_ns(x->t_last - x->t_first) / 1e9;
		double rr = rs > 0 && x->read_at_last > 1 ? (double)(x->read_at_last - 1) / rs : 0;
		if (rr < o->read_rps_min)
			o->read_rps_min = rr;
		o->lost += x->lost;
		o->corrupt += x->corrupt;
		if (x->corrupt)
			fprintf(stderr, BENCH_PROG ": %s reader %d: %llu corrupt (%llu order/accounting errors); "
				"lost by index %llu, by the transport %llu; read %llu of %llu\n", tp->name, i,
				(unsigned long long)x->corrupt, (unsigned long long)x->order_err,
				(unsigned long long)x->lost, (unsigned long long)x->lost_lib,
				(unsigned long long)x->read, (unsigned long long)k->written);
		o->timeouts += x->timed_out || !x->done;
		hist_merge(&o->h, &x->h);
	}
	o->ok = !o->err[0] && !LD(&k->writer_failed);
	rc = o->ok ? 0 : -1;
out:
	munmap(k, size);
	tp->teardown(&run);
	return rc;
}

void stream_free(struct stream_out *o)
{
	free(o->r);
	o->r = NULL;
}

void stream_metrics(const char *prefix, const struct stream_out *o, int latency)
{
	if (!o->ok) {
		check_note_failure(prefix, o->err);
		return;
	}
	check_add(prefix, o->written, o->n, o->r);
	m_put(o->write_rps, "%s.write_rps", prefix);
	if (o->n) {
		m_put(o->read_rps_min, "%s.read_rps_min", prefix);
		m_put((double)o->lost, "%s.lost", prefix);
		m_put((double)o->corrupt, "%s.corrupt", prefix);
	}
	if (latency && o->h.count) {
		m_put(hist_quantile(&o->h, 0.50), "%s.p50_ns", prefix);
		m_put(hist_quantile(&o->h, 0.99), "%s.p99_ns", prefix);
		m_put(hist_quantile(&o->h, 0.999), "%s.p999_ns", prefix);
		m_put((double)o->h.max_ns, "%s.max_ns", prefix);
		m_put((double)o->late, "%s.late", prefix);
	}
}

/* ------------------------------------------------------------ ping-pong */

struct ppctl {
	uint32_t a_wready, b_wready, abort, a_fail, b_fail, pad;
	uint64_t rounds, corrupt;
	double mean_ns;
	char err[160];
	struct hist h;
};

/* Next data (or END) message on r: 1 with index, 0 nothing for a while, < 0 error. */
static int pp_recv(const struct transport *tp, void *r, uint32_t len, uint64_t *index, uint64_t *corrupt)
{
	for (;;) {
		const uint8_t *d;
		uint32_t l;
		uint64_t lost, stamp;
		int rc = tp->r_next(r, &d, &l, &lost);
		if (rc == 0)
			return 0;
		if (rc < 0) {
			(*corrupt)++;
			continue;
		}
		int bad = l != len || pl_check(d, l, index, &stamp) < 0;
		if (tp->r_release)
			tp->r_release(r);
		if (bad) {
			(*corrupt)++;
			continue;
		}
		return 1;
	}
}

static void pp_side_a(const struct transport *tp, const struct tp_run *run, int wait, int rounds,
		      struct ppctl *k)
{
	bench_child_start();
	if (tp->proc_init)
		tp->proc_init("ping");
	void *w = NULL, *r = NULL;
	if (tp->w_open(run, 0, &w) < 0) {
		snprintf(k->err, sizeof k->err, "ping: writer open failed");
		ST(&k->a_fail, 1);
		child_exit(tp, 1);
	}
	ST(&k->a_wready, 1);
	uint64_t limit = mono_now_ns() + START_TIMEOUT_NS;
	while (!LD(&k->b_wready) && !LD(&k->abort) && mono_now_ns() < limit)
		usleep(1000);
	if (!LD(&k->b_wready) || tp->r_open(run, 1, wait, &r) < 0) {
		snprintf(k->err, sizeof k->err, "ping: reader open failed");
		ST(&k->a_fail, 1);
		child_exit(tp, 1);
	}
	pin_to_cpu(cpu_writer());
	uint32_t len = run->len;
	uint64_t idx, corrupt = 0;
	/* Until a probe comes back: both directions are connected. */
	for (;;) {
		if (LD(&k->abort) || mono_now_ns() > limit) {
			snprintf(k->err, sizeof k->err, "ping: no echo of the probe");
			ST(&k->a_fail, 1);
			child_exit(tp, 1);
		}
		send_msg(tp, w, len, PL_PROBE, 0);
		if (pp_recv(tp, r, len, &idx, &corrupt) == 1 && idx == PL_PROBE)
			break;
	}
	int warm = rounds / 10 < 2000 ? rounds / 10 : 2000;
	uint64_t t_end = stamp_now() + ns_to_ticks((uint64_t)(g_opt.seconds * 1e9));
	uint64_t tb = 0, done = 0;
	for (int i = -warm; i < rounds; i++) {
		uint64_t t0 = stamp_now();
		if (i == 0)
			tb = t0;
		else if (i > 0 && t0 >= t_end)
			break;
		uint64_t want = (uint64_t)(i + warm);
		send_msg(tp, w, len, want, t0);
		int got = 0;
		while (!got) {
			int rc = pp_recv(tp, r, len, &idx, &corrupt);
			if (rc == 0) {
				if (LD(&k->abort))
					goto end;
				continue;
			}
			if (idx == PL_PROBE)
				continue; /* late echoes of the start-up probes */
			if (idx != want) {
				corrupt++;
				continue;
			}
			got = 1;
		}
		uint64_t t1 = stamp_now();
		if (i >= 0) {
			hist_add(&k->h, ticks_to_ns(t1 - t0));
			done++;
		}
	}
	k->mean_ns = done ? (double)ticks_to_ns(stamp_now() - tb) / (double)done : 0;
end:
	k->rounds = done;
	k->corrupt = corrupt;
	send_msg(tp, w, len, PL_END, done);
	/* Let B see END before our writer goes away (ZeroMQ drops unsent messages). */
	limit = mono_now_ns() + 2000000000ull;
	while (mono_now_ns() < limit) {
		int rc = pp_recv(tp, r, len, &idx, &corrupt);
		if (rc == 1 && idx == PL_END)
			break;
		if (rc == 0)
			send_msg(tp, w, len, PL_END, done);
	}
	tp->r_close(r);
	tp->w_close(w);
	child_exit(tp, 0);
}

static void pp_side_b(const struct transport *tp, const struct tp_run *run, int wait, struct ppctl *k)
{
	bench_child_start();
	if (tp->proc_init)
		tp->proc_init("pong");
	void *w = NULL, *r = NULL;
	if (tp->w_open(run, 1, &w) < 0) {
		ST(&k->b_fail, 1);
		child_exit(tp, 1);
	}
	ST(&k->b_wready, 1);
	uint64_t limit = mono_now_ns() + START_TIMEOUT_NS;
	while (!LD(&k->a_wready) && !LD(&k->abort) && mono_now_ns() < limit)
		usleep(1000);
	if (!LD(&k->a_wready) || tp->r_open(run, 0, wait, &r) < 0) {
		ST(&k->b_fail, 1);
		child_exit(tp, 1);
	}
	pin_to_cpu(cpu_reader(0));
	uint32_t len = run->len;
	uint64_t idle_since = 0;
	for (;;) {
		const uint8_t *d;
		uint32_t l;
		uint64_t lost, index = 0, stamp;
		int rc = tp->r_next(r, &d, &l, &lost);
		if (rc == 0) {
			uint64_t now = mono_now_ns();
			if (LD(&k->abort))
				break;
			if (!idle_since)
				idle_since = now;
			else if (now - idle_since > IDLE_TIMEOUT_NS)
				break;
			continue;
		}
		idle_since = 0;
		if (rc < 0)
			continue;
		int ok = l == len && pl_check(d, l, &index, &stamp) == 0;
		if (ok) {
			uint8_t *p;
			while (!(p = tp->w_loan(w, len)))
				relax();
			memcpy(p, d, len);
			tp->w_put(w, len);
		}
		if (tp->r_release)
			tp->r_release(r);
		if (ok && index == PL_END)
			break;
	}
	tp->r_close(r);
	tp->w_close(w);
	child_exit(tp, 0);
}

int pingpong_run(const struct transport *tp, uint32_t slot_size, int wait, int rounds,
		 struct pingpong_out *o)
{
	memset(o, 0, sizeof *o);
	hist_reset(&o->h);
	struct tp_run run;
	memset(&run, 0, sizeof run);
	run.slot_size = slot_size;
	run.slot_count = g_opt.slots;
	run.len = payload_len_for_slot(slot_size);
	if (tp->setup(&run, 2) < 0) {
		snprintf(o->err, sizeof o->err, "%s: setup failed", tp->name);
		return -1;
	}
	struct ppctl *k = shared_map(sizeof *k);
	if (!k) {
		tp->teardown(&run);
		return -1;
	}
	hist_reset(&k->h);
	fflush(NULL);
	pid_t a = fork();
	if (a == 0)
		pp_side_a(tp, &run, wait, rounds, k);
	pid_t b = a > 0 ? fork() : -1;
	if (b == 0)
		pp_side_b(tp, &run, wait, k);
	uint64_t limit = mono_now_ns() + START_TIMEOUT_NS + END_TIMEOUT_NS + (uint64_t)(g_opt.seconds * 4e9);
	int da = a <= 0, db = b <= 0, sa = 0, sb = 0;
	while (!da || !db) {
		if (!da && reap(a, &sa))
			da = 1;
		if (!db && reap(b, &sb))
			db = 1;
		if ((da && !WIFEXITED(sa)) || (db && !WIFEXITED(sb)) || LD(&k->a_fail) || LD(&k->b_fail) || g_stop)
			ST(&k->abort, 1);
		if (mono_now_ns() > limit) {
			ST(&k->abort, 1);
			usleep(500000);
			if (!da)
				kill_and_reap(a);
			if (!db)
				kill_and_reap(b);
			snprintf(o->err, sizeof o->err, "%s ping-pong did not finish in time", tp->name);
			break;
		}
		usleep(2000);
	}
	if (!o->err[0] && (LD(&k->a_fail) || LD(&k->b_fail) || a < 0 || b < 0))
		snprintf(o->err, sizeof o->err, "%s", k->err[0] ? k->err : "ping-pong failed to start");
	o->rounds = k->rounds;
	o->corrupt = k->corrupt;
	o->mean_ns = k->mean_ns;
	hist_merge(&o->h, &k->h);
	o->ok = !o->err[0] && o->rounds > 0;
	munmap(k, sizeof *k);
	tp->teardown(&run);
	return o->ok ? 0 : -1;
}
