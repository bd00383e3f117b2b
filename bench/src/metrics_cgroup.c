// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "metrics_cgroup.h"

const char *const cpu_stat_key_names[CPU_STAT_NR_KEYS] = {
	[CPU_STAT_USAGE_USEC] = "usage_usec",
	[CPU_STAT_USER_USEC] = "user_usec",
	[CPU_STAT_SYSTEM_USEC] = "system_usec",
	[CPU_STAT_NR_PERIODS] = "nr_periods",
	[CPU_STAT_NR_THROTTLED] = "nr_throttled",
	[CPU_STAT_THROTTLED_USEC] = "throttled_usec",
	[CPU_STAT_NR_BURSTS] = "nr_bursts",
	[CPU_STAT_BURST_USEC] = "burst_usec",
};

int cgroup_cpu_stat_parse(const char *file, struct cgroup_cpu_stat *st,
			  char *err, size_t errlen)
{
	char line[256], key[64];
	uint64_t v;
	FILE *f = fopen(file, "r");

	st->present = 0;
	memset(st->value, 0, sizeof(st->value));
	if (!f) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %" SCNu64, key, &v) != 2)
			continue;
		for (int k = 0; k < CPU_STAT_NR_KEYS; k++) {
			if (strcmp(key, cpu_stat_key_names[k]) == 0) {
				st->value[k] = v;
				st->present |= 1u << k;
			}
		}
	}
	fclose(f);
	return 0;
}

struct walk {
	struct cgroup_cpu_stats *out;
	size_t cap, max;
};

/* Adds the cgroup at dir (its path below the root: rel) when it has a
 * cpu.stat; -1 only when out of memory. */
static int add_cgroup(struct walk *w, const char *dir, const char *rel)
{
	struct cgroup_cpu_stat st;
	char file[4096], ignored[512];

	snprintf(file, sizeof(file), "%s/cpu.stat", dir);
	if (cgroup_cpu_stat_parse(file, &st, ignored, sizeof(ignored)) < 0)
		return 0;	/* gone meanwhile, or no cpu.stat */
	if (w->out->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct cgroup_cpu_stat *grown = realloc(w->out->cg, cap * sizeof(*grown));

		if (!grown)
			return -1;
		w->out->cg = grown;
		w->cap = cap;
	}
	st.path = strdup(*rel ? rel : "/");
	if (!st.path)
		return -1;
	w->out->cg[w->out->n++] = st;
	return 0;
}

static int walk_dir(struct walk *w, const char *dir, const char *rel)
{
	DIR *d;
	struct dirent *e;

	if (w->out->n >= w->max) {
		w->out->truncated = 1;
		return 0;
	}
	if (add_cgroup(w, dir, rel) < 0)
		return -1;
	d = opendir(dir);
	if (!d)
		return 0;	/* removed meanwhile */
	while ((e = readdir(d))) {
		char sub[4096], subrel[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= sizeof(sub) ||
		    (size_t)snprintf(subrel, sizeof(subrel), "%s/%s", rel, e->d_name) >= sizeof(subrel))
			continue;
		if (lstat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (walk_dir(w, sub, subrel) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct cgroup_cpu_stat *)a)->path,
		      ((const struct cgroup_cpu_stat *)b)->path);
}

int cgroup_cpu_stats_read(const char *root, size_t max,
			  struct cgroup_cpu_stats *out, char *err,
			  size_t errlen)
{
	struct walk w = { .out = out, .max = max };
	char probe[4096];

	memset(out, 0, sizeof(*out));
	snprintf(probe, sizeof(probe), "%s/cgroup.controllers", root);
	if (access(probe, R_OK) < 0) {
		int why = errno;

		snprintf(probe, sizeof(probe), "%s/cpu", root);
		if (access(probe, F_OK) == 0)
			snprintf(err, errlen, "%s is cgroup v1 (no cgroup.controllers): "
				 "per-cgroup cpu.stat is read from cgroup v2 only", root);
		else
			snprintf(err, errlen, "%s is not a cgroup v2 hierarchy "
				 "(no cgroup.controllers: %s)", root, strerror(why));
		return -1;
	}
	if (walk_dir(&w, root, "") < 0) {
		snprintf(err, errlen, "%s: out of memory", root);
		cgroup_cpu_stats_free(out);
		return -1;
	}
	qsort(out->cg, out->n, sizeof(*out->cg), by_path);
	return 0;
}

void cgroup_cpu_stats_free(struct cgroup_cpu_stats *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->cg[i].path);
	free(s->cg);
	memset(s, 0, sizeof(*s));
}
