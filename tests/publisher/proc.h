/*
 * proc.h — spawning and supervising real processes from integration tests.
 *
 * Tests start the mock exchange and the publisher as separate programs, read the
 * mock's port from its first stdout line, and wait for conditions by polling with
 * a deadline — never by sleeping a guessed amount.
 */
#ifndef MDBUS_TEST_PROC_H
#define MDBUS_TEST_PROC_H

#include <stdint.h>
#include <sys/types.h>

struct proc {
	pid_t pid;
	int out_fd;       /* child's stdout (read end), -1 if not captured */
	int exited;
	int status;       /* waitpid status once exited */
	char log[256];    /* file receiving the child's stderr */
};

/* Start argv[0] with argv; stdout captured through a pipe when capture_out, stderr to
 * a temp file (kept for failure reports).  Returns 0 or -errno. */
int proc_start(struct proc *p, char *const argv[], int capture_out);

/* Read one line from the child's stdout within timeout_ms.  Returns length or -1. */
int proc_read_line(struct proc *p, char *buf, size_t cap, int timeout_ms);

/* Wait for exit within timeout_ms.  Returns 1 (exited), 0 (still running). */
int proc_wait(struct proc *p, int timeout_ms);

/* SIGTERM (or sig), wait up to timeout_ms, then SIGKILL.  Returns the exit status. */
int proc_stop(struct proc *p, int sig, int timeout_ms);

/* Print the child's stderr log to our stderr (for failures). */
void proc_dump_log(const struct proc *p, const char *title);

uint64_t now_ms(void);

/* Poll cond(arg) every 10 ms until it returns non-zero or timeout_ms passes. */
int wait_until(int (*cond)(void *), void *arg, int timeout_ms);

#endif
