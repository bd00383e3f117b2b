// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "metrics_debugfs.h"

char *lags_unescape_path(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' &&
		    in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 +
					(in[3] - '0'));
			in += 4;
		} else if (in[0] == '\\' && in[1] == '\\') {
			*out++ = '\\';
			in += 2;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return s;
}

/* Reads dir/name into t and checks that every column of need exists. */
static int read_table(const char *dir, const char *name,
		      const char *const *need, struct metrics_table *t,
		      char *err, size_t errlen)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (metrics_table_read(path, t, err, errlen) < 0)
		return -1;
	for (; *need; need++) {
		if (metrics_table_col(t, *need) < 0) {
			snprintf(err, errlen, "%s: no column '%s' in the header",
				 path, *need);
			metrics_table_free(t);
			return -1;
		}
	}
	return 0;
}

static int read_mode(const char *dir, char *mode, size_t len, char *err,
		     size_t errlen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/mode", dir);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(mode, (int)len, f) || !mode[0]) {
		snprintf(err, errlen, "%s: empty", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	mode[strcspn(mode, "\n")] = '\0';
	return 0;
}

int lags_debugfs_read(const char *dir, struct lags_debugfs *d, char *err,
		      size_t errlen)
{
	static const char *const stats_cols[] = {
		"cpu", "voluntary", "involuntary", "cross_group", "intra_group",
		"idle", "wait_max_us", NULL
	};
	static const char *const cgroup_cols[] = {
		"path", "switches_in", "switches_out", "cross_in", "cross_out",
		"wait_max_us", NULL
	};
	static const char *const tunable_cols[] = {
		"name", "value", "unit", "owner", NULL
	};
	struct stat st;
	long pc;

	memset(d, 0, sizeof(*d));
	if (stat(dir, &st) < 0 && errno == ENOENT)
		return 1;
	if (read_mode(dir, d->mode, sizeof(d->mode), err, errlen) < 0 ||
	    read_table(dir, "stats", stats_cols, &d->stats, err, errlen) < 0 ||
	    read_table(dir, "cgroups", cgroup_cols, &d->cgroups, err, errlen) < 0 ||
	    read_table(dir, "tunables", tunable_cols, &d->tunables, err, errlen) < 0) {
		lags_debugfs_free(d);
		return -1;
	}
	pc = metrics_table_col(&d->cgroups, "path");
	for (size_t r = 0; r < d->cgroups.nrows; r++)
		lags_unescape_path(d->cgroups.cells[r * d->cgroups.ncols + pc]);
	return 0;
}

void lags_debugfs_free(struct lags_debugfs *d)
{
	metrics_table_free(&d->stats);
	metrics_table_free(&d->cgroups);
	metrics_table_free(&d->tunables);
	d->mode[0] = '\0';
}
