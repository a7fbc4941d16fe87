/*
 * test_kraken_crc32.c — kc_crc32 is zlib's CRC-32: the standard check value,
 * agreement with a bit-at-a-time CRC at every length and alignment, chaining,
 * and the two golden Kraken book vectors from checksum_vectors.json (the
 * documented 3310070434 and the derived 38355977), computed both from the
 * decimal strings and through kd_parse + kb_checksum_levels.
 */
#include "kraken_book.h"
#include "kraken_crc32.h"
#include "kraken_decimal.h"
#include "kraken_test.h"

#include <cjson/cJSON.h>
#include <string.h>

static uint32_t crc_bitwise(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;

    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void should_match_zlib_check_value(void)
{
    CU_ASSERT_EQUAL(kc_crc32(0, "123456789", 9), 0xCBF43926u);
    CU_ASSERT_EQUAL(kc_crc32(0, NULL, 0), 0);
    CU_ASSERT_EQUAL(kc_crc32(0, "a", 1), 0xE8B7BE43u);
    CU_ASSERT_EQUAL(kc_crc32(0, "5100000", 7), 619651691u);
}

static void should_match_bitwise_crc_at_every_length_and_alignment(void)
{
    unsigned char buf[520];
    uint64_t st = 7;

    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)ktest_rand(&st);
    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; n + off <= 512; n++)
            CU_ASSERT_EQUAL_FATAL(kc_crc32(0, buf + off, n), crc_bitwise(buf + off, n));
    }
}

static void should_chain_like_zlib(void)
{
    const char *s = "45285210000045286415457195345286615457110945289615456091145290";
    size_t n = strlen(s);
    uint32_t whole = kc_crc32(0, s, n);

    for (size_t cut = 0; cut <= n; cut++)
        CU_ASSERT_EQUAL(kc_crc32(kc_crc32(0, s, cut), s + cut, n - cut), whole);
}

/* "45285.2" -> "452852", "0.00100000" -> "100000" */
static size_t strip(const char *s, char *out)
{
    size_t o = 0;

    for (; *s; s++) {
        if (*s == '.' || (o == 0 && *s == '0'))
            continue;
        out[o++] = *s;
    }
    return o;
}

static size_t side_string(const cJSON *side, char *out)
{
    const cJSON *lv;
    size_t o = 0;

    cJSON_ArrayForEach(lv, side) {
        o += strip(cJSON_GetArrayItem(lv, 0)->valuestring, out + o);
        o += strip(cJSON_GetArrayItem(lv, 1)->valuestring, out + o);
    }
    out[o] = '\0';
    return o;
}

static int levels_of(const cJSON *side, int pp, int qp, struct kb_level *lv)
{
    const cJSON *it;
    int n = 0;

    cJSON_ArrayForEach(it, side) {
        const char *p = cJSON_GetArrayItem(it, 0)->valuestring;
        const char *q = cJSON_GetArrayItem(it, 1)->valuestring;

        CU_ASSERT_EQUAL(kd_parse(p, strlen(p), pp, &lv[n].price), 0);
        CU_ASSERT_EQUAL(kd_parse(q, strlen(q), qp, &lv[n].qty), 0);
        n++;
    }
    return n;
}

static void should_reproduce_golden_book_vectors(void)
{
    char *text = ktest_fixture("checksum_vectors.json", NULL);
    cJSON *root, *vec;
    int seen = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    root = cJSON_Parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    cJSON_ArrayForEach(vec, cJSON_GetObjectItem(root, "vectors")) {
        const cJSON *asks = cJSON_GetObjectItem(vec, "asks_low_to_high");
        const cJSON *bids = cJSON_GetObjectItem(vec, "bids_high_to_low");
        const cJSON *as = cJSON_GetObjectItem(vec, "asks_string");
        const cJSON *bs = cJSON_GetObjectItem(vec, "bids_string");
        uint32_t want = (uint32_t)cJSON_GetObjectItem(vec, "expected_checksum")->valuedouble;
        int pp = cJSON_GetObjectItem(vec, "price_precision")->valueint;
        int qp = cJSON_GetObjectItem(vec, "qty_precision")->valueint;
        char sa[1024], sb[1024];
        struct kb_level la[16], lb[16];
        size_t na = side_string(asks, sa), nb = side_string(bids, sb);
        int nla, nlb;

        if (as)
            CU_ASSERT_STRING_EQUAL(sa, as->valuestring);
        if (bs)
            CU_ASSERT_STRING_EQUAL(sb, bs->valuestring);
        CU_ASSERT_EQUAL(kc_crc32(kc_crc32(0, sa, na), sb, nb), want);
        nla = levels_of(asks, pp, qp, la);
        nlb = levels_of(bids, pp, qp, lb);
        CU_ASSERT_EQUAL(kb_checksum_levels(la, nla, lb, nlb), want);
        seen++;
    }
    CU_ASSERT_EQUAL(seen, 2);
    cJSON_Delete(root);
    free(text);
}

int main(void)
{
    static const struct ktest_case cases[] = {
        KTEST(should_match_zlib_check_value),
        KTEST(should_match_bitwise_crc_at_every_length_and_alignment),
        KTEST(should_chain_like_zlib),
        KTEST(should_reproduce_golden_book_vectors),
    };

    ktest_require_fixtures();
    return ktest_run("kraken_crc32", cases, sizeof(cases) / sizeof(cases[0]));
}
