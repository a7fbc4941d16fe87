/*
 * proc.c — fork/exec with pipes and deadlines for the mdbus-dump tests (see proc.h).
 * Output is drained with poll() while the child runs, so a chatty child never blocks
 * on a full pipe; a child that outlives its deadline is killed and reported.
 */
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

long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = (*cap ? *cap * 2 : 4096);
		char *nb;

		while (nc < *len + n + 1)
			nc *= 2;
		nb = realloc(*buf, nc);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

int run_cmd(char *const argv[], int timeout_ms, struct run *r)
{
	int po[2], pe[2];
	size_t ocap = 0, ecap = 0;
	long long deadline = mono_ms() + timeout_ms;
	int open_fds = 2;
	pid_t pid;

	memset(r, 0, sizeof *r);
	r->code = -1;
	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	append(&r->out, &r->out_len, &ocap, "", 0);
	append(&r->err, &r->err_len, &ecap, "", 0);
	while (open_fds > 0) {
		struct pollfd pf[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		long long left = deadline - mono_ms();
		char buf[4096];
		int i;

		if (left <= 0) {
			r->timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(pf, 2, (int)left) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, buf, sizeof buf);
			if (n > 0) {
				if (i == 0)
					append(&r->out, &r->out_len, &ocap, buf, (size_t)n);
				else
					append(&r->err, &r->err_len, &ecap, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(pf[i].fd);
				if (i == 0)
					po[0] = -1;
				else
					pe[0] = -1;
				open_fds--;
			}
		}
	}
	if (po[0] >= 0)
		close(po[0]);
	if (pe[0] >= 0)
		close(pe[0]);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
	r->exited = WIFEXITED(r->status);
	r->code = r->exited ? WEXITSTATUS(r->status) : -1;
	r->signaled = WIFSIGNALED(r->status);
	return 0;
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (*s == '\n' || s[1] == '\0')
			n++;
	return n;
}

int child_start(struct child *c, char *const argv[], int pipe_in, int pipe_out)
{
	int pi[2] = { -1, -1 }, po[2] = { -1, -1 };

	memset(c, 0, sizeof *c);
	c->in_fd = c->out_fd = -1;
	if (pipe_in && pipe2(pi, O_CLOEXEC) < 0)
		return -1;
	if (pipe_out && pipe2(po, O_CLOEXEC) < 0)
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		if (pipe_in)
			dup2(pi[0], 0);
		if (pipe_out)
			dup2(po[1], 1);
		if (pipe_out == CHILD_OUT_AND_ERR)
			dup2(po[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pipe_in) {
		close(pi[0]);
		c->in_fd = pi[1];
	}
	if (pipe_out) {
		close(po[1]);
		c->out_fd = po[0];
	}
	return 0;
}

int child_read_line(struct child *c, char *line, size_t n, int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;

	for (;;) {
		char *nl = c->buf ? memchr(c->buf, '\n', c->len) : NULL;
		struct pollfd pf;
		char tmp[4096];
		long long left;
		ssize_t got;

		if (nl) {
			size_t l = (size_t)(nl - c->buf);

			snprintf(line, n, "%.*s", (int)l, c->buf);
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			return 1;
		}
		if (c->eof || c->out_fd < 0)
			return 0;
		left = deadline - mono_ms();
		if (left <= 0)
			return -1;
		pf.fd = c->out_fd;
		pf.events = POLLIN;
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		got = read(c->out_fd, tmp, sizeof tmp);
		if (got > 0)
			append(&c->buf, &c->len, &c->cap, tmp, (size_t)got);
		else if (got == 0 || errno != EINTR)
			c->eof = 1;
	}
}

int child_send(struct child *c, const char *line)
{
	size_t l = strlen(line);
	char *msg = malloc(l + 2);
	size_t off = 0;

	if (!msg)
		return -1;
	memcpy(msg, line, l);
	msg[l] = '\n';
	while (off < l + 1) {
		ssize_t n = write(c->in_fd, msg + off, l + 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(msg);
			return -1;
		}
		off += (size_t)n;
	}
	free(msg);
	return 0;
}

int child_wait(struct child *c, int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;

	if (c->reaped)
		return 0;
	for (;;) {
		pid_t p = waitpid(c->pid, &c->status, WNOHANG);

		if (p == c->pid) {
			c->reaped = 1;
			return 0;
		}
		if (p < 0 && errno != EINTR)
			return -1;
		if (mono_ms() >= deadline)
			return -1;
		/* waitpid has no timeout: poll the child's state every millisecond */
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
}

void child_kill(struct child *c)
{
	if (c->pid > 0 && !c->reaped) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
			;
		c->reaped = 1;
	}
	if (c->in_fd >= 0)
		close(c->in_fd);
	if (c->out_fd >= 0)
		close(c->out_fd);
	c->in_fd = c->out_fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}
