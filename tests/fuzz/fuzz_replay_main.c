/*
 * fuzz_replay_main.c — the driver of a harness built without libFuzzer: run every
 * input named on the command line once (a directory means each regular file in it,
 * in name order; a missing path is reported and skipped), plus the empty input.
 * Exit 0 when every input ran; a broken property aborts inside the harness.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* Harnesses that need set-up define it; weak so that the others need not. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static size_t g_inputs;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf)
			abort();
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			continue;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	/* An exact-size copy, so that ASan sees any read past the input. */
	uint8_t *in = malloc(n ? n : 1);
	if (!in)
		abort();
	memcpy(in, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	g_inputs++;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "fuzz replay: %s: %s (skipped)\n", path, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "fuzz replay: %s: %s\n", path, strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", path, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			run_file(p);
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	static const uint8_t empty[1];
	LLVMFuzzerTestOneInput(empty, 0);
	g_inputs++;
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("%s: replayed %zu inputs\n", argv[0], g_inputs);
	return 0;
}
