// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "metrics_expo.h"
#include "metrics_publish.h"

/* Columns of stats that are not LAGS event counters. */
static const char *const module_stats_cols[] = {
	"cpu", "switches", "voluntary", "involuntary", "cross_group",
	"intra_group", "idle", "wait_max_us", NULL
};

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int is_module_col(const char *name)
{
	for (const char *const *c = module_stats_cols; *c; c++)
		if (strcmp(*c, name) == 0)
			return 1;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * One sample per CPU row of stats (the "total" row is left out: it is
 * the sum, and counts CPUs taken offline) for column col, its value
 * scaled by 10^-digits, with an optional second label.
 */
static void stats_samples(struct expo_writer *w, const struct metrics_table *t,
			  const char *col, unsigned digits, const char *lname,
			  const char *lvalue)
{
	long c = metrics_table_col(t, col), cpu = metrics_table_col(t, "cpu");
	char num[EXPO_NUMBER_LEN];
	uint64_t v;

	if (c < 0)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *cpuname = metrics_table_cell(t, r, cpu);
		struct expo_label l[2] = { { "cpu", cpuname }, { lname, lvalue } };

		if (strcmp(cpuname, "total") == 0 ||
		    parse_u64(metrics_table_cell(t, r, c), &v) < 0)
			continue;
		expo_sample(w, l, lname ? 2 : 1, expo_scaled(num, v, digits));
	}
}

static void publish_stats(struct expo_writer *w, const struct metrics_table *t)
{
	char event[64];

	expo_family(w, "lags_context_switches_total", "counter",
		    "Context switches per CPU by kind: voluntary (the task blocked) "
		    "or involuntary (preempted or still runnable); the kinds add up "
		    "to all switches (lags.ko stats).");
	stats_samples(w, t, "voluntary", 0, "kind", "voluntary");
	stats_samples(w, t, "involuntary", 0, "kind", "involuntary");

	expo_family(w, "lags_group_switches_total", "counter",
		    "Context switches per CPU between different task groups "
		    "(cross_group) or within one (intra_group); the kinds add up "
		    "to all switches (lags.ko stats).");
	stats_samples(w, t, "cross_group", 0, "kind", "cross_group");
	stats_samples(w, t, "intra_group", 0, "kind", "intra_group");

	expo_family(w, "lags_idle_switches_total", "counter",
		    "Context switches per CPU to or from the idle task (lags.ko stats).");
	stats_samples(w, t, "idle", 0, NULL, NULL);

	expo_family(w, "lags_runnable_wait_max_seconds", "gauge",
		    "Longest runnable wait of a task on the CPU since the last "
		    "reset (lags.ko stats wait_max_us).");
	stats_samples(w, t, "wait_max_us", 6, NULL, NULL);

	expo_family(w, "lags_events_total", "counter",
		    "LAGS policy events per CPU, one per event column of lags.ko "
		    "stats (patched kernels; since the last reset).");
	for (size_t c = 0; c < t->ncols; c++)
		if (!is_module_col(t->cols[c]) && !ends_with(t->cols[c], "_ns"))
			stats_samples(w, t, t->cols[c], 0, "event", t->cols[c]);

	expo_family(w, "lags_event_seconds_total", "counter",
		    "Time accounted to LAGS policy events per CPU, one per "
		    "nanosecond column (NAME_ns) of lags.ko stats, event=NAME.");
	for (size_t c = 0; c < t->ncols; c++) {
		size_t n = strlen(t->cols[c]);

		if (is_module_col(t->cols[c]) || !ends_with(t->cols[c], "_ns") ||
		    n - 3 >= sizeof(event))
			continue;
		memcpy(event, t->cols[c], n - 3);
		event[n - 3] = '\0';
		stats_samples(w, t, t->cols[c], 9, "event", event);
	}
}

/* One sample per cgroup row for column col, scaled by 10^-digits. */
static void cgroup_samples(struct expo_writer *w, const struct metrics_table *t,
			   const char *col, unsigned digits, const char *direction)
{
	long c = metrics_table_col(t, col), p = metrics_table_col(t, "path");
	char num[EXPO_NUMBER_LEN];
	uint64_t v;

	for (size_t r = 0; r < t->nrows; r++) {
		struct expo_label l[2] = {
			{ "cgroup", metrics_table_cell(t, r, p) },
			{ "direction", direction },
		};

		if (parse_u64(metrics_table_cell(t, r, c), &v) < 0)
			continue;
		expo_sample(w, l, direction ? 2 : 1, expo_scaled(num, v, digits));
	}
}

static void publish_cgroups(struct expo_writer *w, const struct metrics_table *t)
{
	expo_family(w, "lags_cgroup_switches_total", "counter",
		    "Context switches of tasks of the cgroup: in (got the CPU) and "
		    "out (left it); the cgroup_top busiest cgroups and (other) "
		    "(lags.ko cgroups).");
	cgroup_samples(w, t, "switches_in", 0, "in");
	cgroup_samples(w, t, "switches_out", 0, "out");

	expo_family(w, "lags_cgroup_cross_group_switches_total", "counter",
		    "Context switches of the cgroup's tasks that replaced (in) or "
		    "were replaced by (out) a task of another cgroup (lags.ko cgroups).");
	cgroup_samples(w, t, "cross_in", 0, "in");
	cgroup_samples(w, t, "cross_out", 0, "out");

	expo_family(w, "lags_cgroup_runnable_wait_max_seconds", "gauge",
		    "Longest runnable wait of a task of the cgroup since the last "
		    "reset (lags.ko cgroups wait_max_us).");
	cgroup_samples(w, t, "wait_max_us", 6, NULL);
}

char *metrics_tunable_value(char *buf, uint64_t value, const char *unit_in,
			    const char **unit)
{
	static const struct { const char *in, *out; unsigned digits; } conv[] = {
		{ "ns", "seconds", 9 }, { "us", "seconds", 6 },
		{ "ms", "seconds", 3 }, { "%", "ratio", 2 },
	};

	for (size_t i = 0; i < sizeof(conv) / sizeof(conv[0]); i++) {
		if (strcmp(unit_in, conv[i].in) == 0) {
			*unit = conv[i].out;
			return expo_scaled(buf, value, conv[i].digits);
		}
	}
	*unit = strcmp(unit_in, "-") == 0 ? "" : unit_in;
	return expo_scaled(buf, value, 0);
}

static void publish_tunables(struct expo_writer *w, const struct metrics_table *t)
{
	long name = metrics_table_col(t, "name"), value = metrics_table_col(t, "value");
	long unit = metrics_table_col(t, "unit"), owner = metrics_table_col(t, "owner");
	char num[EXPO_NUMBER_LEN];
	uint64_t v;

	expo_family(w, "lags_tunable", "gauge",
		    "A setting in force, as lags.ko tunables lists it (name is the "
		    "debugfs file, owner kernel or module); us, ms, ns are given in "
		    "seconds and % as a ratio, with the unit label saying so.");
	for (size_t r = 0; r < t->nrows; r++) {
		const char *u;
		struct expo_label l[3];
		char *text;

		if (parse_u64(metrics_table_cell(t, r, value), &v) < 0)
			continue;
		text = metrics_tunable_value(num, v, metrics_table_cell(t, r, unit), &u);
		l[0] = (struct expo_label){ "name", metrics_table_cell(t, r, name) };
		l[1] = (struct expo_label){ "owner", metrics_table_cell(t, r, owner) };
		l[2] = (struct expo_label){ "unit", u };
		expo_sample(w, l, 3, text);
	}
}

static void publish_schedstat(struct expo_writer *w, const struct schedstat *s)
{
	static const struct {
		const char *name, *help;
		enum schedstat_field field;
		unsigned digits;
	} fam[] = {
		{ "lags_schedstat_schedule_calls_total",
		  "schedule() calls on the CPU (/proc/schedstat field 3; counts "
		  "only while schedstats are on).", SCHEDSTAT_SCHEDULE, 0 },
		{ "lags_schedstat_schedule_idle_total",
		  "schedule() calls that left the CPU idle (/proc/schedstat field 4; "
		  "schedstats on).", SCHEDSTAT_SCHEDULE_IDLE, 0 },
		{ "lags_schedstat_yield_calls_total",
		  "sched_yield() calls (/proc/schedstat field 1; schedstats on).",
		  SCHEDSTAT_YIELD, 0 },
		{ "lags_schedstat_wakeups_total",
		  "try_to_wake_up() calls on the CPU (/proc/schedstat field 5; "
		  "schedstats on).", SCHEDSTAT_WAKEUPS, 0 },
		{ "lags_schedstat_wakeups_local_total",
		  "try_to_wake_up() calls that woke a task on this CPU "
		  "(/proc/schedstat field 6; schedstats on).", SCHEDSTAT_WAKEUPS_LOCAL, 0 },
		{ "lags_schedstat_run_seconds_total",
		  "Time tasks ran on the CPU (/proc/schedstat field 7, ns).",
		  SCHEDSTAT_RUN_NS, 9 },
		{ "lags_schedstat_wait_seconds_total",
		  "Time tasks waited to run on the CPU (/proc/schedstat field 8, ns).",
		  SCHEDSTAT_WAIT_NS, 9 },
		{ "lags_schedstat_timeslices_total",
		  "Time slices run on the CPU: times a task got it "
		  "(/proc/schedstat field 9).", SCHEDSTAT_TIMESLICES, 0 },
	};
	char num[EXPO_NUMBER_LEN], cpu[16];

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		expo_family(w, fam[f].name, "counter", fam[f].help);
		for (size_t i = 0; i < s->ncpus; i++) {
			struct expo_label l = { "cpu", cpu };

			snprintf(cpu, sizeof(cpu), "%u", s->cpus[i].cpu);
			expo_sample(w, &l, 1, expo_scaled(num, s->cpus[i].field[fam[f].field],
							  fam[f].digits));
		}
	}
}

static void publish_cpu_stat(struct expo_writer *w, const struct cgroup_cpu_stats *s)
{
	static const struct {
		const char *name, *help;
		enum cpu_stat_key key;
		unsigned digits;
	} fam[] = {
		{ "lags_cgroup_cpu_usage_seconds_total",
		  "CPU time of the cgroup's tasks (cpu.stat usage_usec).",
		  CPU_STAT_USAGE_USEC, 6 },
		{ "lags_cgroup_cpu_user_seconds_total",
		  "User CPU time of the cgroup's tasks (cpu.stat user_usec).",
		  CPU_STAT_USER_USEC, 6 },
		{ "lags_cgroup_cpu_system_seconds_total",
		  "System CPU time of the cgroup's tasks (cpu.stat system_usec).",
		  CPU_STAT_SYSTEM_USEC, 6 },
		{ "lags_cgroup_cpu_periods_total",
		  "cpu.max enforcement periods that elapsed (cpu.stat nr_periods).",
		  CPU_STAT_NR_PERIODS, 0 },
		{ "lags_cgroup_cpu_throttled_periods_total",
		  "Periods in which the cgroup was throttled (cpu.stat nr_throttled).",
		  CPU_STAT_NR_THROTTLED, 0 },
		{ "lags_cgroup_cpu_throttled_seconds_total",
		  "Time the cgroup was throttled (cpu.stat throttled_usec).",
		  CPU_STAT_THROTTLED_USEC, 6 },
		{ "lags_cgroup_cpu_bursts_total",
		  "Periods in which the cgroup used its cpu.max.burst (cpu.stat nr_bursts).",
		  CPU_STAT_NR_BURSTS, 0 },
		{ "lags_cgroup_cpu_burst_seconds_total",
		  "Time the cgroup ran on burst (cpu.stat burst_usec).",
		  CPU_STAT_BURST_USEC, 6 },
	};
	char num[EXPO_NUMBER_LEN];

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		expo_family(w, fam[f].name, "counter", fam[f].help);
		for (size_t i = 0; i < s->n; i++) {
			const struct cgroup_cpu_stat *cg = &s->cg[i];
			struct expo_label l = { "cgroup", cg->path };

			if (!(cg->present & (1u << fam[f].key)))
				continue;
			expo_sample(w, &l, 1, expo_scaled(num, cg->value[fam[f].key],
							  fam[f].digits));
		}
	}
}

static void publish_sources(struct expo_writer *w, const struct metrics_readings *r)
{
	const struct { const char *name; int up; } src[] = {
		{ "lags_debugfs", r->have_lags },
		{ "schedstat", r->have_schedstat },
		{ "proc_stat", r->have_ctxt },
		{ "cgroup_cpu_stat", r->have_cgroups },
	};

	expo_family(w, "lags_module_loaded", "gauge",
		    "1 when lags.ko's debugfs directory was read, else 0.");
	expo_sample(w, NULL, 0, r->have_lags ? "1" : "0");
	expo_family(w, "lags_source_up", "gauge",
		    "1 when the source was read in this pass, 0 when it was "
		    "missing or malformed (lags-metrics says why on stderr).");
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		struct expo_label l = { "source", src[i].name };

		expo_sample(w, &l, 1, src[i].up ? "1" : "0");
	}
	if (r->have_lags) {
		struct expo_label l = { "mode", r->lags.mode };

		expo_family(w, "lags_module_info", "gauge",
			    "lags.ko's mode (patched or observe-only); always 1.");
		expo_sample(w, &l, 1, "1");
	}
	if (r->have_cgroups) {
		expo_family(w, "lags_cgroup_cpu_stat_truncated", "gauge",
			    "1 when more cgroups existed than lags-metrics reads "
			    "(--max-cgroups), else 0.");
		expo_sample(w, NULL, 0, r->cgroups.truncated ? "1" : "0");
	}
}

int metrics_publish(FILE *out, const struct metrics_readings *r)
{
	struct expo_writer w = { .out = out };
	char num[EXPO_NUMBER_LEN];

	publish_sources(&w, r);
	if (r->have_lags) {
		publish_stats(&w, &r->lags.stats);
		publish_cgroups(&w, &r->lags.cgroups);
		publish_tunables(&w, &r->lags.tunables);
	}
	if (r->have_ctxt) {
		expo_family(&w, "lags_node_context_switches_total", "counter",
			    "Context switches of all CPUs since boot (/proc/stat ctxt).");
		expo_sample(&w, NULL, 0, expo_scaled(num, r->ctxt, 0));
	}
	if (r->have_schedstat)
		publish_schedstat(&w, &r->schedstat);
	if (r->have_cgroups)
		publish_cpu_stat(&w, &r->cgroups);
	return ferror(out) ? -1 : 0;
}
