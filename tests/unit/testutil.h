/*
 * testutil.h — helpers shared by the unit and integration tests of the bus core
 * (static library mdbus_testutil; never installed).
 *
 * - unique feed names per run ("t_<tag>_<pid>") that are removed at exit, on a hang
 *   guard timeout and by tu_feeds_cleanup();
 * - a self-checking RAW record: every byte of the record (header fields and all 88
 *   payload bytes) is a function of its sequence number, so a torn copy (bytes of two
 *   different writes) never passes tu_raw_check;
 * - pipes and child processes with deadlines (polling, never a sleep as
 *   synchronisation);
 * - exit code 77 = skipped, with the reason printed.
 */
#ifndef MDBUS_TESTUTIL_H
#define MDBUS_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#define TU_SKIP 77

/* Sanitizer builds run the same tests on smaller sizes. */
#if defined(__SANITIZE_THREAD__)
#define TU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TU_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_ASAN 1
#endif
#endif
#ifndef TU_TSAN
#define TU_TSAN 0
#endif
#ifndef TU_ASAN
#define TU_ASAN 0
#endif

/* A process-unique feed name "t_<tag>_<pid>[_<n>]" (n counts calls), registered for
 * removal at exit.  Returns buf. */
char *tu_feed_name(char buf[MDBUS_FEED_NAME_MAX + 1], const char *tag);

/* Remove every feed named by tu_feed_name in this process (idempotent). */
void tu_feeds_cleanup(void);

/* Hang guard: after `seconds`, print "<prog>: TIMEOUT (<what>)", kill the registered
 * children, unlink the registered feeds' objects and _exit(1).  0 disarms. */
void tu_guard(unsigned seconds, const char *what);

/* Children that the guard and tu_kill_children() SIGKILL. */
void tu_child_add(pid_t pid);
void tu_child_forget(pid_t pid);
void tu_kill_children(void);

/* Print the reason and exit 77. */
void tu_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Clocks. */
uint64_t tu_mono_ns(void);
/* CPU time (user + system) of this process, ns. */
uint64_t tu_cpu_ns(void);

/* ------------------------------------------------ self-checking records */

/* Fill *r with the RAW record for sequence `seq` (data length <= raw_max). */
void tu_raw_fill(struct mdbus_record *r, uint64_t seq, uint32_t raw_max);

/* 0 if *r is exactly the record tu_raw_fill(r->seq, raw_max) describes, else -1
 * (and, if why is not NULL, a short description of the first difference). */
int tu_raw_check(const struct mdbus_record *r, uint32_t raw_max, char *why, size_t whylen);


/* ------------------------------------------------------- stream checking */

/* Per-reader accounting of a stream of self-checking RAW records. */
struct tu_stream {
	uint64_t expected;  /* next sequence, from the open position */
	uint64_t read;      /* records delivered */
	uint64_t lost;      /* sum of r->lost */
	uint64_t bad;       /* records that failed tu_raw_check (torn or wrong) */
	uint64_t order;     /* r->seq != expected + r->lost (gap, repeat or backwards) */
	uint64_t other;     /* non-RAW records */
	uint64_t laps;      /* records that arrived with r->lost > 0 */
	char first_error[160];
};

/* Account one delivered record.  RAW records are checked byte for byte; others are
 * only counted (the caller looks at them).  Returns 0 if it was in order and
 * intact. */
int tu_stream_feed(struct tu_stream *t, const struct mdbus_record *r, uint32_t raw_max);

/* ------------------------------------------------------------ processes */

/* Write / read exactly n bytes.  tu_read_full waits at most timeout_ms (-1 forever)
 * for each chunk.  Return 0, or -1 (error, EOF or timeout). */
int tu_write_full(int fd, const void *buf, size_t n);
int tu_read_full(int fd, void *buf, size_t n, int timeout_ms);

/* Wait for child `pid` at most timeout_ms (polling).  Returns 0 with *status filled,
 * or -1 on timeout (the child is left running). */
int tu_wait_child(pid_t pid, int timeout_ms, int *status);

/* Same, and SIGKILL + reap it on timeout.  Returns 0 or -1 (it hung). */
int tu_reap_child(pid_t pid, int timeout_ms, int *status);

/* Describe a wait status ("exit 3", "signal 9 (Killed)") into buf. */
const char *tu_status_str(int status, char *buf, size_t n);

/* ------------------------------------------------------------- checks */

/* Simple checks for the integration programs (CUnit is used in unit tests). */
extern int tu_failures;
#define TU_CHECK(cond, ...)                                                       \
	do {                                                                      \
		if (!(cond)) {                                                    \
			tu_failures++;                                            \
			tu_fail_report(__FILE__, __LINE__, #cond, __VA_ARGS__);   \
		}                                                                 \
	} while (0)
void tu_fail_report(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
