// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "proc_counters.h"

int read_cpu_times(const char *proc_stat_path, struct cpu_times *times)
{
	char line[512];
	FILE *f = fopen(proc_stat_path, "r");
	int have_cpu = 0, have_ctxt = 0;

	if (!f)
		return -1;
	memset(times, 0, sizeof(*times));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = { 0 };

		if (strncmp(line, "cpu ", 4) == 0 &&
		    sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) >= 4) {
			for (int i = 0; i < 8; i++)
				times->total_ticks += v[i];
			times->busy_ticks = times->total_ticks - v[3] - v[4];
			have_cpu = 1;
		} else if (sscanf(line, "ctxt %llu", &v[0]) == 1) {
			times->context_switches = v[0];
			have_ctxt = 1;
		}
	}
	fclose(f);
	return have_cpu && have_ctxt ? 0 : -1;
}

int read_lags_stats(const char *path, struct lags_stats *stats)
{
	char *line = NULL, *tok, *save;
	size_t cap = 0;
	FILE *f = fopen(path, "r");
	int ret = -1;

	memset(stats, 0, sizeof(*stats));
	if (!f)
		return 0;
	if (getline(&line, &cap, f) <= 0)
		goto out;
	tok = strtok_r(line, " \t\n", &save);
	if (!tok || strcmp(tok, "cpu") != 0)
		goto out;
	while ((tok = strtok_r(NULL, " \t\n", &save)) &&
	       stats->columns < LAGS_STATS_MAX_COLUMNS)
		snprintf(stats->names[stats->columns++], sizeof(stats->names[0]),
			 "%s", tok);
	while (getline(&line, &cap, f) > 0) {
		unsigned c = 0;

		tok = strtok_r(line, " \t\n", &save);
		if (!tok || strcmp(tok, "total") != 0)
			continue;
		while ((tok = strtok_r(NULL, " \t\n", &save)) && c < stats->columns)
			stats->total[c++] = strtoull(tok, NULL, 10);
		if (c == stats->columns) {
			stats->present = 1;
			ret = 0;
		}
		break;
	}
out:
	free(line);
	fclose(f);
	return ret;
}

void lags_stats_delta(const struct lags_stats *before,
		      const struct lags_stats *after, struct lags_stats *delta)
{
	*delta = *after;
	delta->present = before->present && after->present &&
			 before->columns == after->columns;
	for (unsigned c = 0; delta->present && c < after->columns; c++)
		delta->total[c] = after->total[c] - before->total[c];
}

int64_t lags_stats_get(const struct lags_stats *stats, const char *name)
{
	for (unsigned c = 0; stats->present && c < stats->columns; c++)
		if (strcmp(stats->names[c], name) == 0)
			return (int64_t)stats->total[c];
	return -1;
}

static void read_first_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	if (!fgets(out, (int)size, f))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

void read_kernel_config(struct kernel_config *config)
{
	struct utsname uts;
	DIR *dir;
	struct dirent *entry;
	char path[512];

	memset(config, 0, sizeof(*config));
	if (uname(&uts) == 0) {
		snprintf(config->release, sizeof(config->release), "%.100s", uts.release);
		snprintf(config->machine, sizeof(config->machine), "%.60s", uts.machine);
	}
	dir = opendir("/proc/sys/kernel");
	while (dir && (entry = readdir(dir)) && config->n_sysctls < MAX_SYSCTLS) {
		if (strncmp(entry->d_name, "sched_lags", 10) != 0)
			continue;
		snprintf(config->sysctl_names[config->n_sysctls], 64, "%.60s",
			 entry->d_name);
		snprintf(path, sizeof(path), "/proc/sys/kernel/%.200s", entry->d_name);
		read_first_line(path, config->sysctl_values[config->n_sysctls], 128);
		config->n_sysctls++;
	}
	if (dir)
		closedir(dir);
	read_first_line("/sys/kernel/debug/sched/base_slice_ns",
			config->base_slice_ns, sizeof(config->base_slice_ns));
	read_first_line("/sys/kernel/debug/sched/features", config->features,
			sizeof(config->features));
}
