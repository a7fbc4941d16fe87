/*
 * bench.h — what the parts of mdbus-bench share (private).
 *
 * Structure: main.c parses the command line and runs every selected mode once per
 * repetition, interleaved (floor, ring, zmq, iceoryx, e2e, then again), so slow and
 * fast phases of a shared machine hit every mode alike.  Each mode stores one value
 * per repetition per metric (metrics.c); the tables and the JSON document show the
 * median, minimum and maximum over the repetitions.  Every run in which readers
 * received records also files a check (written, and per reader read / lost /
 * corrupt) that the smoke test verifies.
 *
 * Transports (mdbus, a bare reference seqlock ring, ZeroMQ, iceoryx) plug into one
 * harness (harness.c): a writer process and N reader processes, forked, pinned, and
 * fed the same self-checking payload (payload.h).
 */
#ifndef BENCH_H
#define BENCH_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"

#define BENCH_PROG       "mdbus-bench"
#define BENCH_MAX_REPS   101
#define BENCH_MAX_READERS 64
#define BENCH_MAX_CPUS   256

enum { WAIT_SPIN, WAIT_DEFAULT, WAIT_SLEEP, WAIT_COUNT };
extern const char *const wait_name[WAIT_COUNT];

struct bench_opts {
	int json, quick, reps, verbose;
	double seconds;            /* length of one timed phase */
	uint64_t rate;             /* headline paced rate, records/s */
	uint64_t thr_rate;         /* sustained-throughput rate, records/s */
	uint64_t matrix_rate;      /* paced rate of the reader-count matrix */
	uint64_t wake_rate;        /* paced rate of the wake-up test */
	int readers[8], nreaders;  /* reader counts of the matrix */
	uint32_t slots;            /* ring slots */
	uint32_t thr_slots;        /* ring slots of the sustained runs and ramps */
	int pp_rounds;             /* ping-pong round trips per repetition */
	uint64_t e2e_rate;         /* mock exchange frames/s for the latency run */
	double e2e_seconds;
	const char *publisher, *mock, *roudi;
	int cpus[BENCH_MAX_CPUS], ncpus;
};
extern struct bench_opts g_opt;
extern int g_rep;                  /* current repetition, 0-based */
extern volatile sig_atomic_t g_stop; /* SIGINT/SIGTERM: finish the current run, stop */

/* -------------------------------------------------------------- metrics */

/* Record this repetition's value of metric `key` (printf-style name). */
void m_put(double v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Median over the repetitions so far; NAN if never recorded. */
double m_med(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double m_min(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double m_max(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* This repetition's value (NAN if none). */
double m_cur(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A mode that could not run says why (once). */
void m_skip(const char *mode, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *m_skipped(const char *mode);

/* Readers' accounting of one run, for the smoke test and the corrupt total. */
struct reader_res;
void check_add(const char *run, uint64_t written, int n, const struct reader_res *r);
void check_note_failure(const char *run, const char *why);
uint64_t checks_corrupt_total(void);
void metrics_free(void);
int checks_failures(void);

/* Output.  Tables go to `o` (stdout, or stderr with --json). */
FILE *out_stream(void);
void json_emit(FILE *o, const char *mode, double load_before[3], double load_after[3],
	       double seconds);

/* Formatting helpers: "median [min..max]" of a metric in a unit. */
const char *fmt_ns(char *buf, size_t cap, const char *key);
const char *fmt_rate(char *buf, size_t cap, const char *key);
const char *fmt_num(char *buf, size_t cap, const char *key, const char *unit, double scale, int prec);
const char *fmt_ratio(char *buf, size_t cap, const char *key);

/* ----------------------------------------------------------- transports */

/* What a parent hands its children for one run (copied across fork). */
struct tp_run {
	char name[2][112];         /* per channel: feed name, ipc endpoint, event name */
	uint32_t slot_size;        /* mdbus / reference ring */
	uint32_t slot_count;
	uint32_t len;              /* payload bytes per message */
	void *shared;              /* transport state mapped before fork (reference ring) */
	size_t shared_size;
};

struct transport {
	const char *name;
	unsigned waits;            /* bit per WAIT_* supported */
	int reports_lost;          /* r_next's *lost is the transport's own count */
	int (*setup)(struct tp_run *run, int channels);       /* parent */
	void (*teardown)(struct tp_run *run);                 /* parent */
	void (*proc_init)(const char *role);                  /* child, first */
	void (*proc_fini)(int code);                          /* child, last (may exit) */
	int (*w_open)(const struct tp_run *run, int chan, void **w);
	uint8_t *(*w_loan)(void *w, uint32_t len);            /* NULL: no buffer now */
	int (*w_put)(void *w, uint32_t len);
	void (*w_close)(void *w);
	int (*r_open)(const struct tp_run *run, int chan, int wait, void **r);
	/* 1: a message in *data and *len (valid until r_release), *lost = messages the
	 * transport says it lost just before it; 0: nothing for a while; -2: the
	 * transport delivered or skipped a corrupt record; other < 0: error. */
	int (*r_next)(void *r, const uint8_t **data, uint32_t *len, uint64_t *lost);
	void (*r_release)(void *r);
	void (*r_close)(void *r);
	/* Optional: the transport's sequence number of the message r_next returned; the
	 * reader checks that it moves in step with the payload's index. */
	uint64_t (*r_seq)(void *r);
};

extern const struct transport tp_mdbus;
extern const struct transport tp_mdbus_noreg;
extern const struct transport tp_ref;
#ifdef MDBUS_BENCH_HAVE_ZMQ
extern const struct transport tp_zmq;
#endif
#ifdef MDBUS_BENCH_HAVE_ICEORYX
extern const struct transport tp_iox;
int iox_roudi_start(char *why, size_t cap);
void iox_roudi_stop(void);
#endif

/* -------------------------------------------------------------- harness */

struct reader_res {
	uint64_t read;             /* data records delivered and intact */
	uint64_t lost;             /* data records never delivered (index gaps) */
	uint64_t lost_lib;         /* what the transport itself reported lost */
	uint64_t corrupt;          /* failed payload checks, corrupt skips, order errors */
	uint64_t order_err;        /* index went backwards or disagreed with lost_lib */
	uint64_t errors;           /* other transport errors */
	uint64_t t_first, t_last;  /* stamps of the first and the last stamped data record */
	uint64_t read_at_last;     /* `read` when t_last was taken */
	int32_t ready, done, timed_out, pid;
	struct hist h;             /* one-way latency of stamped records */
};

struct stream_cfg {
	const struct transport *tp;
	uint32_t slot_size;        /* 64 or 128: also fixes the payload length */
	uint32_t slot_count;
	int nreaders;
	int wait;
	uint64_t rate;             /* 0: as fast as possible, nothing stamped */
	int unstamped;             /* with rate: pace in batches of 64, stamp nothing
	                              (sustained-throughput runs at tens of M/s) */
	double seconds;
};

struct stream_out {
	int ok;
	char err[160];
	uint64_t written, late;
	double write_rps;          /* records written per second */
	double read_rps_min;       /* slowest reader's delivered records per second */
	uint64_t lost, corrupt;    /* summed over readers */
	int timeouts;
	struct hist h;             /* all readers merged */
	int n;
	struct reader_res *r;      /* n entries (malloc'd; stream_free) */
};

int stream_run(const struct stream_cfg *c, struct stream_out *o);
void stream_free(struct stream_out *o);

struct pingpong_out {
	int ok;
	char err[160];
	uint64_t rounds, corrupt;
	struct hist h;             /* round trip, ns */
	double mean_ns;            /* total time / rounds (no per-sample stamping) */
};

int pingpong_run(const struct transport *tp, uint32_t slot_size, int wait, int rounds,
		 struct pingpong_out *o);

/* First call of every forked benchmark process: a session of its own (see harness.c). */
void bench_child_start(void);

/* Payload length carried in a slot of this size (same for every transport). */
uint32_t payload_len_for_slot(uint32_t slot_size);

/* CPU for the writer / the i-th reader: writer alone on the first allowed CPU,
 * readers spread over the others (all on the second when there are two). */
int cpu_writer(void);
int cpu_reader(int i);

/* Highest rate (of `rates`, 0-terminated; NULL = the bus's 5..80 M/s) at which one
 * reader in `wait` loses nothing: `<prefix>.max_rps`.  Returns 0 or -1. */
int sustained_ramp(const struct transport *tp, uint32_t slot, uint32_t slots, int wait, const double *rates,
		   const char *prefix);

/* Record the usual metrics of a stream run under prefix (and its check). */
void stream_metrics(const char *prefix, const struct stream_out *o, int latency);

/* ---------------------------------------------------------------- modes */

int mode_floor(void);
/* The cache-line round trip p50, measured now (~20 ms): the floor next to a run. */
double floor_rtt_now(void);
void report_floor(FILE *o);
int mode_ring(void);
void report_ring(FILE *o);
/* Run one mdbus measurement a comparator needs, unless this repetition has it. */
int ring_run_counterpart(const char *what);
int mode_zmq(void);
void report_zmq(FILE *o);
int mode_iceoryx(void);
void report_iceoryx(FILE *o);
void iceoryx_cleanup(void);
int mode_e2e(void);
void report_e2e(FILE *o);
void report_targets(FILE *o, const char *mode);

/* `report` mode: pool the repetitions of saved --json runs (report.c).  Returns 0 or -1. */
int report_load(int nfiles, char **files, double max_others, char *mode, size_t mode_cap);

/* Comparator runs shared by zmq and iceoryx (mode_compare.c). */
int compare_run(const struct transport *tp, const char *prefix);
void compare_report(FILE *o, const char *prefix, const char *title);

#endif
