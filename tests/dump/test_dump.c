/*
 * test_dump.c — integration tests of mdbus-dump: real processes on real shm segments.
 *
 *   test_dump --dump PATH --writer PATH --reader PATH --expected DIR [TEST]
 *
 * Each test starts its own deterministic publisher (dump_writer) on a feed named after
 * the test and our pid, runs mdbus-dump as a child, checks exit code, stderr and output
 * (text against masked golden files in DIR, JSON parsed back with cJSON), and removes
 * the feed.  With TEST only that test runs (one CTest entry per test).  Exit 0 pass,
 * 1 fail, 77 skipped (no usable /dev/shm).  Waits poll a condition with a deadline;
 * nothing sleeps to synchronise.
 */
#define _GNU_SOURCE
#include <mdbus/writer.h>

#include "golden.h"
#include "proc.h"

#include <CUnit/Basic.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DUMP_TIMEOUT_MS   30000
#define READY_TIMEOUT_MS  10000
#define POLL_TIMEOUT_MS   10000
#define SLOTS             64

static const char *g_dump, *g_writer, *g_reader, *g_expected;
static int g_skipped;

/* Check c; on failure record it and leave the test through `out:` (cleanup). */
#define REQUIRE(c) do { \
		int ok_ = !!(c); \
		CU_assertImplementation(ok_, __LINE__, #c, __FILE__, "", CU_FALSE); \
		if (!ok_) \
			goto out; \
	} while (0)
#define CHECK(c) CU_ASSERT(c)

/* ------------------------------------------------------------- fixture */

struct fx {
	char         feed[80];
	struct child w;
	pid_t        writer_pid;
	unsigned long long cursor;     /* writer's write_seq after the last command */
	int          running;
};

static void feed_name(char *buf, size_t n, const char *tag)
{
	snprintf(buf, n, "dumpt.%s.%ld", tag, (long)getpid());
}

static void remove_feed(const char *feed)
{
	char name[128];

	mdbus_feed_remove(feed);
	/* a crafted, corrupt segment may have defeated the library's removal */
	snprintf(name, sizeof name, "/mdbus.%s", feed);
	shm_unlink(name);
	snprintf(name, sizeof name, "/mdbus.%s.readers", feed);
	shm_unlink(name);
	snprintf(name, sizeof name, "/mdbus.%s.lock", feed);
	shm_unlink(name);
}

/* Start the writer; 0 ready, 77 skip, -1 failure. */
static int fx_begin(struct fx *f, const char *tag)
{
	char *argv[] = { (char *)g_writer, f->feed, NULL };
	char line[256];
	long pid;
	int got;

	memset(f, 0, sizeof *f);
	feed_name(f->feed, sizeof f->feed, tag);
	remove_feed(f->feed);
	if (child_start(&f->w, argv, 1, 1) < 0)
		return -1;
	f->running = 1;
	got = child_read_line(&f->w, line, sizeof line, READY_TIMEOUT_MS);
	if (got == 1 && sscanf(line, "ready %llu %ld", &f->cursor, &pid) == 2) {
		f->writer_pid = (pid_t)pid;
		return 0;
	}
	child_wait(&f->w, 5000);
	f->running = 0;
	if (f->w.reaped && WIFEXITED(f->w.status) && WEXITSTATUS(f->w.status) == 77) {
		g_skipped = 1;
		return 77;
	}
	fprintf(stderr, "dump_writer did not become ready (got %d: %s)\n", got, got == 1 ? line : "");
	return -1;
}

/* Send a command and return the writer's cursor from "ok N", or -1. */
static long long fx_cmd(struct fx *f, const char *cmd)
{
	char line[256];

	if (child_send(&f->w, cmd) < 0 || child_read_line(&f->w, line, sizeof line, READY_TIMEOUT_MS) != 1 ||
	    sscanf(line, "ok %llu", &f->cursor) != 1)
		return -1;
	return (long long)f->cursor;
}

/* "crash" (no clean close) or "close"; waits for the writer to exit. */
static int fx_stop(struct fx *f, const char *how)
{
	if (!f->running)
		return -1;
	if (child_send(&f->w, how) < 0 || child_wait(&f->w, READY_TIMEOUT_MS) < 0)
		return -1;
	f->running = 0;
	return WIFEXITED(f->w.status) && WEXITSTATUS(f->w.status) == 0 ? 0 : -1;
}

static void fx_end(struct fx *f)
{
	child_kill(&f->w);
	f->running = 0;
	if (f->feed[0])
		remove_feed(f->feed);
}

/* Start a test that needs a publisher; on 77 the test returns quietly as skipped. */
#define FX_BEGIN(f, tag) do { \
		int rc_ = fx_begin((f), (tag)); \
		if (rc_ == 77) { \
			fx_end(f); \
			return; \
		} \
		REQUIRE(rc_ == 0); \
	} while (0)

/* ------------------------------------------------------------- running dump */

/* Run mdbus-dump with `--feed feed` (if feed) and the NULL-terminated args. */
static int dumpv(struct run *r, const char *feed, ...)
{
	char *argv[32];
	int n = 0;
	va_list ap;
	const char *a;

	argv[n++] = (char *)g_dump;
	if (feed) {
		argv[n++] = (char *)"--feed";
		argv[n++] = (char *)feed;
	}
	va_start(ap, feed);
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	if (run_cmd(argv, DUMP_TIMEOUT_MS, r) < 0)
		return -1;
	if (r->signaled || r->timed_out) {
		int i;

		fprintf(stderr, "killed by signal %d%s:", WIFSIGNALED(r->status) ? WTERMSIG(r->status) : 0,
			r->timed_out ? " (timeout)" : "");
		for (i = 0; i < n; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "\nstderr: %s\n", r->err);
	}
	return 0;
}

/* ------------------------------------------------------------- JSON access */

/* Item at a dotted path ("publisher.pid"), or NULL. */
static cJSON *jget(cJSON *root, const char *path)
{
	char buf[128], *save = NULL, *tok;
	cJSON *cur = root;

	snprintf(buf, sizeof buf, "%s", path);
	for (tok = strtok_r(buf, ".", &save); cur && tok; tok = strtok_r(NULL, ".", &save))
		cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
	return cur;
}

static int jnum_is(cJSON *root, const char *path, double want)
{
	cJSON *it = jget(root, path);
	int ok = cJSON_IsNumber(it) && it->valuedouble == want;

	if (!ok)
		fprintf(stderr, "json %s: want %.17g, got %s\n", path, want,
			it ? (cJSON_IsNumber(it) ? "another number" : "a non-number") : "nothing");
	return ok;
}

static int jstr_is(cJSON *root, const char *path, const char *want)
{
	cJSON *it = jget(root, path);
	int ok = cJSON_IsString(it) && strcmp(it->valuestring, want) == 0;

	if (!ok)
		fprintf(stderr, "json %s: want \"%s\", got %s\n", path, want,
			cJSON_IsString(it) ? it->valuestring : "(not a string)");
	return ok;
}

static int jbool_is(cJSON *root, const char *path, int want)
{
	cJSON *it = jget(root, path);
	int ok = cJSON_IsBool(it) && (cJSON_IsTrue(it) ? 1 : 0) == want;

	if (!ok)
		fprintf(stderr, "json %s: want %s\n", path, want ? "true" : "false");
	return ok;
}

/* Exactly one line on stderr, nothing on stdout, the given exit code, no crash. */
static int one_line_failure(const struct run *r, int code)
{
	int ok = !r->signaled && !r->timed_out && r->code == code && r->out_len == 0 &&
		 count_lines(r->err) == 1 && r->err[r->err_len - 1] == '\n';

	if (!ok)
		fprintf(stderr, "want exit %d with one stderr line; got exit %d signaled %d, "
			"stdout [%s] stderr [%s]\n", code, r->code, r->signaled, r->out, r->err);
	return ok;
}

static int ok_run(const struct run *r)
{
	int ok = !r->signaled && !r->timed_out && r->code == 0 && r->err_len == 0;

	if (!ok)
		fprintf(stderr, "want exit 0 and no stderr; got exit %d signaled %d stderr [%s]\n",
			r->code, r->signaled, r->err);
	return ok;
}

/* ------------------------------------------------------------------ status */

static void should_print_status_golden(void)
{
	struct fx f;
	struct run r = { 0 }, r2 = { 0 };
	char *a = NULL, *b = NULL;

	FX_BEGIN(&f, "status");
	REQUIRE(dumpv(&r, f.feed, "status", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(golden_check(g_expected, "status.txt", r.out, f.feed));
	/* status is the default command */
	REQUIRE(dumpv(&r2, f.feed, NULL) == 0);
	REQUIRE(ok_run(&r2));
	a = golden_mask(r.out, f.feed);
	b = golden_mask(r2.out, f.feed);
	CHECK(strcmp(a, b) == 0);
out:
	free(a);
	free(b);
	run_free(&r);
	run_free(&r2);
	fx_end(&f);
}

static void should_print_status_json_with_exact_counters(void)
{
	struct fx f;
	struct run r = { 0 };
	cJSON *j = NULL;
	cJSON *age;

	FX_BEGIN(&f, "statusjson");
	REQUIRE(dumpv(&r, f.feed, "--json", "status", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(count_lines(r.out) == 1);
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	CHECK(jstr_is(j, "feed", f.feed));
	CHECK(jnum_is(j, "layout.major", MDBUS_LAYOUT_MAJOR));
	CHECK(jnum_is(j, "layout.minor", MDBUS_LAYOUT_MINOR));
	CHECK(jnum_is(j, "slots", SLOTS));
	CHECK(jnum_is(j, "slot_size", 128));
	CHECK(jnum_is(j, "symbol_capacity", 16));
	CHECK(jnum_is(j, "book_depth", 10));
	CHECK(jnum_is(j, "write_seq", 28));
	CHECK(jnum_is(j, "generation", 1));
	CHECK(jbool_is(j, "connected", 1));
	CHECK(jnum_is(j, "connection", 1));
	CHECK(jstr_is(j, "generation_meaning", "connected, 1st connection"));
	CHECK(jnum_is(j, "publisher.pid", f.writer_pid));
	CHECK(jnum_is(j, "publisher.epoch", 1));
	CHECK(jbool_is(j, "publisher.alive", 1));
	CHECK(jstr_is(j, "publisher.state", "alive"));
	age = jget(j, "publisher.heartbeat_age_ms");
	CHECK(cJSON_IsNumber(age) && age->valuedouble >= 0 && age->valuedouble < 5000);
	CHECK(jnum_is(j, "stats.records", 28));
	CHECK(jnum_is(j, "stats.frames", 1000));
	CHECK(jnum_is(j, "stats.parse_errors", 3));
	CHECK(jnum_is(j, "stats.checksum_ok", 5));
	CHECK(jnum_is(j, "stats.checksum_failed", 1));
	CHECK(jnum_is(j, "stats.resyncs", 1));
	CHECK(jnum_is(j, "stats.reconnects", 2));
	CHECK(jnum_is(j, "stats.drops", 4));
	CHECK(jnum_is(j, "stats.nonjson", 6));
	CHECK(jnum_is(j, "stats.unknown_channel", 7));
	CHECK(jnum_is(j, "stats.oversized", 8));
	CHECK(jnum_is(j, "stats.rejected_subs", 9));
	CHECK(jnum_is(j, "stats.heartbeats", 30));
	CHECK(jnum_is(j, "stats.watchdog", 10));
	CHECK(jnum_is(j, "stats.handshake_fail", 11));
	CHECK(jnum_is(j, "stats.put_errors", 12));
	CHECK(cJSON_IsNumber(jget(j, "stats.bytes")));
	/* 2^53 + 1 has no double: cJSON cannot tell, the text must carry every digit */
	CHECK(strstr(r.out, "\"bytes\":9007199254740993") != NULL);
out:
	cJSON_Delete(j);
	run_free(&r);
	fx_end(&f);
}

static void should_say_publisher_dead_after_crash(void)
{
	struct fx f;
	struct run r = { 0 }, t = { 0 };
	cJSON *j = NULL;

	FX_BEGIN(&f, "dead");
	REQUIRE(fx_stop(&f, "crash") == 0);
	REQUIRE(dumpv(&r, f.feed, "--json", "status", NULL) == 0);
	REQUIRE(ok_run(&r));
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	CHECK(jbool_is(j, "publisher.alive", 0));
	CHECK(jstr_is(j, "publisher.state", "dead"));
	CHECK(jnum_is(j, "generation", 1));    /* as the dead publisher left it */
	CHECK(jnum_is(j, "write_seq", 28));
	REQUIRE(dumpv(&t, f.feed, "status", NULL) == 0);
	REQUIRE(ok_run(&t));
	CHECK(strstr(t.out, ", dead, heartbeat") != NULL);
	/* everything else still reads from a dead publisher's segment */
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "tail", "3", NULL) == 0);
	CHECK(ok_run(&r) && count_lines(r.out) == 3);
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "book", "BTC/USD", NULL) == 0);
	CHECK(ok_run(&r));
out:
	cJSON_Delete(j);
	run_free(&r);
	run_free(&t);
	fx_end(&f);
}

static void should_say_publisher_stopped_after_clean_close(void)
{
	struct fx f;
	struct run r = { 0 }, t = { 0 };
	cJSON *j = NULL;

	FX_BEGIN(&f, "stopped");
	REQUIRE(fx_stop(&f, "close") == 0);
	REQUIRE(dumpv(&r, f.feed, "--json", "status", NULL) == 0);
	REQUIRE(ok_run(&r));
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	CHECK(jbool_is(j, "publisher.alive", 0));
	CHECK(jstr_is(j, "publisher.state", "stopped"));
	CHECK(jnum_is(j, "generation", 2));    /* a clean stop is a disconnect */
	CHECK(jbool_is(j, "connected", 0));
	CHECK(jstr_is(j, "generation_meaning", "disconnected, after 1 connection"));
	REQUIRE(dumpv(&t, f.feed, "status", NULL) == 0);
	REQUIRE(ok_run(&t));
	CHECK(strstr(t.out, ", stopped cleanly, heartbeat") != NULL);
	CHECK(strstr(t.out, "generation  2: disconnected") != NULL);
out:
	cJSON_Delete(j);
	run_free(&r);
	run_free(&t);
	fx_end(&f);
}

static void should_redraw_status_until_sigint(void)
{
	struct fx f;
	struct child c = { .pid = 0, .in_fd = -1, .out_fd = -1 };
	char *argv[] = { (char *)g_dump, (char *)"--feed", NULL, (char *)"status",
			 (char *)"--watch", (char *)"0.1", NULL };
	char line[512];
	int frames = 0, rates = 0;
	long long deadline;

	FX_BEGIN(&f, "watch");
	argv[2] = f.feed;
	REQUIRE(child_start(&c, argv, 0, 1) == 0);
	deadline = mono_ms() + POLL_TIMEOUT_MS;
	while (frames < 3 && mono_ms() < deadline &&
	       child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1) {
		if (strncmp(line, "\033[H\033[2Jfeed ", 11) == 0)
			frames++;
		if (strncmp(line, "rates ", 6) == 0)
			rates++;
	}
	CHECK(frames == 3);
	CHECK(rates >= 1);
	kill(c.pid, SIGINT);
	REQUIRE(child_wait(&c, POLL_TIMEOUT_MS) == 0);
	CHECK(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
out:
	child_kill(&c);
	fx_end(&f);
}

/* ----------------------------------------------------------------- symbols */

static void should_print_symbols_golden_and_json(void)
{
	struct fx f;
	struct run r = { 0 };
	cJSON *j = NULL;

	FX_BEGIN(&f, "symbols");
	REQUIRE(dumpv(&r, f.feed, "symbols", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(golden_check(g_expected, "symbols.txt", r.out, f.feed));
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "--json", "symbols", NULL) == 0);
	REQUIRE(ok_run(&r));
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	REQUIRE(cJSON_GetArraySize(jget(j, "symbols")) == 2);
	{
		cJSON *btc = cJSON_GetArrayItem(jget(j, "symbols"), 0);
		cJSON *eth = cJSON_GetArrayItem(jget(j, "symbols"), 1);

		CHECK(jnum_is(btc, "id", 0));
		CHECK(jstr_is(btc, "name", "BTC/USD"));
		CHECK(jnum_is(btc, "price_precision", 1));
		CHECK(jnum_is(btc, "qty_precision", 8));
		CHECK(jstr_is(btc, "status", "online"));
		CHECK(jnum_is(btc, "book_depth", 10));
		CHECK(jstr_is(btc, "book_state", "valid"));
		CHECK(jbool_is(btc, "book_verified", 1));
		CHECK(jnum_is(btc, "bids", 10));
		CHECK(jnum_is(btc, "asks", 10));
		CHECK(jnum_is(eth, "id", 1));
		CHECK(jstr_is(eth, "name", "ETH/USD"));
		CHECK(jnum_is(eth, "price_precision", 2));
		CHECK(jstr_is(eth, "book_state", "invalid"));
		CHECK(jbool_is(eth, "book_verified", 0));
	}
out:
	cJSON_Delete(j);
	run_free(&r);
	fx_end(&f);
}

/* -------------------------------------------------------------------- book */

static cJSON *load_vector(void)
{
	const char *dir = getenv("MDBUS_FIXTURES_DIR");
	char path[4096];
	FILE *fp;
	char *text;
	long n;
	cJSON *doc;

	snprintf(path, sizeof path, "%s/checksum_vectors.json", dir ? dir : MDBUS_FIXTURES_FALLBACK);
	fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	text = calloc(1, (size_t)n + 1);
	if (text && fread(text, 1, (size_t)n, fp) != (size_t)n) {
		free(text);
		text = NULL;
	}
	fclose(fp);
	doc = text ? cJSON_Parse(text) : NULL;
	free(text);
	return doc;
}

/* Same [price, qty] strings, same order, `levels` of them. */
static int same_levels(cJSON *got, cJSON *want, int levels)
{
	int i, ok = cJSON_GetArraySize(got) == levels;

	for (i = 0; ok && i < levels; i++) {
		cJSON *g = cJSON_GetArrayItem(got, i), *w = cJSON_GetArrayItem(want, i);
		int k;

		for (k = 0; k < 2; k++) {
			cJSON *gs = cJSON_GetArrayItem(g, k), *ws = cJSON_GetArrayItem(w, k);

			if (!cJSON_IsString(gs) || !cJSON_IsString(ws) ||
			    strcmp(gs->valuestring, ws->valuestring) != 0) {
				fprintf(stderr, "level %d.%d: want %s got %s\n", i, k,
					cJSON_IsString(ws) ? ws->valuestring : "?",
					cJSON_IsString(gs) ? gs->valuestring : "(not a string)");
				ok = 0;
			}
		}
	}
	return ok;
}

static void should_print_book_golden_and_json(void)
{
	struct fx f;
	struct run r = { 0 };
	cJSON *j = NULL, *vec = NULL, *v0;

	FX_BEGIN(&f, "book");
	REQUIRE(dumpv(&r, f.feed, "book", "BTC/USD", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(golden_check(g_expected, "book.txt", r.out, f.feed));
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "book", "BTC/USD", "--levels", "3", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(golden_check(g_expected, "book_levels3.txt", r.out, f.feed));
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "book", "ETH/USD", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(golden_check(g_expected, "book_invalid.txt", r.out, f.feed));
	run_free(&r);

	vec = load_vector();
	REQUIRE(vec != NULL);
	v0 = cJSON_GetArrayItem(jget(vec, "vectors"), 0);
	REQUIRE(dumpv(&r, f.feed, "--json", "book", "BTC/USD", NULL) == 0);
	REQUIRE(ok_run(&r));
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	CHECK(jstr_is(j, "symbol", "BTC/USD"));
	CHECK(jnum_is(j, "checksum", 3310070434.0));
	CHECK(jbool_is(j, "checksum_ok", 1));
	CHECK(jnum_is(j, "checksum_computed", 3310070434.0));
	CHECK(jstr_is(j, "state", "valid"));
	CHECK(same_levels(jget(j, "bids"), jget(v0, "bids_high_to_low"), 10));
	CHECK(same_levels(jget(j, "asks"), jget(v0, "asks_low_to_high"), 10));
	cJSON_Delete(j);
	j = NULL;
	run_free(&r);

	REQUIRE(dumpv(&r, f.feed, "--json", "book", "BTC/USD", "--levels", "2", NULL) == 0);
	REQUIRE(ok_run(&r));
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	CHECK(same_levels(jget(j, "bids"), jget(v0, "bids_high_to_low"), 2));
	CHECK(same_levels(jget(j, "asks"), jget(v0, "asks_low_to_high"), 2));
	cJSON_Delete(j);
	j = NULL;
	run_free(&r);

	REQUIRE(dumpv(&r, f.feed, "--json", "book", "ETH/USD", NULL) == 0);
	REQUIRE(ok_run(&r));
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	CHECK(jbool_is(j, "checksum_ok", 0));
	CHECK(jnum_is(j, "checksum", 12345));
	{
		cJSON *b0 = cJSON_GetArrayItem(jget(j, "bids"), 0);
		cJSON *a0 = cJSON_GetArrayItem(jget(j, "asks"), 0);

		CHECK(cJSON_IsString(cJSON_GetArrayItem(b0, 0)) &&
		      strcmp(cJSON_GetArrayItem(b0, 0)->valuestring, "1999.90") == 0);
		CHECK(cJSON_IsString(cJSON_GetArrayItem(b0, 1)) &&
		      strcmp(cJSON_GetArrayItem(b0, 1)->valuestring, "1.50000000") == 0);
		CHECK(cJSON_IsString(cJSON_GetArrayItem(a0, 0)) &&
		      strcmp(cJSON_GetArrayItem(a0, 0)->valuestring, "2001.00") == 0);
	}
out:
	cJSON_Delete(j);
	cJSON_Delete(vec);
	run_free(&r);
	fx_end(&f);
}

static void should_refuse_unknown_symbol_with_exit_1(void)
{
	struct fx f;
	struct run r = { 0 };

	FX_BEGIN(&f, "nosym");
	REQUIRE(dumpv(&r, f.feed, "book", "XRP/USD", NULL) == 0);
	CHECK(one_line_failure(&r, 1));
	CHECK(strstr(r.err, "XRP/USD") != NULL);
	CHECK(strstr(r.err, "BTC/USD") != NULL);   /* tells which symbols exist */
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "--json", "book", "XRP/USD", NULL) == 0);
	CHECK(one_line_failure(&r, 1));
out:
	run_free(&r);
	fx_end(&f);
}

/* -------------------------------------------------------------------- tail */

static cJSON *record_at(cJSON *records, double seq)
{
	cJSON *e;

	cJSON_ArrayForEach(e, records)
		if (cJSON_IsNumber(jget(e, "seq")) && jget(e, "seq")->valuedouble == seq)
			return e;
	return NULL;
}

static void should_print_tail_golden_and_json(void)
{
	struct fx f;
	struct run r = { 0 };
	cJSON *j = NULL, *recs, *e;
	int i;

	FX_BEGIN(&f, "tail");
	REQUIRE(dumpv(&r, f.feed, "tail", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(count_lines(r.out) == 20);
	CHECK(golden_check(g_expected, "tail.txt", r.out, f.feed));
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "tail", "1000", NULL) == 0);   /* more than exist */
	REQUIRE(ok_run(&r));
	CHECK(count_lines(r.out) == 28);
	CHECK(golden_check(g_expected, "tail_all.txt", r.out, f.feed));
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "tail", "0", NULL) == 0);
	CHECK(ok_run(&r) && r.out_len == 0);
	run_free(&r);

	REQUIRE(dumpv(&r, f.feed, "--json", "tail", "100", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(count_lines(r.out) == 1);
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	CHECK(jnum_is(j, "write_seq", 28));
	CHECK(jnum_is(j, "from_seq", 0));
	CHECK(jnum_is(j, "lost", 0));
	CHECK(cJSON_GetArraySize(jget(j, "gaps")) == 0);
	recs = jget(j, "records");
	REQUIRE(cJSON_GetArraySize(recs) == 28);
	for (i = 0; i < 28; i++)
		CHECK(jnum_is(cJSON_GetArrayItem(recs, i), "seq", i));
	e = record_at(recs, 0);
	CHECK(jstr_is(e, "type", "status"));
	CHECK(jbool_is(e, "connected", 1));
	CHECK(jstr_is(e, "reason", "connected"));
	CHECK(jnum_is(e, "new_gen", 1));
	CHECK(cJSON_IsNull(jget(e, "symbol")));
	e = record_at(recs, 1);
	CHECK(jstr_is(e, "type", "instrument"));
	CHECK(jstr_is(e, "name", "BTC/USD"));
	CHECK(jnum_is(e, "price_precision", 1));
	e = record_at(recs, 3);
	CHECK(jstr_is(e, "type", "book"));
	CHECK(jstr_is(e, "symbol", "BTC/USD"));
	CHECK(jstr_is(e, "side", "bid"));
	CHECK(jstr_is(e, "price", "45283.5"));
	CHECK(jstr_is(e, "qty", "0.10000000"));
	CHECK(cJSON_GetArraySize(jget(e, "flags")) == 2);
	CHECK(jnum_is(e, "exch_ts_ns", 1700000000123456789.0));
	CHECK(strstr(r.out, "\"exch_ts_ns\":1700000000123456789") != NULL);
	CHECK(jstr_is(e, "exch_time", "2023-11-14T22:13:20.123456789Z"));
	e = record_at(recs, 22);
	CHECK(jstr_is(e, "side", "ask"));
	CHECK(jstr_is(e, "price", "45299.5"));
	CHECK(jnum_is(e, "checksum", 3310070434.0));
	CHECK(cJSON_GetArraySize(jget(e, "flags")) == 4);
	e = record_at(recs, 23);
	CHECK(jstr_is(e, "type", "trade"));
	CHECK(jstr_is(e, "side", "buy"));
	CHECK(jstr_is(e, "price", "45285.2"));
	CHECK(jstr_is(e, "qty", "0.00100000"));
	CHECK(jstr_is(e, "ord_type", "limit"));
	CHECK(strstr(r.out, "\"trade_id\":9007199254740993") != NULL);
	e = record_at(recs, 24);
	CHECK(jstr_is(e, "type", "ticker"));
	CHECK(jstr_is(e, "change", "-12.5"));
	CHECK(jstr_is(e, "change_pct", "-0.03"));
	CHECK(jstr_is(e, "volume", "1234567890.12345678"));
	e = record_at(recs, 25);
	CHECK(jstr_is(e, "type", "ohlc"));
	CHECK(jstr_is(e, "symbol", "ETH/USD"));
	CHECK(jstr_is(e, "open", "2000.50"));
	CHECK(jstr_is(e, "volume", "0.00000001"));
	CHECK(jnum_is(e, "trades", 42));
	CHECK(jstr_is(e, "interval_begin", "2023-11-14T22:13:20.000000000Z"));
	e = record_at(recs, 26);
	CHECK(jstr_is(e, "qty", "0.00000000"));
	CHECK(jnum_is(e, "checksum", 12345));
	e = record_at(recs, 27);
	CHECK(jstr_is(e, "type", "raw"));
	CHECK(jnum_is(e, "len", 7));
	CHECK(jstr_is(e, "data", "68656c6c6f00ff"));
out:
	cJSON_Delete(j);
	run_free(&r);
	fx_end(&f);
}

static void should_tail_a_wrapped_ring_without_false_gaps(void)
{
	struct fx f;
	struct run r = { 0 };
	cJSON *j = NULL, *recs;
	int i, n;
	double first;

	FX_BEGIN(&f, "tailwrap");
	REQUIRE(fx_cmd(&f, "put 100") == 128);     /* the 64-slot ring has wrapped */
	REQUIRE(dumpv(&r, f.feed, "tail", "5", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(count_lines(r.out) == 5);
	CHECK(strncmp(r.out, "seq=123 gen=1 type=raw len=4 data=6e3d3935 ", 43) == 0);
	run_free(&r);
	/* asking for more than the ring holds: what is there, and no "gap" */
	REQUIRE(dumpv(&r, f.feed, "tail", "1000", NULL) == 0);
	REQUIRE(ok_run(&r));
	CHECK(strstr(r.out, "gap") == NULL);
	n = count_lines(r.out);
	CHECK(n >= SLOTS - 1 && n <= SLOTS);
	run_free(&r);
	REQUIRE(dumpv(&r, f.feed, "--json", "tail", "1000", NULL) == 0);
	REQUIRE(ok_run(&r));
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	CHECK(jnum_is(j, "write_seq", 128));
	CHECK(jnum_is(j, "lost", 0));
	CHECK(cJSON_GetArraySize(jget(j, "gaps")) == 0);
	recs = jget(j, "records");
	n = cJSON_GetArraySize(recs);
	REQUIRE(n >= SLOTS - 1 && n <= SLOTS);
	first = 128 - n;
	CHECK(jnum_is(j, "from_seq", first));
	for (i = 0; i < n; i++)
		CHECK(jnum_is(cJSON_GetArrayItem(recs, i), "seq", first + i));
out:
	cJSON_Delete(j);
	run_free(&r);
	fx_end(&f);
}

/* ----------------------------------------------------------------- readers */

/* Poll `readers --json` until pred(doc) holds or the deadline passes. */
static cJSON *readers_until(const char *feed, int (*pred)(cJSON *, void *), void *arg)
{
	long long deadline = mono_ms() + POLL_TIMEOUT_MS;
	cJSON *j = NULL;

	do {
		struct run r;

		cJSON_Delete(j);
		j = NULL;
		if (dumpv(&r, feed, "--json", "readers", NULL) == 0 && ok_run(&r))
			j = cJSON_Parse(r.out);
		run_free(&r);
		if (j && pred(j, arg))
			return j;
		/* the registry changes when a process dies: nothing to wait on but time */
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	} while (mono_ms() < deadline);
	return j;
}

static int alive_count(cJSON *j)
{
	cJSON *e;
	int n = 0;

	cJSON_ArrayForEach(e, jget(j, "readers"))
		n += cJSON_IsTrue(jget(e, "alive"));
	return n;
}

static int has_alive(cJSON *j, void *arg)
{
	return alive_count(j) == *(int *)arg;
}

static cJSON *reader_by_pid(cJSON *j, pid_t pid)
{
	cJSON *e;

	cJSON_ArrayForEach(e, jget(j, "readers"))
		if (cJSON_IsNumber(jget(e, "pid")) && (pid_t)jget(e, "pid")->valuedouble == pid)
			return e;
	return NULL;
}

static void should_list_three_readers_then_two_after_sigkill(void)
{
	struct fx f;
	struct child rd[3];
	char names[3][16];
	struct run t = { 0 };
	cJSON *j = NULL, *e;
	int i, want;

	memset(rd, 0, sizeof rd);
	for (i = 0; i < 3; i++)
		rd[i].in_fd = rd[i].out_fd = -1;
	FX_BEGIN(&f, "readers");
	for (i = 0; i < 3; i++) {
		char *argv[] = { (char *)g_reader, f.feed, names[i], NULL };
		char line[64];

		snprintf(names[i], sizeof names[i], "strategy-%d", i + 1);
		REQUIRE(child_start(&rd[i], argv, 1, 1) == 0);
		REQUIRE(child_read_line(&rd[i], line, sizeof line, READY_TIMEOUT_MS) == 1);
		REQUIRE(strncmp(line, "ready ", 6) == 0);
	}
	want = 3;
	j = readers_until(f.feed, has_alive, &want);
	REQUIRE(j != NULL);
	CHECK(alive_count(j) == 3);
	CHECK(jnum_is(j, "write_seq", 28));
	for (i = 0; i < 3; i++) {
		e = reader_by_pid(j, rd[i].pid);
		CHECK(e != NULL);
		if (!e)
			continue;
		CHECK(jstr_is(e, "name", names[i]));
		CHECK(jbool_is(e, "alive", 1));
		CHECK(jnum_is(e, "position", 28));
		CHECK(jnum_is(e, "lag", 0));
		CHECK(jnum_is(e, "lost", 0));
	}
	cJSON_Delete(j);
	j = NULL;

	/* the readers read nothing: their lag is what the writer adds */
	REQUIRE(fx_cmd(&f, "put 5") == 33);
	want = 3;
	j = readers_until(f.feed, has_alive, &want);
	REQUIRE(j != NULL);
	for (i = 0; i < 3; i++) {
		e = reader_by_pid(j, rd[i].pid);
		CHECK(e && jnum_is(e, "lag", 5));
	}
	cJSON_Delete(j);
	j = NULL;

	REQUIRE(dumpv(&t, f.feed, "readers", NULL) == 0);
	REQUIRE(ok_run(&t));
	CHECK(strstr(t.out, "3 readers, 3 alive") != NULL);
	for (i = 0; i < 3; i++)
		CHECK(strstr(t.out, names[i]) != NULL);
	run_free(&t);

	kill(rd[1].pid, SIGKILL);
	REQUIRE(child_wait(&rd[1], READY_TIMEOUT_MS) == 0);
	want = 2;
	j = readers_until(f.feed, has_alive, &want);
	REQUIRE(j != NULL);
	CHECK(alive_count(j) == 2);
	e = reader_by_pid(j, rd[1].pid);
	CHECK(e == NULL || jbool_is(e, "alive", 0));   /* gone, or listed dead */
	CHECK(reader_by_pid(j, rd[0].pid) != NULL);
	CHECK(reader_by_pid(j, rd[2].pid) != NULL);
	REQUIRE(dumpv(&t, f.feed, "readers", NULL) == 0);
	REQUIRE(ok_run(&t));
	CHECK(strstr(t.out, "2 alive") != NULL);
out:
	cJSON_Delete(j);
	run_free(&t);
	for (i = 0; i < 3; i++)
		child_kill(&rd[i]);
	fx_end(&f);
}

/* ------------------------------------------------------- corrupt segments */

/* Open the closed feed's data segment for surgery. */
static int seg_open(const char *feed, uint64_t *size)
{
	char name[128];
	struct stat st;
	int fd;

	snprintf(name, sizeof name, "/mdbus.%s", feed);
	fd = shm_open(name, O_RDWR, 0);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

static int poke(int fd, size_t off, const void *v, size_t n)
{
	return pwrite(fd, v, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

enum damage { TRUNCATED, TINY, ZERO_MAGIC, WRONG_MAGIC, OTHER_MAJOR, SLOTS_NOT_POW2,
	      RING_OUTSIDE };

static int inflict(int fd, uint64_t size, enum damage d)
{
	switch (d) {
	case TRUNCATED:
		return ftruncate(fd, (off_t)(size / 2));
	case TINY:
		return ftruncate(fd, 100);
	case ZERO_MAGIC: {
		uint64_t z = 0;

		return poke(fd, offsetof(struct mdbus_shm_header, magic), &z, sizeof z);
	}
	case WRONG_MAGIC:
		return poke(fd, offsetof(struct mdbus_shm_header, magic), "NOTMDBUS", 8);
	case OTHER_MAJOR: {
		uint16_t major = MDBUS_LAYOUT_MAJOR + 1;

		return poke(fd, offsetof(struct mdbus_shm_header, layout_major), &major, sizeof major);
	}
	case SLOTS_NOT_POW2: {
		uint32_t slots = 48;

		return poke(fd, offsetof(struct mdbus_shm_header, slot_count), &slots, sizeof slots);
	}
	case RING_OUTSIDE: {
		uint64_t off = size + 4096;

		return poke(fd, offsetof(struct mdbus_shm_header, ring_off), &off, sizeof off);
	}
	}
	return -1;
}

/* Every command on a damaged segment: exit 1, one line naming the feed, no crash. */
static void refuse_damaged(const char *tag, enum damage d)
{
	static const char *const cmds[][3] = {
		{ "status", NULL, NULL }, { "symbols", NULL, NULL }, { "book", "BTC/USD", NULL },
		{ "tail", NULL, NULL }, { "follow", NULL, NULL }, { "readers", NULL, NULL },
	};
	struct fx f;
	struct run r = { 0 };
	uint64_t size = 0;
	size_t i;
	int fd = -1, json;

	FX_BEGIN(&f, tag);
	REQUIRE(fx_stop(&f, "close") == 0);
	fd = seg_open(f.feed, &size);
	REQUIRE(fd >= 0);
	REQUIRE(inflict(fd, size, d) == 0);
	for (json = 0; json < 2; json++) {
		for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
			if (json)
				REQUIRE(dumpv(&r, f.feed, "--json", cmds[i][0], cmds[i][1], NULL) == 0);
			else
				REQUIRE(dumpv(&r, f.feed, cmds[i][0], cmds[i][1], NULL) == 0);
			CHECK(one_line_failure(&r, 1));
			CHECK(strstr(r.err, f.feed) != NULL);
			if (i == 0 && !json)
				fprintf(stderr, "[%s] %s", tag, r.err);   /* the message, for the log */
			run_free(&r);
		}
	}
out:
	if (fd >= 0)
		close(fd);
	run_free(&r);
	fx_end(&f);
}

static void should_refuse_truncated_segment(void) { refuse_damaged("truncated", TRUNCATED); }
static void should_refuse_tiny_segment(void) { refuse_damaged("tiny", TINY); }
static void should_refuse_zero_magic(void) { refuse_damaged("zeromagic", ZERO_MAGIC); }
static void should_refuse_wrong_magic(void) { refuse_damaged("badmagic", WRONG_MAGIC); }
static void should_refuse_other_major(void) { refuse_damaged("major", OTHER_MAJOR); }
static void should_refuse_slot_count_not_power_of_two(void) { refuse_damaged("pow2", SLOTS_NOT_POW2); }
static void should_refuse_ring_outside_segment(void) { refuse_damaged("ringoff", RING_OUTSIDE); }

/* ------------------------------------------------------------------ follow */

static cJSON *next_json(struct child *c)
{
	char line[2048];

	if (child_read_line(c, line, sizeof line, POLL_TIMEOUT_MS) != 1)
		return NULL;
	return cJSON_Parse(line);
}

static void should_follow_new_records_and_report_exact_gap(void)
{
	struct fx f;
	struct child c = { .pid = 0, .in_fd = -1, .out_fd = -1 };
	char *argv[] = { (char *)g_dump, (char *)"--json", (char *)"--feed", NULL,
			 (char *)"follow", NULL };
	const int behind = 7;
	long long lost, resume;
	char cmd[32], line[512], want[256];
	cJSON *j = NULL;
	int i, st;

	FX_BEGIN(&f, "followgap");
	argv[3] = f.feed;
	/* stderr in the same pipe: the start notice there says follow is positioned */
	REQUIRE(child_start(&c, argv, 0, CHILD_OUT_AND_ERR) == 0);
	REQUIRE(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1);
	snprintf(want, sizeof want, "mdbus-dump: following feed %s from seq 28 (Ctrl-C to stop)", f.feed);
	CHECK(strcmp(line, want) == 0);

	REQUIRE(fx_cmd(&f, "put 3") == 31);
	for (i = 0; i < 3; i++) {
		j = next_json(&c);
		REQUIRE(j != NULL);
		CHECK(jstr_is(j, "type", "raw"));
		CHECK(jnum_is(j, "seq", 28 + i));
		cJSON_Delete(j);
	}
	j = NULL;

	/* stop the reader, lap it, let it go on */
	kill(c.pid, SIGSTOP);
	REQUIRE(waitpid(c.pid, &st, WUNTRACED) == c.pid && WIFSTOPPED(st));
	snprintf(cmd, sizeof cmd, "put %d", SLOTS + behind);
	REQUIRE(fx_cmd(&f, cmd) == 31 + SLOTS + behind);
	kill(c.pid, SIGCONT);

	/* The reader was at 31; the writer is at 31 + SLOTS + behind and the ring holds the
	 * last SLOTS of those.  The gap line must count exactly the sequence numbers the
	 * reader skipped; the library may resume one past the oldest slot (it keeps a
	 * one-slot margin against the writer: reader.c), so `behind` or `behind + 1`. */
	j = next_json(&c);
	REQUIRE(j != NULL);
	CHECK(jstr_is(j, "type", "gap"));
	REQUIRE(cJSON_IsNumber(jget(j, "lost")) && cJSON_IsNumber(jget(j, "next_seq")));
	lost = (long long)jget(j, "lost")->valuedouble;
	resume = (long long)jget(j, "next_seq")->valuedouble;
	CHECK(lost == resume - 31);
	CHECK(lost == behind || lost == behind + 1);
	if (lost != behind)
		fprintf(stderr, "note: library resumed at %lld, one past the oldest slot %d\n",
			resume, 31 + behind);
	cJSON_Delete(j);
	for (i = 0; resume + i < 31 + SLOTS + behind; i++) {
		j = next_json(&c);
		REQUIRE(j != NULL);
		if (!jnum_is(j, "seq", (double)(resume + i)) || !jstr_is(j, "type", "raw")) {
			CU_FAIL("records after the gap out of sequence");
			goto out;
		}
		cJSON_Delete(j);
	}
	j = NULL;

	kill(c.pid, SIGINT);
	REQUIRE(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1);
	snprintf(want, sizeof want, "mdbus-dump: stopped at seq %d: %d records, %lld lost",
		 31 + SLOTS + behind, 3 + i, lost);
	CHECK(strcmp(line, want) == 0);
	CHECK(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 0);   /* EOF */
	REQUIRE(child_wait(&c, POLL_TIMEOUT_MS) == 0);
	CHECK(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
out:
	cJSON_Delete(j);
	child_kill(&c);
	fx_end(&f);
}

static void should_follow_in_text_registered_and_stop_on_sigterm(void)
{
	struct fx f;
	struct child c = { .pid = 0, .in_fd = -1, .out_fd = -1 };
	char *argv[] = { (char *)g_dump, (char *)"--feed", NULL, (char *)"follow", NULL };
	char line[1024], want[256];
	struct run r = { 0 };
	cJSON *j = NULL, *e;
	long long lost, resume, n;
	int st;

	FX_BEGIN(&f, "followtext");
	argv[2] = f.feed;
	REQUIRE(child_start(&c, argv, 0, CHILD_OUT_AND_ERR) == 0);
	REQUIRE(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1);
	snprintf(want, sizeof want, "mdbus-dump: following feed %s from seq 28 (Ctrl-C to stop)", f.feed);
	CHECK(strcmp(line, want) == 0);

	/* follow, and only follow, enters the registry, as "mdbus-dump" */
	REQUIRE(dumpv(&r, f.feed, "--json", "readers", NULL) == 0);
	REQUIRE(ok_run(&r));
	j = cJSON_Parse(r.out);
	REQUIRE(j != NULL);
	e = reader_by_pid(j, c.pid);
	CHECK(e != NULL && jstr_is(e, "name", "mdbus-dump") && jbool_is(e, "alive", 1));
	CHECK(cJSON_GetArraySize(jget(j, "readers")) == 1);

	REQUIRE(fx_cmd(&f, "put 2") == 30);
	REQUIRE(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1);
	/* writer's fixed receive clock: T0 + 1000 ns + one per record it put */
	CHECK(strcmp(line, "seq=28 gen=1 type=raw len=3 data=6e3d30 "
			   "recv_ts=2023-11-14T22:13:20.123457816Z") == 0);
	REQUIRE(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1);
	CHECK(strncmp(line, "seq=29 gen=1 type=raw len=3 data=6e3d31 ", 40) == 0);

	/* a gap in text: lap the stopped reader by 3 (or 4, see the JSON test) */
	kill(c.pid, SIGSTOP);
	REQUIRE(waitpid(c.pid, &st, WUNTRACED) == c.pid && WIFSTOPPED(st));
	snprintf(want, sizeof want, "put %d", SLOTS + 3);
	REQUIRE(fx_cmd(&f, want) == 30 + SLOTS + 3);
	kill(c.pid, SIGCONT);
	REQUIRE(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1);
	REQUIRE(sscanf(line, "gap: %lld records lost before seq %lld", &lost, &resume) == 2);
	CHECK(lost == resume - 30 && (lost == 3 || lost == 4));
	for (n = 0; resume + n < 30 + SLOTS + 3; n++) {
		snprintf(want, sizeof want, "seq=%lld ", resume + n);
		REQUIRE(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1);
		REQUIRE(strncmp(line, want, strlen(want)) == 0);
	}

	kill(c.pid, SIGTERM);
	REQUIRE(child_read_line(&c, line, sizeof line, POLL_TIMEOUT_MS) == 1);
	snprintf(want, sizeof want, "mdbus-dump: stopped at seq %d: %lld records, %lld lost",
		 30 + SLOTS + 3, 2 + n, lost);
	CHECK(strcmp(line, want) == 0);
	REQUIRE(child_wait(&c, POLL_TIMEOUT_MS) == 0);
	CHECK(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
out:
	cJSON_Delete(j);
	run_free(&r);
	child_kill(&c);
	fx_end(&f);
}

/* ------------------------------------------------------- missing feed, usage */

static void should_list_feeds_when_feed_missing(void)
{
	struct fx f;
	struct run r = { 0 };
	char missing[80];

	FX_BEGIN(&f, "present");
	feed_name(missing, sizeof missing, "absent");
	REQUIRE(dumpv(&r, missing, "status", NULL) == 0);
	CHECK(one_line_failure(&r, 1));
	CHECK(strstr(r.err, missing) != NULL);
	CHECK(strstr(r.err, f.feed) != NULL);       /* the list of feeds that exist */
	run_free(&r);
	REQUIRE(dumpv(&r, missing, "--json", "tail", NULL) == 0);
	CHECK(one_line_failure(&r, 1));
	run_free(&r);
	REQUIRE(dumpv(&r, missing, "readers", NULL) == 0);
	CHECK(one_line_failure(&r, 1));
out:
	run_free(&r);
	fx_end(&f);
}

static void should_exit_2_on_bad_usage(void)
{
	static const char *const bad[][4] = {
		{ "--bogus", NULL }, { "-x", NULL }, { "frobnicate", NULL }, { "book", NULL },
		{ "book", "A", "B", NULL }, { "tail", "abc", NULL }, { "tail", "-5", NULL },
		{ "tail", "1", "2", NULL }, { "status", "--levels", "3", NULL },
		{ "tail", "--watch", "1", NULL }, { "status", "--watch", "0", NULL },
		{ "status", "--watch", "x", NULL }, { "--feed", "bad/name", "status", NULL },
		{ "--feed", "", NULL }, { "symbols", "extra", NULL }, { "--feed", NULL },
		{ "book", "BTC/USD", "--levels", "-1" },
	};
	struct run r = { 0 };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[8] = { (char *)g_dump };
		int k;

		for (k = 0; k < 4 && bad[i][k]; k++)
			argv[k + 1] = (char *)bad[i][k];
		argv[k + 1] = NULL;
		REQUIRE(run_cmd(argv, DUMP_TIMEOUT_MS, &r) == 0);
		if (!one_line_failure(&r, 2))
			fprintf(stderr, "  for case %zu (%s %s ...)\n", i, bad[i][0], bad[i][1] ? bad[i][1] : "");
		CHECK(one_line_failure(&r, 2));
		run_free(&r);
	}
	REQUIRE(dumpv(&r, NULL, "--help", NULL) == 0);
	CHECK(ok_run(&r) && strstr(r.out, "usage: mdbus-dump") != NULL);
	run_free(&r);
	REQUIRE(dumpv(&r, NULL, "--version", NULL) == 0);
	CHECK(ok_run(&r) && strstr(r.out, MDBUS_VERSION_STRING) != NULL);
out:
	run_free(&r);
}

/* ------------------------------------------------------------------- main */

static const struct {
	const char *name;
	void      (*fn)(void);
} tests[] = {
#define T(fn) { #fn, fn }
	T(should_print_status_golden),
	T(should_print_status_json_with_exact_counters),
	T(should_say_publisher_dead_after_crash),
	T(should_say_publisher_stopped_after_clean_close),
	T(should_redraw_status_until_sigint),
	T(should_print_symbols_golden_and_json),
	T(should_print_book_golden_and_json),
	T(should_refuse_unknown_symbol_with_exit_1),
	T(should_print_tail_golden_and_json),
	T(should_tail_a_wrapped_ring_without_false_gaps),
	T(should_list_three_readers_then_two_after_sigkill),
	T(should_refuse_truncated_segment),
	T(should_refuse_tiny_segment),
	T(should_refuse_zero_magic),
	T(should_refuse_wrong_magic),
	T(should_refuse_other_major),
	T(should_refuse_slot_count_not_power_of_two),
	T(should_refuse_ring_outside_segment),
	T(should_follow_new_records_and_report_exact_gap),
	T(should_follow_in_text_registered_and_stop_on_sigterm),
	T(should_list_feeds_when_feed_missing),
	T(should_exit_2_on_bad_usage),
#undef T
};

int main(int argc, char **argv)
{
	const char *only = NULL;
	CU_pSuite suite;
	unsigned failures;
	size_t i;
	int a, found = 0;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--dump") == 0 && a + 1 < argc)
			g_dump = argv[++a];
		else if (strcmp(argv[a], "--writer") == 0 && a + 1 < argc)
			g_writer = argv[++a];
		else if (strcmp(argv[a], "--reader") == 0 && a + 1 < argc)
			g_reader = argv[++a];
		else if (strcmp(argv[a], "--expected") == 0 && a + 1 < argc)
			g_expected = argv[++a];
		else
			only = argv[a];
	}
	if (!g_dump || !g_writer || !g_reader || !g_expected) {
		fprintf(stderr, "usage: test_dump --dump P --writer P --reader P --expected DIR [TEST]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("mdbus-dump", NULL, NULL);
	for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		if (only && strcmp(only, tests[i].name) != 0)
			continue;
		CU_add_test(suite, tests[i].name, tests[i].fn);
		found++;
	}
	if (!found) {
		fprintf(stderr, "test_dump: no test named %s\n", only);
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	if (failures)
		return 1;
	return g_skipped ? 77 : 0;
}
