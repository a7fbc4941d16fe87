/*
 * mode_e2e.c — the whole path: mdbus-mock-exchange (synthetic market, a stated frame
 * rate) -> the real mdbus-publisher over ws and wss -> a reader of its feed.
 *
 *   e2e.<ws|wss>.*        latency from "frame sent" to "record read": the mock stamps
 *                         each data frame with CLOCK_REALTIME when it writes it (RFC 3339,
 *                         microseconds), the reader computes now - exch_ts_ns on the last
 *                         record of each book and trade message; also publisher receive
 *                         -> record read (recv_ts_ns); publisher CPU per frame
 *                         (/proc/<pid>/schedstat, ns; /proc/<pid>/stat utime+stime too)
 *   e2e.ceiling.<ws|wss>  the mock at --rate 0 (as fast as the socket takes): frames/s
 *                         the publisher ingests and the share of one core it uses
 *                         (no reader attached)
 *   e2e.parse.*           in-process: one typical 25-level book update through
 *                         pub_session_on_frame (kp_parse + book + checksum + 25 ring
 *                         records + book publish) against cJSON_Parse of the same bytes
 */
#define _GNU_SOURCE
#include "bench.h"
#include "e2e_frames.h"
#include "timing.h"

#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include "kraken_parse.h"
#include "pub_config.h"
#include "pub_log.h"
#include "pub_session.h"
#include "pub_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYMBOLS "BTC/USD,ETH/USD"
#define START_MS 20000

struct child {
	pid_t pid;
	int out;            /* stdout pipe (mock) or -1 */
	char log[128];
};

static int spawn(struct child *c, char *const argv[], int capture, const char *tag)
{
	int fds[2] = { -1, -1 };
	memset(c, 0, sizeof *c);
	c->out = -1;
	snprintf(c->log, sizeof c->log, "/tmp/mdbus-bench-%d-%s.log", (int)getpid(), tag);
	if (capture && pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		bench_child_start();
		int fd = open(c->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		if (capture)
			dup2(fds[1], 1);
		else if (fd >= 0)
			dup2(fd, 1);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (capture)
		close(fds[1]);
	if (pid < 0) {
		if (capture)
			close(fds[0]);
		return -errno;
	}
	c->pid = pid;
	c->out = capture ? fds[0] : -1;
	return 0;
}

static int read_line(struct child *c, char *buf, size_t cap, int timeout_ms)
{
	size_t n = 0;
	uint64_t limit = mono_now_ns() + (uint64_t)timeout_ms * 1000000u;
	while (n + 1 < cap) {
		struct pollfd p = { c->out, POLLIN, 0 };
		int left = (int)((limit - mono_now_ns()) / 1000000u);
		if (mono_now_ns() >= limit || poll(&p, 1, left > 0 ? left : 1) <= 0) {
			if (mono_now_ns() >= limit)
				return -1;
			continue;
		}
		char ch;
		if (read(c->out, &ch, 1) != 1)
			return -1;
		if (ch == '\n')
			break;
		buf[n++] = ch;
	}
	buf[n] = '\0';
	return (int)n;
}

static void stop(struct child *c, int keep_log)
{
	if (c->pid > 0) {
		kill(c->pid, SIGTERM);
		int gone = 0;
		for (int i = 0; i < 500 && !gone; i++) {
			if (waitpid(c->pid, NULL, WNOHANG) == c->pid)
				gone = 1;
			else
				usleep(10000);
		}
		if (!gone) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, NULL, 0);
		}
	}
	if (c->out >= 0)
		close(c->out);
	if (!keep_log && c->log[0])
		unlink(c->log);
	c->pid = 0;
	c->out = -1;
}

static void show_log(const struct child *c, const char *what)
{
	FILE *f = fopen(c->log, "r");
	if (!f)
		return;
	fprintf(stderr, BENCH_PROG ": --- %s log (%s) ---\n", what, c->log);
	char line[512];
	int n = 0;
	while (fgets(line, sizeof line, f) && n++ < 40)
		fputs(line, stderr);
	fclose(f);
}

/* Open the feed and wait until the publisher is connected and subscribed. */
static int open_live(const char *feed, int flags, pid_t pub, mdbus_sub **out)
{
	uint64_t limit = mono_now_ns() + (uint64_t)START_MS * 1000000u;
	*out = NULL;
	while (mono_now_ns() < limit) {
		if (waitpid(pub, NULL, WNOHANG) == pub)
			return -1;
		if (!*out && mdbus_sub_open(out, feed, flags) < 0) {
			usleep(10000);
			continue;
		}
		struct mdbus_status st;
		if (mdbus_sub_status(*out, &st) == 0 && st.connected)
			return 0;
		usleep(10000);
	}
	return -1;
}

struct e2e_res {
	struct hist lat, pub;      /* sent -> read; publisher receive -> read */
	uint64_t frames, cpu_ns, cpu_stat_ns;
	double secs;
	uint64_t read, lost, corrupt, written;
	int ok;
};

/* One mock + publisher pair; rate 0 = ceiling (no records read, nothing pinned).
 * Otherwise the mock and the publisher are pinned to the writer's CPU and this
 * process, the reader, to a reader CPU, waiting in mode `wait`. */
static int e2e_once(int tls, uint64_t rate, double seconds, int wait, struct e2e_res *res, const char *tag)
{
	memset(res, 0, sizeof *res);
	hist_reset(&res->lat);
	hist_reset(&res->pub);
	char feed[64], cert[128], rate_s[32], port_s[32], url[160], line[64];
	snprintf(feed, sizeof feed, "mdbus-bench-e2e.%d", (int)getpid());
	snprintf(cert, sizeof cert, "/tmp/mdbus-bench-%d-cert.pem", (int)getpid());
	snprintf(rate_s, sizeof rate_s, "%llu", (unsigned long long)rate);
	mdbus_feed_remove(feed);

	char *margv[16];
	int k = 0;
	margv[k++] = (char *)g_opt.mock;
	margv[k++] = "--port";
	margv[k++] = "0";
	margv[k++] = "--synthetic";
	margv[k++] = "--symbols";
	margv[k++] = SYMBOLS;
	margv[k++] = "--rate";
	margv[k++] = rate_s;
	margv[k++] = "--seed";
	margv[k++] = "1";
	margv[k++] = "--log-level";
	margv[k++] = "error";
	if (tls) {
		margv[k++] = "--tls";
		margv[k++] = "--cert-out";
		margv[k++] = cert;
	}
	margv[k] = NULL;
	struct child mock, pub;
	memset(&pub, 0, sizeof pub);
	pub.out = -1;
	mdbus_sub *s = NULL;
	int rc = -1;
	if (spawn(&mock, margv, 1, "mock") < 0) {
		fprintf(stderr, BENCH_PROG ": e2e: cannot start %s\n", g_opt.mock);
		return -1;
	}
	if (read_line(&mock, line, sizeof line, START_MS) <= 0 || atoi(line) <= 0) {
		fprintf(stderr, BENCH_PROG ": e2e: the mock exchange printed no port\n");
		show_log(&mock, "mock exchange");
		goto out;
	}
	snprintf(port_s, sizeof port_s, "%d", atoi(line));
	snprintf(url, sizeof url, "%s://%s:%s/v2", tls ? "wss" : "ws", tls ? "localhost" : "127.0.0.1", port_s);

	char *pargv[20];
	k = 0;
	pargv[k++] = (char *)g_opt.publisher;
	pargv[k++] = "--feed";
	pargv[k++] = feed;
	pargv[k++] = "--url";
	pargv[k++] = url;
	pargv[k++] = "--symbols";
	pargv[k++] = SYMBOLS;
	pargv[k++] = "--channels";
	pargv[k++] = "book,trade,ticker";
	pargv[k++] = "--log-level";
	pargv[k++] = "error";
	if (tls) {
		pargv[k++] = "--ca-file";
		pargv[k++] = cert;
	}
	pargv[k] = NULL;
	if (spawn(&pub, pargv, 0, "publisher") < 0) {
		fprintf(stderr, BENCH_PROG ": e2e: cannot start %s\n", g_opt.publisher);
		goto out;
	}
	int ceiling = rate == 0;
	int flags = ceiling ? MDBUS_SUB_NO_REGISTRY
		  : wait == WAIT_SPIN ? MDBUS_SUB_WAIT_SPIN : wait == WAIT_SLEEP ? MDBUS_SUB_WAIT_SLEEP : 0;
	if (!ceiling) {
		pin_pid_to_cpu(mock.pid, cpu_writer());
		pin_pid_to_cpu(pub.pid, cpu_writer());
		pin_to_cpu(cpu_reader(0));
	}
	if (open_live(feed, flags, pub.pid, &s) < 0) {
		fprintf(stderr, BENCH_PROG ": e2e %s: the publisher did not connect and subscribe\n", tag);
		show_log(&pub, "publisher");
		show_log(&mock, "mock exchange");
		goto out;
	}
	/* Let the snapshots pass, then skip to the newest record. */
	struct mdbus_record r;
	uint64_t settle = mono_now_ns() + 300000000ull;
	while (!ceiling && mono_now_ns() < settle)
		mdbus_sub_next(s, &r, 10);
	struct mdbus_info i0, i1;
	struct mdbus_status st0, st1;
	uint64_t cpu0 = 0, stat0 = 0, cpu1 = 0, stat1 = 0;
	mdbus_sub_info(s, &i0);
	mdbus_sub_status(s, &st0);
	uint64_t pos0 = st0.next_seq;
	proc_cpu_ns(pub.pid, &cpu0, &stat0);
	uint64_t t0 = mono_now_ns(), t_end = t0 + (uint64_t)(seconds * 1e9);
	if (ceiling) {
		while (mono_now_ns() < t_end)
			usleep(10000);
	} else {
		while (mono_now_ns() < t_end) {
			int n = mdbus_sub_next(s, &r, 50);
			if (n == MDBUS_E_CORRUPT) {
				res->corrupt++;
				continue;
			}
			if (n != 1)
				continue;
			int64_t now = real_now_ns();
			res->read++;
			res->lost += r.lost;
			if (r.type < MDBUS_REC_RAW || r.type > MDBUS_REC_INSTRUMENT)
				res->corrupt++;
			if (!(r.flags & MDBUS_F_MSG_END) || (r.type != MDBUS_REC_BOOK && r.type != MDBUS_REC_TRADE))
				continue;
			if (r.exch_ts_ns > 0 && now > r.exch_ts_ns)
				hist_add(&res->lat, (uint64_t)(now - r.exch_ts_ns));
			if (r.recv_ts_ns > 0 && now > r.recv_ts_ns)
				hist_add(&res->pub, (uint64_t)(now - r.recv_ts_ns));
		}
	}
	uint64_t t1 = mono_now_ns();
	proc_cpu_ns(pub.pid, &cpu1, &stat1);
	mdbus_sub_info(s, &i1);
	res->secs = (double)(t1 - t0) / 1e9;
	res->frames = i1.stats.frames - i0.stats.frames;
	res->cpu_ns = cpu1 - cpu0;
	res->cpu_stat_ns = stat1 - stat0;
	/* Account for every record written since the window opened: stop the
	 * publisher, then drain what is left. */
	stop(&pub, 0);
	if (!ceiling) {
		while (mdbus_sub_next(s, &r, 0) == 1) {
			res->read++;
			res->lost += r.lost;
		}
		mdbus_sub_status(s, &st1);
		res->written = st1.write_seq - pos0;
	}
	res->ok = 1;
	rc = 0;
out:
	unpin(g_opt.cpus, g_opt.ncpus);
	if (s)
		mdbus_sub_close(s);
	stop(&pub, rc < 0);
	stop(&mock, rc < 0);
	unlink(cert);
	mdbus_feed_remove(feed);
	return rc;
}

/* --------------------------------------------------- parse + normalize cost */

static volatile uint64_t g_sink;

struct parse_ctx {
	struct pub_config cfg;
	struct pub_state st;
	mdbus_writer *w;
	char feed[64];
	char update[4096];
	size_t update_len;
};

static int parse_setup(struct parse_ctx *p)
{
	memset(p, 0, sizeof *p);
	pub_log_set_level(PUB_LOG_ERROR);
	pub_config_defaults(&p->cfg);
	snprintf(p->feed, sizeof p->feed, "mdbus-bench-parse.%d", (int)getpid());
	snprintf(p->cfg.feed, sizeof p->cfg.feed, "%s", p->feed);
	snprintf(p->cfg.symbols[0], sizeof p->cfg.symbols[0], "%s", FRAME_SYMBOL);
	p->cfg.nsymbols = 1;
	p->cfg.depth = FRAME_DEPTH;
	mdbus_feed_remove(p->feed);
	struct mdbus_writer_opts o;
	memset(&o, 0, sizeof o);
	o.book_depth = FRAME_DEPTH;
	o.symbol_capacity = 16;
	o.mode = 0600;
	if (mdbus_writer_open(&p->w, p->feed, &o) < 0)
		return -1;
	if (pub_session_init(&p->st, &p->cfg, p->w) < 0)
		return -1;
	pub_session_on_connected(&p->st, 0);
	static char f[16384];
	size_t n = frame_instrument(f, sizeof f);
	pub_session_on_frame(&p->st, f, n, real_now_ns());
	struct kb_book *b = kb_new(FRAME_DEPTH, FRAME_PRICE_PREC, FRAME_QTY_PREC);
	if (!b)
		return -1;
	n = frame_book_snapshot(f, sizeof f, b);
	pub_session_on_frame(&p->st, f, n, real_now_ns());
	p->update_len = frame_book_update(p->update, sizeof p->update, b);
	kb_free(b);
	/* The update must take the normal path: decoded, applied, checksum verified. */
	struct mdbus_shm_stats *x = mdbus_writer_stats(p->w);
	uint64_t ok0 = x->checksum_ok_seq;
	pub_session_on_frame(&p->st, p->update, p->update_len, real_now_ns());
	pub_session_on_frame(&p->st, p->update, p->update_len, real_now_ns());
	if (x->checksum_ok_seq != ok0 + 2 || x->parse_errors_seq || x->checksum_failed_seq) {
		fprintf(stderr, BENCH_PROG ": e2e parse: the test frame does not take the verified path\n");
		return -1;
	}
	return 0;
}

static void parse_teardown(struct parse_ctx *p)
{
	pub_session_free(&p->st);
	if (p->w)
		mdbus_writer_close(p->w);
	mdbus_feed_remove(p->feed);
}

static int kp_lookup(void *ctx, const char *s, size_t len, struct kp_symbol_info *out)
{
	(void)ctx;
	if (len != strlen(FRAME_SYMBOL) || memcmp(s, FRAME_SYMBOL, len) != 0)
		return -1;
	out->id = 0;
	out->price_prec = FRAME_PRICE_PREC;
	out->qty_prec = FRAME_QTY_PREC;
	return 0;
}

enum { P_NORMALIZE, P_KP, P_CJSON, P_COUNT };

/* Median over batches of the mean ns per frame. */
static double parse_time(struct parse_ctx *p, struct kp_msg *m, int which, int iters)
{
	double v[7];
	for (int b = 0; b < 7; b++) {
		uint64_t t0 = stamp_now();
		for (int i = 0; i < iters; i++) {
			switch (which) {
			case P_NORMALIZE:
				pub_session_on_frame(&p->st, p->update, p->update_len, 1);
				break;
			case P_KP:
				g_sink += (uint64_t)kp_parse(m, p->update, p->update_len, kp_lookup, NULL);
				break;
			default: {
				cJSON *root = cJSON_ParseWithLength(p->update, p->update_len);
				g_sink += root != NULL;
				cJSON_Delete(root);
				break;
			}
			}
		}
		v[b] = (double)ticks_to_ns(stamp_now() - t0) / iters;
	}
	for (int i = 1; i < 7; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[3];
}

static int parse_cost(void)
{
	static struct parse_ctx p;
	struct kp_msg *m = kp_msg_new();
	int rc = -1;
	if (!m || parse_setup(&p) < 0)
		goto out;
	pin_to_cpu(cpu_writer());
	int iters = g_opt.quick ? 2000 : 20000;
	double t[P_COUNT];
	for (int w = 0; w < P_COUNT; w++)
		t[w] = parse_time(&p, m, w, iters);
	struct mdbus_shm_stats *x = mdbus_writer_stats(p.w);
	if (x->checksum_failed_seq || x->parse_errors_seq) {
		fprintf(stderr, BENCH_PROG ": e2e parse: frames failed during the measurement\n");
		goto out;
	}
	m_put(t[P_NORMALIZE], "e2e.parse.normalize_ns");
	m_put(t[P_KP], "e2e.parse.kp_parse_ns");
	m_put(t[P_CJSON], "e2e.parse.cjson_ns");
	m_put(t[P_CJSON] / t[P_NORMALIZE], "e2e.parse.ratio_cjson");
	m_put((double)p.update_len, "e2e.parse.frame_bytes");
	rc = 0;
out:
	unpin(g_opt.cpus, g_opt.ncpus);
	parse_teardown(&p);
	kp_msg_free(m);
	if (rc < 0)
		check_note_failure("e2e.parse", "parse+normalize measurement failed");
	return rc;
}

/* ----------------------------------------------------------------- mode */

static int have(const char *path, const char *what)
{
	if (path && access(path, X_OK) == 0)
		return 1;
	m_skip("e2e", "%s not found (%s); build it or pass --%s PATH", what, path ? path : "?",
	       strcmp(what, "mdbus-publisher") == 0 ? "publisher" : "mock");
	return 0;
}

int mode_e2e(void)
{
	int fails = parse_cost() < 0;
	if (m_skipped("e2e") || !have(g_opt.publisher, "mdbus-publisher") || !have(g_opt.mock, "mdbus-mock-exchange"))
		return fails ? -1 : 0;
	static const int waits[] = { WAIT_DEFAULT, WAIT_SPIN };
	static const char *const wkey[] = { "default", "spin" };
	for (int tls = 0; tls < 2; tls++) {
		const char *t = tls ? "wss" : "ws";
		char key[64];
		struct e2e_res r;
		for (int wi = 0; wi < 2; wi++) {
			snprintf(key, sizeof key, "e2e.%s.%s", t, wkey[wi]);
			if (e2e_once(tls, g_opt.e2e_rate, g_opt.e2e_seconds, waits[wi], &r, t) < 0) {
				check_note_failure(key, "end-to-end run failed");
				fails++;
				continue;
			}
			struct reader_res rr;
			memset(&rr, 0, sizeof rr);
			rr.read = r.read;
			rr.lost = r.lost;
			rr.corrupt = r.corrupt;
			check_add(key, r.written, 1, &rr);
			if (r.lat.count) {
				m_put(hist_quantile(&r.lat, 0.5), "%s.p50_ns", key);
				m_put(hist_quantile(&r.lat, 0.99), "%s.p99_ns", key);
				m_put(hist_quantile(&r.lat, 0.999), "%s.p999_ns", key);
				m_put((double)r.lat.max_ns, "%s.max_ns", key);
				m_put(hist_quantile(&r.pub, 0.5), "%s.pub_p50_ns", key);
				m_put(hist_quantile(&r.pub, 0.99), "%s.pub_p99_ns", key);
				m_put((double)r.lat.count, "%s.samples", key);
			}
			if (r.frames) {
				m_put((double)r.cpu_ns / (double)r.frames, "%s.cpu_ns_per_frame", key);
				m_put((double)r.cpu_stat_ns / (double)r.frames, "%s.cpu_stat_ns_per_frame", key);
				m_put((double)r.frames / r.secs, "%s.fps", key);
			}
		}
		snprintf(key, sizeof key, "e2e.ceiling.%s", t);
		if (e2e_once(tls, 0, g_opt.e2e_seconds, WAIT_DEFAULT, &r, t) == 0 && r.frames) {
			m_put((double)r.frames / r.secs, "%s.fps", key);
			m_put((double)r.cpu_ns / 1e9 / r.secs, "%s.cpu_cores", key);
			m_put((double)r.cpu_ns / (double)r.frames, "%s.cpu_ns_per_frame", key);
			m_put((double)r.cpu_ns / (double)r.frames * 200000 / 1e9, "%s.cores_at_200k", key);
		} else {
			check_note_failure(key, "ceiling run failed");
			fails++;
		}
	}
	return fails ? -1 : 0;
}

void report_e2e(FILE *o)
{
	char a[64], b[64], c[64], d[64], e[64];
	fprintf(o, "\n== e2e: mock exchange -> mdbus-publisher -> reader (median [min..max] of %d reps)\n", g_opt.reps);
	fprintf(o, "   parse + normalize one %.0f-byte, 25-level book update (pub_session_on_frame: kp_parse,\n"
		   "   book apply + checksum, 25 ring records, book publish), pinned to CPU %d:\n",
		m_med("e2e.parse.frame_bytes"), cpu_writer());
	fprintf(o, "   %-40s %s\n", "parse + normalize", fmt_ns(a, sizeof a, "e2e.parse.normalize_ns"));
	fprintf(o, "   %-40s %s\n", "kp_parse alone", fmt_ns(a, sizeof a, "e2e.parse.kp_parse_ns"));
	fprintf(o, "   %-40s %s\n", "cJSON_Parse + cJSON_Delete", fmt_ns(a, sizeof a, "e2e.parse.cjson_ns"));
	fprintf(o, "   %-40s %s\n", "cJSON / (parse + normalize)", fmt_ratio(a, sizeof a, "e2e.parse.ratio_cjson"));
	if (m_skipped("e2e")) {
		fprintf(o, "   live runs skipped: %s\n", m_skipped("e2e"));
		return;
	}
	fprintf(o, "\n   live, synthetic BTC/USD + ETH/USD (book, trade, ticker) at %llu frames/s for %.1f s; the mock\n"
		   "   and the publisher pinned to CPU %d, the reader to CPU %d; latency = the reader's CLOCK_REALTIME\n"
		   "   minus the mock's frame timestamp (microsecond text: up to 1 us high), on the last record of\n"
		   "   each book and trade message; 'rx->read' starts at the publisher's receive time instead\n",
		(unsigned long long)g_opt.e2e_rate, g_opt.e2e_seconds, cpu_writer(), cpu_reader(0));
	fprintf(o, "   %-28s %-16s %-16s %-16s %-16s %-18s %s\n", "", "p50", "p99", "p99.9", "max",
		"rx->read p50", "publisher CPU/frame");
	for (int tls = 0; tls < 2; tls++)
		for (int wi = 0; wi < 2; wi++) {
			const char *t = tls ? "wss" : "ws", *w = wi ? "spin" : "default";
			char k[6][64], label[32];
			snprintf(k[0], 64, "e2e.%s.%s.p50_ns", t, w);
			snprintf(k[1], 64, "e2e.%s.%s.p99_ns", t, w);
			snprintf(k[2], 64, "e2e.%s.%s.p999_ns", t, w);
			snprintf(k[3], 64, "e2e.%s.%s.max_ns", t, w);
			snprintf(k[4], 64, "e2e.%s.%s.pub_p50_ns", t, w);
			snprintf(k[5], 64, "e2e.%s.%s.cpu_ns_per_frame", t, w);
			snprintf(label, sizeof label, "%s, %s reader", t, wi ? "spinning" : "spin-then-sleep");
			char f[64];
			fprintf(o, "   %-28s %-16s %-16s %-16s %-16s %-18s %s\n", label, fmt_ns(a, sizeof a, k[0]),
				fmt_ns(b, sizeof b, k[1]), fmt_ns(c, sizeof c, k[2]), fmt_ns(d, sizeof d, k[3]),
				fmt_ns(e, sizeof e, k[4]), fmt_ns(f, sizeof f, k[5]));
		}
	fprintf(o, "\n   ceiling: mock at --rate 0, no reader attached\n");
	fprintf(o, "   %-6s %-26s %-26s %-18s %s\n", "", "frames/s ingested", "publisher CPU (cores)", "CPU/frame",
		"cores for 200 k/s");
	for (int tls = 0; tls < 2; tls++) {
		const char *t = tls ? "wss" : "ws";
		char k[4][64];
		snprintf(k[0], 64, "e2e.ceiling.%s.fps", t);
		snprintf(k[1], 64, "e2e.ceiling.%s.cpu_cores", t);
		snprintf(k[2], 64, "e2e.ceiling.%s.cpu_ns_per_frame", t);
		snprintf(k[3], 64, "e2e.ceiling.%s.cores_at_200k", t);
		fprintf(o, "   %-6s %-26s %-26s %-18s %s\n", t, fmt_rate(a, sizeof a, k[0]), fmt_num(b, sizeof b, k[1], "", 1, 2),
			fmt_ns(c, sizeof c, k[2]), fmt_num(d, sizeof d, k[3], "", 1, 2));
	}
	fprintf(o, "   (the mock and the publisher share the %d CPUs; the mock's own cost bounds the ceiling)\n",
		g_opt.ncpus);
}
