/*
 * proc.h — child processes for the mdbus-dump tests: run a command to completion with
 * its stdout and stderr captured, or keep a helper running and talk to it line by line
 * over pipes.  Every wait has a deadline; nothing here sleeps to synchronise.
 */
#ifndef MDBUS_TEST_PROC_H
#define MDBUS_TEST_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Result of a command run to completion. */
struct run {
	int    status;          /* waitpid status */
	int    exited;          /* WIFEXITED */
	int    code;            /* WEXITSTATUS, or -1 */
	int    signaled;        /* killed by a signal (a crash, or our deadline) */
	int    timed_out;
	char  *out, *err;       /* NUL-terminated, malloc'd */
	size_t out_len, err_len;
};

/* Run argv (argv[0] a path) with no stdin; wait at most timeout_ms.  0 or -1. */
int  run_cmd(char *const argv[], int timeout_ms, struct run *r);
void run_free(struct run *r);
/* Number of '\n'-terminated lines in s (a last unterminated line counts too). */
int  count_lines(const char *s);

/* A helper left running: write commands to its stdin, read its stdout by lines. */
struct child {
	pid_t  pid;
	int    in_fd;           /* -1 if not piped */
	int    out_fd;          /* -1 if not piped */
	char  *buf;             /* bytes read from stdout not yet returned */
	size_t len, cap;
	int    eof;
	int    status;          /* valid once reaped */
	int    reaped;
};

/* Start argv with stdin and/or stdout piped to us; stderr is inherited, or goes into
 * the same pipe as stdout with pipe_out = CHILD_OUT_AND_ERR.  0 or -1. */
#define CHILD_OUT_AND_ERR 2
int  child_start(struct child *c, char *const argv[], int pipe_in, int pipe_out);
/* Next line of stdout (without '\n') into line[n]; 1 got one, 0 EOF, -1 deadline. */
int  child_read_line(struct child *c, char *line, size_t n, int timeout_ms);
/* Write a command line (a '\n' is appended).  0 or -1. */
int  child_send(struct child *c, const char *line);
/* Wait for exit at most timeout_ms; 0 reaped, -1 still running. */
int  child_wait(struct child *c, int timeout_ms);
/* SIGKILL (if still running), reap, close pipes, free. */
void child_kill(struct child *c);

/* Milliseconds of CLOCK_MONOTONIC. */
long long mono_ms(void);

#endif
