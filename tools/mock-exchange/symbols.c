/*
 * symbols.c — the served-pair table (see symbols.h).
 */
#include "symbols.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct known_pair {
	const char *name;
	int price_prec, qty_prec;
	int64_t start_price; /* at price_prec */
};

/* Precisions as Kraken publishes them for these pairs; the rest get 4/8. */
static const struct known_pair known[] = {
	{ "BTC/USD", 1, 8, 452835 },   /* 45283.5, the checksum guide's book */
	{ "ETH/USD", 2, 8, 250012 },   /* 2500.12 */
};

int mx_symbol_is_reject(const char *name, size_t len)
{
	if (len == 0 || len > MX_SYMBOL_MAX || !memchr(name, '/', len))
		return 1;
	if (len >= 4 && (!memcmp(name, "XBT/", 4) || !memcmp(name, "BAD/", 4)))
		return 1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] <= ' ' || name[i] == '"' || name[i] == '\\' ||
		    (unsigned char)name[i] >= 0x7f)
			return 1;
	return 0;
}

int mx_symtab_find(const struct mx_symtab *t, const char *name, size_t len)
{
	for (int i = 0; i < t->count; i++)
		if (strlen(t->sym[i].name) == len && !memcmp(t->sym[i].name, name, len))
			return i;
	return -1;
}

static int defaults_for(const char *name, size_t len, int *pp, int *qp, int64_t *start)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) == len && !memcmp(known[i].name, name, len)) {
			*pp = known[i].price_prec;
			*qp = known[i].qty_prec;
			*start = known[i].start_price;
			return 1;
		}
	}
	/* Unknown pairs start somewhere between 0.5 and 100 so their books look different. */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	*pp = 4;
	*qp = 8;
	*start = 5000 + (int64_t)(h % 995000);
	return 0;
}

int mx_symbol_known(const char *name, size_t len, int *price_prec, int *qty_prec)
{
	int64_t start;

	return defaults_for(name, len, price_prec, qty_prec, &start);
}

int mx_symtab_add(struct mx_symtab *t, const char *name, size_t len, int price_prec,
		  int qty_prec)
{
	int pp, qp, idx;
	int64_t start;

	if (mx_symbol_is_reject(name, len))
		return -EINVAL;
	defaults_for(name, len, &pp, &qp, &start);
	if (price_prec >= 0) {
		/* A price learned at another precision: keep the start roughly the same value. */
		while (pp < price_prec) {
			start *= 10;
			pp++;
		}
		while (pp > price_prec) {
			start /= 10;
			pp--;
		}
	}
	if (qty_prec >= 0)
		qp = qty_prec;
	if (start < 100)
		start = 100;
	idx = mx_symtab_find(t, name, len);
	if (idx < 0) {
		if (t->count >= MX_MAX_SYMBOLS)
			return -ENOSPC;
		idx = t->count++;
		memcpy(t->sym[idx].name, name, len);
		t->sym[idx].name[len] = '\0';
	}
	t->sym[idx].price_prec = pp;
	t->sym[idx].qty_prec = qp;
	t->sym[idx].start_price = start;
	return idx;
}

int mx_symtab_add_list(struct mx_symtab *t, const char *list, char *err, size_t errcap)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int rc;

		if (len) {
			rc = mx_symtab_add(t, p, len, -1, -1);
			if (rc == -ENOSPC) {
				snprintf(err, errcap, "too many symbols (at most %d)", MX_MAX_SYMBOLS);
				return rc;
			}
			/* Reject names are accepted on the command line and simply never served. */
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}
