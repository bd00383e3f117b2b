// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup_mounts.h"

/* Copies a mountinfo field, undoing the \ooo octal escapes. */
static int copy_field(const char *start, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = start[i];

		if (c == '\\' && i + 3 < len &&
		    start[i + 1] >= '0' && start[i + 1] <= '3') {
			c = (char)((start[i + 1] - '0') * 64 +
				   (start[i + 2] - '0') * 8 + (start[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int mountinfo_parse_line(const char *line, struct mountinfo_entry *entry)
{
	const char *fields[16];
	size_t lengths[16];
	int n = 0, dash = -1;
	const char *p = line;

	while (*p && *p != '\n' && n < 16) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		fields[n] = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		lengths[n] = (size_t)(p - fields[n]);
		if (lengths[n] == 1 && fields[n][0] == '-' && dash < 0 && n >= 6)
			dash = n;
		n++;
	}
	/* id parent major:minor root mount-point options [optional...] -
	 * fstype source super-options */
	if (dash < 0 || n < dash + 4)
		return -1;
	if (copy_field(fields[3], lengths[3], entry->root, sizeof(entry->root)) ||
	    copy_field(fields[4], lengths[4], entry->mount_point,
		       sizeof(entry->mount_point)) ||
	    copy_field(fields[dash + 1], lengths[dash + 1], entry->fstype,
		       sizeof(entry->fstype)) ||
	    copy_field(fields[dash + 3], lengths[dash + 3], entry->super_options,
		       sizeof(entry->super_options)))
		return -1;
	return 0;
}

int option_list_has(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (n == len && strncmp(p, word, len) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

int cgroup_file_has_word(const char *path, const char *word)
{
	char buf[1024], *tok, *save;
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f))
		for (tok = strtok_r(buf, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save))
			if (strcmp(tok, word) == 0)
				found = 1;
	fclose(f);
	return found;
}

/* Our path in the hierarchy: "0::/x" for v2, "N:...cpu...:/x" for v1. */
static void find_self_path(const char *self_cgroup_path, int version,
			   char *out, size_t size)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen(self_cgroup_path, "r");

	snprintf(out, size, "/");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char *first = strchr(line, ':');
		char *second = first ? strchr(first + 1, ':') : NULL;
		int match;

		if (!second)
			continue;
		*second = '\0';
		if (version == 2)
			match = strncmp(line, "0:", 2) == 0 && first[1] == '\0';
		else
			match = option_list_has(first + 1, "cpu");
		if (match) {
			second[1 + strcspn(second + 1, "\n")] = '\0';
			snprintf(out, size, "%s", second + 1);
			break;
		}
	}
	free(line);
	fclose(f);
}

int cgroup_find_cpu_mount(const char *mountinfo_path,
			  const char *self_cgroup_path,
			  struct cgroup_mount *mount, char *err, size_t errlen)
{
	struct mountinfo_entry entry;
	char *line = NULL, controllers[PATH_MAX + 32];
	size_t cap = 0;
	int found_v1 = 0, found_v2 = 0;
	char v1_point[PATH_MAX] = "", v2_point[PATH_MAX] = "";
	FILE *f = fopen(mountinfo_path, "r");

	if (!f) {
		snprintf(err, errlen, "cannot read %s: %m", mountinfo_path);
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		if (mountinfo_parse_line(line, &entry))
			continue;
		if (strcmp(entry.fstype, "cgroup2") == 0 && !found_v2) {
			snprintf(controllers, sizeof(controllers),
				 "%s/cgroup.controllers", entry.mount_point);
			if (cgroup_file_has_word(controllers, "cpu")) {
				found_v2 = 1;
				snprintf(v2_point, sizeof(v2_point), "%s",
					 entry.mount_point);
			}
		} else if (strcmp(entry.fstype, "cgroup") == 0 && !found_v1 &&
			   option_list_has(entry.super_options, "cpu")) {
			found_v1 = 1;
			snprintf(v1_point, sizeof(v1_point), "%s", entry.mount_point);
		}
	}
	free(line);
	fclose(f);
	if (!found_v1 && !found_v2) {
		snprintf(err, errlen,
			 "no cgroup2 mount offers the cpu controller and no cgroup v1 "
			 "hierarchy has it (looked in %s)", mountinfo_path);
		return -1;
	}
	mount->version = found_v2 ? 2 : 1;
	snprintf(mount->mount_point, sizeof(mount->mount_point), "%s",
		 found_v2 ? v2_point : v1_point);
	find_self_path(self_cgroup_path, mount->version, mount->self_path,
		       sizeof(mount->self_path));
	return 0;
}
