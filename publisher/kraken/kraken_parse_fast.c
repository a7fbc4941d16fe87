/*
 * kraken_parse_fast.c — the schema-directed walk behind kp_parse's fast
 * path: it recognises the exact bytes Kraken sends for the hot channels
 * (book, trade, ticker) and writes the field values as kj_tokens, without
 * building a general token tree. kraken_parse.c then decodes those tokens
 * with the same helpers the generic path uses.
 *
 * What it accepts, and nothing else (anything else: -1, and kp_parse runs
 * the generic path from scratch):
 *
 *   {"channel":"book"|"trade"|"ticker","type":"snapshot"|"update","data":[I(,I)*]}
 *
 * with no whitespace anywhere and no byte after the closing brace, where
 * every item I is, per channel,
 *   book:   {"symbol":V,"bids":[L(,L)*]|[],"asks":(same),"checksum":V(,"timestamp":V)?}
 *           L = {"price":V,"qty":V}
 *   trade:  the kp__trade_f names in table order, "ord_type" optional;
 *   ticker: the kp__ticker_f names in table order, "timestamp" optional;
 * and every value V is a number (the kj_parse lexer) or a string of plain
 * ASCII (0x20..0x7e, no '"' or '\\': so no escapes and nothing to decode).
 *
 * Why this is safe: such a text is valid JSON whose keys are all distinct,
 * so the generic path would tokenize it, find each field at the value this
 * walk found, and read it with the same lexer's result (the number tokens
 * carry kj_parse's start, end, flags, nfrac and digits). The bounds
 * KP_MAX_ENTRIES, KP_MAX_LEVELS, KP_MAX_TRADES are checked here, so the
 * decoder never meets a capacity error. Reads stay inside [0, len): every
 * literal compare checks the bytes left first.
 *
 * Output token layout (tok[0 ..)), item after item:
 *   book:   symbol, KJ_ARRAY{size = n} then n x (price, qty) for the bids,
 *           the same for the asks, checksum, timestamp;
 *   trade:  TR_N values, ticker: TK_N values, in table order;
 * an absent optional field is a token of type KJ_UNDEFINED.
 */
#include "kraken_parse_impl.h"
#include "kraken_json_lex.h"

#include <string.h>

struct walk {
    const unsigned char *s;
    size_t len;
    size_t i;             /* next byte to match */
    struct kj_token *tok; /* output */
    uint32_t nt;          /* tokens written */
    uint32_t ntok;        /* room in tok */
    uint32_t nlevels;     /* book levels so far, all entries */
};

/* Match the literal x[0..n) at the cursor and step past it. With a constant
 * n the compiler turns the memcmp into one or two word compares. */
static ALWAYS_INLINE int lit(struct walk *w, const char *x, size_t n)
{
    if (w->len - w->i < n || memcmp(w->s + w->i, x, n) != 0)
        return 0;
    w->i += n;
    return 1;
}
#define LIT(w, x) lit(w, x, sizeof(x) - 1)

static inline struct kj_token *put(struct walk *w, int type, size_t start, size_t end)
{
    struct kj_token *t = &w->tok[w->nt++];

    t->start = (uint32_t)start;
    t->end = (uint32_t)end;
    t->next = w->nt;
    t->size = 0;
    t->type = (uint8_t)type;
    t->flags = 0;
    t->depth = 0; /* not used by the decoder */
    return t;
}

/* Plain ASCII string body from the cursor (just past the opening quote) to
 * the closing quote; anything that would need decoding or UTF-8 checks
 * (escape, control byte, byte >= 0x80) abandons. */
static inline int plain_string(struct walk *w)
{
    const unsigned char *s = w->s;
    size_t i = w->i, start = i;

#ifdef KJ_SWAR
    for (; w->len - i >= 8; i += 8) {
        uint64_t m = string_stops(load64(s + i));

        if (m) {
            i += (size_t)__builtin_ctzll(m) >> 3;
            goto stop;
        }
    }
#endif
    while (i < w->len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
        i++;
stop:
    if (i >= w->len || s[i] != '"')
        return 0;
    put(w, KJ_STRING, start, i);
    w->i = i + 1;
    return 1;
}

/* A value: a plain string or a number, as one token. */
static ALWAYS_INLINE int scalar(struct walk *w)
{
    struct digits d;
    struct kj_token *t;
    size_t start = w->i;
    unsigned char c;

    if (w->nt == w->ntok || w->i >= w->len)
        return 0;
    c = w->s[w->i];
    if (c == '"') {
        w->i++;
        return plain_string(w);
    }
    if (c != '-' && !is_digit(c))
        return 0;
    if (lex_number(w->s, w->len, &w->i, &d) < 0)
        return 0;
    t = put(w, KJ_NUMBER, start, w->i);
    t->flags = number_flags(&d);
    t->nfrac = (uint8_t)d.nfrac;
    t->digits = d.v;
    return 1;
}

/* A member key from a name table: ,"name": (or "name": for the first). */
static int key(struct walk *w, const struct kp__name *f, int first)
{
    size_t i = w->i + !first, n = f->n;
    const unsigned char *s = w->s;

    if (w->len - w->i < n + 3 + !first || (!first && s[w->i] != ',') || s[i] != '"' ||
        memcmp(s + i + 1, f->s, n) != 0 || s[i + n + 1] != '"' || s[i + n + 2] != ':')
        return 0;
    w->i = i + n + 3;
    return 1;
}

/* An object of scalars whose members are f[0..nf) in that order, f[0]
 * required, f[k] for k in `optional` possibly absent. */
static int flat_object(struct walk *w, const struct kp__name *f, int nf, int optional)
{
    if (!LIT(w, "{"))
        return 0;
    for (int k = 0; k < nf; k++) {
        if (key(w, &f[k], k == 0)) {
            if (!scalar(w))
                return 0;
        } else if (k == optional && w->nt < w->ntok) {
            put(w, KJ_UNDEFINED, w->i, w->i);
        } else {
            return 0;
        }
    }
    return LIT(w, "}");
}

/* [L(,L)*] or [], after a KJ_ARRAY token whose size is the level count. */
static int levels(struct walk *w)
{
    struct kj_token *arr;
    uint32_t n = 0, a;

    if (!LIT(w, "[") || w->nt == w->ntok)
        return 0;
    a = w->nt;
    put(w, KJ_ARRAY, w->i, w->i);
    if (!LIT(w, "]")) {
        do {
            if (w->nlevels == KP_MAX_LEVELS || !LIT(w, "{\"price\":") || !scalar(w) ||
                !LIT(w, ",\"qty\":") || !scalar(w) || !LIT(w, "}"))
                return 0;
            w->nlevels++;
            n++;
        } while (LIT(w, ","));
        if (!LIT(w, "]"))
            return 0;
    }
    arr = &w->tok[a];
    arr->size = n;
    arr->next = w->nt;
    return 1;
}

static int book_entry(struct walk *w)
{
    if (!LIT(w, "{\"symbol\":") || !scalar(w) || !LIT(w, ",\"bids\":") || !levels(w) ||
        !LIT(w, ",\"asks\":") || !levels(w) || !LIT(w, ",\"checksum\":") || !scalar(w))
        return 0;
    if (LIT(w, ",\"timestamp\":")) {
        if (!scalar(w))
            return 0;
    } else if (w->nt < w->ntok) {
        put(w, KJ_UNDEFINED, w->i, w->i);
    } else {
        return 0;
    }
    return LIT(w, "}");
}

static int item(struct walk *w, int kind)
{
    switch (kind) {
    case KP_BOOK: return book_entry(w);
    case KP_TRADE: return flat_object(w, kp__trade_f, TR_N, TR_ORD_TYPE);
    default: return flat_object(w, kp__ticker_f, TK_N, TK_TIMESTAMP);
    }
}

static int max_items(int kind)
{
    return kind == KP_TRADE ? KP_MAX_TRADES : KP_MAX_ENTRIES;
}

/* The frame head, up to and including the '[' of "data". */
static int head(struct walk *w, struct kp__walk_out *out)
{
    if (!LIT(w, "{\"channel\":\""))
        return 0;
    if (LIT(w, "book\""))
        out->kind = KP_BOOK;
    else if (LIT(w, "trade\""))
        out->kind = KP_TRADE;
    else if (LIT(w, "ticker\""))
        out->kind = KP_TICKER;
    else
        return 0;
    if (!LIT(w, ",\"type\":\""))
        return 0;
    if (LIT(w, "update\""))
        out->snapshot = 0;
    else if (LIT(w, "snapshot\""))
        out->snapshot = 1;
    else
        return 0;
    return LIT(w, ",\"data\":[");
}

int kp__walk(const char *buf, size_t len, struct kj_token *tok, size_t ntok,
             struct kp__walk_out *out)
{
    struct walk w = {(const unsigned char *)buf, len, 0, tok, 0, 0, 0};

    if (buf == NULL || len > KP_MAX_FRAME)
        return -1;
    w.ntok = ntok > UINT32_MAX ? UINT32_MAX : (uint32_t)ntok;
    if (!head(&w, out))
        return -1;
    out->nitems = 0;
    do {
        if (out->nitems == (uint32_t)max_items(out->kind) || !item(&w, out->kind))
            return -1;
        out->nitems++;
    } while (LIT(&w, ","));
    if (!LIT(&w, "]}") || w.i != len)
        return -1;
    return 0;
}
