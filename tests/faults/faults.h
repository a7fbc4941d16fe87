/*
 * faults.h — fault campaigns against real processes (private to tests/faults).
 *
 * One program, one campaign per invocation:  fault_campaigns CAMPAIGN [SIZE]
 * (see the table in faults_main.c).  The mock exchange and the publisher are the
 * shipped binaries ($MDBUS_MOCK, $MDBUS_PUBLISHER); readers are forked children or
 * threads using the public subscriber API on the real /dev/shm segment.
 *
 * Every campaign ends with one machine-readable line on stdout, which
 * tests/faults/report.sh turns into docs/reliability.md:
 *   RESULT campaign=NAME size="..." checked="..." result=pass|fail
 * Exit 0 pass, 1 fail, 77 skipped (the reason is printed).
 *
 * Waits poll an observable state with a deadline; deadlines are generous because
 * the machines are shared and sanitizer builds are slow.  No assertion depends on
 * how fast anything ran, except where a campaign checks a documented time bound
 * (the attempt budget), and then with an explicit tolerance.
 */
#ifndef MDBUS_FAULTS_H
#define MDBUS_FAULTS_H

#include "proc.h"

#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FT_SKIP 77
#define FT_DEADLINE_MS 30000

/* Sanitizer builds are several times slower and change memory accounting. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FT_SANITIZED 1
#endif
#endif
#ifndef FT_SANITIZED
#define FT_SANITIZED 0
#endif

extern const char *ft_pub_bin, *ft_mock_bin;
extern int ft_failed;

/* Record a failed check (printed at once) and go on; the campaign fails. */
#define FT_CHECK(cond, ...)                                                          \
	do {                                                                         \
		if (!(cond)) {                                                       \
			ft_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);             \
		}                                                                    \
	} while (0)
void ft_fail(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The RESULT line; returns the exit code (0 pass, 1 fail). */
int ft_result(const char *campaign, const char *checked, const char *size_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print the reason, then the RESULT line with result=skip; returns FT_SKIP. */
int ft_skip(const char *campaign, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ----------------------------------------------------------- arguments */

struct ft_args {
	char *v[96];
	int n;
	size_t used;
	char pool[32768];
};
void ft_arg(struct ft_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------ the rig */

struct ft_rig {
	struct proc mock;
	int port;
	char feed[MDBUS_FEED_NAME_MAX + 1];
	char stats_path[128];
};

/* A unique feed name "ft-<tag>-<pid>" with any leftover removed. */
void ft_rig_init(struct ft_rig *r, const char *tag);

/* Start the mock on an ephemeral port with these flags (NULL-terminated) and a
 * --stats-file.  Returns 0 or -1. */
int ft_mock_start(struct ft_rig *r, const char *const *flags);

/* Start a publisher for r->feed against the mock with these extra flags
 * (NULL-terminated; --feed, --url and --log-level info are supplied). */
int ft_pub_start(const struct ft_rig *r, struct proc *p, const char *const *flags);

/* Stop the mock (SIGTERM), print logs when the campaign failed, remove files and
 * the feed. */
void ft_rig_stop(struct ft_rig *r, struct proc *pub);

/* Value of `key` in the mock's stats file, or -1 if absent. */
int64_t ft_mock_stat(const struct ft_rig *r, const char *key);

/* Open the feed (retrying while it does not exist yet or is being created) within
 * timeout_ms; gives up early if `watch` (may be NULL) exits.  Returns 0 or < 0. */
int ft_open_sub(const char *feed, int flags, mdbus_sub **out, int timeout_ms, struct proc *watch);

uint64_t ft_gen(mdbus_sub *s);
struct mdbus_stats ft_stats(mdbus_sub *s);

/* Wait until conn_gen >= g; returns 1, or 0 on timeout. */
int ft_wait_gen(mdbus_sub *s, uint64_t g, int timeout_ms);

/* ------------------------------------------------------------- /proc */

/* VmRSS in KiB of pid, or -1. */
long ft_vmrss_kb(pid_t pid);
/* Open descriptors of pid (entries of /proc/pid/fd), or -1. */
int ft_fd_count(pid_t pid);

/* A small deterministic RNG (xorshift64*) for kill moments; seeded and printed. */
uint64_t ft_rand(uint64_t *state);

/* Whole file into a malloc'd NUL-terminated buffer (NULL if unreadable). */
char *ft_slurp(const char *path, size_t *len);

/* ------------------------------------------------------------ campaigns */

int camp_storm(long size);
int camp_stall(long size);
int camp_refuse(long size);
int camp_kill_publisher(long size);
int camp_kill_writer(long size);
int camp_kill_readers(long size);
int camp_shm_full(long size);
int camp_size_refused(long size);
int camp_segment_modes(long size);
int camp_foreign_objects(long size);
int camp_feed_names(long size);
int camp_bounds(long size);

#endif
