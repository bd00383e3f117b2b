// SPDX-License-Identifier: GPL-2.0
/*
 * A run stopped by SIGTERM writes a partial report and leaves no cgroup
 * behind.  Needs root and a cpu cgroup hierarchy; skipped otherwise.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cgroup_mounts.h"
#include "cgroup_tree.h"
#include "run_child.h"
#include "tap.h"
#include "unit.h"

/* Counts directories named faas-node-bench.PID.* below dir (depth 1). */
static int count_parents(const char *dir, pid_t pid)
{
	char prefix[64];
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	snprintf(prefix, sizeof(prefix), CGROUP_PARENT_PREFIX "%d.", (int)pid);
	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	if (d)
		closedir(d);
	return n;
}

static int file_contains(const char *path, const char *text)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, text) != NULL;
}

static void wait_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

void test_cleanup(const char *bench_binary)
{
	struct cgroup_mount mount;
	char err[512], base[PATH_MAX * 2], json[64];
	int seen_during, status;
	pid_t pid;

	if (geteuid() != 0 ||
	    cgroup_find_cpu_mount("/proc/self/mountinfo", "/proc/self/cgroup",
				  &mount, err, sizeof(err))) {
		tap_skip("needs root and a cpu cgroup", "cleanup: SIGTERM leaves no cgroup");
		tap_skip("needs root and a cpu cgroup", "cleanup: partial report");
		return;
	}
	if (mount.version == 1 && strcmp(mount.self_path, "/"))
		snprintf(base, sizeof(base), "%s%s", mount.mount_point, mount.self_path);
	else
		snprintf(base, sizeof(base), "%s", mount.mount_point);
	snprintf(json, sizeof(json), "/tmp/faas-unit-cleanup.%d.json", (int)getpid());
	{
		char *argv[] = { (char *)bench_binary, "--functions", "8", "--seconds",
				 "30", "--load", "0.3", "--quiet", "--json", json,
				 "--depth", "4", NULL };

		pid = start_child(argv);
	}
	/* Wait until its groups exist (at most 5 s), then stop it. */
	for (int i = 0; i < 50 && !count_parents(base, pid); i++)
		wait_ms(100);
	seen_during = count_parents(base, pid);
	wait_ms(500);
	kill(pid, SIGTERM);
	status = wait_child(pid);
	tap_diag("cgroups below %s during the run: %d, exit status %d", base,
		 seen_during, status);
	tap_ok(seen_during == 1 && count_parents(base, pid) == 0 && status == 3,
	       "cleanup: SIGTERM exits 3 and leaves no cgroup (depth 4)");
	tap_ok(file_contains(json, "\"partial\": true"),
	       "cleanup: the report of a stopped run is marked partial");
	unlink(json);
}
