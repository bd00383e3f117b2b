// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "distributions.h"
#include "json_writer.h"
#include "report.h"

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0.0;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/*
 * Switches by who was switched out: /proc/stat's ctxt counts each switch
 * once, by its previous task, so what the functions (rusage of their
 * processes) and the generator (our own rusage) did not give up was
 * given up by idle, kernel threads or other tasks.
 */
static uint64_t other_switches(const struct run_report *r)
{
	uint64_t known = r->voluntary + r->involuntary +
			 r->generator_voluntary + r->generator_involuntary;

	return r->system_switches > known ? r->system_switches - known : 0;
}

static uint64_t dispatch_lag_max(const struct run_report *r)
{
	const struct histogram *d = &r->dispatch_lag;

	return d->count ? d->max : 0;
}

static const char *dispatch_lag_meaning(const struct bench_options *o)
{
	return o->generator == GENERATOR_SELF ?
	       "timer lag of the functions' own wake-ups" :
	       "send time of the dispatcher";
}

void report_print_table(const struct run_report *r, FILE *out)
{
	const struct bench_options *o = r->opts;
	const struct histogram *h = &r->latency;
	uint64_t switches = r->voluntary + r->involuntary;

	fprintf(out, "faas-node-bench%s%s%s: kernel %s, %u CPUs, %u functions x %u "
		"workers, %s cgroups (v%d, depth %u)\n",
		*o->label ? " [" : "", o->label, *o->label ? "]" : "",
		r->kernel.release, r->cpus, o->functions, o->workers,
		group_mode_name(o->groups), r->cgroup_version, o->depth);
	if (o->arrival == ARRIVAL_CLOSED)
		fprintf(out, "  closed loop (%u in flight per function), %s service "
			"%.0f us, SLO %.1f ms%s\n", o->clients,
			service_shape_name(o->service), o->service_us, ms(r->slo_ns),
			r->partial ? "  ** PARTIAL **" : "");
	else if (o->arrival == ARRIVAL_REPLAY)
		fprintf(out, "  trace replay of %s, SLO %.1f ms%s\n", o->trace,
			ms(r->slo_ns), r->partial ? "  ** PARTIAL **" : "");
	else
		fprintf(out, "  load %.2f (%s, %s service %.0f us, zipf %.2f), "
			"%.1f req/s offered, SLO %.1f ms%s\n",
			o->load, arrival_mode_name(o->arrival),
			service_shape_name(o->service), o->service_us, o->zipf,
			r->offered_rate_per_s, ms(r->slo_ns),
			r->partial ? "  ** PARTIAL **" : "");
	fprintf(out, "  generator %s; %u burst%s per request, I/O wait %.0f us "
		"(%s), fan-out %u; cost model %s",
		generator_mode_name(o->generator), o->bursts, o->bursts == 1 ? "" : "s",
		o->io_us, service_shape_name(o->io_shape), o->fanout,
		r->cost_model ? "on" : "off");
	if (r->cost_model)
		fprintf(out, " (%s, %.0f ns per handover, %s)", r->cost_model->source,
			r->handover_cost_ns, *r->cost_model->cpu_model ?
			r->cost_model->cpu_model : "CPU unknown");
	fprintf(out, "%s%s\n", o->preset ? "; preset " : "",
		o->preset ? o->preset : "");
	fprintf(out, "  %-28s %12.2f s\n", "measured", r->elapsed_s);
	fprintf(out, "  %-28s %12" PRIu64 " (%" PRIu64 " dropped, %" PRIu64
		" unfinished)\n", "requests issued", r->issued, r->dropped,
		r->unfinished);
	fprintf(out, "  %-28s %12" PRIu64 "\n", "requests completed", r->completed);
	fprintf(out, "  %-28s %12.1f req/s\n", "throughput",
		ratio((double)r->completed_in_window, r->elapsed_s));
	if (r->unfinished)
		fprintf(out, "  ** %" PRIu64 " requests (%.1f %%) did not finish: the "
			"latency percentiles below are of the finished ones only, "
			"the node was overloaded **\n", r->unfinished,
			100.0 * ratio((double)r->unfinished, (double)r->issued));
	fprintf(out, "  %-28s %12.1f %%\n", "within SLO",
		100.0 * ratio((double)r->within_slo, (double)r->issued));
	fprintf(out, "  %-28s %12.3f ms\n", "latency mean", hist_mean(h) / 1e6);
	fprintf(out, "  %-28s %12.3f ms\n", "latency p50", ms(hist_percentile(h, 50)));
	fprintf(out, "  %-28s %12.3f ms\n", "latency p90", ms(hist_percentile(h, 90)));
	fprintf(out, "  %-28s %12.3f ms\n", "latency p99", ms(hist_percentile(h, 99)));
	fprintf(out, "  %-28s %12.3f ms\n", "latency p99.9",
		ms(hist_percentile(h, 99.9)));
	fprintf(out, "  %-28s %12.3f ms\n", "latency max", ms(h->count ? h->max : 0));
	fprintf(out, "  %-28s %12" PRIu64 " (%" PRIu64 " voluntary, %" PRIu64
		" involuntary)\n", "context switches", switches, r->voluntary,
		r->involuntary);
	fprintf(out, "  %-28s %12.3f (%.3f involuntary)\n", "switches per request",
		ratio((double)switches, (double)r->completed),
		ratio((double)r->involuntary, (double)r->completed));
	fprintf(out, "  %-28s %12.0f /s (system: %.0f /s)\n", "switch rate",
		ratio((double)switches, r->wall_s),
		ratio((double)r->system_switches, r->wall_s));
	fprintf(out, "  %-28s %12.3f function->function (handovers)\n",
		"per request, by kind", ratio((double)r->handovers, (double)r->completed));
	fprintf(out, "  %-28s %12.3f out of the generator%s\n", "",
		ratio((double)(r->generator_voluntary + r->generator_involuntary),
		      (double)r->completed),
		o->generator == GENERATOR_SELF ? " (its parent polling the clock)" : "");
	fprintf(out, "  %-28s %12.3f rest of the system's (idle, kernel threads, "
		"others)\n", "", ratio((double)other_switches(r), (double)r->completed));
	if (r->cost_model)
		fprintf(out, "  %-28s %12.3f ms CPU (%.2f %% of the functions')\n",
			"charged by the cost model", ms(r->charged_ns),
			100.0 * ratio(r->charged_ns / 1e9, r->function_cpu_s));
	fprintf(out, "  %-28s %12.1f %%\n", "CPU utilisation",
		100.0 * r->cpu_utilisation);
	fprintf(out, "  %-28s %12.2f %%\n", "generator CPU (of capacity)",
		100.0 * r->generator_cpu_share);
	fprintf(out, "  %-28s %12llu KiB\n", "generator max RSS",
		(unsigned long long)r->generator_max_rss_kib);
	fprintf(out, "  %-28s %12" PRIu64 " voluntary, %" PRIu64 " involuntary\n",
		"generator switches", r->generator_voluntary,
		r->generator_involuntary);
	fprintf(out, "  %-28s %12.3f ms mean, %.3f p99, %.3f max (%s)\n",
		"dispatch lag", hist_mean(&r->dispatch_lag) / 1e6,
		ms(hist_percentile(&r->dispatch_lag, 99)), ms(dispatch_lag_max(r)),
		dispatch_lag_meaning(o));
	for (unsigned c = 0; r->lags.present && c < r->lags.columns; c++)
		fprintf(out, "  lags %-23s %12" PRIu64 "\n", r->lags.names[c],
			r->lags.total[c]);
}

static void write_parameters(struct json_writer *w, const struct run_report *r)
{
	const struct bench_options *o = r->opts;

	json_object_begin(w, "parameters");
	json_uint(w, "functions", o->functions);
	json_uint(w, "workers", o->workers);
	json_double(w, "seconds", o->seconds);
	json_double(w, "load", o->load);
	json_uint(w, "cpus", r->cpus);
	json_string(w, "service", service_shape_name(o->service));
	json_double(w, "service_us", o->service_us);
	json_uint(w, "working_set_kib", o->working_set_kib);
	json_string(w, "arrival", arrival_mode_name(o->arrival));
	json_double(w, "zipf", o->zipf);
	json_double(w, "on_ms", o->on_ms);
	json_double(w, "off_ms", o->off_ms);
	json_uint(w, "clients", o->clients);
	if (o->trace)
		json_string(w, "trace", o->trace);
	else
		json_null(w, "trace");
	json_uint(w, "seed", o->seed);
	json_string(w, "groups", group_mode_name(o->groups));
	json_uint(w, "depth", o->depth);
	json_uint(w, "weight", o->weight);
	json_uint(w, "cpu_max_us", o->cpu_max_us);
	json_double(w, "slo_us", o->slo_us);
	json_double(w, "drain_seconds", o->drain_seconds);
	json_string(w, "label", o->label);
	json_string(w, "generator", generator_mode_name(o->generator));
	json_uint(w, "fifo_priority", o->fifo_priority);
	json_string(w, "preset", o->preset ? o->preset : "");
	json_uint(w, "bursts", o->bursts);
	json_double(w, "io_us", o->io_us);
	json_string(w, "io_shape", service_shape_name(o->io_shape));
	json_uint(w, "fanout", o->fanout);
	json_object_begin(w, "cost_model");
	json_bool(w, "on", r->cost_model != NULL);
	json_string(w, "file", r->cost_model ? r->cost_model->source : "");
	json_string(w, "cpu_model", r->cost_model ? r->cost_model->cpu_model : "");
	json_double(w, "ns_per_handover", r->handover_cost_ns);
	json_object_end(w);
	json_object_end(w);
}

static void write_system(struct json_writer *w, const struct run_report *r)
{
	const struct kernel_config *k = &r->kernel;

	json_object_begin(w, "system");
	json_string(w, "kernel", k->release);
	json_string(w, "machine", k->machine);
	json_uint(w, "cpus", r->cpus);
	json_object_begin(w, "cgroup");
	json_uint(w, "version", (uint64_t)r->cgroup_version);
	json_string(w, "parent", r->cgroup_parent ? r->cgroup_parent : "");
	json_object_end(w);
	json_object_begin(w, "sysctl");
	for (unsigned i = 0; i < k->n_sysctls; i++)
		json_string(w, k->sysctl_names[i], k->sysctl_values[i]);
	json_object_end(w);
	json_object_begin(w, "sched_debug");
	json_string(w, "base_slice_ns", k->base_slice_ns);
	json_string(w, "features", k->features);
	json_object_end(w);
	json_object_end(w);
}

static void write_results(struct json_writer *w, const struct run_report *r)
{
	const struct histogram *h = &r->latency;
	uint64_t switches = r->voluntary + r->involuntary;

	json_object_begin(w, "results");
	json_double(w, "elapsed_s", r->elapsed_s);
	json_double(w, "wall_s", r->wall_s);
	json_double(w, "offered_rate_per_s", r->offered_rate_per_s);
	json_uint(w, "issued", r->issued);
	json_uint(w, "dropped", r->dropped);
	json_uint(w, "unfinished", r->unfinished);
	json_uint(w, "completed", r->completed);
	json_uint(w, "completed_in_window", r->completed_in_window);
	json_double(w, "unfinished_fraction",
		    ratio((double)r->unfinished, (double)r->issued));
	json_double(w, "throughput_per_s",
		    ratio((double)r->completed_in_window, r->elapsed_s));
	json_uint(w, "slo_ns", r->slo_ns);
	json_uint(w, "within_slo", r->within_slo);
	json_double(w, "within_slo_fraction",
		    ratio((double)r->within_slo, (double)r->issued));
	json_object_begin(w, "latency_ns");
	json_double(w, "mean", hist_mean(h));
	json_uint(w, "min", h->count ? h->min : 0);
	json_uint(w, "p50", hist_percentile(h, 50));
	json_uint(w, "p90", hist_percentile(h, 90));
	json_uint(w, "p99", hist_percentile(h, 99));
	json_uint(w, "p999", hist_percentile(h, 99.9));
	json_uint(w, "max", h->count ? h->max : 0);
	json_object_end(w);
	json_object_begin(w, "context_switches");
	json_uint(w, "voluntary", r->voluntary);
	json_uint(w, "involuntary", r->involuntary);
	json_uint(w, "total", switches);
	json_double(w, "per_request", ratio((double)switches, (double)r->completed));
	json_double(w, "voluntary_per_request",
		    ratio((double)r->voluntary, (double)r->completed));
	json_double(w, "involuntary_per_request",
		    ratio((double)r->involuntary, (double)r->completed));
	json_double(w, "per_second", ratio((double)switches, r->wall_s));
	json_uint(w, "system_total", r->system_switches);
	json_double(w, "system_per_second",
		    ratio((double)r->system_switches, r->wall_s));
	json_object_begin(w, "by_kind");
	json_uint(w, "function_handovers", r->handovers);
	json_uint(w, "generator_voluntary", r->generator_voluntary);
	json_uint(w, "generator_involuntary", r->generator_involuntary);
	json_uint(w, "other", other_switches(r));
	json_object_end(w);
	json_object_end(w);
	json_object_begin(w, "cpu");
	json_double(w, "utilisation", r->cpu_utilisation);
	json_double(w, "generator_share", r->generator_cpu_share);
	json_double(w, "functions_cpu_s", r->function_cpu_s);
	json_uint(w, "generator_max_rss_kib", r->generator_max_rss_kib);
	json_object_end(w);
	json_uint(w, "max_dispatch_lag_ns", dispatch_lag_max(r));
	json_object_begin(w, "dispatch_lag_ns");
	json_string(w, "meaning", dispatch_lag_meaning(r->opts));
	json_uint(w, "count", r->dispatch_lag.count);
	json_double(w, "mean", hist_mean(&r->dispatch_lag));
	json_uint(w, "p99", hist_percentile(&r->dispatch_lag, 99));
	json_uint(w, "max", dispatch_lag_max(r));
	json_object_end(w);
	json_object_begin(w, "generator");
	json_double(w, "cpu_share", r->generator_cpu_share);
	json_uint(w, "dispatcher_cpu_ns", r->dispatcher_cpu_ns);
	json_uint(w, "voluntary", r->generator_voluntary);
	json_uint(w, "involuntary", r->generator_involuntary);
	json_object_end(w);
	json_uint(w, "io_waits", r->io_waits);
	json_uint(w, "cost_model_charged_ns", r->charged_ns);
	if (r->lags.present) {
		json_object_begin(w, "lags_stats");
		for (unsigned c = 0; c < r->lags.columns; c++)
			json_uint(w, r->lags.names[c], r->lags.total[c]);
		json_object_end(w);
	} else {
		json_null(w, "lags_stats");
	}
	json_object_end(w);
}

static void write_functions(struct json_writer *w, const struct run_report *r)
{
	json_array_begin(w, "functions");
	for (unsigned i = 0; i < r->opts->functions; i++) {
		const struct function_summary *f = &r->functions[i];

		json_object_begin(w, NULL);
		json_uint(w, "id", i);
		json_string(w, "cgroup", f->cgroup ? f->cgroup : "");
		json_double(w, "expected_share", f->expected_share);
		json_uint(w, "issued", f->issued);
		json_uint(w, "dropped", f->dropped);
		json_uint(w, "completed", f->completed);
		json_uint(w, "within_slo", f->within_slo);
		json_double(w, "mean_ns", f->mean_ns);
		json_uint(w, "p50_ns", f->p50_ns);
		json_uint(w, "p99_ns", f->p99_ns);
		json_uint(w, "max_ns", f->max_ns);
		json_uint(w, "voluntary", f->voluntary);
		json_uint(w, "involuntary", f->involuntary);
		json_uint(w, "handovers", f->handovers);
		json_uint(w, "charged_ns", f->charged_ns);
		json_double(w, "cpu_s", f->cpu_s);
		json_double(w, "setup_cpu_s", f->setup_cpu_s);
		json_object_end(w);
	}
	json_array_end(w);
}

static FILE *open_output(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!f)
		fprintf(stderr, "faas-node-bench: cannot write %s: %s\n", path,
			strerror(errno));
	return f;
}

static int close_output(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (f != stdout)
		bad |= fclose(f);
	else
		bad |= fflush(f);
	if (bad) {
		fprintf(stderr, "faas-node-bench: error writing %s\n", path);
		return -1;
	}
	return 0;
}

int report_write_json(const struct run_report *r, const char *path)
{
	struct json_writer w;
	FILE *f = open_output(path);

	if (!f)
		return -1;
	json_init(&w, f);
	json_object_begin(&w, NULL);
	json_string(&w, "tool", "faas-node-bench");
	json_uint(&w, "format", 1);
	json_bool(&w, "partial", r->partial);
	json_string(&w, "partial_reason", r->partial_reason ? r->partial_reason : "");
	write_parameters(&w, r);
	write_system(&w, r);
	write_results(&w, r);
	write_functions(&w, r);
	json_object_end(&w);
	return close_output(f, path);
}

int report_write_csv(const struct run_report *r, const char *path)
{
	FILE *f = open_output(path);

	if (!f)
		return -1;
	fprintf(f, "function,cgroup,expected_share,issued,dropped,completed,"
		"within_slo,mean_ns,p50_ns,p99_ns,max_ns,voluntary,involuntary,"
		"cpu_s,handovers,charged_ns\n");
	for (unsigned i = 0; i < r->opts->functions; i++) {
		const struct function_summary *s = &r->functions[i];

		fprintf(f, "%u,%s,%.6g,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%.0f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%.6f,%" PRIu64 ",%" PRIu64 "\n", i,
			s->cgroup ? s->cgroup : "", s->expected_share,
			s->issued, s->dropped, s->completed, s->within_slo, s->mean_ns,
			s->p50_ns, s->p99_ns, s->max_ns, s->voluntary, s->involuntary,
			s->cpu_s, s->handovers, s->charged_ns);
	}
	return close_output(f, path);
}

int report_write_hist_csv(const struct run_report *r, const char *path)
{
	FILE *f = open_output(path);
	uint64_t seen = 0, low, high;

	if (!f)
		return -1;
	fprintf(f, "latency_ns_low,latency_ns_high,count,cumulative_fraction\n");
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		if (!r->latency.buckets[i])
			continue;
		seen += r->latency.buckets[i];
		hist_bucket_range(i, &low, &high);
		fprintf(f, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f\n", low, high,
			r->latency.buckets[i],
			(double)seen / (double)r->latency.count);
	}
	return close_output(f, path);
}

int report_write_summary(const struct run_report *r, const char *path)
{
	const struct histogram *h = &r->latency;
	uint64_t switches = r->voluntary + r->involuntary;
	FILE *f = open_output(path);

	if (!f)
		return -1;
	fprintf(f, "partial %d\n", r->partial);
	fprintf(f, "throughput_per_s %.3f\n",
		ratio((double)r->completed_in_window, r->elapsed_s));
	fprintf(f, "issued %" PRIu64 "\n", r->issued);
	fprintf(f, "unfinished %" PRIu64 "\n", r->unfinished);
	fprintf(f, "unfinished_fraction %.6f\n",
		ratio((double)r->unfinished, (double)r->issued));
	fprintf(f, "within_slo_fraction %.6f\n",
		ratio((double)r->within_slo, (double)r->issued));
	fprintf(f, "latency_mean_ns %.0f\n", hist_mean(h));
	fprintf(f, "latency_p50_ns %" PRIu64 "\n", hist_percentile(h, 50));
	fprintf(f, "latency_p90_ns %" PRIu64 "\n", hist_percentile(h, 90));
	fprintf(f, "latency_p99_ns %" PRIu64 "\n", hist_percentile(h, 99));
	fprintf(f, "latency_p999_ns %" PRIu64 "\n", hist_percentile(h, 99.9));
	fprintf(f, "switches_per_request %.6f\n",
		ratio((double)switches, (double)r->completed));
	fprintf(f, "voluntary_per_request %.6f\n",
		ratio((double)r->voluntary, (double)r->completed));
	fprintf(f, "involuntary_per_request %.6f\n",
		ratio((double)r->involuntary, (double)r->completed));
	fprintf(f, "switches_per_s %.3f\n", ratio((double)switches, r->wall_s));
	fprintf(f, "system_switches_per_s %.3f\n",
		ratio((double)r->system_switches, r->wall_s));
	fprintf(f, "cpu_utilisation %.6f\n", r->cpu_utilisation);
	fprintf(f, "generator_cpu_share %.6f\n", r->generator_cpu_share);
	fprintf(f, "generator_max_rss_kib %" PRIu64 "\n", r->generator_max_rss_kib);
	fprintf(f, "generator_switches_per_request %.6f\n",
		ratio((double)(r->generator_voluntary + r->generator_involuntary),
		      (double)r->completed));
	fprintf(f, "handovers_per_request %.6f\n",
		ratio((double)r->handovers, (double)r->completed));
	fprintf(f, "other_switches_per_request %.6f\n",
		ratio((double)other_switches(r), (double)r->completed));
	fprintf(f, "dispatch_lag_mean_ns %.0f\n", hist_mean(&r->dispatch_lag));
	fprintf(f, "dispatch_lag_p99_ns %" PRIu64 "\n",
		hist_percentile(&r->dispatch_lag, 99));
	fprintf(f, "dispatch_lag_max_ns %" PRIu64 "\n", dispatch_lag_max(r));
	fprintf(f, "cost_model %d\n", r->cost_model != NULL);
	fprintf(f, "cost_model_charged_share %.6f\n",
		ratio(r->charged_ns / 1e9, r->function_cpu_s));
	/* Counters per request; a maximum is no counter, its delta no rate. */
	for (unsigned c = 0; r->lags.present && c < r->lags.columns; c++)
		if (!strstr(r->lags.names[c], "max"))
			fprintf(f, "lags_%s_per_request %.6f\n", r->lags.names[c],
				ratio((double)r->lags.total[c], (double)r->completed));
	return close_output(f, path);
}
