/*
 * kraken_json.c — strict JSON tokenizer and number-quoting pre-pass
 * (see kraken_json.h for the accepted language and the token layout).
 *
 * The lexers (strings, numbers, literals) are shared by kj_parse and
 * kj_quote_numbers, so the fast decoding path and the cJSON reference path
 * refuse exactly the same lexical errors; what differs between the two paths
 * is structure (kj_parse's state machine versus cJSON's recursive parser),
 * which is what the differential tests compare.
 *
 * kj_parse is an explicit-stack state machine: no recursion, so hostile
 * nesting costs a bounded stack (KJ_MAX_DEPTH frames). Once the caller's
 * token array is full it keeps validating and counting without storing, so
 * -ENOSPC is reported only for inputs that are otherwise valid.
 */
#include "kraken_json.h"
#include "kraken_json_lex.h"

#include <errno.h>
#include <string.h>

/* String byte classes: what ends a run of ordinary bytes. */
enum { C_PLAIN = 0, C_QUOTE, C_BSLASH, C_CTRL, C_HIGH };

static const unsigned char sclass[256] = {
    /* 0x00-0x1f: control characters must be escaped */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x22 '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, /* 0x5c '\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x80-0xff: start or continuation of a UTF-8 sequence */
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Four hex digits at s[i..i+4) as a code unit, or -1. */
static long hex4(const unsigned char *s, size_t len, size_t i)
{
    long v = 0;
    size_t k;

    if (i > len || len - i < 4)
        return -1;
    for (k = 0; k < 4; k++) {
        int h = hexval(s[i + k]);

        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/*
 * One escape at s[*pi] == '\\'. Advances *pi past it and returns the code
 * point, or -1 if invalid (including \u0000 and broken surrogate pairs).
 */
static long lex_escape(const unsigned char *s, size_t len, size_t *pi)
{
    size_t i = *pi;
    long cp, lo;

    if (i + 1 >= len)
        return -1;
    switch (s[i + 1]) {
    case '"': *pi = i + 2; return '"';
    case '\\': *pi = i + 2; return '\\';
    case '/': *pi = i + 2; return '/';
    case 'b': *pi = i + 2; return '\b';
    case 'f': *pi = i + 2; return '\f';
    case 'n': *pi = i + 2; return '\n';
    case 'r': *pi = i + 2; return '\r';
    case 't': *pi = i + 2; return '\t';
    case 'u': break;
    default: return -1;
    }
    cp = hex4(s, len, i + 2);
    if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
        return -1;
    i += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (i + 1 >= len || s[i] != '\\' || s[i + 1] != 'u')
            return -1;
        lo = hex4(s, len, i + 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return -1;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 6;
    }
    *pi = i;
    return cp;
}

/* One UTF-8 sequence at s[*pi] >= 0x80 (RFC 3629 table 3-7); advances. */
static int lex_utf8(const unsigned char *s, size_t len, size_t *pi)
{
    size_t i = *pi, n;
    unsigned char c = s[i], lo = 0x80, hi = 0xBF;

    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return -EINVAL;
    }
    if (len - i <= n)
        return -EINVAL;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return -EINVAL;
    for (size_t k = 2; k <= n; k++) {
        if (s[i + k] < 0x80 || s[i + k] > 0xBF)
            return -EINVAL;
    }
    *pi = i + n + 1;
    return 0;
}

/* Index of the first byte from s[i] on that ends a run of plain string
 * bytes (see sclass), or len. */
static ALWAYS_INLINE size_t skip_plain(const unsigned char *s, size_t len, size_t i)
{
#ifdef KJ_SWAR
    for (; len - i >= 8; i += 8) {
        uint64_t m = string_stops(load64(s + i));

        if (m)
            return i + ((size_t)__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < len && sclass[s[i]] == C_PLAIN)
        i++;
    return i;
}

/* String body from s[*pi] (just after the opening quote); on success *pi is
 * the index of the closing quote. */
static ALWAYS_INLINE int lex_string(const unsigned char *s, size_t len, size_t *pi,
                                    uint8_t *flags)
{
    size_t i = *pi;
    uint8_t f = 0;

    for (;;) {
        i = skip_plain(s, len, i);
        if (i >= len)
            return -EINVAL;
        if (s[i] == '"') {
            *pi = i;
            *flags = f;
            return 0;
        }
        switch (sclass[s[i]]) {
        case C_BSLASH:
            if (lex_escape(s, len, &i) < 0)
                return -EINVAL;
            f |= KJ_F_ESCAPED;
            break;
        case C_HIGH:
            if (lex_utf8(s, len, &i) < 0)
                return -EINVAL;
            f |= KJ_F_NONASCII;
            break;
        default:
            return -EINVAL;
        }
    }
}

/* true/false/null at s[*pi]; returns the kj_type or -EINVAL. */
static ALWAYS_INLINE int lex_literal(const unsigned char *s, size_t len, size_t *pi)
{
    size_t i = *pi, rest = len - i;

    if (s[i] == 't' && rest >= 4 && memcmp(s + i, "true", 4) == 0) {
        *pi = i + 4;
        return KJ_TRUE;
    }
    if (s[i] == 'f' && rest >= 5 && memcmp(s + i, "false", 5) == 0) {
        *pi = i + 5;
        return KJ_FALSE;
    }
    if (s[i] == 'n' && rest >= 4 && memcmp(s + i, "null", 4) == 0) {
        *pi = i + 4;
        return KJ_NULL;
    }
    return -EINVAL;
}

/* Whitespace test that rejects the common non-blank byte with one compare. */
#define SKIP_WS()                                                              \
    while (i < len && s[i] <= ' ' && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || \
                                      s[i] == '\t'))                           \
    i++

static ALWAYS_INLINE void put_tok(struct kj_token *tok, size_t ntok, uint32_t idx,
                                  size_t start, size_t end, int type, uint8_t flags, int depth)
{
    if (idx < ntok) {
        struct kj_token *t = &tok[idx];

        t->start = (uint32_t)start;
        t->end = (uint32_t)end;
        t->next = idx + 1;
        t->size = 0;
        t->type = (uint8_t)type;
        t->flags = flags;
        t->depth = (uint16_t)depth;
    }
}

/*
 * Direct-threaded states (value, key, after, close) rather than one loop
 * that dispatches on a state per token: the grammar fixes what follows a
 * key (':' then a value) and a value (',' or a close), so each step jumps
 * straight to the code that expects it. The innermost container's token,
 * count and kind live in locals; only enclosing ones are on the stack.
 */
int kj_parse(const char *js, size_t len, struct kj_token *tok, size_t ntok)
{
    const unsigned char *s = (const unsigned char *)js;
    struct {
        uint32_t tok;   /* the container's token index */
        uint32_t count; /* its members or elements so far */
        int obj;
    } st[KJ_MAX_DEPTH]; /* st[d]: saved state of the container at depth d+1 */
    int sp = 0;         /* open containers */
    uint32_t top = 0, count = 0; /* innermost open container, when sp > 0 */
    int in_obj = 0;
    size_t i = 0, start;
    uint32_t nt = 0, idx;
    uint8_t flags;
    unsigned char c;
    int type;
    struct digits num;

    if (len > KJ_MAX_INPUT)
        return -EFBIG;
    if (js == NULL && len)
        return -EINVAL;
    if (tok == NULL)
        ntok = 0;

value:
    SKIP_WS();
    if (i >= len)
        return -EINVAL;
    c = s[i];
    idx = nt++;
    switch (c) {
    case '{':
    case '[':
        if (sp == KJ_MAX_DEPTH)
            return -E2BIG;
        if (idx < ntok) {
            struct kj_token *t = &tok[idx];

            t->start = (uint32_t)i;
            t->type = c == '{' ? KJ_OBJECT : KJ_ARRAY;
            t->flags = 0;
            t->depth = (uint16_t)sp;
        }
        if (sp > 0) {
            st[sp - 1].tok = top;
            st[sp - 1].count = count;
            st[sp - 1].obj = in_obj;
        }
        sp++;
        top = idx;
        count = 0;
        in_obj = c == '{';
        i++;
        SKIP_WS();
        if (i < len && s[i] == (in_obj ? '}' : ']'))
            goto close;
        if (in_obj)
            goto key;
        count = 1;
        goto value;
    case '"':
        start = ++i;
        if (lex_string(s, len, &i, &flags) < 0)
            return -EINVAL;
        put_tok(tok, ntok, idx, start, i, KJ_STRING, flags, sp);
        i++;
        goto after;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        start = i;
        if (lex_number(s, len, &i, &num) < 0)
            return -EINVAL;
        flags = number_flags(&num);
        put_tok(tok, ntok, idx, start, i, KJ_NUMBER, flags, sp);
        if (idx < ntok) {
            tok[idx].nfrac = (uint8_t)num.nfrac;
            tok[idx].digits = num.v;
        }
        goto after;
    default:
        start = i;
        type = lex_literal(s, len, &i);
        if (type < 0)
            return -EINVAL;
        put_tok(tok, ntok, idx, start, i, type, 0, sp);
        goto after;
    }

key:
    if (i >= len || s[i] != '"')
        return -EINVAL;
    count++;
    start = ++i;
    if (lex_string(s, len, &i, &flags) < 0)
        return -EINVAL;
    put_tok(tok, ntok, nt, start, i, KJ_STRING, flags, sp);
    nt++;
    i++;
    SKIP_WS();
    if (i >= len || s[i] != ':')
        return -EINVAL;
    i++;
    goto value;

after:
    if (sp == 0)
        goto end;
    SKIP_WS();
    if (i >= len)
        return -EINVAL;
    if (s[i] == ',') {
        i++;
        if (in_obj) {
            SKIP_WS();
            goto key;
        }
        count++;
        goto value;
    }
    if (s[i] != (in_obj ? '}' : ']'))
        return -EINVAL;
    /* fall through: s[i] closes the innermost container */

close:
    if (top < ntok) {
        struct kj_token *t = &tok[top];

        t->end = (uint32_t)(i + 1);
        t->next = nt;
        t->size = count;
    }
    i++;
    if (--sp > 0) {
        top = st[sp - 1].tok;
        count = st[sp - 1].count;
        in_obj = st[sp - 1].obj;
    }
    goto after;

end:
    SKIP_WS();
    if (i != len)
        return -EINVAL; /* trailing bytes after the root value */
    if (nt > ntok && tok != NULL)
        return -ENOSPC;
    return (int)nt;
}

/*
 * Decode the next character of a validated string body at s[*pi] into u
 * (1-4 bytes of UTF-8). Returns the byte count, or -1 on an invalid escape.
 */
static int next_char(const unsigned char *s, size_t len, size_t *pi, unsigned char u[4])
{
    size_t i = *pi;
    long cp;

    if (s[i] != '\\') {
        u[0] = s[i];
        *pi = i + 1;
        return 1;
    }
    cp = lex_escape(s, len, pi);
    if (cp < 0)
        return -1;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    u[0] = (unsigned char)(0xF0 | (cp >> 18));
    u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int kj_unescape(const char *str, size_t len, char *out, size_t cap, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, o = 0;

    if (cap == 0)
        return -ENOSPC;
    while (i < len) {
        const void *bs = memchr(s + i, '\\', len - i);
        size_t run = bs ? (size_t)((const unsigned char *)bs - (s + i)) : len - i;
        unsigned char u[4];
        int n;

        if (run >= cap - o)
            return -ENOSPC;
        memcpy(out + o, s + i, run);
        o += run;
        i += run;
        if (i == len)
            break;
        n = next_char(s, len, &i, u);
        if (n < 0)
            return -EINVAL;
        if ((size_t)n >= cap - o)
            return -ENOSPC;
        memcpy(out + o, u, (size_t)n);
        o += (size_t)n;
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return 0;
}

int kj_streq(const char *js, const struct kj_token *t, const char *lit, size_t n)
{
    const unsigned char *s = (const unsigned char *)js + t->start;
    size_t len = t->end - t->start, i = 0, o = 0;

    if (t->type != KJ_STRING)
        return 0;
    if (!(t->flags & KJ_F_ESCAPED))
        return len == n && memcmp(s, lit, n) == 0;
    while (i < len) {
        unsigned char u[4];
        int k = next_char(s, len, &i, u);

        if (k < 0 || (size_t)k > n - o || memcmp(lit + o, u, (size_t)k) != 0)
            return 0;
        o += (size_t)k;
    }
    return o == n;
}

int kj_quote_numbers(const char *in, size_t len, char *out, size_t cap, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;
    int depth = 0;
    /* Enough structure to know where an object key goes: quoting a number
     * there ({1:2} -> {"1":"2"}) would turn invalid JSON into valid JSON, and
     * the two decoding paths would disagree (found by tests/fuzz/fuzz_frame). */
    uint64_t in_object = 0; /* bit d: the container at depth d is an object */
    int want_key = 0;

    if (len > KJ_MAX_INPUT)
        return -EFBIG;
    if (cap == 0 || (in == NULL && len))
        return -ENOSPC;
    /* Invariant: o < cap, so out[o] can always take the final NUL. */
    while (i < len) {
        unsigned char c = s[i];
        size_t j = i;
        uint8_t flags;

        if (is_ws(c)) {
            j = i + 1;
        } else if (c == ',' || c == ':') {
            want_key = c == ',' && depth > 0 && ((in_object >> (depth - 1)) & 1);
            j = i + 1;
        } else if (c == '{' || c == '[') {
            if (depth == KJ_MAX_DEPTH)
                return -E2BIG;
            if (c == '{')
                in_object |= (uint64_t)1 << depth;
            else
                in_object &= ~((uint64_t)1 << depth);
            want_key = c == '{';
            depth++;
            j = i + 1;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return -EINVAL;
            depth--;
            want_key = 0;
            j = i + 1;
        } else if (c == '"') {
            j = i + 1;
            if (lex_string(s, len, &j, &flags) < 0)
                return -EINVAL;
            j++; /* past the closing quote */
            want_key = 0;
        } else if (c == '-' || is_digit(c)) {
            struct digits unused;

            if (want_key || lex_number(s, len, &j, &unused) < 0)
                return -EINVAL;
            if (j - i + 2 >= cap - o)
                return -ENOSPC;
            out[o++] = '"';
            memcpy(out + o, s + i, j - i);
            o += j - i;
            out[o++] = '"';
            i = j;
            continue;
        } else if (lex_literal(s, len, &j) < 0) {
            return -EINVAL; /* a stray byte: letter, control, BOM, ... */
        } else {
            want_key = 0;
        }
        if (j - i >= cap - o)
            return -ENOSPC;
        memcpy(out + o, s + i, j - i);
        o += j - i;
        i = j;
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return 0;
}
