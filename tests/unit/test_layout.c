/*
 * test_layout.c — the shared-memory ABI (include/mdbus/layout.h) holds at run time
 * as the header promises: magics spell their names in a hex dump, every pinned
 * offset and size, the record union fits a slot, and a segment a writer creates has
 * the geometry the header describes (areas in order, aligned, inside the object).
 *
 * The header's own _Static_asserts already stop a build that moves a field; this
 * program guards the constants and relations those asserts do not state, and is
 * where a deliberate ABI change has to be acknowledged.
 */
#define _GNU_SOURCE
#include <mdbus/layout.h>
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <CUnit/Basic.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define OFF(T, f) offsetof(struct T, f)

static void should_spell_magics_in_a_hex_dump(void)
{
	uint64_t m = MDBUS_MAGIC;
	char b[8];
	memcpy(b, &m, 8);
	CU_ASSERT_NSTRING_EQUAL(b, "MDBUSv1\n", 8);
	m = MDBUS_REG_MAGIC;
	memcpy(b, &m, 8);
	CU_ASSERT_NSTRING_EQUAL(b, "MDBUSrg\n", 8);
	CU_ASSERT_EQUAL(MDBUS_LAYOUT_MAJOR, 1);
	CU_ASSERT_EQUAL(MDBUS_LAYOUT_MINOR, 0);
}

static void should_keep_header_offsets(void)
{
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_header), 256);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, magic), 0);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, layout_major), 8);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, layout_minor), 10);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, header_size), 12);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, segment_size), 16);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, slot_size), 24);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, slot_count), 28);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, symbol_capacity), 32);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, book_depth), 36);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, control_off), 40);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, symtab_off), 48);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, symtab_entry_size), 56);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, book_entry_size), 60);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, book_off), 64);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, ring_off), 72);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, created_ns), 80);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, creator_uid), 88);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, stale_after_ms), 92);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_header, feed), 96);
	CU_ASSERT(sizeof(((struct mdbus_shm_header *)0)->feed) > MDBUS_FEED_NAME_MAX);
}

static void should_keep_control_lines_apart(void)
{
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_control), 384);
	CU_ASSERT_EQUAL(MDBUS_CONTROL_OFF, 256);
	CU_ASSERT_EQUAL(MDBUS_SYMTAB_OFF, 640);
	/* the cursor alone on its cache line; state on the next; stats after */
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, write_seq), 0);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, conn_gen), MDBUS_CACHELINE);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, gen_futex), 72);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, data_futex), 76);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, epoch), 80);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, heartbeat_ns), 88);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, publisher_pid), 96);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, pub_state), 100);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, retired), 104);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, ctl_flags), 108);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, gen_changed_ns), 112);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_control, stats), 2 * MDBUS_CACHELINE);
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_stats), 256);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_stats, put_errors_seq), 120);
	/* futex words must be 4-byte aligned for the kernel */
	CU_ASSERT_EQUAL((MDBUS_CONTROL_OFF + OFF(mdbus_shm_control, gen_futex)) % 4, 0);
	CU_ASSERT_EQUAL((MDBUS_CONTROL_OFF + OFF(mdbus_shm_control, data_futex)) % 4, 0);
}

static void should_keep_table_entry_sizes(void)
{
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_symbol), 128);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_symbol, name), 32);
	CU_ASSERT_EQUAL(sizeof(((struct mdbus_shm_symbol *)0)->name), MDBUS_SYMBOL_NAME_MAX);
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_book), 64);
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_level), 16);
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_registry), 128);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_registry, sleepers), 64);
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_reader), 128);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_reader, records), 80);
}

static void should_fit_every_record_in_a_slot(void)
{
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_slot), 40);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_slot, stamp), 0);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_slot, gen), 8);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_slot, exch_ts_ns), 16);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_slot, recv_ts_ns), 24);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_slot, type), 32);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_slot, flags), 34);
	CU_ASSERT_EQUAL(OFF(mdbus_shm_slot, symbol), 36);
	CU_ASSERT_EQUAL(sizeof(struct mdbus_shm_slot) + MDBUS_PAYLOAD_MAX, MDBUS_SLOT_SIZE_MAX);
	CU_ASSERT_EQUAL(MDBUS_SLOT_SIZE_MIN % MDBUS_CACHELINE, 0);
	CU_ASSERT_EQUAL(MDBUS_SLOT_SIZE_MAX % MDBUS_CACHELINE, 0);
	CU_ASSERT_EQUAL(MDBUS_RAW_MAX, MDBUS_PAYLOAD_MAX - 4);
	CU_ASSERT(MDBUS_RAW_MAX >= 64); /* issue 2: at least 64 RAW bytes */
	CU_ASSERT_EQUAL(sizeof(struct mdbus_rec_raw), MDBUS_PAYLOAD_MAX);
	CU_ASSERT(sizeof(struct mdbus_rec_status) <= MDBUS_PAYLOAD_MAX);
	CU_ASSERT(sizeof(struct mdbus_rec_book) <= MDBUS_SLOT_SIZE_MIN - sizeof(struct mdbus_shm_slot));
	CU_ASSERT(sizeof(struct mdbus_rec_status) <= MDBUS_SLOT_SIZE_MIN - sizeof(struct mdbus_shm_slot));
	CU_ASSERT(sizeof(struct mdbus_rec_trade) <= MDBUS_PAYLOAD_MAX);
	CU_ASSERT(sizeof(struct mdbus_rec_ticker) <= MDBUS_PAYLOAD_MAX);
	CU_ASSERT(sizeof(struct mdbus_rec_ohlc) <= MDBUS_PAYLOAD_MAX);
	CU_ASSERT(sizeof(struct mdbus_rec_instrument) <= MDBUS_PAYLOAD_MAX);
	struct mdbus_record r;
	CU_ASSERT_EQUAL(sizeof r.u, MDBUS_PAYLOAD_MAX);
	/* the reader copies type, flags and symbol as one 8-byte word */
	CU_ASSERT_EQUAL(OFF(mdbus_record, flags), OFF(mdbus_record, type) + 2);
	CU_ASSERT_EQUAL(OFF(mdbus_record, symbol), OFF(mdbus_record, type) + 4);
	CU_ASSERT_EQUAL(OFF(mdbus_record, u) % 8, 0);
}

static void should_keep_limits_consistent(void)
{
	CU_ASSERT_EQUAL(MDBUS_FEED_NAME_MAX, 64);
	CU_ASSERT(MDBUS_SLOT_COUNT_MIN >= 2 && (MDBUS_SLOT_COUNT_MIN & (MDBUS_SLOT_COUNT_MIN - 1)) == 0);
	CU_ASSERT((MDBUS_SLOT_COUNT_MAX & (MDBUS_SLOT_COUNT_MAX - 1)) == 0);
	CU_ASSERT(MDBUS_BOOK_DEPTH_MAX >= 1000); /* Kraken's deepest book */
	CU_ASSERT_EQUAL(MDBUS_SYMBOL_NONE, UINT32_MAX);
	CU_ASSERT(MDBUS_E_FULL < MDBUS_E_BASE && MDBUS_E_NOTREADY < MDBUS_E_BASE);
	CU_ASSERT(MDBUS_E_BASE < -4095); /* below every errno */
}

/* A segment made by the writer is laid out as layout.h describes. */
static void should_lay_out_a_created_segment_as_described(void)
{
	char feed[MDBUS_FEED_NAME_MAX + 1];
	tu_feed_name(feed, "layout");
	struct mdbus_writer_opts o = { .slot_count = 64, .slot_size = 128, .symbol_capacity = 3,
				       .book_depth = 10, .mode = 0640 };
	mdbus_writer *w = NULL;
	CU_ASSERT_EQUAL_FATAL(mdbus_writer_open(&w, feed, &o), 0);
	char path[128];
	snprintf(path, sizeof path, "/dev/shm/mdbus.%s", feed);
	int fd = open(path, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	struct stat st;
	CU_ASSERT_FATAL(fstat(fd, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
	struct mdbus_shm_header h;
	CU_ASSERT_FATAL(pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h);
	close(fd);
	CU_ASSERT_EQUAL(h.magic, MDBUS_MAGIC);
	CU_ASSERT_EQUAL(h.layout_major, MDBUS_LAYOUT_MAJOR);
	CU_ASSERT_EQUAL(h.layout_minor, MDBUS_LAYOUT_MINOR);
	CU_ASSERT_EQUAL(h.header_size, sizeof h);
	CU_ASSERT_EQUAL(h.segment_size, (uint64_t)st.st_size);
	CU_ASSERT_EQUAL(h.slot_size, 128);
	CU_ASSERT_EQUAL(h.slot_count, 64);
	CU_ASSERT_EQUAL(h.symbol_capacity, 3);
	CU_ASSERT_EQUAL(h.book_depth, 10);
	CU_ASSERT_EQUAL(h.control_off, MDBUS_CONTROL_OFF);
	CU_ASSERT_EQUAL(h.symtab_off, MDBUS_SYMTAB_OFF);
	CU_ASSERT_EQUAL(h.symtab_entry_size, sizeof(struct mdbus_shm_symbol));
	/* book entry: header + bids[depth] + asks[depth], rounded to a cache line */
	uint32_t be = (uint32_t)(sizeof(struct mdbus_shm_book) + 2 * 10 * sizeof(struct mdbus_shm_level));
	be = (be + 63) & ~63u;
	CU_ASSERT_EQUAL(h.book_entry_size, be);
	CU_ASSERT_EQUAL(h.book_off % 4096, 0);
	CU_ASSERT_EQUAL(h.ring_off % 4096, 0);
	CU_ASSERT(h.book_off >= h.symtab_off + 3 * sizeof(struct mdbus_shm_symbol));
	CU_ASSERT(h.ring_off >= h.book_off + 3ull * h.book_entry_size);
	CU_ASSERT(h.segment_size >= h.ring_off + 64ull * 128);
	CU_ASSERT_EQUAL(h.creator_uid, geteuid());
	CU_ASSERT_STRING_EQUAL(h.feed, feed);
	for (size_t i = 0; i < sizeof h.reserved; i++)
		CU_ASSERT_EQUAL_FATAL(h.reserved[i], 0);
	mdbus_writer_close(w);
	CU_ASSERT_EQUAL(mdbus_feed_remove(feed), 0);
}

int main(void)
{
	tu_guard(60, "test_layout");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("layout", NULL, NULL);
	CU_add_test(s, "should_spell_magics_in_a_hex_dump", should_spell_magics_in_a_hex_dump);
	CU_add_test(s, "should_keep_header_offsets", should_keep_header_offsets);
	CU_add_test(s, "should_keep_control_lines_apart", should_keep_control_lines_apart);
	CU_add_test(s, "should_keep_table_entry_sizes", should_keep_table_entry_sizes);
	CU_add_test(s, "should_fit_every_record_in_a_slot", should_fit_every_record_in_a_slot);
	CU_add_test(s, "should_keep_limits_consistent", should_keep_limits_consistent);
	CU_add_test(s, "should_lay_out_a_created_segment_as_described",
		    should_lay_out_a_created_segment_as_described);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
