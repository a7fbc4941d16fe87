/*
 * mdbus/layout.h — the shared-memory ABI of an mdbus feed.  This header is the
 * specification: every byte of /dev/shm/mdbus.<feed> and /dev/shm/mdbus.<feed>.readers
 * is described here, and every offset and size is pinned with a static assert.
 *
 * Writers: exactly one publisher per feed (held by flock on /dev/shm/mdbus.<feed>.lock)
 * writes the data segment.  Readers map it PROT_READ.  The reader registry is the only
 * object readers write.
 *
 * Rules that keep the ABI stable: fixed-width integers at fixed offsets, no pointers,
 * no bool, no enums in memory, no packing pragmas; all multi-byte fields are in the
 * byte order of the machine (the magic reveals it: on a big-endian host the bytes read
 * backwards and the magic check fails).  A layout minor version only adds fields in
 * reserved space; a reader refuses any other major.
 *
 * Data segment /mdbus.<feed> (offsets in bytes; H = header, areas in this order):
 *
 *   0      +--------------------------------------------+
 *          | struct mdbus_shm_header       256 bytes    |  written once, magic last
 *   256    +--------------------------------------------+
 *          | struct mdbus_shm_control      384 bytes    |
 *          |   +0   cursor line     write_seq           |  hot: one writer store/record
 *          |   +64  state line      conn_gen, futexes,  |  written on transitions and
 *          |                        pid, epoch, beat    |  heartbeats
 *          |   +128 stats lines     32 x u64 counters   |
 *   640    +--------------------------------------------+
 *          | symbol table: symbol_capacity entries of   |  seqlock per entry
 *          | struct mdbus_shm_symbol (128 bytes)        |
 *  book_off+--------------------------------------------+  (4096-aligned)
 *          | book area: symbol_capacity entries of      |  seqlock per book
 *          | book_entry_size bytes: struct              |
 *          | mdbus_shm_book (64) + bids[depth] +        |
 *          | asks[depth] (struct mdbus_shm_level, 16)   |
 *  ring_off+--------------------------------------------+  (4096-aligned)
 *          | ring: slot_count slots of slot_size bytes  |  seqlock per slot
 *          |   struct mdbus_shm_slot (40) + payload     |
 *          +--------------------------------------------+ segment_size
 *
 * Slot seqlock: for sequence n the slot is (n & (slot_count - 1)).  Its stamp is
 * 0 (never written), 2n+1 (being written) or 2n+2 (complete).  A reader wanting n reads
 * the stamp (acquire), copies the record, issues an acquire fence, re-reads the stamp:
 * equal to 2n+2 → valid; below → not written yet; above → overwritten (lapped).
 *
 * Generation: conn_gen starts at 0 and moves by one on every connection transition:
 * odd = connected and subscribed, even = disconnected.  gen_futex holds its low 32 bits
 * and is FUTEX_WAKE'd on every change, so a waiter sleeps in the kernel and a late
 * waiter sees the change at once.
 *
 * Reader registry /mdbus.<feed>.readers: struct mdbus_shm_registry (128 bytes) followed
 * by reader_slots entries of struct mdbus_shm_reader (128 bytes).  A reader owns a slot
 * while it holds an open-file-description write lock (F_OFD_SETLK) on that slot's
 * byte range; the kernel drops the lock when the reader dies, which is how a dead
 * reader is told from a live one and how its slot is reclaimed.
 */
#ifndef MDBUS_LAYOUT_H
#define MDBUS_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__cplusplus)
#define MDBUS_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define MDBUS_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif

/* "MDBUSv1\n" as bytes in memory on a little-endian host: a hex dump shows the name. */
#define MDBUS_MAGIC          UINT64_C(0x0a3176535542444d)
/* "MDBUSrg\n": the reader registry. */
#define MDBUS_REG_MAGIC      UINT64_C(0x0a6772535542444d)
#define MDBUS_LAYOUT_MAJOR   1
#define MDBUS_LAYOUT_MINOR   0
/* The registry versions its own sleeper protocol.  2: readers bump sleep_epoch before
 * they sleep and the writer wakes once per new value.  A reader of protocol 1 would
 * never bump it and could sleep through data, so each side accepts only its own
 * major and treats another as no registry (bounded blind sleeps, see reader.c). */
#define MDBUS_REG_LAYOUT_MAJOR 2
#define MDBUS_REG_LAYOUT_MINOR 0

#define MDBUS_CACHELINE      64
#define MDBUS_FEED_NAME_MAX  64      /* [A-Za-z0-9_.-]{1,64} */
#define MDBUS_SYMBOL_NAME_MAX 48     /* including the terminating NUL */
#define MDBUS_READER_NAME_MAX 32     /* including the terminating NUL */

/* Geometry bounds that readers enforce before trusting a header. */
#define MDBUS_SLOT_SIZE_MIN      64u
#define MDBUS_SLOT_SIZE_MAX      128u
#define MDBUS_SLOT_COUNT_MIN     16u
#define MDBUS_SLOT_COUNT_MAX     (1u << 26)
#define MDBUS_SYMBOL_CAPACITY_MAX 4096u
#define MDBUS_BOOK_DEPTH_MAX     1000u

/* ---------------------------------------------------------------- header */

struct mdbus_shm_header {
	uint64_t magic;             /*   0 MDBUS_MAGIC; release-stored last, 0 = not ready */
	uint16_t layout_major;      /*   8 MDBUS_LAYOUT_MAJOR */
	uint16_t layout_minor;      /*  10 MDBUS_LAYOUT_MINOR */
	uint32_t header_size;       /*  12 bytes, sizeof(struct mdbus_shm_header) */
	uint64_t segment_size;      /*  16 bytes, whole object */
	uint32_t slot_size;         /*  24 bytes per ring slot, 64 or 128 */
	uint32_t slot_count;        /*  28 slots, a power of two */
	uint32_t symbol_capacity;   /*  32 entries in the symbol table and book area */
	uint32_t book_depth;        /*  36 levels per side kept for every book */
	uint64_t control_off;       /*  40 offset of struct mdbus_shm_control */
	uint64_t symtab_off;        /*  48 offset of the symbol table */
	uint32_t symtab_entry_size; /*  56 bytes, sizeof(struct mdbus_shm_symbol) */
	uint32_t book_entry_size;   /*  60 bytes per book, 64-aligned */
	uint64_t book_off;          /*  64 offset of the book area */
	uint64_t ring_off;          /*  72 offset of slot 0 */
	uint64_t created_ns;        /*  80 CLOCK_REALTIME at creation */
	uint32_t creator_uid;       /*  88 euid of the creating publisher */
	uint32_t stale_after_ms;    /*  92 heartbeat older than this = publisher stale */
	char     feed[72];          /*  96 feed name, NUL-terminated */
	uint8_t  reserved[88];      /* 168 zero; minors add fields here */
};                              /* 256 */

/* -------------------------------------------------------------- control */

/* Publisher state word values (mdbus_shm_control.pub_state). */
#define MDBUS_PUB_RUNNING 1u        /* a publisher holds the feed */
#define MDBUS_PUB_STOPPED 2u        /* the last publisher closed cleanly */

/* mdbus_shm_control.ctl_flags */
#define MDBUS_CTL_ASYM_FENCE 1u     /* writer registered for membarrier(GLOBAL_EXPEDITED):
                                       sleeping readers must issue it (see reader.c) */

/* Statistics, each written only by the publisher (relaxed stores), read by anyone.
 * Counters only grow while one segment lives; a re-created segment starts at zero. */
struct mdbus_shm_stats {
	uint64_t frames_seq;          /*   0 WebSocket messages received */
	uint64_t bytes_seq;           /*   8 payload bytes received */
	uint64_t parse_errors_seq;    /*  16 malformed JSON / ill-typed fields */
	uint64_t checksum_ok_seq;     /*  24 book messages whose CRC matched */
	uint64_t checksum_failed_seq; /*  32 book messages whose CRC did not match */
	uint64_t resyncs_seq;         /*  40 book resubscriptions after a mismatch */
	uint64_t reconnects_seq;      /*  48 connection attempts after the first */
	uint64_t drops_seq;           /*  56 frames dropped (oversized, unknown symbol) */
	uint64_t nonjson_seq;         /*  64 frames that were not JSON at all */
	uint64_t unknown_channel_seq; /*  72 well-formed frames for channels we do not know */
	uint64_t oversized_seq;       /*  80 frames over the reassembly bound */
	uint64_t rejected_subs_seq;   /*  88 subscriptions the exchange refused */
	uint64_t heartbeats_seq;      /*  96 exchange heartbeat frames */
	uint64_t watchdog_seq;        /* 104 reconnects forced by the stale watchdog */
	uint64_t handshake_fail_seq;  /* 112 connection attempts that failed */
	uint64_t put_errors_seq;      /* 120 records refused by the writer (too big, bad symbol) */
	uint64_t reserved[16];        /* 128 */
};                                /* 256 */

struct mdbus_shm_control {
	/* cursor line: the only per-record store outside the slot itself */
	uint64_t write_seq;         /*   0 next sequence to write; release-stored after the
	                                   slot stamp of write_seq - 1 is complete */
	uint8_t  pad_cursor[56];
	/* state line */
	uint64_t conn_gen;          /*  64 connection generation, odd = connected */
	uint32_t gen_futex;         /*  72 low 32 bits of conn_gen; FUTEX_WAKE on change */
	uint32_t data_futex;        /*  76 bumped + woken after a put when readers sleep */
	uint64_t epoch;             /*  80 publisher process starts on this feed */
	uint64_t heartbeat_ns;      /*  88 CLOCK_MONOTONIC of the last publisher heartbeat */
	uint32_t publisher_pid;     /*  96 pid of the last publisher */
	uint32_t pub_state;         /* 100 MDBUS_PUB_* */
	uint32_t retired;           /* 104 1 = superseded: follow the feed name */
	uint32_t ctl_flags;         /* 108 MDBUS_CTL_* */
	uint64_t gen_changed_ns;    /* 112 CLOCK_REALTIME of the last generation change */
	uint64_t pad_state;         /* 120 */
	struct mdbus_shm_stats stats; /* 128 */
};                              /* 384 */

/* --------------------------------------------------------- symbol table */

#define MDBUS_SYM_UNUSED   0u
#define MDBUS_SYM_ONLINE   1u       /* trading normally */
#define MDBUS_SYM_HALTED   2u       /* exchange reports it not tradable */
#define MDBUS_SYM_REJECTED 3u       /* the exchange refused our subscription */
#define MDBUS_SYM_PENDING  4u       /* configured, precision not known yet */

struct mdbus_shm_symbol {
	uint64_t stamp;             /*   0 seqlock: odd while being written */
	uint32_t id;                /*   8 index in the table, == record.symbol */
	uint32_t status;            /*  12 MDBUS_SYM_* */
	int32_t  price_precision;   /*  16 decimals of price mantissas */
	int32_t  qty_precision;     /*  20 decimals of quantity mantissas */
	uint32_t book_depth;        /*  24 subscribed depth, <= header.book_depth */
	uint32_t flags;             /*  28 reserved, 0 */
	char     name[MDBUS_SYMBOL_NAME_MAX]; /* 32 e.g. "BTC/USD", NUL-terminated */
	uint8_t  reserved[48];      /*  80 */
};                              /* 128 */

/* ------------------------------------------------------------ book area */

#define MDBUS_BOOK_EMPTY   0u       /* nothing received in this generation */
#define MDBUS_BOOK_VALID   1u       /* last message's checksum matched */
#define MDBUS_BOOK_INVALID 2u       /* checksum mismatch; a resync is pending */

struct mdbus_shm_level {
	int64_t price;              /* mantissa at the symbol's price_precision */
	int64_t qty;                /* mantissa at the symbol's qty_precision */
};

struct mdbus_shm_book {
	uint64_t stamp;             /*   0 seqlock: odd while being written */
	uint64_t gen;               /*   8 generation this book belongs to */
	uint64_t seq;               /*  16 ring sequence of the last record that changed it */
	int64_t  exch_ts_ns;        /*  24 exchange timestamp of the last message */
	uint32_t checksum;          /*  32 exchange CRC-32 of the last message */
	uint32_t state;             /*  36 MDBUS_BOOK_* */
	uint32_t n_bids;            /*  40 <= header.book_depth */
	uint32_t n_asks;            /*  44 <= header.book_depth */
	int32_t  price_precision;   /*  48 */
	int32_t  qty_precision;     /*  52 */
	uint64_t updates;           /*  56 messages applied in this generation */
	/* 64: struct mdbus_shm_level bids[book_depth] (best first, price descending),
	 *     then asks[book_depth] (best first, price ascending) */
};                              /* 64 */

/* ----------------------------------------------------------------- ring */

/* Record types (mdbus_shm_slot.type, mdbus_record.type). */
#define MDBUS_REC_RAW        1u     /* opaque bytes: tests, benchmarks, other venues */
#define MDBUS_REC_STATUS     2u     /* connection transition (generation change) */
#define MDBUS_REC_BOOK       3u     /* one L2 level change */
#define MDBUS_REC_TRADE      4u
#define MDBUS_REC_TICKER     5u
#define MDBUS_REC_OHLC       6u
#define MDBUS_REC_INSTRUMENT 7u     /* symbol added or its precision/status changed */

/* Record flags (mdbus_shm_slot.flags). */
#define MDBUS_F_SNAPSHOT     0x0001u /* part of a snapshot, not an update */
#define MDBUS_F_SNAP_BEGIN   0x0002u /* first level of a snapshot: discard the book */
#define MDBUS_F_SNAP_END     0x0004u /* last level of a snapshot */
#define MDBUS_F_MSG_END      0x0008u /* last record of one exchange message */
#define MDBUS_F_CHECKSUM_OK  0x0010u /* with MSG_END: book verified after this message */
#define MDBUS_F_CHECKSUM_BAD 0x0020u /* with MSG_END: checksum mismatch, book invalid */
#define MDBUS_F_INEXACT      0x0040u /* a value was rounded to the symbol's precision */

#define MDBUS_SIDE_BID 0u
#define MDBUS_SIDE_ASK 1u

/* STATUS reasons (mdbus_rec_status.reason). */
#define MDBUS_STATUS_CONNECTED        1u
#define MDBUS_STATUS_DISCONNECTED     2u
#define MDBUS_STATUS_PUBLISHER_START  3u /* a new publisher found its predecessor
                                            dead while connected */
#define MDBUS_STATUS_PUBLISHER_STOP   4u /* clean shutdown */

#define MDBUS_PAYLOAD_MAX 88u      /* payload bytes in a 128-byte slot */
#define MDBUS_RAW_MAX     84u      /* RAW data bytes in a 128-byte slot */

struct mdbus_rec_raw {
	uint32_t len;               /* bytes used in data, <= slot payload - 4 */
	uint8_t  data[MDBUS_RAW_MAX];
};

struct mdbus_rec_status {
	uint64_t gen;               /* the new generation */
	uint64_t epoch;             /* publisher epoch that wrote it */
	uint32_t connected;         /* 1 = connected (gen odd) */
	uint32_t reason;            /* MDBUS_STATUS_* */
};

struct mdbus_rec_book {
	int64_t  price;             /* mantissa at the symbol's price precision */
	int64_t  qty;               /* mantissa at qty precision; 0 = level removed */
	uint32_t side;              /* MDBUS_SIDE_* */
	uint32_t checksum;          /* with MSG_END: the exchange's CRC for this message */
};

struct mdbus_rec_trade {
	int64_t  price;
	int64_t  qty;
	uint64_t trade_id;
	uint32_t side;              /* MDBUS_SIDE_BID = buy (taker), MDBUS_SIDE_ASK = sell */
	uint32_t ord_type;          /* 1 limit, 2 market, 0 unknown */
};

struct mdbus_rec_ticker {
	int64_t  bid, bid_qty, ask, ask_qty, last;
	int64_t  volume;            /* qty precision */
	int64_t  vwap, low, high, change; /* price precision */
	int32_t  change_pct_e2;     /* percent x 100 */
	uint32_t reserved;
};

struct mdbus_rec_ohlc {
	int64_t  open, high, low, close, vwap; /* price precision */
	int64_t  volume;            /* qty precision */
	int64_t  interval_begin_ns; /* CLOCK_REALTIME ns */
	uint64_t trades;
	uint32_t interval_min;
	uint32_t reserved;
};

struct mdbus_rec_instrument {
	int32_t  price_precision;
	int32_t  qty_precision;
	uint32_t status;            /* MDBUS_SYM_* */
	uint32_t reserved;
	char     name[MDBUS_SYMBOL_NAME_MAX];
};

struct mdbus_shm_slot {
	uint64_t stamp;             /*  0 seqlock: 0 never, 2n+1 writing n, 2n+2 holds n */
	uint64_t gen;               /*  8 conn_gen when the record was produced */
	int64_t  exch_ts_ns;        /* 16 exchange timestamp (0 if none) */
	int64_t  recv_ts_ns;        /* 24 publisher receive time, CLOCK_REALTIME */
	uint16_t type;              /* 32 MDBUS_REC_* */
	uint16_t flags;             /* 34 MDBUS_F_* */
	uint32_t symbol;            /* 36 symbol id, or UINT32_MAX for none */
	/* 40: payload, slot_size - 40 bytes */
};

#define MDBUS_SYMBOL_NONE UINT32_MAX

/* ------------------------------------------------------ reader registry */

#define MDBUS_REG_SLOTS_DEFAULT 256u
#define MDBUS_REG_SLOTS_MAX     4096u

struct mdbus_shm_registry {
	uint64_t magic;             /*   0 MDBUS_REG_MAGIC, release-stored last */
	uint16_t layout_major;      /*   8 */
	uint16_t layout_minor;      /*  10 */
	uint32_t header_size;       /*  12 sizeof(struct mdbus_shm_registry) */
	uint32_t reader_slots;      /*  16 entries that follow */
	uint32_t reader_size;       /*  20 sizeof(struct mdbus_shm_reader) */
	uint64_t created_ns;        /*  24 */
	uint8_t  pad0[32];          /*  32 */
	uint32_t sleepers;          /*  64 readers inside a futex wait on data_futex (for
	                                   inspection and reaping; put() does not read it) */
	uint32_t sleep_epoch;       /*  68 bumped by every reader about to sleep; the writer
	                                   wakes data_futex once per value it has not seen */
	uint32_t writer_fenced;     /*  72 1 while every put() issues a StoreLoad fence before
	                                   it loads sleep_epoch: sleepers need no membarrier */
	uint8_t  pad1[52];          /*  76 */
};                              /* 128 */

struct mdbus_shm_reader {
	uint32_t in_use;            /*   0 1 while claimed (liveness is the OFD lock) */
	uint32_t pid;               /*   4 */
	uint64_t position;          /*   8 next sequence this reader will read (position,
	                                   lost, records: updated every 64 records while a
	                                   backlog is read, exactly whenever it runs dry) */
	uint64_t lost;              /*  16 records lost to lapping since open */
	uint64_t last_active_ns;    /*  24 CLOCK_MONOTONIC of the last read or wait */
	uint64_t opened_ns;         /*  32 CLOCK_REALTIME of the open */
	uint32_t sleeping;          /*  40 1 while counted in registry.sleepers */
	uint32_t flags;             /*  44 reserved */
	char     name[MDBUS_READER_NAME_MAX]; /* 48 */
	uint64_t records;           /*  80 records delivered since open */
	uint8_t  reserved[40];      /*  88 */
};                              /* 128 */

/* ------------------------------------------------------- pinned layout */

#define MDBUS_ASSERT_OFF(T, f, o) \
	MDBUS_STATIC_ASSERT(offsetof(struct T, f) == (o), #T "." #f " moved")
#define MDBUS_ASSERT_SIZE(T, s) \
	MDBUS_STATIC_ASSERT(sizeof(struct T) == (s), #T " changed size")

MDBUS_ASSERT_OFF(mdbus_shm_header, magic, 0);
MDBUS_ASSERT_OFF(mdbus_shm_header, layout_major, 8);
MDBUS_ASSERT_OFF(mdbus_shm_header, layout_minor, 10);
MDBUS_ASSERT_OFF(mdbus_shm_header, header_size, 12);
MDBUS_ASSERT_OFF(mdbus_shm_header, segment_size, 16);
MDBUS_ASSERT_OFF(mdbus_shm_header, slot_size, 24);
MDBUS_ASSERT_OFF(mdbus_shm_header, slot_count, 28);
MDBUS_ASSERT_OFF(mdbus_shm_header, symbol_capacity, 32);
MDBUS_ASSERT_OFF(mdbus_shm_header, book_depth, 36);
MDBUS_ASSERT_OFF(mdbus_shm_header, control_off, 40);
MDBUS_ASSERT_OFF(mdbus_shm_header, symtab_off, 48);
MDBUS_ASSERT_OFF(mdbus_shm_header, symtab_entry_size, 56);
MDBUS_ASSERT_OFF(mdbus_shm_header, book_entry_size, 60);
MDBUS_ASSERT_OFF(mdbus_shm_header, book_off, 64);
MDBUS_ASSERT_OFF(mdbus_shm_header, ring_off, 72);
MDBUS_ASSERT_OFF(mdbus_shm_header, created_ns, 80);
MDBUS_ASSERT_OFF(mdbus_shm_header, creator_uid, 88);
MDBUS_ASSERT_OFF(mdbus_shm_header, stale_after_ms, 92);
MDBUS_ASSERT_OFF(mdbus_shm_header, feed, 96);
MDBUS_ASSERT_OFF(mdbus_shm_header, reserved, 168);
MDBUS_ASSERT_SIZE(mdbus_shm_header, 256);

MDBUS_ASSERT_OFF(mdbus_shm_stats, frames_seq, 0);
MDBUS_ASSERT_OFF(mdbus_shm_stats, checksum_failed_seq, 32);
MDBUS_ASSERT_OFF(mdbus_shm_stats, put_errors_seq, 120);
MDBUS_ASSERT_SIZE(mdbus_shm_stats, 256);

MDBUS_ASSERT_OFF(mdbus_shm_control, write_seq, 0);
MDBUS_ASSERT_OFF(mdbus_shm_control, conn_gen, 64);
MDBUS_ASSERT_OFF(mdbus_shm_control, gen_futex, 72);
MDBUS_ASSERT_OFF(mdbus_shm_control, data_futex, 76);
MDBUS_ASSERT_OFF(mdbus_shm_control, epoch, 80);
MDBUS_ASSERT_OFF(mdbus_shm_control, heartbeat_ns, 88);
MDBUS_ASSERT_OFF(mdbus_shm_control, publisher_pid, 96);
MDBUS_ASSERT_OFF(mdbus_shm_control, pub_state, 100);
MDBUS_ASSERT_OFF(mdbus_shm_control, retired, 104);
MDBUS_ASSERT_OFF(mdbus_shm_control, ctl_flags, 108);
MDBUS_ASSERT_OFF(mdbus_shm_control, gen_changed_ns, 112);
MDBUS_ASSERT_OFF(mdbus_shm_control, stats, 128);
MDBUS_ASSERT_SIZE(mdbus_shm_control, 384);

MDBUS_ASSERT_OFF(mdbus_shm_symbol, stamp, 0);
MDBUS_ASSERT_OFF(mdbus_shm_symbol, id, 8);
MDBUS_ASSERT_OFF(mdbus_shm_symbol, status, 12);
MDBUS_ASSERT_OFF(mdbus_shm_symbol, price_precision, 16);
MDBUS_ASSERT_OFF(mdbus_shm_symbol, qty_precision, 20);
MDBUS_ASSERT_OFF(mdbus_shm_symbol, book_depth, 24);
MDBUS_ASSERT_OFF(mdbus_shm_symbol, name, 32);
MDBUS_ASSERT_SIZE(mdbus_shm_symbol, 128);

MDBUS_ASSERT_SIZE(mdbus_shm_level, 16);
MDBUS_ASSERT_OFF(mdbus_shm_book, stamp, 0);
MDBUS_ASSERT_OFF(mdbus_shm_book, gen, 8);
MDBUS_ASSERT_OFF(mdbus_shm_book, seq, 16);
MDBUS_ASSERT_OFF(mdbus_shm_book, exch_ts_ns, 24);
MDBUS_ASSERT_OFF(mdbus_shm_book, checksum, 32);
MDBUS_ASSERT_OFF(mdbus_shm_book, state, 36);
MDBUS_ASSERT_OFF(mdbus_shm_book, n_bids, 40);
MDBUS_ASSERT_OFF(mdbus_shm_book, n_asks, 44);
MDBUS_ASSERT_OFF(mdbus_shm_book, price_precision, 48);
MDBUS_ASSERT_OFF(mdbus_shm_book, qty_precision, 52);
MDBUS_ASSERT_OFF(mdbus_shm_book, updates, 56);
MDBUS_ASSERT_SIZE(mdbus_shm_book, 64);

MDBUS_ASSERT_OFF(mdbus_shm_slot, stamp, 0);
MDBUS_ASSERT_OFF(mdbus_shm_slot, gen, 8);
MDBUS_ASSERT_OFF(mdbus_shm_slot, exch_ts_ns, 16);
MDBUS_ASSERT_OFF(mdbus_shm_slot, recv_ts_ns, 24);
MDBUS_ASSERT_OFF(mdbus_shm_slot, type, 32);
MDBUS_ASSERT_OFF(mdbus_shm_slot, flags, 34);
MDBUS_ASSERT_OFF(mdbus_shm_slot, symbol, 36);
MDBUS_ASSERT_SIZE(mdbus_shm_slot, 40);
MDBUS_STATIC_ASSERT(sizeof(struct mdbus_shm_slot) + MDBUS_PAYLOAD_MAX == MDBUS_SLOT_SIZE_MAX,
		    "payload must fill a 128-byte slot exactly");

MDBUS_ASSERT_SIZE(mdbus_rec_raw, 88);
MDBUS_ASSERT_SIZE(mdbus_rec_status, 24);
MDBUS_ASSERT_SIZE(mdbus_rec_book, 24);
MDBUS_ASSERT_SIZE(mdbus_rec_trade, 32);
MDBUS_ASSERT_SIZE(mdbus_rec_ticker, 88);
MDBUS_ASSERT_SIZE(mdbus_rec_ohlc, 72);
MDBUS_ASSERT_SIZE(mdbus_rec_instrument, 64);

MDBUS_ASSERT_OFF(mdbus_shm_registry, magic, 0);
MDBUS_ASSERT_OFF(mdbus_shm_registry, reader_slots, 16);
MDBUS_ASSERT_OFF(mdbus_shm_registry, reader_size, 20);
MDBUS_ASSERT_OFF(mdbus_shm_registry, sleepers, 64);
MDBUS_ASSERT_OFF(mdbus_shm_registry, sleep_epoch, 68);
MDBUS_ASSERT_OFF(mdbus_shm_registry, writer_fenced, 72);
MDBUS_ASSERT_SIZE(mdbus_shm_registry, 128);

MDBUS_ASSERT_OFF(mdbus_shm_reader, in_use, 0);
MDBUS_ASSERT_OFF(mdbus_shm_reader, pid, 4);
MDBUS_ASSERT_OFF(mdbus_shm_reader, position, 8);
MDBUS_ASSERT_OFF(mdbus_shm_reader, lost, 16);
MDBUS_ASSERT_OFF(mdbus_shm_reader, last_active_ns, 24);
MDBUS_ASSERT_OFF(mdbus_shm_reader, opened_ns, 32);
MDBUS_ASSERT_OFF(mdbus_shm_reader, sleeping, 40);
MDBUS_ASSERT_OFF(mdbus_shm_reader, name, 48);
MDBUS_ASSERT_OFF(mdbus_shm_reader, records, 80);
MDBUS_ASSERT_SIZE(mdbus_shm_reader, 128);

/* Fixed offsets of the first areas; book_off and ring_off depend on geometry. */
#define MDBUS_CONTROL_OFF ((uint64_t)sizeof(struct mdbus_shm_header))
#define MDBUS_SYMTAB_OFF  (MDBUS_CONTROL_OFF + (uint64_t)sizeof(struct mdbus_shm_control))
MDBUS_STATIC_ASSERT(MDBUS_SYMTAB_OFF == 640, "symbol table moved");

#ifdef __cplusplus
}
#endif
#endif /* MDBUS_LAYOUT_H */
