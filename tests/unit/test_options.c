// SPDX-License-Identifier: GPL-2.0
/* Argument errors: a clear message and exit status 2. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "options.h"
#include "run_child.h"
#include "tap.h"
#include "unit.h"

pid_t start_child(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

int wait_child(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static int parse(int argc, char **argv, struct bench_options *opts)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY), ret;

	dup2(null, 2);		/* the messages are for users, not for TAP */
	options_defaults(opts);
	ret = options_parse(opts, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(null);
	close(saved);
	return ret;
}

static void test_generator_options(void)
{
	struct bench_options opts;
	char *plain[] = { "faas-node-bench", NULL };
	char *closed[] = { "faas-node-bench", "--arrival", "closed", NULL };
	char *closed_self[] = { "faas-node-bench", "--arrival", "closed",
				"--generator", "self", NULL };
	char *fair[] = { "faas-node-bench", "--generator", "fair", NULL };
	char *shape[] = { "faas-node-bench", "--bursts", "3", "--io-us", "150",
			  "--io-shape", "pareto", "--fanout", "4",
			  "--cost-model", "cal.tsv", NULL };
	char *preset[] = { "faas-node-bench", "--service-us", "100",
			   "--preset", "high-rate", NULL };

	tap_ok(parse(1, plain, &opts) == 0 && opts.generator == GENERATOR_SELF &&
	       opts.bursts == 1 && opts.fanout == 1 && opts.io_us == 0 &&
	       !opts.cost_model && opts.fifo_priority == 50,
	       "options: self-timed generator, one burst, no fan-out, model off by default");
	tap_ok(parse(3, closed, &opts) == 0 && opts.generator == GENERATOR_FIFO,
	       "options: closed loop defaults to the fifo dispatcher");
	tap_ok(parse(5, closed_self, &opts) == 2,
	       "options: --generator self with --arrival closed is exit 2");
	tap_ok(parse(3, fair, &opts) == 0 && opts.generator == GENERATOR_FAIR,
	       "options: --generator fair parses");
	tap_ok(parse(11, shape, &opts) == 0 && opts.bursts == 3 &&
	       opts.io_us == 150 && opts.io_shape == SERVICE_PARETO &&
	       opts.fanout == 4 && opts.cost_model &&
	       strcmp(opts.cost_model, "cal.tsv") == 0,
	       "options: bursts, I/O wait, fan-out and cost model parse");
	/* A preset applies first, so the explicit --service-us wins even
	 * when it comes before --preset on the command line. */
	tap_ok(parse(5, preset, &opts) == 0 && opts.per_cpu == 64 &&
	       opts.bursts == 4 && opts.io_us == 200 && opts.service_us == 100 &&
	       opts.preset && strcmp(opts.preset, "high-rate") == 0,
	       "options: --preset high-rate sets its options, explicit ones win");
}

void test_options(const char *bench_binary)
{
	static const struct {
		const char *a, *b;
	} bad[] = {
		{ "--functions", "0" }, { "--functions", "12x" },
		{ "--seconds", "-1" }, { "--load", "abc" }, { "--load", "0" },
		{ "--service", "weibull" }, { "--arrival", "sometimes" },
		{ "--generator", "dpdk" }, { "--fifo-priority", "0" },
		{ "--fifo-priority", "100" }, { "--bursts", "0" },
		{ "--io-us", "-5" }, { "--io-shape", "gamma" },
		{ "--fanout", "65" }, { "--per-cpu", "0" }, { "--preset", "huge" },
		{ "--depth", "5" }, { "--groups", "many" }, { "--weight", "0" },
		{ "--bogus", "1" },
	};
	struct bench_options opts;
	char *argv[8];

	argv[0] = "faas-node-bench";
	argv[1] = "--functions";
	argv[2] = "256";
	argv[3] = "--seconds";
	argv[4] = "2.5";
	argv[5] = "--load";
	argv[6] = "0.9";
	argv[7] = NULL;
	tap_ok(parse(7, argv, &opts) == 0 && opts.functions == 256 &&
	       opts.seconds == 2.5 && opts.load == 0.9 &&
	       opts.slo_us == 10 * opts.service_us,
	       "options: the stable interface parses, SLO defaults to 10x service");
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argv[1] = (char *)bad[i].a;
		argv[2] = (char *)bad[i].b;
		argv[3] = NULL;
		tap_ok(parse(3, argv, &opts) == 2, "options: %s %s is exit 2",
		       bad[i].a, bad[i].b);
	}
	argv[1] = "--arrival";
	argv[2] = "replay";
	argv[3] = NULL;
	tap_ok(parse(3, argv, &opts) == 2, "options: replay without --trace is exit 2");
	argv[1] = "--functions";
	argv[2] = NULL;
	tap_ok(parse(2, argv, &opts) == 2, "options: a missing value is exit 2");
	test_generator_options();

	{
		char *help[] = { (char *)bench_binary, "--help", NULL };
		char *wrong[] = { (char *)bench_binary, "--functions", "-3", NULL };
		char *trace[] = { (char *)bench_binary, "--trace", "/nonexistent/t.csv",
				  "--groups", "none", "--quiet", NULL };

		tap_ok(wait_child(start_child(help)) == 0, "binary: --help exits 0");
		tap_ok(wait_child(start_child(wrong)) == 2,
		       "binary: --functions -3 exits 2");
		tap_ok(wait_child(start_child(trace)) == 1,
		       "binary: a missing trace file exits 1");
	}
}
