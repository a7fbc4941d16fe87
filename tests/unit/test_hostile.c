/*
 * test_hostile.c — segments crafted byte by byte: the subscriber library refuses each
 * kind of damage with its own error code and never crashes or reads out of bounds;
 * a damaged slot is reported as MDBUS_E_CORRUPT and skipped; a publisher refuses to
 * adopt an object that is not ours (MDBUS_E_FOREIGN) or belongs to another user
 * (MDBUS_E_OWNER).
 *
 * Method: a real writer makes a small valid segment; its bytes are the template every
 * case mutates and writes to /dev/shm/mdbus.<feed> with plain file I/O.
 */
#define _GNU_SOURCE
#include <mdbus/layout.h>
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <CUnit/Basic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static uint8_t *tmpl;          /* a valid segment's bytes */
static size_t tmpl_size;
static char tmpl_feed[MDBUS_FEED_NAME_MAX + 1];

static void shm_path(char *out, size_t n, const char *feed, const char *suffix)
{
	snprintf(out, n, "/dev/shm/mdbus.%s%s", feed, suffix);
}

/* Write `size` bytes of img as the data object of `feed` (replacing any). */
static int write_object(const char *feed, const void *img, size_t size)
{
	char path[160];
	shm_path(path, sizeof path, feed, "");
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -1;
	int rc = size && write(fd, img, size) != (ssize_t)size ? -1 : 0;
	close(fd);
	return rc;
}

static int make_template(void)
{
	tu_feed_name(tmpl_feed, "host");
	struct mdbus_writer_opts o = { .slot_count = 16, .slot_size = 128, .symbol_capacity = 2,
				       .book_depth = 4 };
	mdbus_writer *w;
	if (mdbus_writer_open(&w, tmpl_feed, &o) < 0)
		return -1;
	mdbus_writer_close(w);
	char path[160];
	shm_path(path, sizeof path, tmpl_feed, "");
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct stat st;
	fstat(fd, &st);
	tmpl_size = (size_t)st.st_size;
	tmpl = malloc(tmpl_size);
	int ok = pread(fd, tmpl, tmpl_size, 0) == (ssize_t)tmpl_size;
	close(fd);
	return ok ? 0 : -1;
}

static int suite_init(void)
{
	return make_template();
}

static int suite_clean(void)
{
	mdbus_feed_remove(tmpl_feed);
	free(tmpl);
	return 0;
}

/* Write the mutated template under a fresh feed and return mdbus_sub_open's code. */
typedef void (*mutate_fn)(struct mdbus_shm_header *h, size_t *size, uint8_t *img);

static int open_mutated(mutate_fn f)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "host");
	uint8_t *img = malloc(tmpl_size + 8192);
	memset(img, 0, tmpl_size + 8192);
	memcpy(img, tmpl, tmpl_size);
	size_t size = tmpl_size;
	f((struct mdbus_shm_header *)img, &size, img);
	CU_ASSERT_EQUAL_FATAL(write_object(feed, img, size), 0);
	free(img);
	mdbus_sub *s = NULL;
	int rc = mdbus_sub_open(&s, feed, 0);
	if (rc == 0)
		mdbus_sub_close(s);
	else
		CU_ASSERT_PTR_NULL(s);
	/* inspectors too */
	int rc2 = mdbus_sub_open(&s, feed, MDBUS_SUB_NO_REGISTRY | MDBUS_SUB_FROM_OLDEST);
	CU_ASSERT_EQUAL(rc2, rc);
	if (rc2 == 0)
		mdbus_sub_close(s);
	char path[160];
	shm_path(path, sizeof path, feed, "");
	unlink(path);
	return rc;
}

#define EXPECT_OPEN(fn, code)                                                              \
	do {                                                                               \
		int rc_ = open_mutated(fn);                                                \
		CU_ASSERT_EQUAL(rc_, code);                                                \
		if (rc_ != (code))                                                         \
			fprintf(stderr, "\n  %s: got %d (%s), want %s ", #fn, rc_,         \
				mdbus_strerror(rc_), #code);                               \
	} while (0)

static void m_none(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)h; (void)n; (void)b; }
static void m_empty(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)h; (void)b; *n = 0; }
static void m_short(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)h; (void)b; *n = 100; }
static void m_header_only(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)h; (void)b; *n = sizeof *h; }
static void m_half(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)h; (void)b; *n /= 2; }
static void m_zero_magic(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->magic = 0; }
static void m_zero_header(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; memset(h, 0, sizeof *h); }
static void m_bad_magic(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->magic = 0x0a3176535542444e; }
static void m_swapped_magic(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->magic = __builtin_bswap64(MDBUS_MAGIC); }
static void m_text(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)h; memset(b, 'x', *n); }
static void m_major2(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->layout_major = MDBUS_LAYOUT_MAJOR + 1; }
static void m_major0(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->layout_major = 0; }
static void m_minor7(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->layout_minor = 7; }
static void m_header_size(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->header_size = 512; }
static void m_count_1000(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->slot_count = 1000; }
static void m_count_0(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->slot_count = 0; }
static void m_count_8(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->slot_count = 8; }
static void m_count_huge(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->slot_count = 1u << 31; }
static void m_size_96(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->slot_size = 96; }
static void m_size_0(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->slot_size = 0; }
static void m_size_4096(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->slot_size = 4096; }
static void m_symcap_0(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->symbol_capacity = 0; }
static void m_symcap_huge(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->symbol_capacity = 0x80000000u; }
static void m_depth_0(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->book_depth = 0; }
static void m_depth_big(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->book_depth = 100000; }
static void m_book_entry(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->book_entry_size = 64; }
static void m_symtab_entry(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->symtab_entry_size = 64; }
static void m_ring_past_end(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->ring_off = h->segment_size; }
static void m_ring_overflow(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->ring_off = UINT64_MAX - 63; }
static void m_ring_unaligned(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->ring_off += 8; }
static void m_ring_overlaps_books(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->ring_off = h->book_off; }
static void m_book_past_end(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->book_off = h->segment_size + 4096; }
static void m_symtab_in_header(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->symtab_off = 0; }
static void m_control_moved(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->control_off = 4096; }
static void m_control_huge(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->control_off = UINT64_MAX; }
/* a slot count that is a power of two but does not fit the file */
static void m_ring_too_big(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->slot_count = 1u << 20; }
static void m_segsize_bigger(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->segment_size += 4096; }
static void m_segsize_huge(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->segment_size = UINT64_MAX; }
static void m_segsize_smaller(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->segment_size -= 4096; }
static void m_segsize_0(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; h->segment_size = 0; }
/* file longer than the header says */
static void m_file_longer(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)h; (void)b; *n += 4096; }
static void m_feed_unterminated(struct mdbus_shm_header *h, size_t *n, uint8_t *b) { (void)n; (void)b; memset(h->feed, 'F', sizeof h->feed); }

static void should_open_the_untouched_template(void)
{
	EXPECT_OPEN(m_none, 0);
	EXPECT_OPEN(m_minor7, 0); /* minors only add fields: still readable */
	EXPECT_OPEN(m_feed_unterminated, 0);
}

static void should_refuse_truncated_segments(void)
{
	EXPECT_OPEN(m_empty, MDBUS_E_NOTREADY); /* created, not sized yet */
	EXPECT_OPEN(m_short, MDBUS_E_TRUNCATED);
	EXPECT_OPEN(m_header_only, MDBUS_E_TRUNCATED);
	EXPECT_OPEN(m_half, MDBUS_E_TRUNCATED);
	EXPECT_OPEN(m_segsize_bigger, MDBUS_E_TRUNCATED);
	EXPECT_OPEN(m_segsize_huge, MDBUS_E_TRUNCATED);
}

static void should_report_zero_magic_as_not_ready(void)
{
	EXPECT_OPEN(m_zero_magic, MDBUS_E_NOTREADY);
	EXPECT_OPEN(m_zero_header, MDBUS_E_NOTREADY);
}

static void should_refuse_wrong_magic(void)
{
	EXPECT_OPEN(m_bad_magic, MDBUS_E_BADMAGIC);
	EXPECT_OPEN(m_swapped_magic, MDBUS_E_BADMAGIC);
	EXPECT_OPEN(m_text, MDBUS_E_BADMAGIC);
}

static void should_refuse_other_major_layout(void)
{
	EXPECT_OPEN(m_major2, MDBUS_E_VERSION);
	EXPECT_OPEN(m_major0, MDBUS_E_VERSION);
}

static void should_refuse_impossible_geometry(void)
{
	EXPECT_OPEN(m_count_1000, MDBUS_E_GEOMETRY); /* not a power of two */
	EXPECT_OPEN(m_count_0, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_count_8, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_count_huge, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_size_96, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_size_0, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_size_4096, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_symcap_0, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_symcap_huge, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_depth_0, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_depth_big, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_book_entry, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_symtab_entry, MDBUS_E_GEOMETRY);
	EXPECT_OPEN(m_header_size, MDBUS_E_GEOMETRY);
}

static void should_refuse_areas_outside_the_segment(void)
{
	EXPECT_OPEN(m_ring_past_end, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_ring_overflow, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_ring_unaligned, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_ring_overlaps_books, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_ring_too_big, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_book_past_end, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_symtab_in_header, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_control_moved, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_control_huge, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_segsize_smaller, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_segsize_0, MDBUS_E_BOUNDS);
	EXPECT_OPEN(m_file_longer, MDBUS_E_BOUNDS);
}

/* ------------------------------------------------------- damaged contents */

struct live {
	char feed[MDBUS_FEED_NAME_MAX + 1];
	int fd;
	uint8_t *base;
	size_t size;
	struct mdbus_shm_header h;
};

/* A valid feed with n self-checking records, closed by its writer, mapped RW here. */
static int live_feed(struct live *L, int n)
{
	tu_feed_name(L->feed, "host");
	struct mdbus_writer_opts o = { .slot_count = 16, .slot_size = 128, .symbol_capacity = 2,
				       .book_depth = 4 };
	mdbus_writer *w;
	if (mdbus_writer_open(&w, L->feed, &o) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct mdbus_record r;
		tu_raw_fill(&r, mdbus_writer_cursor(w), MDBUS_RAW_MAX);
		mdbus_writer_put(w, &r);
	}
	mdbus_writer_symbol_add(w, "BTC/USD");
	mdbus_writer_symbol_add(w, "ETH/USD");
	mdbus_writer_close(w);
	char path[160];
	shm_path(path, sizeof path, L->feed, "");
	L->fd = open(path, O_RDWR);
	if (L->fd < 0)
		return -1;
	struct stat st;
	fstat(L->fd, &st);
	L->size = (size_t)st.st_size;
	L->base = mmap(NULL, L->size, PROT_READ | PROT_WRITE, MAP_SHARED, L->fd, 0);
	if (L->base == MAP_FAILED)
		return -1;
	memcpy(&L->h, L->base, sizeof L->h);
	return 0;
}

static void live_close(struct live *L)
{
	munmap(L->base, L->size);
	close(L->fd);
	CU_ASSERT_EQUAL(mdbus_feed_remove(L->feed), 0);
}

static struct mdbus_shm_slot *live_slot(struct live *L, uint64_t seq)
{
	return (struct mdbus_shm_slot *)(L->base + L->h.ring_off +
					 (seq & (L->h.slot_count - 1)) * L->h.slot_size);
}

static void expect_seq(mdbus_sub *s, uint64_t seq, uint64_t lost)
{
	struct mdbus_record r;
	int rc = mdbus_sub_next(s, &r, 0);
	CU_ASSERT_EQUAL(rc, 1);
	if (rc != 1) {
		fprintf(stderr, "\n  next: %d (%s), want seq %llu ", rc, mdbus_strerror(rc),
			(unsigned long long)seq);
		return;
	}
	CU_ASSERT_EQUAL(r.seq, seq);
	CU_ASSERT_EQUAL(r.lost, lost);
	CU_ASSERT_EQUAL(tu_raw_check(&r, MDBUS_RAW_MAX, NULL, 0), 0);
}

static void should_report_an_absurd_raw_length_as_corrupt_and_go_on(void)
{
	struct live L;
	CU_ASSERT_EQUAL_FATAL(live_feed(&L, 6), 0);
	struct mdbus_shm_slot *sl = live_slot(&L, 2);
	CU_ASSERT_EQUAL_FATAL(sl->type, MDBUS_REC_RAW);
	struct mdbus_rec_raw *raw = (struct mdbus_rec_raw *)(sl + 1);
	raw->len = 0xfffffff0u;
	live_slot(&L, 4)->type = MDBUS_REC_RAW;
	((struct mdbus_rec_raw *)(live_slot(&L, 4) + 1))->len = MDBUS_RAW_MAX + 1;

	mdbus_sub *s = NULL;
	CU_ASSERT_EQUAL_FATAL(mdbus_sub_open(&s, L.feed, MDBUS_SUB_FROM_OLDEST), 0);
	struct mdbus_record r;
	expect_seq(s, 0, 0);
	expect_seq(s, 1, 0);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), MDBUS_E_CORRUPT);
	expect_seq(s, 3, 1); /* the bad record is counted as lost on the next one */
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), MDBUS_E_CORRUPT);
	expect_seq(s, 5, 1);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 0);
	struct mdbus_status st;
	CU_ASSERT_EQUAL(mdbus_sub_status(s, &st), 0);
	CU_ASSERT_EQUAL(st.lost, 2);
	CU_ASSERT_EQUAL(st.records, 4);
	mdbus_sub_close(s);
	live_close(&L);
}

static void should_report_an_impossible_stamp_as_corrupt_and_go_on(void)
{
	struct live L;
	CU_ASSERT_EQUAL_FATAL(live_feed(&L, 6), 0);
	/* slot 2 claims a sequence the writer cannot have reached (cursor is 6) */
	live_slot(&L, 2)->stamp = UINT64_C(1) << 62;
	/* slot 4 claims to be "being written" as sequence 4 + 16 */
	live_slot(&L, 4)->stamp = 2 * (4 + 16) + 1;
	mdbus_sub *s = NULL;
	CU_ASSERT_EQUAL_FATAL(mdbus_sub_open(&s, L.feed, MDBUS_SUB_FROM_OLDEST), 0);
	struct mdbus_record r;
	expect_seq(s, 0, 0);
	expect_seq(s, 1, 0);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), MDBUS_E_CORRUPT);
	expect_seq(s, 3, 1);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), MDBUS_E_CORRUPT);
	expect_seq(s, 5, 1);
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 0);
	mdbus_sub_close(s);
	live_close(&L);
}

static void should_wait_on_a_half_written_slot(void)
{
	struct live L;
	CU_ASSERT_EQUAL_FATAL(live_feed(&L, 6), 0);
	/* a publisher died inside put(6): odd stamp, half a payload, cursor still 6 */
	struct mdbus_shm_slot *sl = live_slot(&L, 6);
	sl->stamp = 2 * 6 + 1;
	memset(sl + 1, 0xee, 40);
	mdbus_sub *s = NULL;
	CU_ASSERT_EQUAL_FATAL(mdbus_sub_open(&s, L.feed, MDBUS_SUB_FROM_OLDEST), 0);
	for (uint64_t i = 0; i < 6; i++)
		expect_seq(s, i, 0);
	struct mdbus_record r;
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 0), 0); /* never the torn record */
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 5), 0);
	mdbus_sub_close(s);
	live_close(&L);
}

static void should_not_trust_header_rewrites_after_open(void)
{
	struct live L;
	CU_ASSERT_EQUAL_FATAL(live_feed(&L, 3), 0);
	mdbus_sub *s = NULL;
	CU_ASSERT_EQUAL_FATAL(mdbus_sub_open(&s, L.feed, MDBUS_SUB_FROM_OLDEST), 0);
	struct mdbus_shm_header *h = (struct mdbus_shm_header *)L.base;
	h->slot_count = 1u << 25;
	h->ring_off = UINT64_MAX - 4095;
	h->symbol_capacity = 4096;
	h->book_depth = 1000;
	for (uint64_t i = 0; i < 3; i++)
		expect_seq(s, i, 0);
	struct mdbus_info info;
	CU_ASSERT_EQUAL(mdbus_sub_info(s, &info), 0);
	CU_ASSERT_EQUAL(info.slot_count, 16);
	uint32_t id;
	CU_ASSERT_EQUAL(mdbus_sub_symbol(s, "nope", &id), MDBUS_E_NOSYM);
	static struct mdbus_book b;
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 2, &b), MDBUS_E_NOSYM);
	mdbus_sub_close(s);
	memcpy(L.base, &L.h, sizeof L.h);
	live_close(&L);
}

static void should_refuse_impossible_symbols_and_books(void)
{
	struct live L;
	CU_ASSERT_EQUAL_FATAL(live_feed(&L, 0), 0);
	struct mdbus_shm_symbol *sym = (struct mdbus_shm_symbol *)(L.base + L.h.symtab_off);
	sym[0].price_precision = 99;
	memset(sym[1].name, 'A', sizeof sym[1].name); /* no terminating NUL */
	struct mdbus_shm_book *bk = (struct mdbus_shm_book *)(L.base + L.h.book_off);
	bk->n_bids = 5; /* depth is 4 */
	struct mdbus_shm_book *bk1 = (struct mdbus_shm_book *)(L.base + L.h.book_off + L.h.book_entry_size);
	bk1->n_asks = UINT32_MAX;
	mdbus_sub *s = NULL;
	CU_ASSERT_EQUAL_FATAL(mdbus_sub_open(&s, L.feed, 0), 0);
	struct mdbus_symbol si;
	CU_ASSERT_EQUAL(mdbus_sub_symbol_info(s, 0, &si), MDBUS_E_CORRUPT);
	CU_ASSERT_EQUAL(mdbus_sub_symbol_info(s, 1, &si), 0);
	CU_ASSERT_EQUAL(strlen(si.name), MDBUS_SYMBOL_NAME_MAX - 1);
	uint32_t id;
	CU_ASSERT_EQUAL(mdbus_sub_symbol(s, "ETH/USD", &id), MDBUS_E_NOSYM);
	static struct mdbus_book b;
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 0, &b), MDBUS_E_CORRUPT);
	CU_ASSERT_EQUAL(mdbus_sub_book(s, 1, &b), MDBUS_E_CORRUPT);
	mdbus_sub_close(s);
	live_close(&L);
}

static void should_read_without_a_usable_registry(void)
{
	struct live L;
	CU_ASSERT_EQUAL_FATAL(live_feed(&L, 2), 0);
	char path[160];
	shm_path(path, sizeof path, L.feed, ".readers");
	int fd = open(path, O_RDWR | O_TRUNC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, "garbage garbage garbage garbage", 31) == 31);
	close(fd);
	mdbus_sub *s = NULL;
	CU_ASSERT_EQUAL_FATAL(mdbus_sub_open(&s, L.feed, MDBUS_SUB_FROM_OLDEST), 0);
	expect_seq(s, 0, 0);
	expect_seq(s, 1, 0);
	struct mdbus_record r;
	CU_ASSERT_EQUAL(mdbus_sub_next(s, &r, 20), 0); /* sleeps in slices, no registry */
	CU_ASSERT_EQUAL(mdbus_readers_list(L.feed, NULL, 0), MDBUS_E_CORRUPT);
	mdbus_sub_close(s);
	live_close(&L);
}

/* ------------------------------------------------------------ publishers */

static void should_refuse_to_adopt_a_foreign_object(void)
{
	static const mutate_fn foreign[] = { m_short, m_text, m_bad_magic, m_major2, m_count_1000,
					     m_ring_past_end, m_segsize_bigger };
	for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
		char feed[MDBUS_FEED_NAME_MAX + 1];
		tu_feed_name(feed, "host");
		uint8_t *img = calloc(1, tmpl_size);
		memcpy(img, tmpl, tmpl_size);
		size_t size = tmpl_size;
		foreign[i]((struct mdbus_shm_header *)img, &size, img);
		CU_ASSERT_EQUAL_FATAL(write_object(feed, img, size), 0);
		mdbus_writer *w = NULL;
		int rc = mdbus_writer_open(&w, feed, NULL);
		CU_ASSERT_EQUAL(rc, MDBUS_E_FOREIGN);
		CU_ASSERT_PTR_NULL(w);
		if (rc == 0)
			mdbus_writer_close(w);
		/* and left it alone */
		char path[160];
		shm_path(path, sizeof path, feed, "");
		struct stat st;
		CU_ASSERT_EQUAL(stat(path, &st), 0);
		CU_ASSERT_EQUAL((size_t)st.st_size, size);
		uint8_t *now = malloc(size + 1);
		int fd = open(path, O_RDONLY);
		CU_ASSERT(fd >= 0 && pread(fd, now, size, 0) == (ssize_t)size && memcmp(now, img, size) == 0);
		if (fd >= 0)
			close(fd);
		free(now);
		free(img);
		/* a writer may be refused again: the refusal released the feed lock */
		CU_ASSERT_EQUAL(mdbus_writer_open(&w, feed, NULL), MDBUS_E_FOREIGN);
		unlink(path);
		mdbus_feed_remove(feed);
	}
}

static void should_replace_a_leftover_of_a_crashed_creation(void)
{
	/* size 0 or zero magic under the feed lock = a creator that died half-way */
	static const mutate_fn leftovers[] = { m_empty, m_zero_magic };
	for (size_t i = 0; i < 2; i++) {
		char feed[MDBUS_FEED_NAME_MAX + 1];
		tu_feed_name(feed, "host");
		uint8_t *img = calloc(1, tmpl_size);
		memcpy(img, tmpl, tmpl_size);
		size_t size = tmpl_size;
		leftovers[i]((struct mdbus_shm_header *)img, &size, img);
		CU_ASSERT_EQUAL_FATAL(write_object(feed, img, size), 0);
		free(img);
		mdbus_writer *w = NULL;
		CU_ASSERT_EQUAL(mdbus_writer_open(&w, feed, NULL), 0);
		mdbus_writer_close(w);
		mdbus_sub *s = NULL;
		CU_ASSERT_EQUAL(mdbus_sub_open(&s, feed, 0), 0);
		mdbus_sub_close(s);
		CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
	}
}

static void should_refuse_a_segment_of_another_user(void)
{
	if (geteuid() != 0) {
		printf("\n    (skipped: needs root to chown the segment to uid 65534) ");
		return;
	}
	struct live L;
	CU_ASSERT_EQUAL_FATAL(live_feed(&L, 2), 0);
	CU_ASSERT_EQUAL_FATAL(fchown(L.fd, 65534, 65534), 0);
	mdbus_writer *w = NULL;
	CU_ASSERT_EQUAL(mdbus_writer_open(&w, L.feed, NULL), MDBUS_E_OWNER);
	CU_ASSERT_PTR_NULL(w);
	/* readers may read it, unless they ask for an owner check */
	mdbus_sub *s = NULL;
	CU_ASSERT_EQUAL(mdbus_sub_open(&s, L.feed, MDBUS_SUB_REQUIRE_OWNER), MDBUS_E_OWNER);
	CU_ASSERT_EQUAL(mdbus_sub_open(&s, L.feed, 0), 0);
	mdbus_sub_close(s);
	/* the object is untouched: same header, still 65534's */
	struct stat st;
	CU_ASSERT_EQUAL(fstat(L.fd, &st), 0);
	CU_ASSERT_EQUAL(st.st_uid, 65534);
	CU_ASSERT(memcmp(L.base, &L.h, sizeof L.h) == 0);
	CU_ASSERT_EQUAL_FATAL(fchown(L.fd, 0, 0), 0);
	live_close(&L);
}

int main(void)
{
	tu_guard(120, "test_hostile");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("hostile", suite_init, suite_clean);
#define T(f) CU_add_test(s, #f, f)
	T(should_open_the_untouched_template);
	T(should_refuse_truncated_segments);
	T(should_report_zero_magic_as_not_ready);
	T(should_refuse_wrong_magic);
	T(should_refuse_other_major_layout);
	T(should_refuse_impossible_geometry);
	T(should_refuse_areas_outside_the_segment);
	T(should_report_an_absurd_raw_length_as_corrupt_and_go_on);
	T(should_report_an_impossible_stamp_as_corrupt_and_go_on);
	T(should_wait_on_a_half_written_slot);
	T(should_not_trust_header_rewrites_after_open);
	T(should_refuse_impossible_symbols_and_books);
	T(should_read_without_a_usable_registry);
	T(should_refuse_to_adopt_a_foreign_object);
	T(should_replace_a_leftover_of_a_crashed_creation);
	T(should_refuse_a_segment_of_another_user);
#undef T
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
