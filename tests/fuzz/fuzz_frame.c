/*
 * fuzz_frame.c — the Kraken v2 frame decoder: bytes -> kp_parse.
 *
 * Properties checked on every input:
 *  - neither decoder crashes, reads out of bounds or hits undefined behaviour;
 *  - kp_parse (tokenizer, hot path) and kp_parse_reference (quote pass + cJSON)
 *    return the same code and, byte for byte, the same kp_msg_dump text — with the
 *    symbol lookup and without one;
 *  - kp_parse's schema-directed fast path changes nothing: kp_parse equals
 *    kp__parse_generic (the token path alone), and whatever kp__parse_fast alone
 *    accepts the generic path decodes the same (it never returns an error of its own);
 *  - a failed frame leaves kind KP_NONE (no partial output);
 *  - every decoded book level is non-negative and inside its entry's range, and the
 *    book of each entry can be applied and checksummed (kb_apply never refuses a
 *    level the decoder produced).
 */
#include "fuzz_common.h"

#include "kraken_book.h"
#include "kraken_parse.h"
#include "kraken_parse_impl.h" /* kp__parse_fast, kp__parse_generic */

#include <errno.h>
#include <string.h>

#define DUMP_CAP (8u << 20)

static struct kp_msg *g_fast, *g_ref, *g_gen;
static char *g_dump_fast, *g_dump_ref, *g_dump_gen;

/* The symbols of the fixtures plus the two precision extremes. */
static const struct {
	const char *name;
	struct kp_symbol_info info;
} g_syms[] = {
	{ "BTC/USD", { 0, 1, 8 } },   { "ETH/USD", { 1, 2, 8 } }, { "ALGO/USD", { 2, 5, 8 } },
	{ "MATIC/USD", { 3, 4, 8 } }, { "ZERO/USD", { 4, 0, 0 } }, { "FINE/USD", { 5, 18, 18 } },
};
#define NSYMS (sizeof g_syms / sizeof g_syms[0])

static int lookup(void *ctx, const char *sym, size_t len, struct kp_symbol_info *out)
{
	(void)ctx;
	FZ_CHECK(strlen(sym) == len, "lookup got %zu bytes, strlen %zu", len, strlen(sym));
	for (size_t i = 0; i < NSYMS; i++) {
		if (strlen(g_syms[i].name) == len && memcmp(g_syms[i].name, sym, len) == 0) {
			*out = g_syms[i].info;
			return 0;
		}
	}
	return -1;
}

static void setup(void)
{
	if (g_fast)
		return;
	g_fast = kp_msg_new();
	g_ref = kp_msg_new();
	g_gen = kp_msg_new();
	g_dump_fast = malloc(DUMP_CAP);
	g_dump_ref = malloc(DUMP_CAP);
	g_dump_gen = malloc(DUMP_CAP);
	if (!g_fast || !g_ref || !g_gen || !g_dump_fast || !g_dump_ref || !g_dump_gen)
		abort();
}

static void check_book(const struct kp_msg *m)
{
	const struct kp_book_msg *b = &m->u.book;
	FZ_CHECK(b->nentries <= KP_MAX_ENTRIES && b->nlevels <= KP_MAX_LEVELS, "%u entries %u levels",
		 b->nentries, b->nlevels);
	for (uint32_t i = 0; i < b->nentries; i++) {
		const struct kp_book_entry *e = &b->entries[i];
		FZ_CHECK(e->symbol_id < NSYMS, "symbol id %u", e->symbol_id);
		FZ_CHECK((uint64_t)e->bid_first + e->nbids <= b->nlevels &&
			 (uint64_t)e->ask_first + e->nasks <= b->nlevels, "entry %u levels out of range", i);
		struct kb_book *kb = kb_new(10, e->price_prec, e->qty_prec);
		FZ_CHECK(kb != NULL, "kb_new(10, %d, %d)", e->price_prec, e->qty_prec);
		const struct kb_level *bids = kp_book_bids(m, e), *asks = kp_book_asks(m, e);
		for (uint32_t k = 0; k < e->nbids; k++) {
			FZ_CHECK(bids[k].price >= 0 && bids[k].qty >= 0, "negative bid level");
			FZ_CHECK(kb_apply(kb, KB_BID, bids[k].price, bids[k].qty) == 0, "kb_apply refused a bid");
		}
		for (uint32_t k = 0; k < e->nasks; k++) {
			FZ_CHECK(asks[k].price >= 0 && asks[k].qty >= 0, "negative ask level");
			FZ_CHECK(kb_apply(kb, KB_ASK, asks[k].price, asks[k].qty) == 0, "kb_apply refused an ask");
		}
		kb_truncate(kb);
		(void)kb_checksum(kb);
		kb_free(kb);
	}
}

/* kp_parse's result (rf, dumped in g_dump_fast) against the generic path alone,
 * then kp__parse_fast alone against the generic path. */
static void fast_vs_generic(const char *s, size_t size, kp_lookup_fn fn, int rf)
{
	int rg = kp__parse_generic(g_gen, s, size, fn, NULL);
	int dg = kp_msg_dump(g_gen, g_dump_gen, DUMP_CAP);
	FZ_CHECK(rf == rg && strcmp(g_dump_fast, g_dump_gen) == 0,
		 "kp_parse %d (%s), kp__parse_generic %d (%s), lookup %s:\n--- kp_parse\n%.2000s\n--- generic\n%.2000s",
		 rf, kp_strerror(rf), rg, kp_strerror(rg), fn ? "on" : "off", g_dump_fast, g_dump_gen);
	int rx = kp__parse_fast(g_fast, s, size, fn, NULL);
	if (rx != 0) {
		FZ_CHECK(rx == KP__BAIL, "kp__parse_fast returned %d", rx);
		return;
	}
	int dx = kp_msg_dump(g_fast, g_dump_fast, DUMP_CAP);
	FZ_CHECK(rg == 0 && dx == dg && strcmp(g_dump_fast, g_dump_gen) == 0,
		 "fast path accepted, generic %d (%s), lookup %s:\n--- fast\n%.2000s\n--- generic\n%.2000s", rg,
		 kp_strerror(rg), fn ? "on" : "off", g_dump_fast, g_dump_gen);
}

static void both(const uint8_t *data, size_t size, kp_lookup_fn fn)
{
	const char *s = (const char *)data;
	int rf = kp_parse(g_fast, s, size, fn, NULL);
	int rr = kp_parse_reference(g_ref, s, size, fn, NULL);
	int df = kp_msg_dump(g_fast, g_dump_fast, DUMP_CAP);
	if (rr == -ENOMEM) {
		fast_vs_generic(s, size, fn, rf);
		return; /* the reference allocates; libFuzzer's malloc limit is not a finding */
	}
	int dr = kp_msg_dump(g_ref, g_dump_ref, DUMP_CAP);
	FZ_CHECK(rf == rr, "kp_parse %d (%s), kp_parse_reference %d (%s), lookup %s", rf, kp_strerror(rf), rr,
		 kp_strerror(rr), fn ? "on" : "off");
	FZ_CHECK(df == dr && strcmp(g_dump_fast, g_dump_ref) == 0, "dumps differ (lookup %s):\n--- fast\n%.2000s\n--- ref\n%.2000s",
		 fn ? "on" : "off", g_dump_fast, g_dump_ref);
	if (rf < 0) {
		FZ_CHECK(g_fast->kind == KP_NONE && g_ref->kind == KP_NONE, "failed frame left kind %d/%d",
			 g_fast->kind, g_ref->kind);
	} else if (g_fast->kind == KP_BOOK) {
		check_book(g_fast);
	}
	fast_vs_generic(s, size, fn, rf); /* last: it reuses g_fast */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	both(data, size, lookup);
	both(data, size, NULL);
	return 0;
}
