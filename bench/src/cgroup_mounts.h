/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the cpu controller: a cgroup2 mount whose root offers "cpu",
 * else a cgroup v1 hierarchy with the cpu controller.  Mount points come
 * from mountinfo, never from a fixed path.
 */
#ifndef FAAS_CGROUP_MOUNTS_H
#define FAAS_CGROUP_MOUNTS_H

#include <limits.h>
#include <stddef.h>

struct cgroup_mount {
	int version;			/* 1 or 2 */
	char mount_point[PATH_MAX];
	char self_path[PATH_MAX];	/* our cgroup, relative to the mount */
};

struct mountinfo_entry {
	char root[PATH_MAX];
	char mount_point[PATH_MAX];
	char fstype[64];
	char super_options[512];
};

/* Parses one mountinfo line; 0 or -1 when malformed. */
int mountinfo_parse_line(const char *line, struct mountinfo_entry *entry);
/* Whether a comma-separated option list holds the word. */
int option_list_has(const char *list, const char *word);
/*
 * Whether the first line of a cgroup file (cgroup.controllers,
 * cgroup.subtree_control) holds the word; 0 when it cannot be read.
 */
int cgroup_file_has_word(const char *path, const char *word);

/*
 * Picks the cpu cgroup mount from a mountinfo file and our cgroup from
 * a /proc/PID/cgroup file.  0, or -1 with the reason in err.
 */
int cgroup_find_cpu_mount(const char *mountinfo_path,
			  const char *self_cgroup_path,
			  struct cgroup_mount *mount, char *err, size_t errlen);

#endif
