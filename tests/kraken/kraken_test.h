/*
 * kraken_test.h — shared scaffolding for the Kraken core CUnit programs:
 * a runner that turns CUnit's result into the exit code CTest reads
 * (0 pass, 1 fail, 77 skip), fixture loading, and a deterministic PRNG.
 *
 * Header-only with static functions: each test program is one .c file.
 */
#ifndef MDBUS_KRAKEN_TEST_H
#define MDBUS_KRAKEN_TEST_H

#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KTEST_SKIP 77

#ifndef MDBUS_FIXTURES_DIR_DEFAULT
#define MDBUS_FIXTURES_DIR_DEFAULT ""
#endif

struct ktest_case {
    const char *name;
    CU_TestFunc fn;
};

#define KTEST(fn) { #fn, fn }

/* Fixture directory: $MDBUS_FIXTURES_DIR, else the one CMake compiled in. */
static inline const char *ktest_fixture_dir(void)
{
    const char *d = getenv("MDBUS_FIXTURES_DIR");

    return d && *d ? d : MDBUS_FIXTURES_DIR_DEFAULT;
}

/* Whole file, NUL-terminated (the NUL is not counted in *len); NULL if unreadable. */
static inline char *ktest_read_path(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
            if (len)
                *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static inline char *ktest_fixture(const char *name, size_t *len)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", ktest_fixture_dir(), name);
    return ktest_read_path(path, len);
}

/* Exit 77 unless the fixture directory holds the golden vectors. */
static inline void ktest_require_fixtures(void)
{
    char *v = ktest_fixture("checksum_vectors.json", NULL);

    if (v == NULL) {
        fprintf(stderr, "fixtures not found in '%s' (set MDBUS_FIXTURES_DIR): skipping\n",
                ktest_fixture_dir());
        exit(KTEST_SKIP);
    }
    free(v);
}

/* splitmix64: deterministic, so a failing mutation case reproduces. */
static inline uint64_t ktest_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Register and run one suite; the exit status for main(). */
static inline int ktest_run(const char *suite_name, const struct ktest_case *cases, size_t n)
{
    CU_pSuite suite;
    unsigned failures;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    suite = CU_add_suite(suite_name, NULL, NULL);
    if (suite == NULL)
        goto err;
    for (size_t i = 0; i < n; i++) {
        if (CU_add_test(suite, cases[i].name, cases[i].fn) == NULL)
            goto err;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        goto err;
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
err:
    fprintf(stderr, "CUnit error: %s\n", CU_get_error_msg());
    CU_cleanup_registry();
    return 1;
}

#endif /* MDBUS_KRAKEN_TEST_H */
