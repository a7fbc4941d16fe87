/*
 * tp_iceoryx.c — Eclipse iceoryx (C binding, Debian's 2.0) as a bench transport:
 * the zero-copy shared-memory peer — and its RouDi daemon, which the benchmark starts
 * for the iceoryx mode and stops afterwards.
 *
 * Publishers loan a chunk, the payload is written into it and published; subscribers
 * take and release.  Both sides use the non-blocking policies (the publisher never
 * waits for a slow subscriber, which loses its oldest chunks instead: the harness
 * counts them as lost), like mdbus.  Subscriber queues have iceoryx's maximum
 * capacity, 256.  Waiting: spin = iox_sub_take_chunk in a loop; spin-then-sleep and
 * sleep = a WaitSet on "has data".
 *
 * RouDi 2.0 has no private instance name: its shared memory (/dev/shm/iceoryx_mgmt
 * and /dev/shm/<user>) and sockets (/tmp/roudi*) are fixed.  So the benchmark
 * refuses to run when another RouDi is alive (it would share, or break, someone
 * else's), starts its own with a private config file (one mempool sized for these
 * messages), and on SIGTERM RouDi removes all of it; only after a RouDi that had to
 * be killed does the benchmark remove the leftovers itself.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <iceoryx_binding_c/log.h>
#include <iceoryx_binding_c/publisher.h>
#include <iceoryx_binding_c/runtime.h>
#include <iceoryx_binding_c/subscriber.h>
#include <iceoryx_binding_c/wait_set.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SERVICE "mdbus-bench"
#define TAKE_TIMEOUT_NS (100ull * 1000000u)
#define QUEUE_CAPACITY 256u

static unsigned g_run_seq;
static pid_t g_roudi = -1;
static char g_roudi_cfg[128], g_roudi_log[128];

struct iw {
	iox_pub_storage_t storage;
	iox_pub_t pub;
	void *chunk;
};

struct ir {
	iox_sub_storage_t storage;
	iox_sub_t sub;
	iox_ws_storage_t ws_storage;
	iox_ws_t ws;
	const void *chunk;
	uint32_t len;
};

static int setup(struct tp_run *run, int channels)
{
	unsigned k = g_run_seq++;
	for (int c = 0; c < channels; c++)
		snprintf(run->name[c], sizeof run->name[c], "r%u-c%d", k, c);
	return 0;
}

static void teardown(struct tp_run *run)
{
	(void)run;
}

static void proc_init(const char *role)
{
	char name[64];
	snprintf(name, sizeof name, "mdbus-bench-%s-%d", role, (int)getpid());
	iox_set_loglevel(Iceoryx_LogLevel_Warn);
	iox_runtime_init(name);
}

static void proc_fini(int code)
{
	/* The runtime unregisters from RouDi in its static destructor: leave through
	 * exit(), not _exit(), or RouDi keeps our resources until it notices we died. */
	exit(code);
}

static const char *instance(void)
{
	static char buf[32];
	snprintf(buf, sizeof buf, "p%d", (int)getppid());
	return buf;
}

static int w_open(const struct tp_run *run, int chan, void **out)
{
	struct iw *w = calloc(1, sizeof *w);
	if (!w)
		return -1;
	iox_pub_options_t o;
	iox_pub_options_init(&o);
	o.historyCapacity = 0;
	o.subscriberTooSlowPolicy = ConsumerTooSlowPolicy_DISCARD_OLDEST_DATA;
	w->pub = iox_pub_init(&w->storage, SERVICE, instance(), run->name[chan], &o);
	if (!w->pub) {
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

static uint8_t *w_loan(void *p, uint32_t len)
{
	struct iw *w = p;
	if (iox_pub_loan_chunk(w->pub, &w->chunk, len) != AllocationResult_SUCCESS)
		return NULL;
	return w->chunk;
}

static int w_put(void *p, uint32_t len)
{
	struct iw *w = p;
	(void)len;
	iox_pub_publish_chunk(w->pub, w->chunk);
	w->chunk = NULL;
	return 0;
}

static void w_close(void *p)
{
	struct iw *w = p;
	iox_pub_deinit(w->pub);
	free(w);
}

static int r_open(const struct tp_run *run, int chan, int wait, void **out)
{
	struct ir *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	iox_sub_options_t o;
	iox_sub_options_init(&o);
	o.queueCapacity = QUEUE_CAPACITY;
	o.historyRequest = 0;
	o.queueFullPolicy = QueueFullPolicy_DISCARD_OLDEST_DATA;
	r->len = run->len;
	r->sub = iox_sub_init(&r->storage, SERVICE, instance(), run->name[chan], &o);
	if (!r->sub) {
		free(r);
		return -1;
	}
	if (wait != WAIT_SPIN) {
		r->ws = iox_ws_init(&r->ws_storage);
		if (iox_ws_attach_subscriber_state(r->ws, r->sub, SubscriberState_HAS_DATA, 0, NULL) !=
		    WaitSetResult_SUCCESS) {
			iox_ws_deinit(r->ws);
			iox_sub_deinit(r->sub);
			free(r);
			return -1;
		}
	}
	*out = r;
	return 0;
}

static int r_next(void *p, const uint8_t **data, uint32_t *len, uint64_t *lost)
{
	struct ir *r = p;
	*lost = 0;
	uint64_t limit = 0;
	for (unsigned polls = 1;; polls++) {
		enum iox_ChunkReceiveResult rc = iox_sub_take_chunk(r->sub, &r->chunk);
		if (rc == ChunkReceiveResult_SUCCESS)
			break;
		if (rc != ChunkReceiveResult_NO_CHUNK_AVAILABLE)
			return -1;
		if (r->ws) {
			iox_notification_info_t ev[1];
			uint64_t missed = 0;
			struct timespec t = { 0, (long)TAKE_TIMEOUT_NS };
			if (iox_ws_timed_wait(r->ws, t, ev, 1, &missed) == 0)
				return 0;
			continue;
		}
		if ((polls & 1023) == 0) {
			uint64_t now = mono_now_ns();
			if (!limit)
				limit = now + TAKE_TIMEOUT_NS;
			else if (now > limit)
				return 0;
		}
	}
	*data = r->chunk;
	/* The 2.0 C binding has no accessor for a chunk's payload size; every message
	 * of a run has the run's length, and the payload check (whose hash covers the
	 * length) verifies the content. */
	*len = r->len;
	return 1;
}

static void r_release(void *p)
{
	struct ir *r = p;
	if (r->chunk)
		iox_sub_release_chunk(r->sub, r->chunk);
	r->chunk = NULL;
}

static void r_close(void *p)
{
	struct ir *r = p;
	if (r->ws) {
		iox_ws_detach_subscriber_state(r->ws, r->sub, SubscriberState_HAS_DATA);
		iox_ws_deinit(r->ws);
	}
	iox_sub_deinit(r->sub);
	free(r);
}

const struct transport tp_iox = {
	.name = "iceoryx",
	.waits = 1u << WAIT_SPIN | 1u << WAIT_DEFAULT | 1u << WAIT_SLEEP,
	.reports_lost = 0,
	.setup = setup,
	.teardown = teardown,
	.proc_init = proc_init,
	.proc_fini = proc_fini,
	.w_open = w_open,
	.w_loan = w_loan,
	.w_put = w_put,
	.w_close = w_close,
	.r_open = r_open,
	.r_next = r_next,
	.r_release = r_release,
	.r_close = r_close,
};

/* ----------------------------------------------------------------- RouDi */

/* pid of a running iox-roudi other than ours, or 0. */
static pid_t other_roudi(void)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	struct dirent *e;
	pid_t found = 0;
	while (!found && (e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == g_roudi)
			continue;
		char path[64], comm[64] = "";
		snprintf(path, sizeof path, "/proc/%ld/comm", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof comm, f) && strncmp(comm, "iox-roudi", 9) == 0)
			found = (pid_t)pid;
		fclose(f);
	}
	closedir(d);
	return found;
}

static int file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[512];
	int hit = 0;
	while (!hit && fgets(line, sizeof line, f))
		hit = strstr(line, needle) != NULL;
	fclose(f);
	return hit;
}

/* What a RouDi that could not clean up leaves behind (fixed names in 2.0). */
static void remove_leftovers(void)
{
	struct passwd *pw = getpwuid(geteuid());
	char path[256];
	unlink("/dev/shm/iceoryx_mgmt");
	if (pw) {
		snprintf(path, sizeof path, "/dev/shm/%s", pw->pw_name);
		unlink(path);
	}
	unlink("/tmp/roudi");
	unlink("/tmp/roudi.lock");
	unlink("/tmp/iox-unique-roudi.lock");
}

int iox_roudi_start(char *why, size_t cap)
{
	if (g_roudi > 0)
		return 0;
	pid_t other = other_roudi();
	if (other) {
		snprintf(why, cap, "another iox-roudi (pid %d) is running; RouDi 2.0 has fixed shared-memory "
			 "names, so the benchmark will not share or replace it", (int)other);
		return -1;
	}
	if (access(g_opt.roudi, X_OK) != 0) {
		snprintf(why, cap, "RouDi not found at %s (--roudi PATH)", g_opt.roudi);
		return -1;
	}
	snprintf(g_roudi_cfg, sizeof g_roudi_cfg, "/tmp/mdbus-bench-roudi-%d.toml", (int)getpid());
	snprintf(g_roudi_log, sizeof g_roudi_log, "/tmp/mdbus-bench-roudi-%d.log", (int)getpid());
	FILE *f = fopen(g_roudi_cfg, "w");
	if (!f) {
		snprintf(why, cap, "cannot write %s: %s", g_roudi_cfg, strerror(errno));
		return -1;
	}
	/* One pool: the messages are at most 128 bytes; enough chunks for every queue
	 * of the largest run (8 subscribers x 256) several times over. */
	fprintf(f, "[general]\nversion = 1\n\n[[segment]]\n\n[[segment.mempool]]\nsize = 128\ncount = 20000\n");
	fclose(f);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(g_roudi_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		execl(g_opt.roudi, "iox-roudi", "-c", g_roudi_cfg, "-l", "info", "-m", "off", (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		snprintf(why, cap, "fork: %s", strerror(errno));
		return -1;
	}
	g_roudi = pid;
	uint64_t limit = mono_now_ns() + 10000000000ull;
	while (mono_now_ns() < limit) {
		if (file_contains(g_roudi_log, "RouDi is ready for clients"))
			return 0;
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			g_roudi = -1;
			snprintf(why, cap, "iox-roudi exited at start (status 0x%x); see %s", st, g_roudi_log);
			return -1;
		}
		usleep(10000);
	}
	snprintf(why, cap, "iox-roudi not ready within 10 s; see %s", g_roudi_log);
	iox_roudi_stop();
	return -1;
}

void iox_roudi_stop(void)
{
	if (g_roudi <= 0)
		return;
	kill(g_roudi, SIGTERM);
	int st = 0, gone = 0;
	for (int i = 0; i < 1000 && !gone; i++) {
		if (waitpid(g_roudi, &st, WNOHANG) == g_roudi)
			gone = 1;
		else
			usleep(10000);
	}
	if (!gone) {
		kill(g_roudi, SIGKILL);
		waitpid(g_roudi, &st, 0);
	}
	/* A clean exit removes everything RouDi made; after a kill, we do. */
	if (!gone || !WIFEXITED(st))
		remove_leftovers();
	g_roudi = -1;
	unlink(g_roudi_cfg);
	if (gone)
		unlink(g_roudi_log);
}
