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
	[ARRIVAL_AZURE] = "azure",
};

static const char *const group_names[] = {
	[GROUPS_PER_FUNCTION] = "per-function",
	[GROUPS_SINGLE] = "single",
	[GROUPS_NONE] = "none",
};

static const char *const generator_names[] = {
	[GENERATOR_SELF] = "self",
	[GENERATOR_FIFO] = "fifo",
	[GENERATOR_FAIR] = "fair",
};

/*
 * Named option sets, applied before the command line (so an explicit
 * option wins).  Documentation/bench.rst explains each.
 */
struct preset {
	const char *name;
	const char *const args[24];
};

static const struct preset presets[] = {
	{ "dense", { "--per-cpu", "32", "--load", "0.9", "--service", "fixed",
		     "--service-us", "2000", "--zipf", "1", NULL } },
	{ "high-rate", { "--per-cpu", "64", "--load", "0.9", "--service",
			 "lognormal", "--service-us", "400", "--bursts", "4",
			 "--io-us", "200", "--io-shape", "exp", "--zipf", "1",
			 NULL } },
	{ "azure", { "--per-cpu", "64", "--load", "0.9", "--arrival", "azure",
		     "--service-us", "2000", "--bursts", "2", "--io-us", "500",
		     "--io-shape", "lognormal", NULL } },
};

const char *generator_mode_name(enum generator_mode mode)
{
	return generator_names[mode];
}

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
	opts->generator = GENERATOR_SELF;
	opts->fifo_priority = 50;
	opts->bursts = 1;
	opts->io_shape = SERVICE_EXPONENTIAL;
	opts->fanout = 1;
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
"  --preset NAME        dense|high-rate|azure: a named set of the options\n"
"                       below (explicit options win; see bench.rst)\n"
"  --per-cpu K          K functions per capacity CPU (the last of\n"
"                       --functions and --per-cpu wins)\n"
"  --workers K          worker threads per function (1)\n"
"  --bursts N           CPU bursts per request, service split evenly (1)\n"
"  --io-us US           mean blocking wait between bursts (0: none)\n"
"  --io-shape SHAPE     its distribution, as --service (exp)\n"
"  --fanout F           threads per burst: the worker and F-1 helpers\n"
"                       share each burst and join (1)\n"
"  --service SHAPE      fixed|exp|lognormal|bimodal|pareto service\n"
"                       times (exp)\n"
"  --service-us US      mean CPU time per request (2000)\n"
"  --working-set-kib W  private memory each worker touches (64)\n"
"  --arrival MODE       poisson|onoff|closed|synthetic|replay|azure\n"
"                       (poisson; azure: Documentation/bench.rst)\n"
"  --zipf S             popularity exponent across functions, 0 = even (1)\n"
"  --on-ms MS --off-ms MS  burst periods of onoff/synthetic (100/100)\n"
"  --clients C          closed loop: requests in flight per function\n"
"                       (default: --workers)\n"
"  --trace FILE         replay CSV: time_us,function,service_us\n"
"  --generator G        self: each function sleeps until its own next\n"
"                       arrival (default for open-loop arrivals);\n"
"                       fifo: one SCHED_FIFO dispatcher thread, like\n"
"                       network receive (default for closed and replay);\n"
"                       fair: one SCHED_OTHER dispatcher (the v1 bench)\n"
"  --fifo-priority P    priority of the fifo dispatcher (50)\n"
"  --cost-model FILE    charge each handover the CPU time a calibration\n"
"                       file (lags-calibrate) gives for this working set\n"
"                       and density (off by default)\n"
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
	OPT_LABEL, OPT_QUIET, OPT_GENERATOR, OPT_FIFO_PRIORITY, OPT_BURSTS,
	OPT_IO_US, OPT_IO_SHAPE, OPT_FANOUT, OPT_COST_MODEL, OPT_PRESET,
	OPT_PER_CPU,
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
	{ "generator", required_argument, NULL, OPT_GENERATOR },
	{ "fifo-priority", required_argument, NULL, OPT_FIFO_PRIORITY },
	{ "bursts", required_argument, NULL, OPT_BURSTS },
	{ "io-us", required_argument, NULL, OPT_IO_US },
	{ "io-shape", required_argument, NULL, OPT_IO_SHAPE },
	{ "fanout", required_argument, NULL, OPT_FANOUT },
	{ "cost-model", required_argument, NULL, OPT_COST_MODEL },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "per-cpu", required_argument, NULL, OPT_PER_CPU },
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
		if (parse_unsigned(arg, 1, MAX_FUNCTIONS, &opts->functions))
			return bad(prog, name, arg, "an integer from 1 to 100000");
		opts->per_cpu = 0;	/* the last of the two wins */
		break;
	case OPT_SECONDS:
		if (parse_double(arg, 0.1, 1e7, &opts->seconds))
			return bad(prog, name, arg, "seconds, at least 0.1");
		break;
	case OPT_LOAD:
		if (parse_double(arg, 0.001, 100.0, &opts->load))
			return bad(prog, name, arg, "a fraction of capacity from 0.001 to 100");
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
			return bad(prog, name, arg,
				   "fixed, exp, lognormal, bimodal or pareto");
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
			   "poisson, onoff, closed, synthetic, replay or azure");
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
	case OPT_GENERATOR:
		for (unsigned i = 0; i < sizeof(generator_names) / sizeof(*generator_names); i++)
			if (strcmp(arg, generator_names[i]) == 0) {
				opts->generator = (enum generator_mode)i;
				opts->generator_given = 1;
				return 0;
			}
		return bad(prog, name, arg, "self, fifo or fair");
	case OPT_FIFO_PRIORITY:
		if (parse_unsigned(arg, 1, 99, &opts->fifo_priority))
			return bad(prog, name, arg, "a SCHED_FIFO priority from 1 to 99");
		break;
	case OPT_BURSTS:
		if (parse_unsigned(arg, 1, 1000, &opts->bursts))
			return bad(prog, name, arg, "an integer from 1 to 1000");
		break;
	case OPT_IO_US:
		if (parse_double(arg, 0.0, 1e7, &opts->io_us))
			return bad(prog, name, arg, "microseconds from 0 to 1e7");
		break;
	case OPT_IO_SHAPE:
		if (service_shape_parse(arg, &opts->io_shape))
			return bad(prog, name, arg,
				   "fixed, exp, lognormal, bimodal or pareto");
		break;
	case OPT_FANOUT:
		if (parse_unsigned(arg, 1, 64, &opts->fanout))
			return bad(prog, name, arg, "an integer from 1 to 64");
		break;
	case OPT_COST_MODEL:
		opts->cost_model = arg;
		break;
	case OPT_PER_CPU:
		if (parse_unsigned(arg, 1, 4096, &opts->per_cpu))
			return bad(prog, name, arg, "an integer from 1 to 4096");
		break;
	case OPT_PRESET:
		break;		/* applied before the command line */
	}
	return 0;
}

/* Applies --preset NAME (the last one given); 0, or 2 after a message. */
static int apply_preset(struct bench_options *opts, int argc, char **argv)
{
	const char *prog = argv[0], *name = NULL;
	const struct preset *preset = NULL;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--preset") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strncmp(argv[i], "--preset=", 9) == 0)
			name = argv[i] + 9;
	}
	if (!name)
		return 0;
	for (size_t i = 0; i < sizeof(presets) / sizeof(*presets); i++)
		if (strcmp(name, presets[i].name) == 0)
			preset = &presets[i];
	if (!preset)
		return bad(prog, "preset", name, "dense, high-rate or azure");
	opts->preset = preset->name;
	for (int i = 0; preset->args[i]; i += 2) {
		int option = 0;

		for (const struct option *o = long_options; o->name; o++)
			if (strcmp(preset->args[i] + 2, o->name) == 0)
				option = o->val;
		ret = parse_one(opts, option, preset->args[i + 1], prog);
		if (ret)
			return ret;
	}
	return 0;
}

int options_parse(struct bench_options *opts, int argc, char **argv)
{
	const char *prog = argv[0];
	int option, ret;

	ret = apply_preset(opts, argc, argv);
	if (ret)
		return ret;
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
	if (opts->io_us > 0 && opts->bursts < 2) {
		fprintf(stderr, "%s: --io-us waits between CPU bursts: it needs "
			"--bursts 2 or more\n", prog);
		return 2;
	}
	/* Closed loop and replay need a dispatcher: fifo unless told. */
	if (opts->arrival == ARRIVAL_CLOSED || opts->arrival == ARRIVAL_REPLAY) {
		if (opts->generator_given && opts->generator == GENERATOR_SELF) {
			fprintf(stderr, "%s: --generator self needs open-loop "
				"arrivals (not --arrival %s): use fifo or fair\n",
				prog, arrival_mode_name(opts->arrival));
			return 2;
		}
		if (!opts->generator_given)
			opts->generator = GENERATOR_FIFO;
	}
	if (opts->slo_us <= 0)
		opts->slo_us = 10.0 * opts->service_us;
	return 0;
}
