/*
 * kraken_book.c — sorted-array L2 book and the Kraken v2 checksum
 * (see kraken_book.h for the invariants).
 *
 * Sorted arrays, not trees: books are at most a few thousand levels, almost
 * every change touches the first few, and the checksum and the shm publisher
 * both read the best levels in order, which an array gives for free.
 * Positions are found by binary search; inserts and deletes memmove the tail.
 */
#include "kraken_book.h"
#include "kraken_crc32.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PREC 18

/* One level's checksum text: the digits of price then qty. */
struct kb__memo_level {
    int64_t price, qty;
    uint32_t len;
    char txt[2 * 20 + 8]; /* two uint64s of digits, and put_digits' 8-byte stores */
};

/* Bytes copied per level: every text fits, and a fixed size copies as a few
 * moves instead of a call. */
#define MEMO_COPY (2 * 20)

/* The text of the top levels as of the last two checksums: lv[cur] is the
 * last one, lv[!cur] is written by the next. */
struct kb__memo {
    int cur;
    int n[2][2];
    struct kb__memo_level lv[2][2][KB_CHECKSUM_LEVELS];
};

struct kb_book *kb_new(int depth, int price_prec, int qty_prec)
{
    struct kb_book *b;
    size_t cap;

    if (depth < 1 || depth > KB_MAX_DEPTH || price_prec < 0 || price_prec > MAX_PREC ||
        qty_prec < 0 || qty_prec > MAX_PREC) {
        errno = EINVAL;
        return NULL;
    }
    cap = (size_t)depth + KB_SLACK((size_t)depth);
    /* struct kb_book's size is a multiple of 8, so the levels that follow it
     * are aligned for int64. */
    b = malloc(sizeof(*b) + 2 * cap * sizeof(struct kb_level) + sizeof(struct kb__memo));
    if (b == NULL)
        return NULL;
    memset(b, 0, sizeof(*b));
    b->depth = depth;
    b->cap = (int)cap;
    b->price_prec = price_prec;
    b->qty_prec = qty_prec;
    b->bids = (struct kb_level *)(void *)(b + 1);
    b->asks = b->bids + cap;
    b->memo = (struct kb__memo *)(void *)(b->asks + cap);
    memset(b->memo, 0, sizeof(*b->memo));
    return b;
}

void kb_free(struct kb_book *b)
{
    free(b);
}

void kb_clear(struct kb_book *b)
{
    b->nbids = 0;
    b->nasks = 0;
}

void kb_set_precision(struct kb_book *b, int price_prec, int qty_prec)
{
    if (price_prec < 0 || price_prec > MAX_PREC || qty_prec < 0 || qty_prec > MAX_PREC)
        return;
    b->price_prec = price_prec;
    b->qty_prec = qty_prec;
    kb_clear(b);
}

/* First index whose price is not strictly better than `price`. */
static int find(const struct kb_level *lv, int n, int side, int64_t price)
{
    int lo = 0, hi = n;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int better = side == KB_BID ? lv[mid].price > price : lv[mid].price < price;

        if (better)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int kb_apply(struct kb_book *b, int side, int64_t price, int64_t qty)
{
    struct kb_level *lv;
    int *n, i;

    if ((side != KB_BID && side != KB_ASK) || price < 0 || qty < 0)
        return -EINVAL;
    lv = side == KB_BID ? b->bids : b->asks;
    n = side == KB_BID ? &b->nbids : &b->nasks;
    i = find(lv, *n, side, price);
    if (i < *n && lv[i].price == price) {
        if (qty == 0) {
            memmove(&lv[i], &lv[i + 1], (size_t)(*n - i - 1) * sizeof(*lv));
            (*n)--;
        } else {
            lv[i].qty = qty;
        }
        return 0;
    }
    if (qty == 0)
        return 0; /* Kraken: a delete for an unknown price is ignored */
    if (*n == b->cap) {
        b->evicted++;
        if (i == b->cap)
            return 0; /* worse than everything held: beyond depth anyway */
        (*n)--;
    }
    memmove(&lv[i + 1], &lv[i], (size_t)(*n - i) * sizeof(*lv));
    lv[i].price = price;
    lv[i].qty = qty;
    (*n)++;
    return 0;
}

void kb_truncate(struct kb_book *b)
{
    if (b->nbids > b->depth)
        b->nbids = b->depth;
    if (b->nasks > b->depth)
        b->nasks = b->depth;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * The checksum renders 40 numbers per message, so digits are made eight at a
 * time in one register (SWAR): x < 10^8 becomes 8 ASCII digits, the first in
 * the lowest byte. Each step splits every lane in two by a multiply-shift
 * division that is exact for the lane's range (10486 / 2^20 for /100 below
 * 10^4, 103 / 2^10 for /10 below 100; checked against snprintf for all 10^8
 * inputs when written, and for a sample by test_kraken_book).
 * Writers store whole 8-byte words, so the buffer has 8 bytes of slack.
 */
#define PUT_SLACK 8

static inline uint64_t eight_ascii(uint32_t x)
{
    uint64_t hl = (x / 10000) | ((uint64_t)(x % 10000) << 32);
    uint64_t h = ((hl * 10486) >> 20) & 0x0000007F0000007Full;
    uint64_t q = h | ((hl - h * 100) << 16);
    uint64_t t = ((q * 103) >> 10) & 0x000F000F000F000Full;

    return (t | ((q - t * 10) << 8)) + 0x3030303030303030ull;
}

static inline char *put8(char *p, uint32_t x)
{
    uint64_t w = eight_ascii(x);

    memcpy(p, &w, 8);
    return p + 8;
}

/* 0 < x < 10^8 without its leading zeros. */
static inline char *put_lead8(char *p, uint32_t x)
{
    uint64_t w = eight_ascii(x);
    unsigned lz = (unsigned)__builtin_ctzll(w - 0x3030303030303030ull) >> 3;

    w >>= 8 * lz;
    memcpy(p, &w, 8);
    return p + 8 - lz;
}

/* Decimal digits of v without leading zeros; 0 renders as nothing, which is
 * what "remove '.', strip leading zeros" makes of a zero at any precision. */
static char *put_digits(char *p, uint64_t v)
{
    uint64_t hi;

    if (v == 0)
        return p;
    if (v < 100000000)
        return put_lead8(p, (uint32_t)v);
    hi = v / 100000000;
    if (hi < 100000000) {
        p = put_lead8(p, (uint32_t)hi);
    } else {
        p = put_lead8(p, (uint32_t)(hi / 100000000));
        p = put8(p, (uint32_t)(hi % 100000000));
    }
    return put8(p, (uint32_t)(v % 100000000));
}
#else
#define PUT_SLACK 0

static const char dig2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Decimal digits of v without leading zeros; 0 renders as nothing. */
static char *put_digits(char *p, uint64_t v)
{
    char tmp[20];
    char *e = tmp + sizeof(tmp), *q = e;

    if (v == 0)
        return p;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);

        v /= 100;
        q -= 2;
        memcpy(q, &dig2[r * 2], 2);
    }
    if (v >= 10) {
        q -= 2;
        memcpy(q, &dig2[v * 2], 2);
    } else {
        *--q = (char)('0' + v);
    }
    memcpy(p, q, (size_t)(e - q));
    return p + (e - q);
}
#endif

uint32_t kb_checksum_levels(const struct kb_level *asks, int nasks,
                            const struct kb_level *bids, int nbids)
{
    /* 2 sides x 10 levels x 2 numbers x 20 digits: a uint64 has at most 20,
     * so even a caller's negative mantissa cannot overrun (it renders as
     * garbage digits instead). */
    char buf[2 * KB_CHECKSUM_LEVELS * 2 * 20 + PUT_SLACK];
    char *p = buf;
    int i;

    if (nasks > KB_CHECKSUM_LEVELS)
        nasks = KB_CHECKSUM_LEVELS;
    if (nbids > KB_CHECKSUM_LEVELS)
        nbids = KB_CHECKSUM_LEVELS;
    for (i = 0; i < nasks; i++) {
        p = put_digits(p, (uint64_t)asks[i].price);
        p = put_digits(p, (uint64_t)asks[i].qty);
    }
    for (i = 0; i < nbids; i++) {
        p = put_digits(p, (uint64_t)bids[i].price);
        p = put_digits(p, (uint64_t)bids[i].qty);
    }
    return kc_crc32(0, buf, (size_t)(p - buf));
}

/*
 * Text of the best levels of one side, reusing what the last checksum
 * rendered: between two messages most of the top ten levels are unchanged,
 * only their positions shift. old[] is sorted like the side, so one forward
 * walk finds each level's previous text; a level's text depends on nothing
 * but its two mantissas, so the memo is never stale (not even across
 * kb_clear or a precision change). p needs MEMO_COPY bytes of slack.
 */
static char *side_text(char *p, const struct kb_level *lv, int n, int side,
                       const struct kb__memo_level *old, int nold, struct kb__memo_level *now)
{
    int j = 0;

    for (int k = 0; k < n; k++) {
        struct kb__memo_level *m = &now[k];

        while (j < nold && (side == KB_BID ? old[j].price > lv[k].price
                                           : old[j].price < lv[k].price))
            j++;
        if (j < nold && old[j].price == lv[k].price && old[j].qty == lv[k].qty) {
            *m = old[j];
        } else {
            m->price = lv[k].price;
            m->qty = lv[k].qty;
            m->len = (uint32_t)(put_digits(put_digits(m->txt, (uint64_t)m->price),
                                           (uint64_t)m->qty) - m->txt);
        }
        memcpy(p, m->txt, MEMO_COPY);
        p += m->len;
    }
    return p;
}

uint32_t kb_checksum(const struct kb_book *b)
{
    struct kb__memo *mo = b->memo;
    int old = mo->cur, now = !old;
    int na = b->nasks < KB_CHECKSUM_LEVELS ? b->nasks : KB_CHECKSUM_LEVELS;
    int nb = b->nbids < KB_CHECKSUM_LEVELS ? b->nbids : KB_CHECKSUM_LEVELS;
    char buf[2 * KB_CHECKSUM_LEVELS * 2 * 20 + MEMO_COPY];
    char *p = buf;

    p = side_text(p, b->asks, na, KB_ASK, mo->lv[old][KB_ASK], mo->n[old][KB_ASK],
                  mo->lv[now][KB_ASK]);
    p = side_text(p, b->bids, nb, KB_BID, mo->lv[old][KB_BID], mo->n[old][KB_BID],
                  mo->lv[now][KB_BID]);
    mo->n[now][KB_ASK] = na;
    mo->n[now][KB_BID] = nb;
    mo->cur = now;
    return kc_crc32(0, buf, (size_t)(p - buf));
}
