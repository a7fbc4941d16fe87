/* proc.c — see proc.h. */
#define _GNU_SOURCE
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int proc_start(struct proc *p, char *const argv[], int capture_out)
{
	memset(p, 0, sizeof *p);
	p->out_fd = -1;
	snprintf(p->log, sizeof p->log, "/tmp/mdbus-test-%d-XXXXXX", (int)getpid());
	int lfd = mkstemp(p->log);
	if (lfd < 0)
		return -errno;
	int pfd[2] = { -1, -1 };
	if (capture_out && pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (capture_out)
			dup2(pfd[1], STDOUT_FILENO);
		dup2(lfd, STDERR_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(lfd);
	if (capture_out) {
		close(pfd[1]);
		p->out_fd = pfd[0];
	}
	p->pid = pid;
	return 0;
}

int proc_read_line(struct proc *p, char *buf, size_t cap, int timeout_ms)
{
	size_t n = 0;
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	while (n + 1 < cap) {
		uint64_t now = now_ms();
		if (now >= end)
			return -1;
		struct pollfd pf = { p->out_fd, POLLIN, 0 };
		if (poll(&pf, 1, (int)(end - now)) <= 0)
			return -1;
		char c;
		ssize_t r = read(p->out_fd, &c, 1);
		if (r <= 0)
			return -1;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (int)n;
}

int proc_wait(struct proc *p, int timeout_ms)
{
	if (p->exited)
		return 1;
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		pid_t r = waitpid(p->pid, &p->status, WNOHANG);
		if (r == p->pid) {
			p->exited = 1;
			if (p->out_fd >= 0)
				close(p->out_fd);
			p->out_fd = -1;
			return 1;
		}
		if (now_ms() >= end)
			return 0;
		usleep(5000);
	}
}

int proc_stop(struct proc *p, int sig, int timeout_ms)
{
	if (!p->pid)
		return -1;
	if (!p->exited) {
		kill(p->pid, sig);
		if (!proc_wait(p, timeout_ms)) {
			kill(p->pid, SIGKILL);
			proc_wait(p, 5000);
		}
	}
	return p->status;
}

void proc_dump_log(const struct proc *p, const char *title)
{
	FILE *f = fopen(p->log, "r");
	if (!f)
		return;
	fprintf(stderr, "----- %s (%s) -----\n", title, p->log);
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof line, f) && n++ < 200)
		fputs(line, stderr);
	fclose(f);
	fprintf(stderr, "----- end %s -----\n", title);
}

int wait_until(int (*cond)(void *), void *arg, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		if (cond(arg))
			return 1;
		if (now_ms() >= end)
			return 0;
		usleep(10000);
	}
}
