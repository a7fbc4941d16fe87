/*
 * symbols.h — the pairs the mock serves and their precisions.
 *
 * Filled once at start-up (from --symbols, or learned from a --replay file) and read-only
 * afterwards; a served symbol's index in the table is its id everywhere else in the mock
 * (subscription tables, generator state). Names the real exchange would reject — legacy
 * "XBT/..." names, "BAD/..." names, anything without a '/' — are never served: a subscribe
 * for one is answered "Currency pair not supported <name>", as Kraken answers XBT/USD.
 */
#ifndef MX_SYMBOLS_H
#define MX_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#define MX_MAX_SYMBOLS 64
#define MX_SYMBOL_MAX 31 /* longest name accepted, bytes */

struct mx_symbol {
	char name[MX_SYMBOL_MAX + 1];
	int price_prec;      /* decimals of prices */
	int qty_prec;        /* decimals of quantities */
	int64_t start_price; /* synthetic market's first mid, at price_prec */
};

struct mx_symtab {
	struct mx_symbol sym[MX_MAX_SYMBOLS];
	int count;
};

/* 1 if the exchange would reject this name (see above). */
int mx_symbol_is_reject(const char *name, size_t len);

/*
 * Adds name with the given precisions, or updates the precisions of an existing entry.
 * A negative precision means "use the default for this name" (BTC/USD 1/8, ETH/USD 2/8,
 * anything else 4/8). Returns the index, or -EINVAL for a reject or over-long name,
 * -ENOSPC when the table is full.
 */
int mx_symtab_add(struct mx_symtab *t, const char *name, size_t len, int price_prec,
		  int qty_prec);

/*
 * 1 and the precisions Kraken publishes if name is one of the pairs the mock knows
 * (BTC/USD 1/8, ETH/USD 2/8); else 0 and the defaults for other names (4/8).
 */
int mx_symbol_known(const char *name, size_t len, int *price_prec, int *qty_prec);

/* Index of name, or -1. */
int mx_symtab_find(const struct mx_symtab *t, const char *name, size_t len);

/* Adds every name of a comma-separated list; returns 0 or the first error (-EINVAL, ...). */
int mx_symtab_add_list(struct mx_symtab *t, const char *list, char *err, size_t errcap);

#endif
