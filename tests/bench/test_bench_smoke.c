/*
 * test_bench_smoke.c — run `mdbus-bench all --quick --json` and check what it says
 * about correctness, never about speed:
 *   - it exits 0 and prints one JSON document with "completed": true;
 *   - "corrupt_total" is 0 and every reader of every run reports 0 corrupt records;
 *   - for every reader, read + lost == written, and no reader timed out;
 *   - no run recorded a failure; skipped modes (no ZeroMQ, no iceoryx, ...) are
 *     reported, not failed.
 *
 * Usage: test_bench_smoke PATH-TO-mdbus-bench   (exit 0 pass, 1 fail, 77 skip)
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int g_failed;

#define FAIL(...)                                              \
	do {                                                   \
		fprintf(stderr, "FAIL: " __VA_ARGS__);         \
		fputc('\n', stderr);                           \
		g_failed = 1;                                  \
	} while (0)

/* Run argv, return its stdout (malloc'd) and exit status. */
static char *run(char *const argv[], int *status)
{
	int fds[2];
	if (pipe(fds) < 0)
		return NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return NULL;
	}
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fds[0], buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fds[0]);
	if (buf)
		buf[n] = '\0';
	waitpid(pid, status, 0);
	return buf;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void check_runs(const cJSON *checks)
{
	int runs = 0, readers = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, checks)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "run");
		const char *run_name = cJSON_IsString(name) ? name->valuestring : "?";
		const cJSON *failure = cJSON_GetObjectItemCaseSensitive(c, "failure");
		runs++;
		if (failure) {
			FAIL("run %s failed: %s", run_name, cJSON_IsString(failure) ? failure->valuestring : "?");
			continue;
		}
		double written = num(c, "written");
		const cJSON *read = cJSON_GetObjectItemCaseSensitive(c, "read");
		const cJSON *lost = cJSON_GetObjectItemCaseSensitive(c, "lost");
		const cJSON *corrupt = cJSON_GetObjectItemCaseSensitive(c, "corrupt");
		if (written < 0 || !cJSON_IsArray(read) || !cJSON_IsArray(lost) || !cJSON_IsArray(corrupt)) {
			FAIL("run %s: malformed check entry", run_name);
			continue;
		}
		if (num(c, "timeouts") != 0)
			FAIL("run %s: %.0f reader(s) timed out", run_name, num(c, "timeouts"));
		int n = cJSON_GetArraySize(read);
		if (cJSON_GetArraySize(lost) != n || cJSON_GetArraySize(corrupt) != n) {
			FAIL("run %s: reader arrays differ in length", run_name);
			continue;
		}
		for (int i = 0; i < n; i++) {
			double r = cJSON_GetArrayItem(read, i)->valuedouble;
			double l = cJSON_GetArrayItem(lost, i)->valuedouble;
			double k = cJSON_GetArrayItem(corrupt, i)->valuedouble;
			readers++;
			if (k != 0)
				FAIL("run %s reader %d: %.0f corrupt records", run_name, i, k);
			if (r + l != written)
				FAIL("run %s reader %d: read %.0f + lost %.0f != written %.0f", run_name, i, r, l, written);
		}
	}
	if (runs == 0)
		FAIL("no run reported any check");
	printf("%d runs, %d reader accounts checked\n", runs, readers);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_bench_smoke PATH-TO-mdbus-bench\n");
		return 2;
	}
	if (access(argv[1], X_OK) != 0) {
		fprintf(stderr, "SKIP: %s not built\n", argv[1]);
		return 77;
	}
	char *args[] = { argv[1], "all", "--quick", "--json", NULL };
	int status = 0;
	char *out = run(args, &status);
	if (!out) {
		FAIL("could not run %s", argv[1]);
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		FAIL("mdbus-bench exited with status 0x%x", status);
	cJSON *root = cJSON_Parse(out);
	if (!root) {
		FAIL("stdout is not one JSON document (%zu bytes)", strlen(out));
		free(out);
		return 1;
	}
	const cJSON *completed = cJSON_GetObjectItemCaseSensitive(root, "completed");
	if (!cJSON_IsTrue(completed))
		FAIL("\"completed\" is not true");
	if (num(root, "corrupt_total") != 0)
		FAIL("corrupt_total = %.0f", num(root, "corrupt_total"));
	if (num(root, "check_failures") != 0)
		FAIL("check_failures = %.0f", num(root, "check_failures"));
	const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(root, "metrics");
	if (!cJSON_IsObject(metrics) || !cJSON_GetArraySize(metrics))
		FAIL("no metrics");
	const cJSON *m;
	cJSON_ArrayForEach(m, metrics)
	{
		size_t kl = strlen(m->string);
		if (kl > 8 && strcmp(m->string + kl - 8, ".corrupt") == 0 && num(m, "max") != 0)
			FAIL("metric %s = %.0f", m->string, num(m, "max"));
	}
	check_runs(cJSON_GetObjectItemCaseSensitive(root, "checks"));
	const cJSON *skipped = cJSON_GetObjectItemCaseSensitive(root, "skipped"), *s;
	cJSON_ArrayForEach(s, skipped)
		printf("note: mode %s skipped: %s\n", s->string, cJSON_IsString(s) ? s->valuestring : "?");
	cJSON_Delete(root);
	free(out);
	if (!g_failed)
		printf("PASS\n");
	return g_failed ? 1 : 0;
}
