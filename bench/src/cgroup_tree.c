// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cgroup_mounts.h"
#include "cgroup_tree.h"
#include "clock.h"

#define RMDIR_RETRIES 300
#define RMDIR_RETRY_NS (10 * 1000 * 1000)

int write_text_file(const char *path, const char *text, char *err,
		    size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0) {
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len) {
		snprintf(err, errlen, "write '%s' to %s: %s", text, path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int cgroup_join(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	return write_text_file(path, "0", err, errlen);
}

static int remember(struct cgroup_tree *tree, const char *path)
{
	if (tree->n_created == tree->cap_created) {
		size_t cap = tree->cap_created ? 2 * tree->cap_created : 64;
		char **grown = realloc(tree->created, cap * sizeof(*grown));

		if (!grown)
			return -1;
		tree->created = grown;
		tree->cap_created = cap;
	}
	tree->created[tree->n_created] = strdup(path);
	if (!tree->created[tree->n_created])
		return -1;
	tree->n_created++;
	return 0;
}

/* mkdir, remembered; an existing directory of ours is fine. */
static int make_group(struct cgroup_tree *tree, const char *path,
		      int enable_cpu_below, char *err, size_t errlen)
{
	char control[PATH_MAX + 32];

	if (mkdir(path, 0755) == 0) {
		if (remember(tree, path)) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	} else if (errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", path, strerror(errno));
		return -1;
	} else if (strncmp(path, tree->parent, strlen(tree->parent)) != 0) {
		snprintf(err, errlen, "%s exists and is not ours", path);
		return -1;
	}
	if (enable_cpu_below && tree->version == 2) {
		snprintf(control, sizeof(control), "%s/cgroup.subtree_control", path);
		if (!cgroup_file_has_word(control, "cpu") &&
		    write_text_file(control, "+cpu", err, errlen))
			return -1;
	}
	return 0;
}

static int set_limits(const struct cgroup_tree *tree, const char *dir,
		      const struct cgroup_request *request, char *err,
		      size_t errlen)
{
	char path[PATH_MAX + 32], value[64];

	if (request->weight) {
		if (tree->version == 2) {
			snprintf(path, sizeof(path), "%s/cpu.weight", dir);
			snprintf(value, sizeof(value), "%u", request->weight);
		} else {
			snprintf(path, sizeof(path), "%s/cpu.shares", dir);
			snprintf(value, sizeof(value), "%u",
				 request->weight * 1024u / 100u < 2 ? 2 :
				 request->weight * 1024u / 100u);
		}
		if (write_text_file(path, value, err, errlen))
			return -1;
	}
	if (request->cpu_max_us) {
		if (tree->version == 2) {
			snprintf(path, sizeof(path), "%s/cpu.max", dir);
			snprintf(value, sizeof(value), "%u %u", request->cpu_max_us,
				 CPU_MAX_PERIOD_US);
			if (write_text_file(path, value, err, errlen))
				return -1;
		} else {
			snprintf(path, sizeof(path), "%s/cpu.cfs_period_us", dir);
			snprintf(value, sizeof(value), "%u", CPU_MAX_PERIOD_US);
			if (write_text_file(path, value, err, errlen))
				return -1;
			snprintf(path, sizeof(path), "%s/cpu.cfs_quota_us", dir);
			snprintf(value, sizeof(value), "%u", request->cpu_max_us);
			if (write_text_file(path, value, err, errlen))
				return -1;
		}
	}
	return 0;
}

/* A cpu group must show its cpu files, else it is no task group. */
static int check_cpu_group(const struct cgroup_tree *tree, const char *dir,
			   char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	const char *file = tree->version == 2 ? "cpu.weight" : "cpu.shares";

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, F_OK)) {
		snprintf(err, errlen,
			 "%s has no %s: the cpu controller is not enabled there",
			 dir, file);
		return -1;
	}
	return 0;
}

/* The path of function i at the requested depth (Kubernetes-like). */
static void function_group_path(const struct cgroup_tree *tree, unsigned i,
				unsigned depth, char *out, size_t size,
				char levels[4][PATH_MAX + 64], unsigned *n_levels)
{
	static const char *const upper[] = { "kubepods", "burstable" };
	unsigned fixed = depth >= 2 ? depth - 2 : 0;	/* 0..2 upper levels */
	size_t len;

	*n_levels = 0;
	len = (size_t)snprintf(out, size, "%s", tree->parent);
	for (unsigned l = 2 - fixed; l < 2 && fixed; l++) {
		len += (size_t)snprintf(out + len, size - len, "/%s", upper[l]);
		snprintf(levels[(*n_levels)++], PATH_MAX + 64, "%s", out);
	}
	if (depth == 1) {
		snprintf(out + len, size - len, "/f%04u", i);
		return;
	}
	len += (size_t)snprintf(out + len, size - len, "/pod%04u", i);
	snprintf(levels[(*n_levels)++], PATH_MAX + 64, "%s", out);
	snprintf(out + len, size - len, "/ctr");
}

static int choose_base(struct cgroup_tree *tree, const struct cgroup_mount *mount,
		       const struct cgroup_request *request)
{
	size_t n;

	if (request->base)
		n = (size_t)snprintf(tree->base, sizeof(tree->base), "%s",
				     request->base);
	else if (mount->version == 1)
		/* v1 has no internal-process rule: stay in our own group. */
		n = (size_t)snprintf(tree->base, sizeof(tree->base), "%s%s",
				     mount->mount_point,
				     strcmp(mount->self_path, "/") ?
				     mount->self_path : "");
	else
		/* v2: below the root, where +cpu in subtree_control is legal. */
		n = (size_t)snprintf(tree->base, sizeof(tree->base), "%s",
				     mount->mount_point);
	return n >= sizeof(tree->base) ? -1 : 0;
}

int cgroup_tree_create(struct cgroup_tree *tree, const struct cgroup_mount *mount,
		       const struct cgroup_request *request,
		       char *err, size_t errlen)
{
	char path[PATH_MAX + 64], control[PATH_MAX + 32];
	char levels[4][PATH_MAX + 64];
	unsigned n_levels;
	char ignored[256];

	memset(tree, 0, sizeof(*tree));
	tree->version = mount->version;
	tree->functions = request->functions;
	tree->function_group = calloc(request->functions,
				      sizeof(*tree->function_group));
	if (!tree->function_group) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (request->groups == GROUPS_NONE)
		return 0;
	if (choose_base(tree, mount, request)) {
		snprintf(err, errlen, "cgroup base path too long");
		return -1;
	}
	if (tree->version == 2) {
		snprintf(control, sizeof(control), "%s/cgroup.controllers", tree->base);
		if (!cgroup_file_has_word(control, "cpu")) {
			snprintf(err, errlen, "%s does not offer the cpu controller",
				 tree->base);
			return -1;
		}
		snprintf(control, sizeof(control), "%s/cgroup.subtree_control",
			 tree->base);
		if (!cgroup_file_has_word(control, "cpu")) {
			if (write_text_file(control, "+cpu", err, errlen))
				return -1;
			tree->base_cpu_enabled_by_us = 1;
		}
	}
	if (snprintf(tree->parent, sizeof(tree->parent),
		     "%s/" CGROUP_PARENT_PREFIX "%d.%llu", tree->base, (int)getpid(),
		     (unsigned long long)(monotonic_ns() % 1000000000ULL)) >=
	    (int)sizeof(tree->parent) - 64) {
		snprintf(err, errlen, "cgroup path too long: %s", tree->base);
		goto fail;
	}
	if (make_group(tree, tree->parent, 1, err, errlen))
		goto fail;

	if (request->groups == GROUPS_SINGLE) {
		snprintf(path, sizeof(path), "%s/all", tree->parent);
		if (make_group(tree, path, 0, err, errlen) ||
		    check_cpu_group(tree, path, err, errlen) ||
		    set_limits(tree, path, request, err, errlen))
			goto fail;
		for (unsigned i = 0; i < request->functions; i++)
			tree->function_group[i] = tree->created[tree->n_created - 1];
		return 0;
	}
	for (unsigned i = 0; i < request->functions; i++) {
		function_group_path(tree, i, request->depth, path, sizeof(path),
				    levels, &n_levels);
		for (unsigned l = 0; l < n_levels; l++)
			if (make_group(tree, levels[l], 1, err, errlen))
				goto fail;
		if (make_group(tree, path, 0, err, errlen) ||
		    check_cpu_group(tree, path, err, errlen) ||
		    set_limits(tree, path, request, err, errlen))
			goto fail;
		tree->function_group[i] = tree->created[tree->n_created - 1];
	}
	return 0;
fail:
	cgroup_tree_remove(tree, ignored, sizeof(ignored));
	return -1;
}

int cgroup_tree_remove(struct cgroup_tree *tree, char *err, size_t errlen)
{
	struct timespec pause = { 0, RMDIR_RETRY_NS };
	char control[PATH_MAX + 32], ignored[256];
	int ret = 0;

	while (tree->n_created) {
		char *dir = tree->created[tree->n_created - 1];
		int tries = 0;

		/* Exited tasks leave their cgroup a moment after wait(). */
		while (rmdir(dir) && errno == EBUSY && tries++ < RMDIR_RETRIES)
			nanosleep(&pause, NULL);
		if (access(dir, F_OK) == 0 && ret == 0) {
			snprintf(err, errlen, "rmdir %s: %s", dir, strerror(errno));
			ret = -1;
		}
		free(dir);
		tree->n_created--;
	}
	if (tree->base_cpu_enabled_by_us) {
		snprintf(control, sizeof(control), "%s/cgroup.subtree_control",
			 tree->base);
		/* Best effort: someone else may use it by now. */
		write_text_file(control, "-cpu", ignored, sizeof(ignored));
		tree->base_cpu_enabled_by_us = 0;
	}
	free(tree->created);
	tree->created = NULL;
	tree->cap_created = 0;
	free(tree->function_group);
	tree->function_group = NULL;
	return ret;
}
