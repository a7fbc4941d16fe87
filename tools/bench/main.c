/*
 * main.c — mdbus-bench: flags, the repetition loop, the tables and the JSON document.
 *
 *   mdbus-bench MODE [options]      MODE: floor ring zmq iceoryx e2e all
 *
 * Every mode runs once per repetition and the repetitions interleave the modes; the
 * cache-line floor runs in every repetition whatever the mode, so each result sits
 * next to the floor of the same run.  Exit status: 0 completed with every check
 * passing, 1 a run failed or a check did not hold (corrupt records, read + lost !=
 * written), 2 usage.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "timing.h"

#include <mdbus/mdbus.h>
#include <mdbus/writer.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MDBUS_VERSION
#define MDBUS_VERSION "0.0.0"
#endif
#ifndef MDBUS_BENCH_ROUDI
#define MDBUS_BENCH_ROUDI "/usr/bin/iox-roudi"
#endif

struct bench_opts g_opt;
int g_rep;

static void usage(FILE *o)
{
	fprintf(o,
"usage: " BENCH_PROG " MODE [options]\n"
"Measure the mdbus shared-memory bus against the hardware floor, ZeroMQ and iceoryx,\n"
"and end to end through the real publisher, in one run on this machine.\n"
"\n"
"modes:\n"
"  floor     cache-line ping-pong round trip between two pinned CPUs (the floor)\n"
"  ring      writer -> N reader processes through real feed segments: throughput,\n"
"            lost, one-way latency in spin / spin-then-sleep / sleep modes for each N;\n"
"            paced latency (the headline); ping-pong through two feeds; 64 and 128 B\n"
"            slots; sleep-mode wake-up; the same over a bare reference seqlock ring\n"
"  zmq       the same payload and pattern over ZeroMQ PUB/SUB ipc://, with ratios\n"
"  iceoryx   the same over iceoryx (starts and stops its own RouDi), with ratios\n"
"  e2e       mock exchange -> mdbus-publisher (ws and wss) -> reader: latency,\n"
"            publisher CPU per frame, frames/s ceiling; parse+normalize vs cJSON\n"
"  all       every mode above, interleaved per repetition, and the targets table\n"
"  report FILE.json...   the tables again from saved --json output, repetitions of\n"
"            all files pooled (--max-others C keeps those during which other\n"
"            processes used at most C CPUs); with --json, one pooled document\n"
"\n"
"options:\n"
"  --json             one JSON document on stdout (tables go to stderr)\n"
"  --quick            everything short (CI smoke, < 1 minute; numbers not quotable)\n"
"  --reps N           repetitions, median/min/max reported [5; --quick: 1]\n"
"  --seconds S        length of each timed phase [0.5; --quick: 0.05]\n"
"  --rate N           headline paced rate, records/s [1000000]\n"
"  --matrix-rate N    paced rate of the reader-count matrix and comparisons [100000]\n"
"  --wake-rate N      records/s of the sleep-mode wake-up test [2000]\n"
"  --thr-rate N       sustained-throughput rate, records/s [25000000]\n"
"  --readers LIST     reader counts of the matrix [1,2,4,8,32]\n"
"  --slots N          ring slots (power of two) [65536]\n"
"  --thr-slots N      ring slots / queue depth of the sustained-throughput runs and\n"
"                     ramps, sized for rate x the longest stall [1048576; --quick: 65536]\n"
"  --e2e-rate N       mock exchange frames/s for the e2e latency run [1000]\n"
"  --e2e-seconds S    length of each e2e run [2; --quick: 0.5]\n"
"  --publisher PATH   mdbus-publisher [$MDBUS_PUBLISHER, next to this program, build tree, PATH]\n"
"  --mock PATH        mdbus-mock-exchange [$MDBUS_MOCK, likewise]\n"
"  --roudi PATH       iox-roudi [" MDBUS_BENCH_ROUDI "]\n"
"  --max-others C     report: keep repetitions with other processes under C CPUs\n"
"  -v, --verbose      one line per run on stderr\n"
"  -h, --help, --version\n"
"\n"
"The writer is pinned to the first CPU this process may use, readers to the others\n"
"(all on the second when there are two).  Latency stamps are rdtsc ticks calibrated\n"
"against CLOCK_MONOTONIC (CLOCK_MONOTONIC where the TSC is not invariant).\n");
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, BENCH_PROG ": %s '%s' (see --help)\n", what, arg);
	return 2;
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_secs(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static int parse_readers(const char *s)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", s);
	g_opt.nreaders = 0;
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint64_t v;
		if (g_opt.nreaders == 8 || parse_u64(t, 1, BENCH_MAX_READERS, &v) < 0)
			return -1;
		g_opt.readers[g_opt.nreaders++] = (int)v;
	}
	return g_opt.nreaders ? 0 : -1;
}

/* Directory of this executable, with a trailing '/'. */
static void exe_dir(char *dir, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", dir, cap - 1);
	dir[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[1] = '\0';
	else
		dir[0] = '\0';
}

static const char *find_tool(const char *opt, const char *env, const char *name, const char *build_rel)
{
	static char store[2][PATH_MAX];
	static int which;
	char *out = store[which++ & 1];
	if (opt)
		return opt;
	const char *e = getenv(env);
	if (e && *e)
		return e;
	char dir[PATH_MAX - 128];
	exe_dir(dir, sizeof dir);
	snprintf(out, PATH_MAX, "%s%s", dir, name);
	if (access(out, X_OK) == 0)
		return out;
	snprintf(out, PATH_MAX, "%s%s", dir, build_rel);
	if (access(out, X_OK) == 0)
		return out;
	const char *path = getenv("PATH");
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path ? path : "/usr/local/bin:/usr/bin");
	for (char *save = NULL, *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, PATH_MAX, "%s/%s", d, name);
		if (access(out, X_OK) == 0)
			return out;
	}
	snprintf(out, PATH_MAX, "%s", name);
	return out;
}

volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* Feeds of this process that an interrupted or failed run left behind. */
static void remove_our_feeds(void)
{
	char (*names)[MDBUS_FEED_NAME_MAX + 1] = calloc(1024, sizeof *names);
	if (!names)
		return;
	int n = mdbus_feed_list(names, 1024);
	char prefix[64];
	int plen = snprintf(prefix, sizeof prefix, "mdbus-bench.%d.", (int)getpid());
	for (int i = 0; i < n && i < 1024; i++)
		if (strncmp(names[i], prefix, (size_t)plen) == 0)
			mdbus_feed_remove(names[i]);
	free(names);
}

enum { M_FLOOR = 1, M_RING = 2, M_ZMQ = 4, M_IOX = 8, M_E2E = 16, M_ALL = 31 };

int main(int argc, char **argv)
{
	enum { O_JSON = 1000, O_QUICK, O_REPS, O_SECONDS, O_RATE, O_MRATE, O_WRATE, O_TRATE, O_READERS, O_SLOTS, O_TSLOTS,
	       O_E2E_RATE, O_E2E_SECONDS, O_PUB, O_MOCK, O_ROUDI, O_MAXO, O_VERSION };
	static const struct option lo[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "reps", required_argument, NULL, O_REPS },
		{ "seconds", required_argument, NULL, O_SECONDS },
		{ "rate", required_argument, NULL, O_RATE },
		{ "matrix-rate", required_argument, NULL, O_MRATE },
		{ "wake-rate", required_argument, NULL, O_WRATE },
		{ "thr-rate", required_argument, NULL, O_TRATE },
		{ "readers", required_argument, NULL, O_READERS },
		{ "slots", required_argument, NULL, O_SLOTS },
		{ "thr-slots", required_argument, NULL, O_TSLOTS },
		{ "e2e-rate", required_argument, NULL, O_E2E_RATE },
		{ "e2e-seconds", required_argument, NULL, O_E2E_SECONDS },
		{ "publisher", required_argument, NULL, O_PUB },
		{ "mock", required_argument, NULL, O_MOCK },
		{ "roudi", required_argument, NULL, O_ROUDI },
		{ "max-others", required_argument, NULL, O_MAXO },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int reps = -1;
	double seconds = -1, e2e_seconds = -1, max_others = -1;
	const char *pub = NULL, *mock = NULL;
	uint64_t v;
	g_opt.rate = 1000000;
	g_opt.matrix_rate = 100000;
	g_opt.wake_rate = 2000;
	g_opt.thr_rate = 25000000;
	g_opt.slots = 65536;
	g_opt.e2e_rate = 1000;
	g_opt.roudi = MDBUS_BENCH_ROUDI;
	parse_readers("1,2,4,8,32");
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case O_JSON: g_opt.json = 1; break;
		case O_QUICK: g_opt.quick = 1; break;
		case O_REPS:
			if (parse_u64(optarg, 1, BENCH_MAX_REPS, &v) < 0)
				return bad("--reps wants 1..101, got", optarg);
			reps = (int)v;
			break;
		case O_SECONDS:
			if (parse_secs(optarg, 0.01, 60, &seconds) < 0)
				return bad("--seconds wants 0.01..60, got", optarg);
			break;
		case O_RATE:
			if (parse_u64(optarg, 1, 100000000, &g_opt.rate) < 0)
				return bad("--rate wants 1..100000000 records/s, got", optarg);
			break;
		case O_MRATE:
			if (parse_u64(optarg, 1, 100000000, &g_opt.matrix_rate) < 0)
				return bad("--matrix-rate wants 1..100000000 records/s, got", optarg);
			break;
		case O_WRATE:
			if (parse_u64(optarg, 1, 1000000, &g_opt.wake_rate) < 0)
				return bad("--wake-rate wants 1..1000000 records/s, got", optarg);
			break;
		case O_TRATE:
			if (parse_u64(optarg, 1, 1000000000, &g_opt.thr_rate) < 0)
				return bad("--thr-rate wants 1..1000000000 records/s, got", optarg);
			break;
		case O_READERS:
			if (parse_readers(optarg) < 0)
				return bad("--readers wants up to 8 counts 1..64, e.g. 1,2,4,8,32, got", optarg);
			break;
		case O_SLOTS:
			if (parse_u64(optarg, 16, 1u << 26, &v) < 0 || (v & (v - 1)))
				return bad("--slots wants a power of two 16..67108864, got", optarg);
			g_opt.slots = (uint32_t)v;
			break;
		case O_TSLOTS:
			if (parse_u64(optarg, 16, 1u << 26, &v) < 0 || (v & (v - 1)))
				return bad("--thr-slots wants a power of two 16..67108864, got", optarg);
			g_opt.thr_slots = (uint32_t)v;
			break;
		case O_E2E_RATE:
			if (parse_u64(optarg, 1, 1000000, &g_opt.e2e_rate) < 0)
				return bad("--e2e-rate wants 1..1000000 frames/s, got", optarg);
			break;
		case O_E2E_SECONDS:
			if (parse_secs(optarg, 0.1, 600, &e2e_seconds) < 0)
				return bad("--e2e-seconds wants 0.1..600, got", optarg);
			break;
		case O_PUB: pub = optarg; break;
		case O_MOCK: mock = optarg; break;
		case O_ROUDI: g_opt.roudi = optarg; break;
		case O_MAXO:
			if (parse_secs(optarg, 0, 1024, &max_others) < 0)
				return bad("--max-others wants a number of CPUs, got", optarg);
			break;
		case 'v': g_opt.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		case O_VERSION: printf(BENCH_PROG " %s (mdbus layout %d.%d)\n", MDBUS_VERSION, MDBUS_LAYOUT_MAJOR,
				       MDBUS_LAYOUT_MINOR);
			return 0;
		default:
			return bad("unknown or incomplete option", argv[optind - 1]);
		}
	}
	if (optind < argc && strcmp(argv[optind], "report") == 0) {
		if (optind + 1 >= argc) {
			fprintf(stderr, BENCH_PROG ": report wants one or more FILE.json (see --help)\n");
			return 2;
		}
		char rmode[16];
		g_opt.reps = 0;
		g_opt.ncpus = cpus_allowed(g_opt.cpus, BENCH_MAX_CPUS);
		if (report_load(argc - optind - 1, argv + optind + 1, max_others, rmode, sizeof rmode) < 0) {
			metrics_free();
			return 1;
		}
		int bits = M_ALL;
		if (strcmp(rmode, "all") != 0)
			bits = strcmp(rmode, "ring") == 0 ? M_RING : strcmp(rmode, "zmq") == 0 ? M_ZMQ
			     : strcmp(rmode, "iceoryx") == 0 ? M_IOX : strcmp(rmode, "e2e") == 0 ? M_E2E : 0;
		FILE *ro = out_stream();
		report_floor(ro);
		if (bits & M_RING)
			report_ring(ro);
		if (bits & M_ZMQ)
			report_zmq(ro);
		if (bits & M_IOX)
			report_iceoryx(ro);
		if (bits & M_E2E)
			report_e2e(ro);
		report_targets(ro, rmode);
		char ob[64];
		fprintf(ro, "\nother processes used %s CPUs during the kept repetitions\n",
			fmt_num(ob, sizeof ob, "machine.others_cpus", "", 1, 2));
		if (g_opt.json) {
			double z[3] = { 0, 0, 0 };
			json_emit(stdout, rmode, z, z, 0);
		}
		metrics_free();
		return 0;
	}
	if (optind != argc - 1) {
		fprintf(stderr, BENCH_PROG ": give exactly one MODE: floor, ring, zmq, iceoryx, e2e or all (see --help)\n");
		return 2;
	}
	const char *mode_s = argv[optind];
	static const struct { const char *name; int bits; } modes[] = {
		{ "floor", M_FLOOR }, { "ring", M_RING }, { "zmq", M_ZMQ },
		{ "iceoryx", M_IOX }, { "e2e", M_E2E }, { "all", M_ALL },
	};
	int mode = 0;
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(mode_s, modes[i].name) == 0)
			mode = modes[i].bits;
	if (!mode)
		return bad("unknown mode", mode_s);

	g_opt.reps = reps > 0 ? reps : g_opt.quick ? 1 : 5;
	g_opt.seconds = seconds > 0 ? seconds : g_opt.quick ? 0.05 : 0.5;
	g_opt.e2e_seconds = e2e_seconds > 0 ? e2e_seconds : g_opt.quick ? 0.5 : 2.0;
	g_opt.pp_rounds = g_opt.quick ? 20000 : 1000000;
	if (!g_opt.thr_slots)
		g_opt.thr_slots = g_opt.quick ? 65536 : 1u << 20;
	g_opt.publisher = find_tool(pub, "MDBUS_PUBLISHER", "mdbus-publisher", "../../publisher/mdbus-publisher");
	g_opt.mock = find_tool(mock, "MDBUS_MOCK", "mdbus-mock-exchange", "../mock-exchange/mdbus-mock-exchange");
	g_opt.ncpus = cpus_allowed(g_opt.cpus, BENCH_MAX_CPUS);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	FILE *o = out_stream();
	double lb[3], la[3];
	load_avg(lb);
	uint64_t t_begin = mono_now_ns();
	timing_init(g_opt.quick ? 20 : 200);
	fprintf(o, BENCH_PROG " %s: mode %s, %d repetition%s%s, %d CPUs allowed, stamps: %s",
		MDBUS_VERSION, mode_s, g_opt.reps, g_opt.reps == 1 ? "" : "s",
		g_opt.quick ? " (--quick: numbers are not quotable)" : "", g_opt.ncpus,
		g_tsc_ok ? "rdtsc" : "CLOCK_MONOTONIC");
	if (g_tsc_ok)
		fprintf(o, " at %.3f GHz", g_ticks_per_ns);
	fprintf(o, "\nload average before: %.2f %.2f %.2f\n", lb[0], lb[1], lb[2]);
	if (g_opt.ncpus < 2)
		fprintf(o, "only %d CPU: writer and readers share it; floor skipped\n", g_opt.ncpus);
	fflush(o);

	int fails = 0;
	for (g_rep = 0; g_rep < g_opt.reps && !g_stop; g_rep++) {
		uint64_t t0 = mono_now_ns();
		struct cpu_sample c0, c1;
		cpu_sample_take(&c0);
		fails += mode_floor() < 0 && g_opt.ncpus >= 2;
		if ((mode & M_RING) && !g_stop)
			fails += mode_ring() < 0;
		if ((mode & M_ZMQ) && !g_stop)
			fails += mode_zmq() < 0;
		if ((mode & M_IOX) && !g_stop)
			fails += mode_iceoryx() < 0;
		if ((mode & M_E2E) && !g_stop)
			fails += mode_e2e() < 0;
		cpu_sample_take(&c1);
		/* What the rest of the machine used meanwhile, in CPUs (0..ncpus), and what the
		 * hypervisor stole: the noise this repetition ran in. */
		double wall = (double)(mono_now_ns() - t0);
		double busy = (double)(c1.busy_ns - c0.busy_ns), ours = (double)(c1.ours_ns - c0.ours_ns);
		double others = busy > ours ? (busy - ours) / wall : 0;
		double steal = (double)(c1.steal_ns - c0.steal_ns) / wall;
		m_put(others, "machine.others_cpus");
		m_put(steal, "machine.steal_cpus");
		fprintf(stderr, BENCH_PROG ": repetition %d/%d done in %.1f s; other processes used %.2f CPUs, steal %.2f;"
			" floor p50 %.0f ns\n", g_rep + 1, g_opt.reps, wall / 1e9, others, steal, m_cur("floor.rtt.p50_ns"));
	}
	g_rep = g_opt.reps - 1;
	iceoryx_cleanup();
	remove_our_feeds();
	if (g_stop) {
		fprintf(stderr, BENCH_PROG ": interrupted; partial results follow\n");
		fails++;
	}

	report_floor(o);
	if (mode & M_RING)
		report_ring(o);
	if (mode & M_ZMQ)
		report_zmq(o);
	if (mode & M_IOX)
		report_iceoryx(o);
	if (mode & M_E2E)
		report_e2e(o);
	report_targets(o, mode_s);
	load_avg(la);
	double elapsed = (double)(mono_now_ns() - t_begin) / 1e9;
	uint64_t corrupt = checks_corrupt_total();
	int cf = checks_failures();
	char ob[64], sb[64];
	fprintf(o, "\nload average after: %.2f %.2f %.2f; other processes used %s CPUs, steal %s (median [min..max] per repetition)\n"
		   "%.1f s; corrupt records: %llu; failed checks: %d\n",
		la[0], la[1], la[2], fmt_num(ob, sizeof ob, "machine.others_cpus", "", 1, 2),
		fmt_num(sb, sizeof sb, "machine.steal_cpus", "", 1, 2), elapsed, (unsigned long long)corrupt, cf);
	if (g_opt.json)
		json_emit(stdout, mode_s, lb, la, elapsed);
	metrics_free();
	return fails || corrupt || cf ? 1 : 0;
}
