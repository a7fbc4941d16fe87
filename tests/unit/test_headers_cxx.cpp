/*
 * test_headers_cxx.cpp — the three public headers compile as C++17 with
 * -Wall -Wextra -Wpedantic -Werror, give C linkage to the API, and the layout
 * agrees between the C and C++ compilers (the same static asserts, seen from C++).
 * Linking and running it proves the extern "C" names resolve against libmdbus and
 * libmdbus_writer.
 */
#include <mdbus/layout.h>
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>
/* twice: the include guards hold */
#include <mdbus/layout.h>
#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <type_traits>

static_assert(std::is_standard_layout<mdbus_shm_header>::value, "header must be standard layout");
static_assert(std::is_trivially_copyable<mdbus_shm_control>::value, "control must be POD");
static_assert(std::is_trivially_copyable<mdbus_record>::value, "record must be POD");
static_assert(sizeof(mdbus_shm_header) == 256, "header size");
static_assert(sizeof(mdbus_shm_control) == 384, "control size");
static_assert(sizeof(mdbus_shm_slot) + MDBUS_PAYLOAD_MAX == MDBUS_SLOT_SIZE_MAX, "slot");
static_assert(offsetof(mdbus_record, u) % 8 == 0, "payload alignment");
static_assert(MDBUS_SYMTAB_OFF == 640, "symbol table offset");

int main()
{
	/* C linkage: these resolve only if the headers declare them extern "C". */
	const char *(*se)(int) = mdbus_strerror;
	int (*open_fn)(mdbus_sub **, const char *, int) = mdbus_sub_open;
	int (*wopen)(mdbus_writer **, const char *, const mdbus_writer_opts *) = mdbus_writer_open;
	(void)open_fn;
	(void)wopen;
	if (std::strcmp(se(0), "success") != 0) {
		std::printf("mdbus_strerror(0) = %s\n", se(0));
		return 1;
	}
	if (mdbus_feed_name_valid("abc") != 1 || mdbus_feed_name_valid("../x") != 0) {
		std::printf("mdbus_feed_name_valid disagrees from C++\n");
		return 1;
	}
	mdbus_shm_stats st{};
	MDBUS_STAT_ADD(&st, frames_seq, 3);
	if (st.frames_seq != 3) {
		std::printf("MDBUS_STAT_ADD from C++\n");
		return 1;
	}
	mdbus_record r{};
	r.type = MDBUS_REC_RAW;
	r.u.raw.len = MDBUS_RAW_MAX;
	std::printf("headers compile and link as C++ (record %zu bytes)\n", sizeof r);
	return 0;
}
