// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "metrics_proc.h"

/* Parses the numbers after "cpuN" of a schedstat line; 0 or -1. */
static int parse_cpu_line(const char *line, struct schedstat_cpu *c)
{
	char *end;
	const char *p = line + 3;
	unsigned long cpu = strtoul(p, &end, 10);

	if (end == p || (*end != ' ' && *end != '\t'))
		return -1;
	c->cpu = (unsigned)cpu;
	p = end;
	for (int i = 0; i < SCHEDSTAT_FIELDS; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		c->field[i] = strtoull(p, &end, 10);
		if (errno)
			return -1;
		p = end;
	}
	return 0;
}

int schedstat_read(const char *path, struct schedstat *s, char *err,
		   size_t errlen)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	FILE *f = fopen(path, "r");
	int have_version = 0;

	memset(s, 0, sizeof(*s));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		struct schedstat_cpu c, *grown;

		lineno++;
		if (sscanf(line, "version %u", &s->version) == 1) {
			have_version = 1;
			if (s->version < SCHEDSTAT_VERSION_MIN ||
			    s->version > SCHEDSTAT_VERSION_MAX) {
				snprintf(err, errlen,
					 "%s: version %u, only %d..%d are known",
					 path, s->version, SCHEDSTAT_VERSION_MIN,
					 SCHEDSTAT_VERSION_MAX);
				goto fail;
			}
			continue;
		}
		if (strncmp(line, "cpu", 3) != 0)
			continue;
		if (!have_version) {
			snprintf(err, errlen, "%s: a cpu line before the version line", path);
			goto fail;
		}
		if (parse_cpu_line(line, &c) < 0) {
			snprintf(err, errlen, "%s: line %zu: a cpu line needs %d numbers",
				 path, lineno, SCHEDSTAT_FIELDS);
			goto fail;
		}
		grown = realloc(s->cpus, (s->ncpus + 1) * sizeof(*s->cpus));
		if (!grown) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto fail;
		}
		s->cpus = grown;
		s->cpus[s->ncpus++] = c;
	}
	if (!have_version) {
		snprintf(err, errlen, "%s: no version line", path);
		goto fail;
	}
	free(line);
	fclose(f);
	return 0;
fail:
	free(line);
	fclose(f);
	schedstat_free(s);
	return -1;
}

void schedstat_free(struct schedstat *s)
{
	free(s->cpus);
	memset(s, 0, sizeof(*s));
}

int proc_stat_ctxt(const char *path, uint64_t *ctxt, char *err, size_t errlen)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ctxt %" SCNu64, ctxt) == 1) {
			fclose(f);
			return 0;
		}
		/* The rest of an over-long line (intr) is skipped. */
		while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
			;
	}
	fclose(f);
	snprintf(err, errlen, "%s: no ctxt line", path);
	return -1;
}
