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

void test_options(const char *bench_binary)
{
	static const struct {
		const char *a, *b;
	} bad[] = {
		{ "--functions", "0" }, { "--functions", "12x" },
		{ "--seconds", "-1" }, { "--load", "abc" }, { "--load", "0" },
		{ "--service", "pareto" }, { "--arrival", "sometimes" },
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
