// SPDX-License-Identifier: GPL-2.0
/*
 * lags-calibrate: the extra CPU time a request needs when other cgroups
 * ran on its CPU since it last ran, measured on the running kernel and
 * CPU, against working set and cgroups per CPU.
 *
 * Method (calibrate_ring.h has the details): for every working set W
 * and density N, N processes pinned to one CPU, each in its own cpu
 * cgroup (--no-cgroups: all in ours) with a private W KiB working set,
 * pass a token round-robin through pipes; each turn is one request (a
 * write to every 64-byte line of the working set, --passes times) whose
 * CPU time the process measures itself, so between two requests of one
 * process the other N-1 ran theirs.  The baseline is one process running
 * the same requests back to back.  Each (N, W) runs --warmup + --reps
 * turns per process; the sweep over all (N, W) is repeated --sweeps
 * times (densities in alternating order) and every figure is the median
 * over sweeps of the per-sweep medians.
 *
 * Output (a text table, '#' lines are comments):
 *   # cpu_model: NAME          /proc/cpuinfo "model name"
 *   # cpu_id, kernel, caches, thp, date, command, cgroups, cpu, loadavg,
 *   # sweeps, method and column descriptions
 *   groups_per_cpu working_set_kib extra_ns handoff_ns reps resume_ns baseline_ns
 * separated by tabs, one row per (N, W), N outer, both ascending:
 *   extra_ns     median over sweeps of (median CPU ns of a request after
 *                the other N-1 processes ran - median CPU ns of a
 *                back-to-back request of the same W); may be negative
 *                (noise) at N = 1
 *   handoff_ns   median over sweeps of the median wall ns from a token
 *                write to the return of the next process's read (switch
 *                cost including wakeup, scheduler and the pipe)
 *   reps         requests measured per process and sweep
 *   resume_ns, baseline_ns   the two medians behind extra_ns
 * switch_cost_load() (switch_cost.h) reads the first five columns.
 *
 * Exit status: 0 done; 1 failure (message says what and why); 2 bad
 * arguments; 3 interrupted by SIGINT/SIGTERM/SIGHUP (groups removed,
 * no output file written).
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "calibrate_host.h"
#include "calibrate_ring.h"
#include "cgroup_mounts.h"
#include "cgroup_tree.h"

#define MAX_POINTS 16
#define MAX_SWEEPS 15
#define MAX_GROUPS 1024

struct calibrate_options {
	unsigned ws_kib[MAX_POINTS], n_ws;
	unsigned groups[MAX_POINTS], n_groups;
	unsigned reps, warmup, sweeps, passes;
	int cpu;			/* -1: the highest CPU we may use */
	int no_cgroups, quiet;
	const char *out;		/* "-": stdout */
};

/* Per-sweep medians, in ns. */
struct calibrate_results {
	double resume[MAX_SWEEPS][MAX_POINTS][MAX_POINTS];	/* [s][g][w] */
	double handoff[MAX_SWEEPS][MAX_POINTS][MAX_POINTS];
	double baseline[MAX_SWEEPS][MAX_POINTS];		/* [s][w] */
};

struct calibrate_run {
	struct calibrate_options opts;
	struct cgroup_mount mount;
	sigset_t stop_signals;
	struct calibrate_results *results;
	FILE *out;			/* the temporary file, or stdout */
	char tmp_path[4096];
};

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
"usage: %s [OPTIONS]\n"
"Measures on the running kernel the extra CPU time a request needs when\n"
"other cgroups ran on its CPU in between, against working set and cgroups\n"
"per CPU, and the wall time of one handoff (switch including scheduler).\n"
"Needs root and a cpu cgroup controller (v1 or v2) unless --no-cgroups.\n"
"\n"
"  --ws-kib \"LIST\"     working sets in KiB (default \"16 64 256 1024 4096\")\n"
"  --groups \"LIST\"     cgroups (processes) per CPU (default \"1 2 4 8 16 32 64\")\n"
"  --reps R            measured requests per process and sweep (default 200)\n"
"  --warmup T          unmeasured turns per process first (default 5)\n"
"  --sweeps S          repetitions of the whole sweep, medians (default 3, max %d)\n"
"  --passes P          passes over the working set per request (default 1)\n"
"  --cpu C             the CPU to pin to (default: the highest allowed)\n"
"  --no-cgroups        processes only, all in our own cgroup\n"
"  --out FILE          calibration file (default: standard output)\n"
"  --quiet             no progress on standard error\n"
"  --help\n"
"Lists hold at most %d values, blank- or comma-separated.  Exit status: 0 done,\n"
"1 failure, 2 bad arguments, 3 interrupted (cgroups removed, no file written).\n",
		prog, MAX_SWEEPS, MAX_POINTS);
}

static int compare_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median of n values (sorted in place); the mean of the middle two. */
static double median_u64(uint64_t *values, size_t n)
{
	qsort(values, n, sizeof(*values), compare_u64);
	return n % 2 ? (double)values[n / 2] :
	       ((double)values[n / 2 - 1] + (double)values[n / 2]) / 2;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_double(double *values, size_t n)
{
	qsort(values, n, sizeof(*values), compare_double);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* "16 64,256" -> ascending distinct values in [1, max]; 0 or -1. */
static int parse_list(const char *text, unsigned *values, unsigned *n,
		      unsigned max, const char *what)
{
	char *copy = strdup(text), *save = NULL;
	unsigned count = 0;

	if (!copy)
		return -1;
	for (char *f = strtok_r(copy, " ,\t", &save); f;
	     f = strtok_r(NULL, " ,\t", &save)) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(f, &end, 10);
		if (errno || *end || *f == '-' || v < 1 || v > max) {
			fprintf(stderr, "lags-calibrate: %s: '%s' is not an integer "
				"in 1..%u\n", what, f, max);
			free(copy);
			return -1;
		}
		if (count == MAX_POINTS) {
			fprintf(stderr, "lags-calibrate: %s: more than %d values\n",
				what, MAX_POINTS);
			free(copy);
			return -1;
		}
		values[count++] = (unsigned)v;
	}
	free(copy);
	if (!count) {
		fprintf(stderr, "lags-calibrate: %s: empty list\n", what);
		return -1;
	}
	qsort(values, count, sizeof(*values), compare_unsigned);
	*n = 0;
	for (unsigned i = 0; i < count; i++)
		if (!*n || values[*n - 1] != values[i])
			values[(*n)++] = values[i];
	return 0;
}

static int parse_count(const char *text, unsigned *out, unsigned min,
		       unsigned max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || *text == '-' || !*text || v < min || v > max) {
		fprintf(stderr, "lags-calibrate: %s: '%s' is not an integer in "
			"%u..%u\n", what, text, min, max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* 0; 1 for --help; 2 on bad arguments. */
static int parse_options(int argc, char **argv, struct calibrate_options *o)
{
	enum { O_WS = 256, O_GROUPS, O_REPS, O_WARMUP, O_SWEEPS, O_PASSES,
	       O_CPU, O_NOCG, O_OUT, O_QUIET, O_HELP };
	static const struct option long_options[] = {
		{ "ws-kib", required_argument, NULL, O_WS },
		{ "groups", required_argument, NULL, O_GROUPS },
		{ "reps", required_argument, NULL, O_REPS },
		{ "warmup", required_argument, NULL, O_WARMUP },
		{ "sweeps", required_argument, NULL, O_SWEEPS },
		{ "passes", required_argument, NULL, O_PASSES },
		{ "cpu", required_argument, NULL, O_CPU },
		{ "no-cgroups", no_argument, NULL, O_NOCG },
		{ "out", required_argument, NULL, O_OUT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	unsigned cpu = 0;
	int option, bad = 0;

	memset(o, 0, sizeof(*o));
	parse_list("16 64 256 1024 4096", o->ws_kib, &o->n_ws, 1u << 20, "--ws-kib");
	parse_list("1 2 4 8 16 32 64", o->groups, &o->n_groups, MAX_GROUPS,
		   "--groups");
	o->reps = 200;
	o->warmup = 5;
	o->sweeps = 3;
	o->passes = 1;
	o->cpu = -1;
	o->out = "-";
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case O_WS:
			bad |= parse_list(optarg, o->ws_kib, &o->n_ws, 1u << 20,
					  "--ws-kib");
			break;
		case O_GROUPS:
			bad |= parse_list(optarg, o->groups, &o->n_groups,
					  MAX_GROUPS, "--groups");
			break;
		case O_REPS:
			bad |= parse_count(optarg, &o->reps, 1, 1000000, "--reps");
			break;
		case O_WARMUP:
			bad |= parse_count(optarg, &o->warmup, 0, 1000000, "--warmup");
			break;
		case O_SWEEPS:
			bad |= parse_count(optarg, &o->sweeps, 1, MAX_SWEEPS,
					   "--sweeps");
			break;
		case O_PASSES:
			bad |= parse_count(optarg, &o->passes, 1, 1000, "--passes");
			break;
		case O_CPU:
			bad |= parse_count(optarg, &cpu, 0, CPU_SETSIZE - 1, "--cpu");
			o->cpu = (int)cpu;
			break;
		case O_NOCG:
			o->no_cgroups = 1;
			break;
		case O_OUT:
			o->out = optarg;
			break;
		case O_QUIET:
			o->quiet = 1;
			break;
		case O_HELP:
			usage(stdout, argv[0]);
			return 1;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lags-calibrate: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	return bad ? 2 : 0;
}

/* The CPU to pin to: the requested one if allowed, else the highest. */
static int choose_cpu(int requested)
{
	cpu_set_t allowed;

	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		fprintf(stderr, "lags-calibrate: sched_getaffinity: %s\n",
			strerror(errno));
		return -1;
	}
	if (requested >= 0) {
		if (!CPU_ISSET(requested, &allowed)) {
			fprintf(stderr, "lags-calibrate: --cpu %d: not in our "
				"affinity mask (offline or excluded)\n", requested);
			return -1;
		}
		return requested;
	}
	for (int cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
		if (CPU_ISSET(cpu, &allowed))
			return cpu;
	fprintf(stderr, "lags-calibrate: no CPU in our affinity mask\n");
	return -1;
}

/*
 * One (N, W) point: creates N groups, runs the ring (or the baseline),
 * removes the groups.  Medians to resume_ns/handoff_ns.  0; -1 failed;
 * 3 interrupted.
 */
static int measure_point(struct calibrate_run *run, unsigned processes,
			 unsigned ws_kib, int back_to_back, double *resume_ns,
			 double *handoff_ns)
{
	const struct calibrate_options *o = &run->opts;
	unsigned reps = back_to_back ? 4 * o->reps : o->reps;
	struct ring_config config = {
		.processes = processes, .working_set_kib = ws_kib,
		.passes = o->passes, .warmup = o->warmup, .reps = reps,
		.cpu = o->cpu, .back_to_back = back_to_back,
		.stop_signals = &run->stop_signals,
	};
	struct cgroup_request request = {
		.groups = GROUPS_PER_FUNCTION, .functions = processes, .depth = 1,
	};
	size_t n = (size_t)processes * reps;
	struct ring_sample *samples = calloc(n, sizeof(*samples));
	uint64_t *values = calloc(n, sizeof(*values));
	struct cgroup_tree tree;
	char err[1024], err2[1024];
	int stopped = 0, ret = -1;

	if (!samples || !values) {
		fprintf(stderr, "lags-calibrate: out of memory for %zu samples\n", n);
		goto out;
	}
	if (!o->no_cgroups) {
		if (cgroup_tree_create(&tree, &run->mount, &request, err,
				       sizeof(err))) {
			fprintf(stderr, "lags-calibrate: creating %u cgroups: %s\n",
				processes, err);
			goto out;
		}
		config.group_dirs = tree.function_group;
	}
	ret = ring_run(&config, samples, &stopped, err, sizeof(err));
	if (ret)
		fprintf(stderr, "lags-calibrate: %u processes, %u KiB: %s\n",
			processes, ws_kib, err);
	if (!o->no_cgroups && cgroup_tree_remove(&tree, err2, sizeof(err2))) {
		fprintf(stderr, "lags-calibrate: removing the cgroups: %s\n", err2);
		ret = -1;
	}
	if (ret)
		goto out;
	for (size_t i = 0; i < n; i++)
		values[i] = samples[i].request_cpu_ns;
	*resume_ns = median_u64(values, n);
	for (size_t i = 0; i < n; i++)
		values[i] = samples[i].handoff_ns;
	*handoff_ns = median_u64(values, n);
out:
	free(samples);
	free(values);
	return stopped ? 3 : ret;
}

static int run_sweeps(struct calibrate_run *run)
{
	const struct calibrate_options *o = &run->opts;
	struct calibrate_results *r = run->results;

	for (unsigned s = 0; s < o->sweeps; s++)
		for (unsigned wi = 0; wi < o->n_ws; wi++) {
			unsigned w = s % 2 ? o->n_ws - 1 - wi : wi;
			double ignored;
			int ret;

			ret = measure_point(run, 1, o->ws_kib[w], 1,
					    &r->baseline[s][w], &ignored);
			if (ret)
				return ret;
			for (unsigned gi = 0; gi < o->n_groups; gi++) {
				unsigned g = s % 2 ? o->n_groups - 1 - gi : gi;

				ret = measure_point(run, o->groups[g], o->ws_kib[w], 0,
						    &r->resume[s][g][w],
						    &r->handoff[s][g][w]);
				if (ret)
					return ret;
				if (!o->quiet)
					fprintf(stderr, "sweep %u/%u: %3u groups %5u KiB: "
						"request %.0f ns (back to back %.0f), "
						"handoff %.0f ns\n", s + 1, o->sweeps,
						o->groups[g], o->ws_kib[w],
						r->resume[s][g][w], r->baseline[s][w],
						r->handoff[s][g][w]);
			}
		}
	return 0;
}

static void write_header(FILE *out, const struct calibrate_run *run,
			 int argc, char **argv, const char *load_start)
{
	const struct calibrate_options *o = &run->opts;
	struct host_info host;
	char date[64], load_end[128], thp[128] = "unknown";
	time_t now = time(NULL);
	FILE *in;

	host_info_read(&host, "/proc/cpuinfo", "/sys/devices/system/cpu", o->cpu);
	host_loadavg(load_end, sizeof(load_end));
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	in = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (in) {
		if (fgets(thp, sizeof(thp), in))
			thp[strcspn(thp, "\n")] = '\0';
		fclose(in);
	}
	fprintf(out, "# lags-calibrate: extra CPU time of a request that resumes "
		"after other cgroups ran on its CPU\n");
	fprintf(out, "# cpu_model: %s\n", host.cpu_model);
	fprintf(out, "# cpu_id: %s\n", host.cpu_id);
	fprintf(out, "# kernel: %s\n", host.kernel);
	fprintf(out, "# caches (cpu %d): %s\n", o->cpu, host.caches);
	fprintf(out, "# transparent_hugepage: %s\n", thp);
	fprintf(out, "# date: %s\n", date);
	fprintf(out, "# command:");
	for (int i = 0; i < argc; i++)
		fprintf(out, " %s", i ? argv[i] : "lags-calibrate");
	fprintf(out, "\n# cgroups: %s\n", o->no_cgroups ?
		"none (--no-cgroups): all processes in one cgroup" :
		run->mount.version == 2 ? "v2, one cpu cgroup per process" :
		"v1, one cpu cgroup per process");
	fprintf(out, "# cpu %d (every process pinned); passes per request %u; "
		"warm-up turns %u; measured requests per process and sweep %u "
		"(baseline %u); sweeps %u\n", o->cpu, o->passes, o->warmup,
		o->reps, 4 * o->reps, o->sweeps);
	fprintf(out, "# loadavg: start %s; end %s\n", load_start, load_end);
	fprintf(out, "# extra_ns: median over sweeps of (median CPU ns of a "
		"request after the other groups_per_cpu-1 processes ran one "
		"request each - median CPU ns of back-to-back requests)\n");
	fprintf(out, "# handoff_ns: median over sweeps of the median wall ns "
		"from a token write to the return of the next process's read\n");
	fprintf(out, "# columns: groups_per_cpu working_set_kib extra_ns "
		"handoff_ns reps resume_ns baseline_ns\n");
}

static void write_rows(FILE *out, const struct calibrate_run *run)
{
	const struct calibrate_options *o = &run->opts;
	const struct calibrate_results *r = run->results;

	for (unsigned g = 0; g < o->n_groups; g++)
		for (unsigned w = 0; w < o->n_ws; w++) {
			double extra[MAX_SWEEPS], handoff[MAX_SWEEPS];
			double resume[MAX_SWEEPS], base[MAX_SWEEPS];

			for (unsigned s = 0; s < o->sweeps; s++) {
				extra[s] = r->resume[s][g][w] - r->baseline[s][w];
				handoff[s] = r->handoff[s][g][w];
				resume[s] = r->resume[s][g][w];
				base[s] = r->baseline[s][w];
			}
			fprintf(out, "%u\t%u\t%.0f\t%.0f\t%u\t%.0f\t%.0f\n",
				o->groups[g], o->ws_kib[w],
				median_double(extra, o->sweeps),
				median_double(handoff, o->sweeps), o->reps,
				median_double(resume, o->sweeps),
				median_double(base, o->sweeps));
		}
}

/*
 * Opens the temporary file next to --out (so that a run that cannot
 * write its result fails before it measures); 0 or -1.
 */
static int open_output(struct calibrate_run *run)
{
	if (strcmp(run->opts.out, "-") == 0) {
		run->out = stdout;
		return 0;
	}
	snprintf(run->tmp_path, sizeof(run->tmp_path), "%s.tmp.%d",
		 run->opts.out, (int)getpid());
	run->out = fopen(run->tmp_path, "w");
	if (!run->out) {
		fprintf(stderr, "lags-calibrate: cannot write %s: %s\n",
			run->tmp_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes the table and renames the temporary file; 0 or -1. */
static int write_output(struct calibrate_run *run, int argc, char **argv,
			const char *load_start)
{
	FILE *out = run->out;

	run->out = NULL;
	write_header(out, run, argc, argv, load_start);
	write_rows(out, run);
	if (out == stdout)
		return fflush(out) ? -1 : 0;
	if (ferror(out) | fclose(out) || rename(run->tmp_path, run->opts.out)) {
		fprintf(stderr, "lags-calibrate: writing %s: %s\n", run->opts.out,
			strerror(errno));
		unlink(run->tmp_path);
		return -1;
	}
	return 0;
}

/* Drops the temporary file of a run that wrote nothing. */
static void discard_output(struct calibrate_run *run)
{
	if (!run->out || run->out == stdout)
		return;
	fclose(run->out);
	unlink(run->tmp_path);
	run->out = NULL;
}

int main(int argc, char **argv)
{
	struct calibrate_run run;
	char err[1024], load_start[128];
	int ret;

	memset(&run, 0, sizeof(run));
	ret = parse_options(argc, argv, &run.opts);
	if (ret)
		return ret == 1 ? 0 : 2;
	run.opts.cpu = choose_cpu(run.opts.cpu);
	if (run.opts.cpu < 0)
		return 1;
	sigemptyset(&run.stop_signals);
	sigaddset(&run.stop_signals, SIGINT);
	sigaddset(&run.stop_signals, SIGTERM);
	sigaddset(&run.stop_signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &run.stop_signals, NULL);
	if (!run.opts.no_cgroups &&
	    cgroup_find_cpu_mount("/proc/self/mountinfo", "/proc/self/cgroup",
				  &run.mount, err, sizeof(err))) {
		fprintf(stderr, "lags-calibrate: no cpu cgroup controller: %s "
			"(--no-cgroups measures without cgroups)\n", err);
		return 1;
	}
	run.results = calloc(1, sizeof(*run.results));
	if (!run.results) {
		fprintf(stderr, "lags-calibrate: out of memory\n");
		return 1;
	}
	if (open_output(&run)) {
		free(run.results);
		return 1;
	}
	host_loadavg(load_start, sizeof(load_start));
	ret = run_sweeps(&run);
	if (ret == 3) {
		fprintf(stderr, "lags-calibrate: interrupted; cgroups removed, "
			"nothing written\n");
	} else if (ret == 0 && write_output(&run, argc, argv, load_start)) {
		ret = 1;
	} else if (ret) {
		ret = 1;
	}
	discard_output(&run);
	free(run.results);
	return ret;
}
