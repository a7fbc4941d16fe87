/*
 * test_kraken_json.c — the strict tokenizer and the quoting pre-pass
 * (kraken_json.h): a table of malformed inputs that must all be refused, a
 * table of valid ones with their token counts, token offsets and subtree
 * links, -ENOSPC only for otherwise valid input, the depth limit, escape
 * decoding, and the property the reference decoder relies on: whatever
 * kj_parse refuses, kj_quote_numbers + cJSON refuses too, and the reverse.
 */
#include "kraken_decimal.h"
#include "kraken_json.h"
#include "kraken_test.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

struct text {
    const char *s;
    size_t n;
};
#define S(x) { x, sizeof(x) - 1 }

static const struct text bad[] = {
    S(""), S(" "), S("{"), S("}"), S("[1,]"), S("{\"a\":1,}"), S("{\"a\" 1}"), S("{\"a\":}"),
    S("{a:1}"), S("[01]"), S("[-]"), S("[1.]"), S("[.5]"), S("[+1]"), S("[1e]"), S("[1e+]"),
    S("[\"\\x\"]"), S("[\"a\tb\"]"), S("[\"\\u12\"]"), S("[\"\\uD800\"]"), S("[\"\\uDC00\"]"),
    S("[\"\\u0000\"]"), S("[\"\xC0\xAF\"]"), S("[\"\xED\xA0\x80\"]"), S("[\"\xF4\x90\x80\x80\"]"),
    S("[\"\xE2\x82\"]"), S("[\"\x80\"]"), S("[tru]"), S("[True]"), S("[nul]"), S("{} {}"),
    S("[1] x"), S("\xEF\xBB\xBF{}"), S("{\"a\":1\v}"), S("[1 2]"), S("[\"abc]"), S("{\"a\":1]"),
    S("[[]"), S("\"a\" \"b\""), S("[NaN]"), S("[Infinity]"), S("{\"a\":1,\"b\"}"), S("{,}"),
    S("[,1]"), S("-01"), S("[\"\\uD800\\u0041\"]"), S("[1]\0"), S("{\"a\"\0:1}"), S("[1]]"),
    S("[\"\\uZZZZ\"]"), S("{\"a\":1}}"), S("[truefalse]"), S("[1true]"), S("[\"a\"\"b\"]"),
    S("{\"a\":1 \"b\":2}"), S("\x01[]"), S("[\"\\\"]"), S("[1e5.5]"), S("[0x1]"), S("[--1]"),
};

struct valid {
    const char *s;
    size_t n;
    int tokens;
};
#define V(x, t) { x, sizeof(x) - 1, t }

static const struct valid good[] = {
    V("{}", 1), V("[]", 1), V("0", 1), V("-0", 1), V("\"\"", 1), V(" true ", 1), V("null", 1),
    V("[1,2.5e-3,-0.0E+1,1E5,0.000001]", 6), V("{\"a\":[1,{\"b\":null}],\"c\":\"x\"}", 9),
    V("[\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\"]", 2),
    V("[\"h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"]", 2),
    V("\n\t\r [ ] \n", 1), V("{\"a\":{\"a\":{}}}", 5), V("[[],[[]],{}]", 5),
    V("{\"channel\":\"book\",\"data\":[{\"price\":45283.5,\"qty\":1e-08}]}", 10),
    V("{\"a\":1,\"a\":2}", 5), V("[\"\xEF\xBB\xBF\"]", 2), V("12345678901234567890123", 1),
};

static void should_reject_malformed_inputs(void)
{
    struct kj_token tok[64];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = kj_parse(bad[i].s, bad[i].n, tok, 64);

        if (rc >= 0)
            fprintf(stderr, "accepted bad input #%zu '%.*s'\n", i, (int)bad[i].n, bad[i].s);
        CU_ASSERT_EQUAL(rc, -EINVAL);
    }
}

static void should_accept_valid_inputs_with_exact_token_counts(void)
{
    struct kj_token tok[64];

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        int rc = kj_parse(good[i].s, good[i].n, tok, 64);

        if (rc != good[i].tokens)
            fprintf(stderr, "valid input #%zu '%s' -> %d\n", i, good[i].s, rc);
        CU_ASSERT_EQUAL(rc, good[i].tokens);
        CU_ASSERT_EQUAL(kj_parse(good[i].s, good[i].n, NULL, 0), good[i].tokens);
    }
}

static void should_record_offsets_sizes_and_subtree_links(void)
{
    static const char js[] = "{\"a\":[1,{\"b\":null}],\"c\":\"x\"}";
    struct kj_token t[16];

    CU_ASSERT_EQUAL_FATAL(kj_parse(js, sizeof(js) - 1, t, 16), 9);
    CU_ASSERT_EQUAL(t[0].type, KJ_OBJECT);
    CU_ASSERT_EQUAL(t[0].start, 0);
    CU_ASSERT_EQUAL(t[0].end, sizeof(js) - 1);
    CU_ASSERT_EQUAL(t[0].size, 2);
    CU_ASSERT_EQUAL(t[0].next, 9);
    CU_ASSERT_EQUAL(t[1].type, KJ_STRING);
    CU_ASSERT_EQUAL(t[1].end - t[1].start, 1);
    CU_ASSERT_EQUAL(js[t[1].start], 'a');
    CU_ASSERT_EQUAL(t[2].type, KJ_ARRAY);
    CU_ASSERT_EQUAL(t[2].size, 2);
    CU_ASSERT_EQUAL(t[2].next, 7);
    CU_ASSERT_EQUAL(t[2].depth, 1);
    CU_ASSERT_EQUAL(t[3].type, KJ_NUMBER);
    CU_ASSERT_EQUAL(t[3].next, 4);
    CU_ASSERT_EQUAL(t[4].type, KJ_OBJECT);
    CU_ASSERT_EQUAL(t[4].size, 1);
    CU_ASSERT_EQUAL(t[4].next, 7);
    CU_ASSERT_EQUAL(t[4].depth, 2);
    CU_ASSERT_EQUAL(js[t[4].start], '{');
    CU_ASSERT_EQUAL(js[t[4].end - 1], '}');
    CU_ASSERT_EQUAL(t[6].type, KJ_NULL);
    CU_ASSERT(kj_streq(js, &t[7], "c", 1));
    CU_ASSERT(kj_streq(js, &t[8], "x", 1));
    CU_ASSERT_EQUAL(t[8].next, 9);
}

static void should_keep_number_text_verbatim(void)
{
    static const char js[] = "[0.100000000000000000000,1e-08,-0,13834774380200032777]";
    static const char *const want[] = {"0.100000000000000000000", "1e-08", "-0",
                                       "13834774380200032777"};
    struct kj_token t[8];

    CU_ASSERT_EQUAL_FATAL(kj_parse(js, sizeof(js) - 1, t, 8), 5);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(t[i + 1].type, KJ_NUMBER);
        CU_ASSERT_EQUAL(t[i + 1].end - t[i + 1].start, strlen(want[i]));
        CU_ASSERT(memcmp(js + t[i + 1].start, want[i], strlen(want[i])) == 0);
    }
}

static void should_report_enospc_only_for_otherwise_valid_input(void)
{
    static const char ok[] = "[1,2,3,4,5,6,7,8]";
    static const char broken[] = "[1,2,3,4,5,6,7,8,]";
    struct kj_token t[4];

    CU_ASSERT_EQUAL(kj_parse(ok, sizeof(ok) - 1, t, 4), -ENOSPC);
    CU_ASSERT_EQUAL(kj_parse(broken, sizeof(broken) - 1, t, 4), -EINVAL);
    CU_ASSERT_EQUAL(kj_parse(ok, sizeof(ok) - 1, t, 0), -ENOSPC);
    CU_ASSERT_EQUAL(kj_parse(ok, sizeof(ok) - 1, NULL, 0), 9);
}

static void should_refuse_nesting_deeper_than_the_limit(void)
{
    char deep[2 * KJ_MAX_DEPTH + 4];
    struct kj_token t[KJ_MAX_DEPTH + 2];
    char out[4 * KJ_MAX_DEPTH + 8];
    size_t n;

    memset(deep, '[', KJ_MAX_DEPTH);
    memset(deep + KJ_MAX_DEPTH, ']', KJ_MAX_DEPTH);
    CU_ASSERT_EQUAL(kj_parse(deep, 2 * KJ_MAX_DEPTH, t, KJ_MAX_DEPTH + 2), KJ_MAX_DEPTH);
    CU_ASSERT_EQUAL(kj_quote_numbers(deep, 2 * KJ_MAX_DEPTH, out, sizeof(out), &n), 0);
    memset(deep, '[', KJ_MAX_DEPTH + 1);
    memset(deep + KJ_MAX_DEPTH + 1, ']', KJ_MAX_DEPTH + 1);
    CU_ASSERT_EQUAL(kj_parse(deep, 2 * KJ_MAX_DEPTH + 2, t, KJ_MAX_DEPTH + 2), -E2BIG);
    CU_ASSERT_EQUAL(kj_quote_numbers(deep, 2 * KJ_MAX_DEPTH + 2, out, sizeof(out), &n), -E2BIG);
}

static void should_decode_escapes_to_utf8(void)
{
    static const char body[] = "a\\u00e9\\ud83d\\ude00\\n\\/\\\"z";
    static const char want[] = "a\xC3\xA9\xF0\x9F\x98\x80\n/\"z";
    char out[32], tiny[4];
    size_t n = 0;

    CU_ASSERT_EQUAL(kj_unescape(body, sizeof(body) - 1, out, sizeof(out), &n), 0);
    CU_ASSERT_EQUAL(n, sizeof(want) - 1);
    CU_ASSERT(memcmp(out, want, n + 1) == 0);
    CU_ASSERT_EQUAL(kj_unescape(body, sizeof(body) - 1, tiny, sizeof(tiny), &n), -ENOSPC);
    CU_ASSERT_EQUAL(kj_unescape("abc", 3, tiny, 3, &n), -ENOSPC); /* no room for the NUL */
    CU_ASSERT_EQUAL(kj_unescape("abc", 3, tiny, 4, &n), 0);
    CU_ASSERT_EQUAL(kj_unescape("\\q", 2, out, sizeof(out), &n), -EINVAL);
}

static void should_compare_escaped_keys_by_their_decoded_text(void)
{
    static const char js[] = "{\"\\u0073ymbol\":1,\"sym\\\"bol\":2,\"symbol\":3}";
    struct kj_token t[8];

    CU_ASSERT_EQUAL_FATAL(kj_parse(js, sizeof(js) - 1, t, 8), 7);
    CU_ASSERT(t[1].flags & KJ_F_ESCAPED);
    CU_ASSERT(kj_streq(js, &t[1], "symbol", 6));
    CU_ASSERT(!kj_streq(js, &t[1], "symbo", 5));
    CU_ASSERT(!kj_streq(js, &t[1], "symbolx", 7));
    CU_ASSERT(kj_streq(js, &t[3], "sym\"bol", 7));
    CU_ASSERT(kj_streq(js, &t[5], "symbol", 6));
    CU_ASSERT(!kj_streq(js, &t[2], "1", 1)); /* numbers are not strings */
}

static void should_quote_numbers_outside_strings_only(void)
{
    static const char in[] = "{\"a\":1.5,\"b\":[1e-08,-0, 7],\"c\":\"12\",\"d\":true,\"e\":null}";
    static const char want[] =
        "{\"a\":\"1.5\",\"b\":[\"1e-08\",\"-0\", \"7\"],\"c\":\"12\",\"d\":true,\"e\":null}";
    char out[KJ_QUOTE_CAP(sizeof(in))];
    size_t n = 0;

    CU_ASSERT_EQUAL(kj_quote_numbers(in, sizeof(in) - 1, out, sizeof(out), &n), 0);
    CU_ASSERT_EQUAL(n, sizeof(want) - 1);
    CU_ASSERT_STRING_EQUAL(out, want);
    CU_ASSERT_EQUAL(kj_quote_numbers(in, sizeof(in) - 1, out, sizeof(want) - 1, &n), -ENOSPC);
    CU_ASSERT_EQUAL(kj_quote_numbers(in, sizeof(in) - 1, out, sizeof(want), &n), 0);
}

/* What the reference decoder does with a frame: quote, then cJSON. */
static int reference_accepts(const char *s, size_t n)
{
    char *q = malloc(KJ_QUOTE_CAP(n));
    size_t qn;
    cJSON *root = NULL;
    int ok = 0;

    if (q && kj_quote_numbers(s, n, q, KJ_QUOTE_CAP(n), &qn) == 0) {
        root = cJSON_ParseWithLengthOpts(q, qn + 1, NULL, 1);
        ok = root != NULL;
    }
    cJSON_Delete(root);
    free(q);
    return ok;
}

static void should_agree_with_quote_pass_plus_cjson_on_validity(void)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (reference_accepts(bad[i].s, bad[i].n))
            fprintf(stderr, "reference accepted bad input #%zu\n", i);
        CU_ASSERT(!reference_accepts(bad[i].s, bad[i].n));
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CU_ASSERT(reference_accepts(good[i].s, good[i].n));
}

static void should_agree_with_reference_on_random_byte_strings(void)
{
    static const char alphabet[] = "{}[]:,\"\\ 0123456789-+.eEtrufalsn\x01\x80\xC3\xA9u";
    uint64_t st = 11;
    char buf[24];

    for (int i = 0; i < 200000; i++) {
        size_t n = 1 + ktest_rand(&st) % (sizeof(buf) - 1);
        int fast;

        for (size_t k = 0; k < n; k++)
            buf[k] = alphabet[ktest_rand(&st) % (sizeof(alphabet) - 1)];
        fast = kj_parse(buf, n, NULL, 0) >= 0;
        if (fast != reference_accepts(buf, n)) {
            fprintf(stderr, "disagree on '%.*s'\n", (int)n, buf);
            CU_FAIL_FATAL("tokenizer and quote+cJSON disagree");
        }
    }
}

/* The scanners move 8 bytes at a time; put every kind of run end at every
 * offset around those steps and check where the tokens end. */
static void should_find_string_and_number_ends_at_every_offset(void)
{
    char js[128];
    struct kj_token t[4];

    for (int k = 0; k <= 40; k++) {
        int n;

        /* a plain string of k bytes */
        n = snprintf(js, sizeof(js), "[\"%.*s\"]", k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP");
        CU_ASSERT_EQUAL_FATAL(kj_parse(js, (size_t)n, t, 4), 2);
        CU_ASSERT_EQUAL(t[1].end - t[1].start, (uint32_t)k);
        /* digit runs of k + 1 bytes, integer and fraction */
        n = snprintf(js, sizeof(js), "[9%.*s,0.%.*s1]", k, "1234567890123456789012345678901234567890",
                     k, "0000000000000000000000000000000000000000");
        CU_ASSERT_EQUAL_FATAL(kj_parse(js, (size_t)n, t, 4), 3);
        CU_ASSERT_EQUAL(t[1].end - t[1].start, (uint32_t)k + 1);
        CU_ASSERT_EQUAL(t[2].end - t[2].start, (uint32_t)k + 3);
        for (int p = 0; p < k; p++) {
            static const char stops[] = {'"', '\\', 0x01, (char)0x80};

            for (size_t q = 0; q < sizeof(stops); q++) {
                int want_ok;

                n = snprintf(js, sizeof(js), "[\"%.*s\"]", k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP");
                js[2 + p] = stops[q];
                /* '"' ends the string early (then junk follows): invalid;
                 * '\' escapes the next byte: valid only when that is '"' or
                 * a letter in \b\f\n\r\t; control: invalid; 0x80: invalid */
                want_ok = reference_accepts(js, (size_t)n);
                CU_ASSERT_EQUAL(kj_parse(js, (size_t)n, t, 4) >= 0, want_ok);
                if (stops[q] != '\\')
                    CU_ASSERT_FALSE(want_ok);
            }
            /* a non-digit inside a digit run */
            n = snprintf(js, sizeof(js), "[1%.*s]", k, "2345678901234567890123456789012345678901");
            js[2 + p] = 'x';
            CU_ASSERT_EQUAL(kj_parse(js, (size_t)n, t, 4), -EINVAL);
        }
    }
}

/* The digits the tokenizer keeps must be the number's value exactly, and
 * kd_scale_digits on them must agree with kd_parse on the text, for every
 * length around the 8-byte steps, alone in the buffer (byte loop) or not. */
static void should_keep_the_exact_digits_of_plain_numbers(void)
{
    uint64_t st = 42;

    for (int c = 0; c < 20000; c++) {
        char num[64], js[80], all[64];
        int nint = 1 + (int)(ktest_rand(&st) % 13), nfrac = (int)(ktest_rand(&st) % 15);
        int neg = ktest_rand(&st) % 4 == 0, exp = ktest_rand(&st) % 8 == 0, alone = c & 1;
        size_t n = 0, na = 0;
        struct kj_token t[4];
        const struct kj_token *k;

        if (neg)
            num[n++] = '-';
        for (int i = 0; i < nint; i++) {
            char d = (char)('0' + ktest_rand(&st) % 10);

            if (i == 0 && nint > 1 && d == '0')
                d = '7';
            if (i == 0 && ktest_rand(&st) % 3 == 0)
                d = '0', nint = 1;
            num[n++] = all[na++] = d;
        }
        if (nfrac) {
            num[n++] = '.';
            for (int i = 0; i < nfrac; i++)
                num[n++] = all[na++] = (char)('0' + ktest_rand(&st) % (i % 3 ? 10 : 2));
        }
        if (exp)
            n += (size_t)snprintf(num + n, sizeof(num) - n, "e-%d", (int)(ktest_rand(&st) % 9));
        num[n] = '\0';
        all[na] = '\0';
        if (alone)
            snprintf(js, sizeof(js), "%s", num);
        else
            snprintf(js, sizeof(js), "[%s,1]", num);
        CU_ASSERT_FATAL(kj_parse(js, strlen(js), t, 4) > 0);
        k = &t[alone ? 0 : 1];
        CU_ASSERT_EQUAL(k->end - k->start, n);
        CU_ASSERT_EQUAL(!!(k->flags & KJ_F_DIGITS), !exp && na <= KJ_DIGITS_MAX);
        if (!(k->flags & KJ_F_DIGITS))
            continue;
        CU_ASSERT_EQUAL(k->nfrac, nfrac);
        CU_ASSERT_EQUAL(k->digits, strtoull(all, NULL, 10));
        for (int prec = 0; prec <= KD_MAX_PRECISION; prec++) {
            int64_t fast, slow;

            if (kd_scale_digits(k->digits, k->nfrac, neg, prec, &fast)) {
                CU_ASSERT_EQUAL_FATAL(kd_parse(num, n, prec, &slow), 0);
                CU_ASSERT_EQUAL(fast, slow);
            }
        }
    }
}

int main(void)
{
    static const struct ktest_case cases[] = {
        KTEST(should_reject_malformed_inputs),
        KTEST(should_accept_valid_inputs_with_exact_token_counts),
        KTEST(should_record_offsets_sizes_and_subtree_links),
        KTEST(should_keep_number_text_verbatim),
        KTEST(should_report_enospc_only_for_otherwise_valid_input),
        KTEST(should_refuse_nesting_deeper_than_the_limit),
        KTEST(should_decode_escapes_to_utf8),
        KTEST(should_compare_escaped_keys_by_their_decoded_text),
        KTEST(should_quote_numbers_outside_strings_only),
        KTEST(should_agree_with_quote_pass_plus_cjson_on_validity),
        KTEST(should_agree_with_reference_on_random_byte_strings),
        KTEST(should_find_string_and_number_ends_at_every_offset),
        KTEST(should_keep_the_exact_digits_of_plain_numbers),
    };

    return ktest_run("kraken_json", cases, sizeof(cases) / sizeof(cases[0]));
}
