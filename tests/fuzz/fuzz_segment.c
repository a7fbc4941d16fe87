/*
 * fuzz_segment.c — the subscriber library against hostile shared memory.
 *
 * A real writer builds a small valid feed once (16 slots that have lapped, a
 * symbol, a published book, a reader registry); its bytes are the template.  Each
 * input patches the template and writes it as a real /dev/shm object, then drives
 * the whole reader API over it: mdbus_sub_open, mdbus_sub_next, _status, _info,
 * _wait_gen, _seek, _symbol, _symbol_info, _book, mdbus_readers_list.  Some patches
 * are applied only after the open, through the object the reader has mapped, so
 * the reader must not trust header fields it validated once (it copies geometry).
 *
 * Input: byte 0 flags, byte 1 a size parameter, then patches of
 *   [off_hi][off_lo][len][len bytes]: off bit 15 = the registry object instead of
 *   the data segment, bit 14 = apply after the open; the offset (mod the object's
 *   size) and len (<= 32) say where the bytes go.
 *
 * Properties: no crash, no out-of-bounds access (ASan), every return code is a
 * defined one (mdbus_strerror knows it), delivered records have in-range lengths
 * and strictly increasing sequence numbers, books and symbols are within the
 * geometry, and the unpatched template opens cleanly.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define F_FROM_OLDEST 0x01
#define F_REGISTRY    0x02
#define F_OWNER       0x04
#define F_WAIT        0x08
#define F_SIZE_SHIFT  4      /* bits 4-5: size mode */
#define F_REG_SIZE    0x40
#define F_SPIN        0x80

static uint8_t *g_tpl, *g_img;
static size_t g_tpl_size;
static uint8_t g_reg_tpl[sizeof(struct mdbus_shm_registry) + 4 * sizeof(struct mdbus_shm_reader)];
static uint8_t g_reg_img[sizeof g_reg_tpl];
static char g_feed[MDBUS_FEED_NAME_MAX + 1];
static char g_name[128], g_reg_name[128];

static void cleanup(void)
{
	if (g_name[0])
		shm_unlink(g_name);
	if (g_reg_name[0])
		shm_unlink(g_reg_name);
	char lock[160];
	snprintf(lock, sizeof lock, "/mdbus.%s.lock", g_feed);
	shm_unlink(lock);
}

static int read_object(const char *name, uint8_t *buf, size_t cap, size_t *size)
{
	int fd = shm_open(name, O_RDONLY, 0);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > cap) {
		close(fd);
		return -1;
	}
	*size = (size_t)st.st_size;
	ssize_t n = pread(fd, buf, *size, 0);
	close(fd);
	return n == (ssize_t)*size ? 0 : -1;
}

static void put_raw(mdbus_writer *w, uint32_t len)
{
	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_RAW;
	r.symbol = MDBUS_SYMBOL_NONE;
	r.u.raw.len = len;
	memset(r.u.raw.data, 0xAB, len);
	if (mdbus_writer_put(w, &r) < 0)
		abort();
}

/* Build the template feed with the real writer, keep its bytes, remove it. */
static void make_template(void)
{
	char tpl_feed[MDBUS_FEED_NAME_MAX + 1];
	snprintf(tpl_feed, sizeof tpl_feed, "fz-tpl-%d", (int)getpid());
	snprintf(g_feed, sizeof g_feed, "fz-seg-%d", (int)getpid());
	snprintf(g_name, sizeof g_name, "/mdbus.%s", g_feed);
	snprintf(g_reg_name, sizeof g_reg_name, "/mdbus.%s.readers", g_feed);
	mdbus_feed_remove(tpl_feed);
	struct mdbus_writer_opts o = { .slot_count = 16, .slot_size = 128, .symbol_capacity = 4,
				       .book_depth = 10, .reader_slots = 4 };
	mdbus_writer *w;
	int rc = mdbus_writer_open(&w, tpl_feed, &o);
	if (rc < 0) {
		fprintf(stderr, "fuzz_segment: cannot build the template: %s\n", mdbus_strerror(rc));
		abort();
	}
	int id = mdbus_writer_symbol_add(w, "BTC/USD");
	if (id < 0 || mdbus_writer_symbol_set(w, (uint32_t)id, "BTC/USD", 1, 8, MDBUS_SYM_ONLINE, 10) < 0)
		abort();
	mdbus_writer_set_connected(w, 1);
	static struct mdbus_book b;
	memset(&b, 0, sizeof b);
	b.state = MDBUS_BOOK_VALID;
	b.price_precision = 1;
	b.qty_precision = 8;
	b.n_bids = b.n_asks = 3;
	for (int i = 0; i < 3; i++) {
		b.bids[i] = (struct mdbus_level){ 100 - i, 5 };
		b.asks[i] = (struct mdbus_level){ 101 + i, 7 };
	}
	mdbus_writer_book_publish(w, (uint32_t)id, &b);
	for (uint32_t i = 0; i < 20; i++) /* more than a lap of 16 slots */
		put_raw(w, (i * 7) % (mdbus_writer_raw_max(w) + 1));
	struct mdbus_record r;
	memset(&r, 0, sizeof r);
	r.type = MDBUS_REC_BOOK;
	r.symbol = (uint32_t)id;
	r.flags = MDBUS_F_MSG_END | MDBUS_F_CHECKSUM_OK;
	r.u.book.price = 100;
	r.u.book.qty = 5;
	mdbus_writer_put(w, &r);
	mdbus_writer_set_connected(w, 0);
	mdbus_writer_set_connected(w, 1);

	char name[128], reg[128];
	snprintf(name, sizeof name, "/mdbus.%s", tpl_feed);
	snprintf(reg, sizeof reg, "/mdbus.%s.readers", tpl_feed);
	g_tpl = malloc(1 << 20);
	size_t reg_size = 0;
	if (!g_tpl || read_object(name, g_tpl, 1 << 20, &g_tpl_size) < 0 ||
	    read_object(reg, g_reg_tpl, sizeof g_reg_tpl, &reg_size) < 0 || reg_size != sizeof g_reg_tpl)
		abort();
	mdbus_writer_close(w);
	mdbus_feed_remove(tpl_feed);
	g_img = malloc(g_tpl_size + 4096);
	if (!g_img)
		abort();
	atexit(cleanup);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	make_template();
	return 0;
}

static int defined_code(int rc)
{
	return strcmp(mdbus_strerror(rc), "unknown error") != 0 &&
	       ((rc <= MDBUS_E_NOTREADY && rc >= MDBUS_E_FULL) || (rc < 0 && rc > -4096));
}

/* Write img (the first n bytes of which are meaningful) as an object of `size` bytes. */
static int write_object(const char *name, const uint8_t *img, size_t n, size_t size)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	if (ftruncate(fd, (off_t)size) < 0)
		abort();
	size_t k = n < size ? n : size;
	if (k && pwrite(fd, img, k, 0) != (ssize_t)k)
		abort();
	return fd;
}

/* Apply the patches of one phase to the in-memory images; returns how many. */
static int apply_patches(const uint8_t *data, size_t size, int phase, uint8_t *seg, size_t seg_size,
			 uint8_t *reg, size_t reg_size, int seg_fd, int reg_fd)
{
	int count = 0;
	for (size_t i = 2; i + 3 <= size;) {
		unsigned off = (unsigned)data[i] << 8 | data[i + 1];
		size_t len = data[i + 2] % 33;
		i += 3;
		if (len > size - i)
			len = size - i;
		const uint8_t *bytes = data + i;
		i += len;
		if (((off >> 14) & 1) != (unsigned)phase || len == 0)
			continue;
		int to_reg = (off >> 15) & 1;
		uint8_t *img = to_reg ? reg : seg;
		size_t isz = to_reg ? reg_size : seg_size;
		if (isz == 0)
			continue;
		size_t at = (off & 0x3FFF) % isz;
		if (len > isz - at)
			len = isz - at;
		memcpy(img + at, bytes, len);
		if (phase == 1) {
			int fd = to_reg ? reg_fd : seg_fd;
			if (fd >= 0 && pwrite(fd, bytes, len, (off_t)at) != (ssize_t)len)
				abort();
		}
		count++;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!g_tpl)
		make_template();
	uint8_t flags = size > 0 ? data[0] : 0;
	uint8_t param = size > 1 ? data[1] : 0;

	size_t seg_size = g_tpl_size;
	switch ((flags >> F_SIZE_SHIFT) & 3) {
	case 1: seg_size = g_tpl_size - 4096u * (param % 3u); break;
	case 2: seg_size = g_tpl_size + (size_t)param * 8u; break;
	case 3: seg_size = (size_t)param * 16u; break;
	default: break;
	}
	size_t reg_size = (flags & F_REG_SIZE) ? (size_t)param * 8u % (sizeof g_reg_tpl + 1) : sizeof g_reg_tpl;
	memset(g_img, 0, g_tpl_size + 4096);
	memcpy(g_img, g_tpl, g_tpl_size);
	memcpy(g_reg_img, g_reg_tpl, sizeof g_reg_tpl);
	int patches = apply_patches(data, size, 0, g_img, seg_size, g_reg_img, reg_size, -1, -1);

	int seg_fd = write_object(g_name, g_img, seg_size, seg_size);
	int reg_fd = -1;
	if (flags & F_REGISTRY)
		reg_fd = write_object(g_reg_name, g_reg_img, reg_size, reg_size);
	else
		shm_unlink(g_reg_name);

	int oflags = MDBUS_SUB_NO_REGISTRY;
	if (flags & F_FROM_OLDEST)
		oflags |= MDBUS_SUB_FROM_OLDEST;
	if (flags & F_REGISTRY)
		oflags &= ~MDBUS_SUB_NO_REGISTRY;
	if (flags & F_OWNER)
		oflags |= MDBUS_SUB_REQUIRE_OWNER;
	if (flags & F_SPIN)
		oflags |= MDBUS_SUB_WAIT_SPIN;

	mdbus_sub *s = NULL;
	int rc = mdbus_sub_open(&s, g_feed, oflags);
	if (patches == 0 && seg_size == g_tpl_size)
		FZ_CHECK(rc == 0, "the untouched template does not open: %d (%s)", rc, mdbus_strerror(rc));
	if (rc < 0) {
		FZ_CHECK(defined_code(rc) && s == NULL, "open returned %d (%s)", rc, mdbus_strerror(rc));
		goto out;
	}
	apply_patches(data, size, 1, g_img, seg_size, g_reg_img, reg_size, seg_fd, reg_fd);

	struct mdbus_info info;
	FZ_CHECK(mdbus_sub_info(s, &info) == 0, "info");
	FZ_CHECK(info.feed[MDBUS_FEED_NAME_MAX] == '\0', "feed name not terminated");
	FZ_CHECK(info.slot_size == 64 || info.slot_size == 128, "slot size %u", info.slot_size);
	FZ_CHECK(info.book_depth >= 1 && info.book_depth <= MDBUS_BOOK_DEPTH_MAX, "depth %u", info.book_depth);
	uint32_t raw_cap = info.slot_size - (uint32_t)sizeof(struct mdbus_shm_slot) - 4;

	struct mdbus_record r;
	uint64_t last = 0;
	int have = 0;
	for (int i = 0; i < 48; i++) {
		int timeout = (flags == 0xFF && i == 0) ? 1 : 0;
		rc = mdbus_sub_next(s, &r, timeout);
		FZ_CHECK(rc == 0 || rc == 1 || defined_code(rc), "next returned %d", rc);
		if (rc == 1) {
			FZ_CHECK(r.type != MDBUS_REC_RAW || r.u.raw.len <= raw_cap, "RAW len %u over %u", r.u.raw.len,
				 raw_cap);
			FZ_CHECK(!have || r.seq > last, "sequence %llu after %llu", (unsigned long long)r.seq,
				 (unsigned long long)last);
			last = r.seq;
			have = 1;
		}
		if (rc == 0)
			break;
	}
	struct mdbus_status st;
	FZ_CHECK(mdbus_sub_status(s, &st) == 0, "status");
	FZ_CHECK(st.connected == (int)(st.generation & 1), "connected flag");
	uint64_t now_gen = 0;
	rc = mdbus_sub_wait_gen(s, st.generation, (flags & F_WAIT) && flags == 0xFF ? 1 : 0, &now_gen);
	FZ_CHECK(rc == 0 || rc == 1 || defined_code(rc), "wait_gen returned %d", rc);
	if (st.write_seq >= 3) {
		FZ_CHECK(mdbus_sub_seek(s, st.write_seq - 3) == 0, "seek behind the cursor refused");
		for (int i = 0; i < 4; i++) {
			rc = mdbus_sub_next(s, &r, 0);
			FZ_CHECK(rc == 0 || rc == 1 || defined_code(rc), "next after seek returned %d", rc);
			if (rc == 1)
				FZ_CHECK(r.type != MDBUS_REC_RAW || r.u.raw.len <= raw_cap, "RAW len %u", r.u.raw.len);
		}
	}
	FZ_CHECK(mdbus_sub_seek(s, UINT64_MAX) == MDBUS_E_INVAL || st.write_seq == UINT64_MAX, "seek past cursor");

	uint32_t id = 0;
	rc = mdbus_sub_symbol(s, "BTC/USD", &id);
	FZ_CHECK(rc == 0 ? id < info.symbol_capacity : defined_code(rc), "symbol lookup %d", rc);
	static struct mdbus_book b;
	const uint32_t ids[] = { 0, 1, info.symbol_capacity - 1, info.symbol_capacity, UINT32_MAX, id };
	for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
		struct mdbus_symbol si;
		rc = mdbus_sub_symbol_info(s, ids[k], &si);
		FZ_CHECK(rc == 0 || defined_code(rc), "symbol_info %d", rc);
		if (rc == 0)
			FZ_CHECK(ids[k] < info.symbol_capacity && si.price_precision >= 0 && si.price_precision <= 18 &&
				 si.qty_precision >= 0 && si.qty_precision <= 18 && si.book_depth <= info.book_depth &&
				 memchr(si.name, 0, sizeof si.name), "symbol %u out of bounds", ids[k]);
		rc = mdbus_sub_book(s, ids[k], &b);
		FZ_CHECK(rc == 0 || defined_code(rc), "book %d", rc);
		if (rc == 0)
			FZ_CHECK(ids[k] < info.symbol_capacity && b.n_bids <= info.book_depth && b.n_asks <= info.book_depth,
				 "book %u: %u/%u levels at depth %u", ids[k], b.n_bids, b.n_asks, info.book_depth);
	}
	if (flags & F_REGISTRY) {
		struct mdbus_reader_info ri[8];
		rc = mdbus_readers_list(g_feed, ri, 8);
		FZ_CHECK(rc >= 0 || defined_code(rc), "readers_list %d", rc);
		for (int k = 0; k < rc && k < 8; k++)
			FZ_CHECK(memchr(ri[k].name, 0, sizeof ri[k].name) != NULL, "reader name not terminated");
	}
	mdbus_sub_close(s);
out:
	close(seg_fd);
	if (reg_fd >= 0)
		close(reg_fd);
	return 0;
}
