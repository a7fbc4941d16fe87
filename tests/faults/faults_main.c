/*
 * faults_main.c — fault_campaigns: the dispatcher and the helpers every campaign
 * shares (see faults.h).
 */
#define _GNU_SOURCE
#include "faults.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ft_pub_bin, *ft_mock_bin;
int ft_failed;

void ft_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	ft_failed = 1;
	fprintf(stderr, "FAIL %s:%d: %s: ", file, line, cond);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

int ft_result(const char *campaign, const char *checked, const char *size_fmt, ...)
{
	char size[256];
	va_list ap;
	va_start(ap, size_fmt);
	vsnprintf(size, sizeof size, size_fmt, ap);
	va_end(ap);
	printf("RESULT campaign=%s size=\"%s\" checked=\"%s\" result=%s\n", campaign, size, checked,
	       ft_failed ? "fail" : "pass");
	fflush(stdout);
	return ft_failed ? 1 : 0;
}

int ft_skip(const char *campaign, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	printf("%s: skipped: %s\n", campaign, why);
	printf("RESULT campaign=%s size=\"-\" checked=\"skipped: %s\" result=skip\n", campaign, why);
	fflush(stdout);
	return FT_SKIP;
}

void ft_arg(struct ft_args *a, const char *fmt, ...)
{
	if (a->n == 0)
		a->used = 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(a->pool + a->used, sizeof a->pool - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof a->pool - a->used || a->n + 2 > (int)(sizeof a->v / sizeof a->v[0])) {
		fprintf(stderr, "ft_arg: argument list too long\n");
		abort();
	}
	a->v[a->n++] = a->pool + a->used;
	a->v[a->n] = NULL;
	a->used += (size_t)n + 1;
}

void ft_rig_init(struct ft_rig *r, const char *tag)
{
	memset(r, 0, sizeof *r);
	snprintf(r->feed, sizeof r->feed, "ft-%s-%d", tag, (int)getpid());
	snprintf(r->stats_path, sizeof r->stats_path, "/tmp/mdbus-ft-%s-%d.stats", tag, (int)getpid());
	unlink(r->stats_path);
	mdbus_feed_remove(r->feed);
}

int ft_mock_start(struct ft_rig *r, const char *const *flags)
{
	struct ft_args a = { .n = 0 };
	ft_arg(&a, "%s", ft_mock_bin);
	ft_arg(&a, "--port");
	ft_arg(&a, "0");
	ft_arg(&a, "--stats-file");
	ft_arg(&a, "%s", r->stats_path);
	for (; flags && *flags; flags++)
		ft_arg(&a, "%s", *flags);
	if (proc_start(&r->mock, a.v, 1) < 0)
		return -1;
	char line[64];
	if (proc_read_line(&r->mock, line, sizeof line, 10000) <= 0) {
		proc_dump_log(&r->mock, "mock exchange");
		return -1;
	}
	r->port = atoi(line);
	return r->port > 0 ? 0 : -1;
}

int ft_pub_start(const struct ft_rig *r, struct proc *p, const char *const *flags)
{
	struct ft_args a = { .n = 0 };
	ft_arg(&a, "%s", ft_pub_bin);
	ft_arg(&a, "--feed");
	ft_arg(&a, "%s", r->feed);
	ft_arg(&a, "--url");
	ft_arg(&a, "ws://127.0.0.1:%d/v2", r->port);
	int have_level = 0;
	for (const char *const *f = flags; f && *f; f++)
		have_level |= strcmp(*f, "--log-level") == 0;
	if (!have_level) {
		ft_arg(&a, "--log-level");
		ft_arg(&a, "info");
	}
	for (; flags && *flags; flags++)
		ft_arg(&a, "%s", *flags);
	return proc_start(p, a.v, 0);
}

void ft_rig_stop(struct ft_rig *r, struct proc *pub)
{
	if (pub && pub->pid)
		proc_stop(pub, SIGTERM, 10000);
	if (r->mock.pid)
		proc_stop(&r->mock, SIGTERM, 10000);
	if (ft_failed) {
		if (pub && pub->log[0])
			proc_dump_log(pub, "publisher");
		if (r->mock.log[0])
			proc_dump_log(&r->mock, "mock exchange");
	}
	if (pub && pub->log[0])
		unlink(pub->log);
	if (r->mock.log[0])
		unlink(r->mock.log);
	unlink(r->stats_path);
	mdbus_feed_remove(r->feed);
}

int64_t ft_mock_stat(const struct ft_rig *r, const char *key)
{
	char *text = ft_slurp(r->stats_path, NULL);
	if (!text)
		return -1;
	char pat[64];
	snprintf(pat, sizeof pat, " %s=", key);
	const char *p = strstr(text, pat);
	int64_t v = p ? strtoll(p + strlen(pat), NULL, 10) : -1;
	free(text);
	return v;
}

int ft_open_sub(const char *feed, int flags, mdbus_sub **out, int timeout_ms, struct proc *watch)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		int rc = mdbus_sub_open(out, feed, flags);
		if (rc == 0)
			return 0;
		if (now_ms() > end || (watch && watch->pid && proc_wait(watch, 0)))
			return rc;
		usleep(5000);
	}
}

uint64_t ft_gen(mdbus_sub *s)
{
	struct mdbus_status st;
	mdbus_sub_status(s, &st);
	return st.generation;
}

struct mdbus_stats ft_stats(mdbus_sub *s)
{
	struct mdbus_info info;
	mdbus_sub_info(s, &info);
	return info.stats;
}

int ft_wait_gen(mdbus_sub *s, uint64_t g, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		uint64_t now = 0;
		if (ft_gen(s) >= g)
			return 1;
		if (now_ms() >= end)
			return 0;
		mdbus_sub_wait_gen(s, ft_gen(s), 100, &now);
	}
}

long ft_vmrss_kb(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	char *text = ft_slurp(path, NULL);
	if (!text)
		return -1;
	const char *p = strstr(text, "\nVmRSS:");
	long v = p ? strtol(p + 7, NULL, 10) : -1;
	free(text);
	return v;
}

int ft_fd_count(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

uint64_t ft_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

char *ft_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		cap *= 2;
		char *nb = realloc(buf, cap + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* ------------------------------------------------------------------ main */

static const struct {
	const char *name;
	int (*fn)(long size);
	long size;        /* default (short form) */
	const char *what; /* for --help */
} campaigns[] = {
	{ "storm", camp_storm, 30, "mock drops after a few frames; SIZE cycles" },
	{ "stall", camp_stall, 2, "mock stalls; the watchdog reconnects; SIZE stalls" },
	{ "refuse", camp_refuse, 3, "handshakes refused for SIZE budget windows (compressed schedule)" },
	{ "kill_publisher", camp_kill_publisher, 10, "SIGKILL the publisher SIZE times under 8 readers" },
	{ "kill_writer", camp_kill_writer, 10, "SIGKILL a self-checking ring writer SIZE times under 8 readers" },
	{ "kill_readers", camp_kill_readers, 20, "SIGKILL readers SIZE times; registry slots reclaimed" },
	{ "shm_full", camp_shm_full, 1, "/dev/shm full (private tmpfs): clear exit, nothing left" },
	{ "size_refused", camp_size_refused, 1, "segment size refused (RLIMIT_FSIZE): clear exit, nothing left" },
	{ "segment_modes", camp_segment_modes, 1, "O_EXCL creation, mode 0640 by default, --mode" },
	{ "foreign_objects", camp_foreign_objects, 1, "foreign owner/layout/symlink refused; REQUIRE_OWNER" },
	{ "feed_names", camp_feed_names, 1, "feed names validated by every entry point" },
	{ "bounds", camp_bounds, 1, "frame, symbol, depth and record caps exceeded" },
};

int main(int argc, char **argv)
{
	ft_pub_bin = getenv("MDBUS_PUBLISHER");
	ft_mock_bin = getenv("MDBUS_MOCK");
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s CAMPAIGN [SIZE]\n", argv[0]);
		for (size_t i = 0; i < sizeof campaigns / sizeof campaigns[0]; i++)
			fprintf(stderr, "  %-16s %s (default %ld)\n", campaigns[i].name, campaigns[i].what,
				campaigns[i].size);
		return 2;
	}
	if (!ft_pub_bin || !ft_mock_bin || access(ft_pub_bin, X_OK) || access(ft_mock_bin, X_OK)) {
		fprintf(stderr, "MDBUS_PUBLISHER / MDBUS_MOCK must name the built binaries\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof campaigns / sizeof campaigns[0]; i++) {
		if (strcmp(argv[1], campaigns[i].name) != 0)
			continue;
		long size = argc == 3 ? strtol(argv[2], NULL, 10) : campaigns[i].size;
		if (size <= 0) {
			fprintf(stderr, "bad size '%s'\n", argv[2]);
			return 2;
		}
		return campaigns[i].fn(size);
	}
	fprintf(stderr, "unknown campaign %s\n", argv[1]);
	return 2;
}
