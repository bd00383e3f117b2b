// SPDX-License-Identifier: GPL-2.0
/* Discovering the cpu controller from mountinfo. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cgroup_mounts.h"
#include "tap.h"
#include "unit.h"

/* A host like ours: v1 cpu at a non-standard place, cgroup2 without
 * controllers (the mount points do not exist here, so cgroup2 offers
 * no cpu controller). */
static const char host_like[] =
"31 23 0:28 / /nonexistent/cg rw,relatime - tmpfs tmpfs rw,mode=755\n"
"32 31 0:29 / /nonexistent/cg/cpu\\040x rw,relatime - cgroup cgroup rw,cpu\n"
"33 31 0:30 / /nonexistent/cg/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
"41 31 0:38 / /nonexistent/cg/unified rw,relatime - cgroup2 cgroup2 rw\n";

static const char no_cpu[] =
"33 31 0:30 / /nonexistent/cg/cpuacct rw,relatime shared:1 - cgroup cgroup rw,cpuacct\n"
"garbage line\n";

void test_cgroup_mounts(void)
{
	struct mountinfo_entry entry;
	struct cgroup_mount mount;
	char err[512];
	const char *info, *self;

	tap_ok(mountinfo_parse_line("36 25 0:31 / /sys/fs/cgroup rw,nosuid shared:9 "
				    "- cgroup2 cgroup2 rw,nsdelegate\n", &entry) == 0 &&
	       strcmp(entry.mount_point, "/sys/fs/cgroup") == 0 &&
	       strcmp(entry.fstype, "cgroup2") == 0 &&
	       strcmp(entry.super_options, "rw,nsdelegate") == 0,
	       "cgroup: mountinfo line with optional fields parses");
	tap_ok(mountinfo_parse_line("1 2 3\n", &entry) == -1,
	       "cgroup: a short mountinfo line is rejected");
	tap_ok(option_list_has("rw,cpu,cpuacct", "cpu") &&
	       !option_list_has("rw,cpuacct,cpuset", "cpu"),
	       "cgroup: cpu is told apart from cpuacct and cpuset");

	info = unit_temp_file(host_like);
	{
		char info_path[64];

		snprintf(info_path, sizeof(info_path), "%s", info);
		self = unit_temp_file("2:cpuacct:/\n1:cpu:/jobs/a\n0::/\n");
		tap_ok(cgroup_find_cpu_mount(info_path, self, &mount, err,
					     sizeof(err)) == 0 &&
		       mount.version == 1 &&
		       strcmp(mount.mount_point, "/nonexistent/cg/cpu x") == 0 &&
		       strcmp(mount.self_path, "/jobs/a") == 0,
		       "cgroup: falls back to the v1 cpu hierarchy (escaped path, "
		       "own group)");
		unlink(info_path);
		unlink(self);
	}
	info = unit_temp_file(no_cpu);
	tap_ok(cgroup_find_cpu_mount(info, "/nonexistent", &mount, err,
				     sizeof(err)) == -1 && strstr(err, "cpu"),
	       "cgroup: no cpu controller anywhere is an error that says so");
	unlink(info);
}
