// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"

static const char *const arrival_names[] = {
	[ARRIVAL_POISSON] = "poisson",
	[ARRIVAL_ONOFF] = "onoff",
	[ARRIVAL_CLOSED] = "closed",
	[ARRIVAL_SYNTHETIC] = "synthetic",
	[ARRIVAL_REPLAY] = "replay",
};

static const char *const group_names[] = {
	[GROUPS_PER_FUNCTION] = "per-function",
	[GROUPS_SINGLE] = "single",
	[GROUPS_NONE] = "none",
};

const char *arrival_mode_name(enum arrival_mode mode)
{
	return arrival_names[mode];
}

const char *group_mode_name(enum group_mode mode)
{
	return group_names[mode];
}

void options_defaults(struct bench_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->functions = 64;
	opts->workers = 1;
	opts->seconds = 10.0;
	opts->load = 0.8;
	opts->service = SERVICE_EXPONENTIAL;
	opts->service_us = 2000.0;
	opts->working_set_kib = 64;
	opts->arrival = ARRIVAL_POISSON;
	opts->zipf = 1.0;
	opts->on_ms = 100.0;
	opts->off_ms = 100.0;
	opts->seed = 1;
	opts->groups = GROUPS_PER_FUNCTION;
	opts->depth = 1;
	opts->drain_seconds = 2.0;
	opts->label = "";
}

void options_usage(FILE *out, const char *prog)
{
	fprintf(out,
"Usage: %s [OPTION]...\n"
"Builds a dense serverless node: N functions, each in its own cpu cgroup,\n"
"with worker threads that sleep until a request arrives and then burn its\n"
"CPU service time; measures latency from the intended arrival time.\n"
"\n"
"Stable interface:\n"
"  --functions N        function instances (default 64)\n"
"  --seconds S          measured duration (default 10)\n"
"  --load L             offered load as a fraction of CPU capacity (0.8)\n"
"  --json FILE          write the full report as JSON\n"
"  --help               this text\n"
"\n"
"Functions and requests:\n"
"  --workers K          worker threads per function (1)\n"
"  --service SHAPE      fixed|exp|lognormal|bimodal service times (exp)\n"
"  --service-us US      mean CPU time per request (2000)\n"
"  --working-set-kib W  private memory each worker touches (64)\n"
"  --arrival MODE       poisson|onoff|closed|synthetic|replay (poisson)\n"
"  --zipf S             popularity exponent across functions, 0 = even (1)\n"
"  --on-ms MS --off-ms MS  burst periods of onoff/synthetic (100/100)\n"
"  --clients C          closed loop: requests in flight per function\n"
"                       (default: --workers)\n"
"  --trace FILE         replay CSV: time_us,function,service_us\n"
"  --seed N             random seed (1)\n"
"  --cpus N             capacity in CPUs for --load (default: affinity)\n"
"  --slo-us US          latency objective (default 10x --service-us)\n"
"  --drain-seconds S    time to finish queued requests at the end (2)\n"
"\n"
"Cgroups (cgroup v2 cpu controller, or the v1 cpu hierarchy):\n"
"  --groups MODE        per-function|single|none (per-function)\n"
"  --depth D            levels per function: 1 = parent/fN, 4 = parent/\n"
"                       kubepods/burstable/podN/ctr like Kubernetes (1);\n"
"                       per-function groups only\n"
"  --weight W           cpu.weight of every function group (1..10000)\n"
"  --cpu-max-us Q       cpu.max quota per %u us period\n"
"  --cgroup-root DIR    create our parent group below DIR\n"
"\n"
"Output:\n"
"  --csv FILE           per-function rows\n"
"  --hist-csv FILE      latency histogram with cumulative fraction\n"
"  --summary FILE       'metric value' lines for scripts\n"
"  --label TEXT         configuration label stored in the reports\n"
"  --quiet              no table and no progress\n"
"\n"
"Exit status: 0 done, 1 failure, 2 bad arguments, 3 interrupted (partial\n"
"report written, every cgroup removed).\n",
		prog, CPU_MAX_PERIOD_US);
}

enum {
	OPT_FUNCTIONS = 256, OPT_SECONDS, OPT_LOAD, OPT_JSON, OPT_HELP,
	OPT_WORKERS, OPT_SERVICE, OPT_SERVICE_US, OPT_WORKING_SET, OPT_ARRIVAL,
	OPT_ZIPF, OPT_ON_MS, OPT_OFF_MS, OPT_CLIENTS, OPT_TRACE, OPT_SEED,
	OPT_CPUS, OPT_SLO_US, OPT_DRAIN, OPT_GROUPS, OPT_DEPTH, OPT_WEIGHT,
	OPT_CPU_MAX, OPT_CGROUP_ROOT, OPT_CSV, OPT_HIST_CSV, OPT_SUMMARY,
	OPT_LABEL, OPT_QUIET,
};

static const struct option long_options[] = {
	{ "functions", required_argument, NULL, OPT_FUNCTIONS },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "service-us", required_argument, NULL, OPT_SERVICE_US },
	{ "working-set-kib", required_argument, NULL, OPT_WORKING_SET },
	{ "arrival", required_argument, NULL, OPT_ARRIVAL },
	{ "zipf", required_argument, NULL, OPT_ZIPF },
	{ "on-ms", required_argument, NULL, OPT_ON_MS },
	{ "off-ms", required_argument, NULL, OPT_OFF_MS },
	{ "clients", required_argument, NULL, OPT_CLIENTS },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "slo-us", required_argument, NULL, OPT_SLO_US },
	{ "drain-seconds", required_argument, NULL, OPT_DRAIN },
	{ "groups", required_argument, NULL, OPT_GROUPS },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "weight", required_argument, NULL, OPT_WEIGHT },
	{ "cpu-max-us", required_argument, NULL, OPT_CPU_MAX },
	{ "cgroup-root", required_argument, NULL, OPT_CGROUP_ROOT },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "hist-csv", required_argument, NULL, OPT_HIST_CSV },
	{ "summary", required_argument, NULL, OPT_SUMMARY },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *prog, const char *option, const char *value,
	       const char *expected)
{
	fprintf(stderr, "%s: --%s: expected %s, got '%s'\n", prog, option,
		expected, value);
	fprintf(stderr, "Try '%s --help'.\n", prog);
	return 2;
}

static int parse_unsigned(const char *s, unsigned min, unsigned max,
			  unsigned *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_one(struct bench_options *opts, int option, const char *arg,
		     const char *prog)
{
	const char *name = "";
	unsigned seed32;

	for (const struct option *o = long_options; o->name; o++)
		if (o->val == option)
			name = o->name;

	switch (option) {
	case OPT_FUNCTIONS:
		if (parse_unsigned(arg, 1, 100000, &opts->functions))
			return bad(prog, name, arg, "an integer from 1 to 100000");
		break;
	case OPT_SECONDS:
		if (parse_double(arg, 0.1, 1e7, &opts->seconds))
			return bad(prog, name, arg, "seconds, at least 0.1");
		break;
	case OPT_LOAD:
		if (parse_double(arg, 0.001, 100.0, &opts->load))
			return bad(prog, name, arg, "a fraction of capacity in (0, 100]");
		break;
	case OPT_JSON:
		opts->json = arg;
		break;
	case OPT_WORKERS:
		if (parse_unsigned(arg, 1, 1024, &opts->workers))
			return bad(prog, name, arg, "an integer from 1 to 1024");
		break;
	case OPT_SERVICE:
		if (service_shape_parse(arg, &opts->service))
			return bad(prog, name, arg, "fixed, exp, lognormal or bimodal");
		break;
	case OPT_SERVICE_US:
		if (parse_double(arg, 1.0, 1e7, &opts->service_us))
			return bad(prog, name, arg, "microseconds from 1 to 1e7");
		break;
	case OPT_WORKING_SET:
		if (parse_unsigned(arg, 0, 1u << 20, &opts->working_set_kib))
			return bad(prog, name, arg, "KiB from 0 to 1048576");
		break;
	case OPT_ARRIVAL:
		for (unsigned i = 0; i < sizeof(arrival_names) / sizeof(*arrival_names); i++)
			if (strcmp(arg, arrival_names[i]) == 0) {
				opts->arrival = (enum arrival_mode)i;
				return 0;
			}
		return bad(prog, name, arg,
			   "poisson, onoff, closed, synthetic or replay");
	case OPT_ZIPF:
		if (parse_double(arg, 0.0, 10.0, &opts->zipf))
			return bad(prog, name, arg, "an exponent from 0 to 10");
		break;
	case OPT_ON_MS:
		if (parse_double(arg, 0.01, 1e7, &opts->on_ms))
			return bad(prog, name, arg, "milliseconds, at least 0.01");
		break;
	case OPT_OFF_MS:
		if (parse_double(arg, 0.01, 1e7, &opts->off_ms))
			return bad(prog, name, arg, "milliseconds, at least 0.01");
		break;
	case OPT_CLIENTS:
		if (parse_unsigned(arg, 1, 4096, &opts->clients))
			return bad(prog, name, arg, "an integer from 1 to 4096");
		break;
	case OPT_TRACE:
		opts->trace = arg;
		break;
	case OPT_SEED:
		if (parse_unsigned(arg, 0, 0xffffffffu, &seed32))
			return bad(prog, name, arg, "an integer from 0 to 4294967295");
		opts->seed = seed32;
		break;
	case OPT_CPUS:
		if (parse_unsigned(arg, 1, 65536, &opts->cpus))
			return bad(prog, name, arg, "a CPU count from 1 to 65536");
		break;
	case OPT_SLO_US:
		if (parse_double(arg, 1.0, 1e10, &opts->slo_us))
			return bad(prog, name, arg, "microseconds, at least 1");
		break;
	case OPT_DRAIN:
		if (parse_double(arg, 0.0, 3600.0, &opts->drain_seconds))
			return bad(prog, name, arg, "seconds from 0 to 3600");
		break;
	case OPT_GROUPS:
		for (unsigned i = 0; i < sizeof(group_names) / sizeof(*group_names); i++)
			if (strcmp(arg, group_names[i]) == 0) {
				opts->groups = (enum group_mode)i;
				return 0;
			}
		return bad(prog, name, arg, "per-function, single or none");
	case OPT_DEPTH:
		if (parse_unsigned(arg, 1, 4, &opts->depth))
			return bad(prog, name, arg, "a depth from 1 to 4");
		break;
	case OPT_WEIGHT:
		if (parse_unsigned(arg, 1, 10000, &opts->weight))
			return bad(prog, name, arg, "a cpu.weight from 1 to 10000");
		break;
	case OPT_CPU_MAX:
		if (parse_unsigned(arg, 1000, 100u * CPU_MAX_PERIOD_US, &opts->cpu_max_us))
			return bad(prog, name, arg, "a quota from 1000 us");
		break;
	case OPT_CGROUP_ROOT:
		opts->cgroup_root = arg;
		break;
	case OPT_CSV:
		opts->csv = arg;
		break;
	case OPT_HIST_CSV:
		opts->hist_csv = arg;
		break;
	case OPT_SUMMARY:
		opts->summary = arg;
		break;
	case OPT_LABEL:
		opts->label = arg;
		break;
	case OPT_QUIET:
		opts->quiet = 1;
		break;
	}
	return 0;
}

int options_parse(struct bench_options *opts, int argc, char **argv)
{
	const char *prog = argv[0];
	int option, ret;

	optind = 1;
	opterr = 0;
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (option == OPT_HELP) {
			options_usage(stdout, prog);
			return 1;
		}
		if (option == '?' || option == ':') {
			fprintf(stderr, "%s: %s '%s'\nTry '%s --help'.\n", prog,
				optopt ? "missing value for" : "unknown option",
				argv[optind - 1], prog);
			return 2;
		}
		ret = parse_one(opts, option, optarg, prog);
		if (ret)
			return ret;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\nTry '%s --help'.\n",
			prog, argv[optind], prog);
		return 2;
	}
	if (opts->arrival == ARRIVAL_REPLAY && !opts->trace) {
		fprintf(stderr, "%s: --arrival replay needs --trace FILE\n", prog);
		return 2;
	}
	if (opts->trace && opts->arrival != ARRIVAL_REPLAY)
		opts->arrival = ARRIVAL_REPLAY;
	/* Depth shapes per-function groups only (so a sweep can pass one
	 * set of options to both modes). */
	if (opts->groups != GROUPS_PER_FUNCTION)
		opts->depth = 1;
	if (!opts->clients)
		opts->clients = opts->workers;
	if (opts->slo_us <= 0)
		opts->slo_us = 10.0 * opts->service_us;
	return 0;
}
