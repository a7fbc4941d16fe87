/*
 * kraken_book.h — one symbol's L2 order book with Kraken v2 semantics and
 * the v2 book checksum.
 *
 * Prices and quantities are int64 mantissas at the instrument's price / qty
 * precision (see kraken_decimal.h). The publisher keeps one book per symbol;
 * the mock exchange uses the same code to generate books whose checksums
 * Kraken clients accept. Depends only on kraken_crc32 (and libc).
 *
 * Invariants (hold between calls):
 *   - bids[0..nbids) strictly descending by price, asks[0..nasks) strictly
 *     ascending: index 0 is the best level; no price appears twice per side.
 *   - every stored qty > 0 and every price >= 0.
 *   - nbids, nasks <= cap; they may exceed depth between kb_apply calls of
 *     one exchange message and kb_truncate, which Kraken requires (a message
 *     applies all its levels, then the book is cut to depth).
 *
 * A book is used by one thread at a time; distinct books are independent.
 */
#ifndef MDBUS_KRAKEN_BOOK_H
#define MDBUS_KRAKEN_BOOK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KB_MAX_DEPTH 1000
#define KB_BID 0
#define KB_ASK 1
#define KB_CHECKSUM_LEVELS 10 /* levels per side that enter the checksum */

/* Levels a side can hold beyond `depth` in the middle of a message. A level
 * that does not fit displaces the worst one (both are beyond depth, so
 * kb_truncate would drop them anyway) and is counted in `evicted`. */
#define KB_SLACK(depth) ((depth) + 64)

struct kb_level {
    int64_t price; /* mantissa at price_prec */
    int64_t qty;   /* mantissa at qty_prec, > 0 inside a book */
};

/*
 * Public, read-only for callers (copy levels out from bids/asks directly):
 * depth, price_prec, qty_prec, nbids, nasks, bids[0..nbids), asks[0..nasks),
 * evicted. Everything is written only through the kb_* functions. The level
 * arrays live in the same allocation as the struct, so a struct copy would
 * alias them: copy levels, not the struct.
 */
struct kb_book {
    int depth;            /* levels kept per side by kb_truncate, 1..KB_MAX_DEPTH */
    int cap;              /* levels storable per side: depth + KB_SLACK(depth) */
    int price_prec;       /* decimals of every price mantissa */
    int qty_prec;         /* decimals of every qty mantissa */
    int nbids, nasks;     /* levels in use */
    uint64_t evicted;     /* levels dropped because a side was at cap (never reset) */
    struct kb_level *bids; /* [cap], highest price first */
    struct kb_level *asks; /* [cap], lowest price first */
    struct kb__memo *memo; /* private to kb_checksum */
};

/*
 * A new empty book; depth in [1, KB_MAX_DEPTH], precisions in [0, 18].
 * Returns NULL (errno EINVAL or ENOMEM) on bad arguments or no memory.
 * This is the only allocation; nothing after it allocates.
 */
struct kb_book *kb_new(int depth, int price_prec, int qty_prec);

/* Free a book from kb_new; NULL is fine. */
void kb_free(struct kb_book *b);

/* Remove every level (for a new snapshot or a new connection). */
void kb_clear(struct kb_book *b);

/*
 * Change the instrument precision. Levels held at the old scale would be
 * wrong at the new one, so the book is cleared; a fresh snapshot must follow.
 * Out-of-range precisions are ignored (the book is left unchanged).
 */
void kb_set_precision(struct kb_book *b, int price_prec, int qty_prec);

/*
 * Apply one level of an exchange message: qty == 0 deletes the price (a
 * delete for a price not in the book is ignored), otherwise the level is
 * inserted or its qty replaced. Call it for every level of a message in
 * order (a price may repeat within a message), then kb_truncate, then
 * kb_checksum.
 * Returns 0 (applied or ignored); -EINVAL for a bad side, a negative price or
 * a negative qty (the book is unchanged).
 */
int kb_apply(struct kb_book *b, int side, int64_t price, int64_t qty);

/* Cut each side to `depth` levels (after the last level of a message). */
void kb_truncate(struct kb_book *b);

/*
 * Kraken v2 book checksum of the current book: for the best 10 asks (lowest
 * first) then the best 10 bids (highest first), each level's price then qty
 * rendered at the instrument precision with '.' and leading zeros removed,
 * concatenated; CRC-32 (zlib) of that text. A side with fewer than 10 levels
 * uses what it has. Allocation-free, no snprintf. The book remembers the
 * text of the levels it rendered last time (hidden state, so the const is
 * logical only: one thread per book, as for every kb_* call).
 */
uint32_t kb_checksum(const struct kb_book *b);

/*
 * The same checksum over caller-held level arrays (asks ascending, bids
 * descending, mantissas >= 0); at most KB_CHECKSUM_LEVELS of each are used.
 * For the mock exchange and tests that hold levels outside a kb_book.
 * Rendering "at the instrument precision, '.' and leading zeros removed" is
 * exactly the decimal digits of the mantissa, so no precision is needed.
 */
uint32_t kb_checksum_levels(const struct kb_level *asks, int nasks,
                            const struct kb_level *bids, int nbids);

#ifdef __cplusplus
}
#endif

#endif /* MDBUS_KRAKEN_BOOK_H */
