// SPDX-License-Identifier: GPL-2.0
/*
 * lags-probe: small loads and a wakeup-latency probe for the LAGS fairness
 * tests (tests/guest/lags-shares.sh, lags-latency.sh).
 *
 *   lags-probe burst [--procs N] [--run-us R] [--sleep-us S] [--seconds T]
 *       N processes (default 1), each spinning R microseconds of its own
 *       CPU time (default 2000), then sleeping S microseconds (default 0:
 *       a pure spinner), until T seconds (default 10) have passed.
 *
 *   lags-probe periodic [--interval-us I] [--work-us W] [--seconds T]
 *                       [--slice-us X] [--fifo PRIO]
 *       One process that wakes every I microseconds (default 1000) at
 *       absolute times (CLOCK_MONOTONIC), spins W microseconds (default 0),
 *       and records its wakeup latency: the time from the intended wakeup
 *       to running.  --slice-us asks for a custom fair slice of X
 *       microseconds with sched_setattr() (sched_runtime, Linux 6.12);
 *       --fifo runs it SCHED_FIFO.  --trace-stop-us L writes 0 to
 *       /sys/kernel/tracing/tracing_on at the first wakeup later than L
 *       microseconds, so that the trace buffer ends with what delayed it
 *       (tracing itself is set up by the caller).  Prints one line:
 *       "wakeups=N p50_us=.. p99_us=.. max_us=.. mean_us=.."
 *       (percentiles from a histogram of 1 us buckets below 10 ms and
 *       100 us buckets up to 1 s; max and mean are exact).
 *
 * Common: --cgroup DIR moves the process (and so its children) into the
 * cgroup DIR before anything else.  Errors name what failed and exit 1;
 * bad arguments exit 2.
 *
 * Built statically by scripts/selftests-build.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Latency histogram: 1 us buckets below 10 ms, 100 us buckets from 10 ms to
 * 1 s, one bucket for everything longer.  It is small (80 KB) and touched
 * whole before the first wakeup, so that recording a sample never faults.
 */
#define HIST_FINE_US	10000
#define HIST_COARSE_US	100
#define HIST_MAX_US	1000000
#define HIST_BUCKETS	(HIST_FINE_US + (HIST_MAX_US - HIST_FINE_US) / HIST_COARSE_US + 1)

struct probe_args {
	int procs;
	long run_us, sleep_us, interval_us, work_us, slice_us;
	long trace_stop_us;
	int seconds, fifo;
	const char *cgroup;
};

/* struct sched_attr of sched_setattr(2), as in include/uapi/linux/sched/types.h. */
struct probe_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

static void die(const char *what)
{
	fprintf(stderr, "lags-probe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lags-probe burst [--procs N] [--run-us R] [--sleep-us S] [--seconds T] [--cgroup DIR]\n"
		"       lags-probe periodic [--interval-us I] [--work-us W] [--seconds T]\n"
		"                           [--slice-us X] [--fifo PRIO] [--trace-stop-us L]\n"
		"                           [--cgroup DIR]\n");
	exit(2);
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Spin until this process has used @us microseconds of CPU time. */
static void spin_cpu_us(long us)
{
	uint64_t end = clock_ns(CLOCK_PROCESS_CPUTIME_ID) + (uint64_t)us * 1000;

	while (clock_ns(CLOCK_PROCESS_CPUTIME_ID) < end)
		;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void join_cgroup(const char *dir)
{
	char path[4096], pid[32];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die(path);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (write(fd, pid, strlen(pid)) != (ssize_t)strlen(pid))
		die(path);
	close(fd);
}

static long parse_long(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "lags-probe: bad number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv, struct probe_args *a)
{
	int i;

	for (i = 2; i < argc; i++) {
		const char *o = argv[i];

		if (i + 1 >= argc)
			usage();
		if (!strcmp(o, "--procs"))
			a->procs = parse_long(argv[++i], 1, 4096);
		else if (!strcmp(o, "--run-us"))
			a->run_us = parse_long(argv[++i], 1, 10000000);
		else if (!strcmp(o, "--sleep-us"))
			a->sleep_us = parse_long(argv[++i], 0, 10000000);
		else if (!strcmp(o, "--interval-us"))
			a->interval_us = parse_long(argv[++i], 10, 10000000);
		else if (!strcmp(o, "--work-us"))
			a->work_us = parse_long(argv[++i], 0, 10000000);
		else if (!strcmp(o, "--slice-us"))
			a->slice_us = parse_long(argv[++i], 100, 100000);
		else if (!strcmp(o, "--fifo"))
			a->fifo = parse_long(argv[++i], 1, 99);
		else if (!strcmp(o, "--trace-stop-us"))
			a->trace_stop_us = parse_long(argv[++i], 1, 1000000);
		else if (!strcmp(o, "--seconds"))
			a->seconds = parse_long(argv[++i], 1, 86400);
		else if (!strcmp(o, "--cgroup"))
			a->cgroup = argv[++i];
		else
			usage();
	}
}

/* burst: @a->procs processes of run/sleep cycles for @a->seconds. */
static int run_burst(const struct probe_args *a)
{
	uint64_t end = clock_ns(CLOCK_MONOTONIC) + (uint64_t)a->seconds * 1000000000ull;
	int i, status, failed = 0;

	for (i = 0; i < a->procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			while (clock_ns(CLOCK_MONOTONIC) < end) {
				spin_cpu_us(a->run_us);
				if (a->sleep_us)
					sleep_us(a->sleep_us);
			}
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	return failed;
}

static void set_policy(const struct probe_args *a)
{
	if (a->fifo) {
		struct sched_param sp = { .sched_priority = a->fifo };

		if (sched_setscheduler(0, SCHED_FIFO, &sp))
			die("sched_setscheduler(SCHED_FIFO)");
	}
	if (a->slice_us) {
		struct probe_sched_attr attr = {
			.size = sizeof(attr),
			.sched_policy = SCHED_OTHER,
			.sched_runtime = (uint64_t)a->slice_us * 1000,
		};

		if (syscall(SYS_sched_setattr, 0, &attr, 0))
			die("sched_setattr(sched_runtime)");
	}
}

/* The histogram bucket of a latency of @us microseconds. */
static long hist_bucket(long us)
{
	if (us < HIST_FINE_US)
		return us;
	if (us >= HIST_MAX_US)
		return HIST_BUCKETS - 1;
	return HIST_FINE_US + (us - HIST_FINE_US) / HIST_COARSE_US;
}

/* The lowest latency, in us, that falls into bucket @b. */
static long hist_bucket_us(long b)
{
	if (b < HIST_FINE_US)
		return b;
	return HIST_FINE_US + (b - HIST_FINE_US) * HIST_COARSE_US;
}

/*
 * The @pct percentile (0..100) of @n samples in histogram @hist, in us
 * (the lower edge of its bucket: exact below 10 ms, 100 us steps above).
 */
static long hist_percentile(const uint32_t *hist, uint64_t n, double pct)
{
	uint64_t want = (uint64_t)(pct / 100.0 * (double)n + 0.999999), seen = 0;
	long b;

	if (!want)
		want = 1;
	for (b = 0; b < HIST_BUCKETS; b++) {
		seen += hist[b];
		if (seen >= want)
			return hist_bucket_us(b);
	}
	return HIST_MAX_US;
}

/* periodic: wake every interval, record latency, print percentiles. */
static int run_periodic(const struct probe_args *a)
{
	uint64_t next, end, n = 0, sum_us = 0;
	static uint32_t hist[HIST_BUCKETS];
	long max_us = 0;
	int trace_fd = -1;

	if (a->trace_stop_us) {
		trace_fd = open("/sys/kernel/tracing/tracing_on", O_WRONLY);
		if (trace_fd < 0)
			die("/sys/kernel/tracing/tracing_on");
	}
	memset(hist, 0, sizeof(hist));
	set_policy(a);
	next = clock_ns(CLOCK_MONOTONIC) + (uint64_t)a->interval_us * 1000;
	end = next + (uint64_t)a->seconds * 1000000000ull;
	while (next < end) {
		struct timespec ts = { next / 1000000000ull, next % 1000000000ull };
		uint64_t now;
		long lat;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		now = clock_ns(CLOCK_MONOTONIC);
		lat = now > next ? (long)((now - next) / 1000) : 0;
		hist[hist_bucket(lat)]++;
		sum_us += lat;
		if (lat > max_us)
			max_us = lat;
		if (trace_fd >= 0 && lat > a->trace_stop_us) {
			if (write(trace_fd, "0", 1) != 1)
				die("/sys/kernel/tracing/tracing_on");
			close(trace_fd);
			trace_fd = -1;
			fprintf(stderr, "lags-probe: tracing stopped: wakeup %ld us late\n", lat);
		}
		n++;
		if (a->work_us)
			spin_cpu_us(a->work_us);
		next += (uint64_t)a->interval_us * 1000;
		/* Missed periods are skipped, not made up in a burst. */
		now = clock_ns(CLOCK_MONOTONIC);
		while (next < now)
			next += (uint64_t)a->interval_us * 1000;
	}
	if (!n) {
		fprintf(stderr, "lags-probe: no wakeup recorded\n");
		return 1;
	}
	printf("wakeups=%llu p50_us=%ld p99_us=%ld max_us=%ld mean_us=%llu\n",
	       (unsigned long long)n, hist_percentile(hist, n, 50),
	       hist_percentile(hist, n, 99), max_us,
	       (unsigned long long)(sum_us / n));
	return 0;
}

int main(int argc, char **argv)
{
	struct probe_args a = {
		.procs = 1, .run_us = 2000, .interval_us = 1000, .seconds = 10,
	};

	if (argc < 2)
		usage();
	parse_args(argc, argv, &a);
	if (a.cgroup)
		join_cgroup(a.cgroup);
	if (!strcmp(argv[1], "burst"))
		return run_burst(&a);
	if (!strcmp(argv[1], "periodic"))
		return run_periodic(&a);
	usage();
	return 2;
}
