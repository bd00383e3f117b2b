// SPDX-License-Identifier: GPL-2.0
/* ab-stats: ratios within a repetition, min/median/max, bad input. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"
#include "unit.h"

/* Runs "AB_STATS --tsv FILE", returns its exit status; output in out. */
static int run_ab_stats(const char *tool, const char *input, char *out,
			size_t size)
{
	char command[1024];
	const char *path = unit_temp_file(input);
	char saved[64];
	FILE *pipe;
	size_t n;
	int status;

	snprintf(saved, sizeof(saved), "%s", path);
	snprintf(command, sizeof(command), "%s --tsv %s 2>/dev/null", tool, saved);
	pipe = popen(command, "r");
	if (!pipe)
		return -1;
	n = fread(out, 1, size - 1, pipe);
	out[n] = '\0';
	status = pclose(pipe);
	unlink(saved);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void test_ab_stats(const char *bench_binary)
{
	char dir[512], tool[600], out[4096];
	int rc;

	snprintf(dir, sizeof(dir), "%s", bench_binary);
	snprintf(tool, sizeof(tool), "%s/ab-stats", dirname(dir));
	if (access(tool, X_OK)) {
		tap_skip("ab-stats not built", "ab-stats: ratios by repetition");
		return;
	}
	/* lags/stock per rep: 0.5, 0.6, 0.8 -> min 0.5, median 0.6, max 0.8 */
	rc = run_ab_stats(tool,
			  "# comment\nstock 1 p99 10\nlags 1 p99 5\nstock 2 p99 20\n"
			  "lags 2 p99 12\nstock 3 p99 10\nlags 3 p99 8\n", out,
			  sizeof(out));
	tap_ok(rc == 0 && strstr(out, "p99\tlags\t3\t8\t") &&
	       strstr(out, "\t0.5000\t0.6000\t0.8000"),
	       "ab-stats: ratios to stock within each repetition, min/median/max");
	rc = run_ab_stats(tool, "stock 1 p99\n", out, sizeof(out));
	tap_ok(rc == 1, "ab-stats: a malformed line fails");
}
