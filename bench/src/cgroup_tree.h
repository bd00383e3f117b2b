/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroups of one run: a uniquely named parent and, below it, one
 * group per function (or one for all).  Every directory we create is
 * remembered and removed again, deepest first; nothing else is touched.
 */
#ifndef FAAS_CGROUP_TREE_H
#define FAAS_CGROUP_TREE_H

#include <limits.h>
#include <stddef.h>
#include "cgroup_mounts.h"
#include "options.h"

#define CGROUP_PARENT_PREFIX "faas-node-bench."

struct cgroup_tree {
	int version;
	char base[PATH_MAX];		/* where the parent lives */
	char parent[PATH_MAX];
	char **created;			/* in creation order */
	size_t n_created, cap_created;
	char **function_group;		/* per function; NULL: do not move */
	unsigned functions;
	int base_cpu_enabled_by_us;	/* v2: we wrote +cpu at the base */
};

struct cgroup_request {
	enum group_mode groups;
	unsigned functions;
	unsigned depth;
	unsigned weight;
	unsigned cpu_max_us;
	const char *base;		/* NULL: discovered */
};

/* Creates the tree; 0, or -1 with err (what was made is removed). */
int cgroup_tree_create(struct cgroup_tree *tree, const struct cgroup_mount *mount,
		       const struct cgroup_request *request,
		       char *err, size_t errlen);
/* Removes everything created; 0, or -1 with the first failure in err. */
int cgroup_tree_remove(struct cgroup_tree *tree, char *err, size_t errlen);
/* Moves the calling process into dir (all its threads). */
int cgroup_join(const char *dir, char *err, size_t errlen);
/* Writes text to a file; 0, or -1 with "path: why" in err. */
int write_text_file(const char *path, const char *text, char *err,
		    size_t errlen);

#endif
