// SPDX-License-Identifier: GPL-2.0
/*
 * faas-node-bench: a dense serverless node in one command.  See
 * Documentation/bench.rst and --help.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "arrivals.h"
#include "cgroup_mounts.h"
#include "cgroup_tree.h"
#include "clock.h"
#include "dispatcher.h"
#include "function_process.h"
#include "function_stream.h"
#include "options.h"
#include "proc_counters.h"
#include "report.h"
#include "switch_cost.h"

#define PROG "faas-node-bench"
#define EXIT_FAILED 1
#define EXIT_INTERRUPTED 3
#define PROGRESS_EVERY_NS (5ULL * NSEC_PER_SEC)
#define CHILD_EXIT_TIMEOUT_NS (10ULL * NSEC_PER_SEC)
#define WINDOW_LEAD_NS (20ULL * 1000 * 1000)

struct run_state {
	struct bench_options opts;
	struct cgroup_mount mount;
	struct cgroup_tree tree;
	int have_tree;
	struct arrival_source source;
	struct function_stream *streams;	/* self-timed: per function */
	struct switch_cost_model cost_model;
	struct function_set functions;
	struct dispatcher dispatcher;
	struct run_report report;
	sigset_t stop_signals;
	int interrupted_by;
};

static unsigned capacity_cpus(const struct bench_options *opts)
{
	cpu_set_t set;

	if (opts->cpus)
		return opts->cpus;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	return 1;
}

/* CPUs that can exist (the size of the handover table). */
static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (unsigned)n : 1;
}

static void raise_fd_limit(unsigned functions)
{
	struct rlimit limit;
	rlim_t need = (rlim_t)functions * 2 + 64;

	if (getrlimit(RLIMIT_NOFILE, &limit) || limit.rlim_cur >= need)
		return;
	limit.rlim_cur = need < limit.rlim_max ? need : limit.rlim_max;
	setrlimit(RLIMIT_NOFILE, &limit);
}

static int setup_cgroups(struct run_state *s)
{
	char err[512];
	struct cgroup_request request = {
		.groups = s->opts.groups,
		.functions = s->opts.functions,
		.depth = s->opts.depth,
		.weight = s->opts.weight,
		.cpu_max_us = s->opts.cpu_max_us,
		.base = s->opts.cgroup_root,
	};

	if (s->opts.groups == GROUPS_NONE) {
		s->report.cgroup_version = 0;
		return cgroup_tree_create(&s->tree, &s->mount, &request, err,
					  sizeof(err)) ? -1 : 0;
	}
	if (cgroup_find_cpu_mount("/proc/self/mountinfo", "/proc/self/cgroup",
				  &s->mount, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return -1;
	}
	if (cgroup_tree_create(&s->tree, &s->mount, &request, err, sizeof(err))) {
		fprintf(stderr, PROG ": creating cgroups: %s\n", err);
		return -1;
	}
	s->have_tree = 1;
	s->report.cgroup_version = s->mount.version;
	s->report.cgroup_parent = s->tree.parent;
	return 0;
}

static int remove_cgroups(struct run_state *s)
{
	char err[512];

	if (!s->have_tree) {
		free(s->tree.function_group);
		s->tree.function_group = NULL;
		return 0;
	}
	s->have_tree = 0;
	if (cgroup_tree_remove(&s->tree, err, sizeof(err))) {
		fprintf(stderr, PROG ": removing cgroups: %s\n", err);
		return -1;
	}
	return 0;
}

static int setup_arrivals(struct run_state *s)
{
	char err[512];
	struct arrival_params params = {
		.mode = s->opts.arrival,
		.functions = s->opts.functions,
		.rate_per_s = arrival_rate_for_load(s->opts.load, s->report.cpus,
						    s->opts.service_us * 1e3),
		.on_ms = s->opts.on_ms,
		.off_ms = s->opts.off_ms,
		.zipf = s->opts.zipf,
		.service = s->opts.service,
		.service_mean_ns = s->opts.service_us * 1e3,
		.seed = s->opts.seed,
		.trace = s->opts.trace,
	};

	if (s->opts.arrival != ARRIVAL_CLOSED && s->opts.arrival != ARRIVAL_REPLAY)
		s->report.offered_rate_per_s = params.rate_per_s;
	if (arrival_source_init(&s->source, &params, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return -1;
	}
	if (s->opts.generator != GENERATOR_SELF)
		return 0;
	s->streams = calloc(s->opts.functions, sizeof(*s->streams));
	if (!s->streams) {
		fprintf(stderr, PROG ": out of memory for %u arrival streams\n",
			s->opts.functions);
		return -1;
	}
	for (unsigned f = 0; f < s->opts.functions; f++)
		if (function_stream_init(&s->streams[f], &s->source, &params, f,
					 err, sizeof(err))) {
			fprintf(stderr, PROG ": %s\n", err);
			return -1;
		}
	return 0;
}

/* --cost-model: the CPU time a handover costs at this density. */
static int setup_cost_model(struct run_state *s)
{
	char err[512];

	if (!s->opts.cost_model)
		return 0;
	if (switch_cost_load(&s->cost_model, s->opts.cost_model, err,
			     sizeof(err))) {
		fprintf(stderr, PROG ": --cost-model: %s\n", err);
		return -1;
	}
	s->report.cost_model = &s->cost_model;
	s->report.handover_cost_ns =
		switch_cost_ns(&s->cost_model, s->opts.working_set_kib,
			       (double)s->opts.functions / s->report.cpus);
	return 0;
}

/* Creates a thread running fn(arg), SCHED_FIFO for --generator fifo. */
static int create_generator_thread(const struct bench_options *opts,
				   pthread_t *thread, void *(*fn)(void *),
				   void *arg)
{
	struct sched_param param = { .sched_priority = (int)opts->fifo_priority };
	pthread_attr_t attr;
	int ret;

	pthread_attr_init(&attr);
	if (opts->generator == GENERATOR_FIFO) {
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &param);
	}
	ret = pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (ret == EPERM)
		fprintf(stderr, PROG ": --generator fifo: a SCHED_FIFO thread "
			"is not permitted here: it needs CAP_SYS_NICE (or an "
			"RLIMIT_RTPRIO of %u) and, with RT group scheduling, RT "
			"runtime in this cgroup (cpu.rt_runtime_us); try "
			"--generator self\n", opts->fifo_priority);
	else if (ret)
		fprintf(stderr, PROG ": cannot start the dispatcher thread: %s\n",
			strerror(ret));
	return ret ? -1 : 0;
}

static void *no_op_thread(void *arg)
{
	return arg;
}

/* Fails early, before any cgroup or process exists, when the dispatcher
 * could not get its scheduling class. */
static int probe_generator_thread(const struct bench_options *opts)
{
	pthread_t thread;

	if (opts->generator != GENERATOR_FIFO)
		return 0;
	if (create_generator_thread(opts, &thread, no_op_thread, NULL))
		return -1;
	pthread_join(thread, NULL);
	return 0;
}

/* Starts the dispatcher thread, SCHED_FIFO for --generator fifo. */
static int start_dispatcher(struct run_state *s, pthread_t *thread)
{
	return create_generator_thread(&s->opts, thread, dispatcher_main,
				       &s->dispatcher);
}

/* Waits for the measured window (or a signal), showing progress. */
static void wait_for_window(struct run_state *s)
{
	struct timespec tick = { 0, 200 * 1000 * 1000 };
	uint64_t next_progress = s->dispatcher.start_ns + PROGRESS_EVERY_NS;
	int show = !s->opts.quiet && s->opts.seconds > 5;

	while (!atomic_load(&s->dispatcher.finished)) {
		uint64_t now = monotonic_ns();
		int sig;

		/* Self-timed: no dispatcher thread; wake at the window's end. */
		if (s->opts.generator == GENERATOR_SELF) {
			uint64_t left = s->dispatcher.end_ns > now ?
					s->dispatcher.end_ns - now : 0;

			if (left < (uint64_t)tick.tv_nsec)
				tick.tv_nsec = (long)(left ? left : 1);
		}
		sig = sigtimedwait(&s->stop_signals, NULL, &tick);
		now = monotonic_ns();
		if (s->opts.generator == GENERATOR_SELF && now >= s->dispatcher.end_ns) {
			s->dispatcher.stopped_ns = s->dispatcher.end_ns;
			atomic_store(&s->dispatcher.finished, 1);
		}
		if (sig > 0) {
			s->interrupted_by = sig;
			atomic_store(&s->dispatcher.stop, 1);
			function_set_abandon(&s->functions);
			/* The window ends here (the dispatcher, if any, sets
			 * its own stop time when it has noticed). */
			if (s->opts.generator == GENERATOR_SELF ||
			    !s->dispatcher.stopped_ns)
				s->dispatcher.stopped_ns = now;
			return;
		}
		if (show && now >= next_progress) {
			fprintf(stderr, PROG ": %.0f/%.0f s, %llu requests done\n",
				(double)(now - s->dispatcher.start_ns) / 1e9,
				s->opts.seconds,
				(unsigned long long)function_set_completed(&s->functions));
			next_progress += PROGRESS_EVERY_NS;
		}
	}
}

/* All requests of the window are done (self-timed: all workers left). */
static int window_served(struct run_state *s)
{
	if (s->opts.generator == GENERATOR_SELF)
		return function_set_workers_done(&s->functions) ==
		       (uint64_t)s->opts.functions * s->opts.workers;
	return function_set_completed(&s->functions) >=
	       atomic_load(&s->dispatcher.issued) - s->dispatcher.dropped;
}

/* Lets queued requests finish (bounded), unless interrupted. */
static void drain(struct run_state *s)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	struct timespec no_wait = { 0, 0 };
	uint64_t deadline = monotonic_ns() +
			    (uint64_t)(s->opts.drain_seconds * 1e9);

	while (!s->interrupted_by && monotonic_ns() < deadline &&
	       !window_served(s)) {
		int sig = sigtimedwait(&s->stop_signals, NULL, &no_wait);

		if (sig > 0)
			s->interrupted_by = sig;
		else
			nanosleep(&tick, NULL);
	}
	function_set_abandon(&s->functions);
}

static double rusage_cpu_s(const struct rusage *u)
{
	return (double)u->ru_utime.tv_sec + u->ru_utime.tv_usec / 1e6 +
	       (double)u->ru_stime.tv_sec + u->ru_stime.tv_usec / 1e6;
}

static void summarise_functions(struct run_state *s)
{
	struct run_report *r = &s->report;
	struct histogram *merged = malloc(sizeof(*merged));

	if (!merged)
		return;
	hist_init(&r->latency);
	for (unsigned i = 0; i < s->opts.functions; i++) {
		struct function_summary *f = &r->functions[i];
		const struct rusage *u = &s->functions.usage[i];
		uint64_t issued = 0;

		hist_init(merged);
		for (unsigned w = 0; w < s->opts.workers; w++) {
			struct worker_slot *slot = function_slot(&s->functions, i, w);

			hist_merge(merged, &slot->latency);
			f->within_slo += slot->within_slo;
			f->completed_in_window += slot->completed_in_window;
			/* The window only: the threads' own switches and CPU
			 * from the start of the window to their exit. */
			f->voluntary += slot->voluntary;
			f->involuntary += slot->involuntary;
			f->cpu_s += slot->cpu_ns / 1e9;
			f->handovers += slot->handovers;
			f->charged_ns += slot->charged_ns;
			r->io_waits += slot->io_waits;
			issued += slot->issued;
			/* Self-timed runs have no dispatcher: the functions'
			 * own timer lag takes the place of the dispatch lag. */
			if (s->opts.generator == GENERATOR_SELF)
				hist_merge(&r->dispatch_lag, &slot->timer_lag);
		}
		hist_merge(&r->latency, merged);
		f->completed = merged->count;
		if (s->opts.generator == GENERATOR_SELF) {
			f->issued = issued;
			f->dropped = 0;
			r->issued += issued;
		} else {
			f->issued = s->dispatcher.issued_per_function[i];
			f->dropped = s->dispatcher.dropped_per_function[i];
		}
		f->mean_ns = hist_mean(merged);
		f->p50_ns = hist_percentile(merged, 50);
		f->p99_ns = hist_percentile(merged, 99);
		f->max_ns = merged->count ? merged->max : 0;
		f->setup_cpu_s = rusage_cpu_s(u) - f->cpu_s;
		f->expected_share = s->opts.arrival == ARRIVAL_REPLAY ? 0.0 :
				    arrival_function_share(&s->source, i);
		f->cgroup = s->tree.function_group && s->tree.function_group[i] ?
			    strdup(s->tree.function_group[i]) : NULL;
		r->within_slo += f->within_slo;
		r->completed_in_window += f->completed_in_window;
		r->handovers += f->handovers;
		r->charged_ns += f->charged_ns;
		r->voluntary += f->voluntary;
		r->involuntary += f->involuntary;
		r->function_cpu_s += f->cpu_s;
	}
	r->completed = r->latency.count;
	free(merged);
}


static int run(struct run_state *s)
{
	struct function_config config = {
		.functions = s->opts.functions,
		.workers = s->opts.workers,
		.working_set_kib = s->opts.working_set_kib,
		.slo_ns = s->report.slo_ns,
		.closed_loop = s->opts.arrival == ARRIVAL_CLOSED,
		.cgroup_dirs = s->tree.function_group,
		.shape = {
			.bursts = s->opts.bursts,
			.io_mean_ns = s->opts.io_us * 1e3,
			.io_shape = s->opts.io_shape,
			.fanout = s->opts.fanout,
			.handover_cost_ns = s->report.handover_cost_ns,
		},
		.cpus = online_cpus(),
		.seed = s->opts.seed,
		.streams = s->streams,
	};
	int self_timed = s->opts.generator == GENERATOR_SELF;
	struct cpu_times cpu_before, cpu_after;
	struct lags_stats lags_before, lags_after;
	struct rusage self_before, self_after;
	pthread_t thread;
	char err[512];
	uint64_t end_ns;
	int failed;

	if (function_set_start(&s->functions, &config, err, sizeof(err))) {
		fprintf(stderr, PROG ": starting functions: %s\n", err);
		return -1;
	}
	if (dispatcher_init(&s->dispatcher, s->opts.functions)) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	s->dispatcher.source = &s->source;
	s->dispatcher.functions = &s->functions;
	s->dispatcher.closed_loop = config.closed_loop;
	s->dispatcher.clients = s->opts.clients;

	read_lags_stats(LAGS_STATS_PATH, &lags_before);
	read_cpu_times("/proc/stat", &cpu_before);
	getrusage(RUSAGE_SELF, &self_before);
	/* A short lead, so that every worker is asleep (or reading its pipe)
	 * before the first request is due. */
	s->dispatcher.start_ns = monotonic_ns() + WINDOW_LEAD_NS;
	s->dispatcher.end_ns = s->dispatcher.start_ns +
			       (uint64_t)(s->opts.seconds * 1e9);
	function_set_go(&s->functions, s->dispatcher.start_ns,
			s->dispatcher.end_ns);
	if (!self_timed && start_dispatcher(s, &thread)) {
		function_set_abandon(&s->functions);
		function_set_close_requests(&s->functions);
		function_set_wait(&s->functions, CHILD_EXIT_TIMEOUT_NS);
		return -1;
	}
	wait_for_window(s);
	if (!self_timed)
		pthread_join(thread, NULL);
	drain(s);
	function_set_close_requests(&s->functions);
	failed = function_set_wait(&s->functions, CHILD_EXIT_TIMEOUT_NS);
	end_ns = monotonic_ns();
	read_cpu_times("/proc/stat", &cpu_after);
	read_lags_stats(LAGS_STATS_PATH, &lags_after);
	getrusage(RUSAGE_SELF, &self_after);

	s->report.elapsed_s = (double)(s->dispatcher.stopped_ns -
				       s->dispatcher.start_ns) / 1e9;
	s->report.wall_s = (double)(end_ns - s->dispatcher.start_ns) / 1e9;
	s->report.issued = self_timed ? 0 : atomic_load(&s->dispatcher.issued);
	s->report.dropped = s->dispatcher.dropped;
	s->report.dispatch_lag = s->dispatcher.lag;	/* self-timed: empty */
	s->report.dispatcher_cpu_ns = s->dispatcher.cpu_ns;
	s->report.generator_voluntary =
		(uint64_t)(self_after.ru_nvcsw - self_before.ru_nvcsw);
	s->report.generator_involuntary =
		(uint64_t)(self_after.ru_nivcsw - self_before.ru_nivcsw);
	s->report.system_switches = cpu_after.context_switches -
				    cpu_before.context_switches;
	s->report.cpu_utilisation =
		cpu_after.total_ticks > cpu_before.total_ticks ?
		(double)(cpu_after.busy_ticks - cpu_before.busy_ticks) /
		(double)(cpu_after.total_ticks - cpu_before.total_ticks) : 0.0;
	s->report.generator_cpu_share =
		(rusage_cpu_s(&self_after) - rusage_cpu_s(&self_before)) /
		(s->report.wall_s * s->report.cpus);
	s->report.generator_max_rss_kib = (uint64_t)self_after.ru_maxrss;
	lags_stats_delta(&lags_before, &lags_after, &s->report.lags);
	summarise_functions(s);
	s->report.unfinished = s->report.issued - s->report.dropped >
			       s->report.completed ?
			       s->report.issued - s->report.dropped -
			       s->report.completed : 0;
	if (s->dispatcher.failed) {
		fprintf(stderr, PROG ": dispatcher: %s\n", s->dispatcher.error);
		s->report.partial = 1;
		s->report.partial_reason = "dispatcher failed";
	}
	if (failed) {
		fprintf(stderr, PROG ": %d function processes failed\n", failed);
		s->report.partial = 1;
		s->report.partial_reason = "function processes failed";
	}
	if (s->interrupted_by) {
		s->report.partial = 1;
		s->report.partial_reason = s->interrupted_by == SIGINT ?
					   "interrupted (SIGINT)" :
					   "terminated by a signal";
	}
	return 0;
}

static int write_reports(struct run_state *s)
{
	const struct bench_options *o = &s->opts;
	int bad = 0;

	if (!o->quiet)
		report_print_table(&s->report, stdout);
	if (o->json)
		bad |= report_write_json(&s->report, o->json);
	if (o->csv)
		bad |= report_write_csv(&s->report, o->csv);
	if (o->hist_csv)
		bad |= report_write_hist_csv(&s->report, o->hist_csv);
	if (o->summary)
		bad |= report_write_summary(&s->report, o->summary);
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct run_state state;
	struct run_state *s = &state;
	int ret, status = 0;

	options_defaults(&s->opts);
	ret = options_parse(&s->opts, argc, argv);
	if (ret)
		return ret == 1 ? 0 : ret;

	/* Signals are taken synchronously by the main thread only; the
	 * function processes inherit the mask and stop via their pipes. */
	sigemptyset(&s->stop_signals);
	sigaddset(&s->stop_signals, SIGINT);
	sigaddset(&s->stop_signals, SIGTERM);
	sigaddset(&s->stop_signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &s->stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	s->report.opts = &s->opts;
	s->report.cpus = capacity_cpus(&s->opts);
	if (s->opts.per_cpu) {
		if ((uint64_t)s->opts.per_cpu * s->report.cpus > MAX_FUNCTIONS) {
			fprintf(stderr, PROG ": --per-cpu %u on %u CPUs is more than "
				"%u functions\n", s->opts.per_cpu, s->report.cpus,
				MAX_FUNCTIONS);
			return 2;
		}
		s->opts.functions = s->opts.per_cpu * s->report.cpus;
	}
	if (probe_generator_thread(&s->opts))
		return EXIT_FAILED;
	s->report.slo_ns = (uint64_t)(s->opts.slo_us * 1e3);
	read_kernel_config(&s->report.kernel);
	s->report.functions = calloc(s->opts.functions,
				     sizeof(*s->report.functions));
	if (!s->report.functions) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_FAILED;
	}
	raise_fd_limit(s->opts.functions);

	if (setup_arrivals(s))
		return EXIT_FAILED;
	if (setup_cost_model(s))
		return EXIT_FAILED;
	if (setup_cgroups(s))
		return EXIT_FAILED;
	if (run(s))
		status = EXIT_FAILED;
	/* Whatever happened, the cgroups go. */
	if (remove_cgroups(s))
		status = EXIT_FAILED;
	if (status == 0 && write_reports(s))
		status = EXIT_FAILED;
	if (status == 0 && s->report.partial)
		status = s->interrupted_by ? EXIT_INTERRUPTED : EXIT_FAILED;
	dispatcher_free(&s->dispatcher);
	function_set_free(&s->functions);
	arrival_source_free(&s->source);
	free(s->streams);
	for (unsigned i = 0; i < s->opts.functions; i++)
		free(s->report.functions[i].cgroup);
	free(s->report.functions);
	return status;
}
