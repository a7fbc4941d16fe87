/*
 * fuzz_common.h — what every mdbus fuzz harness shares.
 *
 * A harness is one LLVMFuzzerTestOneInput.  With MDBUS_FUZZ=ON (clang) it links
 * libFuzzer; otherwise it links fuzz_replay_main.c and becomes a plain program that
 * runs every file (or directory of files) named on its command line once — the
 * committed corpus and the regression inputs, in the normal test suite.
 *
 * A broken property is reported with FZ_CHECK, which prints what differed and
 * aborts: libFuzzer saves the input as a crash, the replay program fails its test.
 */
#ifndef MDBUS_FUZZ_COMMON_H
#define MDBUS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FZ_CHECK(cond, ...)                                                          \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "FUZZ CHECK FAILED %s:%d: %s: ", __FILE__,   \
				__LINE__, #cond);                                    \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

#endif
