// SPDX-License-Identifier: GPL-2.0
/*
 * Request shapes and generators, end to end on the host (--groups none,
 * no root needed): bursts wait for their I/O between them, fan-out
 * threads really run, --per-cpu sets the number of functions, and each
 * generator reports itself and its dispatch lag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "clock.h"
#include "run_child.h"
#include "tap.h"
#include "unit.h"

#define JSON "/tmp/faas-unit-shapes.json"

static double number(const char *key)
{
	return unit_json_number(JSON, key);
}

/* Runs 4 functions for 1.5 s at load 0.4 plus the given options. */
static int run(const char *bench, const char *const extra[])
{
	const char *argv[32] = { bench, "--groups", "none", "--functions", "4",
				 "--seconds", "1.5", "--load", "0.4",
				 "--service-us", "400", "--quiet", "--json", JSON };
	int n = 14;

	for (int i = 0; extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	return wait_child(start_child((char *const *)argv));
}

/*
 * SIGINT during a self-timed run whose workers sleep until far-off
 * arrivals: the stop pipe wakes them, so the run ends at once with a
 * partial report (exit 3) and no function process is killed.
 */
static void test_interrupt(const char *bench)
{
	char *argv[] = { (char *)bench, "--groups", "none", "--functions", "8",
			 "--seconds", "60", "--load", "0.001", "--quiet",
			 "--json", JSON, NULL };
	struct timespec second = { 1, 0 };
	pid_t pid = start_child(argv);
	uint64_t sent;
	int rc;

	nanosleep(&second, NULL);
	sent = monotonic_ns();
	kill(pid, SIGINT);
	rc = wait_child(pid);
	tap_ok(rc == 3 && monotonic_ns() - sent < 3 * NSEC_PER_SEC,
	       "generators: SIGINT ends a self-timed run at once (exit %d after "
	       "%.2f s)", rc, (monotonic_ns() - sent) / 1e9);
	tap_ok(number("unfinished") >= 0 && number("unfinished") <= 1 &&
	       number("elapsed_s") > 0.5 && number("elapsed_s") < 2,
	       "generators: arrivals after the interrupt are not counted, the "
	       "window ends at it (%.0f unfinished, %.2f s measured)",
	       number("unfinished"), number("elapsed_s"));
}

void test_request_shapes(const char *bench_binary)
{
	const char *bursts[] = { "--bursts", "3", "--io-us", "200", NULL };
	const char *plain[] = { NULL };
	const char *fanout[] = { "--fanout", "3", NULL };
	const char *per_cpu[] = { "--per-cpu", "3", "--cpus", "2", NULL };
	const char *fifo[] = { "--generator", "fifo", NULL };
	double completed, voluntary_plain, voluntary_fanout;
	int rc;

	if (tap_ok(run(bench_binary, bursts) == 0, "shapes: --bursts 3 --io-us 200 runs")) {
		completed = number("completed");
		tap_ok(completed > 0 && number("io_waits") == 2 * completed,
		       "shapes: 3 bursts wait twice per request (%.0f waits, "
		       "%.0f requests)", number("io_waits"), completed);
	}
	if (run(bench_binary, plain) == 0) {
		voluntary_plain = number("voluntary_per_request");
		tap_ok(number("io_waits") == 0, "shapes: one burst, no I/O wait");
		if (tap_ok(run(bench_binary, fanout) == 0, "shapes: --fanout 3 runs")) {
			voluntary_fanout = number("voluntary_per_request");
			/* Two helpers block and wake once per request each. */
			tap_ok(voluntary_fanout >= voluntary_plain + 1.5,
			       "shapes: fan-out threads run (voluntary switches per "
			       "request %.2f with 3 threads, %.2f with 1)",
			       voluntary_fanout, voluntary_plain);
		}
		tap_ok(number("dispatcher_cpu_ns") == 0,
		       "generators: self-timed runs have no dispatcher thread");
	}
	if (tap_ok(run(bench_binary, per_cpu) == 0, "shapes: --per-cpu 3 --cpus 2 runs"))
		tap_ok(number("functions") == 6, "shapes: --per-cpu 3 on 2 CPUs "
		       "makes 6 functions (%.0f)", number("functions"));
	rc = run(bench_binary, fifo);
	if (rc == 1)
		tap_skip("SCHED_FIFO not permitted here",
			 "generators: --generator fifo runs");
	else if (tap_ok(rc == 0, "generators: --generator fifo runs"))
		tap_ok(number("dispatcher_cpu_ns") > 0 && number("count") > 0,
		       "generators: the fifo dispatcher's CPU and send lags are "
		       "reported (%.0f ns, %.0f sends)", number("dispatcher_cpu_ns"),
		       number("count"));
	test_interrupt(bench_binary);
	remove(JSON);
}
